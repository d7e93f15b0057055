package scan

import (
	"slices"
	"strings"
	"unicode"
)

// maxPhoneDigits is the E.164 limit; longer input is never a phone.
const maxPhoneDigits = 15

// NormalizePhone turns a hand-typed phone into E.164. Spaces, dashes, dots
// and parentheses are ignored; anything else (letters, a '+' in the middle)
// makes it not a phone.
//
// Recognised whatever defaultCountry is:
//   - "+" or "00" followed by the number: +7 (10 digits after), +996 (9),
//     +381 (8 or 9); other country codes are kept as typed when the whole
//     number has 10–13 digits;
//   - 7XXXXXXXXXX (11 digits), 996XXXXXXXXX (12), 381 + 8 or 9 digits.
//
// defaultCountry ("KG", "KZ", "RU", "RS") reads a national number:
//   - KG: 0XXX XXX XXX or 9 digits → +996…;
//   - RU, KZ: 8XXXXXXXXXX or 10 digits → +7…;
//   - RS: 0 + 8 or 9 digits (06X…, 011…) → +381….
//
// The digit after a country code is never 0 (it would be a trunk prefix).
func NormalizePhone(s, defaultCountry string) (e164 string, ok bool) {
	d, plus, ok := phoneDigits(s)
	if !ok {
		return "", false
	}
	switch {
	case plus:
		return international(d)
	case strings.HasPrefix(d, "00"):
		return international(d[2:])
	}
	if e, ok := knownCountry(d); ok {
		return e, true
	}
	switch strings.ToUpper(defaultCountry) {
	case "KG":
		if len(d) == 10 && d[0] == '0' {
			return withCode("996", d[1:])
		}
		if len(d) == 9 {
			return withCode("996", d)
		}
	case "RU", "KZ":
		if len(d) == 11 && d[0] == '8' {
			return withCode("7", d[1:])
		}
		if len(d) == 10 {
			return withCode("7", d)
		}
	case "RS":
		if (len(d) == 9 || len(d) == 10) && d[0] == '0' {
			return withCode("381", d[1:])
		}
	}
	return "", false
}

// phoneDigits strips separators and reports a leading '+'.
func phoneDigits(s string) (digits string, plus bool, ok bool) {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if b.Len() == maxPhoneDigits {
				return "", false, false
			}
			b.WriteRune(r)
		case r == '+' && !plus && b.Len() == 0 && strings.TrimSpace(s[:i]) == "":
			plus = true
		case isPhoneSeparator(r):
		default:
			return "", false, false
		}
	}
	return b.String(), plus, b.Len() > 0
}

func isPhoneSeparator(r rune) bool {
	switch r {
	case '-', '.', '(', ')', '‐', '‑', '–', '—':
		return true
	}
	return unicode.IsSpace(r)
}

// international reads digits that follow '+' or "00".
func international(d string) (string, bool) {
	if e, ok := knownCountry(d); ok {
		return e, true
	}
	switch {
	case d == "", d[0] == '0',
		strings.HasPrefix(d, "7"), strings.HasPrefix(d, "996"), strings.HasPrefix(d, "381"):
		return "", false // our countries with a wrong length
	case strings.HasPrefix(d, "89"):
		return "", false // zone 89 is unassigned; "+8 9xx…" is a slip for +7 9xx
	case len(d) < 10 || len(d) > 13:
		return "", false
	}
	return "+" + d, true
}

// knownCountry reads a number that starts with one of our country codes.
func knownCountry(d string) (string, bool) {
	switch {
	case len(d) == 11 && d[0] == '7':
		return withCode("7", d[1:])
	case len(d) == 12 && strings.HasPrefix(d, "996"):
		return withCode("996", d[3:])
	case (len(d) == 11 || len(d) == 12) && strings.HasPrefix(d, "381"):
		return withCode("381", d[3:])
	}
	return "", false
}

func withCode(cc, national string) (string, bool) {
	if national == "" || national[0] == '0' {
		return "", false
	}
	return "+" + cc + national, true
}

// looksLikePhone is the cheap test before NormalizePhone in Classify: a
// bare run of digits is more likely a barcode than a phone.
func looksLikePhone(code string) bool {
	if strings.HasPrefix(code, "+") || strings.ContainsRune(code, '(') {
		return true
	}
	return strings.Count(code, " ")+strings.Count(code, "-") >= 2
}

// phoneCountries are tried, in order, when the point's country is unknown.
var phoneCountries = [...]string{"KG", "RU", "RS"}

// phone is step 6 of Classify.
func (c *Classifier) phone(code string) (string, bool) {
	if !looksLikePhone(code) {
		return "", false
	}
	if c.country != "" {
		return NormalizePhone(code, c.country)
	}
	var readings []string
	for _, cc := range phoneCountries {
		if e, ok := NormalizePhone(code, cc); ok && !slices.Contains(readings, e) {
			readings = append(readings, e)
		}
	}
	if len(readings) > 1 {
		// "0555 123 456" reads as KG and RS; only one of them is a number
		// that country hands out.
		readings = slices.DeleteFunc(readings, func(e string) bool { return !plausible(e) })
	}
	if len(readings) != 1 {
		return "", false // not a phone, or a different one per country: do not guess
	}
	return readings[0], true
}

// plausible checks the first national digit against the numbering plans:
// KG uses 2,3,5,7,8,9 (3 is landline, the rest mobile); RS uses 1,2,3
// (landline) and 6 (mobile); the +7 zone uses 3,4,8 (RU landline), 9 (RU
// mobile) and 7 (KZ). It only breaks ties between readings.
func plausible(e164 string) bool {
	for _, p := range [...]struct{ cc, first string }{
		{"+996", "235789"}, {"+381", "1236"}, {"+7", "34789"},
	} {
		if rest, ok := strings.CutPrefix(e164, p.cc); ok {
			return rest != "" && strings.IndexByte(p.first, rest[0]) >= 0
		}
	}
	return false
}

// countryCodes are the calling codes MaskPhone keeps visible.
var countryCodes = [...]string{"996", "381", "7"}

// MaskPhone shows only the last 4 digits, keeping the calling code of our
// countries: "+996555123456" → "+996•••••3456". Anything else is masked
// digit by digit; 4 digits or fewer are masked completely.
func MaskPhone(e164 string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, e164)
	if len(digits) <= 4 {
		return strings.Repeat("•", len(digits))
	}
	prefix := ""
	if strings.HasPrefix(e164, "+") {
		prefix = "+"
		for _, cc := range countryCodes {
			if strings.HasPrefix(digits, cc) && len(digits)-len(cc) > 4 {
				prefix += cc
				digits = digits[len(cc):]
				break
			}
		}
	}
	return prefix + strings.Repeat("•", len(digits)-4) + digits[len(digits)-4:]
}
