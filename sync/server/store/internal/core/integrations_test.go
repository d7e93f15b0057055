package core

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"smartpoint/sync/protocol"
)

// A payload is the counter's own JSON, applied as long as it is an
// object: whatever it holds, the webhook mapping neither panics nor sends
// a broken body.
func FuzzWebhookFor(f *testing.F) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, kind := range WebhookKinds {
		f.Add(kind, "card:1", []byte(`{"card":"c1","amount":2,"balance":3,"partner":"cdek","track":"T1"}`))
	}
	f.Add("loyalty.stamp_earned", "card:1", []byte(`{"amount":"2"}`))
	f.Add("loyalty.points_earned", "card:1", []byte(`{"amount":1e400}`))
	f.Add("parcel.issued", "parcel:cdek", []byte(`{"partner":7}`))
	f.Add("loyalty.reward_redeemed", "card:1", []byte(`{"card":"\u0000","amount":-1}`))
	f.Add("parcel.accepted", "parcel:x:1", []byte("{\"cell\":\"\xff\"}"))
	f.Fuzz(func(t *testing.T, kind, entity string, payload []byte) {
		for _, point := range []string{"P1", ""} {
			typ, data, ok := WebhookFor(point, kind, entity, payload, at)
			if !ok {
				continue
			}
			var obj map[string]json.RawMessage
			if typ == "" || json.Unmarshal(data, &obj) != nil || !utf8.Valid(data) {
				t.Fatalf("%s %s: webhook %q with data %s", kind, payload, typ, data)
			}
			if _, err := json.Marshal(protocol.WebhookEvent{ID: "e", Type: typ, CreatedAt: at, Data: data}); err != nil {
				t.Fatalf("the body does not encode: %v", err)
			}
		}
	})
}

func TestWebhookForMapsTheLoyaltyEventsOfDocGo(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		kind, payload, want string
	}{
		{"loyalty.customer_created", `{"customer":"u1","masked_phone":"+7 *** 22","consent_at":"2026-01-01T00:00:00Z","consent_clerk_id":3}`,
			`{"consent_at":"2026-01-01T00:00:00Z","customer":"u1","masked_phone":"+7 *** 22","origin":"point","point_id":"P1"}`},
		{"loyalty.card_issued", `{"card":"c1","code":"X","customer":"u1","programme":"p","reason":"enrol"}`,
			`{"card":"c1","code":"X","customer":"u1","origin":"point","point_id":"P1","programme":"p","reason":"enrol"}`},
		{"loyalty.points_earned", `{"card":"c1","amount":5,"detail":{"base":5},"key":"handover:1"}`,
			`{"amount":5,"card":"c1","origin":"point","point_id":"P1","unit":"points"}`},
		{"loyalty.stamp_earned", `{"card":"c1","amount":0}`, ``},
		{"loyalty.reward_earned", `{"card":"c1","rewards":1,"rewards_available":1,"reward":"coffee"}`,
			`{"card":"c1","origin":"point","point_id":"P1","reward":"coffee","rewards":1,"rewards_available":1}`},
		{"loyalty.reward_redeemed", `{"card":"c1","amount":6,"balance":0,"lots":[{"lot":"l","amount":6}],"approved_by":2}`,
			`{"amount":6,"balance":0,"card":"c1","origin":"point","point_id":"P1"}`},
		{"loyalty.adjusted", `{"card":"c1","amount":6}`, ``},
		{"parcel.accepted", `[1]`, ``},
	} {
		_, data, ok := WebhookFor("P1", tc.kind, "card:c1", []byte(tc.payload), at)
		if got := string(data); ok != (tc.want != "") || got != tc.want {
			t.Errorf("%s: %v %s\nwant %s", tc.kind, ok, got, tc.want)
		}
	}
}
