package escpos

import (
	"fmt"
	"strings"
)

// LineKind is what a printed line holds.
type LineKind string

const (
	LineText    LineKind = "text"
	LineBarcode LineKind = "barcode"
	LineQR      LineKind = "qr"
	LineImage   LineKind = "image"
	LineCut     LineKind = "cut"    // the paper is cut (or, with Tear, torn by hand)
	LineDrawer  LineKind = "drawer" // the cash drawer opens
)

// Line is one line of paper: a line of text exactly as it prints, or a
// barcode, QR code, image, cut or drawer kick. A receipt's preview and a
// decoded job (Replay) are both []Line, so the UI draws them alike and
// tests compare them.
type Line struct {
	Kind    LineKind `json:"kind"`
	Text    string   `json:"text,omitempty"` // printable text: pre-mapped, laid out
	Style   Style    `json:"style"`
	Barcode *Barcode `json:"barcode,omitempty"`
	QR      *QR      `json:"qr,omitempty"`
	Image   *Raster  `json:"image,omitempty"` // the dots of an image or raster QR, before centring
	Partial bool     `json:"partial,omitempty"`
	Tear    bool     `json:"tear,omitempty"` // no cutter: the clerk tears here
	Pin     int      `json:"pin,omitempty"`  // drawer connector pin, 2 or 5
}

// TextLine is a line of text in style s.
func TextLine(text string, s Style) Line { return Line{Kind: LineText, Text: text, Style: s.Normal()} }

// fallbackLines is data as centred text, for a code that cannot print as
// a barcode or QR.
func fallbackLines(p Profile, data string) []Line {
	if data == "" {
		return nil
	}
	var out []Line
	for _, t := range p.Layout().Wrap(data, 1) {
		out = append(out, TextLine(t, Style{Align: AlignCenter}))
	}
	return out
}

// CutLines is how a cut prints on p: the feed that brings the last line
// past the cutter (blank lines) and the cut, or the tear mark when p has
// no cutter.
func CutLines(p Profile, partial bool) []Line {
	out := make([]Line, 0, p.CutFeed()+1)
	for range p.CutFeed() {
		out = append(out, TextLine("", Style{}))
	}
	return append(out, Line{Kind: LineCut, Partial: partial, Tear: !p.Cutter})
}

// DrawerLines is the drawer kick on p: nothing when no drawer is wired.
func DrawerLines(p Profile, pin int) []Line {
	if !p.Drawer {
		return nil
	}
	if pin != 5 {
		pin = 2
	}
	return []Line{{Kind: LineDrawer, Pin: pin}}
}

// Print sends one line.
func (b *Builder) Print(l Line) *Builder {
	switch l.Kind {
	case LineText:
		b.lineStart()
		if l.Text == "" {
			return b.Feed(1)
		}
		return b.Style(l.Style).Line(l.Text)
	case LineBarcode:
		if l.Barcode != nil {
			if res, err := l.Barcode.Resolve(b.p.PrintDots()); err == nil {
				b.barcode(res)
			} else {
				b.PrintLines(fallbackLines(b.p, l.Barcode.Data))
			}
		}
	case LineQR:
		if l.QR != nil {
			if res, err := l.QR.Resolve(b.p.PrintDots()); err == nil {
				b.qr(res, l.Image)
			} else {
				b.PrintLines(fallbackLines(b.p, l.QR.Data))
			}
		}
	case LineImage:
		b.Raster(l.Image)
	case LineCut:
		if !l.Tear {
			b.CutNow(l.Partial)
		}
	case LineDrawer:
		b.Drawer(l.Pin)
	}
	return b
}

// PrintLines sends lines; runs of blank lines go as one ESC d n.
func (b *Builder) PrintLines(lines []Line) *Builder {
	for i := 0; i < len(lines); {
		blank := 0
		for i+blank < len(lines) && lines[i+blank].Kind == LineText && lines[i+blank].Text == "" {
			blank++
		}
		if blank > 0 {
			b.lineStart()
			for ; blank > 0; blank -= 255 {
				b.Feed(min(blank, 255))
			}
			for i < len(lines) && lines[i].Kind == LineText && lines[i].Text == "" {
				i++
			}
			continue
		}
		b.Print(lines[i])
		i++
	}
	return b
}

// PlainText renders lines as monospaced text columns wide, aligned as they
// print: for logs, tests and a text-only preview. Codes and images show as
// bracketed notes.
func PlainText(lines []Line, columns int) string {
	l := Layout{Columns: columns}
	var sb strings.Builder
	for _, ln := range lines {
		var s string
		switch ln.Kind {
		case LineText:
			st := ln.Style.Normal()
			s = strings.TrimRight(l.Align(ln.Text, st.Align, st.Width), " ")
		case LineBarcode:
			if ln.Barcode != nil {
				s = l.Align(fmt.Sprintf("[%s %s]", ln.Barcode.Symbology, ln.Barcode.Data), AlignCenter, 1)
			}
		case LineQR:
			if ln.QR != nil {
				s = l.Align(fmt.Sprintf("[QR %s]", ln.QR.Data), AlignCenter, 1)
			}
		case LineImage:
			if ln.Image != nil {
				s = l.Align(fmt.Sprintf("[image %dx%d]", ln.Image.Width, ln.Image.Height), AlignCenter, 1)
			}
		case LineCut:
			mark := "- - cut - -"
			if ln.Tear {
				mark = "- - tear - -"
			}
			s = l.Align(mark, AlignCenter, 1)
		case LineDrawer:
			s = "[drawer]"
		}
		sb.WriteString(strings.TrimRight(s, " "))
		sb.WriteByte('\n')
	}
	return sb.String()
}
