# Shared by the live CLI tests: sourced with the program's path as $1.
#
# Reads the private Dovecot's coordinates from $IMAPTEST_ENV (KEY=VALUE
# lines written by tests/live/dovecot.sh) and exits 77 (skipped) without
# them. Gives: $BIN, $T (a temp dir removed at exit), $PLAIN/$TLS (option
# strings), run (captures $out and $rc), the expect_* checks, and fail.
set -u

BIN=${1:?usage: $0 path/to/imapclient}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${IMAPTEST_ENV:-}" ] || [ ! -f "$IMAPTEST_ENV" ]; then
    echo "SKIP: IMAPTEST_ENV not set or missing (no server started)"
    exit 77
fi
while IFS='=' read -r k v; do
    case "$k" in IMAPTEST_*) printf -v "$k" '%s' "$v" ;; esac
done <"$IMAPTEST_ENV"

T=$(mktemp -d "${TMPDIR:-/tmp}/imapclient-cli-test.XXXXXX")
CLEANUP=()
cleanup() {
    local c
    for c in "${CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
    rm -rf "$T"
}
trap cleanup EXIT
export HOME=$T # history file and ~ stay in the temp dir

PLAIN="-H $IMAPTEST_HOST -P $IMAPTEST_PORT --insecure -u $IMAPTEST_USER -p $IMAPTEST_PASSWORD"
TLS="-H $IMAPTEST_CERT_NAME -P $IMAPTEST_TLS_PORT --ca-file $IMAPTEST_CA -u $IMAPTEST_USER -p $IMAPTEST_PASSWORD"
UNIQ="clitest$$_$RANDOM"

failures=0
checks=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# run ARGS...: the program with stdin from /dev/null; $out is stdout,
# $err stderr, $rc the exit status
run() {
    out=$("$BIN" "$@" 2>"$T/stderr" </dev/null)
    rc=$?
    err=$(cat "$T/stderr")
}

expect_rc() { # status description
    checks=$((checks + 1))
    [ "$rc" -eq "$1" ] || fail "$2: exit status $rc, expected $1; stdout: ${out:0:400}; stderr: ${err:0:400}"
}
expect_out() { # fixed-string description
    checks=$((checks + 1))
    grep -qF -- "$1" <<<"$out" || fail "$2: '$1' not in stdout: ${out:0:600}; stderr: ${err:0:300}"
}
expect_not_out() {
    checks=$((checks + 1))
    ! grep -qF -- "$1" <<<"$out" || fail "$2: '$1' unexpectedly in stdout"
}
expect_err() {
    checks=$((checks + 1))
    grep -qF -- "$1" <<<"$err" || fail "$2: '$1' not in stderr: ${err:0:600}"
}
expect_not_err() {
    checks=$((checks + 1))
    ! grep -qF -- "$1" <<<"$err" || fail "$2: '$1' unexpectedly in stderr"
}
# expect_json PYTHON-EXPR description: the expression, with the parsed
# stdout as j, must be true
expect_json() {
    checks=$((checks + 1))
    python3 -c 'import json,sys; j=json.loads(sys.stdin.read()); sys.exit(0 if ('"$1"') else 1)' \
        <<<"$out" 2>/dev/null || fail "$2: JSON check failed ($1): ${out:0:600}"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures of $checks checks failed"
        exit 1
    fi
    echo "all $checks checks passed"
    exit 0
}
