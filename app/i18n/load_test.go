package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[Lang]string
		want  []string // substrings of the error
	}{
		{"bad json", map[Lang]string{KY: "{\n  \"a\": \"x\",\n  \"b\" \"y\"\n}"}, []string{"tr/ky.json", "line 3"}},
		{"truncated", map[Lang]string{SR: `{"a": "x"`}, []string{"tr/sr.json", "unexpected end of file"}},
		{"bad template", map[Lang]string{EN: `{"a": "ok", "b": "Parcel {{.Track"}`}, []string{"tr/en.json", `key "b"`, "template"}},
		{"duplicate key", map[Lang]string{RU: `{"a": "x", "a": "y"}`}, []string{"tr/ru.json", `duplicate key "a"`}},
		{"not an object", map[Lang]string{RU: `["a"]`}, []string{"tr/ru.json", "JSON object"}},
		{"number value", map[Lang]string{RU: `{"a": 1}`}, []string{`key "a"`, "string or an object"}},
		{"nested object", map[Lang]string{RU: `{"a": {"b": "c"}}`}, []string{`key "a"`, `unknown plural form "b"`}},
		{"missing plural form", map[Lang]string{RU: `{"p": {"one": "x", "other": "y"}}`}, []string{"tr/ru.json", `key "p"`, `"few" is required`}},
		{"sr needs few", map[Lang]string{SR: `{"p": {"one": "x", "other": "y"}}`}, []string{"tr/sr.json", `"few" is required`}},
		{"plural needs other", map[Lang]string{EN: `{"p": {"one": "x"}}`}, []string{"tr/en.json", `"other" is required`}},
		{"plural form template", map[Lang]string{EN: `{"p": {"one": "x", "other": "{{.Count"}}`}, []string{"tr/en.json", `plural form "other"`}},
		{"empty text", map[Lang]string{KY: `{"a": ""}`}, []string{"tr/ky.json", "empty text"}},
		{"trailing data", map[Lang]string{KY: `{"a": "x"} {}`}, []string{"tr/ky.json", "after the top-level object"}},
	}
	for _, tc := range cases {
		_, err := Load(mapFS(tc.files), "tr")
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.name, err, w)
			}
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	fsys := mapFS(nil)
	delete(fsys, "tr/sr.json")
	_, err := Load(fsys, "tr")
	if err == nil || !strings.Contains(err.Error(), "tr/sr.json") {
		t.Errorf("want an error naming tr/sr.json, got %v", err)
	}
}

func TestFormatFile(t *testing.T) {
	c := mustLoad(t, map[Lang]string{
		EN: `{"z": "<b> & {{.X}}", "a": {"other": "many", "one": "one"}, "m": "\"q\"\n"}`,
	})
	want := "{\n" +
		`  "a": {"one": "one", "other": "many"},` + "\n" +
		`  "m": "\"q\"\n",` + "\n" +
		`  "z": "<b> & {{.X}}"` + "\n" +
		"}\n"
	if got := string(formatFile(c.langs[EN])); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := string(formatFile(c.langs[RU])); got != "{\n}\n" {
		t.Errorf("empty file: got %q", got)
	}
}

func TestLoadGroups(t *testing.T) {
	fsys := mapFS(map[Lang]string{RU: `{"a": "А"}`})
	for _, l := range All {
		fsys["tr/screen/"+string(l)+".json"] = &fstest.MapFile{Data: []byte(`{"screen.b": "Б"}`)}
	}
	c, err := Load(fsys, "tr")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T(EN, "screen.b", nil); got != "Б" {
		t.Errorf("key from a group file: got %q", got)
	}

	fsys["tr/screen/ru.json"] = &fstest.MapFile{Data: []byte(`{"a": "again"}`)}
	if _, err := Load(fsys, "tr"); err == nil || !strings.Contains(err.Error(), `key "a" is in both tr/ru.json and tr/screen/ru.json`) {
		t.Errorf("duplicate across groups: err = %v", err)
	}

	fsys["tr/screen/ru.json"] = &fstest.MapFile{Data: []byte(`{"screen.b": "Б"}`)}
	delete(fsys, "tr/screen/sr.json")
	if _, err := Load(fsys, "tr"); err == nil || !strings.Contains(err.Error(), "tr/screen/sr.json") {
		t.Errorf("missing language in a group: err = %v", err)
	}
}
