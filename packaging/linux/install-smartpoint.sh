#!/bin/sh
# Installs SmartPoint from this tarball for distributions without dpkg
# (on Debian and Ubuntu prefer the .deb: it declares the libraries).
#   sudo ./install.sh              into /
#   ./install.sh /tmp/root         into another root (no udev reload)
#   sudo ./install.sh --uninstall  remove the files again (the counter's data in
#                                  ~/.local/share/smartpoint stays)
# Needs OpenGL and X11 libraries: libGL.so.1, libX11.so.6 (and Xcursor,
# Xrandr, Xinerama, Xi that GLFW loads).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=/
uninstall=0
for a in "$@"; do
	case "$a" in
	--uninstall) uninstall=1 ;;
	-h | --help) sed -n '2,9p' "$0"; exit 0 ;;
	*) root=$a ;;
	esac
done
files=$(cd "$here" && find usr lib -type f -o -type l)
if [ "$uninstall" = 1 ]; then
	for f in $files; do rm -f "$root/$f"; done
	echo "SmartPoint removed from $root; the counter's data is kept."
	exit 0
fi
for f in $files; do
	mkdir -p "$root/$(dirname "$f")"
	cp -P "$here/$f" "$root/$f"
done
if [ "$root" = / ]; then
	command -v udevadm >/dev/null 2>&1 && { udevadm control --reload-rules || true; udevadm trigger --action=change --subsystem-match=tty --subsystem-match=usbmisc || true; }
	command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q /usr/share/icons/hicolor || true
	command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q /usr/share/applications || true
fi
cat <<'MSG'
SmartPoint installed. Scanners and printers: the udev rule gives the clerk's
desktop session access; otherwise add the clerk's account to dialout and lp:
    sudo usermod -aG dialout,lp CLERK
Installer's guide: /usr/share/doc/smartpoint/INSTALL.md
MSG
