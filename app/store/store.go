// Package store opens the counter's SQLite database: WAL, durable commits,
// one writer connection, a pool of read-only connections, embedded
// numbered migrations and an integrity check at open.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	"smartpoint/app/errs"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// ApplicationID marks a file as a SmartPoint counter database ("SPCT").
const ApplicationID = 0x53504354

var (
	ErrNotSmartPoint = errs.Register("store.not_smartpoint")
	ErrTooNew        = errs.Register("store.too_new")
	ErrCorrupt       = errs.Register("store.corrupt")
	ErrOpen          = errs.Register("store.open")
)

// DB is an open counter database.
type DB struct {
	// W is the only connection that writes. Every user action is one
	// immediate transaction on it, so writers never deadlock or retry.
	W *sql.DB
	// R serves reads (search, reports, screens) concurrently with writes.
	R    *sql.DB
	Path string

	stopCheckpoints func()
}

// Options tune Open.
type Options struct {
	// Synchronous is the SQLite synchronous level; "" means FULL, which a
	// counter needs: an acknowledged scan must survive a power cut.
	Synchronous string
	// SkipIntegrityCheck skips the quick_check at open: benchmarks, and the
	// desktop app, which runs QuickCheck in the background after its window
	// is up (on a 1M-parcel file the check takes seconds).
	SkipIntegrityCheck bool
	// Readers is the read pool size; 0 means 4.
	Readers int
	// NoCheckpointer leaves WAL checkpoints to SQLite's automatic ones in
	// the committing transaction (short-lived tools); see checkpoint.go.
	NoCheckpointer bool
}

func dsn(path string, readOnly bool, sync string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+sync+")")
	// Statement journals of big imports go to memory, not a temp file.
	q.Add("_pragma", "temp_store(MEMORY)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, migrates it to the
// current schema and checks its integrity.
func Open(ctx context.Context, path string, opt Options) (*DB, error) {
	if opt.Synchronous == "" {
		opt.Synchronous = "FULL"
	}
	autoCheckpoint := 1000
	if !opt.NoCheckpointer {
		autoCheckpoint = checkpointSafetyPages
	}
	if opt.Readers == 0 {
		opt.Readers = 4
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, errs.Wrap(err, ErrOpen, "Path", path)
	}
	if err := checkExistingFile(ctx, path); err != nil {
		return nil, err
	}
	w, err := sql.Open("sqlite", dsn(path, false, opt.Synchronous)+"&_pragma="+url.QueryEscape(fmt.Sprintf("wal_autocheckpoint(%d)", autoCheckpoint)))
	if err != nil {
		return nil, errs.Wrap(err, ErrOpen, "Path", path)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{W: w, Path: path}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, errs.Wrap(err, ErrOpen, "Path", path)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, err
	}
	if !opt.SkipIntegrityCheck {
		if err := quickCheck(ctx, w); err != nil {
			w.Close()
			return nil, err
		}
	}
	r, err := sql.Open("sqlite", dsn(path, true, opt.Synchronous))
	if err != nil {
		w.Close()
		return nil, errs.Wrap(err, ErrOpen, "Path", path)
	}
	r.SetMaxOpenConns(opt.Readers)
	r.SetMaxIdleConns(opt.Readers)
	db.R = r
	db.stopCheckpoints = func() {}
	if !opt.NoCheckpointer {
		if err := db.startCheckpointer(path, opt.Synchronous); err != nil {
			db.Close()
			return nil, errs.Wrap(err, ErrOpen, "Path", path)
		}
	}
	slog.Debug("database open", "path", path)
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.stopCheckpoints != nil {
		db.stopCheckpoints()
	}
	return errors.Join(db.R.Close(), db.W.Close())
}

// checkExistingFile refuses to touch a file that exists but is not ours,
// so a wrong --db flag never turns someone's file into a SmartPoint database.
func checkExistingFile(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) || (err == nil && st.Size() == 0) {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, ErrOpen, "Path", path)
	}
	info, err := Inspect(ctx, path)
	if err != nil {
		return err
	}
	if info.ApplicationID != ApplicationID && !(info.ApplicationID == 0 && info.UserVersion == 0 && info.Tables == 0) {
		return errs.New(ErrNotSmartPoint, "Path", path)
	}
	if info.UserVersion > LatestVersion() {
		return errs.New(ErrTooNew, "Path", path, "Version", info.UserVersion, "Supported", LatestVersion())
	}
	return nil
}

// QuickCheck runs SQLite's quick_check on a reader; a damaged file gives
// ErrCorrupt with SQLite's first finding.
func (db *DB) QuickCheck(ctx context.Context) error { return quickCheck(ctx, db.R) }

func quickCheck(ctx context.Context, db *sql.DB) error {
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return errs.Wrap(err, ErrCorrupt, "Detail", err.Error())
	}
	if res != "ok" {
		return errs.New(ErrCorrupt, "Detail", res)
	}
	return nil
}

// Tx runs fn in one immediate transaction on the writer connection and
// commits it durably; any error (or panic) rolls everything back.
func (db *DB) Tx(ctx context.Context, fn func(*sql.Tx) error) (err error) {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
