package i18n

import "testing"

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want Lang
		ok   bool
	}{
		{"ru", RU, true},
		{"RU", RU, true},
		{"ru_RU.UTF-8", RU, true},
		{" ru-ru ", RU, true},
		{"Russian_Russia.1251", RU, true},
		{"ky", KY, true},
		{"ky-KG", KY, true},
		{"ky_KG.UTF-8", KY, true},
		{"kg", KY, true},
		{"KG", KY, true},
		{"kir", KY, true},
		{"sr", SR, true},
		{"sr-Latn-RS", SR, true},
		{"sr_RS@latin", SR, true},
		{"sr_RS.UTF-8@latin", SR, true},
		{"sr-Cyrl", SR, true},
		{"en", EN, true},
		{"en_US.UTF-8", EN, true},
		{"en-GB", EN, true},
		{"", RU, false},
		{"C", RU, false},
		{"POSIX", RU, false},
		{"C.UTF-8", RU, false},
		{"kk_KZ.UTF-8", RU, false},
		{"de", RU, false},
		{"r", RU, false},
	}
	for _, tc := range cases {
		got, ok := Parse(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFromEnv(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want Lang
	}{
		{"nothing set", nil, RU},
		{"LANG", map[string]string{"LANG": "en_US.UTF-8"}, EN},
		{"LANG=C", map[string]string{"LANG": "C"}, RU},
		{"LANG=POSIX", map[string]string{"LANG": "POSIX"}, RU},
		{"LC_ALL beats LANG", map[string]string{"LC_ALL": "sr_RS@latin", "LANG": "en_US.UTF-8"}, SR},
		{"LC_MESSAGES beats LANG", map[string]string{"LC_MESSAGES": "ky_KG.UTF-8", "LANG": "en_US.UTF-8"}, KY},
		{"LC_ALL beats LC_MESSAGES", map[string]string{"LC_ALL": "en_US", "LC_MESSAGES": "ky_KG"}, EN},
		{"LANGUAGE first entry", map[string]string{"LANGUAGE": "ky:en", "LC_ALL": "en_US.UTF-8"}, KY},
		{"LANGUAGE empty first entry", map[string]string{"LANGUAGE": ":en:ky"}, EN},
		{"SMARTPOINT_LANG wins", map[string]string{"SMARTPOINT_LANG": "kg", "LANGUAGE": "en", "LANG": "sr_RS"}, KY},
		{"unsupported locale gives RU", map[string]string{"LC_ALL": "kk_KZ.UTF-8", "LANG": "en_US.UTF-8"}, RU},
		{"blank values are skipped", map[string]string{"SMARTPOINT_LANG": " ", "LANGUAGE": ":", "LANG": "en"}, EN},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range envVars {
				t.Setenv(v, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			if got := FromEnv(); got != tc.want {
				t.Errorf("FromEnv() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestValid(t *testing.T) {
	for _, l := range All {
		if !l.Valid() {
			t.Errorf("%s not valid", l)
		}
	}
	if Lang("de").Valid() || Lang("").Valid() {
		t.Error("unsupported languages must not be valid")
	}
}
