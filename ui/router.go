package ui

import (
	"strings"

	"fyne.io/fyne/v2"
)

// scanner is a screen that takes scans.
type scanner interface {
	// scan handles one code; manual is true when a person typed it.
	scan(raw string, manual bool)
}

// router hands finished scans to the current screen. While a dialog is
// open or the counter is locked, scans wait in a queue in arrival order
// and are handled when the dialog closes or a clerk logs in: never lost,
// never used to answer a question the clerk has not read.
type router struct {
	u     *UI
	queue []queued
}

type queued struct {
	raw    string
	manual bool
}

func (r *router) dispatch(raw string, manual bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return
	}
	u := r.u
	u.touch()
	if u.modal != nil || u.shell == nil {
		r.queue = append(r.queue, queued{raw, manual})
		u.log.Info("scan queued", "waiting", len(r.queue))
		r.showQueue()
		return
	}
	r.route(raw, manual)
}

func (r *router) route(raw string, manual bool) {
	u := r.u
	at := u.now()
	u.shell.scan(raw, manual)
	if f := u.d.OnPainted; f != nil {
		// Runs after the frame with the result has been drawn.
		fyne.Do(func() { f(raw, u.since(at)) })
	}
}

// drain handles the queued scans once nothing blocks them. A scan that
// opens a dialog stops the drain; the rest wait for that dialog.
func (r *router) drain() {
	u := r.u
	for len(r.queue) > 0 && u.modal == nil && u.shell != nil {
		q := r.queue[0]
		r.queue = r.queue[1:]
		r.route(q.raw, q.manual)
	}
	r.showQueue()
}

func (r *router) showQueue() {
	n := len(r.queue)
	if m := r.u.modal; m != nil {
		m.setQueued(n)
	}
	if l := r.u.login; l != nil {
		l.setQueued(n)
	}
	if s := r.u.shell; s != nil {
		s.status.setQueued(n)
	}
}
