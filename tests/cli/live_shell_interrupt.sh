#!/usr/bin/env bash
# Ctrl-C stops a long fetch in the shell: on a slow terminal (a pty read
# slowly by tests/cli/pty_interrupt.py), `fetch 1:* BODY[]` of three 4 MB
# messages prints little after Ctrl-C, says it was interrupted, the prompt
# comes back and the connection still works (noop).
. "$(dirname "$0")/lib.sh"

FOLDER="Big$UNIQ"
CLEANUP+=("'$BIN' $PLAIN delete_folder $FOLDER")
python3 - "$T/big.eml" <<'PY'
import sys
body = "".join("line %06d of a long message that fills the terminal with text\r\n" % i
               for i in range(60000))
open(sys.argv[1], "w").write("Subject: big\r\nFrom: a@example.com\r\n\r\n" + body)
PY
run $PLAIN create_folder "$FOLDER" ";" append "$FOLDER" "$T/big.eml" ";" \
    append "$FOLDER" "$T/big.eml" ";" append "$FOLDER" "$T/big.eml"
expect_rc 0 "three big messages"

# shellcheck disable=SC2086
out=$(PTY_COMMAND="fetch 1:* BODY[]" timeout 120 python3 "$HERE/pty_interrupt.py" \
    "$BIN" $PLAIN --folder "$FOLDER" 2>&1)
rc=$?
err=
expect_rc 0 "the pty driver"
expect_out "prompt_back yes" "the prompt is back after Ctrl-C"
expect_out "noop_ok yes" "the connection works after Ctrl-C"
checks=$((checks + 1))
after=$(sed -n 's/^after_ctrl_c_bytes //p' <<<"$out")
# 11.7 MB would follow without the stop; a message's worth at most may
[ -n "$after" ] && [ "$after" -lt 4500000 ] ||
    fail "output went on after Ctrl-C: ${after:-?} bytes; ${out:0:600}"

finish
