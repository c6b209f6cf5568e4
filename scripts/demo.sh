#!/usr/bin/env bash
# The main job: install what is missing (scripts/deps.sh demo), build the
# library, the imapclient program and the examples (not the tests: that is
# scripts/test.sh's job), start a private Dovecot on 127.0.0.1 with sample
# mail, and show the library and the program working against it. Dovecot
# keeps running afterwards, for you to try things; the last lines say how
# to reach it and how to stop it (or run with --stop to stop it at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${BUILD_DIR:-$root/build}/demo
jobs=$(nproc 2>/dev/null || echo 2)
stop_at_end=0
case "${1:-}" in
--stop) stop_at_end=1 ;;
"") ;;
*)
    echo "usage: $0 [--stop]" >&2
    exit 2
    ;;
esac

# Bold headings on a terminal; plain text when the output goes elsewhere.
if [ -t 1 ]; then
    bold=$'\033[1m' plain=$'\033[0m'
else
    bold='' plain=''
fi
say() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

say "installing what is missing"
bash scripts/deps.sh demo

say "building the library, the imapclient program and the examples"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMAPCLIENT_BUILD_TESTS=OFF \
    -DIMAPCLIENT_BUILD_CLI=AUTO -DIMAPCLIENT_BUILD_EXAMPLES=AUTO >"$build.cmake.log" 2>&1 || {
    cat "$build.cmake.log"
    exit 1
}
grep -E 'Skipping|Not built' "$build.cmake.log" || true
# Progress: one line rewritten in place on a terminal, a line per tenth
# otherwise; the full log stays in $build.log.
last=-10
cmake --build "$build" -j"$jobs" 2>&1 | tee "$build.log" | while IFS= read -r line; do
    pct=$(sed -n 's/^\[ *\([0-9]*\)%\].*/\1/p' <<<"$line")
    [ -n "$pct" ] || continue
    if [ -t 1 ]; then
        printf '\r  %3d%% %-70.70s' "$pct" "${line#*] }"
    elif [ "$pct" -ge $((last + 10)) ]; then
        printf '  %3d%% %s\n' "$pct" "${line#*] }"
        last=$pct
    fi
done
status=${PIPESTATUS[0]}
[ -t 1 ] && printf '\r%-78s\r' ''
if [ "$status" -ne 0 ]; then
    grep -E 'error|Error' "$build.log" | head -30
    echo "the build failed; the log is $build.log" >&2
    exit 1
fi
echo "built $build/libimapclient.so, $build/cli/imapclient and $build/examples/"

say "starting a private Dovecot on 127.0.0.1 with sample mail"
dv=$(mktemp -d /tmp/imapclient-demo.XXXXXX)
chmod 755 "$dv"
stop_dovecot() { bash tests/live/dovecot.sh stop "$dv" >/dev/null 2>&1; rm -rf "$dv"; }
# on failure (or with --stop) nothing is left running
trap stop_dovecot EXIT
bash tests/live/dovecot.sh start "$dv" >/dev/null
eval "$(bash tests/live/dovecot.sh env "$dv")"
echo "IMAP on port $IMAPTEST_PORT (STARTTLS), IMAPS on port $IMAPTEST_TLS_PORT, user $IMAPTEST_USER"

ex=$build/examples
say "the README example (examples/quickstart.c) over verified TLS"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_CA_FILE=$IMAPTEST_CA IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$ex/example_quickstart" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD"
say "examples/tls_cafile.c: the server's certificate checked against a CA file"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$ex/example_tls_cafile" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$IMAPTEST_CA"

# The other examples talk plain IMAP on the STARTTLS port (IMAP_NO_TLS=1).
export IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1
say "examples/folders.c: folders with their special use and counts"
"$ex/example_folders" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD"
say "examples/search.c: INBOX, NOT SEEN (over verified TLS)"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_NO_TLS= IMAP_CA_FILE=$IMAPTEST_CA IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$ex/example_search" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX NOT SEEN
say "examples/search_any.c: INBOX, TEXT Grüße (the library chooses the charset)"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_NO_TLS= IMAP_CA_FILE=$IMAPTEST_CA IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$ex/example_search_any" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX TEXT "Grüße"
say "examples/email_parse.c: MIME parts from the body structure, one part fetched"
IMAP_MAX_LINES=3 "$ex/example_email_parse" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" \
    INBOX 4:6
if [ -x "$ex/example_email_parse_gmime" ]; then
    say "examples/email_parse_gmime.c: whole messages parsed with GMime"
    IMAP_MAX_LINES=3 "$ex/example_email_parse_gmime" "$IMAPTEST_HOST" "$IMAPTEST_USER" \
        "$IMAPTEST_PASSWORD" INBOX 6
fi
say "examples/fetch_stream.c: INBOX to files through the body sink"
mkdir -p "$dv/export"
"$ex/example_fetch_stream" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX "$dv/export"
say "examples/import_pipelined.c: the sample messages into a new folder, APPENDs pipelined"
"$ex/example_import_pipelined" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" \
    Imported "$root/tests/live/mail"
say "examples/watch_poll.c: three connections idle in one thread while two messages arrive"
mkdir -p "$dv/two"
cp "$root"/tests/live/mail/archive-0*.eml "$dv/two/"
"$ex/example_watch_poll" -n 6 -t 30 "$IMAPTEST_HOST" \
    "$IMAPTEST_USER:$IMAPTEST_PASSWORD" "$IMAPTEST_USER:$IMAPTEST_PASSWORD" \
    "$IMAPTEST_USER:$IMAPTEST_PASSWORD" >"$dv/watch.out" &
watcher=$!
for _ in $(seq 1 100); do
    grep -q '^ready:' "$dv/watch.out" && break
    sleep 0.1
done
"$ex/example_import_pipelined" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" \
    INBOX "$dv/two" >/dev/null
wait "$watcher" || true
cat "$dv/watch.out"
if [ -x "$ex/example_watch_libuv" ]; then
    echo "(examples/watch_libuv.c does the same on libuv's event loop)"
fi
unset IMAP_PORT IMAP_NO_TLS

cli="$build/cli/imapclient"
if [ -x "$cli" ]; then
    conn=(-H "$IMAPTEST_HOST" -P "$IMAPTEST_PORT" --insecure -u "$IMAPTEST_USER" -p "$IMAPTEST_PASSWORD")
    say "the imapclient program, one-shot: list_folders"
    "$cli" "${conn[@]}" list_folders || true
    say "one-shot with --json and SCRAM-SHA-256: folder_status INBOX"
    "$cli" "${conn[@]}" --auth scram-sha-256 --json folder_status INBOX || true
    say "the interactive shell, fed from a pipe"
    printf 'capabilities\nselect_folder INBOX\nsearch UNSEEN\nfetch 1:3 ENVELOPE FLAGS INTERNALDATE\nfolder_status Archive\nquit\n' |
        "$cli" "${conn[@]}" || true
fi

if [ "$stop_at_end" -eq 1 ]; then
    say "done; Dovecot is stopped again"
    exit 0
fi
trap - EXIT
say "done; Dovecot keeps running on $IMAPTEST_HOST (user $IMAPTEST_USER, password $IMAPTEST_PASSWORD)"
echo "Reach it with the program, the examples or any IMAP client:"
echo "  $cli -H $IMAPTEST_HOST -P $IMAPTEST_PORT --insecure -u $IMAPTEST_USER -p $IMAPTEST_PASSWORD"
echo "  $cli -H $IMAPTEST_CERT_NAME -P $IMAPTEST_TLS_PORT --ca-file $IMAPTEST_CA -u $IMAPTEST_USER -p $IMAPTEST_PASSWORD"
echo "  IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1 $ex/example_email_parse $IMAPTEST_HOST $IMAPTEST_USER $IMAPTEST_PASSWORD"
echo "  (IMAP on $IMAPTEST_HOST:$IMAPTEST_PORT with STARTTLS, IMAPS on $IMAPTEST_HOST:$IMAPTEST_TLS_PORT;"
echo "   the certificate is for '$IMAPTEST_CERT_NAME', its CA file $IMAPTEST_CA)"
echo "Stop it with: bash tests/live/dovecot.sh stop $dv"
