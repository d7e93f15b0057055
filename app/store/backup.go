package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"

	"smartpoint/app/errs"
)

var (
	ErrBackup      = errs.Register("store.backup")
	ErrRestoreFile = errs.Register("store.restore_file")
	ErrCancelled   = errs.Register("store.cancelled")
)

// Info describes a database file without changing it.
type Info struct {
	ApplicationID int
	UserVersion   int
	Tables        int
	Integrity     string // "ok" or SQLite's first complaint
	SizeBytes     int64
}

// Inspect opens path read-only and reports what it is. A file that is not
// SQLite at all is ErrNotSmartPoint.
func Inspect(ctx context.Context, path string) (Info, error) {
	var info Info
	st, err := os.Stat(path)
	if err != nil {
		return info, errs.Wrap(err, ErrRestoreFile, "Path", path, "Detail", "not found")
	}
	info.SizeBytes = st.Size()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return info, errs.Wrap(err, ErrNotSmartPoint, "Path", path)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&info.ApplicationID); err != nil {
		return info, errs.Wrap(err, ErrNotSmartPoint, "Path", path)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&info.UserVersion); err != nil {
		return info, errs.Wrap(err, ErrNotSmartPoint, "Path", path)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE type='table'").Scan(&info.Tables); err != nil {
		return info, errs.Wrap(err, ErrNotSmartPoint, "Path", path)
	}
	return info, nil
}

// CheckIntegrity runs the full integrity check on a file (read-only).
func CheckIntegrity(ctx context.Context, path string) (string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check(1)").Scan(&res); err != nil {
		return "", err
	}
	return res, nil
}

// Progress reports copied and total pages of a long operation.
type Progress func(done, total int)

type backuper interface {
	NewBackup(string) (*sqlite.Backup, error)
	NewRestore(string) (*sqlite.Backup, error)
}

// Backup writes a consistent copy of the live database to dst while the
// counter keeps working: SQLite's online backup copies pages in steps and
// restarts if a writer changes the source mid-way. The copy is written to a
// temporary file and renamed, so dst is never a half-written file.
func (db *DB) Backup(ctx context.Context, dst string, progress Progress) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return errs.Wrap(err, ErrBackup, "Path", dst)
	}
	tmp := dst + ".part"
	_ = os.Remove(tmp)
	err := db.backupPages(ctx, tmp, progress)
	if err != nil {
		_ = os.Remove(tmp)
		if errors.Is(err, context.Canceled) || ctx.Err() != nil {
			return errs.Wrap(err, ErrCancelled)
		}
		return errs.Wrap(err, ErrBackup, "Path", dst)
	}
	if err := syncFile(tmp); err != nil {
		return errs.Wrap(err, ErrBackup, "Path", dst)
	}
	if err := os.Rename(tmp, dst); err != nil {
		_ = os.Remove(tmp)
		return errs.Wrap(err, ErrBackup, "Path", dst)
	}
	return nil
}

func runSteps(ctx context.Context, b *sqlite.Backup, progress Progress) error {
	for {
		if err := ctx.Err(); err != nil {
			_ = b.Finish()
			return err
		}
		more, err := b.Step(256)
		if err != nil {
			_ = b.Finish()
			return err
		}
		if progress != nil {
			total := b.PageCount()
			progress(total-b.Remaining(), total)
		}
		if !more {
			return b.Finish()
		}
	}
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// ValidateBackup checks that src is a SmartPoint database this build can
// open: our application id, a schema version not newer than ours, and a
// clean integrity check. Anything else is refused before it touches the
// live database.
func ValidateBackup(ctx context.Context, src string) (Info, error) {
	info, err := Inspect(ctx, src)
	if err != nil {
		return info, err
	}
	if info.ApplicationID != ApplicationID {
		return info, errs.New(ErrNotSmartPoint, "Path", src)
	}
	if info.UserVersion > LatestVersion() {
		return info, errs.New(ErrTooNew, "Path", src, "Version", info.UserVersion, "Supported", LatestVersion())
	}
	res, err := CheckIntegrity(ctx, src)
	if err != nil {
		return info, errs.Wrap(err, ErrCorrupt, "Path", src, "Detail", err.Error())
	}
	info.Integrity = res
	if res != "ok" {
		return info, errs.New(ErrCorrupt, "Path", src, "Detail", res)
	}
	return info, nil
}

// Restore replaces the live database's content with src after validating
// it. The current content is first saved next to the database as
// "<name>.before-restore-<time>.db", so a wrong restore can be undone.
// It returns the path of that safety copy. Callers must make sure no
// other process uses the database.
func (db *DB) Restore(ctx context.Context, src string, now time.Time, progress Progress) (string, error) {
	if _, err := ValidateBackup(ctx, src); err != nil {
		return "", err
	}
	safety := fmt.Sprintf("%s.before-restore-%s.db", db.Path, now.UTC().Format("20060102-150405"))
	if err := db.Backup(ctx, safety, nil); err != nil {
		return "", err
	}
	if err := db.restorePages(ctx, src, progress); err != nil {
		return safety, errs.Wrap(err, ErrRestoreFile, "Path", src, "Detail", err.Error())
	}
	// The restored file may be of an older schema version.
	if err := migrate(ctx, db.W); err != nil {
		return safety, errs.Wrap(err, ErrRestoreFile, "Path", src, "Detail", err.Error())
	}
	return safety, nil
}

// restorePages copies src over the live database on the writer connection,
// in one SQLite transaction: readers see the old or the new content, never a mix.
func (db *DB) restorePages(ctx context.Context, src string, progress Progress) error {
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		b, err := dc.(backuper).NewRestore(src)
		if err != nil {
			return err
		}
		return runSteps(ctx, b, progress)
	})
}

func (db *DB) backupPages(ctx context.Context, dst string, progress Progress) error {
	conn, err := db.R.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		b, err := dc.(backuper).NewBackup(dst)
		if err != nil {
			return err
		}
		return runSteps(ctx, b, progress)
	})
}
