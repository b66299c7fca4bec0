#!/bin/sh
# Long fuzzing runs of vipd's libFuzzer targets, each until it has executed RUNS inputs
# (default 10 million) or hit MAX_SECONDS (default 3600). Prints the executions, the time and
# the coverage of each; a crash stops with its reproducer in _build-fuzz/tests/fuzz/fuzz-artifacts/.
# Usage: bench/fuzz.sh [TARGET...]   (targets: fuzz-packet fuzz-config; default both)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${VIPD_FUZZ_BUILDDIR:-$top/_build-fuzz}
runs=${RUNS:-10000000}
max_seconds=${MAX_SECONDS:-3600}
jobs=${JOBS:-1}

"$top/tools/deps.sh" test
[ -f "$build/build.ninja" ] || CC=clang meson setup "$build" "$top" -Dfuzzing=true >/dev/null
ninja -C "$build" tests/fuzz/fuzz-packet tests/fuzz/fuzz-config >/dev/null

targets=${*:-fuzz-packet fuzz-config}
for t in $targets; do
    corpus_name=${t#fuzz-}
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT INT TERM
    mkdir -p "$build/tests/fuzz/fuzz-artifacts"
    start=$(date +%s)
    "$build/tests/fuzz/$t" -runs="$runs" -max_total_time="$max_seconds" -jobs="$jobs" \
        -print_final_stats=1 -artifact_prefix="$build/tests/fuzz/fuzz-artifacts/" \
        "$work" "$top/tests/fuzz/corpus/$corpus_name" >"$work/log" 2>&1 || {
        tail -40 "$work/log"; echo "$t: FAILED (see the reproducer above)"; exit 1; }
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$work/log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1)
    printf '%-12s %12s executions in %5d s (%s/s), %s, no crash\n' "$t" "$execs" \
        $((end - start)) $((execs / (end - start > 0 ? end - start : 1))) "$cov"
    rm -rf "$work"
done
