package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
)

// Loyalty screen keys (the screen's own; F1–F8, F11 and F12 stay the
// window's). The customer's card opens as a dialog, where F1–F6 are its
// actions (loyalty_screen_detail.go).
const (
	keyLoyaltyTab  = fyne.KeyF9  // the tab's own action: more customers, refresh the report
	keyLoyaltyNext = fyne.KeyF10 // next tab
)

// loyTab is one tab of the Loyalty screen.
type loyTab interface {
	view() fyne.CanvasObject
	// shown runs when the tab becomes visible (and when the screen does).
	shown()
	// key gets F9, the arrows and the page keys; true if used.
	key(fyne.KeyName) bool
	// enter is Enter on an empty scan field (open what is selected).
	enter() bool
	// back is Escape; true if it did something.
	back() bool
	// scan takes what was scanned or typed; false leaves it to Customers.
	scan(raw string, manual bool) bool
}

// loyTabDef is a tab's place on the screen; loyc.tab.<id> names it.
type loyTabDef struct {
	id    string
	when  func(u *UI) bool // nil: always
	build func(s *loyaltyScreen) loyTab
}

// loyTabDefs are the screen's tabs in order: adding a tab is one line.
var loyTabDefs = []loyTabDef{
	{"customers", nil, func(s *loyaltyScreen) loyTab { return newLoyCustomers(s) }},
	{"suspicious", loyCanManage, func(s *loyaltyScreen) loyTab { return newLoySuspicious(s) }},
	{"dashboard", loyCanManage, newLoyDashboard},
	{"segments", loyCanManage, newLoySegments},
}

// loyCanManage: the session is a manager's or the owner's (adjust,
// reverse, merge, export, anonymise, the suspicious report). The ledger
// checks the role again.
func loyCanManage(u *UI) bool {
	if u.sess == nil {
		return false
	}
	r := u.sess.Role()
	return r == counter.RoleManager || r == counter.RoleOwner
}

// loyaltyScreen is the programme's members and numbers (Ctrl+L):
// customers, their cards and history, the suspicious-activity report and
// (to come) the dashboard and segments.
type loyaltyScreen struct {
	u      *UI
	banner *banner
	tabs   *container.AppTabs
	ids    []string // tab ids, in the order of tabs.Items
	pages  []loyTab
	cust   *loyCustomers
	detail *loyDetail // the customer card last opened
	obj    fyne.CanvasObject
	// afterExport, when set, runs after a CSV export ended (tests).
	afterExport func()
}

func newLoyaltyScreen(u *UI) screen {
	s := &loyaltyScreen{u: u, banner: newBanner()}
	s.banner.show(toneInfo, "", u.T("loyc.ready"), u.T("loyc.ready_hint"))
	var items []*container.TabItem
	for _, d := range loyTabDefs {
		if d.when != nil && !d.when(u) {
			continue
		}
		p := d.build(s)
		if c, ok := p.(*loyCustomers); ok {
			s.cust = c
		}
		s.ids = append(s.ids, d.id)
		s.pages = append(s.pages, p)
		items = append(items, container.NewTabItem(u.T("loyc.tab."+d.id), p.view()))
	}
	s.tabs = container.NewAppTabs(items...)
	s.tabs.OnSelected = func(*container.TabItem) {
		if p := s.page(); p != nil {
			p.shown()
		}
		if u.modal == nil {
			u.refocus()
		}
	}
	keys := widget.NewLabel(u.T("loyc.keys"))
	keys.SizeName = theme.SizeNameCaptionText
	keys.Truncation = fyne.TextTruncateEllipsis
	s.obj = container.NewBorder(s.banner.obj, keys, nil, nil, s.tabs)
	return s
}

// nav: ↑ ↓ PgUp PgDn move the selection of the tab shown.
func (s *loyaltyScreen) nav(n fyne.KeyName) bool {
	return loyNavKey(n) && s.key(n)
}

// enter opens the selected row of the tab shown.
func (s *loyaltyScreen) enter() {
	if p := s.page(); p != nil {
		p.enter()
	}
}

func loyNavKey(n fyne.KeyName) bool {
	switch n {
	case fyne.KeyUp, fyne.KeyDown, fyne.KeyPageUp, fyne.KeyPageDown:
		return true
	}
	return false
}

func (s *loyaltyScreen) view() fyne.CanvasObject { return s.obj }

func (s *loyaltyScreen) shown() {
	if p := s.page(); p != nil {
		p.shown()
	}
}

// page is the tab shown.
func (s *loyaltyScreen) page() loyTab {
	i := s.tabs.SelectedIndex()
	if i < 0 || i >= len(s.pages) {
		return nil
	}
	return s.pages[i]
}

// showTab selects tab id; false if the screen has no such tab.
func (s *loyaltyScreen) showTab(id string) bool {
	for i, t := range s.ids {
		if t == id {
			if s.tabs.SelectedIndex() != i {
				s.tabs.SelectIndex(i)
			}
			return true
		}
	}
	return false
}

func (s *loyaltyScreen) key(n fyne.KeyName) bool {
	if n == keyLoyaltyNext {
		s.tabs.SelectIndex((s.tabs.SelectedIndex() + 1) % len(s.tabs.Items))
		return true
	}
	if p := s.page(); p != nil {
		return p.key(n)
	}
	return false
}

func (s *loyaltyScreen) back() bool {
	if p := s.page(); p != nil && p.back() {
		return true
	}
	if s.tabs.SelectedIndex() != 0 {
		s.tabs.SelectIndex(0)
		return true
	}
	return false
}

// scan: the tab shown may take it; otherwise it finds customers.
func (s *loyaltyScreen) scan(raw string, manual bool) {
	if p := s.page(); p != nil && p.scan(raw, manual) {
		return
	}
	if s.cust == nil {
		return
	}
	s.showTab("customers")
	s.cust.scan(raw, manual)
}

// note shows a result on the screen's banner with its sound.
func (s *loyaltyScreen) note(t tone, big, title, detail string) {
	s.u.feedback(s.banner, t, big, title, detail)
}

// loyWhen is a moment as the screens show it: the point's time.
func (u *UI) loyWhen(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(u.svc.Location()).Format("02.01.2006 15:04")
}

// loyDay is a date, or a dash for none.
func (u *UI) loyDay(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return u.day(t)
}
