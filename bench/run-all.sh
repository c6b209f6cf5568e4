#!/usr/bin/env bash
# Every benchmark workload, side by side with libetpan and imapflow, against
# a private Dovecot on 127.0.0.1 (bench/README.md).
#
#   bench/run-all.sh [WORKLOAD ...]     w1 w2 w3 w4 w4s w5 w6t idle (default all)
#
# Environment: REPS (default 5), SEED (default 5), BASELINE (a git ref, e.g.
# main: its library is built too and runs as "imapclient@REF", the
# "before" of a change), SMOKE=1 (tiny sizes, one repetition), BUILD_DIR
# (default build/bench), OUT (the report, default
# bench/results/run-all-<date>.md), CORPUS_CACHE (generated mail kept
# between runs, default /tmp/imapclient-bench-corpus).
#
# Must run as root (Dovecot is started by tests/live/dovecot.sh). Needs
# Dovecot and python3; libetpan-dev and node/npm are optional (a client
# whose tooling is missing is left out, with a message).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${BUILD_DIR:-$root/build/bench}
[ "$(id -u)" -eq 0 ] || { echo "run-all.sh: must run as root" >&2; exit 1; }

build_clients() { # source-dir build-dir
    cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DIMAPCLIENT_BUILD_BENCH=ON \
        -DIMAPCLIENT_BUILD_TESTS=OFF -DIMAPCLIENT_BUILD_CLI=OFF >/dev/null
    local targets=(imc_bench)
    grep -q '^LIBETPAN_LIBRARY:FILEPATH=.*etpan' "$2/CMakeCache.txt" && targets+=(etpan_bench)
    cmake --build "$2" -j"$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" >/dev/null
}

echo "== building the clients (Release) in $build" >&2
build_clients "$root" "$build"
args=(--bin "$build/bench")
[ -x "$build/bench/etpan_bench" ] || {
    echo "libetpan not found (apt-get install libetpan-dev): left out" >&2
    args+=(--no-etpan)
}

if command -v node >/dev/null && command -v npm >/dev/null &&
    (cd bench/imapflow && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
    :
else
    echo "node/npm not found or npm ci failed: imapflow left out" >&2
    args+=(--no-flow)
fi

tmp=
if [ -n "${BASELINE:-}" ]; then
    # The baseline's library with this tree's bench clients (they use the
    # public API only; what the baseline lacks is left out of its runs).
    tmp=$(mktemp -d /tmp/imapclient-baseline.XXXXXX)
    trap 'rm -rf "$tmp"' EXIT
    echo "== building $BASELINE as the baseline in $tmp" >&2
    mkdir -p "$tmp/src"
    git archive "$BASELINE" | tar -x -C "$tmp/src"
    rm -rf "$tmp/src/bench"
    mkdir -p "$tmp/src/bench"
    cp bench/*.c bench/*.h bench/CMakeLists.txt "$tmp/src/bench/"
    build_clients "$tmp/src" "$tmp/build"
    args+=(--baseline-bin "$tmp/build/bench" --baseline-name "imapclient@$BASELINE")
fi

mkdir -p bench/results
out=${OUT:-bench/results/run-all-$(date +%Y-%m-%d).md}
cmd="bench/run-all.sh $*"
[ -n "${BASELINE:-}" ] && cmd="BASELINE=$BASELINE $cmd"
[ -n "${REPS:-}" ] && cmd="REPS=$REPS $cmd"
[ "${SMOKE:-}" = 1 ] && cmd="SMOKE=1 $cmd"
python3 bench/run-all.py "${args[@]}" --out "$out" --command "${cmd% }" "$@"
