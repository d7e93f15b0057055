package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/scan"
	"smartpoint/device/receipt"
	"smartpoint/ui/slips"
)

// Returns screen keys.
const (
	keyOpenBox = fyne.KeyF9  // open a new box for the selected partner
	keyUnbox   = fyne.KeyF10 // take the last added parcel back out
)

// returnsScreen sends parcels back to partners: overdue and refused
// parcels are listed, packed per partner into numbered boxes by scanning,
// and the boxes are handed to the courier under a return act.
type returnsScreen struct {
	u       *UI
	banner  *banner
	partner *widget.Select
	expireB *widget.Button
	openB   *widget.Button
	undoB   *widget.Button
	handB   *widget.Button
	courier *Entry
	current *widget.Label
	candN   *widget.Label
	cands   *widget.List
	boxList *widget.List
	obj     fyne.CanvasObject

	partners   []counter.Partner // as in the filter after "all"
	candidates []counter.Parcel
	boxes      []counter.ReturnBox // open boxes
	checked    map[string]bool     // box numbers ticked for the handover
	box        counter.ReturnBox   // the box scans go into; Number "" = none
	added      []string            // tracks added to box in this session, last last
}

func newReturnsScreen(u *UI) screen {
	s := &returnsScreen{u: u, banner: newBanner(), current: widget.NewLabel(""), candN: widget.NewLabel(""),
		checked: map[string]bool{}}
	s.partner = u.newSelect(nil, func(string) { s.loadCandidates() })
	s.expireB = widget.NewButtonWithIcon(u.T("returns.expire"), theme.HistoryIcon(), s.expire)
	s.openB = widget.NewButtonWithIcon(string(keyOpenBox)+" "+u.T("returns.open_box"), theme.ContentAddIcon(), s.openBox)
	s.openB.Importance = widget.HighImportance
	s.undoB = widget.NewButtonWithIcon(string(keyUnbox)+" "+u.T("returns.undo"), theme.ContentUndoIcon(), s.undo)
	s.courier = u.newEntry(u.T("returns.courier"))
	s.courier.OnEnter = func(string) { s.askHandover() }
	s.handB = widget.NewButtonWithIcon(u.T("returns.hand_over"), theme.MailSendIcon(), s.askHandover)
	s.current.TextStyle.Bold = true
	s.current.Truncation = fyne.TextTruncateEllipsis

	s.cands = widget.NewList(func() int { return len(s.candidates) },
		func() fyne.CanvasObject { return oneLineLabel() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.candidates) {
				o.(*widget.Label).SetText(s.candidateLine(s.candidates[id]))
			}
		})
	s.boxList = widget.NewList(func() int { return len(s.boxes) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewCheck("", nil), nil, oneLineLabel())
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(s.boxes) {
				return
			}
			b := s.boxes[id]
			c := o.(*fyne.Container)
			var check *widget.Check
			var label *widget.Label
			for _, obj := range c.Objects {
				switch w := obj.(type) {
				case *widget.Check:
					check = w
				case *widget.Label:
					label = w
				}
			}
			check.OnChanged = nil
			check.SetChecked(s.checked[b.Number])
			check.OnChanged = func(on bool) { s.checked[b.Number] = on }
			label.Importance = widget.MediumImportance
			if b.Number == s.box.Number {
				label.Importance = widget.HighImportance
			}
			label.SetText(s.boxLine(b))
		})
	s.boxList.OnSelected = func(id widget.ListItemID) {
		if id < len(s.boxes) {
			s.useBox(s.boxes[id])
		}
		s.boxList.UnselectAll()
		u.refocus()
	}

	hint := widget.NewLabel(u.T("returns.hand_over_hint"))
	hint.Wrapping = fyne.TextWrapWord
	left := container.NewBorder(
		container.NewVBox(
			container.NewBorder(nil, nil, widget.NewLabel(u.T("returns.partner")), nil, s.partner),
			container.NewBorder(nil, nil, nil, s.expireB, s.candN)),
		nil, nil, nil, s.cands)
	right := container.NewBorder(
		container.NewVBox(widget.NewLabelWithStyle(u.T("returns.boxes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})),
		container.NewVBox(hint,
			container.NewBorder(nil, nil, nil, s.handB, s.courier)),
		nil, nil, s.boxList)
	split := container.NewHSplit(left, right)
	split.Offset = 0.55
	buttons := container.NewHBox(s.openB, s.undoB, widget.NewButtonWithIcon(u.T("returns.print_label"), theme.DocumentPrintIcon(), s.printLabel), layout.NewSpacer())
	s.obj = container.NewBorder(container.NewVBox(s.banner.obj, container.NewBorder(nil, nil, nil, buttons, s.current)),
		nil, nil, nil, split)
	s.banner.show(toneInfo, "", u.T("returns.ready"), u.T("returns.ready_hint"))
	s.paintBox()
	return s
}

func (s *returnsScreen) view() fyne.CanvasObject { return s.obj }

func (s *returnsScreen) shown() {
	s.loadPartners()
	s.refresh()
}

func (s *returnsScreen) key(n fyne.KeyName) bool {
	switch n {
	case keyOpenBox:
		s.openBox()
	case keyUnbox:
		s.undo()
	default:
		return false
	}
	return true
}

func (s *returnsScreen) back() bool { return false }

func (s *returnsScreen) loadPartners() {
	u := s.u
	ps, err := u.svc.Partners(u.ctx)
	if err != nil {
		u.log.Warn("partners unreadable", "err", err)
		return
	}
	cur := s.partnerCode()
	s.partners = s.partners[:0]
	opts := []string{u.T("returns.partner_all")}
	for _, p := range ps {
		if p.Active {
			s.partners = append(s.partners, p)
			opts = append(opts, partnerTitle(p))
		}
	}
	s.partner.OnChanged = nil
	s.partner.SetOptions(opts)
	s.setPartner(cur)
	s.partner.OnChanged = func(string) { s.loadCandidates() }
}

// setPartner selects a partner in the filter by code ("" = all).
func (s *returnsScreen) setPartner(code string) {
	for i, p := range s.partners {
		if p.Code == code {
			s.partner.SetSelectedIndex(i + 1)
			return
		}
	}
	s.partner.SetSelectedIndex(0)
}

func (s *returnsScreen) partnerCode() string {
	if i := s.partner.SelectedIndex(); i > 0 && i <= len(s.partners) {
		return s.partners[i-1].Code
	}
	return ""
}

func (s *returnsScreen) partnerName(code string) string { return partnerNameIn(s.partners, code) }

func (s *returnsScreen) refresh() {
	s.loadCandidates()
	s.loadBoxes()
}

func (s *returnsScreen) loadCandidates() {
	u := s.u
	ps, err := u.svc.ReturnCandidates(u.ctx, s.partnerCode())
	if err != nil {
		u.log.Warn("return candidates unreadable", "err", err)
	}
	s.candidates = ps
	s.candN.SetText(u.p.N("returns.candidates", len(ps)))
	s.cands.Refresh()
}

func (s *returnsScreen) loadBoxes() {
	u := s.u
	bs, err := u.svc.ReturnBoxes(u.ctx, counter.BoxOpen)
	if err != nil {
		u.log.Warn("return boxes unreadable", "err", err)
	}
	s.boxes = bs
	open := map[string]bool{}
	for _, b := range bs {
		open[b.Number] = true
		if b.Number == s.box.Number {
			s.box = b
		}
	}
	for n := range s.checked {
		if !open[n] {
			delete(s.checked, n)
		}
	}
	if s.box.Number != "" && !open[s.box.Number] {
		s.box, s.added = counter.ReturnBox{}, nil
	}
	s.boxList.Refresh()
	s.paintBox()
}

func (s *returnsScreen) candidateLine(p counter.Parcel) string {
	u := s.u
	reason := u.T("returns.reason_overdue")
	if p.Status == counter.StatusToReturn {
		reason = u.returnReason(p.ReturnReason)
	}
	line := fmt.Sprintf("%s  %s · %s", orDash(p.Cell), p.Track, reason)
	if !p.DeadlineAt.IsZero() {
		line += " · " + u.T("parcel.deadline", "Date", u.day(p.DeadlineAt))
	}
	return line + " · " + s.partnerName(p.Partner)
}

// returnReason words why a parcel goes back: its storage expired, or the
// customer refused it ("refused:<reason>", one of counter.RefuseReasons).
func (u *UI) returnReason(r string) string {
	if r == "expired" {
		return u.T("returns.reason_expired")
	}
	if why, ok := strings.CutPrefix(r, "refused:"); ok && slices.Contains(counter.RefuseReasons, why) {
		return u.T("returns.reason_refused", "Reason", u.T("refuse."+why))
	}
	return u.T("returns.reason_other")
}

func (s *returnsScreen) boxLine(b counter.ReturnBox) string {
	return s.u.T("returns.box_line", "Box", b.Label(), "Partner", s.partnerName(b.Partner)) + " · " +
		s.u.p.N("returns.parcels", b.Parcels)
}

func (s *returnsScreen) paintBox() {
	u := s.u
	if s.box.Number == "" {
		s.current.SetText(u.T("returns.no_box"))
		s.undoB.Disable()
		return
	}
	s.current.SetText(u.T("returns.current", "Box", s.box.Label(), "Partner", s.partnerName(s.box.Partner)) +
		" · " + u.p.N("returns.parcels", s.box.Parcels))
	if len(s.added) > 0 {
		s.undoB.Enable()
	} else {
		s.undoB.Disable()
	}
}

// expire turns stored parcels past their deadline into returns.
func (s *returnsScreen) expire() {
	u := s.u
	n, err := u.svc.ExpireOverdue(u.ctx, u.sess)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.refresh()
	u.feedback(s.banner, toneInfo, "", u.p.N("returns.expired", n), u.T("returns.expired_hint"))
	u.refocus()
}

// openBox starts a box for the partner in the filter.
func (s *returnsScreen) openBox() {
	u := s.u
	code := s.partnerCode()
	if code == "" {
		u.feedback(s.banner, toneError, "", u.T("returns.pick_partner"), u.T("returns.pick_partner_hint"))
		return
	}
	b, err := u.svc.OpenReturnBox(u.ctx, u.sess, code)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.box, s.added = b, nil
	s.loadBoxes()
	u.feedback(s.banner, toneOK, b.Label(), u.T("returns.box_opened", "Partner", s.partnerName(b.Partner)), u.T("returns.box_opened_hint"))
	u.refocus()
}

// printLabel prints the current box's label with its parcel count: the
// courier's scanner reads the box number from it.
func (s *returnsScreen) printLabel() {
	u := s.u
	if s.box.Number == "" {
		u.feedback(s.banner, toneWarn, "", u.T("returns.no_box"), u.T("returns.pick_partner_hint"))
		return
	}
	b := s.box
	for _, x := range s.boxes {
		if x.Number == b.Number {
			b = x // the count as it is now
		}
	}
	u.printBoxLabel(BoxLabel{Code: b.Label(), Partner: s.partnerName(b.Partner), Parcels: b.Parcels,
		Caption: u.T("slip.box.caption"), Date: u.svc.Now()}, s.banner)
}

// useBox makes b the box scans go into.
func (s *returnsScreen) useBox(b counter.ReturnBox) {
	u := s.u
	if s.box.Number != b.Number {
		s.added = nil
	}
	s.box = b
	s.boxList.Refresh()
	s.paintBox()
	if s.partnerCode() != b.Partner {
		s.setPartner(b.Partner)
	}
	u.feedback(s.banner, toneInfo, b.Label(), u.T("returns.box_selected", "Partner", s.partnerName(b.Partner)),
		u.p.N("returns.parcels", b.Parcels)+" · "+u.T("returns.box_opened_hint"))
}

func (s *returnsScreen) scan(raw string, manual bool) {
	u := s.u
	res := u.svc.Classify(raw)
	if res.Kind == scan.KindReturnBox {
		s.scanBox(res)
		return
	}
	if s.box.Number == "" {
		u.feedback(s.banner, toneError, "", u.T("returns.no_box"), u.T("returns.no_box_hint"))
		return
	}
	p, err := u.svc.AddToReturnBox(u.ctx, u.sess, s.box.Number, raw)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), u.T("returns.refused_hint"))
		return
	}
	s.added = append(s.added, p.Track)
	s.refresh()
	u.feedback(s.banner, toneOK, s.box.Label(), u.T("returns.added", "Track", p.Track),
		u.p.N("returns.parcels", s.box.Parcels)+" · "+u.T("returns.added_hint"))
}

// scanBox selects a scanned box label.
func (s *returnsScreen) scanBox(res scan.Result) {
	u := s.u
	all, err := u.svc.ReturnBoxes(u.ctx, "")
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	for _, b := range all {
		if b.Number != res.Value && b.Label() != res.Code {
			continue
		}
		if b.Status != counter.BoxOpen {
			u.feedback(s.banner, toneError, b.Label(), u.T("err.returns.box_handed", "Box", b.Label(), "Act", b.Act), u.T("returns.box_handed_hint"))
			return
		}
		s.loadBoxes()
		s.useBox(b)
		return
	}
	u.feedback(s.banner, toneError, "", u.T("err.returns.box_unknown", "Box", res.Code), u.T("returns.box_unknown_hint"))
}

// undo takes the last parcel added in this session back out of the box.
func (s *returnsScreen) undo() {
	u := s.u
	if s.box.Number == "" || len(s.added) == 0 {
		u.feedback(s.banner, toneInfo, "", u.T("returns.undo_nothing"), "")
		return
	}
	track := s.added[len(s.added)-1]
	p, err := u.svc.RemoveFromReturnBox(u.ctx, u.sess, s.box.Number, track)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.added = s.added[:len(s.added)-1]
	s.refresh()
	u.feedback(s.banner, toneWarn, p.Cell, u.T("returns.removed", "Track", p.Track, "Box", s.box.Label()), u.T("returns.removed_hint", "Cell", p.Cell))
}

// handoverBoxes are the ticked boxes, else the current one.
func (s *returnsScreen) handoverBoxes() []counter.ReturnBox {
	var out []counter.ReturnBox
	for _, b := range s.boxes {
		if s.checked[b.Number] {
			out = append(out, b)
		}
	}
	if len(out) == 0 && s.box.Number != "" {
		out = append(out, s.box)
	}
	return out
}

// askHandover confirms the boxes and the courier, then hands them over.
func (s *returnsScreen) askHandover() {
	u := s.u
	bs := s.handoverBoxes()
	if len(bs) == 0 {
		u.feedback(s.banner, toneError, "", u.T("returns.hand_none"), u.T("returns.hand_over_hint"))
		return
	}
	var labels []string
	total := 0
	for _, b := range bs {
		labels = append(labels, b.Label())
		total += b.Parcels
	}
	courier := u.newEntry(u.T("returns.courier"))
	courier.SetText(s.courier.Text)
	do := &action{Label: u.T("returns.hand_over"), Run: func() { s.handOver(bs, courier.Text) }}
	text := widget.NewLabel(u.T("returns.hand_text", "Boxes", strings.Join(labels, ", "), "Partner", s.partnerName(bs[0].Partner)) +
		"\n" + u.p.N("returns.parcels", total))
	text.Wrapping = fyne.TextWrapWord
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("returns.hand_title"),
		Body:    container.NewVBox(text, widget.NewLabel(u.T("returns.courier")), courier),
		Primary: do, Cancel: &action{Label: u.T("common.cancel")}, Focus: courier})
}

func (s *returnsScreen) handOver(bs []counter.ReturnBox, courier string) {
	u := s.u
	if strings.TrimSpace(courier) == "" {
		u.alert(toneError, u.T("common.error"), u.T("returns.courier_needed"))
		return
	}
	var numbers []string
	for _, b := range bs {
		numbers = append(numbers, b.Number)
	}
	act, err := u.svc.HandOverReturns(u.ctx, u.sess, numbers, courier)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.courier.SetText("")
	s.refresh()
	u.feedback(s.banner, toneOK, fmt.Sprint(len(act.Parcels)), u.p.N("returns.handed", len(act.Parcels)), u.T("returns.act_number", "Number", act.Number))
	partner := s.partnerName(act.Partner)
	title := u.T("returns.act_title", "Number", act.Number)
	u.showDocument(toneOK, title, "", u.returnActLines(act, partner), u.printActions(DocReturnSlip, title,
		func() receipt.Doc { return slips.ReturnSlip(u.slipContext(), act, partner) }, s.banner)...)
}

// returnActLines builds the return act's text: the on-screen document
// now, the printout's text when printing comes.
func (u *UI) returnActLines(act counter.ReturnAct, partner string) []string {
	var boxes []string
	for _, b := range act.Boxes {
		boxes = append(boxes, counter.ReturnBox{Number: b}.Label())
	}
	lines := []string{
		u.T("returns.act_head", "Number", act.Number, "Date", act.At.In(u.svc.Location()).Format("02.01.2006 15:04")),
		u.T("accept.act_point", "Point", u.point.Name, "Address", u.point.Address),
		u.T("accept.act_partner", "Partner", partner),
		u.T("accept.act_courier", "Courier", orDash(act.Courier)),
		u.T("accept.act_clerk", "Clerk", act.Clerk),
		u.T("returns.act_boxes", "Boxes", strings.Join(boxes, ", ")),
		u.p.N("returns.parcels", len(act.Parcels)),
		"",
	}
	for i, p := range act.Parcels {
		lines = append(lines, fmt.Sprintf("%4d. %s  %s", i+1, p.Track, u.returnReason(p.ReturnReason)))
	}
	return append(lines, "", u.T("accept.act_signatures"))
}
