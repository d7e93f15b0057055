package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/store"
)

// settings opens F8 and returns the screen.
func (e *env) settings() *settingsScreen {
	e.t.Helper()
	e.press(fyne.KeyF8)
	if e.u.shell.current != "settings" {
		e.t.Fatalf("F8 opened %q", e.u.shell.current)
	}
	return e.screen("settings").(*settingsScreen)
}

// dialogSays fails unless the open dialog shows want.
func (e *env) dialogSays(want string) {
	e.t.Helper()
	if e.u.modal == nil {
		e.t.Fatalf("no dialog, want one saying %q", want)
	}
	var all []string
	for _, l := range find[*widget.Label](e.u.modal.pop.Content) {
		all = append(all, l.Text)
	}
	if !strings.Contains(strings.Join(all, " | "), want) {
		e.t.Fatalf("dialog says %q, want %q", all, want)
	}
}

func TestSettingsOwnerChangesPointName(t *testing.T) {
	e := loggedIn(t)
	s := e.settings()
	if s.pName.Text != "ПВЗ Ала-Тоо" {
		t.Fatalf("name field %q", s.pName.Text)
	}
	s.pName.SetText("ПВЗ Ала-Тоо 2")
	e.press(keySettingsSave)
	p, _ := e.svc.PointProfile(e.ctx)
	if p.Name != "ПВЗ Ала-Тоо 2" || p.Address != "Бишкек, Чуй 1" {
		t.Fatalf("profile %+v", p)
	}
	e.bannerSays(s.banner, "Профиль пункта сохранён")
	if !strings.Contains(e.u.win.Title(), "ПВЗ Ала-Тоо 2") {
		t.Fatalf("window title %q", e.u.win.Title())
	}
}

// loginAs locks the counter and logs name in with pin, declining the shift.
func (e *env) loginAs(name, pin string) {
	e.t.Helper()
	e.login(name, pin)
	if e.u.modal != nil {
		e.press(fyne.KeyEscape) // no shift
	}
}

// login locks the counter and logs name in; the shift offer stays open.
func (e *env) login(name, pin string) {
	e.t.Helper()
	e.press(keyLock)
	l := e.u.login
	for i, c := range l.clerks {
		if c.Name == name {
			l.choose(i)
		}
	}
	e.typeSlow(pin)
	e.press(fyne.KeyReturn)
	if e.u.shell == nil || e.u.sess.Name() != name {
		e.t.Fatalf("login as %s failed: %q", name, l.msg.Text)
	}
}

func (e *env) ownerSession() *counter.Session {
	e.t.Helper()
	sess, err := e.svc.Login(e.ctx, "Айгуль", ownerPIN)
	if err != nil {
		e.t.Fatal(err)
	}
	return sess
}

func TestSettingsClerkSeesReadOnlyAndIsRefused(t *testing.T) {
	e := loggedIn(t)
	if _, err := e.svc.CreateClerk(e.ctx, e.ownerSession(), "Бакыт", counter.RoleClerk, "5831"); err != nil {
		t.Fatal(err)
	}
	e.loginAs("Бакыт", "5831")
	s := e.settings()
	if s.clerksTab != nil {
		t.Fatal("a clerk must not get the clerks section")
	}
	for _, it := range s.tabs.Items {
		if it.Text == e.u.T("settings.tab.clerks") {
			t.Fatal("the clerks tab is shown to a clerk")
		}
	}
	if !s.pName.Disabled() || !s.idle.Disabled() || !s.partners[0].storage.Disabled() {
		t.Fatal("a clerk must see the values read-only")
	}
	// Even if a save got through the UI, the service refuses it.
	s.large.Checked = true
	s.saveLook()
	e.dialogSays("Недостаточно прав")
	e.bannerSays(s.banner, "Недостаточно прав")
	if v, _ := e.svc.Settings(e.ctx); v.LargeText {
		t.Fatal("a clerk's settings change was committed")
	}
	e.press(fyne.KeyReturn)
	s.pName.SetText("Чужое имя")
	s.savePoint()
	e.dialogSays("Недостаточно прав")
	if p, _ := e.svc.PointProfile(e.ctx); p.Name != "ПВЗ Ала-Тоо" {
		t.Fatalf("a clerk renamed the point: %q", p.Name)
	}
}

func TestSettingsAddClerkWhoCanLogIn(t *testing.T) {
	e := loggedIn(t)
	s := e.settings()
	s.tabs.Select(s.clerksTab)
	s.cName.SetText("Бакыт")
	s.cPin.SetText("1111")
	s.cPin2.SetText("1111")
	e.press(keySettingsSave)
	e.dialogSays("PIN слишком простой")
	e.press(fyne.KeyReturn)

	s.cPin.SetText("5831")
	s.cPin2.SetText("5832")
	e.press(keySettingsSave)
	e.bannerSays(s.banner, "не совпадает")

	s.cPin2.SetText("5831")
	e.press(keySettingsSave)
	e.bannerSays(s.banner, "Бакыт")
	sess, err := e.svc.Login(e.ctx, "Бакыт", "5831")
	if err != nil || sess.Role() != counter.RoleClerk {
		t.Fatalf("the new clerk cannot log in: %v", err)
	}
	if len(s.clerkBox.Objects) != 2 {
		t.Fatalf("clerk list has %d rows, want 2", len(s.clerkBox.Objects))
	}
	// Disable, then the login is refused.
	cs, _ := e.svc.Clerks(e.ctx)
	i := slices.IndexFunc(cs, func(c counter.Clerk) bool { return c.Name == "Бакыт" })
	s.setActive(cs[i], false)
	if _, err := e.svc.Login(e.ctx, "Бакыт", "5831"); err == nil {
		t.Fatal("a disabled clerk logged in")
	}
	e.bannerSays(s.banner, "отключена")
}

func TestSettingsLanguageSwitchesAtOnce(t *testing.T) {
	e := loggedIn(t)
	s := e.settings()
	s.tabs.Select(s.lookTab)
	s.lang.SetSelectedIndex(slices.Index(i18n.All, i18n.EN))
	if got := e.u.shell.nav["counter"].Text; got != "F1 Counter" {
		t.Fatalf("nav reads %q after switching to English", got)
	}
	if got := e.u.shell.nav["accept"].Text; got != "F2 Acceptance" {
		t.Fatalf("nav reads %q", got)
	}
	if e.u.shell.current != "settings" {
		t.Fatalf("after the switch the window shows %q", e.u.shell.current)
	}
	if p, _ := e.svc.PointProfile(e.ctx); p.Language != "en" {
		t.Fatalf("language saved as %q", p.Language)
	}
	ns := e.screen("settings").(*settingsScreen)
	e.bannerSays(ns.banner, "Language changed")
	if e.u.sess == nil || e.u.sess.ShiftID() == 0 {
		t.Fatal("the language switch must keep the clerk and the shift")
	}
}

func TestSettingsThemeDarkLargeText(t *testing.T) {
	e := loggedIn(t)
	s := e.settings()
	s.tabs.Select(s.lookTab)
	s.themeSel.SetSelectedIndex(slices.Index(counter.Themes, counter.ThemeDark))
	s.large.SetChecked(true)
	s.idle.SetText("25")
	e.press(keySettingsSave)
	v, _ := e.svc.Settings(e.ctx)
	if v.Theme != counter.ThemeDark || !v.LargeText || v.IdleLockMinutes != 25 {
		t.Fatalf("settings %+v", v)
	}
	th := fyne.CurrentApp().Settings().Theme()
	def := theme.DefaultTheme()
	if got, want := th.Size(theme.SizeNameText), def.Size(theme.SizeNameText); got <= want {
		t.Fatalf("text size %v, want larger than %v", got, want)
	}
	if th.Color(theme.ColorNameBackground, theme.VariantLight) != def.Color(theme.ColorNameBackground, theme.VariantDark) {
		t.Fatal("dark theme not applied")
	}
	if e.u.settings.IdleLockMinutes != 25 {
		t.Fatal("the window still uses the old idle lock")
	}

	s.idle.SetText("много")
	e.press(keySettingsSave)
	e.dialogSays("целое число")
	e.press(fyne.KeyReturn)
	s.idle.SetText("999")
	e.press(keySettingsSave)
	e.dialogSays("Неверное значение")
}

func TestSettingsBackup(t *testing.T) {
	e := loggedIn(t)
	s := e.settings()
	s.tabs.Select(s.backupTab)
	done := make(chan struct{})
	s.afterLong = func() { close(done) }
	e.press(keySettingsSave)
	<-done
	dir := store.BackupDir(e.db.Path)
	files, _ := filepath.Glob(filepath.Join(dir, "counter-*.db"))
	if len(files) != 1 {
		t.Fatalf("backups %v", files)
	}
	if _, err := store.ValidateBackup(e.ctx, files[0]); err != nil {
		t.Fatalf("backup not valid: %v", err)
	}
	if !strings.Contains(s.lastBackup.Text, files[0]) {
		t.Fatalf("the screen says %q, not where the file went", s.lastBackup.Text)
	}
	if _, err := os.Stat(files[0] + ".part"); err == nil {
		t.Fatal("a partial file was left")
	}
}

func TestSettingsPartnerStorageDays(t *testing.T) {
	e := loggedIn(t)
	s := e.settings()
	s.tabs.Select(s.partnersTab)
	i := slices.IndexFunc(s.partners, func(r partnerRow) bool { return r.p.Active })
	r := s.partners[i]
	r.storage.SetText("0")
	e.press(keySettingsSave)
	e.dialogSays("Неверное значение")
	e.press(fyne.KeyReturn)

	days := r.p.StorageDays + 5
	r.storage.SetText(strconv.Itoa(days))
	e.press(keySettingsSave)
	p, err := e.svc.Partner(e.ctx, r.p.Code)
	if err != nil || p.StorageDays != days {
		t.Fatalf("partner %+v, %v", p, err)
	}
	e.bannerSays(s.banner, p.Name)
	// Shown again after leaving the screen.
	e.press(fyne.KeyF1)
	s = e.settings()
	if s.partners[i].storage.Text != strconv.Itoa(days) {
		t.Fatalf("storage days shown %q", s.partners[i].storage.Text)
	}
}

func TestSettingsCellsEditAndGenerate(t *testing.T) {
	e := loggedIn(t)
	s := e.settings()
	before := len(s.cells)
	if before != 20 {
		t.Fatalf("%d cells listed", before)
	}
	// A scanned cell label opens that cell.
	e.scan("CELL-A-1-02")
	if s.tabs.Selected() != s.cellsTab || s.cellSel < 0 || s.cells[s.cellSel].Label != "A-1-02" {
		t.Fatalf("scan did not pick the cell (%d)", s.cellSel)
	}
	s.cellCap.SetText("7")
	s.cellActive.SetChecked(false)
	e.press(keySettingsSave)
	cs, _ := e.svc.Cells(e.ctx)
	c := cs[slices.IndexFunc(cs, func(c counter.Cell) bool { return c.Label == "A-1-02" })]
	if c.Capacity != 7 || c.Active {
		t.Fatalf("cell %+v", c)
	}

	s.layout.racks.SetText("C")
	if !strings.Contains(s.layout.total.Text, "50") {
		t.Fatalf("layout total %q", s.layout.total.Text)
	}
	s.generate()
	if len(s.cells) != before+50 {
		t.Fatalf("%d cells after generating, want %d", len(s.cells), before+50)
	}
	e.bannerSays(s.banner, "50")

	// Other scans are not handled here, and the clerk is told so.
	e.scan(s10(5))
	e.bannerSays(s.banner, "F1")
}
