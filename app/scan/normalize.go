package scan

import (
	"strings"
	"unicode"
)

// gs is the GS1 group separator (FNC1 inside a code).
const gs = '\x1d'

// gsReplacer maps the printable GS stand-ins back to GS. Scanners in
// keyboard mode cannot type 0x1D, so installers program a substitute; we
// accept the common ones, letters in any case.
var gsReplacer = newGSReplacer()

func newGSReplacer() *strings.Replacer {
	pairs := []string{"^]", string(gs)}
	for _, s := range []string{"<GS>", "{GS}", `\x1d`} {
		for _, v := range caseVariants(s) {
			pairs = append(pairs, v, string(gs))
		}
	}
	return strings.NewReplacer(pairs...)
}

// caseVariants lists every upper/lower-case spelling of the ASCII letters in s.
func caseVariants(s string) []string {
	out := []string{""}
	for _, r := range s {
		lo, up := unicode.ToLower(r), unicode.ToUpper(r)
		next := make([]string, 0, 2*len(out))
		for _, p := range out {
			next = append(next, p+string(lo))
			if up != lo {
				next = append(next, p+string(up))
			}
		}
		out = next
	}
	return out
}

// Normalize is the first stage used by Classify, exported for the
// keyboard-wedge decoder and search. It
//   - drops every control character except GS (CR, LF, TAB, STX, ETX, EOT…
//     at the ends and inside), invisible format characters (zero-width
//     space, BOM) and replaces invalid UTF-8 with U+FFFD;
//   - maps the GS substitutes "<GS>", "{GS}", "^]" and the text `\x1d` to GS;
//   - trims spaces and GS at the ends;
//   - strips AIM symbology identifiers (']' + letter + digit) at the start,
//     returning the first one.
//
// It does not map the Russian keyboard layout; Classify decides that.
// Normalize is idempotent: Normalize(Normalize(x)) returns the same code.
func Normalize(raw string) (code string, symbology string) {
	s := dropControls(raw)
	s = gsReplacer.Replace(s)
	for {
		s = strings.TrimFunc(s, isEdgeJunk)
		id, rest, ok := cutAIM(s)
		if !ok {
			return s, symbology
		}
		if symbology == "" {
			symbology = id
		}
		s = rest
	}
}

// dropControls removes control and format characters except GS. Removing
// them before the GS substitutes are mapped keeps Normalize idempotent.
func dropControls(s string) string {
	if isCleanASCII(s) {
		return s // the usual scanner output: no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // invalid UTF-8 arrives as U+FFFD
		if r != gs && (unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isCleanASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c > 0x7e) && c != gs {
			return false
		}
	}
	return true
}

func isEdgeJunk(r rune) bool { return r == gs || unicode.IsSpace(r) }

// cutAIM splits an AIM symbology identifier (ISO/IEC 15424: "]C1", "]d2",
// "]Q3"…) off the start of s.
func cutAIM(s string) (id, rest string, ok bool) {
	if len(s) < 3 || s[0] != ']' || !isASCIILetter(s[1]) || !isDigit(s[2]) {
		return "", s, false
	}
	return s[:3], s[3:], true
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// upperASCII upper-cases ASCII letters only, leaving everything else as is.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
