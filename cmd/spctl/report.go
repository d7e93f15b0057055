package main

import (
	"io"
	"strconv"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/money"
)

// reportJSON is a report with the currency its money is in.
type reportJSON struct {
	counter.Report
	Currency string `json:"currency"`
}

// cmdReport prints a shift or a day report.
func (c *cli) cmdReport(args []string) error {
	sub, args, err := subcommand(args, "shift", "day")
	if err != nil {
		return err
	}
	fs := c.flags("report")
	var id int64
	var day string
	if sub == "shift" {
		fs.Int64Var(&id, "id", 0, "")
	} else {
		fs.StringVar(&day, "date", "", "")
	}
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	var r counter.Report
	if sub == "shift" {
		if id == 0 {
			if id, err = c.latestShift(svc, sess); err != nil {
				return err
			}
		}
		r, err = svc.ShiftReport(c.ctx, sess, id)
	} else {
		t := svc.Now().In(svc.Location())
		if day != "" {
			if t, err = time.ParseInLocation("2006-01-02", day, svc.Location()); err != nil {
				return usage("cli.err.bad_date", "Value", day)
			}
		}
		r, err = svc.DayReport(c.ctx, sess, t)
	}
	if err != nil {
		return err
	}
	c.printReport(r, c.currency(svc))
	return nil
}

// latestShift is the clerk's open shift, else their latest one, else (for
// a manager) the point's latest.
func (c *cli) latestShift(svc *counter.Service, sess *counter.Session) (int64, error) {
	if id := sess.ShiftID(); id != 0 {
		return id, nil
	}
	shifts, err := svc.Shifts(c.ctx, sess, 100)
	if err != nil {
		return 0, err
	}
	for _, sh := range shifts {
		if sh.ClerkID == sess.ClerkID() {
			return sh.ID, nil
		}
	}
	if len(shifts) > 0 {
		return shifts[0].ID, nil
	}
	return 0, refused("shift.none", "cli.err.no_shift", nil)
}

// printReport shows a report as label/value lines and two tables.
func (c *cli) printReport(r counter.Report, currency string) {
	c.result(reportJSON{r, currency}, func(w io.Writer) {
		if r.Kind == counter.ReportShift {
			c.line(w, "cli.report.shift_title", "ID", r.ShiftID, "Clerk", r.Clerk, "From", when(r.From), "To", when(r.To))
		} else {
			c.line(w, "cli.report.day_title", "Date", r.Date)
		}
		t := c.table(w, "cli.report.indicator", "cli.report.value")
		for _, row := range r.Rows(currency) {
			label := c.p.T(row.Key)
			if row.Part {
				label = "  " + label // a share of the line above
			}
			t.row(label, row.Value)
		}
		t.flush()
		c.reportLines(w, "cli.report.by_partner", "cli.col.partner", r.ByPartner, currency)
		c.reportLines(w, "cli.report.by_clerk", "cli.col.clerk", r.ByClerk, currency)
	})
}

func (c *cli) reportLines(w io.Writer, titleKey, keyCol string, lines []counter.ReportLine, currency string) {
	if len(lines) == 0 {
		return
	}
	io.WriteString(w, "\n")
	c.line(w, titleKey)
	t := c.table(w, keyCol, "cli.col.accepted_n", "cli.col.issued", "cli.col.refused", "cli.col.returned", "cli.col.cash")
	for _, l := range lines {
		name := l.Key
		if l.Name != "" {
			name = l.Name
		}
		t.row(name, strconv.Itoa(l.Accepted), strconv.Itoa(l.Issued), strconv.Itoa(l.Refused), strconv.Itoa(l.Returned), money.Format(l.Cash, currency))
	}
	t.flush()
}
