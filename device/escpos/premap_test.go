package escpos

import (
	"strings"
	"testing"
)

func TestPremap(t *testing.T) {
	tests := []struct {
		name string
		cp   CodePage
		in   string
		want string
	}{
		{"rouble on CP866", CP866, "Итого: 1 500 ₽", "Итого: 1 500 руб."},
		{"rouble on 1251", WPC1251, "4 490,00₽", "4 490,00руб."},
		{"rouble on CP852", CP852, "Итого: 1 500 ₽", "Itogo: 1 500 RUB"},
		{"som sign", CP866, "150 \u20c0", "150 сом"},
		{"typography on CP866", CP866, "Кроссовки «Бегун» — 42 р-р… ‘да’ • „нет“", `Кроссовки "Бегун" - 42 р-р... 'да' * "нет"`},
		{"1251 has its own quotes", WPC1251, "«Бегун» — 42…", "«Бегун» — 42…"},
		{"numero kept on CP866", CP866, "ПВЗ №17", "ПВЗ №17"},
		{"numero kept on 1251", WPC1251, "ПВЗ №17", "ПВЗ №17"},
		{"numero on CP852", CP852, "PVZ №17", "PVZ No17"},
		{"Kyrgyz on CP866", CP866, "Көчө, үй, Таң", "Кочо, уй, Тан"},
		{"Kyrgyz on 1251", WPC1251, "ҮЙ ӨРГӨӨ", "УЙ ОРГОО"},
		{"Serbian Latin on CP852", CP852, "Đorđe Čolić, Šabac, Žabalj, ćevapi", "Đorđe Čolić, Šabac, Žabalj, ćevapi"},
		{"Serbian Latin on 1250", WPC1250, "Ljubišа", "Ljubiša"},
		{"Serbian Latin on 1251", WPC1251, "Čačak, Đorđe Ljubić, ĐURĐEVIĆ, LJUBA", "Чачак, Ђорђе Љубић, ЂУРЂЕВИЋ, LJUBA"},
		{"Serbian Latin on CP866", CP866, "Čačak, Đorđe Ljubić", "Чачак, Джордже Льубич"},
		{"plain Latin stays Latin on CP866", CP866, "SmartPoint ID 42", "SmartPoint ID 42"},
		{"Serbian Cyrillic on CP852", CP852, "Ђорђе Љубић, ЉУБА, Џеп", "Đorđe Ljubić, LJUBA, Džep"},
		{"Russian on CP852", CP852, "Щука, Юлия Соловьёва", "Ščuka, Julija Solovjova"},
		{"Kyrgyz on CP852", CP852, "Бишкек, Көчө Үй", "Biškek, Köčö Üj"},
		{"Cyrillic on CP437", CP437, "Жук", "Zuk"},
		{"accents stripped", CP866, "Café Zürich", "Cafe Zurich"},
		{"accents kept where printable", CP852, "Café Zürich", "Café Zürich"},
		{"decomposed й", CP866, "и\u0306од", "йод"},
		{"spaces", CP866, "1\u00a0500\t2\u202f000\r\n", "1 500 2 000\n"},
		{"control characters cannot reach the printer", CP866, "A\x1b@B\x1dV\x00", "A?@B?V?"},
		{"emoji", WPC1251, "Спасибо 👍🏻!", "Спасибо ?!"},
		{"invisible", CP866, "па\u00adкет\u200b", "пакет"},
		{"unknown page reads as CP866", CodePage("koi8"), "Привет ₽", "Привет руб."},
	}
	for _, tt := range tests {
		if got := Premap(tt.cp, tt.in); got != tt.want {
			t.Errorf("%s: Premap(%s, %q) = %q, want %q", tt.name, tt.cp, tt.in, got, tt.want)
		}
	}
}

// Whatever goes in, every rune that comes out prints as one byte.
func TestPremapPrintable(t *testing.T) {
	in := "Ђ ђ Љ љ ₽ € № ✓ → ½ © ™ 漢字 Ω ə ø æ ß ŋ 𝔸 \u0301 \x7f \u0085"
	for _, cp := range []CodePage{CP866, WPC1251, CP852, WPC1250, CP437} {
		out := Premap(cp, in)
		for _, r := range out {
			if r != '\n' && !cp.encodable(r) {
				t.Errorf("Premap(%s) left %q, which %s cannot print: %q", cp, r, cp, out)
			}
		}
		if strings.Count(out, "?") > 5 { // 漢字, Ω (but on CP437), DEL and NEL; the rest reads
			t.Errorf("Premap(%s) = %q: too much lost", cp, out)
		}
	}
}

// A stamp card line prints as stars and o's on any page, never '?'.
func TestStampSymbols(t *testing.T) {
	for _, cp := range []CodePage{CP866, WPC1251, CP852, WPC1250} {
		if got := Premap(cp, "●●●○○"); got != "***oo" {
			t.Errorf("%s: %q", cp, got)
		}
	}
}
