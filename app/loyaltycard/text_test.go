package loyaltycard

import (
	"image"
	"strings"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

func TestLayoutTextShrinksWrapsAndCuts(t *testing.T) {
	tf, err := loadTypeface()
	if err != nil {
		t.Fatal(err)
	}
	area := image.Rect(10, 10, 310, 90)
	spec := textSpec{text: "Короткий", maxSize: 40, minSize: 12, maxLines: 2}
	b, err := tf.layoutText(spec, area)
	if err != nil {
		t.Fatal(err)
	}
	if b.box.Size != 40 || len(b.box.Lines) != 1 {
		t.Errorf("short text: size %v lines %q, want full size, one line", b.box.Size, b.box.Lines)
	}

	spec.text = strings.Repeat("слово ", 200)
	b, err = tf.layoutText(spec, area)
	if err != nil {
		t.Fatal(err)
	}
	if b.box.Size != 12 || len(b.box.Lines) != 2 || !strings.HasSuffix(b.box.Lines[1], "…") {
		t.Errorf("overlong text: size %v lines %q, want min size, 2 lines ending in …", b.box.Size, b.box.Lines)
	}
	for _, l := range b.box.Lines {
		if w := font.MeasureString(b.face, l); w > fixed.I(area.Dx()) {
			t.Errorf("line %q is %v wide, area %d", l, w, area.Dx())
		}
	}

	spec.text = "a\n\n  b   c  \n"
	if got := paragraphs(spec.text); len(got) != 2 || strings.Join(got[1], "|") != "b|c" {
		t.Errorf("paragraphs = %q", got)
	}

	spec.text = ""
	if b, err = tf.layoutText(spec, area); err != nil || len(b.box.Lines) != 0 || !b.box.Ink.Empty() {
		t.Errorf("empty text: %q %v %v", b.box.Lines, b.box.Ink, err)
	}

	// An area too small for one line draws nothing rather than overflow.
	b, err = tf.layoutText(textSpec{text: "Текст", maxSize: 40, minSize: 30}, image.Rect(0, 0, 300, 10))
	if err != nil || len(b.box.Lines) != 0 {
		t.Errorf("tiny area: %q %v", b.box.Lines, err)
	}
}

// Glyphs reaching left of their origin (ǩ, ј) or above the usual height
// (stacked accents) are moved inside the area, not clipped.
func TestOverhangingGlyphsStayInside(t *testing.T) {
	tf, err := loadTypeface()
	if err != nil {
		t.Fatal(err)
	}
	area := image.Rect(22, 242, 308, 295)
	for _, s := range []string{"ǩ", "јуна", "Ǻngström", "ЙЁ Ćao"} {
		for _, align := range []hAlign{alignLeft, alignCentre} {
			b, err := tf.layoutText(textSpec{text: s, bold: true, maxSize: 17, minSize: 8, maxLines: 3, align: align}, area)
			if err != nil {
				t.Fatal(err)
			}
			if len(b.box.Lines) == 0 || !b.box.Ink.In(area) {
				t.Errorf("%q: lines %q, ink %v outside %v", s, b.box.Lines, b.box.Ink, area)
			}
		}
	}
}
