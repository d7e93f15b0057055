package escpos

import "image"

// BandRows is the most rows sent in one GS v 0: cheap printers have small
// receive buffers and drop the rest of a tall image.
const BandRows = 256

// RasterFromImage turns img into printer dots: scaled down (never up) to
// at most maxWidth dots, transparent areas white, and dithered to black
// and white with Floyd–Steinberg so grey logos keep their shading. A nil
// or empty image is an empty raster.
func RasterFromImage(img image.Image, maxWidth int) *Raster {
	if img == nil || img.Bounds().Empty() || maxWidth <= 0 {
		return NewRaster(0, 0)
	}
	lum, w, h := luminance(img, maxWidth)
	r := NewRaster(w, h)
	// error diffusion over a float grid: the row below gets its share too
	for y := range h {
		for x := range w {
			old := lum[y*w+x]
			black := old < 0.5
			r.Set(x, y, black)
			e := old
			if !black {
				e = old - 1
			}
			spread(lum, w, h, x+1, y, e*7/16)
			spread(lum, w, h, x-1, y+1, e*3/16)
			spread(lum, w, h, x, y+1, e*5/16)
			spread(lum, w, h, x+1, y+1, e*1/16)
		}
	}
	return r
}

func spread(lum []float64, w, h, x, y int, e float64) {
	if x >= 0 && x < w && y < h {
		lum[y*w+x] += e
	}
}

// luminance is img's brightness, 0 black to 1 white, averaged down to at
// most maxWidth columns (box filter, keeping the aspect ratio).
func luminance(img image.Image, maxWidth int) ([]float64, int, int) {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	w, h := sw, sh
	if sw > maxWidth {
		w = maxWidth
		h = max(sh*maxWidth/sw, 1)
	}
	lum := make([]float64, w*h)
	for y := range h {
		y0, y1 := y*sh/h, max((y+1)*sh/h, y*sh/h+1)
		for x := range w {
			x0, x1 := x*sw/w, max((x+1)*sw/w, x*sw/w+1)
			var total float64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					total += pixelLum(img, b.Min.X+sx, b.Min.Y+sy)
				}
			}
			lum[y*w+x] = total / float64((y1-y0)*(x1-x0))
		}
	}
	return lum, w, h
}

// pixelLum is the brightness of a pixel laid over white paper.
func pixelLum(img image.Image, x, y int) float64 {
	r, g, b, a := img.At(x, y).RGBA() // premultiplied, 0..0xffff
	y16 := 0.299*float64(r) + 0.587*float64(g) + 0.114*float64(b) + float64(0xffff-a)
	return y16 / 0xffff
}

// Image prints img centred, scaled down to the paper width (see
// RasterFromImage).
func (b *Builder) Image(img image.Image) *Builder {
	return b.Raster(RasterFromImage(img, b.p.PrintDots()))
}

// Raster prints r centred on the paper as GS v 0 bands of at most
// BandRows rows. It centres by shifting the dots, not with ESC a, which
// some clones ignore for images.
func (b *Builder) Raster(r *Raster) *Builder {
	if r.Empty() {
		return b
	}
	b.lineStart()
	placed := r.centred(b.p.PrintDots())
	b.withAlign(AlignLeft, func() {
		for y0 := 0; y0 < placed.Height; y0 += BandRows {
			y1 := min(y0+BandRows, placed.Height)
			xb, rows := placed.Stride(), y1-y0
			b.cmd(gs, 'v', '0', 0, byte(xb), byte(xb>>8), byte(rows), byte(rows>>8))
			b.buf = append(b.buf, placed.rows(y0, y1)...)
		}
	})
	return b
}
