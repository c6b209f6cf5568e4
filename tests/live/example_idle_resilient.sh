#!/usr/bin/env bash
# examples/idle_resilient.c against the private Dovecot, through the
# fault-injection proxy (fault_proxy.py), as a user would run it: it must
# report the folder, a message another client appends, then survive the
# proxy killing its connection three ways (a drop, a cut in the middle of
# what the server sends, a black hole), each time saying so, coming back
# and reporting what was appended while it was away (after the cut, while
# the proxy refuses it); then stop on SIGINT.
#
#   example_idle_resilient.sh PATH/TO/example_idle_resilient
set -u
EX=${1:?usage: $0 path/to/example_idle_resilient}
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "${IMAPTEST_ENV:-}" ] || [ ! -f "$IMAPTEST_ENV" ]; then
    echo "SKIP: IMAPTEST_ENV not set or missing (no server started)"
    exit 77
fi
while IFS='=' read -r k v; do
    case "$k" in IMAPTEST_*) printf -v "$k" '%s' "$v" ;; esac
done <"$IMAPTEST_ENV"
H=$IMAPTEST_HOST U=$IMAPTEST_USER P=$IMAPTEST_PASSWORD
FOLDER="Watch$$"
T=$(mktemp -d "${TMPDIR:-/tmp}/imapclient-resilient.XXXXXX")
OUT=$T/out
EXPID=
failures=0

# imap ACTION ...: the other client (Python's imaplib, directly to Dovecot)
imap() {
    python3 - "$H" "$IMAPTEST_PORT" "$U" "$P" "$FOLDER" "$@" <<'PY'
import imaplib, sys
host, port, user, pw, folder, action = sys.argv[1:7]
m = imaplib.IMAP4(host, int(port))
m.login(user, pw)
if action == "create":
    m.delete(folder)
    m.create(folder)
elif action == "delete":
    m.delete(folder)
elif action == "append":
    m.append(folder, None, None,
             ("Message-ID: <%s@watch.test>\r\nSubject: %s\r\n\r\nhello\r\n"
              % (sys.argv[7], sys.argv[7])).encode())
m.logout()
PY
}

cleanup() {
    [ -n "$EXPID" ] && kill "$EXPID" 2>/dev/null
    [ -n "${PROXY_PID:-}" ] && { exec {PROXY[1]}>&- ; wait "$PROXY_PID" 2>/dev/null; }
    imap delete >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*"
    echo "--- watcher output:"
    cat "$OUT"
    failures=$((failures + 1))
}

# wait_for PATTERN COUNT SECONDS: the output has at least COUNT lines
# matching PATTERN
wait_for() {
    local i
    for i in $(seq 1 $(($3 * 20))); do
        [ "$(grep -cE -- "$1" "$OUT" 2>/dev/null)" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

proxy() { # proxy COMMAND: send it, print the answer
    echo "$*" >&"${PROXY[1]}"
    local reply
    read -r -t 10 reply <&"${PROXY[0]}"
    echo "$reply"
}

imap create || { echo "FAIL: cannot create $FOLDER"; exit 1; }
imap append first
imap append second

coproc PROXY { exec python3 "$HERE/fault_proxy.py" --upstream "$H:$IMAPTEST_PORT"; }
PROXY_PID=$!
read -r -t 10 listen <&"${PROXY[0]}"
PORT=${listen#LISTEN }
[ -n "$PORT" ] || { echo "FAIL: the proxy did not start"; exit 1; }

# A dead connection is found within 1000 + 500 ms in IDLE.
IMAP_PORT=$PORT IMAP_NO_TLS=1 IMAP_FOLDER=$FOLDER IMAP_IDLE_RENEW_MS=1000 \
    IMAP_IDLE_PROBE_MS=500 IMAP_WATCH_SECONDS=60 "$EX" "$H" "$U" "$P" >"$OUT" 2>&1 &
EXPID=$!

wait_for "^ready: $FOLDER, 2 messages" 1 10 || fail "no ready line"
sleep 0.3
imap append live
wait_for '^new: UID 3 ' 1 10 || fail "the message appended live was not reported"

# 1. a drop
[ "$(proxy drop)" = "OK 1" ] || fail "drop hit no connection"
wait_for '^disconnected: ' 1 10 || fail "drop: no disconnected line"
wait_for '^resumed after ' 1 10 || fail "drop: not resumed"

# 2. a cut in the middle of what the server sends (after 5 more bytes:
# the next IDLE renewal's answer at the latest), and a message appended
# while the watcher is away: the proxy refuses its attempts until the
# append is done, so the message can only come with the resume
sleep 0.3
proxy refuse 1000 >/dev/null
[ "$(proxy cut s2c 5)" = "OK 1" ] || fail "cut hit no connection"
wait_for '^disconnected: ' 2 10 || fail "cut: no disconnected line"
imap append away1
proxy pass >/dev/null
wait_for '^resumed after .*: 1 new' 1 20 || fail "cut: the message appended while away not in resumed"
wait_for '^new: UID 4 ' 1 10 || fail "cut: UID 4 not reported"

# 3. a black hole: nothing closes, the probe finds it (bound 1.5 s)
sleep 0.3
[ "$(proxy blackhole)" = "OK 1" ] || fail "black hole hit no connection"
start=$(date +%s%N)
imap append away2
wait_for '^disconnected: .*liveness probe' 1 5 || fail "black hole: not found by the probe"
found=$((($(date +%s%N) - start) / 1000000))
wait_for '^new: UID 5 ' 1 10 || fail "black hole: UID 5 not reported after resuming"
echo "black hole found after $found ms (bound 1500 ms)"
[ "$found" -le 2000 ] || fail "black hole found after $found ms"

# nothing reported twice
[ "$(grep -c '^new: UID 3 ' "$OUT")" = 1 ] || fail "UID 3 reported twice"
[ "$(grep -c '^new: UID 4 ' "$OUT")" = 1 ] || fail "UID 4 reported twice"

kill -INT "$EXPID"
wait "$EXPID"
rc=$?
EXPID=
[ "$rc" = 0 ] || fail "exit status $rc after SIGINT"
grep -q '^stopped$' "$OUT" || fail "no stopped line"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "--- watcher output:"
cat "$OUT"
echo "example idle_resilient: all checks passed"
