package ui

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"smartpoint/app/counter"
	"smartpoint/app/printing"
	"smartpoint/device/escpos"
)

// paperFake stands in for the printer the wiring (cmd) sends jobs to: the
// transports themselves are tested in device/printer and cmd's hub.
type paperFake struct{ jobs chan []byte }

func (p *paperFake) Send(_ context.Context, _ string, data []byte) error {
	p.jobs <- data
	return nil
}

type printersFake struct{ t Target }

func (p printersFake) Target(string) (Target, bool) { return p.t, true }
func (p printersFake) CellLabel(_ Target, cell, code string) ([]byte, error) {
	return []byte("LABEL " + cell + " " + code), nil
}

var pos58 = escpos.Profile{Family: escpos.FamilyClone, Columns: 32, Dots: 384, CodePage: escpos.CP866, QR: escpos.QRRaster}

// withPrinter gives the window a 58 mm receipt printer behind a real
// print queue; the env's paper channel receives what prints.
func withPrinter(paper *paperFake) func(*env) {
	return func(e *env) {
		q := printing.New(e.db, paper, printing.Options{Log: slog.New(slog.DiscardHandler)})
		ctx, cancel := context.WithCancel(context.Background())
		if err := q.Start(ctx); err != nil {
			e.t.Fatal(err)
		}
		e.t.Cleanup(func() { cancel(); q.Wait() })
		e.deps.Queue = q
		e.deps.Printers = printersFake{Target{ID: "receipt", Name: "POS-58", Profile: pos58}}
	}
}

// printedText waits for the next job and returns it as the printer reads it.
func printedText(t *testing.T, paper *paperFake) string {
	t.Helper()
	select {
	case data := <-paper.jobs:
		ops, err := escpos.Decode(data, pos58)
		if err != nil {
			t.Fatalf("the printer cannot read the job: %v", err)
		}
		return escpos.PlainText(escpos.Replay(ops), 32)
	case <-time.After(10 * time.Second):
		t.Fatal("nothing printed")
		return ""
	}
}

func setReceipt(t *testing.T, e *env, mode string) {
	v := e.u.settings
	v.ReceiptPrint = mode
	sess, err := e.svc.Login(e.ctx, "Айгуль", ownerPIN)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SaveSettings(e.ctx, sess, v); err != nil {
		t.Fatal(err)
	}
	e.u.settings = v
}

// "Ask": the result says F9 prints the receipt, and F9 does.
func TestIssueReceiptOnF9(t *testing.T) {
	paper := &paperFake{jobs: make(chan []byte, 8)}
	e := loggedIn(t, withPrinter(paper))
	tr := e.stockParcels(10, 0)
	e.scan("12345678*4321")
	e.scan(tr[0])
	e.press(keyIssue)
	is := e.screen("issue").(*issueScreen)
	e.bannerSays(is.banner, "F9 — напечатать чек")
	e.press(keyIssue)
	out := printedText(t, paper)
	for _, want := range []string{"ПВЗ Ала-Тоо", tr[0], "Выдана 1 посылка", "Айгуль"} {
		if !strings.Contains(out, want) {
			t.Errorf("receipt lacks %q:\n%s", want, out)
		}
	}
	e.bannerSays(is.banner, "отправлен на POS-58")
}

// "Always": the receipt prints with the issue, no key.
func TestIssueReceiptAlways(t *testing.T) {
	_, _, track, out := issuedWithReceipt(t)
	if !strings.Contains(out, track) {
		t.Fatalf("receipt:\n%s", out)
	}
}

// issuedWithReceipt is a point printing receipts always, after one parcel
// was issued: the env, its paper, the track and the printed receipt.
func issuedWithReceipt(t *testing.T) (*env, *paperFake, string, string) {
	t.Helper()
	paper := &paperFake{jobs: make(chan []byte, 8)}
	e := loggedIn(t, withPrinter(paper))
	setReceipt(t, e, counter.ReceiptAlways)
	tr := e.stockParcels(10, 0)
	e.scan("12345678*4321")
	e.scan(tr[0])
	e.press(keyIssue)
	return e, paper, tr[0], printedText(t, paper)
}

// Ctrl+P lists the printed receipt; F2 prints it again.
func TestPrintQueueReprint(t *testing.T) {
	e, paper, track, _ := issuedWithReceipt(t)
	tr := []string{track}
	e.u.shell.sink.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierControl})
	if e.u.modal == nil {
		t.Fatal("Ctrl+P did not open the print queue")
	}
	e.press(fyne.KeyDown) // one job only: stays on it
	e.press(fyne.KeyF2)
	if e.u.modal == nil {
		t.Fatal("reprinting closed the queue")
	}
	if out := printedText(t, paper); !strings.Contains(out, tr[0]) {
		t.Fatalf("reprint:\n%s", out)
	}
	jobs, err := e.u.d.Queue.Recent(e.ctx, 5)
	if err != nil || len(jobs) != 2 || jobs[0].ReprintOf != jobs[1].ID {
		t.Fatalf("jobs %v %+v", err, jobs)
	}
	// ↓ moves to the original (the copy is listed first); F2 prints it again.
	e.press(fyne.KeyDown)
	e.press(fyne.KeyF2)
	printedText(t, paper)
	if jobs, _ := e.u.d.Queue.Recent(e.ctx, 5); len(jobs) != 3 || jobs[0].ReprintOf != jobs[2].ID {
		t.Fatalf("after ↓ F2: %+v", jobs)
	}
}

// Without a printer nothing offers to print, and the act still shows.
func TestNoPrinterNoPrintAction(t *testing.T) {
	e := loggedIn(t)
	if acts := e.u.printActions(DocAcceptAct, "Акт", nil, nil); len(acts) != 0 {
		t.Fatalf("print actions without a printer: %+v", acts)
	}
}

// With cell labels on, each accepted parcel prints its cell's label; a
// duplicate scan does not print another.
func TestAcceptPrintsCellLabels(t *testing.T) {
	paper := &paperFake{jobs: make(chan []byte, 8)}
	e := loggedIn(t, withPrinter(paper))
	v := e.u.settings
	v.CellLabels = true
	e.u.settings = v
	e.importCSV(s10(500) + ";Жылдыз;0555 000 111;S;0;12345678*4321")
	e.press(fyne.KeyF2)
	e.scan(s10(500))
	cell := e.parcel(s10(500)).Cell
	out := printedText(t, paper)
	if !strings.Contains(out, cell) || !strings.Contains(out, "[code128 CELL-"+cell+"]") {
		t.Fatalf("label for %s:\n%s", cell, out)
	}
	e.scan(s10(500)) // duplicate
	if jobs, err := e.u.d.Queue.Recent(e.ctx, 10); err != nil || len(jobs) != 1 || jobs[0].Kind != DocCellLabel {
		t.Fatalf("jobs after a duplicate scan: %v %+v (want the one label)", err, jobs)
	}
}

func (p printersFake) BoxLabel(_ Target, b BoxLabel) ([]byte, error) {
	return []byte("BOX " + b.Code), nil
}

// A return box's label carries its number as a barcode and its count.
func TestReturnBoxLabelOnReceiptPaper(t *testing.T) {
	paper := &paperFake{jobs: make(chan []byte, 8)}
	e := loggedIn(t, withPrinter(paper))
	tr := overdueParcels(t, e, 10, 1)
	s := openReturns(t, e)
	test.Tap(s.expireB)
	s.setPartner(e.parcel(tr[0]).Partner)
	e.press(keyOpenBox)
	e.scan(tr[0])
	test.Tap(findButton(t, s.obj, "Этикетка короба"))
	out := printedText(t, paper)
	if !strings.Contains(out, "[code128 "+s.box.Label()+"]") || !strings.Contains(out, "1 посылка") {
		t.Fatalf("box label:\n%s", out)
	}
}

// The preview is the paper: the receipt's lines, the tear line in the
// clerk's language, never a device's English.
func TestPrintPreviewShowsThePaper(t *testing.T) {
	e, _, track, _ := issuedWithReceipt(t)
	tr := []string{track}
	e.u.showPrintQueue()
	e.press(fyne.KeyF1)
	if e.u.modal == nil {
		t.Fatal("F1 opened no preview")
	}
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			texts = append(texts, x.Text)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		}
	}
	walk(e.u.modal.pop.Content)
	all := strings.Join(texts, "\n")
	for _, want := range []string{tr[0], "Выдана 1 посылка", "- - - оторвать - - -"} {
		if !strings.Contains(all, want) {
			t.Errorf("preview lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "tear") {
		t.Errorf("English in the preview:\n%s", all)
	}
}

// The open queue follows the jobs: the device report the hub sends after
// every change refreshes it.
func TestPrintQueueRefreshesWhileOpen(t *testing.T) {
	e, paper, _, _ := issuedWithReceipt(t)
	e.u.showPrintQueue()
	v := e.u.queueView
	if len(v.jobs) != 1 {
		t.Fatalf("queue lists %d jobs, want the receipt", len(v.jobs))
	}
	if _, err := e.u.d.Queue.Enqueue(e.ctx, printing.Job{Printer: "receipt", Kind: DocTest, Title: "Тест", Data: []byte{0x1b, 0x40}}); err != nil {
		t.Fatal(err)
	}
	<-paper.jobs
	e.u.SetDevices(nil) // what the hub reports after the job
	if len(v.jobs) != 2 || v.jobs[0].Title != "Тест" && v.jobs[1].Title != "Тест" {
		t.Fatalf("open queue after a new job: %+v", v.jobs)
	}
}
