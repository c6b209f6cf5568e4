#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls this):
#   1. install what is missing (Debian packages, scripts/deps.sh)
#   2. gcc build with -Werror (IMAPCLIENT_WERROR) and every part ON; every CTest test: unit, live (a private
#      Dovecot on 127.0.0.1 started by the CTest fixture) and fuzz (corpus
#      replay); a skipped live test fails the run
#   3. unit tests under valgrind (no leaks, no invalid accesses)
#   4. clang build with AddressSanitizer + UndefinedBehaviorSanitizer and
#      libFuzzer; unit, live and fuzz tests again (the fuzzers run for a
#      bounded time over their corpus)
#   5. clang-format check of every C file
#   (after 2) the Python package: pip install ./python into a venv over
#      Debian's python3 (no registry), then its pytest suite (scripted,
#      live against its own private Dovecot, memory)
#   6. the documentation: man pages current, every page's example compiles,
#      the Doxygen HTML reference builds without a warning
#   7. the build without optional dependencies (AUTO skips, ON fails)
#   8. install: pkg-config and the CMake package from /usr/local, a custom
#      prefix and (through the Debian packages) /usr with a multiarch libdir
#   9. the ABI: exported symbols against debian/libimapclient0.symbols
#  10. the Debian packages: dpkg-buildpackage -us -uc, lintian without
#      errors, unpacked into a scratch root and used by an outside program
# Build trees go to build/ (override with BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${BUILD_DIR:-$root/build}
jobs=$(nproc 2>/dev/null || echo 2)

step() { printf '\n==== %s\n' "$*"; }

step "dependencies"
bash scripts/deps.sh

run_ctest() { # dir label-regex log
    local dir=$1 labels=$2 log=$3
    set +e
    ctest --test-dir "$dir" -L "$labels" --output-on-failure --timeout 600 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    set -e
    if grep -qE 'Not Run|\*\*\*Skipped|Skipped\b' "$log"; then
        echo "FAILED: some tests were skipped (a live test without its server counts as a failure)" >&2
        return 1
    fi
    return "$rc"
}

step "gcc build (-Werror)"
# Every part ON: a missing dependency is a hard failure here, not a skip.
strict=(-DIMAPCLIENT_WERROR=ON -DIMAPCLIENT_BUILD_TESTS=ON -DIMAPCLIENT_BUILD_CLI=ON
    -DIMAPCLIENT_BUILD_EXAMPLES=ON)
cmake -S . -B "$build/gcc" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=gcc \
    "${strict[@]}" -DIMAPCLIENT_BUILD_BENCH=ON >/dev/null
cmake --build "$build/gcc" -j"$jobs"

step "tests (gcc): unit, live, fuzz replay"
run_ctest "$build/gcc" 'unit|live|fuzz' "$build/gcc-ctest.log"

step "python: pip install ./python (venv on Debian's python3), pytest"
py_t0=$(date +%s)
venv=$build/pyvenv
rm -rf "$venv"
# A venv that sees Debian's pip, setuptools and pytest (PEP 668 keeps pip
# out of the system site-packages; the venv is ours to install into).
/usr/bin/python3 -m venv --system-site-packages --without-pip "$venv"
IMAPCLIENT_BUILD_DIR=$build/gcc "$venv/bin/python" -m pip install --no-build-isolation \
    --no-index -q ./python
set +e
(cd python/tests && LIBIMAPCLIENT_REQUIRE_LIVE=1 "$venv/bin/python" -m pytest -q \
    -p no:cacheprovider -rs .) 2>&1 | tee "$build/pytest.log"
py_rc=${PIPESTATUS[0]}
set -e
[ "$py_rc" -eq 0 ]
if grep -qE '[0-9]+ skipped' "$build/pytest.log"; then
    echo "FAILED: some Python tests were skipped" >&2
    exit 1
fi
echo "python step: $(($(date +%s) - py_t0)) s"

step "valgrind: unit tests"
vg_fail=0
for t in "$build"/gcc/tests/unit_*; do
    [ -x "$t" ] || continue
    if ! valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --error-exitcode=99 "$t" >"$t.valgrind.log" 2>&1; then
        echo "valgrind: $(basename "$t") FAILED"; tail -30 "$t.valgrind.log"; vg_fail=1
    else
        echo "valgrind: $(basename "$t") clean"
    fi
done
[ "$vg_fail" -eq 0 ]

step "clang build with ASan + UBSan (+ libFuzzer)"
cmake -S . -B "$build/asan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
    "${strict[@]}" -DIMAPCLIENT_SANITIZE=ON -DIMAPCLIENT_FUZZ=ON >/dev/null
cmake --build "$build/asan" -j"$jobs"

step "tests under sanitizers: unit, live, fuzz"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_ctest "$build/asan" 'unit|live|fuzz' "$build/asan-ctest.log"

step "clang-format"
bad=$(git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror 2>&1 | grep -c 'error:' || true)
if [ "$bad" != "0" ]; then
    git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror 2>&1 | head -20
    echo "FAILED: clang-format would change files" >&2
    exit 1
fi

step "documentation: man pages current, their examples compile, Doxygen without warnings"
python3 scripts/gen-man.py --check
bash scripts/check-man-examples.sh "$build/gcc"
rm -rf "$build/gcc/doc"
cmake --build "$build/gcc" --target doc >"$build/doc.log" 2>&1 || {
    cat "$build/doc.log"
    echo "FAILED: doxygen reported warnings" >&2
    exit 1
}
echo "HTML reference in $build/gcc/doc/html"

step "optional parts: without their dependencies AUTO skips them, ON fails"
nodeps=$build/nodeps
rm -rf "$nodeps"
# no pkg-config modules at all: inih, jansson, libedit, libcurl, cmocka, gmime, libuv "missing"
PKG_CONFIG_LIBDIR=/nonexistent cmake -S . -B "$nodeps/auto" >"$nodeps.log" 2>&1
grep -q "Not built (dependencies missing): the imapclient program, the tests, the GMime example, the libuv example" \
    "$nodeps.log" || { cat "$nodeps.log"; echo "FAILED: AUTO did not say what it skipped" >&2; exit 1; }
for opt in TESTS CLI EXAMPLES; do
    if PKG_CONFIG_LIBDIR=/nonexistent cmake -S . -B "$nodeps/$opt" -DIMAPCLIENT_BUILD_$opt=ON \
        >"$nodeps.$opt.log" 2>&1; then
        echo "FAILED: IMAPCLIENT_BUILD_$opt=ON without its dependencies did not fail" >&2
        exit 1
    fi
done
echo "AUTO skips the program, the tests and the GMime and libuv examples; ON makes each a hard failure"

step "install: pkg-config and the CMake package from /usr/local and from a custom prefix"
# use_installed SYSROOT PREFIX LIBDIR: the .pc file names PREFIX's dirs, and
# an outside program builds through it and runs
use_installed() {
    local sysroot=$1 pfx=$2 libdir=$3 out=${1:-$2}/quickstart-pc
    export PKG_CONFIG_SYSROOT_DIR=$sysroot
    export PKG_CONFIG_LIBDIR=$sysroot$libdir/pkgconfig:/usr/lib/$(gcc -print-multiarch)/pkgconfig:/usr/share/pkgconfig
    [ "$(PKG_CONFIG_SYSROOT_DIR= pkg-config --variable=includedir imapclient)" = "$pfx/include" ] &&
        [ "$(PKG_CONFIG_SYSROOT_DIR= pkg-config --variable=libdir imapclient)" = "$libdir" ] || {
        echo "FAILED: imapclient.pc under $pfx: $(cat "$sysroot$libdir/pkgconfig/imapclient.pc")" >&2
        exit 1
    }
    # shellcheck disable=SC2046
    cc -std=c11 -Wall -Werror examples/quickstart.c -o "$out" \
        $(pkg-config --cflags --libs imapclient) -Wl,-rpath,"$sysroot$libdir"
    unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
    local rc=0
    "$out" >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 2 ] # it ran and printed its usage
    echo "installed under $pfx: pkg-config names $pfx/include and $libdir; an outside program builds and runs"
}
staged=$build/install-usrlocal
rm -rf "$staged" && DESTDIR=$staged cmake --install "$build/gcc" >/dev/null
use_installed "$staged" /usr/local /usr/local/lib
prefix=$build/install-test
rm -rf "$prefix" && cmake --install "$build/gcc" --prefix "$prefix" >/dev/null
use_installed "" "$prefix" "$prefix/lib"
[ -f "$prefix/share/man/man3/imapclient_select_folder.3" ] &&
    [ -f "$prefix/share/man/man3/imapclient_options.3" ] &&
    [ -f "$prefix/share/man/man1/imapclient.1" ] &&
    [ -f "$prefix/share/doc/libimapclient/errors.md" ] &&
    [ -f "$prefix/share/doc/libimapclient/cli-json.md" ] || {
    echo "FAILED: cmake --install left out man pages or docs" >&2
    exit 1
}
mkdir -p "$prefix/cmake-consumer"
cat >"$prefix/cmake-consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(consumer C)
find_package(imapclient REQUIRED)
add_executable(quickstart ${SRC})
target_link_libraries(quickstart imapclient::imapclient)
CM
cmake -S "$prefix/cmake-consumer" -B "$prefix/cmake-consumer/build" \
    -DCMAKE_PREFIX_PATH="$prefix" -DSRC="$root/examples/quickstart.c" >/dev/null
cmake --build "$prefix/cmake-consumer/build" >/dev/null
echo "installed library used through find_package; man pages and docs installed"

step "ABI: exported symbols against debian/libimapclient0.symbols"
bash scripts/abi-check.sh "$build/gcc"

step "Debian packages: build, lintian, install into a scratch root, use (/usr, multiarch libdir)"
bash scripts/package.sh "$build/deb"

gcc_n=$(grep -oE 'out of [0-9]+' "$build/gcc-ctest.log" | tail -1 | grep -oE '[0-9]+')
asan_n=$(grep -oE 'out of [0-9]+' "$build/asan-ctest.log" | tail -1 | grep -oE '[0-9]+')
py_n=$(grep -oE '[0-9]+ passed' "$build/pytest.log" | tail -1 | grep -oE '[0-9]+')
step "all green"
echo "$((gcc_n + asan_n + py_n)) passed, 0 failed"
