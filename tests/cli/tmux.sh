# tmux helpers for the shell tests, sourced after lib.sh: a session "t" on
# a private tmux server (killed at exit), wait_for and step.
command -v tmux >/dev/null || {
    echo "SKIP: tmux not installed"
    exit 77
}
SOCK="imapclient-test-$$"
tm() { tmux -L "$SOCK" "$@"; }
CLEANUP+=("tmux -L $SOCK kill-server")
# A session that lives as long as the test, so that killing the session
# "t" between two shells never ends the tmux server (a new session started
# while the server is going away fails).
tm new-session -d -s keep -x 80 -y 10 "sleep 3600"

# wait_for PATTERN [SECONDS]: until the pane shows PATTERN (fixed string;
# tmux drops trailing blanks, so the pattern's are dropped too)
wait_for() {
    local i want=${1%"${1##*[! ]}"}
    for i in $(seq 1 $((${2:-10} * 20))); do
        pane=$(tm capture-pane -p -S -200 -t t)
        grep -qF -- "$want" <<<"$pane" && return 0
        sleep 0.05
    done
    return 1
}
step() { # keys expected description
    tm send-keys -t t -l -- "$1"
    tm send-keys -t t Enter
    checks=$((checks + 1))
    wait_for "$2" || fail "$3: '$2' not shown; screen:
$(tm capture-pane -p -t t | grep -v '^$' | tail -15)"
}
# start_shell SCRIPT-FILE: run it in a fresh session "t" (160x50)
start_shell() {
    tm kill-session -t t 2>/dev/null
    tm new-session -d -s t -x 160 -y 50 "HOME=$T bash $1"
}
