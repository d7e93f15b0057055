package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readInstall(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, l := range nsisLangs {
		b, err := os.ReadFile(filepath.Join("../../../assets/i18n/install", l.file+".json"))
		if err != nil {
			t.Fatal(err)
		}
		files[l.file] = b
	}
	return files
}

// Every $(name) the installer script uses is defined for every language.
func TestScriptStringsDefined(t *testing.T) {
	nsh, err := generate(readInstall(t))
	if err != nil {
		t.Fatal(err)
	}
	nsi, err := os.ReadFile("../../../packaging/windows/smartpoint.nsi")
	if err != nil {
		t.Fatal(err)
	}
	used := regexp.MustCompile(`\$\((installer_[a-z0-9_]+)\)`).FindAllStringSubmatch(string(nsi), -1)
	if len(used) < 10 {
		t.Fatalf("the script uses only %d installer strings: pattern broken?", len(used))
	}
	for _, u := range used {
		for _, l := range nsisLangs {
			if !strings.Contains(string(nsh), "LangString "+u[1]+" ${"+l.nsis+"} ") {
				t.Errorf("$(%s) has no %s text", u[1], l.file)
			}
		}
	}
}

func TestEscape(t *testing.T) {
	got, err := escape("Pay $5 \"now\"\nC:\\Path")
	if err != nil {
		t.Fatal(err)
	}
	if want := `Pay $$5 $\"now$\"$\r$\nC:\Path`; got != want {
		t.Errorf("escape = %s, want %s", got, want)
	}
	if _, err := escape("Hi {{.Name}}"); err == nil {
		t.Error("a template must be refused")
	}
}

func TestGenerateRefusesMismatch(t *testing.T) {
	files := map[string][]byte{
		"ru": []byte(`{"installer.a": "А", "installer.b": "Б"}`),
		"en": []byte(`{"installer.a": "A"}`),
		"sr": []byte(`{"installer.a": "A", "installer.b": "B"}`),
	}
	if _, err := generate(files); err == nil {
		t.Error("a language missing a key must be an error")
	}
	files["en"] = []byte(`{"installer.a": "A", "installer.b": "B", "other.key": "x"}`)
	out, err := generate(files)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "other") {
		t.Error("keys without the installer. prefix must stay out")
	}
	files["sr"] = []byte(`{"installer.a": {"one": "x", "other": "y"}, "installer.b": "B"}`)
	if _, err := generate(files); err == nil {
		t.Error("a plural form cannot reach the installer")
	}
}
