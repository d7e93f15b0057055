package loyalty

import (
	"slices"
	"strings"
	"testing"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// A clerk enrols a customer in seconds: the phone as typed (national
// format), consent recorded with its time and clerk, a card at once.
func TestEnrolRecordsConsentAndIssuesACard(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	clerk := e.staff("Бекзат", counter.RoleClerk)
	card := mustV[Card](t)(e.l.Enrol(e.ctx, clerk, "0555 123 456", "  Жылдыз   Асанова ", true))
	if card.MaskedPhone != "+996•••••3456" || card.Name != "Жылдыз Асанова" || card.Status != CardActive ||
		card.Balance != 0 || card.ToNextReward != 5 || card.Kind != KindStamp || card.RewardText != "Кофе" {
		t.Fatalf("card %+v", card)
	}
	if _, ok := NormaliseCode(card.Code); !ok {
		t.Fatalf("card code %q does not check", card.Code)
	}
	var phone, consentBy string
	var consentAt int64
	if err := e.db.R.QueryRow(`SELECT u.phone, u.consent_at, k.name FROM loyalty_customers u JOIN clerks k ON k.id = u.consent_clerk_id`).
		Scan(&phone, &consentAt, &consentBy); err != nil {
		t.Fatal(err)
	}
	if phone != "+996555123456" || consentAt != testStart.UnixMilli() || consentBy != "Бекзат" {
		t.Fatalf("stored %s consent %d by %s", phone, consentAt, consentBy)
	}
	if k := e.kinds(customerEntity(card.Customer)); !slices.Equal(k, []string{EvCustomerCreated}) {
		t.Fatalf("customer events %v", k)
	}
	if k := e.kinds(cardEntity(card.ID)); !slices.Equal(k, []string{EvCardIssued}) {
		t.Fatalf("card events %v", k)
	}
	// The log never holds the phone or the name.
	if n := e.count(`SELECT count(*) FROM events WHERE payload LIKE '%555123456%' OR payload LIKE '%Жылдыз%'`); n != 0 {
		t.Fatalf("%d events hold personal data", n)
	}
	for _, q := range []string{"+996 555 123 456", "0555-123-456", card.Code, strings.ToLower(FormatCode(card.Code)), card.ID} {
		if got := mustV[Card](t)(e.l.FindCard(e.ctx, q)); got.ID != card.ID {
			t.Fatalf("FindCard(%q) = %+v", q, got)
		}
	}
}

func TestEnrolRefusals(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	before := dump(t, e.db.R)
	_, err := e.l.Enrol(e.ctx, e.owner, "0555 123 456", "Жылдыз", false)
	expectCode(t, err, ErrConsentRequired)
	_, err = e.l.Enrol(e.ctx, e.owner, "12-34", "", true)
	expectCode(t, err, ErrBadPhone)
	_, err = e.l.Enrol(e.ctx, e.owner, "0555 123 456", strings.Repeat("я", 65), true)
	expectCode(t, err, counter.ErrInvalid)
	_, err = e.l.Enrol(e.ctx, nil, "0555 123 456", "", true)
	expectCode(t, err, counter.ErrForbidden)
	if d := diff(before, dump(t, e.db.R)); len(d) > 0 {
		t.Fatalf("refused enrolments changed %v", d)
	}
	first := e.enrol("+996555123456")
	seq := e.lastSeq()
	_, err = e.l.Enrol(e.ctx, e.owner, "0555 123 456", "", true)
	var de *errs.Error
	if !asErr(err, &de) || de.Code != ErrCustomerExists || de.Args["Card"] != FormatCode(first.Code) || de.Args["Customer"] != first.Customer {
		t.Fatalf("double enrolment: %v", err)
	}
	if e.lastSeq() != seq || e.count(`SELECT count(*) FROM loyalty_customers`) != 1 {
		t.Fatal("a double enrolment wrote something")
	}
}

func TestFindCardMisses(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	e.enrol("0555 123 456")
	code, _ := newCode()
	for _, q := range []string{"0555 999 999", code, "hello", "", "00000000-0000-7000-8000-000000000000"} {
		_, err := e.l.FindCard(e.ctx, q)
		expectCode(t, err, ErrCardNotFound)
	}
}
