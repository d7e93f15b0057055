package label

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// tsplFont is a TSPL built-in bitmap font: fixed pitch, ASCII only, w×h
// dots per character cell.
type tsplFont struct {
	name string
	w, h int
}

// Built-in font cells at 203 dpi from the TSPL/TSPL2 programming manual
// (TSC, copied by Xprinter). 300 dpi firmware is not consistent about
// them (some keep the dot sizes, some scale the fonts to the same
// physical size), so at 300 dpi the layout budgets the 203 dpi cells
// scaled by 300/203 and rounded up: text fits under either behaviour.
var (
	tsplFonts203 = []tsplFont{{"1", 8, 12}, {"2", 12, 20}, {"3", 16, 24}, {"4", 24, 32}, {"5", 32, 48}}
	tsplFonts300 = scaleFonts(tsplFonts203, 300, 203)
)

func scaleFonts(fonts []tsplFont, num, den int) []tsplFont {
	out := make([]tsplFont, len(fonts))
	for i, f := range fonts {
		out[i] = tsplFont{name: f.name, w: (f.w*num + den - 1) / den, h: (f.h*num + den - 1) / den}
	}
	return out
}

// tsplMaxMul is the largest TEXT multiplier TSPL accepts.
const tsplMaxMul = 10

type tsplText struct {
	font   tsplFont
	xm, ym int
}

func (t tsplText) width(n int) int { return n * t.font.w * t.xm }
func (t tsplText) height() int     { return t.font.h * t.ym }

type tspl struct {
	spec  Spec
	fonts []tsplFont
}

// TSPL returns the builder for TSC-style printers. Text is transliterated
// to ASCII (see [Translit]) because the built-in fonts have nothing else.
func TSPL(spec Spec) Builder {
	fonts := tsplFonts203
	if spec.DPI == 300 {
		fonts = tsplFonts300
	}
	return &tspl{spec: spec, fonts: fonts}
}

func (t *tspl) Lang() Lang { return LangTSPL }

func (t *tspl) Cell(c Cell) ([]byte, error) { return buildCell(t, t.spec, c) }

func (t *tspl) ReturnBox(b ReturnBox) ([]byte, error) {
	return buildReturnBox(t, t.spec, b)
}

func (t *tspl) begin(w *bytes.Buffer, s Spec, _, _ int) {
	line(w, "SIZE %s mm,%s mm", mm(s.WidthMM), mm(s.HeightMM))
	line(w, "GAP %s mm,0 mm", mm(s.GapMM))
	// DIRECTION 1 unless flipped; 0 turns the print by 180°.
	dir := 1
	if s.Flip {
		dir = 0
	}
	line(w, "DIRECTION %d", dir)
	line(w, "REFERENCE 0,0")
	line(w, "CLS")
}

func (t *tspl) text(w *bytes.Buffer, e textEl) error {
	var fit tsplText
	txt, err := shorten(tsplString(e.text), e.big, func(s string) bool {
		var ok bool
		fit, ok = t.fit(len(s), e.W, e.H)
		return ok
	})
	if err != nil {
		return err
	}
	x := e.X + (e.W-fit.width(len(txt)))/2
	y := e.Y + (e.H-fit.height())/2
	line(w, `TEXT %d,%d,"%s",0,%d,%d,"%s"`, x, y, fit.font.name, fit.xm, fit.ym, txt)
	return nil
}

// fit picks the font and multipliers for n characters inside w×h dots:
// the tallest text, except that a bigger base font scaled less wins when
// it is at least 90% as tall (a small bitmap font blown up 7 times is
// blocky). The height multiplier may exceed the width one by half at
// most, so long names get taller but not unreadably condensed.
func (t *tspl) fit(n, w, h int) (tsplText, bool) {
	var all []tsplText
	tallest := 0
	for _, f := range t.fonts {
		for xm := 1; xm <= tsplMaxMul; xm++ {
			for ym := xm; ym <= tsplMaxMul && 2*ym <= 3*xm; ym++ {
				c := tsplText{font: f, xm: xm, ym: ym}
				if c.width(n) <= w && c.height() <= h {
					all = append(all, c)
					tallest = max(tallest, c.height())
				}
			}
		}
	}
	var best tsplText
	found := false
	for _, c := range all {
		if 10*c.height() < 9*tallest {
			continue
		}
		better := !found || c.ym < best.ym ||
			c.ym == best.ym && (c.height() > best.height() || c.height() == best.height() && c.width(n) > best.width(n))
		if better {
			best, found = c, true
		}
	}
	return best, found
}

func (t *tspl) barcode(w *bytes.Buffer, b barEl) error {
	// readable 1: the printer prints the data under the bars. Rotation 0;
	// narrow = wide, as CODE128 has no wide/narrow ratio.
	line(w, `BARCODE %d,%d,"128",%d,1,0,%d,%d,"%s"`, b.x, b.Y, b.barsH, b.module, b.module, b.data)
	return nil
}

func (t *tspl) end(w *bytes.Buffer, copies int) {
	line(w, "PRINT %d", copies)
}

// tsplString is text a built-in font can print inside a quoted TSPL
// string: ASCII only, with '"' (ends the string) and '\' (starts an
// escape on some firmware) replaced.
func tsplString(s string) string {
	return strings.NewReplacer(`"`, "'", `\`, "/").Replace(Translit(s))
}

// line writes one TSPL command; TSPL ends commands with CR LF.
func line(w *bytes.Buffer, format string, args ...any) {
	fmt.Fprintf(w, format, args...)
	w.WriteString("\r\n")
}

// mm formats millimetres without trailing zeros: 58, 2.5.
func mm(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
