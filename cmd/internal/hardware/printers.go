package hardware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"smartpoint/device/escpos"
	"smartpoint/device/printer"
	"smartpoint/ui"
)

// errRetired: the printer was replaced by a new set-up while a job waited
// for it; the job goes to the replacement.
var errRetired = errors.New("printer replaced by a new set-up")

// device is one configured printer with its transport. Its lock is its
// own, so one printer's slow job never holds up another's.
type device struct {
	cfg    PrinterConfig
	log    *slog.Logger
	host   printer.Host
	polled bool // an ESC/POS printer on a two-way link: it has a status to ask

	mu      sync.Mutex // one job or status query at a time on the transport
	tr      printer.Transport
	openErr error // why the transport could not be built
	retired bool

	stMu  sync.Mutex // the state, read by reports without waiting for a job
	state string
	port  string
}

// openDevice builds the printer's transport; nothing is dialled yet. A
// printer whose transport cannot be built stays in the set-up, offline,
// so the clerk sees it and its jobs wait.
func openDevice(cfg PrinterConfig, host printer.Host, log *slog.Logger) *device {
	d := &device{cfg: cfg, host: host, log: log.With("printer", cfg.ID), port: cfg.Transport.Address}
	d.tr, d.openErr = host.Open(cfg.Config)
	switch {
	case d.openErr != nil:
		d.log.Error("printer cannot be opened", "err", d.openErr)
		d.state = ui.DeviceOffline
	case hasStatus(cfg):
		d.polled, d.state = true, ui.DeviceConnecting
	default:
		d.state = ui.DeviceUnknown
	}
	return d
}

// hasStatus reports whether the printer answers DLE EOT: ESC/POS over a
// link that carries bytes back. Files, the Windows spooler and label
// languages do not.
func hasStatus(c PrinterConfig) bool {
	if c.Kind != printer.KindReceipt {
		return false
	}
	switch c.Transport.Kind {
	case printer.TransportTCP, printer.TransportSerial, printer.TransportUSB:
		return true
	}
	return false
}

// send prints one job: status first, then the bytes (printer.Print), so a
// printer out of paper keeps the job instead of swallowing it. stop is
// the set-up's lifetime: when it ends the job is abandoned and errRetired
// says to send it on the replacement.
func (d *device) send(ctx, stop context.Context, data []byte, timeout time.Duration) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.retired {
		return errRetired
	}
	if d.openErr != nil {
		return fmt.Errorf("printer %s: %w", d.cfg.Name, d.openErr)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	unhook := context.AfterFunc(stop, cancel)
	defer unhook()
	err := printer.Print(ctx, d.tr, data)
	if err != nil && stop.Err() != nil {
		return errRetired
	}
	d.setState(sendState(d.current(), d.polled, err), err)
	if err != nil {
		return fmt.Errorf("printer %s: %w", d.cfg.Name, err)
	}
	return nil
}

// probe asks the printer its status, unless a job is on its way (the job
// reports the state itself).
func (d *device) probe(ctx context.Context) {
	if !d.mu.TryLock() {
		return
	}
	defer d.mu.Unlock()
	if d.retired || d.openErr != nil {
		return
	}
	if !d.cfg.Transport.Match.IsZero() {
		// A USB device found by its IDs: show where it is now.
		if t, err := d.host.Locate(d.cfg.Config); err == nil {
			d.setPort(t.Address)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, statusTimeout)
	defer cancel()
	st, err := d.tr.Status(ctx)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return // stopping
	}
	d.setState(statusState(st, err), err)
}

// retire closes the transport once no job uses it; later sends get
// errRetired.
func (d *device) retire() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.retired {
		return
	}
	d.retired = true
	if d.tr != nil {
		if err := d.tr.Close(); err != nil {
			d.log.Warn("printer close", "err", err)
		}
	}
}

func (d *device) current() string {
	d.stMu.Lock()
	defer d.stMu.Unlock()
	return d.state
}

// setState records the printer's state and logs a change: the log then
// tells when a printer ran out of paper or went away.
func (d *device) setState(s string, cause error) {
	d.stMu.Lock()
	old := d.state
	d.state = s
	d.stMu.Unlock()
	if old == s {
		return
	}
	switch s {
	case ui.DeviceReady, ui.DeviceUnknown, ui.DeviceConnecting:
		d.log.Info("printer "+s, "was", old)
	default:
		d.log.Warn("printer "+s, "was", old, "err", cause)
	}
}

func (d *device) setPort(p string) {
	d.stMu.Lock()
	defer d.stMu.Unlock()
	d.port = p
}

// snapshot is the printer's line in the status bar (Waiting is added by
// the report).
func (d *device) snapshot() ui.DeviceState {
	d.stMu.Lock()
	defer d.stMu.Unlock()
	return ui.DeviceState{Kind: "printer", Name: d.cfg.Name, State: d.state, Port: d.port}
}

// statusState is what a status answer means for the clerk. Paper and
// cover first: those the clerk can fix.
func statusState(st escpos.Status, err error) string {
	switch {
	case errors.Is(err, printer.ErrNoStatus):
		return ui.DeviceUnknown
	case err != nil:
		return ui.DeviceOffline
	case st.PaperOut:
		return ui.DevicePaperOut
	case st.CoverOpen:
		return ui.DeviceCoverOpen
	case st.Offline, st.Error:
		return ui.DeviceOffline
	case st.PaperLow:
		return ui.DevicePaperLow
	}
	return ui.DeviceReady
}

// sendState is the state a job's outcome shows. A printed job proves the
// printer ready, except that it tells nothing new about a printer that
// never answers its status or whose roll is nearly out.
func sendState(prev string, polled bool, err error) string {
	switch {
	case err == nil && !polled:
		return ui.DeviceUnknown
	case err == nil && (prev == ui.DeviceUnknown || prev == ui.DevicePaperLow):
		return prev
	case err == nil:
		return ui.DeviceReady
	case errors.Is(err, printer.ErrPaperOut):
		return ui.DevicePaperOut
	case errors.Is(err, printer.ErrCoverOpen):
		return ui.DeviceCoverOpen
	case errors.Is(err, context.Canceled):
		return prev // the queue stopped: nothing learnt
	}
	return ui.DeviceOffline
}
