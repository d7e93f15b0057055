package printing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Start runs the workers until ctx ends: jobs a crash left half-sent go
// back to the queue, old finished jobs are pruned, and every printer with
// waiting jobs gets its worker. Wait returns when they have all stopped.
func (q *Queue) Start(ctx context.Context) error {
	now := q.opt.Clock.Now()
	err := q.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'queued' WHERE state = 'printing'`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM print_jobs WHERE state IN ('done','cancelled') AND created_at < ?
			AND id NOT IN (SELECT reprint_of FROM print_jobs WHERE reprint_of IS NOT NULL)`,
			now.Add(-q.opt.Keep).UnixMilli())
		return err
	})
	if err != nil {
		return fmt.Errorf("start print queue: %w", err)
	}
	waiting, err := q.Waiting(ctx)
	if err != nil {
		return err
	}
	q.mu.Lock()
	q.ctx = ctx
	q.mu.Unlock()
	for _, j := range waiting {
		q.wake(j.Printer)
	}
	return nil
}

// Wait blocks until every worker has stopped (after Start's ctx ended).
func (q *Queue) Wait() { q.wg.Wait() }

// wake starts the printer's worker, or nudges it if it waits.
func (q *Queue) wake(printer string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ctx == nil || q.ctx.Err() != nil {
		return // not started: Start picks the job up
	}
	if ch, ok := q.workers[printer]; ok {
		select {
		case ch <- struct{}{}:
		default: // already nudged
		}
		return
	}
	ch := make(chan struct{}, 1)
	q.workers[printer] = ch
	q.wg.Add(1)
	go q.work(q.ctx, printer, ch)
}

// work sends one printer's jobs in order until none waits. A failure
// keeps the job first in line and waits, longer each time, or until the
// clerk asks for a retry.
func (q *Queue) work(ctx context.Context, printer string, wake chan struct{}) {
	defer q.wg.Done()
	defer q.forget(printer, wake)
	backoff := backoffMin
	for {
		j, ok, err := q.next(ctx, printer)
		if err == nil && !ok {
			if q.retire(printer, wake) {
				return
			}
			continue
		}
		if err == nil {
			err = q.send(ctx, j)
		}
		if err == nil {
			backoff = backoffMin
			continue
		}
		if ctx.Err() != nil {
			return
		}
		q.opt.Log.Warn("printer not printing; job waits", "printer", printer, "job", j.ID, "retry_in", backoff, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-q.opt.After(backoff):
		}
		backoff = min(backoff*2, backoffMax)
	}
}

// retire ends the worker when nothing waits, unless a job came in while
// it was looking (then it goes on).
func (q *Queue) retire(printer string, wake chan struct{}) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	select {
	case <-wake:
		return false
	default:
	}
	delete(q.workers, printer)
	return true
}

// forget drops a stopped worker from the map, so the next wake starts a
// new one (after a restart of the queue).
func (q *Queue) forget(printer string, wake chan struct{}) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.workers[printer] == wake {
		delete(q.workers, printer)
	}
}

func (q *Queue) next(ctx context.Context, printer string) (Job, bool, error) {
	jobs, err := q.list(ctx, `WHERE printer = ? AND state IN ('queued','printing') ORDER BY id LIMIT 1`, printer)
	if err != nil || len(jobs) == 0 {
		return Job{}, false, err
	}
	return jobs[0], true, nil
}

// send marks the job as being sent, sends it and records the outcome.
func (q *Queue) send(ctx context.Context, j Job) error {
	if err := q.exec(ctx, j.ID, `UPDATE print_jobs SET state = 'printing', attempts = attempts + 1 WHERE id = ? AND state = 'queued'`, j.ID); err != nil {
		return err
	}
	q.changed()
	sendErr := q.sender.Send(ctx, j.Printer, j.Data)
	// The outcome is recorded even when ctx ended meanwhile.
	rec := context.WithoutCancel(ctx)
	if sendErr != nil {
		err := q.exec(rec, j.ID, `UPDATE print_jobs SET state = 'queued', last_error = ? WHERE id = ? AND state = 'printing'`, sendErr.Error(), j.ID)
		q.changed()
		return errors.Join(sendErr, err)
	}
	err := q.exec(rec, j.ID, `UPDATE print_jobs SET state = 'done', last_error = '', printed_at = ? WHERE id = ? AND state = 'printing'`,
		q.opt.Clock.Now().UnixMilli(), j.ID)
	q.changed()
	return err
}

// exec runs one state change of job id in its own durable transaction.
func (q *Queue) exec(ctx context.Context, id int64, query string, args ...any) error {
	err := q.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("print job %d: %w", id, err)
	}
	return nil
}
