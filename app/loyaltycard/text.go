package loyaltycard

import (
	"image"
	"image/color"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// TextBox is where one text of the card went.
type TextBox struct {
	Area  image.Rectangle // the room reserved for the text
	Ink   image.Rectangle // what its glyphs cover; empty when there is no text
	Lines []string        // as drawn: wrapped, and cut with "…" if even the smallest size did not fit
	Size  float64         // font size in pixels after shrinking
}

type hAlign int

const (
	alignLeft hAlign = iota
	alignCentre
)

// textSpec is how one text may be set: the largest size it starts at,
// the smallest it may shrink to, and the most lines it may wrap to.
type textSpec struct {
	text             string
	bold             bool
	maxSize, minSize float64
	maxLines         int
	align            hAlign
	middle           bool // centre vertically in the area (else top)
	colour           color.RGBA
}

// textBlock is a text laid out in its area, ready to draw.
type textBlock struct {
	spec   textSpec
	box    TextBox
	face   font.Face
	lineH  int
	ascent int
	dots   []fixed.Point26_6 // baseline start of each line
}

const ellipsis = "…"

// shrinkStep is how much smaller each try is: small steps find the
// largest size that fits without many tries (≈10 from max to min).
const shrinkStep = 0.92

// layoutText fits spec into area: at the largest size whose wrapped lines
// fit the area and the line limit; if none does, at the smallest size
// with the last line cut short by "…" (and, for glyphs reaching beyond
// the font's usual height, with lines dropped). What is drawn never
// leaves area.
func (t *typeface) layoutText(spec textSpec, area image.Rectangle) (*textBlock, error) {
	paras := paragraphs(spec.text)
	size := spec.maxSize
	for {
		if size < spec.minSize {
			size = spec.minSize
		}
		face, err := t.face(spec.bold, size)
		if err != nil {
			return nil, err
		}
		m := face.Metrics()
		lineH := max(m.Height.Ceil(), 1)
		room := area.Dy() / lineH
		if spec.maxLines > 0 {
			room = min(room, spec.maxLines)
		}
		lines := wrap(face, paras, area.Dx())
		last := size <= spec.minSize
		if len(lines) <= room || last {
			if len(lines) > room {
				lines = cutLines(face, lines, room, area.Dx())
			}
			b := &textBlock{spec: spec, face: face, lineH: lineH, ascent: m.Ascent.Ceil()}
			for {
				b.place(lines, area, size)
				if b.box.Ink.Empty() || b.box.Ink.In(area) {
					return b, nil
				}
				if !last {
					break // try a smaller size
				}
				lines = cutLines(face, lines, len(lines)-1, area.Dx())
			}
		}
		size *= shrinkStep
	}
}

// place positions the lines and records their ink bounds. A glyph that
// reaches left of its origin (ǩ, ј) or above the font's ascent moves the
// text in rather than being clipped.
func (b *textBlock) place(lines []string, area image.Rectangle, size float64) {
	b.box = TextBox{Area: area, Lines: lines, Size: size}
	b.dots = b.dots[:0]
	top := area.Min.Y
	if b.spec.middle {
		top += (area.Dy() - len(lines)*b.lineH) / 2
	}
	for i, line := range lines {
		bounds, adv := font.BoundString(b.face, line)
		left := min(bounds.Min.X, 0)
		x := fixed.I(area.Min.X) - left
		if b.spec.align == alignCentre {
			x += (fixed.I(area.Dx()) - (max(adv, bounds.Max.X) - left)) / 2
		}
		dot := fixed.Point26_6{X: x, Y: fixed.I(top + i*b.lineH + b.ascent)}
		b.dots = append(b.dots, dot)
		ink := image.Rect(
			(dot.X + bounds.Min.X).Floor(), (dot.Y + bounds.Min.Y).Floor(),
			(dot.X + bounds.Max.X).Ceil(), (dot.Y + bounds.Max.Y).Ceil())
		if !ink.Empty() {
			b.box.Ink = b.box.Ink.Union(ink)
		}
	}
	if over := area.Min.Y - b.box.Ink.Min.Y; !b.box.Ink.Empty() && over > 0 {
		for i := range b.dots {
			b.dots[i].Y += fixed.I(over)
		}
		b.box.Ink = b.box.Ink.Add(image.Pt(0, over))
	}
}

// draw paints the lines, clipped to the area: if a font ever drew outside
// its metrics, it still could not spill onto the QR code or the stamps.
func (b *textBlock) draw(dst *image.RGBA) {
	clip, ok := dst.SubImage(b.box.Area).(*image.RGBA)
	if !ok || clip.Bounds().Empty() {
		return
	}
	d := font.Drawer{Dst: clip, Src: image.NewUniform(b.spec.colour), Face: b.face}
	for i, line := range b.box.Lines {
		d.Dot = b.dots[i]
		d.DrawString(line)
	}
}

// paragraphs splits s at newlines, with every run of spaces (of any kind)
// made one plain space and empty paragraphs dropped.
func paragraphs(s string) [][]string {
	var out [][]string
	for _, p := range strings.Split(strings.Map(plainSpace, s), "\n") {
		if words := strings.Fields(p); len(words) > 0 {
			out = append(out, words)
		}
	}
	return out
}

// wrap breaks paragraphs into lines no wider than width. A word longer
// than a whole line is broken between characters.
func wrap(face font.Face, paras [][]string, width int) []string {
	// Advances only: ink bounds need the glyph outlines and would make
	// wrapping ten times slower; the rare overhang is caught by place.
	fits := func(s string) bool { return font.MeasureString(face, s) <= fixed.I(width) }
	var lines []string
	for _, words := range paras {
		line := ""
		for _, word := range words {
			if line != "" && fits(line+" "+word) {
				line += " " + word
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			line = word
			for !fits(line) {
				head := longestFitting(line, fits)
				lines = append(lines, head)
				line = line[len(head):]
			}
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// longestFitting is the longest prefix of s that fits, but at least one
// character so wrapping always advances.
func longestFitting(s string, fits func(string) bool) string {
	_, end := utf8.DecodeRuneInString(s)
	for end < len(s) {
		_, n := utf8.DecodeRuneInString(s[end:])
		if !fits(s[:end+n]) {
			break
		}
		end += n
	}
	return s[:end]
}

// cutLines keeps the first n lines, the last ending in "…".
func cutLines(face font.Face, lines []string, n, width int) []string {
	if n <= 0 {
		return nil
	}
	lines = append([]string(nil), lines[:n]...)
	last := strings.TrimRight(lines[n-1], " ")
	w := fixed.I(width)
	for last != "" && inkWidth(face, last+ellipsis) > w {
		_, size := utf8.DecodeLastRuneInString(last)
		last = strings.TrimRight(last[:len(last)-size], " ")
	}
	if inkWidth(face, last+ellipsis) <= w {
		last += ellipsis
	}
	lines[n-1] = last
	return lines
}

// inkWidth is how wide s draws: its advance, widened by glyphs that reach
// beyond their origin or past the advance (italic-like overhangs, ǩ).
func inkWidth(face font.Face, s string) fixed.Int26_6 {
	bounds, adv := font.BoundString(face, s)
	return max(adv, bounds.Max.X) - min(bounds.Min.X, 0)
}
