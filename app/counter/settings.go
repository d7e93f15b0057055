package counter

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"smartpoint/app/errs"
)

// Settings are the point's preferences for the desktop app. They live in
// the database, so every clerk at the point sees the same app, and a
// restored backup brings them back.
type Settings struct {
	Theme           string `json:"theme"`             // ThemeLight, ThemeDark or ThemeSystem ("")
	LargeText       bool   `json:"large_text"`        // bigger type for the counter screens
	IdleLockMinutes int    `json:"idle_lock_minutes"` // lock the window after this long untouched; 0 = never
	Sound           bool   `json:"sound"`             // beep on scans
	AutoDelivery    bool   `json:"auto_delivery"`     // acceptance detects the partner from the first scan
	ReceiptPrint    string `json:"receipt_print"`     // ReceiptAsk, ReceiptAlways or ReceiptNever after an issue
	CellLabels      bool   `json:"cell_labels"`       // print a cell label for each parcel accepted
}

// When the issue receipt prints.
const (
	ReceiptAsk    = "ask"    // the clerk presses Print (or F-key) on the result
	ReceiptAlways = "always" // every issue
	ReceiptNever  = "never"
)

// ReceiptModes lists the accepted Settings.ReceiptPrint values.
var ReceiptModes = []string{ReceiptAsk, ReceiptAlways, ReceiptNever}

// Themes; the empty one follows the operating system.
const (
	ThemeSystem = ""
	ThemeLight  = "light"
	ThemeDark   = "dark"
)

// Themes lists the accepted Theme values.
var Themes = []string{ThemeSystem, ThemeLight, ThemeDark}

// MaxIdleLockMinutes bounds Settings.IdleLockMinutes (4 hours).
const MaxIdleLockMinutes = 240

// settingsKey is the meta row holding the Settings as JSON.
const settingsKey = "app.settings"

// DefaultSettings are what a new point starts with.
func DefaultSettings() Settings {
	return Settings{Theme: ThemeSystem, IdleLockMinutes: 10, Sound: true, AutoDelivery: true, ReceiptPrint: ReceiptAsk}
}

// validate reports the first setting out of range.
func (v Settings) validate() error {
	if !slices.Contains(Themes, v.Theme) {
		return errs.New(ErrInvalid, "Field", "theme", "Value", v.Theme)
	}
	if v.IdleLockMinutes < 0 || v.IdleLockMinutes > MaxIdleLockMinutes {
		return errs.New(ErrInvalid, "Field", "idle_lock_minutes", "Value", fmt.Sprint(v.IdleLockMinutes))
	}
	if !slices.Contains(ReceiptModes, v.ReceiptPrint) {
		return errs.New(ErrInvalid, "Field", "receipt_print", "Value", v.ReceiptPrint)
	}
	return nil
}

// Settings reads the point's settings. It needs no session: the login
// screen is drawn in the point's theme. Nothing saved yet gives
// DefaultSettings; so does a field a later save left out. A stored value
// this build cannot use (a damaged row, a theme it does not know) reads as
// the default, with an error only for an unreadable row, so the app can
// always start.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	raw, err := s.setting(ctx, settingsKey)
	if err != nil || raw == "" {
		return DefaultSettings(), err
	}
	return decodeSettings(raw)
}

func decodeSettings(raw string) (Settings, error) {
	v := DefaultSettings()
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return DefaultSettings(), fmt.Errorf("settings: %w", err)
	}
	def := DefaultSettings()
	if !slices.Contains(Themes, v.Theme) {
		v.Theme = def.Theme
	}
	if v.IdleLockMinutes < 0 || v.IdleLockMinutes > MaxIdleLockMinutes {
		v.IdleLockMinutes = def.IdleLockMinutes
	}
	if !slices.Contains(ReceiptModes, v.ReceiptPrint) {
		v.ReceiptPrint = def.ReceiptPrint
	}
	return v, nil
}

// SaveSettings replaces the point's settings (manager or owner). The
// change is recorded in the log with the values before and after.
func (s *Service) SaveSettings(ctx context.Context, sess *Session, v Settings) error {
	if err := sess.require(RoleManager); err != nil {
		return err
	}
	if err := v.validate(); err != nil {
		return err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return s.tx(ctx, sess, func(t *txn) error {
		before := DefaultSettings()
		var raw string
		if err := t.QueryRow(`SELECT coalesce((SELECT value FROM meta WHERE key = ?), '')`, settingsKey).Scan(&raw); err != nil {
			return fmt.Errorf("settings: %w", err)
		}
		if raw != "" {
			before, _ = decodeSettings(raw) // a damaged row is replaced
		}
		if err := t.setSetting(settingsKey, string(body)); err != nil {
			return err
		}
		return t.emit(EvSettingsSaved, "settings", map[string]any{"from": before, "to": v})
	})
}

// SetLanguage changes the point's language: the app's and the printed
// documents' (manager or owner; the rest of the profile is the owner's,
// see SavePointProfile). lang is ru, ky, sr or en.
func (s *Service) SetLanguage(ctx context.Context, sess *Session, lang string) error {
	if err := sess.require(RoleManager); err != nil {
		return err
	}
	want := Point{Language: lang}
	if err := validLanguage(&want); err != nil {
		return err
	}
	return s.tx(ctx, sess, func(t *txn) error {
		p, err := readPoint(ctx, t.Tx)
		if err != nil {
			return err
		}
		p.Language = want.Language
		if err := t.setSetting("point.language", p.Language); err != nil {
			return err
		}
		return t.emit(EvPointSetup, "point", p)
	})
}

// devicesKey is the meta row holding this counter PC's device set-up
// (scanners, printers) as JSON. Its shape belongs to the app's wiring
// (cmd), which knows the device packages; the core only keeps it.
const devicesKey = "app.devices"

// DeviceSettings reads the device set-up; "" when none was saved.
func (s *Service) DeviceSettings(ctx context.Context) (string, error) {
	return s.setting(ctx, devicesKey)
}

// SaveDeviceSettings replaces the device set-up (manager or owner). It is
// local to this PC: not an event, not synced.
func (s *Service) SaveDeviceSettings(ctx context.Context, sess *Session, raw string) error {
	if err := sess.require(RoleManager); err != nil {
		return err
	}
	if !json.Valid([]byte(raw)) {
		return errs.New(ErrInvalid, "Field", "devices", "Value", "")
	}
	return s.tx(ctx, sess, func(t *txn) error { return t.setSetting(devicesKey, raw) })
}
