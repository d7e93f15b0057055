#!/usr/bin/env bash
# Builds every SmartPoint release artifact into dist/, from Linux, without
# Docker (make dist; the tools come from scripts/dist-deps.sh):
#
#   dist/linux-amd64/      smartpoint, spctl, smartpoint-cloud (stripped)
#   dist/windows-amd64/    smartpoint.exe (GUI subsystem), spctl.exe, smartpoint-cloud.exe,
#                          each with icon, manifest and version info (go-winres)
#   dist/smartpoint_V_amd64.deb           the counter: app, spctl, desktop entry, icons, udev rule
#   dist/smartpoint-cloud_V_amd64.deb     the cloud server: binary, systemd unit, system user
#   dist/smartpoint-V-linux-amd64.tar.xz, dist/smartpoint-cloud-V-linux-amd64.tar.xz
#                                         the same files in the same layout, with install.sh
#   dist/smartpoint-V-windows-amd64-setup.exe   NSIS installer (per-machine, /S for silent)
#   dist/smartpoint-V-windows-amd64.msi         the same for MSI deployment (wixl)
#   dist/SHA256SUMS                       every artifact above
#
# The version is the release tag vX.Y.Z on HEAD, else the VERSION file; it
# is stamped into every binary with the commit and the build time
# (--version). With SP_SIGN_PKCS12 and SP_SIGN_PASSWORD (scripts/dist/lib.sh)
# every Windows exe, the uninstaller, the installer and the MSI are signed
# with osslsigncode and verified; without them the build says it is
# unsigned and goes on.
#
# Build flags are the Makefile's BUILDFLAGS (passed in by make) so that the
# build cache of `make build` serves the Linux binaries; the Windows build
# keeps its own cache entries (CC and GOOS differ). Cold, the GL code takes
# 10–20 minutes on 2 cores (most of it the mingw-w64 build); warm, the run
# takes 2–3 minutes, mostly compression (xz, LZMA), done in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/dist/lib.sh

GO=${GO:-go}
BUILDFLAGS=${BUILDFLAGS:--trimpath -tags no_emoji,migrated_fynedo}
DIST=${DIST:-dist}
WINCC=${WINCC:-x86_64-w64-mingw32-gcc}
WINRES_MOD=github.com/tc-hib/go-winres@v0.3.3
BINS="smartpoint spctl smartpoint-cloud"
# Libraries GLFW loads with dlopen, so no NEEDED entry names them.
GLFW_DLOPEN="libxcursor1, libxrandr2, libxinerama1, libxi6, libxxf86vm1, libx11-xcb1, libxrender1"

need "$GO" "$WINCC" makensis wixl dpkg-deb dpkg-query xz sha256sum osslsigncode openssl objdump
dist_versions
# shellcheck disable=SC2206 # BUILDFLAGS is a list of flags, as in the Makefile
buildflags=($BUILDFLAGS)
LDFLAGS="-s -w -X main.version=$VERSION -X main.commit=$COMMIT -X main.date=$DATE"

SIGN=0
if sign_enabled; then SIGN=1; fi

say "SmartPoint $VERSION ($COMMIT), Windows file version $WIN_VERSION, $( ((SIGN)) && echo "signed with $SP_SIGN_PKCS12" || echo unsigned)"
rm -rf "$DIST"
BUILD="$DIST/.build"
mkdir -p "$DIST/linux-amd64" "$DIST/windows-amd64" "$BUILD"

# ---------------------------------------------------------------- binaries

say "Linux amd64 binaries"
for b in $BINS; do
  "$GO" build "${buildflags[@]}" -ldflags "$LDFLAGS" -o "$DIST/linux-amd64/$b" "./cmd/$b"
done

say "Windows amd64 binaries (go-winres resources, mingw-w64 cgo)"
WINRES=$(go_tool go-winres "$WINRES_MOD")
cleanup_syso() { for b in $BINS; do rm -f "cmd/$b/rsrc_windows_amd64.syso"; done; }
trap cleanup_syso EXIT
for b in $BINS; do
  # The .syso is linked only into GOOS=windows GOARCH=amd64 builds of that
  # package, and removed again right after.
  "$WINRES" make --in "packaging/windows/winres/$b.json" --out "cmd/$b/rsrc" --arch amd64 \
    --product-version "$WIN_VERSION" --file-version "$WIN_VERSION"
  gui=""
  [ "$b" != smartpoint ] || gui="-H=windowsgui"
  CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$WINCC" \
    "$GO" build "${buildflags[@]}" -ldflags "$LDFLAGS $gui" -o "$DIST/windows-amd64/$b.exe" "./cmd/$b"
  rm -f "cmd/$b/rsrc_windows_amd64.syso"
done
if ((SIGN)); then
  say "signing the Windows executables"
  for b in $BINS; do
    sign_file "$DIST/windows-amd64/$b.exe"
    verify_file "$DIST/windows-amd64/$b.exe" || die "$b.exe: the signature does not verify"
  done
else
  say "no SP_SIGN_PKCS12: the Windows executables and installers are UNSIGNED"
fi

# ---------------------------------------------------------------- Linux packages

# shlib_depends BINARY... prints the packages providing the binaries' NEEDED
# libraries (what dpkg-shlibdeps does), libc6 with the newest GLIBC symbol
# version they use.
shlib_depends() {
  local libs pkgs=() glibc
  libs=$(objdump -p "$@" | awk '$1 == "NEEDED" {print $2}' | sort -u)
  for l in $libs; do
    local path pkg
    path=$(ldconfig -p | awk -v l="$l" '$1 == l && /x86-64/ {print $NF; exit}')
    [ -n "$path" ] || die "$l (needed by $*) is not installed on this machine"
    # With merged /usr, dpkg knows a library under one of its two names.
    pkg=""
    for p in "$path" "$(realpath "$path")" "${path/#\/usr\/lib\//\/lib\/}" "${path/#\/lib\//\/usr\/lib\/}"; do
      pkg=$(dpkg-query -S "$p" 2>/dev/null | head -1 | cut -d: -f1 || true)
      [ -z "$pkg" ] || break
    done
    [ -n "$pkg" ] || die "no package owns $path ($l)"
    [ "$pkg" = libc6 ] || pkgs+=("$pkg")
  done
  glibc=$(objdump -T "$@" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
  local out="libc6 (>= ${glibc:-2.17})"
  for p in $(printf '%s\n' "${pkgs[@]}" | sort -u); do out="$out, $p"; done
  echo "$out"
}

# deb_finish ROOT PACKAGE: control file, md5sums, the .deb.
deb_finish() {
  local root=$1 pkg=$2 depends=$3 size
  size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
  mkdir -p "$root/DEBIAN"
  sed -e "s/@DEB_VERSION@/$DEB_VERSION/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@DEPENDS@/$depends/" \
    "packaging/linux/deb/$pkg/control.in" >"$root/DEBIAN/control"
  for s in postinst prerm postrm; do
    if [ -f "packaging/linux/deb/$pkg/$s" ]; then install -m 0755 "packaging/linux/deb/$pkg/$s" "$root/DEBIAN/$s"; fi
  done
  (cd "$root" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort | xargs md5sum >DEBIAN/md5sums)
  chmod 0644 "$root/DEBIAN/md5sums" "$root/DEBIAN/control"
  find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  dpkg-deb --root-owner-group -Zxz --build "$root" "$DIST/${pkg}_${DEB_VERSION}_amd64.deb" >/dev/null
}

# tar_finish ROOT NAME: the same tree as a .tar.xz under NAME-VERSION/.
tar_finish() {
  local root=$1 name=$2 top="$BUILD/tar-$2/$2-$VERSION"
  rm -rf "$BUILD/tar-$name"
  mkdir -p "$top"
  cp -a "$root/." "$top/"
  rm -rf "$top/DEBIAN"
  install -m 0755 "packaging/linux/install-$name.sh" "$top/install.sh"
  find "$top" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  tar -C "$BUILD/tar-$name" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -cf - "$name-$VERSION" | xz -9 >"$DIST/$name-$VERSION-linux-amd64.tar.xz"
}

# Third-party Go modules compiled into a binary, for the copyright file.
copyright() {
  cat packaging/linux/copyright
  echo
  echo "Go modules compiled into $(basename "$1") (see their licences in the module sources):"
  "$GO" version -m "$1" | awk '$1 == "dep" {print "  " $2 " " $3}'
}

# The three packaging jobs are mostly compression (xz, LZMA, cabinet):
# they run side by side.
pkg_counter() {
  say "smartpoint .deb and .tar.xz"
  local R="$BUILD/deb/smartpoint"
  install -D -m 0755 "$DIST/linux-amd64/smartpoint" "$R/usr/bin/smartpoint"
  install -D -m 0755 "$DIST/linux-amd64/spctl" "$R/usr/bin/spctl"
  install -D -m 0644 "packaging/linux/$APP_ID.desktop" "$R/usr/share/applications/$APP_ID.desktop"
  for n in $ICON_SIZES; do
    install -D -m 0644 "assets/icon/png/smartpoint-$n.png" "$R/usr/share/icons/hicolor/${n}x${n}/apps/$APP_ID.png"
  done
  install -D -m 0644 assets/icon/smartpoint.svg "$R/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg"
  install -D -m 0644 packaging/linux/60-smartpoint.rules "$R/lib/udev/rules.d/60-smartpoint.rules"
  install -D -m 0644 docs/INSTALL.md "$R/usr/share/doc/smartpoint/INSTALL.md"
  copyright "$DIST/linux-amd64/smartpoint" >"$BUILD/copyright.smartpoint"
  install -D -m 0644 "$BUILD/copyright.smartpoint" "$R/usr/share/doc/smartpoint/copyright"
  deb_finish "$R" smartpoint "$(shlib_depends "$R/usr/bin/smartpoint" "$R/usr/bin/spctl"), $GLFW_DLOPEN"
  tar_finish "$R" smartpoint
}

pkg_cloud() {
  say "smartpoint-cloud .deb and .tar.xz"
  local R="$BUILD/deb/smartpoint-cloud"
  install -D -m 0755 "$DIST/linux-amd64/smartpoint-cloud" "$R/usr/bin/smartpoint-cloud"
  # The unit in cmd/smartpoint-cloud is written for a hand install in
  # /usr/local/bin; the package puts the binary in /usr/bin.
  mkdir -p "$R/lib/systemd/system"
  sed 's|^ExecStart=/usr/local/bin/smartpoint-cloud|ExecStart=/usr/bin/smartpoint-cloud|' \
    cmd/smartpoint-cloud/smartpoint-cloud.service >"$R/lib/systemd/system/smartpoint-cloud.service"
  chmod 0644 "$R/lib/systemd/system/smartpoint-cloud.service"
  grep -q '^ExecStart=/usr/bin/smartpoint-cloud ' "$R/lib/systemd/system/smartpoint-cloud.service" ||
    die "cmd/smartpoint-cloud/smartpoint-cloud.service: ExecStart is no longer /usr/local/bin/smartpoint-cloud; update scripts/dist.sh"
  install -D -m 0644 packaging/linux/deb/smartpoint-cloud/smartpoint-cloud.sysusers "$R/usr/lib/sysusers.d/smartpoint-cloud.conf"
  install -D -m 0644 sync/server/README.md "$R/usr/share/doc/smartpoint-cloud/README.md"
  copyright "$DIST/linux-amd64/smartpoint-cloud" >"$BUILD/copyright.cloud"
  install -D -m 0644 "$BUILD/copyright.cloud" "$R/usr/share/doc/smartpoint-cloud/copyright"
  deb_finish "$R" smartpoint-cloud "$(shlib_depends "$R/usr/bin/smartpoint-cloud")"
  tar_finish "$R" smartpoint-cloud
}

SETUP="$DIST/smartpoint-$VERSION-windows-amd64-setup.exe"
MSI="$DIST/smartpoint-$VERSION-windows-amd64.msi"
pkg_windows() {
  say "Windows installer (NSIS) and MSI (wixl)"
  "$GO" run ./scripts/dist/nsislang -in assets/i18n/install -out "$BUILD/installer-lang.nsh"
  local nsis_sign=()
  if ((SIGN)); then nsis_sign=(-DSIGNCMD="$(pwd)/scripts/dist/sign-file.sh"); fi
  # makensis runs in the script's directory: absolute paths.
  makensis -V2 -WX -DVERSION="$VERSION" -DVERSION4="$WIN_VERSION" -DSRCDIR="$(pwd)/$DIST/windows-amd64" \
    -DOUTFILE="$(pwd)/$SETUP" -DICON="$(pwd)/assets/icon/smartpoint.ico" -DGUIDE="$(pwd)/docs/INSTALL.md" \
    -DLANGFILE="$(pwd)/$BUILD/installer-lang.nsh" "${nsis_sign[@]}" packaging/windows/smartpoint.nsi >"$BUILD/makensis.log" 2>&1 ||
    { cat "$BUILD/makensis.log" >&2; die "makensis failed"; }
  # wixl wants paths relative to the working directory; MSI versions are X.Y.Z.
  wixl -a x64 -D Version="${VERSION%%-*}" -D SrcDir="$DIST/windows-amd64" -D Icon=assets/icon/smartpoint.ico \
    -D Guide=docs/INSTALL.md -o "$MSI" packaging/windows/smartpoint.wxs 2>"$BUILD/wixl.log" ||
    { cat "$BUILD/wixl.log" >&2; die "wixl failed"; }
  if ((SIGN)); then
    say "signing the installers"
    for f in "$SETUP" "$MSI"; do
      sign_file "$f"
      verify_file "$f" || die "$f: the signature does not verify"
    done
  fi
}

jobs_pids=()
jobs_names=()
for job in pkg_counter pkg_cloud pkg_windows; do
  ("$job") >"$BUILD/$job.log" 2>&1 &
  jobs_pids+=($!)
  jobs_names+=("$job")
done
jobs_failed=0
for i in "${!jobs_pids[@]}"; do
  if wait "${jobs_pids[$i]}"; then
    cat "$BUILD/${jobs_names[$i]}.log" >&2
  else
    cat "$BUILD/${jobs_names[$i]}.log" >&2
    jobs_failed=1
  fi
done
((jobs_failed == 0)) || die "packaging failed (see above)"

# ---------------------------------------------------------------- checksums

say "SHA256SUMS"
(
  cd "$DIST"
  find . -maxdepth 2 -type f ! -path './.build/*' ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS
)
rm -rf "$BUILD"
echo "$VERSION $COMMIT $( ((SIGN)) && echo signed || echo unsigned)" >"$DIST/.stamp"

say "dist/ ($VERSION, $( ((SIGN)) && echo signed || echo UNSIGNED)):"
(cd "$DIST" && find . -maxdepth 2 -type f ! -name .stamp | sed 's|^\./||' | LC_ALL=C sort | xargs ls -l --block-size=K | awk '{printf "  %8s  %s\n", $5, $9}')
