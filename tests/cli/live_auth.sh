#!/usr/bin/env bash
# Every login form of the program against the private Dovecot: --auth for
# each mechanism (the protocol log shows which was used), an access token
# from a file, a variable and a command (never from argv, never logged),
# the auth config key, and --no-login, after which the shell's login
# commands work. EXTERNAL against the scripted server on a stream.
. "$(dirname "$0")/lib.sh"

CONN="-H $IMAPTEST_HOST -P $IMAPTEST_PORT --insecure"

# ---- password mechanisms ----
for m in login:LOGIN plain:"AUTHENTICATE PLAIN" scram-sha-256:"AUTHENTICATE SCRAM-SHA-256" \
    scram-sha-1:"AUTHENTICATE SCRAM-SHA-1" cram-md5:"AUTHENTICATE CRAM-MD5"; do
    mech=${m%%:*} sent=${m#*:}
    run $CONN -u "$IMAPTEST_USER" -p "$IMAPTEST_PASSWORD" --auth "$mech" --debug state
    expect_rc 0 "--auth $mech"
    expect_out "AUTHENTICATED" "--auth $mech: logged in"
    expect_err "C: A001 $sent" "--auth $mech: the mechanism used"
    expect_not_err "$IMAPTEST_PASSWORD" "--auth $mech: no password in the log"
    run $CONN -u "$IMAPTEST_USER" -p "wrong-$IMAPTEST_PASSWORD" --auth "$mech" state
    expect_rc 17 "--auth $mech with a wrong password: ELOGIN"
done
run $CONN -u "$IMAPTEST_USER" -p "$IMAPTEST_PASSWORD" --auth bogus state
expect_rc 2 "--auth with an unknown mechanism"
expect_err "unknown --auth mechanism: bogus" "--auth bogus: the message"

# ---- tokens: file, variable, command; XOAUTH2 and OAUTHBEARER ----
TOKEN=$(python3 "$HERE/jwt.py" "$IMAPTEST_OAUTH2_KEY" "$IMAPTEST_USER")
printf '%s\n' "$TOKEN" >"$T/token"
chmod 600 "$T/token"
run $CONN -u "$IMAPTEST_USER" --auth xoauth2 --token-file "$T/token" --debug state
expect_rc 0 "xoauth2, token from a file"
expect_out "AUTHENTICATED" "xoauth2, token from a file"
expect_err "C: A001 AUTHENTICATE XOAUTH2 ***" "xoauth2 in the log"
expect_not_err "$TOKEN" "the token is not logged"
out=$(IMAP_TEST_TOKEN=$TOKEN "$BIN" $CONN -u "$IMAPTEST_USER" --auth oauthbearer \
    --token-env IMAP_TEST_TOKEN --debug state 2>"$T/stderr" </dev/null)
rc=$?
err=$(cat "$T/stderr")
expect_rc 0 "oauthbearer, token from a variable"
expect_err "AUTHENTICATE OAUTHBEARER ***" "oauthbearer in the log"
expect_not_err "$TOKEN" "the token is not logged (variable)"
run $CONN -u "$IMAPTEST_USER" --auth xoauth2 --token-command "cat '$T/token'" state
expect_rc 0 "xoauth2, token from a command"
run $CONN -u "$IMAPTEST_USER" --auth xoauth2 --token-command "exit 3" state
expect_rc 4 "a failing token command (no OAuth2 token: 4)"
expect_err "token command failed (exit status 3)" "a failing token command: the message"
run $CONN -u "$IMAPTEST_USER" --auth xoauth2 --token-file "$T/nope" state
expect_rc 4 "a missing token file"
expect_err "token file $T/nope" "a missing token file: the message"
run $CONN -u "$IMAPTEST_USER" --auth plain --token-file "$T/token" state
expect_rc 2 "a token with a password mechanism"
run $CONN -u "$IMAPTEST_USER" --auth xoauth2 --token-file "$T/token" --token-env X state
expect_rc 2 "two token sources"
# without a terminal, a missing token is an error, not a hang
run $CONN -u "$IMAPTEST_USER" --auth xoauth2 state
expect_rc 2 "no token and no terminal"
expect_err "no access token" "no token: the message"

# ---- the config file: auth and token_file ----
cat >"$T/auth.ini" <<INI
[DEFAULT]
host = $IMAPTEST_HOST
port = $IMAPTEST_PORT
ssl = false
username = $IMAPTEST_USER
auth = oauthbearer
token_file = $T/token
INI
run -f "$T/auth.ini" --debug state
expect_rc 0 "config: auth = oauthbearer, token_file"
expect_err "AUTHENTICATE OAUTHBEARER" "config: the mechanism"
cat >"$T/scram.ini" <<INI
[DEFAULT]
host = $IMAPTEST_HOST
port = $IMAPTEST_PORT
ssl = false
username = $IMAPTEST_USER
password = $IMAPTEST_PASSWORD
auth = scram-sha-256
INI
run -f "$T/scram.ini" --debug state
expect_rc 0 "config: auth = scram-sha-256"
expect_err "AUTHENTICATE SCRAM-SHA-256" "config: scram"
run -f "$T/scram.ini" --no-login state
expect_rc 0 "--no-login wins over the config file"
expect_out "NOT_AUTHENTICATED" "--no-login with -f"

# ---- --no-login: connect only, then each login command works ----
run $CONN --no-login state
expect_rc 0 "--no-login"
expect_out "NOT_AUTHENTICATED" "--no-login: not logged in"
for cmd in "plain_login $IMAPTEST_USER $IMAPTEST_PASSWORD" \
    "scram_login $IMAPTEST_USER $IMAPTEST_PASSWORD" \
    "scram_login --mech SCRAM-SHA-1 $IMAPTEST_USER $IMAPTEST_PASSWORD" \
    "cram_md5_login $IMAPTEST_USER $IMAPTEST_PASSWORD" \
    "oauth2_login $IMAPTEST_USER $TOKEN" \
    "oauthbearer_login $IMAPTEST_USER $TOKEN" \
    "login $IMAPTEST_USER $IMAPTEST_PASSWORD"; do
    # shellcheck disable=SC2086
    run $CONN --no-login $cmd ";" state
    expect_rc 0 "--no-login then ${cmd%% *}"
    expect_out "AUTHENTICATED" "--no-login then ${cmd%% *}: logged in"
done
# logged in already: the error says how to choose the mechanism
run $CONN -u "$IMAPTEST_USER" -p "$IMAPTEST_PASSWORD" plain_login "$IMAPTEST_USER" "$IMAPTEST_PASSWORD"
expect_rc 15 "plain_login after the automatic login: EILLEGAL_STATE"
expect_err "--no-login" "plain_login after login: the hint"

# ---- EXTERNAL (scripted server: Dovecot has no client certificates here) ----
run --stream "python3 $HERE/fake_imap.py $T/ext.log $IMAPTEST_USER unused" --auth external \
    -u "$IMAPTEST_USER" id
expect_rc 0 "--auth external"
expect_out "name: fake" "--auth external: logged in"
checks=$((checks + 1))
grep -qxF "EXTERNAL $IMAPTEST_USER" "$T/ext.log" || fail "EXTERNAL payload: $(cat "$T/ext.log" 2>/dev/null)"
run --stream "python3 $HERE/fake_imap.py $T/ext2.log $IMAPTEST_USER unused" --auth external id
expect_rc 0 "--auth external without a user"
checks=$((checks + 1))
grep -qxF "EXTERNAL " "$T/ext2.log" || fail "EXTERNAL empty payload: $(cat "$T/ext2.log" 2>/dev/null)"

finish
