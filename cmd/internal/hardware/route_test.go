package hardware

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/device/escpos"
	"smartpoint/device/printer"
	"smartpoint/ui"
)

func printerSetup(id, name, preset, role string, dir string) ui.PrinterSetup {
	return ui.PrinterSetup{ID: id, Name: name, Preset: preset, Role: role, Transport: "file", Address: dir + "/" + id + ".prn"}
}

// Cell labels go to the label printer, everything else to the receipt
// printer; without a label printer cell labels go on receipt paper;
// without printers nothing is offered.
func TestTargetRouting(t *testing.T) {
	e := newEnv(t, nil)
	dir := t.TempDir()
	if _, ok := e.hub.Target(ui.DocReceipt); ok {
		t.Fatal("a receipt target with no printers")
	}
	if _, ok := e.hub.Target(ui.DocCellLabel); ok {
		t.Fatal("a cell label target with no printers")
	}

	e.apply(ui.HardwareSetup{Printers: []ui.PrinterSetup{
		printerSetup("label-1", "Этикетки", "xprinter-xp-365b", ui.RoleLabel, dir),
		printerSetup("receipt-1", "Чеки", "epson-tm-t20", ui.RoleReceipt, dir),
		printerSetup("receipt-2", "Чеки 2", "xprinter-xp-58", ui.RoleReceipt, dir),
	}})
	epson, _ := printer.PresetByID("epson-tm-t20")
	for _, kind := range []string{ui.DocReceipt, ui.DocAcceptAct, ui.DocReturnSlip, ui.DocShiftReport} {
		got, ok := e.hub.Target(kind)
		if want := (ui.Target{ID: "receipt-1", Name: "Чеки", Profile: epson.Receipt}); !ok || got != want {
			t.Errorf("Target(%s) = %+v, %v; want %+v", kind, got, ok, want)
		}
	}
	if got, ok := e.hub.Target(ui.DocCellLabel); !ok || got != (ui.Target{ID: "label-1", Name: "Этикетки", Label: true}) {
		t.Errorf("Target(cell label) = %+v, %v; want the label printer", got, ok)
	}
	if got, ok := e.hub.TargetByID("receipt-2"); !ok || got.Name != "Чеки 2" || got.Profile.Columns != 32 {
		t.Errorf("TargetByID(receipt-2) = %+v, %v", got, ok)
	}
	if _, ok := e.hub.TargetByID("nope"); ok {
		t.Error("TargetByID of an unknown id")
	}

	e.apply(ui.HardwareSetup{Printers: []ui.PrinterSetup{printerSetup("receipt-1", "Чеки", "epson-tm-t20", ui.RoleReceipt, dir)}})
	if got, ok := e.hub.Target(ui.DocCellLabel); !ok || got.ID != "receipt-1" || got.Label {
		t.Errorf("Target(cell label) with only a receipt printer = %+v, %v; want the receipt printer", got, ok)
	}
}

// A TSPL label printer's cell label carries the cell's name, printed big,
// and its code as the barcode.
func TestCellLabelForTSPLPrinter(t *testing.T) {
	e := newEnv(t, nil)
	e.apply(ui.HardwareSetup{Printers: []ui.PrinterSetup{printerSetup("label-1", "Этикетки", "xprinter-xp-365b", ui.RoleLabel, t.TempDir())}})
	tg, ok := e.hub.Target(ui.DocCellLabel)
	if !ok {
		t.Fatal("no label printer")
	}
	b, err := e.hub.CellLabel(tg, "A-1-07", "CELL-A-1-07")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.HasPrefix(s, "SIZE 58 mm,40 mm") || !strings.Contains(s, `"A-1-07"`) || !strings.Contains(s, "CELL-A-1-07") ||
		!strings.Contains(s, "PRINT") {
		t.Fatalf("cell label is not a TSPL label of A-1-07:\n%s", s)
	}
	if _, err := e.hub.CellLabel(ui.Target{ID: "receipt-9"}, "A-1-07", "CELL-A-1-07"); err == nil {
		t.Error("a cell label for a printer not in the set-up")
	}
	// A return box's label goes to the same printer.
	if bt, ok := e.hub.Target(ui.DocBoxLabel); !ok || bt.ID != "label-1" {
		t.Fatalf("box labels go to %+v", bt)
	}
	b, err = e.hub.BoxLabel(tg, ui.BoxLabel{Code: "RBOX-000002", Partner: "Озон", Parcels: 12, Caption: "Parcels"})
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); !strings.Contains(s, "RBOX-000002") || !strings.Contains(s, "Ozon") || !strings.Contains(s, "12") {
		t.Fatalf("box label:\n%s", s)
	}
}

// Printers that give no status (files, label printers) show unknown, not
// an alarm; the job goes through.
func TestOneWayPrinterPrintsAndIsUnknown(t *testing.T) {
	e := newEnv(t, nil)
	dir := t.TempDir()
	e.apply(ui.HardwareSetup{Printers: []ui.PrinterSetup{printerSetup("receipt-1", "Чеки", "generic-pos-58", ui.RoleReceipt, dir)}})
	e.waitState("Чеки", ui.DeviceUnknown, 0)
	data := escpos.StatusQuery(1) // any bytes: a file takes them all
	if err := e.hub.Send(e.ctx, "receipt-1", data); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(dir + "/receipt-1.prn"); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("file printer holds % x, %v; want % x", got, err, data)
	}
	e.waitState("Чеки", ui.DeviceUnknown, 0)
}

// The installer's code page (chosen after the test page printed
// gibberish) is what the printer's documents are laid out in; a page the
// family does not have is refused.
func TestCodePageOverride(t *testing.T) {
	e := newEnv(t, nil)
	ps := printerSetup("receipt-1", "Чеки", "xprinter-xp-80", ui.RoleReceipt, t.TempDir())
	ps.CodePage = "wpc1251"
	e.apply(ui.HardwareSetup{Printers: []ui.PrinterSetup{ps}})
	if tg, ok := e.hub.Target(ui.DocReceipt); !ok || tg.Profile.CodePage != escpos.WPC1251 {
		t.Fatalf("target %+v: want the WPC1251 page", tg)
	}
	if got := e.hub.Setup().Printers[0].CodePage; got != "wpc1251" {
		t.Fatalf("setup shows code page %q", got)
	}
	ps.CodePage = "cp437"
	if err := e.hub.Apply(e.ctx, e.owner, ui.HardwareSetup{Printers: []ui.PrinterSetup{ps}}); !errs.Has(err, counter.ErrInvalid) {
		t.Fatalf("unknown code page: %v", err)
	}
}
