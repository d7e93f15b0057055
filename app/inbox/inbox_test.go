package inbox

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/loyalty"
	"smartpoint/app/store"
)

var testStart = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

type env struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	svc   *counter.Service
	l     *loyalty.Service
	a     *Applier
	owner *counter.Session
	clock *clock.Fake
	seq   map[string]int64
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "counter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := clock.NewFake(testStart)
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Setup(ctx, counter.SetupRequest{Point: counter.Point{Name: "ПВЗ", Country: "KG"}, OwnerName: "Айгуль", OwnerPIN: "4821"})
	if err != nil {
		t.Fatal(err)
	}
	l := loyalty.New(svc, loyalty.Options{})
	return &env{t: t, ctx: ctx, db: db, svc: svc, l: l, a: New(svc, l, nil), owner: owner, clock: c, seq: map[string]int64{}}
}

// pull puts a change into the inbox as the sync client does.
func (e *env) pull(stream, kind, entity, origin string, data any) {
	e.t.Helper()
	body, err := json.Marshal(data)
	if err != nil {
		e.t.Fatal(err)
	}
	e.seq[stream]++
	if _, err := e.db.W.Exec(`INSERT INTO sync_inbox(stream, seq, kind, entity, origin, at, data, received_at)
		VALUES(?, ?, ?, ?, ?, ?, ?, ?)`, stream, e.seq[stream], kind, entity, origin, testStart.UnixMilli(), string(body),
		testStart.UnixMilli()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) apply() Result {
	e.t.Helper()
	r, err := e.a.Apply(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRow(query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func manifestChange(version int64, phone string, tracks ...string) map[string]any {
	var parcels []map[string]any
	for _, tr := range tracks {
		parcels = append(parcels, map[string]any{"track": tr, "recipient_name": "Айпери", "recipient_phone": phone, "size": "S", "cod": 125000})
	}
	return map[string]any{"partner": "ozon", "manifest_id": "MN-7", "version": version, "point_id": "p1", "parcels": parcels}
}

// TestManifestsFromPartners: a manifest a partner published becomes
// expected parcels, once; a new version updates them; one for a partner
// this point does not know is set aside with its reason and the stream
// goes on.
func TestManifestsFromPartners(t *testing.T) {
	e := newEnv(t)
	e.pull("point", KindManifestPublished, "manifest:ozon:MN-7", "", manifestChange(1, "0555 111 222", "ii0000000001", "ii0000000002"))
	e.pull("point", KindManifestPublished, "manifest:ozon:MN-7", "", manifestChange(1, "0555 111 222", "ii0000000001", "ii0000000002"))
	e.pull("point", KindManifestPublished, "manifest:acme:X", "", map[string]any{"partner": "acme", "manifest_id": "X", "version": 1,
		"parcels": []map[string]any{{"track": "T1"}}})
	e.pull("point", KindManifestPublished, "manifest:ozon:MN-7", "", manifestChange(2, "0700 333 444", "ii0000000001", "ii0000000002", "ii0000000003"))
	r := e.apply()
	if r.Applied != 2 || r.Ignored != 1 || r.Failed != 1 {
		t.Fatalf("result %+v, want 2 applied, the repeat ignored, the unknown partner failed", r)
	}
	if n := e.count(`SELECT count(*) FROM parcels WHERE status = 'expected' AND recipient_phone = '+996700333444' AND cod_amount = 125000`); n != 3 {
		t.Fatalf("%d parcels of version 2 expected, want 3", n)
	}
	if n := e.count(`SELECT count(*) FROM sync_inbox WHERE applied_at IS NULL`); n != 0 {
		t.Fatalf("%d changes left to apply", n)
	}
	failed, err := FailedChanges(e.ctx, e.svc, 0)
	if err != nil || len(failed) != 1 || failed[0].Entity != "manifest:acme:X" || failed[0].Error == "" {
		t.Fatalf("failed changes %+v, %v", failed, err)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ?`, counter.EvManifestImported); n != 2 {
		t.Fatalf("%d manifest imports logged, want 2", n)
	}
	// The partner moves the manifest to another point: what has not
	// arrived here goes.
	e.pull("point", KindManifestWithdrawn, "manifest:ozon:MN-7", "", map[string]any{"partner": "ozon", "manifest_id": "MN-7", "version": 3})
	if r := e.apply(); r.Applied != 1 {
		t.Fatalf("withdrawal: %+v", r)
	}
	if n := e.count(`SELECT count(*) FROM parcels WHERE status = 'expected'`); n != 0 {
		t.Fatalf("%d parcels still expected after the withdrawal", n)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ? AND json_extract(payload, '$.removed') = 3`, counter.EvManifestWithdrawn); n != 1 {
		t.Fatal("the withdrawal is not logged with what it removed")
	}
}

// TestExceptionsFromTheCloud: each exception is kept once and stays open
// until a manager marks it seen; a clerk cannot.
func TestExceptionsFromTheCloud(t *testing.T) {
	e := newEnv(t)
	x := map[string]any{"id": "x1", "kind": "location_conflict", "entity": "parcel:ozon:II1", "points": []string{"p1", "p2"},
		"raised_at": testStart, "detail": map[string]any{"at": "p2"}}
	e.pull("point", KindExceptionRaised, "parcel:ozon:II1", "", x)
	e.pull("point", KindExceptionRaised, "parcel:ozon:II1", "", x)
	if r := e.apply(); r.Exceptions != 1 || r.Ignored != 1 {
		t.Fatalf("result %+v", r)
	}
	if s, _ := Summarise(e.ctx, e.svc); s.OpenExceptions != 1 {
		t.Fatalf("%d open exceptions", s.OpenExceptions)
	}
	clerk := mustClerk(e, "Бекзат", counter.RoleClerk)
	if err := MarkSeen(e.ctx, e.svc, clerk, "x1"); !errs.Has(err, counter.ErrForbidden) {
		t.Fatalf("a clerk marked it seen: %v", err)
	}
	if err := MarkSeen(e.ctx, e.svc, e.owner, "x1"); err != nil {
		t.Fatal(err)
	}
	list, err := Exceptions(e.ctx, e.svc, false, 0)
	if err != nil || len(list) != 1 || !list[0].Seen || list[0].Kind != "location_conflict" {
		t.Fatalf("exceptions %+v, %v", list, err)
	}
	if s, _ := Summarise(e.ctx, e.svc); s.OpenExceptions != 0 {
		t.Fatalf("%d open after marking seen", s.OpenExceptions)
	}
}

func mustClerk(e *env, name string, role counter.Role) *counter.Session {
	e.t.Helper()
	if _, err := e.svc.CreateClerk(e.ctx, e.owner, name, role, "2580"); err != nil {
		e.t.Fatal(err)
	}
	sess, err := e.svc.Login(e.ctx, name, "2580")
	if err != nil {
		e.t.Fatal(err)
	}
	return sess
}

// TestSettingsAndPlanFromTheOwner: pushed settings change only what was
// pushed, each version once, are logged with their source; a push out of
// range changes nothing; the plan is kept as sent.
func TestSettingsAndPlanFromTheOwner(t *testing.T) {
	e := newEnv(t)
	e.pull("point", KindSettingsPushed, "point:p1", "", map[string]any{"version": 1, "settings": map[string]any{"theme": "dark", "idle_lock_minutes": 30}})
	e.pull("point", KindSettingsPushed, "point:p1", "", map[string]any{"version": 1, "settings": map[string]any{"theme": "light"}})
	e.pull("point", KindSettingsPushed, "point:p1", "", map[string]any{"version": 2, "settings": map[string]any{"idle_lock_minutes": 9999}})
	e.pull("point", KindSubscriptionChanged, "owner:o1", "", map[string]any{"plan": "pro", "status": "grace", "paid_until": testStart.AddDate(0, 0, 5)})
	r := e.apply()
	if !r.SettingsChanged || r.Applied != 2 || r.Ignored != 1 || r.Failed != 1 {
		t.Fatalf("result %+v", r)
	}
	s, err := e.svc.Settings(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := counter.DefaultSettings()
	want.Theme, want.IdleLockMinutes = "dark", 30
	if s != want {
		t.Fatalf("settings %+v, want %+v", s, want)
	}
	if n := e.count(`SELECT count(*) FROM events WHERE kind = ? AND json_extract(payload, '$.source') = 'cloud'`, counter.EvSettingsSaved); n != 1 {
		t.Fatalf("%d cloud settings saves logged", n)
	}
	sub, ok, err := CurrentSubscription(e.ctx, e.svc)
	if err != nil || !ok || sub.Plan != "pro" || sub.Status != SubscriptionGrace || !sub.PaidUntil.Equal(testStart.AddDate(0, 0, 5)) {
		t.Fatalf("subscription %+v %v %v", sub, ok, err)
	}
}

// TestLoyaltyWaitsForAProgramme: another point's card cannot enter before
// this point has a programme: it and the changes after it wait in the
// inbox, and enter once the programme is set up.
func TestLoyaltyWaitsForAProgramme(t *testing.T) {
	e := newEnv(t)
	card, evs := otherPoint(t)
	for _, ev := range evs {
		e.relay(ev)
	}
	r := e.apply()
	if r.Waiting != 3 || r.Applied != 1 {
		t.Fatalf("before a programme: %+v", r)
	}
	if _, err := e.l.SaveProgramme(e.ctx, e.owner, coffee); err != nil {
		t.Fatal(err)
	}
	if r := e.apply(); r.Applied != 3 || r.Waiting != 0 || r.Failed != 0 {
		t.Fatalf("after the programme: %+v", r)
	}
	got, err := e.l.FindCard(e.ctx, card.Code)
	if err != nil || got.Balance != 2 || got.MaskedPhone == "" {
		t.Fatalf("the other point's card here: %+v, %v", got, err)
	}
}

// TestAppliedChangesArePruned: applied changes stay as the record of what
// the cloud sent for DefaultKeep, then go; one still waiting stays.
func TestAppliedChangesArePruned(t *testing.T) {
	e := newEnv(t)
	e.pull("point", KindSubscriptionChanged, "owner:o1", "", map[string]any{"plan": "pro", "status": "active", "paid_until": testStart})
	e.pull("owner", loyalty.EvCardIssued, "card:k1", "p2", map[string]any{"occurred_at": testStart, "payload": map[string]any{"card": "k1"}})
	if r := e.apply(); r.Applied != 1 || r.Waiting != 1 {
		t.Fatalf("result %+v", r)
	}
	e.clock.Advance(DefaultKeep - time.Minute)
	e.apply()
	if n := e.count(`SELECT count(*) FROM sync_inbox`); n != 2 {
		t.Fatalf("%d changes kept before their time is up, want 2", n)
	}
	e.clock.Advance(2 * time.Minute)
	e.apply()
	if n := e.count(`SELECT count(*) FROM sync_inbox`); n != 1 || e.count(`SELECT count(*) FROM sync_inbox WHERE applied_at IS NULL`) != 1 {
		t.Fatalf("after %s: %d changes kept, want only the waiting one", DefaultKeep, n)
	}
}

// TestStampsBeforeTheirCard: after a cloud restore the stream no longer
// follows the order the points worked in; stamps of a card not heard of
// yet wait (the rest goes on) and enter once the card arrives.
func TestStampsBeforeTheirCard(t *testing.T) {
	e := newEnv(t)
	if _, err := e.l.SaveProgramme(e.ctx, e.owner, coffee); err != nil {
		t.Fatal(err)
	}
	card, evs := otherPoint(t)
	var first, later []counter.Event
	for _, ev := range evs {
		switch ev.Kind {
		case loyalty.EvStampEarned:
			first = append(first, ev)
		case loyalty.EvCustomerCreated, loyalty.EvCardIssued:
			later = append(later, ev)
		}
	}
	for _, ev := range append(first, later...) {
		e.relay(ev)
	}
	if r := e.apply(); r.Applied != 4 || r.Deferred != 0 || r.Failed != 0 {
		t.Fatalf("result %+v, want all 4 applied in the end", r)
	}
	if got, err := e.l.FindCard(e.ctx, card.Code); err != nil || got.Balance != 2 {
		t.Fatalf("the card: %+v, %v", got, err)
	}
	// Stamps of a card that never comes stay pending, counted as held.
	e.pull("owner", loyalty.EvStampEarned, "card:x", "p2", map[string]any{"occurred_at": testStart,
		"payload": map[string]any{"card": "x", "movement": "mx", "amount": 1}})
	if r := e.apply(); r.Deferred != 1 {
		t.Fatalf("result %+v, want the stamp deferred", r)
	}
	if s, _ := Summarise(e.ctx, e.svc); s.Held != 1 || s.SetAside != 0 {
		t.Fatalf("summary %+v", s)
	}
}

var coffee = loyalty.Programme{Name: "Кофе", Kind: loyalty.KindStamp, PerReward: 5, Accrual: loyalty.PerVisit, RewardText: "кофе"}

// otherPoint is another point of the owner with the coffee programme, a
// member enrolled and two visits stamped: the card and the point's
// loyalty events (customer, card, stamps).
func otherPoint(t *testing.T) (loyalty.Card, []counter.Event) {
	t.Helper()
	other := newEnv(t)
	if _, err := other.l.SaveProgramme(other.ctx, other.owner, coffee); err != nil {
		t.Fatal(err)
	}
	card, err := other.l.Enrol(other.ctx, other.owner, "0555 123 456", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.svc.OpenShift(other.ctx, other.owner); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"handover:H-1", "handover:H-2"} {
		if _, err := other.l.Accrue(other.ctx, other.owner, card.Code, key, loyalty.Visit{Parcels: 1}); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := other.svc.Events(other.ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []counter.Event
	for _, ev := range evs {
		if ev.Kind == loyalty.EvCustomerCreated || ev.Kind == loyalty.EvCardIssued || ev.Kind == loyalty.EvStampEarned {
			out = append(out, ev)
		}
	}
	return card, out
}

// relay pulls another point's event as the owner's stream brings it.
func (e *env) relay(ev counter.Event) {
	e.t.Helper()
	e.pull("owner", ev.Kind, ev.Entity, "p2", map[string]any{"event_id": ev.ID, "occurred_at": ev.At, "payload": ev.Payload})
}
