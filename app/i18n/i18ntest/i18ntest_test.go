package i18ntest

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"smartpoint/app/errs"
	"smartpoint/app/i18n"
)

// Registered only in this test binary, so the real registry is untouched.
var fakeCode = errs.Register("i18ntest.fake")

// recorder captures failures instead of failing the real test.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func catalog(t *testing.T, withKey map[i18n.Lang]bool) *i18n.Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, l := range i18n.All {
		data := "{}"
		if withKey[l] {
			data = `{"` + fakeCode.Key() + `": "x"}`
		}
		fsys["d/"+string(l)+".json"] = &fstest.MapFile{Data: []byte(data)}
	}
	c, err := i18n.Load(fsys, "d")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCheckCodesReportsMissing(t *testing.T) {
	r := &recorder{TB: t}
	CheckCodes(r, catalog(t, map[i18n.Lang]bool{i18n.RU: true, i18n.EN: true}))
	got := strings.Join(r.errors, "\n")
	if len(r.errors) != 2 || !strings.Contains(got, "ky.json") || !strings.Contains(got, "sr.json") ||
		!strings.Contains(got, fakeCode.Key()) {
		t.Errorf("want failures for ky and sr naming %s, got:\n%s", fakeCode.Key(), got)
	}
}

func TestCheckCodesPassesWhenComplete(t *testing.T) {
	r := &recorder{TB: t}
	all := map[i18n.Lang]bool{}
	for _, l := range i18n.All {
		all[l] = true
	}
	CheckCodes(r, catalog(t, all))
	if len(r.errors) != 0 {
		t.Errorf("unexpected failures: %v", r.errors)
	}
}
