package label

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// zplMinFont is the smallest ^A0 height and width ZPL accepts.
const zplMinFont = 10

type zpl struct{ spec Spec }

// ZPL returns the builder for Zebra printers. Text is sent as UTF-8 after
// ^CI28 in the scalable font ^A0, so Cyrillic prints where the printer's
// font has it; ZPL printers sense the label length themselves, so the gap
// in the spec is not sent.
func ZPL(spec Spec) Builder { return &zpl{spec: spec} }

func (z *zpl) Lang() Lang { return LangZPL }

func (z *zpl) Cell(c Cell) ([]byte, error) { return buildCell(z, z.spec, c) }

func (z *zpl) ReturnBox(b ReturnBox) ([]byte, error) {
	return buildReturnBox(z, z.spec, b)
}

func (z *zpl) begin(w *bytes.Buffer, s Spec, width, height int) {
	w.WriteString("^XA\n^CI28\n")
	if s.Flip {
		w.WriteString("^POI\n") // print orientation inverted: 180°
	}
	fmt.Fprintf(w, "^PW%d\n^LL%d\n^LH0,0\n", width, height)
}

// zplFit is a ^A0 size: h and w in dots. Font 0 is proportional; no glyph
// is wider than w, so n*w bounds the line.
type zplFit struct{ h, w int }

// fit picks the tallest ^A0 size for n characters in bw×bh dots: width at
// most the height, and at least half of it (narrower is unreadable).
func (z *zpl) fit(n, bw, bh int) (zplFit, bool) {
	if n == 0 {
		return zplFit{}, false
	}
	w := min(bh, bw/n)
	h := min(bh, 2*w)
	return zplFit{h: h, w: w}, w >= zplMinFont && h >= zplMinFont
}

func (z *zpl) text(w *bytes.Buffer, e textEl) error {
	var fit zplFit
	txt, err := shorten(zplText(e.text), e.big, func(s string) bool {
		var ok bool
		fit, ok = z.fit(utf8.RuneCountInString(s), e.W, e.H)
		return ok
	})
	if err != nil {
		return err
	}
	y := e.Y + (e.H-fit.h)/2
	// ^FB one line, centred: the printer centres with its real glyph
	// widths, which the estimate above only bounds.
	fmt.Fprintf(w, "^FO%d,%d^A0N,%d,%d^FB%d,1,0,C,0%s^FS\n", e.X, y, fit.h, fit.w, e.W, zplField(txt))
	return nil
}

func (z *zpl) barcode(w *bytes.Buffer, b barEl) error {
	// ^BC mode N: no automatic subset switching, so the symbol is exactly
	// the set-B width the layout computed. Interpretation line below.
	fmt.Fprintf(w, "^BY%d,3,%d\n", b.module, b.barsH)
	fmt.Fprintf(w, "^FO%d,%d^BCN,%d,Y,N,N%s^FS\n", b.x, b.Y, b.barsH, zplField(b.data))
	return nil
}

func (z *zpl) end(w *bytes.Buffer, copies int) {
	fmt.Fprintf(w, "^PQ%d\n^XZ\n", copies)
}

// zplText is valid UTF-8 on one line: control characters and invalid
// bytes would end or corrupt the field.
func zplText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
}

// zplField is ^FD with s. '^' and '~' would start a command inside the
// field, so a field holding them is sent with ^FH and hex escapes.
func zplField(s string) string {
	if !strings.ContainsAny(s, "^~") {
		return "^FD" + s
	}
	r := strings.NewReplacer("_", "_5F", "^", "_5E", "~", "_7E")
	return "^FH_^FD" + r.Replace(s)
}
