package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/scan"
	"smartpoint/device/receipt"
	"smartpoint/ui/slips"
)

// Acceptance screen keys.
const (
	keyDelivery = fyne.KeyF9  // start / finish the delivery
	keyDamaged  = fyne.KeyF10 // the next scan is damaged
)

// acceptRecentMax bounds the list of the delivery's recent scans.
const acceptRecentMax = 50

// acceptScreen takes a courier's drop: each scan is committed and shows
// the cell to put the parcel in, in type readable across the room.
type acceptScreen struct {
	u        *UI
	banner   *banner
	partner  *widget.Select
	manifest *widget.Select
	courier  *Entry
	startB   *widget.Button
	damagedB *widget.Button
	importB  *widget.Button
	info     *widget.Label
	count    *widget.Label
	progress *widget.ProgressBar
	obj      fyne.CanvasObject

	partners   []counter.Partner  // active partners, as in the select
	manifests  []counter.Manifest // the selected partner's, as in the select after "none"
	delivery   counter.Delivery   // ID 0: none open
	recent     *scanLog           // the delivery's scans, newest first
	damaged    bool               // the next scan is damaged
	note       string             // its damage note
	lastAct    []string           // the last act shown
	lastReport []string           // the last import report's lines

	// onImported, when set, runs after an import finished (tests).
	onImported func(error)
}

func newAcceptScreen(u *UI) screen {
	s := &acceptScreen{u: u, banner: newBanner(), info: widget.NewLabel(""), count: widget.NewLabel(""),
		progress: widget.NewProgressBar()}
	s.progress.TextFormatter = func() string {
		return u.T("accept.progress", "Scanned", s.delivery.Scanned, "Expected", s.delivery.Expected)
	}
	s.partner = u.newSelect(nil, func(string) { s.partnerChanged() })
	s.partner.PlaceHolder = u.T("accept.partner_pick")
	s.manifest = u.newSelect(nil, nil)
	s.manifest.PlaceHolder = u.T("accept.manifest_none")
	s.courier = u.newEntry(u.T("accept.courier"))
	s.courier.OnEnter = func(string) {
		if s.delivery.ID == 0 {
			s.start()
		}
	}
	s.startB = widget.NewButtonWithIcon("", theme.MediaPlayIcon(), s.toggleDelivery)
	s.startB.Importance = widget.HighImportance
	s.damagedB = widget.NewButtonWithIcon("", theme.WarningIcon(), s.toggleDamaged)
	s.importB = widget.NewButtonWithIcon(u.T("accept.import"), theme.FileIcon(), s.pickFile)
	s.info.TextStyle.Bold = true
	s.info.Truncation = fyne.TextTruncateEllipsis
	s.recent = newScanLog(acceptRecentMax)

	pick := container.NewGridWithColumns(3,
		container.NewBorder(nil, nil, widget.NewLabel(u.T("accept.partner")), nil, s.partner),
		container.NewBorder(nil, nil, widget.NewLabel(u.T("accept.manifest")), nil, s.manifest),
		s.courier)
	buttons := container.NewHBox(s.startB, s.damagedB, s.importB, layout.NewSpacer(), s.count)
	head := container.NewVBox(s.banner.obj, pick, buttons, s.info, s.progress,
		widget.NewLabelWithStyle(u.T("accept.recent"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	s.obj = container.NewBorder(head, nil, nil, nil, s.recent.list)
	s.banner.show(toneInfo, "", u.T("accept.ready"), u.T("accept.ready_hint"))
	s.paint()
	return s
}

func (s *acceptScreen) view() fyne.CanvasObject { return s.obj }

func (s *acceptScreen) shown() {
	s.loadPartners()
	if s.delivery.ID != 0 {
		if d, err := s.u.svc.Delivery(s.u.ctx, s.delivery.ID); err == nil {
			if !d.ClosedAt.IsZero() {
				d = counter.Delivery{}
			}
			s.delivery = d
		}
	}
	s.paint()
}

func (s *acceptScreen) key(n fyne.KeyName) bool {
	switch n {
	case keyDelivery:
		s.toggleDelivery()
	case keyDamaged:
		s.toggleDamaged()
	default:
		return false
	}
	return true
}

func (s *acceptScreen) back() bool {
	if s.damaged {
		s.damaged, s.note = false, ""
		s.paint()
		return true
	}
	return false
}

// loadPartners fills the partner select with the active partners.
func (s *acceptScreen) loadPartners() {
	u := s.u
	ps, err := u.svc.Partners(u.ctx)
	if err != nil {
		u.log.Warn("partners unreadable", "err", err)
		return
	}
	cur := s.partnerCode()
	s.partners = s.partners[:0]
	var opts []string
	for _, p := range ps {
		if p.Active {
			s.partners = append(s.partners, p)
			opts = append(opts, partnerTitle(p))
		}
	}
	s.partner.SetOptions(opts)
	s.selectPartner(cur)
}

func partnerTitle(p counter.Partner) string {
	if p.Name == "" {
		return p.Code
	}
	return p.Name
}

// partnerNameIn is what a clerk calls the partner with code: its name
// among partners, else the code itself.
func partnerNameIn(partners []counter.Partner, code string) string {
	for _, p := range partners {
		if p.Code == code {
			return partnerTitle(p)
		}
	}
	return code
}

// selectPartner selects a partner by code ("" clears) and reloads its manifests.
func (s *acceptScreen) selectPartner(code string) {
	for i, p := range s.partners {
		if p.Code == code {
			if s.partner.SelectedIndex() != i {
				s.partner.SetSelectedIndex(i) // runs partnerChanged
				return
			}
			s.loadManifests(0)
			return
		}
	}
	s.partner.ClearSelected()
	s.loadManifests(0)
}

func (s *acceptScreen) partnerCode() string {
	if i := s.partner.SelectedIndex(); i >= 0 && i < len(s.partners) {
		return s.partners[i].Code
	}
	return ""
}

func (s *acceptScreen) partnerChanged() { s.loadManifests(0) }

// loadManifests lists the selected partner's recent manifests and selects
// want, else the newest one still waiting for parcels.
func (s *acceptScreen) loadManifests(want int64) {
	u := s.u
	code := s.partnerCode()
	s.manifests = s.manifests[:0]
	opts := []string{u.T("accept.manifest_none")}
	if code != "" {
		all, err := u.svc.Manifests(u.ctx, 200)
		if err != nil {
			u.log.Warn("manifests unreadable", "err", err)
		}
		for _, m := range all {
			if m.Partner == code && len(s.manifests) < 30 {
				s.manifests = append(s.manifests, m)
				opts = append(opts, s.manifestTitle(m))
			}
		}
	}
	s.manifest.SetOptions(opts)
	sel := 0
	for i, m := range s.manifests {
		if (want != 0 && m.ID == want) || (want == 0 && sel == 0 && m.Arrived < m.Rows) {
			sel = i + 1
		}
	}
	s.manifest.SetSelectedIndex(sel)
}

func (s *acceptScreen) manifestTitle(m counter.Manifest) string {
	return s.u.T("accept.manifest_item", "Number", manifestNumber(m), "Arrived", m.Arrived, "Rows", m.Rows)
}

// manifestNumber is the partner's manifest number, or the file name when
// the file had none.
func manifestNumber(m counter.Manifest) string {
	if strings.HasPrefix(m.Number, "sha256:") && m.Filename != "" {
		return m.Filename
	}
	return m.Number
}

func (s *acceptScreen) manifestID() int64 {
	if i := s.manifest.SelectedIndex(); i > 0 && i <= len(s.manifests) {
		return s.manifests[i-1].ID
	}
	return 0
}

func (s *acceptScreen) partnerName(code string) string {
	if code == "" {
		return s.u.T("accept.partner_any")
	}
	return partnerNameIn(s.partners, code)
}

// paint shows the delivery's state on the buttons, the headline and the bar.
func (s *acceptScreen) paint() {
	u := s.u
	d := s.delivery
	open := d.ID != 0
	if open {
		s.startB.SetText(string(keyDelivery) + " " + u.T("accept.finish"))
		s.startB.SetIcon(theme.ConfirmIcon())
		s.partner.Disable()
		s.manifest.Disable()
		s.courier.Disable()
		s.info.SetText(u.T("accept.delivery_info", "ID", d.ID, "Partner", s.partnerName(d.Partner),
			"Courier", orDash(d.Courier)))
	} else {
		s.startB.SetText(string(keyDelivery) + " " + u.T("accept.start"))
		s.startB.SetIcon(theme.MediaPlayIcon())
		s.partner.Enable()
		s.manifest.Enable()
		s.courier.Enable()
		if u.settings.AutoDelivery {
			s.info.SetText(u.T("accept.no_delivery_auto"))
		} else {
			s.info.SetText(u.T("accept.no_delivery"))
		}
	}
	if s.damaged {
		s.damagedB.SetText(string(keyDamaged) + " " + u.T("accept.damaged_on"))
		s.damagedB.Importance = widget.DangerImportance
	} else {
		s.damagedB.SetText(string(keyDamaged) + " " + u.T("accept.damaged"))
		s.damagedB.Importance = widget.MediumImportance
	}
	s.damagedB.Refresh()
	switch {
	case open && d.Expected > 0:
		s.progress.Max = float64(d.Expected)
		s.progress.SetValue(float64(d.Scanned))
		s.progress.Show()
		s.count.SetText(u.T("accept.progress", "Scanned", d.Scanned, "Expected", d.Expected))
	case open:
		s.progress.Hide()
		s.count.SetText(u.p.N("accept.scanned", d.Scanned))
	default:
		s.progress.Hide()
		s.count.SetText("")
	}
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func (s *acceptScreen) toggleDelivery() {
	if s.delivery.ID == 0 {
		s.start()
		return
	}
	s.askFinish()
}

// start opens a delivery with what the clerk picked.
func (s *acceptScreen) start() {
	u := s.u
	d, err := u.svc.OpenDelivery(u.ctx, u.sess, s.partnerCode(), s.manifestID(), s.courier.Text)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.opened(d)
	u.feedback(s.banner, toneInfo, "", u.T("accept.started", "ID", d.ID), u.T("accept.scan_hint"))
}

func (s *acceptScreen) opened(d counter.Delivery) {
	s.delivery = d
	s.recent.set(nil)
	s.paint()
}

// detect opens the delivery from the first scan: the parcel's manifest
// when it is expected, else the partner its code belongs to, else what
// the clerk picked. When none is known it opens nothing: Accept with
// delivery 0 then uses (or opens) the shift's current delivery.
func (s *acceptScreen) detect(raw string) error {
	u := s.u
	partner, manifest := s.partnerCode(), s.manifestID()
	if partner == "" {
		res := u.svc.Classify(raw)
		if res.Kind != scan.KindParcel && res.Kind != scan.KindOrder {
			return nil
		}
		partner = res.Partner
		if found, err := u.svc.Search(u.ctx, u.sess, raw, 2); err == nil && len(found.Parcels) == 1 {
			if p := found.Parcels[0]; p.Status == counter.StatusExpected {
				partner, manifest = p.Partner, p.ManifestID
			}
		}
		if partner == "" {
			return nil
		}
	}
	d, err := u.svc.OpenDelivery(u.ctx, u.sess, partner, manifest, s.courier.Text)
	if err != nil {
		return err
	}
	s.opened(d)
	return nil
}

func (s *acceptScreen) scan(raw string, manual bool) {
	u := s.u
	if s.delivery.ID == 0 {
		if !u.settings.AutoDelivery {
			u.feedback(s.banner, toneError, "", u.T("accept.open_first"), u.T("accept.open_first_hint"))
			return
		}
		if err := s.detect(raw); err != nil {
			u.feedback(s.banner, toneError, "", u.Err(err), "")
			return
		}
	}
	opt := counter.AcceptOptions{}
	if s.damaged {
		opt.Damaged, opt.DamageNote = true, s.note
	}
	res, err := u.svc.Accept(u.ctx, u.sess, s.delivery.ID, raw, opt)
	if err != nil {
		if errs.Has(err, counter.ErrDeliveryDone) || errs.Has(err, counter.ErrDelivery) {
			s.delivery = counter.Delivery{}
			s.paint()
		}
		msg := u.Err(err)
		u.feedback(s.banner, toneError, "", msg, s.errorHint(err))
		s.remember(toneError, u.svc.Classify(raw).Code+" — "+msg)
		return
	}
	s.delivery = res.Delivery
	p := res.Parcel
	var t tone
	var title, detail string
	switch res.Outcome {
	case counter.OutcomeOK:
		t = toneOK
		title = u.T("accept.ok", "Track", p.Track, "Cell", res.Cell)
		detail = u.parcelLine(p)
	case counter.OutcomeUnexpected:
		t = toneWarn
		title = u.T("accept.unexpected", "Track", p.Track, "Cell", res.Cell)
		detail = u.T("accept.unexpected_hint", "Track", p.Track)
	case counter.OutcomeDuplicate:
		t = toneWarn
		title = u.T("accept.duplicate", "Track", p.Track, "Cell", res.Cell)
		detail = u.T("accept.duplicate_hint", "Track", p.Track)
	case counter.OutcomeDamaged:
		t = toneWarn
		title = u.T("accept.damaged_ok", "Track", p.Track, "Cell", res.Cell)
		detail = u.T("accept.damaged_hint", "Track", p.Track, "Note", orDash(p.DamageNote))
	}
	if res.Outcome != counter.OutcomeDuplicate {
		s.damaged, s.note = false, ""
	} else if s.damaged {
		detail += "\n" + u.T("accept.damaged_kept")
	}
	s.paint()
	u.feedback(s.banner, t, res.Cell, title, detail)
	s.remember(t, fmt.Sprintf("%s → %s · %s", p.Track, res.Cell, u.T("accept.outcome."+string(res.Outcome))))
	// A label with the cell for the parcel, when the point wants them; a
	// duplicate scan already has one.
	if u.settings.CellLabels && res.Outcome != counter.OutcomeDuplicate && u.canPrint(DocCellLabel) {
		u.printCellLabel(res.Cell, nil)
	}
}

// errorHint says what to do after a refused scan.
func (s *acceptScreen) errorHint(err error) string {
	switch {
	case errs.Has(err, counter.ErrAmbiguous), errs.Has(err, counter.ErrUnknownCode):
		return s.u.T("accept.hint_unknown")
	case errs.Has(err, counter.ErrWrongKind):
		return s.u.T("accept.hint_wrong_kind")
	case errs.Has(err, counter.ErrDeliveryDone), errs.Has(err, counter.ErrDelivery):
		return s.u.T("accept.open_first_hint")
	}
	return s.u.T("accept.hint_set_aside")
}

func (s *acceptScreen) remember(t tone, text string) { s.recent.add(s.u.now(), t, text) }

// toggleDamaged arms the damage mark for the next scan, asking for a
// short note; pressed again it disarms.
func (s *acceptScreen) toggleDamaged() {
	u := s.u
	if s.damaged {
		s.damaged, s.note = false, ""
		s.paint()
		u.feedback(s.banner, toneInfo, "", u.T("accept.damaged_off"), "")
		return
	}
	note := u.newEntry(u.T("accept.damaged_note"))
	mark := &action{Label: u.T("accept.damaged_mark"), Run: func() {
		s.damaged, s.note = true, strings.TrimSpace(note.Text)
		s.paint()
		u.feedback(s.banner, toneWarn, "", u.T("accept.damaged_armed"), u.T("accept.damaged_armed_hint"))
	}}
	u.showDialog(dialogSpec{Tone: toneWarn, Title: u.T("accept.damaged_title"),
		Body:    container.NewVBox(widget.NewLabel(u.T("accept.damaged_text")), note),
		Primary: mark, Cancel: &action{Label: u.T("common.cancel")}, Focus: note})
}

// askFinish confirms closing the delivery.
func (s *acceptScreen) askFinish() {
	u := s.u
	d := s.delivery
	text := u.p.N("accept.scanned", d.Scanned)
	if d.Expected > 0 {
		text = u.T("accept.progress", "Scanned", d.Scanned, "Expected", d.Expected)
	}
	u.confirm(u.T("accept.finish_title", "ID", d.ID), text+"\n"+u.T("accept.finish_text"), u.T("accept.finish"), s.finish)
}

// finish closes the delivery and shows the act with its discrepancies.
func (s *acceptScreen) finish() {
	u := s.u
	dis, err := u.svc.CloseDelivery(u.ctx, u.sess, s.delivery.ID)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		if errs.Has(err, counter.ErrDeliveryDone) || errs.Has(err, counter.ErrDelivery) {
			s.delivery = counter.Delivery{}
			s.paint()
		}
		return
	}
	s.delivery = counter.Delivery{}
	s.loadManifests(s.manifestID())
	s.paint()
	n := len(dis.Missing) + len(dis.Unexpected) + len(dis.Damaged)
	t := toneOK
	if n > 0 {
		t = toneWarn
	}
	u.feedback(s.banner, t, "", u.T("accept.finished", "ID", dis.Delivery.ID), u.p.N("accept.discrepancies", n))
	partner, manifest := s.partnerName(dis.Delivery.Partner), s.manifestLabel(dis.Delivery.ManifestID)
	s.lastAct = u.acceptActLines(dis, partner, manifest)
	title := u.T("accept.act_title", "Number", dis.Delivery.ID)
	u.showDocument(t, title, "", s.lastAct, u.printActions(DocAcceptAct, title,
		func() receipt.Doc { return slips.AcceptAct(u.slipContext(), dis, partner, manifest) }, s.banner)...)
}

func (s *acceptScreen) manifestLabel(id int64) string {
	if id == 0 {
		return ""
	}
	for _, m := range s.manifests {
		if m.ID == id {
			return manifestNumber(m)
		}
	}
	if all, err := s.u.svc.Manifests(s.u.ctx, 500); err == nil {
		for _, m := range all {
			if m.ID == id {
				return manifestNumber(m)
			}
		}
	}
	return strconv.FormatInt(id, 10)
}

// showDocument shows a document (an act, an import report) on screen:
// intro wraps above, then one line per row (acts can list a whole
// manifest, so the rows are virtualised). others are F-key actions.
func (u *UI) showDocument(t tone, title, intro string, lines []string, others ...*action) *modal {
	list := widget.NewList(func() int { return len(lines) },
		func() fyne.CanvasObject { return oneLineLabel() },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(lines[id]) })
	list.HideSeparators = true
	list.OnSelected = func(widget.ListItemID) { list.UnselectAll() }
	size := canvas.NewRectangle(color.Transparent)
	size.SetMinSize(fyne.NewSize(980, 420))
	body := fyne.CanvasObject(container.NewStack(size, list))
	if intro != "" {
		l := widget.NewLabel(intro)
		l.Wrapping = fyne.TextWrapWord
		body = container.NewBorder(l, nil, nil, nil, body)
	}
	return u.showDialog(dialogSpec{Tone: t, Title: title, Body: body,
		Primary: &action{Label: u.T("common.ok")}, Others: others})
}

// acceptActLines builds the acceptance act from the delivery's
// discrepancies: the on-screen document now, the printout's text when
// printing comes.
func (u *UI) acceptActLines(d counter.Discrepancies, partner, manifest string) []string {
	del := d.Delivery
	at := del.ClosedAt
	if at.IsZero() {
		at = u.svc.Now()
	}
	lines := []string{
		u.T("accept.act_head", "Number", del.ID, "Date", at.In(u.svc.Location()).Format("02.01.2006 15:04")),
		u.T("accept.act_point", "Point", u.point.Name, "Address", u.point.Address),
		u.T("accept.act_partner", "Partner", partner),
	}
	if manifest != "" {
		lines = append(lines, u.T("accept.act_manifest", "Manifest", manifest))
	}
	clerk := ""
	if u.sess != nil {
		clerk = u.sess.Name()
	}
	lines = append(lines,
		u.T("accept.act_courier", "Courier", orDash(del.Courier)),
		u.T("accept.act_clerk", "Clerk", clerk),
		"",
	)
	if del.ManifestID != 0 {
		lines = append(lines, u.T("accept.act_expected", "Count", del.Expected))
	}
	lines = append(lines,
		u.T("accept.act_scanned", "Count", del.Scanned),
		u.T("accept.act_missing_n", "Count", len(d.Missing)),
		u.T("accept.act_unexpected_n", "Count", len(d.Unexpected)),
		u.T("accept.act_damaged_n", "Count", len(d.Damaged)),
	)
	section := func(head string, ps []counter.Parcel, line func(p counter.Parcel) string) {
		if len(ps) == 0 {
			return
		}
		lines = append(lines, "", head)
		for i, p := range ps {
			lines = append(lines, fmt.Sprintf("%4d. %s", i+1, line(p)))
		}
	}
	section(u.T("accept.act_missing"), d.Missing, func(p counter.Parcel) string {
		return strings.TrimSpace(p.Track + "  " + p.RecipientName)
	})
	section(u.T("accept.act_unexpected"), d.Unexpected, func(p counter.Parcel) string {
		return p.Track + "  → " + p.Cell
	})
	section(u.T("accept.act_damaged"), d.Damaged, func(p counter.Parcel) string {
		return p.Track + "  → " + p.Cell + "  " + p.DamageNote
	})
	if len(d.Missing)+len(d.Unexpected)+len(d.Damaged) == 0 {
		lines = append(lines, "", u.T("accept.act_clean"))
	}
	lines = append(lines, "", u.T("accept.act_signatures"))
	return lines
}

// pickFile asks for a manifest file (CSV or JSON) of the selected partner.
func (s *acceptScreen) pickFile() {
	u := s.u
	if s.partnerCode() == "" {
		u.feedback(s.banner, toneError, "", u.T("accept.import_partner"), u.T("accept.import_partner_hint"))
		return
	}
	fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			u.showErr(err)
			return
		}
		if rc == nil {
			u.refocus()
			return
		}
		uri := rc.URI()
		first := true
		s.importFrom(uri.Name(), func() (io.ReadCloser, error) {
			if first {
				first = false
				return rc, nil
			}
			return storage.Reader(uri)
		}, false)
	}, u.win)
	fd.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".json", ".CSV", ".JSON", ".txt", ".TXT"}))
	fd.Resize(fyne.NewSize(900, 600))
	fd.Show()
}

// importFrom imports a manifest of the selected partner behind a progress
// dialog with Cancel, then shows what happened. open is called once per
// attempt (a retry skipping bad rows reads the file again).
func (s *acceptScreen) importFrom(name string, open func() (io.ReadCloser, error), skipBad bool) {
	u := s.u
	partner := s.partnerCode()
	if partner == "" {
		u.feedback(s.banner, toneError, "", u.T("accept.import_partner"), u.T("accept.import_partner_hint"))
		return
	}
	var res counter.ImportResult
	u.runLong(u.T("accept.import_title", "File", name), func(ctx context.Context, progress progressFunc) error {
		r, err := open()
		if err != nil {
			return err
		}
		defer r.Close()
		res, err = u.svc.ImportManifest(ctx, u.sess, r, counter.ImportOptions{Partner: partner, Filename: name,
			SkipBadRows: skipBad, Progress: func(rows int) { progress(rows, 0) }})
		return err
	}, func(err error) {
		s.imported(name, open, res, err)
		if s.onImported != nil {
			s.onImported(err)
		}
	})
}

// imported reports an import: what was loaded, or why nothing was and
// what to do.
func (s *acceptScreen) imported(name string, open func() (io.ReadCloser, error), res counter.ImportResult, err error) {
	u := s.u
	if errors.Is(err, context.Canceled) {
		u.feedback(s.banner, toneInfo, "", u.T("accept.import_cancelled"), u.T("accept.import_nothing"))
		return
	}
	if err != nil {
		var lines []string
		for _, re := range res.Errors {
			lines = append(lines, u.Err(re.Err()))
		}
		var others []*action
		if errs.Has(err, counter.ErrManifestRows) && res.Rows > 0 {
			others = append(others, &action{Label: u.T("accept.import_skip_bad"), Key: fyne.KeyF1,
				Run: func() { s.importFrom(name, open, true) }})
		}
		s.lastReport = lines
		u.feedback(s.banner, toneError, "", u.T("accept.import_failed", "File", name), u.Err(err))
		u.showDocument(toneError, u.T("accept.import_failed", "File", name),
			u.Err(err)+"\n"+u.T("accept.import_nothing"), lines, others...)
		return
	}
	lines := []string{u.T("cli.import.manifest", "Number", res.Number, "Partner", s.partnerName(res.Partner),
		"Format", string(res.Format), "Encoding", res.Encoding)}
	if res.AlreadyImported {
		lines = append(lines, u.T("cli.import.already_imported"))
	} else {
		lines = append(lines, u.T("cli.import.rows", "Count", res.Rows), u.T("cli.import.saved", "Count", res.Saved))
		if res.AlreadyAccepted > 0 {
			lines = append(lines, u.T("cli.import.already_accepted", "Count", res.AlreadyAccepted))
		}
		if res.Bad > 0 {
			lines = append(lines, u.T("cli.import.skipped", "Count", res.Bad))
			for _, re := range res.Errors {
				lines = append(lines, u.Err(re.Err()))
			}
		}
	}
	if s.delivery.ID == 0 {
		s.loadManifests(res.ManifestID)
	}
	u.feedback(s.banner, toneOK, "", u.T("accept.imported", "Number", res.Number), u.p.N("accept.imported_n", res.Saved))
	s.lastReport = lines
	u.showDocument(toneOK, u.T("accept.imported", "Number", res.Number), "", lines)
}
