package serialscan

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// gs is the GS1 group separator. GS1 DataMatrix codes (marking codes)
// carry it between variable-length element strings, so it is the one
// control character a code may contain.
const gs = 0x1D

// printable reports whether r may appear in a delivered code.
func printable(r rune) bool {
	return r == gs || unicode.IsPrint(r)
}

// decode turns a frame's payload into text: UTF-8 when cs is nil, else
// ASCII plus cs for the high bytes. It rejects what is not clean text.
func decode(p []byte, cs Charset) (string, error) {
	if cs == nil {
		for i := 0; i < len(p); {
			r, size := utf8.DecodeRune(p[i:])
			if r == utf8.RuneError && size <= 1 {
				return "", &RejectError{Reason: ReasonEncoding, Len: len(p), Offset: i, Char: rune(p[i])}
			}
			if !printable(r) {
				return "", &RejectError{Reason: ReasonControl, Len: len(p), Offset: i, Char: r}
			}
			i += size
		}
		return string(p), nil
	}
	var b strings.Builder
	b.Grow(len(p))
	for i, c := range p {
		r := rune(c)
		if c >= utf8.RuneSelf {
			if r = cs(c); r == utf8.RuneError || !utf8.ValidRune(r) {
				return "", &RejectError{Reason: ReasonEncoding, Len: len(p), Offset: i, Char: rune(c)}
			}
		}
		if !printable(r) {
			return "", &RejectError{Reason: ReasonControl, Len: len(p), Offset: i, Char: r}
		}
		b.WriteRune(r)
	}
	return b.String(), nil
}
