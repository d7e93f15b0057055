package counter

import (
	"context"
	"database/sql"
	"time"
)

// Tx is one action of another core package (loyalty) in the counter's
// store: the same durable transaction, the same event log, the same
// clock, attributed to the same clerk and shift.
type Tx struct{ t *txn }

// Exec, Query and QueryRow run SQL in the transaction.
func (x Tx) Exec(query string, args ...any) (sql.Result, error) { return x.t.Exec(query, args...) }
func (x Tx) Query(query string, args ...any) (*sql.Rows, error) { return x.t.Query(query, args...) }
func (x Tx) QueryRow(query string, args ...any) *sql.Row        { return x.t.QueryRow(query, args...) }

// Emit appends an event to the log (the sync outbox).
func (x Tx) Emit(kind, entity string, payload any) error { return x.t.emit(kind, entity, payload) }

// Now is the action's time (one instant for the whole transaction).
func (x Tx) Now() time.Time { return x.t.now }

// Session is who acts; nil for the system (background expiry).
func (x Tx) Session() *Session { return x.t.sess }

// Extend runs fn as one action in its own transaction: all of it commits
// durably, or none of it.
func (s *Service) Extend(ctx context.Context, sess *Session, fn func(Tx) error) error {
	return s.tx(ctx, sess, func(t *txn) error { return fn(Tx{t}) })
}

// Require reports whether sess holds at least role (a typed
// auth.forbidden error when not): other core packages enforce roles the
// same way.
func (sess *Session) Require(role Role) error { return sess.require(role) }
