package scan

import (
	"errors"
	"regexp/syntax"
	"slices"
	"testing"

	"smartpoint/app/errs"
)

func TestNewClassifierErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rule    Rule
		partner string
		code    errs.Code
	}{
		{"bad regexp", Rule{Kind: KindParcel, Pattern: `(\d{8}`}, "ozon", ErrRulePattern},
		{"Perl lookahead", Rule{Kind: KindParcel, Pattern: `(?=x)`}, "ozon", ErrRulePattern},
		{"empty pattern", Rule{Kind: KindParcel}, "ozon", ErrRulePattern},
		{"unknown checksum", Rule{Kind: KindParcel, Pattern: `\d+`, Checksum: "crc"}, "ozon", ErrRuleChecksum},
		{"unknown kind", Rule{Kind: "track", Pattern: `\d+`}, "ozon", ErrRuleKind},
		{"our kind", Rule{Kind: KindCell, Pattern: `\d+`}, "ozon", ErrRuleKind},
		{"no partner", Rule{Kind: KindParcel, Pattern: `\d+`}, "", ErrPartnerCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewClassifier([]PartnerRules{{Partner: tc.partner, Rules: []Rule{tc.rule}}})
			if !errs.Has(err, tc.code) {
				t.Fatalf("err = %v, want code %s", err, tc.code)
			}
			var e *errs.Error
			if tc.partner != "" && (!errors.As(err, &e) || e.Args["Partner"] != tc.partner || e.Args["Pattern"] != tc.rule.Pattern) {
				t.Errorf("error %v does not name partner %q and pattern %q", err, tc.partner, tc.rule.Pattern)
			}
		})
	}
}

func TestNewClassifierMergesAndSorts(t *testing.T) {
	c, err := NewClassifier([]PartnerRules{
		{Partner: "b", Rules: []Rule{{Kind: KindParcel, Pattern: `B\d+`}}},
		{Partner: "a", Rules: []Rule{{Kind: KindParcel, Pattern: `A\d+`}}},
		{Partner: "b", Rules: []Rule{{Kind: KindOrder, Pattern: `O\d+`}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, p := range c.partners {
		codes = append(codes, p.code)
	}
	if !slices.Equal(codes, []string{"a", "b"}) {
		t.Errorf("partners = %v, want [a b]", codes)
	}
	check(t, c, "O12", want{kind: KindOrder, code: "O12", partner: "b"})
}

// Patterns are anchored: a rule never matches part of a code.
func TestRulesAreAnchored(t *testing.T) {
	c, err := NewClassifier([]PartnerRules{
		{Partner: "x", Rules: []Rule{{Kind: KindParcel, Pattern: `\d{4}|AB`}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check(t, c, "1234", want{kind: KindParcel, code: "1234", partner: "x"})
	check(t, c, "AB", want{kind: KindParcel, code: "AB", partner: "x"})
	check(t, c, "12345", want{kind: KindUnknown, code: "12345"})
	check(t, c, "ABC", want{kind: KindUnknown, code: "ABC"})
}

func TestLengthBounds(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		lo, hi  int
	}{
		{`\d{8}\*\d{4}`, 13, 13},
		{`\d{8,10}-\d{4}(?:-\d{1,2})?`, 13, 18},
		{`[A-Z]{2}\d{9}RU`, 13, 13},
		{`a|bcd`, 1, 3},
		{`(?:ab)+`, 2, -1},
		{`x*`, 0, -1},
		{`.?`, 0, 1},
		{`^$`, 0, 0},
		{`Ж{2}`, 2, 2},
		{`(?:a{10}){50}`, 500, 500},
	} {
		re, err := syntax.Parse("^(?:"+tc.pattern+")$", syntax.Perl)
		if err != nil {
			t.Fatalf("%s: %v", tc.pattern, err)
		}
		lo, hi := lengthBounds(re.Simplify())
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("lengthBounds(%s) = %d, %d; want %d, %d", tc.pattern, lo, hi, tc.lo, tc.hi)
		}
	}
}
