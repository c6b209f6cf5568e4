#!/usr/bin/env bash
# Install the Debian 12 packages libimapclient needs: `deps.sh demo` what
# scripts/demo.sh needs, `deps.sh` (or `deps.sh test`) the full set for
# scripts/test.sh (with Cyrus, see below).
# Idempotent: does nothing (and never runs apt-get) when all are installed.
#
# Dovecot's package starts the system-wide dovecot service on 143/993 when it
# is installed; the tests run private instances (tests/live/dovecot.sh), so
# service start-up is blocked during the install and the service is stopped
# and disabled afterwards.
#
# The second live-test server, Cyrus IMAP 3.6 (tests/live/cyrus.sh), cannot
# be installed as a package next to Dovecot: cyrus-imapd and dovecot-imapd
# both provide imap-server and conflict. So cyrus-common (master, libraries)
# and sasl2-bin are installed without their recommends (cyrus-common
# recommends cyrus-imapd), and cyrus-imapd's .deb of the same version is
# only unpacked under CYRUS_ROOT, from where tests/live/cyrus.sh runs imapd.
set -euo pipefail

# What scripts/demo.sh needs: build the library, the program and the
# examples, and run them against a private Dovecot.
DEMO_PACKAGES=(
    build-essential cmake pkg-config
    libssl-dev zlib1g-dev
    libinih-dev libjansson-dev libedit-dev
    libcurl4-gnutls-dev # the program's OAuth2 token exchange (libetpan-dev needs this flavour)
    libgmime-3.0-dev    # examples/email_parse_gmime.c walks MIME parts with GMime
    libuv1-dev          # examples/watch_libuv.c, the event-loop example
    dovecot-imapd openssl
    iproute2 # ss, used by tests/live/dovecot.sh to pick free ports
)
# The rest of what scripts/test.sh needs: tests, sanitizers, valgrind, the
# benchmark peer, the Python package, the docs and the Debian package.
TEST_PACKAGES=(
    clang libclang-rt-14-dev clang-format valgrind
    libcmocka-dev
    libetpan-dev
    netcat-openbsd tmux python3 groff-base
    # the Python package (python/): Debian's Python 3.11 toolchain, no PyPI
    python3-dev python3-pip python3-setuptools python3-venv python3-pytest
    doxygen                             # the HTML API reference
    dpkg-dev debhelper fakeroot lintian # the Debian source package
)

case "${1:-test}" in
demo)
    PACKAGES=("${DEMO_PACKAGES[@]}")
    with_cyrus=0 # the demo runs against Dovecot only
    ;;
test)
    PACKAGES=("${DEMO_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
    with_cyrus=1
    ;;
*)
    echo "usage: $0 [demo|test]" >&2
    exit 2
    ;;
esac
# Installed with --no-install-recommends (see above).
NORECOMMENDS=(cyrus-common sasl2-bin)
[ "$with_cyrus" -eq 1 ] || NORECOMMENDS=()
CYRUS_ROOT=${CYRUS_ROOT:-/opt/libimapclient/cyrus-imapd}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for p in "${PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
done
missing_nr=()
for p in "${NORECOMMENDS[@]+"${NORECOMMENDS[@]}"}"; do
    installed "$p" || missing_nr+=("$p")
done

# The unpacked imapd must match cyrus-common's version (it links against
# its libraries).
cyrus_unpacked() {
    [ "$with_cyrus" -eq 1 ] || return 0 # not wanted: nothing to unpack
    local want
    want=$(dpkg-query -W -f='${Version}' cyrus-common 2>/dev/null) || return 1
    [ -x "$CYRUS_ROOT/usr/lib/cyrus/bin/imapd" ] &&
        [ "$(cat "$CYRUS_ROOT/VERSION" 2>/dev/null)" = "$want" ]
}

unpack_cyrus_imapd() {
    local ver tmp deb
    ver=$(dpkg-query -W -f='${Version}' cyrus-common)
    tmp=$(mktemp -d)
    # apt-get download runs as _apt when it can: let it write there.
    chmod 0777 "$tmp"
    (cd "$tmp" && run apt-get "${apt_opts[@]}" download "cyrus-imapd=$ver")
    deb=$(ls "$tmp"/cyrus-imapd_*.deb)
    rm -rf "$CYRUS_ROOT.new"
    mkdir -p "$CYRUS_ROOT.new"
    run dpkg-deb -x "$deb" "$CYRUS_ROOT.new"
    printf '%s\n' "$ver" >"$CYRUS_ROOT.new/VERSION"
    rm -rf "$CYRUS_ROOT" "$tmp"
    mv "$CYRUS_ROOT.new" "$CYRUS_ROOT"
}

stop_system_dovecot() {
    # Only the system instance (the one started from /etc/dovecot, pid file
    # /run/dovecot/master.pid); private test instances use their own config
    # and pid file and are left alone.
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl disable --now dovecot.service dovecot.socket >/dev/null 2>&1 || true
    else
        if [ -x /etc/init.d/dovecot ]; then
            /etc/init.d/dovecot stop >/dev/null 2>&1 || true
        fi
        if command -v update-rc.d >/dev/null 2>&1 && [ -e /etc/init.d/dovecot ]; then
            update-rc.d dovecot disable >/dev/null 2>&1 || true
        fi
    fi
}

# cyrus-common ships a cyrus-imapd service and pulls in exim4 as the MTA:
# neither may run (policy-rc.d kept them from starting during the install;
# with systemd they would start at the next boot).
disable_cyrus_services() {
    local s
    for s in cyrus-imapd exim4; do
        if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
            systemctl disable --now "$s.service" >/dev/null 2>&1 || true
        elif command -v update-rc.d >/dev/null 2>&1 && [ -e "/etc/init.d/$s" ]; then
            update-rc.d "$s" disable >/dev/null 2>&1 || true
        fi
    done
}

system_dovecot_running() {
    local pid
    pid=$(cat /run/dovecot/master.pid 2>/dev/null) || return 1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

if [ ${#missing[@]} -eq 0 ] && [ ${#missing_nr[@]} -eq 0 ] && cyrus_unpacked; then
    # Nothing to install; still make sure an earlier install did not leave
    # the system instance running.
    if [ "$(id -u)" -eq 0 ] && system_dovecot_running; then
        stop_system_dovecot
    fi
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing packages: ${missing[*]} ${missing_nr[*]}" \
        "(and/or Cyrus imapd unpacked in $CYRUS_ROOT)" >&2
    echo "deps.sh: not root; install them with: sudo $0" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# Block service start-up during the install (policy-rc.d exit 101 = action
# forbidden). Keep an existing policy-rc.d (Docker images ship one).
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    made_policy=1
fi
cleanup() {
    if [ -n "$made_policy" ]; then rm -f "$policy"; fi
}
trap cleanup EXIT

log=$(mktemp)
run() {
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "deps.sh: failed: $*" >&2
        rm -f "$log"
        exit 1
    fi
}

# Another apt/dpkg run (e.g. unattended upgrades) may hold the lock: wait.
apt_opts=(-o DPkg::Lock::Timeout=600 -q)
run apt-get "${apt_opts[@]}" update
if [ ${#missing[@]} -gt 0 ]; then
    run apt-get "${apt_opts[@]}" install -y "${missing[@]}"
fi
if [ ${#missing_nr[@]} -gt 0 ]; then
    run apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing_nr[@]}"
    disable_cyrus_services
fi
cyrus_unpacked || unpack_cyrus_imapd
rm -f "$log"

case " ${missing[*]} " in
*" dovecot-imapd "*) stop_system_dovecot ;;
*) if system_dovecot_running; then stop_system_dovecot; fi ;;
esac

for p in "${missing[@]}" "${missing_nr[@]}"; do
    installed "$p" || {
        echo "deps.sh: $p is still not installed" >&2
        exit 1
    }
done
# Dovecot must have survived the Cyrus packages (they must never replace it).
installed dovecot-imapd || {
    echo "deps.sh: dovecot-imapd is gone; cyrus-imapd must never be installed" >&2
    exit 1
}
cyrus_unpacked || {
    echo "deps.sh: imapd not unpacked in $CYRUS_ROOT" >&2
    exit 1
}
