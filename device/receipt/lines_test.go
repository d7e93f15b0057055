package receipt_test

import (
	"encoding/json"
	"image"
	"slices"
	"strings"
	"testing"

	"smartpoint/device/escpos"
	"smartpoint/device/receipt"
)

// A Serbian point prints Serbian Latin on CP852 letter for letter, and
// Serbian Cyrillic on the same page reads as Latin.
func TestSerbianLatinOnCP852(t *testing.T) {
	d := receipt.New().
		Title("Pošta Šabac").
		Text("Pošiljka za: Đorđe Čolić").
		Pair("Plaćeno pouzećem", "1.500,00 din").
		Text("Ćevapdžinica „Žabalj” — hvala!").
		Text("Ђорђе Љубић, Чачак").
		Cut()
	for _, p := range []escpos.Profile{serbian58, {Family: escpos.FamilyClone, Columns: 48, Dots: 576, CodePage: escpos.WPC1250, Cutter: true}} {
		got := texts(printed(t, receipt.Render(*d, p), p))
		want := []string{"Pošta Šabac", "Pošiljka za: Đorđe Čolić", "Ćevapdžinica", "Đorđe Ljubić, Čačak"}
		for _, w := range want {
			if !slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, w) }) {
				t.Errorf("%s: no line %q in\n%s", p.CodePage, w, strings.Join(got, "\n"))
			}
		}
		if !slices.ContainsFunc(got, func(l string) bool {
			return strings.HasPrefix(l, "Plaćeno pouzećem") && strings.HasSuffix(l, " 1.500,00 din")
		}) {
			t.Errorf("%s: no payment line in\n%s", p.CodePage, strings.Join(got, "\n"))
		}
	}
	// CP852 has no curly quotes or em dash; 1250 has them
	got := strings.Join(texts(printed(t, receipt.Render(*d, serbian58), serbian58)), "\n")
	if !strings.Contains(got, `"Žabalj" - hvala!`) {
		t.Errorf("CP852 text = %q", got)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	doc := typical()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"png":"iVBOR`) || !strings.Contains(string(data), `"align":"center"`) {
		t.Errorf("JSON lacks the PNG logo or a readable align: %.300s", data)
	}
	var back receipt.Doc
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	for _, p := range []escpos.Profile{epson58, clone80} {
		if string(receipt.Render(back, p)) != string(receipt.Render(doc, p)) {
			t.Errorf("%s: a document read back from the queue prints differently", p.CodePage)
		}
	}
	// the preview lines themselves can be stored too (a raw job's preview)
	lines, err := json.Marshal(receipt.Lines(doc, clone80))
	if err != nil {
		t.Fatal(err)
	}
	var lback []receipt.PreviewLine
	if err := json.Unmarshal(lines, &lback); err != nil {
		t.Fatal(err)
	}
	if escpos.PlainText(lback, 48) != receipt.PlainText(doc, clone80) {
		t.Error("preview lines changed through JSON")
	}
}

func TestCutOnlyWhenAsked(t *testing.T) {
	d := receipt.New().Text("Копия для пункта")
	for _, l := range printed(t, receipt.Render(*d, epson58), epson58) {
		if l.Kind == escpos.LineCut {
			t.Error("a document without Cut was cut")
		}
	}
	// no cutter: the paper is fed for tearing, nothing is cut
	lines := printed(t, receipt.Render(*d.Cut(), clone58), clone58)
	blank := 0
	for _, l := range lines {
		if l.Kind == escpos.LineCut {
			t.Error("a printer without a cutter was sent a cut")
		}
		if l.Kind == escpos.LineText && l.Text == "" {
			blank++
		}
	}
	if blank != 4 {
		t.Errorf("fed %d lines to tear, want 4", blank)
	}
	preview := receipt.Lines(*d, clone58)
	if last := preview[len(preview)-1]; last.Kind != escpos.LineCut || !last.Tear {
		t.Errorf("preview ends with %+v, want a tear mark", last)
	}
}

func TestDrawerOnlyWhenWired(t *testing.T) {
	d := receipt.New().Drawer().Text("Оплата наличными")
	if job := receipt.Render(*d, epson58); !strings.Contains(string(job), "\x1bp\x00\x19\xfa") {
		t.Error("the drawer was not kicked on a printer with a drawer")
	}
	if job := receipt.Render(*d, clone80); strings.Contains(string(job), "\x1bp") {
		t.Error("a printer without a drawer was sent a kick")
	}
}

func TestBadBlocksDoNotStopThePrint(t *testing.T) {
	d := receipt.New().
		Add(receipt.Block{Image: &receipt.Image{PNG: []byte("not a png")}}).
		EAN13("123").                                 // not an EAN: prints as CODE128
		Code128("ПОСЫЛКА 7").                         // not ASCII: prints as text
		Add(receipt.Block{}).                         // empty block
		Feed(-3).                                     // nonsense feed
		Image(image.NewGray(image.Rect(0, 0, 0, 0))). // empty image
		Text("Конец")
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	lines := printed(t, receipt.Render(*d, epson58), epson58)
	var got []string
	for _, l := range lines {
		switch l.Kind {
		case escpos.LineBarcode:
			got = append(got, string(l.Barcode.Symbology)+":"+l.Barcode.Data)
		case escpos.LineText:
			got = append(got, l.Text)
		default:
			got = append(got, string(l.Kind))
		}
	}
	if want := "code128:123|ПОСЫЛКА 7|Конец"; strings.Join(got, "|") != want {
		t.Errorf("printed %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestPlainTextPreview(t *testing.T) {
	d := receipt.New().Title("ЧЕК").Pair("Итого", "100 ₽").QR("x").Cut()
	got := receipt.PlainText(*d, epson58)
	want := strings.Join([]string{
		"             ЧЕК",
		"Итого                   100 руб.",
		"             [QR x]",
		"", "", "", "",
		"          - - cut - -",
		"",
	}, "\n")
	if got != want {
		t.Errorf("PlainText =\n%s\nwant\n%s", got, want)
	}
}
