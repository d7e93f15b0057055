package label

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cyrillic maps lower-case Cyrillic letters to Latin, in the common
// Russian passport/road-sign style ("Яндекс" → "Yandeks", "Щёлково" →
// "Shchyolkovo"), with Ukrainian, Belarusian, Serbian, Macedonian and
// Kazakh letters. Hard and soft signs vanish.
var cyrillic = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	// Ukrainian, Belarusian
	'є': "ye", 'і': "i", 'ї': "yi", 'ґ': "g", 'ў': "u",
	// Serbian, Macedonian (as Serbian Latin without diacritics)
	'ђ': "dj", 'ј': "j", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz",
	'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
	// Kazakh
	'ә': "a", 'ғ': "g", 'қ': "q", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u", 'һ': "h",
}

// special maps Latin letters that do not decompose into a base letter and a
// mark, and the typography a name or address picks up from a web form.
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'Æ': "AE", 'œ': "oe", 'Œ': "OE", 'ø': "o", 'Ø': "O",
	'ł': "l", 'Ł': "L", 'đ': "dj", 'Đ': "Dj", 'ð': "d", 'Ð': "D", 'þ': "th",
	'Þ': "Th", 'ı': "i",
	'«': `"`, '»': `"`, '„': `"`, '“': `"`, '”': `"`, '‟': `"`,
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '″': `"`,
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-",
	'…': "...", '№': "No", '₽': "RUB", '€': "EUR", '×': "x", '·': ".",
	'•': "*", '°': "o",
}

// Translit returns s in printable ASCII (0x20..0x7E) for fonts that have
// nothing else: Cyrillic becomes Latin ("Озон" → "Ozon", "ЩИ" → "SHCHI"),
// accented Latin loses its marks ("Šabac" → "Sabac"), quotes and dashes
// become their ASCII forms, whitespace and control characters become
// spaces, and anything left is "?". Printable ASCII input is returned
// unchanged, and so is Translit's own output.
func Translit(s string) string {
	if isPrintableASCII(s) {
		return s
	}
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		switch {
		case r >= 0x20 && r < 0x7F:
			b.WriteRune(r)
		case unicode.IsSpace(r) || unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteString(translitRune(rs, i))
		}
	}
	return b.String()
}

// translitRune is the ASCII for rs[i], which is not printable ASCII.
func translitRune(rs []rune, i int) string {
	r := rs[i]
	if t, ok := special[r]; ok {
		return t
	}
	lower := unicode.ToLower(r)
	if t, ok := cyrillic[lower]; ok {
		if lower == r || t == "" {
			return t
		}
		return upperLike(t, rs, i)
	}
	if unicode.Is(unicode.Mn, r) {
		return "" // a combining mark NFC could not fold into its letter
	}
	// Accented Latin: keep the base letter if it is ASCII.
	var out strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		switch {
		case d >= 0x20 && d < 0x7F:
			out.WriteRune(d)
		case unicode.Is(unicode.Mn, d):
		default:
			return "?"
		}
	}
	if out.Len() == 0 {
		return "?"
	}
	return out.String()
}

// upperLike capitalises t, the Latin for the upper-case letter rs[i]: all
// of it inside an upper-case word ("ЩИ" → "SHCHI"), only the first letter
// otherwise ("Щи" → "Shchi", "Я" → "Ya").
func upperLike(t string, rs []rune, i int) string {
	allCaps := i+1 < len(rs) && unicode.IsUpper(rs[i+1]) ||
		(i+1 == len(rs) || !unicode.IsLetter(rs[i+1])) && i > 0 && unicode.IsUpper(rs[i-1])
	if allCaps {
		return strings.ToUpper(t)
	}
	first, n := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(first)) + t[n:]
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7F {
			return false
		}
	}
	return true
}
