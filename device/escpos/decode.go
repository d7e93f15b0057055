package escpos

import (
	"errors"
	"fmt"
)

// OpKind is what a decoded command does.
type OpKind string

const (
	OpText          OpKind = "text"           // Text: the characters, decoded in the selected code page
	OpLF            OpKind = "lf"             // print and feed one line
	OpCR            OpKind = "cr"             // carriage return (no effect in standard mode)
	OpInit          OpKind = "init"           // ESC @
	OpCodePage      OpKind = "code-page"      // ESC t: N the number, CodePage the page it selects
	OpCancelKanji   OpKind = "cancel-kanji"   // FS .
	OpAlign         OpKind = "align"          // ESC a: N the Align
	OpBold          OpKind = "bold"           // ESC E (or ESC G): N 1 on, 0 off
	OpUnderline     OpKind = "underline"      // ESC -: N 0, 1 or 2 dots
	OpSize          OpKind = "size"           // GS !: N the size byte
	OpPrintMode     OpKind = "print-mode"     // ESC !: N the mode bits
	OpFeed          OpKind = "feed"           // ESC d: N lines
	OpFeedDots      OpKind = "feed-dots"      // ESC J: N dots
	OpBarcodeHeight OpKind = "barcode-height" // GS h: N dots
	OpBarcodeWidth  OpKind = "barcode-width"  // GS w: N dots per module
	OpBarcodeHRI    OpKind = "barcode-hri"    // GS H: N the HRI position
	OpBarcode       OpKind = "barcode"        // GS k: Symbology, Text the data
	OpQRModel       OpKind = "qr-model"       // GS ( k fn 165: N 49 model 1, 50 model 2
	OpQRModule      OpKind = "qr-module"      // GS ( k fn 167: N dots
	OpQRLevel       OpKind = "qr-level"       // GS ( k fn 169: Level
	OpQRStore       OpKind = "qr-store"       // GS ( k fn 180: Text the payload
	OpQRPrint       OpKind = "qr-print"       // GS ( k fn 181
	OpRaster        OpKind = "raster"         // GS v 0: Raster, N the scale mode
	OpCut           OpKind = "cut"            // GS V: Partial
	OpDrawer        OpKind = "drawer"         // ESC p or DLE DC4 1: N the pin, 2 or 5
	OpStatusQuery   OpKind = "status-query"   // DLE EOT: N the query
	OpOther         OpKind = "other"          // a known command with nothing to show: Text names it
)

// Op is one decoded command.
type Op struct {
	Kind      OpKind    `json:"kind"`
	Offset    int       `json:"offset"` // of the command's first byte
	N         int       `json:"n,omitempty"`
	Text      string    `json:"text,omitempty"`
	CodePage  CodePage  `json:"code_page,omitempty"`
	Symbology Symbology `json:"symbology,omitempty"`
	Level     QRLevel   `json:"level,omitempty"`
	Raster    *Raster   `json:"raster,omitempty"`
	Partial   bool      `json:"partial,omitempty"`
	Raw       []byte    `json:"-"` // the command's bytes
}

// Decode errors, wrapped in a *DecodeError.
var (
	ErrTruncated = errors.New("truncated command")
	ErrUnknown   = errors.New("unknown command")
	ErrInvalid   = errors.New("invalid argument")
)

// DecodeError says where decoding stopped and why.
type DecodeError struct {
	Offset  int    // of the command's first byte
	Command string // e.g. "GS k"
	Err     error  // ErrTruncated, ErrUnknown or ErrInvalid, wrapped
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("escpos: %s at offset %d: %v", e.Command, e.Offset, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decode parses an ESC/POS byte stream into operations. Text is decoded
// with the code page the last ESC t selected on a printer of p.Family; an
// ESC t number it does not know (an overridden one) is read as
// p.CodePage, as is text before any ESC t. It stops at the first unknown
// or truncated command with a *DecodeError and returns the operations
// before it; it never panics.
func Decode(data []byte, p Profile) ([]Op, error) {
	d := &decoder{data: data, family: p.Family, page: p.Page()}
	d.cp = d.page
	for d.pos < len(data) {
		if err := d.next(); err != nil {
			return d.ops, err
		}
	}
	return d.ops, nil
}

type decoder struct {
	data   []byte
	pos    int
	family Family
	page   CodePage // the profile's
	cp     CodePage // selected
	ops    []Op
}

// next decodes the command at pos.
func (d *decoder) next() error {
	c := d.data[d.pos]
	switch {
	case c >= 0x20:
		d.text()
		return nil
	case c == lf:
		return d.simple(OpLF, "LF", 1)
	case c == '\r':
		return d.simple(OpCR, "CR", 1)
	case c == '\t', c == 0x0c, c == 0x18:
		return d.other(fmt.Sprintf("control 0x%02X", c), 1)
	case c == esc:
		return d.esc()
	case c == gs:
		return d.gs()
	case c == fs:
		return d.fs()
	case c == dle:
		return d.dle()
	}
	return d.fail(fmt.Sprintf("control 0x%02X", c), ErrUnknown)
}

// text decodes a run of printable bytes.
func (d *decoder) text() {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= 0x20 {
		d.pos++
	}
	rs := make([]rune, 0, d.pos-start)
	for _, b := range d.data[start:d.pos] {
		rs = append(rs, d.cp.decode(b))
	}
	d.ops = append(d.ops, Op{Kind: OpText, Offset: start, Text: string(rs), Raw: d.data[start:d.pos]})
}

// need is the n bytes of the command at pos, or a truncation error.
func (d *decoder) need(n int, name string) ([]byte, error) {
	if n < 0 || len(d.data)-d.pos < n {
		return nil, d.fail(name, fmt.Errorf("%w: needs %d bytes, %d left", ErrTruncated, n, len(d.data)-d.pos))
	}
	return d.data[d.pos : d.pos+n], nil
}

// emit appends op for the n bytes at pos and moves past them.
func (d *decoder) emit(op Op, n int) {
	op.Offset, op.Raw = d.pos, d.data[d.pos:d.pos+n]
	d.ops = append(d.ops, op)
	d.pos += n
}

// simple decodes an n-byte command whose last byte (if n > 1) is N.
func (d *decoder) simple(kind OpKind, name string, n int) error {
	b, err := d.need(n, name)
	if err != nil {
		return err
	}
	op := Op{Kind: kind}
	if n > 1 {
		op.N = int(b[n-1])
	}
	d.emit(op, n)
	return nil
}

// other skips a known n-byte command with nothing to show.
func (d *decoder) other(name string, n int) error {
	if _, err := d.need(n, name); err != nil {
		return err
	}
	d.emit(Op{Kind: OpOther, Text: name}, n)
	return nil
}

func (d *decoder) fail(name string, err error) error {
	return &DecodeError{Offset: d.pos, Command: name, Err: err}
}

func (d *decoder) invalid(name string, arg byte) error {
	return d.fail(name, fmt.Errorf("%w 0x%02X", ErrInvalid, arg))
}

// arg01 reads a switch or choice argument given as n or as ASCII '0'+n.
func arg01(b byte) byte {
	if b >= '0' && b <= '9' {
		return b - '0'
	}
	return b
}

func (d *decoder) esc() error {
	b, err := d.need(2, "ESC")
	if err != nil {
		return err
	}
	name := "ESC " + printable(b[1])
	switch b[1] {
	case '@':
		d.cp = d.page
		return d.simple(OpInit, name, 2)
	case 't':
		if b, err = d.need(3, name); err != nil {
			return err
		}
		cp, ok := CodePageForNumber(d.family, b[2])
		if !ok {
			cp = d.page
		}
		d.cp = cp
		d.emit(Op{Kind: OpCodePage, N: int(b[2]), CodePage: cp}, 3)
		return nil
	case 'a':
		if b, err = d.need(3, name); err != nil {
			return err
		}
		a := arg01(b[2])
		if a > 2 {
			return d.invalid(name, b[2])
		}
		d.emit(Op{Kind: OpAlign, N: int(a)}, 3)
		return nil
	case 'E', 'G':
		if b, err = d.need(3, name); err != nil {
			return err
		}
		d.emit(Op{Kind: OpBold, N: int(b[2] & 1)}, 3)
		return nil
	case '-':
		if b, err = d.need(3, name); err != nil {
			return err
		}
		u := arg01(b[2])
		if u > 2 {
			return d.invalid(name, b[2])
		}
		d.emit(Op{Kind: OpUnderline, N: int(u)}, 3)
		return nil
	case 'd':
		return d.simple(OpFeed, name, 3)
	case 'J':
		return d.simple(OpFeedDots, name, 3)
	case '!':
		return d.simple(OpPrintMode, name, 3)
	case 'p':
		if b, err = d.need(5, name); err != nil {
			return err
		}
		m := arg01(b[2])
		if m > 1 {
			return d.invalid(name, b[2])
		}
		d.emit(Op{Kind: OpDrawer, N: 2 + 3*int(m)}, 5)
		return nil
	case '2':
		return d.other(name, 2)
	case '3', 'M', 'R', '{', ' ', 'V', 'U', 'c':
		if b[1] == 'c' { // ESC c 3 n, ESC c 4 n, ESC c 5 n
			return d.other(name, 4)
		}
		return d.other(name, 3)
	}
	return d.fail(name, ErrUnknown)
}

func (d *decoder) fs() error {
	b, err := d.need(2, "FS")
	if err != nil {
		return err
	}
	name := "FS " + printable(b[1])
	switch b[1] {
	case '.':
		return d.simple(OpCancelKanji, name, 2)
	case '&':
		return d.other(name, 2)
	case 'C':
		return d.other(name, 3)
	case 'p':
		return d.other(name, 4)
	}
	return d.fail(name, ErrUnknown)
}

func (d *decoder) dle() error {
	b, err := d.need(2, "DLE")
	if err != nil {
		return err
	}
	switch b[1] {
	case 0x04:
		if b, err = d.need(3, "DLE EOT"); err != nil {
			return err
		}
		if b[2] < StatusPrinter || b[2] > StatusPaper {
			return d.invalid("DLE EOT", b[2])
		}
		d.emit(Op{Kind: OpStatusQuery, N: int(b[2])}, 3)
		return nil
	case 0x05:
		return d.other("DLE ENQ", 3)
	case 0x14:
		if b, err = d.need(5, "DLE DC4"); err != nil {
			return err
		}
		if b[2] != 1 || b[3] > 1 {
			return d.invalid("DLE DC4", b[2])
		}
		d.emit(Op{Kind: OpDrawer, N: 2 + 3*int(b[3])}, 5)
		return nil
	}
	return d.fail(fmt.Sprintf("DLE 0x%02X", b[1]), ErrUnknown)
}

// printable names a command byte: a letter as itself, else in hex.
func printable(b byte) string {
	if b > 0x20 && b < 0x7f {
		return string(rune(b))
	}
	return fmt.Sprintf("0x%02X", b)
}
