"""Bad input: wrong types and hostile values give Python exceptions the
way the reference gives them (TypeError, ValueError, UnicodeError or an
IMAPClientError), never a crash; CR/LF in a string never starts a command
of its own."""
import datetime
import imaplib

import pytest

import libimapclient
from libimapclient.testing import script_done, script_sent, scripted_client

CAPS = ("IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE NAMESPACE SORT THREAD=REFERENCES ID ENABLE "
        "QUOTA ACL UNSELECT MULTIAPPEND X-GM-EXT-1")
SCRIPT = (
    "S: * OK [CAPABILITY %s] hi\n"
    "C: A001 LOGIN u p\nS: A001 OK [CAPABILITY %s] in\n"
    "C: A002 SELECT INBOX\nS: * 1 EXISTS\nS: A002 OK [READ-WRITE] ok\n" % (CAPS, CAPS)
)

# LookupError: an unknown charset name; KeyError: a multiappend dict
# without "msg" (both what the reference raises too).
ALLOWED = (TypeError, ValueError, LookupError, KeyError, imaplib.IMAP4.error)

BAD_VALUES = [
    None,
    1.5,
    object(),
    [object()],
    [None],
    b"a\0b",
    "a\0b",
    "a\r\nb",
    b"a\r\nA999 LOGOUT",
    "\udcff",
    {"a": 1},
    [[[]]],
    True,
    -1,
    2**64,
]

CALLS = [
    ("select_folder", lambda c, v: c.select_folder(v)),
    ("create_folder", lambda c, v: c.create_folder(v)),
    ("rename_folder", lambda c, v: c.rename_folder("x", v)),
    ("folder_status", lambda c, v: c.folder_status("INBOX", v)),
    ("list_folders", lambda c, v: c.list_folders(v)),
    ("list_folders pattern", lambda c, v: c.list_folders("", v)),
    ("fetch ids", lambda c, v: c.fetch(v, ["FLAGS"])),
    ("fetch data", lambda c, v: c.fetch([1], v)),
    ("fetch modifiers", lambda c, v: c.fetch([1], ["FLAGS"], v)),
    ("search", lambda c, v: c.search(v)),
    ("search nested", lambda c, v: c.search(["NOT", v])),
    ("search charset", lambda c, v: c.search(["ALL"], v)),
    ("sort", lambda c, v: c.sort(v)),
    ("thread", lambda c, v: c.thread("REFERENCES", v)),
    ("add_flags ids", lambda c, v: c.add_flags(v, [libimapclient.SEEN])),
    ("add_flags flags", lambda c, v: c.add_flags([1], v)),
    ("set_gmail_labels", lambda c, v: c.set_gmail_labels([1], v)),
    ("append msg", lambda c, v: c.append("INBOX", v)),
    ("append flags", lambda c, v: c.append("INBOX", b"x", v)),
    ("append date", lambda c, v: c.append("INBOX", b"x", (), v)),
    ("copy", lambda c, v: c.copy([1], v)),
    ("move ids", lambda c, v: c.move(v, "x")),
    ("expunge", lambda c, v: c.expunge(v)),
    ("login", lambda c, v: c.login(v, "p")),
    ("id_", lambda c, v: c.id_(v)),
    ("enable", lambda c, v: c.enable(v)),
    ("setacl", lambda c, v: c.setacl("INBOX", v, "lr")),
    ("has_capability", lambda c, v: c.has_capability(v)),
    ("idle_check", lambda c, v: c.idle_check(v)),
    ("find_special_folder", lambda c, v: c.find_special_folder(v)),
    ("multiappend", lambda c, v: c.multiappend("INBOX", [v])),
    ("sasl_login", lambda c, v: c.sasl_login("PLAIN", v)),
    ("fetch_each callback", lambda c, v: c.fetch_each([1], ["FLAGS"], v)),
    ("fetch_each sink", lambda c, v: c.fetch_each([1], ["FLAGS"], lambda k, d: None, v)),
]


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_bad_values_never_crash_nor_send_garbage(name, call):
    for v in BAD_VALUES:
        c = scripted_client(SCRIPT)
        c.login("u", "p")
        c.select_folder("INBOX")
        try:
            call(c, v)
        except ALLOWED:
            pass
        c.shutdown()


def test_crlf_never_starts_a_command():
    """CR/LF in a folder name is encoded (modified UTF-7), in a search item
    sent as a literal (as the reference does), in a flag or a raw FETCH
    item refused before anything is sent."""
    script = SCRIPT + (
        'C: A003 CREATE "a&AA0ACg-A999 LOGOUT"\nS: A003 OK created\n'
        "C: A004 UID SEARCH SUBJECT {14+}\nC% a%0D%0AA999 LOGOUT\nC: \n"
        "S: * SEARCH\nS: A004 OK done\n"
    )
    c = scripted_client(script)
    c.login("u", "p")
    c.select_folder("INBOX")
    c.create_folder("a\r\nA999 LOGOUT")
    assert c.search(["SUBJECT", "a\r\nA999 LOGOUT"]) == []
    for call in (lambda: c.add_flags(1, ["a\r\nA999"]),
                 lambda: c.fetch(1, ["FLAGS)\r\nA999 LOGOUT"])):
        with pytest.raises(libimapclient.exceptions.InvalidArgumentError):
            call()
    assert script_done(c), script_sent(c)


def test_str_bytes_mixes_as_the_reference():
    script = SCRIPT + (
        'C: A003 UID SEARCH FROM alice SUBJECT "a b"\nS: * SEARCH 1\nS: A003 OK ok\n'
        "C: A004 UID FETCH 1,2 (FLAGS UID)\nS: A004 OK ok\n"
        "C: A005 UID STORE 1 +FLAGS (\\Seen $x)\nS: A005 OK ok\n"
        "C: A006 UID SEARCH SINCE 01-Jan-2020 LARGER 10\nS: * SEARCH\nS: A006 OK ok\n"
    )
    c = scripted_client(script)
    c.login(b"u", "p")
    c.select_folder(b"INBOX")
    assert c.search([b"FROM", "alice", "SUBJECT", b"a b"]) == [1]
    assert c.fetch([1, b"2"], [b"FLAGS", "uid"]) == {}
    assert c.add_flags("1", [b"\\Seen", "$x"]) == {}
    assert c.search([b"SINCE", datetime.datetime(2020, 1, 1), "LARGER", 10]) == []
    assert script_done(c)


def test_closed_client_raises_abort():
    c = scripted_client(SCRIPT)
    c.shutdown()
    with pytest.raises(libimapclient.exceptions.IMAPClientAbortError):
        c.noop()
    with pytest.raises(libimapclient.exceptions.IMAPClientAbortError):
        c.fetch([1], ["FLAGS"])
    c.shutdown()  # twice is fine
