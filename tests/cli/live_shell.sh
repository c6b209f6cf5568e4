#!/usr/bin/env bash
# The interactive shell through a pseudo-terminal (tmux): connect,
# select_folder, search, fetch, tab completion, a bad command (the error is
# printed, the shell lives on), quit. Then a lost connection (ABORT): the
# shell says so and reconnect works. Then the shell without a terminal.
. "$(dirname "$0")/lib.sh"

. "$(dirname "$0")/tmux.sh"

# ---- a session against Dovecot ----
cat >"$T/run.sh" <<SH
'$BIN' $PLAIN
echo "EXITED \$?"
sleep 60
SH
tm new-session -d -s t -x 160 -y 50 "HOME=$T bash $T/run.sh"
checks=$((checks + 1))
wait_for "imapclient> " || fail "no prompt: $(tm capture-pane -p -t t)"
checks=$((checks + 1))
grep -qF "Connected to $IMAPTEST_HOST" <<<"$pane" || fail "no banner"

step "select_folder INBOX" "imapclient INBOX> " "select_folder: the prompt shows the folder"
checks=$((checks + 1))
grep -qF "EXISTS: $IMAPTEST_INBOX_COUNT" <<<"$pane" || fail "select_folder output"
step "search ALL" "1 2 3 4 5 6 7 8" "search ALL"
step "search NOT (SUBJECT meeting FLAGGED)" "imapclient INBOX> search NOT (SUBJECT meeting FLAGGED)" \
    "search with unquoted parentheses"
step "search SUBJECT \"Meeting notes\"" "1 3 8" "search with a quoted string"
step "fetch 1:2 ENVELOPE FLAGS" "Subject: Quarterly report draft" "fetch"
checks=$((checks + 1))
grep -qF "FLAGS: (\\Answered \\Seen)" <<<"$pane" || fail "fetch flags"
step "fetch 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]" "BODY[HEADER.FIELDS (SUBJECT)]:" \
    "fetch with an unquoted section"

# a bad command, then a command that fails on the server: the shell lives on
step "frobnicate now" "unknown command 'frobnicate'" "a bad command"
step "select_folder \"Nope $UNIQ\"" "ERROR (server replied NO or BAD)" "a server error"
step "noop" "imapclient> " "the shell lives on after errors"

# tab completion: a command name, then a folder name
tm send-keys -t t -l -- "list_fol"
tm send-keys -t t Tab
sleep 0.3
tm send-keys -t t -l -- " \"\" Wo*"
tm send-keys -t t Enter
checks=$((checks + 1))
wait_for "/ Work/Projects" || fail "tab completion of a command name"
tm send-keys -t t -l -- "folder_status Arch"
tm send-keys -t t Tab
sleep 0.3
tm send-keys -t t Enter
checks=$((checks + 1))
wait_for "UIDVALIDITY: $IMAPTEST_ARCHIVE_UIDVALIDITY" || fail "tab completion of a folder name"

# Ctrl-C while a command waits for the server: idle_check 60 is abandoned
# at once, the connection stays in IDLE, idle_done works
step "idle" "imapclient (IDLE)> " "idle"
tm send-keys -t t -l -- "idle_check 60"
tm send-keys -t t Enter
sleep 1
tm send-keys -t t C-c
checks=$((checks + 1))
wait_for "EINTERRUPTED (interrupted by the caller)" 5 ||
    fail "Ctrl-C did not interrupt idle_check: $(tm capture-pane -p -t t | grep -v '^$' | tail -5)"
step "idle_done" "Idle completed" "idle_done after an interrupted idle_check"

step "help select_folder" "usage: select_folder FOLDER [--readonly]" "help COMMAND"
step "quit" "EXITED 0" "quit"
checks=$((checks + 1))
grep -q "^select_folder" "$T/.imapclient_history" || fail "history file not written"
tm kill-session -t t; sleep 0.2

# ---- a lost connection: ABORT, then reconnect (scripted server on a stream) ----
cat >"$T/run2.sh" <<SH
'$BIN' --stream "python3 $HERE/fake_imap.py $T/x.log u t"
echo "EXITED \$?"
sleep 60
SH
tm new-session -d -s t -x 160 -y 50 "HOME=$T bash $T/run2.sh"
checks=$((checks + 1))
wait_for "imapclient> " || fail "stream shell: no prompt"
step "id name test" "name: fake" "ID over the stream"
step "id die now" "The connection is gone. Type 'reconnect'" "ABORT is reported"
checks=$((checks + 1))
grep -qF "EABORT (connection unusable)" <<<"$pane" || fail "ABORT category"
step "noop" "noop: not connected (type 'reconnect')" "commands after ABORT"
step "reconnect" "Connected to python3" "reconnect"
step "id name again" "imapclient> id name again" "works after reconnect"
checks=$((checks + 1))
for _ in $(seq 1 100); do
    [ "$(tm capture-pane -p -t t | grep -c '^name: fake$')" -eq 2 ] && break
    sleep 0.05
done
[ "$(tm capture-pane -p -t t | grep -c '^name: fake$')" -eq 2 ] ||
    fail "ID after reconnect: $(tm capture-pane -p -t t | grep -v '^$' | tail -5)"
step "exit" "EXITED 0" "exit"
tm kill-session -t t; sleep 0.2

# ---- the password asked for without echo; Ctrl-C drops the line ----
cat >"$T/run3.sh" <<SH
'$BIN' -H $IMAPTEST_HOST -P $IMAPTEST_PORT --insecure -u $IMAPTEST_USER
echo "EXITED \$?"
sleep 60
SH
tm new-session -d -s t -x 160 -y 50 "HOME=$T bash $T/run3.sh"
checks=$((checks + 1))
wait_for "Password:" || fail "no password prompt: $(tm capture-pane -p -t t | grep -v '^$')"
step "$IMAPTEST_PASSWORD" "imapclient>" "log in with the password typed at the prompt"
checks=$((checks + 1))
! grep -qF -- "$IMAPTEST_PASSWORD" <<<"$pane" || fail "the password was echoed"
tm send-keys -t t -l -- "select_folder Nope"
tm send-keys -t t C-c
step "state" "AUTHENTICATED" "Ctrl-C drops the line and the shell lives on"
checks=$((checks + 1))
! grep -qF "ERROR" <<<"$pane" || fail "the dropped line was run"
step "quit" "EXITED 0" "quit after Ctrl-C"
tm kill-session -t t; sleep 0.2

# ---- no terminal: commands from stdin, no prompt ----
out=$(printf 'select_folder INBOX --readonly\nsearch UNSEEN\nbogus\nfetch 5 FLAGS\n' |
    "$BIN" $PLAIN 2>"$T/stderr")
rc=$?
err=$(cat "$T/stderr")
expect_out "3 5 6 8" "piped shell: search"
expect_out "FLAGS: (\\Flagged)" "piped shell: fetch after an error"
expect_err "unknown command 'bogus'" "piped shell: error on stderr"
expect_not_out "imapclient>" "piped shell: no prompt"

finish
