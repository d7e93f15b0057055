#!/usr/bin/env bash
# Runs the counter benchmarks with their baselines and writes BENCHMARKS.md.
#
# The first run generates the benchmark database (1,000,000 parcels, about a
# minute on 2 cores) and caches it: SP_BENCH_DB sets its path (default
# $TMPDIR/smartpoint-bench-1m.db), SP_BENCH_PARCELS its size (20000 for a
# quick run). BENCHTIME (default 10s) is how long each latency benchmark
# runs; IMPORTS (default 3x) how many 100,000-row imports are timed. With
# the defaults the whole run takes about 4 minutes on 2 cores (3 once the
# database is cached), plus about 1.5 for the loyalty benchmarks (3 the
# first time, building their database) and 2 for the window measurements;
# well under 15 on a busy machine. The sync benchmarks (SYNCRUNS, default 2x:
# each measurement twice) take about 5 minutes on SQLite and 5 more on a
# throwaway PostgreSQL (scripts/pgtest.sh; skipped when it cannot start
# one), plus a few the first time, making their cached fixtures: a server
# store of 1,000,000 events and a counter database with 50,000 queued events.
#
# Raw output goes to bench.out (scratch, not committed); BENCHMARKS.md
# embeds it.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
BENCHTIME=${BENCHTIME:-10s}
IMPORTS=${IMPORTS:-3x}
SYNCRUNS=${SYNCRUNS:-2x}
OUT=bench.out
# Same build settings as `make test`, so the build cache holds.
export CGO_ENABLED=0
TAGS=(-tags ci)

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)

run() { # run <benchmark regexp> <benchtime> [package]
  "$GO" test "${TAGS[@]}" -count=1 -run '^$' -bench "$1" -benchtime="$2" -timeout 60m "${3:-./app/counter/}" 2>&1
}

# A failing benchmark still gets its row (FAILED) in BENCHMARKS.md.
{
  run '^Benchmark(AcceptScan|IssueLookup|IssueCommit|DayReport|ShiftReport|Baseline.*)$' "$BENCHTIME" || true
  run '^BenchmarkImportManifest100k$' "$IMPORTS" || true
  # The loyalty programme: 200,000 members, about 2,000,000 movements; the
  # first run builds and caches its own database (~1.5 min on 2 cores).
  run '^Benchmark(CardLookup.*|Segments|Dashboard|LoyaltyBaseline.*)$' "$BENCHTIME" ./app/loyalty/ || true
  # Sync (the cloud server over loopback, and the client's catch-up): SQLite
  # always (SP_PG_DSN cleared), then the PostgreSQL sub-benchmarks against a
  # throwaway server.
  SP_PG_DSN= "$GO" test "${TAGS[@]}" -p 1 -count=1 -run '^$' -bench '^BenchmarkSync' -benchtime="$SYNCRUNS" -timeout 60m \
    ./sync/server/ ./sync/client/ 2>&1 || true
  ./scripts/pgtest.sh "$GO" test "${TAGS[@]}" -p 1 -count=1 -run '^$' -bench '^BenchmarkSync[A-Za-z0-9]*$/^postgres' \
    -benchtime="$SYNCRUNS" -timeout 60m ./sync/server/ ./sync/client/ 2>&1 || true
  # The window with Fyne's test driver (software renderer); StockScroll
  # builds a cached 100,000-parcel database on its first run (~30 s).
  run '^Benchmark(ScanToRendered|RenderBaseline|StockScroll)$' "${UIBENCHTIME:-3s}" ./ui/ || true
} | tee "$OUT"

status=0
if grep -q '^FAIL' "$OUT"; then status=1; fi

# The real window: start-up and scan-to-paint (needs Xvfb; skipped without it).
UIOUT=bench-ui.out
rm -f "$UIOUT"
if command -v Xvfb >/dev/null && command -v xdotool >/dev/null && [ -x bin/smartpoint ]; then
  SP_BENCH_DB="${SP_BENCH_DB:-${TMPDIR:-/tmp}/smartpoint-bench-1m.db}" OUT="$UIOUT" ./scripts/bench-ui.sh || echo "bench-ui failed" >&2
else
  echo "skipping the window measurements: needs Xvfb, xdotool and bin/smartpoint (make build)" >&2
fi

"$GO" run "${TAGS[@]}" ./scripts/benchmd -in "$OUT" -out BENCHMARKS.md -ui "$UIOUT" \
  -parcels "${SP_BENCH_PARCELS:-1000000}" -started "$started" -load-before "$load_before" \
  -benchtime "$BENCHTIME" -imports "$IMPORTS"
echo "wrote BENCHMARKS.md"
exit $status
