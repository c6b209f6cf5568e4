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

step "documentation: every public function documented, man pages current"
python3 scripts/gen-man.py --check

step "install: pkg-config and CMake package work from a fresh prefix"
prefix=$build/install-test
rm -rf "$prefix" && cmake --install "$build/gcc" --prefix "$prefix" >/dev/null
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror examples/quickstart.c -o "$prefix/quickstart-pc" \
    $(pkg-config --cflags --libs imapclient) -Wl,-rpath,"$prefix/lib"
rc=0; "$prefix/quickstart-pc" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] # it ran and printed its usage
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
echo "installed library used through pkg-config and find_package"

gcc_n=$(grep -oE 'out of [0-9]+' "$build/gcc-ctest.log" | tail -1 | grep -oE '[0-9]+')
asan_n=$(grep -oE 'out of [0-9]+' "$build/asan-ctest.log" | tail -1 | grep -oE '[0-9]+')
py_n=$(grep -oE '[0-9]+ passed' "$build/pytest.log" | tail -1 | grep -oE '[0-9]+')
step "all green"
echo "$((gcc_n + asan_n + py_n)) passed, 0 failed"
