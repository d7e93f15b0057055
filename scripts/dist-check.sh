#!/usr/bin/env bash
# Verifies what scripts/dist.sh built (make dist-check runs make dist
# first). Every check prints ok or FAIL and the run ends with
# "dist-check: N passed, N failed"; the exit status is 1 on any failure.
#
#   - SHA256SUMS lists every artifact and matches it
#   - each .deb: control fields (version, architecture, dependencies that
#     cover every library the binaries need), the exact file list with
#     owners and modes, maintainer scripts (the postinst run against a fake
#     udevadm), desktop-file-validate on the desktop entry
#   - each .deb unpacked into a throwaway root: smartpoint, spctl and
#     smartpoint-cloud --version print this version and commit, without a
#     display; the tarball's install.sh gives the same tree
#   - the cloud package's systemd unit runs /usr/bin/smartpoint-cloud
#   - Windows: PE32+ x86-64 files, GUI subsystem for smartpoint.exe and
#     console for the others, OpenGL imported, resources (icon, manifest
#     for Windows 10, version info = this version) read back with
#     go-winres; the NSIS installer and the MSI (per-machine, the files,
#     the shortcuts; what they carry is byte for byte what was built)
#   - signatures: when dist was signed, every exe and installer verifies
#     against the certificate; always, the sign-and-verify round trip with
#     a throwaway certificate (scripts/dist/test-sign.sh)
#   - size budgets: smartpoint ≤ 40 MB, the Windows installer ≤ 25 MB
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/dist/lib.sh

DIST=${DIST:-dist}
BUDGET_APP_MB=40
BUDGET_INSTALLER_MB=25
need dpkg-deb desktop-file-validate file objdump x86_64-w64-mingw32-objdump msiinfo msiextract 7z osslsigncode sha256sum xz
[ -f "$DIST/.stamp" ] || die "$DIST/.stamp missing: run make dist first"
read -r VERSION COMMIT SIGNED <"$DIST/.stamp"
DEB_VERSION=${VERSION/-/\~}
WINRES=$(go_tool go-winres github.com/tc-hib/go-winres@v0.3.3)

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
# check NAME COMMAND...: ok when the command succeeds; its output is shown on failure.
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi
}
contains() { grep -qF -- "$2" <<<"$1"; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DEB="$DIST/smartpoint_${DEB_VERSION}_amd64.deb"
CLOUDDEB="$DIST/smartpoint-cloud_${DEB_VERSION}_amd64.deb"
TAR="$DIST/smartpoint-$VERSION-linux-amd64.tar.xz"
CLOUDTAR="$DIST/smartpoint-cloud-$VERSION-linux-amd64.tar.xz"
SETUP="$DIST/smartpoint-$VERSION-windows-amd64-setup.exe"
MSI="$DIST/smartpoint-$VERSION-windows-amd64.msi"

say "dist-check: SmartPoint $VERSION ($COMMIT, $SIGNED)"

# ---------------------------------------------------------------- checksums
say "artifacts and SHA256SUMS"
for f in "$DEB" "$CLOUDDEB" "$TAR" "$CLOUDTAR" "$SETUP" "$MSI" \
  "$DIST"/linux-amd64/{smartpoint,spctl,smartpoint-cloud} "$DIST"/windows-amd64/{smartpoint,spctl,smartpoint-cloud}.exe; do
  check "exists: $f" test -s "$f"
done
check "SHA256SUMS matches every file" bash -c "cd '$DIST' && sha256sum --quiet -c SHA256SUMS"
listed=$(cut -d' ' -f3- "$DIST/SHA256SUMS" | sed 's/^\*//' | LC_ALL=C sort)
present=$(cd "$DIST" && find . -maxdepth 2 -type f ! -name SHA256SUMS ! -name .stamp | sed 's|^\./||' | LC_ALL=C sort)
if [ "$listed" = "$present" ]; then ok "SHA256SUMS lists every artifact ($(wc -l <<<"$listed") files)"; else
  fail "SHA256SUMS lists every artifact" "$(diff <(echo "$listed") <(echo "$present"))"
fi

# ---------------------------------------------------------------- .deb: smartpoint
# deb_field DEB FIELD
deb_field() { dpkg-deb -f "$1" "$2"; }

say "smartpoint .deb"
info=$(dpkg-deb -I "$DEB")
check "dpkg-deb -I reads it" test -n "$info"
[ "$(deb_field "$DEB" Package)" = smartpoint ] && ok "Package: smartpoint" || fail "Package: $(deb_field "$DEB" Package)"
[ "$(deb_field "$DEB" Version)" = "$DEB_VERSION" ] && ok "Version: $DEB_VERSION" || fail "Version: $(deb_field "$DEB" Version), want $DEB_VERSION"
[ "$(deb_field "$DEB" Architecture)" = amd64 ] && ok "Architecture: amd64" || fail "Architecture"
depends=$(deb_field "$DEB" Depends)
for p in "libc6 (>=" libgl1 libx11-6 libxcursor1 libxrandr2 libxinerama1 libxi6; do
  contains "$depends" "$p" && ok "Depends: $p" || fail "Depends lacks $p" "$depends"
done
for s in postinst postrm; do
  contains "$info" " $s " && ok "maintainer script: $s" || fail "maintainer script $s missing" "$info"
done

# The exact file list: a file added or lost shows here.
want_files() {
  echo "./lib/udev/rules.d/60-smartpoint.rules 0644"
  echo "./usr/bin/smartpoint 0755"
  echo "./usr/bin/spctl 0755"
  echo "./usr/share/applications/$APP_ID.desktop 0644"
  echo "./usr/share/doc/smartpoint/INSTALL.md 0644"
  echo "./usr/share/doc/smartpoint/copyright 0644"
  for n in $ICON_SIZES; do echo "./usr/share/icons/hicolor/${n}x${n}/apps/$APP_ID.png 0644"; done
  echo "./usr/share/icons/hicolor/scalable/apps/$APP_ID.svg 0644"
}
# deb_files DEB prints "path mode" for the regular files, and fails on a
# file not owned by root:root.
deb_files() {
  dpkg-deb -c "$1" | awk '$1 !~ /^d/ {
    if ($2 != "root/root") { print "owner " $2 " " $6; exit 1 }
    m = 0; p = substr($1, 2, 9)
    for (i = 0; i < 3; i++) { d = 0
      if (substr(p, i*3+1, 1) == "r") d += 4
      if (substr(p, i*3+2, 1) == "w") d += 2
      if (substr(p, i*3+3, 1) == "x") d += 1
      m = m * 10 + d }
    printf "%s 0%03d\n", $6, m }' | LC_ALL=C sort
}
got=$(deb_files "$DEB") || fail "smartpoint .deb: a file not owned by root:root" "$got"
want=$(want_files | LC_ALL=C sort)
if [ "$got" = "$want" ]; then ok "dpkg-deb -c: exactly the $(wc -l <<<"$want") expected files, modes, root:root"; else
  fail "dpkg-deb -c: the file list" "$(diff <(echo "$want") <(echo "$got"))"
fi

# Unpacked into a throwaway root (dpkg-deb -x: no maintainer scripts, no
# database, nothing outside $T).
ROOT="$T/root"
check "dpkg-deb -x into a throwaway root" dpkg-deb -x "$DEB" "$ROOT"
check "desktop-file-validate" desktop-file-validate "$ROOT/usr/share/applications/$APP_ID.desktop"
desktop=$(cat "$ROOT/usr/share/applications/$APP_ID.desktop")
for kv in "Exec=smartpoint" "Icon=$APP_ID" "Categories=Office;" "Name=SmartPoint" "GenericName[ru]="; do
  contains "$desktop" "$kv" && ok "desktop entry: $kv" || fail "desktop entry lacks $kv"
done
for n in $ICON_SIZES; do
  dim=$(file -b "$ROOT/usr/share/icons/hicolor/${n}x${n}/apps/$APP_ID.png" | grep -o '[0-9]* x [0-9]*')
  [ "$dim" = "$n x $n" ] && ok "icon ${n}x${n} is $dim PNG" || fail "icon ${n}x${n} is '$dim'"
done
rules=$(cat "$ROOT/lib/udev/rules.d/60-smartpoint.rules")
for kv in 'SUBSYSTEM=="tty"' 'GROUP="dialout"' 'SUBSYSTEM=="usbmisc"' 'GROUP="lp"' 'TAG+="uaccess"'; do
  contains "$rules" "$kv" && ok "udev rule: $kv" || fail "udev rule lacks $kv"
done

# --version from the unpacked root, with no display at all: the version
# flag must not touch GL or X.
for b in smartpoint spctl; do
  out=$(env -u DISPLAY -u WAYLAND_DISPLAY LANGUAGE=en timeout 20 "$ROOT/usr/bin/$b" --version 2>&1)
  rc=$?
  if [ $rc -eq 0 ] && contains "$out" "$b $VERSION" && contains "$out" "${COMMIT%-dirty}"; then
    ok "$b --version (no display): $out"
  else
    fail "$b --version (exit $rc)" "$out"
  fi
done
# The start-up check (cmd/smartpoint/glcheck.go) on the packaged binary:
# no display at all, and an X server without GLX (what RDP and 3D-less VMs
# are to WGL on Windows). Both must end with the translated message and
# exit code 3, not a crash or a silent exit.
glrun() { # glrun DISPLAY-or-empty LANG: runs the packaged app on a fresh database
  rm -rf "$T/gldb"
  mkdir -p "$T/gldb"
  if [ -n "$1" ]; then
    env -u WAYLAND_DISPLAY DISPLAY="$1" LANGUAGE="$2" SMARTPOINT_DB="$T/gldb/c.db" timeout 30 "$ROOT/usr/bin/smartpoint" 2>&1
  else
    env -u DISPLAY -u WAYLAND_DISPLAY LANGUAGE="$2" SMARTPOINT_DB="$T/gldb/c.db" timeout 30 "$ROOT/usr/bin/smartpoint" 2>&1
  fi
}
out=$(glrun "" ru)
rc=$?
[ $rc -eq 3 ] && contains "$out" "SmartPoint: окно не открывается" && contains "$out" "DISPLAY" &&
  ok "no display: the Russian message, exit 3" || fail "no display (exit $rc)" "$out"
if command -v Xvfb >/dev/null 2>&1; then
  Xvfb :87 -screen 0 1024x768x24 -extension GLX -nolisten tcp >"$T/xvfb.log" 2>&1 &
  xvfb=$!
  for _ in $(seq 50); do [ -e /tmp/.X11-unix/X87 ] && break; sleep 0.1; done
  out=$(glrun :87 en)
  rc=$?
  kill "$xvfb" 2>/dev/null
  wait "$xvfb" 2>/dev/null
  [ $rc -eq 3 ] && contains "$out" "offers no OpenGL 2.1" && contains "$out" "GLX" &&
    ok "X server without GLX: the OpenGL message with the remedy, exit 3" || fail "no OpenGL (exit $rc)" "$out"
else
  warn "no Xvfb: the no-OpenGL start-up check is not run (scripts/deps.sh installs it)"
fi
for b in smartpoint spctl; do
  ldd_out=$(ldd "$ROOT/usr/bin/$b" 2>&1)
  contains "$ldd_out" "not found" && fail "$b: a library is missing on this machine" "$ldd_out" || ok "$b: every library resolves"
done
# Every NEEDED library comes from a package in Depends.
for l in $(objdump -p "$ROOT/usr/bin/smartpoint" | awk '$1 == "NEEDED" {print $2}'); do
  path=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64/ {print $NF; exit}')
  pkg=""
  for p in "$path" "$(realpath "$path")" "${path/#\/usr\/lib\//\/lib\/}" "${path/#\/lib\//\/usr\/lib\/}"; do
    pkg=$(dpkg-query -S "$p" 2>/dev/null | head -1 | cut -d: -f1)
    [ -z "$pkg" ] || break
  done
  contains "$depends" "$pkg" && ok "NEEDED $l → $pkg is in Depends" || fail "NEEDED $l → '$pkg' not in Depends" "$depends"
done

# The postinst against a fake udevadm: reloads the rules, names the groups.
mkdir -p "$T/fakebin"
printf '#!/bin/sh\necho "udevadm $*" >>"%s/udevadm.log"\n' "$T" >"$T/fakebin/udevadm"
chmod +x "$T/fakebin/udevadm"
dpkg-deb -e "$DEB" "$T/control"
out=$(PATH="$T/fakebin:$PATH" SUDO_USER=nobody sh "$T/control/postinst" configure 2>&1)
rc=$?
if [ $rc -eq 0 ] && contains "$out" "usermod -aG dialout,lp" && contains "$out" "For nobody:" &&
  grep -q 'control --reload-rules' "$T/udevadm.log" && grep -q 'trigger' "$T/udevadm.log"; then
  ok "postinst configure: reloads udev, tells which groups to add"
else
  fail "postinst configure (exit $rc)" "$out
$(cat "$T/udevadm.log" 2>/dev/null)"
fi
check "postrm remove" env PATH="$T/fakebin:$PATH" sh "$T/control/postrm" remove

# The tarball: the same tree, installed by its install.sh.
mkdir -p "$T/tar" "$T/tarroot"
check "tar -xJf $TAR" tar -C "$T/tar" -xJf "$TAR"
check "tarball install.sh into a root" "$T/tar/smartpoint-$VERSION/install.sh" "$T/tarroot"
check "tarball tree = .deb tree" diff -r "$ROOT" "$T/tarroot"
check "tarball install.sh --uninstall" "$T/tar/smartpoint-$VERSION/install.sh" --uninstall "$T/tarroot"
left=$(find "$T/tarroot" -type f | wc -l)
[ "$left" -eq 0 ] && ok "nothing left after --uninstall" || fail "$left files left after --uninstall"

# ---------------------------------------------------------------- .deb: smartpoint-cloud
say "smartpoint-cloud .deb"
[ "$(deb_field "$CLOUDDEB" Package)" = smartpoint-cloud ] && ok "Package: smartpoint-cloud" || fail "Package"
[ "$(deb_field "$CLOUDDEB" Version)" = "$DEB_VERSION" ] && ok "Version: $DEB_VERSION" || fail "Version"
contains "$(deb_field "$CLOUDDEB" Depends)" "libc6 (>=" && ok "Depends: libc6" || fail "Depends: libc6"
got=$(deb_files "$CLOUDDEB") || fail "smartpoint-cloud .deb: a file not owned by root:root" "$got"
want=$(printf '%s\n' "./lib/systemd/system/smartpoint-cloud.service 0644" "./usr/bin/smartpoint-cloud 0755" \
  "./usr/lib/sysusers.d/smartpoint-cloud.conf 0644" "./usr/share/doc/smartpoint-cloud/README.md 0644" \
  "./usr/share/doc/smartpoint-cloud/copyright 0644" | LC_ALL=C sort)
if [ "$got" = "$want" ]; then ok "dpkg-deb -c: exactly the 5 expected files"; else
  fail "dpkg-deb -c: the file list" "$(diff <(echo "$want") <(echo "$got"))"
fi
check "no file of the counter's package in the server's" bash -c "! dpkg-deb -c '$CLOUDDEB' | grep -qE 'usr/bin/(smartpoint|spctl)\$'"
CROOT="$T/cloudroot"
dpkg-deb -x "$CLOUDDEB" "$CROOT"
unit=$(cat "$CROOT/lib/systemd/system/smartpoint-cloud.service")
contains "$unit" "ExecStart=/usr/bin/smartpoint-cloud serve" && ok "unit: ExecStart=/usr/bin/smartpoint-cloud serve" || fail "unit ExecStart" "$(grep ExecStart <<<"$unit")"
contains "$unit" "User=smartpoint-cloud" && contains "$(cat "$CROOT/usr/lib/sysusers.d/smartpoint-cloud.conf")" "u smartpoint-cloud" &&
  ok "unit's user is created by sysusers.d" || fail "unit user / sysusers.d"
if command -v systemd-analyze >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  check "systemd-analyze verify" systemd-analyze verify --root="$CROOT" /lib/systemd/system/smartpoint-cloud.service
fi
out=$(env -u DISPLAY timeout 20 "$CROOT/usr/bin/smartpoint-cloud" --version 2>&1)
contains "$out" "$VERSION" && contains "$out" "${COMMIT%-dirty}" && ok "smartpoint-cloud --version: $(head -1 <<<"$out")" || fail "smartpoint-cloud --version" "$out"
dpkg-deb -e "$CLOUDDEB" "$T/ccontrol"
for s in postinst prerm postrm; do check "cloud $s: sh -n" sh -n "$T/ccontrol/$s"; done
mkdir -p "$T/ctar" "$T/ctarroot"
tar -C "$T/ctar" -xJf "$CLOUDTAR"
check "cloud tarball install.sh into a root" "$T/ctar/smartpoint-cloud-$VERSION/install.sh" "$T/ctarroot"
check "cloud tarball tree = .deb tree" diff -r "$CROOT" "$T/ctarroot"

# ---------------------------------------------------------------- Windows
say "Windows executables"
for b in smartpoint spctl smartpoint-cloud; do
  exe="$DIST/windows-amd64/$b.exe"
  ft=$(file -b "$exe")
  sub=console
  [ "$b" != smartpoint ] || sub=GUI
  contains "$ft" "PE32+ executable ($sub) x86-64" && ok "$b.exe: $ft" || fail "$b.exe is not a PE32+ $sub x86-64 file" "$ft"
  pe=$(x86_64-w64-mingw32-objdump -p "$exe")
  want_sub="(Windows CUI)"
  [ "$b" != smartpoint ] || want_sub="(Windows GUI)"
  contains "$pe" "$want_sub" && ok "$b.exe: subsystem $want_sub" || fail "$b.exe: subsystem" "$(grep -i subsystem <<<"$pe")"
  rm -rf "$T/res"
  if "$WINRES" extract --dir "$T/res" "$exe" >/dev/null 2>&1 && [ -f "$T/res/winres.json" ]; then
    res=$(cat "$T/res/winres.json")
    fv=$(grep -o '"file_version": "[0-9.]*"' <<<"$res" | head -1 | cut -d'"' -f4)
    [[ $fv == "${VERSION%%-*}."* ]] && ok "$b.exe: file version $fv" || fail "$b.exe: file version '$fv', want ${VERSION%%-*}.N"
    for kv in '"ProductName": "SmartPoint"' "\"OriginalFilename\": \"$b.exe\"" '"minimum-os": "win10"' '"RT_GROUP_ICON"' '"RT_MANIFEST"'; do
      contains "$res" "$kv" && ok "$b.exe resources: $kv" || fail "$b.exe resources lack $kv"
    done
    icons=$(find "$T/res" -name '*.ico' | head -1)
    [ -n "$icons" ] && contains "$(file -b "$icons")" "7 icons" && ok "$b.exe: icon with 7 sizes" || fail "$b.exe: icon" "$(file -b "$icons" 2>&1)"
  else
    fail "$b.exe: go-winres extract found no resources"
  fi
  # The stamped version is in the binary (the runtime reads it from there).
  grep -qaF "$VERSION" "$exe" && grep -qaF "${COMMIT%-dirty}" "$exe" && ok "$b.exe: stamped $VERSION, ${COMMIT%-dirty}" || fail "$b.exe: version or commit not stamped"
done
pe=$(x86_64-w64-mingw32-objdump -p "$DIST/windows-amd64/smartpoint.exe")
contains "$pe" "OPENGL32.dll" && ok "smartpoint.exe imports OPENGL32.dll" || fail "smartpoint.exe imports no OPENGL32.dll"

say "Windows installers"
ft=$(file -b "$SETUP")
contains "$ft" "Nullsoft Installer self-extracting archive" && ok "setup: $ft" || fail "setup is not an NSIS installer" "$ft"
grep -qaF "SmartPoint installer" "$SETUP" || strings -el "$SETUP" | grep -qF "SmartPoint installer" &&
  ok "setup: version info" || fail "setup: no version info"
# What the installers carry is byte for byte what was built (and signed).
mkdir -p "$T/nsis" "$T/msi"
if 7z x -y -o"$T/nsis" "$SETUP" >/dev/null 2>&1; then
  for f in smartpoint.exe spctl.exe smartpoint-cloud.exe; do
    cmp -s "$T/nsis/$f" "$DIST/windows-amd64/$f" && ok "setup carries the built $f" || fail "setup's $f differs from dist/windows-amd64/$f"
  done
  cmp -s "$T/nsis/INSTALL.md" docs/INSTALL.md && ok "setup carries docs/INSTALL.md" || fail "setup's INSTALL.md"
else
  fail "7z cannot open the installer"
fi
if msiextract -C "$T/msi" "$MSI" >/dev/null 2>&1; then
  for f in smartpoint.exe spctl.exe; do
    cmp -s "$T/msi/SmartPoint/$f" "$DIST/windows-amd64/$f" && ok "msi carries the built $f" || fail "msi's $f differs from dist/windows-amd64/$f"
  done
else
  fail "msiextract cannot open the MSI"
fi
suminfo=$(msiinfo suminfo "$MSI" 2>&1)
contains "$suminfo" "Subject: SmartPoint ${VERSION%%-*}" && contains "$suminfo" "x64" && ok "msi: SmartPoint ${VERSION%%-*}, x64" || fail "msi suminfo" "$suminfo"
files=$(msiinfo export "$MSI" File 2>&1)
for f in smartpoint.exe spctl.exe INSTALL.md; do contains "$files" "$f" && ok "msi installs $f" || fail "msi lacks $f"; done
props=$(msiinfo export "$MSI" Property 2>&1)
contains "$props" "ALLUSERS	1" && ok "msi: per-machine (ALLUSERS=1)" || fail "msi: ALLUSERS" "$props"
shortcuts=$(msiinfo export "$MSI" Shortcut 2>&1)
contains "$shortcuts" "ProgramMenuDir	SmartPoint" && contains "$shortcuts" "DesktopFolder	SmartPoint" &&
  ok "msi: Start-menu and desktop shortcuts" || fail "msi shortcuts" "$shortcuts"

# ---------------------------------------------------------------- signatures
say "signatures"
if [ "$SIGNED" = signed ]; then
  sign_enabled || die "dist was signed: set SP_SIGN_PKCS12 and the password to verify it"
  for f in "$DIST"/windows-amd64/*.exe "$SETUP" "$MSI"; do
    if verify_file "$f" 2>"$T/verify.err"; then ok "signature verifies: $f"; else fail "signature: $f" "$(cat "$T/verify.err")"; fi
  done
else
  for f in "$DIST"/windows-amd64/*.exe "$SETUP" "$MSI"; do
    osslsigncode verify -ignore-cdp -in "$f" >/dev/null 2>&1 && fail "unsigned build, yet $f has a signature" || ok "unsigned, as built: $f"
  done
fi
out=$(scripts/dist/test-sign.sh "$DIST/windows-amd64/spctl.exe" "$SETUP" "$MSI" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then ok "throwaway certificate: sign, verify, tamper, wrong CA, wrong password ($(grep -c '^  ok' <<<"$out") checks)"; else
  fail "scripts/dist/test-sign.sh" "$out"
fi

# ---------------------------------------------------------------- sizes
say "size budgets"
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
for f in "$DIST/linux-amd64/smartpoint" "$DIST/windows-amd64/smartpoint.exe"; do
  s=$(mb "$f")
  awk -v s="$s" -v l="$BUDGET_APP_MB" 'BEGIN { exit !(s <= l) }' && ok "$f: $s MB ≤ $BUDGET_APP_MB MB" || fail "$f: $s MB > $BUDGET_APP_MB MB"
done
s=$(mb "$SETUP")
awk -v s="$s" -v l="$BUDGET_INSTALLER_MB" 'BEGIN { exit !(s <= l) }' && ok "$SETUP: $s MB ≤ $BUDGET_INSTALLER_MB MB" || fail "$SETUP: $s MB > $BUDGET_INSTALLER_MB MB"

echo
echo "dist-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
