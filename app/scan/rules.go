package scan

import (
	"errors"
	"regexp"
	"regexp/syntax"
	"sort"

	"smartpoint/app/errs"
)

// Rule is one recognition rule of a partner; rules are data (JSON),
// editable by the owner.
type Rule struct {
	Kind     Kind   `json:"kind"`               // parcel | pickup_code | order
	Pattern  string `json:"pattern"`            // RE2 regexp, matched against the whole normalised code (anchored for you)
	Checksum string `json:"checksum,omitempty"` // "", "s10", "rpo14", "ean13", "luhn", "mod10", "mod7"
	Note     string `json:"note,omitempty"`
}

// PartnerRules are the rules of one partner.
type PartnerRules struct {
	Partner string // partner code, e.g. "ozon"
	Rules   []Rule
}

// Classifier holds compiled partner rules. Build it with NewClassifier; it
// is immutable and safe for concurrent use. The zero value (and nil) knows
// no partners but still recognises our own labels, markings and phones.
type Classifier struct {
	partners []partner // sorted by code, so candidates come out sorted
	country  string    // default phone country, see WithCountry
}

type partner struct {
	code  string
	rules []compiledRule
}

type compiledRule struct {
	kind  Kind
	re    *regexp.Regexp
	check checksum // nil: none
	// minLen and maxLen bound the length in runes of what re can match
	// (maxLen < 0: unbounded); they let Classify skip most rules cheaply.
	minLen, maxLen int
}

var errEmptyPattern = errors.New("empty pattern")

// NewClassifier compiles the rules. A bad pattern, an unknown checksum or
// kind is an error naming the partner and the pattern. Rules of partners
// listed twice under the same code are merged.
func NewClassifier(partners []PartnerRules) (*Classifier, error) {
	byCode := map[string]int{}
	c := &Classifier{}
	for i, p := range partners {
		if p.Partner == "" {
			return nil, errs.New(ErrPartnerCode, "Index", i+1, "Partner", p.Partner)
		}
		idx, seen := byCode[p.Partner]
		if !seen {
			idx = len(c.partners)
			byCode[p.Partner] = idx
			c.partners = append(c.partners, partner{code: p.Partner})
		}
		for _, r := range p.Rules {
			cr, err := compileRule(p.Partner, r)
			if err != nil {
				return nil, err
			}
			c.partners[idx].rules = append(c.partners[idx].rules, cr)
		}
	}
	sort.Slice(c.partners, func(i, j int) bool { return c.partners[i].code < c.partners[j].code })
	return c, nil
}

// WithCountry returns a copy of c that reads hand-typed phones without a
// country code as numbers of country ("KG", "KZ", "RU" or "RS"), as
// NormalizePhone does. Without it Classify accepts only phones that read
// the same whatever the country (see Classify).
func (c *Classifier) WithCountry(country string) *Classifier {
	cp := Classifier{}
	if c != nil {
		cp = *c
	}
	cp.country = country
	return &cp
}

func compileRule(partnerCode string, r Rule) (compiledRule, error) {
	if !isRuleKind(r.Kind) {
		return compiledRule{}, errs.New(ErrRuleKind, "Partner", partnerCode, "Pattern", r.Pattern, "Kind", string(r.Kind))
	}
	check, ok := checksumByName(r.Checksum)
	if !ok {
		return compiledRule{}, errs.New(ErrRuleChecksum, "Partner", partnerCode, "Pattern", r.Pattern, "Checksum", r.Checksum)
	}
	if r.Pattern == "" {
		return compiledRule{}, errs.Wrap(errEmptyPattern, ErrRulePattern, "Partner", partnerCode, "Pattern", r.Pattern)
	}
	full := "^(?:" + r.Pattern + ")$"
	re, err := regexp.Compile(full)
	if err != nil {
		return compiledRule{}, errs.Wrap(err, ErrRulePattern, "Partner", partnerCode, "Pattern", r.Pattern)
	}
	cr := compiledRule{kind: r.Kind, re: re, check: check, minLen: 0, maxLen: -1}
	if tree, err := syntax.Parse(full, syntax.Perl); err == nil {
		cr.minLen, cr.maxLen = lengthBounds(tree.Simplify())
	}
	return cr, nil
}

// unbounded caps length arithmetic; anything this long counts as "no limit".
const unbounded = 1 << 20

// lengthBounds returns the shortest and longest match of re in runes
// (max < 0: no limit). Being generous is safe: bounds only skip rules.
func lengthBounds(re *syntax.Regexp) (lo, hi int) {
	lo, hi = bounds(re)
	if hi >= unbounded {
		hi = -1
	}
	return min(lo, unbounded), hi
}

func bounds(re *syntax.Regexp) (lo, hi int) {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune), len(re.Rune)
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1, 1
	case syntax.OpCapture:
		return bounds(re.Sub[0])
	case syntax.OpStar:
		return 0, unbounded
	case syntax.OpPlus:
		l, _ := bounds(re.Sub[0])
		return l, unbounded
	case syntax.OpQuest:
		_, h := bounds(re.Sub[0])
		return 0, h
	case syntax.OpRepeat:
		l, h := bounds(re.Sub[0])
		hi = unbounded
		if re.Max >= 0 {
			hi = capMul(h, re.Max)
		}
		return capMul(l, re.Min), hi
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			l, h := bounds(sub)
			lo, hi = min(lo+l, unbounded), min(hi+h, unbounded)
		}
		return lo, hi
	case syntax.OpAlternate:
		lo = unbounded
		for _, sub := range re.Sub {
			l, h := bounds(sub)
			lo, hi = min(lo, l), max(hi, h)
		}
		return lo, hi
	case syntax.OpNoMatch:
		return 0, 0 // never matches; the regexp itself says no
	default: // empty match, anchors, word boundaries
		return 0, 0
	}
}

func capMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= unbounded/b {
		return unbounded
	}
	return a * b
}
