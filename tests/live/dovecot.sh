#!/usr/bin/env bash
# Private Dovecot instance for libimapclient's live tests.
#
#   dovecot.sh start DIR   build DIR (config, cert, sample mail), start Dovecot
#   dovecot.sh stop DIR    stop the instance started in DIR (never fails)
#   dovecot.sh env DIR     print DIR/env as "export KEY=VALUE" lines (for eval)
#
# Needs root (Dovecot switches to nobody / dovenull / dovecot itself) and the
# packages installed by scripts/deps.sh. See tests/live/README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAILSRC="$HERE/mail"
LOCKFILE="${TMPDIR:-/tmp}/libimapclient-dovecot-ports.lock"

# Sample mail: "source file  folder  maildir flags  delivery delay (s)".
# Flags are maildir info letters in ASCII order, "-" for none: F=\Flagged
# R=\Answered S=\Seen (D=\Draft T=\Deleted). INTERNALDATE (the file mtime) is
# the Date: header plus the delay; message 07 sat in a queue for a day, so
# SORT ARRIVAL differs from SORT DATE. UIDs follow this order, per folder,
# starting at 1. Update tests/live/README.md when this changes.
MANIFEST='
inbox-01-plain.eml        INBOX    RS  38
inbox-02-alternative.eml  INBOX    S   39
inbox-03-reply.eml        INBOX    -   40
inbox-04-attachment.eml   INBOX    S   41
inbox-05-forward.eml      INBOX    F   42
inbox-06-i18n.eml         INBOX    -   43
inbox-07-groups.eml       INBOX    S   86400
inbox-08-reply2.eml       INBOX    -   45
archive-01-newsletter.eml Archive  S   46
archive-02-receipt.eml    Archive  S   47
'
# Fixed UIDVALIDITY values so tests can assert them.
UIDVALIDITY_INBOX=1700000001
UIDVALIDITY_ARCHIVE=1700000002
# HS256 key that signs the test OAuth2 tokens (a test secret, nothing real).
OAUTH2_KEY=libimapclient-oauth2-test-key-01

die() {
    echo "dovecot.sh: $*" >&2
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
    # Normalise without requiring existence.
    realpath -m -- "$d"
}

port_in_use() {
    # Listening on any address (v4 or v6) with that port counts as in use.
    command -v ss >/dev/null 2>&1 || return 1
    [ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]
}

pick_port() {
    # Random high port, not listening now and not in the exclusion list.
    local p tries=0
    while [ $tries -lt 200 ]; do
        # 15000-31999: below Linux's default ephemeral range (32768-60999),
        # so outgoing connections do not take our ports.
        p=$((15000 + (RANDOM * 32768 + RANDOM) % 17000))
        tries=$((tries + 1))
        case " $* " in *" $p "*) continue ;; esac
        port_in_use "$p" && continue
        # Connect test: if something answers on loopback, the port is taken.
        if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then continue; fi
        echo "$p"
        return 0
    done
    die "could not find a free port"
}

base_dir_for() { # dir
    # Unix socket paths are limited to 107 bytes and Dovecot's longest is
    # base_dir + 25, so a deep DIR gets its base_dir under /tmp instead.
    if [ ${#1} -le 70 ]; then
        echo "$1/base"
    else
        echo "/tmp/imaptest-base-$(printf '%s' "$1" | cksum | cut -d' ' -f1)"
    fi
}

master_pid() {
    local dir=$1 base pid
    base=$(base_dir_for "$dir")
    [ -f "$base/master.pid" ] || return 1
    pid=$(tr -dc '0-9' <"$base/master.pid")
    [ -n "$pid" ] || return 1
    alive "$pid" || return 1
    # Guard against a recycled pid.
    grep -q '^dovecot' "/proc/$pid/comm" 2>/dev/null || return 1
    echo "$pid"
}

alive() { # pid; a zombie (no init reaping it, e.g. in a container) is dead
    [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

cmd_stop() {
    local dir pid base
    dir=$(abs_dir "$1")
    pid=$(master_pid "$dir") || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        alive "$pid" || break
        sleep 0.1
    done
    if alive "$pid"; then
        echo "dovecot.sh: master $pid did not exit, sending SIGKILL" >&2
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    base=$(base_dir_for "$dir")
    rm -f "$base/master.pid"
    # A base_dir outside DIR (long DIR) is ours alone: remove it.
    case "$base" in "$dir"/*) ;; *) rm -rf "$base" ;; esac
    return 0
}

cmd_env() {
    local dir
    dir=$(abs_dir "$1")
    [ -f "$dir/env" ] || die "$dir/env not found (not started?)"
    sed -e '/^[A-Za-z_][A-Za-z0-9_]*=/!d' -e 's/^/export /' "$dir/env"
}

make_maildir() { # path
    mkdir -p "$1/cur" "$1/new" "$1/tmp"
}

populate_mail() { # maildir-root
    local root=$1 file folder flags delay dir n ts epoch info base uidfile
    local -A uid=()
    make_maildir "$root"
    for folder in Archive Work Work.Projects 'Donn&AOk-es'; do
        make_maildir "$root/.$folder"
        : >"$root/.$folder/maildirfolder"
    done
    n=0
    while read -r file folder flags delay; do
        [ -n "$file" ] || continue
        [ -f "$MAILSRC/$file" ] || die "missing sample message $MAILSRC/$file"
        if [ "$folder" = INBOX ]; then dir=$root; else dir="$root/.$folder"; fi
        [ "$flags" = - ] && flags=
        n=$((n + 1))
        epoch=$(date -d "$(sed -n 's/^Date: //p' "$MAILSRC/$file" | head -n1)" +%s) ||
            die "bad Date: in $file"
        ts=$((epoch + delay))
        base="$ts.M${n}P4242.imaptest"
        info="$base:2,$flags"
        cp "$MAILSRC/$file" "$dir/cur/$info"
        touch -d "@$ts" "$dir/cur/$info"
        uid[$folder]=$((${uid[$folder]:-0} + 1))
        uidfile="$dir/dovecot-uidlist.tmp"
        echo "${uid[$folder]} :$base" >>"$uidfile"
    done <<<"$MANIFEST"
    # dovecot-uidlist (version 3) fixes UIDs and UIDVALIDITY.
    write_uidlist "$root" $UIDVALIDITY_INBOX
    write_uidlist "$root/.Archive" $UIDVALIDITY_ARCHIVE
    # Subscriptions (version 1 format: one storage name per line, i.e. with
    # the Maildir++ separator "." and in modified UTF-7).
    printf '%s\n' INBOX Archive Work Work.Projects 'Donn&AOk-es' >"$root/subscriptions"
}

write_uidlist() { # dir uidvalidity
    local dir=$1 v=$2 next
    [ -f "$dir/dovecot-uidlist.tmp" ] || return 0
    next=$(($(wc -l <"$dir/dovecot-uidlist.tmp") + 1))
    {
        echo "3 V$v N$next"
        cat "$dir/dovecot-uidlist.tmp"
    } >"$dir/dovecot-uidlist"
    rm -f "$dir/dovecot-uidlist.tmp"
}

manifest_count() { # folder [flag-letter [absent]]
    local file folder flags c=0
    while read -r file folder flags _; do
        if [ -z "$file" ] || [ "$folder" != "$1" ]; then continue; fi
        if [ -n "${2:-}" ]; then
            case "$flags" in
            *"$2"*) [ -z "${3:-}" ] || continue ;;
            *) [ -n "${3:-}" ] || continue ;;
            esac
        fi
        c=$((c + 1))
    done <<<"$MANIFEST"
    echo "$c"
}

write_config() { # dir plain-port tls-port
    local dir=$1 port=$2 tlsport=$3 dh=
    local base
    base=$(base_dir_for "$dir")
    [ -r /usr/share/dovecot/dh.pem ] && dh="ssl_dh = </usr/share/dovecot/dh.pem"
    cat >"$dir/dovecot.conf" <<EOF
# Generated by tests/live/dovecot.sh -- private test instance, do not edit.
instance_name = imaptest-$(printf '%s' "$dir" | cksum | cut -d' ' -f1)
base_dir = $base
state_dir = $dir/state
log_path = $dir/dovecot.log
info_log_path = $dir/dovecot.log
debug_log_path = $dir/dovecot.log
auth_verbose = yes

protocols = imap
listen = 127.0.0.1
shutdown_clients = yes

default_login_user = dovenull
default_internal_user = dovecot

ssl = yes
ssl_cert = <$dir/cert.pem
ssl_key = <$dir/key.pem
$dh

disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256 xoauth2 oauthbearer
# Tests try wrong passwords on purpose: answer at once, and switch off the
# per-IP auth penalty (mode 0 on its socket is the documented way).
auth_failure_delay = 0

# XOAUTH2 / OAUTHBEARER: JWTs signed with the HS256 key in
# $dir/oauth2-keys, checked locally (no token endpoint); "sub" is the user.
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $dir/oauth2.conf.ext
}
passdb {
  driver = passwd-file
  mechanisms = plain login cram-md5 scram-sha-1 scram-sha-256
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dir/home/%u mail=maildir:~/Maildir allow_all_users=yes
}

mail_location = maildir:~/Maildir
first_valid_uid = 1
# METADATA (RFC 5464): entries kept in a file dict in each user's home.
mail_attribute_dict = file:%h/dovecot-attributes
mail_plugins = quota acl

namespace inbox {
  inbox = yes
  prefix =
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
  mailbox Archive {
    special_use = \\Archive
    auto = subscribe
  }
}

plugin {
  quota = maildir:User quota
  quota_rule = *:storage=100M
  acl = vfile
}

protocol imap {
  mail_plugins = \$mail_plugins imap_quota imap_acl imap_zlib
  mail_max_userip_connections = 100
  imap_metadata = yes
  imap_idle_notify_interval = 10 mins
}

service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}

service imap-login {
  # Long-lived login processes that are already connected to auth when a
  # client arrives: a client that pipelines right after connecting would
  # otherwise get "Waiting for authentication process to respond.."
  service_count = 0
  process_min_avail = 1
  inet_listener imap {
    port = $port
  }
  inet_listener imaps {
    port = $tlsport
    ssl = yes
  }
}
EOF
    chmod 0644 "$dir/dovecot.conf"
}

wait_ready() { # port
    # Ready = the greeting is the real one (auth connected), not "Waiting for
    # authentication process to respond..". LOGOUT keeps the log quiet.
    local _ greeting
    for _ in $(seq 1 100); do
        # shellcheck disable=SC2016 # $1 is expanded by the inner bash
        greeting=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
            IFS= read -r line <&3 || exit 1
            printf "x LOGOUT\r\n" >&3
            cat <&3 >/dev/null
            printf "%s" "$line"' _ "$1" 2>/dev/null) || greeting=
        case "$greeting" in
        "* OK [CAPABILITY"*) return 0 ;;
        esac
        sleep 0.1
    done
    return 1
}

cmd_start() {
    local dir port tlsport u attempt
    [ "$(id -u)" -eq 0 ] || die "must run as root (Dovecot switches to nobody/dovenull itself)"
    command -v dovecot >/dev/null || die "dovecot not installed; run scripts/deps.sh"
    dir=$(abs_dir "$1")
    case "$dir" in *[[:space:]]*) die "DIR must not contain whitespace: $dir" ;; esac
    [ "$dir" != / ] || die "refusing DIR=/"

    # Restart cleanly: stop a previous instance and remove only what we made.
    cmd_stop "$dir"
    mkdir -p "$dir"
    rm -rf "$(base_dir_for "$dir")" "${dir:?}/state" "${dir:?}/home" "${dir:?}/oauth2-keys"
    rm -f "$dir/dovecot.conf" "$dir/cert.pem" "$dir/key.pem" "$dir/users" \
        "$dir/env" "$dir/dovecot.log" "$dir/oauth2.conf.ext"
    chmod 0755 "$dir"

    # Self-signed certificate: the name is "localhost" only, so a client that
    # checks the host name must refuse 127.0.0.1 and accept localhost.
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" \
        -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
        >/dev/null 2>"$dir/openssl.err" || {
        cat "$dir/openssl.err" >&2
        die "openssl req failed"
    }
    rm -f "$dir/openssl.err"
    chmod 0600 "$dir/key.pem"
    chmod 0644 "$dir/cert.pem"

    cat >"$dir/users" <<'EOF'
testuser:{PLAIN}testpass
otheruser:{PLAIN}otherpass
EOF
    chmod 0644 "$dir/users"

    # OAuth2 (XOAUTH2, OAUTHBEARER): the HS256 key, base64 as Dovecot wants
    # it, under <azp>/<alg>/<kid> with the defaults "default"; tests sign
    # their JWTs with the same key (IMAPTEST_OAUTH2_KEY).
    mkdir -p "$dir/oauth2-keys/default/HS256"
    printf '%s' "$OAUTH2_KEY" | base64 -w0 >"$dir/oauth2-keys/default/HS256/default"
    printf '%s\n' 'introspection_mode = local' \
        "local_validation_key_dict = fs:posix:prefix=$dir/oauth2-keys/" \
        'username_attribute = sub' >"$dir/oauth2.conf.ext"
    chmod -R a+rX "$dir/oauth2-keys" "$dir/oauth2.conf.ext"

    mkdir -p "$dir/home/testuser/Maildir" "$dir/home/otheruser/Maildir"
    populate_mail "$dir/home/testuser/Maildir"
    make_maildir "$dir/home/otheruser/Maildir"
    chmod 0755 "$dir/home"
    chown -R nobody:nogroup "$dir/home/testuser" "$dir/home/otheruser"
    chmod -R u+rwX,go-rwx "$dir/home/testuser" "$dir/home/otheruser"

    # DIR's parents must let nobody and dovenull through.
    for u in nobody dovenull; do
        runuser -u "$u" -- test -x "$dir" ||
            die "$dir is not reachable by user $u (check parent directory permissions)"
    done

    # Pick ports and start under a lock so parallel starts do not collide; a
    # port taken by someone else between the check and Dovecot's bind gives
    # "Address already in use": pick again.
    exec 9>"$LOCKFILE"
    flock -w 60 9 || die "could not lock $LOCKFILE"
    for attempt in 1 2 3 4 5; do
        port=$(pick_port) || die "could not find a free port"
        tlsport=$(pick_port "$port") || die "could not find a free port"
        write_config "$dir" "$port" "$tlsport"
        : >"$dir/dovecot.log"
        chmod 0644 "$dir/dovecot.log" # readable for test reports
        if dovecot -c "$dir/dovecot.conf" 9>&- 2>"$dir/start.err"; then
            break
        fi
        if [ "$attempt" -lt 5 ] && grep -q 'Address already in use' "$dir/start.err"; then
            continue
        fi
        exec 9>&-
        cat "$dir/start.err" "$dir/dovecot.log" >&2 || true
        die "dovecot failed to start (config: $dir/dovecot.conf)"
    done
    if ! wait_ready "$port"; then
        exec 9>&-
        echo "dovecot.sh: dovecot did not accept connections on port $port" >&2
        cat "$dir/start.err" >&2 || true
        cat "$dir/dovecot.log" >&2 || true
        cmd_stop "$dir"
        exit 1
    fi
    exec 9>&-
    rm -f "$dir/start.err"

    cat >"$dir/env" <<EOF
IMAPTEST_HOST=127.0.0.1
IMAPTEST_PORT=$port
IMAPTEST_TLS_PORT=$tlsport
IMAPTEST_USER=testuser
IMAPTEST_PASSWORD=testpass
IMAPTEST_USER2=otheruser
IMAPTEST_PASSWORD2=otherpass
IMAPTEST_OAUTH2_KEY=$OAUTH2_KEY
IMAPTEST_CA=$dir/cert.pem
IMAPTEST_CERT_NAME=localhost
IMAPTEST_DIR=$dir
IMAPTEST_INBOX_COUNT=$(manifest_count INBOX)
IMAPTEST_INBOX_UNSEEN=$(manifest_count INBOX S absent)
IMAPTEST_INBOX_FLAGGED=$(manifest_count INBOX F)
IMAPTEST_INBOX_UIDVALIDITY=$UIDVALIDITY_INBOX
IMAPTEST_ARCHIVE_COUNT=$(manifest_count Archive)
IMAPTEST_ARCHIVE_UIDVALIDITY=$UIDVALIDITY_ARCHIVE
EOF
    chmod 0644 "$dir/env"
    echo "dovecot started in $dir: imap 127.0.0.1:$port, imaps 127.0.0.1:$tlsport"
}

[ $# -eq 2 ] || usage
case "$1" in
start) cmd_start "$2" ;;
stop) cmd_stop "$2" ;;
env) cmd_env "$2" ;;
*) usage ;;
esac
