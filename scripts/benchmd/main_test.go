package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const sample = `bench: generating 1000 parcels
goos: linux
cpu: AMD EPYC
BenchmarkAcceptScan-2               	     372	   2922973 ns/op	         2.431 p50-ms	        13.58 p99-ms
BenchmarkAcceptScan-2               	     300	   2922973 ns/op	         2.000 p50-ms	         4.00 p99-ms
BenchmarkAcceptScan-2               	     310	   2922973 ns/op	         3.000 p50-ms	         4.50 p99-ms
--- FAIL: BenchmarkIssueCommit
    bench_test.go:476: issue II0642745156: issue.not_confirmed | Track
BenchmarkImportManifest100k/fresh-2 	       1	7124658311 ns/op	      7125 p50-ms	      7125 p99-ms	     60036 rows/s
BenchmarkBaselineInsertCommit-2     	    2109	    502403 ns/op	         0.2768 p50-ms	         4.069 p99-ms
FAIL
`

func TestParseAndVerdicts(t *testing.T) {
	run := parse(sample)
	if run.cpu != "AMD EPYC" {
		t.Errorf("cpu %q", run.cpu)
	}
	a := run.results["AcceptScan"]
	if a == nil || a.ops != 982 || a.metrics["p50-ms"] != 2.431 || a.metrics["p99-ms"] != 4.5 {
		t.Fatalf("AcceptScan (medians of three runs): %+v", a)
	}
	if why := run.failed["BenchmarkIssueCommit"]; !strings.Contains(why, "not_confirmed") {
		t.Errorf("failure reason %q", why)
	}
	r := report{run: run, parcels: 1_000_000}
	var b strings.Builder
	r.write(&b)
	md := b.String()
	for _, want := range []string{
		"| scan → committed result, 1 M parcels | AcceptScan | p99-ms | p99 ≤ 5 ms | 4.50 ms | within budget |",
		"| scan → committed result, 1 M parcels | IssueCommit | commit-p99-ms | p99 ≤ 5 ms | — | FAILED |",
		"| manifest import | ImportManifest100k/fresh | rows/s | ≥ 50,000 rows/s | 60,036 rows/s | within budget |",
		"| reports over 1 M parcels | DayReport | p99-ms | p99 ≤ 200 ms | — | NOT RUN |",
		"FAILED: bench_test.go:476: issue II0642745156: issue.not_confirmed \\| Track",
		"| AcceptScan | 982 | 2.43 | 4.50 |  | BaselineInsertCommit | 0.277 / 4.07 |  | 8.8× | within budget |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
}

func TestParseUI(t *testing.T) {
	raw := `# machine: 2 cores
startup cold {"exec_to_painted_ms":1200,"main_to_painted_ms":1000,"rss_kb":160000,"peak_rss_kb":160000}
startup warm {"exec_to_painted_ms":300,"main_to_painted_ms":250,"rss_kb":140000,"peak_rss_kb":150000}
bare warm {"exec_to_painted_ms":200,"main_to_painted_ms":150,"rss_kb":130000,"peak_rss_kb":130000}
phase unknown 0
phase parcel 2
phase end 4
paint 10
paint 12
paint 40
paint 130
`
	u := parseUI(raw)
	if len(u.startup["cold"]) != 1 || len(u.startup["bare"]) != 1 || len(u.startup["warm"]) != 1 {
		t.Fatalf("startup samples %+v", u.startup)
	}
	if !slices.Equal(u.paint["unknown"], []float64{10, 12}) || !slices.Equal(u.paint["parcel"], []float64{40, 130}) {
		t.Fatalf("phases %+v", u.paint)
	}
	var b strings.Builder
	u.write(func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) })
	out := b.String()
	// cold RSS 156 MB exceeds the budget; parcel p99 130 ms too.
	if strings.Count(out, "**missed**") != 2 || !strings.Contains(out, "| warm | 1 | 300 / 300 ms | 136.7 MB") {
		t.Fatalf("verdicts wrong:\n%s", out)
	}
}

func TestDriverTable(t *testing.T) {
	raw := `BenchmarkScanToRendered-2   	     200	  56000000 ns/op
BenchmarkRenderBaseline-2   	     250	  45000000 ns/op
BenchmarkStockScroll/jump-2 	     100	  12500000 ns/op	         0.9100 fetches/op	         3.200 fetch-ms/op
BenchmarkAcceptScan-2       	     372	   2922973 ns/op	         2.431 p50-ms	        13.58 p99-ms
`
	r := report{run: parse(raw), parcels: 1_000_000}
	var b strings.Builder
	r.write(&b)
	md := b.String()
	for _, want := range []string{
		"| ScanToRendered | 200 | 56.0 |  |",
		"| RenderBaseline | 250 | 45.0 |  |",
		"| StockScroll/jump | 100 | 12.5 | 0.91 pages read, 3.20 ms reading them |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
	// The driver benchmarks stay out of the latency table.
	results := md[strings.Index(md, "## Results"):strings.Index(md, "## Window benchmarks")]
	if strings.Contains(results, "ScanToRendered") || !strings.Contains(results, "| AcceptScan |") {
		t.Errorf("results table:\n%s", results)
	}
}
