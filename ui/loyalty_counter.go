package ui

import (
	"bytes"
	"image/png"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/loyalty"
	"smartpoint/app/scan"
	"smartpoint/ui/slips"
)

// Loyalty keys at the counter: they work on the Issue screen, where the
// customer stands.
const (
	keyEnrol    = fyne.KeyE // Ctrl+E: enrol the customer
	keyRedeem   = fyne.KeyR // Ctrl+R: hand out the reward
	keyShowCard = fyne.KeyK // Ctrl+K: the card's QR on screen, print its slip
)

// DocLoyaltyCard and DocReward are the loyalty slips in the print queue.
const (
	DocLoyaltyCard = "loyalty_card"
	DocReward      = "loyalty_reward"
)

// ctrlKeyer is a screen with its own Ctrl shortcuts.
type ctrlKeyer interface {
	ctrlKey(fyne.KeyName) bool
}

// loyaltyPanel is the Issue screen's card strip: whose card, how many
// stamps, and a reward waiting in large type. It never blocks the issue:
// every loyalty failure is a line in the strip, not a stop.
type loyaltyPanel struct {
	u      *UI
	obj    *fyne.Container
	bg     *canvas.Rectangle
	line   *widget.Label
	reward *canvas.Text
	keys   *widget.Label

	prog   *loyalty.Programme // nil: no programme running
	card   *loyalty.Card      // the customer's card, when known
	phone  string             // the recipient's phone (enrolment)
	name   string
	banner *banner // where results are told
}

func newLoyaltyPanel(u *UI, b *banner) *loyaltyPanel {
	p := &loyaltyPanel{u: u, banner: b, bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground)),
		line: widget.NewLabel(""), keys: widget.NewLabel(""),
		reward: canvas.NewText("", theme.Color(theme.ColorNameForeground))}
	p.line.TextStyle.Bold = true
	p.line.Wrapping = fyne.TextWrapWord
	p.reward.TextSize = 30
	p.reward.TextStyle.Bold = true
	p.keys.Importance = widget.LowImportance
	p.obj = container.NewStack(p.bg, container.NewPadded(container.NewVBox(p.line, p.reward, p.keys)))
	p.obj.Hide()
	return p
}

// programme reads the running programme; false when there is none.
func (p *loyaltyPanel) programme() bool {
	pr, err := p.u.loy.Programme(p.u.ctx)
	if err != nil {
		if !errs.Has(err, loyalty.ErrNoProgramme) {
			p.u.log.Warn("loyalty programme unreadable", "err", err)
		}
		p.prog = nil
		return false
	}
	p.prog = &pr
	return true
}

// forCustomer looks the recipient's card up by their phone.
func (p *loyaltyPanel) forCustomer(phone, name string) {
	p.card, p.phone, p.name = nil, phone, name
	if !p.programme() {
		p.obj.Hide()
		return
	}
	if phone != "" {
		c, err := p.u.loy.FindCard(p.u.ctx, phone)
		switch {
		case err == nil:
			p.card = &c
		case errs.Has(err, loyalty.ErrCardNotFound), errs.Has(err, loyalty.ErrBadPhone):
		default:
			p.u.log.Warn("loyalty card lookup failed", "err", err)
		}
	}
	p.paint()
}

// setCard shows a card the clerk scanned (it may be a family member's).
func (p *loyaltyPanel) setCard(c loyalty.Card) {
	p.programme()
	p.card = &c
	p.paint()
}

func (p *loyaltyPanel) clear() {
	p.card, p.phone, p.name = nil, "", ""
	p.obj.Hide()
}

// refreshCard rereads the card after a change.
func (p *loyaltyPanel) refreshCard() {
	if p.card == nil {
		return
	}
	if c, err := p.u.loy.FindCard(p.u.ctx, p.card.Code); err == nil {
		p.card = &c
	}
	p.paint()
}

func (p *loyaltyPanel) paint() {
	u := p.u
	if p.prog == nil {
		p.obj.Hide()
		return
	}
	p.obj.Show()
	if p.card == nil {
		p.line.SetText(u.T("loyalty.counter.not_member"))
		p.reward.Text = ""
		p.reward.Hide()
		p.keys.SetText(u.T("loyalty.counter.keys_enrol"))
		p.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
		p.bg.Refresh()
		return
	}
	p.line.SetText(cardLine(u, *p.card))
	if p.card.RewardsAvailable > 0 {
		p.reward.Text = u.T("loyalty.counter.reward_available", "Reward", p.card.RewardText)
		p.reward.Show()
		p.bg.FillColor = toneColor(toneOK)
		p.keys.SetText(u.T("loyalty.counter.keys_redeem"))
	} else {
		p.reward.Text = ""
		p.reward.Hide()
		p.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
		p.keys.SetText(u.T("loyalty.counter.keys_card"))
	}
	p.reward.Refresh()
	p.bg.Refresh()
}

// cardLine is a card in one line: code, holder, stamps and what is next.
func cardLine(u *UI, c loyalty.Card) string {
	holder := c.MaskedPhone
	if c.Name != "" {
		holder = c.Name + " " + c.MaskedPhone
	}
	var have string
	if c.Kind == loyalty.KindStamp {
		st := loyalty.CardState(c, "", 0)
		have = u.T("loyalty.counter.stamps", "Have", st.Stamps, "Of", c.PerReward)
	} else {
		have = u.p.N("loyalty.counter.points", c.Balance)
	}
	line := u.T("loyalty.counter.card", "Code", loyalty.FormatCode(c.Code), "Holder", holder, "Have", have)
	if c.RewardsAvailable == 0 && c.ToNextReward > 0 {
		line += " · " + u.p.N("loyalty.counter.to_next", c.ToNextReward)
	}
	if !c.NextExpiry.IsZero() {
		line += " · " + u.T("loyalty.counter.expiry", "Amount", c.NextExpiryAmount, "Date", u.day(c.NextExpiry))
	}
	return line
}

// accrue stamps the card for a committed handover and says what it gave.
// The handover stands whatever happens here: a failure is logged and told,
// and the start-up catch-up accrues it later.
func (p *loyaltyPanel) accrue(res counter.HandoverResult) string {
	u := p.u
	if p.prog == nil || len(res.Issued) == 0 {
		return ""
	}
	var r loyalty.Result
	var err error
	if p.card != nil {
		r, err = u.loy.Accrue(u.ctx, u.sess, p.card.Code, loyalty.HandoverKeyPrefix+res.Number, loyalty.Visit{Parcels: len(res.Issued)})
	} else {
		var ok bool
		r, ok, err = u.loy.AccrueForHandover(u.ctx, u.sess, res)
		if err == nil && !ok {
			return ""
		}
	}
	if err != nil {
		u.log.Warn("loyalty accrual failed; catch-up will retry", "handover", res.Number, "err", err)
		return u.T("loyalty.counter.accrue_failed", "Error", u.Err(err))
	}
	if c, err := u.loy.FindCard(u.ctx, r.Card); err == nil {
		p.card = &c
	}
	p.paint()
	switch {
	case r.Cooldown:
		return u.T("loyalty.counter.cooldown", "Until", u.clock(r.CooldownUntil))
	case r.Granted == 0 && r.CapHit:
		return u.T("loyalty.counter.cap")
	case r.NewRewards > 0:
		return u.p.N("loyalty.counter.earned_reward", r.Granted)
	default:
		return u.p.N("loyalty.counter.earned", r.Granted)
	}
}

// clock is a time of day at the point.
func (u *UI) clock(t time.Time) string { return t.In(u.svc.Location()).Format("15:04") }

// enrol asks for the customer's phone, name and consent and makes them a
// member; the new card is shown with its QR.
func (p *loyaltyPanel) enrol() {
	u := p.u
	if p.prog == nil && !p.programme() {
		u.alert(toneWarn, u.T("loyalty.counter.enrol_title"), u.Err(errs.New(loyalty.ErrNoProgramme)))
		return
	}
	if p.card != nil {
		u.feedback(p.banner, toneInfo, "", u.T("loyalty.counter.already_member"), cardLine(u, *p.card))
		return
	}
	phone := u.newEntry(u.T("loyalty.counter.phone"))
	phone.SetText(p.phone)
	name := u.newEntry(u.T("loyalty.counter.name"))
	name.SetText(p.name)
	consent := widget.NewCheck(u.T("loyalty.counter.consent"), nil)
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	do := &action{Label: u.T("loyalty.counter.enrol_do"), Stay: true}
	toggle := &action{Label: u.T("loyalty.counter.consent_key"), Key: fyne.KeyF2, Stay: true, Run: func() { consent.SetChecked(!consent.Checked) }}
	do.Run = func() {
		c, err := u.loy.Enrol(u.ctx, u.sess, phone.Text, name.Text, consent.Checked)
		if errs.Has(err, loyalty.ErrCustomerExists) {
			if found, ferr := u.loy.FindCard(u.ctx, phone.Text); ferr == nil {
				u.modal.hide()
				u.refocus()
				p.setCard(found)
				u.feedback(p.banner, toneWarn, "", u.Err(err), cardLine(u, found))
				return
			}
		}
		if err != nil {
			msg.SetText(u.Err(err))
			u.beep(toneError)
			return
		}
		u.modal.finish(nil)
		p.setCard(c)
		u.feedback(p.banner, toneOK, "", u.T("loyalty.counter.enrolled", "Code", loyalty.FormatCode(c.Code)), cardLine(u, c))
		p.showCard()
	}
	phone.OnEnter = func(string) { u.win.Canvas().Focus(name) }
	name.OnEnter = func(string) { do.Run() }
	hint := widget.NewLabel(u.T("loyalty.counter.consent_hint"))
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("loyalty.counter.enrol_title"),
		Body:    container.NewVBox(phone, name, consent, hint, msg),
		Primary: do, Others: []*action{toggle}, Focus: phone})
}

// redeem hands out one reward after the clerk confirms; above the
// programme's limit a manager's PIN is asked for in the same dialog.
func (p *loyaltyPanel) redeem() {
	u := p.u
	if p.card == nil {
		u.feedback(p.banner, toneWarn, "", u.T("loyalty.counter.no_card"), u.T("loyalty.counter.no_card_hint"))
		return
	}
	c := *p.card
	if c.RewardsAvailable == 0 {
		u.feedback(p.banner, toneWarn, "", u.T("loyalty.counter.no_reward"), cardLine(u, c))
		return
	}
	needPIN := p.prog != nil && p.prog.PINAbove > 0 && c.PerReward > p.prog.PINAbove && u.sess.Role() == counter.RoleClerk
	body := container.NewVBox(widget.NewLabel(u.T("loyalty.counter.redeem_text", "Reward", c.RewardText, "Code", loyalty.FormatCode(c.Code))))
	var pin *Entry
	if needPIN {
		pin = u.newPasswordEntry(u.T("loyalty.counter.manager_pin"))
		body.Add(widget.NewLabel(u.T("loyalty.counter.pin_needed")))
		body.Add(pin)
	}
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	body.Add(msg)
	give := &action{Label: u.T("loyalty.counter.redeem_do"), Stay: true}
	give.Run = func() {
		managerPIN := ""
		if pin != nil {
			managerPIN = pin.Text
		}
		r, err := u.loy.Redeem(u.ctx, u.sess, c.Code, managerPIN)
		if err != nil {
			msg.SetText(u.Err(err))
			u.beep(toneError)
			if pin != nil {
				pin.SetText("")
			}
			return
		}
		u.modal.finish(nil)
		p.refreshCard()
		u.feedback(p.banner, toneOK, "", u.T("loyalty.counter.redeemed", "Reward", r.Reward), cardLine(u, *p.card))
		if u.canPrint(DocReward) {
			d, err := u.loy.CardDesign(u.ctx)
			if err == nil {
				u.printDoc(DocReward, u.T("loyalty.counter.reward_slip", "Code", c.Code), slips.RewardSlip(u.slipContext(), *p.card, r, d), p.banner)
			}
		}
	}
	spec := dialogSpec{Tone: toneOK, Title: u.T("loyalty.counter.redeem_title"), Body: body, Primary: give,
		Cancel: &action{Label: u.T("common.cancel")}}
	if pin != nil {
		pin.OnEnter = func(string) { give.Run() }
		spec.Focus = pin
	}
	u.showDialog(spec)
}

// showCard shows the card as the customer gets it (the PNG with its QR,
// which a phone can photograph) with printing on F2.
func (p *loyaltyPanel) showCard() {
	u := p.u
	if p.card == nil {
		u.feedback(p.banner, toneWarn, "", u.T("loyalty.counter.no_card"), u.T("loyalty.counter.no_card_hint"))
		return
	}
	c := *p.card
	pic, err := u.loy.CardImage(u.ctx, c, 0.5, u.p.N("loyalty.counter.points", c.Balance))
	if err != nil {
		u.showErr(err)
		return
	}
	img, err := png.Decode(bytes.NewReader(pic))
	if err != nil {
		u.showErr(err)
		return
	}
	view := canvas.NewImageFromImage(img)
	view.FillMode = canvas.ImageFillContain
	view.SetMinSize(fyne.NewSize(float32(img.Bounds().Dx())/1.2, float32(img.Bounds().Dy())/1.2))
	var others []*action
	if u.canPrint(DocLoyaltyCard) {
		others = append(others, &action{Label: u.T("loyalty.counter.print_card"), Key: fyne.KeyF2, Run: func() { p.printCard(c) }})
	}
	others = append(others, &action{Label: u.T("loyalty.counter.save_card"), Key: fyne.KeyF3, Stay: true, Run: func() {
		if path, err := u.saveExport("card-"+c.Code, "png", pic); err != nil {
			u.showErr(err)
		} else {
			u.modal.finish(nil)
			u.feedback(p.banner, toneOK, "", u.T("loyalty.counter.card_saved"), path)
		}
	}})
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("loyalty.counter.card_title", "Code", loyalty.FormatCode(c.Code)),
		Body: view, Primary: &action{Label: u.T("common.ok")}, Others: others})
}

// printCard queues the card slip.
func (p *loyaltyPanel) printCard(c loyalty.Card) {
	u := p.u
	d, err := u.loy.CardDesign(u.ctx)
	if err != nil {
		u.showErr(err)
		return
	}
	qr, err := u.loy.CardQR(u.ctx, c)
	if err != nil {
		u.showErr(err)
		return
	}
	u.printDoc(DocLoyaltyCard, u.T("loyalty.counter.card_slip", "Code", c.Code), slips.CardSlip(u.slipContext(), c, qr, d), p.banner)
}

// ctrlKey runs the panel's shortcuts.
func (p *loyaltyPanel) ctrlKey(n fyne.KeyName) bool {
	switch n {
	case keyEnrol:
		p.enrol()
	case keyRedeem:
		p.redeem()
	case keyShowCard:
		p.showCard()
	default:
		return false
	}
	return true
}

// openCard finds the card a customer shows (QR, code) and opens the
// Issue screen with their parcels and the card; a forged QR is refused.
func (u *UI) openCard(raw string, b *banner) bool {
	if u.loy == nil {
		return false
	}
	c, err := u.loy.Recognise(u.ctx, raw)
	if err != nil {
		tone := toneError
		if loyalty.IsForgedCard(err) {
			u.log.Warn("forged or damaged loyalty card scanned", "err", err)
		}
		u.feedback(b, tone, "", u.Err(err), u.T("loyalty.counter.card_refused_hint"))
		return true
	}
	is := u.shell.open("issue").(*issueScreen)
	phone, err := u.loy.HolderPhone(u.ctx, c)
	if err == nil && phone != "" {
		if look, err := u.svc.FindForIssue(u.ctx, u.sess, phone); err == nil {
			is.load(look)
			is.loy.setCard(c)
			return true
		}
	}
	is.reset()
	is.loy.setCard(c)
	u.feedback(is.banner, toneInfo, "", u.T("loyalty.counter.card_only", "Code", loyalty.FormatCode(c.Code)), cardLine(u, c))
	return true
}

// isCardScan tells whether raw is a loyalty card: its QR, or a card code
// typed by hand that names an existing card.
func (u *UI) isCardScan(raw string, manual bool) bool {
	if u.loy == nil {
		return false
	}
	res := u.svc.Classify(raw)
	if res.Kind == scan.KindLoyaltyCard {
		return true
	}
	if !manual || res.Kind != scan.KindUnknown {
		return false
	}
	if _, ok := loyalty.NormaliseCode(raw); !ok {
		return false
	}
	_, err := u.loy.FindCard(u.ctx, raw)
	return err == nil || errs.Has(err, loyalty.ErrCardRevoked)
}

// loyaltyScan takes a card shown at the Issue screen: with a customer's
// parcels on screen it becomes the card this visit stamps (it may be a
// family member's); otherwise it opens the holder's parcels.
func (s *issueScreen) loyaltyScan(raw string, manual bool) bool {
	u := s.u
	if !u.isCardScan(raw, manual) {
		return false
	}
	if len(s.rows) == 0 {
		return u.openCard(raw, s.banner)
	}
	c, err := u.loy.Recognise(u.ctx, raw)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), u.T("loyalty.counter.card_refused_hint"))
		return true
	}
	s.loy.setCard(c)
	u.feedback(s.banner, toneOK, "", u.T("loyalty.counter.card_attached", "Code", loyalty.FormatCode(c.Code)), cardLine(u, c))
	return true
}
