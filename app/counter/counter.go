// Package counter is the pickup point's core: parcels, cells, manifests,
// acceptance, issue, returns, inventory, clerks and shifts. Every change is
// one SQLite transaction that appends events and updates the state tables
// together. It imports no UI, network or device code.
package counter

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/scan"
	"smartpoint/app/store"
)

// Service is the counter's core. It is safe for concurrent use; writes are
// serialised by the store's single writer connection.
type Service struct {
	db    *store.DB
	clock clock.Clock
	ids   *clock.IDGen
	pin   auth.Params
	loc   *time.Location

	mu         sync.RWMutex
	classifier *scan.Classifier
	partners   partnerIndex
	country    string

	commits commitHub // see Commits
}

// Options configure a Service.
type Options struct {
	Clock clock.Clock // nil: system clock
	// PINParams are the argon2id costs; zero means auth.Default.
	PINParams auth.Params
	// Location is the point's time zone for day boundaries; nil: time.Local.
	Location *time.Location
}

// New opens the core on an open store. It seeds nothing: see Setup.
func New(ctx context.Context, db *store.DB, opt Options) (*Service, error) {
	if opt.Clock == nil {
		opt.Clock = clock.System{}
	}
	if opt.PINParams == (auth.Params{}) {
		opt.PINParams = auth.Default
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	s := &Service{db: db, clock: opt.Clock, ids: clock.NewIDGen(opt.Clock), pin: opt.PINParams, loc: opt.Location}
	if err := s.reloadClassifier(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// DB exposes the store for backup, restore and doctor.
func (s *Service) DB() *store.DB { return s.db }

// Now is the service clock's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Location is the point's time zone.
func (s *Service) Location() *time.Location { return s.loc }

// tx runs fn in one durable transaction with an event writer bound to it.
func (s *Service) tx(ctx context.Context, sess *Session, fn func(*txn) error) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return fn(&txn{Tx: tx, s: s, sess: sess, now: s.clock.Now()})
	})
	if err == nil {
		s.commits.committed()
	}
	return err
}

// txn is one user action in progress.
type txn struct {
	*sql.Tx
	s    *Service
	sess *Session
	now  time.Time
}

func (t *txn) nowMs() int64 { return t.now.UnixMilli() }

// nextNumber returns the next value of a named document counter.
func (t *txn) nextNumber(name string) (int64, error) {
	var v int64
	err := t.QueryRow(`INSERT INTO counters(name,value) VALUES(?,1)
		ON CONFLICT(name) DO UPDATE SET value=value+1 RETURNING value`, name).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("counter %s: %w", name, err)
	}
	return v, nil
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMs(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64)
}
