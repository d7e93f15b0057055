package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// readTime is how long a dialog must have been on screen before a
// person's Enter may answer it: an Enter in the first moments was meant
// for what came before.
const readTime = 400 * time.Millisecond

// action is a dialog button; Key, when set, triggers it from the keyboard.
type action struct {
	Label string
	Key   fyne.KeyName
	Run   func()
	Stay  bool // the dialog stays open (an action on something it lists)
}

// modal is the one dialog type of the window. Enter answers with the
// primary action only when a person pressed it after the dialog was shown
// (never a scanner's Enter); Escape cancels; scans wait in the queue.
type modal struct {
	u       *UI
	pop     *widget.PopUp
	primary *action
	cancelA *action
	keyed   []*action
	shownAt time.Time
	queued  *widget.Label
	focus   fyne.Focusable
	arrows  func(delta int)
}

// dialogSpec describes a dialog: tone colours the header strip.
type dialogSpec struct {
	Tone    tone
	Title   string
	Body    fyne.CanvasObject
	Primary *action // Enter
	Cancel  *action // Escape; nil: Escape just closes
	Others  []*action
	Focus   fyne.Focusable  // a field in Body to focus
	Arrows  func(delta int) // ↑/↓ move a selection in Body (-1, +1)
}

func (u *UI) showDialog(s dialogSpec) *modal {
	if u.modal != nil {
		u.modal.hide()
	}
	m := &modal{u: u, primary: s.Primary, cancelA: s.Cancel, shownAt: u.now(), focus: s.Focus, arrows: s.Arrows}
	m.queued = widget.NewLabel("")
	m.queued.Hide()

	title := canvas.NewText(s.Title, toneText)
	title.TextSize = 22
	title.TextStyle.Bold = true
	head := container.NewStack(canvas.NewRectangle(toneColor(s.Tone)), container.NewPadded(title))

	var buttons []fyne.CanvasObject
	buttons = append(buttons, layout.NewSpacer())
	for _, a := range s.Others {
		buttons = append(buttons, m.button(string(a.Key)+" "+a.Label, func() { m.finish(a) }, widget.MediumImportance))
	}
	m.keyed = s.Others
	cancel := s.Cancel
	if cancel == nil {
		cancel = &action{Label: u.T("common.close")}
	}
	buttons = append(buttons, m.button(cancel.Label+" (Esc)", m.cancel, widget.MediumImportance))
	if s.Primary != nil {
		buttons = append(buttons, m.button(s.Primary.Label+" (Enter)", m.confirm, widget.HighImportance))
	}
	body := s.Body
	if body == nil {
		body = layout.NewSpacer()
	}
	box := container.NewBorder(head, container.NewVBox(m.queued, container.NewHBox(buttons...)), nil, nil,
		container.NewPadded(body))
	m.pop = widget.NewModalPopUp(box, u.win.Canvas())
	u.modal = m
	m.setQueued(len(u.router.queue))
	m.pop.Resize(fyne.NewSize(max(560, box.MinSize().Width), box.MinSize().Height))
	m.pop.Show()
	if m.focus != nil {
		u.win.Canvas().Focus(m.focus)
	} else {
		u.win.Canvas().Unfocus()
	}
	return m
}

func (m *modal) button(label string, run func(), imp widget.Importance) *widget.Button {
	b := widget.NewButton(label, run)
	b.Importance = imp
	return b
}

// enter is a person's Enter (the keyboard filtered out scanners' Enters).
func (m *modal) enter() {
	if m.u.since(m.shownAt) < readTime {
		return
	}
	if m.primary != nil {
		m.confirm()
	}
}

func (m *modal) confirm() { m.finish(m.primary) }

func (m *modal) cancel() { m.finish(m.cancelA) }

// key runs the action bound to an F-key.
func (m *modal) key(n fyne.KeyName) bool {
	if m.arrows != nil && (n == fyne.KeyUp || n == fyne.KeyDown) {
		m.arrows(map[fyne.KeyName]int{fyne.KeyUp: -1, fyne.KeyDown: 1}[n])
		return true
	}
	for _, a := range m.keyed {
		if a.Key == n {
			m.finish(a)
			return true
		}
	}
	return false
}

// finish closes the dialog, runs a (which may open another dialog), then
// hands waiting scans on if no dialog is open.
func (m *modal) finish(a *action) {
	if m.u.modal != m {
		return
	}
	if a != nil && a.Stay {
		if a.Run != nil {
			a.Run()
		}
		return
	}
	m.hide()
	if a != nil && a.Run != nil {
		a.Run()
	}
	if m.u.modal == nil {
		m.u.refocus()
		m.u.router.drain()
	}
}

func (m *modal) hide() {
	m.pop.Hide()
	if m.u.modal == m {
		m.u.modal = nil
	}
}

func (m *modal) setQueued(n int) {
	if n == 0 {
		m.queued.Hide()
		return
	}
	m.queued.SetText(m.u.p.N("scan.queued", n))
	m.queued.Show()
}

// alert shows a message with one button and plays its tone.
func (u *UI) alert(t tone, title, text string) *modal {
	u.beep(t)
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return u.showDialog(dialogSpec{Tone: t, Title: title, Body: l, Primary: &action{Label: u.T("common.ok")}})
}

// confirm asks a yes/no question; yes runs on Enter.
func (u *UI) confirm(title, text, yes string, run func()) *modal {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return u.showDialog(dialogSpec{Tone: toneInfo, Title: title, Body: l,
		Primary: &action{Label: yes, Run: run}, Cancel: &action{Label: u.T("common.cancel")}})
}

// showErr explains an error in a dialog with the error tone.
func (u *UI) showErr(err error) {
	u.log.Warn("action failed", "err", err)
	u.alert(toneError, u.T("common.error"), u.Err(err))
}
