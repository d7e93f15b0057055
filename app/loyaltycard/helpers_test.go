package loyaltycard

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"smartpoint/app/errs"
)

const testCardID = "3f2a9c1e-7b44-4d0a-9e1f-52c6b8a0d417"

// testKeys is a fixed key pair, so failures reproduce.
func testKeys(seed byte) Keys {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub, _ := priv.Public().(ed25519.PublicKey)
	return Keys{Private: priv, Public: pub}
}

// testDesign is a valid card with distinct, easy to find colours.
func testDesign() Design {
	return Design{
		Title:      "Карта гостя",
		Subtitle:   "Пункт выдачи на Токтогула",
		Background: "#203050",
		Foreground: "#FFFFFF",
		Accent:     "#FFC000",
		StampIcon:  IconStar,
		Stamps:     8,
		Reward:     "8 посылок — упаковка бесплатно",
		Terms:      "Один штамп за одно получение.",
	}
}

func mustQR(t *testing.T, k Keys, id string) string {
	t.Helper()
	s, err := QRText(k.Private, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustRender(t *testing.T, d Design, st CardState) *image.RGBA {
	t.Helper()
	img, err := Render(d, st)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return img
}

func mustLayout(t *testing.T, d Design, st CardState) Geometry {
	t.Helper()
	g, err := Layout(d, st)
	if err != nil {
		t.Fatalf("Layout: %v", err)
	}
	return g
}

// readQR finds and decodes the QR code anywhere in img, as a phone or
// the counter's camera would.
func readQR(t *testing.T, img image.Image) string {
	t.Helper()
	text, err := findQR(img)
	if err != nil {
		t.Fatalf("no QR code found in the card: %v", err)
	}
	return text
}

func findQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// countColour counts the pixels of r that are exactly c.
func countColour(img *image.RGBA, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y) == c {
				n++
			}
		}
	}
	return n
}

// differs counts the pixels of r where a and b differ.
func differs(a, b *image.RGBA, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				n++
			}
		}
	}
	return n
}

func colourOf(t *testing.T, hex string) color.RGBA {
	t.Helper()
	c, ok := parseColour(hex)
	if !ok {
		t.Fatalf("bad test colour %q", hex)
	}
	return c
}

// pngOf is a w×h PNG of one colour.
func pngOf(t *testing.T, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantCode fails t unless err carries code (and, when field is not empty,
// that Field arg).
func wantCode(t *testing.T, err error, code errs.Code, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
	if field != "" && e.Args["Field"] != field {
		t.Fatalf("error = %v, want Field %q", err, field)
	}
}
