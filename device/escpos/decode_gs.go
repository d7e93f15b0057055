package escpos

import (
	"fmt"
	"strings"
)

func (d *decoder) gs() error {
	b, err := d.need(2, "GS")
	if err != nil {
		return err
	}
	name := "GS " + printable(b[1])
	switch b[1] {
	case '!':
		return d.simple(OpSize, name, 3)
	case 'h':
		return d.simple(OpBarcodeHeight, name, 3)
	case 'w':
		return d.simple(OpBarcodeWidth, name, 3)
	case 'H':
		if b, err = d.need(3, name); err != nil {
			return err
		}
		h := arg01(b[2])
		if h > 3 {
			return d.invalid(name, b[2])
		}
		d.emit(Op{Kind: OpBarcodeHRI, N: int(h)}, 3)
		return nil
	case 'k':
		return d.barcode()
	case '(':
		return d.gsParen()
	case 'v':
		return d.raster()
	case 'V':
		return d.cut()
	case 'f', 'B', 'a', 'r', 'b':
		return d.other(name, 3)
	case 'L', 'W':
		return d.other(name, 4)
	}
	return d.fail(name, ErrUnknown)
}

// Symbologies of GS k by m: format A (NUL-terminated) 0..6, format B
// (counted) 65..73.
var symbologies = map[byte]Symbology{
	0: UPCA, 1: UPCE, 2: EAN13, 3: EAN8, 4: Code39, 5: ITF, 6: Codabar,
	65: UPCA, 66: UPCE, 67: EAN13, 68: EAN8, 69: Code39, 70: ITF, 71: Codabar, 72: Code93, 73: Code128,
}

func (d *decoder) barcode() error {
	const name = "GS k"
	b, err := d.need(3, name)
	if err != nil {
		return err
	}
	m := b[2]
	sym, ok := symbologies[m]
	if !ok {
		if m < 65 || m > 79 { // 74..79 are 2D and GS1 codes with the same framing
			return d.invalid(name, m)
		}
		sym = Symbology(fmt.Sprintf("gs-k-%d", m))
	}
	var data []byte
	var n int
	if m < 65 {
		end := -1
		for i := d.pos + 3; i < len(d.data); i++ {
			if d.data[i] == 0 {
				end = i
				break
			}
		}
		if end < 0 {
			return d.fail(name, fmt.Errorf("%w: no NUL after the data", ErrTruncated))
		}
		data, n = d.data[d.pos+3:end], end+1-d.pos
	} else {
		if b, err = d.need(4, name); err != nil {
			return err
		}
		n = 4 + int(b[3])
		if b, err = d.need(n, name); err != nil {
			return err
		}
		data = b[4:]
	}
	text := string(data)
	if sym == Code128 {
		if text, err = decodeCode128(data); err != nil {
			return d.fail(name, err)
		}
	}
	d.emit(Op{Kind: OpBarcode, Symbology: sym, Text: text}, n)
	return nil
}

// decodeCode128 reads the GS k 73 data: "{A" "{B" "{C" select the code
// set, "{{" is "{", "{1".."{4" and "{S" are function and shift codes
// (dropped), and code C bytes 0..99 are digit pairs.
func decodeCode128(p []byte) (string, error) {
	var sb strings.Builder
	set := byte('B')
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '{' {
			if i+1 >= len(p) {
				return "", fmt.Errorf("%w: CODE128 data ends in '{'", ErrInvalid)
			}
			i++
			switch p[i] {
			case 'A', 'B', 'C':
				set = p[i]
			case '{':
				sb.WriteByte('{')
			case 'S', '1', '2', '3', '4':
			default:
				return "", fmt.Errorf("%w: CODE128 '{%c'", ErrInvalid, p[i])
			}
			continue
		}
		if set == 'C' {
			if c > 99 {
				return "", fmt.Errorf("%w: CODE128 code C byte %d", ErrInvalid, c)
			}
			fmt.Fprintf(&sb, "%02d", c)
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String(), nil
}

// gsParen decodes GS ( x pL pH data: QR codes (GS ( k cn 49) are read,
// the rest are skipped by their length.
func (d *decoder) gsParen() error {
	b, err := d.need(5, "GS (")
	if err != nil {
		return err
	}
	name := "GS ( " + printable(b[2])
	n := int(b[3]) + int(b[4])<<8
	if b, err = d.need(5+n, name); err != nil {
		return err
	}
	p := b[5:]
	if b[2] != 'k' || len(p) < 2 || p[0] != 0x31 {
		if b[2] == 'k' && len(p) < 2 {
			return d.fail(name, fmt.Errorf("%w: %d parameter bytes", ErrInvalid, len(p)))
		}
		return d.other(name, 5+n)
	}
	fn, args := p[1], p[2:]
	arg := func() (byte, error) {
		if len(args) == 0 {
			return 0, d.fail(name, fmt.Errorf("%w: QR function 0x%02X without argument", ErrInvalid, fn))
		}
		return args[0], nil
	}
	var op Op
	switch fn {
	case 0x41:
		a, err := arg()
		if err != nil {
			return err
		}
		op = Op{Kind: OpQRModel, N: int(a)}
	case 0x43:
		a, err := arg()
		if err != nil {
			return err
		}
		op = Op{Kind: OpQRModule, N: int(a)}
	case 0x45:
		a, err := arg()
		if err != nil {
			return err
		}
		op = Op{Kind: OpQRLevel, Level: qrLevelOf(a)}
	case 0x50:
		if _, err := arg(); err != nil {
			return err
		}
		op = Op{Kind: OpQRStore, Text: string(args[1:])}
	case 0x51:
		op = Op{Kind: OpQRPrint}
	default:
		return d.other(fmt.Sprintf("%s QR 0x%02X", name, fn), 5+n)
	}
	d.emit(op, 5+n)
	return nil
}

// raster decodes GS v 0 m xL xH yL yH and x*y bytes of dots.
func (d *decoder) raster() error {
	const name = "GS v 0"
	b, err := d.need(8, name)
	if err != nil {
		return err
	}
	if b[2] != '0' {
		return d.invalid(name, b[2])
	}
	m := arg01(b[3])
	if m > 3 {
		return d.invalid(name, b[3])
	}
	x := int(b[4]) + int(b[5])<<8
	y := int(b[6]) + int(b[7])<<8
	if b, err = d.need(8+x*y, name); err != nil {
		return err
	}
	r := &Raster{Width: 8 * x, Height: y, Bits: append([]byte(nil), b[8:]...)}
	d.emit(Op{Kind: OpRaster, N: int(m), Raster: r}, 8+x*y)
	return nil
}

// cut decodes GS V m, and GS V m n for functions B, C and D.
func (d *decoder) cut() error {
	const name = "GS V"
	b, err := d.need(3, name)
	if err != nil {
		return err
	}
	m := b[2]
	n := 3
	switch m {
	case 0, 1, '0', '1':
	case 65, 66, 97, 98, 103, 104:
		n = 4
		if _, err := d.need(n, name); err != nil {
			return err
		}
	default:
		return d.invalid(name, m)
	}
	partial := m == 1 || m == '1' || m == 66 || m == 98 || m == 104
	d.emit(Op{Kind: OpCut, N: int(m), Partial: partial}, n)
	return nil
}
