package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"smartpoint/device/wedge"
)

// Entry is the only text field the window uses. Besides editing, it feeds
// every key to the wedge decoder: when a scanner burst ends, the scanned
// characters are taken back out of the field (what the person had typed
// stays) and the scan goes to the router. So a scan is never lost into a
// form field, and a scanner's Enter never submits a form.
type Entry struct {
	widget.Entry
	u *UI
	// OnEnter runs on a person's Enter with the field's text.
	OnEnter func(text string)
	// OnScan, when set, takes scans typed into this field (a dialog's
	// "scan the card" field): the scan becomes the field's text and goes
	// to OnScan, not to the router.
	OnScan func(code string)
	// OnKey sees other keys first (arrows, F-keys); true means handled.
	OnKey func(fyne.KeyName) bool
}

func (u *UI) newEntry(placeholder string) *Entry {
	e := &Entry{u: u}
	e.ExtendBaseWidget(e)
	e.PlaceHolder = placeholder
	return e
}

func (u *UI) newPasswordEntry(placeholder string) *Entry {
	e := u.newEntry(placeholder)
	e.Password = true
	return e
}

// TypedRune implements fyne.Focusable.
func (e *Entry) TypedRune(r rune) {
	e.Entry.TypedRune(r)
	if res, ok := e.u.keys.rune(r); ok {
		e.scanned(res)
	}
}

// TypedKey implements fyne.Focusable: Enter, Escape and F-keys are ours.
func (e *Entry) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		res := e.u.keys.enter()
		switch res.Kind {
		case wedge.Scan:
			e.scanned(res)
			return
		case wedge.Trailer:
			return // a scanner's second terminator (Tab+Enter, CR+LF): not a person's Enter
		}
		if e.u.modal != nil && e.OnEnter == nil {
			e.u.modal.enter()
			return
		}
		if e.OnEnter != nil {
			e.OnEnter(e.Text)
		}
		return
	case fyne.KeyEscape:
		e.u.escape()
		return
	}
	if e.OnKey != nil && e.OnKey(ev.Name) {
		e.u.touch()
		return
	}
	if isFKey(ev.Name) && e.u.command(ev.Name) {
		return
	}
	e.u.touch()
	e.Entry.TypedKey(ev)
}

// scanned takes the burst's characters out of the field and routes the scan.
func (e *Entry) scanned(res wedge.Result) {
	if e.OnScan != nil {
		e.SetText(res.Text)
		e.OnScan(res.Text)
		return
	}
	r := []rune(e.Text)
	e.SetText(string(r[:max(0, len(r)-res.Typed)]))
	e.u.router.dispatch(res.Text, false)
}

func isFKey(n fyne.KeyName) bool {
	switch n {
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5, fyne.KeyF6,
		fyne.KeyF7, fyne.KeyF8, fyne.KeyF9, fyne.KeyF10, fyne.KeyF11, fyne.KeyF12:
		return true
	}
	return false
}

// TypedShortcut catches the window's own shortcuts (Ctrl+P: the print
// queue) before the field's (copy, paste…), whatever field has focus.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	if e.u.shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// newSelect is a drop-down whose empty state speaks the clerk's language
// (Fyne's own placeholder follows the OS locale, not the point's).
func (u *UI) newSelect(options []string, changed func(string)) *widget.Select {
	s := widget.NewSelect(options, changed)
	s.PlaceHolder = u.T("common.select_one")
	return s
}
