#!/usr/bin/env python3
"""A fault-injection TCP proxy for the tests: sits between the client and
the private Dovecot on loopback and, on command, delays, drops, black-holes
(stops forwarding without closing) or cuts connections at chosen byte
offsets.

    fault_proxy.py --upstream 127.0.0.1:PORT [--port 0]

It prints "LISTEN <port>" on stdout once listening, then reads one command
per line on stdin and answers each with one line "OK ..." (or "ERR ...").
It exits when stdin closes, so a test that dies takes the proxy with it.

Commands (they act on the connections open at that moment unless said):
    pass          forward normally from now on (ends delay and black holes
                  of later connections; open black holes stay black)
    delay MS      forward every chunk MS milliseconds late (0: no delay)
    drop          close every open connection now (FIN both ways)
    reset         the same with RST (SO_LINGER 0)
    blackhole     stop forwarding on every open connection, both ways,
                  without closing: what arrives is read and thrown away
    cut DIR N     close every open connection once N more bytes went in
                  direction DIR (c2s: client to server, s2c, or any):
                  exactly N bytes of it are forwarded first
    refuse N      close the next N accepted connections at once
    hang N        black-hole the next N accepted connections from the start
    stats         "OK accepted=A open=O c2s=B s2c=B"
    wait_open N T wait up to T ms until at least N connections are open
    quit          exit
"""
import argparse
import collections
import selectors
import socket
import struct
import sys
import time


class Pipe:
    """One proxied connection: client <-> upstream."""

    def __init__(self, proxy, client, upstream, black):
        self.proxy = proxy
        self.sock = {"c": client, "s": upstream}
        self.black = black
        self.closed = False
        # per direction: bytes waiting (due time, data), left before a cut
        self.queue = {"c2s": collections.deque(), "s2c": collections.deque()}
        self.cut = {"c2s": None, "s2c": None, "any": None}

    def close(self, rst=False):
        if self.closed:
            return
        self.closed = True
        for s in self.sock.values():
            try:
                self.proxy.sel.unregister(s)
            except (KeyError, ValueError):
                pass
            try:
                if rst:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
                s.close()
            except OSError:
                pass
        self.proxy.pipes.discard(self)

    def readable(self, side):
        s = self.sock[side]
        try:
            data = s.recv(65536)
        except (ConnectionError, OSError):
            data = b""
        if not data:
            self.close()
            return
        if self.black:
            return  # read and thrown away
        d = "c2s" if side == "c" else "s2c"
        due = time.monotonic() + self.proxy.delay_ms / 1000.0
        self.queue[d].append((due, data))
        self.flush()

    def flush(self):
        now = time.monotonic()
        for d in ("c2s", "s2c"):
            q = self.queue[d]
            while q and not self.closed and not self.black and q[0][0] <= now:
                _, data = q.popleft()
                self.send(d, data)

    def send(self, d, data):
        limit = None
        for key in (d, "any"):
            if self.cut[key] is not None:
                limit = self.cut[key] if limit is None else min(limit, self.cut[key])
        if limit is not None and len(data) >= limit:
            data = data[:limit]
            self.out(d, data)
            self.proxy.count[d] += len(data)
            self.close()
            return
        if limit is not None:
            for key in (d, "any"):
                if self.cut[key] is not None:
                    self.cut[key] -= len(data)
        self.out(d, data)
        self.proxy.count[d] += len(data)

    def out(self, d, data):
        s = self.sock["s" if d == "c2s" else "c"]
        try:
            s.setblocking(True)
            s.sendall(data)
            s.setblocking(False)
        except OSError:
            self.close()

    def next_due(self):
        due = None
        for q in self.queue.values():
            if q and (due is None or q[0][0] < due):
                due = q[0][0]
        return due


class Proxy:
    def __init__(self, upstream, port):
        self.upstream = upstream
        self.sel = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.sel.register(self.listener, selectors.EVENT_READ, ("accept", None))
        self.sel.register(sys.stdin, selectors.EVENT_READ, ("control", None))
        self.pipes = set()
        self.delay_ms = 0
        self.refuse = 0
        self.hang = 0
        self.accepted = 0
        self.count = {"c2s": 0, "s2c": 0}
        self.waiting = None  # (n, deadline) of a wait_open
        self.running = True

    def accept(self):
        try:
            client, _ = self.listener.accept()
        except OSError:
            return
        self.accepted += 1
        if self.refuse > 0:
            self.refuse -= 1
            client.close()
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            client.close()
            return
        for s in (client, upstream):
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        black = self.hang > 0
        if black:
            self.hang -= 1
        p = Pipe(self, client, upstream, black)
        self.pipes.add(p)
        self.sel.register(client, selectors.EVENT_READ, ("pipe", (p, "c")))
        self.sel.register(upstream, selectors.EVENT_READ, ("pipe", (p, "s")))

    def reply(self, text):
        sys.stdout.write(text + "\n")
        sys.stdout.flush()

    def command(self, line):
        words = line.split()
        if not words:
            return
        cmd, args = words[0], words[1:]
        try:
            if cmd == "pass":
                self.delay_ms = 0
                self.hang = self.refuse = 0
                self.reply("OK")
            elif cmd == "delay":
                self.delay_ms = int(args[0])
                self.reply("OK")
            elif cmd in ("drop", "reset"):
                n = len(self.pipes)
                for p in list(self.pipes):
                    p.close(rst=cmd == "reset")
                self.reply("OK %d" % n)
            elif cmd == "blackhole":
                for p in self.pipes:
                    p.black = True
                    for q in p.queue.values():
                        q.clear()
                self.reply("OK %d" % len(self.pipes))
            elif cmd == "cut":
                d, n = args[0], int(args[1])
                if d not in ("c2s", "s2c", "any"):
                    raise ValueError(d)
                for p in self.pipes:
                    p.cut[d] = n
                self.reply("OK %d" % len(self.pipes))
            elif cmd == "refuse":
                self.refuse = int(args[0])
                self.reply("OK")
            elif cmd == "hang":
                self.hang = int(args[0])
                self.reply("OK")
            elif cmd == "stats":
                self.reply("OK accepted=%d open=%d c2s=%d s2c=%d" % (
                    self.accepted, len(self.pipes), self.count["c2s"], self.count["s2c"]))
            elif cmd == "wait_open":
                self.waiting = (int(args[0]), time.monotonic() + int(args[1]) / 1000.0)
                self.check_wait()
            elif cmd == "quit":
                self.reply("OK")
                self.running = False
            else:
                self.reply("ERR unknown command %s" % cmd)
        except (IndexError, ValueError) as e:
            self.reply("ERR %s: %s" % (cmd, e))

    def check_wait(self):
        if not self.waiting:
            return
        n, deadline = self.waiting
        if len(self.pipes) >= n:
            self.waiting = None
            self.reply("OK %d" % len(self.pipes))
        elif time.monotonic() >= deadline:
            self.waiting = None
            self.reply("ERR only %d open" % len(self.pipes))

    def run(self):
        self.reply("LISTEN %d" % self.listener.getsockname()[1])
        buf = b""
        while self.running:
            due = None
            for p in self.pipes:
                d = p.next_due()
                if d is not None and (due is None or d < due):
                    due = d
            timeout = 0.05 if due is None else max(0.0, min(0.05, due - time.monotonic()))
            for key, _ in self.sel.select(timeout):
                kind, data = key.data
                if kind == "accept":
                    self.accept()
                elif kind == "control":
                    chunk = sys.stdin.buffer.read1(4096)
                    if not chunk:
                        self.running = False
                        break
                    buf += chunk
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        self.command(line.decode("ascii", "replace"))
                else:
                    pipe, side = data
                    if not pipe.closed:
                        pipe.readable(side)
            for p in list(self.pipes):
                p.flush()
            self.check_wait()
        for p in list(self.pipes):
            p.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the server")
    ap.add_argument("--port", type=int, default=0, help="port to listen on (0: any)")
    a = ap.parse_args()
    host, port = a.upstream.rsplit(":", 1)
    Proxy((host, int(port)), a.port).run()


if __name__ == "__main__":
    main()
