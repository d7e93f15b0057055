package ui

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/loyalty"
)

// loyPeriods are the dashboard's periods in days, on F1–F3 of its menu.
var loyPeriods = []int{30, 90, 365}

// loyDashboard is the owner's view of the programme: the period's
// figures, month by month, retention of each month's new members and the
// members at risk of leaving. A year over 200,000 members takes about a
// second, so it is computed off the UI thread.
type loyDashboard struct {
	s      *loyaltyScreen
	days   int
	head   *widget.Label
	kpis   *fyne.Container
	months *widget.Label
	cohort *widget.Label
	risk   []loyalty.SegmentMember
	list   *loyList
	sel    int
	busy   bool
	obj    fyne.CanvasObject
	// loaded, when set, runs after a computation was shown (tests).
	loaded func()
}

func newLoyDashboard(s *loyaltyScreen) loyTab {
	u := s.u
	p := &loyDashboard{s: s, days: 365, sel: -1, head: widget.NewLabel(""), kpis: container.NewGridWithColumns(4),
		months: widget.NewLabel(""), cohort: widget.NewLabel("")}
	p.head.TextStyle.Bold = true
	p.months.TextStyle.Monospace = true
	p.cohort.TextStyle.Monospace = true
	p.list = newLoyLines(u, func() int { return len(p.risk) }, func(i int, l *widget.Label) {
		m := p.risk[i]
		l.SetText(u.T("loyc.dash.risk_row", "Phone", orDash(m.MaskedPhone), "Name", loyName(u, m.Name),
			"Lifetime", m.Lifetime, "Days", m.RecencyDays))
	})
	p.list.choosing(&p.sel)
	menu := widget.NewButton(string(keyLoyaltyTab)+" "+u.T("loyc.dash.menu"), p.menu)
	open := widget.NewButton("Enter "+u.T("loyc.sus.open"), func() { p.enter() })
	top := container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(open, menu), p.head), p.kpis)
	tables := container.NewGridWithColumns(2,
		container.NewScroll(container.NewVBox(loyCaption(u.T("loyc.dash.months")), p.months,
			loyCaption(u.T("loyc.dash.cohorts")), p.cohort)),
		container.NewBorder(loyCaption(u.T("loyc.dash.at_risk")), nil, nil, nil, p.list))
	p.obj = container.NewBorder(top, nil, nil, nil, tables)
	return p
}

// loyCaption is a bold section title.
func loyCaption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.TextStyle.Bold = true
	return l
}

func (p *loyDashboard) view() fyne.CanvasObject { return p.obj }
func (p *loyDashboard) shown()                  { p.load() }
func (p *loyDashboard) back() bool              { return false }
func (p *loyDashboard) scan(string, bool) bool  { return false }

// load computes the period's figures in the background; the tab says so
// meanwhile and the counter goes on.
func (p *loyDashboard) load() {
	u := p.s.u
	if u.loy == nil || p.busy {
		return
	}
	p.busy = true
	to := u.svc.Now().Add(time.Second)
	from := to.AddDate(0, 0, -p.days)
	p.head.SetText(u.T("loyc.dash.computing"))
	u.spawn(func() {
		d, err := u.loy.Dashboard(u.ctx, from, to)
		fyne.Do(func() {
			p.busy = false
			p.show(d, err)
			if p.loaded != nil {
				p.loaded()
			}
		})
	})
}

func (p *loyDashboard) show(d loyalty.Dashboard, err error) {
	u := p.s.u
	if err != nil {
		p.head.SetText(u.Err(err))
		return
	}
	p.head.SetText(u.T("loyc.dash.head", "From", u.day(d.From), "To", u.day(d.To.Add(-time.Second))))
	p.kpis.RemoveAll()
	for _, k := range []struct {
		key   string
		value string
	}{
		{"enrolments", strconv.Itoa(d.Enrolments)},
		{"active", strconv.Itoa(d.ActiveMembers)},
		{"visits", strconv.Itoa(d.Visits)},
		{"issued", strconv.Itoa(d.Issued)},
		{"redemptions", strconv.Itoa(d.Redemptions)},
		{"redeemed", strconv.Itoa(d.Redeemed)},
		{"rate", fmt.Sprintf("%.0f %%", d.RedemptionRate*100)},
		{"expired", strconv.Itoa(d.Expired + d.Forfeited)},
	} {
		v := widget.NewLabel(k.value)
		v.TextStyle.Bold = true
		p.kpis.Add(container.NewVBox(widget.NewLabel(u.T("loyc.dash.kpi."+k.key)), v))
	}
	p.months.SetText(loyMonthsTable(u, d.Months))
	p.cohort.SetText(loyCohortTable(u, d.Cohorts))
	p.risk = d.AtRisk
	p.sel = -1
	p.list.UnselectAll()
	p.list.Refresh()
}

// loyMonthsTable is the month-by-month figures as aligned text.
func loyMonthsTable(u *UI, months []loyalty.DashboardMonth) string {
	out := fmt.Sprintf("%-8s %7s %7s %7s %7s %7s\n", u.T("loyc.dash.col.month"), u.T("loyc.dash.col.enrol"),
		u.T("loyc.dash.col.active"), u.T("loyc.dash.col.visits"), u.T("loyc.dash.col.issued"), u.T("loyc.dash.col.redeem"))
	for _, m := range months {
		out += fmt.Sprintf("%-8s %7d %7d %7d %7d %7d\n", m.Month, m.Enrolments, m.ActiveMembers, m.Visits, m.Issued, m.Redemptions)
	}
	return out
}

// loyCohortTable is retention by enrolment month: the cohort's size and
// the share with a visit in each following month.
func loyCohortTable(u *UI, cohorts []loyalty.Cohort) string {
	const shown = 6
	out := fmt.Sprintf("%-8s %6s", u.T("loyc.dash.col.month"), u.T("loyc.dash.col.size"))
	for i := 1; i <= shown; i++ {
		out += fmt.Sprintf(" %5s", "+"+strconv.Itoa(i))
	}
	out += "\n"
	for _, c := range cohorts {
		out += fmt.Sprintf("%-8s %6d", c.Month, c.Size)
		for i := range shown {
			cell := "·"
			if i < len(c.Retention) {
				cell = fmt.Sprintf("%.0f%%", c.Retention[i]*100)
			}
			out += fmt.Sprintf(" %5s", cell)
		}
		out += "\n"
	}
	return out
}

func (p *loyDashboard) key(n fyne.KeyName) bool {
	switch n {
	case keyLoyaltyTab:
		p.menu()
	case fyne.KeyUp:
		p.step(-1)
	case fyne.KeyDown:
		p.step(1)
	default:
		return false
	}
	return true
}

func (p *loyDashboard) step(d int) {
	if len(p.risk) == 0 {
		return
	}
	p.sel = max(0, min(len(p.risk)-1, p.sel+d))
	p.list.Select(p.sel)
	p.list.ScrollTo(p.sel)
}

// enter opens the chosen at-risk member.
func (p *loyDashboard) enter() bool {
	if p.sel < 0 || p.sel >= len(p.risk) {
		return false
	}
	p.s.openCustomer(p.risk[p.sel].ID, loyNotice{})
	return true
}

// menu offers the period and, to a manager, the CSV exports.
func (p *loyDashboard) menu() {
	u := p.s.u
	var acts []*action
	for i, days := range loyPeriods {
		acts = append(acts, &action{Label: u.T("loyc.dash.period", "Days", days), Key: fKey(i), Run: func() {
			p.days = days
			p.load()
		}})
	}
	if loyCanManage(u) {
		from := u.svc.Now().AddDate(0, 0, -p.days)
		acts = append(acts,
			&action{Label: u.T("loyc.dash.export_customers"), Key: fyne.KeyF4, Run: func() { p.s.exportCSV("", time.Time{}) }},
			&action{Label: u.T("loyc.dash.export_moves", "Days", p.days), Key: fyne.KeyF5, Run: func() { p.s.exportCSV("movements", from) }})
	}
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("loyc.dash.menu"),
		Body: container.NewGridWithColumns(1, u.choiceButtons(acts)...)})
	u.modal.keyed = acts
}

// exportCSV writes customers (of a segment, "" all) or, with what
// "movements", the ledger since from into the exports folder, behind a
// progress dialog; the banner says where the file went.
func (s *loyaltyScreen) exportCSV(segment string, from time.Time) {
	u := s.u
	what, name := "customers", "loyalty-customers"
	if segment == "movements" {
		what, name, segment = "movements", "loyalty-movements", ""
	} else if segment != "" {
		name += "-" + segment
	}
	var path string
	var rows int
	u.runLong(u.T("loyc.csv.title"), func(ctx context.Context, _ progressFunc) error {
		var err error
		path, err = u.saveExportWith(name, "csv", func(w io.Writer) error {
			var err error
			if what == "movements" {
				rows, err = u.loy.ExportMovementsCSV(ctx, u.sess, w, from, u.svc.Now().Add(time.Second))
			} else {
				rows, err = u.loy.ExportCustomersCSV(ctx, u.sess, w, loyalty.CSVOptions{Segment: segment})
			}
			return err
		})
		return err
	}, func(err error) {
		if err != nil {
			s.note(toneError, "", u.Err(err), "")
		} else {
			s.note(toneOK, "", u.p.N("loyc.csv.done", rows), path)
		}
		if s.afterExport != nil {
			s.afterExport()
		}
	})
}
