package ui

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
)

func (e *env) wizardStep(want int) *wizard {
	e.t.Helper()
	w := e.u.wizard
	if w == nil {
		e.t.Fatal("the wizard is not shown")
	}
	if w.step != want {
		e.t.Fatalf("wizard on step %d (%q), want %d", w.step+1, w.msg.Text, want+1)
	}
	return w
}

func (e *env) wizardSays(want string) {
	e.t.Helper()
	w := e.u.wizard
	if !w.msg.Visible() || !strings.Contains(w.msg.Text, want) {
		e.t.Fatalf("wizard message %q (shown %v), want %q", w.msg.Text, w.msg.Visible(), want)
	}
}

// enters presses Enter n times, like a person walking a form.
func (e *env) enters(n int) {
	for range n {
		e.press(fyne.KeyReturn)
	}
}

// The whole wizard by keyboard only: Enter goes on, Escape goes back, each
// wrong step is refused in place, and the owner lands logged in.
func TestWizardByKeyboard(t *testing.T) {
	e := newBareEnv(t)
	e.start()
	w := e.wizardStep(stepLang)

	// Language: Down shows the wizard in Kyrgyz at once, Up goes back.
	e.press(fyne.KeyDown)
	if w.lang != i18n.KY || !strings.Contains(w.next.Text, "Кийинки") {
		t.Fatalf("lang %s, next button %q: Kyrgyz not applied", w.lang, w.next.Text)
	}
	e.press(fyne.KeyUp)
	if !strings.Contains(w.next.Text, "Далее") {
		t.Fatalf("next button %q after Up", w.next.Text)
	}
	e.press(fyne.KeyReturn)

	// Point: the name is required.
	e.wizardStep(stepPoint)
	if e.focused() != w.first {
		t.Fatal("the name field must have focus")
	}
	e.enters(5) // name, address, phone, hours, currency
	e.wizardStep(stepPoint)
	e.wizardSays("название")
	if e.focused() != w.first {
		t.Fatal("after the refusal the name field must have focus")
	}
	e.typeSlow("ПВЗ Ош")
	e.press(fyne.KeyReturn) // → address
	e.typeSlow("Ош, Ленина 5")
	e.enters(4)

	// Partners: preselected for KG; Escape goes back and keeps the name.
	w = e.wizardStep(stepPartners)
	if len(w.chosenPartners()) == 0 {
		t.Fatal("no partners preselected for KG")
	}
	e.press(fyne.KeyEscape)
	e.wizardStep(stepPoint)
	if w.point.Name != "ПВЗ Ош" || w.point.Address != "Ош, Ленина 5" {
		t.Fatalf("Back lost the typed profile: %+v", w.point)
	}
	e.enters(5)
	e.wizardStep(stepPartners)
	chosen := w.chosenPartners()
	e.press(fyne.KeyReturn)

	// Cells: the count follows the typing; a bad layout is refused.
	e.wizardStep(stepCells)
	f := w.layoutF
	if !strings.Contains(f.total.Text, "200") {
		t.Fatalf("A-D × 5 × 10 shows %q", f.total.Text)
	}
	f.racks.SetText("")
	e.typeSlow("A-B")
	if !strings.Contains(f.total.Text, "100") {
		t.Fatalf("A-B × 5 × 10 shows %q", f.total.Text)
	}
	f.shelves.SetText("0")
	e.press(fyne.KeyReturn)
	e.enters(3)
	e.wizardStep(stepCells)
	e.wizardSays("Неверная схема")
	f.shelves.SetText("5")
	e.u.win.Canvas().Focus(f.capacity)
	e.press(fyne.KeyReturn)

	// Owner: name required, weak PIN and mismatched PIN refused.
	e.wizardStep(stepOwner)
	e.enters(3)
	e.wizardSays("имя")
	e.typeSlow("Нурлан")
	e.press(fyne.KeyReturn)
	e.typeSlow("1234")
	e.press(fyne.KeyReturn)
	e.typeSlow("1234")
	e.press(fyne.KeyReturn)
	e.wizardStep(stepOwner)
	e.wizardSays("слишком простой")
	if e.focused() != w.pinE || w.pinE.Text != "" {
		t.Fatal("after a weak PIN the PIN field must be empty and focused")
	}
	e.typeSlow("4827")
	e.press(fyne.KeyReturn)
	e.typeSlow("4828")
	e.press(fyne.KeyReturn)
	e.wizardStep(stepOwner)
	e.wizardSays("не совпадает")
	e.typeSlow("4827")
	e.press(fyne.KeyReturn)
	e.typeSlow("4827")
	e.press(fyne.KeyReturn)

	// Demo: left off; Enter finishes.
	e.wizardStep(stepDemo)
	e.press(fyne.KeyReturn)

	if e.u.wizard != nil || e.u.shell == nil {
		t.Fatalf("not in the shell after the wizard (message %q)", w.msg.Text)
	}
	if e.u.sess == nil || e.u.sess.Name() != "Нурлан" || e.u.sess.Role() != counter.RoleOwner {
		t.Fatalf("session %+v: the owner must be logged in", e.u.sess)
	}
	p, err := e.svc.PointProfile(e.ctx)
	if err != nil || p.Name != "ПВЗ Ош" || p.Address != "Ош, Ленина 5" || p.Country != "KG" || p.Currency != "KGS" || p.Language != "ru" {
		t.Fatalf("profile %+v, %v", p, err)
	}
	ps, _ := e.svc.Partners(e.ctx)
	for _, pr := range ps {
		if pr.Active != slices.Contains(chosen, pr.Code) {
			t.Fatalf("partner %s active=%v, chosen %v", pr.Code, pr.Active, chosen)
		}
	}
	cells, _ := e.svc.Cells(e.ctx)
	if len(cells) != 100 {
		t.Fatalf("%d cells, want 100", len(cells))
	}
	if e.u.modal == nil {
		t.Fatal("the window must offer to open the shift")
	}
	e.press(fyne.KeyReturn)
	if e.u.sess.ShiftID() == 0 {
		t.Fatal("the shift was not opened")
	}
	if _, err := e.svc.Login(e.ctx, "Нурлан", "4827"); err != nil {
		t.Fatalf("the owner cannot log in with the wizard's PIN: %v", err)
	}
}

// Tapped through in English, with another country and the demo data.
func TestWizardByMouseWithDemoData(t *testing.T) {
	e := newBareEnv(t)
	e.start()
	w := e.wizardStep(stepLang)
	test.Tap(w.langs[slices.Index(i18n.All, i18n.EN)])
	if w.lang != i18n.EN || !strings.Contains(w.next.Text, "Next") {
		t.Fatalf("English not applied: %q", w.next.Text)
	}
	// The taskbar names the product during set-up too.
	if title := e.u.win.Title(); title != "SmartPoint — Pickup point first-run set-up" {
		t.Errorf("window title %q", title)
	}
	test.Tap(w.next)

	e.wizardStep(stepPoint)
	w.first.(*Entry).SetText("Tačka Novi Sad")
	e.u.win.Canvas().Unfocus()
	// Country: the select is in the form; pick Serbia.
	country := find[*widget.Select](e.u.win.Canvas().Content())
	if len(country) != 1 {
		t.Fatalf("%d selects on the point step, want the country", len(country))
	}
	country[0].SetSelectedIndex(3)
	test.Tap(w.next)
	if w.point.Country != "RS" || w.point.Currency != "RSD" {
		t.Fatalf("country %s currency %s", w.point.Country, w.point.Currency)
	}

	e.wizardStep(stepPartners)
	test.Tap(w.next)
	e.wizardStep(stepCells)
	test.Tap(w.next)
	e.wizardStep(stepOwner)
	w.first.(*Entry).SetText("Milan")
	w.pinE.SetText("5831")
	w.pin2E.SetText("5831")
	test.Tap(w.next)

	e.wizardStep(stepDemo)
	test.Tap(find[*widget.Check](e.u.win.Canvas().Content())[0])
	if !w.demo {
		t.Fatal("demo check not taken")
	}
	done := make(chan struct{})
	w.afterFinish = func() { close(done) }
	test.Tap(w.next)
	<-done

	if e.u.shell == nil || e.u.sess == nil || e.u.sess.Name() != "Milan" {
		t.Fatal("not logged in after the demo data")
	}
	if e.u.shell.nav["counter"].Text != "F1 Counter" {
		t.Fatalf("nav %q: the wizard's language must stay", e.u.shell.nav["counter"].Text)
	}
	p, _ := e.svc.PointProfile(e.ctx)
	if p.Language != "en" || p.Country != "RS" {
		t.Fatalf("profile %+v", p)
	}
	n, err := e.svc.ParcelCount(e.ctx)
	if err != nil || n == 0 {
		t.Fatalf("no demo parcels: %d, %v", n, err)
	}
}

// A Setup failure (here: done behind the wizard's back) is shown and the
// wizard stays.
func TestWizardSetupErrorShown(t *testing.T) {
	e := newBareEnv(t)
	e.start()
	w := e.u.wizard
	w.point.Name = "A"
	w.owner, w.pin, w.pin2 = "Айгуль", "4827", "4827"
	w.partners = map[string]bool{}
	w.step = stepDemo
	w.render()
	if _, err := e.svc.Setup(e.ctx, counter.SetupRequest{Point: counter.Point{Name: "Другой", Country: "KG"},
		OwnerName: "Бакыт", OwnerPIN: "5831"}); err != nil {
		t.Fatal(err)
	}
	w.partners[w.defs[0].Code] = true
	test.Tap(w.next)
	if e.u.shell != nil || e.u.wizard == nil || e.u.modal == nil {
		t.Fatal("a failed Setup must keep the wizard and show the error")
	}
	e.wizardSays("уже настроен")
}

// find lists the visible objects of type T under o, in layout order.
func find[T fyne.CanvasObject](o fyne.CanvasObject) []T {
	var out []T
	for _, x := range test.LaidOutObjects(o) {
		if v, ok := x.(T); ok && x.Visible() {
			out = append(out, v)
		}
	}
	return out
}
