# shellcheck shell=bash
# Shared by scripts/dist.sh, scripts/dist-check.sh, scripts/dist-bench.sh
# and scripts/dist/test-sign.sh: versions, tool checks, Authenticode
# signing. Source it from the repository root.

# Package and artifact names.
APP_ID=kg.smartpoint.counter
ICON_SIZES="16 22 24 32 48 64 128 256 512"

say() { printf '\033[1m==> %s\033[0m (%ds)\n' "$*" "$SECONDS" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# need TOOL... fails with the remedy when a tool is missing.
need() {
  local missing=()
  for t in "$@"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}: run make dist-deps (scripts/dist-deps.sh)"
}

# dist_versions sets, from a release tag vX.Y.Z on HEAD or else the VERSION
# file:
#   VERSION      1.2.3 or 1.2.3-rc1 (what --version prints)
#   DEB_VERSION  1.2.3 or 1.2.3~rc1 (sorts before 1.2.3 in dpkg)
#   WIN_VERSION  1.2.3.N, N = commits in HEAD's history (Windows wants 4 numbers)
#   COMMIT       short hash (with -dirty for uncommitted changes), DATE UTC build time
#   SOURCE_DATE_EPOCH  the commit time, for reproducible archives
dist_versions() {
  local tag v
  if tag=$(git describe --tags --exact-match --match 'v[0-9]*' HEAD 2>/dev/null); then
    v=${tag#v}
    if [ -f VERSION ] && [ "$(tr -d ' \n' <VERSION)" != "$v" ]; then
      warn "tag $tag and VERSION ($(tr -d ' \n' <VERSION)) differ: the tag wins"
    fi
  else
    v=$(tr -d ' \n' <VERSION 2>/dev/null || true)
  fi
  [[ $v =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.]+)?$ ]] ||
    die "version '$v' (VERSION file or tag vX.Y.Z) is not X.Y.Z or X.Y.Z-suffix"
  VERSION=$v
  DEB_VERSION=${v/-/\~}
  local n
  n=$(git rev-list --count HEAD 2>/dev/null || echo 0)
  [ "$n" -le 65535 ] || n=65535
  WIN_VERSION="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}.$n"
  COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ "$COMMIT" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    COMMIT="$COMMIT-dirty"
  fi
  DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
  export VERSION DEB_VERSION WIN_VERSION COMMIT DATE SOURCE_DATE_EPOCH
}

# go_tool NAME MODULE@VERSION prints the path of a Go tool installed into
# bin/tools (once; go install with an explicit version does not touch
# go.mod).
go_tool() {
  local name=$1 mod=$2 dir
  dir="$(pwd)/bin/tools"
  if [ ! -x "$dir/$name" ] || [ "$(cat "$dir/$name.version" 2>/dev/null)" != "$mod" ]; then
    mkdir -p "$dir"
    GOBIN="$dir" GOFLAGS= CGO_ENABLED=0 "${GO:-go}" install "$mod" >&2 || die "go install $mod failed"
    echo "$mod" >"$dir/$name.version"
  fi
  echo "$dir/$name"
}

# ---------------------------------------------------------------- signing
#
# SP_SIGN_PKCS12        the code-signing certificate and key (.p12 / .pfx)
# SP_SIGN_PASSWORD      its password, or SP_SIGN_PASSWORD_FILE: a file holding it
# SP_SIGN_TIMESTAMP     an RFC 3161 timestamp URL (optional; needs the network;
#                       without it a signature stops verifying when the certificate expires)
# SP_SIGN_REQUIRED=1    fail instead of building unsigned (release builds)

# sign_enabled tells whether a certificate was supplied; it fails when one
# was asked for and cannot be used.
sign_enabled() {
  if [ -z "${SP_SIGN_PKCS12:-}" ]; then
    [ "${SP_SIGN_REQUIRED:-}" != 1 ] || die "SP_SIGN_REQUIRED=1 but SP_SIGN_PKCS12 is not set"
    return 1
  fi
  [ -r "$SP_SIGN_PKCS12" ] || die "SP_SIGN_PKCS12=$SP_SIGN_PKCS12: no such readable file"
  if [ -z "${SP_SIGN_PASSWORD:-}" ] && [ -z "${SP_SIGN_PASSWORD_FILE:-}" ]; then
    die "SP_SIGN_PKCS12 is set: set SP_SIGN_PASSWORD or SP_SIGN_PASSWORD_FILE too"
  fi
  return 0
}

# _sign_passfile prints a file holding the password (mode 0600), so that it
# never appears on a command line; the caller removes it unless it is
# SP_SIGN_PASSWORD_FILE itself.
_sign_passfile() {
  if [ -n "${SP_SIGN_PASSWORD_FILE:-}" ]; then
    [ -r "$SP_SIGN_PASSWORD_FILE" ] || die "SP_SIGN_PASSWORD_FILE=$SP_SIGN_PASSWORD_FILE: not readable"
    echo "$SP_SIGN_PASSWORD_FILE"
    return
  fi
  local f
  f=$(mktemp)
  chmod 600 "$f"
  printf '%s' "$SP_SIGN_PASSWORD" >"$f"
  echo "$f"
}

_sign_passfile_done() { [ "$1" = "${SP_SIGN_PASSWORD_FILE:-}" ] || rm -f "$1"; }

# sign_file FILE signs a PE (exe) or MSI in place.
sign_file() {
  local f=$1 pass out
  pass=$(_sign_passfile)
  out="$f.signing"
  local args=(sign -pkcs12 "$SP_SIGN_PKCS12" -readpass "$pass" -h sha256 -n "SmartPoint" -i "https://smartpoint.kg")
  if [ -n "${SP_SIGN_TIMESTAMP:-}" ]; then args+=(-ts "$SP_SIGN_TIMESTAMP"); fi
  if ! osslsigncode "${args[@]}" -in "$f" -out "$out" >"$out.log" 2>&1; then
    _sign_passfile_done "$pass"
    cat "$out.log" >&2
    rm -f "$out" "$out.log"
    die "signing $f failed (wrong password, or not a code-signing certificate?)"
  fi
  _sign_passfile_done "$pass"
  rm -f "$out.log"
  mv "$out" "$f"
}

# sign_certs FILE writes the certificates of SP_SIGN_PKCS12 (PEM) to FILE.
sign_certs() {
  local pass
  pass=$(_sign_passfile)
  if ! openssl pkcs12 -in "$SP_SIGN_PKCS12" -passin "file:$pass" -nokeys -out "$1" 2>/dev/null &&
    ! openssl pkcs12 -legacy -in "$SP_SIGN_PKCS12" -passin "file:$pass" -nokeys -out "$1" 2>/dev/null; then
    _sign_passfile_done "$pass"
    die "cannot read the certificates in $SP_SIGN_PKCS12 (wrong password?)"
  fi
  _sign_passfile_done "$pass"
}

# sign_leaf_hash prints sha256:HEX of the signing (leaf) certificate.
sign_leaf_hash() {
  local pem pass h
  pem=$(mktemp)
  pass=$(_sign_passfile)
  openssl pkcs12 -in "$SP_SIGN_PKCS12" -passin "file:$pass" -nokeys -clcerts -out "$pem" 2>/dev/null ||
    openssl pkcs12 -legacy -in "$SP_SIGN_PKCS12" -passin "file:$pass" -nokeys -clcerts -out "$pem" 2>/dev/null ||
    true
  _sign_passfile_done "$pass"
  h=$(openssl x509 -in "$pem" -outform DER 2>/dev/null | sha256sum | cut -d' ' -f1)
  rm -f "$pem"
  [ -n "$h" ] || die "no certificate in $SP_SIGN_PKCS12"
  echo "sha256:$h"
}

# verify_file FILE [CAFILE]: the Authenticode signature is intact and made
# with the SP_SIGN_PKCS12 certificate. The trust anchors are CAFILE, or the
# certificates in the PKCS#12 plus the system's CA bundle. Offline: no CRL
# download.
verify_file() {
  local f=$1 ca=${2:-} tmpca="" leaf
  if [ -z "$ca" ]; then
    tmpca=$(mktemp)
    sign_certs "$tmpca"
    if [ -r /etc/ssl/certs/ca-certificates.crt ]; then cat /etc/ssl/certs/ca-certificates.crt >>"$tmpca"; fi
    ca=$tmpca
  fi
  leaf=$(sign_leaf_hash)
  local ok=0
  osslsigncode verify -ignore-cdp -CAfile "$ca" -require-leaf-hash "$leaf" -in "$f" >"$f.verify.log" 2>&1 || ok=$?
  [ -z "$tmpca" ] || rm -f "$tmpca"
  if [ $ok -ne 0 ] || ! grep -q 'Signature verification: ok' "$f.verify.log"; then
    cat "$f.verify.log" >&2
    rm -f "$f.verify.log"
    return 1
  fi
  rm -f "$f.verify.log"
}
