package store

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// SQLite's automatic checkpoint runs inside the commit that crosses the
// threshold, so one scan in a thousand would pay for copying the WAL back
// and an extra fsync: the p99 of a durable commit. A background goroutine
// on its own connection checkpoints instead (PASSIVE: it never blocks the
// writer); the automatic one stays as a safety net at a high threshold.
const (
	checkpointEvery       = time.Second
	checkpointSafetyPages = 20000 // ~80 MB of WAL
)

func (db *DB) startCheckpointer(path, sync string) error {
	c, err := sql.Open("sqlite", dsn(path, false, sync))
	if err != nil {
		return err
	}
	c.SetMaxOpenConns(1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := c.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil && ctx.Err() == nil {
					slog.Warn("wal checkpoint", "err", err)
				}
			}
		}
	}()
	db.stopCheckpoints = func() {
		cancel()
		<-done
		c.Close()
	}
	return nil
}
