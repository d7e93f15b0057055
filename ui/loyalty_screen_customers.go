package ui

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
	"smartpoint/app/scan"
)

// loyPageRows is how many customers one read lists; "more" reads the next
// page, so 200,000 members never load at once.
const loyPageRows = 200

// loyCustomerCols are the customer list's columns (loyc.col.* keys); the
// flexible one takes the width left over.
var loyCustomerCols = loyCols{
	keys:   []string{"phone", "name", "card", "balance", "rewards", "last_visit"},
	widths: []float32{180, 260, 180, 110, 150, 150},
	flex:   1,
}

// loyCols lays a row out in fixed columns, one of them flexible; the list
// and its header share it, so they line up.
type loyCols struct {
	keys   []string
	widths []float32
	flex   int
}

func (c loyCols) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		if i < len(c.widths) {
			w += c.widths[i]
		}
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(w, h)
}

func (c loyCols) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	for _, w := range c.widths {
		total += w
	}
	extra := max(0, size.Width-total)
	var x float32
	for i, o := range objs {
		if i >= len(c.widths) {
			o.Hide()
			continue
		}
		w := c.widths[i]
		if i == c.flex {
			w += extra
		}
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

// row makes one row of truncating labels.
func (c loyCols) row(bold bool) *fyne.Container {
	objs := make([]fyne.CanvasObject, len(c.keys))
	for i := range objs {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		l.TextStyle.Bold = bold
		objs[i] = l
	}
	return container.New(c, objs...)
}

// header is the row of column titles (prefix + key).
func (c loyCols) header(u *UI, prefix string) *fyne.Container {
	r := c.row(true)
	for i, k := range c.keys {
		r.Objects[i].(*widget.Label).SetText(u.T(prefix + k))
	}
	return r
}

// set fills a row made by row.
func (c loyCols) set(r *fyne.Container, texts ...string) {
	for i, o := range r.Objects {
		l := o.(*widget.Label)
		t := ""
		if i < len(texts) {
			t = texts[i]
		}
		if l.Text != t {
			l.SetText(t)
		}
	}
}

// loyList is a list that never keeps the keyboard: a click chooses a row,
// and keys go on to the scan field (or the open dialog), where ↑/↓,
// Enter and Escape mean what the screen says they mean.
type loyList struct {
	widget.List
	u *UI
}

func newLoyList(u *UI, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *loyList {
	l := &loyList{u: u}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// newLoyLines is a list of one-line labels (cut with "…"); line fills
// row i, which is always in range.
func newLoyLines(u *UI, n func() int, line func(i int, l *widget.Label)) *loyList {
	return newLoyList(u, n,
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < n() {
				line(i, o.(*widget.Label))
			}
		})
}

// choosing makes a click choose row *sel and give the keyboard back.
func (l *loyList) choosing(sel *int) {
	l.OnSelected = func(i widget.ListItemID) {
		*sel = i
		if l.u.modal == nil {
			l.u.refocus()
		}
	}
}

// FocusGained passes the focus on at once.
func (l *loyList) FocusGained() {
	u := l.u
	m := u.modal
	switch {
	case m == nil:
		u.refocus()
	case m.focus != nil:
		u.win.Canvas().Focus(m.focus)
	default:
		u.win.Canvas().Unfocus()
	}
}

// loyCustomers is the Customers tab: members found by what is scanned or
// typed (card, phone digits, name), most recently seen first, read page by
// page. ↑/↓ choose, Enter opens the customer's card.
type loyCustomers struct {
	s     *loyaltyScreen
	query string // the filter as the clerk gave it; "" lists everyone
	rows  []loyalty.Customer
	more  bool // the last page was full: there may be more
	sel   int
	list  *loyList
	count *widget.Label
	moreB *widget.Button
	obj   fyne.CanvasObject
}

func newLoyCustomers(s *loyaltyScreen) *loyCustomers {
	u := s.u
	c := &loyCustomers{s: s, sel: -1, count: widget.NewLabel("")}
	c.count.TextStyle.Bold = true
	c.count.Truncation = fyne.TextTruncateEllipsis
	c.list = newLoyList(u,
		func() int {
			if c.more {
				return len(c.rows) + 1
			}
			return len(c.rows)
		},
		func() fyne.CanvasObject { return loyCustomerCols.row(false) },
		func(i widget.ListItemID, o fyne.CanvasObject) { c.fill(i, o.(*fyne.Container)) })
	c.list.OnSelected = func(i widget.ListItemID) {
		if i >= len(c.rows) {
			c.loadMore()
			return
		}
		c.sel = i
		if u.modal == nil {
			u.refocus()
		}
	}
	c.moreB = widget.NewButton(string(keyLoyaltyTab)+" "+u.T("loyc.more", "Count", loyPageRows), c.loadMore)
	open := widget.NewButton("Enter "+u.T("loyc.open"), func() { c.enter() })
	clear := widget.NewButton("Esc "+u.T("loyc.clear"), func() { c.back() })
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(open, c.moreB, clear), c.count)
	c.obj = container.NewBorder(container.NewVBox(bar, loyCustomerCols.header(u, "loyc.col.")), nil, nil, nil, c.list)
	return c
}

func (c *loyCustomers) view() fyne.CanvasObject { return c.obj }

// shown reads the list again (balances and visits change at the counter),
// keeping the customer chosen.
func (c *loyCustomers) shown() { c.load(c.query, c.selectedID()) }

func (c *loyCustomers) selectedID() string {
	if c.sel >= 0 && c.sel < len(c.rows) {
		return c.rows[c.sel].ID
	}
	return ""
}

func (c *loyCustomers) fill(i int, r *fyne.Container) {
	u := c.s.u
	if i >= len(c.rows) {
		loyCustomerCols.set(r, "", u.T("loyc.more_row", "Key", string(keyLoyaltyTab)))
		return
	}
	p := c.rows[i]
	name := p.Name
	if name == "" {
		name = "—"
	}
	code := "—"
	if p.Card != "" {
		code = loyalty.FormatCode(p.Card)
	}
	loyCustomerCols.set(r, p.MaskedPhone, name, code, strconv.Itoa(p.Balance), strconv.Itoa(p.RewardsAvailable), u.loyDay(p.LastVisitAt))
}

// load lists the customers for query and chooses keepID (or the first).
func (c *loyCustomers) load(query, keepID string) bool {
	u := c.s.u
	if u.sess == nil || u.loy == nil {
		return false
	}
	rows, err := u.loy.Customers(u.ctx, query, loyPageRows, 0)
	if err != nil {
		c.s.note(toneError, "", u.Err(err), "")
		return false
	}
	c.query, c.rows, c.more, c.sel = query, rows, len(rows) == loyPageRows, -1
	c.list.UnselectAll()
	c.list.Refresh()
	c.paintCount()
	at := 0
	for i, r := range rows {
		if r.ID == keepID {
			at = i
		}
	}
	if len(rows) > 0 {
		c.choose(at)
	} else {
		c.list.ScrollToTop()
	}
	return true
}

// loadMore reads the next page and moves onto its first customer.
func (c *loyCustomers) loadMore() {
	u := c.s.u
	if !c.more {
		return
	}
	rows, err := u.loy.Customers(u.ctx, c.query, loyPageRows, len(c.rows))
	if err != nil {
		c.s.note(toneError, "", u.Err(err), "")
		return
	}
	first := len(c.rows)
	c.rows = append(c.rows, rows...)
	c.more = len(rows) == loyPageRows
	c.list.UnselectAll()
	c.list.Refresh()
	c.paintCount()
	c.choose(min(first, len(c.rows)-1))
}

func (c *loyCustomers) paintCount() {
	u := c.s.u
	text := u.p.N("loyc.count", len(c.rows))
	if c.more {
		text = u.T("loyc.count_more", "Count", len(c.rows))
	}
	if c.query != "" {
		text = u.T("loyc.filter", "Query", loyShowQuery(c.query)) + " · " + text
	}
	c.count.SetText(text)
	if c.more {
		c.moreB.Enable()
	} else {
		c.moreB.Disable()
	}
}

// loyShowQuery is a filter as shown: phone digits are masked like phones,
// so a full number typed in never stays on screen.
func loyShowQuery(q string) string {
	if code, ok := loyalty.NormaliseCode(q); ok {
		return loyalty.FormatCode(code)
	}
	digits := 0
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-() ", r):
		default:
			return q
		}
	}
	if digits <= 4 {
		return q
	}
	return scan.MaskPhone(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, q))
}

// choose selects row i and shows it.
func (c *loyCustomers) choose(i int) {
	if i < 0 || i >= len(c.rows) {
		return
	}
	c.sel = i
	c.list.Select(i)
	c.list.ScrollTo(i)
}

func (c *loyCustomers) step(d int) {
	if len(c.rows) == 0 {
		return
	}
	i := c.sel + d
	if i >= len(c.rows) && c.more {
		c.loadMore()
		return
	}
	c.choose(min(max(i, 0), len(c.rows)-1))
}

func (c *loyCustomers) key(n fyne.KeyName) bool {
	switch n {
	case keyLoyaltyTab:
		c.loadMore()
	case fyne.KeyUp:
		c.step(-1)
	case fyne.KeyDown:
		c.step(1)
	case fyne.KeyPageUp:
		c.step(-10)
	case fyne.KeyPageDown:
		c.step(10)
	default:
		return false
	}
	return true
}

// enter opens the chosen customer's card.
func (c *loyCustomers) enter() bool {
	id := c.selectedID()
	if id == "" {
		return false
	}
	c.s.openCustomer(id, loyNotice{})
	return true
}

// back clears the filter; with none, Escape leaves the screen.
func (c *loyCustomers) back() bool {
	if c.query == "" {
		return false
	}
	c.load("", c.selectedID())
	c.s.banner.show(toneInfo, "", c.s.u.T("loyc.ready"), c.s.u.T("loyc.ready_hint"))
	return true
}

// scan: a card (its QR, checked, or its printed code) selects its holder;
// anything else filters the list by phone digits, code or name.
func (c *loyCustomers) scan(raw string, manual bool) bool {
	u := c.s.u
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return true
	}
	_, isCode := loyalty.NormaliseCode(raw)
	if isCode || strings.HasPrefix(strings.ToUpper(raw), loyaltycard.QRPrefix) {
		card, err := u.loy.Recognise(u.ctx, raw)
		if err != nil {
			c.s.note(toneError, "", u.Err(err), u.T("loyc.card_hint"))
			return true
		}
		if !c.load(card.Code, card.Customer) {
			return true
		}
		if c.selectedID() != card.Customer {
			c.s.note(toneWarn, "", u.T("loyc.card_not_listed", "Card", loyalty.FormatCode(card.Code)), "")
			return true
		}
		c.s.note(toneOK, "", u.T("loyc.card_found", "Card", loyalty.FormatCode(card.Code), "Name", loyName(u, card.Name), "Phone", card.MaskedPhone),
			u.T("loyc.card_found_hint", "Balance", card.Balance, "Rewards", card.RewardsAvailable))
		return true
	}
	if !c.load(raw, "") {
		return true
	}
	shown := loyShowQuery(raw)
	if len(c.rows) == 0 {
		c.s.note(toneWarn, "", u.T("loyc.none", "Query", shown), u.T("loyc.none_hint"))
		return true
	}
	found := u.p.N("loyc.found", len(c.rows), "Query", shown)
	if c.more {
		found = u.T("loyc.found_more", "Count", len(c.rows), "Query", shown)
	}
	c.s.note(toneOK, "", found, u.T("loyc.found_hint"))
	return true
}

// loyName is a customer's name, or a word for a member who gave none.
func loyName(u *UI, name string) string {
	if name == "" {
		return u.T("loyc.no_name")
	}
	return name
}
