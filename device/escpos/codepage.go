package escpos

import "golang.org/x/text/encoding/charmap"

// CP437 is the printers' power-on table (US). It is not a setting we
// recommend; it is here so a raw job that selects it can be decoded.
const CP437 CodePage = "cp437"

// The ESC t numbers. Epson's are documented and stable. The clone numbers
// are what Xprinter, POS-58 and Zjiang firmware ship with (see the
// self-test page), but they vary by firmware version and vendor: treat
// them as a per-printer setting and override with WithCodePageNumber when
// a printer's self-test lists its tables differently.
var codePageNumbers = map[Family]map[CodePage]byte{
	FamilyEpson: {CP437: 0, CP866: 17, CP852: 18, WPC1250: 45, WPC1251: 46},
	FamilyClone: {CP437: 0, CP866: 17, CP852: 18, WPC1250: 72, WPC1251: 73},
}

// CodePageNumber is the ESC t n that selects cp on a printer of family f.
// An unknown family is treated as Epson; ok is false for an unknown page.
func CodePageNumber(f Family, cp CodePage) (n byte, ok bool) {
	table, found := codePageNumbers[f]
	if !found {
		table = codePageNumbers[FamilyEpson]
	}
	n, ok = table[cp]
	return n, ok
}

// CodePageForNumber is the inverse of CodePageNumber, for decoding jobs.
func CodePageForNumber(f Family, n byte) (CodePage, bool) {
	table, found := codePageNumbers[f]
	if !found {
		table = codePageNumbers[FamilyEpson]
	}
	for cp, m := range table {
		if m == n {
			return cp, true
		}
	}
	return "", false
}

// Cyrillic reports whether the page has Cyrillic letters; the others are
// Latin pages and get Cyrillic transliterated.
func (cp CodePage) Cyrillic() bool { return cp == CP866 || cp == WPC1251 }

func (cp CodePage) known() bool { return cp.charmap() != nil }

// charmap is the byte table for cp, nil for an unknown page.
func (cp CodePage) charmap() *charmap.Charmap {
	switch cp {
	case CP866:
		return charmap.CodePage866
	case WPC1251:
		return charmap.Windows1251
	case CP852:
		return charmap.CodePage852
	case WPC1250:
		return charmap.Windows1250
	case CP437:
		return charmap.CodePage437
	}
	return nil
}

// encodable reports whether r prints as one byte of the page. Control
// characters never count: a stray ESC in a customer's name must not
// reach the printer as a command.
func (cp CodePage) encodable(r rune) bool {
	if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
		return false
	}
	m := cp.charmap()
	if m == nil {
		return r < 0x7f
	}
	_, ok := m.EncodeRune(r)
	return ok
}

// encode is the byte for r, which must have passed encodable; anything
// else becomes '?'.
func (cp CodePage) encode(r rune) byte {
	if !cp.encodable(r) {
		return '?'
	}
	if m := cp.charmap(); m != nil {
		b, _ := m.EncodeRune(r)
		return b
	}
	return byte(r)
}

// decode is the rune byte b prints as on the page.
func (cp CodePage) decode(b byte) rune {
	if m := cp.charmap(); m != nil {
		return m.DecodeByte(b)
	}
	if b < 0x80 {
		return rune(b)
	}
	return '\uFFFD'
}
