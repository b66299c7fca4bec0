#!/bin/sh
# Runs vipd's whole test suite on a Debian 12 machine, installing what it needs first.
#   1. a warnings-as-errors build and every test in it, then docs/CONFORMANCE.md from that run
#      (tools/conformance.py);
#   2. an ASan+UBSan build and the unit and integration tests again (not the GUI: GTK's own
#      allocations drown LeakSanitizer);
#   3. the libFuzzer targets, each for a bounded time over the committed corpus.
# Prints "N passed, N failed" as its last line; exits non-zero when anything failed.
# Environment: VIPD_FUZZ_SECONDS (default 30) bounds each fuzzer.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${VIPD_TEST_BUILDDIR:-$top/_build-tests}
fuzz_seconds=${VIPD_FUZZ_SECONDS:-30}
status=0

note() { printf '\n== %s\n' "$*"; }

note "dependencies"
tools/deps.sh test || { echo "0 passed, 1 failed"; exit 1; }

builds=""
run_build() { # name, compiler, test suites ('' = all), meson options...
    name=$1 compiler=$2 suites=$3
    shift 3
    dir="$out/$name"
    note "build $name"
    if [ ! -f "$dir/build.ninja" ]; then
        CC=$compiler meson setup "$dir" -Dwerror=true "$@" >"$out/$name-setup.log" 2>&1 || {
            cat "$out/$name-setup.log"; status=1; builds="$builds $name:setup-failed"; return; }
    else
        meson configure "$dir" -Dwerror=true "$@" >/dev/null 2>&1 || true
    fi
    if ! ninja -C "$dir"; then
        status=1; builds="$builds $name:build-failed"; return
    fi
    note "test $name"
    suite_args=""
    for s in $suites; do suite_args="$suite_args --suite $s"; done
    # shellcheck disable=SC2086
    meson test -C "$dir" --print-errorlogs --num-processes 2 $suite_args || status=1
    builds="$builds $name"
}

mkdir -p "$out"
run_build default gcc "" -Dbuildtype=debugoptimized
# The RFC conformance matrix from that run. It never fails the run by itself: the tests it
# reads are counted in the summary, and a requirement whose test failed reads "fail" there.
note "conformance"
/usr/bin/python3 "$top/tools/conformance.py" --builddir "$out/default" \
    --output "$top/docs/CONFORMANCE.md" || echo "docs/CONFORMANCE.md not written" >&2
run_build asan gcc "unit cli netns track lvs dbus nm interop faults wire vm" -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debug
VIPD_FUZZ_SECONDS=$fuzz_seconds run_build fuzz clang "fuzz" -Dfuzzing=true -Dbuildtype=debugoptimized

note "summary"
/usr/bin/python3 "$top/tools/test-summary.py" $(for b in $builds; do echo "$out/$b"; done)
summary_rc=$?
[ $summary_rc -ne 0 ] && status=1
exit $status
