#!/usr/bin/env bash
# import in batches: 250 messages go in three MULTIAPPEND commands (100,
# 100, 50), line ends become CRLF, flags and dates come along, a file with
# a NUL byte is named and skipped, and a second run appends nothing (the
# state file). --no-multiappend sends one APPEND per message.
. "$(dirname "$0")/lib.sh"

F="Import$UNIQ"
CLEANUP+=("'$BIN' $PLAIN delete_folder '$F'" "'$BIN' $PLAIN delete_folder '$F-one'")
M="$T/maildir"
mkdir -p "$M/cur" "$M/new" "$M/tmp"
python3 - "$M" <<'PY'
import os, sys
m = sys.argv[1]
for i in range(250):
    name = "%d.M%dP1.test:2,%s" % (1700000000 + i, i, "FS" if i == 7 else "")
    body = "From: a%d@example.org\nSubject: import %d\n\nline one\nline two\rbare cr\n" % (i, i)
    with open(os.path.join(m, "cur", name), "w") as f:
        f.write(body)
    os.utime(os.path.join(m, "cur", name), (1700000000 + i, 1700000000 + i))
with open(os.path.join(m, "cur", "1800000000.M9P1.test:2,"), "wb") as f:
    f.write(b"Subject: nul\n\nbad\0byte\n")
PY

run $PLAIN --debug import "$M" "$F"
expect_rc 1 "import with one unreadable message (exit 1: not complete)"
expect_out "imported 250 messages" "import: 250 in"
expect_err "holds a NUL byte (skipped)" "the NUL file is named"
checks=$((checks + 1))
appends=$(grep -c '^C: A[0-9]* APPEND' <<<"$err")
[ "$appends" -eq 3 ] || fail "expected 3 APPEND commands (MULTIAPPEND batches), saw $appends"
run $PLAIN --json folder_status "$F" MESSAGES
expect_json 'j["items"]["MESSAGES"] == 250' "all 250 in the folder"
run $PLAIN --folder "$F" --json fetch 8 FLAGS INTERNALDATE BODY.PEEK[]
expect_json '"\\Flagged" in j[0]["FLAGS"] and "\\Seen" in j[0]["FLAGS"]' "flags from the file name"
expect_json 'j[0]["BODY[]"].endswith("line one\r\nline two\r\nbare cr\r\n")' "line ends as CRLF"
expect_json 'j[0]["INTERNALDATE"].startswith("2023-11-14")' "the file time as INTERNALDATE"
run $PLAIN --json import "$M" "$F"
expect_json 'j["imported"] == 0 and j["skipped"] == 250 and j["failed"] == 1' "a second run appends nothing"

# one APPEND per message
rm -f "$M/cur/1800000000.M9P1.test:2,"
run $PLAIN --debug import --no-multiappend "$M" "$F-one"
expect_rc 0 "import --no-multiappend"
checks=$((checks + 1))
appends=$(grep -c '^C: A[0-9]* APPEND' <<<"$err")
[ "$appends" -eq 250 ] || fail "expected 250 APPEND commands, saw $appends"
run $PLAIN --folder "$F-one" --json fetch 8 BODY.PEEK[]
expect_json 'j[0]["BODY[]"].endswith("line one\r\nline two\r\nbare cr\r\n")' "the same bytes one by one"

finish
