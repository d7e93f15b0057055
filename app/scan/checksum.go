package scan

import "fmt"

// A checksum validates a code that already matched a rule's pattern.
//
// s10 works on the whole code (2 letters, 8 digits, check digit, 2
// letters). All others work on the ASCII digits of the code, in order, so
// a pattern may add letters or dashes around the number; the last digit is
// the check digit.
type checksum func(code string) bool

// checksumByName returns the checksum a rule names; "" means none.
func checksumByName(name string) (fn checksum, ok bool) {
	switch name {
	case "":
		return nil, true
	case "s10":
		return validS10, true
	case "rpo14":
		return validRPO14, true
	case "ean13":
		return validEAN, true
	case "luhn":
		return validLuhn, true
	case "mod10":
		return validMod10, true
	case "mod7":
		return validMod7, true
	}
	return nil, false
}

// s10Weights are the UPU S10 weights over the 8 serial digits.
var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// validS10 checks a UPU S10 item identifier such as RA123456785RU.
func validS10(code string) bool {
	if len(code) != 13 ||
		!isUpper(code[0]) || !isUpper(code[1]) || !isUpper(code[11]) || !isUpper(code[12]) || !isDigit(code[10]) {
		return false
	}
	check, ok := S10CheckDigit(code[2:10])
	return ok && code[10] == check
}

// S10CheckDigit is the UPU S10 check digit of an 8-digit serial number:
// weights 8,6,4,2,3,5,9,7; 11 − sum mod 11, where 10 gives 0 and 11 gives 5.
func S10CheckDigit(serial string) (byte, bool) {
	if len(serial) != 8 {
		return 0, false
	}
	sum := 0
	for i, w := range s10Weights {
		c := serial[i]
		if !isDigit(c) {
			return 0, false
		}
		sum += int(c-'0') * w
	}
	check := 11 - sum%11
	switch check {
	case 10:
		check = 0
	case 11:
		check = 5
	}
	return byte('0' + check), true
}

// S10 builds a valid UPU S10 identifier, e.g. S10("RA", 12345678, "KG").
func S10(prefix string, serial int, country string) string {
	d := fmt.Sprintf("%08d", serial%100_000_000)
	c, _ := S10CheckDigit(d)
	return prefix + d + string(c) + country
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// validRPO14 checks a Russian Post domestic 14-digit identifier: digits at
// odd positions 1…13 weigh 3, even positions weigh 1, which is mod10.
func validRPO14(code string) bool {
	d := digitsOf(code)
	return len(d) == 14 && mod10(d)
}

// validEAN checks EAN-13 and EAN-8 (same 3/1 weighting from the right).
func validEAN(code string) bool {
	d := digitsOf(code)
	return (len(d) == 13 || len(d) == 8) && mod10(d)
}

func validMod10(code string) bool {
	d := digitsOf(code)
	return len(d) >= 2 && mod10(d)
}

// mod10 is the GS1 check: data digits weigh 3,1,3… starting from the one
// next to the check digit; check = (10 − sum mod 10) mod 10.
func mod10(d []byte) bool {
	sum := 0
	for i, w := len(d)-2, 3; i >= 0; i, w = i-1, 4-w {
		sum += int(d[i]) * w
	}
	return int(d[len(d)-1]) == (10-sum%10)%10
}

// validLuhn checks the Luhn (mod 10, doubling) digit.
func validLuhn(code string) bool {
	d := digitsOf(code)
	if len(d) < 2 {
		return false
	}
	sum := 0
	for i, double := len(d)-1, false; i >= 0; i, double = i-1, !double {
		v := int(d[i])
		if double {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// validMod7 checks a DHL Express style number: the check digit is the
// number formed by the other digits, mod 7.
func validMod7(code string) bool {
	d := digitsOf(code)
	if len(d) < 2 {
		return false
	}
	rem := 0
	for _, v := range d[:len(d)-1] {
		rem = (rem*10 + int(v)) % 7
	}
	return int(d[len(d)-1]) == rem
}

// digitsOf returns the values (0–9) of the ASCII digits of s.
func digitsOf(s string) []byte {
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			d = append(d, s[i]-'0')
		}
	}
	return d
}
