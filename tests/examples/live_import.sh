#!/usr/bin/env bash
# Live test of examples/import_pipelined.c:
#
#   live_import.sh path/to/example_import_pipelined
#
# 1. A directory of 300 .eml files (LF, CRLF and bare-CR line ends, 8-bit
#    text, sizes from 100 bytes to 300 KB, and files that are not .eml
#    beside them) imported with 16 APPENDs in flight: the folder must then
#    hold exactly those 300 messages, byte for byte with CRLF line ends
#    (checked by a second client, imaplib).
# 2. A Maildir (cur/ and new/, flags in the file names) into another
#    folder: every message there, and \Seen and \Flagged where the names
#    said so.
# 3. A message with a NUL byte among good ones: it is reported, not
#    imported, the others are, and the exit status is 1.
# The folders are deleted again.
set -u
BIN=${1:?usage: $0 path/to/example_import_pipelined}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${IMAPTEST_ENV:-}" ] || [ ! -f "$IMAPTEST_ENV" ]; then
    echo "SKIP: IMAPTEST_ENV not set or missing (no server started)"
    exit 77
fi
set -a
# shellcheck disable=SC1090
. "$IMAPTEST_ENV"
set +a
export IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1
T=$(mktemp -d "${TMPDIR:-/tmp}/imapclient-import.XXXXXX")
f1="ImportTest-$$-eml"
f2="ImportTest-$$-maildir"
f3="ImportTest-$$-bad"
helper() { python3 "$HERE/imap_helper.py" "$1" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "${@:2}"; }
cleanup() {
    for f in "$f1" "$f2" "$f3"; do helper delete-folder "$f" >/dev/null 2>&1; done
    rm -rf "$T"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# ---- 1. a directory of .eml files ------------------------------------------------
python3 - "$T/eml" <<'EOF'
import os, random, sys
d = sys.argv[1]
os.makedirs(d)
rnd = random.Random(10)
ends = ["\n", "\r\n", "\r"]
for i in range(300):
    eol = ends[i % 3] if i % 7 else "\r\n"
    size = rnd.choice([100, 2000, 10000, 50000]) if i != 150 else 300000
    lines = ["From: Sender %d <s%d@example.org>" % (i, i), "To: import@example.org",
             "Subject: import test %d caf\u00e9" % i, "Message-ID: <import-%d@example.org>" % i,
             "Content-Type: text/plain; charset=utf-8", ""]
    body = []
    n = sum(len(l) + 1 for l in lines)
    while n < size:
        l = "".join(rnd.choice("abcdefghij \u00e9\u00fc") for _ in range(rnd.randint(0, 76)))
        body.append(l)
        n += len(l.encode()) + 1
    text = eol.join(lines + body) + eol
    with open(os.path.join(d, "%03d.eml" % i), "wb") as f:
        f.write(text.encode())
# not messages: must be left alone
open(os.path.join(d, "README.txt"), "w").write("not a message\n")
os.makedirs(os.path.join(d, "sub.eml"))
EOF
out=$("$BIN" -w 16 "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$f1" "$T/eml" 2>"$T/err1")
rc=$?
echo "$out"
[ "$rc" -eq 0 ] || fail "eml: exit status $rc: $(cat "$T/err1")"
grep -qE '^imported 300 messages \([0-9.]+ MB\) in [0-9.]+ s: [0-9]+ messages/s, 16 in flight at most$' <<<"$out" ||
    fail "eml: no summary line with 300 messages and 16 in flight"
mapfile -t emls < <(find "$T/eml" -maxdepth 1 -type f -name '*.eml')
[ "${#emls[@]}" -eq 300 ] || fail "eml: the test made ${#emls[@]} files, not 300"
grep -q 'skipped' <<<"$out" && fail "eml: README.txt or sub.eml/ counted as a message"
helper verify "$f1" "${emls[@]}" || fail "eml: the folder does not hold the files"

# ---- 2. a Maildir with flags ------------------------------------------------------
mkdir -p "$T/md/cur" "$T/md/new" "$T/md/tmp"
for i in $(seq 1 40); do
    case $((i % 4)) in
    0) name="cur/$i.M1P1.host:2,S" ;;
    1) name="cur/$i.M1P1.host:2,FS" ;;
    2) name="cur/$i.M1P1.host:2," ;;
    3) name="new/$i.M1P1.host" ;;
    esac
    printf 'From: md@example.org\nSubject: maildir %d\n\nbody %d\n' "$i" "$i" >"$T/md/$name"
done
out=$("$BIN" -w 4 "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$f2" "$T/md" 2>"$T/err2")
rc=$?
echo "$out"
[ "$rc" -eq 0 ] || fail "maildir: exit status $rc: $(cat "$T/err2")"
helper verify "$f2" "$T"/md/cur/* "$T"/md/new/* || fail "maildir: the folder does not hold the files"
[ "$(helper count "$f2" SEEN)" = 20 ] || fail "maildir: not 20 messages \\Seen"
[ "$(helper count "$f2" FLAGGED)" = 10 ] || fail "maildir: not 10 messages \\Flagged"

# ---- 3. a bad message among good ones ----------------------------------------------
mkdir "$T/bad"
for i in 1 2 3 4 5; do printf 'Subject: good %d\r\n\r\nok\r\n' "$i" >"$T/bad/good$i.eml"; done
printf 'Subject: bad\r\n\r\nN\000L\r\n' >"$T/bad/nul.eml"
out=$("$BIN" -w 3 "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$f3" "$T/bad" 2>"$T/err3")
rc=$?
echo "$out"
[ "$rc" -eq 1 ] || fail "bad: exit status $rc, expected 1"
grep -q "nul.eml: not imported: .*NUL byte" "$T/err3" || fail "bad: no report of the NUL byte: $(cat "$T/err3")"
grep -q '^imported 5 messages' <<<"$out" || fail "bad: the 5 good messages were not imported"
helper verify "$f3" "$T"/bad/good*.eml || fail "bad: the folder does not hold the good files"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "ok: import_pipelined: 300 files, a Maildir with flags, a bad file reported"
