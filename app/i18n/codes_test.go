package i18n_test

import (
	"testing"

	"smartpoint/app/i18n"
	"smartpoint/app/i18n/i18ntest"
)

// Only codes of packages linked into this test binary are visible here;
// the packages that register codes call i18ntest.CheckCodes themselves.
func TestErrorCodesTranslated(t *testing.T) {
	i18ntest.CheckCodes(t, i18n.Default())
}
