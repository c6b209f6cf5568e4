#!/usr/bin/env bash
# Private Cyrus IMAP 3.6 instance for libimapclient's live tests: the second
# real server, for what the private Dovecot lacks (OBJECTID, APPENDLIMIT,
# METADATA on a second implementation, ...).
#
#   cyrus.sh start DIR   build DIR (config, cert, SASL users), start Cyrus
#   cyrus.sh stop DIR    stop the instance started in DIR (never fails)
#   cyrus.sh env DIR     print DIR/env as "export KEY=VALUE" lines (for eval)
#
# Packages (scripts/deps.sh): cyrus-common and sasl2-bin, installed without
# their recommends, and cyrus-imapd's .deb unpacked (never installed: it
# conflicts with dovecot-imapd) under CYRUS_ROOT, default
# /opt/libimapclient/cyrus-imapd. Without that tree, an installed
# /usr/lib/cyrus/bin/imapd is used, else the .deb is fetched into DIR with
# `apt-get download` (slower: needs the network). Based on the team's notes
# in ../shared/servers/cyrus.md. See tests/live/README.md.
set -euo pipefail

CYRBIN=/usr/lib/cyrus/bin # master and the helpers (cyrus-common)
CYRUS_ROOT=${CYRUS_ROOT:-/opt/libimapclient/cyrus-imapd}
HOST=127.0.0.1
# Shared with dovecot.sh: port picks and starts are serialised.
LOCKFILE="${TMPDIR:-/tmp}/libimapclient-dovecot-ports.lock"
# maxmessagesize: Cyrus announces it as APPENDLIMIT=<n> (RFC 7889), so the
# tests can see a limit refused before anything is sent.
APPENDLIMIT=1048576

die() {
    echo "cyrus.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start|stop|env DIR" >&2
    exit 2
}

abs_dir() {
    local d=$1
    case "$d" in
    /*) ;;
    *) d="$PWD/$d" ;;
    esac
    realpath -m -- "$d"
}

port_free() { # 0 when nothing answers on 127.0.0.1:$1
    ! (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

pick_port() { # a free port in 15000-31999 (below the ephemeral range)
    local p
    for _ in $(seq 1 200); do
        p=$((15000 + (RANDOM * 32768 + RANDOM) % 17000))
        case " $* " in *" $p "*) continue ;; esac
        if port_free "$p"; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

alive() { # running, not a zombie waiting for init (master runs detached)
    local st
    st=$(awk '/^State:/{print $2}' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ]
}

master_pid() { # the pid of DIR's master, or nothing
    local dir=$1 pid
    [ -s "$dir/master.pid" ] || return 0
    pid=$(tr -dc 0-9 <"$dir/master.pid")
    [ -n "$pid" ] || return 0
    # only a live master started with this DIR's cyrus.conf counts (the pid
    # may have been recycled)
    if alive "$pid" && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null |
        grep -qF -- "$dir/cyrus.conf"; then
        echo "$pid"
    fi
}

our_pids() { # processes whose command line names DIR's imapd.conf
    grep -lsF -- "$1/imapd.conf" /proc/[0-9]*/cmdline |
        sed -n 's|^/proc/\([0-9]*\)/cmdline$|\1|p' | grep -vx "$$" || true
}

cmd_stop() {
    local dir pid left p
    dir=$(abs_dir "$1")
    [ -d "$dir" ] || return 0
    pid=$(master_pid "$dir")
    if [ -n "$pid" ]; then
        kill -TERM "$pid" 2>/dev/null || true # master passes it on
        for _ in $(seq 1 100); do
            alive "$pid" || break
            sleep 0.05
        done
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    # stragglers (imapd processes kept for reuse): only DIR's own
    for i in $(seq 1 50); do
        left=
        for p in $(our_pids "$dir"); do
            if alive "$p"; then left="$left $p"; fi
        done
        [ -n "$left" ] || break
        # shellcheck disable=SC2086 # a list of pids
        if [ "$i" -ge 20 ]; then kill -KILL $left 2>/dev/null || true; fi
        sleep 0.05
    done
    rm -f "$dir/master.pid"
    # A socket directory outside DIR (long DIR) is ours alone: remove it.
    case "$(sock_dir_for "$dir")" in "$dir"/*) ;; *) rm -rf "$(sock_dir_for "$dir")" ;; esac
    return 0
}

cmd_env() {
    local dir
    dir=$(abs_dir "$1")
    [ -f "$dir/env" ] || die "$dir/env not found (not started?)"
    sed -e '/^[A-Za-z_][A-Za-z0-9_]*=/!d' -e 's/^/export /' "$dir/env"
}

find_imapd() { # dir; sets IMAPD and IDLED
    local dir=$1 deb
    for root in "$CYRUS_ROOT" /; do
        if [ -x "$root/usr/lib/cyrus/bin/imapd" ]; then
            IMAPD=$root/usr/lib/cyrus/bin/imapd
            IDLED=$root/usr/lib/cyrus/bin/idled
            return 0
        fi
    done
    IMAPD=$dir/pkg/root/usr/lib/cyrus/bin/imapd
    IDLED=$dir/pkg/root/usr/lib/cyrus/bin/idled
    [ -x "$IMAPD" ] && return 0
    echo "cyrus.sh: $CYRUS_ROOT has no imapd (run scripts/deps.sh); downloading" >&2
    mkdir -p "$dir/pkg"
    chmod 0777 "$dir/pkg"
    (cd "$dir/pkg" && apt-get download -q \
        "cyrus-imapd=$(dpkg-query -W -f='${Version}' cyrus-common)" >/dev/null 2>&1) ||
        die "no imapd: run scripts/deps.sh"
    deb=$(ls "$dir"/pkg/cyrus-imapd_*.deb)
    dpkg-deb -x "$deb" "$dir/pkg/root"
    [ -x "$IMAPD" ] || die "no imapd in $deb"
}

imap_login() { # port user pass: one LOGIN (creates the INBOX); 0 on OK
    local line ok=1
    exec 3<>"/dev/tcp/$HOST/$1" || return 1
    IFS= read -r -t 10 line <&3 || {
        exec 3<&-
        return 1
    }
    printf 'a LOGIN %s %s\r\nb LOGOUT\r\n' "$2" "$3" >&3
    while IFS= read -r -t 10 line <&3; do
        case "$line" in
        "a OK"*) ok=0 ;;
        "b "*) break ;;
        esac
    done
    exec 3<&-
    return $ok
}

sock_dir_for() { # dir
    # Unix socket paths are limited to 107 bytes: a deep DIR gets its
    # sockets under /tmp instead.
    if [ ${#1} -le 70 ]; then
        echo "$1/conf/socket"
    else
        echo "/tmp/imaptest-cyrus-$(printf '%s' "$1" | cksum | cut -d' ' -f1)"
    fi
}

write_config() { # dir port tls-port
    local dir=$1 port=$2 tlsport=$3 sock
    sock=$(sock_dir_for "$dir")
    cat >"$dir/imapd.conf" <<EOF
# Generated by tests/live/cyrus.sh -- private test instance, do not edit.
configdirectory: $dir/conf
defaultpartition: default
partition-default: $dir/spool
sievedir: $dir/sieve
proc_path: $dir/conf/proc
mboxname_lockpath: $dir/conf/lock
lmtpsocket: $sock/lmtp
idlesocket: $sock/idle
notifysocket: $sock/notify
servername: localhost
admins: cyrus
altnamespace: yes
unixhierarchysep: yes
autocreate_quota: 0
conversations: yes
allowplaintext: yes
failedloginpause: 0
maxmessagesize: $APPENDLIMIT
# 8-bit header bytes kept as sent (the default turns them into "X")
munge8bit: no
# METADATA: any entry name, not only the ones Cyrus defines (RFC 5464 3.2)
annotation_allow_undefined: yes
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $dir/sasldb2
sasl_mech_list: PLAIN LOGIN SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5
tls_server_cert: $dir/tls/cert.pem
tls_server_key: $dir/tls/key.pem
syslog_prefix: imaptest-cyrus
umask: 077
EOF
    # master does not hand its -C to the programs it starts: every cmd needs
    # its own, or it reads /etc/imapd.conf.
    cat >"$dir/cyrus.conf" <<EOF
START {
  recover    cmd="$CYRBIN/ctl_cyrusdb -C $dir/imapd.conf -r"
}
SERVICES {
  imap       cmd="$IMAPD -C $dir/imapd.conf" listen="$HOST:$port" prefork=0 maxchild=50
  imaps      cmd="$IMAPD -C $dir/imapd.conf -s" listen="$HOST:$tlsport" prefork=0 maxchild=50
}
EVENTS {
  checkpoint cmd="$CYRBIN/ctl_cyrusdb -C $dir/imapd.conf -c" period=30
}
DAEMON {
  idled      cmd="$IDLED -C $dir/imapd.conf"
}
EOF
}

wait_up() { # dir port: 0 once master runs and the port answers; 1 when
    # master is gone (a port taken meanwhile: "address in use") or too slow
    local dir=$1 port=$2 t=0 limit=$((${CYRUS_START_TIMEOUT:-30} * 20))
    while [ $t -lt $limit ]; do
        if [ -n "$(master_pid "$dir")" ]; then
            port_free "$port" || return 0
        elif [ $t -ge 40 ]; then
            return 1 # no master after 2 s
        fi
        sleep 0.05
        t=$((t + 1))
    done
    return 1
}

cmd_start() {
    local dir port tlsport u attempt
    [ -x "$CYRBIN/master" ] || die "$CYRBIN/master missing: run scripts/deps.sh"
    command -v saslpasswd2 >/dev/null || die "saslpasswd2 missing: run scripts/deps.sh"
    dir=$(abs_dir "$1")
    case "$dir" in *[[:space:]]*) die "DIR must not contain whitespace: $dir" ;; esac
    [ "$dir" != / ] || die "refusing DIR=/"

    # Restart cleanly: stop a previous instance, remove only what we made.
    cmd_stop "$dir"
    mkdir -p "$dir"
    rm -rf "${dir:?}/conf" "${dir:?}/spool" "${dir:?}/sieve" "${dir:?}/tls"
    rm -f "$dir/env" "$dir/sasldb2" "$dir/imapd.conf" "$dir/cyrus.conf" "$dir/master.log"
    mkdir -p "$dir/conf/socket" "$(sock_dir_for "$dir")" "$dir/spool" "$dir/sieve" "$dir/tls"
    find_imapd "$dir"

    # Self-signed certificate for localhost (STARTTLS and implicit TLS).
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -days 3650 -subj /CN=localhost -addext "subjectAltName=DNS:localhost" \
        -keyout "$dir/tls/key.pem" -out "$dir/tls/cert.pem" >/dev/null 2>&1 ||
        die "openssl req failed"

    # SASL users; the realm must equal servername.
    for u in alice bob cyrus; do
        printf 'secret' | saslpasswd2 -f "$dir/sasldb2" -u localhost -p -c "$u"
    done

    # As root, master switches to the cyrus user: the tree must be its own
    # and DIR's parents searchable. Otherwise everything runs as the caller.
    if [ "$(id -u)" -ne 0 ]; then
        printf 'cyrus_user: %s\ncyrus_group: %s\n' "$(id -un)" "$(id -gn)" \
            >"$dir/user.conf"
    else
        rm -f "$dir/user.conf"
    fi
    exec 9>"$LOCKFILE"
    flock -w 60 9 || die "could not lock $LOCKFILE"
    for attempt in 1 2 3 4 5; do
        port=$(pick_port)
        tlsport=$(pick_port "$port")
        write_config "$dir" "$port" "$tlsport"
        [ ! -f "$dir/user.conf" ] || cat "$dir/user.conf" >>"$dir/imapd.conf"
        if [ "$(id -u)" -eq 0 ]; then
            chown -R cyrus:mail "$dir" "$(sock_dir_for "$dir")"
            chmod 0755 "$dir"
            runuser -u cyrus -- test -x "$dir" ||
                die "$dir is not reachable by user cyrus (check parent permissions)"
        fi
        rm -f "$dir/master.pid"
        "$CYRBIN/master" 9>&- -C "$dir/imapd.conf" -M "$dir/cyrus.conf" \
            -p "$dir/master.pid" -L "$dir/master.log" -d ||
            die "master failed to start (see $dir/master.log)"
        if wait_up "$dir" "$port"; then
            break
        fi
        cmd_stop "$dir"
        [ "$attempt" -lt 5 ] || die "Cyrus did not come up (see $dir/master.log)"
    done
    exec 9>&-
    # The first login creates alice's INBOX (autocreate).
    imap_login "$port" alice secret || {
        cmd_stop "$dir"
        die "LOGIN alice failed (see $dir/master.log)"
    }

    cat >"$dir/env" <<EOF
IMAPTEST_HOST=$HOST
IMAPTEST_PORT=$port
IMAPTEST_TLS_PORT=$tlsport
IMAPTEST_USER=alice
IMAPTEST_PASSWORD=secret
IMAPTEST_USER2=bob
IMAPTEST_PASSWORD2=secret
IMAPTEST_ADMIN=cyrus
IMAPTEST_ADMIN_PASSWORD=secret
IMAPTEST_CA=$dir/tls/cert.pem
IMAPTEST_CERT_NAME=localhost
IMAPTEST_DIR=$dir
IMAPTEST_APPENDLIMIT=$APPENDLIMIT
EOF
    chmod 0644 "$dir/env"
    echo "cyrus started in $dir: imap 127.0.0.1:$port, imaps 127.0.0.1:$tlsport"
}

[ $# -eq 2 ] || usage
case "$1" in
start) cmd_start "$2" ;;
stop) cmd_stop "$2" ;;
env) cmd_env "$2" ;;
*) usage ;;
esac
