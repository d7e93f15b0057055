package loyalty

import (
	"testing"

	"smartpoint/app/counter"
)

// Duplicates: the kept customer gets the other's stamps on their own card;
// the other's phone still leads to them.
func TestMerge(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward = 10
	e.programme(p)
	keep := e.stamped("0555 123 456", 2)
	drop := e.stamped("0700 123 456", 3)
	mustV[Card](t)(e.l.Adjust(e.ctx, e.owner, drop.Code, 1, "подарок"))
	clerk := e.staff("Бекзат", counter.RoleClerk)
	_, err := e.l.Merge(e.ctx, clerk, keep.Customer, drop.Customer)
	expectCode(t, err, counter.ErrForbidden)
	_, err = e.l.Merge(e.ctx, e.owner, keep.Customer, keep.Customer)
	expectCode(t, err, ErrSameCustomer)
	c := mustV[Customer](t)(e.l.Merge(e.ctx, e.owner, keep.Customer, drop.Customer))
	if c.ID != keep.Customer || c.Balance != 6 || c.Card != keep.Code {
		t.Fatalf("kept %+v", c)
	}
	if got := e.card("0700 123 456"); got.ID != keep.ID || got.Lifetime != 5 {
		t.Fatalf("the duplicate's phone finds %+v", got)
	}
	_, err = e.l.FindCard(e.ctx, drop.Code)
	expectCode(t, err, ErrCardRevoked)
	d := mustV[CustomerDetail](t)(e.l.Customer(e.ctx, drop.Customer))
	if d.MergedInto != keep.Customer || len(d.Cards) != 0 {
		t.Fatalf("dropped %+v", d)
	}
	k := mustV[CustomerDetail](t)(e.l.Customer(e.ctx, keep.Customer))
	if len(k.Cards) != 2 || len(k.Movements) != 2+3+1+2 /* earns, adjust, transfer out and in */ {
		t.Fatalf("kept detail: %d cards, %d movements", len(k.Cards), len(k.Movements))
	}
	_, err = e.l.Merge(e.ctx, e.owner, keep.Customer, drop.Customer)
	expectCode(t, err, ErrCustomerGone)
	_, err = e.l.Merge(e.ctx, e.owner, keep.Customer, "nobody")
	expectCode(t, err, ErrCustomerUnknown)
	// Enrolling the duplicate's phone again offers the kept card.
	_, err = e.l.Enrol(e.ctx, e.owner, "0700 123 456", "", true)
	expectCode(t, err, ErrCustomerExists)
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ?`, EvCustomerMerged); n != 1 {
		t.Fatalf("%d merge events", n)
	}
}
