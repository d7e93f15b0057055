package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// RunOwnerSettings runs the suite of what the owner and the operator push
// to the points (store.OwnerSettings): settings and subscriptions. open
// gives a fresh, empty store for each test, which must implement
// store.OwnerSettings.
func RunOwnerSettings(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f ofixture)
	}{
		{"SettingsPushedToThePointWithAVersion", testSettingsPushed},
		{"SettingsTenantIsolation", testSettingsTenantIsolation},
		{"ConcurrentSettingsPushesGetDistinctVersionsInStreamOrder", testSettingsConcurrent},
		{"SubscriptionGoesToEveryPoint", testSubscriptionToEveryPoint},
		{"PointRegisteredLaterGetsTheSubscription", testSubscriptionOnRegistration},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, open)
			os, ok := f.s.(store.OwnerSettings)
			if !ok {
				t.Fatalf("%T does not implement store.OwnerSettings", f.s)
			}
			tc.fn(t, ofixture{fixture: f, os: os})
		})
	}
}

type ofixture struct {
	fixture
	os store.OwnerSettings
}

func ptr[T any](v T) *T { return &v }

// changeJSON is a change's Data as a generic value, to compare exactly
// what a counter would read.
func changeJSON(t *testing.T, c store.Change) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.Data, &m); err != nil {
		t.Fatalf("change %d data %s: %v", c.Seq, c.Data, err)
	}
	return m
}

func testSettingsPushed(t *testing.T, f ofixture) {
	ctx := t.Context()
	a, b := f.points[0].ID, f.points[1].ID
	if got, err := f.os.PointSettings(ctx, f.owner.ID, a); err != nil || got.Version != 0 || !got.Settings.Empty() || got.PointID != a {
		t.Fatalf("before any push: %+v, %v", got, err)
	}
	first, err := f.os.PushSettings(ctx, f.owner.ID, a, protocol.PointSettings{Theme: ptr("dark")}, t0)
	if err != nil {
		t.Fatalf("PushSettings: %v", err)
	}
	if first.Version != 1 || first.PointID != a || *first.Settings.Theme != "dark" || !first.PushedAt.Equal(t0) {
		t.Fatalf("first push %+v", first)
	}
	// Zero values are settings too: false, 0 and "" are pushed as given.
	second, err := f.os.PushSettings(ctx, f.owner.ID, a, protocol.PointSettings{Sound: ptr(false), IdleLockMinutes: ptr(0), Theme: ptr("")}, t0.Add(time.Minute))
	if err != nil || second.Version != 2 {
		t.Fatalf("second push %+v, %v", second, err)
	}
	got, err := f.os.PointSettings(ctx, f.owner.ID, a)
	if err != nil || got.Version != 2 || !got.PushedAt.Equal(t0.Add(time.Minute)) ||
		got.Settings != (protocol.PointSettings{Sound: got.Settings.Sound, IdleLockMinutes: got.Settings.IdleLockMinutes, Theme: got.Settings.Theme}) ||
		got.Settings.Sound == nil || *got.Settings.Sound || got.Settings.IdleLockMinutes == nil || *got.Settings.IdleLockMinutes != 0 ||
		got.Settings.Theme == nil || *got.Settings.Theme != "" {
		t.Fatalf("PointSettings = %+v, %v; want the second push", got, err)
	}
	cs := pullAll(t, f.s, a, protocol.StreamPoint)
	if len(cs) != 2 {
		t.Fatalf("point stream %s, want two settings.pushed", show(cs))
	}
	want := []map[string]any{
		{"version": 1.0, "settings": map[string]any{"theme": "dark"}},
		{"version": 2.0, "settings": map[string]any{"sound": false, "idle_lock_minutes": 0.0, "theme": ""}},
	}
	for i, c := range cs {
		if c.Kind != protocol.KindSettingsPushed || c.Entity != "point:"+a || c.Origin != "owner" || !c.At.Equal(t0.Add(time.Duration(i)*time.Minute)) {
			t.Fatalf("change %s", show(cs[i:i+1]))
		}
		if got := changeJSON(t, c); !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("change %d data %s, want %v", i, c.Data, want[i])
		}
	}
	// The other points got nothing.
	if cs := pullAll(t, f.s, b, protocol.StreamPoint); len(cs) != 0 {
		t.Fatalf("point b got %s", show(cs))
	}
	if got, err := f.os.PointSettings(ctx, f.owner.ID, b); err != nil || got.Version != 0 {
		t.Fatalf("point b settings %+v, %v", got, err)
	}
	// A push the counter could not take stores nothing.
	for _, bad := range []protocol.PointSettings{{}, {Theme: ptr("blue")}, {IdleLockMinutes: ptr(241)}, {IdleLockMinutes: ptr(-1)}, {ReceiptPrint: ptr("sometimes")}} {
		if _, err := f.os.PushSettings(ctx, f.owner.ID, a, bad, t0); err == nil {
			t.Fatalf("PushSettings(%+v) was taken", bad)
		}
	}
	if got, _ := f.os.PointSettings(ctx, f.owner.ID, a); got.Version != 2 {
		t.Fatalf("after refused pushes: version %d", got.Version)
	}
}

func testSettingsTenantIsolation(t *testing.T, f ofixture) {
	ctx := t.Context()
	a := f.points[0].ID
	other, err := f.s.CreateOwner(ctx, "Owner B")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := f.s.CreatePoint(ctx, other.ID, "Their point")
	if err != nil {
		t.Fatal(err)
	}
	set := protocol.PointSettings{Sound: ptr(true)}
	for _, c := range []struct{ owner, point string }{{other.ID, a}, {f.owner.ID, theirs.ID}, {f.owner.ID, "no-such-point"}, {"no-such-owner", a}} {
		if _, err := f.os.PushSettings(ctx, c.owner, c.point, set, t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("PushSettings(owner %s, point %s): %v, want ErrNotFound", c.owner, c.point, err)
		}
		if _, err := f.os.PointSettings(ctx, c.owner, c.point); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("PointSettings(owner %s, point %s): %v, want ErrNotFound", c.owner, c.point, err)
		}
	}
	for _, p := range []string{a, theirs.ID} {
		if cs := pullAll(t, f.s, p, protocol.StreamPoint); len(cs) != 0 {
			t.Fatalf("point %s got %s", p, show(cs))
		}
	}
}

func testSettingsConcurrent(t *testing.T, f ofixture) {
	ctx := t.Context()
	a := f.points[0].ID
	const n = 12
	var wg sync.WaitGroup
	versions := make(chan int64, n)
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			res, err := f.os.PushSettings(ctx, f.owner.ID, a, protocol.PointSettings{IdleLockMinutes: ptr(i)}, t0)
			if err != nil {
				errs <- err
				return
			}
			versions <- res.Version
		})
	}
	wg.Wait()
	close(versions)
	close(errs)
	for err := range errs {
		t.Fatalf("PushSettings: %v", err)
	}
	got := slices.Sorted(func(yield func(int64) bool) {
		for v := range versions {
			if !yield(v) {
				return
			}
		}
	})
	// The stream has the versions in order: a counter applying each
	// above its last never skips one nor goes back.
	var streamed []int64
	minutes := map[int64]int{}
	for _, c := range pullAll(t, f.s, a, protocol.StreamPoint) {
		var d protocol.SettingsPushed
		if err := json.Unmarshal(c.Data, &d); err != nil {
			t.Fatal(err)
		}
		streamed = append(streamed, d.Version)
		minutes[d.Version] = *d.Settings.IdleLockMinutes
	}
	want := make([]int64, n)
	for i := range want {
		want[i] = int64(i + 1)
	}
	if !slices.Equal(got, want) || !slices.Equal(streamed, want) {
		t.Fatalf("versions answered %v, streamed %v; want %v", got, streamed, want)
	}
	last, err := f.os.PointSettings(ctx, f.owner.ID, a)
	if err != nil || last.Version != n || *last.Settings.IdleLockMinutes != minutes[n] {
		t.Fatalf("PointSettings %+v, %v; want version %d with %d minutes", last, err, n, minutes[n])
	}
}

// subscriptions are the subscription.changed data on a point's stream.
func subscriptions(t *testing.T, f fixture, pointID string) []protocol.Subscription {
	t.Helper()
	var out []protocol.Subscription
	for _, c := range pullAll(t, f.s, pointID, protocol.StreamPoint) {
		if c.Kind != protocol.KindSubscriptionChanged {
			continue
		}
		if c.Entity != "owner:"+f.owner.ID || c.Origin != "cloud" {
			t.Fatalf("point %s: %s", pointID, show([]store.Change{c}))
		}
		if keys := slices.Sorted(maps.Keys(changeJSON(t, c))); !slices.Equal(keys, []string{"paid_until", "plan", "status"}) {
			t.Fatalf("subscription data %s", c.Data)
		}
		var s protocol.Subscription
		if err := json.Unmarshal(c.Data, &s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func sameSubscription(x, y protocol.Subscription) bool {
	return x.Plan == y.Plan && x.Status == y.Status && x.PaidUntil.Equal(y.PaidUntil) && x.PaidUntil.Location() == time.UTC
}

func testSubscriptionToEveryPoint(t *testing.T, f ofixture) {
	ctx := t.Context()
	if _, err := f.os.Subscription(ctx, f.owner.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Subscription before any: %v, want ErrNotFound", err)
	}
	other, _ := f.s.CreateOwner(ctx, "Owner B")
	theirs, _ := f.s.CreatePoint(ctx, other.ID, "Their point")
	paid := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	pro := protocol.Subscription{Plan: "pro", Status: protocol.SubscriptionActive, PaidUntil: paid}
	if err := f.os.SetSubscription(ctx, f.owner.ID, pro, t0); err != nil {
		t.Fatalf("SetSubscription: %v", err)
	}
	grace := protocol.Subscription{Plan: "pro", Status: protocol.SubscriptionGrace, PaidUntil: paid.In(time.FixedZone("MSK", 3*3600))}
	if err := f.os.SetSubscription(ctx, f.owner.ID, grace, t0.Add(time.Hour)); err != nil {
		t.Fatalf("SetSubscription: %v", err)
	}
	if got, err := f.os.Subscription(ctx, f.owner.ID); err != nil || !sameSubscription(got, grace) {
		t.Fatalf("Subscription = %+v, %v; want %+v in UTC", got, err, grace)
	}
	for _, p := range f.points {
		got := subscriptions(t, f.fixture, p.ID)
		if len(got) != 2 || !sameSubscription(got[0], pro) || !sameSubscription(got[1], grace) {
			t.Fatalf("point %s got %+v", p.ID, got)
		}
	}
	if cs := pullAll(t, f.s, theirs.ID, protocol.StreamPoint); len(cs) != 0 {
		t.Fatalf("another owner's point got %s", show(cs))
	}
	if _, err := f.os.Subscription(ctx, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another owner's subscription: %v", err)
	}
	if err := f.os.SetSubscription(ctx, "no-such-owner", pro, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("SetSubscription of no owner: %v, want ErrNotFound", err)
	}
	for _, bad := range []protocol.Subscription{{Plan: "", Status: "active", PaidUntil: paid}, {Plan: "pro", Status: "expired", PaidUntil: paid},
		{Plan: "pro", Status: "active"}} {
		if err := f.os.SetSubscription(ctx, f.owner.ID, bad, t0); err == nil {
			t.Fatalf("SetSubscription(%+v) was taken", bad)
		}
	}
	if got, _ := f.os.Subscription(ctx, f.owner.ID); !sameSubscription(got, grace) {
		t.Fatalf("after refused changes: %+v", got)
	}
}

func testSubscriptionOnRegistration(t *testing.T, f ofixture) {
	ctx := t.Context()
	// A point created before the plan and one after: each registers later.
	before := f.points[0]
	paid := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	basic := protocol.Subscription{Plan: "basic", Status: protocol.SubscriptionSuspended, PaidUntil: paid}
	if err := f.os.SetSubscription(ctx, f.owner.ID, basic, t0); err != nil {
		t.Fatal(err)
	}
	after, err := f.s.CreatePoint(ctx, f.owner.ID, "Point 4")
	if err != nil {
		t.Fatal(err)
	}
	if got := subscriptions(t, f.fixture, after.ID); len(got) != 0 {
		t.Fatalf("a point not registered yet: %+v", got)
	}
	for i, p := range []store.Point{before, after} {
		code := fmt.Sprint("code-", i)
		if err := f.s.AddActivation(ctx, p.ID, "hash:"+code, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Activate(ctx, verifier(code), fmt.Sprint("dev-", i), nil, t0); err != nil {
			t.Fatalf("Activate: %v", err)
		}
		got := subscriptions(t, f.fixture, p.ID)
		if len(got) == 0 || !sameSubscription(got[len(got)-1], basic) {
			t.Fatalf("point %s registered and got %+v, want %+v last", p.Name, got, basic)
		}
	}
	// Without a plan, registration puts nothing on the stream.
	other, _ := f.s.CreateOwner(ctx, "Owner B")
	theirs, _ := f.s.CreatePoint(ctx, other.ID, "Their point")
	if err := f.s.AddActivation(ctx, theirs.ID, "hash:x", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Activate(ctx, verifier("x"), "dev-x", nil, t0); err != nil {
		t.Fatal(err)
	}
	if cs := pullAll(t, f.s, theirs.ID, protocol.StreamPoint); len(cs) != 0 {
		t.Fatalf("a point of an owner without a plan got %s", show(cs))
	}
}
