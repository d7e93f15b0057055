package ui

import (
	"encoding/json"
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/printing"
	"smartpoint/device/receipt"
)

// keyPrintQueue opens the print queue from any screen (Ctrl+P).
const keyPrintQueue = fyne.KeyP

// printQueueView is the print queue dialog: what waits and why, the
// recent documents for a reprint.
type printQueueView struct {
	u    *UI
	jobs []printing.Job
	sel  int
	list *widget.List
	info *widget.Label
	m    *modal // the dialog showing the queue
}

// showPrintQueue lists waiting and recent jobs: F1 preview, F2 reprint,
// F3 cancel, F4 retry now; ↑/↓ choose.
func (u *UI) showPrintQueue() {
	if u.d.Queue == nil {
		u.alert(toneWarn, u.T("print.no_printer_title"), u.T("print.no_printer"))
		return
	}
	v := &printQueueView{u: u, info: widget.NewLabel("")}
	v.info.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.jobs) },
		func() fyne.CanvasObject { return oneLineLabel() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(v.jobs) {
				l := o.(*widget.Label)
				l.Importance = v.importance(v.jobs[id])
				l.SetText(v.line(v.jobs[id]))
			}
		})
	v.list.OnSelected = func(id widget.ListItemID) { v.sel = id }
	v.load()
	size := canvas.NewRectangle(color.Transparent)
	size.SetMinSize(fyne.NewSize(900, 380))
	body := container.NewBorder(v.info, nil, nil, nil, container.NewStack(size, v.list))
	acts := []*action{
		{Label: u.T("print.preview"), Key: fyne.KeyF1, Run: v.preview},
		{Label: u.T("print.reprint"), Key: fyne.KeyF2, Run: v.reprint, Stay: true},
		{Label: u.T("print.cancel"), Key: fyne.KeyF3, Run: v.cancel, Stay: true},
		{Label: u.T("print.retry"), Key: fyne.KeyF4, Run: v.retry, Stay: true},
	}
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("print.queue_title"), Body: body,
		Primary: &action{Label: u.T("common.close")}, Others: acts, Arrows: v.move})
	v.m, u.queueView = u.modal, v
	// Jobs change state while the dialog is open (the printer came
	// back): the device report that follows each change refreshes it.
	u.onQueue = func() {
		if u.modal == v.m {
			v.load()
		}
	}
}

// move selects the job above or below.
func (v *printQueueView) move(d int) {
	if len(v.jobs) == 0 {
		return
	}
	v.sel = min(max(v.sel+d, 0), len(v.jobs)-1)
	v.list.Select(v.sel)
	v.list.ScrollTo(v.sel)
}

func (v *printQueueView) load() {
	u := v.u
	waiting, err := u.d.Queue.Waiting(u.ctx)
	if err == nil {
		var recent []printing.Job
		if recent, err = u.d.Queue.Recent(u.ctx, 30); err == nil {
			for _, j := range recent {
				if j.State == printing.StateDone || j.State == printing.StateCancelled {
					waiting = append(waiting, j)
				}
			}
		}
	}
	if err != nil {
		v.info.SetText(u.Err(err))
		return
	}
	v.jobs = waiting
	v.sel = min(v.sel, len(v.jobs)-1)
	n := 0
	for _, j := range v.jobs {
		if j.State == printing.StateQueued || j.State == printing.StatePrinting {
			n++
		}
	}
	v.info.SetText(u.p.N("print.waiting_n", n) + " " + u.T("print.queue_keys"))
	v.list.Refresh()
	if v.sel >= 0 {
		v.list.Select(v.sel)
	}
}

func (v *printQueueView) line(j printing.Job) string {
	u := v.u
	s := j.CreatedAt.In(u.svc.Location()).Format("02.01 15:04") + "  " + j.Title + " — " + u.T("print.state."+string(j.State))
	if j.ReprintOf != 0 {
		s += " · " + u.T("print.copy")
	}
	if j.LastError != "" && j.State != printing.StateDone {
		s += " · " + j.LastError
	}
	return s
}

func (v *printQueueView) importance(j printing.Job) widget.Importance {
	switch {
	case j.State == printing.StateQueued && j.LastError != "":
		return widget.WarningImportance
	case j.State == printing.StateCancelled:
		return widget.LowImportance
	}
	return widget.MediumImportance
}

func (v *printQueueView) current() (printing.Job, bool) {
	if v.sel < 0 || v.sel >= len(v.jobs) {
		return printing.Job{}, false
	}
	return v.jobs[v.sel], true
}

func (v *printQueueView) reprint() {
	if j, ok := v.current(); ok {
		if _, err := v.u.d.Queue.Reprint(v.u.ctx, j.ID, v.u.sess.Name()); err != nil {
			v.info.SetText(v.u.Err(err))
			return
		}
		v.sel = 0
		v.load()
	}
}

func (v *printQueueView) cancel() {
	if j, ok := v.current(); ok {
		if err := v.u.d.Queue.Cancel(v.u.ctx, j.ID); err != nil {
			v.info.SetText(v.u.Err(err))
			return
		}
		v.load()
	}
}

func (v *printQueueView) retry() {
	if j, ok := v.current(); ok {
		v.u.d.Queue.RetryNow(j.Printer)
		v.load()
	}
}

// preview shows the job as it prints: the same layout, on screen.
func (v *printQueueView) preview() {
	u := v.u
	j, ok := v.current()
	if !ok {
		return
	}
	full, err := u.d.Queue.Job(u.ctx, j.ID)
	var doc receipt.Doc
	if err == nil && len(full.Doc) > 0 {
		err = json.Unmarshal(full.Doc, &doc)
	}
	if err != nil || len(full.Doc) == 0 {
		v.info.SetText(u.T("print.no_preview"))
		return
	}
	t, _ := u.d.Printers.Target(j.Kind)
	u.showPreview(j.Title, doc, t)
}

// showPreview draws a document as the printer lays it out.
func (u *UI) showPreview(title string, doc receipt.Doc, t Target) {
	size := canvas.NewRectangle(color.Transparent)
	size.SetMinSize(fyne.NewSize(float32(t.Profile.TextColumns())*previewTextSize*0.62+60, 440))
	paper := u.paperView(doc, t.Profile)
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("print.preview_title", "Title", title, "Printer", t.Name),
		Body: container.NewStack(size, container.NewVScroll(paper)), Primary: &action{Label: u.T("common.close")}})
}
