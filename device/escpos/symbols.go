package escpos

// Replacements for symbols a page lacks. They apply only when the page
// cannot print the symbol itself: WPC1251 keeps its own «» and —.
var (
	// Currency words differ by script so a Russian receipt reads "руб.".
	symbolsCyrillic = map[rune]string{
		'₽':      "руб.",
		'\u20c0': "сом", // KGS sign (Unicode 14)
		'₸':      "тнг",
		'₴':      "грн",
	}
	symbolsLatin = map[rune]string{
		'₽':      "RUB",
		'\u20c0': "som",
		'₸':      "KZT",
		'₴':      "UAH",
	}
	symbolsCommon = map[rune]string{
		'€': "EUR", '£': "GBP", '¥': "JPY",
		'№': "No",
		'«': `"`, '»': `"`, '„': `"`, '“': `"`, '”': `"`, '‟': `"`, '″': `"`, '〝': `"`, '〞': `"`, '＂': `"`,
		'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'", '‹': "'", '›': "'",
		'—': "-", '–': "-", '‒': "-", '―': "-", '−': "-", '‐': "-", '‑': "-", '⁃': "-",
		'…': "...",
		'•': "*", '∙': "*", '·': "*", '◦': "*", '‣': "*", '●': "*", '○': "o", '□': "o", '▪': "*", '■': "*", '★': "*", '☆': "*",
		'×': "x", '÷': ":", '±': "+/-", '≤': "<=", '≥': ">=", '≠': "!=", '≈': "~",
		'→': "->", '←': "<-", '⇒': "=>", '↑': "^", '↓': "v",
		'✓': "v", '✔': "v", '✗': "x", '✘': "x",
		'©': "(c)", '®': "(R)", '™': "TM", '‰': "%o", '°': "o",
		'½': "1/2", '¼': "1/4", '¾': "3/4",
		'─': "-", '━': "-", '═': "=", '│': "|", '║': "|",
		'§': "S", '¶': "P", '¤': "$",
	}
)

// symbolFor is the replacement for symbol r on page cp.
func symbolFor(cp CodePage, r rune) (string, bool) {
	script := symbolsLatin
	if cp.Cyrillic() {
		script = symbolsCyrillic
	}
	if s, ok := script[r]; ok {
		return s, true
	}
	s, ok := symbolsCommon[r]
	return s, ok
}
