package manifest

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// textFlags report what clean found besides ordinary text.
type textFlags uint8

const (
	flagBadText textFlags = 1 << iota // invalid UTF-8 or U+FFFD: the bytes did not decode
	flagNUL                           // a NUL byte: binary data, not text
)

// clean trims a value and strips control and invisible format characters.
// Line breaks and tabs become spaces so words inside a cell stay apart.
func clean(s string) (string, textFlags) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return cleanSlow(s)
		}
	}
	return strings.TrimSpace(s), 0
}

func cleanSlow(s string) (string, textFlags) {
	if !needsCleaning(s) {
		return strings.TrimSpace(s), 0 // ordinary Cyrillic/Latin text: no copy
	}
	var b strings.Builder
	b.Grow(len(s))
	var fl textFlags
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			// Both a raw invalid byte and a decoder's replacement char
			// mean the text is damaged here.
			fl |= flagBadText
			b.WriteRune(utf8.RuneError)
		case r == 0:
			fl |= flagNUL
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' ||
			r == 0x85 || r == 0x2028 || r == 0x2029:
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			// Controls, BOMs, zero-width and bidi marks, soft hyphens.
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String()), fl
}

// needsCleaning reports whether cleanSlow would change more than the
// surrounding spaces.
func needsCleaning(s string) bool {
	for _, r := range s {
		switch {
		case r == utf8.RuneError, r < 0x20, r >= 0x7f && r < 0xa0, r == 0xad, r == 0x2028, r == 0x2029:
			return true
		case r >= 0x600 && unicode.Is(unicode.Cf, r): // no format chars below U+0600 but the soft hyphen
			return true
		}
	}
	return false
}

// unexcel undoes Excel's formula protection ="0012345", which exporters
// use to keep leading zeros.
func unexcel(s string) string {
	if len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		return strings.TrimSpace(s[2 : len(s)-1])
	}
	return s
}

// unapostrophe drops Excel's leading text marker from identifiers ('0012345).
func unapostrophe(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		return strings.TrimSpace(s[1:])
	}
	return s
}

// normTrack removes every space and upper-cases letters: scanners and
// clerks type tracks without the spaces some partners print.
func normTrack(s string) string {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ' ' || ('a' <= c && c <= 'z') || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !unicode.IsSpace(r) {
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// isExcelScientific reports a number Excel displayed as "1,23457E+12":
// once saved like that, the real digits of a barcode or phone are gone.
func isExcelScientific(s string) bool {
	s = strings.ReplaceAll(strings.ToUpper(s), " ", "")
	mant, exp, ok := strings.Cut(s, "E+")
	if !ok || !allDigits(exp) {
		return false
	}
	if i := strings.IndexAny(mant, ".,"); i >= 0 {
		return allDigits(mant[:i]) && allDigits(mant[i+1:])
	}
	return allDigits(mant)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// longerThan reports whether s has more than n runes.
func longerThan(s string, n int) bool {
	return len(s) > n && utf8.RuneCountInString(s) > n
}

// truncate cuts s to at most n runes, for error reports; a cut value ends
// with "…" so the clerk sees it is not the whole of it.
func truncate(s string, n int) string {
	if !longerThan(s, n) {
		return s
	}
	i := 0
	for k := 0; k < n-1; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + "…"
}
