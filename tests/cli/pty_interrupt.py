#!/usr/bin/env python3
"""Ctrl-C during a long fetch in the shell, through a pseudo-terminal whose
reader (this script) is slow, as a slow terminal is.

    pty_interrupt.py PROGRAM ARGS...

Starts the shell on a pty, waits for the prompt, types COMMAND (from the
environment variable PTY_COMMAND), reads about 200 KB of its output slowly,
types Ctrl-C, then reads on until the prompt is back. Then types
"noop" and "quit". Prints a summary line per fact for the test to check:
  after_ctrl_c_bytes N   output read between Ctrl-C and the prompt
  prompt_back yes|no
  noop_ok yes|no
  transcript: the last 2 KB of output
"""
import os
import pty
import select
import sys
import time

cmd = os.environ["PTY_COMMAND"]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

buf = b""


def read_some(timeout):
    global buf
    r, _, _ = select.select([fd], [], [], timeout)
    if not r:
        return 0
    try:
        data = os.read(fd, 65536)
    except OSError:
        return -1
    buf += data
    return len(data)


def wait_for(pattern, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if pattern in buf:
            return True
        if read_some(0.1) < 0:
            break
    return pattern in buf


ok = wait_for(b"imapclient Big", 15)
if not ok:
    print("no prompt; transcript:", buf[-2000:])
    sys.exit(1)
buf = b""
os.write(fd, cmd.encode() + b"\r")
# a slow terminal: 200 KB at about 1 MB/s
got = 0
while got < 200000:
    n = read_some(2)
    if n <= 0:
        break
    got += n
    time.sleep(n / 1000000.0)
os.write(fd, b"\x03")
mark = len(buf)
back = wait_for(b"fetch: interrupted after", 20) and wait_for(b"imapclient Big", 20)
after = len(buf) - mark
print("after_ctrl_c_bytes", after)
print("prompt_back", "yes" if back else "no")
buf = b""
os.write(fd, b"noop\r")
noop = wait_for(b"NOOP completed", 10)
print("noop_ok", "yes" if noop else "no")
os.write(fd, b"quit\r")
wait_for(b"\xff", 2)
try:
    os.waitpid(pid, 0)
except ChildProcessError:
    pass
print("transcript:", buf[-2000:].decode("utf-8", "replace"))
