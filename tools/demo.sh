#!/bin/sh
# vipd's main job on a fresh Debian 12 machine: build vipd, then check the keepalived tutorial's
# configurations (or the file given) and print what vipd would run for them.
# Usage: tools/demo.sh [CONFIG_FILE]
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
fail=0
for conf in $(find "$top/tests/data/seed" -name '*.conf' | sort); do
    rel=${conf#"$top"/}
    if out=$("$vipd" --check -f "$conf" 2>&1); then
        printf '  ok    %s\n' "$rel"
    else
        printf '  FAIL  %s\n' "$rel"
        fail=1
    fi
    [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/          /'
done

echo
echo "== What vipd would run for the dual-master node1 (tests/data/seed/dual-master/node1.conf)"
"$vipd" --dump -f "$top/tests/data/seed/dual-master/node1.conf"
exit $fail
