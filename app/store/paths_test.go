package store

import (
	"errors"
	"path/filepath"
	"runtime"
	"testing"
)

func TestDefaultPathFollowsXDG(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("XDG applies to Linux and BSD")
	}
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	got, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "smartpoint", "counter.db"); got != want {
		t.Fatalf("DefaultPath = %q, want %q", got, want)
	}

	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, xdg := range []string{"", "relative/dir"} {
		t.Setenv("XDG_DATA_HOME", xdg)
		got, err := DefaultPath()
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(home, ".local", "share", "smartpoint", "counter.db"); got != want {
			t.Fatalf("XDG_DATA_HOME=%q: DefaultPath = %q, want %q", xdg, got, want)
		}
	}
}

func TestDefaultPathPerOS(t *testing.T) {
	env := map[string]string{"LOCALAPPDATA": "/lad", "XDG_DATA_HOME": "/xdg"}
	getenv := func(k string) string { return env[k] }
	home := func() (string, error) { return "/home/u", nil }
	for _, c := range []struct{ goos, want string }{
		{"linux", filepath.Join("/xdg", "smartpoint", "counter.db")},
		{"freebsd", filepath.Join("/xdg", "smartpoint", "counter.db")},
		{"windows", filepath.Join("/lad", "SmartPoint", "counter.db")},
		{"darwin", filepath.Join("/home/u", "Library", "Application Support", "SmartPoint", "counter.db")},
	} {
		got, err := defaultPath(c.goos, getenv, home)
		if err != nil || got != c.want {
			t.Errorf("%s: %q, %v; want %q", c.goos, got, err, c.want)
		}
	}
	delete(env, "LOCALAPPDATA")
	if got, _ := defaultPath("windows", getenv, home); got != filepath.Join("/home/u", "AppData", "Local", "SmartPoint", "counter.db") {
		t.Errorf("windows without LOCALAPPDATA: %q", got)
	}
	noHome := func() (string, error) { return "", errors.New("no home") }
	if _, err := defaultPath("darwin", getenv, noHome); err == nil {
		t.Error("no home directory: want an error")
	}
}

func TestResolvePathOrder(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvDB, filepath.Join(dir, "env.db"))
	if got, _ := ResolvePath(filepath.Join(dir, "flag.db")); got != filepath.Join(dir, "flag.db") {
		t.Errorf("flag: %q", got)
	}
	if got, _ := ResolvePath(""); got != filepath.Join(dir, "env.db") {
		t.Errorf("env: %q", got)
	}
	t.Setenv(EnvDB, "")
	want, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ResolvePath(""); got != want {
		t.Errorf("default: %q, want %q", got, want)
	}
	got, err := ResolvePath("rel.db")
	if err != nil || !filepath.IsAbs(got) || filepath.Base(got) != "rel.db" {
		t.Errorf("relative flag: %q, %v; want an absolute path", got, err)
	}
}

func TestBackupDir(t *testing.T) {
	if got, want := BackupDir(filepath.Join("/data", "sp", "counter.db")), filepath.Join("/data", "sp", "backups"); got != want {
		t.Fatalf("BackupDir = %q, want %q", got, want)
	}
}
