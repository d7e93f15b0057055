package loyalty

import (
	"testing"

	"smartpoint/app/counter"
)

// A manager corrects a card with a reason the history shows; a clerk
// cannot; a correction never takes a card below zero.
func TestAdjust(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.stamped("0555 123 456", 2)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	manager := e.staff("Нурлан", counter.RoleManager)
	before := dump(t, e.db.R)
	_, err := e.l.Adjust(e.ctx, clerk, card.Code, 3, "подарок")
	expectCode(t, err, counter.ErrForbidden)
	_, err = e.l.Adjust(e.ctx, manager, card.Code, 3, "  ")
	expectCode(t, err, ErrReasonRequired)
	_, err = e.l.Adjust(e.ctx, manager, card.Code, 0, "ноль")
	expectCode(t, err, counter.ErrInvalid)
	_, err = e.l.Adjust(e.ctx, manager, card.Code, -3, "ошибка")
	expectCode(t, err, ErrBalanceShort)
	if d := diff(before, dump(t, e.db.R)); len(d) > 0 {
		t.Fatalf("refused adjustments changed %v", d)
	}
	if c := mustV[Card](t)(e.l.Adjust(e.ctx, manager, card.Code, 3, "компенсация за задержку")); c.Balance != 5 || c.RewardsAvailable != 1 {
		t.Fatalf("after +3: %+v", c)
	}
	if c := mustV[Card](t)(e.l.Adjust(e.ctx, manager, card.Code, -4, "начислено по ошибке")); c.Balance != 1 || c.Lifetime != 2 {
		t.Fatalf("after -4: %+v (adjustments are not earnings)", c)
	}
	d := mustV[CustomerDetail](t)(e.l.Customer(e.ctx, card.Customer))
	last := d.Movements[len(d.Movements)-1]
	if last.Kind != MoveAdjust || last.Amount != -4 || last.Reason != "начислено по ошибке" || last.Clerk != "Нурлан" || len(last.Lots) == 0 {
		t.Fatalf("history %+v", last)
	}
}

// A wrongly attributed pickup is reversed: what is left of its stamps
// comes off, once, and the key stays used.
func TestReverse(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.Accrual = PerParcel
	e.programme(p)
	card := e.enrol("0555 123 456")
	mustV[Result](t)(e.l.Accrue(e.ctx, e.owner, card.Code, "handover:H-1", Visit{Parcels: 3}))
	_, err := e.l.Reverse(e.ctx, e.owner, "handover:H-1", "")
	expectCode(t, err, ErrReasonRequired)
	c := mustV[Card](t)(e.l.Reverse(e.ctx, e.owner, "handover:H-1", "посылки не того клиента"))
	if c.Balance != 0 {
		t.Fatalf("after reversal %+v", c)
	}
	_, err = e.l.Reverse(e.ctx, e.owner, "handover:H-1", "ещё раз")
	expectCode(t, err, ErrNotReversible)
	_, err = e.l.Reverse(e.ctx, e.owner, "handover:H-404", "нет такого")
	expectCode(t, err, ErrNotReversible)
	if r := e.accrue(card.Code, "handover:H-1"); !r.Repeated {
		t.Fatalf("a reversed pickup earned again: %+v", r)
	}
	if k := e.kinds(cardEntity(card.ID)); k[len(k)-1] != EvReversed {
		t.Fatalf("history %v", k)
	}
}
