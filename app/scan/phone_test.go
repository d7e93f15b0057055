package scan

import "testing"

func TestNormalizePhone(t *testing.T) {
	for _, tc := range []struct {
		in, country, want string
	}{
		// Kyrgyzstan.
		{"0555 123 456", "KG", "+996555123456"},
		{"0 (700) 12-34-56", "KG", "+996700123456"},
		{"555123456", "KG", "+996555123456"},
		{"+996 555 123 456", "RU", "+996555123456"},
		{"996555123456", "RS", "+996555123456"},
		{"00996555123456", "RU", "+996555123456"},
		// Russia and Kazakhstan.
		{"8 (912) 345-67-89", "RU", "+79123456789"},
		{"9123456789", "RU", "+79123456789"},
		{"+7 912 345 67 89", "KG", "+79123456789"},
		{"79123456789", "KG", "+79123456789"},
		{"8 701 123 45 67", "KZ", "+77011234567"},
		{"701.123.45.67", "KZ", "+77011234567"},
		// Serbia.
		{"064 123 4567", "RS", "+381641234567"},
		{"060 123 456", "RS", "+38160123456"},
		{"011/123", "RS", ""},
		{"+381 64 123 4567", "KG", "+381641234567"},
		{"00381 11 1234567", "RU", "+381111234567"},
		// Other countries only with an explicit international prefix.
		{"+998 90 123 45 67", "RU", "+998901234567"},
		{"998901234567", "RU", ""},
		// Wrong.
		{"", "RU", ""},
		{"+", "RU", ""},
		{"8 912 345 6", "RU", ""},       // too short
		{"8 912 345 67 890", "RU", ""},  // too long
		{"+7 912 345 67 8", "RU", ""},   // too short for +7
		{"+996 555 123 45", "KG", ""},   // too short for +996
		{"+8 912 345 67 89", "RU", ""},  // unassigned zone, a slip for +7
		{"8 (012) 345-67-89", "RU", ""}, // trunk 0 after the country code
		{"0555 123 456", "RU", ""},      // national KG number, RU point
		{"0555 123 456", "", ""},        // no default country
		{"555-12-34 ext", "KG", ""},     // letters
		{"12+345678901", "RU", ""},      // '+' inside
		{"++79123456789", "RU", ""},     // two '+'
		{"8 912 345 67 89", "XX", ""},   // unknown default: national forms fail
		{"1234567890123456", "RU", ""},  // longer than E.164
	} {
		got, ok := NormalizePhone(tc.in, tc.country)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("NormalizePhone(%q, %q) = %q, %v; want %q", tc.in, tc.country, got, ok, tc.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"+996555123456", "+996•••••3456"},
		{"+79123456789", "+7••••••6789"},
		{"+381641234567", "+381•••••4567"},
		{"+998901234567", "+••••••••4567"},
		{"89123456789", "•••••••6789"},
		{"1234", "••••"},
		{"", ""},
	} {
		if got := MaskPhone(tc.in); got != tc.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
