package escpos

import (
	"image"
	"image/color"
)

// Raster is a 1-bit image as the printer receives it: rows of
// (Width+7)/8 bytes, the most significant bit the leftmost dot, 1 a black
// dot. It implements image.Image (black on white) so it can be shown or
// fed to a QR reader.
type Raster struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Bits   []byte `json:"bits"`
}

// NewRaster is a white w×h raster.
func NewRaster(w, h int) *Raster {
	w, h = max(w, 0), max(h, 0)
	return &Raster{Width: w, Height: h, Bits: make([]byte, (w+7)/8*h)}
}

// Stride is the bytes per row.
func (r *Raster) Stride() int { return (r.Width + 7) / 8 }

// Empty reports whether there is nothing to print.
func (r *Raster) Empty() bool { return r == nil || r.Width <= 0 || r.Height <= 0 }

func (r *Raster) inside(x, y int) bool {
	return x >= 0 && y >= 0 && x < r.Width && y < r.Height && y*r.Stride()+x/8 < len(r.Bits)
}

// Black reports whether dot (x, y) is black; outside is white.
func (r *Raster) Black(x, y int) bool {
	if !r.inside(x, y) {
		return false
	}
	return r.Bits[y*r.Stride()+x/8]&(0x80>>(x%8)) != 0
}

// Set paints dot (x, y); outside is ignored.
func (r *Raster) Set(x, y int, black bool) {
	if !r.inside(x, y) {
		return
	}
	i, m := y*r.Stride()+x/8, byte(0x80>>(x%8))
	if black {
		r.Bits[i] |= m
	} else {
		r.Bits[i] &^= m
	}
}

// BlackDots counts the black dots: what a print of it costs in heat.
func (r *Raster) BlackDots() int {
	n := 0
	for y := range r.Height {
		for x := range r.Width {
			if r.Black(x, y) {
				n++
			}
		}
	}
	return n
}

// ColorModel is part of image.Image.
func (r *Raster) ColorModel() color.Model { return color.GrayModel }

// Bounds is part of image.Image.
func (r *Raster) Bounds() image.Rectangle { return image.Rect(0, 0, r.Width, r.Height) }

// At is part of image.Image: black or white.
func (r *Raster) At(x, y int) color.Color {
	if r.Black(x, y) {
		return color.Gray{Y: 0}
	}
	return color.Gray{Y: 0xff}
}

// centred is r centred on a line of dots dots: shifted right by the
// margin, with the row cut at the paper's edge. Rows keep only the bytes
// up to the last dot of r.
func (r *Raster) centred(dots int) *Raster {
	left := max((dots-r.Width)/2, 0)
	w := min(left+r.Width, max(dots, 1))
	if left == 0 && w == r.Width {
		return r
	}
	out := NewRaster(w, r.Height)
	for y := range r.Height {
		for x := range w - left {
			if r.Black(x, y) {
				out.Set(left+x, y, true)
			}
		}
	}
	return out
}

// rows is the band of rows [y0, y1).
func (r *Raster) rows(y0, y1 int) []byte {
	s := r.Stride()
	return r.Bits[y0*s : y1*s]
}
