package loyalty

import (
	"testing"
	"time"

	"smartpoint/app/counter"
)

// The owner sees a card stamped more than N times a day, and a clerk
// stamping one card by hand again and again; ordinary pickups stay out.
func TestSuspiciousReport(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward = 50
	e.programme(p)
	regular := e.enrol("0555 123 456")
	friend := e.enrol("0700 111 222")
	clerk := e.staff("Бекзат", counter.RoleClerk)
	e.handOver(clerk)
	// A regular customer: two real pickups today, one tomorrow.
	for range 2 {
		e.clock.Advance(time.Hour)
		h := e.pickup(clerk, "+996555123456", 1)
		mustV3(t)(e.l.AccrueForHandover(e.ctx, clerk, h))
	}
	// The clerk's friend: stamped by hand four times this afternoon.
	for i := range 4 {
		e.clock.Advance(10 * time.Minute)
		mustV[Result](t)(e.l.Accrue(e.ctx, clerk, friend.Code, "manual "+itoa(int64(i)), Visit{Parcels: 1}))
	}
	e.clock.Advance(24 * time.Hour)
	h := e.pickup(clerk, "+996555123456", 1)
	mustV3(t)(e.l.AccrueForHandover(e.ctx, clerk, h))

	rep := mustV[Suspicious](t)(e.l.Suspicious(e.ctx, testStart, e.clock.Now().Add(time.Minute), 3))
	if len(rep.Days) != 1 || rep.Days[0].Card != friend.Code || rep.Days[0].Amount != 4 || rep.Days[0].Day != "2026-11-17" ||
		len(rep.Days[0].Clerks) != 1 || rep.Days[0].Clerks[0] != "Бекзат" {
		t.Fatalf("days %+v", rep.Days)
	}
	// The regular's two pickups in a day are listed as a pair (the report
	// is for the owner to judge), but none of them is manual.
	var sawFriend, sawRegular bool
	for _, pr := range rep.Pairs {
		switch pr.Card {
		case friend.Code:
			sawFriend = pr.Manual == 4 && pr.MostInADay == 4 && pr.ClerkID == clerk.ClerkID() && pr.MaskedPhone == "+996•••••1222"
		case regular.Code:
			sawRegular = pr.Manual == 0 && pr.MostInADay == 2 && pr.Days == 2 && pr.Accruals == 3
		}
	}
	if !sawFriend || !sawRegular || rep.Pairs[0].Card != friend.Code {
		t.Fatalf("pairs %+v", rep.Pairs)
	}
	if rep := mustV[Suspicious](t)(e.l.Suspicious(e.ctx, testStart.AddDate(0, 0, 1), e.clock.Now().Add(time.Minute), 0)); len(rep.Days) != 0 || len(rep.Pairs) != 0 || rep.MaxPerDay != DefaultMaxPerDay {
		t.Fatalf("tomorrow alone %+v", rep)
	}
}

func mustV3(t testing.TB) func(Result, bool, error) Result {
	return func(r Result, ok bool, err error) Result {
		t.Helper()
		if err != nil || !ok {
			t.Fatalf("accrual: %v %v", ok, err)
		}
		return r
	}
}
