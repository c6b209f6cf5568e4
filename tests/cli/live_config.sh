#!/usr/bin/env bash
# The reference's INI config file (-f) against the private Dovecot: plain,
# implicit TLS with ssl_ca_file, STARTTLS, certificate checks, a bad
# password, interpolation, and -f excluding the other connection options.
. "$(dirname "$0")/lib.sh"

conf() { # name, then the [DEFAULT] lines
    local f="$T/$1.ini"
    shift
    { echo "[DEFAULT]"; printf '%s\n' "$@"; } >"$f"
    echo "$f"
}

plain=$(conf plain "host = $IMAPTEST_HOST" "port = $IMAPTEST_PORT" "ssl = False" \
    "username = $IMAPTEST_USER" "password = $IMAPTEST_PASSWORD")
run -f "$plain" capabilities
expect_rc 0 "plain config"
expect_out "IMAP4REV1" "plain config"
run -f "$plain" state
expect_out "AUTHENTICATED" "plain config: logged in"
expect_not_out "TLS" "plain config: no TLS"
run -f "$plain" --json --folder INBOX search ALL
expect_json 'len(j["ids"]) == '"$IMAPTEST_INBOX_COUNT" "plain config + --folder + search"

# implicit TLS, the test CA, the certificate's name
tls=$(conf tls "host = $IMAPTEST_CERT_NAME" "port = $IMAPTEST_TLS_PORT" "ssl = yes" \
    "ssl_ca_file = $IMAPTEST_CA" "username = $IMAPTEST_USER" "password = $IMAPTEST_PASSWORD" \
    "timeout = 20")
run -f "$tls" state
expect_rc 0 "TLS config"
expect_out "AUTHENTICATED, TLS" "TLS config"

# by address the name does not match: CERTIFICATE, unless not checked
byaddr=$(conf byaddr "host = $IMAPTEST_HOST" "port = $IMAPTEST_TLS_PORT" \
    "ssl_ca_file = $IMAPTEST_CA" "username = $IMAPTEST_USER" "password = $IMAPTEST_PASSWORD")
run -f "$byaddr" state
expect_rc 22 "TLS by address: hostname check fails (ECERTIFICATE)"
expect_err "ECERTIFICATE" "TLS by address"
nocheck=$(conf nocheck "host = $IMAPTEST_HOST" "port = $IMAPTEST_TLS_PORT" \
    "ssl_ca_file = $IMAPTEST_CA" "ssl_check_hostname = off" \
    "username = $IMAPTEST_USER" "password = $IMAPTEST_PASSWORD")
run -f "$nocheck" state
expect_rc 0 "ssl_check_hostname = off"
# without the CA the chain does not verify, unless ssl_verify_cert is off
noca=$(conf noca "host = $IMAPTEST_CERT_NAME" "port = $IMAPTEST_TLS_PORT" \
    "username = $IMAPTEST_USER" "password = $IMAPTEST_PASSWORD")
run -f "$noca" state
expect_rc 22 "self-signed without ssl_ca_file (ECERTIFICATE)"
noverify=$(conf noverify "host = $IMAPTEST_HOST" "port = $IMAPTEST_TLS_PORT" \
    "ssl_verify_cert = 0" "username = $IMAPTEST_USER" "password = $IMAPTEST_PASSWORD")
run -f "$noverify" state
expect_rc 0 "ssl_verify_cert = 0"
expect_out "TLS" "ssl_verify_cert = 0"

# STARTTLS on the plain port (ssl defaults to true; starttls alone means plain first)
starttls=$(conf starttls "host = $IMAPTEST_CERT_NAME" "port = $IMAPTEST_PORT" "starttls = True" \
    "ssl_ca_file = $IMAPTEST_CA" "username = $IMAPTEST_USER" "password = $IMAPTEST_PASSWORD")
run -f "$starttls" --debug state
expect_rc 0 "STARTTLS config"
expect_out "AUTHENTICATED, TLS" "STARTTLS config"
expect_err "C: A001 STARTTLS" "STARTTLS sent"
expect_err "LOGIN $IMAPTEST_USER ***" "password hidden in the protocol log"
expect_not_err "$IMAPTEST_PASSWORD" "password never in the protocol log"

# a bad password: the LOGIN category's exit status
badpw=$(conf badpw "host = $IMAPTEST_HOST" "port = $IMAPTEST_PORT" "ssl = off" \
    "username = $IMAPTEST_USER" "password = wrong-password")
run -f "$badpw" capabilities
expect_rc 17 "bad password (ELOGIN)"
expect_err "ELOGIN (authentication failed)" "bad password"
expect_err "AUTHENTICATIONFAILED" "bad password: the server's words"
run -f "$badpw" --json capabilities
expect_json 'j["error"]["code"] == "ELOGIN"' "bad password --json"

# configparser interpolation, case-insensitive names, ':' as separator
interp=$(conf interp "Host: $IMAPTEST_HOST" "PORT = $IMAPTEST_PORT" "ssl = no" \
    "user_part = $IMAPTEST_USER" "username = %(user_part)s" "password = $IMAPTEST_PASSWORD")
run -f "$interp" noop
expect_rc 0 "interpolated config"

# no password in the file and no terminal: a usage error, nothing sent
nopw=$(conf nopw "host = $IMAPTEST_HOST" "port = $IMAPTEST_PORT" "ssl = no" \
    "username = $IMAPTEST_USER")
run -f "$nopw" capabilities
expect_rc 2 "no password, no terminal"
expect_err "no password" "no password, no terminal"

# config errors: status 3
bad=$(conf bad "host = $IMAPTEST_HOST" "ssl = perhaps")
run -f "$bad" capabilities
expect_rc 3 "invalid boolean"
expect_err "'ssl': not a boolean" "invalid boolean"
run -f "$T/none.ini" capabilities
expect_rc 3 "missing config file"
# -f excludes the other connection options, as in the reference
run -f "$plain" -H "$IMAPTEST_HOST" capabilities
expect_rc 2 "-f with -H"
expect_err "-f/--file" "-f with -H"

finish
