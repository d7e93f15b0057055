package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// What the owner and the cloud operator push to an owner's points: the
// counter's settings (PUT by the owner, per point) and the subscription
// (set by the operator, per owner). Both reach the points as changes on
// their StreamPoint; the overdrawn exception (a card redeemed at two
// points offline) reaches them as exception.raised with OverdrawnDetail.

// Paths of the owner API (owner token). {point_id} is a point of the
// token's owner.
const (
	PathOwnerPointSettings = "/v1/owner/points/{point_id}/settings"
	PathOwnerSubscription  = "/v1/owner/subscription"
)

// Kinds of the changes on a point's stream (StreamPoint) besides the
// manifests.
const (
	KindSettingsPushed      = "settings.pushed"      // Data: SettingsPushed; Entity "point:<point_id>"
	KindSubscriptionChanged = "subscription.changed" // Data: Subscription; Entity "owner:<owner_id>"
	KindExceptionRaised     = "exception.raised"     // Data: ExceptionData
)

// Subscription statuses. None of them stops sync: a suspended counter
// still works and syncs; the status is information for it and the owner.
const (
	SubscriptionActive    = "active"
	SubscriptionGrace     = "grace"
	SubscriptionSuspended = "suspended"
)

// SubscriptionStatuses lists the valid Subscription.Status values.
var SubscriptionStatuses = []string{SubscriptionActive, SubscriptionGrace, SubscriptionSuspended}

// Values the counter's settings take (app/counter/settings.go).
var (
	SettingThemes       = []string{"", "light", "dark"} // "" follows the operating system
	SettingReceiptModes = []string{"ask", "always", "never"}
)

// IdleLockMinutesLimit bounds PointSettings.IdleLockMinutes (4 hours).
const IdleLockMinutesLimit = 240

// PointSettings are counter settings as the owner pushes them: a subset
// of the counter's settings, each field present only when pushed (nil:
// leave the counter's own value). The JSON names are the counter's.
type PointSettings struct {
	Theme           *string `json:"theme,omitempty"` // "", "light" or "dark"
	LargeText       *bool   `json:"large_text,omitempty"`
	IdleLockMinutes *int    `json:"idle_lock_minutes,omitempty"` // 0 (never) to IdleLockMinutesLimit
	Sound           *bool   `json:"sound,omitempty"`
	AutoDelivery    *bool   `json:"auto_delivery,omitempty"`
	ReceiptPrint    *string `json:"receipt_print,omitempty"` // "ask", "always" or "never"
	CellLabels      *bool   `json:"cell_labels,omitempty"`
}

// UnmarshalJSON refuses null for a setting: encoding/json would take it
// as absent, and a push of "theme": null would silently do nothing.
func (s *PointSettings) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	if fields == nil {
		return fmt.Errorf("settings: an object, not null")
	}
	for k, v := range fields {
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return fmt.Errorf("settings.%s: null is not a value (leave the key out to keep the counter's own)", k)
		}
	}
	type plain PointSettings // without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode((*plain)(s))
}

// Empty says no setting is present.
func (s PointSettings) Empty() bool { return s == PointSettings{} }

// Validate checks each present setting against what the counter accepts.
func (s PointSettings) Validate() error {
	if s.Empty() {
		return bad("settings: at least one of theme, large_text, idle_lock_minutes, sound, auto_delivery, receipt_print, cell_labels")
	}
	if s.Theme != nil && !slices.Contains(SettingThemes, *s.Theme) {
		return bad("settings.theme: %q; one of \"\" (the system's), \"light\", \"dark\"", *s.Theme)
	}
	if s.IdleLockMinutes != nil && (*s.IdleLockMinutes < 0 || *s.IdleLockMinutes > IdleLockMinutesLimit) {
		return bad("settings.idle_lock_minutes: %d; 0 (never) to %d", *s.IdleLockMinutes, IdleLockMinutesLimit)
	}
	if s.ReceiptPrint != nil && !slices.Contains(SettingReceiptModes, *s.ReceiptPrint) {
		return bad("settings.receipt_print: %q; one of \"ask\", \"always\", \"never\"", *s.ReceiptPrint)
	}
	return nil
}

// SettingsRequest is PUT /v1/owner/points/{point_id}/settings.
type SettingsRequest struct {
	Settings PointSettings `json:"settings"`
}

// Validate checks a settings push.
func (r *SettingsRequest) Validate() error { return r.Settings.Validate() }

// SettingsResponse is the answer to a settings push and to GET of the
// same path: the point's last push and its version (0 and no settings
// before the first).
type SettingsResponse struct {
	PointID  string        `json:"point_id"`
	Version  int64         `json:"version"`
	Settings PointSettings `json:"settings"`
	PushedAt time.Time     `json:"pushed_at,omitzero"`
}

// SettingsPushed is the Data of a settings.pushed change: the push's
// version (1, 2, … per point: a counter applies a version above the one
// it applied last) and the settings as pushed.
type SettingsPushed struct {
	Version  int64         `json:"version"`
	Settings PointSettings `json:"settings"`
}

// Subscription is an owner's plan as the cloud operator set it: the Data
// of a subscription.changed change and GET /v1/owner/subscription.
// PaidUntil is in UTC (a date set on the command line is its midnight).
type Subscription struct {
	Plan      string    `json:"plan"`
	Status    string    `json:"status"` // active, grace or suspended
	PaidUntil time.Time `json:"paid_until"`
}

// Validate checks a subscription as the operator sets it.
func (s Subscription) Validate() error {
	if err := checkText("plan", s.Plan, MaxIDLength, false); err != nil {
		return err
	}
	if !slices.Contains(SubscriptionStatuses, s.Status) {
		return bad("status: %q; one of active, grace, suspended", s.Status)
	}
	if s.PaidUntil.IsZero() {
		return bad("paid_until: required")
	}
	return nil
}

// ExceptionData is the Data of an exception.raised change on the stream
// of each point involved: a conflict surfaced, not decided.
type ExceptionData struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`   // location_conflict, double_issue, overdrawn, manifest_changed
	Entity   string          `json:"entity"` // parcel:<partner>:<track>, card:<uuid>
	Points   []string        `json:"points"`
	Events   []string        `json:"events"`
	RaisedAt time.Time       `json:"raised_at"`
	Detail   json.RawMessage `json:"detail,omitempty"`
}

// OverdrawnDetail is the Detail of an overdrawn exception: the event
// that took the card's balance (the sum of every movement of the owner's
// points and CRM the server holds) below zero. The exception's Points are
// the points that took from the card (the one that pushed that event
// last), its Events their latest such events. It is raised once per drop
// below zero.
type OverdrawnDetail struct {
	Card          string `json:"card"`           // the card's uuid
	Balance       int64  `json:"balance"`        // after the event: below zero
	Deficit       int64  `json:"deficit"`        // -balance
	BalanceBefore int64  `json:"balance_before"` // before the event
	Point         string `json:"point"`          // the point whose event it was ("" for the CRM)
	Event         string `json:"event"`          // the event
	Kind          string `json:"kind"`           // its kind (loyalty.reward_redeemed …)
	Amount        int64  `json:"amount"`         // what it took, positive
}
