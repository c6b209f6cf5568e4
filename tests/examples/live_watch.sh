#!/usr/bin/env bash
# Live test of a watcher example (examples/watch_poll.c, watch_libuv.c):
#
#   live_watch.sh path/to/example_watch_poll
#
# Four connections (testuser twice, otheruser twice) idle on their INBOXes;
# once the watcher says they are all idling, another process (imaplib)
# appends two messages to each INBOX. Every connection must print both
# messages, sender and decoded subject, and the watcher must stop by itself
# after the 8 it was told to expect. Also: a wrong password makes it fail
# with the server's answer. The appended messages are deleted again.
set -u
BIN=${1:?usage: $0 path/to/watcher}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ ! -x "$BIN" ]; then
    echo "FAIL: $BIN was not built (libuv1-dev missing? run scripts/deps.sh)"
    exit 1
fi
if [ -z "${IMAPTEST_ENV:-}" ] || [ ! -f "$IMAPTEST_ENV" ]; then
    echo "SKIP: IMAPTEST_ENV not set or missing (no server started)"
    exit 77
fi
set -a
# shellcheck disable=SC1090
. "$IMAPTEST_ENV"
set +a
export IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1
name=$(basename "$BIN")
T=$(mktemp -d "${TMPDIR:-/tmp}/imapclient-$name.XXXXXX")
tag="watch$$x$RANDOM"
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    python3 "$HERE/imap_helper.py" purge "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX "$tag"
    python3 "$HERE/imap_helper.py" purge "$IMAPTEST_USER2" "$IMAPTEST_PASSWORD2" INBOX "$tag"
    rm -rf "$T"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

u1="$IMAPTEST_USER:$IMAPTEST_PASSWORD"
u2="$IMAPTEST_USER2:$IMAPTEST_PASSWORD2"
"$BIN" -n 8 -t 90 "$IMAPTEST_HOST" "$u1" "$u1" "$u2" "$u2" >"$T/out" 2>"$T/err" &
pid=$!

for _ in $(seq 1 300); do
    grep -q '^ready: 4 connections idling on INBOX' "$T/out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if ! grep -q '^ready: 4 connections idling on INBOX' "$T/out"; then
    fail "the watcher did not report 4 connections idling"
    cat "$T/out" "$T/err"
    exit 1
fi

# UTF-8 in the subject, as an RFC 2047 word: the watcher prints it decoded.
python3 "$HERE/imap_helper.py" append "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX \
    "$tag one" "=?UTF-8?Q?${tag}_caf=C3=A9?=" || fail "append to $IMAPTEST_USER"
python3 "$HERE/imap_helper.py" append "$IMAPTEST_USER2" "$IMAPTEST_PASSWORD2" INBOX \
    "$tag one" "=?UTF-8?Q?${tag}_caf=C3=A9?=" || fail "append to $IMAPTEST_USER2"

rc=0
for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
    fail "the watcher did not stop after 60 s"
    kill "$pid"
fi
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] || fail "exit status $rc"
for who in "$IMAPTEST_USER#1" "$IMAPTEST_USER#2" "$IMAPTEST_USER2#3" "$IMAPTEST_USER2#4"; do
    for subject in "$tag one" "$tag café"; do
        n=$(grep -cF -- "$who: UID " <(grep -F -- ": $subject" "$T/out"))
        [ "$n" -eq 1 ] ||
            fail "$who printed '$subject' $n times, expected once"
    done
    grep -F -- "$who: UID " "$T/out" | grep -qvF "from Watch Test <watch@example.org>: " &&
        fail "$who: a line without the sender"
done
grep -qx '8 new messages seen' "$T/out" || fail "no '8 new messages seen'"

# A wrong password: the login's failure is reported, the exit status is 1.
"$BIN" -t 20 "$IMAPTEST_HOST" "$IMAPTEST_USER:wrong-password" >"$T/out2" 2>"$T/err2"
rc=$?
[ "$rc" -eq 1 ] || fail "wrong password: exit status $rc, expected 1"
grep -q "login failed: .*AUTHENTICATIONFAILED" "$T/err2" ||
    fail "wrong password: no login failure on stderr: $(cat "$T/err2")"

if [ "$failures" -ne 0 ]; then
    echo "--- stdout"
    cat "$T/out"
    echo "--- stderr"
    cat "$T/err"
    echo "$failures check(s) failed"
    exit 1
fi
echo "ok: $name: 4 connections, 8 messages seen, wrong password refused"
