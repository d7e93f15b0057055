package loyalty

import (
	"testing"
	"time"
)

// Stamps past their life are not spendable even before the sweep; the
// sweep writes them off oldest first, one movement per card, once.
func TestExpireFixedLife(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.Life = Life{Mode: LifeFixed, Days: 30}
	e.programme(p)
	card := e.enrol("0555 123 456")
	e.accrue(card.Code, "day0")
	e.clock.Advance(10 * 24 * time.Hour)
	e.accrue(card.Code, "day10")
	soon := mustV[[]Expiring](t)(e.l.Expiring(e.ctx, 21*24*time.Hour))
	if len(soon) != 1 || soon[0].Amount != 1 || !soon[0].ExpiresAt.Equal(testStart.AddDate(0, 0, 30)) || soon[0].MaskedPhone == "" {
		t.Fatalf("expiring %+v", soon)
	}
	e.clock.Set(testStart.AddDate(0, 0, 31))
	if c := e.card(card.Code); c.Balance != 1 || !c.NextExpiry.Equal(testStart.AddDate(0, 0, 40)) {
		t.Fatalf("before the sweep %+v", c)
	}
	res := mustV[ExpireResult](t)(e.l.Expire(e.ctx))
	if res.Cards != 1 || res.Amount != 1 {
		t.Fatalf("sweep %+v", res)
	}
	if res := mustV[ExpireResult](t)(e.l.Expire(e.ctx)); res.Cards != 0 {
		t.Fatalf("second sweep %+v", res)
	}
	var lotKey string
	e.db.R.QueryRow(`SELECT l.idem_key FROM loyalty_movement_lots ml JOIN loyalty_movements l ON l.id = ml.lot_id
		JOIN loyalty_movements s ON s.id = ml.spend_id WHERE s.kind = 'expire'`).Scan(&lotKey)
	if lotKey != "day0" {
		t.Fatalf("expired %q, want the oldest lot", lotKey)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ?`, EvExpired); n != 1 {
		t.Fatalf("%d expiry events", n)
	}
}

// With a life after inactivity, each visit keeps all the card's stamps
// alive; a card left alone loses them all together.
func TestExpireAfterInactivity(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward = 10
	p.Life = Life{Mode: LifeInactivity, Days: 30}
	e.programme(p)
	card := e.enrol("0555 123 456")
	e.accrue(card.Code, "a")
	e.clock.Advance(20 * 24 * time.Hour)
	e.accrue(card.Code, "b")
	e.clock.Advance(25 * 24 * time.Hour) // 45 days after the first visit, 25 after the last
	if res := mustV[ExpireResult](t)(e.l.Expire(e.ctx)); res.Cards != 0 || e.card(card.Code).Balance != 2 {
		t.Fatalf("a card in use lost stamps: %+v", res)
	}
	e.clock.Advance(6 * 24 * time.Hour)
	if res := mustV[ExpireResult](t)(e.l.Expire(e.ctx)); res.Amount != 2 || e.card(card.Code).Balance != 0 {
		t.Fatalf("an idle card kept stamps: %+v", res)
	}
}

// Expire handles many cards in batches.
func TestExpireBatches(t *testing.T) {
	e := newEnv(t)
	e.l = New(e.svc, Options{ExpireBatch: 2})
	p := stampCard()
	p.Life = Life{Mode: LifeFixed, Days: 1}
	e.programme(p)
	for i := range 5 {
		c := e.enrol("0555 000 00" + itoa(int64(i)))
		e.accrue(c.Code, "k"+itoa(int64(i)))
	}
	e.clock.Advance(48 * time.Hour)
	if res := mustV[ExpireResult](t)(e.l.Expire(e.ctx)); res.Cards != 5 || res.Amount != 5 {
		t.Fatalf("sweep %+v", res)
	}
}
