package escpos

import "unicode"

// Transliteration between scripts, word by word, so a word reads as one
// script on paper: "Čačak" on a Cyrillic page prints "Чачак", not
// "Чaчak", and "Ђорђевић" on a Latin page prints "Đorđević".

// cyrToLatin is Serbian Latin for Serbian Cyrillic, and the Serbian way of
// writing the Russian, Ukrainian, Kyrgyz and Kazakh letters: the Latin
// pages are for Serbian readers and have č, š, ž, ö, ü.
var cyrToLatin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'ђ': "đ", 'е': "e", 'ж': "ž",
	'з': "z", 'и': "i", 'ј': "j", 'к': "k", 'л': "l", 'љ': "lj", 'м': "m", 'н': "n",
	'њ': "nj", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'ћ': "ć", 'у': "u",
	'ф': "f", 'х': "h", 'ц': "c", 'ч': "č", 'џ': "dž", 'ш': "š",
	// Russian
	'ё': "jo", 'й': "j", 'щ': "šč", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "ju", 'я': "ja",
	// Ukrainian, Belarusian, Macedonian
	'є': "je", 'і': "i", 'ї': "ji", 'ґ': "g", 'ў': "u", 'ѓ': "gj", 'ќ': "kj", 'ѕ': "dz",
	// Kyrgyz, Kazakh, Tajik
	'ң': "ng", 'ө': "ö", 'ү': "ü", 'ә': "ä", 'ғ': "g", 'қ': "k", 'ұ': "u", 'һ': "h",
	'ӣ': "i", 'ӯ': "u", 'ҳ': "h", 'ҷ': "dž",
}

// latinToCyr is Serbian Latin to Serbian Cyrillic; q w x y are not
// Serbian letters but appear in names and brands.
var latinToCyr = map[rune]string{
	'a': "а", 'b': "б", 'c': "ц", 'č': "ч", 'ć': "ћ", 'd': "д", 'đ': "ђ", 'e': "е",
	'f': "ф", 'g': "г", 'h': "х", 'i': "и", 'j': "ј", 'k': "к", 'l': "л", 'm': "м",
	'n': "н", 'o': "о", 'p': "п", 'r': "р", 's': "с", 'š': "ш", 't': "т", 'u': "у",
	'v': "в", 'z': "з", 'ž': "ж", 'q': "к", 'w': "в", 'x': "кс", 'y': "и",
	'ǆ': "џ", 'ǉ': "љ", 'ǌ': "њ",
}

// latinDigraphs are two Latin letters that are one Cyrillic letter.
var latinDigraphs = map[[2]rune]string{
	{'d', 'ž'}: "џ", {'l', 'j'}: "љ", {'n', 'j'}: "њ",
}

// cyrFallback stands in for Cyrillic letters a Cyrillic page lacks: CP866
// has no Serbian letters, neither page has Kyrgyz ң ө ү or Kazakh.
var cyrFallback = map[rune]string{
	'ђ': "дж", 'ћ': "ч", 'џ': "дж", 'ј': "й", 'љ': "ль", 'њ': "нь",
	'ѓ': "г", 'ќ': "к", 'ѕ': "дз", 'є': "е", 'і': "и", 'ї': "и", 'ґ': "г", 'ў': "у", 'ё': "е",
	'ң': "н", 'ө': "о", 'ү': "у", 'ә': "а", 'ғ': "г", 'қ': "к", 'ұ': "у", 'һ': "х",
	'ӣ': "и", 'ӯ': "у", 'ҳ': "х", 'ҷ': "ч",
}

// latinFallback stands in for Latin letters without a decomposition
// ("ø" has no accent to strip).
var latinFallback = map[rune]string{
	'đ': "dj", 'ø': "o", 'ł': "l", 'æ': "ae", 'œ': "oe", 'ß': "ss", 'ŋ': "ng",
	'ı': "i", 'þ': "th", 'ð': "d", 'ħ': "h", 'ə': "e", 'ǆ': "dž", 'ǉ': "lj", 'ǌ': "nj",
}

// transliterate rewrites one word (a run of letters) for page cp.
func transliterate(cp CodePage, word []rune) []rune {
	keep := cp.encodable
	if cp.Cyrillic() {
		if hasUnencodable(cp, word, isSerbianLatin) {
			word = latinToCyrillic(word)
		}
		word = substitute(word, cyrFallback, keep)
	} else if hasUnencodable(cp, word, isCyrillic) {
		word = substitute(word, cyrToLatin, func(r rune) bool { return !isCyrillic(r) })
	}
	return substitute(word, latinFallback, keep)
}

func isCyrillic(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }

func isSerbianLatin(r rune) bool {
	switch unicode.ToLower(r) {
	case 'č', 'ć', 'š', 'ž', 'đ', 'ǆ', 'ǉ', 'ǌ':
		return true
	}
	return false
}

func hasUnencodable(cp CodePage, word []rune, class func(rune) bool) bool {
	for _, r := range word {
		if class(r) && !cp.encodable(r) {
			return true
		}
	}
	return false
}

// latinToCyrillic transliterates a Serbian Latin word, digraphs first.
func latinToCyrillic(word []rune) []rune {
	out := make([]rune, 0, len(word))
	for i := 0; i < len(word); i++ {
		r := word[i]
		lower := unicode.ToLower(r)
		repl, ok := "", false
		if i+1 < len(word) {
			repl, ok = latinDigraphs[[2]rune{lower, unicode.ToLower(word[i+1])}]
		}
		if ok {
			i++
		} else if repl, ok = latinToCyr[lower]; !ok {
			out = append(out, r)
			continue
		}
		out = append(out, recase([]rune(repl), r != lower, capsAround(word, i))...)
	}
	return out
}

// substitute replaces the runes of word that keep rejects and table (keyed
// by lower case) has, keeping their case.
func substitute(word []rune, table map[rune]string, keep func(rune) bool) []rune {
	out := make([]rune, 0, len(word))
	for i, r := range word {
		if keep(r) {
			out = append(out, r)
			continue
		}
		lower := unicode.ToLower(r)
		repl, ok := table[lower]
		if !ok {
			out = append(out, r)
			continue
		}
		out = append(out, recase([]rune(repl), r != lower, capsAround(word, i))...)
	}
	return out
}

// recase gives a replacement the case of the letter it replaces: "Lj" for
// "Љуба" but "LJ" in "ЉУБА".
func recase(repl []rune, upper, allCaps bool) []rune {
	if !upper || len(repl) == 0 {
		return repl
	}
	out := make([]rune, len(repl))
	for i, r := range repl {
		if i == 0 || allCaps {
			r = unicode.ToUpper(r)
		}
		out[i] = r
	}
	return out
}

// capsAround reports whether a neighbour of word[i] is a capital letter,
// i.e. the word is written in capitals.
func capsAround(word []rune, i int) bool {
	return (i > 0 && unicode.IsUpper(word[i-1])) || (i+1 < len(word) && unicode.IsUpper(word[i+1]))
}
