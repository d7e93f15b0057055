package loyalty

import (
	"testing"
	"time"

	"smartpoint/app/counter"
)

// Stamps accrue when the issue is committed: per parcel here, attributed
// to the clerk who handed the parcels over, keyed by the handover.
func TestAccrueForHandover(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.Accrual = PerParcel
	e.programme(p)
	card := e.enrol("0555 123 456")
	clerk := e.staff("Бекзат", counter.RoleClerk)
	e.handOver(clerk)
	h := e.pickup(clerk, "+996 555 123 456", 2)
	r, ok, err := e.l.AccrueForHandover(e.ctx, clerk, h)
	if err != nil || !ok || r.Granted != 2 || r.Key != HandoverKeyPrefix+h.Number || r.Card != card.Code {
		t.Fatalf("accrual %+v, %v, %v", r, ok, err)
	}
	var clerkID, shiftID int64
	var ref string
	if err := e.db.R.QueryRow(`SELECT clerk_id, shift_id, ref FROM loyalty_movements WHERE kind = 'earn'`).Scan(&clerkID, &shiftID, &ref); err != nil {
		t.Fatal(err)
	}
	if clerkID != clerk.ClerkID() || shiftID != clerk.ShiftID() || ref != h.Number {
		t.Fatalf("attributed to clerk %d shift %d ref %q", clerkID, shiftID, ref)
	}
	if again, ok, err := e.l.AccrueForHandover(e.ctx, clerk, h); err != nil || !ok || !again.Repeated {
		t.Fatalf("again: %+v %v %v", again, ok, err)
	}
	// Someone who is not a member: nothing to do, no error.
	other := e.pickup(clerk, "+996 700 000 001", 1)
	if _, ok, err := e.l.AccrueForHandover(e.ctx, clerk, other); ok || err != nil {
		t.Fatalf("non-member: %v %v", ok, err)
	}
	_, _, err = e.l.AccrueForHandover(e.ctx, clerk, counter.HandoverResult{Number: "H-1999-000001"})
	expectCode(t, err, counter.ErrInvalid)
}

// The app crashed between the commit and the accrual: CatchUp
// finds the members' handovers since enrolment without an accrual and
// stamps them; running it again (or accruing one of them later) changes
// nothing.
func TestCatchUpAfterACrash(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	before := e.pickup(e.owner, "+996555123456", 1) // before enrolment: never earns
	e.clock.Advance(2 * time.Hour)
	card := e.enrol("0555 123 456")
	e.clock.Advance(time.Hour)
	lost1 := e.pickup(e.owner, "+996555123456", 3) // "crash": no AccrueForHandover
	e.clock.Advance(time.Hour)
	e.pickup(e.owner, "+996700000001", 1) // not a member
	e.clock.Advance(time.Hour)
	done := e.pickup(e.owner, "+996555123456", 1)
	mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, HandoverKeyPrefix+done.Number, Visit{Parcels: 1}))
	e.clock.Advance(time.Hour)
	lost2 := e.pickup(e.owner, "+996555123456", 1)

	res := mustV[CatchUpResult](t)(e.l.CatchUp(e.ctx))
	if res.Accrued != 2 || res.Skipped != 0 {
		t.Fatalf("catch-up %+v", res)
	}
	if c := e.card(card.Code); c.Balance != 3 {
		t.Fatalf("balance %d, want 3 (two caught up, one accrued live)", c.Balance)
	}
	for _, h := range []counter.HandoverResult{lost1, lost2, done} {
		if n := e.count(`SELECT count(*) FROM loyalty_movements WHERE idem_key = ?`, HandoverKeyPrefix+h.Number); n != 1 {
			t.Fatalf("%s accrued %d times", h.Number, n)
		}
	}
	if n := e.count(`SELECT count(*) FROM loyalty_movements WHERE idem_key = ?`, HandoverKeyPrefix+before.Number); n != 0 {
		t.Fatal("a pickup before enrolment earned")
	}
	// The caught-up visit keeps its own time (the cooldown and promotions
	// look at when the pickup happened).
	var visit int64
	e.db.R.QueryRow(`SELECT visit_at FROM loyalty_movements WHERE idem_key = ?`, HandoverKeyPrefix+lost1.Number).Scan(&visit)
	if visit != testStart.Add(3*time.Hour).UnixMilli() {
		t.Fatalf("caught-up visit at %v", time.UnixMilli(visit))
	}
	seq := e.lastSeq()
	if res := mustV[CatchUpResult](t)(e.l.CatchUp(e.ctx)); res.Checked != 0 || res.Accrued != 0 {
		t.Fatalf("second catch-up %+v", res)
	}
	if r, ok, err := e.l.AccrueForHandover(e.ctx, e.owner, lost1); err != nil || !ok || !r.Repeated {
		t.Fatalf("live accrual after catch-up: %+v %v %v", r, ok, err)
	}
	if e.lastSeq() != seq {
		t.Fatal("repeats wrote events")
	}
	// New handovers after the mark are still found.
	e.clock.Advance(time.Hour)
	e.pickup(e.owner, "+996555123456", 1)
	if res := mustV[CatchUpResult](t)(e.l.CatchUp(e.ctx)); res.Accrued != 1 {
		t.Fatalf("third catch-up %+v", res)
	}
}

// A customer enrolled at the counter right after their pickup, while a
// catch-up ran in between: that pickup still earns.
func TestCatchUpWaitsForLateEnrolment(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	h := e.pickup(e.owner, "+996555123456", 1)
	if res := mustV[CatchUpResult](t)(e.l.CatchUp(e.ctx)); res.Checked != 0 {
		t.Fatalf("nobody is a member yet: %+v", res)
	}
	e.clock.Advance(10 * time.Minute)
	card := e.enrol("0555 123 456")
	if res := mustV[CatchUpResult](t)(e.l.CatchUp(e.ctx)); res.Accrued != 1 {
		t.Fatalf("after enrolment: %+v", res)
	}
	if c := e.card(card.Code); c.Balance != 1 || e.count(`SELECT count(*) FROM loyalty_movements WHERE idem_key = ?`, HandoverKeyPrefix+h.Number) != 1 {
		t.Fatalf("balance %d", c.Balance)
	}
	// Long after, a pickup made before a later enrolment never earns, and
	// the mark has moved on past it.
	e.clock.Advance(2 * time.Hour)
	late := e.pickup(e.owner, "+996700000009", 1)
	e.clock.Advance(time.Hour)
	mustV[CatchUpResult](t)(e.l.CatchUp(e.ctx))
	e.enrol("0700 000 009")
	if res := mustV[CatchUpResult](t)(e.l.CatchUp(e.ctx)); res.Checked != 0 {
		t.Fatalf("revisited %s: %+v", late.Number, res)
	}
	var mark string
	e.db.R.QueryRow(`SELECT value FROM loyalty_state WHERE key = ?`, catchUpKey).Scan(&mark)
	if mark == "" || mark == "0" {
		t.Fatal("no mark")
	}
}
