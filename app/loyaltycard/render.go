package loyaltycard

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"

	xdraw "golang.org/x/image/draw"
)

// Render draws one customer's card: the Design with the CardState's
// stamps, name and code. The image has transparent rounded corners, like
// a card in a phone wallet. Invalid input returns the Validate error (or
// ErrBadState for the state) and no image.
func Render(d Design, st CardState) (*image.RGBA, error) {
	c, err := newCard(d, st)
	if err != nil {
		return nil, err
	}
	return c.paint(), nil
}

// RenderPNG is Render encoded as PNG: for the customer's phone, a
// messenger, or printing.
func RenderPNG(d Design, st CardState) ([]byte, error) {
	img, err := Render(d, st)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("loyaltycard: encode card PNG: %w", err)
	}
	return buf.Bytes(), nil
}

func (c *card) paint() *image.RGBA {
	size := c.geo.Size
	img := image.NewRGBA(image.Rectangle{Max: size})
	full := img.Bounds()
	bg := newPen(full)
	bg.roundRect(0, 0, 1, 1, float32(c.px(cornerR))/float32(size.X))
	bg.fill(img, full, c.p.bg)

	if c.p.logo != nil {
		drawImage(img, c.p.logo, c.geo.Logo, 0xff)
	}
	for i, r := range c.geo.Stamps {
		c.paintStamp(img, r, i < c.geo.Filled)
	}
	c.paintQR(img)
	for _, t := range c.texts {
		t.draw(img)
	}
	return img
}

// emptyAlpha is how strongly an empty custom stamp shows: a faint
// outline of what the customer is collecting.
const emptyAlpha = 0x4d // 30%

// paintStamp draws a collected stamp in the accent colour and an empty
// one as a muted shape of the same kind, so the customer sees both how
// many they have and how many are left.
func (c *card) paintStamp(img *image.RGBA, r image.Rectangle, filled bool) {
	p := c.p
	if p.stamp != nil {
		alpha := uint8(0xff)
		if !filled {
			alpha = emptyAlpha
		}
		drawImage(img, p.stamp, fitInside(p.stamp.Bounds(), r), alpha)
		return
	}
	main, detail := p.accent, mix(p.accent, p.bg, 0.55)
	if !filled {
		main, detail = mix(p.fg, p.bg, 0.3), mix(p.fg, p.bg, 0.15)
	}
	drawIcon(img, c.d.StampIcon, r, main, detail)
}

func (c *card) paintQR(img *image.RGBA) {
	// The panel's corner radius never exceeds the margin around the code,
	// so rounding cannot cut into the quiet zone.
	radius := min(c.px(panelR), c.geo.QR.Min.X-c.panel.Min.X)
	if c.qr == nil {
		radius = c.px(panelR)
	}
	panel := newPen(c.panel)
	panel.roundRect(0, 0, 1, 1, float32(radius)/float32(max(c.panel.Dx(), 1)))
	panel.fill(img, c.panel, color.RGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff})
	if c.qr == nil {
		// The placeholder: a grey square where the code will be.
		draw.Draw(img, c.geo.QR, image.NewUniform(color.RGBA{R: 0xdd, G: 0xdd, B: 0xdd, A: 0xff}), image.Point{}, draw.Src)
		return
	}
	drawQR(img, c.geo.QR, c.qr, c.geo.QRModule)
}

// drawImage scales src into r (already fitted to its aspect ratio) with a
// smooth filter; alpha below 0xff fades it.
func drawImage(dst *image.RGBA, src image.Image, r image.Rectangle, alpha uint8) {
	if r.Empty() || !r.In(dst.Bounds()) {
		return
	}
	opts := &xdraw.Options{}
	if alpha < 0xff {
		opts.DstMask = image.NewUniform(color.Alpha{A: alpha})
	}
	xdraw.CatmullRom.Scale(dst, r, src, src.Bounds(), xdraw.Over, opts)
}
