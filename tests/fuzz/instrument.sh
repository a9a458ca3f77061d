#!/bin/sh
# RUSTC_WRAPPER for a lean fuzz build (see README.md, "A lean build"): libFuzzer's coverage
# instrumentation on nps and on the fuzz targets only, with debug assertions and overflow checks
# in nps (and, with NPS_FUZZ_TRACE_COMPARES=1, libFuzzer's comparison hooks, which guide it to
# magic values at about half the speed). Every other crate (polars above all: 1.27 million counters that libFuzzer scanned after
# each run) is built plainly, so it still runs on every input but does not guide the fuzzer.
rustc="$1"
shift
crate=""
prev=""
for arg in "$@"; do
    if [ "$prev" = "--crate-name" ]; then crate="$arg"; fi
    prev="$arg"
done
case "$crate" in
nps | ingest | run)
    exec "$rustc" "$@" -Cpasses=sancov-module \
        -Cllvm-args=-sanitizer-coverage-level=4 \
        -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
        -Cllvm-args=-sanitizer-coverage-pc-table \
        ${NPS_FUZZ_TRACE_COMPARES:+-Cllvm-args=-sanitizer-coverage-trace-compares} \
        -Cllvm-args=-simplifycfg-branch-fold-threshold=0 \
        -Cdebug-assertions -Coverflow-checks
    ;;
*) exec "$rustc" "$@" ;;
esac
