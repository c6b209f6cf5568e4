"""The extensions through the Python API against the private Dovecot 2.3
(tests/live/dovecot.sh): LIST-EXTENDED, LIST-STATUS, SPECIAL-USE,
METADATA, NOTIFY, BINARY, ESEARCH/ESORT, WITHIN, SAVEDATE, PREVIEW,
STATUS=SIZE, MULTIAPPEND. Where the reference can say the same thing
(folder_status() per folder, list_folders()), the results are compared
with IMAPClient 3.1.0's. Everything that changes happens in folders the
tests create and remove."""
import base64
import datetime
import imaplib
import logging
import ssl
import time
import uuid

import pytest

import libimapclient
from libimapclient import exceptions

MSG = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: %s\r\n\r\n%s\r\n"


@pytest.fixture
def scratch(client):
    name = "pyx-" + uuid.uuid4().hex[:8]
    client.create_folder(name)
    yield name
    try:
        if client._conn.state() == "SELECTED":
            client.unselect_folder()
        client.delete_folder(name)
    except imaplib.IMAP4.error:
        pass


@pytest.fixture
def other(dovecot):
    """A second session of the same user (to make changes others see)."""
    c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    c.login(dovecot.user, dovecot.password)
    yield c
    try:
        c.logout()
    except Exception:
        c.shutdown()


def test_list_status_same_as_folder_status_of_the_reference(client, ref_client):
    assert client.has_capability("LIST-STATUS")
    what = ["MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN"]
    got = client.list_status(what=what)
    # the same folders as the reference's list_folders(), each with the
    # STATUS the reference's folder_status() gives
    assert sorted(f.name for f in got) == sorted(n for _, _, n in ref_client.list_folders())
    for f in got:
        assert f.status == ref_client.folder_status(f.name, what), f.name
    inbox = next(f for f in got if f.name == "INBOX")
    assert inbox.status[b"MESSAGES"] == 8


def test_list_status_size(client, ref_client):
    got = {f.name: f.status for f in client.list_status(what=["MESSAGES", "SIZE"])}
    for name in ("INBOX", "Archive"):
        assert got[name] == client.folder_status(name, ["MESSAGES", "SIZE"])
        assert got[name][b"SIZE"] > 0
        # STATUS=SIZE: the reference sends the item as it is; same answer
        assert got[name] == ref_client.folder_status(name, ["MESSAGES", "SIZE"])


def test_list_extended_special_use_and_subscribed(client, scratch):
    got = client.list_extended(selection=["SPECIAL-USE"], returns=["CHILDREN", "SUBSCRIBED"])
    uses = {n: f for f, _, n in got}
    assert uses["Sent"] and b"\\Sent" in uses["Sent"]
    assert {"Sent", "Drafts", "Trash", "Junk", "Archive"} <= set(uses)
    assert all(b"\\Subscribed" in f for f in uses.values())  # auto = subscribe
    assert scratch not in uses
    # SUBSCRIBED selection: the scratch folder once subscribed, then gone
    assert scratch not in [f.name for f in client.list_extended(selection=["SUBSCRIBED"])]
    client.subscribe_folder(scratch)
    try:
        subs = {f.name: f for f in client.list_extended(patterns=[scratch, "INBOX"],
                                                        selection=["SUBSCRIBED"])}
        assert scratch in subs and not subs[scratch].nonexistent
        client.delete_folder(scratch)
        subs = {f.name: f for f in client.list_extended(patterns=scratch,
                                                        selection=["SUBSCRIBED"])}
        assert subs[scratch].nonexistent and b"\\NonExistent" in subs[scratch].flags
    finally:
        client.unsubscribe_folder(scratch)


def test_list_extended_recursivematch_childinfo(client):
    name = "pyx-" + uuid.uuid4().hex[:8]
    client.create_folder(name)
    client.create_folder(name + "/child")
    client.subscribe_folder(name + "/child")
    try:
        got = {f.name: f for f in client.list_extended(
            patterns=name + "%", selection=["SUBSCRIBED", "RECURSIVEMATCH"])}
        assert got[name].childinfo == (b"SUBSCRIBED",)
        got = client.list_extended(patterns=[name, name + "/*"], returns=["CHILDREN"],
                                   status=["MESSAGES"])
        by = {f.name: f for f in got}
        assert b"\\HasChildren" in by[name].flags
        assert by[name + "/child"].status == {b"MESSAGES": 0}
    finally:
        client.unsubscribe_folder(name + "/child")
        client.delete_folder(name + "/child")
        client.delete_folder(name)


def test_find_special_folder_same_as_reference(client, ref_client):
    for flag in (libimapclient.SENT, libimapclient.DRAFTS, libimapclient.TRASH,
                 libimapclient.JUNK, libimapclient.ARCHIVE, libimapclient.ALL):
        assert client.find_special_folder(flag) == ref_client.find_special_folder(flag)
    assert client.find_special_folder(libimapclient.SENT) == "Sent"


def test_create_folder_special_use_needs_create_special_use(client):
    assert not client.has_capability("CREATE-SPECIAL-USE")
    with pytest.raises(exceptions.CapabilityError):
        client.create_folder("pyx-never", special_use=libimapclient.SENT)
    assert not client.folder_exists("pyx-never")


def test_metadata_set_get_remove(client, scratch):
    assert client.has_capability("METADATA")
    text = client.set_metadata(scratch, {"/private/comment": "Grüße", "/shared/x": b"y"})
    assert isinstance(text, bytes)
    got = client.get_metadata(scratch, ["/private/comment", "/shared/x", "/private/none"])
    assert got[b"/private/comment"] == "Grüße".encode()
    assert got[b"/shared/x"] == b"y"
    assert got.get(b"/private/none") is None
    # server entries
    client.set_metadata(None, {"/private/pyx": scratch})
    try:
        assert client.get_metadata("", "/private/pyx") == {b"/private/pyx": scratch.encode()}
    finally:
        client.set_metadata("", {"/private/pyx": None})
    assert client.get_metadata("", "/private/pyx").get(b"/private/pyx") is None
    # removal
    client.set_metadata(scratch, {"/private/comment": None})
    assert client.get_metadata(scratch, "/private/comment").get(b"/private/comment") is None
    with pytest.raises(imaplib.IMAP4.error):
        client.get_metadata("pyx-no-such-" + scratch, "/private/comment")


def test_metadata_depth_and_maxsize(client, scratch):
    client.set_metadata(scratch, {"/private/pyx/a": "1", "/private/pyx/b": "x" * 100})
    got = client.get_metadata(scratch, "/private/pyx", depth=1)
    assert got[b"/private/pyx/a"] == b"1" and got[b"/private/pyx/b"] == b"x" * 100
    got = client.get_metadata(scratch, ["/private/pyx/a", "/private/pyx/b"], maxsize=10)
    assert got[b"/private/pyx/a"] == b"1"
    assert b"/private/pyx/b" not in got and got.longentries == 100


def _wait_events(c, pred, idle=True, timeout=10):
    seen = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if idle:
            rs = c.idle_check(timeout=0.5)
        else:
            rs = c.noop()[1]
            time.sleep(0.1)
        seen += libimapclient.notify_events(rs)
        if any(pred(e) for e in seen):
            return seen
    raise AssertionError("no such event; saw %r" % seen)


def test_notify_other_folders_and_names(client, other, scratch):
    assert client.has_capability("NOTIFY")
    client.notify_set(("PERSONAL", ["MessageNew", "MessageExpunge", "MailboxName"]))
    try:
        other.append(scratch, MSG % (b"notify", b"hello"))
        client.idle()
        try:
            seen = _wait_events(client, lambda e: e.kind == "STATUS" and e.mailbox == scratch)
            st = next(e for e in seen if e.kind == "STATUS" and e.mailbox == scratch)
            assert st.data[b"MESSAGES"] == 1
            new = scratch + "-new"
            other.create_folder(new)
            seen = _wait_events(client, lambda e: e.kind == "MAILBOX" and e.mailbox == new)
            other.delete_folder(new)
            seen = _wait_events(client, lambda e: e.kind == "MAILBOX" and e.mailbox == new
                                and e.nonexistent)
        finally:
            client.idle_done()
    finally:
        client.notify_none()


def test_notify_selected_new_message_with_fetch_attributes(client, other, scratch):
    client.select_folder(scratch)
    client.notify_set(libimapclient.NotifyGroup(
        "SELECTED", ["MessageNew", "MessageExpunge", "FlagChange"],
        fetch_attributes=["UID", "FLAGS"]))
    try:
        other.append(scratch, MSG % (b"sel", b"x"), flags=[libimapclient.FLAGGED])
        seen = _wait_events(client, lambda e: e.kind == "FETCH" and e.uid, idle=False)
        kinds = [e.kind for e in seen]
        assert "EXISTS" in kinds
        f = next(e for e in seen if e.kind == "FETCH" and e.uid)
        assert b"\\Flagged" in f.flags and f.data[b"UID"] == f.uid
    finally:
        client.notify_none()


def test_notify_unknown_event_refused_by_server(client):
    # Dovecot 2.3 cannot deliver metadata events: NO [BADEVENT ...]
    with pytest.raises(imaplib.IMAP4.error) as ei:
        client.notify_set(("PERSONAL", ["MailboxMetadataChange"]))
    assert "BADEVENT" in str(ei.value)
    client.noop()  # still usable


BIN_PART = bytes(range(256)) * 4


def _binary_message():
    b64 = base64.encodebytes(BIN_PART).replace(b"\n", b"\r\n")
    return (b"From: a@example.com\r\nSubject: binary\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n"
            b"--XX\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + b"--XX--\r\n")


def test_fetch_binary_savedate_preview(client, scratch):
    before = datetime.datetime.now() - datetime.timedelta(minutes=5)
    client.append(scratch, _binary_message())
    client.append(scratch, MSG % (b"preview", b"Hello preview world"))
    client.select_folder(scratch)
    uids = client.search()
    got = client.fetch(uids, ["BINARY.PEEK[1]", "BINARY.SIZE[1]", "SAVEDATE", "PREVIEW"])
    first, second = got[uids[0]], got[uids[1]]
    assert first[b"BINARY[1]"] == BIN_PART
    assert first[b"BINARY.SIZE[1]"] == len(BIN_PART)
    for m in (first, second):
        assert isinstance(m[b"SAVEDATE"], datetime.datetime)
        assert before <= m[b"SAVEDATE"] <= datetime.datetime.now() + datetime.timedelta(minutes=5)
    assert second[b"PREVIEW"] == b"Hello preview world"
    # streamed to a sink: the decoded bytes, never in the dict
    chunks = []
    client.fetch_each(uids[0], ["BINARY.PEEK[1]"], lambda m, d: None,
                      sink=lambda seq, name, chunk: chunks.append((name, chunk)), sink_min=1)
    assert b"".join(c for _, c in chunks) == BIN_PART
    assert {n for n, _ in chunks} == {b"BINARY[1]"}


def test_savedate_and_within_search(client, scratch):
    client.append(scratch, MSG % (b"old", b"x"),
                  msg_time=datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc))
    client.append(scratch, MSG % (b"new", b"y"))
    client.select_folder(scratch)
    old, new = client.search()
    assert client.search(["YOUNGER", 3600]) == [new]
    assert client.search(["OLDER", 3600]) == [old]
    today = datetime.date.today()
    assert client.search(["SAVEDSINCE", today - datetime.timedelta(days=1)]) == [old, new]
    assert client.search(["SAVEDBEFORE", today - datetime.timedelta(days=1)]) == []


def test_esearch_esort(client, ref_client):
    client.select_folder("INBOX", readonly=True)
    ref_client.select_folder("INBOX", readonly=True)
    all_ids = client.search()
    r = client.esearch(["ALL"], ["MIN", "MAX", "COUNT", "ALL"])
    assert r == {b"MIN": min(all_ids), b"MAX": max(all_ids), b"COUNT": len(all_ids),
                 b"ALL": sorted(all_ids)}
    for crit in (["ARRIVAL"], ["REVERSE", "SUBJECT"], ["FROM", "DATE"]):
        e = client.esort(crit, "ALL", ["ALL", "MIN", "MAX", "COUNT"])
        ref = ref_client.sort(crit)
        assert e[b"ALL"] == ref and e[b"COUNT"] == len(ref)
        assert e[b"MIN"] == ref[0] and e[b"MAX"] == ref[-1]
    with pytest.raises(exceptions.CapabilityError):  # Dovecot 2.3 has no PARTIAL
        client.search_partial("ALL", 1, 3)


def test_multiappend_same_messages_as_reference_append(client, ref_client, scratch):
    msgs = [MSG % (b"m%d" % i, b"body %d" % i) for i in range(3)]
    r = client.multiappend(scratch, [msgs[0], {"msg": msgs[1], "flags": [libimapclient.SEEN]},
                                     {"msg": msgs[2], "date": datetime.datetime(2021, 5, 6, 7, 8, 9)}])
    assert r[0] == "OK" and r[1][0].startswith(b"[APPENDUID ")
    ref_client.select_folder(scratch, readonly=True)
    got = ref_client.fetch("1:*", ["BODY.PEEK[]", "FLAGS"])
    assert [got[u][b"BODY[]"] for u in sorted(got)] == msgs
    assert b"\\Seen" in got[sorted(got)[1]][b"FLAGS"]


def test_multiappend_from_files(client, ref_client, scratch, tmp_path):
    # file objects: every message read a piece at a time while the command
    # goes out; LF line ends become CRLF as the reference's append() does
    paths = []
    for i in range(3):
        p = tmp_path / ("m%d.eml" % i)
        p.write_bytes((MSG % (b"f%d" % i, b"file body %d" % i)).replace(b"\r\n", b"\n"))
        paths.append(p)
    files = [open(p, "rb") for p in paths]
    try:
        r = client.multiappend(scratch, [files[0], b"Subject: mem\r\n\r\nfrom memory\r\n",
                                         {"msg": files[1], "flags": [libimapclient.FLAGGED]},
                                         files[2]])
    finally:
        for f in files:
            f.close()
    assert r[0] == "OK" and r[1][0].startswith(b"[APPENDUID ")
    ref_client.select_folder(scratch, readonly=True)
    got = ref_client.fetch("1:*", ["BODY.PEEK[]", "FLAGS"])
    bodies = [got[u][b"BODY[]"] for u in sorted(got)]
    want = [paths[0].read_bytes().replace(b"\n", b"\r\n"),
            b"Subject: mem\r\n\r\nfrom memory\r\n",
            paths[1].read_bytes().replace(b"\n", b"\r\n"),
            paths[2].read_bytes().replace(b"\n", b"\r\n")]
    assert bodies == want
    assert b"\\Flagged" in got[sorted(got)[2]][b"FLAGS"]


def test_enable_and_extension_checks_live(client, scratch):
    assert client.enable("CONDSTORE") == [b"CONDSTORE"]
    assert client.is_enabled("CONDSTORE") and not client.is_utf8()
    with pytest.raises(exceptions.CapabilityError):
        client.unauthenticate()  # Dovecot 2.3 has no UNAUTHENTICATE
    client.select_folder(scratch)
    with pytest.raises(exceptions.CapabilityError):
        client.replace(1, "INBOX", b"x")  # nor REPLACE
    with pytest.raises(exceptions.IllegalStateError):
        client.enable("QRESYNC")  # RFC 5161: not with a folder selected


def test_quirks_detected_live(dovecot, client, caplog):
    client.select_folder("INBOX", readonly=True)
    expected = client.search(["SUBJECT", "Grüße"], charset="UTF-8")
    assert expected
    with libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False) as c:
        assert c.quirks.name == "dovecot"
    q = libimapclient.Quirks.profile("yahoo")
    with caplog.at_level(logging.DEBUG, logger="libimapclient.imaplib"):
        with libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False,
                                      quirks=q) as c:
            assert c.quirks == q
            c.login(dovecot.user, dovecot.password)
            c.select_folder("INBOX", readonly=True)
            # search_no_charset: 8-bit text goes without CHARSET; Dovecot takes it
            assert c.search(["SUBJECT", "Grüße".encode()]) == expected
    sent = [r.getMessage() for r in caplog.records if "SEARCH" in r.getMessage()]
    assert sent and not any("CHARSET" in m for m in sent), sent


def test_tls_config_shared_and_resumed(dovecot):
    cfg = libimapclient.TLSConfig(cafile=dovecot.ca)
    assert cfg.verify and cfg.check_hostname
    resumed = []
    for _ in range(3):
        with libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.tls_port,
                                      ssl_context=cfg) as c:
            c.login(dovecot.user, dovecot.password)
            assert c._conn.is_tls()
            resumed.append(c.tls_resumed())
    assert resumed[0] is False and all(resumed[1:]), resumed
    # the same configuration for STARTTLS on the plain port
    c = libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.port, ssl=False,
                                 ssl_context=cfg)
    c.starttls()
    assert c._conn.is_tls()
    c.login(dovecot.user, dovecot.password)
    c.logout()
    # an ssl.SSLContext shared the same way shares its CA store, not sessions
    ctx = ssl.create_default_context(cafile=dovecot.ca)
    for _ in range(2):
        with libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.tls_port,
                                      ssl_context=ctx) as c:
            assert not c.tls_resumed()
    # without the session cache nothing is resumed
    cfg = libimapclient.TLSConfig(cafile=dovecot.ca, session_cache=False)
    for _ in range(2):
        with libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.tls_port,
                                      ssl_context=cfg) as c:
            assert not c.tls_resumed()


def test_tls_config_verification(dovecot):
    # the certificate is for "localhost": 127.0.0.1 fails the name check
    cfg = libimapclient.TLSConfig(cafile=dovecot.ca)
    with pytest.raises(ssl.SSLCertVerificationError):
        libimapclient.IMAPClient("127.0.0.1", port=dovecot.tls_port, ssl_context=cfg)
    # the system CAs do not know the test CA
    with pytest.raises(ssl.SSLCertVerificationError):
        libimapclient.IMAPClient(dovecot.cert_name, port=dovecot.tls_port,
                                 ssl_context=libimapclient.TLSConfig())
    cfg = libimapclient.TLSConfig(verify=False)
    with libimapclient.IMAPClient("127.0.0.1", port=dovecot.tls_port, ssl_context=cfg) as c:
        c.login(dovecot.user, dovecot.password)


def test_tls_config_bad_input(tmp_path):
    with pytest.raises(ssl.SSLError):
        libimapclient.TLSConfig(cafile=str(tmp_path / "missing.pem"))
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    with pytest.raises(ssl.SSLError):
        libimapclient.TLSConfig(certfile=str(bad))
    with pytest.raises(ValueError):
        libimapclient.TLSConfig(keyfile=str(bad))
    with pytest.raises(TypeError):
        libimapclient.TLSConfig(cafile=3)
    with pytest.raises(TypeError):
        libimapclient.IMAPClient("127.0.0.1", port=1, ssl_context=object())
