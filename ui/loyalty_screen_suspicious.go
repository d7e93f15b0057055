package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/loyalty"
)

// loySuspiciousDays is the report's period: the last 30 days.
const loySuspiciousDays = 30

// loySusRow is one line of the report: a section title (no customer) or a
// finding that leads to its customer.
type loySusRow struct {
	text     string
	customer string
}

// loySuspicious is the Suspicious tab (managers and the owner): cards
// earning more than the daily threshold, and clerks stamping one card
// repeatedly, over the last 30 days. Each finding opens its customer.
type loySuspicious struct {
	s    *loyaltyScreen
	rows []loySusRow
	sel  int
	list *loyList
	head *widget.Label
	obj  fyne.CanvasObject
}

func newLoySuspicious(s *loyaltyScreen) *loySuspicious {
	u := s.u
	p := &loySuspicious{s: s, sel: -1, head: widget.NewLabel("")}
	p.head.TextStyle.Bold = true
	p.head.Wrapping = fyne.TextWrapWord
	p.list = newLoyLines(u, func() int { return len(p.rows) }, func(i int, l *widget.Label) {
		r := p.rows[i]
		l.TextStyle.Bold = r.customer == ""
		l.SetText(r.text)
	})
	p.list.choosing(&p.sel)
	refresh := widget.NewButton(string(keyLoyaltyTab)+" "+u.T("loyc.sus.refresh"), p.load)
	open := widget.NewButton("Enter "+u.T("loyc.sus.open"), func() { p.enter() })
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(open, refresh), p.head)
	p.obj = container.NewBorder(bar, nil, nil, nil, p.list)
	return p
}

func (p *loySuspicious) view() fyne.CanvasObject { return p.obj }
func (p *loySuspicious) shown()                  { p.load() }
func (p *loySuspicious) back() bool              { return false }
func (p *loySuspicious) scan(string, bool) bool  { return false }

func (p *loySuspicious) load() {
	u := p.s.u
	if u.loy == nil {
		return
	}
	// The period ends just after now, so what was stamped this very
	// moment is in it ([from, to)).
	to := u.svc.Now().Add(time.Second)
	from := to.AddDate(0, 0, -loySuspiciousDays)
	rep, err := u.loy.Suspicious(u.ctx, from, to, 0)
	if err != nil {
		p.s.note(toneError, "", u.Err(err), "")
		return
	}
	p.head.SetText(u.T("loyc.sus.head", "From", u.day(from), "To", u.day(to), "Max", rep.MaxPerDay))
	p.rows = p.rows[:0]
	p.rows = append(p.rows, loySusRow{text: u.p.N("loyc.sus.days_title", len(rep.Days), "Max", rep.MaxPerDay)})
	for _, d := range rep.Days {
		p.rows = append(p.rows, loySusRow{customer: d.Customer, text: u.T("loyc.sus.day",
			"Day", loyReportDay(d.Day), "Phone", orDash(d.MaskedPhone), "Card", loyalty.FormatCode(d.Card),
			"Amount", d.Amount, "Accruals", d.Accruals, "Clerks", strings.Join(d.Clerks, ", "))})
	}
	p.rows = append(p.rows, loySusRow{text: u.p.N("loyc.sus.pairs_title", len(rep.Pairs))})
	for _, x := range rep.Pairs {
		p.rows = append(p.rows, loySusRow{customer: x.Customer, text: u.T("loyc.sus.pair",
			"Clerk", x.Clerk, "Phone", orDash(x.MaskedPhone), "Card", loyalty.FormatCode(x.Card), "Accruals", x.Accruals,
			"Amount", x.Amount, "Days", x.Days, "Most", x.MostInADay, "Manual", x.Manual)})
	}
	p.sel = -1
	p.list.UnselectAll()
	p.list.Refresh()
	p.step(1)
}

// loyReportDay shows the report's 2026-11-20 as the screens show dates.
func loyReportDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02.01.2006")
}

// step moves to the next finding in direction d, over section titles.
func (p *loySuspicious) step(d int) {
	for i := p.sel + d; i >= 0 && i < len(p.rows); i += d {
		if p.rows[i].customer != "" {
			p.sel = i
			p.list.Select(i)
			p.list.ScrollTo(i)
			return
		}
	}
}

func (p *loySuspicious) key(n fyne.KeyName) bool {
	switch n {
	case keyLoyaltyTab:
		p.load()
	case fyne.KeyUp:
		p.step(-1)
	case fyne.KeyDown:
		p.step(1)
	case fyne.KeyPageUp:
		for range 10 {
			p.step(-1)
		}
	case fyne.KeyPageDown:
		for range 10 {
			p.step(1)
		}
	default:
		return false
	}
	return true
}

// enter opens the chosen finding's customer.
func (p *loySuspicious) enter() bool {
	if p.sel < 0 || p.sel >= len(p.rows) || p.rows[p.sel].customer == "" {
		return false
	}
	p.s.openCustomer(p.rows[p.sel].customer, loyNotice{})
	return true
}
