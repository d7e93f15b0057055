// Package i18ntest holds translation checks that other packages' tests
// call: error codes are registered at init by the packages that own them,
// so only a test that imports those packages can see them all.
package i18ntest

import (
	"strings"
	"testing"

	"smartpoint/app/errs"
	"smartpoint/app/i18n"
)

// CheckCodes fails t for every code in errs.Codes() whose "err."+code key
// is missing from some language file (fallback to ru does not count).
// A nil c means i18n.Default().
func CheckCodes(t testing.TB, c *i18n.Catalog) {
	t.Helper()
	if c == nil {
		c = i18n.Default()
	}
	for _, l := range i18n.All {
		var missing []string
		for _, code := range errs.Codes() {
			if !c.Has(l, code.Key()) {
				missing = append(missing, code.Key())
			}
		}
		if len(missing) > 0 {
			t.Errorf("i18n: %s.json lacks %d error translation(s): %s",
				l, len(missing), strings.Join(missing, ", "))
		}
	}
}
