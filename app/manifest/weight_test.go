package manifest

import "testing"

func TestParseWeight(t *testing.T) {
	for _, tc := range []struct {
		in    string
		hint  weightUnit
		grams int
	}{
		{"", unitGuess, 0},
		{"1,5 кг", unitGuess, 1500},
		{"1.5kg", unitGuess, 1500},
		{"1500 г", unitGuess, 1500},
		{"1500 гр.", unitGuess, 1500},
		{"1 500 g", unitGuess, 1500},
		{"1.5", unitGuess, 1500}, // a bare number below 100 is kilograms
		{"0,25", unitGuess, 250},
		{"99", unitGuess, 99000},
		{"100", unitGuess, 100}, // from 100 on it is grams
		{"350", unitGuess, 350},
		{"50", unitGram, 50},    // the column said "Вес, г"
		{"500", unitKg, 500000}, // the column said "Вес, кг"
		{"500 г", unitKg, 500},  // the cell's own unit wins
		{"0,0004", unitGuess, 0},
		{"0,0005", unitGuess, 1},
	} {
		got, ok := parseWeight(tc.in, tc.hint)
		if !ok || got != tc.grams {
			t.Errorf("parseWeight(%q, %d) = %d %v, want %d", tc.in, tc.hint, got, ok, tc.grams)
		}
	}
	for _, in := range []string{"сто кг", "кг", "1,5 фунта", "-1", "1.2.3", "2000 кг", "1e3", "."} {
		if got, ok := parseWeight(in, unitGuess); ok {
			t.Errorf("parseWeight(%q) = %d, want an error", in, got)
		}
	}
}
