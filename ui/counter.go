package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/scan"
)

// counterRecentMax is how many scans the Counter screen lists.
const counterRecentMax = 50

// counterScreen is home: scan anything. A customer's code opens Issue
// with their parcels; a parcel shows its status and cell; our labels go
// to the screen that uses them.
type counterScreen struct {
	u      *UI
	banner *banner
	recent *scanLog // the last scans, newest first
	obj    fyne.CanvasObject
}

func newCounterScreen(u *UI) screen {
	s := &counterScreen{u: u, banner: newBanner(), recent: newScanLog(counterRecentMax)}
	s.banner.show(toneInfo, "", u.T("counter.ready"), u.T("counter.ready_hint"))
	head := container.NewVBox(s.banner.obj,
		widget.NewLabelWithStyle(u.T("counter.recent"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	s.obj = container.NewBorder(head, nil, nil, nil, s.recent.list)
	return s
}

func (s *counterScreen) view() fyne.CanvasObject { return s.obj }
func (s *counterScreen) shown()                  {}
func (s *counterScreen) key(fyne.KeyName) bool   { return false }
func (s *counterScreen) back() bool              { return false }

func (s *counterScreen) scan(raw string, manual bool) {
	u := s.u
	res := u.svc.Classify(raw)
	switch res.Kind {
	case scan.KindPickupCode, scan.KindPhone, scan.KindOrder, scan.KindCustomerQR:
		u.openCustomer(raw, s.banner)
	case scan.KindReturnBox:
		u.shell.open("returns").scan(raw, manual)
	case scan.KindCell:
		u.shell.open("inventory").scan(raw, manual)
	case scan.KindLoyaltyCard:
		if !u.openCard(raw, s.banner) {
			u.feedback(s.banner, toneWarn, "", u.T("counter.loyalty_later"), "")
		}
	case scan.KindParcel, scan.KindMarking:
		s.parcel(raw, res)
	default:
		if u.isCardScan(raw, manual) {
			u.openCard(raw, s.banner) // a card code typed from the slip
			return
		}
		if manual {
			// A name or part of a phone typed by hand: that is a search.
			u.shell.open("search").scan(raw, manual)
			return
		}
		u.feedback(s.banner, toneError, "", u.T("counter.unknown", "Code", res.Raw), u.T("counter.unknown_hint"))
		s.recent.add(u.now(), toneError, u.T("counter.unknown", "Code", res.Raw))
	}
}

// parcel shows where a parcel is and what state it is in.
func (s *counterScreen) parcel(raw string, res scan.Result) {
	u := s.u
	found, err := u.svc.Search(u.ctx, u.sess, raw, 5)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	if len(found.Parcels) == 0 {
		u.feedback(s.banner, toneWarn, "", u.T("counter.parcel_unknown", "Code", res.Code), u.T("counter.parcel_unknown_hint"))
		s.recent.add(u.now(), toneWarn, u.T("counter.parcel_unknown", "Code", res.Code))
		return
	}
	p := found.Parcels[0]
	t, big := toneInfo, p.Cell
	title := u.T("counter.parcel_status", "Track", p.Track, "Status", u.T("status."+string(p.Status)))
	detail := u.parcelLine(p)
	switch {
	case p.Status == counter.StatusStored && p.Overdue(u.svc.Now()):
		t = toneWarn
		detail = u.T("counter.overdue", "Deadline", u.day(p.DeadlineAt)) + "\n" + detail
	case p.Status == counter.StatusExpected:
		t, big = toneWarn, ""
		detail = u.T("counter.expected_hint")
	case p.Status != counter.StatusStored && p.Status != counter.StatusToReturn:
		big = ""
	}
	u.feedback(s.banner, t, big, title, detail)
	line := title
	if p.Cell != "" {
		line += " · " + p.Cell
	}
	s.recent.add(u.now(), t, line)
}

// openCustomer finds a customer's parcels and hands them to Issue.
func (u *UI) openCustomer(raw string, b *banner) {
	look, err := u.svc.FindForIssue(u.ctx, u.sess, raw)
	if err != nil {
		u.feedback(b, toneError, "", u.Err(err), "")
		return
	}
	u.shell.open("issue").(*issueScreen).load(look)
}

// parcelLine is a parcel's one-line description: partner, recipient, deadline.
func (u *UI) parcelLine(p counter.Parcel) string {
	line := u.T("parcel.line", "Partner", p.Partner, "Name", p.RecipientName, "Phone", p.MaskedPhone())
	if !p.DeadlineAt.IsZero() {
		line += " · " + u.T("parcel.deadline", "Date", u.day(p.DeadlineAt))
	}
	if p.CODAmount > 0 {
		line += " · " + u.T("parcel.cod", "Amount", moneyText(p.CODAmount, p.Currency))
	}
	return line
}

func (u *UI) day(t time.Time) string { return t.In(u.svc.Location()).Format("02.01.2006") }
