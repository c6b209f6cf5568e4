#!/usr/bin/env python3
"""Generate N realistic messages for the benchmarks (bench/README.md).

    gen-mail.py N MAILDIR [SEED]              mixed messages (W1)
    gen-mail.py --size BYTES N MAILDIR [SEED] messages of exactly BYTES (W2, W3)
    gen-mail.py --small N MAILDIR [SEED]      short messages (W4: SEARCH, SORT)
    gen-mail.py --blob N FILE [SEED]          ~10 KB messages in one file (W5)

Maildir forms write MAILDIR/{cur,new,tmp}/ and MAILDIR/maildirfolder; the
file's mtime is the INTERNALDATE, the maildir flags vary. Mixed messages are
2-30 KB: plain text, multipart/alternative, attachments of a few KB,
forwards with a nested message/rfc822, replies with In-Reply-To and
References; senders, recipients and subjects vary and some use RFC 2047
encoded words. --size pads a plain text message to the exact size; --small
makes 500-2000 byte messages. --blob writes, for each message, its length
in decimal and a newline, then its bytes (CRLF line ends): what the APPEND
clients send. The output depends only on the arguments and SEED (default
5), so every run benchmarks the same mail.
"""
import base64
import os
import random
import sys

FIRST = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi",
         "Ivan", "Judy", "Mallory", "Niaj", "Olivia", "Peggy", "Rupert",
         "Sybil", "Trent", "Victor", "Walter", "Yolanda", "Zoe", "Hugo"]
LAST = ["Smith", "Jones", "Martin", "Bernard", "Dubois", "Moreau", "Schmidt",
        "Fischer", "Rossi", "Russo", "Garcia", "Lopez", "Tanaka", "Kowalski",
        "Novak", "Andersen", "O'Brien", "Nguyen", "Silva", "Weber"]
# Names that need RFC 2047 (UTF-8 base64 or ISO-8859-1 quoted-printable).
INTL = ["José Núñez", "Zoë Brontë", "Jürgen Müller", "François Lefèvre",
        "Søren Kierkegård", "Łukasz Żółw", "Αλέξης Παπαδόπουλος", "山田 太郎",
        "Иван Петров", "Renée Dupré"]
DOMAINS = ["example.com", "example.org", "example.net", "mail.example.com",
           "lists.example.org", "corp.example", "uni.example.edu"]
TOPICS = ["quarterly report", "build failure on main", "lunch on Friday",
          "invoice 2024-118", "meeting notes", "release plan", "holiday photos",
          "server migration", "code review request", "budget draft",
          "travel booking", "password policy update", "conference talk",
          "customer feedback", "team offsite", "security advisory",
          "newsletter", "contract renewal", "bug triage", "roadmap"]
INTL_TOPICS = ["Réunion de l'équipe", "Grüße aus München", "Café et croissants",
               "Número de pedido", "Ångström-Messung", "日本語のテスト",
               "Отчёт за квартал", "Señal débil"]
WORDS = ("the of and to in is that for it as was with be by on not he this are "
         "or his from at which but have an they you were her all she there "
         "would their we him been has when who will more no if out so said "
         "what up its about into than them can only other new some could time "
         "these two may then do first any my now such like our over man me "
         "even most made after also did many before must through back years "
         "where much your way well down should because each just those people "
         "server mailbox message folder deploy patch review budget schedule "
         "release customer invoice migration network latency report").split()
ATTACH = [("application", "pdf", "report.pdf"), ("image", "png", "chart.png"),
          ("image", "jpeg", "photo.jpg"), ("text", "csv", "data.csv"),
          ("application", "zip", "logs.zip"),
          ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "budget.xlsx")]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
          "Oct", "Nov", "Dec"]
DAYS = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]  # 1970-01-01 was a Thursday


def b_word(s):
    return "=?UTF-8?B?" + base64.b64encode(s.encode()).decode() + "?="


def q_word(s):
    out = []
    for ch in s.encode("latin-1"):
        if ch == 0x20:
            out.append("_")
        elif 0x21 <= ch <= 0x7E and chr(ch) not in "=?_\"(),.:;<>@[\\]":
            out.append(chr(ch))
        else:
            out.append("=%02X" % ch)
    return "=?ISO-8859-1?Q?" + "".join(out) + "?="


def encode_phrase(s):
    try:
        s.encode("ascii")
    except UnicodeEncodeError:
        try:
            s.encode("latin-1")
            return q_word(s)
        except UnicodeEncodeError:
            return b_word(s)
    if any(c in s for c in "\",.'"):
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return s


def rfc2822_date(t, tz_minutes):
    lt = t + tz_minutes * 60
    days, rem = divmod(lt, 86400)
    # civil from days (Howard Hinnant)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    if m <= 2:
        y += 1
    sign = "+" if tz_minutes >= 0 else "-"
    a = abs(tz_minutes)
    return "%s, %d %s %d %02d:%02d:%02d %s%02d%02d" % (
        DAYS[days % 7], d, MONTHS[m - 1], y, rem // 3600, rem // 60 % 60,
        rem % 60, sign, a // 60, a % 60)


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.people = []
        for i in range(400):
            if i % 9 == 0:
                name = self.r.choice(INTL)
                local = "user%d" % i
            else:
                f, l = self.r.choice(FIRST), self.r.choice(LAST)
                name = "%s %s" % (f, l)
                if i % 13 == 0:
                    name = "%s, %s" % (l, f)  # needs quoting
                local = ("%s.%s" % (f, l)).lower().replace("'", "")
            if i % 17 == 0:
                name = None  # bare address
            self.people.append((name, "%s@%s" % (local, self.r.choice(DOMAINS))))
        self.sent = []  # (message-id, subject, references)
        # A pool of paragraphs: drawing whole paragraphs is much faster than
        # drawing words, and bodies still differ from message to message.
        self.paras = [self.para(self.r.randint(20, 90)) for _ in range(3000)]

    def addr(self, p):
        name, email = p
        return "%s <%s>" % (encode_phrase(name), email) if name else email

    def addrs(self, k):
        return ", ".join(self.addr(p) for p in self.r.sample(self.people, k))

    def para(self, nwords):
        r = self.r
        words = [r.choice(WORDS) for _ in range(nwords)]
        words[0] = words[0].capitalize()
        lines, line = [], []
        n = 0
        for w in words:
            if n + len(w) + 1 > 72:
                lines.append(" ".join(line))
                line, n = [], 0
            line.append(w)
            n += len(w) + 1
        lines.append(" ".join(line) + ".")
        return "\r\n".join(lines)

    def text(self, size):
        out, n = [], 0
        while n < size:
            p = self.r.choice(self.paras)
            out.append(p)
            n += len(p) + 4
        return "\r\n\r\n".join(out) + "\r\n"

    def html(self, text):
        paras = text.strip().split("\r\n\r\n")
        return ("<html><head><meta charset=\"utf-8\"></head><body>\r\n" +
                "\r\n".join("<p>%s</p>" % p for p in paras) +
                "\r\n</body></html>\r\n")

    def b64(self, nbytes):
        data = self.r.randbytes(nbytes)
        s = base64.b64encode(data).decode()
        return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\r\n"

    def boundary(self):
        return "=_b%016x" % self.r.getrandbits(64)

    def subject(self):
        r = self.r
        if r.random() < 0.12:
            return b_word(r.choice(INTL_TOPICS)) if r.random() < 0.7 else \
                "Re: " + b_word(r.choice(INTL_TOPICS))
        t = r.choice(TOPICS)
        if r.random() < 0.3:
            t += " (#%d)" % r.randint(100, 9999)
        return t[0].upper() + t[1:]

    def alternative(self, size):
        t = self.text(size // 2)
        b = self.boundary()
        return ("multipart/alternative; boundary=\"%s\"" % b,
                "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: 7bit\r\n\r\n%s\r\n"
                "--%s\r\nContent-Type: text/html; charset=utf-8\r\n"
                "Content-Transfer-Encoding: 7bit\r\n\r\n%s\r\n--%s--\r\n"
                % (b, t, b, self.html(t), b))

    def plain(self, size):
        return ("text/plain; charset=utf-8; format=flowed", self.text(size))

    def with_attachments(self, size):
        r = self.r
        b = self.boundary()
        n = r.randint(1, 3)
        att_sizes = [r.randint(1500, 6000) for _ in range(n)]
        body_size = max(600, size - sum(s * 4 // 3 for s in att_sizes))
        ctype, body = self.alternative(body_size) if r.random() < 0.5 else \
            self.plain(body_size)
        parts = ["--%s\r\nContent-Type: %s\r\n\r\n%s" % (b, ctype, body)]
        for s in att_sizes:
            mt, st, fname = r.choice(ATTACH)
            parts.append(
                "--%s\r\nContent-Type: %s/%s; name=\"%s\"\r\n"
                "Content-Disposition: attachment; filename=\"%s\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n%s"
                % (b, mt, st, fname, fname, self.b64(s)))
        return ("multipart/mixed; boundary=\"%s\"" % b,
                "\r\n".join(parts) + "\r\n--%s--\r\n" % b)

    def inner_message(self, t, size):
        r = self.r
        ctype, body = self.alternative(size) if r.random() < 0.5 else \
            self.plain(size)
        mid = "<%x.%d@%s>" % (r.getrandbits(48), r.randint(1, 99999),
                              r.choice(DOMAINS))
        return ("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\n"
                "Message-ID: %s\r\nMIME-Version: 1.0\r\nContent-Type: %s\r\n\r\n%s"
                % (self.addrs(1), self.addrs(r.randint(1, 2)), self.subject(),
                   rfc2822_date(t - r.randint(3600, 864000), 60), mid, ctype, body))

    def forward(self, t, size):
        b = self.boundary()
        intro = self.text(min(800, size // 4))
        inner = self.inner_message(t, max(1000, size - len(intro) - 800))
        return ("multipart/mixed; boundary=\"%s\"" % b,
                "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
                "--%s\r\nContent-Type: message/rfc822\r\n"
                "Content-Disposition: inline\r\n\r\n%s\r\n--%s--\r\n"
                % (b, intro, b, inner, b))

    def message(self, i, t):
        r = self.r
        size = int(2000 + (26000 * r.random() ** 1.6))  # 2-30 KB, skewed small
        kind = r.random()
        headers = []
        subj = None
        reply = self.sent and kind < 0.25
        if reply:
            mid0, subj0, refs0 = r.choice(self.sent[-300:])
            subj = subj0 if subj0.startswith("Re: ") else "Re: " + subj0
            refs = (refs0 + [mid0])[-8:]
        if kind < 0.25:
            ctype, body = self.plain(size) if r.random() < 0.6 else \
                self.alternative(size)
        elif kind < 0.45:
            ctype, body = self.plain(size)
        elif kind < 0.65:
            ctype, body = self.alternative(size)
        elif kind < 0.88:
            ctype, body = self.with_attachments(size)
        else:
            ctype, body = self.forward(t, size)
            subj = "Fwd: " + self.subject()
        if subj is None:
            subj = self.subject()
        mid = "<%d.%x@%s>" % (i, r.getrandbits(40), r.choice(DOMAINS))
        tz = r.choice([0, 60, 120, -300, -420, 330, 540])
        headers.append("Return-Path: <bounce-%d@%s>" % (i, r.choice(DOMAINS)))
        headers.append("Received: from mx%d.example.net (mx%d.example.net "
                       "[192.0.2.%d])\r\n\tby mail.example.com with ESMTPS id %x;\r\n\t%s"
                       % (i % 7, i % 7, i % 250 + 1, r.getrandbits(32),
                          rfc2822_date(t + 2, 0)))
        headers.append("Date: " + rfc2822_date(t, tz))
        headers.append("From: " + self.addrs(1))
        if r.random() < 0.1:
            headers.append("Sender: " + self.addrs(1))
        if r.random() < 0.15:
            headers.append("Reply-To: " + self.addrs(1))
        headers.append("To: " + self.addrs(r.randint(1, 4)))
        if r.random() < 0.4:
            headers.append("Cc: " + self.addrs(r.randint(1, 5)))
        headers.append("Subject: " + subj)
        headers.append("Message-ID: " + mid)
        if reply:
            headers.append("In-Reply-To: " + mid0)
            headers.append("References: " + "\r\n ".join(refs))
        headers.append("MIME-Version: 1.0")
        headers.append("Content-Type: " + ctype)
        if r.random() < 0.3:
            headers.append("X-Mailer: BenchMail %d.%d" % (r.randint(1, 9), r.randint(0, 20)))
        self.sent.append((mid, subj, refs if reply else []))
        return "\r\n".join(headers) + "\r\n\r\n" + body


def sized(g, i, t, size):
    """A plain text message of exactly size bytes."""
    r = g.r
    head = ("Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
            "Message-ID: <%d.%x@%s>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            % (rfc2822_date(t, 0), g.addrs(1), g.addrs(r.randint(1, 3)), g.subject(),
               i, r.getrandbits(40), r.choice(DOMAINS))).encode("utf-8")
    if size < len(head) + 2:
        sys.exit("gen-mail.py: --size %d is too small" % size)
    body = bytearray()
    want = size - len(head)
    while len(body) < want:
        body += g.r.choice(g.paras).encode() + b"\r\n\r\n"
    del body[want - 2:]
    body += b"\r\n"
    return head + bytes(body)


def small(g, i, t):
    """A short message, 500-2000 bytes: what SEARCH and SORT look at."""
    r = g.r
    text = g.text(r.randint(150, 1300))
    return ("Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
            "Message-ID: <%d.%x@%s>\r\n\r\n%s\r\n"
            % (rfc2822_date(t, r.choice([0, 60, -300])), g.addr(r.choice(g.people)),
               g.addr(r.choice(g.people)), g.subject(), i, r.getrandbits(40),
               r.choice(DOMAINS), text)).encode("utf-8")


def blob(n, path, seed):
    g = Gen(seed)
    t = 1672531200
    total = 0
    with open(path, "wb") as f:
        for i in range(1, n + 1):
            t += g.r.randint(60, 3000)
            data = sized(g, i, t, g.r.randint(9000, 11500))
            f.write(b"%d\n" % len(data))
            f.write(data)
            total += len(data)
    print("gen-mail: %d messages, %.1f MB, seed %d (blob %s)" % (n, total / 1e6, seed, path))


def main():
    args = sys.argv[1:]
    mode, size = "mixed", 0
    if args and args[0] == "--size" and len(args) > 1:
        mode, size, args = "sized", int(args[1]), args[2:]
    elif args and args[0] in ("--small", "--blob"):
        mode, args = args[0][2:], args[1:]
    if len(args) not in (2, 3):
        sys.exit("usage: gen-mail.py [--size BYTES | --small | --blob] N MAILDIR|FILE [SEED]")
    n = int(args[0])
    root = args[1]
    seed = int(args[2]) if len(args) == 3 else 5
    if mode == "blob":
        blob(n, root, seed)
        return
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    open(os.path.join(root, "maildirfolder"), "w").close()
    g = Gen(seed)
    t = 1672531200  # 2023-01-01 00:00:00 UTC
    flagsets = ["S", "S", "S", "RS", "", "FS", "", "S"]
    total = 0
    for i in range(1, n + 1):
        t += g.r.randint(60, 3000)
        if mode == "sized":
            data = sized(g, i, t, size)
        elif mode == "small":
            data = small(g, i, t)
        else:
            data = g.message(i, t).encode("utf-8")
        total += len(data)
        flags = g.r.choice(flagsets)
        # Maildir name: time in the name keeps Dovecot's UID order = i order.
        name = "%d.M%06dP1.bench:2,%s" % (t, i, flags)
        path = os.path.join(root, "cur", name)
        with open(path, "wb") as f:
            f.write(data)
        delivered = t + g.r.randint(1, 120)
        os.utime(path, (delivered, delivered))
    print("gen-mail: %d messages, %.1f MB, seed %d" % (n, total / 1e6, seed))


if __name__ == "__main__":
    main()
