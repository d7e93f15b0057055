package printer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"smartpoint/device/escpos"
)

// DefaultStatusTimeout is how long a status query waits for each answer
// byte. A printer that answers does so within a few milliseconds; one
// that never will must not hold up the print queue.
const DefaultStatusTimeout = 500 * time.Millisecond

// statusQueries are the DLE EOT n asked, in order: printer (offline),
// offline cause (cover, paper stop, error), roll paper sensor.
var statusQueries = []byte{escpos.StatusPrinter, escpos.StatusOffline, escpos.StatusPaper}

// errNoAnswer is a link's "nothing arrived before the deadline".
var errNoAnswer = errors.New("no answer")

// byteLink is a bidirectional connection status queries run over.
type byteLink interface {
	send(b []byte) error
	// recvByte waits until deadline for one byte; errNoAnswer if none came.
	recvByte(deadline time.Time) (byte, error)
}

// queryStatus asks DLE EOT 1, 2 and 4 over l and folds the answers. Bytes
// that are not a status answer (an Automatic Status Back packet, XON)
// are skipped until the answer or the deadline.
func queryStatus(ctx context.Context, l byteLink, device string, timeout time.Duration) (escpos.Status, error) {
	if timeout <= 0 {
		timeout = DefaultStatusTimeout
	}
	var st escpos.Status
	for _, n := range statusQueries {
		if err := ctx.Err(); err != nil {
			return st, classify(ctx, "status", device, err)
		}
		if err := l.send(escpos.StatusQuery(n)); err != nil {
			return st, classify(ctx, "status", device, err)
		}
		deadline := time.Now().Add(timeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		for answered := false; !answered; {
			b, err := l.recvByte(deadline)
			switch {
			case errors.Is(err, errNoAnswer) && ctx.Err() == nil:
				return st, fail("status", device, ErrNoStatus, fmt.Errorf("no answer to DLE EOT %d within %v", n, timeout))
			case err != nil:
				return st, classify(ctx, "status", device, err)
			}
			st, answered = escpos.ParseStatus(st, n, b)
		}
	}
	return st, nil
}

// past is a deadline that has passed: setting it fails blocked I/O now.
var past = time.Unix(1, 0)

// deadlines applies I/O deadlines to a connection or device file and
// makes ctx cancellation stick: once ctx is done every deadline set is in
// the past, so a later "extend the deadline" cannot undo the cancel.
type deadlines struct {
	mu   sync.Mutex
	done bool
	set  func(time.Time) error
	stop func() bool
}

// watchDeadlines calls set(past) as soon as ctx is done. Call release
// when the I/O is over.
func watchDeadlines(ctx context.Context, set func(time.Time) error) *deadlines {
	d := &deadlines{set: set}
	d.stop = context.AfterFunc(ctx, func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.done = true
		_ = d.set(past)
	})
	return d
}

// until sets the deadline to t, or to the ctx deadline when that is
// earlier, or to the past when ctx is done.
func (d *deadlines) until(ctx context.Context, t time.Time) error {
	if cd, ok := ctx.Deadline(); ok && cd.Before(t) {
		t = cd
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.done {
		t = past
	}
	return d.set(t)
}

func (d *deadlines) release() { d.stop() }
