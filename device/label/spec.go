package label

import (
	"errors"
	"fmt"
	"math"
)

// Lang is a label printer language.
type Lang string

const (
	LangTSPL Lang = "tspl" // TSC, Xprinter and most label clones
	LangZPL  Lang = "zpl"  // Zebra
)

// Spec is the label stock loaded in the printer.
type Spec struct {
	WidthMM  float64 `json:"width_mm"`  // across the print head
	HeightMM float64 `json:"height_mm"` // along the feed, without the gap
	DPI      int     `json:"dpi"`       // print head resolution: 203 or 300
	GapMM    float64 `json:"gap_mm"`    // gap between labels; 0 for continuous stock
	// Flip prints the label rotated 180°: which way up a label comes out
	// depends on the printer model and how the roll is loaded, so the
	// clerk fixes an upside-down label here rather than in the layout.
	Flip bool `json:"flip,omitempty"`
}

// Errors a Builder returns; each is wrapped with the detail.
var (
	ErrSpec        = errors.New("label: invalid label spec")
	ErrBarcodeData = errors.New("label: barcode data not printable as CODE128")
	ErrTooSmall    = errors.New("label: content does not fit the label")
	ErrDocument    = errors.New("label: invalid document")
)

// Validate reports whether the spec describes stock a printer can take:
// positive sizes no wider than a 4-inch head (plus some slack) and a
// resolution the font tables below are known for.
func (s Spec) Validate() error {
	switch {
	case s.DPI != 203 && s.DPI != 300:
		return fmt.Errorf("%w: dpi %d, want 203 or 300", ErrSpec, s.DPI)
	case !(s.WidthMM >= 10 && s.WidthMM <= 120):
		return fmt.Errorf("%w: width %v mm, want 10..120", ErrSpec, s.WidthMM)
	case !(s.HeightMM >= 10 && s.HeightMM <= 1000):
		return fmt.Errorf("%w: height %v mm, want 10..1000", ErrSpec, s.HeightMM)
	case !(s.GapMM >= 0 && s.GapMM <= 20):
		return fmt.Errorf("%w: gap %v mm, want 0..20", ErrSpec, s.GapMM)
	}
	return nil
}

// Dots converts millimetres to printer dots at the spec's resolution.
func (s Spec) Dots(mm float64) int {
	return int(math.Round(mm * float64(s.DPI) / 25.4))
}
