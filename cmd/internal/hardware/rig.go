package hardware

import (
	"context"
	"sync"
)

// rig is one set-up's running devices: built whole from a Config,
// replaced whole by the next one.
type rig struct {
	cfg      Config
	printers []*device // set-up order
	byID     map[string]*device
	scanners *scanners

	ctx    context.Context // ends when the rig is retired: cancels its jobs and status queries
	cancel context.CancelFunc
	wg     sync.WaitGroup // the status poller and the scan forwarder
}

// newRig opens the printers' transports (which touches no device) and
// prepares the scanners; nothing runs until start.
func newRig(parent context.Context, cfg Config, opt Options) *rig {
	r := &rig{cfg: cfg, byID: map[string]*device{}, scanners: newScanners(cfg.Scanners, opt.Log)}
	r.ctx, r.cancel = context.WithCancel(parent)
	for _, p := range cfg.Printers {
		d := openDevice(p, opt.Host, opt.Log)
		r.printers = append(r.printers, d)
		r.byID[p.ID] = d
	}
	return r
}

// start runs the scanners and the status poller; changed is called after
// every state change.
func (r *rig) start(opt Options, changed func()) {
	r.scanners.start(r.ctx, opt, changed, &r.wg)
	if r.anyPolled() {
		r.wg.Go(func() { r.poll(opt, changed) })
	}
}

func (r *rig) anyPolled() bool {
	for _, d := range r.printers {
		if d.polled {
			return true
		}
	}
	return false
}

// poll asks every two-way ESC/POS printer its status now and then at each
// tick, all printers at once so one that does not answer delays no other.
func (r *rig) poll(opt Options, changed func()) {
	tick, stop := opt.NewTicker(opt.StatusEvery)
	defer stop()
	for {
		var wg sync.WaitGroup
		for _, d := range r.printers {
			if d.polled {
				wg.Go(func() { d.probe(r.ctx) })
			}
		}
		wg.Wait()
		if r.ctx.Err() != nil {
			return
		}
		changed()
		select {
		case <-r.ctx.Done():
			return
		case <-tick:
		}
	}
}

// stop ends the scanners and the poller, abandons jobs in flight (their
// senders retry on the next rig) and closes the transports.
func (r *rig) stop() {
	r.cancel()
	r.scanners.stop()
	r.wg.Wait()
	for _, d := range r.printers {
		d.retire()
	}
}
