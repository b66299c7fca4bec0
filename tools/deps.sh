#!/bin/sh
# Installs vipd's Debian 12 build and test dependencies; a no-op when all are present.
# Usage: tools/deps.sh [build|test]
set -eu

build_pkgs="meson ninja-build pkg-config gcc libglib2.0-dev libglib2.0-dev-bin libnl-3-dev libnl-route-3-dev gettext polkitd iproute2 python3 libjson-glib-dev glib-networking libnl-genl-3-dev libnftables-dev"
test_pkgs="clang libclang-rt-14-dev iproute2 nftables keepalived python3 dbus-daemon dbus-bin python3-dbusmock python3-gi python3-dbus gir1.2-glib-2.0 libxml2-utils systemd iputils-ping util-linux libglib2.0-bin nginx-light curl python3-aiosmtpd libgtk-4-dev libadwaita-1-dev xvfb xauth imagemagick desktop-file-utils appstream xdotool tshark qemu-system-x86 busybox-static ipvsadm kmod frr openssh-client openssh-server fonts-wqy-microhei valgrind"

case "${1:-build}" in
    build) want="$build_pkgs" ;;
    test) want="$build_pkgs $test_pkgs" ;;
    *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done

[ -z "$missing" ] && exit 0

echo "Installing Debian packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "error: missing packages:$missing; run this script as root or install sudo" >&2
    exit 1
fi
$sudo apt-get update -qq
# frr and openssh-server are test tools only: the interop tests run zebra and vrrpd by hand,
# and tests/gui runs its own sshd, each inside network namespaces. Their packages must not start
# (or leave enabled) the host's routing daemons or ssh service, so where no policy-rc.d says so
# already, one that denies every start is in place for the install only, and their units are
# disabled afterwards.
policy=/usr/sbin/policy-rc.d
made_policy=""
services=""
case " $missing " in *" frr "*) services="$services frr.service" ;; esac
case " $missing " in *" openssh-server "*) services="$services ssh.service" ;; esac
if [ -n "$services" ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    made_policy=1
fi
rc=0
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null || rc=$?
[ -n "$made_policy" ] && $sudo rm -f "$policy"
if [ -n "$services" ] && command -v systemctl >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    $sudo systemctl disable $services >/dev/null 2>&1 || true
fi
exit "$rc"
