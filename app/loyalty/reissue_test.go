package loyalty

import (
	"slices"
	"testing"
	"time"

	"smartpoint/app/counter"
)

// A lost card: a new code carries the balance with its expiry, the old
// code is refused everywhere, and the customer keeps their tier and limits.
func TestReissueLostCard(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.Life = Life{Mode: LifeFixed, Days: 30}
	p.DailyCap = 3
	p.Tiers = []Tier{{Name: "Серебро", Threshold: 2, MultiplierPct: 200}}
	e.programme(p)
	old := e.stamped("0555 123 456", 2)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	e.handOver(clerk)
	card := mustV[Card](t)(e.l.Reissue(e.ctx, clerk, "+996 555 123 456"))
	if card.Code == old.Code || card.Balance != 2 || card.Customer != old.Customer || card.Tier != "Серебро" ||
		!card.NextExpiry.Equal(testStart.Add(time.Minute).AddDate(0, 0, 30)) {
		t.Fatalf("new card %+v", card)
	}
	for _, err := range []error{
		second(e.l.FindCard(e.ctx, old.Code)),
		second(e.l.Accrue(e.ctx, clerk, old.Code, "new visit", Visit{Parcels: 1})),
		second(e.l.Redeem(e.ctx, clerk, old.Code, "")),
		second(e.l.Adjust(e.ctx, e.owner, old.Code, 1, "x")),
	} {
		expectCode(t, err, ErrCardRevoked)
	}
	if got := e.card("0555 123 456"); got.ID != card.ID {
		t.Fatalf("the phone finds %+v", got)
	}
	// The cap counts the day's stamps on both cards: 2 + 2 (silver) > 3.
	r := mustV[Result](t)(e.l.Accrue(e.ctx, clerk, card.Code, "after", Visit{Parcels: 1}))
	if r.Granted != 1 || !r.CapHit {
		t.Fatalf("accrual on the new card %+v", r)
	}
	// A key accrued on the old card is still a repeat.
	if r := mustV[Result](t)(e.l.Accrue(e.ctx, clerk, card.Code, "0555 123 456/a", Visit{Parcels: 1})); !r.Repeated {
		t.Fatalf("old key on the new card %+v", r)
	}
	if k := e.kinds(cardEntity(old.ID)); !slices.Contains(k, EvCardRevoked) {
		t.Fatalf("old card history %v", k)
	}
	if k := e.kinds(cardEntity(card.ID)); !slices.Equal(k[:2], []string{EvCardIssued, EvTransferred}) {
		t.Fatalf("new card history %v", k)
	}
	d := mustV[CustomerDetail](t)(e.l.Customer(e.ctx, card.Customer))
	if len(d.Cards) != 2 || d.Cards[0].Status != CardRevoked || d.Cards[0].ReplacedBy != card.ID || d.Cards[0].RevokeReason != RevokeLost ||
		d.Cards[0].Balance != 0 || d.Card != card.Code {
		t.Fatalf("customer %+v", d)
	}
	_, err := e.l.Reissue(e.ctx, clerk, "0555 999 999")
	expectCode(t, err, ErrCardNotFound)
}

func second[T any](_ T, err error) error { return err }
