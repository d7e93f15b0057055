package manifest

import (
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names reported in Summary.Encoding.
const (
	encUTF8    = "utf-8"
	encUTF8BOM = "utf-8-bom"
	encCP1251  = "windows-1251"
	encUTF16LE = "utf-16le"
	encUTF16BE = "utf-16be"
)

// detectEncoding names the encoding of a file from its first bytes and says
// how many BOM bytes to skip. Without a BOM, text that is valid UTF-8 is
// UTF-8; anything else from a Russian-locale Excel is Windows-1251.
func detectEncoding(head []byte, atEOF bool) (enc string, bom int) {
	switch {
	case len(head) >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF:
		return encUTF8BOM, 3
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return encUTF16LE, 2
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return encUTF16BE, 2
	}
	if enc := sniffUTF16(head); enc != "" {
		return enc, 0
	}
	if validUTF8Prefix(head, atEOF) {
		return encUTF8, 0
	}
	return encCP1251, 0
}

// validUTF8Prefix is utf8.Valid that forgives a rune cut off by the end of
// the sniffing buffer: the rest of that rune is simply not read yet.
func validUTF8Prefix(b []byte, atEOF bool) bool {
	if !atEOF {
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// sniffUTF16 recognises UTF-16 saved without a BOM. It only ever fires on
// data with NUL bytes, which no other text encoding has: every other byte
// must be the high byte of Latin, Latin Extended, Cyrillic or punctuation
// code points, and at least one of those high bytes must be zero.
func sniffUTF16(b []byte) string {
	if len(b) > 512 {
		b = b[:512]
	}
	b = b[:len(b)&^1]
	if len(b) < 4 {
		return ""
	}
	if utf16Pattern(b, 0) {
		return encUTF16BE
	}
	if utf16Pattern(b, 1) {
		return encUTF16LE
	}
	return ""
}

// utf16Pattern checks the high byte at offset hi of every 2-byte unit.
func utf16Pattern(b []byte, hi int) bool {
	zeros := 0
	for i := 0; i < len(b); i += 2 {
		h, l := b[i+hi], b[i+1-hi]
		switch h {
		case 0x00:
			if l == 0 {
				return false // U+0000 is not text
			}
			zeros++
		case 0x01, 0x04, 0x20, 0x21:
		default:
			return false
		}
	}
	return zeros > 0
}

// decoder returns the file's text as UTF-8.
func decoder(r io.Reader, enc string) io.Reader {
	switch enc {
	case encUTF16LE:
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder())
	case encUTF16BE:
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder())
	case encCP1251:
		return transform.NewReader(r, charmap.Windows1251.NewDecoder())
	default:
		// UTF-8 passes through unchanged so that invalid bytes further on
		// stay visible and become bad_encoding row errors.
		return r
	}
}
