package loyaltycard

import (
	"fmt"
	"image"
	"image/color"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"smartpoint/app/errs"
)

// Validate reports the first problem of d, in the editor's field order, as
// an *errs.Error whose Field arg is the JSON name of the field. It only
// reads d: a rejected design is left exactly as the owner typed it.
func (d Design) Validate() error {
	_, err := d.prepare()
	return err
}

// prepared is a valid Design decoded for drawing.
type prepared struct {
	bg, fg, accent color.RGBA
	logo, stamp    image.Image // nil: no logo / a built-in shape
	tf             *typeface
}

// prepare is Validate keeping what it decoded, so Render checks and
// decodes each input once.
func (d Design) prepare() (*prepared, error) {
	tf, err := loadTypeface()
	if err != nil {
		return nil, err
	}
	p := &prepared{tf: tf}
	if err := checkText(tf, "title", d.Title, MaxTitle, true, false); err != nil {
		return nil, err
	}
	if err := checkText(tf, "subtitle", d.Subtitle, MaxSubtitle, false, false); err != nil {
		return nil, err
	}
	if err := d.prepareColours(p); err != nil {
		return nil, err
	}
	if len(d.Logo) > 0 {
		if p.logo, err = decodePNG("logo", d.Logo); err != nil {
			return nil, err
		}
	}
	if err := d.prepareIcon(p); err != nil {
		return nil, err
	}
	if d.Stamps < MinStamps || d.Stamps > MaxStamps {
		return nil, errs.New(ErrBadStamps, "Field", "stamps", "Value", d.Stamps, "Min", MinStamps, "Max", MaxStamps)
	}
	if err := checkText(tf, "reward", d.Reward, MaxReward, true, true); err != nil {
		return nil, err
	}
	if err := checkText(tf, "terms", d.Terms, MaxTerms, false, true); err != nil {
		return nil, err
	}
	return p, nil
}

func (d Design) prepareColours(p *prepared) error {
	for _, c := range []struct {
		field, value string
		dst          *color.RGBA
	}{
		{"background", d.Background, &p.bg},
		{"foreground", d.Foreground, &p.fg},
		{"accent", d.Accent, &p.accent},
	} {
		v, ok := parseColour(c.value)
		if !ok {
			return errs.New(ErrBadColour, "Field", c.field, "Value", c.value)
		}
		*c.dst = v
	}
	// The accent is both the filled stamps and the reward text: it must
	// stand out from the background as much as the text does.
	for _, c := range []struct {
		field, value string
		col          color.RGBA
	}{
		{"foreground", d.Foreground, p.fg},
		{"accent", d.Accent, p.accent},
	} {
		if contrast(c.col, p.bg) < minContrast {
			return errs.New(ErrLowContrast, "Field", c.field, "Colour", c.value, "Background", d.Background)
		}
	}
	return nil
}

func (d Design) prepareIcon(p *prepared) error {
	if d.StampIcon == IconCustom {
		if len(d.StampImage) == 0 {
			return errs.New(ErrBadIcon, "Field", "stamp_image", "Value", string(d.StampIcon))
		}
		img, err := decodePNG("stamp_image", d.StampImage)
		if err != nil {
			return err
		}
		p.stamp = img
		return nil
	}
	if !slices.Contains(Icons, d.StampIcon) {
		return errs.New(ErrBadIcon, "Field", "stamp_icon", "Value", string(d.StampIcon))
	}
	return nil
}

// checkText enforces a text field's limits. Control characters are
// refused (a newline only where the text may have paragraphs), and so is
// any character the font lacks, which would print as an empty box.
func checkText(tf *typeface, field, s string, maxRunes int, required, multiline bool) error {
	if !utf8.ValidString(s) {
		return errs.New(ErrBadText, "Field", field, "Char", describeRune(utf8.RuneError))
	}
	if required && strings.TrimSpace(s) == "" {
		return errs.New(ErrTextRequired, "Field", field)
	}
	if utf8.RuneCountInString(s) > maxRunes {
		return errs.New(ErrTextTooLong, "Field", field, "Max", maxRunes)
	}
	for _, r := range s {
		newline := r == '\n' && multiline
		if (unicode.IsControl(r) && !newline) || (!unicode.IsGraphic(r) && !unicode.IsSpace(r)) {
			return errs.New(ErrBadText, "Field", field, "Char", describeRune(r))
		}
	}
	if r := tf.missing(strings.Map(plainSpace, s)); r >= 0 {
		return errs.New(ErrBadText, "Field", field, "Char", describeRune(r))
	}
	return nil
}

// plainSpace maps every kind of space (no-break, thin…) to ' ', which is
// how the card draws them.
func plainSpace(r rune) rune {
	if r != '\n' && unicode.IsSpace(r) {
		return ' '
	}
	return r
}

// describeRune names a character for the owner: the character itself when
// it can be seen, always with its code point.
func describeRune(r rune) string {
	if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
		return fmt.Sprintf("%c (U+%04X)", r, r)
	}
	return fmt.Sprintf("U+%04X", r)
}
