package escpos

import "math"

// Column is one column of a table row. Width is in characters; a Width
// of 0 takes Fraction of the line (0.5 is half); with neither, the column
// shares what the others leave. Columns are separated by one space.
type Column struct {
	Width    int     `json:"width,omitempty"`
	Fraction float64 `json:"fraction,omitempty"`
	Align    Align   `json:"align,omitempty"`
}

// Row lays out one table row at width multiplier w: each cell is wrapped
// within its column and aligned in it, so a row may take several lines.
// Missing cells are empty; cells beyond the columns are dropped. With no
// columns every cell gets an equal share.
func (l Layout) Row(cols []Column, cells []string, w int) []string {
	if len(cols) == 0 {
		cols = make([]Column, len(cells))
	}
	width := l.Cols(w)
	widths := columnWidths(cols, width)
	var wrapped [][]string
	height := 1
	for i := range cols {
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		lines := Layout{Columns: widths[i], CodePage: l.CodePage}.Wrap(string(oneLine([]rune(cell))), 1)
		wrapped = append(wrapped, lines)
		height = max(height, len(lines))
	}
	out := make([]string, 0, height)
	for y := range height {
		var line []rune
		for i, lines := range wrapped {
			if i > 0 {
				line = append(line, ' ')
			}
			text := ""
			if y < len(lines) {
				text = lines[y]
			}
			line = append(line, pad([]rune(text), widths[i], cols[i].Align)...)
		}
		line = trimRight(line)
		if len(line) > width { // only when there are more columns than characters
			line = line[:width]
		}
		out = append(out, string(line))
	}
	return out
}

// columnWidths resolves the widths to fit width characters with one
// space between columns. Rounding leftovers go to the last column that is
// not fixed; when the fixed widths do not fit, the last columns shrink.
func columnWidths(cols []Column, width int) []int {
	avail := width - (len(cols) - 1)
	widths := make([]int, len(cols))
	used, flex, lastFree := 0, 0, -1
	for i, c := range cols {
		switch {
		case c.Width > 0:
			widths[i] = c.Width
		case c.Fraction > 0 && !math.IsInf(c.Fraction, 0):
			widths[i] = int(math.Floor(min(c.Fraction, 1) * float64(max(avail, 0))))
			lastFree = i
		default:
			flex++
			lastFree = i
		}
		used += widths[i]
	}
	if rest := avail - used; rest > 0 && lastFree >= 0 {
		if flex > 0 {
			share := rest / flex
			for i, c := range cols {
				if c.Width <= 0 && !(c.Fraction > 0) {
					widths[i] = share
				}
			}
			rest -= share * flex
		}
		widths[lastFree] += rest
	}
	for i := range widths {
		widths[i] = max(widths[i], 1)
	}
	// shrink from the right until the row fits
	for i := len(widths) - 1; i >= 0 && sum(widths) > avail; i-- {
		widths[i] = max(widths[i]-(sum(widths)-avail), 1)
	}
	return widths
}

func sum(xs []int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}
