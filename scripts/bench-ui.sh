#!/usr/bin/env bash
# Measures the real counter window on the 1,000,000-parcel benchmark
# database, under Xvfb (software OpenGL, as on a counter PC without a GPU
# driver — a pessimistic case):
#   * cold start: exec → the first painted frame of the login screen, and
#     the process's resident memory at that moment (--bench-startup);
#   * scan → result painted: xdotool types codes as a wedge scanner does;
#     the app logs, per scan, the time from the scanner's Enter reaching the
#     window to the end of the frame that shows the result (--trace-paint).
#     Baseline in the same run: codes no partner recognises (no database
#     lookup), so the difference is the lookup's share.
# Writes bench-ui.out (scratch); scripts/benchmd puts it into BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=${SP_BENCH_DB:-${TMPDIR:-/tmp}/smartpoint-bench-1m.db}
OUT=${OUT:-bench-ui.out}
RUNS=${STARTUP_RUNS:-7}
SCANS=${SCANS:-40}
[ -f "$SRC" ] || ./bin/spctl bench-data --parcels "${SP_BENCH_PARCELS:-1000000}" --out "$SRC"
for tool in Xvfb xdotool sqlite3; do command -v $tool >/dev/null || { echo "$tool missing (scripts/deps.sh)"; exit 1; }; done

WORK=$(mktemp -d)
DB=$WORK/counter.db
cleanup() { [ -n "${XPID:-}" ] && kill "$XPID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cp "$SRC" "$DB"   # the window logs in and scans; keep the cached file pristine
export LANGUAGE=ru
DISP=:$((90 + RANDOM % 9))
Xvfb "$DISP" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 & XPID=$!
export DISPLAY=$DISP
for _ in $(seq 1 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done

{
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GB"
echo "# parcels: $(sqlite3 "$DB" 'SELECT count(*) FROM parcels')"
echo "# renderer: Xvfb (Mesa software OpenGL)"
for i in $(seq 1 "$RUNS"); do
  cold=warm
  if [ "$i" = 1 ] && sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then cold=cold; fi
  T0=$(date +%s%N)
  line=$(SP_T0_NS=$T0 ./bin/smartpoint --db "$DB" --bench-startup 2>/dev/null | tail -1)
  echo "startup $cold $line"
  line=$(SP_T0_NS=$(date +%s%N) ./bin/smartpoint --bench-bare 2>/dev/null | tail -1)
  echo "bare warm $line"
done
} > "$OUT"

# Scan → painted result.
./bin/smartpoint --db "$DB" --trace-paint > "$WORK/app.log" 2>&1 & APP=$!
for _ in $(seq 1 100); do xdotool search --name SmartPoint >/dev/null 2>&1 && break; sleep 0.1; done
sleep 1
xdotool type --delay 120 4821; xdotool key Return; sleep 1
xdotool key Escape; sleep 0.3   # a shift offer, if the owner had none open
mapfile -t tracks < <(sqlite3 "$DB" "SELECT track FROM parcels WHERE status='stored' ORDER BY random() LIMIT $SCANS")
mapfile -t codes < <(sqlite3 "$DB" "SELECT pickup_code FROM parcels WHERE status='stored' AND pickup_code<>'' ORDER BY random() LIMIT $SCANS")
scan() { xdotool type --delay 3 "$1"; xdotool key Return; sleep 0.25; }
mark() { echo "phase $1 $(grep -c 'scan painted' "$WORK/app.log" || true)" >> "$WORK/phases"; }
mark unknown; for i in $(seq 1 "$SCANS"); do scan "QQ$((RANDOM))ZZ$i"; done
mark parcel;  for t in "${tracks[@]}"; do scan "$t"; done
mark pickup;  for c in "${codes[@]}"; do scan "$c"; xdotool key Escape; xdotool key Escape; sleep 0.1; done
mark end
kill $APP; wait $APP 2>/dev/null || true
awk '/phase/{print}' "$WORK/phases" >> "$OUT"
grep 'scan painted' "$WORK/app.log" | sed -n 's/.*ms=\([0-9.]*\).*/paint \1/p' >> "$OUT"
echo "wrote $OUT"
