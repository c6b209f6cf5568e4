#!/usr/bin/env python3
"""Small IMAP chores for the examples' test, with Python's imaplib (so the
test needs neither the imapclient program nor the library under test).

    imap_tool.py ENV_FILE create FOLDER... | append FOLDER | delete FOLDER...
"""
import imaplib
import sys

env = dict(line.rstrip("\n").split("=", 1) for line in open(sys.argv[1]) if "=" in line)
cmd, args = sys.argv[2], sys.argv[3:]
imap = imaplib.IMAP4(env["IMAPTEST_HOST"], int(env["IMAPTEST_PORT"]))
imap.login(env["IMAPTEST_USER"], env["IMAPTEST_PASSWORD"])
for folder in args:
    if cmd == "create":
        typ, _ = imap.create(folder)
    elif cmd == "delete":
        typ, _ = imap.delete(folder)
    elif cmd == "append":
        msg = b"From: tester@example.org\r\nSubject: new mail\r\n\r\nhello\r\n"
        typ, _ = imap.append(folder, None, None, msg)
    else:
        sys.exit("unknown command " + cmd)
    if typ != "OK" and cmd != "delete":
        sys.exit("%s %s: %s" % (cmd, folder, typ))
imap.logout()
