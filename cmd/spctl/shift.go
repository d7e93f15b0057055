package main

import (
	"io"

	"smartpoint/app/counter"
)

// shiftStatus is `spctl shift status --json`'s result.
type shiftStatus struct {
	Open  bool           `json:"open"`
	Shift *counter.Shift `json:"shift,omitempty"`
}

// cmdShift opens, closes or shows the point's shift. Counter work (scan,
// issue) needs the clerk's shift to be open.
func (c *cli) cmdShift(args []string) error {
	sub, args, err := subcommand(args, "open", "close", "status")
	if err != nil {
		return err
	}
	fs := c.flags("shift")
	var id int64
	if sub == "close" {
		fs.Int64Var(&id, "id", 0, "")
	}
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	switch sub {
	case "status":
		return c.shiftStatus()
	case "open":
		svc, sess, err := c.login()
		if err != nil {
			return err
		}
		sh, err := svc.OpenShift(c.ctx, sess)
		if err != nil {
			return err
		}
		c.result(sh, func(w io.Writer) {
			c.line(w, "cli.shift.opened", "ID", sh.ID, "Clerk", sh.Clerk, "At", when(sh.OpenedAt))
		})
		return nil
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	var r counter.Report
	if id != 0 && id != sess.ShiftID() {
		// A manager closes someone else's forgotten shift.
		if err := svc.ForceCloseShift(c.ctx, sess, id); err != nil {
			return err
		}
		r, err = svc.ShiftReport(c.ctx, sess, id)
	} else {
		r, err = svc.CloseShift(c.ctx, sess)
	}
	if err != nil {
		return err
	}
	if !c.json {
		c.line(c.stdout, "cli.shift.closed", "ID", r.ShiftID)
	}
	c.printReport(r, c.currency(svc))
	return nil
}

func (c *cli) shiftStatus() error {
	svc, err := c.service(true)
	if err != nil {
		return err
	}
	sh, open, err := svc.OpenShiftNow(c.ctx)
	if err != nil {
		return dbError{err}
	}
	st := shiftStatus{Open: open}
	if open {
		st.Shift = &sh
	}
	c.result(st, func(w io.Writer) {
		if !open {
			c.line(w, "cli.shift.none")
			return
		}
		c.line(w, "cli.shift.status_open", "ID", sh.ID, "Clerk", sh.Clerk, "At", when(sh.OpenedAt))
	})
	return nil
}
