package manifest

import "strings"

// currencyWords maps how people write the currencies of the countries we
// serve to ISO codes. Keys are lower-case without a trailing dot.
var currencyWords = map[string]string{
	"rub": "RUB", "rur": "RUB", "руб": "RUB", "рубль": "RUB", "рубля": "RUB", "рублей": "RUB", "р": "RUB", "₽": "RUB",
	"kgs": "KGS", "сом": "KGS", "som": "KGS", "сомов": "KGS", "сома": "KGS",
	"kzt": "KZT", "тг": "KZT", "₸": "KZT", "тенге": "KZT", "теңге": "KZT",
	"rsd": "RSD", "дин": "RSD", "din": "RSD", "динар": "RSD", "динара": "RSD", "dinar": "RSD", "dinara": "RSD",
	"$": "USD", "€": "EUR",
}

// parseCurrency maps a currency as written to its ISO code. Any other three
// Latin letters are taken as an ISO code already.
func parseCurrency(s string) (string, bool) {
	s = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")
	if code, ok := currencyWords[s]; ok {
		return code, true
	}
	if len(s) == 3 && isLatinLower(s) {
		return strings.ToUpper(s), true
	}
	return "", false
}

func isLatinLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
