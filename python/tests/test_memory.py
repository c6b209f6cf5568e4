"""Memory: results are freed (reference counts right), RSS stays flat over
repeated large fetches, and streamed bodies never sit in memory."""
import gc
import os
import tracemalloc

import pytest

from libimapclient.testing import script_done, scripted_client

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def reset_peak():
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def peak():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


ENV = ('("Mon, 7 Feb 1994 21:52:25 -0800" "Subject number %d" '
       '(("Mary Smith" NIL "mary" "example.com")) NIL NIL '
       '(("Bob" NIL "bob" "example.org")(NIL NIL "carol" "example.net")) NIL NIL NIL "<%d@x>")')
BS = ('(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 120 3 NIL NIL NIL NIL)'
      '("APPLICATION" "PDF" ("NAME" "a.pdf") NIL NIL "BASE64" 4000 NIL ("attachment" '
      '("FILENAME" "a.pdf")) NIL NIL) "MIXED" ("BOUNDARY" "b") NIL NIL NIL)')


def big_script(n):
    head = ("S: * OK [CAPABILITY IMAP4rev1] hi\n"
            "C: A001 LOGIN u p\nS: A001 OK [CAPABILITY IMAP4rev1] in\n"
            "C: A002 SELECT INBOX\nS: * %d EXISTS\nS: A002 OK [READ-WRITE] ok\n"
            "C: A003 UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)\n"
            % n)
    body = "".join(
        'S: * %d FETCH (UID %d FLAGS (\\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" '
        "RFC822.SIZE %d ENVELOPE %s BODYSTRUCTURE %s)\n" % (i, i, 1000 + i, ENV % (i, i), BS)
        for i in range(1, n + 1))
    return head + body + "S: A003 OK done\n"


def run_fetch(script, n):
    c = scripted_client(script)
    c.login("u", "p")
    c.select_folder("INBOX")
    r = c.fetch("1:*", ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE",
                        "BODYSTRUCTURE"])
    assert len(r) == n and script_done(c)
    assert r[n][b"ENVELOPE"].subject == b"Subject number %d" % n
    c.shutdown()
    return r


def test_no_python_object_leak():
    """tracemalloc: after the results are dropped, nothing the conversion
    made is left behind (a missing DECREF shows up here)."""
    n = 2000
    script = big_script(n)
    run_fetch(script, n)  # warm caches (key cache, tz cache, interned objects)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(3):
            r = run_fetch(script, n)
            del r
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < 64 * 1024, after.compare_to(before, "lineno")[:10]


def test_20000_message_fetch_rss_flat():
    n = 20000
    script = big_script(n)
    sizes = []
    for _ in range(4):
        r = run_fetch(script, n)
        del r
        gc.collect()
        sizes.append(rss())
    # After the first round (allocator arenas warmed up), no growth.
    assert max(sizes[1:]) - sizes[1] < 8 * 1024 * 1024, sizes


def test_iter_fetch_holds_one_message_at_a_time():
    n = 20000
    script = big_script(n)
    c = scripted_client(script)
    c.login("u", "p")
    c.select_folder("INBOX")
    gc.collect()
    base = rss()
    count = 0
    for msgid, data in c.iter_fetch("1:*", ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE",
                                             "ENVELOPE", "BODYSTRUCTURE"]):
        count += 1
    assert count == n and script_done(c)
    assert rss() - base < 16 * 1024 * 1024


BIG = 100 * 1024 * 1024


@pytest.fixture(scope="module")
def big_folder(dovecot):
    """Folder "Big" with one 100 MB message, written into the maildir."""
    import libimapclient

    c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    c.login(dovecot.user, dovecot.password)
    if not c.folder_exists("Big"):
        c.create_folder("Big")
    md = dovecot.maildir("Big")
    st = os.stat(os.path.dirname(md))
    path = os.path.join(md, "cur", "1700000000.big.host:2,S")
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef\r\n"
    header = b"From: a@example.com\r\nSubject: big\r\n\r\n"
    with open(path, "wb") as f:
        f.write(header)
        left = BIG - len(header)
        block = line * (1024 * 1024 // len(line))
        while left > 0:
            f.write(block[:left])
            left -= len(block[:left])
    os.chown(path, st.st_uid, st.st_gid)
    c.logout()
    return "Big"


def test_100mb_body_streamed_to_file(dovecot, big_folder, tmp_path):
    import libimapclient

    c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    c.login(dovecot.user, dovecot.password)
    assert c.select_folder(big_folder, readonly=True)[b"EXISTS"] == 1
    out = tmp_path / "body.eml"
    sizes = []
    for _ in range(3):
        gc.collect()
        reset_peak()
        base = rss()
        with open(out, "wb") as f:
            seen = []
            c.fetch_each("1:*", ["BODY.PEEK[]"], lambda k, d: seen.append(d), sink=f)
        assert os.path.getsize(out) == BIG
        assert seen[0][b"BODY[]"] == b""
        assert peak() - base < 32 * 1024 * 1024  # the body never sat in memory
        sizes.append(rss())
    assert max(sizes) - sizes[0] < 8 * 1024 * 1024, sizes
    with open(out, "rb") as f:
        assert f.read(19) == b"From: a@example.com"
    c.logout()


def test_60mb_message_appended_from_a_file(dovecot, tmp_path):
    """append_stream() reads the file a piece at a time: a 60 MB message
    (the test account's quota is 100 MB) costs no 60 MB of memory."""
    import libimapclient

    path = tmp_path / "big.eml"
    line = b"x" * 76 + b"\n"
    with open(path, "wb") as f:
        f.write(b"From: a@example.com\nSubject: big\n\n")
        for _ in range(60 * 1024 * 1024 // len(line)):
            f.write(line)
    c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    c.login(dovecot.user, dovecot.password)
    folder = "stream-append-py-%d" % os.getpid()
    c.create_folder(folder)
    try:
        gc.collect()
        reset_peak()
        base = rss()
        with open(path, "rb") as f:
            r = c.append_stream(folder, f)
        assert b"APPENDUID" in r
        assert peak() - base < 32 * 1024 * 1024
        st = c.folder_status(folder, ["MESSAGES"])
        assert st[b"MESSAGES"] == 1
    finally:
        c.delete_folder(folder)
        c.logout()


def test_multiappend_of_files_in_flat_memory(dovecot, tmp_path):
    """multiappend() given file objects reads each a piece at a time while
    the one command goes out: 4 x 12 MB cost no 48 MB of memory."""
    import libimapclient

    line = b"y" * 76 + b"\n"
    paths = []
    for i in range(4):
        path = tmp_path / ("m%d.eml" % i)
        with open(path, "wb") as f:
            f.write(b"From: a@example.com\nSubject: part %d\n\n" % i)
            for _ in range(12 * 1024 * 1024 // len(line)):
                f.write(line)
        paths.append(path)
    c = libimapclient.IMAPClient(dovecot.host, port=dovecot.port, ssl=False)
    c.login(dovecot.user, dovecot.password)
    folder = "stream-multiappend-py-%d" % os.getpid()
    c.create_folder(folder)
    try:
        gc.collect()
        reset_peak()
        base = rss()
        files = [open(p, "rb") for p in paths]
        try:
            r = c.multiappend(folder, files)
        finally:
            for f in files:
                f.close()
        assert r[0] == "OK" and b"APPENDUID" in r[1][0]
        assert peak() - base < 24 * 1024 * 1024
        st = c.folder_status(folder, ["MESSAGES", "SIZE"] if c.has_capability("STATUS=SIZE")
                             else ["MESSAGES"])
        assert st[b"MESSAGES"] == 4
    finally:
        c.delete_folder(folder)
        c.logout()
