package ui

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/loyalty"
)

// The customer card's actions, on F-keys while it is open (a dialog gets
// every F-key). A clerk gets Reissue only; the ledger checks roles again.
const (
	keyLoyAdjust    = fyne.KeyF1
	keyLoyReverse   = fyne.KeyF2
	keyLoyMerge     = fyne.KeyF3
	keyLoyExport    = fyne.KeyF4
	keyLoyAnonymise = fyne.KeyF5
	keyLoyReissue   = fyne.KeyF6
)

// loyHistoryCols are the history's columns (loyc.hcol.* keys).
var loyHistoryCols = loyCols{
	keys:   []string{"at", "kind", "amount", "card", "clerk", "reason", "expires"},
	widths: []float32{150, 170, 90, 160, 150, 240, 120},
	flex:   5,
}

// loyNotice is the outcome of the last action, shown on top of the card.
type loyNotice struct {
	tone tone
	text string
}

// loyDetail is one customer's card as the dialog shows it.
type loyDetail struct {
	s       *loyaltyScreen
	d       loyalty.CustomerDetail
	moves   []loyalty.Movement // newest first
	sel     int                // the history row chosen (for Reverse)
	history *loyList
}

// openCustomer shows customer id's card: cards, balance, history and the
// actions the session may take.
func (s *loyaltyScreen) openCustomer(id string, n loyNotice) {
	u := s.u
	d, err := u.loy.Customer(u.ctx, id)
	if err != nil {
		s.note(toneError, "", u.Err(err), "")
		if n.text != "" {
			u.alert(n.tone, u.T("loyc.title"), n.text)
		}
		return
	}
	v := &loyDetail{s: s, d: d, sel: -1}
	v.moves = slices.Clone(d.Movements)
	slices.Reverse(v.moves)
	s.detail = v
	v.show(n)
}

// active is the customer's card in use, if any.
func (v *loyDetail) active() (loyalty.Card, bool) {
	for _, c := range v.d.Cards {
		if c.Status == loyalty.CardActive {
			return c, true
		}
	}
	return loyalty.Card{}, false
}

// loyCardsShown is how many cards the customer's card lists; the rest
// (old revoked ones) are counted, so the history keeps its room.
const loyCardsShown = 4

// cardsShown: the card in use first, then the revoked ones, newest first.
func (v *loyDetail) cardsShown() (shown []loyalty.Card, hidden int) {
	for _, c := range v.d.Cards {
		if c.Status == loyalty.CardActive {
			shown = append(shown, c)
		}
	}
	for i := len(v.d.Cards) - 1; i >= 0; i-- {
		if c := v.d.Cards[i]; c.Status != loyalty.CardActive {
			shown = append(shown, c)
		}
	}
	if len(shown) > loyCardsShown {
		return shown[:loyCardsShown], len(shown) - loyCardsShown
	}
	return shown, 0
}

// live: the customer is still a member (not merged away, not anonymised).
func (v *loyDetail) live() bool { return v.d.MergedInto == "" && v.d.AnonymisedAt.IsZero() }

func (v *loyDetail) show(n loyNotice) {
	u := v.s.u
	body := container.NewVBox()
	info := widget.NewLabel(v.infoLine())
	info.Wrapping = fyne.TextWrapWord
	body.Add(info)
	sum := widget.NewLabel(v.summaryLine())
	sum.TextStyle.Bold = true
	sum.Wrapping = fyne.TextWrapWord
	body.Add(sum)
	cards, hidden := v.cardsShown()
	for _, c := range cards {
		l := widget.NewLabel(v.cardLine(c))
		l.Truncation = fyne.TextTruncateEllipsis
		if c.Status != loyalty.CardActive {
			l.Importance = widget.LowImportance
		}
		body.Add(l)
	}
	if hidden > 0 {
		l := widget.NewLabel(u.p.N("loyc.more_cards", hidden))
		l.Importance = widget.LowImportance
		body.Add(l)
	}
	if n.text != "" {
		t := widget.NewLabel(n.text)
		t.Wrapping = fyne.TextWrapWord
		t.TextStyle.Bold = true
		body.Add(container.NewStack(canvas.NewRectangle(loyNoticeColor(n.tone)), t))
	}
	title := widget.NewLabel(u.p.N("loyc.history", len(v.moves)))
	title.TextStyle.Bold = true
	body.Add(title)
	body.Add(loyHistoryCols.header(u, "loyc.hcol."))

	v.history = newLoyList(u, func() int { return len(v.moves) },
		func() fyne.CanvasObject { return loyHistoryCols.row(false) },
		func(i widget.ListItemID, o fyne.CanvasObject) { v.fillMove(i, o.(*fyne.Container)) })
	v.history.OnSelected = func(i widget.ListItemID) { v.sel = i }

	size := v.size()
	content := container.NewBorder(body, nil, nil, nil, v.history)
	var acts []*action
	if v.live() {
		acts = v.actions()
	}
	u.showDialog(dialogSpec{Tone: n.tone, Title: v.title(), Body: container.NewGridWrap(size, content),
		Cancel: &action{Label: u.T("common.close")}, Others: acts,
		Arrows: func(d int) {
			if len(v.moves) == 0 {
				return
			}
			i := min(max(v.sel+d, 0), len(v.moves)-1)
			v.history.Select(i)
			v.history.ScrollTo(i)
		}})
}

// size fits the card in the window: most of a 1366×768 screen.
func (v *loyDetail) size() fyne.Size {
	w, h := float32(1240), float32(540)
	if c := v.s.u.win.Canvas(); c != nil && c.Size().Width > 0 {
		w = min(w, c.Size().Width-100)
		h = min(h, c.Size().Height-220)
	}
	return fyne.NewSize(max(w, 600), max(h, 300))
}

func (v *loyDetail) title() string {
	u := v.s.u
	t := loyName(u, v.d.Name)
	if v.d.MaskedPhone != "" {
		t += " · " + v.d.MaskedPhone
	}
	return t
}

// infoLine: consent, membership, last visit, and what became of the record.
func (v *loyDetail) infoLine() string {
	u := v.s.u
	d := v.d
	line := u.T("loyc.consent", "At", u.loyWhen(d.ConsentAt), "Clerk", orDash(d.ConsentBy)) +
		" · " + u.T("loyc.member_since", "Date", u.loyDay(d.CreatedAt)) +
		" · " + u.T("loyc.last_visit", "Date", u.loyDay(d.LastVisitAt))
	switch {
	case !d.AnonymisedAt.IsZero():
		line += "\n" + u.T("loyc.anonymised_at", "Date", u.loyDay(d.AnonymisedAt))
	case d.MergedInto != "":
		line += "\n" + u.T("loyc.merged_away")
	}
	return line
}

// summaryLine: what the active card holds.
func (v *loyDetail) summaryLine() string {
	u := v.s.u
	c, ok := v.active()
	if !ok {
		return u.T("loyc.no_card")
	}
	parts := []string{
		u.T("loyc.balance", "Balance", c.Balance),
		u.T("loyc.rewards", "Rewards", c.RewardsAvailable),
	}
	if c.NextExpiry.IsZero() {
		parts = append(parts, u.T("loyc.no_expiry"))
	} else {
		parts = append(parts, u.T("loyc.next_expiry", "Amount", c.NextExpiryAmount, "Date", u.loyDay(c.NextExpiry)))
	}
	parts = append(parts, u.T("loyc.lifetime", "Lifetime", c.Lifetime))
	tier := c.Tier
	if tier == "" {
		tier = "—"
	}
	parts = append(parts, u.T("loyc.tier", "Tier", tier))
	return strings.Join(parts, " · ")
}

// cardLine: one card, in use or revoked with why.
func (v *loyDetail) cardLine(c loyalty.Card) string {
	u := v.s.u
	code := loyalty.FormatCode(c.Code)
	if c.Status == loyalty.CardActive {
		return u.T("loyc.card_active", "Card", code, "Date", u.loyDay(c.IssuedAt))
	}
	reason := c.RevokeReason
	if reason != "" && u.p.Has("loyalty.revoke."+reason) {
		reason = u.T("loyalty.revoke." + reason)
	}
	return u.T("loyc.card_revoked", "Card", code, "Date", u.loyDay(c.RevokedAt), "Reason", orDash(reason))
}

func (v *loyDetail) fillMove(i int, r *fyne.Container) {
	u := v.s.u
	if i < 0 || i >= len(v.moves) {
		return
	}
	m := v.moves[i]
	kind := m.Kind
	if u.p.Has("loyalty.move." + kind) {
		kind = u.T("loyalty.move." + kind)
	}
	clerk := m.Clerk
	if clerk == "" {
		clerk = u.T("loyc.system")
	}
	if m.ApprovedBy != "" {
		clerk += " / " + m.ApprovedBy
	}
	reason := m.Reason
	if reason != "" && m.Kind != loyalty.MoveAdjust && m.Kind != loyalty.MoveReverse && u.p.Has("loyalty.revoke."+reason) {
		reason = u.T("loyalty.revoke." + reason) // transfers and write-offs carry a code
	}
	if m.Kind == loyalty.MoveEarn && m.Key != "" && reason == "" {
		reason = loyKeyText(u, m.Key)
	}
	expires := ""
	if !m.ExpiresAt.IsZero() {
		expires = u.day(m.ExpiresAt)
	}
	loyHistoryCols.set(r, u.loyWhen(m.At), kind, fmt.Sprintf("%+d", m.Amount), loyalty.FormatCode(m.Card), clerk, reason, expires)
}

// actions are the card's F-key actions for this session.
func (v *loyDetail) actions() []*action {
	u := v.s.u
	var acts []*action
	if loyCanManage(u) {
		acts = append(acts,
			&action{Label: u.T("loyc.act.adjust"), Key: keyLoyAdjust, Run: v.askAdjust},
			&action{Label: u.T("loyc.act.reverse"), Key: keyLoyReverse, Run: v.askReverse},
			&action{Label: u.T("loyc.act.merge"), Key: keyLoyMerge, Run: v.askMerge},
			&action{Label: u.T("loyc.act.export"), Key: keyLoyExport, Run: v.export},
			&action{Label: u.T("loyc.act.anonymise"), Key: keyLoyAnonymise, Run: v.askAnonymise})
	}
	acts = append(acts, &action{Label: u.T("loyc.act.reissue"), Key: keyLoyReissue, Run: v.askReissue})
	return acts
}

// reopen shows the card again after an action (fresh from the ledger).
func (v *loyDetail) reopen(n loyNotice) { v.s.openCustomer(v.d.ID, n) }

// back is the Cancel of an action's dialog: the card again.
func (v *loyDetail) back() *action {
	return &action{Label: v.s.u.T("common.cancel"), Run: func() { v.reopen(loyNotice{}) }}
}

// loyNoticeColor is the tone's colour, light enough to read text on in
// either theme.
func loyNoticeColor(t tone) color.Color {
	c, ok := toneColor(t).(color.NRGBA)
	if !ok {
		return color.Transparent
	}
	c.A = 0x50
	return c
}

// loyAmount reads a signed whole number ("+2", "-1", "3").
func loyAmount(s string) (int, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	s = strings.TrimPrefix(s, "+")
	s = strings.Replace(s, "−", "-", 1)
	n, err := strconv.Atoi(s)
	return n, err == nil && n != 0
}

// loyKeyText words an accrual's key: a pickup's handover number, or the
// key as it was given.
func loyKeyText(u *UI, key string) string {
	if n, ok := strings.CutPrefix(key, loyalty.HandoverKeyPrefix); ok {
		return u.T("loyc.pickup", "Number", n)
	}
	return key
}
