package loyaltycard

import (
	"testing"

	"smartpoint/app/i18n"
	"smartpoint/app/i18n/i18ntest"
)

// Every error the owner or the clerk can meet here reads well in every
// language, and so do the default card texts.
func TestEveryCodeIsTranslated(t *testing.T) {
	i18ntest.CheckCodes(t, nil)
	c := i18n.Default()
	for _, l := range i18n.All {
		for _, k := range []string{"loyaltycard.default_title", "loyaltycard.default_reward", "loyaltycard.default_terms"} {
			if !c.Has(l, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
	}
}
