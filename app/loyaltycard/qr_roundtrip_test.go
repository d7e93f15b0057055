package loyaltycard

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// The acceptance test: the card as the customer gets it (a PNG),
// photographed by the counter's scanner, yields a code that verifies to
// the card; the same code with one character changed does not.
func TestCardQRRoundTrip(t *testing.T) {
	k := testKeys(1)
	d := testDesign()
	for _, scale := range []float64{1, 0.5} {
		st := CardState{Stamps: 3, CustomerName: "Айгүл", QRText: mustQR(t, k, testCardID), Scale: scale}
		b, err := RenderPNG(d, st)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("scale %v: the card is not a valid PNG: %v", scale, err)
		}
		text := readQR(t, img)
		id, err := Verify(k.Public, text)
		if err != nil || id != testCardID {
			t.Fatalf("scale %v: scanned %q → Verify = %q, %v", scale, text, id, err)
		}
		i, c := len(text)-20, "A"
		if text[i] == 'A' {
			c = "B"
		}
		tampered := text[:i] + c + text[i+1:]
		if id, err := Verify(k.Public, tampered); err == nil {
			t.Fatalf("scale %v: tampered code accepted as %q", scale, id)
		}
	}
}

// A code on a phone screen is read from arm's length: modules must be
// whole pixels and large, with the white quiet zone around the code.
func TestQRIsLargeWithQuietZone(t *testing.T) {
	k := testKeys(1)
	st := CardState{Stamps: 1, QRText: mustQR(t, k, testCardID)}
	g := mustLayout(t, testDesign(), st)
	img := mustRender(t, testDesign(), st)
	if g.QRModule < 6 {
		t.Errorf("QR modules are %d px at full size, want ≥ 6", g.QRModule)
	}
	if g.QR.Dx() < 300 || g.QR.Dx() != g.QR.Dy() {
		t.Errorf("QR area %v, want a square of at least 300 px", g.QR)
	}
	if !g.QR.In(image.Rectangle{Max: g.Size}) {
		t.Errorf("QR %v outside the card %v", g.QR, g.Size)
	}
	quiet := 4 * g.QRModule
	white := colourOf(t, "#FFFFFF")
	for _, r := range []image.Rectangle{
		image.Rect(g.QR.Min.X, g.QR.Min.Y, g.QR.Max.X, g.QR.Min.Y+quiet), // top
		image.Rect(g.QR.Min.X, g.QR.Max.Y-quiet, g.QR.Max.X, g.QR.Max.Y), // bottom
		image.Rect(g.QR.Min.X, g.QR.Min.Y, g.QR.Min.X+quiet, g.QR.Max.Y), // left
		image.Rect(g.QR.Max.X-quiet, g.QR.Min.Y, g.QR.Max.X, g.QR.Max.Y), // right
	} {
		if n := countColour(img, r, white); n != r.Dx()*r.Dy() {
			t.Errorf("quiet zone %v: %d of %d pixels white", r, n, r.Dx()*r.Dy())
		}
	}
	// Inside the quiet zone the finder pattern starts black.
	if c := img.RGBAAt(g.QR.Min.X+quiet, g.QR.Min.Y+quiet); c != colourOf(t, "#000000") {
		t.Errorf("top-left module is %v, want black", c)
	}
}

// The editor's preview has no card yet: it shows a placeholder that can
// never be scanned as a card.
func TestPreviewWithoutCodeHasNoQR(t *testing.T) {
	st := CardState{Stamps: 2, Scale: 0.4}
	g := mustLayout(t, testDesign(), st)
	if g.QRModule != 0 || g.QR.Empty() {
		t.Errorf("placeholder geometry: module %d, area %v", g.QRModule, g.QR)
	}
	img := mustRender(t, testDesign(), st)
	if n := countColour(img, g.QR, colourOf(t, "#000000")); n != 0 {
		t.Errorf("placeholder has %d black pixels", n)
	}
	if text, err := findQR(img); err == nil {
		t.Errorf("the preview holds a code: %q", text)
	}
}
