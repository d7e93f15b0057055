package label

import (
	"fmt"
	"strconv"
	"strings"
)

// box is a rectangle in printer dots, origin top left.
type box struct{ X, Y, W, H int }

// element is one thing drawn on a label: a textEl or a barEl.
type element interface{ isElement() }

// textEl is a single line of text centred in its box, as large as fits.
// A big text is the point of the label and must fit whole; a small one is
// shortened with ".." when even the smallest font is too wide.
type textEl struct {
	box
	text string
	big  bool
}

// barEl is a CODE128 barcode with its human-readable line below the bars.
// The layout fixes the module width so both languages print the same size.
type barEl struct {
	box            // the bars and the readable line
	data    string // checked by checkBarcodeData
	module  int    // narrow bar width in dots
	x       int    // left edge of the bars, centred in the box
	barsH   int    // bar height without the readable line
	symbolW int    // estimated width of the symbol in dots
}

func (textEl) isElement() {}
func (barEl) isElement()  {}

// row is a share of the label height, capped at maxMM when set: a barcode
// gains nothing from being taller than 15 mm, the big text does.
type row struct {
	weight float64
	maxMM  float64
}

// Layout proportions. The cell label is mostly its name; the barcode takes
// the rest. Return boxes need four lines, the number the largest.
var (
	cellRows      = []row{{weight: 0.58}, {weight: 0.42, maxMM: 18}}
	returnBoxRows = []row{{weight: 0.32}, {weight: 0.32, maxMM: 18}, {weight: 0.18}, {weight: 0.18}}
)

// rows splits the label inside a 1.5 mm margin into rows, 1 mm apart. A
// capped row gives the height over its cap to the uncapped rows in
// proportion to their weights.
func rows(s Spec, spec []row) []box {
	m := s.Dots(1.5)
	gap := s.Dots(1)
	w, h := s.Dots(s.WidthMM)-2*m, s.Dots(s.HeightMM)-2*m-gap*(len(spec)-1)
	heights := make([]int, len(spec))
	spare, free := 0, 0.0
	for i, r := range spec {
		heights[i] = int(float64(h) * r.weight)
		if c := s.Dots(r.maxMM); r.maxMM > 0 && heights[i] > c {
			spare += heights[i] - c
			heights[i] = c
		} else if r.maxMM == 0 {
			free += r.weight
		}
	}
	out := make([]box, len(spec))
	y := m
	for i, r := range spec {
		if r.maxMM == 0 && free > 0 {
			heights[i] += int(float64(spare) * r.weight / free)
		}
		out[i] = box{X: m, Y: y, W: w, H: heights[i]}
		y += heights[i] + gap
	}
	return out
}

func cellLayout(s Spec, c Cell) ([]element, error) {
	name := strings.TrimSpace(c.Name)
	if name == "" {
		return nil, fmt.Errorf("%w: cell without a name", ErrDocument)
	}
	code := c.Code
	if code == "" {
		code = "CELL-" + name
	}
	r := rows(s, cellRows)
	bar, err := barcodeIn(s, r[1], code)
	if err != nil {
		return nil, err
	}
	return []element{textEl{box: r[0], text: name, big: true}, bar}, nil
}

func returnBoxLayout(s Spec, b ReturnBox) ([]element, error) {
	num := strings.TrimSpace(b.Number)
	if num == "" {
		return nil, fmt.Errorf("%w: return box without a number", ErrDocument)
	}
	if b.Parcels < 0 {
		return nil, fmt.Errorf("%w: %d parcels", ErrDocument, b.Parcels)
	}
	r := rows(s, returnBoxRows)
	bar, err := barcodeIn(s, r[1], num)
	if err != nil {
		return nil, err
	}
	els := []element{textEl{box: r[0], text: num, big: true}, bar}
	if p := strings.TrimSpace(b.Partner); p != "" {
		els = append(els, textEl{box: r[2], text: p})
	}
	caption := b.ParcelsCaption
	if caption == "" {
		caption = "Parcels"
	}
	line := caption + ": " + strconv.Itoa(b.Parcels)
	if !b.Date.IsZero() {
		line += "   " + b.Date.Format("02.01.2006")
	}
	return append(els, textEl{box: r[3], text: line}), nil
}

// barcodeIn places a CODE128 symbol for data in bx: the widest module (up
// to 4 dots) that leaves a 10-module quiet zone each side, or a plain fit
// when the label is too narrow for quiet zones (the label edge then
// serves as one).
func barcodeIn(s Spec, bx box, data string) (barEl, error) {
	if err := checkBarcodeData(data); err != nil {
		return barEl{}, err
	}
	readable := s.Dots(3)
	barsH := bx.H - readable
	if barsH < s.Dots(3) {
		return barEl{}, fmt.Errorf("%w: %v mm label leaves %d dots for the bars of %q", ErrTooSmall, s.HeightMM, barsH, data)
	}
	mods := code128Modules(data)
	module := 0
	for n := 4; n >= 1; n-- {
		if (mods+20)*n <= bx.W {
			module = n
			break
		}
	}
	if module == 0 && mods <= bx.W {
		module = 1
	}
	if module == 0 {
		return barEl{}, fmt.Errorf("%w: barcode %q needs %d dots, label has %d", ErrTooSmall, data, mods, bx.W)
	}
	w := mods * module
	return barEl{box: bx, data: data, module: module, x: bx.X + (bx.W-w)/2, barsH: barsH, symbolW: w}, nil
}

// shorten returns text, or its longest prefix ending in ".." that fits,
// for a small line; a big text that does not fit is an error. Fitting is
// monotonic in the length, so the prefix is found by bisection: a pasted
// novel as a partner name costs a few dozen fits, not one per rune.
func shorten(text string, big bool, fits func(string) bool) (string, error) {
	if fits(text) {
		return text, nil
	}
	if !big {
		r := []rune(text)
		cut := func(n int) string { return strings.TrimSpace(string(r[:n])) + ".." }
		lo, hi := 0, len(r) // cut(lo) fits (or lo is 0), cut(hi) does not
		for hi-lo > 1 {
			mid := (lo + hi) / 2
			if fits(cut(mid)) {
				lo = mid
			} else {
				hi = mid
			}
		}
		if lo > 0 {
			s := cut(lo)
			fits(s) // leave the caller's fit state at the chosen text
			return s, nil
		}
	}
	return "", fmt.Errorf("%w: text %q", ErrTooSmall, text)
}
