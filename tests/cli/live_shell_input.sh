#!/usr/bin/env bash
# What is typed in the shell reaches the server as typed (through a
# pseudo-terminal, tmux): non-ASCII in typing, tab completion, the prompt
# and the history, with a UTF-8 locale and with none at all; \Flagged typed
# bare is the system flag (a bare Flagged gets a warning); in IDLE the
# error names the shell's command; reconnect after shutdown selects the
# folder again.
. "$(dirname "$0")/lib.sh"
export LC_ALL=C.UTF-8 # for tmux itself; the program's locale is set per session
. "$(dirname "$0")/tmux.sh"

FOLDER="Shell$UNIQ"
CLEANUP+=("'$BIN' $PLAIN delete_folder $FOLDER")
printf 'Subject: flags\r\nFrom: a@example.com\r\n\r\nhello\r\n' >"$T/m.eml"
run $PLAIN create_folder "$FOLDER" ";" append "$FOLDER" "$T/m.eml"
expect_rc 0 "a folder with one message"

shell_script() { # file locale-setup
    cat >"$1" <<SH
$2
'$BIN' $PLAIN
echo "EXITED \$?"
sleep 60
SH
}

# ---- a UTF-8 locale ----
shell_script "$T/utf8.sh" "export LC_ALL=C.UTF-8"
start_shell "$T/utf8.sh"
checks=$((checks + 1))
wait_for "imapclient> " || fail "no prompt: $(tm capture-pane -p -t t)"
step "folder_status Données" "MESSAGES: 0" "a non-ASCII folder name typed"
checks=$((checks + 1))
! grep -qF "Donnes" <<<"$pane" || fail "the non-ASCII letter was dropped"
# completion from a non-ASCII prefix, then the prompt shows the name and
# what is typed after it stays where it belongs
tm send-keys -t t -l -- "select_folder Donné"
tm send-keys -t t Tab
sleep 0.3
tm send-keys -t t Enter
checks=$((checks + 1))
wait_for "imapclient Données> " || fail "completion of a non-ASCII prefix: $(tm capture-pane -p -t t | grep -v '^$' | tail -5)"
step "noop" "imapclient Données> noop" "typing after a non-ASCII prompt"

# system flags typed bare
step "select_folder $FOLDER" "imapclient $FOLDER> " "select our folder"
step "add_flags 1 \\Flagged" "1: (\\Flagged" "\\Flagged typed bare"
tm send-keys -t t -l -- "get_flags 1"
tm send-keys -t t Enter
sleep 0.5
checks=$((checks + 1))
tm capture-pane -p -t t | grep -A1 -F "get_flags 1" | grep -qE '^1: \(.*\\Flagged' ||
    fail "the system flag was not set: $(tm capture-pane -p -t t | tail -5)"
checks=$((checks + 1))
! tm capture-pane -p -t t | grep -qE '^1: \((.* )?Flagged' || fail "a keyword Flagged was set"
step "add_flags 1 Seen" "warning: 'Seen' is a keyword, not the system flag \\Seen" \
    "a system flag's name without the backslash"
step "remove_flags 1 Seen" "imapclient $FOLDER> remove_flags 1 Seen" "remove the keyword again"

# in IDLE, the error names the command to type
step "idle" "(IDLE)> " "idle"
step "select_folder INBOX" "call 'idle_done' first" "the IDLE error names the shell command"
checks=$((checks + 1))
! grep -qF "imapclient_idle_done()" <<<"$pane" || fail "the C function is named"
step "idle_done" "imapclient $FOLDER> " "idle_done"

# shutdown, then reconnect: the folder is selected again
step "shutdown" "imapclient (not connected)> " "shutdown"
step "reconnect" "Connected to $IMAPTEST_HOST." "reconnect"
sleep 0.3
checks=$((checks + 1))
[ "$(tm capture-pane -p -t t | grep -v '^$' | tail -1)" = "imapclient $FOLDER>" ] ||
    fail "reconnect did not select the folder again: $(tm capture-pane -p -t t | grep -v '^$' | tail -3)"
step "folder_status Données" "MESSAGES: 0" "the last command, for the history"
step "quit" "EXITED 0" "quit"

# ---- the history keeps the non-ASCII line ----
start_shell "$T/utf8.sh"
checks=$((checks + 1))
wait_for "imapclient> " || fail "no prompt (second session)"
tm send-keys -t t Up Up # quit, then the line before it
sleep 0.3
tm send-keys -t t Enter
checks=$((checks + 1))
wait_for "MESSAGES: 0" || fail "history: $(tm capture-pane -p -t t | grep -v '^$' | tail -5)"
step "quit" "EXITED 0" "quit (second session)"

# ---- no locale at all: UTF-8 is still read ----
shell_script "$T/nolocale.sh" "unset LANG LANGUAGE LC_ALL LC_CTYPE"
start_shell "$T/nolocale.sh"
checks=$((checks + 1))
wait_for "imapclient> " || fail "no prompt (no locale)"
step "select_folder Données" "imapclient Données> " "no locale: a non-ASCII name typed"
step "quit" "EXITED 0" "quit (no locale)"

finish
