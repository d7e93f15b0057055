package manifest

import (
	"strings"
	"unicode"
)

// weightUnit is the unit a bare number is in.
type weightUnit uint8

const (
	unitGuess weightUnit = iota // a bare number below 100 is kg, otherwise grams
	unitKg
	unitGram
)

// maxWeightGrams rejects weights no parcel point handles (over a tonne):
// such a number is almost always milligrams or a shifted column.
const maxWeightGrams = 1_000_000

// weightUnits maps unit words to units; keys are lower-case without dots.
var weightUnits = map[string]weightUnit{
	"кг": unitKg, "kg": unitKg, "килограмм": unitKg, "килограммов": unitKg, "килограмма": unitKg,
	"kilogram": unitKg, "kilograms": unitKg, "kilograma": unitKg,
	"г": unitGram, "гр": unitGram, "g": unitGram, "gr": unitGram, "грамм": unitGram, "граммов": unitGram,
	"грамма": unitGram, "граммах": unitGram, "килограммах": unitKg, "gram": unitGram, "grams": unitGram, "grama": unitGram,
}

// parseWeight reads "1,5 кг", "1500 г", "1 500" or a bare "1.5" into grams.
// A unit written in the cell wins over the column's unit (hint), which
// wins over guessing from the size of the number.
func parseWeight(s string, hint weightUnit) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	end := strings.IndexFunc(s, unicode.IsLetter)
	if end < 0 {
		end = len(s)
	}
	num, word := strings.TrimSpace(s[:end]), strings.TrimSuffix(strings.ToLower(s[end:]), ".")
	unit := hint
	if word != "" {
		u, ok := weightUnits[word]
		if !ok {
			return 0, false
		}
		unit = u
	}
	mant, scale, ok := parseSimpleDecimal(num)
	if !ok {
		return 0, false
	}
	if unit == unitGuess {
		unit = unitGram
		if mant < 100*pow10(scale) {
			unit = unitKg
		}
	}
	if unit == unitKg {
		mant *= 1000
	}
	grams := (mant + pow10(scale)/2) / pow10(scale) // round half up
	if grams > maxWeightGrams {
		return 0, false
	}
	return int(grams), true
}

var thousandsSpaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// parseSimpleDecimal reads digits with spaces between thousands and one
// optional '.' or ',' decimal separator: value = mant / 10^scale.
// Unlike amounts, "1,500 кг" is one and a half: weights have grams as
// decimals and nobody groups thousands of kilograms.
func parseSimpleDecimal(s string) (mant int64, scale int, ok bool) {
	if strings.ContainsAny(s, " \u00a0\u202f") {
		s = thousandsSpaces.Replace(s)
	}
	intPart, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if intPart == "" && frac == "" {
		return 0, 0, false
	}
	if intPart == "" {
		intPart = "0" // ".5"
	}
	if !allDigits(intPart) || (frac != "" && !allDigits(frac)) {
		return 0, 0, false
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(frac) > 6 {
		frac = frac[:6] // beyond a milligram is noise
	}
	if len(intPart)+len(frac) > 12 {
		return 0, 0, false
	}
	return decimalInt(intPart + frac), len(frac), true
}

func pow10(n int) int64 {
	v := int64(1)
	for range n {
		v *= 10
	}
	return v
}
