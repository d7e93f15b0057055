package core

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"smartpoint/sync/protocol"
)

// fakeTx's card balances (push_test.go).

func (f *fakeTx) CardBalances(_ context.Context, ownerID string, cards []string) (map[string]CardBalance, error) {
	f.calls++
	out := map[string]CardBalance{}
	for _, c := range cards {
		if b, ok := f.balances[ownerID+"|"+c]; ok {
			b.Takers = slices.Clone(b.Takers)
			out[c] = b
		}
	}
	return out, nil
}

func (f *fakeTx) PutCardBalances(_ context.Context, ownerID string, bs []CardBalance, _ time.Time) error {
	f.calls++
	if f.balances == nil {
		f.balances = map[string]CardBalance{}
	}
	seen := map[string]bool{}
	for _, b := range bs {
		if seen[b.Card] {
			return fmt.Errorf("PutCardBalances: card %s twice", b.Card)
		}
		seen[b.Card] = true
		b.Takers = slices.Clone(b.Takers)
		f.balances[ownerID+"|"+b.Card] = b
	}
	return nil
}

func TestCardMoves(t *testing.T) {
	for _, tc := range []struct {
		kind, payload string
		want          []CardMove
	}{
		{"loyalty.stamp_earned", `{"card":"c","amount":2}`, []CardMove{{"c", MoveEarn, 2}}},
		{"loyalty.points_earned", `{"card":"c","amount":7.0}`, []CardMove{{"c", MoveEarn, 7}}},
		{"loyalty.stamp_earned", `{"card":"c","amount":0}`, nil}, // capped: nothing moves
		{"loyalty.reward_redeemed", `{"card":"c","amount":3}`, []CardMove{{"c", MoveRedeem, -3}}},
		{"loyalty.adjusted", `{"card":"c","amount":-4}`, []CardMove{{"c", MoveAdjust, -4}}},
		{"loyalty.reversed", `{"card":"c","amount":-1}`, []CardMove{{"c", MoveReverse, -1}}},
		{"loyalty.expired", `{"card":"c","amount":-5}`, []CardMove{{"c", MoveExpire, -5}}},
		{"loyalty.transferred", `{"from":"a","to":"b","amount":6}`, []CardMove{{"a", MoveTransfer, -6}, {"b", MoveTransfer, 6}}},
		{"loyalty.transferred", `{"from":"a","to":"a","amount":6}`, nil},
		{"loyalty.card_issued", `{"card":"c","amount":1}`, nil},
		// Malformed: nothing moves, nothing fails.
		{"loyalty.reward_redeemed", `{"card":5,"amount":3}`, nil},
		{"loyalty.reward_redeemed", `{"card":"c","amount":"3"}`, []CardMove{{"c", MoveRedeem, -3}}}, // json.Number takes it
		{"loyalty.reward_redeemed", `{"card":"c","amount":"x"}`, nil},
		{"loyalty.reward_redeemed", `{"card":"c","amount":1.5}`, nil},
		{"loyalty.reward_redeemed", `{"card":"c","amount":1e300}`, nil},
		{"loyalty.reward_redeemed", `{"card":"c","amount":1000000000001}`, nil},
		{"loyalty.reward_redeemed", `{"card":"","amount":3}`, nil},
		{"loyalty.reward_redeemed", `{"card":"c"}`, nil},
		{"loyalty.reward_redeemed", `[1,2]`, nil},
		{"loyalty.reward_redeemed", `{"card":"c","amount":3,"customer":{}}`, nil},
		{"loyalty.reward_redeemed", "{\"card\":\"c\\u0000\xff\",\"amount\":3}", []CardMove{{"c\uFFFD", MoveRedeem, -3}}},
	} {
		if got := CardMoves(tc.kind, []byte(tc.payload)); !slices.Equal(got, tc.want) {
			t.Errorf("CardMoves(%s, %s) = %v, want %v", tc.kind, tc.payload, got, tc.want)
		}
	}
}

func loyaltyEvent(id string, seq int64, kind string, fields map[string]any) protocol.Event {
	b, _ := json.Marshal(fields)
	entity := "card:x"
	if c, ok := fields["card"].(string); ok {
		entity = "card:" + c
	}
	return protocol.Event{ID: id, ClientSeq: seq, Kind: kind, Entity: entity, OccurredAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC),
		Payload: b}
}

// The rules on the in-memory store: the drop below zero raises one
// exception, to the takers; staying below raises none; a recovery and a
// new drop raise another; a duplicate raises nothing.
func TestPushRaisesOverdrawnOncePerDrop(t *testing.T) {
	ctx := context.Background()
	tx := newFakeTx()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	push := func(point, device string, events ...protocol.Event) []protocol.EventResult {
		t.Helper()
		res, err := Push(ctx, tx, "o", point, protocol.PushRequest{Protocol: 1, DeviceID: device, Incarnation: "i", Events: events}, now)
		if err != nil {
			t.Fatal(err)
		}
		return res.Results
	}
	push("A", "da", loyaltyEvent("earn", 1, "loyalty.stamp_earned", map[string]any{"card": "c", "amount": 3}))
	if r := push("B", "db", loyaltyEvent("rdB", 1, "loyalty.reward_redeemed", map[string]any{"card": "c", "amount": 3})); r[0].Warnings != nil {
		t.Fatalf("redeeming the balance warns: %+v", r)
	}
	// A redeemed the same stamps offline.
	rdA := loyaltyEvent("rdA", 2, "loyalty.reward_redeemed", map[string]any{"card": "c", "amount": 3})
	r := push("A", "da", rdA, loyaltyEvent("rdA2", 3, "loyalty.reward_redeemed", map[string]any{"card": "c", "amount": 1}))
	if !slices.Equal(r[0].Warnings, []string{protocol.WarnOverdrawn}) || r[1].Warnings != nil {
		t.Fatalf("results %+v: want overdrawn on the first only", r)
	}
	if len(tx.exceptions) != 1 {
		t.Fatalf("exceptions %+v", tx.exceptions)
	}
	x := tx.exceptions[0]
	var d protocol.OverdrawnDetail
	if err := json.Unmarshal(x.Detail, &d); err != nil {
		t.Fatal(err)
	}
	if x.Kind != protocol.WarnOverdrawn || x.Entity != "card:c" || !slices.Equal(x.Points, []string{"B", "A"}) || !slices.Equal(x.Events, []string{"rdB", "rdA"}) ||
		d != (protocol.OverdrawnDetail{Card: "c", Balance: -3, Deficit: 3, BalanceBefore: 0, Point: "A", Event: "rdA", Kind: "loyalty.reward_redeemed", Amount: 3}) {
		t.Fatalf("exception %+v, detail %+v", x, d)
	}
	for _, p := range []string{"A", "B"} {
		if cs := tx.streams[PointStream(p)]; len(cs) != 1 || cs[0].Kind != KindExceptionRaised {
			t.Fatalf("point %s stream %+v", p, cs)
		}
	}
	// A retry of the batch: the first result back, nothing raised.
	if r := push("A", "da", rdA); r[0].Status != protocol.StatusDuplicate || !slices.Equal(r[0].Warnings, []string{protocol.WarnOverdrawn}) || len(tx.exceptions) != 1 {
		t.Fatalf("duplicate %+v, %d exceptions", r, len(tx.exceptions))
	}
	// Back to 0 (not below), then below again: a new exception.
	push("B", "db", loyaltyEvent("earnB", 2, "loyalty.stamp_earned", map[string]any{"card": "c", "amount": 4}))
	r = push("B", "db", loyaltyEvent("rdB2", 3, "loyalty.reward_redeemed", map[string]any{"card": "c", "amount": 2}))
	if !slices.Equal(r[0].Warnings, []string{protocol.WarnOverdrawn}) || len(tx.exceptions) != 2 {
		t.Fatalf("second drop: %+v, %d exceptions", r, len(tx.exceptions))
	}
	if x := tx.exceptions[1]; !slices.Equal(x.Points, []string{"A", "B"}) || !slices.Equal(x.Events, []string{"rdA2", "rdB2"}) {
		t.Fatalf("second exception %+v", x)
	}
	if b := tx.balances["o|c"]; b.Balance != -2 || !b.Overdrawn {
		t.Fatalf("balance %+v", b)
	}
}

// The balances cost two statements a batch, whatever its size.
func TestBalancesStatementsPerBatch(t *testing.T) {
	tx := newFakeTx()
	var events []protocol.Event
	for i := range protocol.MaxBatchEvents {
		kind, amount := "loyalty.stamp_earned", 5
		if i >= protocol.MaxBatchEvents/2 {
			kind, amount = "loyalty.reward_redeemed", 1+i%3
		}
		events = append(events, loyaltyEvent(fmt.Sprintf("e%d", i), int64(i+1), kind, map[string]any{"card": fmt.Sprint(i % 37), "amount": amount}))
	}
	res, err := Push(context.Background(), tx, "o", "p", protocol.PushRequest{Protocol: 1, DeviceID: "d", Incarnation: "i", Events: events}, time.Now())
	if err != nil || len(res.Results) != len(events) {
		t.Fatalf("Push = %d results, %v", len(res.Results), err)
	}
	if len(tx.exceptions) != 0 || tx.calls > 12 {
		t.Fatalf("%d calls for a batch of %d loyalty events (%d exceptions)", tx.calls, len(events), len(tx.exceptions))
	}
}

// The backfill gives the balances the pushes would have kept.
func TestBalanceBackfillIsThePushesBalances(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tx := newFakeTx()
	fill := NewBalanceBackfill()
	kinds := []string{"loyalty.stamp_earned", "loyalty.reward_redeemed", "loyalty.adjusted", "loyalty.expired", "loyalty.transferred", "loyalty.card_issued"}
	seq := map[string]int64{}
	for i := range 300 {
		point := []string{"A", "B", "C"}[rng.IntN(3)]
		kind := kinds[rng.IntN(len(kinds))]
		fields := map[string]any{"card": fmt.Sprint(rng.IntN(5)), "amount": rng.IntN(7) - 1}
		if kind == "loyalty.transferred" {
			fields = map[string]any{"from": fmt.Sprint(rng.IntN(5)), "to": fmt.Sprint(rng.IntN(5)), "amount": rng.IntN(4)}
		}
		seq[point]++
		e := loyaltyEvent(fmt.Sprintf("e%d", i), seq[point], kind, fields)
		if _, err := Push(context.Background(), tx, "o", point, protocol.PushRequest{Protocol: 1, DeviceID: "d" + point, Incarnation: "i",
			Events: []protocol.Event{e}}, time.Now()); err != nil {
			t.Fatal(err)
		}
		fill.Event("o", point, e.ID, e.Kind, e.Payload)
	}
	got := fill.Balances()["o"]
	if len(got) != len(tx.balances) || len(got) == 0 {
		t.Fatalf("backfill %d cards, pushes %d", len(got), len(tx.balances))
	}
	for _, b := range got {
		want := tx.balances["o|"+b.Card]
		if b.Balance != want.Balance || b.Overdrawn != (want.Balance < 0) || !slices.Equal(b.Takers, want.Takers) {
			t.Errorf("card %s: backfill %+v, pushes %+v", b.Card, b, want)
		}
	}
	if len(tx.exceptions) == 0 {
		t.Fatal("the random history never overdrew a card: the test tests nothing")
	}
}
