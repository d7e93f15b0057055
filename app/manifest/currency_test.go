package manifest

import "testing"

func TestParseCurrency(t *testing.T) {
	for in, want := range map[string]string{
		"RUB": "RUB", "rub": "RUB", "руб": "RUB", "руб.": "RUB", "Руб.": "RUB", "р.": "RUB", "₽": "RUB", "RUR": "RUB",
		"KGS": "KGS", "сом": "KGS", "Сом": "KGS",
		"KZT": "KZT", "тг": "KZT", "тг.": "KZT", "₸": "KZT", "тенге": "KZT",
		"RSD": "RSD", "дин": "RSD", "дин.": "RSD", "din": "RSD", "DIN.": "RSD", "динара": "RSD",
		"usd": "USD", " EUR ": "EUR",
	} {
		if got, ok := parseCurrency(in); !ok || got != want {
			t.Errorf("parseCurrency(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "доллар", "RU", "RUBL", "12", "руб руб"} {
		if got, ok := parseCurrency(in); ok {
			t.Errorf("parseCurrency(%q) = %q, want an error", in, got)
		}
	}
}
