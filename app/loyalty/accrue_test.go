package loyalty

import (
	"slices"
	"testing"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// A pickup earns once: the same key again gives the first result and
// changes nothing, however often it is retried.
func TestAccrueIsIdempotentOnItsKey(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.enrol("0555 123 456")
	r := e.accrue(card.Code, "handover:H-2026-000001")
	if r.Granted != 1 || r.Balance != 1 || r.Repeated || r.RewardsAvailable != 0 {
		t.Fatalf("first accrual %+v", r)
	}
	before, seq := dump(t, e.db.R), e.lastSeq()
	e.clock.Advance(time.Hour)
	again := e.accrue(FormatCode(card.Code), "handover:H-2026-000001")
	if !again.Repeated || again.Granted != 1 || again.Balance != 1 {
		t.Fatalf("repeat %+v", again)
	}
	if d := diff(before, dump(t, e.db.R)); len(d) > 0 || e.lastSeq() != seq {
		t.Fatalf("a repeated key changed %v (events %d → %d)", d, seq, e.lastSeq())
	}
	// One pickup rewards one customer.
	other := e.enrol("0555 777 888")
	_, err := e.l.Accrue(e.ctx, e.owner, other.Code, "handover:H-2026-000001", Visit{Parcels: 1})
	expectCode(t, err, ErrKeyUsed)
	if k := e.kinds(cardEntity(card.ID)); !slices.Equal(k, []string{EvCardIssued, EvStampEarned}) {
		t.Fatalf("card history %v", k)
	}
}

// The N-th stamp completes a card: "reward available" and its event.
func TestRewardEarnedAtN(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.Accrual = PerParcel
	e.programme(p)
	card := e.enrol("0555 123 456")
	r := mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, "k1", Visit{Parcels: 3}))
	if r.Granted != 3 || r.NewRewards != 0 {
		t.Fatalf("3 parcels: %+v", r)
	}
	r = mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, "k2", Visit{Parcels: 8}))
	if r.Granted != 8 || r.Balance != 11 || r.NewRewards != 2 || r.RewardsAvailable != 2 {
		t.Fatalf("8 more parcels: %+v", r)
	}
	if got := e.card(card.Code); got.RewardsAvailable != 2 || got.ToNextReward != 4 {
		t.Fatalf("card %+v", got)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ?`, EvRewardEarned); n != 1 {
		t.Fatalf("%d reward_earned events", n)
	}
}

// "Double stamps on Tuesdays" follows the point's calendar: 23:30 on
// Tuesday in Bishkek doubles, 00:30 on Wednesday does not, though both are
// Tuesday in UTC.
func TestPromotionOnTuesdayNotWednesday(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward = 20
	p.Promotions = []Promotion{{Name: "Двойной вторник", Weekdays: []time.Weekday{time.Tuesday}, MultiplierPct: 200}}
	e.programme(p)
	card := e.enrol("0555 123 456")
	e.clock.Set(time.Date(2026, 11, 17, 23, 30, 0, 0, bishkek))
	tue := e.accrue(card.Code, "tue")
	e.clock.Set(time.Date(2026, 11, 18, 0, 30, 0, 0, bishkek))
	wed := e.accrue(card.Code, "wed")
	if tue.Granted != 2 || tue.Promotion != "Двойной вторник" || wed.Granted != 1 || wed.Promotion != "" {
		t.Fatalf("tuesday %+v, wednesday %+v", tue, wed)
	}
	if e.clock.Now().UTC().Weekday() != time.Tuesday {
		t.Fatal("the test no longer straddles midnight in Bishkek only")
	}
}

// Tiers come from lifetime earnings: the visit after the threshold earns
// at the tier's rate; redeeming does not demote.
func TestTierMultiplierAfterThreshold(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward = 3
	p.CarryOver = true
	p.Tiers = []Tier{{Name: "Серебро", Threshold: 3, MultiplierPct: 200}}
	e.programme(p)
	card := e.enrol("0555 123 456")
	for i, key := range []string{"a", "b", "c"} {
		if r := e.accrue(card.Code, key); r.Granted != 1 || r.Tier != "" {
			t.Fatalf("visit %d: %+v", i+1, r)
		}
	}
	mustV[Redemption](t)(e.l.Redeem(e.ctx, e.owner, card.Code, ""))
	r := e.accrue(card.Code, "d")
	if r.Granted != 2 || r.Tier != "Серебро" || r.Detail.TierPct != 200 {
		t.Fatalf("after the threshold: %+v", r)
	}
	if c := e.card(card.Code); c.Tier != "Серебро" || c.Lifetime != 5 || c.Balance != 2 {
		t.Fatalf("card %+v", c)
	}
}

// The daily cap cuts what is over it (and says so); the next local day
// starts afresh.
func TestDailyCap(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.Accrual, p.DailyCap, p.PerReward = PerParcel, 3, 50
	e.programme(p)
	card := e.enrol("0555 123 456")
	for _, want := range []struct {
		granted int
		hit     bool
	}{{2, false}, {1, true}, {0, true}} {
		e.clock.Advance(time.Minute)
		r := mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, e.clock.Now().String(), Visit{Parcels: 2}))
		if r.Granted != want.granted || r.CapHit != want.hit || r.Requested != 2 {
			t.Fatalf("want %+v, got %+v", want, r)
		}
	}
	e.clock.Set(time.Date(2026, 11, 18, 0, 5, 0, 0, bishkek))
	if r := mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, "next day", Visit{Parcels: 2})); r.Granted != 2 || r.CapHit {
		t.Fatalf("next day %+v", r)
	}
}

// A visit within the cooldown earns nothing, and a retry of it later still
// earns nothing: the refusal is kept under its key.
func TestCooldown(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.CooldownMinutes = 30
	e.programme(p)
	card := e.enrol("0555 123 456")
	e.accrue(card.Code, "first")
	e.clock.Advance(10 * time.Minute)
	r := e.accrue(card.Code, "second")
	if r.Granted != 0 || !r.Cooldown || !r.CooldownUntil.Equal(testStart.Add(30*time.Minute)) || r.Balance != 1 {
		t.Fatalf("within the cooldown: %+v", r)
	}
	e.clock.Advance(time.Hour)
	if r := e.accrue(card.Code, "second"); !r.Repeated || r.Granted != 0 || !r.Cooldown {
		t.Fatalf("retry after the cooldown: %+v", r)
	}
	if r := e.accrue(card.Code, "third"); r.Granted != 1 || r.Cooldown {
		t.Fatalf("after the cooldown: %+v", r)
	}
	// A visit caught up out of order is checked against both neighbours.
	r = mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, "late", Visit{Parcels: 1, At: testStart.Add(-15 * time.Minute)}))
	if !r.Cooldown {
		t.Fatalf("an earlier visit near the first: %+v", r)
	}
}

func TestAccrueRefusals(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.enrol("0555 123 456")
	clerk := e.staff("Бекзат", counter.RoleClerk)
	before, seq := dump(t, e.db.R), e.lastSeq()
	for _, tc := range []struct {
		name string
		sess *counter.Session
		code string
		key  string
		v    Visit
		want errs.Code
	}{
		{"no shift", clerk, card.Code, "k", Visit{Parcels: 1}, counter.ErrNoShift},
		{"no session", nil, card.Code, "k", Visit{Parcels: 1}, counter.ErrForbidden},
		{"no key", e.owner, card.Code, " ", Visit{Parcels: 1}, counter.ErrInvalid},
		{"reserved key", e.owner, card.Code, "reverse:x", Visit{Parcels: 1}, counter.ErrInvalid},
		{"no parcels", e.owner, card.Code, "k", Visit{}, counter.ErrInvalid},
		{"future", e.owner, card.Code, "k", Visit{Parcels: 1, At: testStart.Add(time.Hour)}, counter.ErrInvalid},
		{"before enrolment", e.owner, card.Code, "k", Visit{Parcels: 1, At: testStart.Add(-time.Hour)}, counter.ErrInvalid},
		{"unknown card", e.owner, "7KQ2M4XF9A0", "k", Visit{Parcels: 1}, ErrCardNotFound},
	} {
		_, err := e.l.Accrue(e.ctx, tc.sess, tc.code, tc.key, tc.v)
		if !errs.Has(err, tc.want) {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.want)
		}
	}
	if d := diff(before, dump(t, e.db.R)); len(d) > 0 || e.lastSeq() != seq {
		t.Fatalf("refused accruals changed %v", d)
	}
	// Just before enrolment is fine: the customer joined at the counter
	// right after their pickup.
	r := mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, "just before", Visit{Parcels: 1, At: testStart.Add(-10 * time.Minute)}))
	if r.Granted != 1 {
		t.Fatalf("within the grace: %+v", r)
	}
}
