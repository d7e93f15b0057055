package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"smartpoint/device/wedge"
)

// keyboard turns key presses from any source (the scan field, form
// fields, the bare canvas while a dialog is open) into scans, manual
// entries and commands. One decoder serves all sources, so a scan is
// caught whatever has focus.
type keyboard struct {
	u      *UI
	dec    *wedge.Decoder
	canvas fyne.Canvas
	typed  []rune // what was typed while no field had focus
}

func newKeyboard(u *UI) *keyboard {
	return &keyboard{u: u, dec: wedge.New(wedge.DefaultConfig())}
}

// attach catches keys that reach no widget: nothing focused, or a dialog
// without a focused field.
func (k *keyboard) attach(c fyne.Canvas) {
	k.canvas = c
	c.SetOnTypedRune(k.canvasRune)
	c.SetOnTypedKey(k.canvasKey)
	for _, mod := range []fyne.KeyModifier{fyne.KeyModifierControl, fyne.KeyModifierSuper} {
		for _, key := range []fyne.KeyName{keyPrintQueue, keyLoyalty, keyEnrol, keyRedeem, keyShowCard} {
			c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(s fyne.Shortcut) { k.u.shortcut(s) })
		}
	}
}

// rune feeds one typed character; it reports a scan that a configured
// suffix finished.
func (k *keyboard) rune(r rune) (wedge.Result, bool) {
	k.u.touch()
	return k.dec.Rune(r, k.u.now())
}

// enter classifies an Enter press: the end of a scanner burst or a
// person's Enter.
func (k *keyboard) enter() wedge.Result {
	k.u.touch()
	return k.dec.Enter(k.u.now())
}

func (k *keyboard) canvasRune(r rune) {
	if m := k.u.modal; m == nil {
		if f := k.u.focusTarget(); f != nil {
			// Typing on an empty canvas goes into the scan field.
			k.canvas.Focus(f)
			f.TypedRune(r)
			return
		}
	}
	k.typed = append(k.typed, r)
	if res, ok := k.rune(r); ok {
		k.typed = k.typed[:max(0, len(k.typed)-res.Typed)]
		k.u.router.dispatch(res.Text, false)
	}
}

func (k *keyboard) canvasKey(ev *fyne.KeyEvent) {
	if w := k.u.wizard; w != nil && k.u.modal == nil && ev.Name != fyne.KeyReturn && ev.Name != fyne.KeyEnter && w.key(ev.Name) {
		return
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		res := k.enter()
		typed := string(k.typed)
		k.typed = k.typed[:0]
		switch res.Kind {
		case wedge.Scan:
			k.u.router.dispatch(res.Text, false)
		case wedge.Trailer:
			// A scanner's second terminator must not answer a dialog.
		default:
			if k.u.modal != nil {
				k.u.modal.enter()
			} else if k.u.wizard != nil {
				k.u.wizard.key(ev.Name)
			} else if typed != "" {
				k.u.router.dispatch(typed, true)
			}
		}
	case fyne.KeyEscape:
		k.u.escape()
	case fyne.KeyBackspace:
		if n := len(k.typed); n > 0 {
			k.typed = k.typed[:n-1]
		}
	default:
		k.u.command(ev.Name)
	}
}

// command runs the F-key commands: screens and the screen's own actions.
// It reports whether the key was used.
func (u *UI) command(name fyne.KeyName) bool {
	u.touch()
	if u.modal != nil {
		return u.modal.key(name)
	}
	if u.shell == nil {
		return u.login != nil && u.login.command(name)
	}
	return u.shell.command(name)
}

// escape closes the dialog or steps back on the current screen.
func (u *UI) escape() {
	u.touch()
	if u.modal != nil {
		u.modal.cancel()
		return
	}
	if u.shell != nil {
		u.shell.escape()
		return
	}
	if u.wizard != nil {
		u.wizard.back()
	}
}

// focusTarget is the field that should hold focus: the current screen's
// scan field, or the PIN field when locked.
func (u *UI) focusTarget() fyne.Focusable {
	switch {
	case u.shell != nil:
		return u.shell.sink
	case u.login != nil:
		return u.login.pin
	}
	return nil
}

// refocus puts focus back on the scan (or PIN) field, e.g. after a dialog.
func (u *UI) refocus() {
	if f := u.focusTarget(); f != nil && u.modal == nil {
		u.win.Canvas().Focus(f)
	}
}

// since is used by the scan-to-paint measurement.
func (u *UI) since(t time.Time) time.Duration { return u.now().Sub(t) }

// shortcut runs a window-wide shortcut; it reports whether s was one.
func (u *UI) shortcut(s fyne.Shortcut) bool {
	cs, ok := s.(*desktop.CustomShortcut)
	if !ok || cs.Modifier&(fyne.KeyModifierControl|fyne.KeyModifierSuper) == 0 {
		return false
	}
	switch cs.KeyName {
	case keyPrintQueue:
		if u.shell != nil && u.modal == nil {
			u.touch()
			u.showPrintQueue()
		}
		return true
	case keyLoyalty:
		if u.shell != nil && u.modal == nil && u.shell.screens["loyalty"] != nil {
			u.touch()
			u.shell.show("loyalty")
		}
		return true
	}
	if u.shell == nil || u.modal != nil {
		return false
	}
	if ck, ok := u.shell.screens[u.shell.current].(ctrlKeyer); ok && ck.ctrlKey(cs.KeyName) {
		u.touch()
		return true
	}
	return false
}
