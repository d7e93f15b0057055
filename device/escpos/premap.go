package escpos

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

const nbsp = '\u00a0'

// Premap rewrites s into text the page cp prints, rune for rune what will
// come out of the printer: characters the page lacks are replaced by
// readable equivalents ("₽" → "руб." or "RUB", "«»" → `"`, "—" → "-",
// Kyrgyz "ң" → "н", Cyrillic transliterated on Latin pages and Serbian
// Latin on Cyrillic ones), control characters become "?", and only what is
// still unprintable becomes "?". Newlines are kept; tabs and all other
// spaces become plain spaces. Premap is idempotent, and every rune of its
// result other than '\n' encodes to exactly one byte, so layout can count
// runes.
func Premap(cp CodePage, s string) string { return premap(cp, s, false) }

// premap is Premap that can keep non-breaking spaces as U+00A0, so the
// wrapper does not break "1 500,00" (layout replaces them afterwards).
func premap(cp CodePage, s string, keepNBSP bool) string {
	if !cp.known() {
		cp = CP866
	}
	rs := []rune(norm.NFC.String(s))
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); {
		if unicode.IsLetter(rs[i]) {
			j := i + 1
			for j < len(rs) && unicode.IsLetter(rs[j]) {
				j++
			}
			for _, r := range transliterate(cp, rs[i:j]) {
				out = appendRune(out, cp, r, keepNBSP)
			}
			i = j
			continue
		}
		out = appendRune(out, cp, rs[i], keepNBSP)
		i++
	}
	return string(out)
}

// appendRune appends what r prints as on the page.
func appendRune(out []rune, cp CodePage, r rune, keepNBSP bool) []rune {
	switch {
	case r == '\n':
		return append(out, r)
	case r == '\r':
		return out // CRLF from pasted text
	case isNBSP(r):
		if keepNBSP {
			return append(out, nbsp)
		}
		return append(out, ' ')
	case unicode.IsSpace(r):
		return append(out, ' ')
	case cp.encodable(r):
		return append(out, r)
	case invisible(r):
		return out
	case unicode.IsControl(r):
		return append(out, '?')
	}
	if repl, ok := symbolFor(cp, r); ok {
		for _, q := range repl {
			if !cp.encodable(q) {
				q = '?'
			}
			out = append(out, q)
		}
		return out
	}
	if base, ok := stripMarks(cp, r); ok {
		return append(out, base...)
	}
	return append(out, '?')
}

// isNBSP: the no-break spaces that separate thousands in formatted sums.
func isNBSP(r rune) bool { return r == nbsp || r == '\u2007' || r == '\u202f' }

// invisible runes print nothing: format characters (soft hyphen, zero
// width joiners, direction marks, BOM), combining marks NFC could not
// attach, variation selectors and emoji skin tones.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me) || (r >= 0x1f3fb && r <= 0x1f3ff)
}

// stripMarks is r without its accents ("é" → "e"), or its plain
// compatibility form ("ﬁ" → "fi", "²" → "2"), when the page has that.
func stripMarks(cp CodePage, r rune) ([]rune, bool) {
	if base, ok := decompose(cp, r, norm.NFD); ok {
		return base, true
	}
	return decompose(cp, r, norm.NFKD)
}

func decompose(cp CodePage, r rune, form norm.Form) ([]rune, bool) {
	var base []rune
	for _, q := range form.String(string(r)) {
		if !unicode.Is(unicode.Mn, q) {
			base = append(base, q)
		}
	}
	if len(base) == 0 || (len(base) == 1 && base[0] == r) {
		return nil, false
	}
	for _, q := range base {
		if !cp.encodable(q) {
			return nil, false
		}
	}
	return base, true
}
