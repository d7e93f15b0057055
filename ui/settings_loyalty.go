package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
)

// loyaltyPage is Settings → Loyalty: the programme's rules (left, on top)
// and the card designer (left, below) with a live preview of the card
// (right). F9 saves both; a manager or the owner edits, a clerk sees the
// values read-only (and the service refuses a clerk's save anyway).
type loyaltyPage struct {
	s      *settingsScreen
	u      *UI
	obj    fyne.CanvasObject
	scroll *container.Scroll // the form
	// loading: fields are being filled from storage; no preview per field.
	loading bool

	rules rulesForm
	card  cardForm
}

func newLoyaltyPage(s *settingsScreen) *loyaltyPage {
	p := &loyaltyPage{s: s, u: s.u}
	left := container.NewVBox(p.rulesView(), widget.NewSeparator(), p.cardView())
	// Both directions: the form's labels must never widen the window
	// past a 1366-pixel screen (Fyne keeps a window at its content's
	// minimum size); it scrolls sideways on a narrower one instead.
	p.scroll = container.NewScroll(left)
	p.obj = container.NewBorder(nil, nil, nil, p.previewView(), p.scroll)
	p.rules.reset(p, p.defaultProgramme())
	p.card.fill(p, loyaltycard.DefaultDesign(p.u.point.Name, p.u.p.L))
	p.applyEnabled()
	return p
}

func (p *loyaltyPage) view() fyne.CanvasObject { return p.obj }

// load reads the programme and the design. Without a programme the form
// shows sensible defaults and says the programme is not running yet.
func (p *loyaltyPage) load() {
	u := p.u
	p.loading = true
	prog, err := u.loy.Programme(u.ctx)
	switch {
	case errs.Has(err, loyalty.ErrNoProgramme):
		p.rules.reset(p, p.defaultProgramme())
		p.rules.stored, p.rules.exists = loyalty.Programme{}, false
	case err != nil:
		u.log.Warn("loyalty programme unreadable", "err", err)
		p.s.note(toneError, u.T("loyaltydesign.unreadable"), u.Err(err))
	default:
		p.rules.reset(p, prog)
		p.rules.stored, p.rules.exists = prog, true
	}
	if p.rules.exists {
		p.rules.notRunning.Hide()
	} else {
		p.rules.notRunning.Show()
	}
	if d, err := u.loy.CardDesign(u.ctx); err != nil {
		u.log.Warn("card design unreadable", "err", err)
		p.s.note(toneError, u.T("loyaltydesign.unreadable"), u.Err(err))
	} else {
		p.card.fill(p, d)
	}
	p.loading = false
	p.applyEnabled()
	p.refreshPreview()
}

// save stores what the page shows (F9): the design is checked first, then
// the rules are saved, then the design. A refusal says which part and why,
// points the cursor at the field and leaves the form as typed.
func (p *loyaltyPage) save() {
	u := p.u
	prog, bad := p.rules.programme(p)
	if bad != nil {
		p.refuse("loyaltydesign.rules_not_saved", bad)
		return
	}
	d := p.card.current(p)
	if err := d.Validate(); err != nil {
		p.refuse("loyaltydesign.design_not_saved", p.card.problem(p, err))
		return
	}
	saved, err := u.loy.SaveProgramme(u.ctx, u.sess, prog)
	if err != nil {
		p.refuse("loyaltydesign.rules_not_saved", p.rules.problem(p, err))
		return
	}
	p.rules.stored, p.rules.exists = saved, true
	p.rules.notRunning.Hide()
	if err := u.loy.SaveCardDesign(u.ctx, u.sess, d); err != nil {
		p.refuse("loyaltydesign.design_not_saved_rules_saved", p.card.problem(p, err))
		return
	}
	p.s.saved(u.T("loyaltydesign.saved"), u.T("loyaltydesign.saved_detail", "Name", saved.Name))
}

// saveDesign stores the card's look alone ("Save design").
func (p *loyaltyPage) saveDesign() {
	u := p.u
	d := p.card.current(p)
	if err := u.loy.SaveCardDesign(u.ctx, u.sess, d); err != nil {
		p.refuse("loyaltydesign.design_not_saved", p.card.problem(p, err))
		return
	}
	p.s.saved(u.T("loyaltydesign.design_saved"), d.Title)
}

// formProblem is a refused save in the owner's words, with the field to fix.
type formProblem struct {
	detail string
	focus  fyne.Focusable // nil: no single field
}

// refuse shows why nothing (or only part) was saved in the page's banner
// and puts the cursor in the field to fix.
func (p *loyaltyPage) refuse(titleKey string, pr *formProblem) {
	p.s.note(toneError, p.u.T(titleKey), pr.detail)
	p.u.beep(toneError)
	if pr.focus != nil && p.s.canEdit {
		p.u.win.Canvas().Focus(pr.focus)
		if o, ok := pr.focus.(fyne.CanvasObject); ok {
			p.reveal(o)
		}
	}
}

// reveal scrolls the form so that field o is in sight.
func (p *loyaltyPage) reveal(o fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(p.scroll.Content).Y
	view, at := p.scroll.Size().Height, p.scroll.Offset.Y
	if top < 0 || (top >= at && top+o.Size().Height <= at+view) {
		return
	}
	p.scroll.ScrollToOffset(fyne.NewPos(0, max(0, top-view/3)))
}

// errProblem words a service error: a field's label before the
// translated message when the error names one.
func (p *loyaltyPage) errProblem(err error, label func(field string) (string, fyne.Focusable)) *formProblem {
	u := p.u
	msg := u.Err(err)
	e, ok := errors.AsType[*errs.Error](err)
	if !ok {
		u.log.Warn("loyalty settings not saved", "err", err)
		return &formProblem{detail: msg}
	}
	field, _ := e.Args["Field"].(string)
	if field == "" {
		return &formProblem{detail: msg}
	}
	name, focus := label(field)
	if name == "" {
		return &formProblem{detail: msg}
	}
	// The generic "invalid value" does not say which value; the card's
	// messages already do.
	if v := fmt.Sprint(e.Args["Value"]); e.Code == counter.ErrInvalid && e.Args["Value"] != nil && v != "" {
		return &formProblem{detail: u.T("loyaltydesign.problem_value", "Field", name, "Value", v, "Message", msg), focus: focus}
	}
	return &formProblem{detail: u.T("loyaltydesign.problem", "Field", name, "Message", msg), focus: focus}
}

// number reads a whole number from a field; empty is 0.
func (p *loyaltyPage) number(e *Entry, label string) (int, *formProblem) {
	t := strings.Join(strings.Fields(e.Text), "")
	if t == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		return 0, &formProblem{detail: p.u.T("settings.need_number", "Field", label), focus: e}
	}
	return n, nil
}

// applyEnabled enables what the session may edit and what makes sense
// with the current choices (the life in days only with a life, the
// carry-over only on a stamp card).
func (p *loyaltyPage) applyEnabled() {
	on := p.s.canEdit
	p.rules.enable(on)
	p.card.enable(on)
}

func enableIf(d fyne.Disableable, on bool) {
	if on {
		d.Enable()
	} else {
		d.Disable()
	}
}

// --- widgets that keep the window's keys ---
//
// Fyne gives a key to the focused widget only, so a check box, a drop-down
// or a button that has focus (reached with Tab) would swallow F9 and
// Escape. These pass the window's keys on, as Entry does.

type keyCheck struct {
	widget.Check
	u *UI
}

func (u *UI) newKeyCheck(text string, changed func(bool)) *keyCheck {
	c := &keyCheck{u: u}
	c.Text, c.OnChanged = text, changed
	c.ExtendBaseWidget(c)
	return c
}

func (c *keyCheck) TypedKey(ev *fyne.KeyEvent) {
	if !c.u.windowKey(ev.Name) {
		c.Check.TypedKey(ev)
	}
}

type keySelect struct {
	widget.Select
	u *UI
}

func (u *UI) newKeySelect(options []string, changed func(string)) *keySelect {
	s := &keySelect{u: u}
	s.Options, s.OnChanged = options, changed
	s.PlaceHolder = u.T("common.select_one")
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(ev *fyne.KeyEvent) {
	if !s.u.windowKey(ev.Name) {
		s.Select.TypedKey(ev)
	}
}

type keyButton struct {
	widget.Button
	u *UI
}

func (u *UI) newKeyButton(label string, run func()) *keyButton {
	b := &keyButton{u: u}
	b.Text, b.OnTapped = label, run
	b.ExtendBaseWidget(b)
	return b
}

func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	if !b.u.windowKey(ev.Name) {
		b.Button.TypedKey(ev)
	}
}

// windowKey runs an F-key or Escape as the window does; true if it was one.
func (u *UI) windowKey(n fyne.KeyName) bool {
	switch {
	case n == fyne.KeyEscape:
		u.escape()
		return true
	case isFKey(n):
		u.command(n)
		return true
	}
	return false
}
