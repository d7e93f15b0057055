package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// screen is one workflow of the window.
type screen interface {
	scanner
	view() fyne.CanvasObject
	// shown runs when the screen becomes visible: refresh its data.
	shown()
	// key handles the screen's own F-keys (F9–F11); true if used.
	key(fyne.KeyName) bool
	// back handles Escape; true if it did something.
	back() bool
}

// lister is a screen with a selectable list: the scan field keeps the
// focus, so it hands the screen the arrows and a bare Enter.
type lister interface {
	// nav moves the selection (↑ ↓ PgUp PgDn); true if used.
	nav(fyne.KeyName) bool
	// enter opens the selected row (Enter on an empty scan field).
	enter()
}

// screenDef is a screen's place in the navigation.
type screenDef struct {
	id    string
	key   fyne.KeyName
	build func(u *UI) screen
	// ctrl: reached by Ctrl+key instead of a bare F-key.
	ctrl bool
	// when, if set, says whether the screen exists in this window (e.g.
	// Loyalty only with the loyalty service).
	when func(u *UI) bool
}

// label is the key shown on the screen's navigation button.
func (d screenDef) label() string {
	if d.ctrl {
		return "Ctrl+" + string(d.key)
	}
	return string(d.key)
}

// screenDefs is the navigation order; F1–F8 reach them.
var screenDefs = []screenDef{
	{"counter", fyne.KeyF1, func(u *UI) screen { return newCounterScreen(u) }, false, nil},
	{"accept", fyne.KeyF2, func(u *UI) screen { return newAcceptScreen(u) }, false, nil},
	{"issue", fyne.KeyF3, func(u *UI) screen { return newIssueScreen(u) }, false, nil},
	{"returns", fyne.KeyF4, func(u *UI) screen { return newReturnsScreen(u) }, false, nil},
	{"stock", fyne.KeyF5, func(u *UI) screen { return newStockScreen(u) }, false, nil},
	{"search", fyne.KeyF6, func(u *UI) screen { return newSearchScreen(u) }, false, nil},
	{"inventory", fyne.KeyF7, func(u *UI) screen { return newInventoryScreen(u) }, false, nil},
	{"settings", fyne.KeyF8, func(u *UI) screen { return newSettingsScreen(u) }, false, nil},
	{"loyalty", keyLoyalty, func(u *UI) screen { return newLoyaltyScreen(u) }, true, func(u *UI) bool { return u.loy != nil }},
}

// keyLoyalty opens the Loyalty screen (Ctrl+L).
const keyLoyalty = fyne.KeyL

// Keys for the counter-wide actions.
const (
	keyShift = fyne.KeyF11 // open / close the shift
	keyLock  = fyne.KeyF12 // lock the counter
)

// shell is the logged-in window: navigation, scan field, the current
// screen and the status bar.
type shell struct {
	u       *UI
	sink    *Entry
	screens map[string]screen
	nav     map[string]*widget.Button
	current string
	status  *statusBar
	shiftB  *widget.Button
	obj     fyne.CanvasObject
}

// enterShell builds the screens for the logged-in clerk and shows Counter.
func (u *UI) enterShell() {
	s := &shell{u: u, screens: map[string]screen{}, nav: map[string]*widget.Button{}}
	u.shell = s
	u.login = nil
	s.sink = u.newEntry(u.T("scan.placeholder"))
	s.sink.OnEnter = func(text string) {
		s.sink.SetText("")
		if strings.TrimSpace(text) == "" {
			if l, ok := s.screens[s.current].(lister); ok && u.modal == nil {
				l.enter()
			}
			return
		}
		u.router.dispatch(text, true)
	}
	s.sink.OnKey = func(n fyne.KeyName) bool {
		l, ok := s.screens[s.current].(lister)
		return ok && u.modal == nil && l.nav(n)
	}
	s.status = newStatusBar(u)

	var navItems []fyne.CanvasObject
	var views []fyne.CanvasObject
	for _, d := range screenDefs {
		if d.when != nil && !d.when(u) {
			continue
		}
		sc := d.build(u)
		s.screens[d.id] = sc
		b := widget.NewButton(d.label()+" "+u.T("screen."+d.id), func() { s.show(d.id) })
		s.nav[d.id] = b
		navItems = append(navItems, b)
		v := sc.view()
		v.Hide()
		views = append(views, v)
	}
	s.shiftB = widget.NewButton("", func() { u.toggleShift() })
	lock := widget.NewButton(string(keyLock)+" "+u.T("shell.lock"), func() { u.lock() })
	navItems = append(navItems, widget.NewSeparator(), s.shiftB, lock)

	top := container.NewVBox(
		container.NewHScroll(container.NewHBox(navItems...)),
		container.NewBorder(nil, nil, widget.NewLabel(u.T("scan.label")), nil, s.sink),
	)
	s.obj = container.NewBorder(top, container.NewVBox(widget.NewSeparator(), s.status.obj), nil, nil,
		container.NewPadded(container.NewStack(views...)))
	u.win.SetContent(s.obj)
	s.refreshShift()
	s.show("counter")
	u.router.drain()
}

// show switches to screen id.
func (s *shell) show(id string) {
	sc, ok := s.screens[id]
	if !ok {
		return
	}
	if cur := s.screens[s.current]; cur != nil {
		cur.view().Hide()
		s.nav[s.current].Importance = widget.MediumImportance
		s.nav[s.current].Refresh()
	}
	s.current = id
	s.nav[id].Importance = widget.HighImportance
	s.nav[id].Refresh()
	sc.view().Show()
	sc.shown()
	s.u.refocus()
}

// open shows screen id and returns it for a hand-over (e.g. Counter
// passing a customer to Issue).
func (s *shell) open(id string) screen {
	s.show(id)
	return s.screens[id]
}

func (s *shell) scan(raw string, manual bool) { s.screens[s.current].scan(raw, manual) }

func (s *shell) command(n fyne.KeyName) bool {
	for _, d := range screenDefs {
		if d.key == n && !d.ctrl {
			s.show(d.id)
			return true
		}
	}
	switch n {
	case keyShift:
		s.u.toggleShift()
		return true
	case keyLock:
		s.u.lock()
		return true
	}
	return s.screens[s.current].key(n)
}

func (s *shell) escape() {
	if s.screens[s.current].back() {
		return
	}
	if s.current != "counter" {
		s.show("counter")
	}
}

func (s *shell) refreshShift() {
	u := s.u
	if u.sess != nil && u.sess.ShiftID() != 0 {
		s.shiftB.SetText(string(keyShift) + " " + u.T("shell.shift_close"))
	} else {
		s.shiftB.SetText(string(keyShift) + " " + u.T("shell.shift_open"))
	}
	s.status.refresh()
}
