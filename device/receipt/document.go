package receipt

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"smartpoint/device/escpos"
)

// Doc is a printable document. The zero Doc is empty and ready to use;
// its methods append blocks and return the Doc so calls chain:
//
//	d := receipt.New().Title("SmartPoint").Pair("Заказ", "RU123").QR(url).Cut()
type Doc struct {
	Blocks []Block `json:"blocks"`

	err error
}

// New is an empty document.
func New() *Doc { return &Doc{} }

// Err is the first error a builder method met (an image that would not
// encode); the block was left out.
func (d *Doc) Err() error { return d.err }

// Add appends blocks.
func (d *Doc) Add(b ...Block) *Doc {
	d.Blocks = append(d.Blocks, b...)
	return d
}

// Styled appends a paragraph with its own style.
func (d *Doc) Styled(t Text) *Doc { return d.Add(Block{Text: &t}) }

// Title is a centred bold heading in double size.
func (d *Doc) Title(s string) *Doc {
	return d.Styled(Text{Text: s, Align: escpos.AlignCenter, Bold: true, Size: 2})
}

// Text is a plain paragraph.
func (d *Doc) Text(s string) *Doc { return d.Styled(Text{Text: s}) }

// Center is a centred paragraph.
func (d *Doc) Center(s string) *Doc { return d.Styled(Text{Text: s, Align: escpos.AlignCenter}) }

// Bold is a bold paragraph.
func (d *Doc) Bold(s string) *Doc { return d.Styled(Text{Text: s, Bold: true}) }

// Pair is a label and a right-aligned value.
func (d *Doc) Pair(left, right string) *Doc {
	return d.Add(Block{Pair: &Pair{Left: left, Right: right}})
}

// PairDots is a label and a value joined by a dot leader.
func (d *Doc) PairDots(left, right string) *Doc {
	return d.Add(Block{Pair: &Pair{Left: left, Right: right, Leader: "."}})
}

// Total is a bold label and value: the sum to pay.
func (d *Doc) Total(left, right string) *Doc {
	return d.Add(Block{Pair: &Pair{Left: left, Right: right, Bold: true}})
}

// Row is a table row.
func (d *Doc) Row(cells ...Cell) *Doc { return d.Add(Block{Columns: &Columns{Cells: cells}}) }

// Header is a bold table row.
func (d *Doc) Header(cells ...Cell) *Doc {
	return d.Add(Block{Columns: &Columns{Cells: cells, Bold: true}})
}

// Rule is a line of "-".
func (d *Doc) Rule() *Doc { return d.Add(Block{Rule: &Rule{Char: "-"}}) }

// DoubleRule is a line of "=".
func (d *Doc) DoubleRule() *Doc { return d.Add(Block{Rule: &Rule{Char: "="}}) }

// Feed is n blank lines.
func (d *Doc) Feed(n int) *Doc { return d.Add(Block{Feed: &Feed{Lines: n}}) }

// Code128 is a CODE128 barcode with its text below.
func (d *Doc) Code128(data string) *Doc {
	return d.Add(Block{Barcode: &Barcode{Symbology: escpos.Code128, Data: data, HRI: escpos.HRIBelow}})
}

// EAN13 is an EAN-13 with its digits below (CODE128 if data is no EAN).
func (d *Doc) EAN13(data string) *Doc {
	return d.Add(Block{Barcode: &Barcode{Symbology: escpos.EAN13, Data: data, HRI: escpos.HRIBelow}})
}

// QR is a QR code of the default size.
func (d *Doc) QR(data string) *Doc { return d.Add(Block{QR: &QR{Data: data}}) }

// Image is a picture, stored as PNG. A nil or empty image is skipped.
func (d *Doc) Image(img image.Image) *Doc {
	if img == nil || img.Bounds().Empty() {
		return d
	}
	b, err := NewImage(img)
	if err != nil {
		if d.err == nil {
			d.err = err
		}
		return d
	}
	return d.Add(Block{Image: b})
}

// Cut ends the receipt with a full cut.
func (d *Doc) Cut() *Doc { return d.Add(Block{Cut: &Cut{}}) }

// PartialCut ends the receipt leaving a hinge, for printers whose full
// cut drops receipts on the floor.
func (d *Doc) PartialCut() *Doc { return d.Add(Block{Cut: &Cut{Partial: true}}) }

// Drawer opens the cash drawer (pin 2).
func (d *Doc) Drawer() *Doc { return d.Add(Block{Drawer: &Drawer{Pin: 2}}) }

// NewImage encodes img as an Image block.
func NewImage(img image.Image) (*Image, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("receipt: encode image: %w", err)
	}
	return &Image{PNG: buf.Bytes()}, nil
}

// Decode is the picture, for the preview.
func (im Image) Decode() (image.Image, error) {
	img, err := png.Decode(bytes.NewReader(im.PNG))
	if err != nil {
		return nil, fmt.Errorf("receipt: decode image: %w", err)
	}
	return img, nil
}
