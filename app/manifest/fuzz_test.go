package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"smartpoint/app/errs"
)

func addSeeds(f *testing.F, ext ...string) {
	for _, e := range ext {
		names, _ := filepath.Glob(filepath.Join("testdata", "*."+e))
		for _, name := range names {
			if b, err := os.ReadFile(name); err == nil {
				f.Add(b)
			}
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	addSeeds(f, "csv", "txt")
	for _, s := range []string{
		"track;cod\nA1;1 234,50\n",
		"sep=,\ntrack,name\n\"A1\",\"x\ny,z\"\n",
		"track\tsize\tweight\n a b \t30x20x10\t1,5 кг\n",
		"Трек;Сумма, руб;Вес, г\n=\"001\";-;500\n'002;1.234,5;\n",
		"track;x\nA1;\"unclosed\nA2;y\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInvariants(t, data, Options{Format: FormatCSV, MaxRowErrors: 5})
	})
}

func FuzzParseJSON(f *testing.F) {
	addSeeds(f, "json")
	for _, s := range []string{
		`[{"track":"A1","cod":1234.5},{"track":"a1"},"x",null,{"cod_minor":1}]`,
		`{"manifest":1,"items":[{"track":123,"weight":0.5,"size":"XL"}],"courier":{"a":[1]}}`,
		`[{"track":"A\u0000B","note":"\ud800"}]`,
		`[{"track":"A1"},`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkInvariants(t, data, Options{Format: FormatJSON, MaxRowErrors: 5})
	})
}

// checkInvariants holds for any input: no panic, only clean rows reach
// the callback, the counts add up and the hash is of the input.
func checkInvariants(t *testing.T, data []byte, opt Options) {
	var rows []Row
	sum, err := Parse(bytes.NewReader(data), opt, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	if sum.Rows != len(rows) {
		t.Fatalf("Summary.Rows %d, callback got %d", sum.Rows, len(rows))
	}
	for _, r := range rows {
		checkRow(t, r)
	}
	if err != nil {
		var de *errs.Error
		if !errors.As(err, &de) {
			t.Fatalf("file-level error is not *errs.Error: %v", err)
		}
		return
	}
	if want := sha256.Sum256(data); sum.SHA256 != hex.EncodeToString(want[:]) {
		t.Fatalf("SHA256 %s is not the hash of the input", sum.SHA256)
	}
	seen := map[string]bool{}
	good := map[int]bool{}
	last := 0
	for _, r := range rows {
		if seen[r.Track] {
			t.Fatalf("track %q passed twice", r.Track)
		}
		seen[r.Track] = true
		if r.Line <= last {
			t.Fatalf("row lines out of order: %d after %d", r.Line, last)
		}
		last = r.Line
		good[r.Line] = true
	}
	if len(sum.Errors) > opt.MaxRowErrors || (sum.Bad == 0) != (len(sum.Errors) == 0) {
		t.Fatalf("Bad %d with %d errors (cap %d)", sum.Bad, len(sum.Errors), opt.MaxRowErrors)
	}
	badLines := map[int]bool{}
	for _, e := range sum.Errors {
		if good[e.Line] {
			t.Fatalf("line %d both passed on and reported: %+v", e.Line, e)
		}
		if utf8.RuneCountInString(e.Value) > maxErrValue || !utf8.ValidString(e.Value) {
			t.Fatalf("error value %q not truncated or not UTF-8", e.Value)
		}
		badLines[e.Line] = true
	}
	if sum.Bad < len(badLines) {
		t.Fatalf("Bad %d but errors on %d lines", sum.Bad, len(badLines))
	}
}

func checkRow(t *testing.T, r Row) {
	if r.Track == "" || longerThan(r.Track, maxTrackLen) || strings.IndexFunc(r.Track, unicode.IsSpace) >= 0 ||
		!hasLetterOrDigit(r.Track) || r.Track != strings.ToUpper(r.Track) {
		t.Fatalf("bad track passed on: %q", r.Track)
	}
	if r.Line < 1 || r.CODAmount < 0 || r.WeightGrams < 0 || r.WeightGrams > maxWeightGrams {
		t.Fatalf("bad numbers passed on: %+v", r)
	}
	switch r.Size {
	case "", SizeS, SizeM, SizeL, SizeXL:
	default:
		t.Fatalf("bad size %q", r.Size)
	}
	if r.Currency != "" && len(r.Currency) != 3 {
		t.Fatalf("bad currency %q", r.Currency)
	}
	for _, s := range []string{r.Track, r.OrderNo, r.PickupCode, r.RecipientName, r.RecipientPhone, r.Note} {
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) || longerThan(s, maxValueLen) ||
			strings.IndexFunc(s, unicode.IsControl) >= 0 || s != strings.TrimSpace(s) {
			t.Fatalf("unclean value passed on: %q", s)
		}
	}
}
