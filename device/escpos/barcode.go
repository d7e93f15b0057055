package escpos

import (
	"errors"
	"fmt"
)

// Symbology is a barcode type. The builder prints Code128 and EAN13; the
// others are recognised when decoding raw jobs.
type Symbology string

const (
	Code128 Symbology = "code128"
	EAN13   Symbology = "ean13"
	UPCA    Symbology = "upca"
	UPCE    Symbology = "upce"
	EAN8    Symbology = "ean8"
	Code39  Symbology = "code39"
	ITF     Symbology = "itf"
	Codabar Symbology = "codabar"
	Code93  Symbology = "code93"
)

// HRI is where the human-readable digits print (GS H n).
type HRI byte

const (
	HRINone  HRI = 0
	HRIAbove HRI = 1
	HRIBelow HRI = 2
	HRIBoth  HRI = 3
)

// Barcode is a linear barcode to print.
type Barcode struct {
	Symbology Symbology `json:"symbology"`
	Data      string    `json:"data"`
	Height    int       `json:"height,omitempty"` // dots; 0 is 80 (10 mm)
	Module    int       `json:"module,omitempty"` // narrow bar in dots (GS w); 0 is the widest of 2..3 that fits
	HRI       HRI       `json:"hri,omitempty"`
}

const (
	defaultBarcodeHeight = 80
	minModule            = 2 // GS w below 2 is ignored by Epson and too thin to scan
	maxAutoModule        = 3
	maxModule            = 6
	quietModules         = 20 // 10 each side
)

// ErrBarcode is wrapped by the reasons a barcode cannot be printed.
var ErrBarcode = errors.New("barcode cannot be printed")

// Resolve is the barcode as it will print on paper dots wide: an EAN-13
// with 12 digits gets its check digit, an EAN-13 that is not valid falls
// back to CODE128, and the module width and height are settled so it fits.
// It fails (wrapping ErrBarcode) when the data cannot be a CODE128 (empty,
// not printable ASCII, too long) or is too wide for the paper; the caller
// then prints the data as text. Resolve is idempotent.
func (bc Barcode) Resolve(dots int) (Barcode, error) {
	if dots <= 0 {
		dots = defaultDots
	}
	if bc.Symbology == EAN13 {
		if d, ok := ean13Digits(bc.Data); ok {
			bc.Data = d
		} else {
			bc.Symbology = Code128
		}
	}
	var modules int
	switch bc.Symbology {
	case EAN13:
		modules = 95 + quietModules
	default:
		bc.Symbology = Code128
		_, symbols, err := code128Payload(bc.Data)
		if err != nil {
			return bc, err
		}
		modules = 11*symbols + 35 + quietModules // start, check and stop: 11+11+13
	}
	fit := dots / modules
	want := maxAutoModule
	if bc.Module > 0 {
		want = min(max(bc.Module, minModule), maxModule)
	}
	bc.Module = min(want, fit)
	if bc.Module < minModule {
		return bc, fmt.Errorf("%w: %q needs %d dots, the paper has %d", ErrBarcode, bc.Data, modules*minModule, dots)
	}
	if bc.Height <= 0 {
		bc.Height = defaultBarcodeHeight
	}
	bc.Height = min(bc.Height, 255)
	if bc.HRI > HRIBoth {
		bc.HRI = HRINone
	}
	return bc, nil
}

// EAN13Check is the check digit of 12 EAN-13 digits.
func EAN13Check(digits string) (byte, bool) {
	if len(digits) != 12 || !allDigits(digits) {
		return 0, false
	}
	sum := 0
	for i := range 12 {
		d := int(digits[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10), true
}

// ean13Digits is the 13 digits of a valid EAN-13 given with or without
// its check digit.
func ean13Digits(s string) (string, bool) {
	switch len(s) {
	case 12:
		c, ok := EAN13Check(s)
		return s + string(rune(c)), ok
	case 13:
		c, ok := EAN13Check(s[:12])
		return s, ok && c == s[12]
	}
	return "", false
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) > 0
}

// code128Payload is the GS k 73 data for s: "{B" text, or "{C" digit
// pairs as bytes 0..99 where a run of digits is long enough to save room
// (a tracking number in code set B alone is too wide for 58 mm paper).
// A literal "{" is sent as "{{". It also counts the symbols, switches
// included, to size the barcode.
func code128Payload(s string) ([]byte, int, error) {
	if s == "" {
		return nil, 0, fmt.Errorf("%w: no data", ErrBarcode)
	}
	for i := range len(s) {
		if s[i] < 0x20 || s[i] > 0x7e {
			return nil, 0, fmt.Errorf("%w: %q is not printable ASCII", ErrBarcode, s)
		}
	}
	var out []byte
	set, symbols := byte(0), 0
	use := func(next byte) {
		if set != next {
			if set != 0 {
				symbols++ // a code set switch is a symbol; the first is the start symbol
			}
			set = next
			out = append(out, '{', next)
		}
	}
	for i := 0; i < len(s); {
		run := digitRun(s[i:])
		if run >= 4 || (i == 0 && run == len(s) && run%2 == 0) {
			if run%2 == 1 { // odd: the first digit goes in code set B
				use('B')
				out = append(out, s[i])
				symbols++
				i++
				run--
			}
			use('C')
			for ; run > 0; run -= 2 {
				out = append(out, (s[i]-'0')*10+s[i+1]-'0')
				symbols++
				i += 2
			}
			continue
		}
		use('B')
		if s[i] == '{' {
			out = append(out, '{')
		}
		out = append(out, s[i])
		symbols++
		i++
	}
	if len(out) > 255 {
		return nil, 0, fmt.Errorf("%w: %q is too long", ErrBarcode, s)
	}
	return out, symbols, nil
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// Lines is how the barcode prints on p: one barcode line, or, when it
// cannot print as a barcode, its data as centred text so the code can
// still be keyed in.
func (bc Barcode) Lines(p Profile) []Line {
	res, err := bc.Resolve(p.PrintDots())
	if err != nil {
		return fallbackLines(p, bc.Data)
	}
	return []Line{{Kind: LineBarcode, Style: Style{Align: AlignCenter}.Normal(), Barcode: &res}}
}

// Barcode prints bc centred (see Barcode.Lines).
func (b *Builder) Barcode(bc Barcode) *Builder {
	return b.PrintLines(bc.Lines(b.p))
}

// Code128 prints data as a CODE128 barcode with its text below.
func (b *Builder) Code128(data string) *Builder {
	return b.Barcode(Barcode{Symbology: Code128, Data: data, HRI: HRIBelow})
}

// EAN13 prints an EAN-13 with its digits below; 12 digits get their check
// digit, and a bad EAN prints as CODE128.
func (b *Builder) EAN13(data string) *Builder {
	return b.Barcode(Barcode{Symbology: EAN13, Data: data, HRI: HRIBelow})
}

// barcode sends a resolved barcode: height, width, HRI, then GS k.
func (b *Builder) barcode(bc Barcode) {
	b.lineStart()
	b.withAlign(AlignCenter, func() {
		b.cmd(gs, 'h', byte(bc.Height), gs, 'w', byte(bc.Module), gs, 'H', byte(bc.HRI))
		if bc.Symbology == EAN13 {
			b.cmd(gs, 'k', 67, 13)
			b.buf = append(b.buf, bc.Data...)
			return
		}
		payload, _, _ := code128Payload(bc.Data)
		b.cmd(gs, 'k', 73, byte(len(payload)))
		b.buf = append(b.buf, payload...)
	})
}
