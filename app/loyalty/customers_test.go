package loyalty

import (
	"testing"
	"time"
)

// The customer list searches by name (any case, Cyrillic too), phone
// digits or card code, most recent first, a page at a time.
func TestCustomersSearch(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	a := mustV[Card](t)(e.l.Enrol(e.ctx, e.owner, "0555 123 456", "Жылдыз Асанова", true))
	e.clock.Advance(time.Minute)
	b := mustV[Card](t)(e.l.Enrol(e.ctx, e.owner, "0700 987 654", "Азамат", true))
	e.clock.Advance(time.Minute)
	c := mustV[Card](t)(e.l.Enrol(e.ctx, e.owner, "0555 000 111", "", true))
	e.clock.Advance(time.Minute)
	e.accrue(a.Code, "visit") // a was seen last
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{a.Customer, c.Customer, b.Customer}},
		{"жылдыз", []string{a.Customer}},
		{"АЗА", []string{b.Customer}},
		{"555", []string{a.Customer, c.Customer}},
		{"987 654", []string{b.Customer}},
		{FormatCode(c.Code), []string{c.Customer}},
		{"nobody", nil},
	} {
		list := mustV[[]Customer](t)(e.l.Customers(e.ctx, tc.query, 10, 0))
		var got []string
		for _, x := range list {
			got = append(got, x.ID)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %v, want %v", tc.query, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%q: got %v, want %v", tc.query, got, tc.want)
			}
		}
	}
	page := mustV[[]Customer](t)(e.l.Customers(e.ctx, "", 2, 2))
	if len(page) != 1 || page[0].ID != b.Customer {
		t.Fatalf("page 2: %+v", page)
	}
	first := mustV[[]Customer](t)(e.l.Customers(e.ctx, "жылдыз", 0, 0))[0]
	if first.MaskedPhone != "+996•••••3456" || first.Balance != 1 || first.Card != a.Code || first.ConsentBy != "Айгуль" ||
		!first.LastVisitAt.Equal(e.clock.Now()) {
		t.Fatalf("row %+v", first)
	}
	d := mustV[CustomerDetail](t)(e.l.Customer(e.ctx, a.Customer))
	if len(d.Cards) != 1 || len(d.Movements) != 1 || d.Movements[0].Key != "visit" || d.Movements[0].Clerk != "Айгуль" ||
		d.Movements[0].Remaining == nil || *d.Movements[0].Remaining != 1 || len(d.Movements[0].Detail) == 0 {
		t.Fatalf("detail %+v", d)
	}
	_, err := e.l.Customer(e.ctx, "nobody")
	expectCode(t, err, ErrCustomerUnknown)
}
