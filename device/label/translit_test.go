package label

import (
	"testing"
	"unicode/utf8"
)

func TestTranslit(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Озон", "Ozon"},
		{"Яндекс Маркет", "Yandeks Market"},
		{"Щукин", "Shchukin"},
		{"ЩИ", "SHCHI"},
		{"ООО ЯНДЕКС", "OOO YANDEKS"},
		{"Я", "Ya"},
		{"ЁЖ.", "YOZH."},
		{"подъезд, Мальчик", "podezd, Malchik"},
		{"Ђорђе Јовановић", "Djordje Jovanovic"},
		{"Šabac, Niš, Čačak", "Sabac, Nis, Cacak"},
		{"Straße", "Strasse"},
		{"Їжак, Європа, ґанок", "Yizhak, Yevropa, ganok"},
		{"«Ромашка» — №5", `"Romashka" - No5`},
		{"100 ₽…", "100 RUB..."},
		{"tab\there\nline", "tab here line"},
		{"nbsp\u00a0x", "nbsp x"},
		{"й", "y"},
		{"и\u0306", "y"}, // decomposed й folds to one letter first
		{"日本", "??"},
		{"\xff", "?"},
		{"A-1-07", "A-1-07"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Translit(tt.in); got != tt.want {
			t.Errorf("Translit(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzTranslit: any string gives printable ASCII without panicking, and
// printable ASCII (including Translit's output) passes unchanged.
func FuzzTranslit(f *testing.F) {
	for _, s := range []string{"Озон", "ЩИ", "Đorđe", "\xff\xfe", "a\u0301", "🙂", "\x00\x1f\x7f", "ǅ", "İ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Translit(s)
		for i := 0; i < len(out); i++ {
			if out[i] < 0x20 || out[i] > 0x7E {
				t.Fatalf("Translit(%q) = %q: byte %#x is not printable ASCII", s, out, out[i])
			}
		}
		if again := Translit(out); again != out {
			t.Fatalf("Translit(%q) = %q, not stable: %q", s, out, again)
		}
		if isPrintableASCII(s) && out != s {
			t.Fatalf("ASCII %q changed to %q", s, out)
		}
		if utf8.ValidString(s) && utf8.RuneCountInString(s) > 0 && out == "" && !onlyMarks(s) {
			t.Fatalf("Translit(%q) lost everything", s)
		}
	})
}

// onlyMarks reports whether s is nothing but characters that vanish (hard
// and soft signs, combining marks).
func onlyMarks(s string) bool {
	for _, r := range s {
		if Translit(string(r)) != "" {
			return false
		}
	}
	return true
}
