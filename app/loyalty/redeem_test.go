package loyalty

import (
	"testing"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// stamped enrols a card and gives it n stamps, one visit each.
func (e *env) stamped(phone string, n int) Card {
	e.t.Helper()
	card := e.enrol(phone)
	for i := range n {
		e.clock.Advance(time.Minute)
		e.accrue(card.Code, phone+"/"+string(rune('a'+i)))
	}
	return card
}

// Above the programme's threshold a clerk needs a manager's PIN: without
// it, or with a wrong one, nothing changes; with it the clerk stays
// attributed and the manager is recorded.
func TestRedeemNeedsManagerPINAboveThreshold(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PINAbove = 3
	e.programme(p)
	card := e.stamped("0555 123 456", 5)
	manager := e.staff("Нурлан", counter.RoleManager)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	mustV[counter.Clerk](t)(e.svc.CreateClerk(e.ctx, e.owner, "Алия", counter.RoleClerk, "3691"))
	e.handOver(clerk)
	before, seq := dump(t, e.db.R), e.lastSeq()
	_, err := e.l.Redeem(e.ctx, clerk, card.Code, "")
	expectCode(t, err, ErrPINRequired)
	_, err = e.l.Redeem(e.ctx, clerk, card.Code, "9999")
	var de *errs.Error
	if !asErr(err, &de) || de.Code != ErrPINWrong || de.Args["Left"] != counter.MaxPINFailures-1 {
		t.Fatalf("wrong PIN: %v", err)
	}
	// Another clerk's PIN approves nothing: only managers and owners can.
	_, err = e.l.Redeem(e.ctx, clerk, card.Code, "3691")
	expectCode(t, err, ErrPINWrong)
	if d := diff(before, dump(t, e.db.R)); len(d) > 0 {
		t.Fatalf("refused redemptions changed %v", d)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE seq > ? AND kind <> ?`, seq, EvApprovalFailed); n != 0 {
		t.Fatalf("refused redemptions wrote %d events besides the audit entries", n)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ? AND entity = ?`, EvApprovalFailed, "clerk:"+itoa(clerk.ClerkID())); n != 2 {
		t.Fatalf("%d failed approvals logged", n)
	}
	r := mustV[Redemption](t)(e.l.Redeem(e.ctx, clerk, card.Code, staffPIN))
	if r.ApprovedBy == 0 || r.Amount != 5 || r.Balance != 0 || r.Reward != "Кофе" {
		t.Fatalf("redemption %+v", r)
	}
	var by, approved int64
	e.db.R.QueryRow(`SELECT clerk_id, approved_by FROM loyalty_movements WHERE kind = 'redeem'`).Scan(&by, &approved)
	if by != clerk.ClerkID() || approved != manager.ClerkID() {
		t.Fatalf("redeem by %d approved by %d; want %d and %d", by, approved, clerk.ClerkID(), manager.ClerkID())
	}
}

// A manager redeeming themselves needs no PIN; below the threshold a
// clerk needs none either.
func TestRedeemWithoutPIN(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PINAbove = 5
	e.programme(p)
	card := e.stamped("0555 123 456", 6)
	r := mustV[Redemption](t)(e.l.Redeem(e.ctx, e.owner, card.Code, ""))
	if r.ApprovedBy != e.owner.ClerkID() || r.Amount != 6 {
		t.Fatalf("owner's redemption %+v", r) // a resetting card takes the 6th stamp too
	}
	p.PINAbove, p.CarryOver = 10, true
	e.programme(p)
	card2 := e.stamped("0555 777 888", 7)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	e.handOver(clerk)
	r = mustV[Redemption](t)(e.l.Redeem(e.ctx, clerk, card2.Code, ""))
	if r.ApprovedBy != 0 || r.Amount != 5 || r.Balance != 2 {
		t.Fatalf("clerk's redemption below the threshold %+v", r)
	}
	_, err := e.l.Redeem(e.ctx, clerk, card2.Code, "")
	var de *errs.Error
	if !asErr(err, &de) || de.Code != ErrBalanceShort || de.Args["Need"] != 5 || de.Args["Have"] != 2 {
		t.Fatalf("short balance: %v", err)
	}
}

// Guessing the manager's PIN at the counter stops after a few tries.
func TestApprovalLockout(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PINAbove = 1
	e.programme(p)
	card := e.stamped("0555 123 456", 5)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	e.handOver(clerk)
	for i := range counter.MaxPINFailures {
		_, err := e.l.Redeem(e.ctx, clerk, card.Code, "1357"+itoa(int64(i)))
		expectCode(t, err, ErrPINWrong)
	}
	_, err := e.l.Redeem(e.ctx, clerk, card.Code, ownerPIN)
	expectCode(t, err, ErrApprovalLocked)
	e.clock.Advance(counter.LockoutFor + time.Second)
	if r, err := e.l.Redeem(e.ctx, clerk, card.Code, ownerPIN); err != nil || r.Amount != 5 {
		t.Fatalf("after the lockout: %+v %v", r, err)
	}
}

// The soonest-expiring stamps go first, whatever order they were earned in.
func TestRedeemTakesSoonestExpiringLotsFirst(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward, p.CarryOver = 3, true
	p.Life = Life{Mode: LifeFixed, Days: 30}
	e.programme(p)
	card := e.stamped("0555 123 456", 2) // expire in 30 days
	e.clock.Advance(24 * time.Hour)
	p.Life.Days = 5 // the owner shortens the life: new stamps expire first
	e.programme(p)
	e.accrue(card.Code, "short")
	mustV[Card](t)(e.l.Adjust(e.ctx, e.owner, card.Code, 1, "подарок")) // expires in 5 days too
	r := mustV[Redemption](t)(e.l.Redeem(e.ctx, e.owner, card.Code, ""))
	rows, err := e.db.R.Query(`SELECT l.kind, coalesce(l.idem_key, ''), ml.amount FROM loyalty_movement_lots ml
		JOIN loyalty_movements l ON l.id = ml.lot_id JOIN loyalty_movements s ON s.id = ml.spend_id
		WHERE s.uuid = ? ORDER BY l.expires_at, l.id`, r.Movement)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var kind, key string
		var n int
		rows.Scan(&kind, &key, &n)
		got = append(got, kind+":"+key+":"+itoa(int64(n)))
	}
	rows.Close()
	want := []string{"earn:short:1", "adjust::1", "earn:0555 123 456/a:1"}
	if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("drew %v, want %v", got, want)
	}
}

func TestRedeemRefusals(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.stamped("0555 123 456", 2)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	_, err := e.l.Redeem(e.ctx, clerk, card.Code, "")
	expectCode(t, err, counter.ErrNoShift)
	_, err = e.l.Redeem(e.ctx, e.owner, card.Code, "")
	expectCode(t, err, ErrBalanceShort)
	_, err = e.l.Redeem(e.ctx, e.owner, "nonsense", "")
	expectCode(t, err, ErrCardNotFound)
}

// A points card redeems the reward's price in points.
func TestRedeemPoints(t *testing.T) {
	e := newEnv(t)
	e.programme(Programme{Name: "Баллы", Kind: KindPoints, PerReward: 100, Accrual: PerParcel, PerUnit: 40, RewardText: "Скидка 100 сом"})
	card := e.enrol("0555 123 456")
	r := mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, "k", Visit{Parcels: 3}))
	if r.Granted != 120 || r.RewardsAvailable != 1 {
		t.Fatalf("accrual %+v", r)
	}
	if k := e.kinds(cardEntity(card.ID)); len(k) != 3 || k[1] != EvPointsEarned || k[2] != EvRewardEarned {
		t.Fatalf("events %v", k)
	}
	red := mustV[Redemption](t)(e.l.Redeem(e.ctx, e.owner, card.Code, ""))
	if red.Amount != 100 || red.Balance != 20 {
		t.Fatalf("redemption %+v", red)
	}
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	s := ""
	for ; v > 0; v /= 10 {
		s = string(rune('0'+v%10)) + s
	}
	if neg {
		s = "-" + s
	}
	return s
}
