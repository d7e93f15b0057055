package scan

import "testing"

// The valid examples were computed by hand from the published algorithms
// (and cross-checked with an independent script), not with this package.
var checksumCases = []struct {
	name  string
	fn    checksum
	valid []string
	// everyDigit: every single-digit change anywhere must be caught. S10 and
	// mod 7 cannot promise that (S10 maps remainders 0 and 6 to the same
	// check digit; mod 7 cannot see a digit changed by 7), so for them only
	// the check digit is corrupted.
	everyDigit bool
}{
	{"s10", validS10, []string{
		"RA123456785RU", // 8+12+12+8+15+30+63+56 = 204; 204 mod 11 = 6; 11-6 = 5
		"EE000000005KZ", // sum 0; 11-0 = 11 → 5
		"CP876543216KG", // 64+42+24+10+12+15+18+7 = 192; 192 mod 11 = 5; 11-5 = 6
	}, false},
	{"rpo14", validRPO14, []string{"10100400123457", "68000300123458", "12702200000013"}, true},
	{"ean13", validEAN, []string{"4006381333931", "5901234123457", "2000000000015", "96385074"}, true},
	{"luhn", validLuhn, []string{"79927398713", "4111111111111111"}, true},
	{"mod10", validMod10, []string{"12345670", "4601234567893"}, true},
	{"mod7", validMod7, []string{"3318810025", "1099255990", "8487135506"}, false},
}

func TestChecksumsAcceptValid(t *testing.T) {
	for _, tc := range checksumCases {
		for _, code := range tc.valid {
			if !tc.fn(code) {
				t.Errorf("%s(%q) = false, want true", tc.name, code)
			}
		}
	}
}

func TestChecksumsCatchOneDigitCorruption(t *testing.T) {
	for _, tc := range checksumCases {
		for _, code := range tc.valid {
			for i := 0; i < len(code); i++ {
				if !isDigit(code[i]) || (!tc.everyDigit && i != lastDigit(code)) {
					continue
				}
				for d := byte('0'); d <= '9'; d++ {
					if d == code[i] {
						continue
					}
					bad := code[:i] + string(d) + code[i+1:]
					if tc.fn(bad) {
						t.Errorf("%s(%q) = true for a corruption of %q", tc.name, bad, code)
					}
				}
			}
		}
	}
}

func lastDigit(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if isDigit(s[i]) {
			return i
		}
	}
	return -1
}

func TestS10SerialCorruption(t *testing.T) {
	// RA123456785RU with the first serial digit changed 1→2: sum 212,
	// 212 mod 11 = 3, check 8, not 5.
	if validS10("RA223456785RU") {
		t.Error("serial corruption not caught")
	}
}

func TestChecksumsRejectWrongShape(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   checksum
		code string
	}{
		{"s10 lower-case", validS10, "ra123456785ru"},
		{"s10 short", validS10, "RA12345675RU"},
		{"s10 letter in serial", validS10, "RA12345X785RU"},
		{"rpo14 13 digits", validRPO14, "1010040012345"},
		{"ean 12 digits", validEAN, "400638133393"},
		{"luhn one digit", validLuhn, "0"},
		{"mod10 no digits", validMod10, "ABC"},
		{"mod7 one digit", validMod7, "0"},
	} {
		if tc.fn(tc.code) {
			t.Errorf("%s: %q accepted", tc.name, tc.code)
		}
	}
}

func TestChecksumByName(t *testing.T) {
	for _, name := range []string{"", "s10", "rpo14", "ean13", "luhn", "mod10", "mod7"} {
		if _, ok := checksumByName(name); !ok {
			t.Errorf("checksum %q not known", name)
		}
	}
	if _, ok := checksumByName("crc32"); ok {
		t.Error("unknown checksum accepted")
	}
}
