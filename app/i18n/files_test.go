package i18n

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"smartpoint/assets"
)

// go test ./app/i18n -run TestFilesCanonical -update rewrites the files
// sorted and pretty-printed after someone added keys by hand.
var update = flag.Bool("update", false, "rewrite assets/i18n/*.json in canonical form")

func TestEmbeddedFilesLoad(t *testing.T) {
	if _, err := Load(assets.FS, "i18n"); err != nil {
		t.Fatal(err) // also covers: every template parses
	}
	Default()
}

// Every group directory (the top one and each sub-directory) holds exactly
// one file per language and nothing else.
func TestDirsHoldOnlyLanguageFiles(t *testing.T) {
	dirs, err := groupDirs(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range All {
		want = append(want, string(l)+".json")
	}
	slices.Sort(want)
	for _, d := range dirs {
		ents, err := fs.ReadDir(assets.FS, d)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			if !e.IsDir() {
				names = append(names, e.Name())
			}
		}
		if !slices.Equal(names, want) {
			t.Errorf("assets/%s holds %v, want exactly %v", d, names, want)
		}
	}
}

func TestEmbeddedKeySets(t *testing.T) {
	for _, p := range keySetProblems(Default()) {
		t.Error(p)
	}
}

func TestEmbeddedShapes(t *testing.T) {
	for _, p := range shapeProblems(Default()) {
		t.Error(p)
	}
}

func TestEmbeddedPlaceholders(t *testing.T) {
	for _, p := range placeholderProblems(Default()) {
		t.Error(p)
	}
}

// A language's own name reads the same in every file.
func TestLanguageNamesIdentical(t *testing.T) {
	c := Default()
	for _, name := range All {
		key := "lang." + string(name)
		want := c.T(RU, key, nil)
		for _, l := range All {
			if got := c.T(l, key, nil); got != want {
				t.Errorf("%s.json %s = %q, want %q", l, key, got, want)
			}
		}
	}
}

// The checks themselves must be able to fail.
func TestChecksDetectProblems(t *testing.T) {
	c := mustLoad(t, map[Lang]string{
		RU: `{"a": "A {{.Track}}", "b": "B", "p": {"one": "1", "few": "2", "many": "5", "other": "x"}}`,
		KY: `{"a": "A {{.Trak}}", "b": "B", "extra": "E", "p": {"one": "1", "other": "x"}}`,
		SR: `{"a": "A", "p": "plain"}`,
		EN: `{"a": "A {{.Track}} {{.At}}", "p": {"one": "1", "other": "x"}}`,
	})
	all := strings.Join(slices.Concat(keySetProblems(c), shapeProblems(c), placeholderProblems(c)), "\n")
	for _, want := range []string{
		"ky.json: extra keys not in ru.json: extra",
		"sr.json: missing keys: b",
		"en.json: missing keys: b",
		"sr.json: key \"p\" is plain text",
		"ky.json: key \"a\" uses {{.Trak}} which ru.json does not",
		"ky.json: key \"a\" lacks {{.Track}}",
		"sr.json: key \"a\" lacks {{.Track}}",
		"en.json: key \"a\" uses {{.At}}",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problem %q not reported; got:\n%s", want, all)
		}
	}
}

func keySetProblems(c *Catalog) []string {
	var out []string
	ru := c.langs[RU]
	for _, l := range All[1:] {
		own := c.langs[l]
		var missing, extra []string
		for k := range ru {
			if own[k] == nil {
				missing = append(missing, k)
			}
		}
		for k := range own {
			if ru[k] == nil {
				extra = append(extra, k)
			}
		}
		if len(missing) > 0 {
			slices.Sort(missing)
			out = append(out, fmt.Sprintf("%s.json: missing keys: %s", l, strings.Join(missing, ", ")))
		}
		if len(extra) > 0 {
			slices.Sort(extra)
			out = append(out, fmt.Sprintf("%s.json: extra keys not in ru.json: %s", l, strings.Join(extra, ", ")))
		}
	}
	return out
}

// shapeProblems reports keys that are plural in ru.json but plain text
// elsewhere, or the reverse.
func shapeProblems(c *Catalog) []string {
	var out []string
	for _, l := range All[1:] {
		for _, k := range sortedKeys(c.langs[l]) {
			ru, own := c.langs[RU][k], c.langs[l][k]
			if ru == nil || ru.plural == own.plural {
				continue
			}
			kind := map[bool]string{true: "plural", false: "plain text"}
			out = append(out, fmt.Sprintf("%s.json: key %q is %s but %s in ru.json",
				l, k, kind[own.plural], kind[ru.plural]))
		}
	}
	return out
}

// placeholderProblems compares the placeholders of each key with ru.json
// (union over plural forms: one form may spell the number as a word).
func placeholderProblems(c *Catalog) []string {
	var out []string
	for _, l := range All[1:] {
		for _, k := range sortedKeys(c.langs[l]) {
			ru := c.langs[RU][k]
			if ru == nil {
				continue
			}
			want, got := fieldsOf(ru), fieldsOf(c.langs[l][k])
			for _, f := range got {
				if !slices.Contains(want, f) {
					out = append(out, fmt.Sprintf("%s.json: key %q uses {{.%s}} which ru.json does not", l, k, f))
				}
			}
			for _, f := range want {
				if !slices.Contains(got, f) {
					out = append(out, fmt.Sprintf("%s.json: key %q lacks {{.%s}} used in ru.json", l, k, f))
				}
			}
		}
	}
	return out
}

func fieldsOf(m *message) []string {
	var fs []string
	for _, t := range m.forms {
		fs = append(fs, t.fields...)
	}
	slices.Sort(fs)
	return slices.Compact(fs)
}

func sortedKeys(m map[string]*message) []string { return slices.Sorted(maps.Keys(m)) }

// TestFilesCanonical keeps the files sorted by key, 2-space indented, one
// key per line (plural objects inline, forms in CLDR order), so that
// concurrent additions merge cleanly.
func TestFilesCanonical(t *testing.T) {
	dirs, err := groupDirs(assets.FS, "i18n")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		for _, l := range All {
			name := d + "/" + string(l) + ".json"
			have, err := fs.ReadFile(assets.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			msgs, err := loadFile(assets.FS, l, name)
			if err != nil {
				t.Fatal(err)
			}
			want := formatFile(msgs)
			if bytes.Equal(have, want) {
				continue
			}
			if *update {
				if err := os.WriteFile(filepath.Join("..", "..", "assets", name), want, 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			t.Errorf("assets/%s is not canonical (sorted keys, 2-space indent); run: go test ./app/i18n -run TestFilesCanonical -update", name)
		}
	}
}

func formatFile(msgs map[string]*message) []byte {
	var b bytes.Buffer
	b.WriteString("{\n")
	keys := sortedKeys(msgs)
	for i, k := range keys {
		m := msgs[k]
		fmt.Fprintf(&b, "  %s: ", jsonString(k))
		if !m.plural {
			b.WriteString(jsonString(m.forms["other"].src))
		} else {
			b.WriteString("{")
			sep := ""
			for _, f := range pluralForms {
				if t := m.forms[f]; t != nil {
					fmt.Fprintf(&b, "%s%s: %s", sep, jsonString(f), jsonString(t.src))
					sep = ", "
				}
			}
			b.WriteString("}")
		}
		if i < len(keys)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// jsonString quotes s without escaping <, > and & so translators can read
// the files.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
