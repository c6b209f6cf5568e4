"""Fixtures: scripted clients and the private Dovecot of tests/live/.

The live fixture starts tests/live/dovecot.sh in a temporary directory (as
the C live tests do) unless IMAPTEST_HOST is already set. Without root or
Dovecot the live tests are skipped, unless LIBIMAPCLIENT_REQUIRE_LIVE=1
(scripts/test.sh sets it), which makes that a failure.
"""
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOVECOT_SH = os.path.join(ROOT, "tests", "live", "dovecot.sh")
_REF_CANDIDATES = [
    os.environ.get("IMAPCLIENT_REFERENCE", ""),
    os.path.join(ROOT, "..", "shared", "reference", "imapclient-3.1.0"),
    os.path.join(ROOT, "..", "..", "shared", "reference", "imapclient-3.1.0"),
    "/work/shared/reference/imapclient-3.1.0",
]
REFERENCE = next((p for p in _REF_CANDIDATES if p and os.path.isdir(os.path.join(p, "imapclient"))),
                 _REF_CANDIDATES[1])


def _read_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and "=" in line:
                k, v = line.split("=", 1)
                env[k] = v
    return env


class Dovecot:
    def __init__(self, env):
        self.env = env
        self.host = env["IMAPTEST_HOST"]
        self.port = int(env["IMAPTEST_PORT"])
        self.tls_port = int(env["IMAPTEST_TLS_PORT"])
        self.user = env["IMAPTEST_USER"]
        self.password = env["IMAPTEST_PASSWORD"]
        self.ca = env["IMAPTEST_CA"]
        self.cert_name = env.get("IMAPTEST_CERT_NAME", "localhost")
        self.dir = env.get("IMAPTEST_DIR")

    def maildir(self, folder, user=None):
        user = user or self.user
        base = os.path.join(self.dir, "home", user, "Maildir")
        return base if folder == "INBOX" else os.path.join(base, "." + folder)


@pytest.fixture(scope="session")
def dovecot():
    if os.environ.get("IMAPTEST_HOST") and os.environ.get("IMAPTEST_DIR"):
        yield Dovecot(dict(os.environ))
        return
    require = os.environ.get("LIBIMAPCLIENT_REQUIRE_LIVE") == "1"
    why = None
    if os.geteuid() != 0:
        why = "live tests need root (tests/live/dovecot.sh)"
    elif not shutil.which("dovecot") and not os.path.exists("/usr/sbin/dovecot"):
        why = "dovecot is not installed (scripts/deps.sh)"
    if why:
        if require:
            pytest.fail(why)
        pytest.skip(why)
    d = tempfile.mkdtemp(prefix="libimapclient-pytest.")
    try:
        subprocess.run(["bash", DOVECOT_SH, "start", d], check=True,
                       stdout=subprocess.DEVNULL)
        yield Dovecot(_read_env(os.path.join(d, "env")))
    finally:
        subprocess.run(["bash", DOVECOT_SH, "stop", d], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def client(dovecot):
    """A logged-in plain-IMAP client (libimapclient)."""
    import libimapclient

    c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    c.login(dovecot.user, dovecot.password)
    yield c
    try:
        c.logout()
    except Exception:
        c.shutdown()


@pytest.fixture(scope="session")
def reference_module():
    """The reference IMAPClient 3.1.0 (read-only, imported from shared/)."""
    import importlib
    import sys

    path = os.path.abspath(REFERENCE)
    if not os.path.isdir(os.path.join(path, "imapclient")):
        if os.environ.get("LIBIMAPCLIENT_REQUIRE_LIVE") == "1":
            pytest.fail("reference IMAPClient not found at %s" % path)
        pytest.skip("reference IMAPClient not found at %s" % path)
    sys.path.insert(0, path)
    try:
        return importlib.import_module("imapclient")
    finally:
        sys.path.remove(path)


@pytest.fixture
def ref_client(dovecot, reference_module):
    c = reference_module.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    c.login(dovecot.user, dovecot.password)
    yield c
    try:
        c.logout()
    except Exception:
        c.shutdown()
