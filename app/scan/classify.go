package scan

import "unicode/utf8"

// Result is what Classify made of one scan.
type Result struct {
	Raw         string   `json:"raw"`  // as received, with control characters escaped (\x1d, \r …) so it is safe to log/show
	Code        string   `json:"code"` // normalised code (what should be stored/looked up)
	Kind        Kind     `json:"kind"`
	Partner     string   `json:"partner,omitempty"`      // set only when exactly one partner's rule matched
	Candidates  []string `json:"candidates,omitempty"`   // every partner whose rules matched (sorted, deduplicated); len>1 means ambiguous
	LayoutFixed bool     `json:"layout_fixed,omitempty"` // the code was typed through a Russian (ЙЦУКЕН) keyboard layout and mapped back to QWERTY
	Symbology   string   `json:"symbology,omitempty"`    // AIM symbology identifier if the scanner sent one (e.g. "]C1", "]d2", "]Q3"), stripped from Code
	// Value is the useful part of the code: cell: the label ("A-1-01");
	// return box: the number ("000123"); customer/loyalty: the payload after
	// the prefix; phone: E.164 (+79123456789); marking: the GTIN when the
	// code starts with AI 01.
	Value string `json:"value,omitempty"`
}

// match is what steps 2–4 of Classify found.
type match struct {
	kind        Kind
	code, value string
	candidates  []string
}

// Classify normalises raw and decides what it is, in this order:
//  1. Normalize; an empty code is unknown.
//  2. Our own labels (CELL-, RBOX-, SPC1:C:, SPC1:L:, any letter case). A
//     malformed label after our prefix is unknown, never a partner code.
//  3. A GS1 marking code (see matchMarking).
//  4. Partner rules: every partner with a matching rule (checksum passing)
//     is a candidate. Pickup-code patterns are distinctive, so a pickup-code
//     match wins, then parcel, then order. If nothing matches and the code
//     has lower-case letters, it is retried upper-cased (tracks typed with
//     Caps Lock off); Code is then the upper-case form.
//  5. If nothing matched and the code has Cyrillic letters, it was probably
//     typed through the Russian layout: steps 2–4 are retried on
//     FromRussianLayout of it, and a hit sets LayoutFixed.
//  6. A hand-typed phone: it starts with '+', contains '(' or has at least
//     two spaces/dashes, and NormalizePhone accepts it. With WithCountry the
//     point's country reads national numbers. Without it the number is read
//     as KG, RU and RS: one reading (all "+…" numbers, "8 (912) 345-67-89")
//     is taken; several are settled by the first national digit each
//     country actually uses ("0555 123 456" is KG, "064 123 4567" is RS),
//     and a tie ("0312 123 456": Bishkek or Užice?) stays unknown.
//  7. Otherwise unknown: we never guess. Code still holds the normalised code.
func (c *Classifier) Classify(raw string) Result {
	if c == nil {
		c = &Classifier{}
	}
	code, sym := Normalize(raw)
	res := Result{Raw: escapeRaw(raw), Code: code, Kind: KindUnknown, Symbology: sym}
	if code == "" {
		return res
	}
	if m, ok := c.match(code); ok {
		return m.into(res)
	}
	if mapped, changed := FromRussianLayout(code); changed {
		code2, sym2 := Normalize(mapped) // the layout may have hidden an AIM prefix or GS substitute
		if m, ok := c.match(code2); ok {
			res.LayoutFixed = true
			if res.Symbology == "" {
				res.Symbology = sym2
			}
			return m.into(res)
		}
	}
	if e164, ok := c.phone(code); ok {
		res.Kind, res.Value = KindPhone, e164
	}
	return res
}

func (m match) into(res Result) Result {
	res.Kind, res.Code, res.Value = m.kind, m.code, m.value
	res.Candidates = m.candidates
	if len(m.candidates) == 1 {
		res.Partner = m.candidates[0]
	}
	return res
}

// match runs steps 2–4 on a normalised, non-empty code.
func (c *Classifier) match(code string) (match, bool) {
	if code == "" {
		return match{}, false
	}
	if m, ok, own := matchOwn(code); own {
		return m, ok
	}
	if m, ok := matchMarking(code); ok {
		return m, true
	}
	if m, ok := c.matchPartners(code); ok {
		return m, true
	}
	if up := upperASCII(code); up != code {
		return c.matchPartners(up)
	}
	return match{}, false
}

// matchPartners collects the partners whose rules match code and picks the
// kind: pickup_code, else parcel, else order.
func (c *Classifier) matchPartners(code string) (match, bool) {
	n := utf8.RuneCountInString(code)
	var pickup, parcel, order []string
	for _, p := range c.partners {
		var hitPickup, hitParcel, hitOrder bool
		for i := range p.rules {
			r := &p.rules[i]
			if n < r.minLen || (r.maxLen >= 0 && n > r.maxLen) {
				continue
			}
			if !r.re.MatchString(code) || (r.check != nil && !r.check(code)) {
				continue
			}
			switch r.kind {
			case KindPickupCode:
				hitPickup = true
			case KindParcel:
				hitParcel = true
			case KindOrder:
				hitOrder = true
			}
		}
		// p.code is unique and c.partners is sorted, so the lists are too.
		if hitPickup {
			pickup = append(pickup, p.code)
		}
		if hitParcel {
			parcel = append(parcel, p.code)
		}
		if hitOrder {
			order = append(order, p.code)
		}
	}
	switch {
	case pickup != nil:
		return match{kind: KindPickupCode, code: code, candidates: pickup}, true
	case parcel != nil:
		return match{kind: KindParcel, code: code, candidates: parcel}, true
	case order != nil:
		return match{kind: KindOrder, code: code, candidates: order}, true
	}
	return match{}, false
}
