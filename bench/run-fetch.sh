#!/usr/bin/env bash
# FETCH benchmark (issue 5): libimapclient (plain and streaming forms),
# libetpan and imapflow fetch ENVELOPE BODYSTRUCTURE FLAGS INTERNALDATE
# RFC822.SIZE of N generated messages from a private Dovecot on 127.0.0.1.
#
#   bench/run-fetch.sh [N]        N defaults to 20000; must run as root
#
# Environment: ROUNDS (default 3), BUILD_DIR (default build/bench), SEED
# (default 5, the message generator's seed).
#
# Builds what it needs (Release build of the library and the C clients,
# `npm ci` for imapflow), starts Dovecot with tests/live/dovecot.sh in a
# temporary directory, writes the messages into testuser's folder "Bench",
# lets Dovecot index and cache them (warm-up), then runs each client ROUNDS
# times, one process per run, interleaved. Each reports its CPU time, wall
# time, peak RSS and what it walked; a client that walks other than N
# messages, or other counts than the rest, fails the run. Prints the table
# (best CPU, best wall, max RSS, ratios to the streaming form) and writes it
# to bench/results/fetch-<date>.md. Dovecot is stopped at the end, also on
# failure. See bench/README.md, "## fetch".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N=${1:-20000}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-5}
build=${BUILD_DIR:-$root/build/bench}
folder=Bench

say() { printf '\n== %s\n' "$*" >&2; }
die() {
    echo "run-fetch.sh: $*" >&2
    exit 1
}

case "$N" in '' | *[!0-9]*) die "N must be a positive number" ;; esac
[ "$N" -gt 0 ] || die "N must be a positive number"
[ "$(id -u)" -eq 0 ] || die "must run as root (tests/live/dovecot.sh starts Dovecot)"
[ -f bench/CMakeLists.txt ] || die "bench/CMakeLists.txt is missing"

# ---- build -------------------------------------------------------------------
say "building (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIMAPCLIENT_BUILD_BENCH=ON \
    -DIMAPCLIENT_BUILD_TESTS=OFF -DIMAPCLIENT_BUILD_CLI=OFF >/dev/null
targets=(fetch_imapclient)
clients=(libimapclient-plain libimapclient-stream)
if grep -q '^LIBETPAN_LIBRARY:FILEPATH=.*etpan' "$build/CMakeCache.txt" &&
    grep -q '^LIBETPAN_INCLUDE_DIR:PATH=/' "$build/CMakeCache.txt"; then
    targets+=(fetch_libetpan)
    clients+=(libetpan)
else
    echo "libetpan not found (apt-get install libetpan-dev): skipping it" >&2
fi
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target "${targets[@]}" >/dev/null
bin="$build/bench"
[ -x "$bin/fetch_imapclient" ] || die "$bin/fetch_imapclient was not built"

if command -v node >/dev/null && command -v npm >/dev/null; then
    say "npm ci (imapflow)"
    (cd bench/imapflow && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1) ||
        die "npm ci failed in bench/imapflow"
    clients+=(imapflow)
else
    echo "node/npm not found: skipping imapflow" >&2
fi

# ---- Dovecot and the messages ----------------------------------------------------
dv=$(mktemp -d /tmp/imapclient-bench.XXXXXX)
cleanup() {
    bash "$root/tests/live/dovecot.sh" stop "$dv" >/dev/null 2>&1 || true
    rm -rf "$dv"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting a private Dovecot in $dv"
bash tests/live/dovecot.sh start "$dv" >&2
set -a
# shellcheck disable=SC1091
. "$dv/env"
set +a

say "generating $N messages into testuser's folder $folder"
md="$dv/home/testuser/Maildir/.$folder"
gen_out=$(python3 bench/gen-mail.py "$N" "$md" "$SEED")
echo "$gen_out" >&2
chown -R nobody:nogroup "$md"
chmod -R u+rwX,go-rwx "$md"
mail_mb=$(echo "$gen_out" | sed -n 's/.* \([0-9.]*\) MB.*/\1/p')

# Warm-up: a read-write SELECT (clears \Recent, so every client sees the
# same flags) and the same FETCH twice, so that Dovecot has built its index
# and cache before anything is measured.
say "warm-up: Dovecot indexes and caches the folder"
python3 - "$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" \
    "$folder" "$N" <<'EOF' >&2
import imaplib, sys, time
host, port, user, password, folder, n = sys.argv[1:7]
for i in (1, 2):
    t = time.time()
    m = imaplib.IMAP4(host, int(port))
    m.login(user, password)
    typ, data = m.select(folder)
    if typ != "OK":
        sys.exit("warm-up: SELECT %s: %r" % (folder, data))
    exists = int(data[0])
    if exists != int(n):
        sys.exit("warm-up: %s has %d messages, expected %s" % (folder, exists, n))
    typ, data = m.fetch("1:*", "(ENVELOPE BODYSTRUCTURE FLAGS INTERNALDATE RFC822.SIZE)")
    if typ != "OK":
        sys.exit("warm-up: FETCH: %r" % data)
    m.logout()
    print("warm-up %d: %d messages fetched in %.1f s" % (i, exists, time.time() - t))
EOF

# ---- runs ----------------------------------------------------------------------
runs="$dv/runs.txt"
: >"$runs"
conn=("$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$folder")
for r in $(seq 1 "$ROUNDS"); do
    say "round $r of $ROUNDS"
    for cl in "${clients[@]}"; do
        case "$cl" in
        libimapclient-plain) cmd=("$bin/fetch_imapclient" plain "${conn[@]}") ;;
        libimapclient-stream) cmd=("$bin/fetch_imapclient" stream "${conn[@]}") ;;
        libetpan) cmd=("$bin/fetch_libetpan" "${conn[@]}") ;;
        imapflow) cmd=(node bench/imapflow/fetch.mjs "${conn[@]}") ;;
        esac
        line=$("${cmd[@]}") || die "$cl failed in round $r"
        echo "$line" >&2
        case " $line " in
        *" msgs=$N "*) ;;
        *) die "$cl walked a different number of messages than $N: $line" ;;
        esac
        echo "$line" >>"$runs"
    done
done

# Every client must have walked the same: envelopes, addresses, parts,
# sizes, flags.
walked=$(sed -E 's/^client=[^ ]+ //; s/ cpu=.*//' "$runs" | sort -u)
[ "$(printf '%s\n' "$walked" | wc -l)" -eq 1 ] ||
    die "the clients did not walk the same data:
$(sed -E 's/ cpu=.*//' "$runs" | sort -u)"

# ---- table ---------------------------------------------------------------------
table=$(awk -v order="${clients[*]}" '
{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    c = f["client"]
    if (!(c in cpu) || f["cpu"] + 0 < cpu[c]) cpu[c] = f["cpu"] + 0
    if (!(c in fcpu) || f["fetch_cpu"] + 0 < fcpu[c]) fcpu[c] = f["fetch_cpu"] + 0
    if (!(c in wall) || f["wall"] + 0 < wall[c]) wall[c] = f["wall"] + 0
    if (!(c in rss) || f["rss_kb"] + 0 > rss[c]) rss[c] = f["rss_kb"] + 0
}
END {
    base = "libimapclient-stream"
    print "| client | CPU s | fetch CPU s | wall s | peak RSS MB | CPU / stream | RSS / stream |"
    print "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    n = split(order, names, " ")
    for (i = 1; i <= n; i++) {
        c = names[i]
        printf "| %s | %.3f | %.3f | %.3f | %.1f | %.1fx | %.1fx |\n", c, cpu[c], fcpu[c],
            wall[c], rss[c] / 1024, cpu[c] / cpu[base], rss[c] / rss[base]
    }
}' "$runs")

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src include 2>/dev/null || commit="$commit + uncommitted changes"
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
cc_ver=$("$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")" --version | head -n1)
etpan_ver=$(dpkg-query -W -f '${Version}' libetpan-dev 2>/dev/null || echo "?")
flow_ver=$(sed -n 's/^ *"version": "\(.*\)",/\1/p' bench/imapflow/node_modules/imapflow/package.json 2>/dev/null | head -n1)
node_ver=$(node --version 2>/dev/null || echo "-")
dovecot_ver=$(dovecot --version 2>/dev/null | cut -d' ' -f1)
summary=$(head -n1 "$runs" | sed -E 's/^client=[^ ]+ //; s/ cpu=.*//')

mkdir -p bench/results
out="bench/results/fetch-$(date +%Y-%m-%d).md"
{
    echo "# FETCH benchmark, $(date +%Y-%m-%d)"
    echo
    echo "\`bench/run-fetch.sh $N\`: ENVELOPE BODYSTRUCTURE FLAGS INTERNALDATE RFC822.SIZE"
    echo "of $N messages ($mail_mb MB of maildir, seed $SEED) from a private Dovecot"
    echo "$dovecot_ver on 127.0.0.1 (plain IMAP), each client in its own process, best"
    echo "of $ROUNDS runs for CPU and wall, largest peak RSS. CPU is the whole process"
    echo "(user+sys), fetch CPU the part from FETCH to the end of the walk. Absolute"
    echo "numbers are noise on this machine; the ratios are what we report."
    echo
    echo "$table"
    echo
    echo "Walked by every client: $summary."
    echo
    echo "- libimapclient $commit, Release, $cc_ver"
    echo "- libetpan $etpan_ver (Debian libetpan-dev)"
    echo "- imapflow $flow_ver on node $node_ver"
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
