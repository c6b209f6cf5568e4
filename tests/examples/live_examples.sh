#!/usr/bin/env bash
# Every program in examples/ against the private Dovecot, as a user would
# run it, with what each must print:
#   quickstart, folders (columns aligned by display width, non-ASCII names
#   included), search, fetch_stream, email_parse (body structure + BINARY
#   section fetch), email_parse_gmime (GMime), tls_cafile (verified, and
#   refused for a name the certificate lacks), tls_insecure (with its
#   warning), idle and idle_poll (a message appended meanwhile is seen),
#   oauth2 (an expired token refreshed through the callback, XOAUTH2 and
#   OAUTHBEARER).
#
#   live_examples.sh BUILD_DIR/examples
set -u
EX=${1:?usage: $0 path/to/build/examples}
HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "${IMAPTEST_ENV:-}" ] || [ ! -f "$IMAPTEST_ENV" ]; then
    echo "SKIP: IMAPTEST_ENV not set or missing (no server started)"
    exit 77
fi
while IFS='=' read -r k v; do
    case "$k" in IMAPTEST_*) printf -v "$k" '%s' "$v" ;; esac
done <"$IMAPTEST_ENV"
T=$(mktemp -d "${TMPDIR:-/tmp}/imapclient-examples-test.XXXXXX")
UNIQ="ex$$_$RANDOM"
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    python3 "$HERE/imap_tool.py" "$IMAPTEST_ENV" delete "Idle$UNIQ" "IdleA$UNIQ" "IdleB$UNIQ" \
        >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
failures=0 checks=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
# ex NAME [ARGS...]: run an example; $out, $err, $rc
ex() {
    local name=$1
    shift
    out=$("$EX/example_$name" "$@" 2>"$T/stderr" </dev/null)
    rc=$?
    err=$(cat "$T/stderr")
}
expect_rc() {
    checks=$((checks + 1))
    [ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1; stdout: ${out:0:400}; stderr: ${err:0:400}"
}
expect_out() {
    checks=$((checks + 1))
    grep -qF -- "$1" <<<"$out" || fail "$2: '$1' not in stdout: ${out:0:800}; stderr: ${err:0:300}"
}
expect_err() {
    checks=$((checks + 1))
    grep -qF -- "$1" <<<"$err" || fail "$2: '$1' not in stderr: ${err:0:400}"
}
# wait_file FILE PATTERN SECONDS
wait_file() {
    local i
    for i in $(seq 1 $(($3 * 20))); do
        grep -qF -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
H=$IMAPTEST_HOST U=$IMAPTEST_USER P=$IMAPTEST_PASSWORD
export IMAP_CA_FILE=$IMAPTEST_CA

# ---- verified TLS ----
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_TLS_NAME=$IMAPTEST_CERT_NAME ex quickstart "$H" "$U" "$P"
expect_rc 0 "quickstart"
expect_out "$IMAPTEST_INBOX_COUNT messages in INBOX" "quickstart"
expect_out "messages from our best friend" "quickstart"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_TLS_NAME=$IMAPTEST_CERT_NAME ex search "$H" "$U" "$P" INBOX NOT SEEN
expect_rc 0 "search"
expect_out "(4): 3 5 6 8" "search NOT SEEN"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_TLS_NAME=$IMAPTEST_CERT_NAME ex tls_cafile "$H" "$U" "$P" "$IMAPTEST_CA"
expect_rc 0 "tls_cafile"
expect_out "certificate verified with $IMAPTEST_CA" "tls_cafile"
IMAP_PORT=$IMAPTEST_TLS_PORT ex tls_cafile "$H" "$U" "$P" "$IMAPTEST_CA"
expect_rc 1 "tls_cafile, a name the certificate does not hold"
expect_err "certificate refused" "tls_cafile refuses 127.0.0.1"
IMAP_PORT=$IMAPTEST_TLS_PORT ex tls_insecure "$H" "$U" "$P"
expect_rc 0 "tls_insecure"
expect_out "certificate NOT verified" "tls_insecure"
expect_err "never do this over the Internet" "tls_insecure warns"

# ---- plain IMAP on the STARTTLS port ----
export IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1
ex folders "$H" "$U" "$P"
expect_rc 0 "folders"
expect_out "Données" "folders: the non-ASCII name"
checks=$((checks + 1))
# the table's rows are as wide as its heading, counted in characters
python3 -c '
import sys
rows = [l for l in sys.stdin.read().splitlines() if l.strip()][:8]
w = {len(r) for r in rows if not r.startswith("Sent messages")}
sys.exit(0 if len(w) == 1 else 1)' <<<"$out" || fail "folders: columns not aligned: $out"
mkdir -p "$T/export"
ex fetch_stream "$H" "$U" "$P" INBOX "$T/export"
expect_rc 0 "fetch_stream"
checks=$((checks + 1))
[ "$(ls "$T/export" | wc -l)" -eq "$IMAPTEST_INBOX_COUNT" ] || fail "fetch_stream: files: $(ls "$T/export")"

ex email_parse "$H" "$U" "$P" INBOX
expect_rc 0 "email_parse"
expect_out "Grüße aus München ☕" "email_parse: decoded subject"
expect_out "2 application/pdf, base64, " "email_parse: the parts"
expect_out "file invoice-4711.pdf" "email_parse: the attachment's name"
expect_out "2.1 text/plain" "email_parse: parts of an attached message"
expect_out "| Viele Grüße aus München" "email_parse: the text part, decoded"
if [ -x "$EX/example_email_parse_gmime" ]; then
    ex email_parse_gmime "$H" "$U" "$P" INBOX
    expect_rc 0 "email_parse_gmime"
    expect_out "Jürgen Müller <juergen@example.de> \"Grüße aus München ☕\"" "email_parse_gmime: header"
    expect_out "part 3: application/pdf, file invoice-4711.pdf" "email_parse_gmime: parts"
    expect_out "| Viele Grüße aus München" "email_parse_gmime: text, decoded"
else
    fail "example_email_parse_gmime was not built (GMime missing?)"
fi

# ---- OAuth2: an expired token, refreshed by the callback ----
python3 "$HERE/../cli/jwt.py" "$IMAPTEST_OAUTH2_KEY" "$U" -3600 >"$T/token"
ex oauth2 "$H" "$U" "$T/token" "python3 '$HERE/../cli/jwt.py' '$IMAPTEST_OAUTH2_KEY' '$U' >'$T/token'"
expect_rc 0 "oauth2 with a refresh"
expect_err "token refused; refreshing it" "oauth2: the expired token was refreshed"
expect_out "logged in as $U with XOAUTH2" "oauth2"
IMAP_MECH=OAUTHBEARER ex oauth2 "$H" "$U" "$T/token"
expect_rc 0 "oauth2 with OAUTHBEARER"
python3 "$HERE/../cli/jwt.py" "$IMAPTEST_OAUTH2_KEY" "$U" -3600 >"$T/token"
ex oauth2 "$H" "$U" "$T/token"
expect_rc 1 "oauth2: an expired token and no way to refresh"

# ---- IDLE: a message appended meanwhile is reported ----
python3 "$HERE/imap_tool.py" "$IMAPTEST_ENV" create "Idle$UNIQ" "IdleA$UNIQ" "IdleB$UNIQ" ||
    fail "creating the IDLE folders"
IMAP_FOLDER="Idle$UNIQ" "$EX/example_idle" "$H" "$U" "$P" >"$T/idle.out" 2>&1 &
PIDS+=($!)
idle_pid=$!
checks=$((checks + 1))
if wait_file "$T/idle.out" "Connection is now in IDLE mode" 20; then
    python3 "$HERE/imap_tool.py" "$IMAPTEST_ENV" append "Idle$UNIQ"
    wait_file "$T/idle.out" ", EXISTS)" 30 || fail "idle: no EXISTS seen: $(cat "$T/idle.out")"
    kill -INT "$idle_pid"
    checks=$((checks + 1))
    wait_file "$T/idle.out" "IDLE mode done" 10 || fail "idle: Ctrl-C did not end it: $(cat "$T/idle.out")"
    wait "$idle_pid"
    rc=$?
    out= err=$(cat "$T/idle.out")
    expect_rc 0 "idle exit status"
else
    fail "idle did not start: $(cat "$T/idle.out")"
fi

IMAP_IDLE_EXISTS=2 IMAP_IDLE_SECONDS=60 "$EX/example_idle_poll" "$H" "$U" "$P" \
    "IdleA$UNIQ" "IdleB$UNIQ" >"$T/poll.out" 2>&1 &
PIDS+=($!)
poll_pid=$!
checks=$((checks + 1))
if wait_file "$T/poll.out" "watching 2 folders in IDLE" 20; then
    python3 "$HERE/imap_tool.py" "$IMAPTEST_ENV" append "IdleA$UNIQ"
    python3 "$HERE/imap_tool.py" "$IMAPTEST_ENV" append "IdleB$UNIQ"
    wait "$poll_pid"
    rc=$?
    out=$(cat "$T/poll.out") err=
    expect_rc 0 "idle_poll"
    expect_out "IdleA$UNIQ: 1 EXISTS" "idle_poll: the first folder"
    expect_out "IdleB$UNIQ: 1 EXISTS" "idle_poll: the second folder"
    expect_out "IDLE done" "idle_poll ends"
else
    fail "idle_poll did not start: $(cat "$T/poll.out")"
fi

if [ "$failures" -ne 0 ]; then
    echo "$failures of $checks checks failed"
    exit 1
fi
echo "all $checks checks passed"
