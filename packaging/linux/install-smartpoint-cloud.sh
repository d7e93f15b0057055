#!/bin/sh
# Installs the SmartPoint cloud server from this tarball for distributions
# without dpkg (on Debian and Ubuntu prefer the .deb).
#   sudo ./install.sh              into /, creates the system user, reloads systemd
#   ./install.sh /tmp/root         into another root only
#   sudo ./install.sh --uninstall  remove the files (/var/lib/smartpoint-cloud stays)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=/
uninstall=0
for a in "$@"; do
	case "$a" in
	--uninstall) uninstall=1 ;;
	-h | --help) sed -n '2,7p' "$0"; exit 0 ;;
	*) root=$a ;;
	esac
done
files=$(cd "$here" && find usr lib -type f -o -type l)
if [ "$uninstall" = 1 ]; then
	[ "$root" != / ] || systemctl disable --now smartpoint-cloud.service 2>/dev/null || true
	for f in $files; do rm -f "$root/$f"; done
	[ "$root" != / ] || systemctl daemon-reload 2>/dev/null || true
	echo "smartpoint-cloud removed; its data in /var/lib/smartpoint-cloud is kept."
	exit 0
fi
for f in $files; do
	mkdir -p "$root/$(dirname "$f")"
	cp -P "$here/$f" "$root/$f"
done
if [ "$root" = / ]; then
	if ! getent passwd smartpoint-cloud >/dev/null; then
		if command -v systemd-sysusers >/dev/null 2>&1; then
			systemd-sysusers smartpoint-cloud.conf
		else
			useradd --system --user-group --home-dir /var/lib/smartpoint-cloud --no-create-home \
				--shell /usr/sbin/nologin smartpoint-cloud
		fi
	fi
	systemctl daemon-reload 2>/dev/null || true
fi
cat <<'MSG'
smartpoint-cloud installed (not started):
    sudo systemctl edit smartpoint-cloud      # address, database
    sudo systemctl enable --now smartpoint-cloud
Guide: /usr/share/doc/smartpoint-cloud/README.md
MSG
