package inbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/manifest"
)

// exceptionData is an exception.raised change (protocol.ExceptionData).
type exceptionData struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`
	Entity   string          `json:"entity"`
	Points   []string        `json:"points"`
	RaisedAt time.Time       `json:"raised_at"`
	Detail   json.RawMessage `json:"detail,omitempty"`
}

// exception keeps an exception for the window's list (once: the cloud
// may send it again after a restore).
func (a *Applier) exception(tx counter.Tx, ch change) (outcome, error) {
	var x exceptionData
	if err := json.Unmarshal(ch.data, &x); err != nil {
		return ignored, badData("exception: %v", err)
	}
	if x.ID == "" || x.Kind == "" {
		return ignored, badData("exception without id or kind")
	}
	if x.RaisedAt.IsZero() {
		x.RaisedAt = ch.at
	}
	detail := "{}"
	if len(x.Detail) > 0 && json.Valid(x.Detail) {
		detail = string(x.Detail)
	}
	res, err := tx.Exec(`INSERT INTO cloud_exceptions(id, kind, entity, detail, raised_at, received_at)
		VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
		x.ID, x.Kind, x.Entity, detail, x.RaisedAt.UnixMilli(), tx.Now().UnixMilli())
	if err != nil {
		return ignored, fmt.Errorf("exception %s: %w", x.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ignored, nil
	}
	return exceptionNew, nil
}

// manifestData is a manifest.published change (protocol.ManifestData).
type manifestData struct {
	Partner    string `json:"partner"`
	ManifestID string `json:"manifest_id"`
	Version    int64  `json:"version"`
	Parcels    []struct {
		Track          string `json:"track"`
		RecipientName  string `json:"recipient_name"`
		RecipientPhone string `json:"recipient_phone"`
		Size           string `json:"size"`
		COD            int64  `json:"cod"` // minor units
		PickupCode     string `json:"pickup_code"`
	} `json:"parcels"`
}

// manifest imports a partner's manifest as the counter imports a file:
// the same checks, the same idempotency (a version seen before changes
// nothing; a new one updates the parcels not yet arrived).
func (a *Applier) manifest(ctx context.Context, tx counter.Tx, ch change) (outcome, error) {
	var m manifestData
	if err := json.Unmarshal(ch.data, &m); err != nil {
		return ignored, badData("manifest: %v", err)
	}
	if m.Partner == "" || m.ManifestID == "" {
		return ignored, badData("manifest without partner or id")
	}
	type row struct {
		Track          string `json:"track"`
		RecipientName  string `json:"recipient_name,omitempty"`
		RecipientPhone string `json:"recipient_phone,omitempty"`
		Size           string `json:"size,omitempty"`
		CODMinor       int64  `json:"cod_minor,omitempty"`
		PickupCode     string `json:"pickup_code,omitempty"`
	}
	doc := struct {
		Manifest string `json:"manifest"`
		Partner  string `json:"partner"`
		Parcels  []row  `json:"parcels"`
	}{Manifest: m.ManifestID, Partner: m.Partner, Parcels: make([]row, 0, len(m.Parcels))}
	for _, p := range m.Parcels {
		doc.Parcels = append(doc.Parcels, row{Track: p.Track, RecipientName: p.RecipientName, RecipientPhone: p.RecipientPhone,
			Size: p.Size, CODMinor: p.COD, PickupCode: p.PickupCode})
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return ignored, badData("manifest: %v", err)
	}
	res, err := tx.ImportManifest(ctx, bytes.NewReader(body), counter.ImportOptions{Partner: strings.ToLower(m.Partner),
		Filename: fmt.Sprintf("cloud:%s:v%d", m.ManifestID, m.Version), Format: manifest.FormatJSON})
	if err != nil {
		return ignored, err
	}
	if res.AlreadyImported {
		return ignored, errRollback
	}
	return entered, nil
}

// withdrawn takes back a manifest the partner moved to another point.
func (a *Applier) withdrawn(tx counter.Tx, ch change) (outcome, error) {
	var m manifestData
	if err := json.Unmarshal(ch.data, &m); err != nil {
		return ignored, badData("manifest: %v", err)
	}
	if m.Partner == "" || m.ManifestID == "" {
		return ignored, badData("manifest without partner or id")
	}
	if _, err := tx.WithdrawManifest(m.Partner, m.ManifestID); err != nil {
		return ignored, err
	}
	return entered, nil
}

// settingsData is a settings.pushed change (protocol.SettingsPushed).
type settingsData struct {
	Version  int64           `json:"version"`
	Settings json.RawMessage `json:"settings"`
}

func (a *Applier) settings(tx counter.Tx, ch change) (outcome, error) {
	var s settingsData
	if err := json.Unmarshal(ch.data, &s); err != nil {
		return ignored, badData("settings: %v", err)
	}
	if s.Version <= 0 || len(s.Settings) == 0 {
		return ignored, badData("settings without a version")
	}
	changed, err := tx.ApplyPushedSettings(s.Version, s.Settings)
	if err != nil || !changed {
		return ignored, err
	}
	return settingsNew, nil
}

// subscriptionKey is the meta row holding the owner's plan as last sent.
const subscriptionKey = "cloud.subscription"

// Subscription is the owner's plan as the cloud operator set it.
type Subscription struct {
	Plan      string    `json:"plan"`
	Status    string    `json:"status"` // active, grace or suspended
	PaidUntil time.Time `json:"paid_until"`
}

// Subscription statuses (the protocol's).
const (
	SubscriptionActive    = "active"
	SubscriptionGrace     = "grace"
	SubscriptionSuspended = "suspended"
)

func (a *Applier) subscription(tx counter.Tx, ch change) (outcome, error) {
	var s Subscription
	if err := json.Unmarshal(ch.data, &s); err != nil {
		return ignored, badData("subscription: %v", err)
	}
	switch s.Status {
	case SubscriptionActive, SubscriptionGrace, SubscriptionSuspended:
	default:
		return ignored, badData("subscription status %q", s.Status)
	}
	body, err := json.Marshal(s)
	if err != nil {
		return ignored, badData("subscription: %v", err)
	}
	if _, err := tx.Exec(`INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		subscriptionKey, string(body)); err != nil {
		return ignored, fmt.Errorf("subscription: %w", err)
	}
	return entered, nil
}
