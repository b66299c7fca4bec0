#!/bin/sh
# Long fuzzing runs of vipd's libFuzzer targets, each until it has executed RUNS inputs
# (default 10 million) or hit MAX_SECONDS (default 3600). Prints the executions, the time and
# the coverage of each; a crash stops with its reproducer in _build-fuzz/tests/fuzz/fuzz-artifacts/.
# Usage: bench/fuzz.sh [TARGET...]   (targets: fuzz-packet fuzz-config fuzz-nd; default the first
# two, the ten-million targets of the packet decoder and the configuration parser)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${VIPD_FUZZ_BUILDDIR:-$top/_build-fuzz}
runs=${RUNS:-10000000}
max_seconds=${MAX_SECONDS:-3600}
jobs=${JOBS:-1}

"$top/tools/deps.sh" test
[ -f "$build/build.ninja" ] || CC=clang meson setup "$build" "$top" -Dfuzzing=true \
    -Dbuildtype=debugoptimized >/dev/null
ninja -C "$build" tests/fuzz/fuzz-packet tests/fuzz/fuzz-config tests/fuzz/fuzz-nd >/dev/null

targets=${*:-fuzz-packet fuzz-config}
for t in $targets; do
    corpus_name=${t#fuzz-}
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT INT TERM
    # New inputs stay in the build directory (found-<corpus>/) for review: the committed corpus
    # only takes minimized ones (see tests/fuzz/README.md).
    found="$build/tests/fuzz/found-$corpus_name"
    mkdir -p "$build/tests/fuzz/fuzz-artifacts" "$found"
    # -jobs=N runs N workers in child processes that write fuzz-<n>.log into the current
    # directory: run in the scratch directory, and only ask for workers when more than one.
    jobs_arg=""
    [ "$jobs" -gt 1 ] && jobs_arg="-jobs=$jobs"
    start=$(date +%s)
    # shellcheck disable=SC2086
    (cd "$work" && exec "$build/tests/fuzz/$t" -runs="$runs" -max_total_time="$max_seconds" $jobs_arg \
        -print_final_stats=1 -artifact_prefix="$build/tests/fuzz/fuzz-artifacts/" \
        "$found" "$top/tests/fuzz/corpus/$corpus_name") >"$work/log" 2>&1 || {
        tail -40 "$work/log"
        if grep -q "run interrupted" "$work/log"; then
            echo "$t: interrupted before $runs executions (no crash)"
        else
            echo "$t: FAILED (see the reproducer above)"
        fi
        exit 1; }
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: //p' "$work/log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$work/log" | tail -1)
    printf '%-12s %12s executions in %5d s wall (%s/s by libFuzzer), %s, peak RSS %s MB, no crash\n' \
        "$t" "$execs" $((end - start)) "$rate" "$cov" "$rss"
    [ "$execs" -ge "$runs" ] || echo "$t: stopped by MAX_SECONDS=$max_seconds before $runs executions"
    rm -rf "$work"
done
