package manifest

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]string{
		"":               "",
		"S":              "S",
		"s":              "S",
		"малый":          "S",
		"Маленький":      "S",
		"small":          "S",
		"mali":           "S",
		"С":              "S", // Cyrillic, typed on a Russian layout
		"M":              "M",
		"средний":        "M",
		"Medium":         "M",
		"srednji":        "M",
		"средњи":         "M",
		"L":              "L",
		"большой":        "L",
		"large":          "L",
		"veliki":         "L",
		"XL":             "XL",
		"xl":             "XL",
		"оч. большой":    "XL",
		"Очень большой":  "XL",
		"крупногабарит":  "XL",
		"КГТ":            "XL",
		"30x20x10":       "M",
		"30*20*10":       "M",
		"30х20х10":       "M", // Cyrillic х
		"30 × 20 × 10":   "M",
		"25x20x10":       "S",
		"25,5x20x10":     "M",
		"45x45x45 см":    "M",
		"46x10x10":       "L",
		"80x60x40 cm":    "L",
		"81x10x10":       "XL",
		"300x200x100 мм": "M",
		"10X10":          "S",
	} {
		got, ok := parseSize(in)
		if !ok || got != want {
			t.Errorf("parseSize(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"огромный", "0x0x0", "30x20x", "x", "30x20x10x5", "abcxdef", "-5x3", "inf x 2"} {
		if got, ok := parseSize(in); ok {
			t.Errorf("parseSize(%q) = %q, want an error", in, got)
		}
	}
}
