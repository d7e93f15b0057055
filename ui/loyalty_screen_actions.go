package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/errs"
	"smartpoint/app/loyalty"
	"smartpoint/app/scan"
)

// loyForm is an action's dialog: its fields and the line that says what
// was wrong, so a refused action keeps what was typed.
type loyForm struct {
	u    *UI
	errL *widget.Label
}

func newLoyForm(u *UI) *loyForm {
	f := &loyForm{u: u, errL: widget.NewLabel("")}
	f.errL.Wrapping = fyne.TextWrapWord
	f.errL.Importance = widget.DangerImportance
	f.errL.TextStyle.Bold = true
	return f
}

// fail shows why the action was refused; the dialog stays open.
func (f *loyForm) fail(msg string) {
	f.u.beep(toneError)
	f.errL.SetText(msg)
	if m := f.u.modal; m != nil {
		ms := m.pop.Content.MinSize()
		m.pop.Resize(fyne.NewSize(max(m.pop.Content.Size().Width, ms.Width), ms.Height))
	}
}

func loyText(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// relist reads the customer list again, keeping customer id chosen (the
// list is filtered to their card if the filter no longer shows them).
func (s *loyaltyScreen) relist(id, code string) {
	c := s.cust
	if c == nil {
		return
	}
	c.load(c.query, id)
	if id != "" && code != "" && c.selectedID() != id {
		c.load(code, id)
	}
}

// --- Adjust (F1) ---

func (v *loyDetail) askAdjust() {
	u := v.s.u
	card, ok := v.active()
	if !ok {
		v.reopen(loyNotice{toneWarn, u.T("loyc.no_card")})
		return
	}
	f := newLoyForm(u)
	amount := u.newEntry("")
	reason := u.newEntry(u.T("loyc.adjust.reason_ph"))
	amount.OnEnter = func(string) { u.win.Canvas().Focus(reason) }
	save := &action{Label: u.T("loyc.adjust.save"), Stay: true, Run: func() {
		n, ok := loyAmount(amount.Text)
		if !ok {
			f.fail(u.T("loyc.adjust.bad_amount"))
			u.win.Canvas().Focus(amount)
			return
		}
		got, err := u.loy.Adjust(u.ctx, u.sess, card.Code, n, reason.Text)
		if err != nil {
			f.fail(u.Err(err))
			return
		}
		v.s.relist(v.d.ID, got.Code)
		msg := u.T("loyc.adjust.done", "Amount", fmt.Sprintf("%+d", n), "Balance", got.Balance)
		v.s.note(toneOK, "", msg, strings.TrimSpace(reason.Text))
		v.reopen(loyNotice{toneOK, msg})
	}}
	body := container.NewVBox(
		loyText(u.T("loyc.adjust.text", "Card", loyalty.FormatCode(card.Code), "Balance", card.Balance)),
		widget.NewLabel(u.T("loyc.adjust.amount")), amount,
		widget.NewLabel(u.T("loyc.adjust.reason")), reason, f.errL)
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("loyc.adjust.title", "Name", v.title()), Body: body,
		Primary: save, Cancel: v.back(), Focus: amount})
}

// --- Reverse (F2) ---

// reversible are the accruals that can still be undone, newest first.
func (v *loyDetail) reversible() []loyalty.Movement {
	var out []loyalty.Movement
	for _, m := range v.moves {
		if m.Kind == loyalty.MoveEarn && m.Key != "" && m.Remaining != nil && *m.Remaining > 0 {
			out = append(out, m)
		}
	}
	return out
}

func (v *loyDetail) askReverse() {
	u := v.s.u
	cands := v.reversible()
	if len(cands) == 0 {
		v.reopen(loyNotice{toneWarn, u.T("loyc.reverse.none")})
		return
	}
	pick := 0
	if v.sel >= 0 && v.sel < len(v.moves) {
		for i, m := range cands {
			if m.ID == v.moves[v.sel].ID {
				pick = i
			}
		}
	}
	f := newLoyForm(u)
	list := newLoyList(u, func() int { return len(cands) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			m := cands[i]
			o.(*widget.Label).SetText(u.T("loyc.reverse.row", "At", u.loyWhen(m.At), "Amount", m.Amount,
				"Left", *m.Remaining, "Key", loyKeyText(u, m.Key), "Clerk", orDash(m.Clerk)))
		})
	list.OnSelected = func(i widget.ListItemID) { pick = i }
	move := func(d int) {
		i := min(max(pick+d, 0), len(cands)-1)
		list.Select(i)
		list.ScrollTo(i)
	}
	list.Select(pick)
	reason := u.newEntry(u.T("loyc.reverse.reason_ph"))
	reason.OnKey = func(n fyne.KeyName) bool {
		switch n {
		case fyne.KeyUp:
			move(-1)
		case fyne.KeyDown:
			move(1)
		default:
			return false
		}
		return true
	}
	do := &action{Label: u.T("loyc.reverse.do"), Stay: true, Run: func() {
		m := cands[pick]
		got, err := u.loy.Reverse(u.ctx, u.sess, m.Key, reason.Text)
		if err != nil {
			f.fail(u.Err(err))
			return
		}
		v.s.relist(v.d.ID, got.Code)
		msg := u.T("loyc.reverse.done", "Amount", *m.Remaining, "Balance", got.Balance)
		v.s.note(toneOK, "", msg, strings.TrimSpace(reason.Text))
		v.reopen(loyNotice{toneOK, msg})
	}}
	body := container.NewBorder(loyText(u.T("loyc.reverse.text")),
		container.NewVBox(widget.NewLabel(u.T("loyc.reverse.reason")), reason, f.errL), nil, nil,
		container.NewGridWrap(fyne.NewSize(900, 200), list))
	u.showDialog(dialogSpec{Tone: toneWarn, Title: u.T("loyc.reverse.title", "Name", v.title()), Body: body,
		Primary: do, Cancel: v.back(), Focus: reason, Arrows: move})
}

// --- Merge (F3) ---

// askMerge finds the duplicate by phone, card code or card QR, then asks
// which of the two records is kept.
func (v *loyDetail) askMerge() {
	u := v.s.u
	f := newLoyForm(u)
	q := u.newEntry(u.T("loyc.merge.find_ph"))
	find := &action{Label: u.T("loyc.merge.find"), Stay: true, Run: func() {
		raw := strings.TrimSpace(q.Text)
		if raw == "" {
			f.fail(u.T("loyc.merge.empty"))
			return
		}
		id, err := v.s.findCustomer(raw)
		if err != nil {
			f.fail(u.Err(err))
			return
		}
		if id == v.d.ID {
			f.fail(u.Err(errs.New(loyalty.ErrSameCustomer)))
			return
		}
		other, err := u.loy.Customer(u.ctx, id)
		if err != nil {
			f.fail(u.Err(err))
			return
		}
		v.askKeep(other)
	}}
	q.OnScan = func(string) { find.Run() } // a scanned card finds at once
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("loyc.merge.title", "Name", v.title()),
		Body:    container.NewVBox(loyText(u.T("loyc.merge.find_text")), q, f.errL),
		Primary: find, Cancel: v.back(), Focus: q})
}

// findCustomer is the customer behind a phone, a card code or a card QR.
func (s *loyaltyScreen) findCustomer(raw string) (string, error) {
	u := s.u
	card, err := u.loy.Recognise(u.ctx, raw)
	if err == nil {
		return card.Customer, nil
	}
	// A member without a card in use is still found by their phone.
	if e164, ok := scan.NormalizePhone(raw, u.point.Country); ok && errs.Has(err, loyalty.ErrCardNotFound) {
		if list, lerr := u.loy.Customers(u.ctx, strings.TrimPrefix(e164, "+"), 2, 0); lerr == nil && len(list) == 1 {
			return list[0].ID, nil
		}
	}
	return "", err
}

// loySummary is a customer in one line, for choosing between two.
func (u *UI) loySummary(d loyalty.CustomerDetail) string {
	code := "—"
	if d.Card != "" {
		code = loyalty.FormatCode(d.Card)
	}
	return u.T("loyc.merge.summary", "Name", loyName(u, d.Name), "Phone", d.MaskedPhone, "Card", code,
		"Balance", d.Balance, "Date", u.loyDay(d.CreatedAt))
}

func (v *loyDetail) askKeep(other loyalty.CustomerDetail) {
	u := v.s.u
	merge := func(keep, drop loyalty.CustomerDetail) func() {
		return func() {
			got, err := u.loy.Merge(u.ctx, u.sess, keep.ID, drop.ID)
			if err != nil {
				v.reopen(loyNotice{toneError, u.Err(err)})
				return
			}
			v.s.relist(got.ID, got.Card)
			msg := u.T("loyc.merge.done", "Name", loyName(u, got.Name), "Phone", got.MaskedPhone, "Balance", got.Balance)
			v.s.note(toneOK, "", msg, "")
			v.s.openCustomer(got.ID, loyNotice{toneOK, msg})
		}
	}
	acts := []*action{
		{Label: u.T("loyc.merge.keep_this"), Key: fyne.KeyF1, Run: merge(v.d, other)},
		{Label: u.T("loyc.merge.keep_other"), Key: fyne.KeyF2, Run: merge(other, v.d)},
	}
	body := container.NewVBox(
		loyText(u.T("loyc.merge.which")),
		loyText("F1 · "+u.loySummary(v.d)),
		loyText("F2 · "+u.loySummary(other)),
		loyText(u.T("loyc.merge.warning")))
	u.showDialog(dialogSpec{Tone: toneWarn, Title: u.T("loyc.merge.keep_title"), Body: body, Others: acts, Cancel: v.back()})
}

// --- Export (F4) ---

// export writes everything stored about the customer (full phone and
// name included) as JSON into the exports folder.
func (v *loyDetail) export() {
	u := v.s.u
	data, err := u.loy.Export(u.ctx, u.sess, v.d.ID)
	if err != nil {
		v.reopen(loyNotice{toneError, u.Err(err)})
		return
	}
	name := "loyalty-customer-" + v.d.ID
	if v.d.Card != "" {
		name = "loyalty-customer-" + v.d.Card
	}
	path, err := u.saveExport(name, "json", data)
	if err != nil {
		u.log.Warn("loyalty export", "err", err)
		v.reopen(loyNotice{toneError, u.T("loyc.export.failed", "Error", err.Error())})
		return
	}
	v.s.note(toneOK, "", u.T("loyc.export.done_title"), path)
	v.reopen(loyNotice{toneOK, u.T("loyc.export.done", "Path", path)})
}

// --- Anonymise (F5) ---

// askAnonymise asks twice: the second answer is F5 again, never Enter.
func (v *loyDetail) askAnonymise() {
	u := v.s.u
	balance := 0
	if c, ok := v.active(); ok {
		balance = c.Balance
	}
	final := func() {
		do := &action{Label: u.T("loyc.anon.do"), Key: keyLoyAnonymise, Run: func() {
			if err := u.loy.Anonymise(u.ctx, u.sess, v.d.ID); err != nil {
				v.reopen(loyNotice{toneError, u.Err(err)})
				return
			}
			v.s.relist("", "")
			if c := v.s.cust; c != nil && c.query != "" && len(c.rows) == 0 {
				c.load("", "") // the filter led to them only: show everyone
			}
			v.s.note(toneOK, "", u.T("loyc.anon.done"), u.T("loyc.anon.done_hint"))
		}}
		u.showDialog(dialogSpec{Tone: toneError, Title: u.T("loyc.anon.sure_title"),
			Body:   loyText(u.T("loyc.anon.sure", "Name", v.title(), "Key", string(keyLoyAnonymise))),
			Others: []*action{do}, Cancel: v.back()})
	}
	u.showDialog(dialogSpec{Tone: toneWarn, Title: u.T("loyc.anon.title", "Name", v.title()),
		Body:    loyText(u.T("loyc.anon.text", "Balance", balance)),
		Primary: &action{Label: u.T("loyc.anon.next"), Run: final}, Cancel: v.back()})
}

// --- Reissue (F6) ---

// askReissue replaces a lost card once the clerk has checked, with the
// customer, the phone the record holds.
func (v *loyDetail) askReissue() {
	u := v.s.u
	f := newLoyForm(u)
	phone := u.newEntry(u.T("loyc.reissue.phone_ph"))
	do := &action{Label: u.T("loyc.reissue.do"), Stay: true, Run: func() {
		raw := strings.TrimSpace(phone.Text)
		e164, ok := scan.NormalizePhone(raw, u.point.Country)
		if !ok {
			f.fail(u.Err(errs.New(loyalty.ErrBadPhone, "Phone", raw)))
			return
		}
		if !v.phoneIsTheirs(e164) {
			f.fail(u.T("loyc.reissue.not_theirs", "Phone", v.d.MaskedPhone))
			return
		}
		card, err := u.loy.Reissue(u.ctx, u.sess, e164)
		if err != nil {
			f.fail(u.Err(err))
			return
		}
		code := loyalty.FormatCode(card.Code)
		v.s.relist(v.d.ID, card.Code)
		v.s.note(toneOK, code, u.T("loyc.reissue.done_title"), u.T("loyc.reissue.done_hint"))
		v.reopen(loyNotice{toneOK, u.T("loyc.reissue.done", "Card", code, "Balance", card.Balance)})
	}}
	u.showDialog(dialogSpec{Tone: toneWarn, Title: u.T("loyc.reissue.title", "Name", v.title()),
		Body:    container.NewVBox(loyText(u.T("loyc.reissue.text", "Phone", v.d.MaskedPhone)), phone, f.errL),
		Primary: do, Cancel: v.back(), Focus: phone})
}

// phoneIsTheirs: the number typed is this customer's (the masked form
// agrees, and a card it leads to is theirs).
func (v *loyDetail) phoneIsTheirs(e164 string) bool {
	u := v.s.u
	if scan.MaskPhone(e164) != v.d.MaskedPhone {
		return false
	}
	card, err := u.loy.FindCard(u.ctx, e164)
	if err != nil {
		return errs.Has(err, loyalty.ErrCardNotFound)
	}
	return card.Customer == v.d.ID
}
