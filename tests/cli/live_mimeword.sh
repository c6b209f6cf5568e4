#!/usr/bin/env bash
# RFC 2047 encoded words in the program's output: the text output shows
# subjects and names decoded; --json keeps "subject" and "name" as sent and
# adds "subject_decoded" and "name_decoded" (docs/cli-json.md).
. "$(dirname "$0")/lib.sh"

# ---- the sample mail (tests/live/mail: INBOX 6 is inbox-06-i18n) ----
run $PLAIN --folder INBOX --readonly fetch 6 ENVELOPE
expect_rc 0 "fetch 6 ENVELOPE"
expect_out "Subject: Grüße aus München ☕" "decoded subject (text)"
expect_out "From: Jürgen Müller <juergen@example.de>" "decoded name (text)"
expect_not_out "=?UTF-8?" "no encoded word left (text)"

run $PLAIN --folder INBOX --readonly --json fetch 6 ENVELOPE
expect_rc 0 "fetch 6 ENVELOPE --json"
expect_json 'j[0]["ENVELOPE"]["subject"] == "=?UTF-8?B?R3LDvMOfZSBhdXMgTcO8bmNoZW4g4piV?="' \
    "raw subject (json)"
expect_json 'j[0]["ENVELOPE"]["subject_decoded"] == "Grüße aus München ☕"' "subject_decoded"
expect_json 'j[0]["ENVELOPE"]["from"][0]["name"] == "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?="' \
    "raw name (json)"
expect_json 'j[0]["ENVELOPE"]["from"][0]["name_decoded"] == "Jürgen Müller"' "name_decoded"
expect_json 'j[0]["ENVELOPE"]["to"][0]["name_decoded"] == "Test User"' "plain name_decoded"

run $PLAIN --folder INBOX --readonly --json fetch 1,7 ENVELOPE
expect_json 'all(m["ENVELOPE"]["subject_decoded"] == m["ENVELOPE"]["subject"] for m in j)' \
    "plain subjects unchanged"
expect_json '[a["name_decoded"] for a in j[1]["ENVELOPE"]["cc"]] == [None, None, None, None]' \
    "group members without names"

run $PLAIN --folder Archive --readonly fetch 1:* ENVELOPE
expect_out "Subject: Rückblick 2022" "archive subject (text)"

# ---- a message of our own: folded words in several charsets ----
F="$UNIQ"
CLEANUP+=("'$BIN' $PLAIN delete_folder '$F'")
run $PLAIN create_folder "$F"
expect_rc 0 "create_folder"
printf '%s\r\n' \
    'From: =?koi8-r?q?=F0=D2=CF=D7=C5=D2=CB=C1?= <k@example.ru>' \
    'To: =?iso-8859-1?q?M=FCller=2C_J=FCrgen?= <j@example.de>' \
    'Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=' \
    ' =?ISO-2022-JP?B?GyRCJE4lRiU5JUgbKEI=?= and =?utf-8?q?broken' \
    'Date: Mon, 06 Mar 2023 09:15:00 +0100' \
    '' 'hello' >"$T/msg.eml"
run $PLAIN append "$F" "$T/msg.eml"
expect_rc 0 "append"
run $PLAIN --folder "$F" --readonly fetch 1 ENVELOPE
expect_out "Subject: 日本語のテスト and =?utf-8?q?broken" "folded ISO-2022-JP subject (text)"
expect_out "From: Проверка <k@example.ru>" "KOI8-R name (text)"
expect_out 'To: "Müller, Jürgen" <j@example.de>' "decoded name quoted (text)"
run $PLAIN --folder "$F" --readonly --json fetch 1 ENVELOPE
expect_json 'j[0]["ENVELOPE"]["subject_decoded"] == "日本語のテスト and =?utf-8?q?broken"' \
    "subject_decoded (json)"
expect_json 'j[0]["ENVELOPE"]["subject"].startswith("=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=")' \
    "subject as sent (json)"
expect_json 'j[0]["ENVELOPE"]["to"][0]["name_decoded"] == "Müller, Jürgen"' "name_decoded (json)"

run $PLAIN delete_folder "$F"
expect_rc 0 "delete_folder"

finish
