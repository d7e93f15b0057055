package core

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// The overdrawn exception (DESIGN §5: a card redeemed at two points
// while offline is flagged, not refused). The server keeps each card's
// balance per owner, moved by the applied loyalty events of every point
// and by the CRM with the read model's rules (CardMoves); an event that
// takes a balance below zero raises one overdrawn exception, to the owner
// and to the points that took from the card. The card stays overdrawn
// (no new exception) until its balance is back at zero or above; the
// next drop below zero raises a new one.

// CardBalance is a card's running balance as stored.
type CardBalance struct {
	Card    string
	Balance int64
	// Overdrawn: below zero and the exception raised.
	Overdrawn bool
	// Takers are the points whose events took from the card, each with
	// its latest such event, in the order they first did: the points an
	// overdrawn exception goes to. At most one per point of the owner.
	Takers []Taker
}

// Taker is a point that took from a card, and its latest event doing so.
type Taker struct {
	Point string `json:"point"`
	Event string `json:"event"`
}

// BalanceTx reads and writes card balances inside a write transaction
// that holds the owner's lock (a push's, a CRM movement's).
type BalanceTx interface {
	// CardBalances are the owner's rows of these cards, by card; cards
	// without one are left out.
	CardBalances(ctx context.Context, ownerID string, cards []string) (map[string]CardBalance, error)
	// PutCardBalances writes rows, at most one per card.
	PutCardBalances(ctx context.Context, ownerID string, bs []CardBalance, now time.Time) error
}

// CardMove is one signed change a loyalty event makes to a card's balance.
type CardMove struct {
	Card   string
	Kind   string // MoveEarn, MoveRedeem …
	Amount int64  // signed, never 0
}

// MaxMoveAmount bounds a movement's amount: a payload beyond it is not a
// loyalty movement (and sums of such could overflow), so it moves nothing.
const MaxMoveAmount = 1_000_000_000_000

// loyaltyPayload is what the server reads of a loyalty event's payload
// (app/loyalty/events.go).
type loyaltyPayload struct {
	Card     string          `json:"card"`
	Code     string          `json:"code"`
	Customer string          `json:"customer"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Amount   json.RawMessage `json:"amount"`
}

// parseLoyalty reads a payload; false when it is not the object doc.go
// describes (then the event moves nothing). Text is cleaned so that any
// engine stores it.
func parseLoyalty(payload []byte) (loyaltyPayload, bool) {
	var p loyaltyPayload
	if json.Unmarshal(payload, &p) != nil {
		return loyaltyPayload{}, false
	}
	for _, f := range []*string{&p.Card, &p.Code, &p.Customer, &p.From, &p.To} {
		*f = Clean(*f, protocol.MaxEntityLength)
	}
	return p, true
}

// CardMoves are the balance changes of a loyalty event, from its payload:
//
//	stamp_earned, points_earned  +amount on card (an earn of 0 moves nothing)
//	reward_redeemed              −amount on card (the payload's amount is positive)
//	adjusted, reversed, expired  amount as signed on card
//	transferred                  −amount on from, +amount on to
//
// A payload that is not an object of these fields, an amount that is not
// a whole number within MaxMoveAmount, an empty card: no move. Both the
// read model (CatchUpLoyalty) and the balances take exactly these.
func CardMoves(kind string, payload []byte) []CardMove {
	switch kind {
	case "loyalty.stamp_earned", "loyalty.points_earned", "loyalty.reward_redeemed",
		"loyalty.adjusted", "loyalty.reversed", "loyalty.expired", "loyalty.transferred":
	default:
		return nil
	}
	p, ok := parseLoyalty(payload)
	if !ok {
		return nil
	}
	amount, ok := number(p.Amount)
	if !ok || amount > MaxMoveAmount || amount < -MaxMoveAmount {
		return nil
	}
	var out []CardMove
	move := func(card, kind string, signed int64) {
		if card != "" && signed != 0 {
			out = append(out, CardMove{Card: card, Kind: kind, Amount: signed})
		}
	}
	switch kind {
	case "loyalty.stamp_earned", "loyalty.points_earned":
		move(p.Card, MoveEarn, amount)
	case "loyalty.reward_redeemed":
		move(p.Card, MoveRedeem, -amount)
	case "loyalty.adjusted":
		move(p.Card, MoveAdjust, amount)
	case "loyalty.reversed":
		move(p.Card, MoveReverse, amount)
	case "loyalty.expired":
		move(p.Card, MoveExpire, amount)
	case "loyalty.transferred":
		if p.From != p.To {
			move(p.From, MoveTransfer, -amount)
			move(p.To, MoveTransfer, amount)
		}
	}
	return out
}

// addSat adds without wrapping around.
func addSat(a, b int64) int64 {
	s := a + b
	switch {
	case b > 0 && s < a:
		return math.MaxInt64
	case b < 0 && s > a:
		return math.MinInt64
	}
	return s
}

// applyMove moves b by m, made by event (of kind, at pointID; "" for the
// CRM), and returns the exception to raise when it drops below zero.
func applyMove(ownerID string, b *CardBalance, m CardMove, pointID, event, kind string, now time.Time) (*store.Exception, error) {
	before := b.Balance
	b.Balance = addSat(before, m.Amount)
	if m.Amount < 0 && pointID != "" {
		if i := slices.IndexFunc(b.Takers, func(t Taker) bool { return t.Point == pointID }); i >= 0 {
			b.Takers[i].Event = event
		} else {
			b.Takers = append(b.Takers, Taker{Point: pointID, Event: event})
		}
	}
	if b.Balance >= 0 {
		b.Overdrawn = false
		return nil, nil
	}
	if b.Overdrawn {
		return nil, nil // still below zero: raised already
	}
	b.Overdrawn = true
	deficit := int64(math.MaxInt64)
	if b.Balance != math.MinInt64 {
		deficit = -b.Balance
	}
	detail, err := json.Marshal(protocol.OverdrawnDetail{Card: b.Card, Balance: b.Balance, Deficit: deficit, BalanceBefore: before,
		Point: pointID, Event: event, Kind: kind, Amount: -m.Amount})
	if err != nil {
		return nil, fmt.Errorf("overdrawn detail: %w", err)
	}
	// The other takers first, the one that overdrew it last (as the
	// parcel conflicts name the earlier point first).
	x := &store.Exception{ID: NewID(), OwnerID: ownerID, Kind: protocol.WarnOverdrawn, Entity: "card:" + b.Card,
		Points: []string{}, Events: []string{}, RaisedAt: now, Detail: detail}
	for _, t := range b.Takers {
		if t.Point != pointID {
			x.Points, x.Events = append(x.Points, t.Point), append(x.Events, t.Event)
		}
	}
	if pointID != "" {
		x.Points = append(x.Points, pointID)
	}
	x.Events = append(x.Events, event)
	return x, nil
}

// projectBalances moves the card balances by the batch's applied loyalty
// events, in order, and notes on each the overdrawn exception it raises
// (and its warning). The rows are read once and written once.
func projectBalances(ctx context.Context, tx WriteTx, ownerID, pointID string, steps []step, now time.Time) error {
	moves := make([][]CardMove, len(steps))
	var cards []string
	seen := map[string]bool{}
	for i, st := range steps {
		if st.kind != stepApplied || !strings.HasPrefix(st.event.Kind, LoyaltyPrefix) {
			continue
		}
		moves[i] = CardMoves(st.event.Kind, st.event.Payload)
		for _, m := range moves[i] {
			if !seen[m.Card] {
				seen[m.Card] = true
				cards = append(cards, m.Card)
			}
		}
	}
	if len(cards) == 0 {
		return nil
	}
	bs, err := tx.CardBalances(ctx, ownerID, cards)
	if err != nil {
		return fmt.Errorf("card balances: %w", err)
	}
	if bs == nil {
		bs = map[string]CardBalance{}
	}
	for i := range steps {
		st := &steps[i]
		for _, m := range moves[i] {
			b, ok := bs[m.Card]
			if !ok {
				b = CardBalance{Card: m.Card}
			}
			b.Takers = slices.Clone(b.Takers)
			x, err := applyMove(ownerID, &b, m, pointID, st.event.ID, st.event.Kind, now)
			if err != nil {
				return err
			}
			bs[m.Card] = b
			if x != nil {
				st.raised = append(st.raised, *x)
				if !slices.Contains(st.stored.Warnings, x.Kind) {
					st.stored.Warnings = append(st.stored.Warnings, x.Kind)
				}
			}
		}
	}
	out := make([]CardBalance, len(cards))
	for i, c := range cards {
		out[i] = bs[c]
	}
	if err := tx.PutCardBalances(ctx, ownerID, out, now); err != nil {
		return fmt.Errorf("put card balances: %w", err)
	}
	return nil
}

// moveBalanceCRM moves a card's balance by a CRM movement inside tx (the
// CRM refuses to redeem over the balance, so it raises nothing unless
// the balances and the read model disagree).
func moveBalanceCRM(ctx context.Context, tx IntegrationsTx, ownerID string, m CardMove, event, kind string, now time.Time) error {
	bs, err := tx.CardBalances(ctx, ownerID, []string{m.Card})
	if err != nil {
		return fmt.Errorf("card balance: %w", err)
	}
	b, ok := bs[m.Card]
	if !ok {
		b = CardBalance{Card: m.Card}
	}
	x, err := applyMove(ownerID, &b, m, "", event, kind, now)
	if err != nil {
		return err
	}
	if err := tx.PutCardBalances(ctx, ownerID, []CardBalance{b}, now); err != nil {
		return fmt.Errorf("put card balance: %w", err)
	}
	if x != nil {
		return raiseOn(ctx, tx, OriginCRM, *x)
	}
	return nil
}

// BalanceKinds are the events that move card balances (for the
// backfill's query).
var BalanceKinds = []string{"loyalty.stamp_earned", "loyalty.points_earned", "loyalty.reward_redeemed",
	"loyalty.adjusted", "loyalty.reversed", "loyalty.expired", "loyalty.transferred"}

// BalanceBackfill computes the balances of the events and CRM movements
// a store held before it kept balances (run once, by the migration that
// added them): fed the applied events of BalanceKinds in server_seq order
// and the CRM's movements, it gives each card's row. A card already below
// zero is marked overdrawn without an exception (history is not raised
// again; its next drop after a recovery is).
type BalanceBackfill struct {
	byOwner map[string]map[string]*CardBalance
	order   map[string][]string
}

// NewBalanceBackfill starts an empty backfill.
func NewBalanceBackfill() *BalanceBackfill {
	return &BalanceBackfill{byOwner: map[string]map[string]*CardBalance{}, order: map[string][]string{}}
}

func (f *BalanceBackfill) card(ownerID, card string) *CardBalance {
	cards := f.byOwner[ownerID]
	if cards == nil {
		cards = map[string]*CardBalance{}
		f.byOwner[ownerID] = cards
	}
	b := cards[card]
	if b == nil {
		b = &CardBalance{Card: card}
		cards[card] = b
		f.order[ownerID] = append(f.order[ownerID], card)
	}
	return b
}

// Event takes an applied event of a point.
func (f *BalanceBackfill) Event(ownerID, pointID, eventID, kind string, payload []byte) {
	for _, m := range CardMoves(kind, payload) {
		// Exceptions are not made here; Balances sets Overdrawn.
		_, _ = applyMove(ownerID, f.card(ownerID, m.Card), m, pointID, eventID, kind, time.Time{})
	}
}

// CRM takes a CRM movement (signed).
func (f *BalanceBackfill) CRM(ownerID, card string, amount int64) {
	b := f.card(ownerID, card)
	b.Balance = addSat(b.Balance, amount)
}

// Balances are the rows, by owner, in the order the cards first moved.
func (f *BalanceBackfill) Balances() map[string][]CardBalance {
	out := make(map[string][]CardBalance, len(f.byOwner))
	for owner, cards := range f.order {
		for _, c := range cards {
			b := *f.byOwner[owner][c]
			b.Overdrawn = b.Balance < 0
			out[owner] = append(out[owner], b)
		}
	}
	return out
}
