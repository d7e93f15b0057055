package scan

import (
	"strings"
	"testing"
)

func TestClassifyDefaultPartners(t *testing.T) {
	c := defaultClassifier(t)
	for _, tc := range []struct {
		code    string
		kind    Kind
		partner string
	}{
		{"!uKEtQZVx", KindParcel, "wb"},
		{"2000000000015", KindParcel, "wb"},
		{"12345678*1234", KindPickupCode, "ozon"},
		{"87654321-0001", KindOrder, "ozon"},
		{"87654321-0001-1", KindOrder, "ozon"},
		{"II1234567890", KindParcel, "ozon"},
		{"LO-123456789", KindParcel, "yandex"},
		{"123456789", KindOrder, "yandex"},
		{"1234567890", KindParcel, "cdek"},
		{"10123456789", KindParcel, "cdek"},
		{"BB1234567890", KindParcel, "boxberry"},
		{"RA123456785RU", KindParcel, "russianpost"},
		{"10100400123457", KindParcel, "russianpost"},
		{"EE000000005KZ", KindParcel, "kazpost"},
		{"CP876543216KG", KindParcel, "kgpost"},
		{"LP00123456789012", KindParcel, "cainiao"},
		{"LB123456785CN", KindParcel, "cainiao"},
		{"8161234567890123", KindOrder, "cainiao"},
		{"RE123456785RS", KindParcel, "postars"},
		{"DE1234567890", KindParcel, "dexpress"},
		{"AKS12345678", KindParcel, "aks"},
		{"BEX123456789", KindParcel, "bex"},
		{"CE1234567890", KindParcel, "cityexpress"},
		{"3318810025", KindParcel, "dhl"},
		{"JJD0099999999", KindParcel, "dhl"},
		{"GM2951173225174494", KindParcel, "dhl"},
	} {
		check(t, c, tc.code, want{kind: tc.kind, code: tc.code, partner: tc.partner})
	}
	// A label typed with Caps Lock off must match the upper-case manifest row.
	check(t, c, "ii1234567890", want{kind: KindParcel, code: "II1234567890", partner: "ozon"})
}

// Every partner of the file must be reachable by at least one code above.
func TestClassifyCoversEveryDefaultPartner(t *testing.T) {
	c := defaultClassifier(t)
	covered := map[string]bool{}
	for _, code := range []string{
		"!uKEtQZVx", "12345678*1234", "LO-123456789", "1234567890", "BB1234567890",
		"RA123456785RU", "EE000000005KZ", "CP876543216KG", "LP00123456789012",
		"RE123456785RS", "DE1234567890", "AKS12345678", "BEX123456789",
		"CE1234567890", "3318810025",
	} {
		covered[c.Classify(code).Partner] = true
	}
	for _, p := range c.partners {
		if !covered[p.code] {
			t.Errorf("no test code classifies to partner %q", p.code)
		}
	}
}

func TestClassifyChecksumMatters(t *testing.T) {
	c := defaultClassifier(t)
	for _, code := range []string{
		"RA123456784RU",  // S10 check digit off by one
		"10100400123458", // rpo14 check digit off by one
		"2000000000016",  // EAN-13 check digit off by one
	} {
		check(t, c, code, want{kind: KindUnknown, code: code})
	}
}

func TestClassifyAmbiguous(t *testing.T) {
	c := defaultClassifier(t)
	// 10 digits starting with 1 whose last digit is the first nine mod 7:
	// a CDEK number and a DHL Express waybill at the same time.
	check(t, c, "1099255990", want{kind: KindParcel, code: "1099255990", candidates: []string{"cdek", "dhl"}})

	two, err := NewClassifier([]PartnerRules{
		{Partner: "zeta", Rules: []Rule{{Kind: KindParcel, Pattern: `X\d{4}`}}},
		{Partner: "alpha", Rules: []Rule{{Kind: KindParcel, Pattern: `X\d+`}, {Kind: KindParcel, Pattern: `X1\d{3}`}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	check(t, two, "X1234", want{kind: KindParcel, code: "X1234", candidates: []string{"alpha", "zeta"}})
	check(t, two, "X12345", want{kind: KindParcel, code: "X12345", partner: "alpha"})
}

func TestClassifyKindPriority(t *testing.T) {
	c, err := NewClassifier([]PartnerRules{
		{Partner: "p-order", Rules: []Rule{{Kind: KindOrder, Pattern: `[0-9*]+`}}},
		{Partner: "p-parcel", Rules: []Rule{{Kind: KindParcel, Pattern: `\d+`}}},
		{Partner: "p-pickup", Rules: []Rule{{Kind: KindPickupCode, Pattern: `\d+\*\d+`}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// A pickup code wins over everything, then parcel, then order.
	check(t, c, "1234*56", want{kind: KindPickupCode, code: "1234*56", partner: "p-pickup"})
	check(t, c, "123456", want{kind: KindParcel, code: "123456", partner: "p-parcel"})
	check(t, c, "**", want{kind: KindOrder, code: "**", partner: "p-order"})
}

func TestClassifyScannerNoise(t *testing.T) {
	c := defaultClassifier(t)
	ru := want{kind: KindParcel, code: "RA123456785RU", partner: "russianpost"}
	check(t, c, "RA123456785RU\r\n", ru)
	check(t, c, "\x02RA123456785RU\x03", ru)
	check(t, c, "  RA123456785RU\t", ru)
	ru.sym = "]C1"
	check(t, c, "]C1RA123456785RU\r", ru)
	// Caps Lock off: matched upper-cased, stored upper-cased.
	check(t, c, "ra123456785ru", want{kind: KindParcel, code: "RA123456785RU", partner: "russianpost"})
}

func TestClassifyRussianLayout(t *testing.T) {
	c := defaultClassifier(t)
	// RA123456785RU scanned while Windows was on the Russian layout.
	check(t, c, "КФ123456785КГ", want{kind: KindParcel, code: "RA123456785RU", partner: "russianpost", fixed: true})
	// Same with Caps Lock off: layout fix, then upper-casing.
	check(t, c, "кф123456785кг\r\n", want{kind: KindParcel, code: "RA123456785RU", partner: "russianpost", fixed: true})
	check(t, c, "КЗ876543216ЛП", want{kind: KindParcel, code: "RP876543216KG", partner: "kgpost", fixed: true})
	check(t, c, "шш1234567890", want{kind: KindParcel, code: "II1234567890", partner: "ozon", fixed: true})
	check(t, c, "!гЛУеЙЯМч", want{kind: KindParcel, code: "!uKEtQZVx", partner: "wb", fixed: true})
	// Our own labels: ':' is Shift+ж, so SPC1:C: arrives as ЫЗС1ЖСЖ.
	check(t, c, "ЫЗС1ЖСЖф1и2", want{kind: KindCustomerQR, code: "SPC1:C:a1b2", value: "a1b2", fixed: true})
	check(t, c, "СУДД-Ф-1-01", want{kind: KindCell, code: "CELL-A-1-01", value: "A-1-01", fixed: true})
	// An AIM prefix typed through the layout is still recognised.
	check(t, c, "ъС1КФ123456785КГ", want{kind: KindParcel, code: "RA123456785RU", partner: "russianpost", fixed: true, sym: "]C1"})
	// A marking whose serial letters came through the layout.
	check(t, c, "010460123456789021фиСВуа\x1d93Фи12", want{
		kind: KindMarking, code: "010460123456789021abCDef\x1d93Ab12", value: "04601234567890", fixed: true})
	// Cyrillic that maps to nothing known stays unknown and unmapped.
	check(t, c, "Привет", want{kind: KindUnknown, code: "Привет"})
}

func TestClassifyOwnLabels(t *testing.T) {
	c := defaultClassifier(t)
	for _, tc := range []struct {
		raw string
		w   want
	}{
		{"CELL-A-1-01", want{kind: KindCell, code: "CELL-A-1-01", value: "A-1-01"}},
		{"cell-a-1-01", want{kind: KindCell, code: "CELL-A-1-01", value: "A-1-01"}},
		{"CELL-1234567890ABCDEF", want{kind: KindCell, code: "CELL-1234567890ABCDEF", value: "1234567890ABCDEF"}},
		{"CELL-", want{kind: KindUnknown, code: "CELL-"}},
		{"CELL-A_1", want{kind: KindUnknown, code: "CELL-A_1"}},
		{"CELL-A 1", want{kind: KindUnknown, code: "CELL-A 1"}},
		{"CELL-1234567890ABCDEFG", want{kind: KindUnknown, code: "CELL-1234567890ABCDEFG"}},
		{"RBOX-000123", want{kind: KindReturnBox, code: "RBOX-000123", value: "000123"}},
		{"rbox-ab12", want{kind: KindReturnBox, code: "RBOX-AB12", value: "AB12"}},
		{"RBOX-", want{kind: KindUnknown, code: "RBOX-"}},
		{"RBOX-00-12", want{kind: KindUnknown, code: "RBOX-00-12"}},
		{"RBOX-123456789012345678901", want{kind: KindUnknown, code: "RBOX-123456789012345678901"}},
		{"SPC1:C:Zx9_Q-1", want{kind: KindCustomerQR, code: "SPC1:C:Zx9_Q-1", value: "Zx9_Q-1"}},
		{"spc1:l:CardToken", want{kind: KindLoyaltyCard, code: "SPC1:L:CardToken", value: "CardToken"}},
		{"]Q3SPC1:L:42", want{kind: KindLoyaltyCard, code: "SPC1:L:42", value: "42", sym: "]Q3"}},
		{"SPC1:C:", want{kind: KindUnknown, code: "SPC1:C:"}},
		{"SPC1:C:a b", want{kind: KindUnknown, code: "SPC1:C:a b"}},
		{"SPC1:X:abc", want{kind: KindUnknown, code: "SPC1:X:abc"}},
		{"SPC1:C:" + strings.Repeat("a", 257), want{kind: KindUnknown, code: "SPC1:C:" + strings.Repeat("a", 257)}},
	} {
		check(t, c, tc.raw, tc.w)
	}
}

func TestClassifyMarking(t *testing.T) {
	c := defaultClassifier(t)
	const withGS = "0104601234567890215Ab!cD\x1d93dGVz"
	for _, tc := range []struct {
		raw string
		w   want
	}{
		{"]d2" + withGS, want{kind: KindMarking, code: withGS, value: "04601234567890", sym: "]d2"}},
		{"0104601234567890215Ab!cD<GS>93dGVz", want{kind: KindMarking, code: withGS, value: "04601234567890"}},
		{"0104601234567890215Ab!cD{GS}93dGVz\r\n", want{kind: KindMarking, code: withGS, value: "04601234567890"}},
		// The scanner dropped the GS: still a marking when long enough.
		{"0104601234567890215Ab!cD93dGVz", want{kind: KindMarking, code: "0104601234567890215Ab!cD93dGVz", value: "04601234567890"}},
		{"010460123456789021abcdefg", want{kind: KindMarking, code: "010460123456789021abcdefg", value: "04601234567890"}},
		// 24 characters without GS: too short to be sure.
		{"010460123456789021abcdef", want{kind: KindUnknown, code: "010460123456789021abcdef"}},
		// Another GS1 element string (no AI 01 first): a marking, no GTIN.
		{"]C1" + "00346012345678901234\x1d10LOT1", want{kind: KindMarking, code: "00346012345678901234\x1d10LOT1", sym: "]C1"}},
	} {
		check(t, c, tc.raw, tc.w)
	}
}

func TestClassifyPhone(t *testing.T) {
	c := defaultClassifier(t)
	for _, tc := range []struct{ raw, value string }{
		{"+996 555 123 456", "+996555123456"},
		{"+7 (912) 345-67-89", "+79123456789"},
		{"8 (912) 345-67-89", "+79123456789"},
		{"8 701 123 45 67", "+77011234567"},
		{"+381 64 123 4567", "+381641234567"},
		{"+998 90 123 45 67", "+998901234567"},
		// Read as KG or RS; only KG hands out 5xx numbers, only RS 6x.
		{"0555 123 456", "+996555123456"},
		{"064 123 4567", "+381641234567"},
		{"555 123 456", "+996555123456"},
	} {
		check(t, c, tc.raw, want{kind: KindPhone, code: tc.raw, value: tc.value})
	}
	// Bishkek 0312… or Užice 031…: it could be either, so not a phone…
	check(t, c, "0312 123 456", want{kind: KindUnknown, code: "0312 123 456"})
	// …unless the point's country is known.
	kg := c.WithCountry("KG")
	check(t, kg, "0312 123 456", want{kind: KindPhone, code: "0312 123 456", value: "+996312123456"})
	check(t, c.WithCountry("RS"), "0312 123 456", want{kind: KindPhone, code: "0312 123 456", value: "+381312123456"})
	// WithCountry leaves the original alone and keeps the partner rules.
	check(t, kg, "RA123456785RU", want{kind: KindParcel, code: "RA123456785RU", partner: "russianpost"})
	// A bare run of digits is a code, not a phone.
	check(t, c, "89123456789", want{kind: KindUnknown, code: "89123456789"})
	// Formatted but not a phone.
	check(t, c, "+7 912", want{kind: KindUnknown, code: "+7 912"})
	check(t, c, "12-34-56", want{kind: KindUnknown, code: "12-34-56"})
}

func TestClassifyUnknown(t *testing.T) {
	c := defaultClassifier(t)
	for _, raw := range []string{"HELLO", "12345", "RA12345678RU", "ZZ123456785RU1", "!", "*", "-"} {
		check(t, c, raw, want{kind: KindUnknown, code: raw})
	}
	check(t, c, "\r\n", want{kind: KindUnknown, code: ""})
	check(t, c, "", want{kind: KindUnknown, code: ""})
}

func TestClassifyRawIsEscaped(t *testing.T) {
	c := defaultClassifier(t)
	r := c.Classify("\x02]d20104601234567890215Ab!cD\x1d93dGVz\r\n")
	if want := `\x02]d20104601234567890215Ab!cD\x1d93dGVz\r\n`; r.Raw != want {
		t.Errorf("Raw = %q, want %q", r.Raw, want)
	}
}

func TestClassifyWithoutPartners(t *testing.T) {
	var nilC *Classifier
	for _, c := range []*Classifier{nilC, {}, nilC.WithCountry("KG")} {
		check(t, c, "CELL-B-2", want{kind: KindCell, code: "CELL-B-2", value: "B-2"})
		check(t, c, "RA123456785RU", want{kind: KindUnknown, code: "RA123456785RU"})
		check(t, c, "+996 555 123 456", want{kind: KindPhone, code: "+996 555 123 456", value: "+996555123456"})
	}
}

// Labels we print scan back as what they label.
func TestPrintedLabelsClassifyBack(t *testing.T) {
	c, err := NewClassifier(nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Classify(CellCode("a-1-07")); r.Kind != KindCell || r.Value != "A-1-07" {
		t.Fatalf("cell label reads back as %+v", r)
	}
	if r := c.Classify(ReturnBoxCode("000002")); r.Kind != KindReturnBox || r.Value != "000002" {
		t.Fatalf("box label reads back as %+v", r)
	}
}
