package scan

import "strings"

// Our own labels. Prefix letters match in any case; the code is returned
// in canonical spelling so it is stored and looked up one way.
const (
	prefixCell     = "CELL-"
	prefixReturn   = "RBOX-"
	prefixCustomer = "SPC1:C:"
	prefixLoyalty  = "SPC1:L:"

	maxCellLabel  = 16
	maxReturnBox  = 20
	maxOwnPayload = 256
)

// matchOwn recognises our labels. own reports that code carries one of our
// prefixes; when it does but the rest is malformed, ok is false and the
// code must not be read as anything else.
func matchOwn(code string) (m match, ok, own bool) {
	switch {
	case hasPrefixFold(code, prefixCell):
		label := code[len(prefixCell):]
		if !validLabel(label, maxCellLabel, true) {
			return match{}, false, true
		}
		label = upperASCII(label) // labels are printed upper case
		return match{kind: KindCell, code: prefixCell + label, value: label}, true, true
	case hasPrefixFold(code, prefixReturn):
		num := code[len(prefixReturn):]
		if !validLabel(num, maxReturnBox, false) {
			return match{}, false, true
		}
		num = upperASCII(num)
		return match{kind: KindReturnBox, code: prefixReturn + num, value: num}, true, true
	case hasPrefixFold(code, prefixCustomer):
		return ownPayload(KindCustomerQR, prefixCustomer, code)
	case hasPrefixFold(code, prefixLoyalty):
		return ownPayload(KindLoyaltyCard, prefixLoyalty, code)
	}
	return match{}, false, false
}

// ownPayload keeps the payload as is: it may be a case-sensitive token.
func ownPayload(kind Kind, prefix, code string) (match, bool, bool) {
	payload := code[len(prefix):]
	if payload == "" || len(payload) > maxOwnPayload || !isGraphicASCII(payload) {
		return match{}, false, true
	}
	return match{kind: kind, code: prefix + payload, value: payload}, true, true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// validLabel accepts 1…maxLen ASCII letters and digits, and dashes if allowed.
func validLabel(s string, maxLen int, dashes bool) bool {
	if s == "" || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && !isASCIILetter(c) && (!dashes || c != '-') {
			return false
		}
	}
	return true
}

// isGraphicASCII: printable ASCII without the space.
func isGraphicASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// CellCode is what a cell's label encodes in its barcode: the code the
// classifier reads back as that cell.
func CellCode(label string) string { return prefixCell + upperASCII(label) }

// ReturnBoxCode is what a return box's label encodes.
func ReturnBoxCode(number string) string { return prefixReturn + number }
