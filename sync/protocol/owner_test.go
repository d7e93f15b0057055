package protocol

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const goodSettings = `{"settings":{"theme":"dark","large_text":false,"idle_lock_minutes":0,"sound":true,"auto_delivery":false,"receipt_print":"never","cell_labels":true}}`

func TestSettingsRequestDecodes(t *testing.T) {
	var r SettingsRequest
	if err := Decode(strings.NewReader(goodSettings), &r); err != nil {
		t.Fatalf("all settings: %v", err)
	}
	s := r.Settings
	if *s.Theme != "dark" || *s.LargeText || *s.IdleLockMinutes != 0 || !*s.Sound || *s.AutoDelivery || *s.ReceiptPrint != "never" || !*s.CellLabels {
		t.Fatalf("decoded %+v", s)
	}
	// A subset: only what is given is present, zero values included, and
	// it encodes back as given (the data of settings.pushed).
	var sub SettingsRequest
	if err := Decode(strings.NewReader(`{"settings":{"theme":"","idle_lock_minutes":0}}`), &sub); err != nil {
		t.Fatalf("a subset: %v", err)
	}
	b, err := json.Marshal(SettingsPushed{Version: 3, Settings: sub.Settings})
	if err != nil || string(b) != `{"version":3,"settings":{"theme":"","idle_lock_minutes":0}}` {
		t.Fatalf("encoded %s, %v", b, err)
	}
}

func TestSettingsRequestRefusals(t *testing.T) {
	for _, body := range []string{
		`{"settings":{}}`,                            // nothing to push
		`{}`,                                         // no settings
		`{"settings":null}`,                          // nor null
		`{"settings":{"theme":null}}`,                // null is no value
		`{"settings":{"theme":"blue"}}`,              // not a theme
		`{"settings":{"theme":"Dark"}}`,              // case matters
		`{"settings":{"receipt_print":"sometimes"}}`, // not a mode
		`{"settings":{"idle_lock_minutes":241}}`,     // over 4 hours
		`{"settings":{"idle_lock_minutes":-1}}`,
		`{"settings":{"idle_lock_minutes":1.5}}`,
		`{"settings":{"idle_lock_minutes":"10"}}`,
		`{"settings":{"sound":"yes"}}`,
		`{"settings":{"sound":1}}`,
		`{"settings":{"volume":3}}`,                   // unknown key
		`{"settings":{"Theme":"dark"}}`,               // other case
		`{"settings":{"sound":true,"sound":false}}`,   // repeated
		`{"settings":{"sound":true},"point_id":"P1"}`, // unknown field
		`{"settings":{"sound":true}}{}`,               // data after the body
		`{"settings":[{"sound":true}]}`,               // not an object
		`{"settings":{"sound":true,"theme":"\u00ff\u0000"}}`,
	} {
		var r SettingsRequest
		err := Decode(strings.NewReader(body), &r)
		if c := code(err); c != ErrBadRequest {
			t.Errorf("%s: %v (code %q), want bad_request", body, err, c)
		}
	}
	// The message says what is wrong.
	var r SettingsRequest
	err := Decode(strings.NewReader(`{"settings":{"idle_lock_minutes":300}}`), &r)
	if err == nil || !strings.Contains(err.Error(), "idle_lock_minutes") || !strings.Contains(err.Error(), "240") {
		t.Fatalf("message %v", err)
	}
}

func TestSubscriptionValidate(t *testing.T) {
	paid := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := (Subscription{Plan: "pro", Status: SubscriptionGrace, PaidUntil: paid}).Validate(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Subscription{{Status: "active", PaidUntil: paid}, {Plan: "pro", Status: "paid", PaidUntil: paid}, {Plan: "pro", Status: "active"},
		{Plan: "p\x00", Status: "active", PaidUntil: paid}, {Plan: strings.Repeat("p", 65), Status: "active", PaidUntil: paid}} {
		if code(s.Validate()) != ErrBadRequest {
			t.Errorf("%+v was taken", s)
		}
	}
}

func FuzzDecodeSettings(f *testing.F) {
	f.Add([]byte(goodSettings))
	f.Add([]byte(`{"settings":{"theme":null}}`))
	f.Add([]byte(`{"settings":{"idle_lock_minutes":240,"IDLE_LOCK_MINUTES":1}}`))
	f.Add([]byte(`{"settings":{"receipt_print":"ask","sound":true,"sound":true}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req SettingsRequest
		if Decode(bytes.NewReader(body), &req) != nil {
			return
		}
		if req.Settings.Empty() || req.Settings.Validate() != nil {
			t.Fatalf("accepted %+v", req.Settings)
		}
		roundTrip(t, &req, &SettingsRequest{})
	})
}
