package label

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// This file reads TSPL and ZPL jobs back, independently of the builders,
// so tests check what a printer would do with the bytes rather than how
// the builders produced them.

type tsplJob struct {
	widthMM, heightMM float64
	direction         int
	texts             []tsplTextCmd
	barcodes          []barcodeCmd
	copies            int
}

type tsplTextCmd struct {
	x, y, xm, ym int
	font         string
	content      string
}

// barcodeCmd is a CODE128 barcode from either language.
type barcodeCmd struct {
	x, y, h, module int
	data            string
}

// tsplArgs splits "a,b,\"c,d\"" into a, b and the quoted c,d (unquoted).
func tsplArgs(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if quoted {
		t.Fatalf("unterminated string in %q", s)
	}
	return append(out, strings.TrimSpace(cur.String()))
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number %q", s)
	}
	return n
}

func parseMM(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "mm")), 64)
	if err != nil {
		t.Fatalf("not millimetres %q", s)
	}
	return v
}

func parseTSPL(t *testing.T, job []byte) tsplJob {
	t.Helper()
	s := string(job)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("TSPL job does not end with CR LF: %q", s)
	}
	var j tsplJob
	for _, ln := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		cmd, rest, _ := strings.Cut(ln, " ")
		switch cmd {
		case "SIZE":
			a := tsplArgs(t, rest)
			j.widthMM, j.heightMM = parseMM(t, a[0]), parseMM(t, a[1])
		case "TEXT":
			a := tsplArgs(t, rest)
			if len(a) != 7 || a[3] != "0" {
				t.Fatalf("TEXT %q: want 7 arguments, rotation 0", rest)
			}
			j.texts = append(j.texts, tsplTextCmd{x: atoi(t, a[0]), y: atoi(t, a[1]), font: a[2], xm: atoi(t, a[4]), ym: atoi(t, a[5]), content: a[6]})
		case "BARCODE":
			a := tsplArgs(t, rest)
			if len(a) != 9 || a[2] != "128" || a[5] != "0" || a[6] != a[7] {
				t.Fatalf("BARCODE %q: want CODE128, rotation 0, narrow = wide", rest)
			}
			j.barcodes = append(j.barcodes, barcodeCmd{x: atoi(t, a[0]), y: atoi(t, a[1]), h: atoi(t, a[3]), module: atoi(t, a[6]), data: a[8]})
		case "PRINT":
			j.copies = atoi(t, rest)
		case "DIRECTION":
			j.direction = atoi(t, rest)
		case "GAP", "REFERENCE", "CLS":
		default:
			t.Fatalf("unexpected TSPL command %q", ln)
		}
	}
	return j
}

type zplJob struct {
	width, length int
	utf8          bool // ^CI28 seen before the first field
	flipped       bool // ^POI
	texts         []zplTextCmd
	barcodes      []barcodeCmd
	copies        int
}

type zplTextCmd struct {
	x, y, h, w, block int
	content           string
}

// parseZPL follows the field state ZPL keeps between ^FO and ^FS.
func parseZPL(t *testing.T, job []byte) zplJob {
	t.Helper()
	s := string(job)
	if !strings.HasPrefix(s, "^XA") || !strings.HasSuffix(strings.TrimSpace(s), "^XZ") {
		t.Fatalf("ZPL job not within ^XA..^XZ: %q", s)
	}
	var (
		j                   zplJob
		x, y, h, w, block   int
		isText, isBar, hex  bool
		module, byH, barH   int
		data                string
		fieldOpen, sawField bool
	)
	for _, c := range strings.Split(s, "^")[1:] {
		c = strings.TrimRight(c, "\n")
		switch {
		case strings.HasPrefix(c, "CI"):
			if !sawField {
				j.utf8 = c == "CI28"
			}
		case strings.HasPrefix(c, "PW"):
			j.width = atoi(t, c[2:])
		case strings.HasPrefix(c, "LL"):
			j.length = atoi(t, c[2:])
		case strings.HasPrefix(c, "PQ"):
			j.copies = atoi(t, c[2:])
		case strings.HasPrefix(c, "BY"):
			a := strings.Split(c[2:], ",")
			module, byH = atoi(t, a[0]), atoi(t, a[2])
		case strings.HasPrefix(c, "FO"):
			a := strings.Split(c[2:], ",")
			x, y = atoi(t, a[0]), atoi(t, a[1])
			fieldOpen, sawField, isText, isBar, hex, block = true, true, false, false, false, 0
		case strings.HasPrefix(c, "A0N,"):
			a := strings.Split(c[4:], ",")
			h, w, isText = atoi(t, a[0]), atoi(t, a[1]), true
		case strings.HasPrefix(c, "FB"):
			block = atoi(t, strings.Split(c[2:], ",")[0])
		case strings.HasPrefix(c, "BCN,"):
			a := strings.Split(c[4:], ",")
			barH, isBar = atoi(t, a[0]), true
			if a[1] != "Y" || a[3] != "N" {
				t.Fatalf("^BC %q: want interpretation line, no UCC mode", c)
			}
		case c == "FH_":
			hex = true
		case strings.HasPrefix(c, "FD"):
			data = c[2:]
			if hex {
				data = unhexZPL(t, data)
			}
		case c == "FS":
			if !fieldOpen {
				t.Fatal("^FS without ^FO")
			}
			switch {
			case isText:
				j.texts = append(j.texts, zplTextCmd{x: x, y: y, h: h, w: w, block: block, content: data})
			case isBar:
				if barH != byH {
					t.Fatalf("^BC height %d differs from ^BY %d", barH, byH)
				}
				j.barcodes = append(j.barcodes, barcodeCmd{x: x, y: y, h: barH, module: module, data: data})
			default:
				t.Fatalf("field %q is neither text nor barcode", data)
			}
			fieldOpen = false
		case c == "POI":
			j.flipped = true
		case c == "XA", c == "XZ", c == "LH0,0":
		default:
			t.Fatalf("unexpected ZPL command ^%s", c)
		}
	}
	return j
}

func unhexZPL(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '_' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			t.Fatalf("truncated escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			t.Fatalf("bad escape in %q", s)
		}
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String()
}

// fontCell is the TSPL built-in font cell (manual table) at dpi.
func fontCell(t *testing.T, font string, dpi int) (w, h int) {
	t.Helper()
	cells := map[int]map[string][2]int{
		203: {"1": {8, 12}, "2": {12, 20}, "3": {16, 24}, "4": {24, 32}, "5": {32, 48}},
		// 300 dpi: the 203 dpi cells scaled by 300/203, rounded up (an upper
		// bound whether the firmware scales its fonts or not).
		300: {"1": {12, 18}, "2": {18, 30}, "3": {24, 36}, "4": {36, 48}, "5": {48, 71}},
	}
	c, ok := cells[dpi][font]
	if !ok {
		t.Fatalf("font %q is not a built-in bitmap font", font)
	}
	return c[0], c[1]
}

// code128SetB is the symbol width in modules with set B throughout (start,
// data, check, stop), an upper bound for any subset switching.
func code128SetB(data string) int { return 11*len(data) + 35 }

// checkTSPL checks the job against the label: ASCII only in built-in
// fonts, every text and barcode inside the label, and returns the
// width and height in dots of the first (big) text.
func checkTSPL(t *testing.T, j tsplJob, s Spec) (bigW, bigH int) {
	t.Helper()
	if j.widthMM != s.WidthMM || j.heightMM != s.HeightMM {
		t.Errorf("SIZE %v x %v mm, want %v x %v", j.widthMM, j.heightMM, s.WidthMM, s.HeightMM)
	}
	W, H := dots(j.widthMM, s.DPI), dots(j.heightMM, s.DPI)
	for i, tx := range j.texts {
		for k := 0; k < len(tx.content); k++ {
			if c := tx.content[k]; c < 0x20 || c > 0x7E {
				t.Errorf("TEXT %q: byte %#x is not printable ASCII; the built-in font has no glyph for it", tx.content, c)
			}
		}
		fw, fh := fontCell(t, tx.font, s.DPI)
		tw, th := len(tx.content)*fw*tx.xm, fh*tx.ym
		if tx.x < 0 || tx.y < 0 || tx.x+tw > W || tx.y+th > H {
			t.Errorf("TEXT %q at %d,%d size %dx%d leaves the %dx%d label", tx.content, tx.x, tx.y, tw, th, W, H)
		}
		if i == 0 {
			bigW, bigH = tw, th
		}
	}
	for _, b := range j.barcodes {
		checkBar(t, b, W, H, s.DPI)
	}
	return bigW, bigH
}

func checkZPL(t *testing.T, j zplJob, s Spec) (bigW, bigH int) {
	t.Helper()
	W, H := dots(s.WidthMM, s.DPI), dots(s.HeightMM, s.DPI)
	if j.width != W || j.length != H {
		t.Errorf("^PW%d ^LL%d, want %d and %d", j.width, j.length, W, H)
	}
	if !j.utf8 {
		t.Error("no ^CI28 before the fields: text would not be read as UTF-8")
	}
	for i, tx := range j.texts {
		if !utf8.ValidString(tx.content) {
			t.Errorf("text %q is not UTF-8", tx.content)
		}
		tw := utf8.RuneCountInString(tx.content) * tx.w
		if tx.block == 0 || tw > tx.block || tx.x < 0 || tx.x+tx.block > W || tx.y+tx.h > H {
			t.Errorf("text %q at %d,%d (%dx%d dots, block %d) leaves the %dx%d label", tx.content, tx.x, tx.y, tw, tx.h, tx.block, W, H)
		}
		if i == 0 {
			bigW, bigH = tw, tx.h
		}
	}
	for _, b := range j.barcodes {
		checkBar(t, b, W, H, s.DPI)
	}
	return bigW, bigH
}

func checkBar(t *testing.T, b barcodeCmd, W, H, dpi int) {
	t.Helper()
	readable := dots(3, dpi)
	if w := code128SetB(b.data) * b.module; b.x < 0 || b.x+w > W || b.y+b.h+readable > H || b.module < 1 {
		t.Errorf("barcode %q at %d,%d (%d dots wide, module %d) leaves the %dx%d label", b.data, b.x, b.y, w, b.module, W, H)
	}
}

func dots(mm float64, dpi int) int { return int(mm*float64(dpi)/25.4 + 0.5) }
