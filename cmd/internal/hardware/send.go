package hardware

import (
	"context"
	"errors"
	"fmt"
)

// Send prints one job of the print queue on printer id (printing.Sender).
// It fails, and the queue keeps the job for a retry, when the printer is
// not in the set-up, is out of paper, open or unreachable, or took longer
// than Options.SendTimeout. Jobs for different printers never wait for
// each other.
func (h *Hub) Send(ctx context.Context, id string, data []byte) error {
	defer h.Refresh() // the queue's count and this printer's state changed
	for {
		r := h.running()
		if r == nil || r.ctx.Err() != nil { // stopped, or Start's context ended
			return fmt.Errorf("print on %q: %w", id, errNotRunning)
		}
		d, ok := r.byID[id]
		if !ok {
			h.opt.Log.Warn("print job for a printer not in the device set-up; it waits", "printer", id)
			return fmt.Errorf("print on %q: no such printer in the device set-up", id)
		}
		err := d.send(ctx, r.ctx, data, h.opt.SendTimeout)
		if !errors.Is(err, errRetired) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("print on %q: %w", id, ctx.Err())
		}
		// The set-up changed under the job: send it on the new one.
	}
}
