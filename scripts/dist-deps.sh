#!/usr/bin/env bash
# Installs what `make dist` and `make dist-check` need on top of
# scripts/deps.sh (which the Makefile runs first): the Windows cross
# compiler, the installer builders, the signer and the package checkers.
# Debian/Ubuntu only; uses sudo when not root. Safe to run again: it
# installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

#   gcc-mingw-w64-x86-64  cgo cross-compiler for the Windows exe (Fyne's GL code is C)
#   binutils-mingw-w64-x86-64  x86_64-w64-mingw32-objdump: PE subsystem and imports in dist-check
#   nsis                  makensis: the Windows installer
#   wixl msitools         the MSI (wixl builds it, msiinfo checks it)
#   osslsigncode openssl  Authenticode signing and the throwaway test certificate
#   desktop-file-utils    desktop-file-validate for the .desktop entry
#   xz-utils dpkg file    the .tar.xz, the .deb and the file-type checks
#   p7zip-full            make dist-check opens the NSIS installer (msitools' msiextract the MSI)
#   xvfb                  make dist-check starts the app on an X server without OpenGL
PKGS="gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis wixl msitools osslsigncode openssl desktop-file-utils xz-utils dpkg file binutils p7zip-full xvfb"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "dist-deps: missing$missing and no apt-get here; install them with your package manager" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "dist-deps: need root or sudo to install$missing" >&2; exit 1; }
    SUDO="sudo"
  fi
  echo "dist-deps: installing$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
