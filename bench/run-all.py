#!/usr/bin/env python3
"""Run the benchmark workloads side by side (bench/README.md).

Called by bench/run-all.sh, which builds the clients; run that instead.

    run-all.py --bin DIR [--baseline-bin DIR --baseline-name NAME]
               [--out FILE] [--command TEXT] [WORKLOAD ...]

WORKLOAD: w1 w2 w3 w4 w4s w5 w6t idle (default: all). Environment: REPS
(default 5), SEED (5), SMOKE=1 (tiny sizes, one repetition: checks that
everything runs), CORPUS_CACHE (directory of generated mail kept between
runs, default /tmp/imapclient-bench-corpus).

Starts a private Dovecot (tests/live/dovecot.sh), puts the generated mail
in place, warms Dovecot's index and cache up, then runs every client of
every workload REPS times, each run in its own process, the clients
interleaved. For each run: the client's CPU (user+sys from wait4()), its
peak RSS (VmHWM), and the CPU that Dovecot's processes spent meanwhile (from
/proc). Ratios are taken within a repetition (to libetpan's run of the
same workload in the same repetition), then summarised as median and
range. Every client of a workload must report the same walk (messages,
envelopes, addresses, parts, bytes, flags, ids and a check value).
"""
import argparse
import datetime
import imaplib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMOKE = os.environ.get("SMOKE") == "1"
REPS = int(os.environ.get("REPS", "1" if SMOKE else "5"))
SEED = int(os.environ.get("SEED", "5"))
CACHE = os.environ.get("CORPUS_CACHE", "/tmp/imapclient-bench-corpus")

# Sizes of the workloads (SMOKE: tiny).
W1_N = 200 if SMOKE else 20000
W2_N, W2_SIZE = (20, 102400) if SMOKE else (2000, 102400)
W3_SIZE = 1048576 if SMOKE else 104857600
W4_N = 2000 if SMOKE else 106000
W5_N = 20 if SMOKE else 2000
IDLE_N = 5 if SMOKE else 50

ALL = ["w1", "w2", "w3", "w4", "w4s", "w5", "w6t", "idle"]
WALK = ["msgs", "envs", "addrs", "parts", "bytes", "flags", "uids", "check"]

# workload -> [(client kind, client workload, libetpan workload it is compared to)]
VARIANTS = {
    "w1": [("imc", "w1-stream", "w1"), ("imc", "w1-whole", "w1"), ("etpan", "w1", "w1"),
           ("flow", "w1", "w1")],
    "w2": [("imc", "w2-whole", "w2"), ("imc", "w2-stream", "w2"), ("etpan", "w2", "w2"),
           ("flow", "w2", "w2")],
    "w3": [("imc", "w3-whole", "w3"), ("etpan", "w3", "w3"), ("flow", "w3", "w3")],
    "w4": [("imc", "w4", "w4"), ("etpan", "w4", "w4"), ("flow", "w4", "w4")],
    "w4s": [("imc", "w4s", "w4s"), ("etpan", "w4s", "w4s")],
    "w5": [("imc", "w5", "w5"), ("etpan", "w5", "w5"), ("flow", "w5", "w5")],
    "w6t": [("imc", "w6t-ctx", "w6t"), ("imc", "w6t-config", "w6t"),
            ("imc", "w6t-default", "w6t"), ("imc", "w6t-sysca", "w6t"),
            ("etpan", "w6t", "w6t"), ("flow", "w6t", "w6t")],
    "idle": [("imc", "idle-plain", "idle-plain"), ("imc", "idle-tls", "idle-tls"),
             ("imc", "idle-tls-config", "idle-tls"), ("etpan", "idle-plain", "idle-plain"),
             ("etpan", "idle-tls", "idle-tls"), ("flow", "idle-plain", "idle-plain"),
             ("flow", "idle-tls", "idle-tls")],
}
# What the baseline build (before) runs: no TLS configurations there.
BASELINE_SKIP = {"w6t-config", "idle-tls-config"}


def say(*a):
    print("==", *a, file=sys.stderr, flush=True)


def die(msg):
    print("run-all: " + msg, file=sys.stderr)
    sys.exit(1)


# ---- Dovecot ------------------------------------------------------------------

class Dovecot:
    def __init__(self, d):
        self.dir = d
        subprocess.run(["bash", os.path.join(ROOT, "tests/live/dovecot.sh"), "start", d],
                       check=True, stdout=sys.stderr)
        self.env = {}
        with open(os.path.join(d, "env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                self.env[k] = v
        pidfile = os.path.join(d, "base", "master.pid")  # d is short: base_dir is in d
        self.master = int(open(pidfile).read().strip())

    def stop(self):
        subprocess.run(["bash", os.path.join(ROOT, "tests/live/dovecot.sh"), "stop",
                        self.dir], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def procs(self):
        """pid -> (ppid, comm, user+sys+children's, in ticks) of every process."""
        out = {}
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                s = open("/proc/%s/stat" % p).read()
            except OSError:
                continue
            comm = s[s.index("(") + 1:s.rindex(")")]
            f = s[s.rindex(")") + 2:].split()
            # fields after comm: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
            out[int(p)] = (int(f[1]), comm, sum(int(x) for x in f[11:15]))
        return out

    def tree(self, procs):
        kids = {}
        for pid, (ppid, _, _) in procs.items():
            kids.setdefault(ppid, []).append(pid)
        todo, seen = [self.master], []
        while todo:
            p = todo.pop()
            if p in procs:
                seen.append(p)
                todo.extend(kids.get(p, []))
        return seen

    def cpu(self):
        """CPU seconds of Dovecot's processes so far, reaped children included."""
        procs = self.procs()
        return sum(procs[p][2] for p in self.tree(procs)) / os.sysconf("SC_CLK_TCK")

    def imap_procs(self):
        procs = self.procs()
        return {p for p in self.tree(procs) if procs[p][1] == "imap"}

    def settle(self, before):
        """Wait until the imap processes of the last run are gone (and reaped)."""
        for _ in range(300):
            if self.imap_procs() <= before:
                break
            time.sleep(0.01)
        time.sleep(0.03)


def imap(dv, user="IMAPTEST_USER", password="IMAPTEST_PASSWORD"):
    m = imaplib.IMAP4(dv.env["IMAPTEST_HOST"], int(dv.env["IMAPTEST_PORT"]))
    m.login(dv.env[user], dv.env[password])
    return m


# ---- mail ----------------------------------------------------------------------

def corpus(kind, args, n, size=0):
    """A generated maildir in the cache (made once per set of arguments)."""
    key = "%s-n%d-s%d-seed%d" % (kind, n, size, SEED)
    path = os.path.join(CACHE, key)
    if not os.path.exists(os.path.join(path, "done")):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(CACHE, exist_ok=True)
        say("generating %s" % key)
        if kind == "blob":
            os.makedirs(path)
        out = subprocess.run([sys.executable, os.path.join(ROOT, "bench/gen-mail.py")] +
                             args + [str(n), path + ("/blob" if kind == "blob" else "/md"),
                                     str(SEED)],
                             check=True, capture_output=True, text=True).stdout.strip()
        with open(os.path.join(path, "done"), "w") as f:
            f.write(out + "\n")
    return path


def place(dv, src, folder, user="testuser"):
    dst = os.path.join(dv.dir, "home", user, "Maildir", "." + folder)
    if subprocess.run(["cp", "-al", src, dst], stderr=subprocess.DEVNULL).returncode:
        subprocess.run(["cp", "-a", src, dst], check=True)
    subprocess.run(["chown", "-R", "nobody:nogroup", dst], check=True)


def warm(dv, folder, commands):
    m = imap(dv)
    typ, data = m.select(folder)  # read-write: clears \Recent
    if typ != "OK":
        die("warm-up: SELECT %s: %r" % (folder, data))
    for cmd in commands:
        typ, data = cmd(m)
        if typ != "OK":
            die("warm-up of %s: %r" % (folder, data))
    m.logout()


def reset_w5(dv):
    m = imap(dv, "IMAPTEST_USER2", "IMAPTEST_PASSWORD2")
    m.delete("W5")
    typ, data = m.create("W5")
    if typ != "OK":
        die("CREATE W5: %r" % data)
    m.logout()


SEARCHES = ["ALL", "SEEN", "UNSEEN", "FLAGGED", "UNFLAGGED", "ANSWERED", "UNANSWERED",
            "LARGER 1000", "SMALLER 1000", "UID 1:60000", "UID 40000:*",
            "OR FLAGGED ANSWERED", "NOT LARGER 1500", "SEEN LARGER 800",
            "UNSEEN SMALLER 1200"]
SORTS = ["(ARRIVAL)", "(REVERSE ARRIVAL)", "(SIZE)", "(REVERSE SIZE)", "(DATE)"]


def prepare(dv, workloads):
    """Mail for each workload in place, Dovecot's index and cache warm."""
    w1items = "(UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE)"
    if "w1" in workloads:
        place(dv, corpus("w1", [], W1_N) + "/md", "W1")
        warm(dv, "W1", [lambda m: m.fetch("1:*", w1items)] * 2)
    if "w2" in workloads:
        place(dv, corpus("w2", ["--size", str(W2_SIZE)], W2_N, W2_SIZE) + "/md", "W2")
        warm(dv, "W2", [lambda m: m.fetch("1:*", "(UID BODY.PEEK[])")])
    if "w3" in workloads:
        place(dv, corpus("w3", ["--size", str(W3_SIZE)], 1, W3_SIZE) + "/md", "W3")
        warm(dv, "W3", [lambda m: m.fetch("1", "(UID BODY.PEEK[])")])
    if "w4" in workloads or "w4s" in workloads:
        place(dv, corpus("w4", ["--small"], W4_N) + "/md", "W4")
        cmds = [lambda m, s=s: m.uid("SEARCH", s) for s in SEARCHES]
        cmds += [lambda m, s=s: m.uid("SORT", s, "UTF-8", "UID", "1:100000") for s in SORTS]
        warm(dv, "W4", cmds * 2)
    if "w5" in workloads:
        corpus("blob", ["--blob"], W5_N)
    if "w6t" in workloads or "idle" in workloads:
        warm(dv, "INBOX", [])
    bundle = os.path.join(dv.dir, "bundle.pem")
    with open(bundle, "wb") as out:
        if os.path.exists("/etc/ssl/certs/ca-certificates.crt"):
            out.write(open("/etc/ssl/certs/ca-certificates.crt", "rb").read())
        out.write(open(dv.env["IMAPTEST_CA"], "rb").read())
    return bundle


# ---- runs ----------------------------------------------------------------------

def command(kind, binary, name, workload, dv, bundle):
    e = dv.env
    tls = workload.startswith("w6t") or workload.startswith("idle-tls")
    port = e["IMAPTEST_TLS_PORT"] if tls else e["IMAPTEST_PORT"]
    user, password = e["IMAPTEST_USER"], e["IMAPTEST_PASSWORD"]
    folder = {"w1": "W1", "w2": "W2", "w3": "W3", "w4": "W4", "w4s": "W4"}.get(
        workload.split("-")[0], "INBOX")
    arg = None
    if workload == "w5":
        user, password = e["IMAPTEST_USER2"], e["IMAPTEST_PASSWORD2"]
        folder = "W5"
        arg = os.path.join(corpus("blob", ["--blob"], W5_N), "blob")
    elif workload.startswith("w6t"):
        arg = e["IMAPTEST_CA"]  # the CA that ctx and config trust (loaded once)
    elif workload.startswith("idle"):
        arg = str(IDLE_N)
    if kind == "flow":
        cmd = ["node", "--expose-gc", os.path.join(ROOT, "bench/imapflow/bench.mjs")]
    else:
        cmd = [binary]
    cmd += [name, workload, e["IMAPTEST_HOST"], port, user, password, folder]
    if arg:
        cmd.append(arg)
    env = dict(os.environ)
    if workload == "w6t-sysca":
        env["SSL_CERT_FILE"] = bundle  # the "system" store: Debian's CAs + the test CA
    return cmd, env


def run_one(dv, cmd, env):
    before_imap = dv.imap_procs()
    d0 = dv.cpu()
    with tempfile.TemporaryFile() as ef:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=ef, env=env)
        out = p.stdout.read().decode()
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        ef.seek(0)
        err = ef.read().decode(errors="replace")
    dv.settle(before_imap)
    d1 = dv.cpu()
    sys.stderr.write(err)
    if p.returncode != 0 or not out.strip():
        # A client that fails is reported in the table, not fatal: the
        # other clients' runs still count.
        lines = err.strip().splitlines() or ["exit %d" % p.returncode]
        return {"failed": lines[-1][:200]}
    line = out.strip().splitlines()[-1]
    r = dict(kv.split("=", 1) for kv in line.split())
    r["cpu"] = ru.ru_utime + ru.ru_stime
    r["rss_kb"] = int(r["peak_rss_kb"])  # VmHWM (ru_maxrss counts our own memory)
    r["dovecot_cpu"] = d1 - d0
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--baseline-bin")
    ap.add_argument("--baseline-name", default="imapclient@main")
    ap.add_argument("--out")
    ap.add_argument("--command", default="bench/run-all.sh")
    ap.add_argument("--no-flow", action="store_true")
    ap.add_argument("--no-etpan", action="store_true")
    ap.add_argument("workloads", nargs="*")
    a = ap.parse_args()
    workloads = a.workloads or ALL
    for w in workloads:
        if w not in VARIANTS:
            die("unknown workload %s (known: %s)" % (w, " ".join(ALL)))
    if os.geteuid() != 0:
        die("must run as root (tests/live/dovecot.sh starts Dovecot)")

    clients = {"imc": (os.path.join(a.bin, "imc_bench"), "imapclient")}
    if not a.no_etpan:
        clients["etpan"] = (os.path.join(a.bin, "etpan_bench"), "libetpan")
    if not a.no_flow:
        clients["flow"] = (None, "imapflow")
    if a.baseline_bin:
        clients["base"] = (os.path.join(a.baseline_bin, "imc_bench"), a.baseline_name)

    load_start = open("/proc/loadavg").read().split()[:3]
    dvdir = "/tmp/imapclient-bench-dv%d" % os.getpid()
    dv = Dovecot(dvdir)
    runs = []
    try:
        say("preparing mail and warming Dovecot up")
        bundle = prepare(dv, workloads)
        for rep in range(REPS):
            for w in workloads:
                variants = []
                for kind, cw, base in VARIANTS[w]:
                    if kind in clients:
                        variants.append((kind, cw, base))
                    if kind == "imc" and "base" in clients and cw not in BASELINE_SKIP:
                        variants.append(("base", cw, base))
                k = rep % len(variants)  # rotate who goes first
                for kind, cw, base in variants[k:] + variants[:k]:
                    binary, name = clients[kind]
                    if w == "w5":
                        reset_w5(dv)
                    cmd, env = command(kind, binary, name, cw, dv, bundle)
                    r = run_one(dv, cmd, env)
                    r.update(rep=rep, wl=w, base=base, kind=kind)
                    r.setdefault("client", name)
                    r.setdefault("workload", cw)
                    runs.append(r)
                    if "failed" in r:
                        say("rep %d %-6s %-16s %-12s FAILED: %s" % (
                            rep + 1, w, name, cw, r["failed"]))
                        continue
                    say("rep %d %-6s %-16s %-12s cpu %.3f dovecot %.3f rss %d KB%s" % (
                        rep + 1, w, name, cw, r["cpu"], r["dovecot_cpu"], r["rss_kb"],
                        " per-conn %s KB" % r["per_conn_kb"] if w == "idle" else ""))
    finally:
        dv.stop()
        shutil.rmtree(dvdir, ignore_errors=True)
    load_end = open("/proc/loadavg").read().split()[:3]

    # Every client of a workload walked the same.
    for w in workloads:
        walks = {}
        for r in runs:
            if r["wl"] != w or "failed" in r:
                continue
            key = " ".join("%s=%s" % (f, r[f]) for f in WALK)
            if w == "idle" or w == "w6t":
                key = "msgs=%s" % r["msgs"]
            walks.setdefault(key, set()).add("%s %s" % (r["client"], r["workload"]))
        if len(walks) != 1:
            die("the clients of %s did not walk the same:\n%s" % (
                w, "\n".join("  %s: %s" % (k, ", ".join(sorted(v))) for k, v in walks.items())))

    report = table(runs, workloads, clients)
    info = [
        "Command: `%s`; %d repetition%s; seed %d%s." % (
            a.command, REPS, "" if REPS == 1 else "s", SEED, "; SMOKE sizes" if SMOKE else ""),
        "Load average (1, 5, 15 min) at the start: %s; at the end: %s." % (
            " ".join(load_start), " ".join(load_end)),
        "Machine: %d CPUs, %s; %s." % (os.cpu_count(), cpu_model(), platform.platform()),
        "Versions: Dovecot %s; libetpan %s; imapflow %s on node %s; %s." % (
            version(["dovecot", "--version"]).split(" ")[0],
            version(["dpkg-query", "-W", "-f", "${Version}", "libetpan-dev"]),
            flow_version(), version(["node", "--version"]), version(["gcc", "--version"])),
    ]
    text = report + "\n" + "\n".join("- " + i for i in info) + "\n"
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write("# Benchmarks, %s\n\n" % datetime.date.today().isoformat())
            f.write(text)
            f.write("\nRaw runs (one JSON object per run):\n\n```\n")
            for r in runs:
                f.write(json.dumps(r, sort_keys=True) + "\n")
            f.write("```\n")
        say("written to %s" % a.out)
    nfailed = sum(1 for r in runs if "failed" in r)
    if nfailed:
        die("%d run%s failed (see the table)" % (nfailed, "" if nfailed == 1 else "s"))


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0].strip()
    except (OSError, IndexError):
        return "?"


def flow_version():
    try:
        p = os.path.join(ROOT, "bench/imapflow/node_modules/imapflow/package.json")
        return json.load(open(p))["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


# ---- table ------------------------------------------------------------------------

def summary(values, fmt="%.2f"):
    if not values:
        return "-"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt % med
    return (fmt + " [" + fmt + "-" + fmt + "]") % (med, min(values), max(values))


LABELS = {
    "w1": "W1 FETCH UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE, %d msgs" % W1_N,
    "w2": "W2 BODY.PEEK[] of %d x %d KB" % (W2_N, W2_SIZE // 1024),
    "w3": "W3 BODY.PEEK[] of one %d MB message" % (W3_SIZE // 1048576),
    "w4": "W4 15 UID SEARCH over %d messages" % W4_N,
    "w4s": "W4s 5 UID SORT of UIDs 1:100000 (%d messages)" % W4_N,
    "w5": "W5 APPEND of %d x ~10 KB, one by one" % W5_N,
    "w6t": "W6t 50 x (TLS connect, LOGIN, SELECT, LOGOUT)",
    "idle": "Idle memory: %d connections logged in, INBOX selected" % IDLE_N,
}


def table(runs, workloads, clients):
    order = {"imc": 0, "base": 1, "etpan": 2, "flow": 3}
    lines = []
    for w in workloads:
        failed = [r for r in runs if r["wl"] == w and "failed" in r]
        rs = [r for r in runs if r["wl"] == w and "failed" not in r]
        etpan = {(r["rep"], r["workload"]): r for r in rs if r["kind"] == "etpan"}
        lines.append("### " + LABELS[w] + "\n")
        if w == "idle":
            lines.append("| client | form | KB per connection | / libetpan | CPU s | CPU / libetpan |")
            lines.append("| --- | --- | ---: | ---: | ---: | ---: |")
        else:
            lines.append("| client | form | CPU s | CPU / libetpan | CPU / Dovecot | "
                         "Dovecot CPU s | peak RSS MB | RSS / libetpan |")
            lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        keys = sorted({(r["kind"], r["client"], r["workload"]) for r in rs},
                      key=lambda k: (order[k[0]], [v[1] for v in VARIANTS[w]].index(k[2])
                                     if k[2] in [v[1] for v in VARIANTS[w]] else 0))
        for kind, client, cw in keys:
            mine = [r for r in rs if r["client"] == client and r["workload"] == cw]
            ratio, dratio, rssr, connr = [], [], [], []
            for r in mine:
                e = etpan.get((r["rep"], r["base"]))
                if e:
                    ratio.append(r["cpu"] / max(e["cpu"], 1e-9))
                    rssr.append(r["rss_kb"] / max(e["rss_kb"], 1))
                    if w == "idle":
                        connr.append(float(r["per_conn_kb"]) / max(float(e["per_conn_kb"]), 1))
                if r["dovecot_cpu"] > 0:
                    dratio.append(r["cpu"] / r["dovecot_cpu"])
            cpu = summary([r["cpu"] for r in mine], "%.3f")
            if w == "idle":
                lines.append("| %s | %s | %s | %s | %s | %s |" % (
                    client, cw, summary([float(r["per_conn_kb"]) for r in mine], "%.0f"),
                    summary(connr), cpu, summary(ratio)))
            else:
                lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                    client, cw, cpu, summary(ratio), summary(dratio),
                    summary([r["dovecot_cpu"] for r in mine], "%.3f"),
                    summary([r["rss_kb"] / 1024 for r in mine], "%.1f"), summary(rssr)))
        for kind, client, cw in sorted({(r["kind"], r["client"], r["workload"])
                                        for r in failed}):
            mine = [r for r in failed if r["client"] == client and r["workload"] == cw]
            lines.append("\n%s %s failed in %d of %d repetitions: `%s`" % (
                client, cw, len(mine), REPS, mine[0]["failed"]))
        lines.append("")
    lines.append("CPU: the client process's user+sys time (wait4), median [min-max] over the "
                 "repetitions; ratios are taken per repetition against libetpan's run of the "
                 "same workload, then summarised. CPU / Dovecot: the client's CPU over the CPU "
                 "Dovecot's processes spent during that run. Peak RSS: the client's VmHWM.")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
