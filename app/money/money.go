// Package money formats and reads amounts kept in minor units (tyiyn,
// kopecks, para), the way the counter shows and takes them.
package money

import (
	"fmt"
	"strings"
)

// Format prints minor units as major ones with two decimals and the
// currency code: 123450 KGS → "1234.50 KGS".
func Format(minor int64, currency string) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100)
	if currency != "" {
		s += " " + currency
	}
	return s
}

// Parse reads an amount in major units ("150", "150.5", "150,50") into
// minor units; anything else (signs, letters, three decimals) is refused.
func Parse(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 2 || len(whole) > 15 {
		return 0, false
	}
	var v int64
	for _, r := range whole + (frac + "00")[:2] {
		if r < '0' || r > '9' {
			return 0, false
		}
		v = v*10 + int64(r-'0')
	}
	return v, true
}
