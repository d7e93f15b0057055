package loyalty

import (
	"encoding/json"
	"testing"
	"time"

	"smartpoint/app/counter"
)

// Export holds everything stored about a customer, for a manager only,
// and is itself logged.
func TestExport(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.stamped("0555 123 456", 2)
	dup := e.stamped("0700 999 888", 1)
	mustV[Customer](t)(e.l.Merge(e.ctx, e.owner, card.Customer, dup.Customer))
	clerk := e.staff("Бекзат", counter.RoleClerk)
	_, err := e.l.Export(e.ctx, clerk, card.Customer)
	expectCode(t, err, counter.ErrForbidden)
	body := mustV[[]byte](t)(e.l.Export(e.ctx, e.owner, card.Customer))
	var doc ExportDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Format != ExportFormat || doc.Customer.Phone != "+996555123456" || len(doc.Duplicates) != 1 ||
		doc.Duplicates[0].Phone != "+996700999888" || len(doc.Cards) != 2 || len(doc.Movements) != 2+1+2 || len(doc.Events) < 6 {
		t.Fatalf("export %s", body)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ? AND entity = ?`, EvCustomerExported, customerEntity(card.Customer)); n != 1 {
		t.Fatal("the export is not logged")
	}
}

// Anonymising erases the person, not the totals: the phone and name go
// (from the log too: it never had them), the card is revoked, what was
// left is written off, the movements stay.
func TestAnonymise(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := mustV[Card](t)(e.l.Enrol(e.ctx, e.owner, "0555 123 456", "Жылдыз", true))
	e.accrue(card.Code, "a")
	e.accrue(card.Code, "b")
	clerk := e.staff("Бекзат", counter.RoleClerk)
	expectCode(t, e.l.Anonymise(e.ctx, clerk, card.Customer), counter.ErrForbidden)
	if err := e.l.Anonymise(e.ctx, e.owner, card.Customer); err != nil {
		t.Fatal(err)
	}
	expectCode(t, e.l.Anonymise(e.ctx, e.owner, card.Customer), ErrCustomerGone)
	if n := e.count(`SELECT count(*) FROM loyalty_customers WHERE phone IS NOT NULL OR name <> ''`); n != 0 {
		t.Fatal("personal data left")
	}
	if n := e.count(`SELECT count(*) FROM events WHERE payload LIKE '%555123456%' OR payload LIKE '%Жылдыз%'`); n != 0 {
		t.Fatal("personal data in the log")
	}
	if n := e.count(`SELECT count(*) FROM loyalty_movements`); n != 3 {
		t.Fatalf("%d movements, want 2 earns and the write-off", n)
	}
	if n := e.count(`SELECT coalesce(sum(amount), 0) FROM loyalty_movements`); n != 0 {
		t.Fatalf("balance %d left on an anonymised card", n)
	}
	_, err := e.l.FindCard(e.ctx, card.Code)
	expectCode(t, err, ErrCardRevoked)
	if list := mustV[[]Customer](t)(e.l.Customers(e.ctx, "", 10, 0)); len(list) != 0 {
		t.Fatalf("listed %+v", list)
	}
	again := e.enrol("0555 123 456") // the phone is free: a new member
	if again.Customer == card.Customer || again.Balance != 0 {
		t.Fatalf("re-enrolled %+v", again)
	}
}

// Customers gone for longer than the programme's period are anonymised;
// recent ones are not.
func TestAnonymiseInactive(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.AnonymiseAfterDays = 100
	e.programme(p)
	idle := e.enrol("0555 123 456") // never came back
	e.clock.Advance(50 * 24 * time.Hour)
	seen := e.enrol("0555 777 888")
	e.clock.Advance(40 * 24 * time.Hour)
	e.accrue(seen.Code, "visit")
	e.clock.Advance(20 * 24 * time.Hour) // idle: 110 days; seen: last visit 20 days ago
	if n := mustV[int](t)(e.l.AnonymiseInactive(e.ctx, 0)); n != 1 {
		t.Fatalf("anonymised %d", n)
	}
	list := mustV[[]Customer](t)(e.l.Customers(e.ctx, "", 10, 0))
	if len(list) != 1 || list[0].ID != seen.Customer {
		t.Fatalf("left %+v", list)
	}
	var reason string
	e.db.R.QueryRow(`SELECT json_extract(payload, '$.reason') FROM events WHERE kind = ? AND entity = ?`,
		EvCustomerAnonymised, customerEntity(idle.Customer)).Scan(&reason)
	if reason != AnonymisedInactive {
		t.Fatalf("reason %q", reason)
	}
	if n := mustV[int](t)(e.l.AnonymiseInactive(e.ctx, 10)); n != 1 {
		t.Fatalf("with 10 days: %d", n)
	}
}
