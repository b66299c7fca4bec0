#!/bin/sh
# Bounded libFuzzer run: the committed corpus is read, new inputs go to a scratch dir, and a
# crash leaves its reproducer next to the build (fuzz-artifacts/) and fails the test.
# Usage: run-fuzzer.sh FUZZER CORPUS_DIR   (VIPD_FUZZ_SECONDS bounds the time, default 30)
set -eu
fuzzer=$1
corpus=$2
seconds=${VIPD_FUZZ_SECONDS:-30}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
artifacts=$(dirname "$fuzzer")/fuzz-artifacts
mkdir -p "$artifacts"
exec "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$scratch" "$corpus"
