package main

// The packaging section: `make dist-bench` (scripts/dist-bench.sh)
// measures the cold and warm `make dist` and the artifacts' sizes into
// DIST-BENCHMARKS.md, and splices that into BENCHMARKS.md with
// -splice-dist; `make bench` includes the same file when it rewrites
// BENCHMARKS.md. Neither run has to repeat the other's measurements.

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

var (
	distIn     = flag.String("dist", "DIST-BENCHMARKS.md", "results of make dist-bench, included as a section when present")
	spliceDist = flag.Bool("splice-dist", false, "replace only the packaging section of -out with -dist, then exit")
)

const (
	distBegin = "<!-- dist-bench: generated from DIST-BENCHMARKS.md by make dist-bench / make bench -->"
	distEnd   = "<!-- /dist-bench -->"
)

// distSection renders DIST-BENCHMARKS.md as a section of BENCHMARKS.md:
// its title becomes a "## " heading, every heading one level deeper,
// between markers that -splice-dist finds again. Empty when src is.
func distSection(src string) string {
	src = strings.TrimSpace(src)
	if src == "" {
		return ""
	}
	var b strings.Builder
	b.WriteString(distBegin + "\n")
	fence := false
	for _, l := range strings.Split(src, "\n") {
		if strings.HasPrefix(l, "```") {
			fence = !fence
		}
		if !fence && strings.HasPrefix(l, "#") {
			l = "#" + l
		}
		b.WriteString(l + "\n")
	}
	b.WriteString("\n" + distEnd + "\n")
	return b.String()
}

// writeDist adds the packaging section when the results file exists.
func (r report) writeDist(p func(string, ...any)) {
	src, err := os.ReadFile(*distIn)
	if err != nil {
		return
	}
	if s := distSection(string(src)); s != "" {
		p("%s", s)
	}
}

// splice puts section into doc: in place of the marked block, else before
// the raw output, else at the end.
func splice(doc, section string) string {
	if i := strings.Index(doc, distBegin); i >= 0 {
		if j := strings.Index(doc[i:], distEnd); j >= 0 {
			rest := strings.TrimLeft(doc[i+j+len(distEnd):], "\n")
			return doc[:i] + section + "\n" + rest
		}
	}
	if i := strings.Index(doc, "\n## Raw output"); i >= 0 {
		return doc[:i+1] + section + "\n" + doc[i+1:]
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + section
}

// spliceFile rewrites out with the section from in.
func spliceFile(out, in string) error {
	src, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	section := distSection(string(src))
	if section == "" {
		return fmt.Errorf("%s is empty", in)
	}
	doc, err := os.ReadFile(out)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(out, []byte(splice(string(doc), section)), 0o644)
}
