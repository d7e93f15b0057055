package main

import (
	"fmt"
	"strings"
)

// The sync benchmarks (./sync/server and ./sync/client: the reference
// server over loopback HTTP on SQLite and, under scripts/pgtest.sh, on
// PostgreSQL) get their own section: DESIGN §8's push budget, and the
// pull, catch-up and many-points figures the sync issue asked for, each
// next to its baselines from the same run.
func isSyncBench(name string) bool { return strings.HasPrefix(name, "Sync") }

var syncBudgets = []budget{
	{what: "sync push over loopback, SQLite server", bench: "SyncPush/sqlite/", metric: "events/s", limit: 20_000, atLeast: true, unit: "events/s",
		note: "100,000 events of one point in batches of 500 over loopback HTTP, into an empty store and into one holding 1,000,000 events"},
	{what: "sync push over loopback, PostgreSQL server", bench: "SyncPush/postgres/", metric: "events/s", limit: 10_000, atLeast: true, unit: "events/s",
		note: "the same on PostgreSQL"},
}

// syncBaselinesOf are the benchmarks a sync one reads against: bare HTTP
// round trips of the same requests, and the engine bare.
func syncBaselinesOf(name string) []string {
	parts := strings.Split(name, "/")
	engine := ""
	if len(parts) > 1 {
		engine = parts[1]
	}
	switch parts[0] {
	case "SyncPush":
		return []string{"SyncBaselineHTTP/push", "SyncBaselineInsert/" + engine}
	case "SyncStorePush":
		return []string{"SyncBaselineInsert/" + engine}
	case "SyncPull":
		return []string{"SyncBaselineHTTP/pull", "SyncBaselineSelect/" + engine}
	}
	return nil
}

func (r report) writeSync(p func(string, ...any)) {
	p("## Sync")
	p("")
	p("`go test -tags ci -bench '^BenchmarkSync' ./sync/server/ ./sync/client/`: the reference cloud server")
	p("(sync/server: strict decoding, token check, the store's push and pull) served on a loopback TCP port")
	p("with its production timeouts, on SQLite (WAL, synchronous=FULL) and on PostgreSQL (the run under")
	p("scripts/pgtest.sh: a throwaway local server with fsync off). Throughputs are events (or changes) a")
	p("second over the timed part; p50/p99 are per request, nearest rank.")
	p("")
	p("| budget | benchmark | metric | limit | measured | verdict |")
	p("|---|---|---|---|---|---|")
	for _, b := range syncBudgets {
		matched := false
		for _, name := range r.names() {
			if !b.applies(name) {
				continue
			}
			matched = true
			measured, verdict := r.verdict(b, name)
			p("| %s | %s | %s | %s | %s | %s |", b.what, name, b.metric, b.limitText(), measured, verdict)
		}
		if !matched {
			p("| %s | %s | %s | %s | — | NOT RUN |", b.what, strings.TrimSuffix(b.bench, "/"), b.metric, b.limitText())
		}
	}
	p("")
	for _, b := range syncBudgets {
		p("- %s: %s.", strings.TrimSuffix(b.bench, "/"), b.note)
	}
	p("")

	var through, catchUp, points, failed []string
	for _, name := range r.names() {
		if !isSyncBench(name) {
			continue
		}
		if why, bad := r.failure(name); bad {
			failed = append(failed, fmt.Sprintf("- %s: FAILED: %s", name, why))
			continue
		}
		res := r.run.results[name]
		switch {
		case strings.HasPrefix(name, "SyncCatchUp"):
			catchUp = append(catchUp, fmt.Sprintf("| %s | %d | %s | %s |", name, res.ops, metric(res, "catchup-s"), rateOf(res)))
		case strings.HasPrefix(name, "SyncPoints"):
			points = append(points, fmt.Sprintf("| %s | %d | %s | %s | %s | %s | %s |", name, res.ops,
				latencies(res, "push-"), latencies(res, "pull-"), metric(res, "errors/run"), metric(res, "failed-rounds/run"), rateOf(res)))
		default:
			var bases, ratios []string
			for _, base := range syncBaselinesOf(name) {
				b, ok := r.run.results[base]
				if !ok {
					continue
				}
				bases = append(bases, fmt.Sprintf("%s %s", base, rateOf(b)))
				if v, bv := res.metrics["events/s"], b.metrics["events/s"]; v > 0 && bv > 0 {
					ratios = append(ratios, fmt.Sprintf("%.1f×", bv/v))
				}
			}
			through = append(through, fmt.Sprintf("| %s | %d | %s | %s | %s | %s | %s |", name, res.ops, rateOf(res),
				latencies(res, ""), orDash(strings.Join(bases, "; ")), orDash(strings.Join(ratios, "; ")), r.verdictOf(syncBudgets, name)))
		}
	}
	if len(through) > 0 {
		p("| benchmark | runs | events/s | p50 / p99 ms | baselines (events/s) | baseline ÷ this | verdict |")
		p("|---|---:|---:|---:|---|---:|---|")
		for _, row := range through {
			p("%s", row)
		}
		p("")
		p("SyncPush pushes 100,000 events of one point (parcels accepted and issued, loyalty movements, log-ins)")
		p("in 200 requests of 500, with no rate limit (the production 20 requests a second per token would cap")
		p("one point at 10,000 events/s); \"empty\" is a new store each run, \"1M\" one already holding")
		p("1,000,000 events of 10 owners (it grows by 100,000 each run). Between the two the pushing owner's")
		p("rows stop being the last of every index, so each insert searches where a lone owner's appends;")
		p("past that the size costs a comparison or two (a 100,000-event store measures like the 1M one).")
		p("SyncStorePush sends the same batches to Store.Push directly: the store's share. Baselines:")
		p("SyncBaselineHTTP/push is the same 200")
		p("requests answered by a trivial handler (HTTP alone), SyncBaselineInsert the same rows inserted bare")
		p("into the same engine's events table, 500 a transaction (the database alone). SyncPull reads 100,000")
		p("changes of the owner stream in pages of 1,000; SyncBaselineHTTP/pull serves such a page from")
		p("memory, SyncBaselineSelect reads the same rows bare, page by page.")
		p("")
	}
	if len(catchUp) > 0 {
		p("| catch-up | runs | seconds | events/s |")
		p("|---|---:|---:|---:|")
		for _, row := range catchUp {
			p("%s", row)
		}
		p("")
		p("A point back online after 50,000 events made offline: one Round of the real client (sync/client:")
		p("hello, 100 pushes of 500, the pulls) from its counter database to every event acknowledged.")
		p("\"sqlite\" and \"postgres\" keep the server's production rate limit (20 requests a second per token:")
		p("the client waits out the 429s), \"-unlimited\" has none.")
		p("")
	}
	if len(points) > 0 {
		p("| many points | runs | push p50 / p99 ms | pull p50 / p99 ms | errors a run | failed rounds a run | events/s |")
		p("|---|---:|---:|---:|---:|---:|---:|")
		for _, row := range points {
			p("%s", row)
		}
		p("")
		p("200 points of 40 owners sync at once, 5 rounds each (hello, a push of 20 events, a pull of both")
		p("streams), against the server with its production limits (128 requests at once, 20 a second per")
		p("token). Errors are non-2xx answers (a 503 or 429 is retried after its Retry-After, as the client")
		p("does); a round fails when a request still fails after two retries.")
		p("")
	}
	for _, f := range failed {
		p("%s", strings.ReplaceAll(f, "|", "\\|"))
	}
	if len(failed) > 0 {
		p("")
	}
}

// latencies is "p50 / p99" of the metrics named prefix+"p50-ms" and
// prefix+"p99-ms", "—" without them.
func latencies(r *result, prefix string) string {
	p50, p99 := metric(r, prefix+"p50-ms"), metric(r, prefix+"p99-ms")
	if p50 == "" && p99 == "" {
		return "—"
	}
	return p50 + " / " + p99
}

// rateOf is a result's events/s.
func rateOf(r *result) string {
	v, ok := r.metrics["events/s"]
	if !ok {
		return ""
	}
	return thousands(v)
}
