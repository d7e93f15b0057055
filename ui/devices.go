package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
)

// Device states as the status bar and Settings → Devices show them; each
// is a translation key "device.state.<state>".
const (
	DeviceConnecting = "connecting"
	DeviceConnected  = "connected"
	DeviceLost       = "disconnected" // was there, went away: waiting for it to come back
	DeviceNotFound   = "not_found"
	DeviceReady      = "ready"     // a printer that answered
	DeviceOffline    = "offline"   // a printer that did not
	DevicePaperOut   = "paper_out" // a printer out of paper
	DeviceCoverOpen  = "cover_open"
	DevicePaperLow   = "paper_low"
	DeviceUnknown    = "unknown" // a one-way printer link: no status to read
)

// DeviceState is one configured device, reported by the wiring (cmd) as
// it changes.
type DeviceState struct {
	Kind    string // "scanner" or "printer"
	Name    string // what the clerk calls it
	State   string // one of the Device* constants
	Port    string // where it is now (COM3, /dev/ttyACM1, 192.168.1.50:9100)
	Waiting int    // printers: jobs waiting in the print queue
}

// healthy is a state the clerk need not act on.
func (d DeviceState) healthy() bool {
	switch d.State {
	case DeviceConnected, DeviceReady, DeviceUnknown, DevicePaperLow:
		return d.Waiting == 0
	}
	return false
}

// DeviceScan is a scan from a serial scanner, with the bytes it sent (the
// Settings test box shows them).
type DeviceScan struct {
	Scanner string
	Code    string
	Raw     []byte
}

// Scan delivers a serial scanner's scan; safe from any goroutine. It
// takes the same road as a keyboard-wedge scan: queued while a dialog is
// open or the counter is locked, routed to the current screen otherwise.
func (u *UI) Scan(s DeviceScan) {
	fyne.Do(func() {
		u.lastScan = s
		u.router.dispatch(s.Code, false)
	})
}

// SetDevices replaces the device states; safe from any goroutine.
func (u *UI) SetDevices(states []DeviceState) {
	states = append([]DeviceState(nil), states...)
	fyne.Do(func() {
		u.devices = states
		if u.shell != nil {
			u.shell.status.setDevices(states)
		}
		for _, f := range []func(){u.onDevices, u.onQueue} {
			if f != nil {
				f()
			}
		}
	})
}

// deviceLine is one device for a list: name, state, where.
func (u *UI) deviceLine(d DeviceState) string {
	line := d.Name + ": " + u.T("device.state."+d.State)
	if d.Waiting > 0 {
		line += " · " + u.p.N("device.waiting", d.Waiting)
	}
	if d.Port != "" {
		line += " (" + d.Port + ")"
	}
	return line
}

// rawBytes shows a scan's bytes as a technician reads them: printable
// characters as they are, the rest as <hex>.
func rawBytes(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "<%02X>", c)
		}
	}
	return sb.String()
}
