package loyaltycard

import (
	"image"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// Every letter of the languages the app speaks must have a glyph in the
// embedded font.
var alphabets = map[string]string{
	"Russian":        "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя",
	"Kyrgyz":         "ҢӨҮңөү",
	"Serbian Latin":  "ČĆŠŽĐčćšžđ",
	"Serbian Cyr.":   "ЂЈЉЊЋЏђјљњћџ",
	"English":        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"digits & marks": "0123456789«»„“”—–…№%/+-:;.,!?()",
}

func TestFontHasEveryLetter(t *testing.T) {
	tf, err := loadTypeface()
	if err != nil {
		t.Fatal(err)
	}
	for name, letters := range alphabets {
		if r := tf.missing(letters); r >= 0 {
			t.Errorf("%s: the font lacks %q", name, r)
		}
	}
	if tf.missing("⭐") < 0 {
		t.Error("the check cannot fail: an emoji is reported as present")
	}
}

// A letter the font lacked would be drawn as the .notdef box; every
// letter must be drawn as something else, in both weights.
func TestLettersAreNotBoxes(t *testing.T) {
	tf, err := loadTypeface()
	if err != nil {
		t.Fatal(err)
	}
	for _, bold := range []bool{false, true} {
		face, err := tf.face(bold, 40)
		if err != nil {
			t.Fatal(err)
		}
		box := drawRune(face, '\uE000') // private use: not in the font
		if blank(box) {
			t.Fatal("the .notdef glyph draws nothing: the comparison would prove nothing")
		}
		for name, letters := range alphabets {
			for _, r := range letters {
				if g := drawRune(face, r); blank(g) || sameImage(g, box) {
					t.Errorf("%s %q (bold %v) draws as a box or not at all", name, r, bold)
				}
			}
		}
	}
}

// Kyrgyz and Serbian texts on the card are drawn, in the text colour.
func TestCardDrawsKyrgyzAndSerbian(t *testing.T) {
	for _, title := range []string{"Ыңгайлуу көрүнүш үчүн", "Čačak, Đurđevdan, šećer, žuć"} {
		d := testDesign()
		d.Title = title
		if err := d.Validate(); err != nil {
			t.Fatalf("%q: %v", title, err)
		}
		g := mustLayout(t, d, CardState{})
		img := mustRender(t, d, CardState{})
		if g.Title.Ink.Empty() || len(g.Title.Lines) == 0 {
			t.Fatalf("%q: nothing laid out", title)
		}
		if n := countColour(img, g.Title.Ink, colourOf(t, d.Foreground)); n < 500 {
			t.Errorf("%q: only %d text pixels", title, n)
		}
	}
}

func drawRune(face font.Face, r rune) *image.Alpha {
	dst := image.NewAlpha(image.Rect(0, 0, 80, 80))
	d := font.Drawer{Dst: dst, Src: image.Opaque, Face: face, Dot: fixed.P(10, 60)}
	d.DrawString(string(r))
	return dst
}

func blank(a *image.Alpha) bool {
	for _, v := range a.Pix {
		if v != 0 {
			return false
		}
	}
	return true
}

func sameImage(a, b *image.Alpha) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			return false
		}
	}
	return true
}
