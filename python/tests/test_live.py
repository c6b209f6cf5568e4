"""Live tests against the private Dovecot (tests/live/dovecot.sh), most of
them differential: the same call through libimapclient and through the
reference IMAPClient 3.1.0 itself must give equal results."""
import dataclasses
import datetime
import imaplib
import os
import socket
import ssl
import threading
import time
import uuid

import pytest

import libimapclient
from libimapclient import exceptions

INBOX_COUNT = 8


def norm(x):
    """Make values of the two libraries comparable: dataclasses (Envelope,
    Address, Quota...) become (class name, fields); containers recurse."""
    if dataclasses.is_dataclass(x):
        return (type(x).__name__,) + tuple(norm(getattr(x, f.name))
                                           for f in dataclasses.fields(x))
    if isinstance(x, dict):
        return {k: norm(v) for k, v in x.items()}
    if isinstance(x, list):
        return [norm(v) for v in x]
    if isinstance(x, tuple):
        return tuple(norm(v) for v in x)
    return x


def both(client, ref_client, fn):
    a, b = fn(client), fn(ref_client)
    assert norm(a) == norm(b)
    assert type(a).__name__ == type(b).__name__
    return a


@pytest.fixture
def inbox(client, ref_client):
    client.select_folder("INBOX", readonly=True)
    ref_client.select_folder("INBOX", readonly=True)
    return client, ref_client


# ---- connecting -----------------------------------------------------------------


def test_welcome_and_capabilities(dovecot, reference_module):
    c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    r = reference_module.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    assert c.welcome == r.welcome
    assert set(c.capabilities()) == set(r.capabilities())
    c.login(dovecot.user, dovecot.password)
    r.login(dovecot.user, dovecot.password)
    assert set(c.capabilities()) == set(r.capabilities())
    assert c.has_capability("idle") == r.has_capability("idle") is True
    assert c.logout() == r.logout()


def test_tls_with_ca_file(dovecot):
    ctx = ssl.create_default_context(cafile=dovecot.ca)
    with libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.tls_port,
                                  ssl_context=ctx) as c:
        c.login(dovecot.user, dovecot.password)
        assert c._conn.is_tls()


def test_tls_hostname_check_fails_for_ip(dovecot):
    ctx = ssl.create_default_context(cafile=dovecot.ca)
    with pytest.raises(ssl.SSLCertVerificationError):
        libimapclient.IMAPClient("127.0.0.1", port=dovecot.tls_port, ssl_context=ctx)
    with pytest.raises(ssl.CertificateError):  # the same class, as in the reference
        libimapclient.IMAPClient("127.0.0.1", port=dovecot.tls_port, ssl_context=ctx)


def test_tls_default_context_refuses_self_signed(dovecot):
    with pytest.raises(ssl.SSLError):
        libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.tls_port)


def test_tls_verification_off(dovecot):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with libimapclient.IMAPClient("127.0.0.1", port=dovecot.tls_port, ssl_context=ctx) as c:
        c.login(dovecot.user, dovecot.password)


def test_starttls(dovecot):
    ctx = ssl.create_default_context(cafile=dovecot.ca)
    c = libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.port, ssl=False,
                                 ssl_context=ctx)
    c.starttls()
    assert c._conn.is_tls()
    with pytest.raises(exceptions.IMAPClientAbortError):
        c.starttls()
    c.login(dovecot.user, dovecot.password)
    c.logout()


def test_connect_refused_and_timeout(dovecot):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(OSError):
        libimapclient.IMAPClient("127.0.0.1", port=port, ssl=False)
    # A listener that never greets: the connect timeout fires.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    try:
        t = time.monotonic()
        with pytest.raises(socket.timeout):
            libimapclient.IMAPClient("127.0.0.1", port=srv.getsockname()[1], ssl=False,
                                     timeout=libimapclient.SocketTimeout(0.5, 5))
        assert time.monotonic() - t < 4
    finally:
        srv.close()


def test_stream_mode(dovecot):
    cmd = "nc -q 5 %s %d" % (dovecot.host, dovecot.port)
    c = libimapclient.IMAPClient(cmd, stream=True, ssl=False)
    c.login(dovecot.user, dovecot.password)
    assert c.select_folder("INBOX", readonly=True)[b"EXISTS"] == INBOX_COUNT
    c.logout()


def test_login_failure(dovecot, reference_module):
    for cls, exc in ((libimapclient.IMAPClient, exceptions.LoginError),
                     (reference_module.IMAPClient, reference_module.exceptions.LoginError)):
        c = cls(dovecot.host, port=dovecot.port, ssl=False)
        with pytest.raises(exc):
            c.login(dovecot.user, "wrong")
        with pytest.raises(imaplib.IMAP4.error):
            c.login(dovecot.user, "wrong")
        c.logout()


def test_other_logins(dovecot):
    for how in ("plain", "scram", "sasl"):
        c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
        if how == "plain":
            c.plain_login(dovecot.user, dovecot.password)
        elif how == "scram":
            c.scram_login(dovecot.user, dovecot.password)
        else:
            c.sasl_login("PLAIN", lambda _: "\0%s\0%s" % (dovecot.user, dovecot.password))
        assert c.select_folder("INBOX", readonly=True)[b"EXISTS"] == INBOX_COUNT
        c.logout()


# ---- the same answers as the reference --------------------------------------------


def test_folders_same_as_reference(client, ref_client):
    both(client, ref_client, lambda c: c.list_folders())
    both(client, ref_client, lambda c: c.list_folders("", "Work*"))
    both(client, ref_client, lambda c: c.list_sub_folders())
    both(client, ref_client, lambda c: c.namespace())
    both(client, ref_client, lambda c: c.folder_status("INBOX"))
    both(client, ref_client, lambda c: c.folder_status("Données", ["MESSAGES", "UIDNEXT"]))
    assert both(client, ref_client, lambda c: c.folder_exists("Work")) is True
    assert both(client, ref_client, lambda c: c.folder_exists("Nope")) is False
    for flag in (libimapclient.SENT, libimapclient.TRASH, libimapclient.ARCHIVE, b"\\Nope"):
        both(client, ref_client, lambda c: c.find_special_folder(flag))
    both(client, ref_client, lambda c: c.getacl("INBOX"))
    both(client, ref_client, lambda c: c.get_quota_root("INBOX"))
    both(client, ref_client, lambda c: c.get_quota())
    both(client, ref_client, lambda c: c.id_({"name": "test"}))


def test_select_same_as_reference(client, ref_client):
    both(client, ref_client, lambda c: c.select_folder("INBOX", readonly=True))
    # Re-selecting: Dovecot sends [CLOSED] for the folder left behind
    # (RFC 7162); both file it among the new folder's data, where it marks
    # where the old folder's responses end.
    a = client.select_folder("Archive", readonly=True)
    b = ref_client.select_folder("Archive", readonly=True)
    assert b"CLOSED" in a
    assert a == b


def test_search_same_as_reference(inbox):
    client, ref = inbox
    for crit in ("ALL", ["UNSEEN"], ["NOT", "SEEN"], ["FLAGGED"], ["SMALLER", 2000],
                 ["FROM", "alice"], ["SUBJECT", "report draft"], ["NOT", ["SEEN", "FLAGGED"]],
                 ["SINCE", datetime.date(2023, 3, 7)], 'OR SEEN FLAGGED',
                 ["OR", "SEEN", "FLAGGED"], ["TEXT", "nonexistent-word-xyz"]):
        both(client, ref, lambda c: c.search(crit))
    both(client, ref, lambda c: c.search(["SUBJECT", "München"], "UTF-8"))
    both(client, ref, lambda c: c.sort(["ARRIVAL"]))
    both(client, ref, lambda c: c.sort(["REVERSE", "DATE"], ["ALL"]))
    both(client, ref, lambda c: c.sort("SUBJECT", "UNSEEN"))
    assert both(client, ref, lambda c: c.thread()) == ((1, 3, 8), (2, 5), (4,), (6,), (7,))
    both(client, ref, lambda c: c.thread("ORDEREDSUBJECT", ["ALL"]))


def test_search_errors_same_classes(inbox):
    client, ref = inbox
    with pytest.raises(exceptions.InvalidCriteriaError):
        client.search(["NOSUCHKEY"])
    with pytest.raises(imaplib.IMAP4.error):
        ref.search(["NOSUCHKEY"])
    with pytest.raises(exceptions.InvalidCriteriaError):
        client.search([])


FETCH_ITEMS = [
    ["FLAGS"],
    ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE"],
    ["ENVELOPE"],
    ["BODYSTRUCTURE"],
    ["BODY"],
    ["BODY.PEEK[]"],
    ["BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)]"],
    ["BODY.PEEK[TEXT]<0.20>"],
    ["RFC822.HEADER"],
    ["ENVELOPE", "BODYSTRUCTURE", "FLAGS", "INTERNALDATE", "RFC822.SIZE"],
]


@pytest.mark.parametrize("items", FETCH_ITEMS, ids=lambda x: " ".join(x))
@pytest.mark.parametrize("use_uid", [True, False])
def test_fetch_same_as_reference(inbox, items, use_uid):
    client, ref = inbox
    client.use_uid = ref.use_uid = use_uid
    got = both(client, ref, lambda c: c.fetch("1:*", items))
    assert len(got) == INBOX_COUNT


def test_fetch_aware_times_same_as_reference(inbox):
    client, ref = inbox
    client.normalise_times = ref.normalise_times = False
    got = both(client, ref, lambda c: c.fetch([1, 2, 7], ["INTERNALDATE", "ENVELOPE"]))
    assert got[1][b"INTERNALDATE"].tzinfo is not None


def test_fetch_message_forms_same_as_reference(inbox):
    client, ref = inbox
    for msgs in (1, "2", b"3", [1, 3], (4, "5:6"), "7:*", range(1, 4)):
        both(client, ref, lambda c: c.fetch(msgs, "FLAGS"))
    both(client, ref, lambda c: c.get_flags([1, 2, 3]))


def test_fetch_modifiers_and_modseq(client, ref_client):
    client.select_folder("INBOX", readonly=True)
    ref_client.select_folder("INBOX", readonly=True)
    both(client, ref_client, lambda c: c.fetch("1:*", ["FLAGS", "MODSEQ"], ["CHANGEDSINCE 1"]))
    r = both(client, ref_client, lambda c: c.search(["MODSEQ", 1]))
    assert r.modseq is not None


def test_noop_same_as_reference(inbox):
    client, ref = inbox
    both(client, ref, lambda c: c.noop())


def test_illegal_state_same_base(client, ref_client):
    with pytest.raises(imaplib.IMAP4.error):
        client.fetch([1], ["FLAGS"])
    with pytest.raises(imaplib.IMAP4.error):
        ref_client.fetch([1], ["FLAGS"])


# ---- changes, checked through the reference --------------------------------------


@pytest.fixture
def scratch(client):
    name = "py-" + uuid.uuid4().hex[:8]
    client.create_folder(name)
    yield name
    try:
        client.unselect_folder() if client._conn.state() == "SELECTED" else None
        client.delete_folder(name)
    except imaplib.IMAP4.error:
        pass


MSG = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: %s\r\n\r\nbody %s\r\n"


def test_append_flags_expunge(client, ref_client, scratch):
    when = datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    r = client.append(scratch, MSG % (b"one", b"1"), [libimapclient.SEEN, "$Work"], when)
    assert r.startswith(b"[APPENDUID ")
    client.append(scratch, (MSG % (b"two", b"2")).decode())
    info = client.select_folder(scratch)
    assert info[b"EXISTS"] == 2
    uids = client.search()
    assert len(uids) == 2
    ref_client.select_folder(scratch, readonly=True)
    assert ref_client.fetch(uids[0], ["FLAGS"])[uids[0]][b"FLAGS"] == (b"\\Seen", b"$Work")
    ref_client.normalise_times = False
    dt = ref_client.fetch(uids[0], ["INTERNALDATE"])[uids[0]][b"INTERNALDATE"]
    assert dt == when
    assert b"\\Flagged" in client.add_flags(uids, [libimapclient.FLAGGED])[uids[1]]
    assert set(client.remove_flags(uids[0], "$Work")[uids[0]]) >= {b"\\Seen", b"\\Flagged"}
    assert client.set_flags(uids[1], [], silent=True) is None
    def no_recent(d):  # \\Recent belongs to the session that saw the message first
        return {k: tuple(f for f in v if f != libimapclient.RECENT) for k, v in d.items()}

    assert no_recent(client.get_flags(uids)) == no_recent(ref_client.get_flags(uids))
    client.delete_messages(uids[0])
    text, resps = client.expunge()
    assert (1, b"EXPUNGE") in resps
    assert client.search() == [uids[1]]
    client.close_folder()


def test_copy_move_uid_expunge(client, scratch):
    client.append(scratch, MSG % (b"a", b"a"))
    client.append(scratch, MSG % (b"b", b"b"))
    other = scratch + "-2"
    client.create_folder(other)
    try:
        client.select_folder(scratch)
        uids = client.search()
        assert client.copy(uids, other).startswith(b"[COPYUID ")
        assert client.move(uids[0], other).startswith(b"[COPYUID ") or True
        assert client.folder_status(other, ["MESSAGES"])[b"MESSAGES"] == 3
        client.delete_messages(uids[1])
        assert client.uid_expunge(uids[1]) == [b"1"]
        assert client.search() == []
        client.unselect_folder()
    finally:
        client.delete_folder(other)


def test_multiappend(client, scratch):
    r = client.multiappend(scratch, [MSG % (b"m1", b"1"),
                                     {"msg": MSG % (b"m2", b"2"), "flags": [libimapclient.SEEN],
                                      "date": datetime.datetime(2021, 5, 6, 7, 8, 9)}])
    assert r[0] == "OK"
    assert client.folder_status(scratch, ["MESSAGES"])[b"MESSAGES"] == 2


def test_folder_management(client, ref_client):
    name = "py-Dossier-" + uuid.uuid4().hex[:6] + " é"
    client.create_folder(name)
    assert ref_client.folder_exists(name)
    client.rename_folder(name, name + "2")
    assert client.folder_exists(name + "2") and not client.folder_exists(name)
    client.subscribe_folder(name + "2")
    assert any(f[2] == name + "2" for f in ref_client.list_sub_folders())
    client.unsubscribe_folder(name + "2")
    client.delete_folder(name + "2")
    assert not ref_client.folder_exists(name + "2")
    with pytest.raises(exceptions.IMAPClientError):
        client.delete_folder(name + "2")


def test_readonly_folder_refuses_changes(client):
    client.select_folder("INBOX", readonly=True)
    with pytest.raises(imaplib.IMAP4.error):
        client.add_flags(1, [libimapclient.SEEN])


# ---- IDLE and threads ---------------------------------------------------------------


def test_idle_sees_append(dovecot, client, scratch):
    client.select_folder(scratch)
    client.idle()
    other = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    other.login(dovecot.user, dovecot.password)
    other.append(scratch, MSG % (b"x", b"x"))
    other.logout()
    deadline = time.monotonic() + 10
    seen = []
    while time.monotonic() < deadline and (1, b"EXISTS") not in seen:
        seen += client.idle_check(timeout=1)
    text, _ = client.idle_done()
    assert (1, b"EXISTS") in seen
    assert isinstance(text, bytes)
    assert client.socket().fileno() >= 0


def test_gil_released_while_waiting(client):
    """idle_check() waiting in one thread lets another thread run."""
    client.select_folder("INBOX", readonly=True)
    client.idle()
    t = threading.Thread(target=client.idle_check, args=(1.5,))
    t.start()
    time.sleep(0.1)
    n = 0
    start = time.monotonic()
    while time.monotonic() - start < 0.5:
        n += 1
    t.join()
    client.idle_done()
    assert n > 10000  # the GIL was free: the loop ran while the wait went on


def test_clients_in_threads(dovecot):
    results = {}

    def work(i):
        with libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False) as c:
            c.login(dovecot.user, dovecot.password)
            c.select_folder("INBOX", readonly=True)
            results[i] = c.fetch("1:*", ["ENVELOPE", "BODYSTRUCTURE"])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    assert all(r == results[0] for r in results.values())


def test_object_shared_between_threads_refused(client):
    client.select_folder("INBOX", readonly=True)
    client.idle()
    t = threading.Thread(target=client.idle_check, args=(1.0,))
    t.start()
    time.sleep(0.1)
    with pytest.raises(RuntimeError):
        client.noop()
    t.join()
    client.idle_done()


def test_compress(client):
    client.compress()
    client.select_folder("INBOX", readonly=True)
    assert len(client.fetch("1:*", ["BODY.PEEK[]"])) == INBOX_COUNT


def test_interact_module_and_config(dovecot, tmp_path):
    from libimapclient import config

    ini = tmp_path / "conf.ini"
    ini.write_text(
        "[DEFAULT]\nhost = %s\nport = %d\nssl = false\nusername = %s\npassword = %s\n"
        % (dovecot.host, dovecot.port, dovecot.user, dovecot.password))
    conf = config.parse_config_file(str(ini))
    assert conf.host == dovecot.host and conf.port == dovecot.port and conf.ssl is False
    c = config.create_client_from_config(conf)
    assert c.select_folder("INBOX", readonly=True)[b"EXISTS"] == INBOX_COUNT
    c.logout()
    ini.write_text(
        "[DEFAULT]\nhost = %s\nport = %d\nssl = true\nssl_ca_file = %s\nusername = %s\n"
        "password = %s\n" % (dovecot.cert_name, dovecot.tls_port, dovecot.ca, dovecot.user,
                             dovecot.password))
    c = config.create_client_from_config(config.parse_config_file(str(ini)))
    assert c._conn.is_tls()
    c.logout()
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "libimapclient.interact", "-f", str(ini)],
                       input="print(c.select_folder('INBOX', readonly=True)[b'EXISTS'])\n",
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "%d" % INBOX_COUNT in p.stdout


def test_readme_getting_started_example(dovecot):
    """The README's Python example (the reference's, import line changed),
    run against the private Dovecot: only the host, port and account
    literals are replaced."""
    import contextlib
    import io
    import re

    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md")).read()
    block = readme.split("<!-- python-getting-started -->", 1)[1]
    code = re.search(r"```python\n(.*?)```", block, re.S).group(1)
    assert code.startswith("from libimapclient import IMAPClient\n")
    code = code.replace("'imap.mailserver.com', use_uid=True",
                        "%r, port=%d, ssl=False, use_uid=True" % (dovecot.host, dovecot.port))
    code = code.replace("'someuser', 'somepassword'", "%r, %r" % (dovecot.user, dovecot.password))
    code = code.replace("best-friend@domain.com", "alice@example.org")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert lines[0] == "%d messages in INBOX" % INBOX_COUNT
    n = int(lines[1].split()[0])
    assert n >= 1 and len(lines) == 2 + n
    assert re.match(r'ID #\d+: ".+" received \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$', lines[2])
    print(out.getvalue())
