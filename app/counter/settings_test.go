package counter

import (
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/store"
)

func TestSettingsStartAsDefaultsWithoutALogin(t *testing.T) {
	// Even before the first-run set-up: the wizard is drawn in a theme too.
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "new.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := New(t.Context(), db, Options{Clock: clock.NewFake(testStart), PINParams: auth.Fast})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Settings(t.Context())
	if err != nil || got != DefaultSettings() {
		t.Fatalf("fresh database: %+v, %v", got, err)
	}
	want := Settings{Theme: ThemeSystem, IdleLockMinutes: 10, Sound: true, AutoDelivery: true, ReceiptPrint: ReceiptAsk}
	if DefaultSettings() != want {
		t.Fatalf("defaults %+v, want %+v", DefaultSettings(), want)
	}
}

// settingsEvents returns the settings.saved events, oldest first.
func (e *env) settingsEvents() []Event {
	e.t.Helper()
	evs := must[[]Event](e.t)(e.s.EntityEvents(e.ctx, "settings"))
	for _, ev := range evs {
		if ev.Kind != EvSettingsSaved {
			e.t.Fatalf("unexpected %s on the settings entity", ev.Kind)
		}
	}
	return evs
}

func TestSaveSettingsIsForManagersValidatedAndAudited(t *testing.T) {
	e := newEnv(t)
	clerk := e.clerk("Бекзат", RoleClerk)
	manager := e.clerk("Динара", RoleManager)
	dark := Settings{Theme: ThemeDark, LargeText: true, IdleLockMinutes: 0, Sound: false, AutoDelivery: false,
		ReceiptPrint: ReceiptAlways, CellLabels: true}

	expectCode(t, e.s.SaveSettings(e.ctx, clerk, dark), ErrForbidden)
	expectCode(t, e.s.SaveSettings(e.ctx, nil, dark), ErrForbidden)
	for _, bad := range []Settings{
		{Theme: "blue", IdleLockMinutes: 10, ReceiptPrint: ReceiptAsk},
		{Theme: "Dark", IdleLockMinutes: 10, ReceiptPrint: ReceiptAsk},
		{Theme: ThemeLight, IdleLockMinutes: -1, ReceiptPrint: ReceiptAsk},
		{Theme: ThemeLight, IdleLockMinutes: MaxIdleLockMinutes + 1, ReceiptPrint: ReceiptAsk},
		{Theme: ThemeLight, IdleLockMinutes: 10, ReceiptPrint: "sometimes"},
	} {
		expectCode(t, e.s.SaveSettings(e.ctx, manager, bad), ErrInvalid)
	}
	if got := must[Settings](t)(e.s.Settings(e.ctx)); got != DefaultSettings() || len(e.settingsEvents()) != 0 {
		t.Fatalf("refused saves changed something: %+v, %d events", got, len(e.settingsEvents()))
	}

	if err := e.s.SaveSettings(e.ctx, manager, dark); err != nil {
		t.Fatal(err)
	}
	if got := must[Settings](t)(e.s.Settings(e.ctx)); got != dark {
		t.Fatalf("saved %+v, read back %+v", dark, got)
	}
	e.clock.Advance(time.Minute)
	light := Settings{Theme: ThemeLight, IdleLockMinutes: MaxIdleLockMinutes, Sound: true, AutoDelivery: true, ReceiptPrint: ReceiptNever}
	if err := e.s.SaveSettings(e.ctx, e.owner, light); err != nil {
		t.Fatal(err)
	}

	// The log says who changed what, from what.
	evs := e.settingsEvents()
	if len(evs) != 2 {
		t.Fatalf("%d settings events, want 2", len(evs))
	}
	var body struct{ From, To Settings }
	if err := json.Unmarshal(evs[1].Payload, &body); err != nil {
		t.Fatal(err)
	}
	if evs[0].ClerkID != manager.ClerkID() || evs[1].ClerkID != e.owner.ClerkID() || body.From != dark || body.To != light {
		t.Fatalf("events: %+v / %+v, payload %+v", evs[0], evs[1], body)
	}

	// They are the point's, not the process's: another service on the
	// same database (the app after a restart) reads them.
	again, err := New(e.ctx, e.db, Options{Clock: e.clock, PINParams: auth.Fast})
	if err != nil {
		t.Fatal(err)
	}
	if got := must[Settings](t)(again.Settings(e.ctx)); got != light {
		t.Fatalf("after a restart: %+v", got)
	}
}

func TestSettingsFromAnOlderOrDamagedRow(t *testing.T) {
	e := newEnv(t)
	put := func(raw string) {
		if _, err := e.db.W.Exec(`INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, settingsKey, raw); err != nil {
			t.Fatal(err)
		}
	}
	// An older build saved fewer fields: the missing ones are defaults.
	put(`{"theme":"dark"}`)
	want := DefaultSettings()
	want.Theme = ThemeDark
	if got := must[Settings](t)(e.s.Settings(e.ctx)); got != want {
		t.Fatalf("older row: %+v, want %+v", got, want)
	}
	// A newer build's theme, an impossible idle time: defaults for those.
	put(`{"theme":"sepia","idle_lock_minutes":9999,"large_text":true}`)
	want = DefaultSettings()
	want.LargeText = true
	if got := must[Settings](t)(e.s.Settings(e.ctx)); got != want {
		t.Fatalf("unusable values: %+v, want %+v", got, want)
	}
	// A damaged row: the app still starts (defaults), the error is there
	// to log, and saving repairs it.
	put(`{"theme":`)
	got, err := e.s.Settings(e.ctx)
	if err == nil || got != DefaultSettings() {
		t.Fatalf("damaged row: %+v, %v", got, err)
	}
	if err := e.s.SaveSettings(e.ctx, e.owner, DefaultSettings()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Settings(e.ctx); err != nil {
		t.Fatalf("after saving: %v", err)
	}
}

func TestPointLanguageIsValidatedAndManagersMayChangeIt(t *testing.T) {
	e := newEnv(t)
	manager := e.clerk("Динара", RoleManager)
	clerk := e.clerk("Бекзат", RoleClerk)
	before := must[Point](t)(e.s.PointProfile(e.ctx))
	if before.Language != "ru" {
		t.Fatalf("set-up without a language: %q, want ru", before.Language)
	}

	// The owner's profile form: the language must be one the app speaks.
	for _, bad := range []string{"", "de", "kk", "sr-Latn"} {
		p := before
		p.Language = bad
		expectCode(t, e.s.SavePointProfile(e.ctx, e.owner, p), ErrInvalid)
	}
	p := before
	p.Language = " KY "
	if err := e.s.SavePointProfile(e.ctx, e.owner, p); err != nil {
		t.Fatal(err)
	}
	if got := must[Point](t)(e.s.PointProfile(e.ctx)); got.Language != "ky" {
		t.Fatalf("owner saved ky, profile says %q", got.Language)
	}
	// The rest of the profile stays the owner's.
	expectCode(t, e.s.SavePointProfile(e.ctx, manager, p), ErrForbidden)

	// A manager switches the language alone.
	expectCode(t, e.s.SetLanguage(e.ctx, clerk, "en"), ErrForbidden)
	expectCode(t, e.s.SetLanguage(e.ctx, manager, "de"), ErrInvalid)
	if err := e.s.SetLanguage(e.ctx, manager, "en"); err != nil {
		t.Fatal(err)
	}
	after := must[Point](t)(e.s.PointProfile(e.ctx))
	want := before
	want.Language = "en"
	if after != want {
		t.Fatalf("after SetLanguage: %+v, want %+v", after, want)
	}
	if err := e.s.SetLanguage(e.ctx, e.owner, "sr"); err != nil {
		t.Fatal(err)
	}
	evs := must[[]Event](t)(e.s.EntityEvents(e.ctx, "point"))
	last := evs[len(evs)-1]
	var logged Point
	if err := json.Unmarshal(last.Payload, &logged); err != nil {
		t.Fatal(err)
	}
	if last.Kind != EvPointSetup || last.ClerkID != e.owner.ClerkID() || logged.Language != "sr" || logged.Name != before.Name {
		t.Fatalf("last point event %+v, payload %+v", last, logged)
	}
}

func TestSetupRefusesAnUnknownLanguage(t *testing.T) {
	db, err := store.Open(t.Context(), filepath.Join(t.TempDir(), "new.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := New(t.Context(), db, Options{Clock: clock.NewFake(testStart), PINParams: auth.Fast})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Setup(t.Context(), SetupRequest{Point: Point{Name: "ПВЗ", Country: "KG", Language: "fr"}, OwnerName: "Айгуль", OwnerPIN: "4821"})
	expectCode(t, err, ErrInvalid)
	if done := must[bool](t)(s.IsSetUp(t.Context())); done {
		t.Fatal("a refused set-up was recorded")
	}
	if _, err := s.Setup(t.Context(), SetupRequest{Point: Point{Name: "ПВЗ", Country: "RS", Language: "sr"}, OwnerName: "Ana", OwnerPIN: "4821"}); err != nil {
		t.Fatal(err)
	}
}

// The device set-up is this PC's: managers save it, clerks may not, and
// it is kept as given.
func TestDeviceSettingsAreForManagers(t *testing.T) {
	e := newEnv(t)
	clerk := e.clerk("Бекзат", RoleClerk)
	cfg := `{"printers":[{"id":"receipt","transport":{"kind":"tcp","address":"192.168.1.50:9100"}}]}`
	expectCode(t, e.s.SaveDeviceSettings(e.ctx, clerk, cfg), ErrForbidden)
	expectCode(t, e.s.SaveDeviceSettings(e.ctx, e.owner, `{"printers":[`), ErrInvalid)
	if got := must[string](t)(e.s.DeviceSettings(e.ctx)); got != "" {
		t.Fatalf("refused saves stored %q", got)
	}
	if err := e.s.SaveDeviceSettings(e.ctx, e.owner, cfg); err != nil {
		t.Fatal(err)
	}
	if got := must[string](t)(e.s.DeviceSettings(e.ctx)); got != cfg {
		t.Fatalf("read back %q", got)
	}
}
