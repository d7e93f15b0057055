package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"smartpoint/app/errs"
)

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "counter.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenAppliesDurableSettings(t *testing.T) {
	db := openTemp(t)
	h, err := db.Doctor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if h.JournalMode != "wal" || h.Synchronous != 2 || !h.ForeignKeys {
		t.Fatalf("journal=%s synchronous=%d fk=%v, want wal/2(FULL)/true", h.JournalMode, h.Synchronous, h.ForeignKeys)
	}
	if h.SchemaVersion != LatestVersion() || h.Integrity != "ok" {
		t.Fatalf("health %+v", h)
	}
	if p := h.Problems(); len(p) != 0 {
		t.Fatalf("fresh database reports problems %v", p)
	}
}

func TestReadersCannotWrite(t *testing.T) {
	db := openTemp(t)
	if _, err := db.R.Exec("INSERT INTO meta(key,value) VALUES('x','y')"); err == nil {
		t.Fatal("read pool accepted a write")
	}
}

func TestEventsAreAppendOnly(t *testing.T) {
	db := openTemp(t)
	if _, err := db.W.Exec(`INSERT INTO events(id,kind,entity,at) VALUES('e1','k','x',1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`UPDATE events SET kind='forged'`); err == nil {
		t.Fatal("an event was rewritten")
	}
	if _, err := db.W.Exec(`DELETE FROM events`); err == nil {
		t.Fatal("an event was deleted")
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("this is not a database, it is somebody's notes\n"), 0o600)
	if _, err := Open(context.Background(), text, Options{}); !errs.Has(err, ErrNotSmartPoint) {
		t.Fatalf("opening a text file: %v, want %s", err, ErrNotSmartPoint)
	}
	b, _ := os.ReadFile(text)
	if string(b) != "this is not a database, it is somebody's notes\n" {
		t.Fatal("the foreign file was modified")
	}
	other := filepath.Join(dir, "other.db")
	o, _ := sql.Open("sqlite", other)
	o.Exec("CREATE TABLE accounts(id INTEGER)")
	o.Close()
	if _, err := Open(context.Background(), other, Options{}); !errs.Has(err, ErrNotSmartPoint) {
		t.Fatalf("opening another app's database: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	db := openTemp(t)
	db.W.Exec("PRAGMA user_version = 999")
	db.Close()
	if _, err := Open(context.Background(), db.Path, Options{}); !errs.Has(err, ErrTooNew) {
		t.Fatalf("got %v, want %s", err, ErrTooNew)
	}
}

// Every older schema version must upgrade to the latest with its data.
func TestEveryOlderVersionUpgrades(t *testing.T) {
	for from := 1; from < LatestVersion(); from++ {
		path := filepath.Join(t.TempDir(), "old.db")
		raw, err := sql.Open("sqlite", dsn(path, false, "FULL"))
		if err != nil {
			t.Fatal(err)
		}
		if err := migrateTo(context.Background(), raw, 0, from); err != nil {
			t.Fatalf("build v%d: %v", from, err)
		}
		raw.Exec(`INSERT INTO meta(key,value) VALUES('point.name','Old point')`)
		raw.Close()
		db, err := Open(context.Background(), path, Options{})
		if err != nil {
			t.Fatalf("upgrade from v%d: %v", from, err)
		}
		var name string
		db.R.QueryRow(`SELECT value FROM meta WHERE key='point.name'`).Scan(&name)
		if name != "Old point" {
			t.Fatalf("upgrade from v%d lost data", from)
		}
		db.Close()
	}
}

func TestBackupWhileWritingIsConsistent(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	stop := make(chan struct{})
	var written atomic.Int64
	done := make(chan struct{})
	going := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			if i == 200 {
				close(going) // the backup starts while writes keep coming
			}
			select {
			case <-stop:
				return
			default:
			}
			db.W.Exec(`INSERT INTO events(id,kind,entity,at,payload) VALUES(?,?,?,?,?)`,
				time.Now().String()+string(rune(i)), "test", "x", i, `{"pad":"`+string(make([]byte, 200))+`"}`)
			written.Add(1)
		}
	}()
	<-going
	dst := filepath.Join(t.TempDir(), "backup.db")
	var calls int
	if err := db.Backup(ctx, dst, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	close(stop)
	<-done
	if calls == 0 {
		t.Fatal("no progress reported")
	}
	if _, err := ValidateBackup(ctx, dst); err != nil {
		t.Fatalf("backup does not validate: %v", err)
	}
	if _, err := os.Stat(dst + ".part"); !os.IsNotExist(err) {
		t.Fatal("temporary file left behind")
	}
}

func TestBackupCancel(t *testing.T) {
	db := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dst := filepath.Join(t.TempDir(), "b.db")
	if err := db.Backup(ctx, dst, nil); !errs.Has(err, ErrCancelled) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Fatal("cancelled backup left a file")
	}
}

func TestRestoreRefusesBadFilesAndChangesNothing(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	db.W.Exec(`INSERT INTO meta(key,value) VALUES('point.name','Live')`)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	os.WriteFile(garbage, []byte("SQLite format 3\x00 but then garbage garbage garbage"), 0o600)
	other := filepath.Join(dir, "other.db")
	o, _ := sql.Open("sqlite", other)
	o.Exec("CREATE TABLE t(x)")
	o.Close()
	for _, bad := range []string{garbage, other, filepath.Join(dir, "missing.db")} {
		if _, err := db.Restore(ctx, bad, time.Now(), nil); err == nil {
			t.Fatalf("restore of %s accepted", filepath.Base(bad))
		}
	}
	var name string
	db.R.QueryRow(`SELECT value FROM meta WHERE key='point.name'`).Scan(&name)
	if name != "Live" {
		t.Fatalf("live data changed to %q", name)
	}
}

func TestRestoreReplacesContentAndKeepsSafetyCopy(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	db.W.Exec(`INSERT INTO meta(key,value) VALUES('point.name','Monday')`)
	snap := filepath.Join(t.TempDir(), "monday.db")
	if err := db.Backup(ctx, snap, nil); err != nil {
		t.Fatal(err)
	}
	db.W.Exec(`UPDATE meta SET value='Tuesday' WHERE key='point.name'`)
	safety, err := db.Restore(ctx, snap, time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	db.R.QueryRow(`SELECT value FROM meta WHERE key='point.name'`).Scan(&name)
	if name != "Monday" {
		t.Fatalf("after restore point.name=%q, want Monday", name)
	}
	info, err := ValidateBackup(ctx, safety)
	if err != nil {
		t.Fatalf("safety copy %s: %v", safety, err)
	}
	_ = info
	s, _ := sql.Open("sqlite", "file:"+safety+"?mode=ro")
	defer s.Close()
	s.QueryRow(`SELECT value FROM meta WHERE key='point.name'`).Scan(&name)
	if name != "Tuesday" {
		t.Fatalf("safety copy holds %q, want the pre-restore Tuesday", name)
	}
}

// The desktop app opens without the check and runs it in the background;
// a damaged file must still be reported, and a sound one must pass.
func TestQuickCheckFindsDamage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "counter.db")
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`CREATE TABLE filler(x TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<2000) INSERT INTO filler SELECT printf('%0500d', i) FROM n`); err != nil {
		t.Fatal(err)
	}
	if err := db.QuickCheck(ctx); err != nil {
		t.Fatalf("sound file: %v", err)
	}
	db.Close()

	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = 0xA5
	}
	if _, err := f.WriteAt(junk, st.Size()/2/4096*4096); err != nil {
		t.Fatal(err)
	}
	f.Close()

	db, err = Open(ctx, path, Options{SkipIntegrityCheck: true})
	if err != nil {
		t.Fatalf("open without the check must succeed: %v", err)
	}
	defer db.Close()
	if err := db.QuickCheck(ctx); !errs.Has(err, ErrCorrupt) {
		t.Fatalf("damaged file: QuickCheck = %v, want %s", err, ErrCorrupt)
	}
}
