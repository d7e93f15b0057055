package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/loyalty"
)

// loySegmentsPage is the number of members one segment view lists.
const loySegmentsPage = 200

// loySegments is the Segments tab: how many members are champions,
// regulars, new, at risk, lost and close to a reward, and who they are.
// ↑/↓ choose the segment, F9 exports its members (managers), a click on a
// member opens them.
type loySegments struct {
	s       *loyaltyScreen
	seg     int // index in loyalty.SegmentNames
	counts  map[string]int
	members []loyalty.SegmentMember
	head    *widget.Label
	names   *loyList
	list    *loyList
	busy    bool
	again   bool // the choice changed while computing: compute again
	obj     fyne.CanvasObject
	loaded  func() // tests
}

func newLoySegments(s *loyaltyScreen) loyTab {
	u := s.u
	p := &loySegments{s: s, head: widget.NewLabel("")}
	p.head.Wrapping = fyne.TextWrapWord
	p.names = newLoyLines(u, func() int { return len(loyalty.SegmentNames) }, func(i int, l *widget.Label) {
		name := loyalty.SegmentNames[i]
		l.SetText(u.T("loyc.seg.row", "Segment", u.T("loyc.seg."+name), "Count", p.counts[name]))
	})
	p.names.OnSelected = func(i widget.ListItemID) {
		if i != p.seg {
			p.seg = i
			p.loadMembers()
		}
		if u.modal == nil {
			u.refocus()
		}
	}
	p.list = newLoyLines(u, func() int { return len(p.members) }, func(i int, l *widget.Label) {
		m := p.members[i]
		l.SetText(u.T("loyc.seg.member", "Phone", orDash(m.MaskedPhone), "Name", loyName(u, m.Name),
			"Days", m.RecencyDays, "Visits", m.Frequency, "Earned", m.Monetary, "Next", m.ToNextReward))
	})
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.members) {
			p.s.openCustomer(p.members[i].ID, loyNotice{})
		}
		p.list.UnselectAll()
	}
	var bar fyne.CanvasObject = p.head
	if loyCanManage(u) {
		bar = container.NewBorder(nil, nil, nil, widget.NewButton(string(keyLoyaltyTab)+" "+u.T("loyc.seg.export"), p.export), p.head)
	}
	split := container.NewHSplit(p.names, p.list)
	split.Offset = 0.3
	p.obj = container.NewBorder(bar, nil, nil, nil, split)
	return p
}

func (p *loySegments) view() fyne.CanvasObject { return p.obj }
func (p *loySegments) shown()                  { p.load() }
func (p *loySegments) back() bool              { return false }
func (p *loySegments) scan(string, bool) bool  { return false }
func (p *loySegments) enter() bool             { return false }

// load computes the segments (about half a second with 200,000 members)
// in the background, then lists the chosen one.
func (p *loySegments) load() {
	u := p.s.u
	if u.loy == nil {
		return
	}
	if p.busy {
		p.again = true
		return
	}
	p.busy = true
	p.head.SetText(u.T("loyc.dash.computing"))
	seg := loyalty.SegmentNames[p.seg]
	u.spawn(func() {
		rep, err := u.loy.Segments(u.ctx, loyalty.SegmentOptions{})
		var members []loyalty.SegmentMember
		if err == nil {
			members, err = u.loy.SegmentMembers(u.ctx, seg, loySegmentsPage, 0)
		}
		fyne.Do(func() {
			p.busy = false
			if p.again {
				p.again = false
				p.load()
				return
			}
			if err != nil {
				p.head.SetText(u.Err(err))
			} else {
				p.counts, p.members = rep.Counts, members
				p.head.SetText(u.T("loyc.seg.head", "Members", rep.Members, "Days", rep.WindowDays,
					"Gap", fmt.Sprintf("%.0f", rep.TypicalGapDays)))
				p.names.Select(p.seg)
				p.names.Refresh()
				p.list.Refresh()
			}
			if p.loaded != nil {
				p.loaded()
			}
		})
	})
}

// loadMembers lists the chosen segment's members (most valuable first);
// the segments are computed afresh for it, in the background.
func (p *loySegments) loadMembers() {
	p.load()
}

func (p *loySegments) key(n fyne.KeyName) bool {
	switch n {
	case keyLoyaltyTab:
		p.export()
	case fyne.KeyUp:
		p.names.Select(max(0, p.seg-1))
	case fyne.KeyDown:
		p.names.Select(min(len(loyalty.SegmentNames)-1, p.seg+1))
	default:
		return false
	}
	return true
}

// export writes the chosen segment's members as CSV (managers).
func (p *loySegments) export() {
	if !loyCanManage(p.s.u) {
		return
	}
	p.s.exportCSV(loyalty.SegmentNames[p.seg], time.Time{})
}
