package slips

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/device/escpos"
	"smartpoint/device/escpos/escpostest"
	"smartpoint/device/receipt"
)

var (
	pos58 = escpos.Profile{Family: escpos.FamilyClone, Columns: 32, Dots: 384, CodePage: escpos.CP866, QR: escpos.QRRaster}
	tm80  = escpos.Profile{Family: escpos.FamilyEpson, Columns: 48, Dots: 576, CodePage: escpos.WPC1251, QR: escpos.QRNative, Cutter: true}
	at    = time.Date(2026, 11, 22, 14, 5, 0, 0, time.UTC)
)

func ctx() Context {
	return Context{P: i18n.Printer{L: i18n.RU}, At: at, Clerk: "Айгуль",
		Point: counter.Point{Name: "ПВЗ «Ала-Тоо»", Address: "Бишкек, ул. Киевская 77", Phone: "+996 555 000 111", Currency: "KGS"}}
}

// printed renders doc for p, decodes the bytes back as the printer would
// read them and returns the lines.
func printed(t *testing.T, doc receipt.Doc, p escpos.Profile) []escpos.Line {
	t.Helper()
	ops, err := escpos.Decode(receipt.Render(doc, p), p)
	if err != nil {
		t.Fatalf("the printer could not read the job: %v", err)
	}
	lines := escpos.Replay(ops)
	for _, l := range lines {
		if l.Kind == escpos.LineText && utf8.RuneCountInString(l.Text)*max(1, l.Style.Width) > p.TextColumns() {
			t.Errorf("line wider than the paper (%d): %q", p.TextColumns(), l.Text)
		}
	}
	return lines
}

func text(lines []escpos.Line, p escpos.Profile) string {
	return escpos.PlainText(lines, p.TextColumns())
}

func cuts(lines []escpos.Line) int {
	n := 0
	for _, l := range lines {
		if l.Kind == escpos.LineCut {
			n++
		}
	}
	return n
}

func TestIssueReceiptShowsWhatWasIssuedRefusedAndPaid(t *testing.T) {
	r := counter.HandoverResult{Number: "H-2026-000042", Due: 150000, Paid: 150000, PayMethod: counter.PayCash,
		Issued:  []counter.Parcel{{Track: "RA000000178KG", Partner: "kgpost", CODAmount: 150000}},
		Refused: []counter.Parcel{{Track: "II0853083540", Partner: "ozon", ReturnReason: "refused:damaged"}}}
	for _, p := range []escpos.Profile{pos58, tm80} {
		lines := printed(t, IssueReceipt(ctx(), r), p)
		out := text(lines, p)
		for _, want := range []string{"ПВЗ", "Выдача № H-2026-000042", "RA000000178KG", "1500.00 KGS",
			"II0853083540", "Повреждена", "Оплачено (наличные)", "Айгуль", "22.11.2026 14:05"} {
			if !strings.Contains(out, want) {
				t.Errorf("%d columns: receipt lacks %q:\n%s", p.TextColumns(), want, out)
			}
		}
		if strings.Contains(out, "?") {
			t.Errorf("a character the page lacks printed as '?':\n%s", out)
		}
		if want := map[bool]int{true: 1, false: 0}[p.Cutter]; cuts(lines) != want {
			t.Errorf("%d cuts, want %d (cutter: %v)", cuts(lines), want, p.Cutter)
		}
	}
}

func TestShiftReportSlipHasTheScreensRows(t *testing.T) {
	r := counter.Report{Kind: counter.ReportShift, ShiftID: 7, Clerk: "Айгуль", From: at.Add(-8 * time.Hour), To: at,
		Accepted: 120, Unexpected: 3, Issued: 95, CashCollected: 1234500, OnHand: 410}
	out := text(printed(t, ShiftReport(ctx(), r), pos58), pos58)
	for _, row := range r.Rows("KGS") {
		if !strings.Contains(out, row.Value) {
			t.Errorf("slip lacks %s = %s:\n%s", row.Key, row.Value, out)
		}
	}
	if !strings.Contains(out, "Отчёт за смену № 7") || !strings.Contains(out, "12345.00 KGS") {
		t.Errorf("slip:\n%s", out)
	}
}

func TestActsCarrySignaturesAndBarcodes(t *testing.T) {
	dis := counter.Discrepancies{Delivery: counter.Delivery{ID: 12, Courier: "Нурлан", ManifestID: 3, Expected: 3, Scanned: 2},
		Missing: []counter.Parcel{{Track: "LP00012688505004"}}}
	out := text(printed(t, AcceptAct(ctx(), dis, "AliExpress", "M-77"), tm80), tm80)
	for _, want := range []string{"Акт приёмки № 12", "Нурлан", "M-77", "LP00012688505004", "Курьер: ____"} {
		if !strings.Contains(out, want) {
			t.Errorf("acceptance act lacks %q:\n%s", want, out)
		}
	}
	act := counter.ReturnAct{Number: "R-2026-000003", Courier: "Бакыт", Boxes: []string{"000002"},
		Parcels: []counter.Parcel{{Track: "II9870631887"}, {Track: "II0853083540"}}}
	lines := printed(t, ReturnSlip(ctx(), act, "Ozon"), pos58)
	var barcodes []string
	for _, l := range lines {
		if l.Kind == escpos.LineBarcode && l.Barcode != nil {
			barcodes = append(barcodes, l.Barcode.Data)
		}
	}
	if len(barcodes) != 1 || barcodes[0] != "RBOX-000002" {
		t.Fatalf("return slip barcodes %q, want the box label", barcodes)
	}
	if out := text(lines, pos58); !strings.Contains(out, "2. II0853083540") {
		t.Errorf("return slip:\n%s", out)
	}
}

func TestCellLabelOnReceiptPaper(t *testing.T) {
	lines := printed(t, CellLabel(ctx(), counter.Cell{Label: "A-1-07"}), pos58)
	var big, code string
	for _, l := range lines {
		if l.Kind == escpos.LineText && l.Style.Width >= 3 {
			big = strings.TrimSpace(l.Text)
		}
		if l.Kind == escpos.LineBarcode && l.Barcode != nil {
			code = l.Barcode.Data
		}
	}
	if big != "A-1-07" || code != "CELL-A-1-07" {
		t.Fatalf("label: big %q, barcode %q", big, code)
	}
}

// The test page's table comes back byte for byte: bytes 0xA0–0xAF of
// CP866 are а…п, and the raster QR on a 58 mm clone decodes.
func TestTestPageTableAndQR(t *testing.T) {
	lines := printed(t, TestPage(ctx(), "POS-58", pos58), pos58)
	out := text(lines, pos58)
	for _, want := range []string{"Ax абвгдежзийклмноп", "Ру: Съешь же ещё", "Кы: Ондолгон уй", "руб."} {
		if !strings.Contains(out, want) {
			t.Errorf("test page lacks %q:\n%s", want, out)
		}
	}
	qrs := escpostest.QRTexts(lines)
	if len(qrs) != 1 || qrs[0] != "SmartPoint test 22.11.2026 14:05" {
		t.Fatalf("QR codes read back: %q", qrs)
	}
	if rows := pageTable(escpos.WPC1251); !strings.HasPrefix(rows[4], "Cx АБВГД") {
		t.Fatalf("1251 table row C: %q", rows[4])
	}
}

// Cash taken opens the drawer wired to the printer; a card payment does not.
func TestCashOpensTheDrawer(t *testing.T) {
	withDrawer := tm80
	withDrawer.Drawer = true
	r := counter.HandoverResult{Number: "H-1", Due: 100, Paid: 100, PayMethod: counter.PayCash,
		Issued: []counter.Parcel{{Track: "RA000000178KG", CODAmount: 100}}}
	kicks := func(r counter.HandoverResult, p escpos.Profile) (n int) {
		for _, l := range printed(t, IssueReceipt(ctx(), r), p) {
			if l.Kind == escpos.LineDrawer {
				n++
			}
		}
		return n
	}
	if n := kicks(r, withDrawer); n != 1 {
		t.Fatalf("cash: %d drawer kicks, want 1", n)
	}
	if n := kicks(r, tm80); n != 0 {
		t.Fatalf("no drawer wired: %d kicks", n)
	}
	r.PayMethod = counter.PayCard
	if n := kicks(r, withDrawer); n != 0 {
		t.Fatalf("card: %d kicks", n)
	}
}
