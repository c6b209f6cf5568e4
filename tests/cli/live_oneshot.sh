#!/usr/bin/env bash
# One-shot mode against the private Dovecot: each library call as a
# command, text and --json output, exit statuses per error category.
. "$(dirname "$0")/lib.sh"

# ---- session ----
run $PLAIN capabilities
expect_rc 0 "capabilities"
expect_out "IMAP4REV1" "capabilities"
expect_out "IDLE" "capabilities"
run $PLAIN --json capabilities
expect_json '"IMAP4REV1" in j and "MOVE" in j' "capabilities --json"
run $PLAIN has_capability idle
expect_out "yes" "has_capability"
run $PLAIN noop
expect_rc 0 "noop"

# ---- folders ----
run $PLAIN list_folders
expect_rc 0 "list_folders"
expect_out '(\HasNoChildren) / INBOX' "list_folders text"
expect_out 'Work/Projects' "list_folders text"
run $PLAIN list_folders --json
expect_rc 0 "list_folders --json"
expect_json '{f["name"] for f in j} >= {"INBOX", "Archive", "Work", "Work/Projects", "Données"}' \
    "list_folders --json names"
expect_json '[f["raw_name"] for f in j if f["name"] == "Données"] == ["Donn&AOk-es"]' \
    "list_folders --json raw_name"
expect_json 'all(f["delimiter"] == "/" and isinstance(f["flags"], list) for f in j)' \
    "list_folders --json fields"
run $PLAIN --json list_folders "" "Work*"
expect_json 'sorted(f["name"] for f in j) == ["Work", "Work/Projects"]' "list_folders pattern"

run $PLAIN select_folder INBOX
expect_rc 0 "select_folder"
expect_out "EXISTS: $IMAPTEST_INBOX_COUNT" "select_folder"
expect_out "UIDVALIDITY: $IMAPTEST_INBOX_UIDVALIDITY" "select_folder"
expect_out 'PERMANENTFLAGS: (' "select_folder"
expect_out "READ-WRITE" "select_folder"
run $PLAIN --json select_folder INBOX --readonly
expect_json 'j["exists"] == '"$IMAPTEST_INBOX_COUNT"' and j["read_only"] is True and "\\Seen" in j["flags"]' \
    "select_folder --json --readonly"
run $PLAIN --json folder_status Archive
expect_json 'j["items"]["MESSAGES"] == '"$IMAPTEST_ARCHIVE_COUNT"' and j["items"]["UIDVALIDITY"] == '"$IMAPTEST_ARCHIVE_UIDVALIDITY" \
    "folder_status --json"
# select's UNSEEN is a sequence number, status's a count: labelled apart
run $PLAIN select_folder INBOX
expect_out "UNSEEN: 3 (the first unseen message's sequence number)" "select_folder UNSEEN labelled"
run $PLAIN folder_status INBOX
expect_out "UNSEEN: $IMAPTEST_INBOX_UNSEEN (messages not seen)" "folder_status UNSEEN labelled"
run $PLAIN find_special_folder Sent
expect_out "Sent" "find_special_folder"
run $PLAIN folder_exists Work/Projects
expect_out "yes" "folder_exists"

# ---- search, sort, thread (one-shot needs --folder, or commands joined with ';') ----
run $PLAIN --folder INBOX search UNSEEN
expect_rc 0 "search UNSEEN"
[ "$out" = "3 5 6 8" ] || fail "search UNSEEN: '$out'"
run $PLAIN --folder INBOX search NOT '(' SUBJECT meeting FLAGGED ')'
expect_out "1 2 3 4 5 6 7 8" "search NOT ( ... )"
run $PLAIN --folder INBOX search SUBJECT "Meeting notes"
[ "$out" = "1 3 8" ] || fail "search SUBJECT with a space: '$out'"
# ISO dates after date keys; non-ASCII criteria go as UTF-8 by themselves
run $PLAIN --folder INBOX search SINCE 2023-03-11 BEFORE 2023-03-12
expect_rc 0 "search with ISO dates"
[ "$out" = "6" ] || fail "search SINCE/BEFORE ISO dates: '$out' ($err)"
run $PLAIN --folder INBOX search SINCE 2023-02-30
expect_rc 16 "an impossible ISO date goes to the server as typed (EINVALID_CRITERIA)"
run $PLAIN --folder INBOX search SUBJECT München
expect_rc 0 "search with a non-ASCII criterion"
[ "$out" = "6" ] || fail "search SUBJECT München: '$out' ($err)"
run $PLAIN --folder INBOX search --charset US-ASCII SUBJECT München
expect_rc 24 "a non-ASCII criterion with --charset US-ASCII (EINVAL)"
run $PLAIN --folder INBOX --json search FLAGGED
expect_json 'j["ids"] == [5] and j["modseq"] is None' "search --json"
run $PLAIN --folder INBOX search --raw 'OR FLAGGED (SUBJECT invoice)'
[ "$out" = "4 5" ] || fail "search --raw: '$out'"
run $PLAIN select_folder INBOX \; search ALL
expect_out "1 2 3 4 5 6 7 8" "commands joined with ;"
run $PLAIN --folder INBOX thread
[ "$out" = "(1 3 8)(2 5)(4)(6)(7)" ] || fail "thread: '$out'"
run $PLAIN --folder INBOX --json thread
expect_json 'j == [[1, 3, 8], [2, 5], [4], [6], [7]]' "thread --json"
run $PLAIN --folder INBOX sort ARRIVAL
[ "$out" != "$(echo 1 2 3 4 5 6 7 8)" ] || fail "sort ARRIVAL should differ from UID order"
run $PLAIN --folder INBOX esearch --return 'MIN MAX COUNT' UNSEEN
expect_out "COUNT: $IMAPTEST_INBOX_UNSEEN" "esearch"

# ---- fetch ----
run $PLAIN --folder INBOX --readonly fetch 1:* ENVELOPE FLAGS
expect_rc 0 "fetch"
expect_out "UID 1 (message 1)" "fetch"
expect_out "Subject: Meeting notes for Tuesday" "fetch envelope"
expect_out "From: Alice Example <alice@example.org>" "fetch envelope"
expect_out "FLAGS: (\\Answered \\Seen)" "fetch flags"
expect_out "Cc: Team: a@x.org, b@x.org;" "fetch group addresses"
run $PLAIN --folder INBOX --readonly fetch 4 BODYSTRUCTURE INTERNALDATE 'BODY.PEEK[HEADER.FIELDS (SUBJECT)]'
expect_out "application/pdf" "fetch bodystructure"
expect_out "attachment filename=invoice-4711.pdf" "fetch bodystructure"
expect_out "Subject: Your invoice #4711" "fetch header fields"
expect_out "INTERNALDATE: 2023-03-" "fetch internaldate"
run $PLAIN --folder INBOX --readonly --json fetch 1:2 ENVELOPE FLAGS INTERNALDATE RFC822.SIZE UID
expect_rc 0 "fetch --json"
expect_json 'len(j) == 2 and j[0]["id"] == 1 and j[0]["UID"] == 1 and j[0]["FLAGS"] == ["\\Answered", "\\Seen"]' \
    "fetch --json typed items"
expect_json 'j[0]["ENVELOPE"]["subject"] == "Meeting notes for Tuesday" and j[0]["ENVELOPE"]["from"][0]["mailbox"] == "alice"' \
    "fetch --json envelope"
expect_json 'j[0]["INTERNALDATE"].startswith("2023-03-") and isinstance(j[0]["RFC822.SIZE"], int)' \
    "fetch --json date and size"

# ---- errors: the category in the text and in the exit status ----
run $PLAIN select_folder "No such folder $UNIQ"
expect_rc 11 "select_folder of a missing folder (ERROR)"
expect_err "ERROR (server replied NO or BAD)" "select_folder error text"
expect_err "NO" "select_folder error has the server's words"
run $PLAIN --json select_folder "No such folder $UNIQ"
expect_json 'j["error"]["code"] == "ERROR" and j["error"]["status"] == -1' "error --json"
run $PLAIN search ALL
expect_rc 15 "search without a folder (EILLEGAL_STATE)"
run $PLAIN --folder INBOX --readonly add_flags 1 '\Flagged'
expect_rc 13 "store on a read-only folder (EREADONLY)"
run -H "$IMAPTEST_HOST" -P "$IMAPTEST_PORT" --insecure -u "$IMAPTEST_USER" -p wrong capabilities
expect_rc 17 "bad password (ELOGIN)"
expect_err "ELOGIN" "bad password"
run $PLAIN fetch
expect_rc 2 "fetch without arguments (usage)"
expect_err "usage: fetch" "usage text"

# ---- a folder of our own: create, append, flags, copy, move, expunge, delete ----
F="$UNIQ"
CLEANUP+=("'$BIN' $PLAIN delete_folder '$F' ; '$BIN' $PLAIN delete_folder '$F-copy'")
run $PLAIN create_folder "$F"
expect_rc 0 "create_folder"
printf 'From: a@example.org\nSubject: cli test %s\n\nhello\n' "$F" >"$T/msg.eml"
run $PLAIN --json append --flags '\Seen \Flagged' --date '01-Feb-2024 10:00:00 +0000' "$F" "$T/msg.eml"
expect_rc 0 "append"
expect_json 'j["uids"] == [1] and j["uidvalidity"] is not None' "append --json"
run $PLAIN --folder "$F" --json fetch 1 FLAGS INTERNALDATE BODY.PEEK[]
expect_json '"\\Flagged" in j[0]["FLAGS"] and "hello" in j[0]["BODY[]"]' "appended message"
run $PLAIN --folder "$F" remove_flags 1 '\Flagged'
expect_out '1: (\Seen)' "remove_flags"
run $PLAIN --folder "$F" add_flags 1 Flagged
expect_err "warning: 'Flagged' is a keyword, not the system flag \Flagged" \
    "a flag named like a system flag without the backslash: warned"
run $PLAIN --folder "$F" remove_flags 1 Flagged
run $PLAIN --json append --date 2024-02-01T11:00:00+01:00 "$F" "$T/msg.eml"
expect_rc 0 "append with an ISO date"
run $PLAIN --folder "$F" --json fetch 2 INTERNALDATE
expect_json 'j[0]["INTERNALDATE"].startswith("2024-02-01T")' "ISO --date became the INTERNALDATE"
run $PLAIN --json append --date 2024-13-01 "$F" "$T/msg.eml"
expect_rc 2 "append with a bad ISO date"
run $PLAIN --folder "$F" delete_messages 2 \; expunge
expect_rc 0 "remove the second message again"
run $PLAIN create_folder "$F-copy"
run $PLAIN --folder "$F" --json copy 1 "$F-copy"
expect_json 'j["uid_map"] == [[1, 1]]' "copy COPYUID"
run $PLAIN --folder "$F" delete_messages 1 \; expunge
expect_out "1 EXPUNGE" "delete_messages + expunge"
run $PLAIN --json folder_status "$F" MESSAGES
expect_json 'j["items"]["MESSAGES"] == 0' "expunged"

# ---- export and import (resumable) ----
run $PLAIN export "$F-copy" "$T/maildir"
expect_rc 0 "export"
expect_out "exported 1 message" "export"
ls "$T/maildir/cur/"*".V"*"U1.imapclient:2,S" >/dev/null 2>&1 || fail "export file name"
run $PLAIN --json export "$F-copy" "$T/maildir"
expect_json 'j["exported"] == 0 and j["skipped"] == 1' "export again skips"
run $PLAIN import "$T/maildir" "$F"
expect_out "imported 1 message" "import"
run $PLAIN --json import "$T/maildir" "$F"
expect_json 'j["imported"] == 0 and j["skipped"] == 1' "import again skips"
run $PLAIN --folder "$F" --json fetch 1:* FLAGS
expect_json 'len(j) == 1 and "\\Seen" in j[0]["FLAGS"]' "imported message and flags"

run $PLAIN delete_folder "$F-copy" \; delete_folder "$F"
expect_rc 0 "delete_folder"

# ---- IDLE in one go ----
run $PLAIN --folder INBOX idle \; idle_check 0.2 \; idle_done
expect_rc 0 "idle, idle_check, idle_done"

finish
