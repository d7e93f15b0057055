package receipt

import (
	"unicode/utf8"

	"smartpoint/device/escpos"
)

// PreviewLine is one line of paper as the printer lays it out: text exactly
// as it prints, with its style, or a barcode, QR code (with its raster
// when printed as an image), image, cut or drawer kick. It is the escpos
// line type, so a decoded raw job (escpos.Replay) previews the same way.
type PreviewLine = escpos.Line

// maxSize is the largest text size a document uses: triple size still
// fits ten characters on 58 mm paper.
const maxSize = 3

// Lines lays doc out for printer p: the preview, and the very lines Render
// prints.
func Lines(doc Doc, p escpos.Profile) []PreviewLine {
	l := p.Layout()
	var out []PreviewLine
	for _, b := range doc.Blocks {
		out = append(out, b.lines(p, l)...)
	}
	return out
}

func (b Block) lines(p escpos.Profile, l escpos.Layout) []PreviewLine {
	switch {
	case b.Text != nil:
		t := b.Text
		size := textSize(t.Size)
		st := escpos.Style{Align: t.Align, Bold: t.Bold, Underline: t.Underline, Width: size, Height: size}
		return textLines(l.Wrap(t.Text, size), st)
	case b.Pair != nil:
		pr := b.Pair
		size := textSize(pr.Size)
		st := escpos.Style{Bold: pr.Bold, Width: size, Height: size}
		return textLines(l.Pair(pr.Left, pr.Right, leader(pr.Leader), size), st)
	case b.Columns != nil:
		c := b.Columns
		cols := make([]escpos.Column, len(c.Cells))
		cells := make([]string, len(c.Cells))
		for i, cell := range c.Cells {
			cols[i] = escpos.Column{Width: cell.Width, Fraction: cell.Fraction, Align: cell.Align}
			cells[i] = cell.Text
		}
		return textLines(l.Row(cols, cells, 1), escpos.Style{Bold: c.Bold})
	case b.Rule != nil:
		return textLines([]string{l.Rule(leader(b.Rule.Char), 1)}, escpos.Style{})
	case b.Feed != nil:
		return textLines(make([]string, min(max(b.Feed.Lines, 0), 255)), escpos.Style{})
	case b.Barcode != nil:
		bc := b.Barcode
		return escpos.Barcode{Symbology: bc.Symbology, Data: bc.Data, HRI: bc.HRI, Height: bc.Height}.Lines(p)
	case b.QR != nil:
		return escpos.QR{Data: b.QR.Data, Module: b.QR.Size, Level: b.QR.Level}.Lines(p)
	case b.Image != nil:
		img, err := b.Image.Decode()
		if err != nil { // a broken logo is left out of preview and print alike
			return nil
		}
		r := escpos.RasterFromImage(img, p.PrintDots())
		if r.Empty() {
			return nil
		}
		return []PreviewLine{{Kind: escpos.LineImage, Style: escpos.Style{Align: escpos.AlignCenter}.Normal(), Image: r}}
	case b.Cut != nil:
		return escpos.CutLines(p, b.Cut.Partial)
	case b.Drawer != nil:
		return escpos.DrawerLines(p, b.Drawer.Pin)
	}
	return nil
}

func textLines(texts []string, st escpos.Style) []PreviewLine {
	out := make([]PreviewLine, len(texts))
	for i, t := range texts {
		out[i] = escpos.TextLine(t, st)
	}
	return out
}

func textSize(n int) int { return min(max(n, 1), maxSize) }

// leader is the first rune of s, or a space.
func leader(s string) rune {
	if r, n := utf8.DecodeRuneInString(s); n > 0 {
		return r
	}
	return ' '
}
