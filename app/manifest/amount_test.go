package manifest

import (
	"fmt"
	"testing"
)

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in       string
		minor    int64
		currency string
		ok       bool
	}{
		{"", 0, "", true},
		{"0", 0, "", true},
		{"-", 0, "", true}, // Excel's accounting format shows zero as a dash
		{"—", 0, "", true},
		{"1234", 123400, "", true},
		{"1234.50", 123450, "", true},
		{"1234,50", 123450, "", true},
		{"1234,5", 123450, "", true},
		{"1 234,50", 123450, "", true},
		{"1\u00a0234,50", 123450, "", true}, // Excel's NBSP thousands separator
		{"1\u202f234,50", 123450, "", true},
		{"1 234", 123400, "", true},
		{"12 345 678,90", 1234567890, "", true},
		{"1.234,50", 123450, "", true}, // Serbian
		{"1,234.50", 123450, "", true}, // English
		{"1.234.567", 123456700, "", true},
		{"1,234", 123400, "", true}, // three decimals make no sense for money
		{"1.234", 123400, "", true},
		{"0,50", 50, "", true},
		{"0.5", 50, "", true},
		{"1234.500", 123450, "", true}, // extra zero decimals are fine
		{"0012", 1200, "", true},
		{"+100", 10000, "", true},
		{"1234 ₽", 123400, "RUB", true},
		{"1234₽", 123400, "RUB", true},
		{"₽1234", 123400, "RUB", true},
		{"1 234,50 руб.", 123450, "RUB", true},
		{"1234 р.", 123400, "RUB", true},
		{"500 сом", 50000, "KGS", true},
		{"7 500 тг", 750000, "KZT", true},
		{"7500₸", 750000, "KZT", true},
		{"1.234,00 din", 123400, "RSD", true},
		{"RSD 990", 99000, "RSD", true},
		{"12 USD", 1200, "USD", true},
		{"999999999999999", 99999999999999900, "", true},

		{"-50", 0, "", false},
		{"- 50", 0, "", false},
		{"−50", 0, "", false}, // Unicode minus
		{"сто рублей", 0, "", false},
		{"abc", 0, "", false},
		{"12.345", 1234500, "", true},
		{"0.234", 0, "", false}, // not thousands (leading zero), three decimals
		{"1234,567", 0, "", false},
		{"1 234,567", 0, "", false},
		{"12 34", 0, "", false}, // two numbers, or a typo
		{"1 2345", 0, "", false},
		{"1.234.56", 0, "", false},
		{"1,234,56", 0, "", false},
		{"1.234 567", 0, "", false},
		{"1..5", 0, "", false},
		{"1234.", 0, "", false},
		{".50", 0, "", false},
		{"12 штук", 0, "", false},
		{"₽12 руб", 0, "", false},
		{"1e5", 0, "", false},
		{"1234567890123456", 0, "", false}, // 16 integer digits overflow the cap
		{"100 200 300 400 500 600 700 800 900", 0, "", false},
	} {
		minor, cur, ok := parseAmount(tc.in)
		if ok != tc.ok || (ok && (minor != tc.minor || cur != tc.currency)) {
			t.Errorf("parseAmount(%q) = %d %q %v, want %d %q %v", tc.in, minor, cur, ok, tc.minor, tc.currency, tc.ok)
		}
	}
}

func TestParseJSONAmount(t *testing.T) {
	for _, tc := range []struct {
		in    string
		minor int64
		ok    bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"1234.5", 123450, true},
		{"1234.56", 123456, true},
		{"1234", 123400, true},
		{"59.970000000000006", 5997, true}, // float noise from the producer
		{"0.005", 1, true},                 // half up
		{"0.004", 0, true},
		{"1e3", 100000, true},
		{"1.5E+2", 15000, true},
		{"12345e-2", 12345, true},
		{"1e-10", 0, true},
		{"0e99999", 0, true},
		{"-1", 0, false},
		{"1e99", 0, false},
		{"1e99999", 0, false},
		{"99999999999999999", 0, false},
	} {
		minor, ok := parseJSONAmount(tc.in)
		if ok != tc.ok || minor != tc.minor {
			t.Errorf("parseJSONAmount(%q) = %d %v, want %d %v", tc.in, minor, ok, tc.minor, tc.ok)
		}
	}
}

func TestParseMinorAmount(t *testing.T) {
	for in, want := range map[string]int64{"99": 99, "": 0, " 123 ": 123} {
		if got, ok := parseMinorAmount(in); !ok || got != want {
			t.Errorf("parseMinorAmount(%q) = %d %v", in, got, ok)
		}
	}
	for _, in := range []string{"-1", "1.5", "1e3", "abc"} {
		if _, ok := parseMinorAmount(in); ok {
			t.Errorf("parseMinorAmount(%q) accepted", in)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1 234,50", "1234.50", "1.234,50", "1,234.50", "1234 ₽", "-", "₽1", "12 34", "0,005"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		minor, cur, ok := parseAmount(s)
		if !ok {
			return
		}
		if minor < 0 {
			t.Fatalf("parseAmount(%q) = %d: negative", s, minor)
		}
		// Whatever we read must read back the same in the plainest form.
		plain := fmt.Sprintf("%d.%02d", minor/100, minor%100)
		back, _, ok2 := parseAmount(plain)
		if !ok2 || back != minor {
			t.Fatalf("parseAmount(%q) = %d, but %q reads back as %d %v", s, minor, plain, back, ok2)
		}
		if cur != "" && len(cur) != 3 {
			t.Fatalf("parseAmount(%q) currency %q is not a 3-letter code", s, cur)
		}
	})
}
