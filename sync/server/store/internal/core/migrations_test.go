package core

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadMigrations(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_more.sql":  {Data: []byte("B")},
		"m/0001_init.sql":  {Data: []byte("A")},
		"m/README.md":      {Data: []byte("not a script")},
		"gap/0001_a.sql":   {Data: []byte("A")},
		"gap/0003_c.sql":   {Data: []byte("C")},
		"bad/init.sql":     {Data: []byte("A")},
		"twice/0001_a.sql": {Data: []byte("A")},
		"twice/0001_b.sql": {Data: []byte("B")},
	}
	ms, err := LoadMigrations(fsys, "m")
	if err != nil || len(ms) != 2 || ms[0] != (Migration{1, "0001_init", "A"}) || ms[1] != (Migration{2, "0002_more", "B"}) {
		t.Fatalf("LoadMigrations = %+v, %v", ms, err)
	}
	for dir, want := range map[string]string{"gap": "without gaps", "bad": "without a number", "twice": "without gaps", "none": "migrations:"} {
		if _, err := LoadMigrations(fsys, dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error saying %q", dir, err, want)
		}
	}
}
