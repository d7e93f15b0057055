// Package ui holds the Fyne screens of the counter window. It talks to the
// app services only: never SQL, never device drivers (DESIGN §2).
//
// The window is scan-first: every key press, whatever has focus, passes
// through one wedge decoder (keyboard.go), finished scans go to the router
// (router.go), which hands them to the current screen or queues them while
// a dialog is open or the counter is locked. Screens are built once per
// language and reached by F-keys shown on the navigation bar.
package ui

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/loyalty"
	"smartpoint/app/printing"
	"smartpoint/device/sound"
)

// Deps is what the window needs from cmd/smartpoint.
type Deps struct {
	Svc     *counter.Service
	Catalog *i18n.Catalog // nil: i18n.Default()
	// Lang is used until the point's profile names one (the wizard's first
	// step sets it).
	Lang   i18n.Lang
	Sound  sound.Player // nil: silent
	DBPath string
	// Now is the clock for scan timing and the idle lock; nil: time.Now.
	Now func() time.Time
	// Log receives operational messages; nil: slog.Default().
	Log *slog.Logger
	// Printers and Queue print documents; nil: nothing prints (the
	// documents are still shown on screen).
	Printers Printers
	Queue    *printing.Queue
	// Loyalty is the point's loyalty programme; nil: no loyalty screens
	// and no cards at the counter.
	Loyalty *loyalty.Service
	// Hardware is the device set-up behind Settings → Devices; nil: none.
	// When set it also serves as Printers.
	Hardware Hardware
	// Cloud is the point's cloud sync behind the status bar and
	// Settings → Cloud; nil: no cloud at all.
	Cloud Cloud
	// OnPainted, when set, is called with the time a routed scan's result
	// was handed to the renderer (for the scan-to-paint measurement).
	OnPainted func(raw string, d time.Duration)
}

// UI is the counter window.
type UI struct {
	app fyne.App
	win fyne.Window
	d   Deps
	svc *counter.Service
	loy *loyalty.Service // nil without loyalty
	ctx context.Context
	log *slog.Logger
	p   i18n.Printer
	now func() time.Time

	sess     *counter.Session
	point    counter.Point
	settings counter.Settings

	keys   *keyboard
	router *router
	modal  *modal
	shell  *shell
	login  *loginView
	wizard *wizard // the first-run wizard while it is shown

	lastInput time.Time
	dbState   string // status.db.* key

	// spawn runs slow work (reports, exports, backups) off the UI thread;
	// results come back through fyne.Do.
	spawn func(func())

	devices   []DeviceState // as the wiring last reported them
	lastScan  DeviceScan    // the last serial scan (Settings → Devices test box)
	onDevices func()        // Settings → Devices refreshes itself
	onQueue   func()        // the open print queue dialog refreshes itself
	queueView *printQueueView
	cloud     cloudState // Deps.Cloud's status as last reported
}

// New builds the window (not shown yet): the set-up wizard on a new
// database, the login screen otherwise.
func New(a fyne.App, d Deps) *UI {
	if d.Printers == nil && d.Hardware != nil {
		d.Printers = d.Hardware
	}
	if d.Catalog == nil {
		d.Catalog = i18n.Default()
	}
	if d.Sound == nil {
		d.Sound = sound.Silent()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if !d.Lang.Valid() {
		d.Lang = i18n.RU
	}
	u := &UI{app: a, d: d, svc: d.Svc, loy: d.Loyalty, ctx: context.Background(), log: d.Log, now: d.Now, dbState: "bar.db.ok"}
	u.p = i18n.Printer{C: d.Catalog, L: d.Lang}
	u.spawn = func(f func()) { go f() }
	u.keys = newKeyboard(u)
	u.router = &router{u: u}
	u.win = a.NewWindow("SmartPoint")
	u.win.Resize(fyne.NewSize(1280, 720))
	u.keys.attach(u.win.Canvas())
	u.loadPoint()
	u.watchCloud()
	u.start()
	return u
}

// Window is the counter window.
func (u *UI) Window() fyne.Window { return u.win }

// ShowAndRun shows the window and runs the app until it is closed, with
// the idle-lock ticker and the background database check.
func (u *UI) ShowAndRun() {
	u.win.Show()
	go u.idleTicker()
	go u.checkDatabase()
	u.app.Run()
}

// loadPoint reads the profile and the settings, and applies language and
// theme. Failures leave the defaults (the status bar reports the database).
func (u *UI) loadPoint() {
	if p, err := u.svc.PointProfile(u.ctx); err == nil {
		u.point = p
		if l, ok := i18n.Parse(p.Language); ok {
			u.p.L = l
		}
	}
	st, err := u.svc.Settings(u.ctx)
	if err != nil {
		u.log.Warn("settings unreadable, using defaults", "err", err)
		st = counter.DefaultSettings()
	}
	u.settings = st
	u.applyTheme()
	u.win.SetTitle(u.title())
}

func (u *UI) title() string {
	if u.point.Name == "" {
		return u.p.T("app.title")
	}
	return u.p.T("app.title_point", "Point", u.point.Name)
}

// start shows the wizard or the login screen.
func (u *UI) start() {
	ok, err := u.svc.IsSetUp(u.ctx)
	if err != nil {
		u.log.Error("cannot read the database", "err", err)
	}
	if !ok {
		u.win.SetContent(newWizard(u).content())
		return
	}
	u.showLogin()
}

// rebuild recreates every screen, e.g. after the language changed.
func (u *UI) rebuild() {
	u.loadPoint()
	current := ""
	if u.shell != nil {
		current = u.shell.current
	}
	u.shell = nil
	if u.sess == nil {
		u.showLogin()
		return
	}
	u.enterShell()
	if current != "" {
		u.shell.show(current)
	}
}

// T translates a key for the current language.
func (u *UI) T(key string, kv ...any) string { return u.p.T(key, kv...) }

// Err words an error for the clerk.
func (u *UI) Err(err error) string { return u.p.Err(err) }

func (u *UI) touch() { u.lastInput = u.now() }
