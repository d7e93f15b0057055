package main

import (
	"io"
	"strconv"

	"smartpoint/app/errs"
	"smartpoint/app/store"
)

// problem is one finding of doctor: its translation key and the text.
type problem struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

// doctorResult is `spctl doctor --json`'s result: the health fields plus
// the problems found (exit 4 when there are any).
type doctorResult struct {
	store.Health
	Healthy  bool      `json:"healthy"`
	Problems []problem `json:"problems"`
}

var syncLevels = map[int]string{0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}

// cmdDoctor checks the database file and its settings. It exits 4 when it
// finds problems, so monitoring scripts can act on it.
func (c *cli) cmdDoctor(args []string) error {
	pos, err := c.parse(c.flags("doctor"), args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	db, err := c.openDB()
	if err != nil {
		// A file too damaged to open is exactly what doctor is for.
		if integrity, bad := c.damaged(err); bad {
			c.printHealth(store.Health{Path: c.dbPath, LatestVersion: store.LatestVersion(), Integrity: integrity}, []string{"doctor.corrupt"})
			return silentExit(exitDoctor)
		}
		return err
	}
	h, err := db.Doctor(c.ctx)
	if err != nil {
		return dbError{err}
	}
	keys := h.Problems()
	c.printHealth(h, keys)
	if len(keys) > 0 {
		return silentExit(exitDoctor)
	}
	return nil
}

func (c *cli) printHealth(h store.Health, keys []string) {
	res := doctorResult{Health: h, Healthy: len(keys) == 0, Problems: []problem{}}
	for _, k := range keys {
		res.Problems = append(res.Problems, problem{Key: k, Message: c.p.T(k)})
	}
	c.result(res, func(w io.Writer) {
		t := c.table(w, "cli.doctor.check", "cli.doctor.value")
		for _, kv := range []struct{ key, v string }{
			{"cli.doctor.path", h.Path},
			{"cli.doctor.schema", c.p.T("cli.doctor.schema_value", "Version", h.SchemaVersion, "Latest", h.LatestVersion)},
			{"cli.doctor.integrity", h.Integrity},
			{"cli.doctor.journal", h.JournalMode},
			{"cli.doctor.synchronous", syncLevels[h.Synchronous]},
			{"cli.doctor.foreign_keys", c.yesNo(h.ForeignKeys)},
			{"cli.doctor.size", c.bytesText(h.SizeBytes)},
			{"cli.doctor.wal", c.bytesText(h.WALBytes)},
			{"cli.doctor.free", c.bytesText(int64(h.FreeBytes))},
			{"cli.doctor.events", strconv.FormatInt(h.Events, 10)},
			{"cli.doctor.parcels", strconv.FormatInt(h.Parcels, 10)},
		} {
			t.row(c.p.T(kv.key), kv.v)
		}
		t.flush()
		if len(res.Problems) == 0 {
			c.line(w, "cli.doctor.ok")
			return
		}
		c.line(w, "cli.doctor.problems")
		for _, p := range res.Problems {
			io.WriteString(w, "  - "+p.Message+"\n")
		}
	})
}

// damaged tells whether a database that failed to open is corrupt, by a
// read-only integrity check of the file itself.
func (c *cli) damaged(openErr error) (string, bool) {
	if errs.Has(openErr, store.ErrCorrupt) {
		return c.p.Err(openErr), true
	}
	if c.dbPath == "" || errs.Has(openErr, store.ErrNotSmartPoint) || errs.Has(openErr, store.ErrTooNew) {
		return "", false
	}
	res, err := store.CheckIntegrity(c.ctx, c.dbPath)
	if err != nil {
		c.log.Debug("integrity check after a failed open", "err", err)
		return err.Error(), true
	}
	return res, res != "ok"
}
