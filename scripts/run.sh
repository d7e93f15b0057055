#!/usr/bin/env bash
# Starts SmartPoint on its embedded default database (SQLite in the user's
# data directory). Until the desktop window lands, this runs the guided
# first-run set-up of spctl, then shows the point's health and shift.
set -euo pipefail
cd "$(dirname "$0")/.."
SPCTL=./bin/spctl
if ! $SPCTL doctor >/dev/null 2>&1 || ! $SPCTL shift status >/dev/null 2>&1; then
  $SPCTL init || true
fi
$SPCTL doctor || true
$SPCTL shift status || true
echo
$SPCTL help
