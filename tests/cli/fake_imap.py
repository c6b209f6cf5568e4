#!/usr/bin/env python3
"""A tiny IMAP server on stdin/stdout for `--stream` / `stream = true`:
it offers AUTH=XOAUTH2 and accepts exactly one access token, and
AUTH=EXTERNAL, which it accepts with any authorization identity.

    fake_imap.py LOGFILE USER ACCESS_TOKEN

Every AUTHENTICATE XOAUTH2 payload it receives is decoded and appended to
LOGFILE, so the test can check what the client really sent. An ID command
with "die" in it makes the server exit without answering (a lost
connection).
"""
import base64
import sys

LOG, USER, TOKEN = sys.argv[1], sys.argv[2], sys.argv[3]
CAPS = "IMAP4rev1 AUTH=XOAUTH2 AUTH=EXTERNAL SASL-IR ID"
out = sys.stdout.buffer


def send(line):
    out.write(line.encode() + b"\r\n")
    out.flush()


send("* OK [CAPABILITY %s] fake server ready" % CAPS)
state = "nonauth"
for raw in sys.stdin.buffer:
    line = raw.decode("utf-8", "replace").rstrip("\r\n")
    parts = line.split(" ")
    tag, cmd = parts[0], (parts[1].upper() if len(parts) > 1 else "")
    if cmd == "CAPABILITY":
        send("* CAPABILITY " + CAPS)
        send(tag + " OK done")
    elif cmd == "AUTHENTICATE" and len(parts) >= 3 and parts[2].upper() == "XOAUTH2":
        if len(parts) >= 4:
            payload = parts[3]
        else:
            send("+ ")
            payload = sys.stdin.buffer.readline().decode().strip()
        decoded = base64.b64decode(payload).decode("utf-8", "replace")
        with open(LOG, "a") as f:
            f.write(decoded.replace("\x01", "^A") + "\n")
        if decoded == "user=%s\x01auth=Bearer %s\x01\x01" % (USER, TOKEN):
            state = "auth"
            send(tag + " OK [CAPABILITY IMAP4rev1 ID] authenticated")
        else:
            send(tag + " NO [AUTHENTICATIONFAILED] invalid token")
    elif cmd == "AUTHENTICATE" and len(parts) >= 3 and parts[2].upper() == "EXTERNAL":
        if len(parts) >= 4:
            payload = parts[3]
        else:
            send("+ ")
            payload = sys.stdin.buffer.readline().decode().strip()
        authzid = "" if payload == "=" else base64.b64decode(payload).decode()
        with open(LOG, "a") as f:
            f.write("EXTERNAL " + authzid + "\n")
        state = "auth"
        send(tag + " OK [CAPABILITY IMAP4rev1 ID] authenticated")
    elif cmd == "NOOP":
        send(tag + " OK NOOP done")
    elif cmd == "ID" and "die" in line:
        break  # the connection drops without a word: the client's ABORT
    elif cmd == "ID":
        send('* ID ("name" "fake")')
        send(tag + " OK ID done")
    elif cmd == "LOGOUT":
        send("* BYE bye")
        send(tag + " OK LOGOUT done")
        break
    else:
        send(tag + " BAD unknown command")
