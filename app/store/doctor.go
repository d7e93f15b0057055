package store

import (
	"context"
	"os"
	"path/filepath"
)

// Health is what `spctl doctor` and the status screen report.
type Health struct {
	Path          string `json:"path"`
	SchemaVersion int    `json:"schema_version"`
	LatestVersion int    `json:"latest_version"`
	Integrity     string `json:"integrity"`
	JournalMode   string `json:"journal_mode"`
	Synchronous   int    `json:"synchronous"`
	ForeignKeys   bool   `json:"foreign_keys"`
	SizeBytes     int64  `json:"size_bytes"`
	WALBytes      int64  `json:"wal_bytes"`
	FreeBytes     uint64 `json:"free_bytes"`
	Events        int64  `json:"events"`
	Parcels       int64  `json:"parcels"`
}

// LowDiskBytes is the free space below which doctor warns: a counter that
// cannot grow its WAL stops accepting parcels.
const LowDiskBytes = 500 << 20

// Doctor checks the live database: integrity, schema, settings, space.
func (db *DB) Doctor(ctx context.Context) (Health, error) {
	h := Health{Path: db.Path, LatestVersion: LatestVersion()}
	conn, err := db.W.Conn(ctx)
	if err != nil {
		return h, err
	}
	defer conn.Close()
	for _, q := range []struct {
		sql  string
		dest any
	}{
		{"PRAGMA user_version", &h.SchemaVersion},
		{"PRAGMA integrity_check(1)", &h.Integrity},
		{"PRAGMA journal_mode", &h.JournalMode},
		{"PRAGMA synchronous", &h.Synchronous},
		{"PRAGMA foreign_keys", &h.ForeignKeys},
		{"SELECT count(*) FROM events", &h.Events},
		{"SELECT count(*) FROM parcels", &h.Parcels},
	} {
		if err := conn.QueryRowContext(ctx, q.sql).Scan(q.dest); err != nil {
			return h, err
		}
	}
	if st, err := os.Stat(db.Path); err == nil {
		h.SizeBytes = st.Size()
	}
	if st, err := os.Stat(db.Path + "-wal"); err == nil {
		h.WALBytes = st.Size()
	}
	h.FreeBytes, _ = freeSpace(filepath.Dir(db.Path))
	return h, nil
}

// Problems lists what is wrong, as translation keys, empty when healthy.
func (h Health) Problems() []string {
	var out []string
	if h.Integrity != "ok" {
		out = append(out, "doctor.corrupt")
	}
	if h.SchemaVersion != h.LatestVersion {
		out = append(out, "doctor.schema")
	}
	if h.JournalMode != "wal" || h.Synchronous != 2 || !h.ForeignKeys {
		out = append(out, "doctor.settings")
	}
	if h.FreeBytes > 0 && h.FreeBytes < LowDiskBytes {
		out = append(out, "doctor.low_disk")
	}
	return out
}
