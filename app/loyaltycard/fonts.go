package loyaltycard

import (
	"fmt"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"smartpoint/assets/fonts"
)

// typeface is the card's font family. The TTFs are embedded (not taken
// from the system) so that a card looks the same on every point's
// computer and always has Kyrgyz and Serbian letters.
type typeface struct {
	regular, bold *opentype.Font
}

// loadTypeface parses the embedded fonts once; the parsed fonts are safe
// for concurrent use, faces are not and are made per render.
var loadTypeface = sync.OnceValues(func() (*typeface, error) {
	regular, err := opentype.Parse(fonts.NotoSansRegular)
	if err != nil {
		return nil, fmt.Errorf("loyaltycard: parse regular font: %w", err)
	}
	bold, err := opentype.Parse(fonts.NotoSansBold)
	if err != nil {
		return nil, fmt.Errorf("loyaltycard: parse bold font: %w", err)
	}
	return &typeface{regular: regular, bold: bold}, nil
})

// face is the font at size pixels. Hinting is off: the card is scaled for
// previews and hinted outlines would jump between sizes.
func (t *typeface) face(bold bool, size float64) (font.Face, error) {
	f := t.regular
	if bold {
		f = t.bold
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("loyaltycard: font face %.1fpx: %w", size, err)
	}
	return fc, nil
}

// missing returns the first rune of s that either font lacks (it would be
// drawn as an empty box), or -1. Spaces and newlines need no glyph.
func (t *typeface) missing(s string) rune {
	var buf sfnt.Buffer
	for _, r := range s {
		if r == '\n' || r == ' ' {
			continue
		}
		for _, f := range []*opentype.Font{t.regular, t.bold} {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				return r
			}
		}
	}
	return -1
}
