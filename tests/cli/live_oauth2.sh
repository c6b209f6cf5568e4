#!/usr/bin/env bash
# oauth2 = true in the config: the refresh token is exchanged at a local
# token endpoint (started here, 127.0.0.1 only) and the access token is
# used with XOAUTH2. A scripted server on a stream checks the exact token;
# Dovecot (which does not offer XOAUTH2 here) shows the attempt in the
# protocol log, where no secret may appear.
. "$(dirname "$0")/lib.sh"

REFRESH="refresh-$UNIQ"
ACCESS="access-$UNIQ"
SECRET="client-secret-$UNIQ"

python3 "$HERE/token_server.py" "$T" "$REFRESH" "$ACCESS" &
TOKEN_PID=$!
CLEANUP+=("kill $TOKEN_PID")
for _ in $(seq 1 100); do
    [ -f "$T/port" ] && break
    sleep 0.05
done
[ -f "$T/port" ] || {
    echo "FAIL: the token endpoint did not start"
    exit 1
}
URL="http://127.0.0.1:$(cat "$T/port")/token"

# 1. the exchange and the exact XOAUTH2 payload (scripted server on a stream)
cat >"$T/stream.ini" <<INI
[DEFAULT]
host = python3 $HERE/fake_imap.py $T/xoauth2.log $IMAPTEST_USER $ACCESS
stream = true
username = $IMAPTEST_USER
oauth2 = true
oauth2_client_id = cli-test-client
oauth2_client_secret = $SECRET
oauth2_refresh_token = $REFRESH
oauth2_token_url = $URL
INI
run -f "$T/stream.ini" --debug id
expect_rc 0 "oauth2 over a stream"
expect_out "name: fake" "oauth2: logged in, ID answered"
checks=$((checks + 1))
grep -qxF "user=$IMAPTEST_USER^Aauth=Bearer $ACCESS^A^A" "$T/xoauth2.log" ||
    fail "XOAUTH2 payload: $(cat "$T/xoauth2.log" 2>/dev/null)"
out=$(cat "$T/requests")
expect_json 'j["grant_type"] == "refresh_token" and j["refresh_token"] == "'"$REFRESH"'" and j["client_id"] == "cli-test-client" and j["client_secret"] == "'"$SECRET"'" and j["_content_type"] == "application/x-www-form-urlencoded"' \
    "token request form"
expect_err "I: oauth2: POST $URL (client_id=cli-test-client, client_secret=***, refresh_token=***" \
    "exchange in the log"
expect_err "C: A001 AUTHENTICATE XOAUTH2 ***" "XOAUTH2 in the log"
for s in "$REFRESH" "$ACCESS" "$SECRET"; do
    expect_not_err "$s" "no secret in the protocol log"
done

# 2. against Dovecot: the attempt is made with the exchanged token; Dovecot
#    refuses the mechanism, which is the LOGIN category
cat >"$T/dovecot.ini" <<INI
[DEFAULT]
host = $IMAPTEST_HOST
port = $IMAPTEST_PORT
ssl = false
username = $IMAPTEST_USER
oauth2 = yes
oauth2_client_id = cli-test-client
oauth2_client_secret = $SECRET
oauth2_refresh_token = $REFRESH
oauth2_token_url = $URL
INI
run -f "$T/dovecot.ini" --debug capabilities
expect_rc 17 "oauth2 against Dovecot (ELOGIN)"
expect_err "access token *** received" "token received"
expect_err "C: A001 AUTHENTICATE XOAUTH2 ***" "XOAUTH2 attempted"
expect_err "ELOGIN" "XOAUTH2 refused"
for s in "$REFRESH" "$ACCESS" "$SECRET"; do
    expect_not_err "$s" "no secret in the log or errors"
done
checks=$((checks + 1))
[ "$(wc -l <"$T/requests")" -eq 2 ] || fail "one token request per connection"

# 3. a refused refresh token: the OAUTH2 exit status, the endpoint's words
sed -i "s/^oauth2_refresh_token = .*/oauth2_refresh_token = not-$REFRESH/" "$T/dovecot.ini"
run -f "$T/dovecot.ini" capabilities
expect_rc 4 "refused refresh token"
expect_err "HTTP 400: invalid_grant" "refused refresh token"
# 4. an endpoint that is not there
sed -i "s|^oauth2_token_url = .*|oauth2_token_url = http://127.0.0.1:1/token|" "$T/dovecot.ini"
run -f "$T/dovecot.ini" capabilities
expect_rc 4 "unreachable token endpoint"

finish
