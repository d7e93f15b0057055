package loyalty

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"smartpoint/app/counter"
	"smartpoint/app/loyaltycard"
)

// relay enters every loyalty event of from's log after seq into to, as the
// inbox does with what the owner's stream brings, and returns the last seq.
func relay(t *testing.T, from, to *env, origin string, after int64) int64 {
	t.Helper()
	evs, err := from.svc.Events(from.ctx, after, 100_000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		after = ev.Seq
		if !strings.HasPrefix(ev.Kind, "loyalty.") {
			continue
		}
		err := to.svc.Extend(to.ctx, nil, func(tx counter.Tx) error {
			return to.l.ApplyRemote(to.ctx, tx, Remote{Kind: ev.Kind, Origin: origin, At: ev.At, Data: ev.Payload})
		})
		if err != nil {
			t.Fatalf("relay %s %s: %v", ev.Kind, ev.Entity, err)
		}
	}
	return after
}

// ledgerWhole checks that every card's movements and deficits add up to
// what its lots hold, none below zero.
func ledgerWhole(t *testing.T, e *env, where string) {
	t.Helper()
	if n := e.count(`SELECT count(*) FROM (SELECT c.id FROM loyalty_cards c JOIN loyalty_movements m ON m.card_id = c.id
		GROUP BY c.id HAVING sum(m.amount + m.deficit) <> sum(coalesce(m.remaining, 0)) OR min(coalesce(m.remaining, 0)) < 0)`); n != 0 {
		t.Fatalf("%s: %d cards' ledgers do not add up", where, n)
	}
	if n := e.count(cardStatsDrift); n != 0 {
		t.Fatalf("%s: %d cards' figures drifted", where, n)
	}
}

// TestCardWorksAtEveryPoint: a card enrolled at point A is recognised at
// point B by its code and its signed QR, shows the stamps earned at A,
// earns and is redeemed at B, and A sees what B did; each relayed event
// enters once; nothing relayed is logged again.
func TestCardWorksAtEveryPoint(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	a.programme(stampCard())
	b.programme(stampCard())
	card := a.enrol("0555 123 456")
	for i := range 3 {
		a.accrue(card.Code, fmt.Sprintf("handover:H-%d", i))
	}
	qr := mustV[string](t)(a.l.CardQR(a.ctx, a.card(card.Code)))

	bSeq := b.lastSeq()
	aSeq := relay(t, a, b, "point-a", 0)
	if got := b.lastSeq(); got != bSeq {
		t.Fatalf("entering A's events logged %d events at B", got-bSeq)
	}
	atB := b.card(card.Code)
	if atB.Balance != 3 || atB.ID != card.ID || atB.MaskedPhone == "" || strings.Contains(atB.MaskedPhone, "123 456") {
		t.Fatalf("A's card at B: %+v", atB)
	}
	if got := mustV[Card](t)(b.l.Recognise(b.ctx, qr)); got.ID != card.ID {
		t.Fatalf("A's QR at B is card %s", got.ID)
	}
	if n := b.count(`SELECT count(*) FROM loyalty_customers WHERE phone IS NOT NULL AND origin <> ''`); n != 0 {
		t.Fatal("a phone reached another point")
	}
	// The stream pulled again (the cloud was restored): nothing changes.
	before := dump(t, b.db.R)
	relay(t, a, b, "point-a", 0)
	if d := diff(before, dump(t, b.db.R)); len(d) > 0 {
		t.Fatalf("a second relay changed %v", d)
	}

	// Two visits at B complete the reward; A sees them.
	b.accrue(card.Code, "handover:H-0") // B's own handover numbers: no clash with A's
	b.accrue(card.Code, "handover:H-1")
	bSeq = relay(t, b, a, "point-b", bSeq)
	if got := a.card(card.Code); got.Balance != 5 || got.RewardsAvailable != 1 {
		t.Fatalf("at A after B's visits: %+v", got)
	}
	ledgerWhole(t, a, "A")
	ledgerWhole(t, b, "B")

	// Both points hand the reward over while offline: each takes 5; the
	// second one to arrive finds nothing left and records its deficit.
	mustV[Redemption](t)(a.l.Redeem(a.ctx, a.owner, card.Code, ""))
	mustV[Redemption](t)(b.l.Redeem(b.ctx, b.owner, card.Code, ""))
	relay(t, a, b, "point-a", aSeq)
	relay(t, b, a, "point-b", bSeq)
	for _, e := range []*env{a, b} {
		if got := e.card(card.Code); got.Balance != 0 {
			t.Fatalf("after the double redemption: %+v", got)
		}
		if n := e.count(`SELECT coalesce(sum(deficit), 0) FROM loyalty_movements WHERE origin <> ''`); n != 5 {
			t.Fatalf("the other point's redemption recorded a deficit of %d, want 5", n)
		}
		ledgerWhole(t, e, "after the double redemption")
	}
}

// TestRemoteCardReissueAndForgery: a card re-issued at A moves its stamps
// to the new card at B too and the old code stops working there; a QR
// signed by a point that is not the owner's is refused.
func TestRemoteCardReissueAndForgery(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	a.programme(stampCard())
	b.programme(stampCard())
	old := a.enrol("0555 700 001")
	a.accrue(old.Code, "handover:H-1")
	a.accrue(old.Code, "handover:H-2")
	seq := relay(t, a, b, "point-a", 0)
	renewed := mustV[Card](t)(a.l.Reissue(a.ctx, a.owner, "0555 700 001"))
	relay(t, a, b, "point-a", seq)
	if got := b.card(renewed.Code); got.Balance != 2 || got.Status != CardActive {
		t.Fatalf("re-issued card at B: %+v", got)
	}
	_, err := b.l.FindCard(b.ctx, old.Code)
	expectCode(t, err, ErrCardRevoked)
	ledgerWhole(t, b, "B")

	other, err := loyaltycard.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	forged, err := loyaltycard.QRText(other.Private, renewed.ID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.l.Recognise(b.ctx, forged)
	expectCode(t, err, loyaltycard.ErrForged)
}

// TestRemoteWithoutProgramme: until this point sets its programme up,
// another point's card cannot enter (the inbox keeps it and retries);
// broken payloads are reported as such.
func TestRemoteWithoutProgramme(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	a.programme(stampCard())
	a.enrol("0555 700 002")
	evs := mustV[[]counter.Event](t)(a.svc.Events(a.ctx, 0, 100))
	var issued counter.Event
	for _, ev := range evs {
		if ev.Kind == EvCardIssued {
			issued = ev
		}
	}
	apply := func(ev Remote) error {
		return b.svc.Extend(b.ctx, nil, func(tx counter.Tx) error { return b.l.ApplyRemote(b.ctx, tx, ev) })
	}
	expectCode(t, apply(Remote{Kind: issued.Kind, Origin: "point-a", At: issued.At, Data: issued.Payload}), ErrNoProgramme)
	for _, bad := range []Remote{
		{Kind: EvStampEarned, Origin: "point-a", Data: []byte(`{"card":`)},
		{Kind: EvCardKeyCreated, Origin: "point-a", Data: []byte(`{"public":"not a key"}`)},
		{Kind: EvStampEarned, Data: []byte(`{}`)},
	} {
		if err := apply(bad); !errors.Is(err, ErrRemoteData) {
			t.Fatalf("%s %s: %v, want ErrRemoteData", bad.Kind, bad.Data, err)
		}
	}
	unknown := Remote{Kind: EvStampEarned, Origin: "point-a", Data: []byte(`{"card":"nope","movement":"m1","amount":1}`)}
	if err := apply(unknown); !errors.Is(err, ErrRemoteCard) {
		t.Fatalf("a stamp on a card not heard of: %v, want ErrRemoteCard", err)
	}
}
