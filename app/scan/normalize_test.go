package scan

import "testing"

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name, raw, code, sym string
	}{
		{"plain", "RA123456785RU", "RA123456785RU", ""},
		{"scanner suffix CR LF", "RA123456785RU\r\n", "RA123456785RU", ""},
		{"STX/ETX framing", "\x02RA123456785RU\x03", "RA123456785RU", ""},
		{"spaces and tab", " \tRA123456785RU  ", "RA123456785RU", ""},
		{"EOT and NUL", "\x04\x00ABC\x00", "ABC", ""},
		{"control inside dropped", "RA1234\x0756785RU", "RA123456785RU", ""},
		{"DEL and C1 dropped", "AB\x7fC\u0085D", "ABCD", ""},
		{"zero-width and BOM dropped", "\ufeffAB\u200bC", "ABC", ""},
		{"inner spaces kept", "8 (912) 345-67-89", "8 (912) 345-67-89", ""},
		{"AIM Code 128", "]C1RA123456785RU", "RA123456785RU", "]C1"},
		{"AIM DataMatrix keeps GS", "]d2010460123456789021abc\x1d91XYZ", "010460123456789021abc\x1d91XYZ", "]d2"},
		{"AIM QR", "]Q3SPC1:C:abc", "SPC1:C:abc", "]Q3"},
		{"AIM after STX", "\x02]E0460123456789\r", "460123456789", "]E0"},
		{"AIM only", "]C1", "", "]C1"},
		{"repeated AIM stripped, first kept", "]C1]E0ABC", "ABC", "]C1"},
		{"not AIM: bracket digit", "]1CABC", "]1CABC", ""},
		{"GS substitute <GS>", "0104601234567890211abc<GS>91XYZ", "0104601234567890211abc\x1d91XYZ", ""},
		{"GS substitute {gs}", "01046012345678902112{gs}93ab", "01046012345678902112\x1d93ab", ""},
		{"GS substitute ^]", "0104601234567890211^]93ab", "0104601234567890211\x1d93ab", ""},
		{`GS substitute \x1D text`, `0104601234567890211\X1D93ab`, "0104601234567890211\x1d93ab", ""},
		{"GS at ends trimmed", "\x1d0104601234567890211\x1d", "0104601234567890211", ""},
		{"invalid UTF-8 visible", "AB\xffC", "AB\uFFFDC", ""},
		{"only junk", "\r\n\t \x1d", "", ""},
		{"empty", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, sym := Normalize(tc.raw)
			if code != tc.code || sym != tc.sym {
				t.Errorf("Normalize(%q) = %q, %q; want %q, %q", tc.raw, code, sym, tc.code, tc.sym)
			}
			again, sym2 := Normalize(code)
			if again != code || sym2 != "" {
				t.Errorf("Normalize not idempotent: %q → %q, %q", code, again, sym2)
			}
		})
	}
}

func TestEscapeRaw(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"RA123456785RU", "RA123456785RU"},
		{"ABC\r\n", `ABC\r\n`},
		{"01\x1d91", `01\x1d91`},
		{"\x02x\x03\t", `\x02x\x03\t`},
		{"КФ123", "КФ123"},
		{"a\u200bb", `a\u200bb`},
		{"bad\xff", `bad\xff`},
		{"\U000e0001", `\U000e0001`},
	} {
		if got := escapeRaw(tc.raw); got != tc.want {
			t.Errorf("escapeRaw(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}
