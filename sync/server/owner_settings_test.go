package server

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// The owner's pushes to the points and the overdrawn exception end to
// end: real HTTP on loopback, on every real store (SQLite, and PostgreSQL
// under scripts/pgtest.sh).

// eachOwnerSettingsStore runs test on the stores that keep settings and
// subscriptions (the real ones).
func eachOwnerSettingsStore(t *testing.T, test func(t *testing.T, e *env, is store.Integrations, os store.OwnerSettings)) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		os, ok := st.(store.OwnerSettings)
		if !ok {
			t.Skip("no owner settings in this store")
		}
		test(t, newEnv(t, st, nil), is, os)
	})
}

func settingsPath(pointID string) string {
	return strings.Replace(protocol.PathOwnerPointSettings, "{point_id}", pointID, 1)
}

// dataOf decodes a change's data as a generic value: what a counter reads.
func dataOf(t *testing.T, c protocol.Change) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(c.Data, &v); err != nil {
		t.Fatalf("change %d: data %s: %v", c.Seq, c.Data, err)
	}
	return v
}

func jsonValue(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOwnerPushesSettingsThePointPulls(t *testing.T) {
	eachOwnerSettingsStore(t, func(t *testing.T, e *env, is store.Integrations, _ store.OwnerSettings) {
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint(a.OwnerID, "B", "dev-b")
		owner := e.key(is, store.KeyOwner, a.OwnerID, "", "owner")

		var got protocol.SettingsResponse
		if r := e.call(http.MethodGet, settingsPath(a.ID), owner, nil, &got); r.status != http.StatusOK || got.Version != 0 ||
			!got.Settings.Empty() || !strings.Contains(string(r.body), `"settings":{}`) {
			t.Fatalf("before any push: %d %s", r.status, r.body)
		}
		var first protocol.SettingsResponse
		if r := e.call(http.MethodPut, settingsPath(a.ID), owner, `{"settings":{"theme":"dark","sound":false}}`, &first); r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		if first.Version != 1 || first.PointID != a.ID || *first.Settings.Theme != "dark" || *first.Settings.Sound || !first.PushedAt.Equal(e.clock.Now()) {
			t.Fatalf("push answer %+v", first)
		}
		if r := e.call(http.MethodPut, settingsPath(a.ID), owner, `{"settings":{"idle_lock_minutes":0,"receipt_print":"always"}}`, &got); r.status != http.StatusOK || got.Version != 2 {
			t.Fatalf("second push: %d %s", r.status, r.body)
		}
		// The point pulls each push, as given, with its version.
		cs := e.pullAll(a, protocol.StreamPoint)
		if len(cs) != 2 {
			t.Fatalf("point a pulled %v", changeKinds(cs))
		}
		for i, want := range []string{
			`{"version":1,"settings":{"theme":"dark","sound":false}}`,
			`{"version":2,"settings":{"idle_lock_minutes":0,"receipt_print":"always"}}`,
		} {
			if c := cs[i]; c.Kind != protocol.KindSettingsPushed || c.Entity != "point:"+a.ID || c.Origin != "owner" ||
				!reflect.DeepEqual(dataOf(t, c), jsonValue(t, want)) {
				t.Fatalf("change %d: %s %s %s %s, want data %s", i, c.Kind, c.Entity, c.Origin, c.Data, want)
			}
		}
		if cs := e.pullAll(b, protocol.StreamPoint); len(cs) != 0 {
			t.Fatalf("point b pulled %v", changeKinds(cs))
		}
		if r := e.call(http.MethodGet, settingsPath(a.ID), owner, nil, &got); r.status != http.StatusOK || got.Version != 2 ||
			!reflect.DeepEqual(jsonValue(t, string(mustJSON(got.Settings))), jsonValue(t, `{"idle_lock_minutes":0,"receipt_print":"always"}`)) {
			t.Fatalf("GET after two pushes: %d %s", r.status, r.body)
		}

		// What the counter could not take is 400, with what is wrong.
		for body, says := range map[string]string{
			`{"settings":{"volume":3}}`:                 "volume",
			`{"settings":{"theme":"blue"}}`:             "theme",
			`{"settings":{"idle_lock_minutes":300}}`:    "idle_lock_minutes",
			`{"settings":{"receipt_print":null}}`:       "receipt_print",
			`{"settings":{"sound":"off"}}`:              "sound",
			`{"settings":{}}`:                           "at least one",
			`{"settings":{"sound":true},"version":3}`:   "version",
			`{"settings":{"cell_labels":true}} trailer`: "",
		} {
			r := e.call(http.MethodPut, settingsPath(a.ID), owner, body, nil)
			wantError(t, r, http.StatusBadRequest, protocol.ErrBadRequest)
			if !strings.Contains(r.err.Message, says) {
				t.Errorf("%s: message %q does not say %q", body, r.err.Message, says)
			}
		}
		wantError(t, e.call(http.MethodPut, settingsPath(a.ID)+"?force=1", owner, `{"settings":{"sound":true}}`, nil), http.StatusBadRequest, protocol.ErrBadRequest)
		wantError(t, e.call(http.MethodPut, settingsPath(strings.Repeat("p", 65)), owner, `{"settings":{"sound":true}}`, nil), http.StatusBadRequest, protocol.ErrBadRequest)

		// Tenants: another owner's token reaches none of a's settings (as
		// if there were no such point); a point's token, a CRM key: no.
		x := e.registeredPoint("", "X", "dev-x")
		theirs := e.key(is, store.KeyOwner, x.OwnerID, "", "their owner")
		wantError(t, e.call(http.MethodPut, settingsPath(a.ID), theirs, `{"settings":{"sound":true}}`, nil), http.StatusNotFound, protocol.ErrNotFound)
		wantError(t, e.call(http.MethodGet, settingsPath(a.ID), theirs, nil, nil), http.StatusNotFound, protocol.ErrNotFound)
		wantError(t, e.call(http.MethodPut, settingsPath("NOSUCHPOINT"), owner, `{"settings":{"sound":true}}`, nil), http.StatusNotFound, protocol.ErrNotFound)
		wantError(t, e.call(http.MethodPut, settingsPath(a.ID), e.key(is, store.KeyCRM, a.OwnerID, "", "crm"), `{"settings":{"sound":true}}`, nil),
			http.StatusForbidden, protocol.ErrForbidden)
		wantError(t, e.call(http.MethodPut, settingsPath(a.ID), a.tokens.AccessToken, `{"settings":{"sound":true}}`, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
		wantError(t, e.call(http.MethodPut, settingsPath(a.ID), "", `{"settings":{"sound":true}}`, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
		r := e.call(http.MethodDelete, settingsPath(a.ID), owner, nil, nil)
		if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, PUT" {
			t.Fatalf("DELETE: %d Allow %q", r.status, r.header.Get("Allow"))
		}
		// Nothing refused was pushed.
		if cs := e.pullAll(a, protocol.StreamPoint); len(cs) != 2 {
			t.Fatalf("after the refusals point a has %v", changeKinds(cs))
		}
		if cs := e.pullAll(x, protocol.StreamPoint); len(cs) != 0 {
			t.Fatalf("point x pulled %v", changeKinds(cs))
		}
		e.hs.Close()
		if logs := e.logs.String(); !strings.Contains(logs, `"msg":"settings pushed"`) || !strings.Contains(logs, `"version":2`) {
			t.Errorf("no log line for the pushes:\n%s", logs)
		}
	})
}

func TestSubscriptionReachesEveryPointAndTheOwner(t *testing.T) {
	eachOwnerSettingsStore(t, func(t *testing.T, e *env, is store.Integrations, os store.OwnerSettings) {
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint(a.OwnerID, "B", "dev-b")
		x := e.registeredPoint("", "X", "dev-x")
		owner := e.key(is, store.KeyOwner, a.OwnerID, "", "owner")
		wantError(t, e.call(http.MethodGet, protocol.PathOwnerSubscription, owner, nil, nil), http.StatusNotFound, protocol.ErrNotFound)

		// The operator sets the plan (smartpoint-cloud plan set).
		paid := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
		set := func(status string) {
			t.Helper()
			if err := os.SetSubscription(context.Background(), a.OwnerID, protocol.Subscription{Plan: "business", Status: status, PaidUntil: paid}, e.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		set(protocol.SubscriptionActive)
		want := `{"plan":"business","status":"active","paid_until":"2026-12-31T00:00:00Z"}`
		var sub protocol.Subscription
		if r := e.call(http.MethodGet, protocol.PathOwnerSubscription, owner, nil, &sub); r.status != http.StatusOK ||
			!reflect.DeepEqual(jsonValue(t, string(r.body)), jsonValue(t, want)) {
			t.Fatalf("GET subscription: %d %s, want %s", r.status, r.body, want)
		}
		// A point registered later gets it on its first pull.
		c := e.registeredPoint(a.OwnerID, "C", "dev-c")
		for _, p := range []registered{a, b, c} {
			cs := e.pullAll(p, protocol.StreamPoint)
			if len(cs) != 1 || cs[0].Kind != protocol.KindSubscriptionChanged || cs[0].Entity != "owner:"+a.OwnerID ||
				!reflect.DeepEqual(dataOf(t, cs[0]), jsonValue(t, want)) {
				t.Fatalf("point %s pulled %v (%s)", p.Name, changeKinds(cs), func() string {
					if len(cs) > 0 {
						return string(cs[0].Data)
					}
					return ""
				}())
			}
		}
		if cs := e.pullAll(x, protocol.StreamPoint); len(cs) != 0 {
			t.Fatalf("another owner's point pulled %v", changeKinds(cs))
		}
		wantError(t, e.call(http.MethodGet, protocol.PathOwnerSubscription, e.key(is, store.KeyOwner, x.OwnerID, "", "x"), nil, nil),
			http.StatusNotFound, protocol.ErrNotFound)
		wantError(t, e.call(http.MethodGet, protocol.PathOwnerSubscription+"?owner="+x.OwnerID, owner, nil, nil), http.StatusBadRequest, protocol.ErrBadRequest)
		wantError(t, e.call(http.MethodGet, protocol.PathOwnerSubscription, a.tokens.AccessToken, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)

		// Suspended: the counter is told, and sync goes on as before.
		set(protocol.SubscriptionSuspended)
		e.pushOK(a, withPayload(event("st", 1, "loyalty.stamp_earned", "card:c1"), map[string]any{"card": "c1", "amount": 1}))
		if cs := e.pullAll(b, protocol.StreamOwner); len(cs) != 1 {
			t.Fatalf("point b pulled %v from the owner's stream", changeKinds(cs))
		}
		cs := e.pullAll(a, protocol.StreamPoint)
		if len(cs) != 2 || dataOf(t, cs[1]).(map[string]any)["status"] != "suspended" {
			t.Fatalf("point a pulled %v", changeKinds(cs))
		}
		if r := e.call(http.MethodGet, protocol.PathOwnerSubscription, owner, nil, &sub); r.status != http.StatusOK || sub.Status != protocol.SubscriptionSuspended {
			t.Fatalf("GET subscription: %d %s", r.status, r.body)
		}
	})
}

// Two points redeem the same stamps offline: the second push is applied
// with the warning, both points pull the exception, the owner's
// dashboard counts it; a payload with invalid UTF-8 fails nothing.
func TestOverdrawnCardOverHTTP(t *testing.T) {
	eachIntegrationStore(t, func(t *testing.T, st store.Store, is store.Integrations) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint(a.OwnerID, "B", "dev-b")
		e.pushOK(a, withPayload(event("earn", 1, "loyalty.stamp_earned", "card:c1"), map[string]any{"card": "c1", "amount": 3}),
			withPayload(event("rd-a", 2, "loyalty.reward_redeemed", "card:c1"), map[string]any{"card": "c1", "amount": 3}))
		// B's redemption, with a reward name the counter mangled: the
		// payload is not valid UTF-8 (JSON lets it through).
		body := strings.Replace(string(mustJSON(b.push("i1", withPayload(event("rd-b", 1, "loyalty.reward_redeemed", "card:c1"),
			map[string]any{"card": "c1", "amount": 3, "reward": "COFFEE"})))), "COFFEE", "CO\xffEE", 1)
		var res protocol.PushResponse
		if r := e.call(http.MethodPost, protocol.PathPush, b.tokens.AccessToken, body, &res); r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		if len(res.Results) != 1 || res.Results[0].Status != protocol.StatusApplied || !slices.Equal(res.Results[0].Warnings, []string{protocol.WarnOverdrawn}) {
			t.Fatalf("results %+v", res.Results)
		}
		for _, p := range []registered{a, b} {
			cs := e.pullAll(p, protocol.StreamPoint)
			if len(cs) != 1 || cs[0].Kind != protocol.KindExceptionRaised || cs[0].Entity != "card:c1" {
				t.Fatalf("point %s pulled %v", p.Name, changeKinds(cs))
			}
			var x protocol.ExceptionData
			var d protocol.OverdrawnDetail
			if err := json.Unmarshal(cs[0].Data, &x); err != nil || json.Unmarshal(x.Detail, &d) != nil {
				t.Fatalf("exception %s: %v", cs[0].Data, err)
			}
			if x.Kind != protocol.WarnOverdrawn || !slices.Equal(x.Points, []string{a.ID, b.ID}) || !slices.Equal(x.Events, []string{"rd-a", "rd-b"}) ||
				d != (protocol.OverdrawnDetail{Card: "c1", Balance: -3, Deficit: 3, Point: b.ID, Event: "rd-b", Kind: "loyalty.reward_redeemed", Amount: 3}) {
				t.Fatalf("exception %+v, detail %+v", x, d)
			}
		}
		// A pulls B's redemption from the owner's stream, as valid text.
		var got bool
		for _, c := range e.pullAll(a, protocol.StreamOwner) {
			if c.Kind == "loyalty.reward_redeemed" && strings.Contains(string(c.Data), `"reward":"CO`+"\uFFFD"+`EE"`) {
				got = true
			}
		}
		if !got {
			t.Fatal("point a did not pull b's redemption")
		}
		var d protocol.Dashboard
		if r := e.call(http.MethodGet, protocol.PathOwnerDashboard+"?from=2026-03-01&to=2026-03-02", e.key(is, store.KeyOwner, a.OwnerID, "", "owner"), nil, &d); r.status != http.StatusOK {
			t.Fatalf("dashboard: %d %s", r.status, r.body)
		}
		if d.Totals.ExceptionsRaised != 2 { // one exception, counted at each of its two points
			t.Fatalf("dashboard %+v", d.Totals)
		}
	})
}
