package scan

import "strings"

// minMarkingLen is the shortest GS1 code we read as a marking without a GS:
// "01" + GTIN-14 + "21" + a serial of at least 7 characters.
const minMarkingLen = 25

// matchMarking recognises a GS1 DataMatrix / Честный знак marking code:
// it contains GS, or starts with 01 + 14 digits + 21 and is long enough
// (keyboard-wedge scanners often drop the GS). GS1 element strings are
// ASCII only, so anything else is never a marking — that lets a marking
// typed through a Russian layout reach the layout fix. Value is the GTIN
// when the code starts with AI 01.
func matchMarking(code string) (match, bool) {
	if !isASCII(code) {
		return match{}, false
	}
	gtin := leadingGTIN(code)
	if !strings.ContainsRune(code, gs) &&
		(gtin == "" || len(code) < minMarkingLen || code[16:18] != "21") {
		return match{}, false
	}
	return match{kind: KindMarking, code: code, value: gtin}, true
}

// leadingGTIN returns the 14 digits after a leading AI "01", or "".
func leadingGTIN(code string) string {
	if len(code) < 16 || code[:2] != "01" {
		return ""
	}
	for i := 2; i < 16; i++ {
		if !isDigit(code[i]) {
			return ""
		}
	}
	return code[2:16]
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
