package loyalty

import (
	"strings"
	"testing"
)

// Codes read back however a clerk types them, and a slip of one character
// (or most swaps of two) is caught before any look-up.
func TestCardCodesReadBackAndCatchTypos(t *testing.T) {
	ru := strings.NewReplacer( // what the same keys give on ЙЦУКЕН
		"Q", "Й", "W", "Ц", "E", "У", "R", "К", "T", "Е", "Y", "Н", "U", "Г", "I", "Ш", "O", "Щ", "P", "З",
		"A", "Ф", "S", "Ы", "D", "В", "F", "А", "G", "П", "H", "Р", "J", "О", "K", "Л", "L", "Д",
		"Z", "Я", "X", "Ч", "C", "С", "V", "М", "B", "И", "N", "Т", "M", "Ь")
	swapsCaught, swaps := 0, 0
	for range 2000 {
		code, err := newCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(code) != codeLen || strings.Trim(code, "0123456789") == "" {
			t.Fatalf("code %q: wrong length or all digits", code)
		}
		for _, typed := range []string{code, FormatCode(code), strings.ToLower(FormatCode(code)), " " + code + " ",
			strings.NewReplacer("0", "O", "1", "I").Replace(code), ru.Replace(code)} {
			if got, ok := NormaliseCode(typed); !ok || got != code {
				t.Fatalf("NormaliseCode(%q) = %q, %v; want %q", typed, got, ok, code)
			}
		}
		for i := range codeLen {
			for _, c := range []byte(codeAlphabet) {
				if c == code[i] {
					continue
				}
				typo := code[:i] + string(c) + code[i+1:]
				if _, ok := NormaliseCode(typo); ok {
					t.Fatalf("typo %q of %q accepted", typo, code)
				}
			}
			if i+1 < codeLen && code[i] != code[i+1] {
				swaps++
				if _, ok := NormaliseCode(code[:i] + string(code[i+1]) + string(code[i]) + code[i+2:]); !ok {
					swapsCaught++
				}
			}
		}
	}
	if float64(swapsCaught) < 0.9*float64(swaps) {
		t.Fatalf("only %d of %d neighbour swaps caught", swapsCaught, swaps)
	}
	for _, notCode := range []string{"", "+996 555 123 456", "0555123456", "ABC", "7KQ2-M4XF-9A", "7KQ2M4XF9ABC", "7KQ2M4XF9A!"} {
		if c, ok := NormaliseCode(notCode); ok {
			t.Errorf("NormaliseCode(%q) = %q, want no code", notCode, c)
		}
	}
}
