package loyaltycard

import (
	"image"
	"image/color"
	"image/draw"

	qrcode "github.com/skip2/go-qrcode"

	"smartpoint/app/errs"
)

// qrLevel is error correction M (15%): a phone screen with a crack or a
// glare spot still scans, and the code stays small enough for large
// modules. Our texts are upper-case base32, which go-qrcode packs in its
// denser alphanumeric mode.
const qrLevel = qrcode.Medium

// qrModules encodes text; the matrix includes the four-module quiet zone
// the QR standard requires around the code.
func qrModules(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrLevel)
	if err != nil {
		return nil, errs.Wrap(err, ErrBadState, "Field", "qr_text", "Value", len(text))
	}
	return q.Bitmap(), nil
}

func errQRTooDense(text string) error {
	return errs.New(ErrBadState, "Field", "qr_text", "Value", len(text))
}

// drawQR paints the modules black on white with whole-pixel modules:
// scaled, blurred modules are what makes phone-screen codes fail.
func drawQR(dst *image.RGBA, r image.Rectangle, bits [][]bool, module int) {
	draw.Draw(dst, r, image.NewUniform(color.White), image.Point{}, draw.Src)
	black := image.NewUniform(color.Black)
	for y, row := range bits {
		for x, on := range row {
			if on {
				m := image.Rect(x*module, y*module, (x+1)*module, (y+1)*module).Add(r.Min)
				draw.Draw(dst, m, black, image.Point{}, draw.Src)
			}
		}
	}
}
