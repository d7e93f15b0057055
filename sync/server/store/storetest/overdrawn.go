package storetest

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// RunOverdrawn runs the suite of the overdrawn exception: a card redeemed
// at two points while offline (DESIGN §5); open gives a fresh, empty
// store for each test.
func RunOverdrawn(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f fixture)
	}{
		{"TwoPointsRedeemTheSameStampsOffline", testOverdrawnTwoPoints},
		{"DuplicatePushRaisesNothing", testOverdrawnDuplicate},
		{"OncePerDropBelowZero", testOverdrawnOncePerDrop},
		{"Transfer", testOverdrawnTransfer},
		{"Expiry", testOverdrawnExpiry},
		{"MalformedLoyaltyPayloadsBlockNothing", testOverdrawnMalformed},
		{"CRMMovementsCount", testOverdrawnCRM},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, setup(t, open)) })
	}
}

const (
	kindRedeemed    = "loyalty.reward_redeemed"
	kindTransferred = "loyalty.transferred"
	kindExpired     = "loyalty.expired"
)

// cardEv is a loyalty event of card c with the payload's fields.
func cardEv(id string, seq int64, kind, card string, fields map[string]any) protocol.Event {
	return payloadEv(id, seq, kind, "card:"+card, fields)
}

func earn(id string, seq int64, card string, amount int) protocol.Event {
	return cardEv(id, seq, kindStamp, card, map[string]any{"card": card, "customer": "u1", "movement": "m-" + id, "amount": amount})
}

func redeem(id string, seq int64, card string, amount int) protocol.Event {
	return cardEv(id, seq, kindRedeemed, card, map[string]any{"card": card, "customer": "u1", "movement": "m-" + id, "amount": amount,
		"reward": "Coffee", "lots": []any{}})
}

// wantWarnings checks each result's warnings, in order (nil: none).
func wantWarnings(t *testing.T, res store.PushResult, want ...[]string) {
	t.Helper()
	if len(res.Results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(res.Results), len(want), res.Results)
	}
	for i, w := range want {
		if !slices.Equal(res.Results[i].Warnings, w) {
			t.Fatalf("result %d (%s) warnings %v, want %v", i, res.Results[i].ID, res.Results[i].Warnings, w)
		}
	}
}

var overdrawn = []string{protocol.WarnOverdrawn}

// exceptions are the owner's exceptions, oldest first.
func exceptions(t *testing.T, f fixture) []store.Exception {
	t.Helper()
	xs, err := f.s.Exceptions(t.Context(), f.owner.ID, time.Time{})
	if err != nil {
		t.Fatalf("Exceptions: %v", err)
	}
	return xs
}

// detail is an overdrawn exception's detail.
func detail(t *testing.T, x store.Exception) protocol.OverdrawnDetail {
	t.Helper()
	var d protocol.OverdrawnDetail
	dec := json.NewDecoder(bytes.NewReader(x.Detail))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("exception %s detail %s: %v", x.ID, x.Detail, err)
	}
	return d
}

func testOverdrawnTwoPoints(t *testing.T, f fixture) {
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	push(t, f.s, a, batch("dev-a", "inc", earn("earn", 1, "c1", 5)))
	// Both points saw 5 stamps, went offline, and each gave the reward.
	rdA := push(t, f.s, a, batch("dev-a", "inc", redeem("rd-a", 2, "c1", 5)))
	wantWarnings(t, rdA, nil)
	rdB := push(t, f.s, b, batch("dev-b", "inc", redeem("rd-b", 1, "c1", 5)))
	wantStatuses(t, rdB, protocol.StatusApplied)
	wantWarnings(t, rdB, overdrawn)
	// The owner and both points see it; point c, which took nothing, does not.
	wantException(t, f, protocol.WarnOverdrawn, "card:c1", []string{a, b}, []string{"rd-a", "rd-b"}, c)
	want := protocol.OverdrawnDetail{Card: "c1", Balance: -5, Deficit: 5, BalanceBefore: 0, Point: b, Event: "rd-b", Kind: kindRedeemed, Amount: 5}
	if d := detail(t, exceptions(t, f)[0]); d != want {
		t.Fatalf("detail %+v, want %+v", d, want)
	}
	// The redemption itself went to the owner's stream as any movement.
	if got := eventIDs(t, pullAll(t, f.s, c, protocol.StreamOwner)); !slices.Equal(got, []string{"earn", "rd-a", "rd-b"}) {
		t.Fatalf("owner stream %v", got)
	}
}

func testOverdrawnDuplicate(t *testing.T, f fixture) {
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	push(t, f.s, a, batch("dev-a", "inc", earn("earn", 1, "c1", 3), redeem("rd-a", 2, "c1", 3)))
	req := batch("dev-b", "inc", redeem("rd-b", 1, "c1", 3))
	first := push(t, f.s, b, req)
	wantWarnings(t, first, overdrawn)
	// The answer was lost: the same batch again, then the same events
	// from a restored database (a new incarnation).
	again := push(t, f.s, b, req)
	wantStatuses(t, again, protocol.StatusDuplicate)
	wantWarnings(t, again, overdrawn)
	if again.Results[0].ServerSeq != first.Results[0].ServerSeq {
		t.Fatalf("duplicate %+v, want the first result %+v", again.Results[0], first.Results[0])
	}
	restored := push(t, f.s, b, batch("dev-b", "inc-2", redeem("rd-b", 1, "c1", 3)))
	wantStatuses(t, restored, protocol.StatusDuplicate)
	wantException(t, f, protocol.WarnOverdrawn, "card:c1", []string{a, b}, []string{"rd-a", "rd-b"}, c)
	// A duplicate moved nothing: 3 stamps bring the card back to 0.
	res := push(t, f.s, a, batch("dev-a", "inc", earn("earn-2", 3, "c1", 3), redeem("rd-a2", 4, "c1", 1)))
	wantWarnings(t, res, nil, overdrawn)
	if d := detail(t, exceptions(t, f)[1]); d.Balance != -1 || d.BalanceBefore != 0 {
		t.Fatalf("after the recovery: %+v, want -1 from 0", d)
	}
}

func testOverdrawnOncePerDrop(t *testing.T, f fixture) {
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	push(t, f.s, a, batch("dev-a", "inc", earn("earn-1", 1, "c1", 2)))
	// Below zero, then further below in the same batch: one exception.
	res := push(t, f.s, b, batch("dev-b", "inc", redeem("rd-b1", 1, "c1", 3), redeem("rd-b2", 2, "c1", 1)))
	wantWarnings(t, res, overdrawn, nil)
	// Further below from another point, in another batch: still the same drop.
	res = push(t, f.s, c, batch("dev-c", "inc", redeem("rd-c1", 1, "c1", 1)))
	wantWarnings(t, res, nil)
	// Stamps bring it to exactly 0 (not below: recovered), and a new
	// redemption takes it below again: a new exception, to every point
	// that took from the card, the latest event of each.
	res = push(t, f.s, a, batch("dev-a", "inc", earn("earn-2", 2, "c1", 3)))
	wantWarnings(t, res, nil)
	res = push(t, f.s, a, batch("dev-a", "inc", redeem("rd-a1", 3, "c1", 1)))
	wantWarnings(t, res, overdrawn)
	xs := exceptions(t, f)
	if len(xs) != 2 {
		t.Fatalf("exceptions %+v, want two", xs)
	}
	if x := xs[0]; !slices.Equal(x.Points, []string{b}) || !slices.Equal(x.Events, []string{"rd-b1"}) {
		t.Fatalf("first %+v", x)
	}
	if x := xs[1]; !slices.Equal(x.Points, []string{b, c, a}) || !slices.Equal(x.Events, []string{"rd-b2", "rd-c1", "rd-a1"}) {
		t.Fatalf("second %+v", x)
	}
	if d := detail(t, xs[1]); d.Balance != -1 || d.Deficit != 1 || d.BalanceBefore != 0 || d.Point != a {
		t.Fatalf("second detail %+v", d)
	}
	// Each point's stream has each exception it is in, once.
	for p, n := range map[string]int{a: 1, b: 2, c: 1} {
		var ids []string
		for _, ch := range pullAll(t, f.s, p, protocol.StreamPoint) {
			var d core.ExceptionData
			if ch.Kind != core.KindExceptionRaised || json.Unmarshal(ch.Data, &d) != nil || d.Kind != protocol.WarnOverdrawn || ch.Entity != "card:c1" {
				t.Fatalf("point %s: %s", p, show([]store.Change{ch}))
			}
			ids = append(ids, d.ID)
		}
		if len(ids) != n || len(ids) == 2 && (ids[0] != xs[0].ID || ids[1] != xs[1].ID) {
			t.Fatalf("point %s got exceptions %v, want %d", p, ids, n)
		}
	}
}

func testOverdrawnTransfer(t *testing.T, f fixture) {
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	transfer := func(id string, seq int64, from, to string, amount int) protocol.Event {
		return cardEv(id, seq, kindTransferred, from, map[string]any{"from": from, "to": to, "customer": "u1", "amount": amount,
			"reason": "reissue", "movements": []string{"m1", "m2"}})
	}
	push(t, f.s, a, batch("dev-a", "inc", earn("earn", 1, "old", 4)))
	// A moves the stamps to the customer's new card; B, offline, still
	// redeems them from the old one.
	res := push(t, f.s, a, batch("dev-a", "inc", transfer("tr", 2, "old", "new", 4)))
	wantWarnings(t, res, nil)
	res = push(t, f.s, b, batch("dev-b", "inc", redeem("rd-b", 1, "old", 4)))
	wantWarnings(t, res, overdrawn)
	wantException(t, f, protocol.WarnOverdrawn, "card:old", []string{a, b}, []string{"tr", "rd-b"}, c)
	// The new card has the 4: redeeming them is no overdraft, moving 5
	// out of it is.
	res = push(t, f.s, c, batch("dev-c", "inc", redeem("rd-c", 1, "new", 4)))
	wantWarnings(t, res, nil)
	res = push(t, f.s, a, batch("dev-a", "inc", transfer("tr-2", 3, "new", "third", 1)))
	wantWarnings(t, res, overdrawn)
	xs := exceptions(t, f)
	if len(xs) != 2 || xs[1].Entity != "card:new" || !slices.Equal(xs[1].Points, []string{c, a}) {
		t.Fatalf("exceptions %+v", xs)
	}
	want := protocol.OverdrawnDetail{Card: "new", Balance: -1, Deficit: 1, BalanceBefore: 0, Point: a, Event: "tr-2", Kind: kindTransferred, Amount: 1}
	if d := detail(t, xs[1]); d != want {
		t.Fatalf("detail %+v, want %+v", d, want)
	}
}

func testOverdrawnExpiry(t *testing.T, f fixture) {
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	expire := func(id string, seq int64, card string, amount int) protocol.Event {
		return cardEv(id, seq, kindExpired, card, map[string]any{"card": card, "customer": "u1", "movement": "m-" + id, "amount": amount,
			"reason": "expiry"})
	}
	push(t, f.s, a, batch("dev-a", "inc", earn("earn", 1, "c1", 4)))
	// Both points ran the expiry of the same lots while offline: the
	// amounts are signed (negative) in expired events.
	res := push(t, f.s, a, batch("dev-a", "inc", expire("ex-a", 2, "c1", -4)))
	wantWarnings(t, res, nil)
	res = push(t, f.s, b, batch("dev-b", "inc", expire("ex-b", 1, "c1", -4)))
	wantWarnings(t, res, overdrawn)
	wantException(t, f, protocol.WarnOverdrawn, "card:c1", []string{a, b}, []string{"ex-a", "ex-b"}, c)
	want := protocol.OverdrawnDetail{Card: "c1", Balance: -4, Deficit: 4, BalanceBefore: 0, Point: b, Event: "ex-b", Kind: kindExpired, Amount: 4}
	if d := detail(t, exceptions(t, f)[0]); d != want {
		t.Fatalf("detail %+v, want %+v", d, want)
	}
}

// Broken payloads are applied (and go to the other points, as valid
// JSON) but move nothing; invalid UTF-8 in a text field does not fail
// the push on any engine, and the movement still counts.
func testOverdrawnMalformed(t *testing.T, f fixture) {
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	raw := func(id string, seq int64, kind, payload string) protocol.Event {
		e := ev(id, seq, kind, "card:c1")
		e.Payload = []byte(payload)
		return e
	}
	push(t, f.s, a, batch("dev-a", "inc", earn("earn", 1, "c1", 1)))
	res := push(t, f.s, b, batch("dev-b", "inc",
		raw("num-card", 1, kindRedeemed, `{"card":5,"amount":3}`),
		raw("str-amount", 2, kindRedeemed, `{"card":"c1","amount":"x"}`),
		raw("huge", 3, kindRedeemed, `{"card":"c1","amount":1e30}`),
		raw("frac", 4, kindRedeemed, `{"card":"c1","amount":0.5}`),
		raw("empty", 5, kindRedeemed, `{}`),
		raw("nul", 6, kindTransferred, `{"from":"c\u0000","to":"c1","amount":2}`),
		raw("bad-utf8", 7, kindRedeemed, "{\"card\":\"c1\",\"amount\":4,\"reward\":\"Co\xffee\",\"lots\":[{\"lot\":\"\xfe\",\"amount\":4}]}"),
	))
	wantStatuses(t, res, protocol.StatusApplied, protocol.StatusApplied, protocol.StatusApplied, protocol.StatusApplied,
		protocol.StatusApplied, protocol.StatusApplied, protocol.StatusApplied)
	// Only the transfer (+2 from a card the server never saw go up, which
	// raises on that card) and the last redemption (1+2-4) moved.
	wantWarnings(t, res, nil, nil, nil, nil, nil, overdrawn, overdrawn)
	xs := exceptions(t, f)
	if len(xs) != 2 || xs[0].Entity != "card:c" || xs[1].Entity != "card:c1" {
		t.Fatalf("exceptions %+v", xs)
	}
	if d := detail(t, xs[1]); d.Balance != -1 || d.BalanceBefore != 3 || d.Event != "bad-utf8" {
		t.Fatalf("detail %+v", d)
	}
	for _, ch := range pullAll(t, f.s, c, protocol.StreamOwner) {
		if !json.Valid(ch.Data) || !utf8.Valid(ch.Data) {
			t.Fatalf("owner stream change %d is not valid JSON text: %q", ch.Seq, ch.Data)
		}
	}
	if got := eventIDs(t, pullAll(t, f.s, a, protocol.StreamOwner)); len(got) != 8 || got[7] != "bad-utf8" {
		t.Fatalf("point a pulled %v", got)
	}
}

// CRM stamps are spendable at the points; the CRM's own movements move
// the same balances.
func testOverdrawnCRM(t *testing.T, f fixture) {
	is, ok := f.s.(store.Integrations)
	if !ok {
		t.Skipf("%T has no integrations", f.s)
	}
	ctx := t.Context()
	a, b := f.points[0].ID, f.points[1].ID
	push(t, f.s, a, batch("dev-a", "inc",
		cardEv("iss", 1, "loyalty.card_issued", "c1", map[string]any{"card": "c1", "code": "CODE1", "customer": "u1"}),
		earn("earn", 2, "c1", 2)))
	if _, err := is.MoveCard(ctx, f.owner.ID, "CODE1", store.CardMovement{Kind: protocol.MovementStamp, Amount: 3, Key: "k1"}, t0); err != nil {
		t.Fatalf("CRM stamp: %v", err)
	}
	res := push(t, f.s, b, batch("dev-b", "inc", redeem("rd-b", 1, "c1", 5)))
	wantWarnings(t, res, nil)
	if _, err := is.MoveCard(ctx, f.owner.ID, "CODE1", store.CardMovement{Kind: protocol.MovementRedeem, Amount: 1, Key: "k2"}, t0); err == nil {
		t.Fatal("the CRM redeemed from an empty card")
	}
	res = push(t, f.s, a, batch("dev-a", "inc", redeem("rd-a", 3, "c1", 1)))
	wantWarnings(t, res, overdrawn)
	if xs := exceptions(t, f); len(xs) != 1 || !slices.Equal(xs[0].Points, []string{b, a}) {
		t.Fatalf("exceptions %+v", xs)
	}
	// The CRM's stamp recovers the card; the next drop raises again.
	if _, err := is.MoveCard(ctx, f.owner.ID, "CODE1", store.CardMovement{Kind: protocol.MovementStamp, Amount: 1, Key: "k3"}, t0); err != nil {
		t.Fatalf("CRM stamp: %v", err)
	}
	res = push(t, f.s, b, batch("dev-b", "inc", redeem("rd-b2", 2, "c1", 1)))
	wantWarnings(t, res, overdrawn)
	if card, err := is.Card(ctx, f.owner.ID, "CODE1"); err != nil || card.Balance != -1 {
		t.Fatalf("the CRM's card %+v, %v; want the balance the exception says (-1)", card, err)
	}
}

// BalanceBackfill checks the balances an engine computes for the events
// and CRM movements it held before it kept balances: s is a fresh store;
// forgetAndReopen closes it, deletes every card balance and marks the
// backfill pending as the migration does, and opens it again.
func BalanceBackfill(t *testing.T, s store.Store, forgetAndReopen func(store.Store) store.Store) {
	ctx := t.Context()
	is, ok := s.(store.Integrations)
	if !ok {
		t.Fatalf("%T has no integrations", s)
	}
	o, err := s.CreateOwner(ctx, "Owner A")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.CreatePoint(ctx, o.ID, "A")
	b, _ := s.CreatePoint(ctx, o.ID, "B")
	push(t, s, a.ID, batch("dev-a", "inc",
		cardEv("iss", 1, "loyalty.card_issued", "c1", map[string]any{"card": "c1", "code": "CODE1", "customer": "u1"}),
		earn("earn", 2, "c1", 5), redeem("rd-c2", 3, "c2", 2)))
	if _, err := is.MoveCard(ctx, o.ID, "CODE1", store.CardMovement{Kind: protocol.MovementStamp, Amount: 3, Key: "k1"}, t0); err != nil {
		t.Fatal(err)
	}
	push(t, s, b.ID, batch("dev-b", "inc", redeem("rd-b1", 1, "c1", 3)))
	before, err := s.Exceptions(ctx, o.ID, time.Time{})
	if err != nil || len(before) != 1 || before[0].Entity != "card:c2" {
		t.Fatalf("exceptions before %+v, %v", before, err)
	}

	s = forgetAndReopen(s)
	// c1: 5 + 3 (CRM) − 3 = 5, so redeeming 5 is no overdraft; c2 is
	// at −2 already: its exception was raised, not again.
	res := push(t, s, a.ID, batch("dev-a", "inc", redeem("rd-a", 4, "c1", 5), redeem("rd-c2b", 5, "c2", 1)))
	wantWarnings(t, res, nil, nil)
	res = push(t, s, b.ID, batch("dev-b", "inc", redeem("rd-b2", 2, "c1", 1)))
	wantWarnings(t, res, overdrawn)
	xs, err := s.Exceptions(ctx, o.ID, time.Time{})
	if err != nil || len(xs) != 2 {
		t.Fatalf("exceptions %+v, %v", xs, err)
	}
	if x := xs[1]; x.Entity != "card:c1" || !slices.Equal(x.Points, []string{a.ID, b.ID}) || !slices.Equal(x.Events, []string{"rd-a", "rd-b2"}) {
		t.Fatalf("exception %+v", x)
	}
	if d := detail(t, xs[1]); d.Balance != -1 || d.BalanceBefore != 0 {
		t.Fatalf("detail %+v", d)
	}
}
