#!/bin/sh
# vipd's main job on a fresh Debian 12 machine: build vipd, check the keepalived tutorial's
# configurations, then run a three-router demo cluster in network namespaces (the tutorial's
# crossed-priority setup): who owns each VIP, a crashed master, the failover and the return, a
# graceful stop. Needs root for the namespaces; the host's own network is never touched.
# Usage: tools/demo.sh            the demo
#        tools/demo.sh FILE       check and explain one configuration of your own instead
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${VIPD_BUILDDIR:-$top/_build}

"$top/tools/deps.sh" build
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null
vipd="$build/service/vipd"

if [ $# -ge 1 ]; then
    "$vipd" --check -f "$1"
    "$vipd" --dump -f "$1"
    exit 0
fi

echo "== Checking the tutorial's configurations (tests/data/seed)"
for conf in $(find "$top/tests/data/seed" -name '*.conf' | sort); do
    rel=${conf#"$top"/}
    if "$vipd" --check -f "$conf" >/dev/null 2>&1; then
        printf '  ok    %s\n' "$rel"
    else
        printf '  FAIL  %s\n' "$rel"
        "$vipd" --check -f "$conf" 2>&1 | sed 's/^/          /'
        exit 1
    fi
done

echo
echo "== The demo cluster"
exec /usr/bin/python3 "$top/tools/demo-cluster.py" "$vipd"
