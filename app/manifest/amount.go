package manifest

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// maxAmountDigits caps the integer part of an amount (major units) so
	// that minor units always fit in int64.
	maxAmountDigits = 15
	// maxGroups caps digit groups in "1 234 567,50"-style amounts.
	maxGroups = 8
)

// parseAmount reads a cash-on-delivery amount as written in RU/KG/KZ/RS
// spreadsheets — "1 234,50", "1234.50", "1.234,50", "1 234", "1234 ₽" — and
// returns minor units plus the currency written next to it, if any.
// Empty and Excel's accounting dash mean zero. Negative amounts, more than
// two non-zero decimals and anything that is not clearly one number fail:
// guessing wrong here means collecting the wrong cash.
func parseAmount(s string) (minor int64, currency string, ok bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "", "-", "–", "—":
		return 0, "", true
	}
	if allDigits(s) && len(s) <= maxAmountDigits {
		v, err := strconv.ParseInt(s, 10, 64)
		return v * 100, "", err == nil
	}
	first := strings.IndexFunc(s, isDigit)
	if first < 0 {
		return 0, "", false
	}
	last := strings.LastIndexFunc(s, isDigit)
	prefix, core, suffix := strings.TrimSpace(s[:first]), s[first:last+1], strings.TrimSpace(s[last+1:])

	prefix = strings.TrimSpace(strings.TrimSuffix(prefix, "+"))
	if strings.HasSuffix(prefix, "-") || strings.HasSuffix(prefix, "−") {
		return 0, "", false // collecting a negative amount makes no sense
	}
	switch {
	case prefix != "" && suffix != "":
		return 0, "", false
	case prefix != "":
		currency, ok = parseCurrency(prefix)
	case suffix != "":
		currency, ok = parseCurrency(suffix)
	default:
		ok = true
	}
	if !ok {
		return 0, "", false
	}
	minor, ok = parseGroupedDecimal(core)
	return minor, currency, ok
}

func isDigit(r rune) bool { return '0' <= r && r <= '9' }

// parseGroupedDecimal reads digits with thousands and decimal separators.
// core starts and ends with a digit.
func parseGroupedDecimal(core string) (int64, bool) {
	var runs [maxGroups]string
	var seps [maxGroups]byte // seps[k] separates runs[k] and runs[k+1]
	n := 0
	for i := 0; ; {
		j := i
		for j < len(core) && core[j] >= '0' && core[j] <= '9' {
			j++
		}
		if j == i || n == maxGroups {
			return 0, false // two separators in a row, or absurdly many groups
		}
		runs[n] = core[i:j]
		n++
		if j == len(core) {
			break
		}
		sep, next := readSeparator(core, j)
		if sep == 0 {
			return 0, false
		}
		seps[n-1] = sep
		i = next
	}

	intRuns, frac := runs[:n], ""
	if n > 1 && isDecimalSeparator(runs[:n], seps[:n-1]) {
		intRuns, frac = runs[:n-1], runs[n-1]
	}
	if !validGroups(intRuns, seps[:len(intRuns)-1]) {
		return 0, false
	}
	return minorUnits(intRuns, frac)
}

// readSeparator reads '.', ',' or a run of (non-breaking, thin) spaces at i.
func readSeparator(s string, i int) (sep byte, next int) {
	if s[i] == '.' || s[i] == ',' {
		return s[i], i + 1
	}
	for next = i; next < len(s); {
		r, size := utf8.DecodeRuneInString(s[next:])
		if r != ' ' && r != '\u00a0' && r != '\u202f' && r != '\u2009' {
			break
		}
		next += size
	}
	if next == i {
		return 0, i
	}
	return ' ', next
}

// isDecimalSeparator decides whether the last separator starts kopecks.
func isDecimalSeparator(runs []string, seps []byte) bool {
	last := seps[len(seps)-1]
	if last == ' ' {
		return false
	}
	for _, s := range seps[:len(seps)-1] {
		if s == last {
			return false // "1.234.567": repeated, so it groups thousands
		}
	}
	for _, s := range seps[:len(seps)-1] {
		if s != ' ' {
			return true // "1.234,50" / "1,234.50": the other one groups thousands
		}
	}
	// A lone "1,234" or "1.234": three decimals make no sense for money,
	// so it is a thousands separator (Serbian and English habits).
	if len(seps) == 1 && len(runs[1]) == 3 && len(runs[0]) <= 3 && runs[0][0] != '0' {
		return false
	}
	return true
}

// validGroups checks thousands grouping: one kind of separator, a first
// group of 1–3 digits, then groups of exactly 3.
func validGroups(runs []string, seps []byte) bool {
	if len(runs) == 1 {
		return true
	}
	if len(runs[0]) > 3 {
		return false
	}
	for k, r := range runs[1:] {
		if len(r) != 3 || seps[k] != seps[0] {
			return false
		}
	}
	return true
}

// minorUnits combines integer groups and a fraction into minor units.
// Decimals beyond the second must be zeros.
func minorUnits(intRuns []string, frac string) (int64, bool) {
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, false
		}
		frac = frac[:2]
	}
	var v int64
	digits := 0
	for _, r := range intRuns {
		for i := 0; i < len(r); i++ {
			if v == 0 && r[i] == '0' {
				continue // leading zeros do not count toward the cap
			}
			digits++
			if digits > maxAmountDigits {
				return 0, false
			}
			v = v*10 + int64(r[i]-'0')
		}
	}
	v *= 100
	switch len(frac) {
	case 1:
		v += int64(frac[0]-'0') * 10
	case 2:
		v += int64(frac[0]-'0')*10 + int64(frac[1]-'0')
	}
	return v, true
}

// parseJSONAmount reads a JSON number in major units (1234.5) exactly,
// without float rounding. Producers that compute amounts in floating point
// emit 59.970000000000006, so extra decimals are rounded half up instead of
// rejected.
func parseJSONAmount(lit string) (int64, bool) {
	neg := strings.HasPrefix(lit, "-")
	lit = strings.TrimPrefix(lit, "-")
	mant, expStr := lit, ""
	if i := strings.IndexAny(lit, "eE"); i >= 0 {
		mant, expStr = lit[:i], lit[i+1:]
	}
	intPart, fracPart, _ := strings.Cut(mant, ".")
	if !allDigits(intPart) || (fracPart != "" && !allDigits(fracPart)) {
		return 0, false
	}
	digits := strings.TrimLeft(intPart+fracPart, "0")
	if digits == "" {
		return 0, true // any spelling of zero, even -0 or 0e999
	}
	if neg {
		return 0, false
	}
	exp := 0
	if expStr != "" {
		sign := 1
		switch expStr[0] {
		case '-':
			sign, expStr = -1, expStr[1:]
		case '+':
			expStr = expStr[1:]
		}
		if !allDigits(expStr) || len(expStr) > 4 {
			return 0, false
		}
		e, _ := strconv.Atoi(expStr)
		exp = sign * e
	}
	// value in minor units = digits × 10^shift
	shift := exp - len(fracPart) + 2
	if shift >= 0 {
		if len(digits)+shift > 17 {
			return 0, false
		}
		return decimalInt(digits + strings.Repeat("0", shift)), true
	}
	drop := -shift
	if drop > len(digits) {
		return 0, true
	}
	keep, round := digits[:len(digits)-drop], digits[len(digits)-drop]
	if len(keep) > 17 {
		return 0, false
	}
	v := decimalInt(keep)
	if round >= '5' {
		v++
	}
	return v, true
}

// decimalInt converts at most 18 ASCII digits ("" is 0).
func decimalInt(s string) int64 {
	var v int64
	for i := 0; i < len(s); i++ {
		v = v*10 + int64(s[i]-'0')
	}
	return v
}

// parseMinorAmount reads a non-negative integer count of minor units.
func parseMinorAmount(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	if !allDigits(s) || len(s) > 17 {
		return 0, false
	}
	return decimalInt(s), true
}
