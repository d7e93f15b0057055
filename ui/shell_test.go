package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"smartpoint/app/counter"
	"smartpoint/device/sound"
)

func TestLoginWithKeyboardOpensShift(t *testing.T) {
	e := newEnv(t)
	if e.u.login == nil || e.focused() != e.u.login.pin {
		t.Fatal("the login screen must show with the PIN field focused")
	}
	e.typeSlow("0000")
	e.press(fyne.KeyReturn)
	if e.u.shell != nil || e.u.login.msg.Text == "" {
		t.Fatal("a wrong PIN must keep the login screen and say why")
	}
	e.typeSlow(ownerPIN)
	e.press(fyne.KeyReturn)
	if e.u.shell == nil {
		t.Fatalf("login refused: %s", e.u.login.msg.Text)
	}
	if e.u.modal == nil {
		t.Fatal("after login without a shift the window must offer to open one")
	}
	e.press(fyne.KeyReturn)
	if e.u.sess.ShiftID() == 0 {
		t.Fatal("Enter on the offer did not open the shift")
	}
	if got := e.u.shell.status.shift.Text; got == "" || got == e.u.T("bar.shift_none") {
		t.Fatalf("status bar shift = %q", got)
	}
}

func TestScanAtCounterOpensCustomerAndIssueCommits(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0, 1500)

	e.scan("12345678*4321")
	if e.u.shell.current != "issue" {
		t.Fatalf("a pickup code must open Issue, on %q", e.u.shell.current)
	}
	is := e.screen("issue").(*issueScreen)
	if len(is.rows) != 2 {
		t.Fatalf("rows = %d, want the customer's 2 parcels", len(is.rows))
	}
	e.bannerSays(is.banner, is.rows[0].p.Cell)

	e.scan(tr[0])
	e.bannerSays(is.banner, "Подтверждена")
	if e.lastTone() != sound.Success {
		t.Fatalf("confirm sound %v", e.lastTone())
	}
	e.scan(tr[1])
	e.press(keyIssue)
	if e.u.modal == nil {
		t.Fatal("1500 due: the payment dialog must open")
	}
	e.press(fyne.KeyReturn) // cash, amount prefilled
	for _, track := range tr {
		if p := e.parcel(track); p.Status != counter.StatusIssued {
			t.Fatalf("%s status %s after issue", track, p.Status)
		}
	}
	e.bannerSays(is.banner, "Выдано 2")
}

func TestWrongParcelDuringIssueIsRefusedWithErrorSound(t *testing.T) {
	e := loggedIn(t)
	e.stockParcels(10, 0)
	other := s10(99)
	e.importCSV(other + ";Бакыт;0700 111 222;S;0;87654321*1111")
	e.scan("12345678*4321")
	e.scan(other)
	is := e.screen("issue").(*issueScreen)
	if is.rows[0].scanned != "" {
		t.Fatal("another customer's parcel confirmed this one")
	}
	if e.lastTone() != sound.Error {
		t.Fatalf("sound %v, want error", e.lastTone())
	}
}

// A scanner's Enter must not answer a dialog; the scan waits and is
// handled when the clerk closes the dialog.
func TestScanDuringDialogIsQueuedNotAnswer(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0)
	e.u.alert(toneError, "Проверка", "Сообщение, которое нужно прочитать")
	m := e.u.modal
	e.scan("12345678*4321")
	if e.u.modal != m {
		t.Fatal("the scanner's Enter dismissed the dialog")
	}
	if len(e.u.router.queue) != 1 || !m.queued.Visible() {
		t.Fatalf("queue %v: the waiting scan must be counted on the dialog", e.u.router.queue)
	}
	e.press(fyne.KeyReturn)
	if e.u.modal != nil {
		t.Fatal("a person's Enter must close the dialog")
	}
	if e.u.shell.current != "issue" || len(e.screen("issue").(*issueScreen).rows) != 1 {
		t.Fatal("the queued scan was not handled after the dialog closed")
	}
	_ = tr
}

// Under a Russian keyboard layout the scanner's Latin letters arrive as
// Cyrillic; the code must still be found.
func TestRussianLayoutScanIsMappedBack(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0)
	ru := map[rune]rune{'R': 'К', 'A': 'Ф', 'K': 'Л', 'G': 'П'}
	typed := []rune(tr[0])
	for i, r := range typed {
		if m, ok := ru[r]; ok {
			typed[i] = m
		}
	}
	e.scan(string(typed))
	c := e.screen("counter").(*counterScreen)
	cell := e.parcel(tr[0]).Cell
	e.bannerSays(c.banner, cell)
	// The recent-scans list names the parcel (in Latin) and its cell.
	if l := c.recent.lines; len(l) != 1 || !strings.Contains(l[0].text, tr[0]) || !strings.HasSuffix(l[0].text, " · "+cell) {
		t.Fatalf("recent scans %+v", l)
	}
	e.scan("QQ123ZZ")
	if l := c.recent.lines; len(l) != 2 || l[0].tone != toneError || strings.HasSuffix(l[0].text, " · ") {
		t.Fatalf("an unknown code must head the list in red: %+v", l)
	}
}

// A scan typed into a form field (here the scan field after a person
// started typing) takes only the burst; the person's text stays.
func TestScanIntoFieldKeepsPersonsText(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0)
	e.typeSlow("Жыл")
	e.scan(tr[0])
	if got := e.u.shell.sink.Text; got != "Жыл" {
		t.Fatalf("field text %q, want the person's %q", got, "Жыл")
	}
	e.bannerSays(e.screen("counter").(*counterScreen).banner, e.parcel(tr[0]).Cell)
}

func TestFKeysSwitchScreens(t *testing.T) {
	e := loggedIn(t)
	for _, d := range screenDefs {
		if d.ctrl {
			continue // Ctrl+L: TestCtrlLOpensLoyalty
		}
		e.press(d.key)
		if e.u.shell.current != d.id {
			t.Fatalf("%s opened %q, want %q", d.key, e.u.shell.current, d.id)
		}
		if e.focused() != e.u.shell.sink {
			t.Fatalf("on %s the scan field lost focus", d.id)
		}
	}
	e.press(fyne.KeyEscape)
	if e.u.shell.current != "counter" {
		t.Fatal("Escape must go back to Counter")
	}
}

func TestIdleLockKeepsShift(t *testing.T) {
	e := loggedIn(t)
	shift := e.u.sess.ShiftID()
	if e.u.checkIdle(e.keyAt.Add(5 * 60e9)) {
		t.Fatal("locked after 5 minutes; the default is 10")
	}
	if !e.u.checkIdle(e.keyAt.Add(11*60e9)) || e.u.login == nil {
		t.Fatal("not locked after 11 idle minutes")
	}
	e.typeSlow(ownerPIN)
	e.press(fyne.KeyReturn)
	if e.u.sess == nil || e.u.sess.ShiftID() != shift {
		t.Fatal("after the idle lock the clerk must come back to the same shift")
	}
}
