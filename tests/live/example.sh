#!/usr/bin/env bash
# Run an example program against the private Dovecot of the CTest fixture
# (its env file in IMAPTEST_ENV), over verified TLS, and check its output.
#
#   example.sh EXE PATTERN ARGS...
#
# EXE gets HOST USER PASSWORD ARGS...; it must exit 0 and print a line
# matching PATTERN (an extended regular expression). Without the server the
# test is skipped (exit 77), which scripts/test.sh counts as a failure.
set -euo pipefail
exe=$1 pattern=$2
shift 2
if [ -z "${IMAPTEST_ENV:-}" ] || [ ! -r "$IMAPTEST_ENV" ]; then
    echo "example.sh: no private Dovecot (IMAPTEST_ENV)" >&2
    exit 77
fi
# shellcheck disable=SC1090
. "$IMAPTEST_ENV"
out=$(IMAP_PORT=$IMAPTEST_TLS_PORT IMAP_CA_FILE=$IMAPTEST_CA IMAP_TLS_NAME=$IMAPTEST_CERT_NAME \
    "$exe" "$IMAPTEST_HOST" "$IMAPTEST_USER" "$IMAPTEST_PASSWORD" "$@")
printf '%s\n' "$out"
if ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "example.sh: no line matches /$pattern/" >&2
    exit 1
fi
