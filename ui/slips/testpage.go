package slips

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/charmap"

	"smartpoint/device/escpos"
	"smartpoint/device/receipt"
)

// TestPage is the printer check an installer prints from Settings →
// Devices: the profile, sample text in every language the point may print
// in, the code page's upper half as a table, a barcode and a QR code. If
// the text reads right, the code page number is right for this printer.
func TestPage(c Context, printer string, p escpos.Profile) receipt.Doc {
	d := receipt.New()
	c.head(d, c.P.T("slip.test.title"))
	d.Pair(c.P.T("slip.test.printer"), printer)
	d.Pair(c.P.T("slip.test.paper"), strconv.Itoa(p.TextColumns()))
	d.Pair(c.P.T("slip.test.codepage"), string(p.CodePage))
	d.Rule()
	d.Bold(c.P.T("slip.test.sample"))
	d.Text("Ру: Съешь же ещё этих мягких французских булок. № 42, 1 500 ₽")
	d.Text("Кы: Өңдөлгөн үй, жаңы көчө")
	d.Text("Sr: Čačak, Đurđevdan, Šabac, Žabalj · Ђорђе")
	d.Rule()
	d.Bold(c.P.T("slip.test.table"))
	for _, row := range pageTable(p.CodePage) {
		d.Text(row)
	}
	d.Rule()
	d.Code128("CELL-A-1-01")
	d.QR("SmartPoint test " + c.when(c.At))
	d.Center(c.P.T("slip.test.ok"))
	d.Cut()
	return *d
}

// pageTable lists bytes 0x80–0xFF of the page, 16 to a row: "8x ÀÁÂ…".
func pageTable(cp escpos.CodePage) []string {
	cm := pageCharmap(cp)
	if cm == nil {
		return nil
	}
	var rows []string
	for hi := 0x8; hi <= 0xF; hi++ {
		var b strings.Builder
		fmt.Fprintf(&b, "%Xx ", hi)
		for lo := 0; lo < 16; lo++ {
			r := cm.DecodeByte(byte(hi<<4 | lo))
			if r < 0x20 || r == 0xA0 || r == 0xAD || r == '\uFFFD' {
				r = '.' // controls, no-break and soft hyphen print as nothing useful
			}
			b.WriteRune(r)
		}
		rows = append(rows, b.String())
	}
	return rows
}

func pageCharmap(cp escpos.CodePage) *charmap.Charmap {
	switch cp {
	case escpos.CP866:
		return charmap.CodePage866
	case escpos.WPC1251:
		return charmap.Windows1251
	case escpos.CP852:
		return charmap.CodePage852
	case escpos.WPC1250:
		return charmap.Windows1250
	}
	return nil
}
