package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Inventory screen keys.
const (
	keyInvRun   = fyne.KeyF9  // start / finish
	keyInvApply = fyne.KeyF10 // apply the misplaced parcels' cells
)

// invLogMax is how many scan lines the screen keeps.
const invLogMax = 500

// inventoryScreen runs a stock-take: the clerk scans a cell's label, then
// every parcel in it, cell after cell; each parcel is judged at once (in
// place, recorded elsewhere, not supposed to be here). Finishing gives the
// report: missing, misplaced and extra, and a manager can move the
// misplaced parcels' records to where they were found.
//
// A cell label scanned with no inventory running (the Counter screen
// forwards them here) offers to start one from that cell: Enter starts
// it, Escape leaves things as they are. To see what a cell holds, scan it
// on the Stock screen.
type inventoryScreen struct {
	u        *UI
	banner   *banner
	progress *widget.Label
	runB     *widget.Button
	applyB   *widget.Button
	inv      int64 // the running inventory, 0 when none
	cell     string
	log      *scanLog // newest first: the scans, or the report
	listHead *widget.Label
	report   *counter.InventoryReport
	applied  bool
	obj      fyne.CanvasObject
}

func newInventoryScreen(u *UI) screen {
	s := &inventoryScreen{u: u, banner: newBanner(), progress: widget.NewLabel(""), listHead: widget.NewLabel("")}
	s.progress.TextStyle.Bold = true
	s.progress.SizeName = theme.SizeNameHeadingText
	s.listHead.TextStyle.Bold = true
	s.runB = widget.NewButton("", s.run)
	s.runB.Importance = widget.HighImportance
	s.applyB = widget.NewButton(string(keyInvApply)+" "+u.T("inv.apply"), s.apply)
	s.log = newScanLog(invLogMax)
	buttons := container.NewHBox(s.runB, s.applyB, layout.NewSpacer(), s.progress)
	s.obj = container.NewBorder(container.NewVBox(s.banner.obj, buttons, s.listHead), nil, nil, nil, s.log.list)
	s.idle()
	return s
}

func (s *inventoryScreen) view() fyne.CanvasObject { return s.obj }
func (s *inventoryScreen) shown()                  {}

func (s *inventoryScreen) key(n fyne.KeyName) bool {
	switch n {
	case keyInvRun:
		s.run()
	case keyInvApply:
		s.apply()
	default:
		return false
	}
	return true
}

// back clears a finished report; a running inventory stays.
func (s *inventoryScreen) back() bool {
	if s.report == nil {
		return false
	}
	s.idle()
	return true
}

// idle is the screen with no inventory running and no report.
func (s *inventoryScreen) idle() {
	u := s.u
	s.inv, s.cell, s.report, s.applied = 0, "", nil, false
	s.log.set(nil)
	s.listHead.SetText("")
	s.progress.SetText("")
	s.banner.show(toneInfo, "", u.T("inv.ready"), u.T("inv.ready_hint"))
	s.paintButtons()
}

func (s *inventoryScreen) paintButtons() {
	u := s.u
	if s.inv != 0 {
		s.runB.SetText(string(keyInvRun) + " " + u.T("inv.finish"))
	} else {
		s.runB.SetText(string(keyInvRun) + " " + u.T("inv.start"))
	}
	if s.report != nil && len(s.report.Misplaced) > 0 && !s.applied {
		s.applyB.Enable()
	} else {
		s.applyB.Disable()
	}
}

// run starts an inventory, or asks to finish the running one.
func (s *inventoryScreen) run() {
	u := s.u
	if s.inv == 0 {
		s.start("")
		return
	}
	u.confirm(u.T("inv.finish_title"), u.T("inv.finish_text"), u.T("inv.finish"), s.finish)
}

// start opens an inventory; a first cell label, when given, is scanned.
func (s *inventoryScreen) start(cell string) {
	u := s.u
	id, err := u.svc.StartInventory(u.ctx, u.sess)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.idle()
	s.inv = id
	s.listHead.SetText(u.T("inv.log"))
	s.paintButtons()
	if cell != "" {
		s.scan(cell, false)
		return
	}
	u.feedback(s.banner, toneOK, "", u.T("inv.started"), u.T("inv.scan_cell"))
}

func (s *inventoryScreen) scan(raw string, manual bool) {
	u := s.u
	if s.inv == 0 {
		res := u.svc.Classify(raw)
		if res.Kind != scan.KindCell {
			u.feedback(s.banner, toneWarn, "", u.T("inv.not_running"), u.T("inv.not_running_hint"))
			return
		}
		n, err := u.svc.StockCount(u.ctx, u.sess, counter.StockFilter{Cell: res.Value})
		if err != nil {
			u.feedback(s.banner, toneError, "", u.Err(err), "")
			return
		}
		u.feedback(s.banner, toneInfo, res.Value, u.T("inv.offer_title", "Cell", res.Value), u.p.N("inv.cell_holds", n))
		u.confirm(u.T("inv.offer_title", "Cell", res.Value), u.p.N("inv.cell_holds", n)+"\n"+u.T("inv.offer_text"),
			u.T("inv.start"), func() { s.start(raw) })
		return
	}
	step, err := u.svc.InventoryScan(u.ctx, u.sess, s.inv, raw)
	if err != nil {
		t := toneError
		if errs.Has(err, counter.ErrInvNoCell) {
			t = toneWarn
		}
		u.feedback(s.banner, t, s.cell, u.Err(err), "")
		s.log.add(s.u.now(), t, u.Err(err))
		return
	}
	s.cell = step.Cell
	s.progress.SetText(u.T("inv.progress", "Cell", step.Cell, "Seen", step.Seen, "Expected", step.Expected))
	count := u.T("inv.progress", "Cell", step.Cell, "Seen", step.Seen, "Expected", step.Expected)
	switch {
	case step.Code == "" && step.Parcel == nil:
		u.feedback(s.banner, toneOK, step.Cell, u.p.N("inv.cell_holds", step.Expected), u.T("inv.scan_parcels"))
		s.log.add(s.u.now(), toneInfo, u.T("inv.log_cell", "Cell", step.Cell))
	case step.Parcel == nil:
		u.feedback(s.banner, toneError, step.Cell, u.T("inv.unknown", "Code", step.Code), u.T("inv.unknown_hint")+"\n"+count)
		s.log.add(s.u.now(), toneError, u.T("inv.unknown", "Code", step.Code))
	case step.Extra:
		p := step.Parcel
		title := u.T("inv.extra", "Track", p.Track, "Status", u.T("status."+string(p.Status)))
		u.feedback(s.banner, toneError, step.Cell, title, u.T("inv.extra_hint")+"\n"+count)
		s.log.add(s.u.now(), toneError, title)
	case step.Misplaced:
		p := step.Parcel
		title := u.T("inv.misplaced", "Track", p.Track, "Cell", p.Cell)
		u.feedback(s.banner, toneWarn, step.Cell, title, u.T("inv.misplaced_hint", "Cell", p.Cell)+"\n"+count)
		s.log.add(s.u.now(), toneWarn, title)
	default:
		title := u.T("inv.ok", "Track", step.Parcel.Track)
		u.feedback(s.banner, toneOK, step.Cell, title, count)
		s.log.add(s.u.now(), toneOK, title)
	}
}

// finish closes the inventory and shows the report.
func (s *inventoryScreen) finish() {
	u := s.u
	rep, err := u.svc.FinishInventory(u.ctx, u.sess, s.inv)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.inv, s.cell, s.report, s.applied = 0, "", &rep, false
	s.progress.SetText("")
	s.listHead.SetText(u.T("inv.report_head", "Cells", len(rep.Cells), "Seen", rep.Seen))
	s.log.set(s.reportLines(rep))
	t, hint := toneOK, u.T("inv.report_clean")
	switch {
	case len(rep.Missing) > 0 || len(rep.Extra) > 0:
		t, hint = toneError, u.T("inv.report_hint")
	case len(rep.Misplaced) > 0:
		t, hint = toneWarn, u.T("inv.report_hint")
	}
	if len(rep.Misplaced) > 0 {
		hint += "\n" + u.T("inv.apply_hint", "Key", string(keyInvApply))
	}
	u.feedback(s.banner, t, "", u.T("inv.report_title", "Missing", len(rep.Missing), "Misplaced", len(rep.Misplaced), "Extra", len(rep.Extra)), hint)
	s.paintButtons()
}

// reportLines lists the report: missing, misplaced, extra, each with its
// tracks and cells.
func (s *inventoryScreen) reportLines(rep counter.InventoryReport) []logLine {
	u := s.u
	var out []logLine
	out = append(out, logLine{toneInfo, u.p.N("inv.missing_n", len(rep.Missing))})
	for _, p := range rep.Missing {
		out = append(out, logLine{toneError, "    " + u.T("inv.missing_line", "Track", p.Track, "Cell", p.Cell, "Name", p.RecipientName)})
	}
	out = append(out, logLine{toneInfo, u.p.N("inv.misplaced_n", len(rep.Misplaced))})
	for _, m := range rep.Misplaced {
		out = append(out, logLine{toneWarn, "    " + u.T("inv.misplaced_line", "Track", m.Parcel.Track, "Cell", m.Parcel.Cell, "Found", m.FoundIn)})
	}
	out = append(out, logLine{toneInfo, u.p.N("inv.extra_n", len(rep.Extra))})
	for _, x := range rep.Extra {
		status := u.T("inv.extra_unknown")
		if x.Parcel != nil {
			status = u.T("status." + string(x.Parcel.Status))
		}
		out = append(out, logLine{toneError, "    " + u.T("inv.extra_line", "Code", x.Code, "Cell", x.Cell, "Status", status)})
	}
	return out
}

// apply moves the misplaced parcels' records to the cells they were
// found in (a manager's right).
func (s *inventoryScreen) apply() {
	u := s.u
	if s.report == nil || len(s.report.Misplaced) == 0 || s.applied {
		return
	}
	n, err := u.svc.ApplyMisplaced(u.ctx, u.sess, s.report.ID)
	if err != nil {
		u.feedback(s.banner, toneError, "", u.Err(err), "")
		return
	}
	s.applied = true
	s.paintButtons()
	t, detail := toneOK, ""
	if left := len(s.report.Misplaced) - n; left > 0 {
		t, detail = toneWarn, u.p.N("inv.applied_left", left)
	}
	u.feedback(s.banner, t, "", u.p.N("inv.applied", n), detail)
}
