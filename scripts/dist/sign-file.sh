#!/usr/bin/env bash
# sign-file.sh FILE: signs one PE or MSI in place with SP_SIGN_PKCS12 (see
# lib.sh). makensis calls it through !uninstfinalize to sign the
# uninstaller it embeds in the installer.
set -euo pipefail
f=$(realpath "$1")
cd "$(dirname "$0")/../.."
. scripts/dist/lib.sh
sign_enabled || die "sign-file.sh: SP_SIGN_PKCS12 is not set"
sign_file "$f"
