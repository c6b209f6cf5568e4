#!/usr/bin/env bash
# sync (what changed since a state file) and the incremental export,
# against the private Dovecot: a first sync lists every message as new,
# changes made by other runs of the program (flag, expunge, append) show
# up as changed, vanished and new, with each strategy forced in turn; the
# state file is replaced atomically and refused when it is not one;
# export renames the files of messages whose flags changed, counts the
# vanished ones and fetches only new ones.
. "$(dirname "$0")/lib.sh"

F="Sync$UNIQ"
CLEANUP+=("'$BIN' $PLAIN delete_folder '$F'")
printf 'From: a@example.org\r\nSubject: one\r\n\r\nbody one\r\n' >"$T/m1.eml"
printf 'From: a@example.org\r\nSubject: two\r\n\r\nbody two\r\n' >"$T/m2.eml"
printf 'From: a@example.org\r\nSubject: three\r\n\r\nbody three\r\n' >"$T/m3.eml"
run $PLAIN create_folder "$F" \; append --flags '\Seen' "$F" "$T/m1.eml" \; \
    append "$F" "$T/m2.eml" \; append "$F" "$T/m3.eml"
expect_rc 0 "setup"

# ---- sync, each strategy on its own state file ----
for way in qresync condstore flags; do
    S="$T/$way.state"
    run $PLAIN sync --strategy "$way" "$F" "$S"
    expect_rc 0 "sync $way: first"
    expect_out "$F: by $way" "sync $way: first"
    expect_out "new: 1:3 (3)" "sync $way: every message new"
    grep -q '^uids 1:3$' "$S" || fail "sync $way: state file: $(cat "$S")"
done

run $PLAIN --folder "$F" add_flags 2 '\Flagged' \; delete_messages 1 \; expunge \; \
    append "$F" "$T/m1.eml"
expect_rc 0 "changes"

for way in qresync condstore flags; do
    S="$T/$way.state"
    cp "$S" "$S.before"
    run $PLAIN --json sync --strategy "$way" --dry-run "$F" "$S"
    expect_rc 0 "sync $way --dry-run"
    expect_json 'j["strategy"] == "'$way'" and j["new"] == "4" and j["vanished"] == "1" and [c["uid"] for c in j["changed"]] == [2] and "\\Flagged" in j["changed"][0]["flags"] and j["saved"] is False' \
        "sync $way: the changes (JSON)"
    cmp -s "$S" "$S.before" || fail "sync $way --dry-run changed the state file"
    run $PLAIN sync --strategy "$way" "$F" "$S"
    expect_out "new: 4 (1)" "sync $way: new"
    expect_out "changed: 2 (" "sync $way: changed"
    expect_out "vanished: 1 (1)" "sync $way: vanished"
    grep -q '^uids 2:4$' "$S" || fail "sync $way: state after: $(cat "$S")"
    run $PLAIN sync --strategy "$way" "$F" "$S"
    expect_out "nothing changed" "sync $way: again"
done

# ---- a state file that is not one ----
printf 'imapclient-sync-state 1\nuidvalidity 5\n' >"$T/bad.state"
cp "$T/bad.state" "$T/bad.before"
run $PLAIN sync "$F" "$T/bad.state"
expect_rc 1 "sync: a bad state file"
expect_err "not a sync state" "sync: a bad state file"
cmp -s "$T/bad.state" "$T/bad.before" || fail "a bad state file was overwritten"
run $PLAIN sync --strategy nonsense "$F" "$T/x.state"
expect_rc 2 "sync: unknown strategy"

# ---- the incremental export ----
run $PLAIN export "$F" "$T/md"
expect_rc 0 "export: first"
expect_out "exported 3 messages" "export: first"
ls "$T/md/cur/"*"U2.imapclient:2,F" >/dev/null 2>&1 || fail "export: flags in the name: $(ls "$T/md/cur")"
ls "$T/md/".imapclient-sync-* >/dev/null 2>&1 || fail "export: no state file"
run $PLAIN --folder "$F" remove_flags 2 '\Flagged' \; add_flags 3 '\Seen' \; \
    delete_messages 4 \; expunge \; append "$F" "$T/m2.eml"
run $PLAIN --json export "$F" "$T/md"
expect_json 'j["exported"] == 1 and j["skipped"] == 2 and j["flags_updated"] == 2 and j["vanished"] == 1 and j["complete"] is True' \
    "export: incremental (JSON)"
ls "$T/md/cur/"*"U2.imapclient:2," >/dev/null 2>&1 || fail "export: flags of 2 renamed: $(ls "$T/md/cur")"
ls "$T/md/cur/"*"U3.imapclient:2,S" >/dev/null 2>&1 || fail "export: flags of 3 renamed: $(ls "$T/md/cur")"
ls "$T/md/cur/"*"U4.imapclient:2,"* >/dev/null 2>&1 || fail "export: the vanished one's file kept"
ls "$T/md/cur/"*"U5.imapclient:2," >/dev/null 2>&1 || fail "export: the new one: $(ls "$T/md/cur")"
# a file deleted by hand is fetched again
rm "$T/md/cur/"*"U3.imapclient:2,S"
run $PLAIN export "$F" "$T/md"
expect_out "exported 1 message of $F to $T/md (2 already there)" "export: a missing file again"

finish
