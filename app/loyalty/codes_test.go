package loyalty

import (
	"strings"
	"testing"

	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/i18n/i18ntest"
)

// Every error a clerk can cause, every event the timeline shows and every
// label of the history must read well in every language.
func TestEveryCodeEventAndLabelIsTranslated(t *testing.T) {
	i18ntest.CheckCodes(t, nil)
	c := i18n.Default()
	var keys []string
	for _, k := range EventKinds {
		keys = append(keys, "event."+k)
	}
	for _, k := range MoveKinds {
		keys = append(keys, "loyalty.move."+k)
	}
	for _, r := range RevokeReasons {
		keys = append(keys, "loyalty.revoke."+r)
	}
	for _, l := range i18n.All {
		for _, k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s: missing %q", l, k)
			}
		}
	}
}

// The messages a clerk reads render their arguments in every language:
// the existing member's card is offered when there is one.
func TestMessagesRenderTheirArguments(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.enrol("0555 123 456")
	_, err := e.l.Enrol(e.ctx, e.owner, "0555 123 456", "", true)
	c := i18n.Default()
	for _, l := range i18n.All {
		msg := c.Err(l, err)
		if !strings.Contains(msg, FormatCode(card.Code)) || !strings.Contains(msg, "+996•••••3456") || strings.Contains(msg, "no value") {
			t.Errorf("%s: %q", l, msg)
		}
		noCard := c.Err(l, errs.New(ErrCustomerExists, "Customer", "x", "Phone", "+996•••••3456", "Card", ""))
		if strings.Contains(noCard, "{{") || strings.HasSuffix(strings.TrimSpace(noCard), ":") {
			t.Errorf("%s without a card: %q", l, noCard)
		}
		short := c.Err(l, errs.New(ErrBalanceShort, "Need", 5, "Have", 2))
		if !strings.Contains(short, "5") || !strings.Contains(short, "2") {
			t.Errorf("%s: %q", l, short)
		}
	}
}
