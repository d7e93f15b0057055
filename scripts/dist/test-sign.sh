#!/usr/bin/env bash
# test-sign.sh FILE...: the signing round trip of scripts/dist/lib.sh with a
# throwaway self-signed code-signing certificate made here with openssl, on
# copies of the given PE or MSI files (make dist-check passes an exe, the
# NSIS installer and the MSI). Checks, for each file:
#   - sign_file signs it, verify_file accepts it (leaf hash pinned)
#   - a flipped byte in the signed file makes verification fail
#   - a certificate from another CA does not verify it
# and once: a wrong password fails with a clear error; SP_SIGN_REQUIRED=1
# without a certificate fails; no certificate means "unsigned".
# Ends with "test-sign: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. scripts/dist/lib.sh
need openssl osslsigncode
[ $# -gt 0 ] || die "usage: scripts/dist/test-sign.sh FILE.exe|FILE.msi..."

passed=0
failed=0
ok() {
  passed=$((passed + 1))
  printf '  ok    %s\n' "$1"
}
fail() {
  failed=$((failed + 1))
  printf '  FAIL  %s\n' "$1"
  [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/        /'
}

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# cert NAME: a self-signed code-signing certificate and its PKCS#12.
cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/$1.key" -out "$T/$1.crt" -days 2 \
    -subj "/CN=SmartPoint test signing $1" -addext "extendedKeyUsage=codeSigning" \
    -addext "keyUsage=digitalSignature" >/dev/null 2>&1 || die "openssl req failed"
  openssl pkcs12 -export -inkey "$T/$1.key" -in "$T/$1.crt" -out "$T/$1.p12" -passout "pass:test-$1" \
    >/dev/null 2>&1 || die "openssl pkcs12 failed"
}
cert good
cert other

export SP_SIGN_PKCS12="$T/good.p12" SP_SIGN_PASSWORD="test-good"
unset SP_SIGN_PASSWORD_FILE SP_SIGN_TIMESTAMP SP_SIGN_REQUIRED

for src in "$@"; do
  name=$(basename "$src")
  f="$T/$name"
  cp "$src" "$f"
  # A signed input (a signed dist) is re-signed from scratch.
  osslsigncode remove-signature -in "$src" -out "$f" >/dev/null 2>&1 || cp "$src" "$f"
  if (sign_file "$f") 2>"$T/err"; then ok "$name: signed"; else
    fail "$name: sign_file" "$(cat "$T/err")"
    continue
  fi
  if verify_file "$f" "$T/good.crt" 2>"$T/err"; then ok "$name: verifies with its certificate"; else
    fail "$name: verify_file" "$(cat "$T/err")"
  fi
  # Flip one byte of the signed content: in a PE a third into the file; in
  # an MSI inside the embedded cabinet ("MSCF"), since a byte in an unused
  # sector of the compound file is rightly not covered.
  cp "$f" "$f.bad"
  size=$(stat -c %s "$f.bad")
  off=$((size / 3))
  if [[ $name == *.msi ]]; then
    cab=$(grep -abo MSCF "$f.bad" | head -1 | cut -d: -f1)
    [ -n "$cab" ] || { fail "$name: no cabinet inside"; continue; }
    off=$((cab + 200))
  fi
  b=$(od -An -tu1 -j "$off" -N1 "$f.bad" | tr -d ' ')
  printf "$(printf '\\%03o' $(((b + 1) % 256)))" | dd of="$f.bad" bs=1 seek="$off" conv=notrunc status=none
  if verify_file "$f.bad" "$T/good.crt" 2>/dev/null; then fail "$name: a tampered file still verifies"; else
    ok "$name: a tampered file fails verification"
  fi
  # Another CA as the only trust anchor, and its leaf pinned: must fail.
  if (SP_SIGN_PKCS12="$T/other.p12" SP_SIGN_PASSWORD="test-other" verify_file "$f" "$T/other.crt") 2>/dev/null; then
    fail "$name: verifies against another certificate"
  else
    ok "$name: another certificate does not verify it"
  fi
done

# A wrong password: sign_file fails and says why.
cp "$1" "$T/wrong"
osslsigncode remove-signature -in "$1" -out "$T/wrong" >/dev/null 2>&1 || cp "$1" "$T/wrong"
if out=$(SP_SIGN_PASSWORD=nope bash -c '. scripts/dist/lib.sh; sign_file "$0"' "$T/wrong" 2>&1); then
  fail "a wrong password signs"
else
  grep -q "wrong password" <<<"$out" && ok "a wrong password fails with a clear message" || fail "wrong password message" "$out"
fi
# The password from a file works the same.
cp "$T/wrong" "$T/passfile.exe"
printf 'test-good' >"$T/pass"
if (SP_SIGN_PASSWORD='' SP_SIGN_PASSWORD_FILE="$T/pass" sign_file "$T/passfile.exe" && verify_file "$T/passfile.exe" "$T/good.crt") 2>"$T/err"; then
  ok "SP_SIGN_PASSWORD_FILE signs"
else
  fail "SP_SIGN_PASSWORD_FILE" "$(cat "$T/err")"
fi
# No certificate: unsigned, unless a signature is required.
if (unset SP_SIGN_PKCS12; sign_enabled); then fail "no certificate, yet signing is on"; else ok "no certificate: unsigned"; fi
if out=$( (unset SP_SIGN_PKCS12; SP_SIGN_REQUIRED=1 sign_enabled) 2>&1); then fail "SP_SIGN_REQUIRED=1 without a certificate passes"; else
  grep -q SP_SIGN_REQUIRED <<<"$out" && ok "SP_SIGN_REQUIRED=1 without a certificate fails" || fail "SP_SIGN_REQUIRED message" "$out"
fi
if out=$( (SP_SIGN_PKCS12="$T/missing.p12" sign_enabled) 2>&1); then fail "a missing certificate file passes"; else
  ok "a missing certificate file fails"
fi

echo "test-sign: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
