package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const distSample = "# Packaging\n\nSizes.\n\n## Sizes\n\n| a | b |\n\n```text\n# not a heading\n```\n"

func TestDistSection(t *testing.T) {
	s := distSection(distSample)
	for _, want := range []string{distBegin, "## Packaging\n", "### Sizes\n", "# not a heading\n", distEnd} {
		if !strings.Contains(s, want) {
			t.Errorf("section lacks %q:\n%s", want, s)
		}
	}
	if distSection("  \n") != "" {
		t.Error("an empty file gives no section")
	}
}

func TestSplice(t *testing.T) {
	doc := "# Benchmarks\n\n## Results\n\nx\n\n## Raw output\n\nraw\n"
	sec := distSection(distSample)
	once := splice(doc, sec)
	if !strings.Contains(once, "## Packaging") || strings.Index(once, "## Packaging") > strings.Index(once, "## Raw output") {
		t.Fatalf("the section goes before the raw output:\n%s", once)
	}
	// Again with new numbers: replaced, not added.
	twice := splice(once, distSection(strings.Replace(distSample, "Sizes.", "New sizes.", 1)))
	if strings.Count(twice, distBegin) != 1 || !strings.Contains(twice, "New sizes.") || strings.Contains(twice, "\nSizes.\n") {
		t.Errorf("second splice:\n%s", twice)
	}
	if !strings.HasSuffix(twice, "## Raw output\n\nraw\n") || !strings.HasPrefix(twice, "# Benchmarks\n\n## Results\n\nx\n\n") {
		t.Errorf("the rest of the file changed:\n%s", twice)
	}
	if got := splice("no sections\n", sec); !strings.HasPrefix(got, "no sections\n\n"+distBegin) {
		t.Errorf("append: %q", got)
	}
}

func TestSpliceFile(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "DIST.md"), filepath.Join(dir, "BENCH.md")
	os.WriteFile(in, []byte(distSample), 0o644)
	os.WriteFile(out, []byte("# Benchmarks\n\n## Raw output\n"), 0o644)
	if err := spliceFile(out, in); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	if !strings.Contains(string(b), "## Packaging") {
		t.Errorf("%s", b)
	}
	if err := spliceFile(out, filepath.Join(dir, "missing.md")); err == nil {
		t.Error("a missing results file is an error")
	}
}
