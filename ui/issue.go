package ui

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/money"
	"smartpoint/app/scan"
	"smartpoint/ui/slips"
)

// Issue screen keys.
const (
	keyIssue  = fyne.KeyF9  // issue what is confirmed
	keyRefuse = fyne.KeyF10 // refuse a parcel
)

// issueScreen hands a customer their parcels: each is confirmed by
// scanning its label, any can be refused with a reason, cash on delivery
// is taken for what is issued.
type issueScreen struct {
	u      *UI
	banner *banner
	head   *widget.Label
	due    *widget.Label
	list   *fyne.Container
	look   counter.IssueLookup
	rows   []*issueRow
	obj    fyne.CanvasObject
	// last is the latest handover, for its receipt (F9 once the list is
	// empty); nil before the first.
	last *counter.HandoverResult
	// loy is the customer's loyalty card strip; nil without loyalty.
	loy *loyaltyPanel
}

type issueRow struct {
	p       counter.Parcel
	scanned string // the code that confirmed it
	manual  bool   // confirmed by a manager without a scan
	refuse  string // refusal reason
	state   *widget.Label
	cell    *canvas.Text
	bg      *canvas.Rectangle
}

func newIssueScreen(u *UI) screen {
	s := &issueScreen{u: u, banner: newBanner(), head: widget.NewLabel(""), due: widget.NewLabel(""), list: container.NewVBox()}
	s.head.TextStyle.Bold = true
	s.head.SizeName = theme.SizeNameSubHeadingText
	s.due.TextStyle.Bold = true
	s.due.SizeName = theme.SizeNameSubHeadingText
	buttons := container.NewHBox(
		widget.NewButtonWithIcon(string(keyIssue)+" "+u.T("issue.do"), theme.ConfirmIcon(), s.issue),
		widget.NewButton(string(keyRefuse)+" "+u.T("issue.refuse"), s.chooseRefusal),
		widget.NewButton("Esc "+u.T("issue.clear"), func() { s.back() }),
		layout.NewSpacer(), s.due)
	top := container.NewVBox(s.banner.obj, s.head)
	if u.loy != nil {
		s.loy = newLoyaltyPanel(u, s.banner)
		top.Add(s.loy.obj)
	}
	top.Add(buttons)
	s.obj = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.list))
	s.reset()
	return s
}

func (s *issueScreen) view() fyne.CanvasObject { return s.obj }
func (s *issueScreen) shown()                  {}

func (s *issueScreen) key(n fyne.KeyName) bool {
	switch n {
	case keyIssue:
		if len(s.rows) == 0 && s.last != nil {
			s.printReceipt()
			return true
		}
		s.issue()
	case keyRefuse:
		s.chooseRefusal()
	default:
		return false
	}
	return true
}

func (s *issueScreen) back() bool {
	if len(s.rows) == 0 && (s.loy == nil || s.loy.card == nil) {
		return false
	}
	s.reset()
	return true
}

func (s *issueScreen) reset() {
	s.clearRows()
	if s.loy != nil {
		s.loy.clear()
	}
	s.banner.show(toneInfo, "", s.u.T("issue.ready"), s.u.T("issue.ready_hint"))
}

// clearRows empties the checklist (after a handover the customer's card
// stays on screen: they may want their reward).
func (s *issueScreen) clearRows() {
	s.look = counter.IssueLookup{}
	s.rows = nil
	s.list.RemoveAll()
	s.head.SetText("")
	s.due.SetText("")
}

// ctrlKey: the loyalty shortcuts (enrol, redeem, card).
func (s *issueScreen) ctrlKey(n fyne.KeyName) bool {
	return s.loy != nil && s.loy.ctrlKey(n)
}

// load shows a customer's parcels: the ones asked for, then their others
// on the shelves, all with their cells in large type.
func (s *issueScreen) load(look counter.IssueLookup) {
	u := s.u
	s.reset()
	s.look = look
	for _, p := range append(append([]counter.Parcel{}, look.Parcels...), look.Others...) {
		s.rows = append(s.rows, s.newRow(p))
	}
	s.head.SetText(u.T("issue.customer", "Name", look.Recipient, "Phone", look.MaskedPhone))
	cells := ""
	for i, r := range s.rows {
		if i > 0 {
			cells += " "
		}
		cells += r.p.Cell
	}
	u.feedback(s.banner, toneInfo, cells, u.p.N("issue.found", len(s.rows)), u.T("issue.scan_each"))
	s.refreshDue()
	if s.loy != nil {
		phone := ""
		if len(s.rows) > 0 {
			phone = s.rows[0].p.RecipientPhone
		}
		s.loy.forCustomer(phone, look.Recipient)
	}
}

func (s *issueScreen) newRow(p counter.Parcel) *issueRow {
	u := s.u
	r := &issueRow{p: p, state: widget.NewLabel(""), cell: canvas.NewText(p.Cell, theme.Color(theme.ColorNameForeground)),
		bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))}
	r.cell.TextSize = 48
	r.cell.TextStyle.Bold = true
	info := widget.NewLabel(p.Track + "\n" + u.parcelLine(p))
	refuse := widget.NewButton(u.T("issue.refuse"), func() { s.askReason(r) })
	right := container.NewHBox(r.state, refuse)
	if u.sess.Role() != counter.RoleClerk {
		right.Add(widget.NewButton(u.T("issue.manual"), func() { s.manualConfirm(r) }))
	}
	row := container.NewStack(r.bg, container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(220, 64), r.cell), right, info))
	s.list.Add(row)
	s.paint(r)
	return r
}

func (s *issueScreen) paint(r *issueRow) {
	u := s.u
	switch {
	case r.refuse != "":
		r.state.SetText(u.T("issue.row_refused", "Reason", u.T("refuse."+r.refuse)))
		r.bg.FillColor = toneColor(toneWarn)
	case r.scanned != "" || r.manual:
		r.state.SetText("✓ " + u.T("issue.row_confirmed"))
		r.bg.FillColor = toneColor(toneOK)
	default:
		r.state.SetText(u.T("issue.row_waiting"))
		r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	}
	r.bg.Refresh()
}

func (s *issueScreen) scan(raw string, manual bool) {
	u := s.u
	if s.loy != nil && s.loyaltyScan(raw, manual) {
		return
	}
	if len(s.rows) == 0 {
		u.openCustomer(raw, s.banner)
		return
	}
	p, err := u.svc.ConfirmScan(s.parcels(), raw)
	if err != nil {
		switch u.svc.Classify(raw).Kind {
		case scan.KindPickupCode, scan.KindPhone, scan.KindCustomerQR, scan.KindOrder:
			s.switchCustomer(raw)
			return
		}
		u.feedback(s.banner, toneError, "", u.Err(err), u.T("issue.not_this_hint"))
		return
	}
	r := s.row(p.ID)
	if r.scanned != "" {
		u.feedback(s.banner, toneWarn, r.p.Cell, u.T("issue.already_confirmed", "Track", p.Track), "")
		return
	}
	r.scanned, r.refuse = raw, ""
	s.paint(r)
	done, total := s.progress()
	hint := u.T("issue.progress", "Done", done, "Total", total)
	if done == total {
		hint = u.T("issue.all_confirmed")
	}
	u.feedback(s.banner, toneOK, r.p.Cell, u.T("issue.confirmed", "Track", p.Track), hint)
	s.refreshDue()
}

// switchCustomer starts over with another customer's code, asking first
// when this customer's parcels were already confirmed.
func (s *issueScreen) switchCustomer(raw string) {
	if done, _ := s.progress(); done == 0 {
		s.u.openCustomer(raw, s.banner)
		return
	}
	s.u.confirm(s.u.T("issue.switch_title"), s.u.T("issue.switch_text"), s.u.T("issue.switch_yes"),
		func() { s.u.openCustomer(raw, s.banner) })
}

func (s *issueScreen) parcels() []counter.Parcel {
	out := make([]counter.Parcel, len(s.rows))
	for i, r := range s.rows {
		out[i] = r.p
	}
	return out
}

func (s *issueScreen) row(id int64) *issueRow {
	for _, r := range s.rows {
		if r.p.ID == id {
			return r
		}
	}
	return nil
}

// progress counts rows decided (confirmed or refused) of all rows.
func (s *issueScreen) progress() (done, total int) {
	for _, r := range s.rows {
		if r.scanned != "" || r.manual || r.refuse != "" {
			done++
		}
	}
	return done, len(s.rows)
}

// dueNow is the cash on delivery of what is confirmed for issue.
func (s *issueScreen) dueNow() (int64, string) {
	var due int64
	cur := s.u.point.Currency
	for _, r := range s.rows {
		if (r.scanned != "" || r.manual) && r.refuse == "" {
			due += r.p.CODAmount
			if r.p.Currency != "" {
				cur = r.p.Currency
			}
		}
	}
	return due, cur
}

func (s *issueScreen) refreshDue() {
	due, cur := s.dueNow()
	if due == 0 {
		s.due.SetText("")
		return
	}
	s.due.SetText(s.u.T("issue.due", "Amount", moneyText(due, cur)))
}

func (s *issueScreen) manualConfirm(r *issueRow) {
	s.u.confirm(s.u.T("issue.manual_title"), s.u.T("issue.manual_text", "Track", r.p.Track), s.u.T("issue.manual"), func() {
		r.manual, r.refuse = true, ""
		s.paint(r)
		s.refreshDue()
	})
}

// chooseRefusal asks which parcel is refused (F1–F9), then why.
func (s *issueScreen) chooseRefusal() {
	u := s.u
	if len(s.rows) == 0 {
		return
	}
	if len(s.rows) == 1 {
		s.askReason(s.rows[0])
		return
	}
	var acts []*action
	for i, r := range s.rows {
		if i >= 9 {
			break
		}
		acts = append(acts, &action{Label: r.p.Cell + " " + r.p.Track, Key: fKey(i), Run: func() { s.askReason(r) }})
	}
	u.showDialog(dialogSpec{Tone: toneWarn, Title: u.T("issue.refuse_which"), Body: widget.NewLabel(u.T("issue.refuse_which_hint")), Others: acts})
}

// askReason offers the refusal reasons on F-keys; "other" needs a note.
func (s *issueScreen) askReason(r *issueRow) {
	u := s.u
	var acts []*action
	for i, reason := range counter.RefuseReasons {
		acts = append(acts, &action{Label: u.T("refuse." + reason), Key: fKey(i), Run: func() {
			r.refuse, r.scanned, r.manual = reason, "", false
			s.paint(r)
			s.refreshDue()
			u.feedback(s.banner, toneWarn, r.p.Cell, u.T("issue.refused", "Track", r.p.Track), u.T("refuse."+reason))
		}})
	}
	u.showDialog(dialogSpec{Tone: toneWarn, Title: u.T("issue.refuse_title", "Track", r.p.Track),
		Body: container.NewGridWithColumns(2, u.choiceButtons(acts)...)})
	u.modal.keyed = acts
}

// issue commits the handover: confirmed parcels issued, refusals recorded,
// payment taken first when anything is due.
func (s *issueScreen) issue() {
	u := s.u
	req := counter.IssueRequest{}
	for _, r := range s.rows {
		switch {
		case r.refuse != "":
			note := ""
			if r.refuse == "other" {
				note = u.T("refuse.other")
			}
			req.Items = append(req.Items, counter.IssueItem{ParcelID: r.p.ID, Refuse: r.refuse, RefuseNote: note})
		case r.scanned != "" || r.manual:
			req.Items = append(req.Items, counter.IssueItem{ParcelID: r.p.ID, Scanned: r.scanned})
			req.ManualConfirm = req.ManualConfirm || r.manual
		}
	}
	if len(req.Items) == 0 {
		u.feedback(s.banner, toneError, "", u.T("issue.nothing"), u.T("issue.scan_each"))
		return
	}
	due, cur := s.dueNow()
	if due == 0 {
		s.commit(req)
		return
	}
	amount := u.newEntry("")
	amount.SetText(money.Format(due, ""))
	pay := func(method string) func() {
		return func() {
			paid, ok := money.Parse(amount.Text)
			if !ok {
				u.alert(toneError, u.T("common.error"), u.T("issue.bad_amount"))
				return
			}
			req.Paid, req.PayMethod = paid, method
			s.commit(req)
		}
	}
	cash := &action{Label: u.T("cli.pay.cash"), Key: fyne.KeyF1, Run: pay(counter.PayCash)}
	card := &action{Label: u.T("cli.pay.card"), Key: fyne.KeyF2, Run: pay(counter.PayCard)}
	amount.OnEnter = func(string) { u.modal.finish(cash) }
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("issue.pay_title", "Amount", moneyText(due, cur)),
		Body:    container.NewVBox(widget.NewLabel(u.T("issue.pay_hint")), amount),
		Primary: cash, Others: []*action{card}, Focus: amount})
}

func (s *issueScreen) commit(req counter.IssueRequest) {
	u := s.u
	res, err := u.svc.Issue(u.ctx, u.sess, req)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	loyalty := ""
	if s.loy != nil {
		loyalty = s.loy.accrue(res)
	}
	s.clearRows()
	detail := u.T("issue.handover", "Number", res.Number)
	if len(res.Refused) > 0 {
		detail += " · " + u.p.N("issue.refused_n", len(res.Refused))
	}
	if res.Paid > 0 {
		detail += " · " + u.T("issue.paid", "Amount", moneyText(res.Paid, u.point.Currency), "Method", u.T("cli.pay."+res.PayMethod))
	}
	if loyalty != "" {
		detail += "\n" + loyalty
	}
	s.last = &res
	switch {
	case u.settings.ReceiptPrint == counter.ReceiptAlways && u.canPrint(DocReceipt):
		u.feedback(s.banner, toneOK, strconv.Itoa(len(res.Issued)), u.p.N("issue.issued", len(res.Issued)), detail)
		s.printReceipt()
		return
	case u.settings.ReceiptPrint == counter.ReceiptAsk && u.canPrint(DocReceipt):
		detail += "\n" + u.T("issue.print_hint", "Key", string(keyIssue))
	}

	u.feedback(s.banner, toneOK, strconv.Itoa(len(res.Issued)), u.p.N("issue.issued", len(res.Issued)), detail)
}

// printReceipt prints the customer's receipt for the latest handover.
func (s *issueScreen) printReceipt() {
	u := s.u
	r := *s.last
	u.printDoc(DocReceipt, u.T("print.receipt_title", "Number", r.Number), slips.IssueReceipt(u.slipContext(), r), s.banner)
}

// fKey is F1 for 0, F2 for 1 … F9 for 8.
func fKey(i int) fyne.KeyName { return fyne.KeyName("F" + strconv.Itoa(i+1)) }

// choiceButtons shows a dialog's F-key choices as buttons in its body.
func (u *UI) choiceButtons(acts []*action) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, a := range acts {
		out = append(out, widget.NewButton(string(a.Key)+" "+a.Label, func() {
			if u.modal != nil {
				u.modal.finish(a)
			}
		}))
	}
	return out
}
