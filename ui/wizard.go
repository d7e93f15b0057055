package ui

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/demo"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/scan"
)

// countries the point may be in, with the currency each one implies.
var countries = []struct{ code, currency string }{
	{"KG", "KGS"}, {"KZ", "KZT"}, {"RU", "RUB"}, {"RS", "RSD"},
}

func currencyOf(country string) string {
	for _, c := range countries {
		if c.code == country {
			return c.currency
		}
	}
	return ""
}

// wizard steps.
const (
	stepLang = iota
	stepPoint
	stepPartners
	stepCells
	stepOwner
	stepDemo
	stepCount
)

var stepNames = [stepCount]string{"wizard.step.lang", "wizard.step.point", "wizard.step.partners",
	"wizard.step.cells", "wizard.step.owner", "wizard.step.demo"}

// wizard is the first-run set-up: one step at a time, Enter goes on,
// Escape goes back, a step is checked before the next one shows. Nothing
// is written until the last step: then Setup does it in one call.
type wizard struct {
	u    *UI
	root *fyne.Container
	step int

	// what was collected so far
	lang        i18n.Lang
	point       counter.Point
	defs        []scan.PartnerDef
	partners    map[string]bool
	partnersFor string // the country the partner choice was made for
	layout      counter.Layout
	layoutOff   bool // no cells now
	owner, pin  string
	pin2        string
	demo        bool
	layoutF     *layoutForm
	pinE, pin2E *Entry // the owner step's PIN fields
	collect     func() // reads the current step's widgets into the fields above
	first       fyne.Focusable
	msg         *widget.Label
	next, backB *widget.Button
	langs       []*widget.Button
	afterFinish func() // tests: runs when the wizard is done (also after the demo data)
}

func newWizard(u *UI) *wizard {
	w := &wizard{u: u, lang: u.p.L, partners: map[string]bool{}}
	w.point = counter.Point{Country: "KG", Currency: "KGS"}
	w.layout = counter.Layout{Racks: "A-D", Shelves: 5, Cells: 10, Size: "M", Capacity: 3}
	defs, err := counter.DefaultPartners()
	if err != nil {
		u.log.Error("default partners unreadable", "err", err)
	}
	w.defs = defs
	return w
}

// content shows the first step; the wizard owns the window until done.
func (w *wizard) content() fyne.CanvasObject {
	w.u.wizard = w
	w.root = container.NewStack()
	w.render()
	return w.root
}

// render draws the current step in the chosen language.
func (w *wizard) render() {
	u := w.u
	u.p.L = w.lang
	u.win.SetTitle(u.T("app.title_point", "Point", u.T("wizard.title")))
	w.first, w.collect, w.langs, w.layoutF = nil, func() {}, nil, nil
	w.msg = widget.NewLabel("")
	w.msg.Wrapping = fyne.TextWrapWord
	w.msg.Importance = widget.DangerImportance
	w.msg.Hide()

	var body fyne.CanvasObject
	switch w.step {
	case stepLang:
		body = w.langStep()
	case stepPoint:
		body = w.pointStep()
	case stepPartners:
		body = w.partnersStep()
	case stepCells:
		body = w.cellsStep()
	case stepOwner:
		body = w.ownerStep()
	default:
		body = w.demoStep()
	}

	title := widget.NewLabelWithStyle(u.T("wizard.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	var steps []fyne.CanvasObject
	for i, k := range stepNames {
		l := widget.NewLabel(fmt.Sprintf("%d. %s", i+1, u.T(k)))
		switch {
		case i == w.step:
			l.TextStyle.Bold = true
			l.Importance = widget.HighImportance
		case i > w.step:
			l.Importance = widget.LowImportance
		}
		steps = append(steps, l)
	}
	head := container.NewVBox(title,
		widget.NewLabel(u.T("wizard.step", "N", w.step+1, "Total", stepCount)+" · "+u.T(stepNames[w.step])),
		container.NewHBox(steps...), widget.NewSeparator())

	w.backB = widget.NewButton("Esc "+u.T("wizard.back"), w.back)
	if w.step == 0 {
		w.backB.Disable()
	}
	nextLabel := u.T("wizard.next")
	if w.step == stepDemo {
		nextLabel = u.T("wizard.finish")
	}
	w.next = widget.NewButton("Enter "+nextLabel, w.forward)
	w.next.Importance = widget.HighImportance
	foot := container.NewVBox(w.msg, widget.NewSeparator(),
		container.NewHBox(widget.NewLabel(u.T("wizard.keys")), layout.NewSpacer(), w.backB, w.next))

	page := container.NewBorder(head, foot, nil, nil, container.NewVScroll(body))
	w.root.Objects = []fyne.CanvasObject{container.NewPadded(container.NewCenter(
		container.NewGridWrap(fyne.NewSize(860, 640), page)))}
	w.root.Refresh()
	if c := u.win.Canvas(); c.Content() == w.root {
		if w.first != nil {
			c.Focus(w.first)
		} else {
			c.Unfocus()
		}
	}
}

func (w *wizard) hint(key string) *widget.Label {
	l := widget.NewLabel(w.u.T(key))
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (w *wizard) langStep() fyne.CanvasObject {
	box := container.NewVBox(w.hint("wizard.lang_hint"))
	for _, l := range i18n.All {
		b := widget.NewButton(w.u.T("lang."+string(l)), func() { w.setLang(l) })
		if l == w.lang {
			b.Importance = widget.HighImportance
		}
		w.langs = append(w.langs, b)
		box.Add(b)
	}
	return box
}

// setLang redraws the wizard in language l at once.
func (w *wizard) setLang(l i18n.Lang) {
	w.collect()
	w.lang = l
	w.point.Language = string(l)
	w.render()
}

func (w *wizard) pointStep() fyne.CanvasObject {
	u := w.u
	name := u.newEntry(u.T("cli.ask.name"))
	name.SetText(w.point.Name)
	addr := u.newEntry(u.T("cli.ask.address"))
	addr.SetText(w.point.Address)
	phone := u.newEntry(u.T("cli.ask.phone"))
	phone.SetText(w.point.Phone)
	hours := u.newEntry(u.T("settings.hours_example"))
	hours.SetText(w.point.Hours)
	cur := u.newEntry("KGS")
	cur.SetText(w.point.Currency)
	country := u.countrySelect(w.point.Country, func(code string) { cur.SetText(currencyOf(code)) })
	w.first = name
	chainEntries(u, []*Entry{name, addr, phone, hours, cur}, w.forward)
	w.collect = func() {
		w.point.Name = strings.TrimSpace(name.Text)
		w.point.Address = strings.TrimSpace(addr.Text)
		w.point.Phone = strings.TrimSpace(phone.Text)
		w.point.Hours = strings.TrimSpace(hours.Text)
		w.point.Country = countries[max(0, country.SelectedIndex())].code
		w.point.Currency = strings.ToUpper(strings.TrimSpace(cur.Text))
	}
	form := widget.NewForm(
		widget.NewFormItem(u.T("cli.ask.name")+" *", name),
		widget.NewFormItem(u.T("cli.ask.address"), addr),
		widget.NewFormItem(u.T("cli.ask.phone"), phone),
		widget.NewFormItem(u.T("cli.ask.hours"), hours),
		widget.NewFormItem(u.T("settings.country"), country),
		widget.NewFormItem(u.T("settings.currency"), cur),
	)
	return container.NewVBox(w.hint("wizard.point_hint"), form)
}

// countrySelect lists the countries by name; changed gets the code.
func (u *UI) countrySelect(selected string, changed func(code string)) *widget.Select {
	var names []string
	for _, c := range countries {
		names = append(names, u.T("settings.country."+strings.ToLower(c.code)))
	}
	s := u.newSelect(names, nil)
	for i, c := range countries {
		if c.code == selected {
			s.SetSelectedIndex(i)
		}
	}
	s.OnChanged = func(string) {
		if i := s.SelectedIndex(); i >= 0 && changed != nil {
			changed(countries[i].code)
		}
	}
	return s
}

func (w *wizard) partnersStep() fyne.CanvasObject {
	u := w.u
	if w.partnersFor != w.point.Country {
		// Preselect the partners serving the chosen country.
		w.partnersFor = w.point.Country
		clear(w.partners)
		for _, d := range w.defs {
			if slices.Contains(d.Countries, w.point.Country) {
				w.partners[d.Code] = true
			}
		}
	}
	box := container.NewVBox(w.hint("wizard.partners_hint"))
	for _, d := range w.defs {
		c := widget.NewCheck(u.T("wizard.partner_line", "Name", d.Name, "Countries", strings.Join(d.Countries, ", "), "Days", d.StorageDays),
			func(on bool) { w.partners[d.Code] = on })
		c.Checked = w.partners[d.Code]
		box.Add(c)
	}
	return box
}

func (w *wizard) chosenPartners() []string {
	var out []string
	for _, d := range w.defs {
		if w.partners[d.Code] {
			out = append(out, d.Code)
		}
	}
	return out
}

func (w *wizard) cellsStep() fyne.CanvasObject {
	u := w.u
	l := w.layout
	if w.layoutOff {
		l.Racks = ""
	}
	f := u.newLayoutForm(l, w.forward)
	w.layoutF = f
	w.first = f.racks
	w.collect = func() {
		if l, err := f.value(); err == nil {
			w.layoutOff = l == nil
			if l != nil {
				w.layout = *l
			}
		}
	}
	return container.NewVBox(w.hint("wizard.cells_hint"), f.obj)
}

func (w *wizard) ownerStep() fyne.CanvasObject {
	u := w.u
	name := u.newEntry(u.T("cli.ask.owner"))
	name.SetText(w.owner)
	pin := u.newPasswordEntry(u.T("settings.pin"))
	pin.SetText(w.pin)
	pin2 := u.newPasswordEntry(u.T("cli.ask.pin_again"))
	pin2.SetText(w.pin2)
	w.first = name
	w.pinE, w.pin2E = pin, pin2
	chainEntries(u, []*Entry{name, pin, pin2}, w.forward)
	w.collect = func() {
		w.owner = strings.Join(strings.Fields(name.Text), " ")
		w.pin, w.pin2 = pin.Text, pin2.Text
	}
	form := widget.NewForm(
		widget.NewFormItem(u.T("cli.ask.owner")+" *", name),
		widget.NewFormItem(u.T("settings.pin")+" *", pin),
		widget.NewFormItem(u.T("cli.ask.pin_again")+" *", pin2),
	)
	return container.NewVBox(w.hint("wizard.owner_hint"), form)
}

func (w *wizard) demoStep() fyne.CanvasObject {
	u := w.u
	c := widget.NewCheck(u.T("wizard.demo_check"), func(on bool) { w.demo = on })
	c.Checked = w.demo
	return container.NewVBox(w.hint("wizard.demo_hint"), c)
}

// key handles keys on the bare canvas: Enter goes on, Up/Down pick the
// language on the first step.
func (w *wizard) key(n fyne.KeyName) bool {
	switch n {
	case fyne.KeyReturn, fyne.KeyEnter:
		w.forward()
		return true
	case fyne.KeyUp, fyne.KeyDown:
		if w.step != stepLang {
			return false
		}
		i := slices.Index(i18n.All, w.lang)
		if n == fyne.KeyDown {
			i = (i + 1) % len(i18n.All)
		} else {
			i = (i + len(i18n.All) - 1) % len(i18n.All)
		}
		w.setLang(i18n.All[i])
		return true
	}
	return false
}

// back shows the previous step, keeping what was typed.
func (w *wizard) back() {
	if w.step == 0 {
		return
	}
	w.collect()
	w.step--
	w.render()
}

// forward checks the step and shows the next one (or finishes).
func (w *wizard) forward() {
	w.collect()
	if msg, focus := w.check(); msg != "" {
		w.u.beep(toneError)
		w.msg.SetText(msg)
		w.msg.Show()
		if focus != nil {
			w.u.win.Canvas().Focus(focus)
		}
		return
	}
	if w.step == stepDemo {
		w.finish()
		return
	}
	w.step++
	w.render()
}

// check reports what is wrong with the current step, translated, and the
// field to correct (nil: stay where the focus is).
func (w *wizard) check() (string, fyne.Focusable) {
	u := w.u
	switch w.step {
	case stepPoint:
		if w.point.Name == "" {
			return u.T("wizard.need_name"), w.first
		}
		if w.point.Currency == "" {
			return u.T("wizard.need_currency"), nil
		}
	case stepPartners:
		if len(w.chosenPartners()) == 0 {
			return u.T("wizard.partners_none"), nil
		}
	case stepCells:
		// collect kept the last valid layout; re-read for the message.
		if f := w.layoutF; f != nil {
			if _, err := f.value(); err != nil {
				return u.Err(err), f.racks
			}
		}
	case stepOwner:
		if w.owner == "" {
			return u.T("wizard.need_owner"), w.first
		}
		bad := u.T("cli.ask.pin_mismatch")
		if err := counter.ValidatePIN(w.pin); err != nil {
			bad = u.Err(err)
		} else if w.pin == w.pin2 {
			return "", nil
		}
		// Both PINs are typed again.
		w.pin, w.pin2 = "", ""
		w.pinE.SetText("")
		w.pin2E.SetText("")
		return bad, w.pinE
	}
	return "", nil
}

// finish sets the point up in one call, loads the demo data if asked,
// and logs the owner in.
func (w *wizard) finish() {
	u := w.u
	p := w.point
	p.Language = string(w.lang)
	req := counter.SetupRequest{Point: p, Partners: w.chosenPartners(), OwnerName: w.owner, OwnerPIN: w.pin}
	if !w.layoutOff {
		l := w.layout
		req.Layout = &l
	}
	sess, err := u.svc.Setup(u.ctx, req)
	if err != nil {
		w.msg.SetText(u.Err(err))
		w.msg.Show()
		u.showErr(err)
		return
	}
	u.app.Preferences().SetString(prefLastClerk, w.owner)
	if !w.demo {
		w.loggedIn(sess)
		return
	}
	u.runLong(u.T("wizard.demo_loading"), func(ctx context.Context, progress progressFunc) error {
		_, err := demo.Load(ctx, u.svc, sess, demo.Options{Parcels: demo.DefaultParcels, Seed: 1,
			Progress: func(done, total int) { progress(done, total) }})
		return err
	}, func(err error) {
		w.loggedIn(sess)
		if err != nil {
			u.log.Warn("demo data not loaded", "err", err)
			u.alert(toneWarn, u.T("wizard.demo_failed"), u.Err(err))
		}
	})
}

// loggedIn leaves the wizard for the counter with the owner logged in.
func (w *wizard) loggedIn(sess *counter.Session) {
	u := w.u
	u.wizard = nil
	u.sess = sess
	u.touch()
	u.loadPoint()
	u.enterShell()
	if u.modal == nil && sess.ShiftID() == 0 {
		u.offerShift()
	}
	if w.afterFinish != nil {
		w.afterFinish()
	}
}

// chainEntries makes Enter move to the next field; on the last it runs last.
func chainEntries(u *UI, es []*Entry, last func()) {
	for i, e := range es {
		if i == len(es)-1 {
			e.OnEnter = func(string) { last() }
			continue
		}
		next := es[i+1]
		e.OnEnter = func(string) { u.win.Canvas().Focus(next) }
	}
}

// layoutForm is the cell-layout form of the wizard and of Settings: racks,
// shelves, cells per shelf, size, capacity and the resulting number of
// cells, counted as the owner types.
type layoutForm struct {
	u                               *UI
	racks, shelves, cells, capacity *Entry
	size                            *widget.Select
	total                           *widget.Label
	obj                             fyne.CanvasObject
}

func (u *UI) newLayoutForm(l counter.Layout, submit func()) *layoutForm {
	f := &layoutForm{u: u}
	f.racks = u.newEntry("A-D")
	f.racks.SetText(l.Racks)
	f.shelves = u.newEntry("5")
	f.shelves.SetText(strconv.Itoa(l.Shelves))
	f.cells = u.newEntry("10")
	f.cells.SetText(strconv.Itoa(l.Cells))
	f.capacity = u.newEntry("3")
	f.capacity.SetText(strconv.Itoa(l.Capacity))
	f.size = u.newSelect(counter.Sizes, nil)
	f.size.SetSelected(l.Size)
	if f.size.Selected == "" {
		f.size.SetSelected("M")
	}
	f.total = widget.NewLabel("")
	f.total.TextStyle.Bold = true
	f.total.Wrapping = fyne.TextWrapWord
	for _, e := range []*Entry{f.racks, f.shelves, f.cells, f.capacity} {
		e.OnChanged = func(string) { f.update() }
	}
	chainEntries(u, []*Entry{f.racks, f.shelves, f.cells, f.capacity}, submit)
	f.obj = container.NewVBox(widget.NewForm(
		widget.NewFormItem(u.T("settings.racks"), f.racks),
		widget.NewFormItem(u.T("cli.ask.shelves"), f.shelves),
		widget.NewFormItem(u.T("cli.ask.cells"), f.cells),
		widget.NewFormItem(u.T("cli.ask.size"), f.size),
		widget.NewFormItem(u.T("cli.ask.capacity"), f.capacity),
	), f.total)
	f.update()
	return f
}

// value is the layout typed in; nil when no racks are given (no cells).
// The checks are the service's, so the messages are its translated ones.
func (f *layoutForm) value() (*counter.Layout, error) {
	racks := strings.TrimSpace(f.racks.Text)
	if racks == "" {
		return nil, nil
	}
	num := func(e *Entry) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(e.Text))
		if err != nil {
			return 0, errs.New(counter.ErrLayout, "Detail", e.Text)
		}
		return n, nil
	}
	l := counter.Layout{Racks: racks, Size: f.size.Selected}
	var err error
	if l.Shelves, err = num(f.shelves); err != nil {
		return nil, err
	}
	if l.Cells, err = num(f.cells); err != nil {
		return nil, err
	}
	if l.Capacity, err = num(f.capacity); err != nil {
		return nil, err
	}
	if _, err := rackCount(racks); err != nil {
		return nil, err
	}
	if l.Shelves < 1 || l.Shelves > 20 || l.Cells < 1 || l.Cells > 99 || l.Capacity < 1 || l.Capacity > 50 {
		return nil, errs.New(counter.ErrLayout, "Detail", fmt.Sprintf("%d×%d×%d", l.Shelves, l.Cells, l.Capacity))
	}
	return &l, nil
}

// count is how many cells the layout makes.
func (f *layoutForm) count() (int, error) {
	l, err := f.value()
	if err != nil || l == nil {
		return 0, err
	}
	n, _ := rackCount(l.Racks)
	return n * l.Shelves * l.Cells, nil
}

func (f *layoutForm) update() {
	n, err := f.count()
	switch {
	case err != nil:
		f.total.SetText(f.u.Err(err))
		f.total.Importance = widget.DangerImportance
	case n == 0:
		f.total.SetText(f.u.T("settings.layout_none"))
		f.total.Importance = widget.MediumImportance
	default:
		f.total.SetText(f.u.p.N("settings.layout_total", n))
		f.total.Importance = widget.SuccessImportance
	}
	f.total.Refresh()
}

// rackCount counts the racks of "A-D" or "A,B,K" as the service reads them.
func rackCount(s string) (int, error) {
	r := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	bad := errs.New(counter.ErrLayout, "Detail", s)
	if a, b, ok := strings.Cut(r, "-"); ok && len([]rune(a)) == 1 && len([]rune(b)) == 1 {
		from, to := []rune(a)[0], []rune(b)[0]
		if from > to || to-from > 25 {
			return 0, bad
		}
		return int(to-from) + 1, nil
	}
	n := 0
	for _, part := range strings.Split(r, ",") {
		if part == "" || len(part) > 4 || strings.Contains(part, "-") {
			return 0, bad
		}
		n++
	}
	return n, nil
}
