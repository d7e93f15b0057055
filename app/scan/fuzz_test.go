package scan

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var e164Re = regexp.MustCompile(`^\+\d{10,13}$`)

func FuzzClassify(f *testing.F) {
	for _, s := range []string{
		"", "RA123456785RU\r\n", "]C1RA123456785RU", "КФ123456785КГ", "кф123456785кг",
		"12345678*1234", "87654321-0001-1", "1099255990", "CELL-A-1-01", "cell-", "RBOX-000123",
		"SPC1:C:abc", "ЫЗС1ЖСЖфис", "]d20104601234567890215Ab!cD\x1d93dGVz",
		"0104601234567890215Ab!cD<GS>93dGVz", "^]{GS}\\x1d<gs>", "8 (912) 345-67-89",
		"+996 555 123 456", "0312 123 456", "\x02\x03\x04\x00\x7f\u0085\u200b\ufeff",
		"ab\xffcd", "]]C1]", "ъС1", "ң.", "!гЛУеЙЯМч", "LO-123", strings.Repeat("9", 300),
	} {
		f.Add(s)
	}
	c := defaultClassifier(f)
	f.Fuzz(func(t *testing.T, raw string) {
		r := c.Classify(raw)
		if again := c.Classify(raw); !reflect.DeepEqual(r, again) {
			t.Fatalf("not deterministic: %+v vs %+v", r, again)
		}
		if !utf8.ValidString(r.Code) {
			t.Fatalf("Code %q is not valid UTF-8", r.Code)
		}
		for _, ch := range r.Code {
			if ch != gs && unicode.IsControl(ch) {
				t.Fatalf("Code %q contains control %U", r.Code, ch)
			}
		}
		if !utf8.ValidString(r.Raw) {
			t.Fatalf("Raw %q is not valid UTF-8", r.Raw)
		}
		for _, ch := range r.Raw {
			if !unicode.IsPrint(ch) {
				t.Fatalf("Raw %q contains unprintable %U", r.Raw, ch)
			}
		}
		if r.Kind == KindUnknown && (r.Partner != "" || r.Candidates != nil || r.Value != "" || r.LayoutFixed) {
			t.Fatalf("unknown with details: %+v", r)
		}
		if (r.Partner != "") != (len(r.Candidates) == 1) || (r.Partner != "" && r.Partner != r.Candidates[0]) {
			t.Fatalf("Partner %q does not agree with Candidates %v", r.Partner, r.Candidates)
		}
		if !slices.IsSorted(r.Candidates) || len(slices.Compact(slices.Clone(r.Candidates))) != len(r.Candidates) {
			t.Fatalf("Candidates %v not sorted and unique", r.Candidates)
		}
		if r.Kind == KindPhone && !e164Re.MatchString(r.Value) {
			t.Fatalf("phone Value %q is not E.164", r.Value)
		}
		if r.Kind != KindUnknown && r.Code == "" {
			t.Fatalf("empty code classified as %s", r.Kind)
		}
		if r.LayoutFixed {
			return
		}
		// What we store must classify the same way when scanned again.
		s := c.Classify(r.Code)
		if s.Kind != r.Kind || s.Code != r.Code || s.Value != r.Value || !slices.Equal(s.Candidates, r.Candidates) {
			t.Fatalf("re-classifying %q: %+v, first pass %+v", r.Code, s, r)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"0555 123 456", "8 (912) 345-67-89", "+7 912 345 67 89", "064 123 4567", "+381 64 123 4567",
		"00996555123456", "+998 90 123 45 67", "+8 912", "++7", "7", "", "0 0", "+ 7 (912)",
	} {
		for _, cc := range []string{"KG", "KZ", "RU", "RS", ""} {
			f.Add(s, cc)
		}
	}
	f.Fuzz(func(t *testing.T, s, country string) {
		e, ok := NormalizePhone(s, country)
		if !ok {
			if e != "" {
				t.Fatalf("not ok but %q", e)
			}
			return
		}
		if !e164Re.MatchString(e) {
			t.Fatalf("NormalizePhone(%q, %q) = %q, not E.164", s, country, e)
		}
		for _, cc := range []string{"KG", "KZ", "RU", "RS", ""} {
			if again, ok := NormalizePhone(e, cc); !ok || again != e {
				t.Fatalf("NormalizePhone(%q, %q) = %q, %v; not idempotent", e, cc, again, ok)
			}
		}
		m := MaskPhone(e)
		if !strings.HasSuffix(m, e[len(e)-4:]) || strings.Count(m, "•") < len(e)-1-4-3 {
			t.Fatalf("MaskPhone(%q) = %q shows too much", e, m)
		}
	})
}

func FuzzFromRussianLayout(f *testing.F) {
	for _, s := range []string{"КФ123456785КГ", "A.B,C", "ё~Ё", `"№;:?.,/`, "ң.", "\xff", "ЖЭХЪБЮ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, changed := FromRussianLayout(s)
		if changed != (out != s) {
			t.Fatalf("FromRussianLayout(%q) = %q, changed=%v", s, out, changed)
		}
		if !hasCyrillic(s) && changed {
			t.Fatalf("mapped %q without Cyrillic letters", s)
		}
		if utf8.RuneCountInString(out) != utf8.RuneCountInString(s) {
			t.Fatalf("rune count changed: %q → %q", s, out)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if _, mapped := ruToUS[r]; mapped && unicode.IsLetter(r) {
				t.Fatalf("ЙЦУКЕН letter %q left in %q", r, out)
			}
		}
	})
}
