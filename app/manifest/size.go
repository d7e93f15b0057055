package manifest

import (
	"strings"
)

// Size classes of the point's shelves.
const (
	SizeS  = "S"
	SizeM  = "M"
	SizeL  = "L"
	SizeXL = "XL"
)

// sizeWords maps size words (Russian, English, Serbian Latin and Cyrillic,
// Kyrgyz, Kazakh) to classes. Keys go through normName before lookup.
var sizeWords = map[string][]string{
	SizeS: {"s", "xs", "малый", "малая", "малое", "маленький", "маленькая", "маленькое", "мелкий", "мелкая",
		"small", "mali", "mala", "мали", "мала", "кичине", "кіші",
		"с"}, // Cyrillic look-alike typed on a Russian layout
	SizeM: {"m", "средний", "средняя", "среднее", "medium", "med", "srednji", "srednja", "средњи", "средња",
		"орто", "орточо", "орташа",
		"м"},
	SizeL: {"l", "большой", "большая", "большое", "large", "big", "veliki", "velika", "велики", "велика",
		"чоң", "үлкен"},
	SizeXL: {"xl", "xxl", "xxxl", "оч большой", "очень большой", "оч большая", "очень большая",
		"extra large", "x large", "xlarge", "oversize", "oversized",
		"крупногабарит", "крупногабаритный", "крупногабаритная", "крупногабаритное", "кгт",
		"негабарит", "негабаритный", "vrlo veliki", "vrlo velika", "врло велики", "врло велика"},
}

var sizeByWord = func() map[string]string {
	m := map[string]string{}
	for class, words := range sizeWords {
		for _, w := range words {
			m[normName(w)] = class
		}
	}
	return m
}()

// Shelf limits: the longest side in centimetres that still fits a class.
const (
	maxSideS = 25
	maxSideM = 45
	maxSideL = 80
)

// parseSize maps a size word or dimensions such as "30x20x10" (cm, or mm
// when marked) to a size class. Empty stays empty.
func parseSize(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	switch s {
	case SizeS, SizeM, SizeL, SizeXL:
		return s, true // the common case, without normalising
	}
	if class, ok := sizeByWord[normName(s)]; ok {
		return class, true
	}
	side, ok := longestSideCm(s)
	switch {
	case !ok || side <= 0:
		return "", false
	case side <= maxSideS:
		return SizeS, true
	case side <= maxSideM:
		return SizeM, true
	case side <= maxSideL:
		return SizeL, true
	default:
		return SizeXL, true
	}
}

// dimensionSeparators are the "times" signs people type: Latin x, Cyrillic
// х, the multiplication sign and the asterisk.
var dimensionSeparators = strings.NewReplacer("х", "x", "×", "x", "*", "x")

// longestSideCm reads "30x20x10", "30 х 20 х 10 см", "300*200*100 мм".
func longestSideCm(s string) (float64, bool) {
	s = dimensionSeparators.Replace(strings.ToLower(s))
	parts := strings.Split(s, "x")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	var longest float64
	perCm := 1.0
	for _, p := range parts {
		p = strings.TrimSuffix(strings.TrimSpace(p), ".")
		switch {
		case strings.HasSuffix(p, "см") || strings.HasSuffix(p, "cm"):
			p = strings.TrimSuffix(strings.TrimSuffix(p, "см"), "cm")
		case strings.HasSuffix(p, "мм") || strings.HasSuffix(p, "mm"):
			p = strings.TrimSuffix(strings.TrimSuffix(p, "мм"), "mm")
			perCm = 10
		}
		mant, scale, ok := parseSimpleDecimal(strings.TrimSpace(p))
		if !ok {
			return 0, false
		}
		longest = max(longest, float64(mant)/float64(pow10(scale)))
	}
	return longest / perCm, true
}
