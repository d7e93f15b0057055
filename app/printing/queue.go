package printing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"smartpoint/app/clock"
	"smartpoint/app/errs"
	"smartpoint/app/store"
)

// Sender delivers a job's bytes to a printer; an error leaves the job
// queued for a retry. The wiring (cmd) implements it with device/printer.
type Sender interface {
	Send(ctx context.Context, printer string, data []byte) error
}

// Options tune a Queue; the zero value is the production setting.
type Options struct {
	Clock clock.Clock // default clock.System
	Log   *slog.Logger
	// After waits for a retry; tests replace it to fire retries at will.
	// Default time.After.
	After func(time.Duration) <-chan time.Time
	// Keep is how long finished jobs stay for reprint; default 7 days.
	Keep time.Duration
	// OnChange is called (from a worker goroutine) whenever a job changes
	// state, so the status bar can show what waits.
	OnChange func()
}

// Backoff bounds between attempts on a failing printer.
const (
	backoffMin = time.Second
	backoffMax = 30 * time.Second
)

// Queue is the durable print queue of one counter.
type Queue struct {
	db     *store.DB
	sender Sender
	opt    Options

	mu      sync.Mutex
	workers map[string]chan struct{} // printer → wake-up of its worker
	ctx     context.Context
	wg      sync.WaitGroup
}

// New opens the queue on db. Jobs are sent only once Start runs.
func New(db *store.DB, sender Sender, opt Options) *Queue {
	if opt.Clock == nil {
		opt.Clock = clock.System{}
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	if opt.After == nil {
		opt.After = time.After
	}
	if opt.Keep == 0 {
		opt.Keep = 7 * 24 * time.Hour
	}
	return &Queue{db: db, sender: sender, opt: opt, workers: map[string]chan struct{}{}}
}

// Enqueue commits a job and wakes its printer's worker. It returns as
// soon as the job is durable; printing happens in the background.
func (q *Queue) Enqueue(ctx context.Context, j Job) (Job, error) {
	if len(j.Data) == 0 {
		return Job{}, errs.New(ErrEmpty)
	}
	if j.Printer == "" {
		return Job{}, errs.New(ErrNoPrinter)
	}
	j.State, j.Attempts, j.LastError = StateQueued, 0, ""
	j.CreatedAt = q.opt.Clock.Now()
	var reprint any
	if j.ReprintOf != 0 {
		reprint = j.ReprintOf
	}
	err := q.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO print_jobs(printer, kind, title, data, doc, state, clerk, created_at, reprint_of)
			VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
			j.Printer, j.Kind, j.Title, j.Data, j.Doc, j.Clerk, j.CreatedAt.UnixMilli(), reprint)
		if err != nil {
			return err
		}
		j.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return Job{}, fmt.Errorf("queue %s for %s: %w", j.Kind, j.Printer, err)
	}
	q.wake(j.Printer)
	q.changed()
	return j, nil
}

// Reprint queues a copy of a recent job for the same printer.
func (q *Queue) Reprint(ctx context.Context, id int64, clerk string) (Job, error) {
	j, err := q.Job(ctx, id)
	if err != nil {
		return Job{}, err
	}
	orig := j.ID
	if j.ReprintOf != 0 {
		orig = j.ReprintOf
	}
	return q.Enqueue(ctx, Job{Printer: j.Printer, Kind: j.Kind, Title: j.Title, Data: j.Data, Doc: j.Doc,
		Clerk: clerk, ReprintOf: orig})
}

// Cancel drops a job that has not printed yet.
func (q *Queue) Cancel(ctx context.Context, id int64) error {
	err := q.db.Tx(ctx, func(tx *sql.Tx) error {
		var state State
		if err := tx.QueryRowContext(ctx, `SELECT state FROM print_jobs WHERE id = ?`, id).Scan(&state); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.New(ErrJobUnknown, "ID", id)
			}
			return err
		}
		if state == StateDone || state == StateCancelled {
			return errs.New(ErrJobDone, "ID", id)
		}
		_, err := tx.ExecContext(ctx, `UPDATE print_jobs SET state = 'cancelled' WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("cancel print job %d: %w", id, err)
	}
	q.changed()
	return nil
}

// RetryNow wakes the worker of a printer whose jobs wait for a backoff
// to pass (the clerk put paper in and does not want to wait).
func (q *Queue) RetryNow(printer string) { q.wake(printer) }

// Job reads one job with its bytes.
func (q *Queue) Job(ctx context.Context, id int64) (Job, error) {
	jobs, err := q.list(ctx, `WHERE id = ?`, id)
	if err != nil {
		return Job{}, err
	}
	if len(jobs) == 0 {
		return Job{}, errs.New(ErrJobUnknown, "ID", id)
	}
	return jobs[0], nil
}

// Waiting lists the jobs not printed yet, oldest first.
func (q *Queue) Waiting(ctx context.Context) ([]Job, error) {
	return q.list(ctx, `WHERE state IN ('queued','printing') ORDER BY id`)
}

// Recent lists the latest jobs of any state, newest first: the reprint list.
func (q *Queue) Recent(ctx context.Context, limit int) ([]Job, error) {
	return q.list(ctx, `ORDER BY id DESC LIMIT ?`, limit)
}

func (q *Queue) list(ctx context.Context, where string, args ...any) ([]Job, error) {
	rows, err := q.db.R.QueryContext(ctx, `SELECT id, printer, kind, title, data, doc, state, attempts, last_error, clerk,
		created_at, coalesce(printed_at, 0), coalesce(reprint_of, 0) FROM print_jobs `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("list print jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var created, printed int64
		if err := rows.Scan(&j.ID, &j.Printer, &j.Kind, &j.Title, &j.Data, &j.Doc, &j.State, &j.Attempts, &j.LastError,
			&j.Clerk, &created, &printed, &j.ReprintOf); err != nil {
			return nil, fmt.Errorf("read print job: %w", err)
		}
		j.CreatedAt = time.UnixMilli(created)
		if printed != 0 {
			j.PrintedAt = time.UnixMilli(printed)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func (q *Queue) changed() {
	if q.opt.OnChange != nil {
		q.opt.OnChange()
	}
}
