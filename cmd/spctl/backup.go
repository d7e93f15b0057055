package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"smartpoint/app/store"
)

// progress returns a store progress callback that keeps one percentage
// line up to date on stderr, or nil when stderr is not a terminal.
func (c *cli) progressFn(key string) (store.Progress, func()) {
	if !c.progress {
		return nil, func() {}
	}
	last := -1
	shown := false
	return func(done, total int) {
			pct := 100
			if total > 0 {
				pct = done * 100 / total
			}
			if pct != last {
				last, shown = pct, true
				fmt.Fprintf(c.stderr, "\r%s", c.p.T(key, "Percent", pct))
			}
		}, func() {
			if shown {
				fmt.Fprintln(c.stderr)
			}
		}
}

// sameFile reports whether two paths name the same file.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(sa, sb)
	}
	absA, _ := filepath.Abs(a)
	absB, _ := filepath.Abs(b)
	return absA == absB
}

// backupResult is `spctl backup --json`'s result.
type backupResult struct {
	Path      string `json:"path"`
	SizeBytes int64  `json:"size_bytes"`
}

// cmdBackup writes a consistent copy of the live database (the counter may
// keep working meanwhile). Ctrl-C leaves no partial file.
func (c *cli) cmdBackup(args []string) error {
	fs := c.flags("backup")
	var force bool
	fs.BoolVar(&force, "force", false, "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usage("cli.err.extra_args", "Args", pos[1])
	}
	db, err := c.openDB()
	if err != nil {
		return err
	}
	dst := filepath.Join(store.BackupDir(c.dbPath), "counter-"+time.Now().Format("20060102-150405")+".db")
	if len(pos) == 1 {
		if dst, err = filepath.Abs(pos[0]); err != nil {
			return usage("cli.err.flag_bad_value", "Flag", "FILE", "Value", pos[0])
		}
	}
	if sameFile(dst, c.dbPath) {
		return usage("cli.err.backup_onto_db", "Path", dst)
	}
	if _, err := os.Stat(dst); err == nil && !force {
		return refused("file.exists", "cli.err.file_exists", nil, "Path", dst)
	}
	progress, done := c.progressFn("cli.backup.progress")
	err = db.Backup(c.ctx, dst, progress)
	done()
	if err != nil {
		return err
	}
	res := backupResult{Path: dst}
	if st, err := os.Stat(dst); err == nil {
		res.SizeBytes = st.Size()
	}
	c.result(res, func(w io.Writer) {
		c.line(w, "cli.backup.done", "Path", dst, "Size", c.bytesText(res.SizeBytes))
	})
	return nil
}

// restoreResult is `spctl restore --json`'s result.
type restoreResult struct {
	From       string `json:"from"`
	DB         string `json:"db"`
	SafetyCopy string `json:"safety_copy"`
}

// cmdRestore replaces the live database with a backup. The file is
// checked before anything is touched; the current data are first saved as
// a safety copy. The desktop app must be closed meanwhile: the CLI cannot
// tell whether it runs.
func (c *cli) cmdRestore(args []string) error {
	fs := c.flags("restore")
	var yes bool
	fs.BoolVar(&yes, "yes", false, "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneArg(pos, "FILE")
	if err != nil {
		return err
	}
	if _, err := store.ValidateBackup(c.ctx, file); err != nil {
		return err
	}
	path, err := c.resolveDB()
	if err != nil {
		return err
	}
	if sameFile(file, path) {
		return usage("cli.err.restore_onto_db", "Path", path)
	}
	if !yes {
		if !c.interactive {
			return usage("cli.err.need_yes")
		}
		c.line(c.stderr, "cli.restore.close_app")
		if !c.confirm("cli.restore.confirm", "File", file, "DB", path) {
			if c.ctx.Err() != nil {
				return c.ctx.Err()
			}
			return refused("declined", "cli.restore.declined", nil)
		}
	}
	db, err := c.openDB()
	if err != nil {
		return err
	}
	progress, done := c.progressFn("cli.restore.progress")
	safety, err := db.Restore(c.ctx, file, time.Now(), progress)
	done()
	if err != nil {
		if safety != "" {
			c.log.Warn("restore failed; the data before it are kept", "safety_copy", safety)
		}
		if errors.Is(err, os.ErrNotExist) {
			return refused("file.unreadable", "cli.err.read_file", err, "Path", file)
		}
		return err
	}
	res := restoreResult{From: file, DB: c.dbPath, SafetyCopy: safety}
	c.result(res, func(w io.Writer) {
		c.line(w, "cli.restore.done", "File", file, "DB", c.dbPath)
		c.line(w, "cli.restore.safety", "Path", safety)
	})
	return nil
}
