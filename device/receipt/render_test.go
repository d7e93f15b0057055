package receipt_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"smartpoint/device/escpos"
	"smartpoint/device/escpos/escpostest"
	"smartpoint/device/receipt"
)

var update = flag.Bool("update", false, "rewrite the golden byte streams in testdata/")

func TestRenderGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		p      escpos.Profile
	}{
		{"epson58_cp866.bin", epson58},
		{"clone80_wpc1251.bin", clone80},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			job := receipt.Render(typical(), tt.p)
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, job, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(job, want) {
				at := 0
				for at < min(len(job), len(want)) && job[at] == want[at] {
					at++
				}
				t.Errorf("job differs from %s at byte %d (%d bytes, golden %d); if the change is intended, run go test -update\n%s",
					path, at, len(job), len(want), receipt.PlainText(typical(), tt.p))
			}
			checkPrinted(t, want, tt.p)
		})
	}
}

// checkPrinted decodes a golden job and checks what the customer gets.
func checkPrinted(t *testing.T, job []byte, p escpos.Profile) {
	t.Helper()
	lines := printed(t, job, p)
	got := texts(lines)
	for _, want := range []string{
		"SmartPoint",
		"Пункт выдачи заказов №17",
		"г. Бишкек, ул. Кочо, 77", // Kyrgyz ө is not in the table
	} {
		if !slices.Contains(got, want) {
			t.Errorf("no line %q in\n%s", want, strings.Join(got, "\n"))
		}
	}
	var total, recipient, cod string
	for _, l := range got {
		switch {
		case strings.HasPrefix(l, "ИТОГО"):
			total = l
		case strings.HasPrefix(l, "Получатель"):
			recipient = l
		case strings.HasPrefix(l, "Наложенный платёж"):
			cod = l
		}
		if strings.ContainsAny(l, "₽?") {
			t.Errorf("line %q has a ₽ or a lost character", l)
		}
	}
	if !strings.HasSuffix(total, " 4 490,00 руб.") {
		t.Errorf("total line = %q, want the rouble as руб.", total)
	}
	if !strings.HasSuffix(recipient, " Иванова Айгул") {
		t.Errorf("recipient line = %q", recipient)
	}
	if !strings.HasPrefix(cod, "Наложенный платёж .") || !strings.HasSuffix(cod, " 1 500,00 сом") {
		t.Errorf("cash on delivery line = %q, want a dot leader and the sum", cod)
	}

	for _, l := range lines {
		if l.Kind == escpos.LineText {
			if w, max := escpos.RuneWidth(l.Text), p.TextColumns()/l.Style.Normal().Width; w > max {
				t.Errorf("line %q is %d characters at width %d: only %d fit", l.Text, w, l.Style.Width, max)
			}
		}
	}

	if qrs := escpostest.QRTexts(lines); len(qrs) != 1 || qrs[0] != payload {
		t.Errorf("QR codes read %q, want [%q]", qrs, payload)
	}
	wantQR := escpos.LineQR
	if p.QR == escpos.QRRaster {
		wantQR = escpos.LineImage
	}
	kinds := map[escpos.LineKind]int{}
	for _, l := range lines {
		kinds[l.Kind]++
		if l.Kind == escpos.LineBarcode && (l.Barcode.Data != track || l.Barcode.Symbology != escpos.Code128) {
			t.Errorf("barcode = %+v, want CODE128 %s", l.Barcode, track)
		}
	}
	if kinds[escpos.LineBarcode] != 1 || kinds[wantQR] < 1 {
		t.Errorf("printed %v, want one barcode and the QR as %s", kinds, wantQR)
	}
	if kinds[escpos.LineCut] != 1 || lines[len(lines)-1].Kind != escpos.LineCut {
		t.Errorf("want exactly one cut, at the end: %v, last %s", kinds, lines[len(lines)-1].Kind)
	}
	if kinds[escpos.LineDrawer] != btoi(p.Drawer) {
		t.Errorf("drawer kicks = %d, profile has drawer %v", kinds[escpos.LineDrawer], p.Drawer)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The preview and the print are the same lines: what the clerk sees is
// what the decoded job prints, line by line.
func TestLinesMatchPrint(t *testing.T) {
	for _, p := range []escpos.Profile{epson58, clone80, clone58, serbian58} {
		preview := receipt.Lines(typical(), p)
		paper := printed(t, receipt.Render(typical(), p), p)
		var want []escpos.Line
		for _, l := range preview {
			if l.Kind == escpos.LineCut && l.Tear {
				continue // no cutter: nothing is sent, the clerk tears
			}
			want = append(want, l)
		}
		if len(want) != len(paper) {
			t.Errorf("%s %s: preview has %d lines, paper %d\npreview:\n%s\npaper:\n%s", p.Family, p.CodePage, len(want), len(paper),
				escpos.PlainText(want, p.TextColumns()), escpos.PlainText(paper, p.TextColumns()))
			continue
		}
		for i, w := range want {
			if msg := sameLine(w, paper[i]); msg != "" {
				t.Errorf("%s %s line %d: %s", p.Family, p.CodePage, i, msg)
			}
		}
	}
}

func sameLine(preview, paper escpos.Line) string {
	switch preview.Kind {
	case escpos.LineText:
		if paper.Kind != escpos.LineText || paper.Text != preview.Text {
			return "preview " + preview.Text + " | paper " + paper.Text
		}
		if preview.Text != "" && preview.Style.Normal() != paper.Style.Normal() {
			return "style differs for " + preview.Text
		}
	case escpos.LineQR:
		if preview.Image != nil { // printed as an image: the dots must scan to the data
			if paper.Kind != escpos.LineImage {
				return "raster QR printed as " + string(paper.Kind)
			}
			if s, err := escpostest.DecodeQR(paper.Image); err != nil || s != preview.QR.Data {
				return "raster QR reads " + s
			}
			if paper.Image.BlackDots() != preview.Image.BlackDots() {
				return "raster QR dots differ from the preview"
			}
			return ""
		}
		if paper.Kind != escpos.LineQR || *paper.QR != *preview.QR {
			return "QR differs"
		}
	case escpos.LineBarcode:
		if paper.Kind != escpos.LineBarcode || *paper.Barcode != *preview.Barcode {
			return "barcode differs"
		}
	case escpos.LineImage:
		if paper.Kind != escpos.LineImage || paper.Image.Height != preview.Image.Height || paper.Image.BlackDots() != preview.Image.BlackDots() {
			return "image differs"
		}
	default:
		if paper.Kind != preview.Kind || paper.Partial != preview.Partial || paper.Pin != preview.Pin {
			return "preview " + string(preview.Kind) + " | paper " + string(paper.Kind)
		}
	}
	return ""
}
