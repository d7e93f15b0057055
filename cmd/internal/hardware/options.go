package hardware

import (
	"log/slog"
	"time"

	"smartpoint/device/printer"
	"smartpoint/device/serialscan"
	"smartpoint/ui"
)

// Options are the Hub's collaborators; the zero value runs on this
// machine's devices and reports nowhere.
type Options struct {
	// Log gets connects, losses and failed jobs; codes read by a scanner
	// only at debug level. Nil: slog.Default().
	Log *slog.Logger
	// OnScan gets each serial scanner's code (cmd: (*ui.UI).Scan). It is
	// called on one goroutine, in order.
	OnScan func(ui.DeviceScan)
	// OnStates gets every device's state after each change (cmd:
	// (*ui.UI).SetDevices). It is called on one goroutine, newest last.
	OnStates func([]ui.DeviceState)

	// Host is where printers are found and opened; zero: this machine.
	Host printer.Host
	// Enumerator lists serial ports for the scanners and for Detect; nil:
	// the system's (Detect then probes USB devices for their names).
	Enumerator serialscan.Enumerator
	// ScannerClock gives the scanner services their timers (reconnect
	// backoff, re-enumeration); nil: the wall clock.
	ScannerClock serialscan.Clock

	// StatusEvery is how often ESC/POS printers are asked their status;
	// 0: DefaultStatusEvery.
	StatusEvery time.Duration
	// NewTicker makes the status poller's ticker and its stop function;
	// nil: time.NewTicker. Tests pass a channel they fire themselves.
	NewTicker func(d time.Duration) (tick <-chan time.Time, stop func())
	// SendTimeout bounds one job on one printer; 0: DefaultSendTimeout.
	SendTimeout time.Duration
}

// Defaults.
const (
	// DefaultStatusEvery: often enough that the status bar notices an
	// empty roll between two customers, rare enough to cost nothing.
	DefaultStatusEvery = 10 * time.Second
	// DefaultSendTimeout: a receipt is a few kilobytes and takes a second;
	// a printer that has not taken it in 15 s is not going to.
	DefaultSendTimeout = 15 * time.Second
	// statusTimeout bounds one status round: dial (3 s) plus three answers.
	statusTimeout = 5 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.StatusEvery <= 0 {
		o.StatusEvery = DefaultStatusEvery
	}
	if o.NewTicker == nil {
		o.NewTicker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = DefaultSendTimeout
	}
	return o
}
