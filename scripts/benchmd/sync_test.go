package main

import (
	"strings"
	"testing"
)

// A run of ./sync/server and ./sync/client as scripts/bench.sh captures
// it (SQLite; PostgreSQL's push over its budget).
const syncSample = `goos: linux
cpu: AMD EPYC
BenchmarkAcceptScan-2              	     372	   2922973 ns/op	         2.431 p50-ms	         4.58 p99-ms
pkg: smartpoint/sync/server
BenchmarkSyncPush/sqlite/empty-2         	       2	4000000000 ns/op	     25012 events/s	        17.10 p50-ms	        41.20 p99-ms
BenchmarkSyncPush/sqlite/1M-2            	       2	5000000000 ns/op	     19650 events/s	        20.40 p50-ms	        60.00 p99-ms
BenchmarkSyncPush/postgres/empty-2       	       2	9000000000 ns/op	      9500 events/s	        50.00 p50-ms	        90.00 p99-ms
BenchmarkSyncStorePush/sqlite/empty-2    	       2	1000000000 ns/op	    100000 events/s	         4.000 p50-ms	         9.000 p99-ms
BenchmarkSyncBaselineHTTP/push-2         	       2	  73520081 ns/op	   1360196 events/s	         0.3246 p50-ms	         0.6186 p99-ms
BenchmarkSyncBaselineInsert/sqlite-2     	       2	 500000000 ns/op	    200000 events/s
BenchmarkSyncPull/sqlite-2               	       2	1500000000 ns/op	     66000 events/s	        15.00 p50-ms	        30.00 p99-ms
BenchmarkSyncBaselineHTTP/pull-2         	       2	1104984369 ns/op	     90499 events/s	         9.538 p50-ms	        24.20 p99-ms
BenchmarkSyncBaselineSelect/sqlite-2     	       2	 100000000 ns/op	   1000000 events/s	         1.000 p50-ms	         2.000 p99-ms
BenchmarkSyncPoints200/sqlite-2          	       2	9000000000 ns/op	         3.000 errors/run	     12000 events/s	         0 failed-rounds/run	         5.000 pull-p50-ms	        40.00 pull-p99-ms	        12.00 push-p50-ms	        80.00 push-p99-ms
--- FAIL: BenchmarkSyncPull/postgres
    bench_test.go:700: pulled 99000 changes, want 100000
pkg: smartpoint/sync/client
BenchmarkSyncCatchUp/sqlite-2            	       2	6000000000 ns/op	         5.200 catchup-s	      9615 events/s
BenchmarkSyncCatchUp/sqlite-unlimited-2  	       2	3000000000 ns/op	         2.500 catchup-s	     20000 events/s
PASS
`

func TestSyncSection(t *testing.T) {
	r := report{run: parse(syncSample), parcels: 1_000_000}
	var b strings.Builder
	r.write(&b)
	md := b.String()
	sync := md[strings.Index(md, "## Sync"):strings.Index(md, "## Raw output")]
	for _, want := range []string{
		"| sync push over loopback, SQLite server | SyncPush/sqlite/empty | events/s | ≥ 20,000 events/s | 25,012 events/s | within budget |",
		"| sync push over loopback, SQLite server | SyncPush/sqlite/1M | events/s | ≥ 20,000 events/s | 19,650 events/s | **OVER BUDGET** |",
		"| sync push over loopback, PostgreSQL server | SyncPush/postgres/empty | events/s | ≥ 10,000 events/s | 9,500 events/s | **OVER BUDGET** |",
		"| SyncPush/sqlite/empty | 2 | 25,012 | 17.1 / 41.2 | SyncBaselineHTTP/push 1,360,196; SyncBaselineInsert/sqlite 200,000 | 54.4×; 8.0× | within budget |",
		"| SyncPush/sqlite/1M | 2 | 19,650 | 20.4 / 60.0 |",
		"| SyncStorePush/sqlite/empty | 2 | 100,000 | 4.00 / 9.00 | SyncBaselineInsert/sqlite 200,000 | 2.0× | — (no budget) |",
		"| SyncBaselineInsert/sqlite | 2 | 200,000 | — | — | — | — (no budget) |",
		"| SyncPull/sqlite | 2 | 66,000 | 15.0 / 30.0 | SyncBaselineHTTP/pull 90,499; SyncBaselineSelect/sqlite 1,000,000 | 1.4×; 15.2× | — (no budget) |",
		"| SyncCatchUp/sqlite | 2 | 5.20 | 9,615 |",
		"| SyncCatchUp/sqlite-unlimited | 2 | 2.50 | 20,000 |",
		"| SyncPoints200/sqlite | 2 | 12.0 / 80.0 | 5.00 / 40.0 | 3.00 | 0 | 12,000 |",
		"- SyncPull/postgres: FAILED: bench_test.go:700: pulled 99000 changes, want 100000",
	} {
		if !strings.Contains(sync, want) {
			t.Errorf("missing %q in\n%s", want, sync)
		}
	}
	// The sync benchmarks stay out of the counter's tables.
	results := md[strings.Index(md, "## Results"):strings.Index(md, "## Loyalty")]
	if strings.Contains(results, "SyncPush") || strings.Contains(results, "SyncPull") || !strings.Contains(results, "| AcceptScan |") {
		t.Errorf("results table:\n%s", results)
	}
	if budgets := md[:strings.Index(md, "## Results")]; strings.Contains(budgets, "Sync") {
		t.Errorf("sync budgets among the counter's:\n%s", budgets)
	}
}

// Nothing of sync ran (no PostgreSQL, or a run of the counter only):
// the budgets still have their rows, and no empty tables.
func TestSyncSectionNotRun(t *testing.T) {
	r := report{run: parse(`BenchmarkSyncPush/sqlite/empty-2         	       2	4000000000 ns/op	     25012 events/s	        17.10 p50-ms	        41.20 p99-ms
`), parcels: 1_000_000}
	var b strings.Builder
	r.write(&b)
	md := b.String()
	sync := md[strings.Index(md, "## Sync"):strings.Index(md, "## Raw output")]
	for _, want := range []string{
		"| sync push over loopback, PostgreSQL server | SyncPush/postgres | events/s | ≥ 10,000 events/s | — | NOT RUN |",
		"| SyncPush/sqlite/empty | 2 | 25,012 | 17.1 / 41.2 | — | — | within budget |",
	} {
		if !strings.Contains(sync, want) {
			t.Errorf("missing %q in\n%s", want, sync)
		}
	}
	if strings.Contains(sync, "| catch-up |") || strings.Contains(sync, "| many points |") {
		t.Errorf("empty tables in\n%s", sync)
	}
}
