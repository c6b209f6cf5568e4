#!/usr/bin/env bash
# ABI check: the symbols libimapclient.so exports must be exactly those of
# debian/libimapclient0.symbols (the released ABI, one line per symbol with
# the version that brought it), and exactly the functions the headers
# declare IMAPCLIENT_EXTERN; the SONAME must match the package's.
#
#   abi-check.sh BUILD_DIR          (BUILD_DIR holds libimapclient.so)
#
# A symbol gone or renamed breaks every program built against the library:
# that needs a new SONAME (and package name), never a silent change. A new
# symbol is fine but must be listed (with its first version) so the next
# removal is caught; dpkg-buildpackage checks the same with dpkg-gensymbols.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: $0 BUILD_DIR}
lib=$(readlink -f "$build/libimapclient.so")
[ -f "$lib" ] || { echo "abi-check.sh: no $build/libimapclient.so" >&2; exit 1; }
symfile=debian/libimapclient0.symbols
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT

fail=0
soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
want_soname=$(head -1 "$symfile" | cut -d' ' -f1)
if [ "$soname" != "$want_soname" ]; then
    echo "ABI: SONAME is $soname, $symfile is for $want_soname"
    fail=1
fi

# exported: defined, global, in the dynamic table
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWiu]$/ {print $3}' | sort -u >"$t/exported"
sed -n 's/^ \([^@ ]*\)@Base .*/\1/p' "$symfile" | sort -u >"$t/listed"
python3 - >"$t/declared" <<'PY'
import os, re
inc = "include/imapclient"
decl = re.compile(r"^IMAPCLIENT_EXTERN\s+[^;]*?\b(imapclient_\w+)\s*\(", re.S | re.M)
for fn in sorted(os.listdir(inc)):
    if fn.endswith(".h"):
        for m in decl.finditer(open(os.path.join(inc, fn)).read()):
            print(m.group(1))
PY
sort -u -o "$t/declared" "$t/declared"

report() { # file-a file-b message
    local d
    d=$(comm -23 "$1" "$2")
    if [ -n "$d" ]; then
        echo "ABI: $3:"
        sed 's/^/  /' <<<"$d"
        fail=1
    fi
}
report "$t/listed" "$t/exported" "in $symfile but no longer exported (an ABI break: bump the SONAME, never remove silently)"
report "$t/exported" "$t/listed" "exported but not in $symfile (add each with the version that brings it)"
report "$t/exported" "$t/declared" "exported but not declared IMAPCLIENT_EXTERN in include/ (internal symbols leak)"
report "$t/declared" "$t/exported" "declared in include/ but not exported"
if [ "$fail" -ne 0 ]; then
    echo "ABI check FAILED" >&2
    exit 1
fi
echo "ABI: $(wc -l <"$t/exported") symbols exported, as $symfile lists; SONAME $soname"
