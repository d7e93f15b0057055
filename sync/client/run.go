package client

import (
	"context"
	"math/rand/v2"
	"time"

	"smartpoint/app/errs"
)

// maxRetryAfter caps how long a Retry-After can park the client.
const maxRetryAfter = time.Hour

// Start runs rounds in the background until Stop or ctx ends: one at
// once, then after every committed write of the counter, every
// PullInterval, and after a failure when the backoff has passed (commits
// do not cut a backoff short; Kick does). It returns at once; calling it
// while running does nothing.
func (c *Client) Start(ctx context.Context) {
	c.run.Lock()
	defer c.run.Unlock()
	if c.run.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	c.run.cancel, c.run.done = cancel, done
	commits, unsubscribe := c.svc.Commits()
	select {
	case <-c.kick: // the loop starts with a round anyway
	default:
	}
	go func() {
		defer close(done)
		defer unsubscribe()
		c.loop(ctx, commits)
	}()
}

// Stop ends the background rounds, cancelling a running one (its
// transactions roll back; nothing is lost), and waits for it at most
// Options.StopWait. It reports whether the loop ended in time.
func (c *Client) Stop() bool {
	c.run.Lock()
	cancel, done := c.run.cancel, c.run.done
	c.run.cancel, c.run.done = nil, nil
	c.run.Unlock()
	if cancel == nil {
		return true
	}
	cancel()
	select {
	case <-done:
		return true
	case <-time.After(c.opt.StopWait):
		c.log.Warn("sync: the background round did not stop in time")
		return false
	}
}

// Kick asks the background loop for a round now, even during a backoff
// (a "sync now" button, a new registration). It never blocks.
func (c *Client) Kick() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *Client) loop(ctx context.Context, commits <-chan struct{}) {
	failures := 0
	waiting := false // backing off or unregistered: commits only update the count
	var timer <-chan time.Time
	due := true
	for {
		if due {
			due = false
			_, err := c.Round(ctx)
			if ctx.Err() != nil {
				return
			}
			switch {
			case err == nil:
				failures, waiting = 0, false
				timer = c.opt.After(c.opt.PullInterval)
			case errs.Has(err, ErrNotRegistered):
				failures, waiting = 0, true
				timer = nil // until Register kicks
			default:
				failures++
				waiting = true
				d := c.backoff(failures, err)
				next := c.opt.Clock.Now().Add(d)
				c.update(func(s *Status) { s.NextTry = next })
				timer = c.opt.After(d)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-commits:
			if waiting {
				if err := c.refreshStatus(ctx); err != nil && ctx.Err() == nil {
					c.log.Warn("sync: read state", "err", err)
				}
			} else {
				due = true
			}
		case <-c.kick:
			due = true
		case <-timer:
			due = true
		}
	}
}

// backoff is the wait after the n-th failure in a row: what the server
// asked for (Retry-After), else exponential from BackoffMin to BackoffMax
// with full jitter (uniform between BackoffMin and the ceiling, so many
// counters that lost the network together do not come back together).
// Errors a retry cannot mend soon (update needed, tokens refused) wait
// the longest.
func (c *Client) backoff(n int, err error) time.Duration {
	if ra := retryAfterOf(err); ra > 0 {
		return min(ra, maxRetryAfter)
	}
	lo, hi := c.opt.BackoffMin, c.opt.BackoffMax
	switch errs.CodeOf(err) {
	case ErrUpdateNeeded, ErrUnauthorized, ErrConflict:
		return hi
	}
	ceil := lo
	for i := 1; i < n && ceil < hi; i++ {
		ceil *= 2
	}
	ceil = min(ceil, hi)
	return lo + time.Duration(rand.Int64N(int64(ceil-lo)+1))
}
