package ui

import (
	"context"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/inbox"
	"smartpoint/sync/client"
	"smartpoint/sync/client/clienttest"
	"smartpoint/sync/protocol"
)

// cloudRig is the cloud as production wires it, but for one hop: the
// real sync client on the env's database, running in the background and
// talking HTTP on loopback to the protocol test server (clienttest). Its
// status changes reach the window only when the test pumps them, on the
// test's goroutine: Fyne's test driver runs fyne.Do where it is called,
// so a callback from the client's goroutine would race the test's own
// key presses. (The production adapter, cmd/internal/cloud, imports ui,
// so it cannot be used here; it is tested there against the same server.)
type cloudRig struct {
	t        testing.TB
	srv      *clienttest.Server
	c        *client.Client
	deviceID string
	changed  chan struct{} // the client reported a change not pumped yet

	mu   sync.Mutex
	subs map[int]func()
	next int
}

// withCloud gives the window the cloud; the supervisor's own timers never
// fire, so rounds run on commits and on Sync now only, and a failed
// round's next try is 10 minutes later.
func withCloud(out **cloudRig) func(*env) {
	return func(e *env) {
		r := &cloudRig{t: e.t, srv: clienttest.New(e.clock), changed: make(chan struct{}, 1), subs: map[int]func(){}}
		e.t.Cleanup(r.srv.Close)
		r.c = client.New(e.svc, client.Options{Retries: -1, BackoffMin: 10 * time.Minute, BackoffMax: 10 * time.Minute,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Apply: inbox.New(e.svc, nil, nil).Hook,
			After: func(time.Duration) <-chan time.Time { return make(chan time.Time) }})
		if err := e.db.R.QueryRow(`SELECT value FROM sync_state WHERE key = 'device_id'`).Scan(&r.deviceID); err != nil {
			e.t.Fatal(err)
		}
		ch, unsubscribe := r.c.Subscribe()
		quit := make(chan struct{})
		go func() {
			for {
				select {
				case <-ch:
					select {
					case r.changed <- struct{}{}:
					default:
					}
				case <-quit:
					return
				}
			}
		}()
		r.c.Start(e.ctx)
		e.t.Cleanup(func() {
			r.c.Stop()
			unsubscribe()
			close(quit)
		})
		e.deps.Cloud = r
		*out = r
	}
}

func (r *cloudRig) Status() CloudStatus {
	st := r.c.Status()
	code := errs.CodeOf(st.LastError)
	return CloudStatus{Registered: st.Registered, PointID: st.PointID, PointName: st.PointName, DeviceID: r.deviceID,
		ServerURL: st.ServerURL, Online: st.Online, Syncing: st.Syncing, Waiting: st.Waiting, Rejected: st.Rejected,
		LastSync: st.LastSync, LastError: st.LastError, NextTry: st.NextTry, ClockSkew: st.ClockSkew,
		Unreachable: code == client.ErrOffline || code == client.ErrServer || code == client.ErrBusy,
		NeedsCode:   code == client.ErrUnauthorized}
}

func (r *cloudRig) Subscribe(fn func()) func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	id := r.next
	r.next++
	r.subs[id] = fn
	return func() { r.mu.Lock(); delete(r.subs, id); r.mu.Unlock() }
}

func (r *cloudRig) Register(ctx context.Context, sess *counter.Session, url, code, name string) error {
	return r.c.RegisterAs(ctx, sess, url, code, name)
}

func (r *cloudRig) SyncNow() { r.c.Kick() }

func (r *cloudRig) Problems(limit int) []CloudProblem {
	ps, err := r.c.Problems(context.Background(), limit)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []CloudProblem
	for _, p := range ps {
		out = append(out, CloudProblem{At: p.At, Kind: p.Kind, Entity: p.Entity, Code: p.Code, Message: p.Message})
	}
	return out
}

// pump hands the subscribers the change, on the test's goroutine.
func (r *cloudRig) pump() {
	r.mu.Lock()
	var fns []func()
	for _, f := range r.subs {
		fns = append(fns, f)
	}
	r.mu.Unlock()
	for _, f := range fns {
		f()
	}
}

// cloudUntil pumps the client's reports into the window until what the
// window holds satisfies ok.
func (e *env) cloudUntil(r *cloudRig, what string, ok func(CloudStatus) bool) CloudStatus {
	e.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		r.pump()
		if st := e.u.cloud.st; ok(st) {
			return st
		}
		select {
		case <-r.changed:
		case <-deadline:
			e.t.Fatalf("the window never showed a status where %s; it shows %+v", what, e.u.cloud.st)
		}
	}
}

func synced(st CloudStatus) bool { return st.Online && !st.Syncing && st.Waiting == 0 }

// cloudPage opens Settings → Cloud.
func (e *env) cloudPage() *cloudPage {
	e.t.Helper()
	s := e.settings()
	if s.cloudTab == nil {
		e.t.Fatal("no Cloud section in Settings")
	}
	s.tabs.Select(s.cloudTab)
	return s.cloud
}

// pageText is what a person sees on the page.
func pageText(p *cloudPage) string { return strings.Join(loyTexts(p.obj), "\n") }

// barText is the status bar's cloud part.
func (e *env) barText() string { return e.u.shell.status.sync.Text }

// registerCloud fills the form with a new point's code and presses F9.
func (e *env) registerCloud(r *cloudRig, p *cloudPage, name string) (pointID string) {
	e.t.Helper()
	pointID, code := r.srv.AddPoint("owner-1", name)
	p.url.SetText(r.srv.URL)
	p.code.SetText(code)
	e.press(keySettingsSave)
	e.bannerSays(p.s.banner, "Пункт подключён к облаку")
	return pointID
}

// The owner registers the point with the code from the cloud: the form
// makes way for the point and its sync, which goes through at once, and
// the status bar says so.
func TestCloudRegisterShowsPointAndStatus(t *testing.T) {
	var r *cloudRig
	e := loggedIn(t, withCloud(&r))
	if got := e.barText(); got != "Облако: не подключено" {
		t.Fatalf("status bar before registration: %q", got)
	}
	p := e.cloudPage()
	if !p.formBox.Visible() || p.statusBox.Visible() {
		t.Fatal("an unregistered point must show the registration form only")
	}
	if host, _ := os.Hostname(); host == "" || p.dev.Text != host {
		t.Fatalf("device name %q, want the computer's name %q", p.dev.Text, host)
	}
	pointID := e.registerCloud(r, p, "ПВЗ Ала-Тоо · облако")
	if !strings.Contains(p.result.Text, "ПВЗ Ала-Тоо · облако") || !strings.Contains(p.result.Text, pointID) {
		t.Fatalf("result %q: want the point's name and id", p.result.Text)
	}
	if p.code.Text != "" {
		t.Fatal("the used code stays in the form")
	}
	e.cloudUntil(r, "the first sync went through", synced)
	text := pageText(p)
	for _, want := range []string{"ПВЗ Ала-Тоо · облако (" + pointID + ")", r.srv.URL, r.deviceID, "в сети",
		"Ждут отправки: 0; отклонено облаком: 0", "09:00", "F9 Синхронизировать сейчас", "Облако не отклонило ни одного события."} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q; it shows:\n%s", want, text)
		}
	}
	if p.formBox.Visible() || !p.statusBox.Visible() {
		t.Fatal("a registered point shows the form")
	}
	if got := e.barText(); got != "Облако: в сети · 09:00" {
		t.Fatalf("status bar %q", got)
	}
	if len(r.srv.Applied()) == 0 {
		t.Fatal("the cloud got none of the point's events")
	}
}

// A wrong code, an unreachable server, a missing code: each is said in
// words, the cursor goes where the fix is, and nothing is stored.
func TestCloudRegisterRefusals(t *testing.T) {
	var r *cloudRig
	e := loggedIn(t, withCloud(&r))
	p := e.cloudPage()
	p.url.SetText(r.srv.URL)
	p.code.SetText("")
	e.press(keySettingsSave)
	e.bannerSays(p.s.banner, "Введите код активации")
	if n := r.srv.Requests(protocol.PathRegister); n != 0 {
		t.Fatalf("an empty code went to the server (%d requests)", n)
	}

	p.code.SetText("ABCD-1234")
	e.press(keySettingsSave)
	e.bannerSays(p.s.banner, "Пункт не подключён к облаку")
	e.bannerSays(p.s.banner, "Код активации не подошёл")
	if !strings.Contains(p.result.Text, "Код активации не подошёл") || p.result.Importance != widget.DangerImportance {
		t.Fatalf("under the form: %q", p.result.Text)
	}
	if e.focused() != p.code {
		t.Fatal("the cursor is not in the code field")
	}

	down := clienttest.New(nil)
	down.Close()
	p.url.SetText(down.URL)
	e.press(keySettingsSave)
	e.bannerSays(p.s.banner, "Нет связи с облаком")

	e.cloudUntil(r, "the window took the last report", func(CloudStatus) bool { return true })
	fresh := client.New(e.svc, client.Options{}).Status() // what the database holds
	if fresh.Registered || fresh.PointID != "" || e.u.cloud.st.Registered {
		t.Fatalf("a refused registration was stored: %+v", fresh)
	}
	if !p.formBox.Visible() || e.barText() != "Облако: не подключено" {
		t.Fatalf("after refusals: form shown %v, bar %q", p.formBox.Visible(), e.barText())
	}
}

// The status bar follows the rounds: the server fails, work goes on and
// piles up ("нет связи, повтор в …", the warning colour once it waited
// more than an hour), the server comes back, F9 syncs: nothing waits and
// the time of the sync shows.
func TestCloudStatusBarFollowsRounds(t *testing.T) {
	var r *cloudRig
	e := loggedIn(t, withCloud(&r))
	p := e.cloudPage()
	e.registerCloud(r, p, "ПВЗ Ала-Тоо")
	e.cloudUntil(r, "synced", synced)

	r.srv.FailNext("", 1000, http.StatusServiceUnavailable, "")
	e.clock.Advance(30 * time.Minute) // 09:30
	e.importCSV(s10(1) + ";Жылдыз;0555 000 111;S;0;12345678*4321")
	st := e.cloudUntil(r, "the failed round", func(st CloudStatus) bool {
		return st.LastError != nil && !st.Syncing && st.Waiting > 0 && !st.NextTry.IsZero()
	})
	waiting := e.u.p.N("cloud.bar.waiting", int(st.Waiting))
	if got, want := e.barText(), "Облако: нет связи, повтор в 09:40 · "+waiting; got != want {
		t.Fatalf("status bar %q, want %q", got, want)
	}
	if imp := e.u.shell.status.sync.Importance; imp != widget.MediumImportance {
		t.Fatalf("half an hour offline is shown in importance %v, want the plain colour", imp)
	}
	text := pageText(p)
	for _, want := range []string{"нет связи", "09:40", "Облачный сервер сейчас не работает"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q; it shows:\n%s", want, text)
		}
	}

	e.clock.Advance(time.Hour) // 10:30: the events waited an hour and a half
	e.importCSV(s10(2) + ";Жылдыз;0555 000 111;S;0;12345678*4321")
	e.cloudUntil(r, "the new events counted", func(s CloudStatus) bool { return s.Waiting > st.Waiting })
	if imp := e.u.shell.status.sync.Importance; imp != widget.WarningImportance {
		t.Fatalf("offline with events waiting since 09:00 at 10:30: importance %v, want the warning colour", imp)
	}

	r.srv.ClearFaults()
	e.press(keySettingsSave) // Sync now
	e.bannerSays(p.s.banner, "Синхронизация запущена")
	e.cloudUntil(r, "synced again", synced)
	if got := e.barText(); got != "Облако: в сети · 10:30" {
		t.Fatalf("status bar %q", got)
	}
	if imp := e.u.shell.status.sync.Importance; imp != widget.MediumImportance {
		t.Fatalf("synced, importance %v", imp)
	}
	if got := p.last.Text; got != "10:30" {
		t.Fatalf("last sync on the page %q", got)
	}
}

// An event the cloud refuses is listed on the page, with what it was and
// why, and the status bar counts it in the warning colour.
func TestCloudProblemsListed(t *testing.T) {
	var r *cloudRig
	e := loggedIn(t, withCloud(&r))
	p := e.cloudPage()
	e.registerCloud(r, p, "ПВЗ Ала-Тоо")
	e.cloudUntil(r, "synced", synced)
	r.srv.SetReject(func(ev protocol.Event) (string, string) {
		if ev.Kind == "parcel.accepted" {
			return "parcel_elsewhere", "Посылка уже принята в другом пункте"
		}
		return "", ""
	})
	tr := e.stockParcels(7, 0)[0]
	e.cloudUntil(r, "the refusal arrived", func(st CloudStatus) bool { return synced(st) && st.Rejected == 1 })
	text := pageText(p)
	for _, want := range []string{"Принята на хранение", tr, "Посылка уже принята в другом пункте", "parcel_elsewhere",
		"отклонено облаком: 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q; it shows:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Облако не отклонило ни одного события.") {
		t.Error("the page still says nothing was refused")
	}
	if got := e.barText(); got != "Облако: в сети · отклонено 1 · 09:00" {
		t.Fatalf("status bar %q", got)
	}
	if imp := e.u.shell.status.sync.Importance; imp != widget.WarningImportance {
		t.Fatalf("a refused event shows in importance %v", imp)
	}
}

// A clerk sees the form read-only and cannot register even with F9.
func TestCloudClerkCannotRegister(t *testing.T) {
	var r *cloudRig
	e := loggedIn(t, withCloud(&r))
	if _, err := e.svc.CreateClerk(e.ctx, e.ownerSession(), "Бакыт", counter.RoleClerk, "5831"); err != nil {
		t.Fatal(err)
	}
	e.loginAs("Бакыт", "5831")
	p := e.cloudPage()
	for name, d := range map[string]fyne.Disableable{"url": p.url, "code": p.code, "device": p.dev, "register": p.registerB} {
		if !d.Disabled() {
			t.Errorf("%s is editable for a clerk", name)
		}
	}
	_, code := r.srv.AddPoint("owner-1", "ПВЗ")
	p.url.SetText(r.srv.URL)
	p.code.SetText(code)
	e.press(keySettingsSave)
	e.bannerSays(p.s.banner, "Недостаточно прав")
	if n := r.srv.Requests(protocol.PathRegister); n != 0 || r.c.Status().Registered {
		t.Fatalf("a clerk registered the point (%d requests)", n)
	}
}

// Without the cloud the window has no Cloud section and the bar says the
// point is not connected.
func TestCloudAbsent(t *testing.T) {
	e := loggedIn(t)
	if s := e.settings(); s.cloudTab != nil || s.cloud != nil {
		t.Fatal("a Cloud section without the cloud")
	}
	if got := e.barText(); got != "Облако: не подключено" {
		t.Fatalf("status bar %q", got)
	}
}

// At 1366×768 the page (registered, with refused events and a clock far
// off) fits: it scrolls down rather than widening Settings, and the status
// bar with the longest cloud text stays narrow. CLOUD_SCREENSHOT=path
// saves the picture.
func TestCloudPageLayout(t *testing.T) {
	var r *cloudRig
	e := loggedIn(t, withCloud(&r))
	p := e.cloudPage()
	pointID := e.registerCloud(r, p, "ПВЗ Ала-Тоо, Бишкек, проспект Чуй 1 — касса у входа")
	e.cloudUntil(r, "synced", synced)
	// A long conflict and the plan in its grace period: they wrap, never widen.
	r.srv.Publish(pointID, protocol.KindExceptionRaised, "parcel:wildberries:WB-4567890123456789", protocol.ExceptionData{
		ID: "x1", Kind: protocol.WarnLocationConflict, Entity: "parcel:wildberries:WB-4567890123456789",
		Points: []string{pointID, "other"}, RaisedAt: e.clock.Now()})
	r.srv.Publish(pointID, protocol.KindSubscriptionChanged, "owner:owner-1", protocol.Subscription{Plan: "Бизнес",
		Status: protocol.SubscriptionGrace, PaidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)})
	r.SyncNow()
	e.cloudUntil(r, "the conflict arrived", func(st CloudStatus) bool { return synced(st) && e.u.cloud.sum.OpenExceptions == 1 })
	r.srv.SetReject(func(ev protocol.Event) (string, string) {
		if ev.Kind == "parcel.accepted" {
			return "parcel_elsewhere", "Посылка уже принята в другом пункте: пусть владелец разберётся с партнёром"
		}
		return "", ""
	})
	e.stockParcels(7, 0, 0)
	e.cloudUntil(r, "refused", func(st CloudStatus) bool { return synced(st) && st.Rejected == 2 })
	e.u.cloud.st.ClockSkew = 17 * time.Minute // as a hello would report it
	p.refresh()
	if !p.skew.Visible() || !strings.Contains(p.skew.Text, "17 мин") {
		t.Fatalf("clock warning %q (shown %v)", p.skew.Text, p.skew.Visible())
	}

	w := e.u.Window()
	w.Content().Refresh()
	// The page itself: well under the width Settings has for a section
	// (the section list takes ~220 pixels of 1366).
	if got := p.obj.MinSize().Width; got >= 1200-220 {
		t.Errorf("the Cloud section needs %v pixels of width", got)
	}
	if got := e.u.shell.status.obj.MinSize().Width; got >= 1200 {
		t.Errorf("the status bar needs %v pixels of width", got)
	}
	if got := w.Canvas().Size(); got.Width != 1366 {
		t.Errorf("the window is %v wide, want 1366", got.Width)
	}
	img := w.Canvas().Capture()
	if out := os.Getenv("CLOUD_SCREENSHOT"); out != "" {
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if out := os.Getenv("CLOUD_SCREENSHOT_PROBLEMS"); out != "" {
		p.obj.(*container.Scroll).ScrollToBottom()
		f, err := os.Create(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, w.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	// Settings is no wider with the Cloud section than without it (its
	// width is the widest section's).
	width := p.s.view().MinSize().Width
	if base := loggedIn(t).settings().view().MinSize().Width; width > base {
		t.Errorf("the Cloud section widens Settings from %v to %v pixels", base, width)
	}
}

// What the cloud sends comes to the window: a conflict about one of the
// point's parcels shows in the status bar and on the page until a
// manager marks it seen; the plan in its grace period is said; the
// owner's pushed theme applies at once.
func TestCloudExceptionsPlanAndPushedSettings(t *testing.T) {
	var r *cloudRig
	e := loggedIn(t, withCloud(&r))
	p := e.cloudPage()
	pointID := e.registerCloud(r, p, "ПВЗ Ала-Тоо")
	e.cloudUntil(r, "synced", synced)
	r.srv.Publish(pointID, protocol.KindExceptionRaised, "parcel:ozon:II0000000001", protocol.ExceptionData{ID: "x1",
		Kind: protocol.WarnLocationConflict, Entity: "parcel:ozon:II0000000001", Points: []string{pointID, "other"},
		RaisedAt: e.clock.Now()})
	r.srv.Publish(pointID, protocol.KindSubscriptionChanged, "owner:owner-1", protocol.Subscription{Plan: "Старт",
		Status: protocol.SubscriptionGrace, PaidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)})
	theme := counter.ThemeDark
	r.srv.Publish(pointID, protocol.KindSettingsPushed, "point:"+pointID, protocol.SettingsPushed{Version: 1,
		Settings: protocol.PointSettings{Theme: &theme}})
	r.SyncNow()
	e.cloudUntil(r, "the conflict arrived", func(st CloudStatus) bool { return synced(st) && e.u.cloud.sum.OpenExceptions == 1 })
	if bar := e.barText(); !strings.Contains(bar, "конфликтов: 1") {
		t.Errorf("status bar %q lacks the conflict", bar)
	}
	if imp := e.u.shell.status.sync.Importance; imp != widget.WarningImportance {
		t.Fatalf("a conflict shows in importance %v", imp)
	}
	text := pageText(p)
	for _, want := range []string{"посылка принята и в другом пункте", "parcel:ozon:II0000000001",
		"Старт: льготный период, оплачен до 31.12.2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page lacks %q; it shows:\n%s", want, text)
		}
	}
	if e.u.settings.Theme != counter.ThemeDark {
		t.Fatalf("the pushed theme did not apply: %+v", e.u.settings)
	}
	test.Tap(findButton(t, p.exceptions, "Просмотрено"))
	e.bannerSays(p.s.banner, "Конфликт отмечен как просмотренный")
	// With nothing else to say, the bar says the plan is in its grace period.
	if bar := e.barText(); strings.Contains(bar, "конфликтов") || !strings.Contains(bar, "тариф: льготный период") ||
		!strings.Contains(pageText(p), "Открытых конфликтов нет.") {
		t.Fatalf("after marking seen: bar %q, page:\n%s", bar, pageText(p))
	}
}
