package receipt

import "smartpoint/device/escpos"

// Block is one part of a document. Exactly one field is set; a block with
// none prints nothing, and with several only the first counts. Pointers
// keep the JSON short: {"text":{"text":"…","bold":true}}.
type Block struct {
	Text    *Text    `json:"text,omitempty"`
	Pair    *Pair    `json:"pair,omitempty"`
	Columns *Columns `json:"columns,omitempty"`
	Rule    *Rule    `json:"rule,omitempty"`
	Feed    *Feed    `json:"feed,omitempty"`
	Barcode *Barcode `json:"barcode,omitempty"`
	QR      *QR      `json:"qr,omitempty"`
	Image   *Image   `json:"image,omitempty"`
	Cut     *Cut     `json:"cut,omitempty"`
	Drawer  *Drawer  `json:"drawer,omitempty"`
}

// Text is a paragraph, wrapped to the line width.
type Text struct {
	Text      string       `json:"text"`
	Align     escpos.Align `json:"align,omitempty"`
	Bold      bool         `json:"bold,omitempty"`
	Underline bool         `json:"underline,omitempty"`
	Size      int          `json:"size,omitempty"` // width and height multiplier 1..3; 0 is 1
}

// Pair is a label and a value on one line, the value flush right:
// "Наложенный платёж ........ 1 500,00 сом". The value is never wrapped;
// a label that does not fit is cut with "...".
type Pair struct {
	Left   string `json:"left"`
	Right  string `json:"right"`
	Leader string `json:"leader,omitempty"` // one character between them, e.g. "."; empty is spaces
	Bold   bool   `json:"bold,omitempty"`
	Size   int    `json:"size,omitempty"`
}

// Columns is a table row. Each cell wraps within its column.
type Columns struct {
	Cells []Cell `json:"cells"`
	Bold  bool   `json:"bold,omitempty"`
}

// Cell is one cell of a row with its column's geometry: Width characters,
// or Fraction of the line, or (neither) a share of what is left.
type Cell struct {
	Text     string       `json:"text"`
	Width    int          `json:"width,omitempty"`
	Fraction float64      `json:"fraction,omitempty"`
	Align    escpos.Align `json:"align,omitempty"`
}

// Rule is a line across the paper.
type Rule struct {
	Char string `json:"char,omitempty"` // "-" (the default) or "="
}

// Feed is blank lines.
type Feed struct {
	Lines int `json:"lines"`
}

// Barcode is a linear barcode, centred.
type Barcode struct {
	Symbology escpos.Symbology `json:"symbology"` // escpos.Code128 or escpos.EAN13
	Data      string           `json:"data"`
	HRI       escpos.HRI       `json:"hri,omitempty"`    // where its text prints; 0 none
	Height    int              `json:"height,omitempty"` // dots; 0 is 80
}

// QR is a QR code, centred.
type QR struct {
	Data  string         `json:"data"`
	Size  int            `json:"size,omitempty"` // module size in dots, a hint; 0 is 6
	Level escpos.QRLevel `json:"level,omitempty"`
}

// Image is a picture (the point's logo) as PNG, centred and scaled down
// to the paper.
type Image struct {
	PNG []byte `json:"png"`
}

// Cut ends the receipt: feed past the cutter and cut, or feed to tear.
type Cut struct {
	Partial bool `json:"partial,omitempty"`
}

// Drawer opens the cash drawer, if one is wired to the printer.
type Drawer struct {
	Pin int `json:"pin,omitempty"` // 2 (default) or 5
}
