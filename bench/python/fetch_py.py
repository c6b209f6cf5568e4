#!/usr/bin/env python3
"""One benchmark run in this process: log in, SELECT, FETCH, walk the result.

    fetch_py.py CLIENT WORKLOAD HOST PORT USER PASSWORD FOLDER

CLIENT is "ref" (IMAPClient 3.1.0: put its folder on PYTHONPATH),
"ours" (libimapclient's fetch(), the same dict the reference returns) or
"ours-stream" (libimapclient's fetch_each(): one message at a time; with
W2 the bodies go to /dev/null through the body sink).
WORKLOAD is W1 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)
or W2 (BODY.PEEK[]). Prints one line of key=value: what was walked
(messages, addresses, body parts, bytes) and the CPU time (user+sys) of the
fetch and walk, and of the whole process.
"""
import resource
import sys
import time

W1 = ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE"]
W2 = ["BODY.PEEK[]"]


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def parts(bs):
    if bs and isinstance(bs[0], list):
        return sum(parts(p) for p in bs[0])
    return 1


class Walk:
    def __init__(self):
        self.msgs = self.addrs = self.parts = self.bytes = self.flags = 0

    def w1(self, d):
        self.msgs += 1
        env = d[b"ENVELOPE"]
        for lst in (env.from_, env.sender, env.reply_to, env.to, env.cc, env.bcc):
            self.addrs += len(lst or ())
        self.parts += parts(d[b"BODYSTRUCTURE"])
        self.bytes += d[b"RFC822.SIZE"]
        self.flags += len(d[b"FLAGS"])
        d[b"INTERNALDATE"].year

    def w2(self, d):
        self.msgs += 1
        self.bytes += len(d[b"BODY[]"])

    def line(self):
        return "msgs=%d addrs=%d parts=%d bytes=%d flags=%d" % (
            self.msgs, self.addrs, self.parts, self.bytes, self.flags)


def main():
    client, workload, host, port, user, password, folder = sys.argv[1:8]
    if client == "ref":
        import imapclient as mod
    else:
        import libimapclient as mod
    t0, w0 = cpu(), time.monotonic()
    c = mod.IMAPClient(host, port=int(port), ssl=False)
    c.login(user, password)
    c.select_folder(folder, readonly=True)
    items = W1 if workload == "W1" else W2
    walk = Walk()
    step = walk.w1 if workload == "W1" else walk.w2
    t1 = cpu()
    if client == "ours-stream":
        sink_bytes = [0]

        def sink(seq, name, chunk):
            sink_bytes[0] += len(chunk)

        c.fetch_each("1:*", items, lambda k, d: step(d), sink=sink if workload == "W2" else None,
                     sink_min=4096)
        walk.bytes += sink_bytes[0]
    else:
        for msgid, d in c.fetch("1:*", items).items():
            step(d)
    t2 = cpu()
    c.logout()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("client=%s workload=%s %s fetch_cpu=%.3f cpu=%.3f wall=%.3f rss_kb=%d" % (
        client, workload, walk.line(), t2 - t1, cpu(), time.monotonic() - w0, rss))


if __name__ == "__main__":
    main()
