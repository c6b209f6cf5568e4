#!/usr/bin/env bash
# Python benchmark (issue 16): libimapclient's Python module against
# IMAPClient 3.1.0 itself, on the same private Dovecot, in one run.
#
#   bench/run-python.sh            must run as root (starts Dovecot)
#
# W1: FETCH UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE of
#     N1 (default 20000) generated messages (bench/gen-mail.py, as
#     bench/run-all.sh w1 builds its corpus).
# W2: FETCH BODY.PEEK[] of N2 (default 2000) messages of 100 KB each.
#
# Each repetition (ROUNDS, default 3) runs, one process each, for W1 and
# W2: the reference (PYTHONPATH=REFERENCE, default
# ../shared/reference/imapclient-3.1.0 next to the repository), "ours"
# (libimapclient's fetch(): the same dict) and "ours-stream" (fetch_each,
# W2 bodies through the body sink). A client that walks other counts than
# the reference fails the run. Reported: per-repetition CPU ratios
# reference / ours (fetch and walk; whole process) with their range, peak
# RSS. Writes bench/results/python-<date>.md. Dovecot is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
N1=${N1:-20000}
N2=${N2:-2000}
ROUNDS=${ROUNDS:-3}
SEED=${SEED:-5}
REFERENCE=${REFERENCE:-}
if [ -z "$REFERENCE" ]; then
    for d in "$root/../shared/reference/imapclient-3.1.0" \
        "$root/../../shared/reference/imapclient-3.1.0" /work/shared/reference/imapclient-3.1.0; do
        if [ -d "$d/imapclient" ]; then REFERENCE=$(cd "$d" && pwd); break; fi
    done
fi
die() {
    echo "run-python.sh: $*" >&2
    exit 1
}
say() { printf '\n== %s\n' "$*" >&2; }
[ "$(id -u)" -eq 0 ] || die "must run as root (tests/live/dovecot.sh starts Dovecot)"
[ -d "$REFERENCE/imapclient" ] || die "reference IMAPClient not found (set REFERENCE=)"

# ---- the module: pip install ./python (Release build of the library) ------------
venv=${VENV:-$root/build/bench-pyvenv}
say "pip install ./python into $venv"
rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages --without-pip "$venv"
"$venv/bin/python" -m pip install --no-build-isolation --no-index -q ./python
py=$venv/bin/python

# ---- Dovecot and the corpora ----------------------------------------------------------
dv=$(mktemp -d /tmp/imapclient-pybench.XXXXXX)
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

say "W1 corpus: $N1 messages into folder Bench"
md1="$dv/home/testuser/Maildir/.Bench"
python3 bench/gen-mail.py "$N1" "$md1" "$SEED" >&2
say "W2 corpus: $N2 messages of 100 KB into folder Bodies"
md2="$dv/home/testuser/Maildir/.Bodies"
python3 - "$md2" "$N2" <<'PY'
import os, sys
md, n = sys.argv[1], int(sys.argv[2])
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(md, d), exist_ok=True)
open(os.path.join(md, "maildirfolder"), "w").close()
size = 100 * 1024
for i in range(n):
    head = ("From: Sender %d <s%d@example.com>\r\nTo: r@example.org\r\n"
            "Subject: body %d\r\nMessage-ID: <b%d@example.com>\r\n"
            "Date: Mon, 4 Mar 2024 10:00:00 +0000\r\n\r\n" % (i, i, i, i)).encode()
    line = ("line %06d of a 100 KB message body, padded to a realistic width ..\r\n"
            % i).encode()
    body = (line * (size // len(line) + 1))[: size - len(head)]
    with open(os.path.join(md, "cur", "%d.%d.bench:2,S" % (1700000000 + i, i)), "wb") as f:
        f.write(head + body)
PY
chown -R nobody:nogroup "$md1" "$md2"
chmod -R u+rwX,go-rwx "$md1" "$md2"

say "warm-up: Dovecot indexes and caches both folders"
conn=("$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD")
"$py" bench/python/fetch_py.py ours-stream W1 "${conn[@]}" Bench >&2
"$py" bench/python/fetch_py.py ours-stream W1 "${conn[@]}" Bench >&2
"$py" bench/python/fetch_py.py ours-stream W2 "${conn[@]}" Bodies >&2

# ---- runs -------------------------------------------------------------------------------
runs="$dv/runs.txt"
: >"$runs"
for r in $(seq 1 "$ROUNDS"); do
    for w in W1 W2; do
        folder=Bench
        [ "$w" = W2 ] && folder=Bodies
        say "round $r of $ROUNDS, $w"
        for cl in ref ours ours-stream; do
            if [ "$cl" = ref ]; then
                line=$(PYTHONPATH="$REFERENCE" "$py" bench/python/fetch_py.py ref "$w" \
                    "${conn[@]}" "$folder") || die "$cl $w failed"
            else
                line=$("$py" bench/python/fetch_py.py "$cl" "$w" "${conn[@]}" "$folder") ||
                    die "$cl $w failed"
            fi
            echo "$line" >&2
            echo "round=$r $line" >>"$runs"
        done
    done
done

# Every client must have walked the same per workload.
for w in W1 W2; do
    n=$(grep " workload=$w " "$runs" | sed -E 's/.* workload=[^ ]+ //; s/ fetch_cpu=.*//' |
        sort -u | wc -l)
    [ "$n" -eq 1 ] || die "the clients did not walk the same data in $w:
$(grep " workload=$w " "$runs")"
done

table=$(awk '
{
    for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    k = f["workload"] SUBSEP f["client"] SUBSEP f["round"]
    fc[k] = f["fetch_cpu"] + 0; pc[k] = f["cpu"] + 0
    if (f["rss_kb"] + 0 > rss[f["workload"] SUBSEP f["client"]]) rss[f["workload"] SUBSEP f["client"]] = f["rss_kb"] + 0
    rounds[f["round"]] = 1; walked[f["workload"]] = $0
}
function range(w, cl, which,    r, x, lo, hi, s, n) {
    lo = 1e18; hi = 0; s = 0; n = 0
    for (r in rounds) {
        if (which == "fetch") x = fc[w SUBSEP "ref" SUBSEP r] / fc[w SUBSEP cl SUBSEP r]
        else x = pc[w SUBSEP "ref" SUBSEP r] / pc[w SUBSEP cl SUBSEP r]
        if (x < lo) lo = x; if (x > hi) hi = x; s += x; n++
    }
    return sprintf("%.1fx (%.1f-%.1f)", s / n, lo, hi)
}
function best(w, cl, which,    r, b) {
    b = 1e18
    for (r in rounds) {
        x = which == "fetch" ? fc[w SUBSEP cl SUBSEP r] : pc[w SUBSEP cl SUBSEP r]
        if (x < b) b = x
    }
    return b
}
END {
    print "| workload | client | fetch CPU s (best) | process CPU s (best) | peak RSS MB | ref / this, fetch CPU: mean (range) | ref / this, process CPU: mean (range) |"
    print "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    split("W1 W2", ws, " "); split("ref ours ours-stream", cls, " ")
    for (i = 1; i <= 2; i++) for (j = 1; j <= 3; j++) {
        w = ws[i]; cl = cls[j]
        printf "| %s | %s | %.3f | %.3f | %.1f | %s | %s |\n", w, cl, best(w, cl, "fetch"),
            best(w, cl, "proc"), rss[w SUBSEP cl] / 1024,
            cl == "ref" ? "1.0x" : range(w, cl, "fetch"), cl == "ref" ? "1.0x" : range(w, cl, "proc")
    }
}' "$runs")

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- src include python 2>/dev/null || commit="$commit + uncommitted changes"
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
dovecot_ver=$(dovecot --version 2>/dev/null | cut -d' ' -f1)
w1_walk=$(grep " workload=W1 " "$runs" | head -1 | sed -E 's/.* workload=W1 //; s/ fetch_cpu=.*//')
w2_walk=$(grep " workload=W2 " "$runs" | head -1 | sed -E 's/.* workload=W2 //; s/ fetch_cpu=.*//')
mkdir -p bench/results
out="bench/results/python-$(date +%Y-%m-%d).md"
{
    echo "# Python benchmark, $(date +%Y-%m-%d)"
    echo
    echo "\`bench/run-python.sh\` (N1=$N1 N2=$N2 ROUNDS=$ROUNDS): the libimapclient Python"
    echo "module against IMAPClient 3.1.0 itself, same Dovecot $dovecot_ver on 127.0.0.1"
    echo "(plain IMAP), each client in its own process, $ROUNDS repetitions. W1: FETCH"
    echo "UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE of $N1 messages; W2:"
    echo "BODY.PEEK[] of $N2 x 100 KB. \"fetch CPU\" is user+sys from FETCH to the end of"
    echo "the walk of the result; \"process CPU\" includes interpreter start, imports and"
    echo "login. Ratios are per repetition (reference CPU / this client's CPU in the"
    echo "same repetition), mean and range over the repetitions."
    echo
    echo "$table"
    echo
    echo "Walked by every client: W1 $w1_walk; W2 $w2_walk."
    echo
    echo "- libimapclient $commit, Release (setup.py's in-tree build), Python $("$py" -c 'import sys; print(sys.version.split()[0])') (Debian)"
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
