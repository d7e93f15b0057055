package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
)

// statusBar shows who works, which shift, whether the database is well,
// devices and sync (filled in by their issues), and waiting scans.
type statusBar struct {
	u                                  *UI
	clerk, shift, db, device, sync, qd *widget.Label
	obj                                fyne.CanvasObject
}

func newStatusBar(u *UI) *statusBar {
	s := &statusBar{u: u}
	for _, l := range []**widget.Label{&s.clerk, &s.shift, &s.db, &s.device, &s.sync, &s.qd} {
		*l = widget.NewLabel("")
	}
	s.setDevices(u.devices)
	s.setCloud()
	sep := func() fyne.CanvasObject { return widget.NewSeparator() }
	s.obj = container.NewHBox(s.clerk, sep(), s.shift, sep(), s.db, sep(), s.device, sep(), s.sync, sep(), s.qd)
	s.refresh()
	return s
}

func (s *statusBar) refresh() {
	u := s.u
	if u.sess != nil {
		s.clerk.SetText(u.T("bar.clerk", "Name", u.sess.Name(), "Role", u.T(roleKey(u.sess.Role()))))
		if id := u.sess.ShiftID(); id != 0 {
			s.shift.SetText(u.T("bar.shift_open", "ID", id))
		} else {
			s.shift.SetText(u.T("bar.shift_none"))
		}
	}
	s.db.SetText(u.T(u.dbState))
	s.setQueued(len(u.router.queue))
}

func (s *statusBar) setQueued(n int) {
	if n == 0 {
		s.qd.SetText("")
		return
	}
	s.qd.SetText(s.u.p.N("scan.queued", n))
}

// setDevices shows the devices in one label: all well in a word, else
// the first one needing attention (in the warning colour).
func (s *statusBar) setDevices(ds []DeviceState) {
	u := s.u
	s.device.Importance = widget.MediumImportance
	switch {
	case len(ds) == 0:
		s.device.SetText(u.T("bar.devices_none"))
		return
	}
	for _, d := range ds {
		if !d.healthy() {
			s.device.Importance = widget.WarningImportance
			s.device.SetText(u.T("bar.device_problem", "Device", u.deviceLine(d)))
			return
		}
	}
	s.device.SetText(u.p.N("bar.devices_ok", len(ds)))
}

// setCloud shows the cloud sync: not connected, online with the events
// waiting and the last sync, or unreachable with the next try; in the
// warning colour when someone should look (cloud.go).
func (s *statusBar) setCloud() {
	text, imp := s.u.cloudBar()
	s.sync.Importance = imp
	s.sync.SetText(text)
}

func roleKey(r counter.Role) string { return "cli.role." + string(r) }
