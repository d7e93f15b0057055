package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/inbox"
	"smartpoint/app/loyalty"
	"smartpoint/sync/client"
)

// syncStatus is the status part of `spctl sync … --json`.
type syncStatus struct {
	client.Status
	Error *jsonError `json:"error,omitempty"`
}

// syncResult is `spctl sync --json`'s result (and the error details of a
// failed round).
type syncResult struct {
	Round  client.RoundResult `json:"round"`
	Pushed int                `json:"pushed"`
	Status syncStatus         `json:"status"`
}

// syncStatusResult is `spctl sync status --json`'s result.
type syncStatusResult struct {
	Status   syncStatus       `json:"status"`
	Problems []client.Problem `json:"problems"`
}

// cmdSync registers the point with the cloud, runs one sync round, or
// shows the sync status. Tokens are stored in the database, never shown.
func (c *cli) cmdSync(args []string) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		var err error
		if sub, args, err = subcommand(args, "register", "status"); err != nil {
			return err
		}
	}
	fs := c.flags("sync")
	var url, code, name string
	if sub == "register" {
		fs.StringVar(&url, "url", "", "")
		fs.StringVar(&code, "code", "", "")
		fs.StringVar(&name, "name", "", "")
	}
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	svc, err := c.service(false)
	if err != nil {
		return err
	}
	cl := client.New(svc, client.Options{AppVersion: version, Logger: c.log,
		Apply: inbox.New(svc, loyalty.New(svc, loyalty.Options{}), c.log).Hook})
	switch sub {
	case "register":
		var missing []string
		if url == "" {
			missing = append(missing, "--url")
		}
		if code == "" {
			missing = append(missing, "--code")
		}
		if len(missing) > 0 {
			return usage("cli.err.missing_flags", "Flags", strings.Join(missing, ", "))
		}
		_, sess, err := c.login()
		if err != nil {
			return err
		}
		if err := cl.RegisterAs(c.ctx, sess, url, code, name); err != nil {
			return err
		}
		st := cl.Status()
		c.result(c.syncStatus(st), func(w io.Writer) {
			c.line(w, "cli.sync.registered", "Point", st.PointName, "ID", st.PointID, "URL", st.ServerURL)
			c.line(w, "cli.sync.next")
		})
		return nil
	case "status":
		probs, err := cl.Problems(c.ctx, 50)
		if err != nil {
			return err
		}
		st := cl.Status()
		if probs == nil {
			probs = []client.Problem{}
		}
		c.result(syncStatusResult{Status: c.syncStatus(st), Problems: probs}, func(w io.Writer) {
			c.printSyncStatus(w, st)
			if len(probs) > 0 {
				c.line(w, "cli.sync.problems")
				t := c.table(w, "cli.sync.col.seq", "cli.sync.col.event", "cli.col.code", "cli.sync.col.message")
				for _, p := range probs {
					t.row(fmt.Sprint(p.Seq), p.Kind+" "+p.Entity, p.Code, p.Message)
				}
				t.flush()
			}
		})
		return nil
	}
	res, roundErr := cl.Round(c.ctx)
	st := cl.Status()
	out := syncResult{Round: res, Pushed: res.Pushed(), Status: c.syncStatus(st)}
	if roundErr != nil {
		if !c.json && st.Registered {
			if res.Pushed() > 0 || res.Pulled > 0 || res.Rotated {
				c.printRound(c.stdout, res) // what went through before it failed
			}
			st.LastError = nil // fail prints it
			c.printSyncStatus(c.stdout, st)
		}
		return withDetails{roundErr, out}
	}
	c.result(out, func(w io.Writer) {
		c.printRound(w, res)
		c.printSyncStatus(w, st)
	})
	return nil
}

func (c *cli) syncStatus(st client.Status) syncStatus {
	out := syncStatus{Status: st}
	if st.LastError != nil {
		d := c.describe(st.LastError)
		out.Error = &d
	}
	return out
}

func (c *cli) printRound(w io.Writer, r client.RoundResult) {
	c.line(w, "cli.sync.round", "Pushed", r.Pushed(), "Applied", r.Applied, "Duplicates", r.Duplicates,
		"Rejected", r.Rejected, "Pulled", r.Pulled)
	if r.Rotated {
		c.line(w, "cli.sync.rotated")
	}
	if len(r.Resets) > 0 {
		c.line(w, "cli.sync.resets", "Streams", strings.Join(r.Resets, ", "))
	}
}

func (c *cli) printSyncStatus(w io.Writer, st client.Status) {
	if !st.Registered {
		c.line(w, "cli.sync.not_registered")
		return
	}
	c.line(w, "cli.sync.point", "Point", st.PointName, "ID", st.PointID, "URL", st.ServerURL)
	last := c.p.T("cli.sync.never")
	if !st.LastSync.IsZero() {
		last = when(st.LastSync)
	}
	online := "cli.sync.offline"
	if st.Online {
		online = "cli.sync.online"
	}
	c.line(w, online, "Last", last)
	c.line(w, "cli.sync.waiting", "Waiting", st.Waiting, "Rejected", st.Rejected)
	if st.ClockSkew > 5*time.Minute || st.ClockSkew < -5*time.Minute {
		c.line(w, "cli.sync.skew", "Skew", st.ClockSkew.Round(time.Minute).String())
	}
	if st.LastError != nil && errs.CodeOf(st.LastError) != client.ErrNotRegistered {
		c.line(w, "cli.sync.error", "Error", c.p.Err(st.LastError))
	}
}
