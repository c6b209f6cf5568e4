#!/usr/bin/env python3
"""The other side of the examples' live tests: a second IMAP client
(Python's imaplib, so the examples are checked by a client that shares no
code with them) that appends, checks and cleans up on the private Dovecot.

    imap_helper.py append USER PASS FOLDER SUBJECT...
        append one small message per subject
    imap_helper.py purge USER PASS FOLDER TEXT
        delete the messages whose Subject contains TEXT
    imap_helper.py verify USER PASS FOLDER FILE...
        the folder must hold exactly the given messages, each byte for byte
        as sent with its line ends made CRLF (the examples normalise them)
    imap_helper.py count USER PASS FOLDER SEARCH-KEY...
        print how many messages of the folder match (e.g. SEEN, ALL)
    imap_helper.py delete-folder USER PASS FOLDER

Host and port come from IMAPTEST_HOST and IMAPTEST_PORT.
"""
import hashlib
import imaplib
import os
import re
import sys


def connect(user, password):
    m = imaplib.IMAP4(os.environ["IMAPTEST_HOST"], int(os.environ["IMAPTEST_PORT"]))
    m.login(user, password)
    return m


def quote(folder):
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def crlf(data):
    return re.sub(rb"\r\n|\r|\n", b"\r\n", data)


def append(user, password, folder, subjects):
    m = connect(user, password)
    for s in subjects:
        msg = ("From: Watch Test <watch@example.org>\r\n"
               "To: %s@example.org\r\n"
               "Subject: %s\r\n"
               "\r\n"
               "appended by tests/examples/imap_helper.py\r\n" % (user, s)).encode()
        typ, data = m.append(quote(folder), None, None, msg)
        if typ != "OK":
            sys.exit("append %s: %r" % (s, data))
    m.logout()


def purge(user, password, folder, text):
    m = connect(user, password)
    typ, _ = m.select(quote(folder))
    if typ == "OK":
        typ, data = m.uid("SEARCH", "SUBJECT", quote(text))
        uids = data[0].split() if typ == "OK" and data[0] else []
        if uids:
            m.uid("STORE", b",".join(uids), "+FLAGS.SILENT", "(\\Deleted)")
            m.expunge()
    m.logout()


def verify(user, password, folder, files):
    want = {}
    for f in files:
        with open(f, "rb") as fh:
            h = hashlib.sha256(crlf(fh.read())).hexdigest()
        want[h] = want.get(h, 0) + 1
    m = connect(user, password)
    typ, data = m.select(quote(folder), readonly=True)
    if typ != "OK":
        sys.exit("verify: cannot open %s: %r" % (folder, data))
    got = {}
    count = int(data[0])
    if count:
        typ, data = m.fetch("1:*", "(BODY.PEEK[])")
        if typ != "OK":
            sys.exit("verify: fetch: %r" % data)
        for item in data:
            if isinstance(item, tuple):
                h = hashlib.sha256(item[1]).hexdigest()
                got[h] = got.get(h, 0) + 1
    m.logout()
    if got != want:
        missing = sum(max(0, n - got.get(h, 0)) for h, n in want.items())
        extra = sum(max(0, n - want.get(h, 0)) for h, n in got.items())
        sys.exit("verify: %s holds %d messages; %d of the %d sent are missing or "
                 "differ, %d are unexpected" % (folder, count, missing, len(files), extra))
    print("verified: %s holds the %d messages, byte for byte" % (folder, len(files)))


def count(user, password, folder, key):
    m = connect(user, password)
    typ, data = m.select(quote(folder), readonly=True)
    if typ != "OK":
        sys.exit("count: cannot open %s: %r" % (folder, data))
    typ, data = m.search(None, *key)
    if typ != "OK":
        sys.exit("count: search: %r" % data)
    print(len(data[0].split()) if data[0] else 0)
    m.logout()


def delete_folder(user, password, folder):
    m = connect(user, password)
    m.delete(quote(folder))
    m.logout()


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    cmd, user, password, folder = argv[1:5]
    rest = argv[5:]
    if cmd == "append":
        append(user, password, folder, rest)
    elif cmd == "purge" and len(rest) == 1:
        purge(user, password, folder, rest[0])
    elif cmd == "verify":
        verify(user, password, folder, rest)
    elif cmd == "count" and rest:
        count(user, password, folder, rest)
    elif cmd == "delete-folder":
        delete_folder(user, password, folder)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
