#!/usr/bin/env bash
# Compile and link the EXAMPLE program of every man page (docs/man-examples.c
# through scripts/gen-man.py --extract) against a build tree's library, with
# -Wall -Wextra -Werror, as an outside program would be built.
#
#   check-man-examples.sh BUILD_DIR     (BUILD_DIR holds libimapclient.a)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: $0 BUILD_DIR}
[ -f "$build/libimapclient.a" ] || {
    echo "check-man-examples.sh: $build/libimapclient.a missing (build first)" >&2
    exit 1
}
out=$(mktemp -d /tmp/imapclient-man-examples.XXXXXX)
trap 'rm -rf "$out"' EXIT
python3 scripts/gen-man.py --extract "$out/src" >/dev/null
export out build
# shellcheck disable=SC2016
ls "$out/src"/*.c | xargs -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c '
    n=$(basename {} .c)
    cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude {} \
        "$build/libimapclient.a" -lssl -lcrypto -lz -o "$out/$n" 2>"$out/$n.log" ||
        { echo "FAILED: the example of $n.3"; cat "$out/$n.log"; exit 255; }'
echo "$(ls "$out/src"/*.c | wc -l) man page examples compile and link"
