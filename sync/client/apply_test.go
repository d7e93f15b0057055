package client

import (
	"context"
	"fmt"
	"testing"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/inbox"
	"smartpoint/app/loyalty"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// The inbox (app/inbox) cannot import the protocol: its kind names must be
// the protocol's.
func TestInboxKindsAreTheProtocols(t *testing.T) {
	for _, k := range [][2]string{
		{inbox.KindExceptionRaised, protocol.KindExceptionRaised},
		{inbox.KindSettingsPushed, protocol.KindSettingsPushed},
		{inbox.KindSubscriptionChanged, protocol.KindSubscriptionChanged},
		{inbox.SubscriptionGrace, protocol.SubscriptionGrace},
		{inbox.SubscriptionSuspended, protocol.SubscriptionSuspended},
		{inbox.SubscriptionActive, protocol.SubscriptionActive},
		{inbox.KindManifestPublished, "manifest.published"},
	} {
		if k[0] != k[1] {
			t.Errorf("inbox says %q, the protocol %q", k[0], k[1])
		}
	}
}

// point is a counter of the owner with its loyalty programme and a client
// that applies what it pulls, as the app wires it.
type point struct {
	*env
	owner *counter.Session
	l     *loyalty.Service
}

func (rs *realServer) point(ownerID, name string) *point {
	rs.t.Helper()
	e := rs.client(ownerID, name)
	owner, err := e.svc.Setup(e.ctx, counter.SetupRequest{Point: counter.Point{Name: name, Country: "KG"}, OwnerName: "Айгуль", OwnerPIN: "4821"})
	if err != nil {
		rs.t.Fatal(err)
	}
	if _, err := e.svc.OpenShift(e.ctx, owner); err != nil {
		rs.t.Fatal(err)
	}
	l := loyalty.New(e.svc, loyalty.Options{})
	if _, err := l.SaveProgramme(e.ctx, owner, loyalty.Programme{Name: "Кофе", Kind: loyalty.KindStamp, PerReward: 5,
		Accrual: loyalty.PerVisit, RewardText: "кофе"}); err != nil {
		rs.t.Fatal(err)
	}
	// The registered client again, now applying what it pulls.
	e.cl.Stop()
	e.opt.Apply = inbox.New(e.svc, l, nil).Hook
	e.cl = New(e.svc, e.opt)
	rs.t.Cleanup(func() { e.cl.Stop() })
	return &point{env: e, owner: owner, l: l}
}

func (p *point) card(code string) loyalty.Card {
	p.t.Helper()
	c, err := p.l.FindCard(p.ctx, code)
	if err != nil {
		p.t.Fatalf("find %s: %v", code, err)
	}
	return c
}

// TestRealServerCardAtEveryPoint: over the real server, a card enrolled at
// one point works at the owner's other point (by code and by its signed
// QR, with the stamps earned at the first); a redemption at both points
// while offline raises the overdrawn exception, which both points list;
// the owner's settings and plan reach the point.
func TestRealServerCardAtEveryPoint(t *testing.T) {
	rs := newRealServer(t, nil)
	ownerID := rs.owner("Айгуль")
	a, b := rs.point(ownerID, "ПВЗ Ала-Тоо"), rs.point(ownerID, "ПВЗ Ош")
	card, err := a.l.Enrol(a.ctx, a.owner, "0555 123 456", "", true)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := a.l.Accrue(a.ctx, a.owner, card.Code, fmt.Sprintf("handover:H-%d", i), loyalty.Visit{Parcels: 1}); err != nil {
			t.Fatal(err)
		}
	}
	qr, err := a.l.CardQR(a.ctx, a.card(card.Code))
	if err != nil {
		t.Fatal(err)
	}
	a.round()
	if r := b.round(); r.Pulled == 0 {
		t.Fatalf("B pulled nothing: %+v\n%s", r, b.log)
	}
	if f, _ := inbox.FailedChanges(b.ctx, b.svc, 0); len(f) > 0 {
		t.Fatalf("B set changes aside: %+v", f)
	}
	if got := b.card(card.Code); got.Balance != 5 || got.RewardsAvailable != 1 {
		t.Fatalf("A's card at B: %+v", got)
	}
	if got, err := b.l.Recognise(b.ctx, qr); err != nil || got.ID != card.ID {
		t.Fatalf("A's QR at B: %+v, %v", got, err)
	}

	// Both hand the reward over before either syncs.
	if _, err := a.l.Redeem(a.ctx, a.owner, card.Code, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := b.l.Redeem(b.ctx, b.owner, card.Code, ""); err != nil {
		t.Fatal(err)
	}
	a.round()
	b.round() // overdraws the card on the server: the exception goes to both
	a.round()
	for name, p := range map[string]*point{"A": a, "B": b} {
		xs, err := inbox.Exceptions(p.ctx, p.svc, true, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(xs) != 1 || xs[0].Kind != protocol.WarnOverdrawn || xs[0].Entity != "card:"+card.ID {
			t.Fatalf("%s lists %+v, want the card's overdrawn exception", name, xs)
		}
		if got := p.card(card.Code); got.Balance != 0 {
			t.Fatalf("%s shows %+v after the double redemption", name, got)
		}
	}

	// The owner pushes settings and the operator sets the plan.
	theme, idle := "dark", 15
	pointID := b.state().pointID
	if _, err := rs.st.(store.OwnerSettings).PushSettings(b.ctx, ownerID, pointID,
		protocol.PointSettings{Theme: &theme, IdleLockMinutes: &idle}, rs.clock.Now()); err != nil {
		t.Fatal(err)
	}
	paid := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := rs.st.(store.OwnerSettings).SetSubscription(context.Background(), ownerID,
		protocol.Subscription{Plan: "pro", Status: protocol.SubscriptionGrace, PaidUntil: paid}, rs.clock.Now()); err != nil {
		t.Fatal(err)
	}
	b.round()
	s, err := b.svc.Settings(b.ctx)
	if err != nil || s.Theme != "dark" || s.IdleLockMinutes != 15 || !s.Sound {
		t.Fatalf("B's settings after the push: %+v, %v", s, err)
	}
	sum, err := inbox.Summarise(b.ctx, b.svc)
	if err != nil || !sum.HasPlan || sum.Subscription.Status != inbox.SubscriptionGrace || !sum.Subscription.PaidUntil.Equal(paid) {
		t.Fatalf("B's plan: %+v, %v", sum, err)
	}
	if a2, _ := a.svc.Settings(a.ctx); a2.Theme == "dark" {
		t.Fatal("a push to B changed A")
	}
}
