#!/usr/bin/env python3
"""Make one man page per public function from the header comments.

The headers in include/imapclient/ are the manual: every IMAPCLIENT_EXTERN
function has a /** */ comment right before it. This script turns each into
docs/man/<function>.3 (NAME, SYNOPSIS, DESCRIPTION, RETURN VALUE, SEE ALSO)
and, with --check, fails when a public function has no comment or when the
pages in docs/man/ are not up to date.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INC = os.path.join(ROOT, "include", "imapclient")
OUT = os.path.join(ROOT, "docs", "man")

DECL = re.compile(r"^IMAPCLIENT_EXTERN\s+([^;]*?\b(imapclient_\w+)\s*\([^;]*?\))\s*;", re.S | re.M)


def clean_comment(text):
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("/**"):
            line = line[3:]
        if line.endswith("*/"):
            line = line[:-2]
        line = re.sub(r"^\*\s?", "", line.strip()).strip()
        lines.append(line.rstrip())
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def esc(s):
    s = s.replace("\\", "\\e")
    if s.startswith(".") or s.startswith("'"):
        s = "\\&" + s
    return s


def parse_header(path):
    text = open(path, encoding="utf-8").read()
    found = []
    for m in DECL.finditer(text):
        before = text[: m.start()].rstrip()
        comment = None
        if before.endswith("*/"):
            start = before.rfind("/**")
            if start >= 0 and "*/" not in before[start:-2]:
                comment = clean_comment(before[start:])
        decl = " ".join(m.group(1).split())
        found.append((m.group(2), decl, comment))
    return found


def page(name, decl, comment, header, siblings):
    desc, ret, params = [], [], []
    section = desc
    for line in comment:
        if line.startswith("@return"):
            section = ret
            line = line[len("@return"):].strip()
        elif line.startswith("@param"):
            section = params
            m = re.match(r"@param(\[out\])?\s+(\S+)\s*(.*)", line)
            if m:
                params.append(".TP\n" + ("(out) " if m.group(1) else "") + esc(m.group(2)))
                line = m.group(3)
        section.append(esc(line) if line else "")
    summary = desc[0] if desc else name
    out = [
        '.TH %s 3 "" "libimapclient" "libimapclient manual"' % name.upper(),
        ".SH NAME",
        "%s \\- %s" % (name, summary.replace("\\e", "\\\\").rstrip(".")),
        ".SH SYNOPSIS",
        ".nf",
        "#include <imapclient.h>",
        "",
        esc(decl) + ";",
        ".fi",
        ".SH DESCRIPTION",
    ]
    out += [l if l else ".PP" for l in desc]
    if params:
        out.append(".SH PARAMETERS")
        out += params
    if ret:
        out.append(".SH RETURN VALUE")
        out += [l if l else ".PP" for l in ret]
    out.append(".SH SEE ALSO")
    out.append(", ".join("\\fB%s\\fP(3)" % s for s in siblings if s != name)[:2000] or "imapclient(1)")
    out.append(".PP\nThe header \\fI<imapclient/%s>\\fP documents the types used here." % header)
    return "\n".join(out) + "\n"


def main():
    check = "--check" in sys.argv
    missing, pages = [], {}
    for fn in sorted(os.listdir(INC)):
        if not fn.endswith(".h"):
            continue
        funcs = parse_header(os.path.join(INC, fn))
        names = [f[0] for f in funcs]
        for name, decl, comment in funcs:
            if not comment:
                missing.append("%s (%s)" % (name, fn))
                continue
            pages[name + ".3"] = page(name, decl, comment, fn, names[:12])
    if missing:
        print("public functions without a documentation comment:", file=sys.stderr)
        for m in missing:
            print("  " + m, file=sys.stderr)
        return 1
    if check:
        stale = [p for p, t in pages.items()
                 if not os.path.exists(os.path.join(OUT, p)) or open(os.path.join(OUT, p)).read() != t]
        extra = [p for p in os.listdir(OUT) if p.endswith(".3") and p not in pages] if os.path.isdir(OUT) else []
        if stale or extra:
            print("docs/man is out of date (run scripts/gen-man.py): %s" % ", ".join((stale + extra)[:10]), file=sys.stderr)
            return 1
        print("%d man pages up to date" % len(pages))
        return 0
    os.makedirs(OUT, exist_ok=True)
    for p in os.listdir(OUT):
        if p.endswith(".3") and p not in pages:
            os.remove(os.path.join(OUT, p))
    for p, t in pages.items():
        with open(os.path.join(OUT, p), "w") as f:
            f.write(t)
    print("wrote %d man pages to docs/man" % len(pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
