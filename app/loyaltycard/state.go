package loyaltycard

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"smartpoint/app/errs"
)

// CardState is what differs between one customer's card and the next.
type CardState struct {
	// Stamps collected. More than Design.Stamps (a reward not yet taken)
	// shows a full card.
	Stamps int
	// CustomerName is shown under the code; optional. Characters the
	// card font lacks (emoji, scripts other than Latin/Cyrillic/Greek)
	// are left out rather than drawn as boxes.
	CustomerName string
	// QRText is the code to show, normally from QRText. Empty draws a
	// blank placeholder instead, for the editor's preview: a preview can
	// never be mistaken for a working card.
	QRText string
	// Scale multiplies the 1080×680 card size; 0 means 1. The editor's
	// live preview uses e.g. 0.4.
	Scale float64
	// Points, when set, makes a points card: this balance text (e.g.
	// "1 250 баллов") is drawn large where a stamp card has its stamps,
	// and Stamps is ignored.
	Points string
}

// Limits of a CardState.
const (
	BaseWidth, BaseHeight = 1080, 680 // the card at Scale 1, about a phone screen's width
	MinScale, MaxScale    = 0.25, 3.0 // below 0.25 the code's modules would be under a pixel
	// MaxQRText bounds the code: our codes are at most 7+256 characters
	// (the scanner's limit); the rest is headroom for other content.
	MaxQRText = 300
	// MaxPoints bounds a points card's balance text.
	MaxPoints = 40
)

// check validates the state and returns the scale to draw at.
func (st CardState) check() (float64, error) {
	if st.Stamps < 0 {
		return 0, errs.New(ErrBadState, "Field", "stamps", "Value", st.Stamps)
	}
	scale := st.Scale
	if scale == 0 {
		scale = 1
	}
	if math.IsNaN(scale) || scale < MinScale || scale > MaxScale {
		return 0, errs.New(ErrBadState, "Field", "scale", "Value", st.Scale)
	}
	if len([]rune(st.Points)) > MaxPoints {
		return 0, errs.New(ErrBadState, "Field", "points", "Value", st.Points)
	}
	if len(st.QRText) > MaxQRText {
		return 0, errs.New(ErrBadState, "Field", "qr_text", "Value", len(st.QRText))
	}
	return scale, nil
}

// cleanName makes a name drawable: customers' names come from enrolment
// and the point's name from setup, as typed, so instead of refusing odd
// characters they are dropped, spaces are collapsed and the name is cut
// to limit characters.
func cleanName(tf *typeface, s string, limit int) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case !unicode.IsGraphic(r), tf.missing(string(r)) >= 0:
			return -1
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > limit {
		s = strings.TrimSpace(string([]rune(s)[:limit-1])) + ellipsis
	}
	return s
}
