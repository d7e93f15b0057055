// Package escpostest helps tests check printed jobs: it reads QR codes
// back from the dots a printer would print. It lives apart from escpos so
// the QR reader (gozxing) stays out of the production binary.
package escpostest

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"smartpoint/device/escpos"
)

// margin is white added around an image before reading it: paper around
// a printed code is white, but the raster may start at the symbol's edge.
const margin = 16

// DecodeQR reads the QR code in img (a raster from escpos, or any image)
// and returns its text.
func DecodeQR(img image.Image) (string, error) {
	if img == nil || img.Bounds().Empty() {
		return "", fmt.Errorf("decode qr: empty image")
	}
	b := img.Bounds()
	padded := image.NewGray(image.Rect(0, 0, b.Dx()+2*margin, b.Dy()+2*margin))
	draw.Draw(padded, padded.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(padded, image.Rect(margin, margin, margin+b.Dx(), margin+b.Dy()), img, b.Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(padded)
	if err != nil {
		return "", fmt.Errorf("decode qr: %w", err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", fmt.Errorf("decode qr: %w", err)
	}
	return res.GetText(), nil
}

// QRTexts is the text of every QR code in a decoded job: native ones from
// their stored payload, raster ones read from their dots. Images that
// hold no QR code (a logo) are skipped.
func QRTexts(lines []escpos.Line) []string {
	var out []string
	for _, l := range lines {
		switch {
		case l.Kind == escpos.LineQR && l.QR != nil:
			out = append(out, l.QR.Data)
		case l.Kind == escpos.LineImage && l.Image != nil:
			if s, err := DecodeQR(l.Image); err == nil {
				out = append(out, s)
			}
		}
	}
	return out
}
