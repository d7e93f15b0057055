package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
)

// Search screen keys: the next and the previous result.
const (
	keySearchNext = fyne.KeyF9
	keySearchPrev = fyne.KeyF10
)

// searchLimit is how many parcels one search lists.
const searchLimit = 100

// searchScreen finds parcels by anything typed or scanned in the scan
// field (code, phone or its last 4 digits, name) and shows the chosen
// parcel's whole history: the proof in a dispute.
type searchScreen struct {
	u       *UI
	banner  *banner
	found   *widget.Label
	results []counter.Parcel // phones masked
	list    *widget.List
	sel     int
	head    *widget.Label
	events  *fyne.Container
	tl      counter.Timeline
	obj     fyne.CanvasObject
}

func newSearchScreen(u *UI) screen {
	s := &searchScreen{u: u, banner: newBanner(), found: widget.NewLabel(""), head: widget.NewLabel(""), events: container.NewVBox(), sel: -1}
	s.found.TextStyle.Bold = true
	s.head.Wrapping = fyne.TextWrapWord
	s.head.TextStyle.Bold = true
	s.banner.show(toneInfo, "", u.T("search.ready"), u.T("search.ready_hint"))
	s.list = widget.NewList(
		func() int { return len(s.results) },
		func() fyne.CanvasObject {
			top := widget.NewLabel("")
			top.TextStyle.Bold = true
			top.Truncation = fyne.TextTruncateEllipsis
			bottom := widget.NewLabel("")
			bottom.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(top, bottom)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(s.results) {
				return
			}
			p := s.results[i]
			ls := o.(*fyne.Container).Objects
			top := p.Track + " · " + u.T("status."+string(p.Status))
			if p.Cell != "" {
				top = p.Cell + " · " + top
			}
			ls[0].(*widget.Label).SetText(top)
			ls[1].(*widget.Label).SetText(strings.TrimSpace(p.RecipientName+" "+p.RecipientPhone) + " · " + p.Partner)
		})
	s.list.OnSelected = func(i widget.ListItemID) { s.open(i) }
	next := widget.NewButton(string(keySearchNext)+" "+u.T("search.next"), func() { s.step(1) })
	prev := widget.NewButton(string(keySearchPrev)+" "+u.T("search.prev"), func() { s.step(-1) })
	left := container.NewBorder(container.NewHBox(s.found, layout.NewSpacer(), prev, next), nil, nil, nil, s.list)
	title := widget.NewLabel(u.T("search.timeline"))
	title.TextStyle.Bold = true
	title.SizeName = theme.SizeNameSubHeadingText
	right := container.NewBorder(container.NewVBox(title, s.head, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(s.events))
	split := container.NewHSplit(left, right)
	split.Offset = 0.42
	s.obj = container.NewBorder(s.banner.obj, nil, nil, nil, split)
	return s
}

func (s *searchScreen) view() fyne.CanvasObject { return s.obj }
func (s *searchScreen) shown()                  {}

func (s *searchScreen) key(n fyne.KeyName) bool {
	switch n {
	case keySearchNext:
		s.step(1)
	case keySearchPrev:
		s.step(-1)
	default:
		return false
	}
	return true
}

func (s *searchScreen) back() bool {
	if len(s.results) == 0 {
		return false
	}
	s.clear()
	s.banner.show(toneInfo, "", s.u.T("search.ready"), s.u.T("search.ready_hint"))
	return true
}

func (s *searchScreen) clear() {
	s.results, s.sel, s.tl = nil, -1, counter.Timeline{}
	s.list.UnselectAll()
	s.list.Refresh()
	s.found.SetText("")
	s.head.SetText("")
	s.events.RemoveAll()
}

// scan runs a search for whatever arrived: a scan or a typed query.
func (s *searchScreen) scan(raw string, manual bool) {
	u := s.u
	res, err := u.svc.Search(u.ctx, u.sess, raw, searchLimit)
	s.clear()
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	if len(res.Parcels) == 0 {
		u.feedback(s.banner, toneWarn, "", u.T("search.none", "Query", raw), u.T("search.none_hint"))
		return
	}
	s.results = counter.MaskParcels(res.Parcels)
	s.list.Refresh()
	by := u.T("search.by." + res.By)
	s.found.SetText(u.p.N("search.found", len(s.results)) + " · " + by)
	big := ""
	if len(s.results) == 1 {
		big = s.results[0].Cell
	}
	u.feedback(s.banner, toneOK, big, u.p.N("search.found_title", len(s.results), "Query", raw), by)
	s.list.Select(0)
}

// step moves the selection to the next (+1) or previous (-1) result.
func (s *searchScreen) step(d int) {
	if len(s.results) == 0 {
		return
	}
	i := min(max(s.sel+d, 0), len(s.results)-1)
	s.list.Select(i)
	s.list.ScrollTo(i)
}

// open shows result i's timeline.
func (s *searchScreen) open(i int) {
	u := s.u
	if i < 0 || i >= len(s.results) {
		return
	}
	s.sel = i
	p := s.results[i]
	tl, err := u.svc.ParcelTimeline(u.ctx, u.sess, p.ID)
	s.events.RemoveAll()
	if err != nil {
		s.head.SetText(u.Err(err))
		return
	}
	s.tl = tl
	s.head.SetText(u.T("search.parcel_head", "Track", p.Track, "Status", u.T("status."+string(p.Status)), "Cell", p.Cell) +
		"\n" + u.maskedLine(p))
	// A parcel's history is tens of events: a plain box is fine here.
	for _, e := range tl.Entries {
		s.events.Add(s.entryView(e))
	}
}

// entryLine is one history entry as text: when, what, who, and details.
func (s *searchScreen) entryLine(e counter.TimelineEntry) (head, details string) {
	u := s.u
	head = e.At.In(u.svc.Location()).Format("02.01.2006 15:04:05") + " · " + u.T("event."+e.Kind)
	if e.Clerk != "" {
		head += " · " + e.Clerk
	}
	keys := make([]string, 0, len(e.Details))
	for k := range e.Details {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		// Details without a label are bookkeeping (hashes, counters), not
		// for the clerk.
		if !u.p.Has("tl." + k) {
			continue
		}
		value, ok := s.detailValue(k, e.Details[k])
		if !ok {
			continue
		}
		parts = append(parts, u.T("tl."+k)+": "+value)
	}
	return head, strings.Join(parts, "; ")
}

func (s *searchScreen) entryView(e counter.TimelineEntry) fyne.CanvasObject {
	head, details := s.entryLine(e)
	h := widget.NewLabel(head)
	h.TextStyle.Bold = true
	h.Wrapping = fyne.TextWrapWord
	if details == "" {
		return h
	}
	d := widget.NewLabel(details)
	d.Wrapping = fyne.TextWrapWord
	return container.NewVBox(h, d)
}

// detailValue words one event detail; empty, false and zero ones are left
// out. Times (deadlines, *_at) are stored as Unix milliseconds, money in
// minor units; refusal reasons and payment methods as codes.
func (s *searchScreen) detailValue(key string, v any) (string, bool) {
	u := s.u
	switch x := v.(type) {
	case nil:
		return "", false
	case string:
		switch {
		case key == "reason" && u.p.Has("refuse."+x):
			return u.T("refuse." + x), true
		case key == "pay_method" && u.p.Has("cli.pay."+x):
			return u.T("cli.pay." + x), true
		case key == "number" && strings.HasPrefix(x, "sha256:"):
			return "", false // a manifest without a number: its content hash stands in
		}
		return x, x != ""
	case bool:
		return u.T("common.yes"), x
	case json.Number:
		n, err := x.Int64()
		switch {
		case err != nil:
			return x.String(), true
		case n == 0:
			return "", false
		case key == "deadline" || strings.HasSuffix(key, "_at"):
			return time.UnixMilli(n).In(u.svc.Location()).Format("02.01.2006 15:04"), true
		case key == "cod" || key == "paid" || key == "due":
			return moneyText(n, u.point.Currency), true
		}
		return x.String(), true
	}
	return fmt.Sprint(v), true
}
