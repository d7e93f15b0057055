package main

import (
	"strings"
	"testing"
)

// A run of ./app/loyalty as scripts/bench.sh captures it.
const loyaltySample = `goos: linux
cpu: AMD EPYC
BenchmarkAcceptScan-2              	     372	   2922973 ns/op	         2.431 p50-ms	         4.58 p99-ms
pkg: smartpoint/app/loyalty
BenchmarkCardLookup/code-2         	   14712	    838501 ns/op	         0.8015 p50-ms	         2.011 p99-ms
BenchmarkCardLookup/phone-2        	    9208	   1182119 ns/op	         1.166 p50-ms	         6.337 p99-ms
BenchmarkLoyaltyBaselineLookup-2   	  491989	     28168 ns/op	         0.02207 p50-ms	         0.09081 p99-ms
BenchmarkSegments-2                	      10	1096343236 ns/op	       514 p50-ms	       853 p99-ms
--- BENCH: BenchmarkSegments-2
    bench_test.go:407: segments: 177502 members map[at_risk:50469 champions:21844]
BenchmarkDashboard-2               	       6	1905027482 ns/op	      1912 p50-ms	      2054 p99-ms
BenchmarkLoyaltyBaselineScan-2     	      22	 503776095 ns/op	       443.3 p50-ms	      1177 p99-ms
PASS
`

func TestLoyaltySection(t *testing.T) {
	r := report{run: parse(loyaltySample), parcels: 1_000_000}
	var b strings.Builder
	r.write(&b)
	md := b.String()
	loyalty := md[strings.Index(md, "## Loyalty"):strings.Index(md, "## Raw output")]
	for _, want := range []string{
		"| card look-up by QR or code, 200,000 members | CardLookup/code | p99-ms | p99 ≤ 5 ms | 2.01 ms | within budget |",
		"| card look-up by phone, 200,000 members | CardLookup/phone | p99-ms | p99 ≤ 5 ms | 6.34 ms | **OVER BUDGET** |",
		"| segments, 200,000 members and 2,000,000 movements | Segments | p99-ms | p99 ≤ 1000 ms | 853 ms | within budget |",
		"| CardLookup/code | 14712 | 0.801 | 2.01 | LoyaltyBaselineLookup | 0.0221 / 0.0908 | 36.3× | within budget |",
		"| CardLookup/phone | 9208 | 1.17 | 6.34 | LoyaltyBaselineLookup | 0.0221 / 0.0908 | 52.8× | **OVER BUDGET** |",
		"| Segments | 10 | 514 | 853 | LoyaltyBaselineScan | 443 / 1177 | 1.2× | within budget |",
		"| Dashboard | 6 | 1912 | 2054 | LoyaltyBaselineScan | 443 / 1177 | 4.3× | — (no budget) |",
		"| LoyaltyBaselineScan | 22 | 443 | 1177 | — |  |  | — (no budget) |",
	} {
		if !strings.Contains(loyalty, want) {
			t.Errorf("missing %q in\n%s", want, loyalty)
		}
	}
	// The loyalty benchmarks stay out of the counter's tables.
	results := md[strings.Index(md, "## Results"):strings.Index(md, "## Loyalty")]
	if strings.Contains(results, "CardLookup") || strings.Contains(results, "Segments") || !strings.Contains(results, "| AcceptScan |") {
		t.Errorf("results table:\n%s", results)
	}
	if budgets := md[:strings.Index(md, "## Results")]; strings.Contains(budgets, "Segments") {
		t.Errorf("loyalty budgets among DESIGN §8's:\n%s", budgets)
	}
}

// Not run, or failed: every loyalty budget still has its row.
func TestLoyaltySectionNotRunOrFailed(t *testing.T) {
	raw := `BenchmarkCardLookup/code-2         	   14712	    838501 ns/op	         0.8015 p50-ms	         2.011 p99-ms
--- FAIL: BenchmarkSegments
    bench_test.go:396: segments: database is locked
FAIL
`
	r := report{run: parse(raw), parcels: 1_000_000}
	var b strings.Builder
	r.write(&b)
	md := b.String()
	for _, want := range []string{
		"| CardLookup/phone | p99-ms | p99 ≤ 5 ms | — | NOT RUN |",
		"| Segments | p99-ms | p99 ≤ 1000 ms | — | FAILED |",
		"| Segments | | | | | | | FAILED: bench_test.go:396: segments: database is locked |",
		"| CardLookup/code | 14712 | 0.801 | 2.01 | — |  |  | within budget |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in\n%s", want, md)
		}
	}
}
