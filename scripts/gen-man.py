#!/usr/bin/env python3
"""Make the section-3 man pages from the headers.

The headers in include/imapclient/ are the manual: every IMAPCLIENT_EXTERN
function has a /** */ comment right before it, and so have the structs and
enums users must read (TYPES below). This script turns each into
docs/man/<name>.3 with NAME (the comment's first sentence), LIBRARY,
SYNOPSIS, DESCRIPTION, PARAMETERS, RETURN VALUE, ERRORS (each code the
call returns, explained from docs/errors.md), EXAMPLE (a whole program
from docs/man-examples.c), PYTHON EQUIVALENT (the IMAPClient method it
mirrors) and SEE ALSO. The .TH line carries the version (common.h) and
its date (the version's entry in debian/changelog).

    gen-man.py             write docs/man/*.3
    gen-man.py --check     fail when a public function lacks a comment or an
                           example, or when docs/man is not up to date
    gen-man.py --extract DIR   write each page's example program to
                           DIR/<page>.c (CI compiles them all)
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INC = os.path.join(ROOT, "include", "imapclient")
OUT = os.path.join(ROOT, "docs", "man")
EXAMPLES = os.path.join(ROOT, "docs", "man-examples.c")
ERRORS_MD = os.path.join(ROOT, "docs", "errors.md")
CHANGELOG = os.path.join(ROOT, "debian", "changelog")

DECL = re.compile(r"^IMAPCLIENT_EXTERN\s+([^;]*?\b(imapclient_\w+)\s*\([^;]*?\))\s*;", re.S | re.M)
TYPEDEF = re.compile(r"^typedef (struct|enum) (imapclient_\w+) \{.*?^\} (imapclient_\w+);", re.S | re.M)

# The structs and enums that get a page of their own: what a user reads to
# use results and options.
TYPES = [
    "imapclient_options", "imapclient_state", "imapclient_status", "imapclient_message",
    "imapclient_fetch_result", "imapclient_envelope", "imapclient_address", "imapclient_body",
    "imapclient_datetime", "imapclient_folder", "imapclient_folder_list",
    "imapclient_select_info", "imapclient_status_info", "imapclient_ids",
    "imapclient_value", "imapclient_response", "imapclient_responses",
]

# The IMAPClient counterpart of calls whose comment does not name it.
MIRRORS = {
    "imapclient_free": "the end of a \\fBwith IMAPClient(...)\\fP block (IMAPClient.__exit__())",
    "imapclient_errmsg": "the message of the exception IMAPClient raises",
    "imapclient_errcode": "the class of the exception IMAPClient raises",
    "imapclient_strerror": "the exception classes of imapclient.exceptions",
    "imapclient_status_name": "the exception classes of imapclient.exceptions",
    "imapclient_get_state": "IMAPClient._imap.state",
    "imapclient_is_tls": "IMAPClient.ssl (and a completed starttls())",
    "imapclient_set_use_uid": "setting IMAPClient.use_uid",
    "imapclient_get_use_uid": "reading IMAPClient.use_uid",
    "imapclient_set_folder_encode": "setting IMAPClient.folder_encode",
    "imapclient_get_folder_encode": "reading IMAPClient.folder_encode",
    "imapclient_set_normalise_times": "setting IMAPClient.normalise_times",
    "imapclient_get_normalise_times": "reading IMAPClient.normalise_times",
    "imapclient_options_init": "the keyword arguments of IMAPClient() and their defaults",
    "imapclient_version": "imapclient.__version__",
    "imapclient_fetch_each": "IMAPClient.fetch(), one message at a time",
    "imapclient_fetch_result_get": "indexing the dict IMAPClient.fetch() returns",
    "imapclient_message_item": "indexing a message's dict in IMAPClient.fetch()'s result",
    "imapclient_search_raw": "IMAPClient.search() with the criteria as one string",
    "imapclient_add_gmail_labels": "IMAPClient.add_gmail_labels()",
    "imapclient_remove_gmail_labels": "IMAPClient.remove_gmail_labels()",
    "imapclient_folder_has_flag": "testing a flag in the tuples IMAPClient.list_folders() returns",
    "imapclient_status_info_get": "indexing the dict IMAPClient.folder_status() returns",
    "imapclient_select_info_get": "indexing the dict IMAPClient.select_folder() returns",
    "imapclient_id_result_get": "indexing the dict IMAPClient.id_() returns",
    "imapclient_flags_result_get": "indexing the dict IMAPClient.get_flags() returns",
    "imapclient_deleteacl": "IMAPClient.setacl() with an empty right",
    "imapclient_get_quota_for_root": "IMAPClient._get_quota() (GETQUOTA)",
    "imapclient_datetime_parse_internaldate": "imapclient.datetime_util.parse_to_datetime()",
    "imapclient_datetime_parse_rfc2822": "imapclient.datetime_util.parse_to_datetime()",
    "imapclient_datetime_normalise": "imapclient.datetime_util.datetime_to_native()",
    "imapclient_datetime_format_internaldate": "imapclient.datetime_util.datetime_to_INTERNALDATE()",
    "imapclient_datetime_format_date": "imapclient.datetime_util.format_criteria_date()",
    "imapclient_address_format": "str() of imapclient.response_types.Address",
    "imapclient_utf7_encode": "imapclient.imap_utf7.encode()",
    "imapclient_utf7_decode": "imapclient.imap_utf7.decode()",
    "imapclient_seqset_from_ids": "imapclient.imapclient.join_message_ids()",
    "imapclient_connect_scripted": "imapclient.testable_imapclient.TestableIMAPClient",
    "imapclient_script_done": "the mock of imapclient.testable_imapclient.TestableIMAPClient",
    "imapclient_script_sent": "the mock of imapclient.testable_imapclient.TestableIMAPClient",
    "imapclient_options": "the keyword arguments of IMAPClient() (host, port, use_uid, ssl, "
                          "stream, ssl_context, timeout)",
    "imapclient_state": "IMAPClient._imap.state",
    "imapclient_status": "the exceptions of imapclient.exceptions",
    "imapclient_message": "one value of the dict IMAPClient.fetch() returns",
    "imapclient_fetch_result": "the dict IMAPClient.fetch() returns",
    "imapclient_envelope": "imapclient.response_types.Envelope",
    "imapclient_address": "imapclient.response_types.Address",
    "imapclient_body": "imapclient.response_types.BodyData",
    "imapclient_datetime": "the datetime objects IMAPClient returns",
    "imapclient_folder": "one (flags, delimiter, name) tuple of IMAPClient.list_folders()",
    "imapclient_folder_list": "the list IMAPClient.list_folders() returns",
    "imapclient_select_info": "the dict IMAPClient.select_folder() returns",
    "imapclient_status_info": "the dict IMAPClient.folder_status() returns",
    "imapclient_ids": "imapclient.response_types.SearchIds",
    "imapclient_value": "the parsed values of imapclient.response_parser",
    "imapclient_response": "one tuple of IMAPClient.noop() or idle_check()",
    "imapclient_responses": "the list IMAPClient.noop() or idle_check() returns",
}


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


def esc(s, code=False):
    s = s.replace("\\", "\\e").replace("-", "\\-")
    if not code:  # `code` in the comments: bold
        s = re.sub(r"`([^`]+)`", r"\\fB\1\\fR", s)
    if s.startswith(".") or s.startswith("'"):
        s = "\\&" + s
    return s


def comment_before(text, pos):
    before = text[:pos].rstrip()
    if before.endswith("*/"):
        start = before.rfind("/**")
        if start >= 0 and "*/" not in before[start:-2]:
            return clean_comment(before[start:])
    return None


def parse_header(path):
    text = open(path, encoding="utf-8").read()
    found = []
    for m in DECL.finditer(text):
        decl = " ".join(m.group(1).split())
        found.append((m.group(2), decl, comment_before(text, m.start())))
    return found


def parse_types(path):
    text = open(path, encoding="utf-8").read()
    found = {}
    for m in TYPEDEF.finditer(text):
        name = m.group(3)
        if name in TYPES:
            found[name] = (m.group(1), m.group(0), comment_before(text, m.start()))
    return found


def name_line(name, lines):
    """NAME's text: the first sentence, without the reference's name in
    parentheses (PYTHON EQUIVALENT has it), starting lower-case."""
    s = first_sentence(lines) or name
    s = re.sub(r"\s*\((?:IMAPClient|the reference)[^()]*(\([^()]*\)[^()]*)*\)", "", s).strip()
    if s[:1].isupper() and not (len(s) > 1 and s[1].isupper()):
        s = s[0].lower() + s[1:]
    return esc(s)


def first_sentence(lines):
    """The comment's first sentence, for NAME: up to the first full stop
    that ends a sentence (not e.g., i.e., etc.)."""
    para = []
    for line in lines:
        if not line or line.startswith("@"):
            break
        para.append(line)
    text = " ".join(para)
    for m in re.finditer(r"[.:](\s|$)", text):
        head = text[: m.start()]
        if re.search(r"(\be\.g|\bi\.e|\betc|\bvs|\bcf)$", head):
            continue
        return head.strip()
    return text.strip().rstrip(".")


def mirror(name, lines):
    text = " ".join(lines)
    m = re.search(r"IMAPClient\.(\w+)(\(\))?", text)
    if m:
        return "IMAPClient.%s()" % m.group(1)
    if re.search(r"IMAPClient\(host", text):
        return "IMAPClient(host, ...)"
    if name in MIRRORS:
        return MIRRORS[name]
    m = re.search(r"IMAPClient's (\w+)\(\)", text)
    if m:
        return "IMAPClient.%s()" % m.group(1)
    if name.endswith("_free"):
        return None  # Python frees results itself
    return None


def parse_errors():
    """code name -> (what happened, what to do) from the table in docs/errors.md."""
    out = {}
    for line in open(ERRORS_MD, encoding="utf-8"):
        m = re.match(r"\|\s*`IMAPCLIENT_(\w+)` \((-?\d+)\)\s*\|[^|]*\|([^|]*)\|([^|]*)\|", line)
        if m:
            out[m.group(1)] = (m.group(3).strip(), m.group(4).strip())
    return out


def parse_examples():
    """page name -> example block text (from docs/man-examples.c)."""
    text = open(EXAMPLES, encoding="utf-8").read()
    out = {}
    for m in re.finditer(r"/\* @example ((?:[\w ]|\n \*)+?)\s*\*/\n(.*?)^/\* @end \*/", text,
                         re.S | re.M):
        names = m.group(1).replace("*", " ").split()
        for n in names:
            if n in out:
                raise SystemExit("docs/man-examples.c: two examples for %s" % n)
            out[n] = m.group(2).rstrip() + "\n"
    return out


CONNECTED_MAIN = """
int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s HOST USER PASSWORD\\n", argv[0]);
        return 2;
    }
    imapclient *c = NULL;
    if (imapclient_connect(argv[1], NULL, &c) != 0 ||
        imapclient_login(c, argv[2], argv[3], NULL) != 0) {
        fprintf(stderr, "%s\\n", c ? imapclient_errmsg(c) : "out of memory");
        imapclient_free(c);
        return 1;
    }
    int rc = example(c);
    if (rc < 0)
        fprintf(stderr, "%s: %s\\n", imapclient_status_name(rc), imapclient_errmsg(c));
    imapclient_logout(c, NULL);
    imapclient_free(c);
    return rc < 0;
}
"""

BARE_MAIN = """
int main(void)
{
    return example() < 0;
}
"""


def example_program(block):
    """The whole program a page shows: includes, the block, main()."""
    inc = ["#include <imapclient.h>", ""]
    if re.search(r"\bopen\(", block):
        inc.append("#include <fcntl.h>")
    if re.search(r"\bpoll\(", block):
        inc.append("#include <poll.h>")
    inc += ["#include <stdio.h>", "#include <stdlib.h>", "#include <string.h>"]
    if re.search(r"\bfstat\(", block):
        inc.append("#include <sys/stat.h>")
    if re.search(r"\btime\(", block):
        inc.append("#include <time.h>")
    if re.search(r"\bclose\(", block):
        inc.append("#include <unistd.h>")
    prog = "\n".join(inc) + "\n\n" + block
    if "int main(" not in block:
        prog += CONNECTED_MAIN if "example(imapclient *c)" in block else BARE_MAIN
    return prog


def roff_code(prog):
    out = [".PP", ".in +4n", ".EX"]
    for line in prog.rstrip("\n").split("\n"):
        out.append(esc(line, code=True) if line else "")
    out += [".EE", ".in"]
    return out


def version_and_date():
    ver = re.search(r'#define IMAPCLIENT_VERSION\s+"([^"]+)"',
                    open(os.path.join(INC, "common.h"), encoding="utf-8").read()).group(1)
    date = ""
    if os.path.exists(CHANGELOG):
        months = {m: i + 1 for i, m in enumerate(
            "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
        text = open(CHANGELOG, encoding="utf-8").read()
        head = re.match(r"\S+ \(([^)]+)\)", text)
        trailer = re.search(r"^ -- .*?, (\d+) (\w+) (\d{4})", text, re.M)
        if head and head.group(1).split("-")[0] != ver:
            raise SystemExit("debian/changelog is at %s, common.h at %s" % (head.group(1), ver))
        if trailer:
            date = "%s-%02d-%02d" % (trailer.group(3), months[trailer.group(2)],
                                     int(trailer.group(1)))
    return ver, date


def th(name, ver, date):
    return '.TH %s 3 "%s" "libimapclient %s" "libimapclient manual"' % (name.upper(), date, ver)


LIBRARY = [".SH LIBRARY",
           "libimapclient (\\fI\\-limapclient\\fP; \\fBpkg\\-config \\-\\-cflags \\-\\-libs imapclient\\fP)"]


def see_also(names, name, header):
    refs = ", ".join("\\fB%s\\fP(3)" % s for s in names if s != name)
    out = [".SH SEE ALSO", refs + (", " if refs else "") + "\\fBimapclient\\fP(1)",
           ".PP",
           "The header \\fI<imapclient/%s>\\fP; the error codes in \\fBimapclient_status\\fP(3) "
           "and \\fIerrors.md\\fP." % header]
    return out


def page(name, decl, comment, header, siblings, errors, example, ver, date):
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
                params.append(".TP\n" + ("(out) " if m.group(1) else "") + "\\fI%s\\fP" % esc(m.group(2)))
                line = m.group(3)
        section.append(esc(line) if line else "")
    out = [th(name, ver, date), ".SH NAME", "%s \\- %s" % (name, name_line(name, comment))]
    out += LIBRARY
    out += [".SH SYNOPSIS", ".nf", ".B #include <imapclient.h>", ".PP", esc(decl) + ";", ".fi",
            ".SH DESCRIPTION"]
    out += [l if l else ".PP" for l in desc]
    if params:
        out.append(".SH PARAMETERS")
        out += params
    out.append(".SH RETURN VALUE")
    returns_void = decl.startswith("void ")
    if ret:
        out += [l if l else ".PP" for l in ret]
    elif returns_void:
        out.append("None.")
    else:
        out.append("See DESCRIPTION.")
    out.append(".SH ERRORS")
    codes = []
    ret_text = " ".join(l for l in comment[[i for i, l in enumerate(comment)
                                             if l.startswith("@return")][0]:]
                        if not l.startswith("@param")) if any(
        l.startswith("@return") for l in comment) else ""
    for m in re.finditer(r"IMAPCLIENT_(ERROR|E[A-Z_]+)\b", ret_text):
        if m.group(1) not in codes and m.group(1) in errors:
            codes.append(m.group(1))
    if codes:
        for code in codes:
            what, todo = errors[code]
            text = what[0].upper() + what[1:] + "."
            if todo:
                text += " " + todo[0].upper() + todo[1:] + "."
            out += [".TP", ".B IMAPCLIENT_%s" % esc(code), esc(text)]
        if re.search(r"another (negative )?code|other codes|transport codes|and others|\.\.\.",
                     ret_text):
            out.append(".PP\nOther negative codes: see \\fBimapclient_status\\fP(3).")
        out.append(".PP\nThe detail, with the server's own words, is in \\fBimapclient_errmsg\\fP(3).")
    elif returns_void:
        out.append("None: this call cannot fail.")
    else:
        out.append("None: this call reports no status code (see RETURN VALUE).")
    out.append(".SH EXAMPLE")
    out += roff_code(example_program(example))
    out.append(".SH PYTHON EQUIVALENT")
    mir = mirror(name, comment)
    if mir:
        out.append("Mirrors %s of the Python library IMAPClient." % mir)
    elif name.endswith("_free"):
        out.append("None: Python frees results itself.")
    else:
        out.append("None: an addition of libimapclient beyond IMAPClient.")
    out += see_also(siblings, name, header)
    return "\n".join(out) + "\n"


def type_page(name, kind, definition, comment, header, users, example, ver, date):
    comment = comment or []
    out = [th(name, ver, date), ".SH NAME", "%s \\- %s" % (name, name_line(name, comment))]
    out += LIBRARY
    out += [".SH SYNOPSIS", ".nf", ".B #include <imapclient.h>", ".PP"]
    out += [esc(l) if l else "" for l in definition.split("\n")]
    out += [".fi", ".SH DESCRIPTION"]
    out += [esc(l) if l else ".PP" for l in comment]
    # the members, from their /**< */ comments
    members = []
    for line in definition.split("\n")[1:-1]:
        m = re.match(r"\s*(?:const\s+)?(?:struct\s+)?[\w\s\*]*?\b(\w+)(\[\d*\])?\s*[;,=][^/]*/\*\*<\s*(.*?)(\*/)?\s*$", line)
        if m:
            members.append((m.group(1), m.group(3)))
    if members:
        out.append(".PP\nThe %s:" % ("members" if kind == "struct" else "values"))
        for mem, text in members:
            out += [".TP", ".B %s" % esc(mem), esc(text)]
    if users:
        out.append(".PP\nUsed by: %s." % ", ".join("\\fB%s\\fP(3)" % u for u in users))
    if example:
        out.append(".SH EXAMPLE")
        out += roff_code(example_program(example))
    out.append(".SH PYTHON EQUIVALENT")
    mir = MIRRORS.get(name)
    out.append("Mirrors %s of the Python library IMAPClient." % mir if mir
               else "None: an addition of libimapclient beyond IMAPClient.")
    out += see_also(users[:12], name, header)
    return "\n".join(out) + "\n"


def build_pages():
    ver, date = version_and_date()
    errors = parse_errors()
    examples = parse_examples()
    problems, pages, programs = [], {}, {}
    funcs, types = [], {}
    for fn in sorted(os.listdir(INC)):
        if not fn.endswith(".h"):
            continue
        path = os.path.join(INC, fn)
        fs = parse_header(path)
        funcs.append((fn, fs))
        for name, val in parse_types(path).items():
            types[name] = (fn,) + val
    for fn, fs in funcs:
        names = [f[0] for f in fs]
        for name, decl, comment in fs:
            if not comment:
                problems.append("%s (%s): no documentation comment" % (name, fn))
                continue
            if name not in examples:
                problems.append("%s (%s): no example in docs/man-examples.c" % (name, fn))
                continue
            pages[name + ".3"] = page(name, decl, comment, fn, names[:12], errors,
                                      examples[name], ver, date)
            programs[name] = example_program(examples[name])
    all_decls = [(n, d) for _, fs in funcs for n, d, _ in fs]
    for name in TYPES:
        if name not in types:
            problems.append("%s: no such typedef in the headers" % name)
            continue
        fn, kind, definition, comment = types[name]
        if not comment:
            problems.append("%s (%s): no documentation comment" % (name, fn))
            continue
        users = [n for n, d in all_decls if re.search(r"\b%s\b" % name, d)]
        ex = examples.get(name)
        if not ex:
            problems.append("%s (%s): no example in docs/man-examples.c" % (name, fn))
            continue
        pages[name + ".3"] = type_page(name, kind, definition, comment, fn, users, ex, ver, date)
        programs[name] = example_program(ex)
    known = {n for _, fs in funcs for n, _, _ in fs} | set(TYPES)
    for n in examples:
        if n not in known:
            problems.append("docs/man-examples.c: %s is no public function or page" % n)
    return problems, pages, programs


def main():
    problems, pages, programs = build_pages()
    if problems:
        print("the manual is incomplete:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    if "--extract" in sys.argv:
        d = sys.argv[sys.argv.index("--extract") + 1]
        os.makedirs(d, exist_ok=True)
        for name, prog in programs.items():
            with open(os.path.join(d, name + ".c"), "w") as f:
                f.write(prog)
        print("wrote %d example programs to %s" % (len(programs), d))
        return 0
    if "--check" in sys.argv:
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
