#!/usr/bin/env bash
# IDLE at scale (issue 10): one thread holds N authenticated connections in
# IDLE on one folder of a private Dovecot on 127.0.0.1 (bench/idle_imapclient.c),
# connecting and logging in with K of them in flight at once; then another
# connection APPENDs one message and every one of the N must see the EXISTS.
#
#   bench/run-idle.sh [N]         N defaults to 2000; must run as root
#
# Environment: ROUNDS (default 3), KS (the values of K, default "50 200"),
# BUILD_DIR (default build/bench).
#
# The bench's Dovecot is the test one (tests/live/dovecot.sh) with its
# limits raised for N sessions of one user from one address:
# mail_max_userip_connections, default_client_limit/default_process_limit,
# and imap processes that serve 50 sessions each (service_count = 0,
# client_limit = 50), so that N sessions need N/50 processes, not N. With
# several sessions per process Dovecot 2.3 does not wake IDLE through
# inotify, so it checks the folder every second (mailbox_idle_check_interval
# = 1 secs): the EXISTS time below is mostly that interval. The client's
# fd limit (ulimit -n) is raised to N + 64 when needed.
#
# Reports per K the median and range over the rounds of: the time to
# connect and log in all N, the time until all N idle, the time from the
# APPEND to the last EXISTS seen, and the client's memory per connection
# ((RSS when all idle - RSS before the first connection) / N, from
# /proc/self/statm; and the heap in use, mallinfo2, likewise). Writes
# bench/results/idle-<date>.md. Dovecot is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N=${1:-2000}
ROUNDS=${ROUNDS:-3}
KS=${KS:-50 200}
build=${BUILD_DIR:-$root/build/bench}
folder=IdleBench

say() { printf '\n== %s\n' "$*" >&2; }
die() {
    echo "run-idle.sh: $*" >&2
    exit 1
}

case "$N" in '' | *[!0-9]*) die "N must be a positive number" ;; esac
[ "$N" -gt 0 ] || die "N must be a positive number"
[ "$(id -u)" -eq 0 ] || die "must run as root (tests/live/dovecot.sh starts Dovecot)"

if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((N + 64)) ]; then
    ulimit -n $((N + 64)) 2>/dev/null || die "cannot raise the fd limit to $((N + 64))"
fi

say "building (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIMAPCLIENT_BUILD_BENCH=ON \
    -DIMAPCLIENT_BUILD_TESTS=OFF -DIMAPCLIENT_BUILD_CLI=OFF >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target idle_imapclient >/dev/null
bin="$build/bench"

dv=$(mktemp -d /tmp/imapclient-idle.XXXXXX)
cleanup() {
    bash "$root/tests/live/dovecot.sh" stop "$dv" >/dev/null 2>&1 || true
    rm -rf "$dv"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting a private Dovecot in $dv, limits raised for $N sessions"
chmod 755 "$dv"
bash tests/live/dovecot.sh start "$dv" >&2
cat >>"$dv/dovecot.conf" <<EOF
# bench/run-idle.sh: $N sessions of one user from one address
default_client_limit = $((N * 2 + 1000))
default_process_limit = 1000
mailbox_idle_check_interval = 1 secs
protocol imap {
  mail_max_userip_connections = $((N + 100))
}
service imap {
  service_count = 0
  client_limit = 50
  process_limit = $((N / 50 + 50))
}
EOF
bash tests/live/dovecot.sh stop "$dv" >/dev/null
dovecot -c "$dv/dovecot.conf" || die "dovecot did not start with the bench settings"
set -a
# shellcheck disable=SC1091
. "$dv/env"
set +a
for _ in $(seq 1 50); do
    python3 -c "import imaplib; imaplib.IMAP4('127.0.0.1', $IMAPTEST_PORT).logout()" \
        2>/dev/null && break
    sleep 0.1
done
python3 - <<'EOF'
import imaplib, os
m = imaplib.IMAP4(os.environ["IMAPTEST_HOST"], int(os.environ["IMAPTEST_PORT"]))
m.login(os.environ["IMAPTEST_USER"], os.environ["IMAPTEST_PASSWORD"])
typ, data = m.create("IdleBench")
assert typ == "OK", data
m.logout()
EOF

runs="$dv/runs.txt"
: >"$runs"
loads=()
for r in $(seq 1 "$ROUNDS"); do
    for K in $KS; do
        loads+=("$(cut -d' ' -f1-3 /proc/loadavg)")
        say "round $r of $ROUNDS, K=$K (load $(cut -d' ' -f1-3 /proc/loadavg))"
        line=$("$bin/idle_imapclient" "$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" \
            "$IMAPTEST_PASSWORD" "$folder" "$N" "$K") || die "idle_imapclient failed (K=$K, round $r)"
        echo "$line" >&2
        case " $line " in
        *" seen=$N "*) ;;
        *) die "not all $N connections saw the EXISTS: $line" ;;
        esac
        echo "round=$r $line" >>"$runs"
    done
done
warnings=$(grep -ciE 'warning|error' "$dv/dovecot.log" || true)

table=$(python3 - "$runs" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = dict(kv.split("=", 1) for kv in line.split())
    rows.setdefault(int(f["k"]), []).append(f)
def stat(vals, fmt):
    vals = sorted(vals)
    return (fmt % statistics.median(vals)) + " (" + (fmt % vals[0]) + "-" + (fmt % vals[-1]) + ")"
print("| K in flight | connect + login all s | all idle s | EXISTS to all s | RSS per connection KB | heap per connection KB | client CPU s | peak RSS MB |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for k in sorted(rows):
    fs = rows[k]
    g = lambda key: [float(f[key]) for f in fs]
    print("| %d | %s | %s | %s | %s | %s | %s | %.1f |" % (
        k, stat(g("login_s"), "%.2f"), stat(g("idle_s"), "%.2f"), stat(g("exists_s"), "%.2f"),
        stat(g("per_conn_kb"), "%.1f"), stat(g("heap_per_conn_kb"), "%.1f"),
        stat(g("cpu"), "%.2f"), max(g("maxrss_kb")) / 1024))
EOF
)

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src include 2>/dev/null || commit="$commit + uncommitted changes"
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
cc_ver=$("$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")" --version | head -n1)
dovecot_ver=$(dovecot --version 2>/dev/null | cut -d' ' -f1)

mkdir -p bench/results
out="bench/results/idle-$(date +%Y-%m-%d).md"
{
    echo "# IDLE at scale, $(date +%Y-%m-%d)"
    echo
    echo "\`ROUNDS=$ROUNDS KS=\"$KS\" bench/run-idle.sh $N\`: one thread (epoll) holds $N"
    echo "connections of one user in IDLE on one folder of a private Dovecot"
    echo "$dovecot_ver on 127.0.0.1 (plain IMAP; imap processes of 50 sessions each,"
    echo "the folder checked every second), connecting and logging in K at a time"
    echo "with the non-blocking API; then one APPEND from another connection, seen"
    echo "as EXISTS by all $N. Median (min-max) over $ROUNDS rounds. Memory per"
    echo "connection: (RSS when all idle - RSS before the first connect) / $N."
    echo
    echo "$table"
    echo
    echo "- load average (1, 5, 15 min) before each run: $(printf '%s; ' "${loads[@]}")"
    echo "- Dovecot log: $warnings warning or error lines"
    echo "- libimapclient $commit, Release, $cc_ver"
    echo "- $(nproc) CPUs ($cpu_model), $(uname -sr)"
    echo
    echo "Raw runs:"
    echo
    echo '```'
    cat "$runs"
    echo '```'
} >"$out"

say "results (also in $out)"
echo "$table"
