package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// The integrations API end to end: real HTTP on loopback, on every real
// store (SQLite, and PostgreSQL under scripts/pgtest.sh), as a partner,
// a CRM, an owner and the points would see it.

// eachIntegrationStore runs test on the stores that have integrations
// (the real ones; not the fake).
func eachIntegrationStore(t *testing.T, test func(t *testing.T, st store.Store, is store.Integrations)) {
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) {
			st := k.open(t)
			t.Cleanup(func() { _ = st.Close() })
			is, ok := st.(store.Integrations)
			if !ok {
				t.Skip("no integrations in this store")
			}
			test(t, st, is)
		})
	}
}

// key issues an API key over the store, as the admin commands do.
func (e *env) key(is store.Integrations, kind, ownerID, partnerID, name string) string {
	e.t.Helper()
	k, _, err := IssueKey(context.Background(), is, kind, ownerID, partnerID, name, auth.Fast, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return k
}

// partnerKey registers a partner of the owner and gives it a key.
func (e *env) partnerKey(is store.Integrations, ownerID, code string) string {
	e.t.Helper()
	p, err := is.CreatePartner(context.Background(), ownerID, code, strings.ToUpper(code), e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return e.key(is, store.KeyPartner, ownerID, p.ID, p.Name)
}

// callH is call with request headers.
func (e *env) callH(method, path, token string, headers map[string]string, body any, out any) result {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		rd = bytes.NewReader(mustJSON(b))
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, body: raw}
	if resp.StatusCode == http.StatusOK {
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				e.t.Fatalf("%s %s: answer %s: %v", method, path, raw, err)
			}
		}
	} else if err := json.Unmarshal(raw, &r.err); err != nil || r.err.Code == "" {
		e.t.Fatalf("%s %s: error answer %d is not a protocol.Error: %s", method, path, resp.StatusCode, raw)
	}
	return r
}

func (e *env) manifest(key, idem string, req protocol.ManifestRequest, out *protocol.ManifestResponse) result {
	e.t.Helper()
	h := map[string]string{}
	if idem != "" {
		h[protocol.IdempotencyKeyHeader] = idem
	}
	return e.callH(http.MethodPost, protocol.PathPartnerManifests, key, h, req, out)
}

// pullAll reads a point's stream to its end over HTTP.
func (e *env) pullAll(p registered, stream string) []protocol.Change {
	e.t.Helper()
	var out []protocol.Change
	cursor := ""
	for range 100 {
		var page protocol.PullResponse
		if r := e.call(http.MethodGet, pullPath(stream, cursor, 0), p.tokens.AccessToken, nil, &page); r.status != http.StatusOK {
			e.t.Fatalf("pull %s: %d %s", stream, r.status, r.body)
		}
		out = append(out, page.Changes...)
		cursor = page.NextCursor
		if !page.HasMore {
			return out
		}
	}
	e.t.Fatal("the stream never ends")
	return nil
}

func (e *env) pushOK(p registered, events ...protocol.Event) {
	e.t.Helper()
	var res protocol.PushResponse
	if r := e.call(http.MethodPost, protocol.PathPush, p.tokens.AccessToken, p.push("i1", events...), &res); r.status != http.StatusOK {
		e.t.Fatalf("push: %d %s", r.status, r.body)
	}
	for _, x := range res.Results {
		if x.Status == protocol.StatusRejected {
			e.t.Fatalf("push: %+v rejected", x)
		}
	}
}

func withPayload(ev protocol.Event, fields map[string]any) protocol.Event {
	ev.Payload = mustJSON(fields)
	return ev
}

func changeKinds(cs []protocol.Change) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.Kind)
	}
	return out
}

func mparcel(track string, cod int64) protocol.ManifestParcel {
	return protocol.ManifestParcel{Track: track, RecipientName: "Анна " + track, RecipientPhone: "+79990001122", Size: "S", COD: cod, PickupCode: "1234"}
}

func TestPartnerPublishesVersionedManifestsThePointPulls(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "Lenina 1", "dev-a")
		key := e.partnerKey(is, a.OwnerID, "cdek")

		v1 := protocol.ManifestRequest{PointID: a.ID, ManifestID: "M-100", Version: 1,
			Parcels: []protocol.ManifestParcel{mparcel("ab1", 0), mparcel("AB2", 150000)}}
		var res protocol.ManifestResponse
		if r := e.manifest(key, "idem-1", v1, &res); r.status != http.StatusOK {
			t.Fatalf("publish: %d %s", r.status, r.body)
		}
		if res.ManifestID != "M-100" || res.Version != 1 || res.PointID != a.ID || res.Parcels != 2 || !res.PublishedAt.Equal(e.clock.Now()) {
			t.Fatalf("answer %+v", res)
		}
		// The point pulls it from its stream.
		cs := e.pullAll(a, protocol.StreamPoint)
		if !slices.Equal(changeKinds(cs), []string{"manifest.published"}) || cs[0].Entity != "manifest:cdek:M-100" {
			t.Fatalf("the point pulled %+v", cs)
		}
		var data protocol.ManifestData
		if err := json.Unmarshal(cs[0].Data, &data); err != nil || data.Partner != "cdek" || len(data.Parcels) != 2 ||
			data.Parcels[0].Track != "AB1" || data.Parcels[1].COD != 150000 || data.Parcels[0].RecipientName != "Анна ab1" {
			t.Fatalf("manifest data %s (%v)", cs[0].Data, err)
		}

		// A retry gets the same answer and publishes nothing more.
		var again protocol.ManifestResponse
		e.clock.Advance(time.Minute)
		if r := e.manifest(key, "idem-1", v1, &again); r.status != http.StatusOK || !bytes.Equal(mustJSON(again), mustJSON(res)) {
			t.Fatalf("retry: %d %s, want the first answer %s", r.status, r.body, mustJSON(res))
		}
		// The same key for another body, or no key: refused.
		v2 := v1
		v2.Version, v2.Parcels = 2, []protocol.ManifestParcel{mparcel("AB1", 0), mparcel("AB2", 99000)}
		wantError(t, e.manifest(key, "idem-1", v2, nil), http.StatusConflict, protocol.ErrIdempotencyConflict)
		wantError(t, e.manifest(key, "", v2, nil), http.StatusBadRequest, protocol.ErrBadRequest)
		wantError(t, e.callH(http.MethodPost, protocol.PathPartnerManifests, key, map[string]string{protocol.IdempotencyKeyHeader: "x"},
			`{"point_id":"`+a.ID+`","manifest_id":"M","version":1,"parcels":[{"track":"T","colour":"red"}]}`, nil), http.StatusBadRequest, protocol.ErrBadRequest)

		// The point accepts AB2; version 2 changes its COD: the acceptance
		// stands and the point is told.
		e.pushOK(a, withPayload(event("acc-ab2", 1, "parcel.accepted", "parcel:cdek:AB2"), map[string]any{"partner": "cdek", "track": "AB2"}))
		if r := e.manifest(key, "idem-2", v2, &res); r.status != http.StatusOK {
			t.Fatalf("version 2: %d %s", r.status, r.body)
		}
		if res.Version != 2 || res.Replaced != 1 || !slices.Equal(res.Changed, []string{"AB2"}) {
			t.Fatalf("version 2 answer %+v", res)
		}
		cs = e.pullAll(a, protocol.StreamPoint)
		if !slices.Equal(changeKinds(cs), []string{"manifest.published", "manifest.published", "exception.raised"}) {
			t.Fatalf("the point pulled %v", changeKinds(cs))
		}
		var x struct {
			Kind   string          `json:"kind"`
			Entity string          `json:"entity"`
			Events []string        `json:"events"`
			Detail json.RawMessage `json:"detail"`
		}
		if err := json.Unmarshal(cs[2].Data, &x); err != nil || x.Kind != "manifest_changed" || x.Entity != "parcel:cdek:AB2" ||
			!slices.Equal(x.Events, []string{"acc-ab2"}) || !strings.Contains(string(x.Detail), `"cod_after":99000`) {
			t.Fatalf("the exception %s (%v)", cs[2].Data, err)
		}
		// An older version is stale.
		wantError(t, e.manifest(key, "idem-3", v1, nil), http.StatusConflict, protocol.ErrStaleVersion)
	})
}

func TestPartnerReachesOnlyItsOwnersPointsWithItsOwnKey(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint("", "B of another owner", "dev-b")
		key := e.partnerKey(is, a.OwnerID, "cdek")
		req := protocol.ManifestRequest{PointID: b.ID, ManifestID: "M-1", Version: 1, Parcels: []protocol.ManifestParcel{mparcel("T1", 0)}}
		wantError(t, e.manifest(key, "k1", req, nil), http.StatusNotFound, protocol.ErrNotFound)
		req.PointID = "no-such-point"
		wantError(t, e.manifest(key, "k2", req, nil), http.StatusNotFound, protocol.ErrNotFound)
		if cs := e.pullAll(b, protocol.StreamPoint); len(cs) != 0 {
			t.Fatalf("the other owner's point pulled %+v", cs)
		}
		// Owner B's own partner key with the same code reaches B only.
		keyB := e.partnerKey(is, b.OwnerID, "cdek")
		req.PointID = a.ID
		wantError(t, e.manifest(keyB, "k1", req, nil), http.StatusNotFound, protocol.ErrNotFound)

		// Wrong keys.
		req.PointID = a.ID
		crm := e.key(is, store.KeyCRM, a.OwnerID, "", "till")
		wantError(t, e.manifest(crm, "k3", req, nil), http.StatusForbidden, protocol.ErrForbidden)
		wantError(t, e.manifest(a.tokens.AccessToken, "k3", req, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
		wantError(t, e.manifest("", "k3", req, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
		id, _, _ := strings.Cut(key, ".")
		wantError(t, e.manifest(id+"."+strings.Repeat("A", tokenSecretLen), "k3", req, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
		if err := is.RevokeAPIKey(context.Background(), id, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(tokenRecheck) // the cache trusts a key this long
		wantError(t, e.manifest(key, "k3", req, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
	})
}

// receiver is a webhook endpoint: it checks each delivery's signature,
// fails the first fails attempts of each event, then takes it.
type receiver struct {
	t      *testing.T
	secret string
	now    func() time.Time
	fails  int

	mu       sync.Mutex
	attempts map[string]int
	got      []protocol.WebhookEvent
	bad      []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := VerifyWebhook(rc.secret, r.Header.Get(protocol.SignatureHeader), body, rc.now(), 5*time.Minute); err != nil {
		rc.bad = append(rc.bad, err.Error())
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev protocol.WebhookEvent
	if err := json.Unmarshal(body, &ev); err != nil || r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-SmartPoint-Delivery") == "" {
		rc.bad = append(rc.bad, "body or headers: "+string(body))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.attempts[ev.ID]++
	if rc.attempts[ev.ID] <= rc.fails {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	rc.got = append(rc.got, ev)
	w.WriteHeader(http.StatusNoContent)
}

func (e *env) deliveries(ownerKey, query string) []protocol.Delivery {
	e.t.Helper()
	var res protocol.DeliveriesResponse
	if r := e.call(http.MethodGet, protocol.PathOwnerDeliveries+query, ownerKey, nil, &res); r.status != http.StatusOK {
		e.t.Fatalf("deliveries: %d %s", r.status, r.body)
	}
	return res.Deliveries
}

func TestWebhooksAreSignedAndRetriedWithBackoffUntilDelivered(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		rc := &receiver{t: t, now: e.clock.Now, fails: 2, attempts: map[string]int{}}
		hs := httptest.NewServer(rc)
		defer hs.Close()
		h, err := AddWebhook(context.Background(), is, a.OwnerID, hs.URL+"/smartpoint", e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		rc.secret = h.Secret
		ownerKey := e.key(is, store.KeyOwner, a.OwnerID, "", "owner")

		accepted := withPayload(event("acc-1", 1, "parcel.accepted", "parcel:cdek:T1"), map[string]any{"partner": "cdek", "track": "T1", "cell": "B-7"})
		stamp := withPayload(event("stamp-1", 2, "loyalty.stamp_earned", "card:c1"),
			map[string]any{"card": "c1", "customer": "u1", "movement": "m1", "amount": 1, "balance": 4, "shift_id": 3})
		e.pushOK(a, accepted, stamp, event("login", 3, "clerk.login", "clerk:1"))

		wh := NewWebhooks(is, WebhookOptions{Logger: e.srv.log, Now: e.clock.Now, Backoff: 10 * time.Second, MaxBackoff: time.Hour})
		step := func(want Round) {
			t.Helper()
			r, err := wh.Step(context.Background())
			if err != nil || r != want {
				t.Fatalf("round = %+v, %v; want %+v", r, err, want)
			}
		}
		start := e.clock.Now()
		step(Round{Queued: 2, Sent: 2, Retrying: 2})
		step(Round{}) // nothing due before the backoff
		for _, d := range e.deliveries(ownerKey, "") {
			if d.Status != protocol.DeliveryPending || d.Attempts != 1 || d.LastStatus != 500 || !d.NextAt.Equal(start.Add(10*time.Second)) || d.URL != h.URL {
				t.Fatalf("after the first attempt: %+v", d)
			}
		}
		e.clock.Advance(10 * time.Second)
		step(Round{Sent: 2, Retrying: 2})
		for _, d := range e.deliveries(ownerKey, "?status=pending") {
			if d.Attempts != 2 || !d.NextAt.Equal(e.clock.Now().Add(20*time.Second)) { // doubled
				t.Fatalf("after the second attempt: %+v", d)
			}
		}
		e.clock.Advance(19 * time.Second)
		step(Round{})
		e.clock.Advance(time.Second)
		step(Round{Sent: 2, Delivered: 2})
		step(Round{})

		log := e.deliveries(ownerKey, "?status=delivered&limit=10")
		if len(log) != 2 {
			t.Fatalf("delivered log %+v", log)
		}
		for _, d := range log {
			if d.Attempts != 3 || d.LastStatus != 204 || !d.DeliveredAt.Equal(e.clock.Now()) || !d.NextAt.IsZero() || d.LastError != "" {
				t.Fatalf("delivered: %+v", d)
			}
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if len(rc.bad) > 0 {
			t.Fatalf("the receiver refused: %v", rc.bad)
		}
		byType := map[string]protocol.WebhookEvent{}
		for _, ev := range rc.got {
			byType[ev.Type] = ev
		}
		if len(rc.got) != 2 || rc.attempts["acc-1"] != 3 || rc.attempts["stamp-1"] != 3 {
			t.Fatalf("received %+v after %v attempts", rc.got, rc.attempts)
		}
		var parcel protocol.WebhookParcel
		if ev := byType["parcel.accepted"]; ev.ID != "acc-1" || !ev.CreatedAt.Equal(accepted.OccurredAt) || json.Unmarshal(ev.Data, &parcel) != nil ||
			parcel.PointID != a.ID || parcel.Track != "T1" || parcel.Partner != "cdek" || !strings.Contains(string(parcel.Details), "B-7") {
			t.Fatalf("parcel.accepted %+v", ev)
		}
		var loyalty map[string]any
		if ev := byType["stamp.earned"]; ev.ID != "stamp-1" || json.Unmarshal(ev.Data, &loyalty) != nil || loyalty["card"] != "c1" ||
			loyalty["amount"] != float64(1) || loyalty["point_id"] != a.ID || loyalty["shift_id"] != nil {
			t.Fatalf("stamp.earned %+v", ev)
		}
		// The log never shows the secret; the owner's token of another owner sees nothing.
		other := e.registeredPoint("", "X", "dev-x")
		if ds := e.deliveries(e.key(is, store.KeyOwner, other.OwnerID, "", "o2"), ""); len(ds) != 0 {
			t.Fatalf("another owner's log: %+v", ds)
		}
		if strings.Contains(e.logs.String(), h.Secret) {
			t.Fatal("the log shows the webhook secret")
		}
	})
}

func TestWebhookFailsAfterTheLastAttempt(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
		defer down.Close()
		if _, err := AddWebhook(context.Background(), is, a.OwnerID, down.URL, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		e.pushOK(a, event("iss-1", 1, "parcel.issued", "parcel:cdek:T1"))
		wh := NewWebhooks(is, WebhookOptions{Logger: e.srv.log, Now: e.clock.Now, Backoff: time.Minute, MaxBackoff: 2 * time.Minute, MaxAttempts: 3})
		for i, want := range []Round{{Queued: 1, Sent: 1, Retrying: 1}, {Sent: 1, Retrying: 1}, {Sent: 1, Failed: 1}, {}} {
			r, err := wh.Step(context.Background())
			if err != nil || r != want {
				t.Fatalf("round %d = %+v, %v; want %+v", i, r, err, want)
			}
			e.clock.Advance(2 * time.Minute) // the cap: 1 min, then 2
		}
		ds := e.deliveries(e.key(is, store.KeyOwner, a.OwnerID, "", "owner"), "?status=failed")
		if len(ds) != 1 || ds[0].Attempts != 3 || ds[0].LastStatus != http.StatusBadGateway || ds[0].LastError != "HTTP 502" || !ds[0].NextAt.IsZero() {
			t.Fatalf("failed log %+v", ds)
		}
	})
}

func TestWebhookSignature(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"id":"e1"}`)
	sig := SignWebhook("whsec_x", now, body)
	if !strings.HasPrefix(sig, "t=1800000000,v1=") {
		t.Fatalf("signature %q", sig)
	}
	if err := VerifyWebhook("whsec_x", sig, body, now.Add(time.Minute), 5*time.Minute); err != nil {
		t.Fatalf("a good signature: %v", err)
	}
	for what, check := range map[string]error{
		"another secret": VerifyWebhook("whsec_y", sig, body, now, time.Minute),
		"another body":   VerifyWebhook("whsec_x", sig, []byte(`{"id":"e2"}`), now, time.Minute),
		"too old":        VerifyWebhook("whsec_x", sig, body, now.Add(10*time.Minute), 5*time.Minute),
		"malformed":      VerifyWebhook("whsec_x", "v1=00", body, now, time.Minute),
	} {
		if check == nil {
			t.Errorf("%s: accepted", what)
		}
	}
	for _, u := range []string{"ftp://x.example/", "https://user:pw@x.example/", "/relative", "https://"} {
		if CheckWebhookURL(u) == nil {
			t.Errorf("URL %q accepted", u)
		}
	}
}

func TestCRMReadsStampsAndRedeemsCardsThePointsPull(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint(a.OwnerID, "B", "dev-b")
		e.pushOK(a,
			withPayload(event("iss", 1, "loyalty.card_issued", "card:c1"), map[string]any{"card": "c1", "code": "7K3M9Q2XW4A", "customer": "u1", "reason": "enrol"}),
			withPayload(event("st1", 2, "loyalty.stamp_earned", "card:c1"), map[string]any{"card": "c1", "movement": "m1", "amount": 3}))
		e.pushOK(b, withPayload(event("rd1", 1, "loyalty.reward_redeemed", "card:c1"), map[string]any{"card": "c1", "movement": "m2", "amount": 1}))
		crm := e.key(is, store.KeyCRM, a.OwnerID, "", "till 1")
		cardPath := func(code, suffix string) string {
			return strings.Replace(protocol.PathCRMCard, "{code}", url.PathEscape(code), 1) + suffix
		}

		var card protocol.CardResponse
		if r := e.call(http.MethodGet, cardPath("7k3m-9q2x-w4a", ""), crm, nil, &card); r.status != http.StatusOK {
			t.Fatalf("card: %d %s", r.status, r.body)
		}
		if card.Card != "c1" || card.Code != "7K3M9Q2XW4A" || card.Balance != 2 || card.Revoked {
			t.Fatalf("card %+v, want balance 3-1", card)
		}
		var st1 protocol.CardMovementResponse
		if r := e.call(http.MethodPost, cardPath("7K3M9Q2XW4A", "/stamps"), crm, protocol.CardMovementRequest{Amount: 5, Key: "receipt-1"}, &st1); r.status != http.StatusOK {
			t.Fatalf("stamps: %d %s", r.status, r.body)
		}
		if st1.Balance != 7 || st1.Kind != protocol.MovementStamp {
			t.Fatalf("stamps %+v", st1)
		}
		var again protocol.CardMovementResponse
		if r := e.call(http.MethodPost, cardPath("7K3M9Q2XW4A", "/stamps"), crm, protocol.CardMovementRequest{Amount: 5, Key: "receipt-1"}, &again); r.status != http.StatusOK || again != st1 {
			t.Fatalf("the same key again: %d %+v, want %+v", r.status, again, st1)
		}
		wantError(t, e.call(http.MethodPost, cardPath("7K3M9Q2XW4A", "/stamps"), crm, protocol.CardMovementRequest{Amount: 6, Key: "receipt-1"}, nil),
			http.StatusConflict, protocol.ErrIdempotencyConflict)
		wantError(t, e.call(http.MethodPost, cardPath("7K3M9Q2XW4A", "/redeem"), crm, protocol.CardMovementRequest{Amount: 8, Key: "r-2"}, nil),
			http.StatusConflict, protocol.ErrInsufficientBalance)
		var rd protocol.CardMovementResponse
		if r := e.call(http.MethodPost, cardPath("7K3M9Q2XW4A", "/redeem"), crm, protocol.CardMovementRequest{Amount: 7, Key: "r-3"}, &rd); r.status != http.StatusOK || rd.Balance != 0 {
			t.Fatalf("redeem 7: %d %s", r.status, r.body)
		}
		wantError(t, e.call(http.MethodPost, cardPath("7K3M9Q2XW4A", "/redeem"), crm, protocol.CardMovementRequest{Amount: 0, Key: "r-4"}, nil),
			http.StatusBadRequest, protocol.ErrBadRequest)
		wantError(t, e.call(http.MethodGet, cardPath("NOSUCHCARD1", ""), crm, nil, nil), http.StatusNotFound, protocol.ErrNotFound)
		wantError(t, e.call(http.MethodGet, cardPath("7K3M9Q2XW4A", "?x=1"), crm, nil, nil), http.StatusBadRequest, protocol.ErrBadRequest)

		// Both points pull the CRM's movements (origin crm) from the owner stream.
		for _, p := range []registered{a, b} {
			var fromCRM []string
			for _, c := range e.pullAll(p, protocol.StreamOwner) {
				if c.Origin == "crm" {
					fromCRM = append(fromCRM, c.Kind)
				}
			}
			if !slices.Equal(fromCRM, []string{"loyalty.stamp_earned", "loyalty.reward_redeemed"}) {
				t.Fatalf("point %s pulled from the CRM %v", p.Name, fromCRM)
			}
		}
		// Other owners and other keys do not reach the card.
		x := e.registeredPoint("", "X", "dev-x")
		wantError(t, e.call(http.MethodGet, cardPath("7K3M9Q2XW4A", ""), e.key(is, store.KeyCRM, x.OwnerID, "", "x"), nil, nil), http.StatusNotFound, protocol.ErrNotFound)
		wantError(t, e.call(http.MethodGet, cardPath("7K3M9Q2XW4A", ""), e.key(is, store.KeyOwner, a.OwnerID, "", "o"), nil, nil), http.StatusForbidden, protocol.ErrForbidden)
		wantError(t, e.call(http.MethodGet, cardPath("7K3M9Q2XW4A", ""), a.tokens.AccessToken, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)

		// The log has the requests, not the key, the card code or the receipt.
		e.hs.Close()
		logs := e.logs.String()
		_, secret, _ := strings.Cut(crm, ".")
		for _, s := range []string{secret, "7K3M9Q2XW4A", "7k3m-9q2x-w4a", "receipt-1"} {
			if strings.Contains(logs, s) {
				t.Errorf("the log shows %q", s)
			}
		}
		if !strings.Contains(logs, `"path":"/v1/crm/cards/{code}/redeem"`) {
			t.Errorf("no request line for the redemptions:\n%s", logs)
		}
	})
}

func TestOwnerDashboard(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint(a.OwnerID, "B", "dev-b")
		// event() occurs at 08:00; the server's clock says 09:00.
		e.pushOK(a, event("a1", 1, "parcel.accepted", "parcel:p:1"), event("a2", 2, "parcel.accepted", "parcel:p:2"),
			event("i1", 3, "parcel.issued", "parcel:p:1"),
			withPayload(event("s1", 4, "loyalty.stamp_earned", "card:c1"), map[string]any{"card": "c1", "amount": 2}))
		e.pushOK(b, event("b1", 1, "parcel.accepted", "parcel:p:3"), event("r3", 2, "parcel.returned", "parcel:p:3"),
			event("b2", 3, "parcel.accepted", "parcel:p:2")) // p:2 is at A: location_conflict
		owner := e.key(is, store.KeyOwner, a.OwnerID, "", "owner")
		var d protocol.Dashboard
		if r := e.call(http.MethodGet, protocol.PathOwnerDashboard+"?from=2026-03-01&to=2026-03-02", owner, nil, &d); r.status != http.StatusOK {
			t.Fatalf("dashboard: %d %s", r.status, r.body)
		}
		by := map[string]protocol.Figures{}
		for _, p := range d.Points {
			by[p.Name] = p.Figures
		}
		wantA := protocol.Figures{EventsPushed: 4, ParcelsAccepted: 2, ParcelsIssued: 1, StockOnHand: 0, StampsEarned: 2, ExceptionsRaised: 1, ExceptionsOpen: 1}
		wantB := protocol.Figures{EventsPushed: 3, ParcelsAccepted: 2, ParcelsReturned: 1, StockOnHand: 1, ExceptionsRaised: 1, ExceptionsOpen: 1}
		if by["A"] != wantA || by["B"] != wantB || len(d.Points) != 2 {
			t.Fatalf("points %+v\nwant A %+v\n     B %+v", d.Points, wantA, wantB)
		}
		if d.Totals.EventsPushed != 7 || d.Totals.ParcelsAccepted != 4 || d.Totals.StockOnHand != 1 || d.Totals.ExceptionsOpen != 2 {
			t.Fatalf("totals %+v", d.Totals)
		}
		// The default range is the day before now: it holds the pushes too.
		e.clock.Advance(time.Minute)
		if r := e.call(http.MethodGet, protocol.PathOwnerDashboard, owner, nil, &d); r.status != http.StatusOK || d.Totals.EventsPushed != 7 ||
			!d.To.Equal(e.clock.Now()) || !d.From.Equal(e.clock.Now().Add(-24*time.Hour)) {
			t.Fatalf("default range: %d %+v", r.status, d)
		}
		for _, q := range []string{"?from=yesterday", "?from=2026-03-02&to=2026-03-01", "?from=2024-01-01&to=2026-01-01", "?to=2026-03-01&to=2026-03-02", "?point=A"} {
			wantError(t, e.call(http.MethodGet, protocol.PathOwnerDashboard+q, owner, nil, nil), http.StatusBadRequest, protocol.ErrBadRequest)
		}
		wantError(t, e.call(http.MethodGet, protocol.PathOwnerDashboard, a.tokens.AccessToken, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
		wantError(t, e.call(http.MethodGet, protocol.PathOwnerDashboard, e.key(is, store.KeyCRM, a.OwnerID, "", "c"), nil, nil), http.StatusForbidden, protocol.ErrForbidden)
		for _, q := range []string{"?status=lost", "?limit=0", "?limit=x", "?page=2"} {
			wantError(t, e.call(http.MethodGet, protocol.PathOwnerDeliveries+q, owner, nil, nil), http.StatusBadRequest, protocol.ErrBadRequest)
		}
	})
}

func TestIntegrationKeysAreRateLimited(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, func(o *Options) { o.Rate, o.Burst = 1, 2 })
		a := e.registeredPoint("", "A", "dev-a")
		owner := e.key(is, store.KeyOwner, a.OwnerID, "", "owner")
		for range 2 {
			if r := e.call(http.MethodGet, protocol.PathOwnerDeliveries, owner, nil, nil); r.status != http.StatusOK {
				t.Fatalf("within the burst: %d %s", r.status, r.body)
			}
		}
		r := e.call(http.MethodGet, protocol.PathOwnerDeliveries, owner, nil, nil)
		wantError(t, r, http.StatusTooManyRequests, protocol.ErrRateLimited)
		if r.header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}

func FuzzDashboardQuery(f *testing.F) {
	f.Add("from=2026-03-01&to=2026-03-02")
	f.Add("from=2026-03-01T10:00:00%2B03:00")
	f.Add("to=&from=&x=1")
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		from, to, err := dashboardQuery(q, now)
		if err != nil {
			return
		}
		if !from.Before(to) || to.Sub(from) > MaxDashboardRange {
			t.Fatalf("%q: accepted [%v, %v)", raw, from, to)
		}
	})
}

func FuzzDeliveriesQuery(f *testing.F) {
	f.Add("status=pending&limit=10")
	f.Add("limit=-1")
	f.Add("status=failed&status=failed")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		status, limit, err := deliveriesQuery(q)
		if err != nil {
			return
		}
		if limit < 1 || limit > MaxDeliveries || (status != "" && status != protocol.DeliveryPending && status != protocol.DeliveryDelivered && status != protocol.DeliveryFailed) {
			t.Fatalf("%q: accepted %q %d", raw, status, limit)
		}
	})
}
