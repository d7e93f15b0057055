package scan

import (
	"strings"
	"unicode"
)

// ruToUS maps what a key gives on the Russian ЙЦУКЕН layout to what the
// same key gives on US QWERTY. Scanners in keyboard mode send key presses,
// so a code scanned while Windows is switched to Russian arrives in Cyrillic.
var ruToUS = buildRuToUS()

func buildRuToUS() map[rune]rune {
	pairs := [][2]string{
		{"йцукенгшщзхъфывапролджэячсмитьбюё", "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"},
		{"ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮЁ", `QWERTYUIOP{}ASDFGHJKL:"ZXCVBNM<>~`},
		// Punctuation that moved: Shift+2/3/4/6/7, the '/' key and its
		// shift, and Shift+'\' (which gives '/' on ЙЦУКЕН).
		{`"№;:?.,/`, `@#$^&/?|`},
	}
	m := make(map[rune]rune, 80)
	for _, p := range pairs {
		from, to := []rune(p[0]), []rune(p[1])
		for i := range from {
			m[from[i]] = to[i]
		}
	}
	return m
}

// FromRussianLayout maps text typed on a ЙЦУКЕН layout back to what the
// same keys give on US QWERTY (й→q … я→z, upper case to upper case, ж→;
// Ж→: э→' Э→" х→[ Х→{ ъ→] Ъ→} б→, Б→< ю→. Ю→> ё→` Ё→~, and the moved
// punctuation "→@ №→# ;→$ :→^ ?→& .→/ ,→? /→|). It returns the mapped
// string and whether any rune changed.
//
// It only maps when s contains at least one Cyrillic letter: a Latin code
// with '.', ',' or ';' must stay as it is. Cyrillic letters that are not on
// ЙЦУКЕН (ә, ң, ү, ђ…) are left unchanged.
func FromRussianLayout(s string) (string, bool) {
	if !hasCyrillic(s) {
		return s, false
	}
	changed := false
	out := strings.Map(func(r rune) rune {
		if us, ok := ruToUS[r]; ok {
			changed = true
			return us
		}
		return r
	}, s)
	if !changed {
		return s, false // strings.Map may have rewritten invalid UTF-8
	}
	return out, true
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if r >= 0x400 && unicode.Is(unicode.Cyrillic, r) && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
