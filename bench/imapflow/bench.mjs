// The imapflow benchmark client (bench/README.md, bench/run-all.sh): the
// workloads of bench/imc_bench.c that imapflow can do, in its own forms.
//
//   node bench.mjs NAME WORKLOAD HOST PORT USER PASSWORD FOLDER [ARG]
//
//   w1      fetch('1:*', {uid, flags, internalDate, size, envelope,
//           bodyStructure}) as an async iterator (imapflow streams; it also
//           decodes RFC 2047 words and dates, part of its cost)
//   w2, w3  fetch of the source (BODY.PEEK[]) of 1:* or 1
//   w4      15 search(..., {uid: true}); imapflow has no SORT (no w4s)
//   w5      append() of each message of the blob ARG to FOLDER
//   w6t     50 x (TLS connect, LOGIN, SELECT, LOGOUT), certificate not checked
//   idle-plain, idle-tls: ARG connections held open, RSS each adds (after GC)
//
// Prints the line of bench/bench.h.
import { ImapFlow } from 'imapflow';
import { readFileSync } from 'node:fs';

const [name, workload, host, port, user, pass, folder, arg] = process.argv.slice(2);
if (!folder) {
    console.error('usage: node bench.mjs NAME WORKLOAD HOST PORT USER PASSWORD FOLDER [ARG]');
    process.exit(2);
}

const w = { msgs: 0, envs: 0, addrs: 0, parts: 0, bytes: 0, flags: 0, uids: 0, check: 0 };
const fold = (v) => {
    w.check = (Math.imul(w.check, 1000003) + v) >>> 0;
};

function newClient(tls) {
    return new ImapFlow({
        host,
        port: Number(port),
        secure: tls,
        doSTARTTLS: false,
        tls: { rejectUnauthorized: false },
        auth: { user, pass },
        logger: false,
        disableAutoIdle: true
    });
}

async function session(tls, box, readOnly) {
    const c = newClient(tls);
    await c.connect();
    if (box) await c.mailboxOpen(box, { readOnly });
    return c;
}

function countParts(node) {
    let n = 1;
    for (const child of node.childNodes || []) n += countParts(child);
    return n;
}

const searches = [
    { all: true },
    { seen: true },
    { seen: false },
    { flagged: true },
    { flagged: false },
    { answered: true },
    { answered: false },
    { larger: 1000 },
    { smaller: 1000 },
    { uid: '1:60000' },
    { uid: '40000:*' },
    { or: [{ flagged: true }, { answered: true }] },
    { not: { larger: 1500 } },
    { seen: true, larger: 800 },
    { seen: false, smaller: 1200 }
];

// VmHWM: the peak of this program (ru_maxrss counts the runner that forked it).
const peakRss = () => Number(/VmHWM:\s*(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);

const rss = () => {
    global.gc?.();
    return Math.round(process.memoryUsage().rss / 1024);
};

let c0 = process.cpuUsage();
let extra = 0;
const t0 = process.hrtime.bigint();
try {
    if (workload === 'w1') {
        const c = await session(false, folder, true);
        c0 = process.cpuUsage();
        const q = { uid: true, flags: true, internalDate: true, size: true, envelope: true, bodyStructure: true };
        for await (const m of c.fetch('1:*', q)) {
            w.msgs++;
            if (m.envelope) {
                w.envs++;
                const e = m.envelope;
                w.addrs += (e.from || []).length + (e.to || []).length + (e.cc || []).length;
            }
            if (m.bodyStructure) w.parts += countParts(m.bodyStructure);
            if (typeof m.size === 'number') w.bytes += m.size;
            if (m.flags) w.flags += m.flags.size;
            if (m.uid) {
                w.uids++;
                fold(m.uid);
            }
        }
        await c.logout();
    } else if (workload === 'w2' || workload === 'w3') {
        const c = await session(false, folder, true);
        c0 = process.cpuUsage();
        for await (const m of c.fetch(workload === 'w2' ? '1:*' : '1', { source: true })) {
            w.msgs++;
            const b = m.source;
            w.bytes += b.length;
            if (b.length) fold(b[b.length >> 1]);
        }
        await c.logout();
    } else if (workload === 'w4') {
        const c = await session(false, folder, true);
        c0 = process.cpuUsage();
        for (const q of searches) {
            const ids = await c.search(q, { uid: true });
            w.msgs++;
            for (const id of ids) {
                w.uids++;
                fold(id);
            }
        }
        await c.logout();
    } else if (workload === 'w5') {
        const blob = readFileSync(arg);
        const msgs = [];
        for (let p = 0; p < blob.length; ) {
            const nl = blob.indexOf(10, p);
            const len = Number(blob.subarray(p, nl).toString());
            msgs.push(blob.subarray(nl + 1, nl + 1 + len));
            p = nl + 1 + len;
        }
        const c = await session(false, null, false);
        c0 = process.cpuUsage();
        for (const m of msgs) {
            await c.append(folder, m);
            w.msgs++;
            w.bytes += m.length;
        }
        await c.logout();
    } else if (workload === 'w6t') {
        c0 = process.cpuUsage();
        for (let i = 0; i < 50; i++) {
            const c = await session(true, 'INBOX', false);
            await c.logout();
            w.msgs++;
        }
    } else if (workload === 'idle-plain' || workload === 'idle-tls') {
        const n = Number(arg);
        const tls = workload === 'idle-tls';
        c0 = process.cpuUsage();
        const cs = [await session(tls, 'INBOX', false)];
        const before = rss();
        for (let i = 1; i < n; i++) cs.push(await session(tls, 'INBOX', false));
        const after = rss();
        for (const c of cs) await c.logout();
        extra = Math.round((after - before) / (n - 1));
        w.msgs = n;
    } else {
        throw new Error('unknown workload ' + workload);
    }
} catch (err) {
    console.error('bench.mjs ' + workload + ':', err && err.message ? err.message : err);
    process.exit(1);
}
const work = process.cpuUsage(c0);
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(
    `client=${name} workload=${workload} msgs=${w.msgs} envs=${w.envs} addrs=${w.addrs} parts=${w.parts} ` +
        `bytes=${w.bytes} flags=${w.flags} uids=${w.uids} check=${w.check} ` +
        `work_cpu=${((work.user + work.system) / 1e6).toFixed(4)} wall=${wall.toFixed(4)} ` +
        `peak_rss_kb=${peakRss()} per_conn_kb=${extra}`
);
