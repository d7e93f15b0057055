package escpos

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// QRLevel is the QR error correction level: "L", "M", "Q" or "H"; empty
// is M, which survives a smudge and keeps the symbol small.
type QRLevel string

const (
	QRLevelL QRLevel = "L"
	QRLevelM QRLevel = "M"
	QRLevelQ QRLevel = "Q"
	QRLevelH QRLevel = "H"
)

// QR is a QR code to print. Data is sent as its bytes (UTF-8), which is
// what phone cameras expect.
type QR struct {
	Data   string  `json:"data"`
	Module int     `json:"module,omitempty"` // dots per module, 1..16; 0 is 6 (0.75 mm at 203 dpi)
	Level  QRLevel `json:"level,omitempty"`
}

const (
	defaultQRModule = 6
	maxQRModule     = 16 // GS ( k function 167 allows 1..16
	maxQRData       = 7089
)

// Resolve is the QR as it will print on paper dots wide: the level
// settled and the module size shrunk so the symbol with its quiet zone
// fits. It fails when the data is empty or too long for a QR code; the
// caller then prints the data as text. Resolve is idempotent.
func (q QR) Resolve(dots int) (QR, error) {
	if dots <= 0 {
		dots = defaultDots
	}
	switch q.Level {
	case QRLevelL, QRLevelM, QRLevelQ, QRLevelH:
	default:
		q.Level = QRLevelM
	}
	if q.Data == "" || len(q.Data) > maxQRData {
		return q, fmt.Errorf("qr: %d bytes of data: %w", len(q.Data), ErrBarcode)
	}
	code, err := qrcode.New(q.Data, q.Level.recovery())
	if err != nil {
		return q, fmt.Errorf("qr: %w: %w", ErrBarcode, err)
	}
	size := len(code.Bitmap()) // modules, quiet zone included
	if q.Module <= 0 {
		q.Module = defaultQRModule
	}
	q.Module = min(q.Module, maxQRModule, dots/size)
	if q.Module < 1 {
		return q, fmt.Errorf("qr: %d modules do not fit %d dots: %w", size, dots, ErrBarcode)
	}
	return q, nil
}

func (l QRLevel) recovery() qrcode.RecoveryLevel {
	switch l {
	case QRLevelL:
		return qrcode.Low
	case QRLevelQ:
		return qrcode.High
	case QRLevelH:
		return qrcode.Highest
	}
	return qrcode.Medium
}

// levelByte is the GS ( k function 169 argument: 0x30 L … 0x33 H.
func (l QRLevel) levelByte() byte {
	switch l {
	case QRLevelL:
		return 0x30
	case QRLevelQ:
		return 0x32
	case QRLevelH:
		return 0x33
	}
	return 0x31
}

// qrLevelOf is the inverse of levelByte, for decoding.
func qrLevelOf(b byte) QRLevel {
	switch b {
	case 0x30, 0:
		return QRLevelL
	case 0x32, 2:
		return QRLevelQ
	case 0x33, 3:
		return QRLevelH
	}
	return QRLevelM
}

// Raster renders q (resolved or not) as dots for paper dots wide: each
// module Module dots square, the quiet zone of four modules included so a
// scanner finds the symbol next to text.
func (q QR) Raster(dots int) (*Raster, error) {
	q, err := q.Resolve(dots)
	if err != nil {
		return nil, err
	}
	code, err := qrcode.New(q.Data, q.Level.recovery())
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	bits := code.Bitmap()
	n := len(bits) * q.Module
	r := NewRaster(n, n)
	for y := range n {
		row := bits[y/q.Module]
		for x := range n {
			if row[x/q.Module] {
				r.Set(x, y, true)
			}
		}
	}
	return r, nil
}

// Lines is how the QR prints on p: one QR line (carrying the raster when
// p prints QR as an image), or its data as centred text when it cannot
// be a QR code.
func (q QR) Lines(p Profile) []Line {
	res, err := q.Resolve(p.PrintDots())
	if err != nil {
		return fallbackLines(p, q.Data)
	}
	line := Line{Kind: LineQR, Style: Style{Align: AlignCenter}.Normal(), QR: &res}
	if p.QR == QRRaster {
		r, err := res.Raster(p.PrintDots())
		if err != nil {
			return fallbackLines(p, q.Data)
		}
		line.Image = r
	}
	return []Line{line}
}

// QR prints q centred, natively or as an image as the profile says.
func (b *Builder) QR(q QR) *Builder { return b.PrintLines(q.Lines(b.p)) }

// qr sends a resolved QR code: GS ( k model 2, module size, error
// correction, store, print; or the raster.
func (b *Builder) qr(q QR, img *Raster) {
	if b.p.QR == QRRaster {
		if img == nil {
			var err error
			if img, err = q.Raster(b.p.PrintDots()); err != nil {
				return
			}
		}
		b.Raster(img)
		return
	}
	b.lineStart()
	b.withAlign(AlignCenter, func() {
		b.cmd(gs, '(', 'k', 4, 0, 0x31, 0x41, 0x32, 0x00) // model 2
		b.cmd(gs, '(', 'k', 3, 0, 0x31, 0x43, byte(q.Module))
		b.cmd(gs, '(', 'k', 3, 0, 0x31, 0x45, q.Level.levelByte())
		n := len(q.Data) + 3 // pL pH count cn fn m too; it is /256, not %255
		b.cmd(gs, '(', 'k', byte(n%256), byte(n/256), 0x31, 0x50, 0x30)
		b.buf = append(b.buf, q.Data...)
		b.cmd(gs, '(', 'k', 3, 0, 0x31, 0x51, 0x30)
	})
}
