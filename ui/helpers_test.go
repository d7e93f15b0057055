package ui

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/loyalty"
	"smartpoint/app/scan"
	"smartpoint/app/store"
	"smartpoint/device/sound"
)

// testStart is the service clock's start: a Monday morning at the point.
var testStart = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

const ownerPIN = "4827"

// env is a counter window on a real SQLite file, driven like a person
// and a scanner would: keys go to whatever has focus, as in the driver.
type env struct {
	t     testing.TB
	ctx   context.Context
	u     *UI
	svc   *counter.Service
	db    *store.DB
	clock *clock.Fake // the service's clock (deadlines, overdue)
	keyAt time.Time   // the keyboard's clock (scan timing)
	snd   *sound.Recorder
	deps  Deps             // extra dependencies (printers) set by options before start
	loy   *loyalty.Service // withLoyalty
}

// newEnv opens a set-up point (owner Айгуль, PIN 4827, racks A–B) and
// shows the login screen.
func newEnv(t testing.TB, opts ...func(*env)) *env {
	t.Helper()
	e := newBareEnv(t)
	if _, err := e.svc.Setup(e.ctx, counter.SetupRequest{
		Point:     counter.Point{Name: "ПВЗ Ала-Тоо", Country: "KG", Currency: "KGS", Address: "Бишкек, Чуй 1", Language: "ru"},
		OwnerName: "Айгуль", OwnerPIN: ownerPIN,
		Layout: &counter.Layout{Racks: "A-B", Shelves: 2, Cells: 5, Size: "M", Capacity: 3, ShelfSizes: []string{"L"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, o := range opts {
		o(e)
	}
	e.start()
	return e
}

// newBareEnv opens an empty database; start() shows the wizard.
func newBareEnv(t testing.TB) *env {
	t.Helper()
	test.NewTempApp(t)
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "counter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := clock.NewFake(testStart)
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, svc: svc, db: db, clock: c, keyAt: testStart, snd: &sound.Recorder{}}
}

func (e *env) start() {
	d := e.deps
	d.Svc, d.Lang, d.Sound, d.Now = e.svc, i18n.RU, e.snd, func() time.Time { return e.keyAt }
	e.u = New(fyne.CurrentApp(), d)
	// Fyne's test driver runs fyne.Do on the calling goroutine, so work
	// left in the background would race the test's own key presses: in
	// tests it runs at once, in order.
	e.u.spawn = func(f func()) { f() }
	w := e.u.Window()
	w.Resize(fyne.NewSize(1366, 768))
	e.t.Cleanup(w.Close)
}

// loggedIn returns an env with the owner logged in and the shift open.
func loggedIn(t testing.TB, opts ...func(*env)) *env {
	t.Helper()
	e := newEnv(t, opts...)
	e.typeSlow(ownerPIN)
	e.press(fyne.KeyReturn)
	if e.u.shell == nil {
		t.Fatalf("login failed: %q", e.u.login.msg.Text)
	}
	e.press(fyne.KeyReturn) // "Open the shift?" — yes
	if e.u.sess.ShiftID() == 0 {
		t.Fatal("shift not opened from the login dialog")
	}
	return e
}

// focused is what receives keys now, nil for the bare canvas.
func (e *env) focused() fyne.Focusable { return e.u.Window().Canvas().Focused() }

func (e *env) typeRune(r rune) {
	if f := e.focused(); f != nil {
		f.TypedRune(r)
		return
	}
	if h := e.u.Window().Canvas().OnTypedRune(); h != nil {
		h(r)
	}
}

func (e *env) typeKey(n fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: n}
	if f := e.focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := e.u.Window().Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// scan types code as a keyboard-wedge scanner does: 5 ms per key, Enter.
func (e *env) scan(code string) {
	e.t.Helper()
	e.keyAt = e.keyAt.Add(2 * time.Second)
	for _, r := range code {
		e.keyAt = e.keyAt.Add(5 * time.Millisecond)
		e.typeRune(r)
	}
	e.keyAt = e.keyAt.Add(5 * time.Millisecond)
	e.typeKey(fyne.KeyReturn)
}

// typeSlow types like a person: 200 ms per key.
func (e *env) typeSlow(text string) {
	for _, r := range text {
		e.keyAt = e.keyAt.Add(200 * time.Millisecond)
		e.typeRune(r)
	}
}

// press is a person pressing a key after looking at the screen.
func (e *env) press(n fyne.KeyName) {
	e.keyAt = e.keyAt.Add(time.Second)
	e.typeKey(n)
}

// importCSV loads a kgpost manifest; rows are "track;name;phone;size;cod;pickup code".
func (e *env) importCSV(rows ...string) counter.ImportResult {
	e.t.Helper()
	csv := "Трек;Получатель;Телефон;Размер;К оплате;Код выдачи\n" + strings.Join(rows, "\n") + "\n"
	sess, err := e.svc.Login(e.ctx, "Айгуль", ownerPIN)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := e.svc.ImportManifest(e.ctx, sess, strings.NewReader(csv), counter.ImportOptions{Partner: "kgpost", Filename: "test.csv"})
	if err != nil {
		e.t.Fatalf("import: %v", err)
	}
	return res
}

// s10 is a valid kgpost track with serial n.
func s10(n int) string { return scan.S10("RA", n, "KG") }

// stockParcels imports and accepts parcels for one customer (pickup code
// 12345678*4321, phone +996555000111) with the given COD in soms.
func (e *env) stockParcels(first int, cod ...int) []string {
	e.t.Helper()
	var rows, tracks []string
	for i, c := range cod {
		tr := s10(first + i)
		tracks = append(tracks, tr)
		rows = append(rows, tr+";Жылдыз;0555 000 111;S;"+strconv.Itoa(c)+";12345678*4321")
	}
	e.importCSV(rows...)
	sess, err := e.svc.Login(e.ctx, "Айгуль", ownerPIN)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, tr := range tracks {
		if _, err := e.svc.Accept(e.ctx, sess, 0, tr, counter.AcceptOptions{}); err != nil {
			e.t.Fatal(err)
		}
	}
	return tracks
}

// parcel reads a parcel's committed state.
func (e *env) parcel(track string) counter.Parcel {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, "Айгуль", ownerPIN)
	if err != nil {
		e.t.Fatal(err)
	}
	res, err := e.svc.Search(e.ctx, sess, track, 2)
	if err != nil || len(res.Parcels) != 1 {
		e.t.Fatalf("search %s: %v %+v", track, err, res)
	}
	return res.Parcels[0]
}

// lastTone is the last sound played.
func (e *env) lastTone() sound.Tone {
	ts := e.snd.Tones()
	if len(ts) == 0 {
		e.t.Fatal("no sound was played")
	}
	return ts[len(ts)-1]
}

// bannerSays fails unless the banner shows want in its number, headline or detail.
func (e *env) bannerSays(b *banner, want string) {
	e.t.Helper()
	all := b.big.Text + " | " + b.title.Text + " | " + b.detail.Text
	if !strings.Contains(all, want) {
		e.t.Fatalf("banner shows %q, want %q in it", all, want)
	}
}

func (e *env) screen(id string) screen { return e.u.shell.screens[id] }
