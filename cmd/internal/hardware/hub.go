package hardware

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"smartpoint/app/counter"
	"smartpoint/app/printing"
	"smartpoint/device/printer"
	"smartpoint/ui"
)

// Hub is this PC's scanners and printers. It is the window's ui.Hardware
// (and so its ui.Printers) and the print queue's printing.Sender.
type Hub struct {
	svc   *counter.Service
	queue *printing.Queue
	opt   Options

	life sync.Mutex // one Start, Apply restart or Stop at a time

	mu      sync.Mutex // guards the fields below, held briefly
	cfg     Config
	rig     *rig // the running devices; nil before Start and after Stop
	ctx     context.Context
	cancel  context.CancelFunc
	started bool
	stopped bool

	kick     chan struct{} // a report is due
	reporter sync.WaitGroup
}

// The interfaces cmd wires the Hub into.
var (
	_ ui.Hardware     = (*Hub)(nil)
	_ printing.Sender = (*Hub)(nil)
)

var (
	errNotRunning      = errors.New("hardware: devices are not running")
	errStartedTwice    = errors.New("hardware: Start called twice")
	errStartAfterClose = errors.New("hardware: Start after Stop")
)

// New makes the Hub for the counter svc; queue is the print queue whose
// waiting jobs the printers' states count (nil: none counted). Nothing
// runs until Start.
func New(svc *counter.Service, queue *printing.Queue, opt Options) *Hub {
	return &Hub{svc: svc, queue: queue, opt: opt.withDefaults(), cfg: Config{Version: Version}, kick: make(chan struct{}, 1)}
}

// Start reads the stored set-up and runs it until ctx ends or Stop. A
// set-up that cannot be read is logged and the counter runs without
// devices (Settings → Devices can set them up again): only misuse (a
// second Start, Start after Stop) is an error.
func (h *Hub) Start(ctx context.Context) error {
	h.life.Lock()
	defer h.life.Unlock()
	h.mu.Lock()
	switch {
	case h.stopped:
		h.mu.Unlock()
		return errStartAfterClose
	case h.started:
		h.mu.Unlock()
		return errStartedTwice
	}
	h.started = true
	h.ctx, h.cancel = context.WithCancel(ctx)
	h.mu.Unlock()

	cfg := h.load(ctx)
	h.reporter.Go(h.report)
	r := newRig(h.ctx, cfg, h.opt)
	h.mu.Lock()
	h.cfg, h.rig = cfg, r
	h.mu.Unlock()
	r.start(h.opt, h.Refresh)
	h.opt.Log.Info("devices started", "scanners", len(cfg.Scanners), "printers", len(cfg.Printers))
	h.Refresh()
	return nil
}

// load reads the stored set-up; anything unreadable is no devices.
func (h *Hub) load(ctx context.Context) Config {
	raw, err := h.svc.DeviceSettings(ctx)
	if err != nil {
		h.opt.Log.Error("device set-up not read; starting without devices", "err", err)
		return Config{Version: Version}
	}
	cfg, err := decodeConfig(raw)
	if err != nil {
		h.opt.Log.Error("device set-up unreadable; starting without devices", "err", err)
		return Config{Version: Version}
	}
	if cfg.Version > Version {
		h.opt.Log.Warn("device set-up written by a newer version; using what this one knows", "version", cfg.Version)
	}
	return cfg
}

// Stop ends every device service and waits for its goroutines; jobs in
// flight are abandoned and stay queued. It may be called more than once.
func (h *Hub) Stop() {
	h.life.Lock()
	defer h.life.Unlock()
	h.mu.Lock()
	r, cancel := h.rig, h.cancel
	h.rig, h.stopped = nil, true
	h.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if r != nil {
		r.stop()
	}
	h.reporter.Wait()
}

// Setup is the set-up in use (empty before Start).
func (h *Hub) Setup() ui.HardwareSetup {
	h.mu.Lock()
	defer h.mu.Unlock()
	return toSetup(h.cfg)
}

// config is the set-up in use as stored. It is replaced, never changed in
// place, so the copy may be read without the lock.
func (h *Hub) config() Config {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.cfg
}

// Apply checks a set-up from Settings → Devices, saves it with sess (the
// service refuses anyone below manager: counter.ErrForbidden) and runs it
// in place of the old one. A set-up that cannot work is refused with
// counter.ErrInvalid naming the entry, and nothing is saved or changed.
func (h *Hub) Apply(ctx context.Context, sess *counter.Session, s ui.HardwareSetup) error {
	h.life.Lock()
	defer h.life.Unlock()
	cfg, err := fromSetup(s, h.config(), h.opt.Host)
	if err != nil {
		return err
	}
	raw, err := cfg.encode()
	if err != nil {
		return err
	}
	if err := h.svc.SaveDeviceSettings(ctx, sess, raw); err != nil {
		return fmt.Errorf("save device set-up: %w", err)
	}
	h.mu.Lock()
	h.cfg = cfg
	running := h.started && !h.stopped
	h.mu.Unlock()
	h.opt.Log.Info("device set-up saved", "scanners", len(cfg.Scanners), "printers", len(cfg.Printers))
	if running {
		h.restart(cfg)
	}
	return nil
}

// restart replaces the running devices. The new printers are in place
// before the old ones retire, so a job caught on an old one moves over at
// once; the old scanners release their ports before the new ones look.
func (h *Hub) restart(cfg Config) {
	h.mu.Lock()
	old := h.rig
	r := newRig(h.ctx, cfg, h.opt)
	h.rig = r
	h.mu.Unlock()
	if old != nil {
		old.stop()
	}
	r.start(h.opt, h.Refresh)
	h.Refresh()
}

// Presets lists the printer models the set-up can start from.
func (h *Hub) Presets() []ui.PrinterPreset {
	var out []ui.PrinterPreset
	for _, p := range printer.Presets() {
		out = append(out, ui.PrinterPreset{ID: p.ID, Name: p.Name, Label: p.Kind == printer.KindLabel})
	}
	return out
}

// running is the current rig, nil when devices are not running.
func (h *Hub) running() *rig {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.rig
}
