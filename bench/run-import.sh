#!/usr/bin/env bash
# `imapclient import` speed (issue 10): N generated messages of about 10 KB
# in a Maildir, imported into a private Dovecot on 127.0.0.1 once with one
# APPEND per message (--no-multiappend, what import did before) and once in
# MULTIAPPEND batches, ROUNDS times each, interleaved.
#
#   bench/run-import.sh [N]      N defaults to 2000; must run as root
#
# Environment: ROUNDS (default 3), BUILD_DIR (default build/bench-import).
# Prints messages per second (best and median of the rounds) and client
# peak RSS for each form; Dovecot is stopped at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
ROUNDS=${ROUNDS:-3}
build=${BUILD_DIR:-$PWD/build/bench-import}
die() {
    echo "run-import.sh: $*" >&2
    exit 1
}
case "$N" in '' | *[!0-9]* | 0) die "N must be a positive number" ;; esac
[ "$(id -u)" -eq 0 ] || die "must run as root (tests/live/dovecot.sh starts Dovecot)"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIMAPCLIENT_BUILD_TESTS=OFF \
    -DIMAPCLIENT_BUILD_EXAMPLES=OFF -DIMAPCLIENT_BUILD_CLI=ON >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target imapclient_cli >/dev/null
bin="$build/cli/imapclient"

work=$(mktemp -d /tmp/imapclient-bench-import.XXXXXX)
chmod 755 "$work"
trap 'bash tests/live/dovecot.sh stop "$work/dovecot" >/dev/null 2>&1; rm -rf "$work"' EXIT
bash tests/live/dovecot.sh start "$work/dovecot" >/dev/null
eval "$(bash tests/live/dovecot.sh env "$work/dovecot")"
conn=(-H "$IMAPTEST_HOST" -P "$IMAPTEST_PORT" --insecure -u "$IMAPTEST_USER"
    -p "$IMAPTEST_PASSWORD")

python3 - "$work/maildir" "$N" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(root, d), exist_ok=True)
rnd = random.Random(10)
words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
for i in range(n):
    body = "\n".join(" ".join(rnd.choice(words) for _ in range(12)) for _ in range(140))
    msg = ("From: sender%d@example.org\nTo: me@example.org\nSubject: message %d\n"
           "Date: Tue, 14 Nov 2023 22:13:20 +0000\nMessage-ID: <m%d@example.org>\n\n%s\n"
           % (i, i, i, body))
    name = os.path.join(root, "cur", "%d.M%dP1.bench:2,%s" % (1700000000 + i, i,
                                                            "S" if i % 3 else ""))
    with open(name, "w") as f:
        f.write(msg)
PY
size=$(du -sk "$work/maildir/cur" | cut -f1)

declare -A rates rss
for round in $(seq 1 "$ROUNDS"); do
    for form in one-by-one multiappend; do
        opt=()
        [ "$form" = one-by-one ] && opt=(--no-multiappend)
        rm -f "$work/maildir/.imapclient-import"
        folder="Bench-$form-$round"
        start=$(date +%s.%N)
        /usr/bin/time -f '%M' -o "$work/rss" "$bin" "${conn[@]}" --no-progress --json \
            import "${opt[@]}" "$work/maildir" "$folder" >"$work/out"
        end=$(date +%s.%N)
        grep -q "\"imported\": $N" "$work/out" || die "$form: not all imported: $(cat "$work/out")"
        rates[$form]+="$(python3 -c "print('%.0f' % ($N / ($end - $start)))") "
        rss[$form]+="$(cat "$work/rss") "
        "$bin" "${conn[@]}" delete_folder "$folder" >/dev/null
    done
done

printf '\n%s messages, %s KB in all, %s rounds (Dovecot on 127.0.0.1)\n\n' "$N" "$size" "$ROUNDS"
printf '| import | messages/s (best) | messages/s (median) | client peak RSS |\n| --- | ---: | ---: | ---: |\n'
for form in one-by-one multiappend; do
    read -r -a r <<<"${rates[$form]}"
    read -r -a m <<<"${rss[$form]}"
    best=$(printf '%s\n' "${r[@]}" | sort -n | tail -1)
    median=$(printf '%s\n' "${r[@]}" | sort -n | sed -n "$(((${#r[@]} + 1) / 2))p")
    peak=$(printf '%s\n' "${m[@]}" | sort -n | tail -1)
    printf '| %s | %s | %s | %s KB |\n' "$form" "$best" "$median" "$peak"
done
