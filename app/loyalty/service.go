package loyalty

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"smartpoint/app/clock"
	"smartpoint/app/counter"
)

// Service is the loyalty core on top of a counter. It keeps no state of
// its own between calls (everything is in the database), so it is safe for
// concurrent use: writes are serialised by the counter's single writer.
type Service struct {
	svc *counter.Service
	ids *clock.IDGen
	opt Options
	// keys caches the point's card-signing keys (they never change).
	keys keyCache
}

// Options tune a Service; the zero value is right for the counter.
type Options struct {
	// ExpireBatch is how many cards one expiry or anonymisation
	// transaction handles, so a big sweep never holds the writer long;
	// 0 means 200.
	ExpireBatch int
}

// New builds the loyalty service on a counter. Time comes from the
// counter's clock (svc.Now), so tests move both with one fake clock.
func New(svc *counter.Service, opt Options) *Service {
	if opt.ExpireBatch <= 0 {
		opt.ExpireBatch = 200
	}
	return &Service{svc: svc, ids: clock.NewIDGen(svc), opt: opt}
}

// r is the read pool.
func (s *Service) r() *sql.DB { return s.svc.DB().R }

// writer is one loyalty action in the counter's transaction: who acts
// (the session's clerk and shift unless an action attributes it to
// someone else, e.g. the clerk of a handover) and when.
type writer struct {
	s     *Service
	tx    counter.Tx
	ctx   context.Context
	now   time.Time
	clerk int64
	shift int64
}

// write runs fn as one action: all of it commits, or none of it.
func (s *Service) write(ctx context.Context, sess *counter.Session, fn func(*writer) error) error {
	return s.svc.Extend(ctx, sess, func(tx counter.Tx) error {
		w := &writer{s: s, tx: tx, ctx: ctx, now: tx.Now()}
		if sess := tx.Session(); sess != nil {
			w.clerk, w.shift = sess.ClerkID(), sess.ShiftID()
		}
		return fn(w)
	})
}

func (w *writer) nowMs() int64 { return w.now.UnixMilli() }

func (w *writer) emit(kind, entity string, payload any) error {
	if err := w.tx.Emit(kind, entity, payload); err != nil {
		return fmt.Errorf("loyalty: %w", err)
	}
	return nil
}

// nullInt is an optional id or time: 0 is NULL.
func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func fromMs(v sql.NullInt64) time.Time {
	if !v.Valid || v.Int64 == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}" // only plain structs are marshalled here
	}
	return string(b)
}

// queryer is what reads need: the read pool, a read transaction, or the
// write transaction of an action in progress.
type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// txQueryer adapts a counter.Tx to queryer (its methods take no context).
type txQueryer struct{ tx counter.Tx }

func (q txQueryer) QueryRowContext(_ context.Context, query string, args ...any) *sql.Row {
	return q.tx.QueryRow(query, args...)
}

func (q txQueryer) QueryContext(_ context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.tx.Query(query, args...)
}

func (w *writer) q() queryer { return txQueryer{w.tx} }
