#!/usr/bin/env bash
# The sync helper's three ways (QRESYNC, CONDSTORE, FLAGS comparison) on
# one folder of a private Dovecot on 127.0.0.1 (bench/sync_imapclient.c):
# N messages, a first sync each way, then K flagged, K expunged and K
# appended by another connection, and the incremental sync each way.
#
#   bench/run-sync.sh [N [K]]     N defaults to 20000, K to 10; run as root
#
# Reports per way and sync: the time, the commands sent, the bytes
# received, the size of the saved state and what the sync found. Writes
# bench/results/sync-<date>.md. Dovecot is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N=${1:-20000}
K=${2:-10}
build=${BUILD_DIR:-$root/build/bench}

die() {
    echo "run-sync.sh: $*" >&2
    exit 1
}
[ "$(id -u)" -eq 0 ] || die "must run as root (tests/live/dovecot.sh starts Dovecot)"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIMAPCLIENT_BUILD_BENCH=ON \
    -DIMAPCLIENT_BUILD_TESTS=OFF -DIMAPCLIENT_BUILD_CLI=OFF >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target sync_imapclient >/dev/null

dv=$(mktemp -d /tmp/imapclient-sync.XXXXXX)
cleanup() {
    bash "$root/tests/live/dovecot.sh" stop "$dv" >/dev/null 2>&1 || true
    rm -rf "$dv"
}
trap cleanup EXIT
bash tests/live/dovecot.sh start "$dv" >/dev/null
# shellcheck disable=SC1091
. "$dv/env"

mkdir -p bench/results
out=bench/results/sync-$(date +%Y-%m-%d).md
{
    echo "# The sync helper, $N messages, $K of each change ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    "$build/bench/sync_imapclient" "$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" \
        "$IMAPTEST_PASSWORD" "$N" "$K"
} | tee "$out"
echo "written: $out" >&2
