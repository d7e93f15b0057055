package ui

import (
	"encoding/json"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"smartpoint/app/counter"
	"smartpoint/app/printing"
	"smartpoint/app/scan"
	"smartpoint/device/escpos"
	"smartpoint/device/receipt"
	"smartpoint/ui/slips"
)

// Document kinds: what a print job is (the queue shows it; the wiring
// picks the printer by it).
const (
	DocReceipt     = "receipt"
	DocAcceptAct   = "accept_act"
	DocReturnSlip  = "return_slip"
	DocShiftReport = "shift_report"
	DocCellLabel   = "cell_label"
	DocBoxLabel    = "box_label"
	DocTest        = "test"
)

// Target is a printer a document goes to.
type Target struct {
	ID      string
	Name    string
	Profile escpos.Profile // receipt printers: the layout width and code page
	Label   bool           // a label printer (TSPL/ZPL): labels only
}

// Printers is the printing side of the devices, wired by cmd; nil means
// none is set up (documents are still shown on screen).
type Printers interface {
	// Target is the printer for a kind of document; ok false when none.
	Target(kind string) (Target, bool)
	// CellLabel renders a cell label for a label printer.
	CellLabel(t Target, cell, code string) ([]byte, error)
	// BoxLabel renders a return box's label for a label printer.
	BoxLabel(t Target, box BoxLabel) ([]byte, error)
}

// BoxLabel is what a return box's label shows.
type BoxLabel struct {
	Code    string // RBOX-000002: big and as the barcode
	Partner string
	Parcels int
	Caption string // the word before the count, in the point's language
	Date    time.Time
}

// slipContext is what every slip prints besides its content.
func (u *UI) slipContext() slips.Context {
	c := slips.Context{P: u.p, Point: u.point, Loc: u.svc.Location(), At: u.svc.Now()}
	if u.sess != nil {
		c.Clerk = u.sess.Name()
	}
	return c
}

// canPrint reports whether a document of kind has a printer.
func (u *UI) canPrint(kind string) bool {
	if u.d.Printers == nil || u.d.Queue == nil {
		return false
	}
	_, ok := u.d.Printers.Target(kind)
	return ok
}

// printDoc queues a slip for its printer and says so in b: the counter
// goes on at once, the queue prints when the printer can.
func (u *UI) printDoc(kind, title string, doc receipt.Doc, b *banner) {
	if t, ok := u.target(kind); ok {
		u.printTo(t, kind, title, doc, b)
	}
}

// printTo queues a slip for printer t.
func (u *UI) printTo(t Target, kind, title string, doc receipt.Doc, b *banner) {
	if t.Label {
		u.alert(toneWarn, u.T("print.not_label_title"), u.T("print.not_label", "Printer", t.Name))
		return
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		u.showErr(fmt.Errorf("print %s: %w", kind, err))
		return
	}
	u.enqueue(printing.Job{Printer: t.ID, Kind: kind, Title: title, Data: receipt.Render(doc, t.Profile), Doc: raw}, t, b)
}

// printCellLabel prints a cell's label: on the label printer when there
// is one, else on receipt paper.
func (u *UI) printCellLabel(cell string, b *banner) {
	t, ok := u.target(DocCellLabel)
	if !ok {
		return
	}
	title := u.T("print.cell_label", "Cell", cell)
	if !t.Label {
		doc := slips.CellLabel(u.slipContext(), counter.Cell{Label: cell})
		raw, _ := json.Marshal(doc)
		u.enqueue(printing.Job{Printer: t.ID, Kind: DocCellLabel, Title: title, Data: receipt.Render(doc, t.Profile), Doc: raw}, t, b)
		return
	}
	data, err := u.d.Printers.CellLabel(t, cell, scan.CellCode(cell))
	if err != nil {
		u.showErr(err)
		return
	}
	u.enqueue(printing.Job{Printer: t.ID, Kind: DocCellLabel, Title: title, Data: data}, t, b)
}

// printBoxLabel prints a return box's label: on the label printer when
// there is one, else on receipt paper.
func (u *UI) printBoxLabel(box BoxLabel, b *banner) {
	t, ok := u.target(DocBoxLabel)
	if !ok {
		return
	}
	title := u.T("print.box_label", "Box", box.Code)
	if !t.Label {
		doc := slips.BoxLabel(u.slipContext(), box.Code, box.Partner, box.Parcels)
		raw, _ := json.Marshal(doc)
		u.enqueue(printing.Job{Printer: t.ID, Kind: DocBoxLabel, Title: title, Data: receipt.Render(doc, t.Profile), Doc: raw}, t, b)
		return
	}
	data, err := u.d.Printers.BoxLabel(t, box)
	if err != nil {
		u.showErr(err)
		return
	}
	u.enqueue(printing.Job{Printer: t.ID, Kind: DocBoxLabel, Title: title, Data: data}, t, b)
}

func (u *UI) target(kind string) (Target, bool) {
	if !u.canPrint(kind) {
		u.alert(toneWarn, u.T("print.no_printer_title"), u.T("print.no_printer"))
		return Target{}, false
	}
	return u.d.Printers.Target(kind)
}

func (u *UI) enqueue(j printing.Job, t Target, b *banner) {
	if u.sess != nil {
		j.Clerk = u.sess.Name()
	}
	if _, err := u.d.Queue.Enqueue(u.ctx, j); err != nil {
		u.showErr(err)
		return
	}
	if b != nil {
		b.note(u.T("print.queued", "Title", j.Title, "Printer", t.Name))
	}
}

// printActions is the F9 "Print" choice for a document dialog, when a
// printer is set up for that kind of document; none otherwise.
func (u *UI) printActions(kind, title string, doc func() receipt.Doc, b *banner) []*action {
	if !u.canPrint(kind) {
		return nil
	}
	return []*action{{Label: u.T("print.do"), Key: fyne.KeyF9, Run: func() { u.printDoc(kind, title, doc(), b) }}}
}
