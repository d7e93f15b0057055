package loyaltycard

import (
	"fmt"
	"image"
	"math"
)

// Geometry is where everything went on a rendered card, in pixels of the
// image Render returns for the same Design and CardState. The editor can
// use it to highlight the part being edited; tests use it to check what a
// customer would see.
type Geometry struct {
	Size     image.Point
	Logo     image.Rectangle // the logo as drawn (proportions kept); empty without one
	QR       image.Rectangle // the code with its quiet zone, black on white; the placeholder without QRText
	QRModule int             // pixels per module; 0 without QRText
	// Stamps has one square per stamp, in order; the first Filled of them
	// show a collected stamp, the rest an empty one.
	Stamps []image.Rectangle
	Filled int

	Title, Subtitle, Customer, Count, Reward, Terms TextBox
	// Points is a points card's balance, drawn where stamps would be;
	// empty on a stamp card.
	Points TextBox
}

// The card's layout in pixels at scale 1 (1080×680). Left: logo and
// title, the stamps, the reward; right: the code (as large as the height
// allows, to scan from a phone screen), the customer's name and the
// count; the terms run along the bottom.
const (
	pad        = 44
	cornerR    = 36 // the card's rounded corners
	colRight   = 616
	panelX     = 656 // the QR's white panel: a 380-pixel square
	panelSide  = 380
	panelR     = 18
	logoSide   = 110
	logoGap    = 24
	titleY1    = 118 // title bottom when there is a subtitle
	subtitleY1 = 156
	stampsY0   = 180
	stampsY1   = 484
	rewardY1   = 590
	termsY0    = 598
	termsY1    = 660
	customerY0 = 436
	customerY1 = 486
	countY1    = 584
	stampInset = 0.09 // gap around each stamp, of its cell
)

// card is a Design and CardState laid out, ready to paint.
type card struct {
	d     Design
	p     *prepared
	scale float64
	geo   Geometry
	panel image.Rectangle // the white panel around the code
	qr    [][]bool        // modules incl. quiet zone; nil for the placeholder
	texts []*textBlock
}

// Layout is where Render puts everything, without drawing.
func Layout(d Design, st CardState) (Geometry, error) {
	c, err := newCard(d, st)
	if err != nil {
		return Geometry{}, err
	}
	return c.geo, nil
}

func newCard(d Design, st CardState) (*card, error) {
	p, err := d.prepare()
	if err != nil {
		return nil, err
	}
	scale, err := st.check()
	if err != nil {
		return nil, err
	}
	c := &card{d: d, p: p, scale: scale}
	c.geo.Size = image.Pt(c.px(BaseWidth), c.px(BaseHeight))
	if err := c.layoutQR(st.QRText); err != nil {
		return nil, err
	}
	if st.Points == "" {
		c.layoutStamps(st.Stamps)
	}
	if err := c.layoutTexts(st); err != nil {
		return nil, err
	}
	return c, nil
}

// px scales a length from the 1080×680 design.
func (c *card) px(v float64) int { return int(math.Round(v * c.scale)) }

func (c *card) rect(x0, y0, x1, y1 float64) image.Rectangle {
	return image.Rect(c.px(x0), c.px(y0), c.px(x1), c.px(y1))
}

func (c *card) layoutQR(text string) error {
	c.panel = c.rect(panelX, pad, panelX+panelSide, pad+panelSide)
	if text == "" {
		c.geo.QR = c.panel.Inset(c.px(panelR))
		return nil
	}
	bits, err := qrModules(text)
	if err != nil {
		return err
	}
	n := len(bits)
	module := c.panel.Dx() / n
	if module < 1 {
		return fmt.Errorf("loyaltycard: %d QR modules do not fit %d pixels: %w", n, c.panel.Dx(), errQRTooDense(text))
	}
	side := n * module
	off := (c.panel.Dx() - side) / 2
	c.geo.QR = image.Rect(c.panel.Min.X+off, c.panel.Min.Y+off, c.panel.Min.X+off+side, c.panel.Min.Y+off+side)
	c.geo.QRModule = module
	c.qr = bits
	return nil
}

func (c *card) layoutStamps(stamps int) {
	n := c.d.Stamps
	c.geo.Filled = min(stamps, n)
	area := c.rect(pad, stampsY0, colRight, stampsY1)
	// The grid with the biggest cells wins; ties keep fewer rows.
	rows, cell := 1, 0
	for r := 1; r <= n; r++ {
		cols := (n + r - 1) / r
		if s := min(area.Dx()/cols, area.Dy()/r); s > cell {
			rows, cell = r, s
		}
	}
	cols := (n + rows - 1) / rows
	top := area.Min.Y + (area.Dy()-rows*cell)/2
	inset := int(math.Round(float64(cell) * stampInset))
	for i := range n {
		x := area.Min.X + (i%cols)*cell
		y := top + (i/cols)*cell
		c.geo.Stamps = append(c.geo.Stamps, image.Rect(x, y, x+cell, y+cell).Inset(inset))
	}
}

func (c *card) layoutTexts(st CardState) error {
	p, s := c.p, c.scale
	muted := mix(p.fg, p.bg, 0.75)
	titleX := float64(pad)
	if p.logo != nil {
		c.geo.Logo = fitInside(p.logo.Bounds(), c.rect(pad, pad, pad+logoSide, pad+logoSide))
		titleX += logoSide + logoGap
	}
	titleY1 := float64(titleY1)
	if c.d.Subtitle == "" {
		titleY1 = subtitleY1
	}
	count := fmt.Sprintf("%d / %d", c.geo.Filled, c.d.Stamps)
	if st.Points != "" {
		count = ""
	}
	items := []struct {
		dst  *TextBox
		spec textSpec
		area image.Rectangle
	}{
		{&c.geo.Title, textSpec{text: c.d.Title, bold: true, maxSize: 52, minSize: 22, maxLines: 2, colour: p.fg},
			c.rect(titleX, pad, colRight, titleY1)},
		{&c.geo.Subtitle, textSpec{text: c.d.Subtitle, maxSize: 30, minSize: 16, maxLines: 1, colour: mix(p.fg, p.bg, 0.85)},
			c.rect(titleX, titleY1, colRight, subtitleY1)},
		{&c.geo.Reward, textSpec{text: c.d.Reward, bold: true, maxSize: 34, minSize: 16, maxLines: 3, colour: p.accent},
			c.rect(pad, stampsY1, colRight, rewardY1)},
		{&c.geo.Terms, textSpec{text: c.d.Terms, maxSize: 17, minSize: 10, colour: muted},
			c.rect(pad, termsY0, BaseWidth-pad, termsY1)},
		{&c.geo.Customer, textSpec{text: cleanName(p.tf, st.CustomerName, MaxCustomer), bold: true, maxSize: 30, minSize: 16,
			maxLines: 1, align: alignCentre, middle: true, colour: p.fg},
			c.rect(panelX, customerY0, panelX+panelSide, customerY1)},
		{&c.geo.Points, textSpec{text: st.Points, bold: true, maxSize: 96, minSize: 28, maxLines: 1, middle: true, colour: p.accent},
			c.rect(pad, stampsY0, colRight, stampsY1)},
		{&c.geo.Count, textSpec{text: count, bold: true, maxSize: 44, minSize: 20,
			maxLines: 1, align: alignCentre, middle: true, colour: p.accent},
			c.rect(panelX, customerY1, panelX+panelSide, countY1)},
	}
	for _, it := range items {
		it.spec.maxSize *= s
		it.spec.minSize *= s
		b, err := p.tf.layoutText(it.spec, it.area)
		if err != nil {
			return err
		}
		*it.dst = b.box
		c.texts = append(c.texts, b)
	}
	return nil
}
