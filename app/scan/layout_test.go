package scan

import "testing"

func TestFromRussianLayout(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		changed  bool
	}{
		{"КФ123456785КГ", "RA123456785RU", true},
		{"кф123456785кг", "ra123456785ru", true},
		{"йцукенгшщзхъфывапролджэячсмитьбюё", "qwertyuiop[]asdfghjkl;'zxcvbnm,.`", true},
		{"ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ", `QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>~`, true},
		{`Ы"№;:?.,/`, `S@#$^&/?|`, true},
		{"ЫЗС1ЖСЖфис", "SPC1:C:abc", true},
		{"ъв2", "]d2", true},
		// Latin input stays untouched, punctuation included.
		{"A.B,C;D:E?F", "A.B,C;D:E?F", false},
		{"12345678*1234", "12345678*1234", false},
		{"", "", false},
		// Cyrillic letters that are not on ЙЦУКЕН stay; punctuation maps.
		{"ң.", "ң/", true},
		{"ң", "ң", false},
	} {
		got, changed := FromRussianLayout(tc.in)
		if got != tc.want || changed != tc.changed {
			t.Errorf("FromRussianLayout(%q) = %q, %v; want %q, %v", tc.in, got, changed, tc.want, tc.changed)
		}
	}
}
