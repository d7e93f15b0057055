package loyaltycard

import (
	"image"
	"image/color"

	"golang.org/x/image/vector"
)

// The built-in stamp shapes are vector paths in a unit square (0…1, y
// down), drawn anti-aliased at whatever size the cell has, so a 20-stamp
// card and a small preview stay crisp.

// kappa places cubic Bézier control points to approximate a quarter circle.
const kappa = 0.5522847498

// pen draws a path in unit coordinates into a rasterizer covering r.
type pen struct {
	z    *vector.Rasterizer
	w, h float32
}

func newPen(r image.Rectangle) pen {
	return pen{z: vector.NewRasterizer(r.Dx(), r.Dy()), w: float32(r.Dx()), h: float32(r.Dy())}
}

func (p pen) moveTo(x, y float32) { p.z.MoveTo(x*p.w, y*p.h) }
func (p pen) lineTo(x, y float32) { p.z.LineTo(x*p.w, y*p.h) }
func (p pen) cubeTo(x1, y1, x2, y2, x, y float32) {
	p.z.CubeTo(x1*p.w, y1*p.h, x2*p.w, y2*p.h, x*p.w, y*p.h)
}
func (p pen) close() { p.z.ClosePath() }

// fill paints the path in col onto dst at r. r outside dst draws nothing
// rather than writing out of the image's pixel slice.
func (p pen) fill(dst *image.RGBA, r image.Rectangle, col color.RGBA) {
	if r.Empty() || !r.In(dst.Bounds()) {
		return
	}
	p.z.Draw(dst, r, image.NewUniform(col), image.Point{})
}

// roundRect adds a rectangle with corner radius rad (all in unit coordinates
// of the pen, rad relative to the width).
func (p pen) roundRect(x0, y0, x1, y1, rad float32) {
	rx, ry := rad, rad*p.w/p.h // equal radius in pixels
	kx, ky := rx*kappa, ry*kappa
	p.moveTo(x0+rx, y0)
	p.lineTo(x1-rx, y0)
	p.cubeTo(x1-rx+kx, y0, x1, y0+ry-ky, x1, y0+ry)
	p.lineTo(x1, y1-ry)
	p.cubeTo(x1, y1-ry+ky, x1-rx+kx, y1, x1-rx, y1)
	p.lineTo(x0+rx, y1)
	p.cubeTo(x0+rx-kx, y1, x0, y1-ry+ky, x0, y1-ry)
	p.lineTo(x0, y0+ry)
	p.cubeTo(x0, y0+ry-ky, x0+rx-kx, y0, x0+rx, y0)
	p.close()
}

// ellipse adds an ellipse centred at (cx, cy) with radii rx, ry.
func (p pen) ellipse(cx, cy, rx, ry float32) {
	kx, ky := rx*kappa, ry*kappa
	p.moveTo(cx+rx, cy)
	p.cubeTo(cx+rx, cy+ky, cx+kx, cy+ry, cx, cy+ry)
	p.cubeTo(cx-kx, cy+ry, cx-rx, cy+ky, cx-rx, cy)
	p.cubeTo(cx-rx, cy-ky, cx-kx, cy-ry, cx, cy-ry)
	p.cubeTo(cx+kx, cy-ry, cx+rx, cy-ky, cx+rx, cy)
	p.close()
}

// starPoints is a five-pointed star, point up, with the inner radius of a
// regular pentagram (0.382 of the outer) widened a little so it reads as
// a filled shape when small.
var starPoints = [10][2]float32{
	{0.500, 0.020}, {0.618, 0.338}, {0.957, 0.352}, {0.691, 0.562}, {0.782, 0.888},
	{0.500, 0.700}, {0.218, 0.888}, {0.309, 0.562}, {0.043, 0.352}, {0.382, 0.338},
}

// drawIcon paints a built-in shape into r. main is the shape's colour;
// detail is used for the inner lines of shapes that have them (the tape
// and lid gap of the parcel), so the box reads as a box.
func drawIcon(dst *image.RGBA, icon Icon, r image.Rectangle, main, detail color.RGBA) {
	p := newPen(r)
	switch icon {
	case IconStar:
		p.moveTo(starPoints[0][0], starPoints[0][1])
		for _, pt := range starPoints[1:] {
			p.lineTo(pt[0], pt[1])
		}
		p.close()
		p.fill(dst, r, main)
	case IconHeart:
		p.moveTo(0.50, 0.95)
		p.cubeTo(0.20, 0.72, 0.02, 0.54, 0.02, 0.34)
		p.cubeTo(0.02, 0.16, 0.15, 0.06, 0.29, 0.06)
		p.cubeTo(0.39, 0.06, 0.46, 0.12, 0.50, 0.21)
		p.cubeTo(0.54, 0.12, 0.61, 0.06, 0.71, 0.06)
		p.cubeTo(0.85, 0.06, 0.98, 0.16, 0.98, 0.34)
		p.cubeTo(0.98, 0.54, 0.80, 0.72, 0.50, 0.95)
		p.close()
		p.fill(dst, r, main)
	case IconParcel:
		p.roundRect(0.04, 0.14, 0.96, 0.34, 0.05) // lid
		p.roundRect(0.10, 0.38, 0.90, 0.92, 0.05) // body
		p.fill(dst, r, main)
		tape := newPen(r)
		tape.roundRect(0.42, 0.14, 0.58, 0.92, 0.02)
		tape.fill(dst, r, detail)
	default: // IconCircle
		p.ellipse(0.5, 0.5, 0.46, 0.46)
		p.fill(dst, r, main)
	}
}
