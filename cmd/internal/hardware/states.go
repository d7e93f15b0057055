package hardware

import (
	"context"

	"smartpoint/ui"
)

// States is every configured device's state: scanners, then printers, in
// set-up order, each printer with the jobs waiting for it in the queue.
// Before Start and after Stop there are none.
func (h *Hub) States(ctx context.Context) []ui.DeviceState {
	r := h.running()
	if r == nil {
		return nil
	}
	out := r.scanners.snapshot()
	waiting := h.waiting(ctx)
	for _, d := range r.printers {
		st := d.snapshot()
		st.Waiting = waiting[d.cfg.ID]
		out = append(out, st)
	}
	return out
}

// waiting counts the queue's unprinted jobs per printer. A failed count
// shows none waiting rather than no states at all.
func (h *Hub) waiting(ctx context.Context) map[string]int {
	if h.queue == nil {
		return nil
	}
	jobs, err := h.queue.Waiting(ctx)
	if err != nil {
		if ctx.Err() == nil {
			h.opt.Log.Warn("count waiting print jobs", "err", err)
		}
		return nil
	}
	n := map[string]int{}
	for _, j := range jobs {
		n[j.Printer]++
	}
	return n
}

// Refresh has the states reported again soon, from the Hub's reporter:
// cmd sets it as the print queue's OnChange. It never blocks, so the
// queue and the window may call it from any goroutine; changes that come
// in a burst make one report.
func (h *Hub) Refresh() {
	select {
	case h.kick <- struct{}{}:
	default: // a report is already due and will see this change too
	}
}

// report hands the states to OnStates after each Refresh until the Hub
// stops. One goroutine reports, so the window never gets an older list
// after a newer one.
func (h *Hub) report() {
	h.mu.Lock()
	ctx := h.ctx
	h.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.kick:
		}
		states := h.States(ctx)
		if h.opt.OnStates != nil && ctx.Err() == nil {
			h.opt.OnStates(states)
		}
	}
}
