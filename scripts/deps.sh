#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build and test
# SmartPoint: Go modules, and the system packages the desktop UI (Fyne) needs.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then export PATH="$PATH:/usr/local/go/bin"; else
    echo "Go 1.26+ is required: https://go.dev/doc/install (or apt-get install golang-go on a new enough release)" >&2
    exit 1
  fi
fi

# System packages for the Fyne desktop build (OpenGL/X11 headers) and SQLite CLI for support work.
# xvfb, xdotool and imagemagick drive the real window in make smoke and make bench.
PKGS="gcc pkg-config libgl1-mesa-dev xorg-dev sqlite3 xvfb xauth xdotool imagemagick"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing system packages:$missing" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || echo "warning: could not install$missing; the desktop UI build may fail, the core and tests do not need them" >&2
fi

go mod download
