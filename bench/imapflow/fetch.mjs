// FETCH benchmark, imapflow side (see bench/README.md, "## fetch").
//
//   node fetch.mjs HOST PORT USER PASSWORD FOLDER
//
// The same work as bench/fetch_imapclient.c: open FOLDER read-only over
// plain IMAP, fetch ENVELOPE BODYSTRUCTURE FLAGS INTERNALDATE RFC822.SIZE of
// 1:* through imapflow's async iterator, walk each message (envelopes,
// From/To/Cc addresses, body parts counted recursively, nested
// message/rfc822 included) and print the same key=value line: CPU time of
// the process (process.cpuUsage(), user+sys; fetch_cpu: the part spent in
// the fetch loop), wall time of connect to
// logout, and peak RSS (process.resourceUsage().maxRSS, in KB).
import { ImapFlow } from 'imapflow';

const [host, port, user, pass, folder] = process.argv.slice(2);
if (!folder) {
    console.error('usage: node fetch.mjs HOST PORT USER PASSWORD FOLDER');
    process.exit(2);
}

function countParts(node) {
    let n = 1;
    for (const child of node.childNodes || []) n += countParts(child);
    return n;
}

const t0 = process.hrtime.bigint();
const client = new ImapFlow({
    host,
    port: Number(port),
    secure: false,
    doSTARTTLS: false, // plain IMAP, as the C clients
    auth: { user, pass },
    logger: false,
    disableAutoIdle: true
});

let c0, fetchCpu;
const w = { msgs: 0, envs: 0, addrs: 0, parts: 0, bytes: 0, flags: 0 };
try {
    await client.connect();
    await client.mailboxOpen(folder, { readOnly: true });
    const query = { envelope: true, bodyStructure: true, flags: true, internalDate: true, size: true };
    c0 = process.cpuUsage();
    for await (const m of client.fetch('1:*', query)) {
        w.msgs++;
        if (m.envelope) {
            w.envs++;
            const e = m.envelope;
            w.addrs += (e.from || []).length + (e.to || []).length + (e.cc || []).length;
        }
        if (m.bodyStructure) w.parts += countParts(m.bodyStructure);
        if (typeof m.size === 'number') w.bytes += m.size;
        if (m.flags) w.flags += m.flags.size;
    }
    fetchCpu = process.cpuUsage(c0);
    await client.logout();
} catch (err) {
    console.error('fetch.mjs:', err && err.message ? err.message : err);
    process.exit(1);
}
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
const cpu = process.cpuUsage();
const rss = process.resourceUsage().maxRSS; // KB
console.log(
    `client=imapflow msgs=${w.msgs} envs=${w.envs} addrs=${w.addrs} parts=${w.parts} ` +
        `bytes=${w.bytes} flags=${w.flags} cpu=${((cpu.user + cpu.system) / 1e6).toFixed(3)} ` +
        `fetch_cpu=${((fetchCpu.user + fetchCpu.system) / 1e6).toFixed(3)} wall=${wall.toFixed(3)} rss_kb=${rss}`
);
