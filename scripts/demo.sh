#!/usr/bin/env bash
# The main job: install what is missing, build, start a private Dovecot on
# 127.0.0.1 with sample mail, and show the library and the imapclient
# program working against it. Everything stops again at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${BUILD_DIR:-$root/build}/gcc
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "installing what is missing"
bash scripts/deps.sh

say "building"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs" >/dev/null
echo "built $build/libimapclient.so and $build/libimapclient.a"

say "starting a private Dovecot on 127.0.0.1 with sample mail"
dv=$(mktemp -d /tmp/imapclient-demo.XXXXXX)
chmod 755 "$dv"
trap 'bash tests/live/dovecot.sh stop "$dv" >/dev/null 2>&1; rm -rf "$dv"' EXIT
bash tests/live/dovecot.sh start "$dv" >/dev/null
eval "$(bash tests/live/dovecot.sh env "$dv")"
echo "IMAP on port $IMAPTEST_PORT (STARTTLS), IMAPS on port $IMAPTEST_TLS_PORT, user $IMAPTEST_USER"

say "the README example (examples/quickstart.c) over verified TLS"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_CA_FILE=$IMAPTEST_CA IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$build/examples/example_quickstart" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD"

# The other examples talk plain IMAP on the STARTTLS port (IMAP_NO_TLS=1).
export IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1
say "examples/folders.c: folders with their special use and counts"
"$build/examples/example_folders" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD"
say "examples/search.c: INBOX, NOT SEEN"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_CA_FILE=$IMAPTEST_CA IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$build/examples/example_search" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX NOT SEEN
say "examples/search_any.c: INBOX, TEXT Grüße (the library chooses the charset)"
IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_CA_FILE=$IMAPTEST_CA IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$build/examples/example_search_any" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX TEXT "Grüße"
say "examples/fetch_stream.c: INBOX to files through the body sink"
mkdir -p "$dv/export"
"$build/examples/example_fetch_stream" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" INBOX "$dv/export"
say "examples/import_pipelined.c: the sample messages into a new folder, APPENDs pipelined"
"$build/examples/example_import_pipelined" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" \
    Imported "$root/tests/live/mail"
say "examples/watch_poll.c: three connections idle in one thread while two messages arrive"
mkdir -p "$dv/two"
cp "$root"/tests/live/mail/archive-0*.eml "$dv/two/"
"$build/examples/example_watch_poll" -n 6 -t 30 "$IMAPTEST_HOST" \
    "$IMAPTEST_USER:$IMAPTEST_PASSWORD" "$IMAPTEST_USER:$IMAPTEST_PASSWORD" \
    "$IMAPTEST_USER:$IMAPTEST_PASSWORD" >"$dv/watch.out" &
watcher=$!
for _ in $(seq 1 100); do
    grep -q '^ready:' "$dv/watch.out" && break
    sleep 0.1
done
"$build/examples/example_import_pipelined" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" \
    INBOX "$dv/two" >/dev/null
wait "$watcher" || true
cat "$dv/watch.out"
if [ -x "$build/examples/example_watch_libuv" ]; then
    echo "(examples/watch_libuv.c does the same on libuv's event loop)"
fi
unset IMAP_PORT IMAP_NO_TLS

cli="$build/cli/imapclient"
if [ -x "$cli" ]; then
    conn=(-H "$IMAPTEST_HOST" -P "$IMAPTEST_PORT" -u "$IMAPTEST_USER" -p "$IMAPTEST_PASSWORD" --insecure)
    say "the imapclient program, one-shot: list_folders"
    "$cli" "${conn[@]}" list_folders || true
    say "one-shot with --json: folder_status INBOX"
    "$cli" "${conn[@]}" --json folder_status INBOX || true
    say "the interactive shell, fed from a pipe"
    printf 'capabilities\nselect_folder INBOX\nsearch UNSEEN\nfetch 1:3 ENVELOPE FLAGS INTERNALDATE\nfolder_status Archive\nquit\n' |
        "$cli" "${conn[@]}" || true
fi

say "done; Dovecot is stopped again"
