package scan

import (
	"os"
	"slices"
	"testing"
)

const defaultsPath = "../../assets/partners/defaults.json"

// defaultClassifier builds a Classifier from the real partner file.
func defaultClassifier(tb testing.TB) *Classifier {
	tb.Helper()
	data, err := os.ReadFile(defaultsPath)
	if err != nil {
		tb.Fatal(err)
	}
	defs, err := LoadDefaults(data)
	if err != nil {
		tb.Fatalf("LoadDefaults: %v", err)
	}
	c, err := NewClassifier(RulesOf(defs))
	if err != nil {
		tb.Fatalf("NewClassifier: %v", err)
	}
	return c
}

// want is the part of a Result a test cares about.
type want struct {
	kind       Kind
	code       string
	partner    string
	candidates []string
	value      string
	fixed      bool
	sym        string
}

func check(t *testing.T, c *Classifier, raw string, w want) {
	t.Helper()
	r := c.Classify(raw)
	if w.candidates == nil && w.partner != "" {
		w.candidates = []string{w.partner}
	}
	if r.Kind != w.kind || r.Code != w.code || r.Partner != w.partner ||
		!slices.Equal(r.Candidates, w.candidates) || r.Value != w.value ||
		r.LayoutFixed != w.fixed || r.Symbology != w.sym {
		t.Errorf("Classify(%q)\n got: kind=%s code=%q partner=%q candidates=%v value=%q fixed=%v sym=%q\nwant: kind=%s code=%q partner=%q candidates=%v value=%q fixed=%v sym=%q",
			raw, r.Kind, r.Code, r.Partner, r.Candidates, r.Value, r.LayoutFixed, r.Symbology,
			w.kind, w.code, w.partner, w.candidates, w.value, w.fixed, w.sym)
	}
}
