package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/internal/core"
)

// RunIntegrations runs the integrations suite (store.Integrations);
// open gives a fresh, empty store for each test, which must implement
// store.Integrations.
func RunIntegrations(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, f ifixture)
	}{
		{"PartnersAndKeys", testPartnersAndKeys},
		{"ManifestGoesToThePointOnly", testManifestToPoint},
		{"ManifestIdempotencyKey", testManifestIdempotency},
		{"ManifestVersions", testManifestVersions},
		{"ManifestChangedAfterAcceptance", testManifestChanged},
		{"ManifestMovedToAnotherPoint", testManifestMoved},
		{"ManifestTenantIsolation", testManifestTenantIsolation},
		{"WebhooksQueuedByThePush", testWebhooksQueued},
		{"WebhookKindsAreTheTriggers", testWebhookKinds},
		{"WebhooksOfABatchLargerThanOneStatement", testWebhooksBigBatch},
		{"DeliveryLifecycle", testDeliveryLifecycle},
		{"CardBalanceFromThePointsEvents", testCardBalance},
		{"CRMMovements", testCRMMovements},
		{"Dashboard", testDashboard},
		{"HostilePayloadsBlockNothing", testHostilePayloads},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := setup(t, open)
			is, ok := f.s.(store.Integrations)
			if !ok {
				t.Fatalf("%T does not implement store.Integrations", f.s)
			}
			tc.fn(t, ifixture{fixture: f, is: is})
		})
	}
}

type ifixture struct {
	fixture
	is store.Integrations
}

// partner registers a partner of the fixture's owner.
func (f ifixture) partner(t *testing.T, code string) store.Partner {
	t.Helper()
	p, err := f.is.CreatePartner(t.Context(), f.owner.ID, code, strings.ToUpper(code), t0)
	if err != nil {
		t.Fatalf("CreatePartner(%s): %v", code, err)
	}
	return p
}

func parcel(track string, cod int64) protocol.ManifestParcel {
	return protocol.ManifestParcel{Track: track, RecipientName: "Ivan " + track, RecipientPhone: "+7999000" + track,
		Size: "M", COD: cod, PickupCode: "PC" + track}
}

func manifest(point, id string, version int64, parcels ...protocol.ManifestParcel) protocol.ManifestRequest {
	return protocol.ManifestRequest{PointID: point, ManifestID: id, Version: version, Parcels: parcels}
}

func (f ifixture) publish(t *testing.T, partnerID, key string, req protocol.ManifestRequest) protocol.ManifestResponse {
	t.Helper()
	res, err := f.is.PublishManifest(t.Context(), partnerID, key, req, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatalf("PublishManifest(%s v%d, key %s): %v", req.ManifestID, req.Version, key, err)
	}
	return res
}

// payloadEv is an event with a payload of the given fields.
func payloadEv(id string, seq int64, kind, entity string, fields map[string]any) protocol.Event {
	e := ev(id, seq, kind, entity)
	b, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	e.Payload = b
	return e
}

func kinds(cs []store.Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Kind)
	}
	return out
}

func testPartnersAndKeys(t *testing.T, f ifixture) {
	ctx := t.Context()
	p := f.partner(t, "cdek")
	if p.ID == "" || p.OwnerID != f.owner.ID || p.Code != "cdek" {
		t.Fatalf("partner = %+v", p)
	}
	if got, err := f.is.Partner(ctx, p.ID); err != nil || got != p {
		t.Fatalf("Partner = %+v, %v; want %+v", got, err, p)
	}
	if _, err := f.is.CreatePartner(ctx, f.owner.ID, "cdek", "again", t0); !errors.Is(err, store.ErrExists) {
		t.Fatalf("the same code twice: %v, want ErrExists", err)
	}
	if _, err := f.is.CreatePartner(ctx, "nobody", "x5", "X5", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a partner of no owner: %v, want ErrNotFound", err)
	}
	if _, err := f.is.Partner(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Partner(nope): %v", err)
	}
	other, err := f.s.CreateOwner(ctx, "Owner B")
	if err != nil {
		t.Fatal(err)
	}
	// Another owner may have a partner with the same code: its own.
	if _, err := f.is.CreatePartner(ctx, other.ID, "cdek", "CDEK", t0); err != nil {
		t.Fatalf("owner B's cdek: %v", err)
	}

	k := store.APIKey{ID: "k1", Hash: "$argon2id$h1", Kind: store.KeyPartner, OwnerID: f.owner.ID, PartnerID: p.ID, Name: "CDEK", CreatedAt: t0}
	if err := f.is.PutAPIKey(ctx, k); err != nil {
		t.Fatalf("PutAPIKey: %v", err)
	}
	if got, err := f.is.APIKeyByID(ctx, "k1"); err != nil || got != k {
		t.Fatalf("APIKeyByID = %+v, %v; want %+v", got, err, k)
	}
	crm := store.APIKey{ID: "k2", Hash: "$argon2id$h2", Kind: store.KeyCRM, OwnerID: f.owner.ID, Name: "till", CreatedAt: t0}
	if err := f.is.PutAPIKey(ctx, crm); err != nil {
		t.Fatalf("PutAPIKey(crm): %v", err)
	}
	if got, err := f.is.APIKeyByID(ctx, "k2"); err != nil || got != crm {
		t.Fatalf("APIKeyByID(crm) = %+v, %v", got, err)
	}
	// A key for a partner of another owner is refused.
	bad := store.APIKey{ID: "k3", Hash: "h", Kind: store.KeyPartner, OwnerID: other.ID, PartnerID: p.ID, Name: "x", CreatedAt: t0}
	if err := f.is.PutAPIKey(ctx, bad); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a key for another owner's partner: %v, want ErrNotFound", err)
	}
	if _, err := f.is.APIKeyByID(ctx, "k3"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("APIKeyByID(k3): %v", err)
	}
	if err := f.is.RevokeAPIKey(ctx, "k1", t0.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeAPIKey: %v", err)
	}
	if err := f.is.RevokeAPIKey(ctx, "k1", t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("RevokeAPIKey again: %v", err)
	}
	if got, _ := f.is.APIKeyByID(ctx, "k1"); !got.RevokedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("revoked at %v, want the first revocation %v", got.RevokedAt, t0.Add(time.Hour))
	}
	if err := f.is.RevokeAPIKey(ctx, "nope", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("RevokeAPIKey(nope): %v", err)
	}
}

func testManifestToPoint(t *testing.T, f ifixture) {
	p := f.partner(t, "cdek")
	a, b := f.points[0].ID, f.points[1].ID
	req := manifest(a, "M-1", 1, parcel("t1", 0), parcel("T2", 15000))
	res := f.publish(t, p.ID, "key-1", req)
	if res.ManifestID != "M-1" || res.Version != 1 || res.PointID != a || res.Parcels != 2 || res.Replaced != 0 ||
		len(res.Changed) != 0 || !res.PublishedAt.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("response = %+v", res)
	}
	cs := pullAll(t, f.s, a, protocol.StreamPoint)
	if len(cs) != 1 || cs[0].Kind != core.KindManifestPublished || cs[0].Entity != "manifest:cdek:M-1" || cs[0].Origin != "partner:cdek" {
		t.Fatalf("point stream = %s, want one manifest.published", show(cs))
	}
	var d protocol.ManifestData
	if err := json.Unmarshal(cs[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	want := req.Normalized()
	if d.Partner != "cdek" || d.ManifestID != "M-1" || d.Version != 1 || d.PointID != a || !slices.Equal(d.Parcels, want.Parcels) {
		t.Fatalf("manifest data = %+v, want the manifest with tracks upper-cased %+v", d, want.Parcels)
	}
	if d.Parcels[0].Track != "T1" {
		t.Fatalf("track %q, want T1 (the counter's form)", d.Parcels[0].Track)
	}
	// The other points and the owner stream see nothing.
	if cs := pullAll(t, f.s, b, protocol.StreamPoint); len(cs) != 0 {
		t.Fatalf("another point got %s", show(cs))
	}
	if cs := pullAll(t, f.s, b, protocol.StreamOwner); len(cs) != 0 {
		t.Fatalf("the owner stream got %s", show(cs))
	}
}

func testManifestIdempotency(t *testing.T, f ifixture) {
	p := f.partner(t, "cdek")
	a := f.points[0].ID
	req := manifest(a, "M-1", 1, parcel("T1", 100))
	first := f.publish(t, p.ID, "key-1", req)
	// A retry (the answer was lost), even with tracks spelt otherwise.
	retry := req
	lower := parcel("T1", 100)
	lower.Track = "t1"
	retry.Parcels = []protocol.ManifestParcel{lower}
	again, err := f.is.PublishManifest(t.Context(), p.ID, "key-1", retry, t0.Add(3*time.Hour))
	if err != nil {
		t.Fatalf("the same request again: %v", err)
	}
	if again.PublishedAt != first.PublishedAt || again.Version != first.Version || again.Parcels != first.Parcels {
		t.Fatalf("the same request again = %+v, want the first answer %+v", again, first)
	}
	if cs := pullAll(t, f.s, a, protocol.StreamPoint); len(cs) != 1 {
		t.Fatalf("point stream after a retry = %s, want the manifest once", show(cs))
	}
	// The same key for another body is a conflict, and changes nothing.
	other := manifest(a, "M-1", 2, parcel("T1", 999))
	if _, err := f.is.PublishManifest(t.Context(), p.ID, "key-1", other, t0.Add(3*time.Hour)); !errors.Is(err, store.ErrIdempotencyConflict) {
		t.Fatalf("the key with another body: %v, want ErrIdempotencyConflict", err)
	}
	if cs := pullAll(t, f.s, a, protocol.StreamPoint); len(cs) != 1 {
		t.Fatalf("point stream after a conflict = %s", show(cs))
	}
	// Keys are per partner: another partner's key-1 is its own.
	q := f.partner(t, "boxberry")
	if res := f.publish(t, q.ID, "key-1", manifest(a, "M-1", 1, parcel("T9", 0))); res.Parcels != 1 {
		t.Fatalf("another partner's key-1: %+v", res)
	}
}

func testManifestVersions(t *testing.T, f ifixture) {
	p := f.partner(t, "cdek")
	a := f.points[0].ID
	f.publish(t, p.ID, "k1", manifest(a, "M-1", 1, parcel("T1", 100)))
	v3 := manifest(a, "M-1", 3, parcel("T1", 100), parcel("T2", 0))
	res := f.publish(t, p.ID, "k3", v3)
	if res.Version != 3 || res.Replaced != 1 || res.Parcels != 2 {
		t.Fatalf("version 3 = %+v, want it to replace 1", res)
	}
	for _, tc := range []struct {
		key string
		req protocol.ManifestRequest
	}{
		{"k2", manifest(a, "M-1", 2, parcel("T1", 100))},  // older
		{"k3b", manifest(a, "M-1", 3, parcel("T1", 555))}, // the same version, other content
		{"k1b", manifest(a, "M-1", 1, parcel("T1", 100))}, // the first again
	} {
		if _, err := f.is.PublishManifest(t.Context(), p.ID, tc.key, tc.req, t0.Add(3*time.Hour)); !errors.Is(err, store.ErrStaleVersion) {
			t.Fatalf("version %d (key %s): %v, want ErrStaleVersion", tc.req.Version, tc.key, err)
		}
	}
	// The published version again under a new key is the same answer.
	if again := f.publish(t, p.ID, "k3-again", v3); again.Version != 3 || again.Replaced != 1 || !again.PublishedAt.Equal(res.PublishedAt) {
		t.Fatalf("version 3 again = %+v, want %+v", again, res)
	}
	cs := pullAll(t, f.s, a, protocol.StreamPoint)
	if !slices.Equal(kinds(cs), []string{core.KindManifestPublished, core.KindManifestPublished}) {
		t.Fatalf("point stream = %s, want versions 1 and 3", show(cs))
	}
	var d protocol.ManifestData
	if err := json.Unmarshal(cs[1].Data, &d); err != nil || d.Version != 3 || len(d.Parcels) != 2 {
		t.Fatalf("the last manifest = %s (%v), want version 3 with 2 parcels", cs[1].Data, err)
	}
}

func testManifestChanged(t *testing.T, f ifixture) {
	p := f.partner(t, "cdek")
	a, b := f.points[0].ID, f.points[1].ID
	f.publish(t, p.ID, "k1", manifest(a, "M-1", 1, parcel("T1", 100), parcel("T2", 200), parcel("T3", 300), parcel("T4", 400)))
	// The point accepts T1 and T2 (and another partner's T3).
	push(t, f.s, a, batch("dev-a", "inc",
		ev("acc-1", 1, kindAccepted, "parcel:cdek:T1"),
		ev("acc-2", 2, kindAccepted, "parcel:cdek:T2"),
		ev("acc-3", 3, kindAccepted, "parcel:other:T3")))
	// T4 was accepted at another point: not this manifest's point.
	push(t, f.s, b, batch("dev-b", "inc", ev("acc-4", 1, kindAccepted, "parcel:cdek:T4")))
	before := len(pullAll(t, f.s, a, protocol.StreamPoint))

	v2 := manifest(a, "M-1", 2,
		parcel("T1", 150), // a new COD amount
		parcel("T3", 333), // changed, not accepted (by this partner)
		parcel("T4", 444), // changed, accepted elsewhere
		parcel("T5", 500)) // new
	// T2 is gone from the manifest: cancelled after acceptance.
	res := f.publish(t, p.ID, "k2", v2)
	if !slices.Equal(res.Changed, []string{"T1", "T2"}) {
		t.Fatalf("changed after acceptance = %v, want [T1 T2]", res.Changed)
	}
	cs := pullAll(t, f.s, a, protocol.StreamPoint)[before:]
	if !slices.Equal(kinds(cs), []string{core.KindManifestPublished, core.KindExceptionRaised, core.KindExceptionRaised}) {
		t.Fatalf("point stream after version 2 = %s", show(cs))
	}
	for i, want := range []struct {
		track, event string
		changes      []string
	}{{"T1", "acc-1", []string{"cod"}}, {"T2", "acc-2", []string{"removed"}}} {
		var x core.ExceptionData
		if err := json.Unmarshal(cs[1+i].Data, &x); err != nil {
			t.Fatal(err)
		}
		var detail core.ManifestChange
		if err := json.Unmarshal(x.Detail, &detail); err != nil {
			t.Fatal(err)
		}
		if x.Kind != core.ExceptionManifestChanged || x.Entity != "parcel:cdek:"+want.track || !slices.Equal(x.Points, []string{a}) ||
			!slices.Equal(x.Events, []string{want.event}) || detail.Track != want.track || !slices.Equal(detail.Changes, want.changes) ||
			detail.VersionBefore != 1 || detail.Version != 2 || detail.ManifestID != "M-1" {
			t.Fatalf("exception %d = %+v detail %+v, want %s %v", i, x, detail, want.track, want.changes)
		}
		if want.track == "T1" && (detail.CODBefore == nil || *detail.CODBefore != 100 || detail.CODAfter == nil || *detail.CODAfter != 150) {
			t.Fatalf("T1's COD change: %+v", detail)
		}
		if strings.Contains(string(x.Detail), "Ivan") || strings.Contains(string(x.Detail), "+7999") {
			t.Fatalf("the exception copies personal data: %s", x.Detail)
		}
	}
	xs, err := f.s.Exceptions(t.Context(), f.owner.ID, time.Time{})
	if err != nil || len(xs) != 2 || xs[0].Kind != core.ExceptionManifestChanged {
		t.Fatalf("Exceptions = %+v, %v; want the two", xs, err)
	}
	// Point b (which accepted T4) hears nothing of this manifest.
	for _, c := range pullAll(t, f.s, b, protocol.StreamPoint) {
		t.Fatalf("point b got %s", show([]store.Change{c}))
	}
}

func testManifestMoved(t *testing.T, f ifixture) {
	p := f.partner(t, "cdek")
	a, b := f.points[0].ID, f.points[1].ID
	f.publish(t, p.ID, "k1", manifest(a, "M-1", 1, parcel("T1", 0), parcel("T2", 0)))
	push(t, f.s, a, batch("dev-a", "inc", ev("acc-1", 1, kindAccepted, "parcel:cdek:T1")))
	res := f.publish(t, p.ID, "k2", manifest(b, "M-1", 2, parcel("T1", 0), parcel("T2", 0)))
	if res.PointID != b || !slices.Equal(res.Changed, []string{"T1"}) {
		t.Fatalf("moved manifest = %+v, want point b and T1 changed after acceptance", res)
	}
	ca := pullAll(t, f.s, a, protocol.StreamPoint)
	if !slices.Equal(kinds(ca), []string{core.KindManifestPublished, core.KindManifestWithdrawn, core.KindExceptionRaised}) {
		t.Fatalf("point a = %s, want published, withdrawn, the exception", show(ca))
	}
	var x core.ExceptionData
	_ = json.Unmarshal(ca[2].Data, &x)
	var detail core.ManifestChange
	_ = json.Unmarshal(x.Detail, &detail)
	if !slices.Equal(detail.Changes, []string{"point"}) || detail.PointBefore != a || detail.PointAfter != b {
		t.Fatalf("the redirect's detail = %+v", detail)
	}
	cb := pullAll(t, f.s, b, protocol.StreamPoint)
	if !slices.Equal(kinds(cb), []string{core.KindManifestPublished}) {
		t.Fatalf("point b = %s, want the manifest", show(cb))
	}
}

func testManifestTenantIsolation(t *testing.T, f ifixture) {
	p := f.partner(t, "cdek")
	other, err := f.s.CreateOwner(t.Context(), "Owner B")
	if err != nil {
		t.Fatal(err)
	}
	pb, err := f.s.CreatePoint(t.Context(), other.ID, "B's point")
	if err != nil {
		t.Fatal(err)
	}
	for _, point := range []string{pb.ID, "no-such-point"} {
		_, err := f.is.PublishManifest(t.Context(), p.ID, "k-"+point, manifest(point, "M-1", 1, parcel("T1", 0)), t0)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("owner A's partner to %s: %v, want ErrNotFound", point, err)
		}
	}
	if cs := pullAll(t, f.s, pb.ID, protocol.StreamPoint); len(cs) != 0 {
		t.Fatalf("owner B's point got %s", show(cs))
	}
	if _, err := f.is.PublishManifest(t.Context(), "no-partner", "k", manifest(f.points[0].ID, "M-1", 1, parcel("T1", 0)), t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown partner: %v, want ErrNotFound", err)
	}
}

// deliveries queues what the pushes left and lists the owner's log.
func (f ifixture) queueAndList(t *testing.T, ownerID string) []protocol.Delivery {
	t.Helper()
	for {
		n, err := f.is.QueueWebhooks(t.Context(), t0.Add(2*time.Hour), 2)
		if err != nil {
			t.Fatalf("QueueWebhooks: %v", err)
		}
		if n == 0 {
			break
		}
	}
	ds, err := f.is.Deliveries(t.Context(), ownerID, "", 100)
	if err != nil {
		t.Fatalf("Deliveries: %v", err)
	}
	return ds
}

func deliveryTypes(ds []protocol.Delivery) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.EventID+" "+d.Type)
	}
	slices.Sort(out)
	return out
}

func testWebhooksQueued(t *testing.T, f ifixture) {
	ctx := t.Context()
	a := f.points[0].ID
	// Before any subscription, nothing is queued.
	push(t, f.s, a, batch("dev-a", "inc", ev("early", 1, kindAccepted, "parcel:cdek:T0")))
	h, err := f.is.CreateWebhook(ctx, f.owner.ID, "https://crm.example/hook", "whsec_1", t0)
	if err != nil {
		t.Fatalf("CreateWebhook: %v", err)
	}
	if _, err := f.is.CreateWebhook(ctx, "nobody", "https://x.example", "s", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a webhook of no owner: %v", err)
	}
	events := []protocol.Event{
		payloadEv("acc", 2, kindAccepted, "parcel:cdek:T1", map[string]any{"partner": "cdek", "track": "T1", "cell": "A-1"}),
		payloadEv("stamp", 3, "loyalty.stamp_earned", "card:c1", map[string]any{"card": "c1", "customer": "u1", "movement": "m1",
			"amount": 2, "balance": 5, "rewards_available": 0, "visit_at": t0, "clerk_id": 7, "detail": map[string]any{"base": 2}}),
		payloadEv("capped", 4, "loyalty.points_earned", "card:c1", map[string]any{"card": "c1", "amount": 0}),
		payloadEv("cust", 5, "loyalty.customer_created", "customer:u1", map[string]any{"customer": "u1", "masked_phone": "+7 *** ** 22"}),
		payloadEv("prog", 6, "loyalty.programme_saved", "programme:p", map[string]any{"programme": map[string]any{}}),
		ev("dup", 7, "parcel.duplicate_scan", "parcel:cdek:T1"),
		{ID: "", ClientSeq: 8, Kind: kindAccepted, Entity: "parcel:cdek:T9"}, // rejected
		payloadEv("red", 9, "loyalty.reward_redeemed", "card:c1", map[string]any{"card": "c1", "customer": "u1", "movement": "m2",
			"amount": 5, "balance": 0, "reward": "coffee", "lots": []any{}}),
	}
	res := push(t, f.s, a, batch("dev-a", "inc", events...))
	if res.Results[6].Status != protocol.StatusRejected {
		t.Fatalf("the malformed event: %+v", res.Results[6])
	}
	ds := f.queueAndList(t, f.owner.ID)
	want := []string{"acc parcel.accepted", "cust customer.created", "red reward.redeemed", "stamp stamp.earned"}
	if got := deliveryTypes(ds); !slices.Equal(got, want) {
		t.Fatalf("deliveries = %v, want %v", got, want)
	}
	for _, d := range ds {
		if d.WebhookID != h.ID || d.URL != h.URL || d.Status != protocol.DeliveryPending || d.Attempts != 0 || d.NextAt.IsZero() {
			t.Fatalf("delivery = %+v", d)
		}
	}
	// The data a receiver gets.
	due, err := f.is.ClaimDeliveries(ctx, t0.Add(2*time.Hour), time.Minute, 100)
	if err != nil || len(due) != 4 {
		t.Fatalf("ClaimDeliveries = %d, %v", len(due), err)
	}
	for _, d := range due {
		if d.Secret != "whsec_1" || d.OwnerID != f.owner.ID {
			t.Fatalf("claimed delivery without its secret or owner: %+v", d)
		}
		var data map[string]any
		if err := json.Unmarshal(d.Data, &data); err != nil {
			t.Fatal(err)
		}
		switch d.Type {
		case protocol.WebhookParcelAccepted:
			var p protocol.WebhookParcel
			if err := json.Unmarshal(d.Data, &p); err != nil || p.PointID != a || p.Partner != "cdek" || p.Track != "T1" ||
				p.Entity != "parcel:cdek:T1" || !strings.Contains(string(p.Details), `"cell":"A-1"`) || !p.OccurredAt.Equal(events[0].OccurredAt) {
				t.Fatalf("parcel data %s (%v)", d.Data, err)
			}
			if !d.EventAt.Equal(events[0].OccurredAt) {
				t.Fatalf("event time %v, want %v", d.EventAt, events[0].OccurredAt)
			}
		case protocol.WebhookStampEarned:
			if data["card"] != "c1" || data["amount"] != float64(2) || data["balance"] != float64(5) || data["point_id"] != a ||
				data["origin"] != "point" || data["unit"] != "stamps" || data["clerk_id"] != nil || data["detail"] != nil {
				t.Fatalf("stamp data %s", d.Data)
			}
		case protocol.WebhookRewardRedeemed:
			if data["amount"] != float64(5) || data["reward"] != "coffee" || data["lots"] != nil {
				t.Fatalf("redeem data %s", d.Data)
			}
		}
	}
	// A second subscription gets the events from now on; a re-push adds nothing.
	if _, err := f.is.CreateWebhook(ctx, f.owner.ID, "https://erp.example/in", "whsec_2", t0); err != nil {
		t.Fatal(err)
	}
	push(t, f.s, a, batch("dev-a", "inc", events...))
	if ds := f.queueAndList(t, f.owner.ID); len(ds) != 4 {
		t.Fatalf("after a duplicate push: %v", deliveryTypes(ds))
	}
	push(t, f.s, a, batch("dev-a", "inc", ev("iss", 10, kindIssued, "parcel:cdek:T1")))
	ds = f.queueAndList(t, f.owner.ID)
	if got := deliveryTypes(ds); len(got) != 6 || got[2] != "iss parcel.issued" || got[3] != "iss parcel.issued" {
		t.Fatalf("after an issue with two subscriptions: %v", got)
	}
	// Another owner's log is its own.
	other, _ := f.s.CreateOwner(ctx, "Owner B")
	if ds, err := f.is.Deliveries(ctx, other.ID, "", 100); err != nil || len(ds) != 0 {
		t.Fatalf("owner B's deliveries = %v, %v", ds, err)
	}
}

func testWebhookKinds(t *testing.T, f ifixture) {
	if _, err := f.is.CreateWebhook(t.Context(), f.owner.ID, "https://crm.example/hook", "s", t0); err != nil {
		t.Fatal(err)
	}
	var events []protocol.Event
	for i, k := range core.WebhookKinds {
		events = append(events, payloadEv(fmt.Sprintf("e%d", i), int64(i+1), k, "x:1", map[string]any{"amount": 1}))
	}
	push(t, f.s, f.points[0].ID, batch("dev", "inc", events...))
	var taken int
	for {
		n, err := f.is.QueueWebhooks(t.Context(), t0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		taken += n
	}
	if taken != len(core.WebhookKinds) {
		t.Fatalf("the push queued %d events of the %d webhook kinds: the trigger and core.WebhookKinds disagree", taken, len(core.WebhookKinds))
	}
	// Kinds beside them are not queued.
	push(t, f.s, f.points[0].ID, batch("dev", "inc", ev("x1", int64(len(events)+1), "loyalty.adjusted", "card:1"),
		ev("x2", int64(len(events)+2), "shift.opened", "shift:1")))
	if n, err := f.is.QueueWebhooks(t.Context(), t0, 1000); err != nil || n != 0 {
		t.Fatalf("other kinds queued %d (%v)", n, err)
	}
}

func testDeliveryLifecycle(t *testing.T, f ifixture) {
	ctx := t.Context()
	if _, err := f.is.CreateWebhook(ctx, f.owner.ID, "https://crm.example/hook", "s", t0); err != nil {
		t.Fatal(err)
	}
	push(t, f.s, f.points[0].ID, batch("dev", "inc", ev("a1", 1, kindAccepted, "parcel:p:1"), ev("a2", 2, kindAccepted, "parcel:p:2")))
	f.queueAndList(t, f.owner.ID)
	now := t0.Add(2 * time.Hour)
	claim := func(at time.Time) []store.Delivery {
		t.Helper()
		ds, err := f.is.ClaimDeliveries(ctx, at, time.Minute, 10)
		if err != nil {
			t.Fatalf("ClaimDeliveries: %v", err)
		}
		return ds
	}
	ds := claim(now)
	if len(ds) != 2 {
		t.Fatalf("claimed %d, want 2", len(ds))
	}
	if again := claim(now); len(again) != 0 {
		t.Fatalf("claimed again while leased: %d", len(again))
	}
	// The first fails (retry in 10 s), the second is delivered.
	if err := f.is.RecordDelivery(ctx, ds[0].ID, store.DeliveryAttempt{At: now, Status: 500, Error: "HTTP 500", NextAt: now.Add(10 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	if err := f.is.RecordDelivery(ctx, ds[1].ID, store.DeliveryAttempt{At: now, Status: 204, Delivered: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.is.RecordDelivery(ctx, ds[1].ID, store.DeliveryAttempt{At: now, Status: 204, Delivered: true}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("recording a delivered delivery again: %v, want ErrNotFound", err)
	}
	log, _ := f.is.Deliveries(ctx, f.owner.ID, protocol.DeliveryPending, 10)
	if len(log) != 1 || log[0].Attempts != 1 || log[0].LastStatus != 500 || log[0].LastError != "HTTP 500" ||
		!log[0].NextAt.Equal(now.Add(10*time.Second)) || !log[0].LastAttemptAt.Equal(now) {
		t.Fatalf("pending log = %+v", log)
	}
	if done, _ := f.is.Deliveries(ctx, f.owner.ID, protocol.DeliveryDelivered, 10); len(done) != 1 || done[0].ID != ds[1].ID ||
		!done[0].DeliveredAt.Equal(now) || done[0].Attempts != 1 || !done[0].NextAt.IsZero() {
		t.Fatalf("delivered log = %+v", done)
	}
	if early := claim(now.Add(9 * time.Second)); len(early) != 0 {
		t.Fatalf("claimed before next_at: %d", len(early))
	}
	ds = claim(now.Add(10 * time.Second))
	if len(ds) != 1 || ds[0].Attempts != 1 {
		t.Fatalf("at next_at: %+v", ds)
	}
	// Giving up: failed, no next attempt.
	if err := f.is.RecordDelivery(ctx, ds[0].ID, store.DeliveryAttempt{At: now.Add(10 * time.Second), Error: "connection refused"}); err != nil {
		t.Fatal(err)
	}
	failed, _ := f.is.Deliveries(ctx, f.owner.ID, protocol.DeliveryFailed, 10)
	if len(failed) != 1 || failed[0].Attempts != 2 || failed[0].LastStatus != 0 || failed[0].LastError != "connection refused" || !failed[0].NextAt.IsZero() {
		t.Fatalf("failed log = %+v", failed)
	}
	if later := claim(now.Add(time.Hour)); len(later) != 0 {
		t.Fatalf("a failed delivery was claimed again: %+v", later)
	}
	// A lease that runs out (the sender died) makes it due again.
	if _, err := f.is.CreateWebhook(ctx, f.owner.ID, "https://two.example", "s2", t0); err != nil {
		t.Fatal(err)
	}
	push(t, f.s, f.points[0].ID, batch("dev", "inc", ev("a3", 3, kindAccepted, "parcel:p:3")))
	f.queueAndList(t, f.owner.ID)
	if got := claim(now.Add(2 * time.Hour)); len(got) != 2 {
		t.Fatalf("claimed %d, want 2", len(got))
	}
	if got := claim(now.Add(2*time.Hour + time.Minute)); len(got) != 2 {
		t.Fatalf("after the lease: claimed %d, want the 2 again", len(got))
	}
}

func testCardBalance(t *testing.T, f ifixture) {
	ctx := t.Context()
	a, b := f.points[0].ID, f.points[1].ID
	push(t, f.s, a, batch("dev-a", "inc",
		payloadEv("i1", 1, "loyalty.card_issued", "card:c1", map[string]any{"card": "c1", "code": "7K3M9Q2XW4A", "customer": "u1", "reason": "enrol"}),
		payloadEv("s1", 2, "loyalty.stamp_earned", "card:c1", map[string]any{"card": "c1", "movement": "m1", "amount": 3}),
		payloadEv("s2", 3, "loyalty.points_earned", "card:c1", map[string]any{"card": "c1", "movement": "m2", "amount": 2}),
		payloadEv("s3", 4, "loyalty.stamp_earned", "card:c1", map[string]any{"card": "c1", "movement": "m3", "amount": 0}),
		payloadEv("i2", 5, "loyalty.card_issued", "card:c2", map[string]any{"card": "c2", "code": "AB12CD34EF5", "customer": "u2", "reason": "enrol"}),
		payloadEv("s4", 6, "loyalty.stamp_earned", "card:c2", map[string]any{"card": "c2", "movement": "m4", "amount": 10}),
		payloadEv("bad", 7, "loyalty.stamp_earned", "card:c2", map[string]any{"card": "c2", "movement": "m5", "amount": "lots"}),
	))
	card := func(code string) protocol.CardResponse {
		t.Helper()
		c, err := f.is.Card(ctx, f.owner.ID, code)
		if err != nil {
			t.Fatalf("Card(%s): %v", code, err)
		}
		return c
	}
	if c := card("7K3M9Q2XW4A"); c.Card != "c1" || c.Code != "7K3M9Q2XW4A" || c.Customer != "u1" || c.Balance != 5 || c.Revoked {
		t.Fatalf("card 1 = %+v, want balance 3+2", c)
	}
	// As typed: lower case, dashes, O for 0 and l for 1.
	if c := card("ab-l2-cd34-ef5"); c.Card != "c2" || c.Balance != 10 {
		t.Fatalf("card 2 by a typed code = %+v", c)
	}
	// Point b redeems, adjusts, expires and transfers; the balance follows.
	push(t, f.s, b, batch("dev-b", "inc",
		payloadEv("r1", 1, "loyalty.reward_redeemed", "card:c1", map[string]any{"card": "c1", "movement": "m6", "amount": 4, "balance": 1}),
		payloadEv("ad", 2, "loyalty.adjusted", "card:c1", map[string]any{"card": "c1", "movement": "m7", "amount": 6}),
		payloadEv("ad2", 3, "loyalty.adjusted", "card:c2", map[string]any{"card": "c2", "movement": "m8", "amount": -1}),
		payloadEv("ex", 4, "loyalty.expired", "card:c2", map[string]any{"card": "c2", "movement": "m9", "amount": -2}),
		payloadEv("rv", 5, "loyalty.reversed", "card:c1", map[string]any{"card": "c1", "movement": "m10", "amount": -1}),
		payloadEv("tr", 6, "loyalty.transferred", "card:c2", map[string]any{"from": "c1", "to": "c2", "amount": 6}),
		payloadEv("rk", 7, "loyalty.card_revoked", "card:c1", map[string]any{"card": "c1", "code": "7K3M9Q2XW4A", "reason": "merged", "replaced_by": "c2"}),
	))
	if c := card("7K3M9Q2XW4A"); c.Balance != 0 || !c.Revoked {
		t.Fatalf("card 1 = %+v, want 5-4+6-1-6 = 0 and revoked", c)
	}
	if c := card("AB12CD34EF5"); c.Balance != 13 {
		t.Fatalf("card 2 = %+v, want 10-1-2+6 = 13", c)
	}
	if _, err := f.is.Card(ctx, f.owner.ID, "ZZZZZZZZZZZ"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown code: %v", err)
	}
	other, _ := f.s.CreateOwner(ctx, "Owner B")
	if _, err := f.is.Card(ctx, other.ID, "AB12CD34EF5"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("owner B reading owner A's card: %v, want ErrNotFound", err)
	}
}

func testCRMMovements(t *testing.T, f ifixture) {
	ctx := t.Context()
	a := f.points[0].ID
	if _, err := f.is.CreateWebhook(ctx, f.owner.ID, "https://crm.example/hook", "s", t0); err != nil {
		t.Fatal(err)
	}
	push(t, f.s, a, batch("dev-a", "inc",
		payloadEv("i1", 1, "loyalty.card_issued", "card:c1", map[string]any{"card": "c1", "code": "7K3M9Q2XW4A", "customer": "u1"}),
		payloadEv("s1", 2, "loyalty.stamp_earned", "card:c1", map[string]any{"card": "c1", "movement": "m1", "amount": 3})))
	f.queueAndList(t, f.owner.ID) // the point's own webhooks, out of the way
	now := t0.Add(3 * time.Hour)
	move := func(kind string, amount int64, key string) (protocol.CardMovementResponse, error) {
		return f.is.MoveCard(ctx, f.owner.ID, "7k3m-9q2x-w4a", store.CardMovement{Kind: kind, Amount: amount, Key: key}, now)
	}
	st, err := move(protocol.MovementStamp, 4, "sale-1")
	if err != nil {
		t.Fatalf("stamp: %v", err)
	}
	if st.Card != "c1" || st.Code != "7K3M9Q2XW4A" || st.Kind != protocol.MovementStamp || st.Amount != 4 || st.Balance != 7 ||
		st.Movement == "" || st.EventID == "" || st.Key != "sale-1" || !st.CreatedAt.Equal(now) {
		t.Fatalf("stamp = %+v", st)
	}
	if again, err := move(protocol.MovementStamp, 4, "sale-1"); err != nil || again != st {
		t.Fatalf("the same key again = %+v, %v; want the first answer %+v", again, err, st)
	}
	if _, err := move(protocol.MovementStamp, 5, "sale-1"); !errors.Is(err, store.ErrIdempotencyConflict) {
		t.Fatalf("the key for another amount: %v", err)
	}
	if _, err := move(protocol.MovementRedeem, 4, "sale-1"); !errors.Is(err, store.ErrIdempotencyConflict) {
		t.Fatalf("the key for a redemption: %v", err)
	}
	if _, err := move(protocol.MovementRedeem, 8, "ret-1"); !errors.Is(err, store.ErrInsufficientBalance) {
		t.Fatalf("redeeming 8 of 7: %v, want ErrInsufficientBalance", err)
	}
	rd, err := move(protocol.MovementRedeem, 7, "ret-2")
	if err != nil || rd.Balance != 0 || rd.Kind != protocol.MovementRedeem {
		t.Fatalf("redeem 7 = %+v, %v", rd, err)
	}
	if c, _ := f.is.Card(ctx, f.owner.ID, "7K3M9Q2XW4A"); c.Balance != 0 {
		t.Fatalf("balance after the CRM = %d, want 0", c.Balance)
	}
	if _, err := f.is.MoveCard(ctx, f.owner.ID, "NOPE", store.CardMovement{Kind: protocol.MovementStamp, Amount: 1, Key: "k"}, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown card: %v", err)
	}
	// Every point pulls the CRM's movements from the owner stream.
	var crm []store.Change
	for _, c := range pullAll(t, f.s, a, protocol.StreamOwner) {
		if c.Origin == core.OriginCRM {
			crm = append(crm, c)
		}
	}
	if !slices.Equal(kinds(crm), []string{"loyalty.stamp_earned", "loyalty.reward_redeemed"}) {
		t.Fatalf("point a's owner stream from the CRM = %s", show(crm))
	}
	var d core.EventData
	if err := json.Unmarshal(crm[0].Data, &d); err != nil || d.EventID != st.EventID || d.ServerSeq <= 0 {
		t.Fatalf("CRM change data %s (%v)", crm[0].Data, err)
	}
	var p map[string]any
	if err := json.Unmarshal(d.Payload, &p); err != nil || p["card"] != "c1" || p["movement"] != st.Movement || p["amount"] != float64(4) ||
		p["balance"] != float64(7) || p["origin"] != "crm" || crm[0].Entity != "card:c1" {
		t.Fatalf("CRM payload %s (%v)", d.Payload, err)
	}
	// And the webhooks.
	ds, _ := f.is.Deliveries(ctx, f.owner.ID, "", 100)
	want := []string{"i1 card.issued", "s1 stamp.earned", rd.EventID + " reward.redeemed", st.EventID + " stamp.earned"}
	slices.Sort(want)
	if got := deliveryTypes(ds); !slices.Equal(got, want) {
		t.Fatalf("CRM deliveries = %v", got)
	}
	// A revoked card takes nothing.
	push(t, f.s, a, batch("dev-a", "inc", payloadEv("rk", 3, "loyalty.card_revoked", "card:c1", map[string]any{"card": "c1"})))
	if _, err := move(protocol.MovementStamp, 1, "sale-2"); !errors.Is(err, store.ErrCardRevoked) {
		t.Fatalf("stamping a revoked card: %v, want ErrCardRevoked", err)
	}
	// Keys are per owner.
	other, _ := f.s.CreateOwner(ctx, "Owner B")
	if _, err := f.is.MoveCard(ctx, other.ID, "7K3M9Q2XW4A", store.CardMovement{Kind: protocol.MovementStamp, Amount: 4, Key: "sale-1"}, now); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("owner B stamping owner A's card: %v, want ErrNotFound", err)
	}
}

func testDashboard(t *testing.T, f ifixture) {
	ctx := t.Context()
	a, b, c := f.points[0].ID, f.points[1].ID, f.points[2].ID
	// Events occur at t0 + seq minutes unless moved; all arrive at t0+1h.
	late := ev("a9", 10, kindAccepted, "parcel:p:9")
	late.OccurredAt = t0.Add(100 * time.Minute) // after the range
	push(t, f.s, a, batch("dev-a", "inc",
		ev("a1", 1, kindAccepted, "parcel:p:1"),
		ev("a2", 2, kindAccepted, "parcel:p:2"),
		ev("a3", 3, kindAccepted, "parcel:p:3"),
		ev("i1", 4, kindIssued, "parcel:p:1"),
		ev("r2", 5, "parcel.returned", "parcel:p:2"),
		protocol.Event{ID: "", ClientSeq: 6, Kind: kindAccepted}, // rejected
		payloadEv("ci", 7, "loyalty.card_issued", "card:c1", map[string]any{"card": "c1", "code": "7K3M9Q2XW4A", "customer": "u1"}),
		payloadEv("st", 8, "loyalty.stamp_earned", "card:c1", map[string]any{"card": "c1", "amount": 3}),
		payloadEv("st2", 9, "loyalty.stamp_earned", "card:c1", map[string]any{"card": "c1", "amount": 2}),
		late,
	))
	b3 := ev("b3", 1, kindAccepted, "parcel:p:3") // p:3 is in a's custody: location_conflict
	b3.OccurredAt = t0.Add(10 * time.Minute)
	rd := payloadEv("rd", 2, "loyalty.reward_redeemed", "card:c1", map[string]any{"card": "c1", "amount": 4})
	rd.OccurredAt = t0.Add(11 * time.Minute)
	push(t, f.s, b, batch("dev-b", "inc", b3, rd))
	if _, err := f.is.MoveCard(ctx, f.owner.ID, "7K3M9Q2XW4A", store.CardMovement{Kind: protocol.MovementStamp, Amount: 6, Key: "k"}, t0.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	from, to := t0, t0.Add(time.Hour)
	d, err := f.is.Dashboard(ctx, f.owner.ID, from, to, t0.Add(2*time.Hour))
	if err != nil {
		t.Fatalf("Dashboard: %v", err)
	}
	if d.OwnerID != f.owner.ID || !d.From.Equal(from) || !d.To.Equal(to) || len(d.Points) != 3 {
		t.Fatalf("dashboard = %+v", d)
	}
	by := map[string]protocol.DashboardPoint{}
	for _, p := range d.Points {
		by[p.PointID] = p
	}
	// The events arrived, and the exception was raised, at t0+1h (the
	// push's clock): outside [t0, t0+1h).
	wantA := protocol.Figures{ParcelsAccepted: 3, ParcelsIssued: 1, ParcelsReturned: 1, StockOnHand: 0, StampsEarned: 5}
	wantB := protocol.Figures{ParcelsAccepted: 1, StockOnHand: 1, Redemptions: 1, Redeemed: 4}
	if got := by[a].Figures; got != wantA {
		t.Fatalf("point a = %+v\nwant       %+v", got, wantA)
	}
	if got := by[b].Figures; got != wantB {
		t.Fatalf("point b = %+v\nwant       %+v", got, wantB)
	}
	if got := by[c]; got.Figures != (protocol.Figures{}) || got.Name != "Point 3" {
		t.Fatalf("point c = %+v, want nothing", got)
	}
	if d.CRM != (protocol.Figures{StampsEarned: 6}) {
		t.Fatalf("CRM = %+v", d.CRM)
	}
	var total protocol.Figures
	total.Add(wantA)
	total.Add(wantB)
	total.Add(d.CRM)
	if d.Totals != total {
		t.Fatalf("totals = %+v, want %+v", d.Totals, total)
	}
	// Over the push's arrival: events pushed and rejected; the stock at
	// the end counts a9 too.
	d, err = f.is.Dashboard(ctx, f.owner.ID, t0.Add(time.Hour), t0.Add(3*time.Hour), t0.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range d.Points {
		by[p.PointID] = p
	}
	if got := by[a].Figures; got.EventsPushed != 10 || got.EventsRejected != 1 || got.ParcelsAccepted != 1 || got.StockOnHand != 1 ||
		got.ExceptionsOpen != 1 || got.ExceptionsRaised != 1 || got.StampsEarned != 0 {
		t.Fatalf("point a later = %+v", got)
	}
	if got := by[b].Figures; got.EventsPushed != 2 || got.StockOnHand != 1 || got.ExceptionsOpen != 1 {
		t.Fatalf("point b later = %+v", got)
	}
	if d.Totals.EventsPushed != 12 || d.Totals.StockOnHand != 2 {
		t.Fatalf("totals later = %+v", d.Totals)
	}
	// Another owner's dashboard is empty; an unknown owner is not found.
	other, _ := f.s.CreateOwner(ctx, "Owner B")
	if d, err := f.is.Dashboard(ctx, other.ID, from, to, to); err != nil || len(d.Points) != 0 || d.Totals != (protocol.Figures{}) {
		t.Fatalf("owner B's dashboard = %+v, %v", d, err)
	}
	if _, err := f.is.Dashboard(ctx, "nobody", from, to, to); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an unknown owner: %v", err)
	}
}

// A payload is applied as long as it is a JSON object, and encoding/json
// takes invalid UTF-8 and \u0000 in strings; neither may stop the webhook
// queue or the loyalty read model (PostgreSQL refuses both in text). (A
// loyalty payload with invalid UTF-8 is not here: PostgreSQL refuses its
// push, in the owner stream's json column.)
func testHostilePayloads(t *testing.T, f ifixture) {
	ctx := t.Context()
	a := f.points[0].ID
	if _, err := f.is.CreateWebhook(ctx, f.owner.ID, "https://crm.example/hook", "s", t0); err != nil {
		t.Fatal(err)
	}
	acc := ev("acc", 1, kindAccepted, "parcel:cdek:T1")
	acc.Payload = []byte("{\"partner\":\"cd\\u0000ek\",\"track\":\"T\xff1\",\"cell\":\"\xfe\"}")
	issued := ev("iss", 2, "loyalty.card_issued", "card:c1")
	issued.Payload = []byte("{\"card\":\"c\\u00001\",\"code\":\"AB\\u0000C\",\"customer\":\"u\\u0000\"}")
	stamp := ev("st", 3, "loyalty.stamp_earned", "card:c1")
	stamp.Payload = []byte("{\"card\":\"c\\u00001\",\"amount\":2,\"reward\":\"\\u0000\"}")
	res := push(t, f.s, a, batch("dev", "inc", acc, issued, stamp))
	wantStatuses(t, res, protocol.StatusApplied, protocol.StatusApplied, protocol.StatusApplied)
	ds := f.queueAndList(t, f.owner.ID)
	if got := deliveryTypes(ds); !slices.Equal(got, []string{"acc parcel.accepted", "iss card.issued", "st stamp.earned"}) {
		t.Fatalf("deliveries = %v", got)
	}
	c, err := f.is.Card(ctx, f.owner.ID, "ABC")
	if err != nil || c.Balance != 2 {
		t.Fatalf("the card = %+v, %v", c, err)
	}
	if _, err := f.is.Dashboard(ctx, f.owner.ID, t0, t0.Add(time.Hour), t0); err != nil {
		t.Fatalf("Dashboard: %v", err)
	}
}

// testWebhooksBigBatch: a batch the engines write in several statements
// queues each applied event of the webhook kinds once, in the batch's
// order (the outbox is taken oldest first).
func testWebhooksBigBatch(t *testing.T, f ifixture) {
	ctx := t.Context()
	a := f.points[0].ID
	if _, err := f.is.CreateWebhook(ctx, f.owner.ID, "https://crm.example/hook", "s", t0); err != nil {
		t.Fatal(err)
	}
	var events []protocol.Event
	var want []string
	for i := range protocol.MaxBatchEvents {
		id, seq := fmt.Sprintf("w-%03d", i), int64(i+1)
		var e protocol.Event
		switch {
		case i == 250: // rejected: not queued
			e = ev(id, seq, kindAccepted, "parcel:x:250")
			e.Payload = json.RawMessage(`{"track": `)
		case i == 499: // the first event again: queued once
			e = payloadEv("w-000", seq, kindAccepted, "parcel:x:0", map[string]any{"n": 0})
		case i%3 == 0:
			e = payloadEv(id, seq, kindAccepted, fmt.Sprintf("parcel:x:%d", i), map[string]any{"n": i})
		case i%3 == 1:
			e = ev(id, seq, "clerk.login", "clerk:1")
		default:
			e = payloadEv(id, seq, "loyalty.stamp_earned", "card:c1", map[string]any{"card": "c1", "amount": 1})
		}
		events = append(events, e)
		if i != 250 && i != 499 && i%3 != 1 {
			want = append(want, id)
		}
	}
	push(t, f.s, a, batch("dev-a", "inc", events...))
	// The oldest first: a round of 7 takes the batch's first 7.
	if n, err := f.is.QueueWebhooks(ctx, t0.Add(2*time.Hour), 7); err != nil || n != 7 {
		t.Fatalf("QueueWebhooks(7) = %d, %v", n, err)
	}
	ds, err := f.is.Deliveries(ctx, f.owner.ID, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.EventID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want[:7]) {
		t.Fatalf("the first round queued %v, want %v", got, want[:7])
	}
	f.queueAndList(t, f.owner.ID)
	all, err := f.is.Deliveries(ctx, f.owner.ID, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, d := range all {
		got = append(got, d.EventID)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("queued %d events, want %d (%v…)", len(got), len(want), want[:3])
	}
}
