package loyalty

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strings"

	"smartpoint/app/scan"
)

// A card code is 10 random Crockford base32 characters (50 bits: not
// guessable by trying codes at the counter) and a check character, so a
// mistyped code is caught before any look-up. Crockford's alphabet has no
// I, L, O or U: read aloud or typed from a slip, 0/O and 1/I/L cannot be
// confused, and NormaliseCode accepts either spelling.
const (
	codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	codeRandom   = 10
	codeLen      = codeRandom + 1
)

func codeValue(c byte) int { return strings.IndexByte(codeAlphabet, c) }

// checkChar is the Luhn mod 32 check character of payload: it catches
// every single wrong character and most swaps of neighbours.
func checkChar(payload string) byte {
	const n = len(codeAlphabet)
	sum, factor := 0, 2
	for i := len(payload) - 1; i >= 0; i-- {
		addend := factor * codeValue(payload[i])
		sum += addend/n + addend%n
		factor = 3 - factor
	}
	return codeAlphabet[(n-sum%n)%n]
}

// newCode makes a random card code. An all-digit code is drawn again, so
// a code can never be read as a phone number.
func newCode() (string, error) {
	for {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("card code: %w", err)
		}
		v := binary.BigEndian.Uint64(b[:])
		out := make([]byte, codeRandom, codeLen)
		digits := true
		for i := range out {
			out[i] = codeAlphabet[v&31]
			v >>= 5
			digits = digits && out[i] <= '9'
		}
		if !digits {
			return string(append(out, checkChar(string(out)))), nil
		}
	}
}

// NormaliseCode reads a typed, printed or scanned card code: spaces and
// dashes are ignored, case too, O reads as 0 and I/L as 1, and a
// scanner's Russian keyboard layout is undone. ok is false unless the
// result is a well-formed code with a valid check character. (The card's
// QR carries its signed id instead, see app/loyaltycard; FindCard takes
// either.)
func NormaliseCode(s string) (code string, ok bool) {
	s, _ = scan.Normalize(s)
	if us, changed := scan.FromRussianLayout(s); changed {
		s = us
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		if r > 127 || codeValue(byte(r)) < 0 || b.Len() == codeLen {
			return "", false
		}
		b.WriteRune(r)
	}
	code = b.String()
	if len(code) != codeLen || checkChar(code[:codeRandom]) != code[codeRandom] {
		return "", false
	}
	return code, true
}

// FormatCode groups a code for print and screen: 7KQ2-M4XF-9AB.
func FormatCode(code string) string {
	if len(code) != codeLen {
		return code
	}
	return code[:4] + "-" + code[4:8] + "-" + code[8:]
}

// isUUID reports a canonical lower-case UUID (a card's id, as its signed
// QR carries it).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}
