#!/usr/bin/env bash
# APPEND benchmark (issue 10, W5): N generated messages of about 10 KB
# appended to a private Dovecot on 127.0.0.1, one APPEND each, by
#   libetpan                     mailimap_append(), one at a time
#   libimapclient-blocking       imapclient_append(), one at a time
#   libimapclient-pipelined-w64  the non-blocking API, 64 APPENDs in flight
#   libimapclient-pipelined-all  the non-blocking API, all N in flight
#   libimapclient-pipelined-w64-raw  the same as -w64 with crlf 1 on the
#                                sources: the caller vouches for CRLF line
#                                ends, so nothing is counted or normalised
# and, for memory, by
#   libimapclient-multiappend    imapclient_multiappend_stream(): one command
#
#   bench/run-append.sh [N]       N defaults to 2000; must run as root
#
# Environment: ROUNDS (default 5), BUILD_DIR (default build/bench), SEED
# (default 5), SIZE (default 10240 bytes), STORE (tmpfs: Dovecot's files in
# /dev/shm and mail_fsync = never, the default; disk: a temporary directory
# under /tmp with Dovecot's default fsync), FORMAT (maildir, the test
# server's format and the default, or sdbox).
#
# Each client runs ROUNDS times, each time in its own process, into a fresh
# folder, the clients' order rotating from round to round. After every run
# the folder must hold exactly the N messages, byte for byte (checked with
# imaplib: the SHA-256 of all bodies in UID order against the files'). Each
# client reports its process CPU time (getrusage, user+sys), wall time
# (connect to logout) and peak RSS; the server's CPU for the session is
# taken from the Dovecot master's reaped children; the script prints and writes to
# bench/results/append-<date>-<format>-<store>.md, per client, the median and
# range over the rounds of the ratios to libetpan's figures of the same
# round, with the machine's load. Dovecot is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N=${1:-2000}
ROUNDS=${ROUNDS:-5}
SEED=${SEED:-5}
SIZE=${SIZE:-10240}
STORE=${STORE:-tmpfs}
FORMAT=${FORMAT:-maildir}
build=${BUILD_DIR:-$root/build/bench}

say() { printf '\n== %s\n' "$*" >&2; }
die() {
    echo "run-append.sh: $*" >&2
    exit 1
}

case "$N" in '' | *[!0-9]*) die "N must be a positive number" ;; esac
[ "$N" -gt 0 ] || die "N must be a positive number"
[ "$(id -u)" -eq 0 ] || die "must run as root (tests/live/dovecot.sh starts Dovecot)"
case "$STORE" in tmpfs | disk) ;; *) die "STORE must be tmpfs or disk" ;; esac
case "$FORMAT" in maildir | sdbox) ;; *) die "FORMAT must be maildir or sdbox" ;; esac

# ---- build -------------------------------------------------------------------
say "building (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIMAPCLIENT_BUILD_BENCH=ON \
    -DIMAPCLIENT_BUILD_TESTS=OFF -DIMAPCLIENT_BUILD_CLI=OFF >/dev/null
grep -q '^LIBETPAN_LIBRARY:FILEPATH=.*etpan' "$build/CMakeCache.txt" ||
    die "libetpan not found (apt-get install libetpan-dev): it is the baseline"
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" \
    --target append_imapclient append_libetpan >/dev/null
bin="$build/bench"

# ---- Dovecot and the messages ----------------------------------------------------
if [ "$STORE" = tmpfs ]; then
    [ -d /dev/shm ] || die "/dev/shm is missing (use STORE=disk)"
    dv=$(mktemp -d /dev/shm/imapclient-bench.XXXXXX)
else
    dv=$(mktemp -d /tmp/imapclient-bench.XXXXXX)
fi
msgs=$(mktemp -d /tmp/imapclient-append-msgs.XXXXXX)
cleanup() {
    bash "$root/tests/live/dovecot.sh" stop "$dv" >/dev/null 2>&1 || true
    rm -rf "$dv" "$msgs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting a private Dovecot in $dv ($FORMAT, $STORE)"
chmod 755 "$dv"
bash tests/live/dovecot.sh start "$dv" >&2
{
    echo "# bench/run-append.sh"
    [ "$STORE" = tmpfs ] && echo "mail_fsync = never"
} >>"$dv/dovecot.conf"
if [ "$FORMAT" = sdbox ]; then
    sed -i 's|mail=maildir:~/Maildir|mail=sdbox:~/sdbox|' "$dv/dovecot.conf"
fi
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

say "generating $N messages of about $SIZE bytes"
python3 bench/gen-append.py "$N" "$msgs" "$SIZE" "$SEED" >&2

# imaplib on the side: create a folder, or check and delete it.
imap() { # create|check FOLDER
    python3 - "$1" "$2" "$msgs" <<'EOF'
import hashlib, imaplib, os, sys
cmd, folder, msgs = sys.argv[1:4]
m = imaplib.IMAP4(os.environ["IMAPTEST_HOST"], int(os.environ["IMAPTEST_PORT"]))
m.login(os.environ["IMAPTEST_USER"], os.environ["IMAPTEST_PASSWORD"])
if cmd == "create":
    typ, data = m.create(folder)
    if typ != "OK":
        sys.exit("create %s: %r" % (folder, data))
else:
    names = sorted(f for f in os.listdir(msgs) if f.endswith(".eml"))
    want = hashlib.sha256()
    for f in names:
        with open(os.path.join(msgs, f), "rb") as fh:
            want.update(fh.read())
    typ, data = m.select(folder, readonly=True)
    if typ != "OK" or int(data[0]) != len(names):
        sys.exit("check %s: %r messages, expected %d" % (folder, data, len(names)))
    typ, data = m.uid("FETCH", "1:*", "(BODY.PEEK[])")
    got = hashlib.sha256()
    for item in data:
        if isinstance(item, tuple):
            got.update(item[1])
    if got.hexdigest() != want.hexdigest():
        sys.exit("check %s: the messages differ from the files" % folder)
    m.close()
    m.delete(folder)
m.logout()
EOF
}

# Warm-up: one round trip of each kind, so that Dovecot's processes, the
# page cache and the files are warm before anything is measured.
say "warm-up"
imap create Warmup
"$bin/append_imapclient" blocking "$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" \
    "$IMAPTEST_PASSWORD" Warmup "$msgs" >/dev/null
imap check Warmup

# The server's CPU: the user+system time of the Dovecot master's reaped
# children (cutime+cstime, /proc/PID/stat fields 16 and 17). The session's
# imap process is one: it exits at LOGOUT; the login and auth processes live
# on and do not count.
master=$(tr -dc '0-9' <"$dv/base/master.pid")
hz=$(getconf CLK_TCK)
server_cpu() { awk '{ print $16 + $17 }' "/proc/$master/stat"; }

# ---- runs ----------------------------------------------------------------------
clients=(libetpan libimapclient-blocking libimapclient-pipelined-w64
    libimapclient-pipelined-all libimapclient-pipelined-w64-raw libimapclient-multiappend)
runs="$dv/runs.txt"
: >"$runs"
loads=()
conn=("$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD")
for r in $(seq 1 "$ROUNDS"); do
    loads+=("$(cut -d' ' -f1-3 /proc/loadavg)")
    say "round $r of $ROUNDS (load $(cut -d' ' -f1-3 /proc/loadavg))"
    nc=${#clients[@]}
    for i in $(seq 0 $((nc - 1))); do
        cl=${clients[$(((i + r - 1) % nc))]}
        folder="Bench-$r-$cl"
        imap create "$folder"
        case "$cl" in
        libetpan) cmd=("$bin/append_libetpan" "${conn[@]}" "$folder" "$msgs") ;;
        libimapclient-blocking) cmd=("$bin/append_imapclient" blocking "${conn[@]}" "$folder" "$msgs") ;;
        libimapclient-pipelined-w64) cmd=("$bin/append_imapclient" pipelined "${conn[@]}" "$folder" "$msgs" 64) ;;
        libimapclient-pipelined-all) cmd=("$bin/append_imapclient" pipelined "${conn[@]}" "$folder" "$msgs" 0) ;;
        libimapclient-pipelined-w64-raw) cmd=("$bin/append_imapclient" pipelined "${conn[@]}" "$folder" "$msgs" 64 raw) ;;
        libimapclient-multiappend) cmd=("$bin/append_imapclient" multiappend "${conn[@]}" "$folder" "$msgs") ;;
        esac
        s0=$(server_cpu)
        line=$("${cmd[@]}") || die "$cl failed in round $r"
        sleep 0.3 # the session's imap process exits and is reaped
        line="$line server_cpu=$(python3 -c "print('%.2f' % (($(server_cpu) - $s0) / $hz))")"
        echo "$line" >&2
        case " $line " in
        *" msgs=$N "*) ;;
        *) die "$cl appended other than $N messages: $line" ;;
        esac
        imap check "$folder" || die "$cl: the folder does not hold the messages (round $r)"
        echo "round=$r $line" >>"$runs"
    done
done

# ---- table ---------------------------------------------------------------------
table=$(python3 - "$runs" "${clients[@]}" <<'EOF'
import statistics, sys
runs, order = sys.argv[1], sys.argv[2:]
rows = {}
for line in open(runs):
    f = dict(kv.split("=", 1) for kv in line.split())
    rows.setdefault(f["client"], {})[int(f["round"])] = f
base = rows["libetpan"]
def stat(vals, fmt):
    vals = sorted(vals)
    return (fmt % statistics.median(vals)) + " (" + (fmt % vals[0]) + "-" + (fmt % vals[-1]) + ")"
print("| client | wall s | CPU s | server CPU s | peak RSS MB | wall / libetpan | CPU / libetpan |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for c in order:
    rs = rows[c]
    walls = [float(f["append_wall"]) for f in rs.values()]
    cpus = [float(f["cpu"]) for f in rs.values()]
    rss = max(int(f["rss_kb"]) for f in rs.values()) / 1024
    wr = [float(rs[r]["append_wall"]) / float(base[r]["append_wall"]) for r in rs]
    cr = [float(rs[r]["cpu"]) / float(base[r]["cpu"]) for r in rs]
    srv = [float(f["server_cpu"]) for f in rs.values()]
    print("| %s | %s | %s | %s | %.1f | %s | %s |" % (c, stat(walls, "%.3f"), stat(cpus, "%.3f"),
          stat(srv, "%.2f"), rss, stat(wr, "%.2f"), stat(cr, "%.2f")))
EOF
)

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src include 2>/dev/null || commit="$commit + uncommitted changes"
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
cc_ver=$("$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")" --version | head -n1)
etpan_ver=$(dpkg-query -W -f '${Version}' libetpan-dev 2>/dev/null || echo "?")
dovecot_ver=$(dovecot --version 2>/dev/null | cut -d' ' -f1)
bytes=$(head -n1 "$runs" | sed -n 's/.* bytes=\([0-9]*\) .*/\1/p')

mkdir -p bench/results
out="bench/results/append-$(date +%Y-%m-%d)-$FORMAT-$STORE.md"
{
    echo "# APPEND benchmark, $(date +%Y-%m-%d), $FORMAT on $STORE"
    echo
    echo "\`ROUNDS=$ROUNDS STORE=$STORE FORMAT=$FORMAT bench/run-append.sh $N\`: $N messages"
    echo "($bytes bytes, about $SIZE each, seed $SEED, CRLF line ends) appended one APPEND"
    echo "each (multiappend: one command) to a fresh folder of a private Dovecot"
    echo "$dovecot_ver on 127.0.0.1 (plain IMAP, LITERAL+), $FORMAT mailboxes,"
    if [ "$STORE" = tmpfs ]; then
        echo "its files on tmpfs and \`mail_fsync = never\`."
    else
        echo "its files on disk, Dovecot's default fsync."
    fi
    echo "Each client in its own process, $ROUNDS rounds, the order rotating; wall is"
    echo "the APPEND phase (first APPEND to last completion), CPU the whole process"
    echo "(getrusage user+sys), server CPU the session's imap process (user+sys),"
    echo "RSS the client's peak (ru_maxrss). Figures: median (min-max)"
    echo "over the rounds; the ratios are taken per round against libetpan's run of"
    echo "the same round, then the median and range of those."
    echo
    echo "$table"
    echo
    echo "- load average (1, 5, 15 min) at the start of each round: $(printf '%s; ' "${loads[@]}")"
    echo "- libimapclient $commit, Release, $cc_ver"
    echo "- libetpan $etpan_ver (Debian libetpan-dev)"
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
