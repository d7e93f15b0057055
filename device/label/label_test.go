package label

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	spec58x40   = Spec{WidthMM: 58, HeightMM: 40, DPI: 203, GapMM: 2}
	spec100x150 = Spec{WidthMM: 100, HeightMM: 150, DPI: 203, GapMM: 3}
	spec43x25   = Spec{WidthMM: 43, HeightMM: 25, DPI: 300, GapMM: 2}
	boxDate     = time.Date(2026, 5, 14, 15, 4, 0, 0, time.UTC)
	ozonBox     = ReturnBox{Number: "RBOX-000002", Partner: "ООО «Озон»", Parcels: 12, ParcelsCaption: "Посылок", Date: boxDate, Copies: 2}
)

type goldenCase struct {
	name string
	spec Spec
	cell *Cell
	box  *ReturnBox
}

var goldenCases = []goldenCase{
	{name: "cell_58x40_203", spec: spec58x40, cell: &Cell{Name: "A-1-07"}},
	{name: "cell_43x25_300", spec: spec43x25, cell: &Cell{Name: "B-12-03", Copies: 3}},
	{name: "cell_100x150_203", spec: spec100x150, cell: &Cell{Name: "Z-9-99", Code: "CELL-Z-9-99"}},
	{name: "rbox_58x40_203", spec: spec58x40, box: &ozonBox},
	{name: "rbox_100x150_203", spec: spec100x150, box: &ReturnBox{Number: "RBOX-000117", Partner: "Wildberries", Parcels: 3, Date: boxDate}},
}

func (c goldenCase) build(t *testing.T, b Builder) []byte {
	t.Helper()
	var (
		out []byte
		err error
	)
	if c.cell != nil {
		out, err = b.Cell(*c.cell)
	} else {
		out, err = b.ReturnBox(*c.box)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", c.name, b.Lang(), err)
	}
	return out
}

// wantData is the barcode the document must carry.
func (c goldenCase) wantData() string {
	if c.cell != nil {
		if c.cell.Code != "" {
			return c.cell.Code
		}
		return "CELL-" + c.cell.Name
	}
	return c.box.Number
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n got: %q\nwant: %q", name, got, want)
	}
}

func TestTSPLGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			out := c.build(t, TSPL(c.spec))
			golden(t, c.name+".tspl", out)
			j := parseTSPL(t, out)
			checkDocument(t, c, j.barcodes, j.copies)
			w, h := checkTSPL(t, j, c.spec)
			checkBig(t, c, w, h)
		})
	}
}

func TestZPLGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			out := c.build(t, ZPL(c.spec))
			golden(t, c.name+".zpl", out)
			j := parseZPL(t, out)
			checkDocument(t, c, j.barcodes, j.copies)
			w, h := checkZPL(t, j, c.spec)
			checkBig(t, c, w, h)
		})
	}
}

func checkDocument(t *testing.T, c goldenCase, bars []barcodeCmd, copies int) {
	t.Helper()
	if len(bars) != 1 || bars[0].data != c.wantData() {
		t.Errorf("barcodes %+v, want one with %q", bars, c.wantData())
	}
	want := 1
	if c.cell != nil && c.cell.Copies > 0 {
		want = c.cell.Copies
	}
	if c.box != nil && c.box.Copies > 0 {
		want = c.box.Copies
	}
	if copies != want {
		t.Errorf("%d copies, want %d", copies, want)
	}
}

// checkBig: the big text is the label's point. It must fill the label in
// one direction: most of the width (the usual case: short names, wide
// labels) or a large part of the height.
func checkBig(t *testing.T, c goldenCase, w, h int) {
	t.Helper()
	W, H := c.spec.Dots(c.spec.WidthMM), c.spec.Dots(c.spec.HeightMM)
	if 10*w < 6*W && 10*h < 4*H {
		t.Errorf("big text %dx%d dots on a %dx%d label: too small", w, h, W, H)
	}
}

// The partner's Cyrillic name reaches TSPL in Latin and ZPL as typed.
func TestPartnerText(t *testing.T) {
	j := parseTSPL(t, mustBox(t, TSPL(spec58x40), ozonBox))
	texts := make([]string, len(j.texts))
	for i, tx := range j.texts {
		texts[i] = tx.content
	}
	want := []string{"RBOX-000002", "OOO 'Ozon'", "Posylok: 12   14.05.2026"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("TSPL texts %q, want %q", texts, want)
	}
	z := parseZPL(t, mustBox(t, ZPL(spec58x40), ozonBox))
	if len(z.texts) != 3 || z.texts[1].content != "ООО «Озон»" || z.texts[2].content != "Посылок: 12   14.05.2026" {
		t.Errorf("ZPL texts %+v", z.texts)
	}
}

func mustBox(t *testing.T, b Builder, r ReturnBox) []byte {
	t.Helper()
	out, err := b.ReturnBox(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A long partner name is shortened to fit, not printed off the label.
func TestLongPartnerShortened(t *testing.T) {
	long := ReturnBox{Number: "RBOX-1", Partner: strings.Repeat("Интернет-магазин ", 8), Parcels: 1}
	for _, b := range []Builder{TSPL(spec58x40), ZPL(spec58x40)} {
		out := mustBox(t, b, long)
		var partner string
		if b.Lang() == LangTSPL {
			j := parseTSPL(t, out)
			checkTSPL(t, j, spec58x40)
			partner = j.texts[1].content
		} else {
			j := parseZPL(t, out)
			checkZPL(t, j, spec58x40)
			partner = j.texts[1].content
		}
		if !strings.HasSuffix(partner, "..") || len([]rune(partner)) < 10 {
			t.Errorf("%s: partner %q, want a shortened name ending in ..", b.Lang(), partner)
		}
	}
}

// Characters that would end a TSPL string or start a ZPL command arrive
// as text, not as commands.
func TestTextEscaping(t *testing.T) {
	box := ReturnBox{Number: "RBOX-7", Partner: `A "B" C\D ^XZ ~JA_1`, Parcels: 1}
	j := parseTSPL(t, mustBox(t, TSPL(spec58x40), box))
	if got := j.texts[1].content; got != `A 'B' C/D ^XZ ~JA_1` {
		t.Errorf("TSPL partner %q", got)
	}
	out := mustBox(t, ZPL(spec58x40), box)
	if bytes.Count(out, []byte("^XZ")) != 1 {
		t.Errorf("ZPL job holds a second ^XZ: %q", out)
	}
	z := parseZPL(t, out)
	if got := z.texts[1].content; got != `A "B" C\D ^XZ ~JA_1` {
		t.Errorf("ZPL partner %q", got)
	}
}

// A Cyrillic cell name prints in Latin on TSPL; its barcode is whatever
// code the app gives.
func TestCyrillicCellName(t *testing.T) {
	out, err := TSPL(spec58x40).Cell(Cell{Name: "Б-2-01", Code: "CELL-B-2-01"})
	if err != nil {
		t.Fatal(err)
	}
	j := parseTSPL(t, out)
	checkTSPL(t, j, spec58x40)
	if j.texts[0].content != "B-2-01" || j.barcodes[0].data != "CELL-B-2-01" {
		t.Errorf("text %q barcode %q", j.texts[0].content, j.barcodes[0].data)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		cell Cell
		box  *ReturnBox
		want error
	}{
		{"dpi", Spec{WidthMM: 58, HeightMM: 40, DPI: 200}, Cell{Name: "A-1"}, nil, ErrSpec},
		{"width", Spec{WidthMM: 0, HeightMM: 40, DPI: 203}, Cell{Name: "A-1"}, nil, ErrSpec},
		{"nan", Spec{WidthMM: 58, HeightMM: 40, DPI: 203, GapMM: -1}, Cell{Name: "A-1"}, nil, ErrSpec},
		{"no name", spec58x40, Cell{Name: "  "}, nil, ErrDocument},
		{"copies", spec58x40, Cell{Name: "A-1", Copies: -1}, nil, ErrDocument},
		{"too many copies", spec58x40, Cell{Name: "A-1", Copies: 1000}, nil, ErrDocument},
		{"cyrillic code", spec58x40, Cell{Name: "Б-2-01"}, nil, ErrBarcodeData},
		{"quote in code", spec58x40, Cell{Name: "A", Code: `A"B`}, nil, ErrBarcodeData},
		{"zpl invocation", spec58x40, Cell{Name: "A", Code: "A>5"}, nil, ErrBarcodeData},
		{"name too long", spec58x40, Cell{Name: strings.Repeat("W", 80), Code: "X"}, nil, ErrTooSmall},
		{"barcode too wide", Spec{WidthMM: 20, HeightMM: 40, DPI: 203}, Cell{Name: "A", Code: strings.Repeat("9", 30)}, nil, ErrTooSmall},
		{"label too low", Spec{WidthMM: 30, HeightMM: 15, DPI: 203}, Cell{}, &ReturnBox{Number: "RBOX-1"}, ErrTooSmall},
		{"no box number", spec58x40, Cell{}, &ReturnBox{Partner: "X"}, ErrDocument},
		{"negative parcels", spec58x40, Cell{}, &ReturnBox{Number: "RBOX-1", Parcels: -1}, ErrDocument},
	}
	for _, tt := range tests {
		for _, lang := range []Lang{LangTSPL, LangZPL} {
			b, err := New(lang, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			var out []byte
			if tt.box != nil {
				out, err = b.ReturnBox(*tt.box)
			} else {
				out, err = b.Cell(tt.cell)
			}
			if !errors.Is(err, tt.want) || out != nil {
				t.Errorf("%s/%s: %d bytes, err %v, want %v", tt.name, lang, len(out), err, tt.want)
			}
		}
	}
	if _, err := New("epl", spec58x40); !errors.Is(err, ErrSpec) {
		t.Errorf("New(epl): %v", err)
	}
}

func TestDots(t *testing.T) {
	for _, tt := range []struct {
		mm   float64
		dpi  int
		want int
	}{{58, 203, 464}, {40, 203, 320}, {25.4, 300, 300}, {100, 300, 1181}} {
		if got := (Spec{DPI: tt.dpi}).Dots(tt.mm); got != tt.want {
			t.Errorf("%v mm at %d dpi = %d dots, want %d", tt.mm, tt.dpi, got, tt.want)
		}
	}
}

// FuzzReturnBox: whatever partner name and caption the app passes, both
// languages give a job their parser accepts, with ASCII-only TSPL text
// inside the label, and the right barcode.
func FuzzReturnBox(f *testing.F) {
	f.Add("ООО «Озон»", "Посылок", 12)
	f.Add("^XZ~JA\"\\", "\x00\n", -1)
	f.Add(strings.Repeat("Ш", 200), "", 1<<30)
	f.Fuzz(func(t *testing.T, partner, caption string, parcels int) {
		box := ReturnBox{Number: "RBOX-000002", Partner: partner, ParcelsCaption: caption, Parcels: max(parcels, 0), Date: boxDate}
		for _, s := range []Spec{spec58x40, spec43x25} {
			tj, err := TSPL(s).ReturnBox(box)
			if errors.Is(err, ErrTooSmall) {
				continue // a caption too long for a line with the count
			}
			if err != nil {
				t.Fatal(err)
			}
			j := parseTSPL(t, tj)
			checkTSPL(t, j, s)
			if len(j.barcodes) != 1 || j.barcodes[0].data != box.Number {
				t.Fatalf("TSPL barcodes %+v", j.barcodes)
			}
			zj, err := ZPL(s).ReturnBox(box)
			if err != nil && !errors.Is(err, ErrTooSmall) {
				t.Fatal(err)
			}
			if err == nil {
				z := parseZPL(t, zj)
				checkZPL(t, z, s)
				if len(z.barcodes) != 1 || z.barcodes[0].data != box.Number {
					t.Fatalf("ZPL barcodes %+v", z.barcodes)
				}
			}
		}
	})
}

func TestFlip(t *testing.T) {
	flipped := spec58x40
	flipped.Flip = true
	for _, tt := range []struct {
		spec    Spec
		dir     int
		flipped bool
	}{{spec58x40, 1, false}, {flipped, 0, true}} {
		c := Cell{Name: "A-1-07"}
		tj, err := TSPL(tt.spec).Cell(c)
		if err != nil {
			t.Fatal(err)
		}
		if d := parseTSPL(t, tj).direction; d != tt.dir {
			t.Errorf("Flip %v: DIRECTION %d, want %d", tt.spec.Flip, d, tt.dir)
		}
		zj, err := ZPL(tt.spec).Cell(c)
		if err != nil {
			t.Fatal(err)
		}
		if f := parseZPL(t, zj).flipped; f != tt.flipped {
			t.Errorf("Flip %v: ^POI %v", tt.spec.Flip, f)
		}
	}
}
