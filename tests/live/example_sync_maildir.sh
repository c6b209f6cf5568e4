#!/usr/bin/env bash
# examples/sync_maildir.c against the private Dovecot, once per strategy
# (QRESYNC, CONDSTORE, flags comparison): a first run downloads the
# folder; then another client (Python's imaplib) flags a message, expunges
# one and appends one, and the next run must download the new one, rename
# the flagged one's file and delete the expunged one's; a run with nothing
# changed changes nothing; then the folder is deleted and made again, and
# the run must start over (old files gone, the new folder's messages there).
#
#   example_sync_maildir.sh path/to/example_sync_maildir
set -u
EX=${1:?usage: $0 path/to/example_sync_maildir}
if [ -z "${IMAPTEST_ENV:-}" ] || [ ! -f "$IMAPTEST_ENV" ]; then
    echo "SKIP: IMAPTEST_ENV not set or missing (no server started)"
    exit 77
fi
while IFS='=' read -r k v; do
    case "$k" in IMAPTEST_*) printf -v "$k" '%s' "$v" ;; esac
done <"$IMAPTEST_ENV"
T=$(mktemp -d "${TMPDIR:-/tmp}/imapclient-sync-maildir.XXXXXX")
FOLDERS=()
cleanup() {
    for f in "${FOLDERS[@]}"; do imap delete "$f" >/dev/null 2>&1; done
    rm -rf "$T"
}
trap cleanup EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# imap COMMAND FOLDER [ARGS]: the other client's changes.
imap() {
    python3 - "$IMAPTEST_HOST" "$IMAPTEST_PORT" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$@" <<'PY'
import imaplib, sys
host, port, user, pw, cmd, folder = sys.argv[1:7]
args = sys.argv[7:]
m = imaplib.IMAP4(host, int(port))
m.login(user, pw)
def ok(r):
    if r[0] != "OK":
        sys.exit("%s %s: %s" % (cmd, folder, r))
    return r
if cmd == "create":
    ok(m.create(folder))
elif cmd == "delete":
    m.delete(folder)
elif cmd == "append":  # append FOLDER N FLAGS
    msg = ("From: a@example.org\r\nSubject: message %s\r\n\r\nbody %s\r\n" % (args[0], args[0])).encode()
    ok(m.append(folder, args[1] if len(args) > 1 else None, None, msg))
elif cmd == "flag":  # flag FOLDER UID FLAG
    ok(m.select(folder))
    ok(m.uid("STORE", args[0], "+FLAGS", "(%s)" % args[1]))
elif cmd == "expunge":  # expunge FOLDER UID
    ok(m.select(folder))
    ok(m.uid("STORE", args[0], "+FLAGS", "(\\Deleted)"))
    ok(m.expunge())
m.logout()
PY
}

# run DIR FOLDER STRATEGY: the example; $out
run() {
    out=$(IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1 IMAP_SYNC_STRATEGY=$3 \
        "$EX" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$2" "$1" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] || fail "$3: exit status $rc: $out"
}
expect() { # TEXT WHAT
    grep -qF -- "$1" <<<"$out" || fail "$2: '$1' not in: $out"
}
files() { # DIR: the file names in cur/, sorted
    ls "$1/cur" | sort | tr '\n' ' '
}

for way in qresync condstore flags; do
    F="SyncMd$$_$way"
    D="$T/$way"
    FOLDERS+=("$F")
    imap create "$F" || fail "create $F"
    imap append "$F" 1 '(\Seen)'
    imap append "$F" 2
    imap append "$F" 3

    run "$D" "$F" "$way"
    expect "$F: 3 new, 0 changed, 0 vanished (by $way); 3 downloaded" "$way: first run"
    uv=$(sed -n 's/^uidvalidity //p' "$D/.imapclient-sync")
    [ -n "$uv" ] || fail "$way: no state file"
    want="${uv}_1.imapsync:2,S ${uv}_2.imapsync:2, ${uv}_3.imapsync:2, "
    [ "$(files "$D")" = "$want" ] || fail "$way: files after the first run: $(files "$D")"
    grep -q "Subject: message 2" "$D/cur/${uv}_2.imapsync:2," || fail "$way: message 2's text"
    if grep -q $'\r' "$D/cur/${uv}_2.imapsync:2,"; then :; else fail "$way: the message as sent (CRLF)"; fi

    # the other client: 2 flagged, 1 expunged, 4 appended
    imap flag "$F" 2 '\Flagged'
    imap expunge "$F" 1
    imap append "$F" 4 '(\Answered)'
    run "$D" "$F" "$way"
    expect "$F: 1 new, 1 changed, 1 vanished (by $way); 1 downloaded, 1 renamed, 1 removed" \
        "$way: after the changes"
    want="${uv}_2.imapsync:2,F ${uv}_3.imapsync:2, ${uv}_4.imapsync:2,R "
    [ "$(files "$D")" = "$want" ] || fail "$way: files after the changes: $(files "$D")"

    run "$D" "$F" "$way"
    expect "$F: 0 new, 0 changed, 0 vanished (by $way); 0 downloaded, 0 renamed, 0 removed" \
        "$way: nothing changed"

    # deleted and made again: a new UIDVALIDITY
    imap delete "$F"
    imap create "$F"
    imap append "$F" 5
    imap append "$F" 6 '(\Seen \Flagged)'
    run "$D" "$F" "$way"
    expect "$F: 2 new, 0 changed, 0 vanished, start over (new UIDVALIDITY) (by $way); 2 downloaded, 0 renamed, 3 removed" \
        "$way: start over"
    uv2=$(sed -n 's/^uidvalidity //p' "$D/.imapclient-sync")
    [ "$uv2" != "$uv" ] || fail "$way: the same UIDVALIDITY after the folder was made again"
    want="${uv2}_1.imapsync:2, ${uv2}_2.imapsync:2,FS "
    [ "$(files "$D")" = "$want" ] || fail "$way: files after starting over: $(files "$D")"
done

# a state file that is not one is refused, and the Maildir left alone
printf 'imapclient-sync-state 1\nuidvalidity 1\n' >"$T/qresync/.imapclient-sync"
out=$(IMAP_PORT=$IMAPTEST_PORT IMAP_NO_TLS=1 "$EX" "$IMAPTEST_HOST" "$IMAPTEST_USER" \
    "$IMAPTEST_PASSWORD" "SyncMd$$_qresync" "$T/qresync" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "a bad state file: exit status $rc: $out"
grep -qF "not a sync state" <<<"$out" || fail "a bad state file: $out"
[ "$(ls "$T/qresync/cur" | wc -l)" -eq 2 ] || fail "a bad state file: the Maildir changed"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "sync_maildir: every strategy in step with the folder"
