#!/usr/bin/env bash
# Starts the SmartPoint counter window on its embedded default database
# (SQLite in the user's data directory; SMARTPOINT_DB or --db to change).
# A new database opens the first-run wizard.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: the counter window needs a desktop session (or run it under xvfb-run)." >&2
  echo "The same database can be administered without a display: ./bin/spctl help" >&2
  exit 1
fi
exec ./bin/smartpoint "$@"
