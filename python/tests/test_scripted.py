"""The reference's behaviours, one by one, on canned server bytes.

Each test plays a script through libimapclient's scripted server: the C:
lines are exactly what the client must send (so they check how arguments
are encoded), the S: lines what the server answers (so the return shapes
are checked on known bytes).
"""
import datetime
import imaplib
import io
import socket

import pytest

import libimapclient
from libimapclient import exceptions
from libimapclient.fixed_offset import FixedOffset
from libimapclient.response_types import Address, BodyData, Envelope, SearchIds
from libimapclient.testing import script_done, script_sent, scripted_client

CAPS = ("IMAP4rev1 LITERAL+ IDLE UIDPLUS MOVE NAMESPACE SORT THREAD=REFERENCES ID ENABLE "
        "QUOTA ACL UNSELECT MULTIAPPEND SPECIAL-USE X-GM-EXT-1 STARTTLS")
GREETING = "S: * OK [CAPABILITY %s] ready\n" % CAPS
LOGIN = "C: A001 LOGIN user pass\nS: A001 OK [CAPABILITY %s] Logged in\n" % CAPS


def selected(body, use_uid=True, start=3):
    """A client logged in with INBOX selected; body uses tags from A00<start>."""
    script = (
        GREETING
        + LOGIN
        + "C: A002 SELECT INBOX\nS: * 3 EXISTS\nS: * 0 RECENT\nS: A002 OK [READ-WRITE] done\n"
        + body
    )
    c = scripted_client(script, use_uid=use_uid)
    c.login("user", "pass")
    c.select_folder("INBOX")
    return c


def played(c):
    assert script_done(c), script_sent(c)


# ---- construction, attributes ----------------------------------------------


def test_welcome_and_attributes():
    c = scripted_client(GREETING)
    assert c.welcome.startswith(b"* OK")
    assert c.use_uid is True
    assert c.folder_encode is True
    assert c.normalise_times is True
    c.use_uid = False
    assert c.use_uid is False
    assert c.Error is imaplib.IMAP4.error
    assert c.AbortError is imaplib.IMAP4.abort
    assert c.ReadOnlyError is imaplib.IMAP4.readonly


def test_constructor_argument_checks():
    with pytest.raises(ValueError):
        libimapclient.IMAPClient("cmd", stream=True, port=143, ssl=False)
    with pytest.raises(ValueError):
        libimapclient.IMAPClient("cmd", stream=True)
    with pytest.raises(TypeError):
        libimapclient.IMAPClient(None)
    with pytest.raises(TypeError):
        libimapclient.IMAPClient("localhost", ssl_context="not a context")
    with pytest.raises(TypeError):
        libimapclient.IMAPClient("localhost", timeout="ten")


def test_capabilities_and_has_capability():
    c = scripted_client(GREETING)
    caps = c.capabilities()
    assert isinstance(caps, tuple) and b"IMAP4REV1" in caps
    assert c.has_capability("idle") and c.has_capability(b"IDLE")
    assert not c.has_capability("NOPE")


def test_context_manager_logs_out():
    script = GREETING + "C: A001 LOGOUT\nS: * BYE bye now\nS: A001 OK done\n"
    with scripted_client(script) as c:
        pass
    played_ok = c._conn.closed()
    assert played_ok


def test_context_manager_shuts_down_when_logout_fails():
    script = GREETING + "!EOF\n"
    with scripted_client(script) as c:
        pass
    assert c._conn.closed()


# ---- login and errors ------------------------------------------------------


def test_login_returns_text_and_failure_is_login_error():
    script = GREETING + "C: A001 LOGIN user wrong\nS: A001 NO [AUTHENTICATIONFAILED] nope\n"
    c = scripted_client(script)
    with pytest.raises(exceptions.LoginError) as ei:
        c.login("user", "wrong")
    assert isinstance(ei.value, imaplib.IMAP4.error)
    assert "nope" in str(ei.value)
    played(c)


def test_login_bytes_arguments():
    c = scripted_client(GREETING + LOGIN)
    assert c.login(b"user", b"pass") == b"Logged in"
    played(c)


def test_select_failure_is_imapclient_error():
    script = GREETING + LOGIN + 'C: A002 SELECT Nope\nS: A002 NO [NONEXISTENT] no such\n'
    c = scripted_client(script)
    c.login("user", "pass")
    with pytest.raises(imaplib.IMAP4.error) as ei:
        c.select_folder("Nope")
    assert type(ei.value) is exceptions.IMAPClientError
    played(c)


def test_connection_closed_is_abort_error():
    c = scripted_client(GREETING + "C: A001 NOOP\n!EOF\n")
    with pytest.raises(exceptions.IMAPClientAbortError):
        c.noop()
    assert isinstance(exceptions.IMAPClientAbortError(), imaplib.IMAP4.error)


def test_timeout_is_socket_timeout():
    c = scripted_client(GREETING + "C: A001 NOOP\n!TIMEOUT\n")
    with pytest.raises(socket.timeout):
        c.noop()


def test_illegal_state():
    c = scripted_client(GREETING + LOGIN)
    c.login("user", "pass")
    with pytest.raises(exceptions.IllegalStateError):
        c.fetch([1], ["FLAGS"])
    with pytest.raises(exceptions.IMAPClientError):
        c.search(["ALL"])


def test_capability_error_sends_nothing():
    script = ("S: * OK [CAPABILITY IMAP4rev1] ready\n"
              "C: A001 LOGIN user pass\nS: A001 OK [CAPABILITY IMAP4rev1] Logged in\n")
    c = scripted_client(script)
    c.login("user", "pass")
    with pytest.raises(exceptions.CapabilityError):
        c.namespace()
    with pytest.raises(exceptions.CapabilityError):
        c.enable("CONDSTORE")
    with pytest.raises(exceptions.CapabilityError):
        c.thread()
    with pytest.raises(exceptions.CapabilityError):
        c.id_()
    played(c)


def test_protocol_error_class():
    assert issubclass(exceptions.ProtocolError, imaplib.IMAP4.error)
    assert issubclass(exceptions.InvalidArgumentError, ValueError)
    assert issubclass(exceptions.InvalidArgumentError, imaplib.IMAP4.error)


# ---- folders -------------------------------------------------------------------


def test_list_folders_shapes_and_utf7():
    body = (
        'C: A002 LIST "" "*"\n'
        'S: * LIST (\\HasNoChildren) "/" INBOX\n'
        'S: * LIST (\\HasNoChildren \\Sent) "/" "Sent Items"\n'
        'S: * LIST () "/" Donn&AOk-es\n'
        'S: * LIST () NIL 1234\n'
        "S: A002 OK done\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    got = c.list_folders()
    assert got == [
        ((b"\\HasNoChildren",), b"/", "INBOX"),
        ((b"\\HasNoChildren", b"\\Sent"), b"/", "Sent Items"),
        ((), b"/", "Données"),
        ((), None, "1234"),
    ]
    played(c)


def test_list_folders_without_folder_encode_gives_bytes():
    body = 'C: A002 LIST "" "*"\nS: * LIST () "/" Donn&AOk-es\nS: A002 OK done\n'
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    c.folder_encode = False
    assert c.list_folders() == [((), b"/", b"Donn&AOk-es")]


def test_folder_names_are_encoded_and_quoted():
    body = (
        "C: A002 CREATE Donn&AOk-es\nS: A002 OK Create completed\n"
        'C: A003 DELETE "a b"\nS: A003 OK Delete completed\n'
        'C: A004 RENAME x "y \\"z\\""\nS: A004 OK Rename completed\n'
        "C: A005 SUBSCRIBE x\nS: A005 OK Subscribe completed\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    assert c.create_folder("Données") == b"Create completed"
    assert c.delete_folder(b"a b") == b"Delete completed"
    assert c.rename_folder("x", 'y "z"') == b"Rename completed"
    assert c.subscribe_folder("x") == [b"Subscribe completed"]
    played(c)


def test_folder_name_type_errors():
    c = scripted_client(GREETING + LOGIN)
    c.login("user", "pass")
    with pytest.raises(TypeError):
        c.select_folder(None)
    with pytest.raises(TypeError):
        c.create_folder(["INBOX"])
    with pytest.raises(UnicodeDecodeError):
        c.select_folder("Données".encode("utf-8"))
    with pytest.raises(ValueError):
        c.select_folder("a\0b")
    played(c)


def test_select_folder_dict():
    body = (
        "C: A002 EXAMINE INBOX\n"
        "S: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\n"
        "S: * OK [PERMANENTFLAGS ()] No permanent flags permitted\n"
        "S: * 8 EXISTS\n"
        "S: * 0 RECENT\n"
        "S: * OK [UNSEEN 3] first unseen\n"
        "S: * OK [UIDVALIDITY 1700000001] UIDs valid\n"
        "S: * OK [UIDNEXT 9] Predicted next UID\n"
        "S: * OK [HIGHESTMODSEQ 12] Highest\n"
        "S: A002 OK [READ-ONLY] Examine completed\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    r = c.select_folder("INBOX", readonly=True)
    assert r[b"EXISTS"] == 8 and r[b"RECENT"] == 0
    assert r[b"FLAGS"] == (b"\\Answered", b"\\Flagged", b"\\Deleted", b"\\Seen", b"\\Draft")
    assert r[b"PERMANENTFLAGS"] == ()
    assert r[b"UIDVALIDITY"] == 1700000001 and r[b"UIDNEXT"] == 9
    assert r[b"HIGHESTMODSEQ"] == 12
    assert r[b"UNSEEN"] == [b"3"]
    assert r[b"READ-ONLY"] == [b""]
    played(c)


def test_folder_status():
    body = (
        "C: A002 STATUS INBOX (MESSAGES UIDNEXT)\n"
        "S: * STATUS INBOX (MESSAGES 8 UIDNEXT 9)\n"
        "S: A002 OK done\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    assert c.folder_status("INBOX", ["MESSAGES", b"UIDNEXT"]) == {b"MESSAGES": 8, b"UIDNEXT": 9}
    played(c)


def test_namespace():
    body = (
        "C: A002 NAMESPACE\n"
        'S: * NAMESPACE (("" "/")) NIL (("Shared/" "/"))\n'
        "S: A002 OK done\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    ns = c.namespace()
    assert ns == ((("", "/"),), None, (("Shared/", "/"),))
    assert ns.personal == (("", "/"),) and ns.other is None
    played(c)


# ---- fetch -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "messages,wire",
    [
        (3, "3"),
        ("3", "3"),
        (b"3", "3"),
        ([1, 2, 3], "1,2,3"),
        ((5, "7:9"), "5,7:9"),
        ("1:*", "1:*"),
        (SearchIds([4, 6]), "4,6"),
    ],
)
def test_fetch_message_id_forms(messages, wire):
    body = "C: A003 UID FETCH %s (FLAGS)\nS: A003 OK done\n" % wire
    c = selected(body)
    assert c.fetch(messages, ["FLAGS"]) == {}
    played(c)


def test_fetch_empty_messages_sends_nothing():
    c = selected("")
    assert c.fetch([], ["FLAGS"]) == {}
    assert c.fetch(None, "FLAGS") == {}
    assert c.get_flags([]) == {}
    assert c.add_flags([], [libimapclient.SEEN]) == {}
    played(c)


def test_fetch_data_forms_upper_cased():
    body = (
        "C: A003 UID FETCH 1 (FLAGS)\nS: A003 OK done\n"
        "C: A004 UID FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)] RFC822.SIZE)\nS: A004 OK done\n"
        "C: A005 UID FETCH 1 (FLAGS) (CHANGEDSINCE 5)\nS: A005 OK done\n"
    )
    c = selected(body)
    c.fetch(1, "flags")
    c.fetch(1, [b"body.peek[header.fields (subject)]", "rfc822.size"])
    c.fetch(1, ["FLAGS"], ["changedsince 5"])
    played(c)


def test_fetch_bad_arguments():
    c = selected("")
    with pytest.raises(TypeError):
        c.fetch([1.5], ["FLAGS"])
    with pytest.raises(TypeError):
        c.fetch([None], ["FLAGS"])
    with pytest.raises(TypeError):
        c.fetch([1], [3])
    with pytest.raises(ValueError):
        c.fetch("1 2", ["FLAGS"])
    with pytest.raises(exceptions.IMAPClientError):
        c.fetch("abc", ["FLAGS"])
    with pytest.raises(ValueError):
        c.fetch([1], ["FLAGS\r\nX"])
    played(c)


ENVELOPE = (
    '("Mon, 7 Feb 1994 21:52:25 -0800" "Re: hello" '
    '(("Mary Smith" NIL "mary" "example.com")) NIL NIL '
    '((NIL NIL "a-group" NIL)(NIL NIL "a" "example.com")(NIL NIL NIL NIL)) NIL NIL '
    '"<parent@example.com>" "<id@example.com>")'
)
BODYSTRUCTURE = (
    '(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 12 1 NIL NIL NIL NIL)'
    '("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 40 2 NIL NIL NIL NIL)'
    ' "ALTERNATIVE" ("BOUNDARY" "b1") NIL NIL NIL)'
)


def test_fetch_return_shapes():
    body = (
        "C: A003 UID FETCH 5 (UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE MODSEQ BODY[])\n"
        'S: * 2 FETCH (UID 5 FLAGS (\\Seen $Label) INTERNALDATE "17-Jul-1996 02:44:25 -0700" '
        "RFC822.SIZE 4286 ENVELOPE " + ENVELOPE + " BODYSTRUCTURE " + BODYSTRUCTURE
        + " MODSEQ (12345) BODY[] {5}\n"
        "S+ hello\n"
        "S: )\n"
        "S: A003 OK done\n"
    )
    c = selected(body)
    c.normalise_times = False
    r = c.fetch(5, ["UID", "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE",
                    "MODSEQ", "BODY[]"])
    assert list(r) == [5]
    m = r[5]
    assert m[b"SEQ"] == 2
    assert b"UID" not in m  # the key is the UID
    assert m[b"FLAGS"] == (b"\\Seen", b"$Label")
    assert m[b"INTERNALDATE"] == datetime.datetime(1996, 7, 17, 2, 44, 25,
                                                   tzinfo=FixedOffset(-420))
    assert m[b"INTERNALDATE"].utcoffset() == datetime.timedelta(hours=-7)
    assert m[b"RFC822.SIZE"] == 4286
    assert m[b"MODSEQ"] == (12345,)
    assert m[b"BODY[]"] == b"hello"
    env = m[b"ENVELOPE"]
    assert isinstance(env, Envelope)
    assert env.date == datetime.datetime(1994, 2, 7, 21, 52, 25, tzinfo=FixedOffset(-480))
    assert env.subject == b"Re: hello"
    assert env.from_ == (Address(b"Mary Smith", None, b"mary", b"example.com"),)
    assert str(env.from_[0]) == "Mary Smith <mary@example.com>"
    assert env.sender is None and env.reply_to is None
    assert env.to == (
        Address(None, None, b"a-group", None),
        Address(None, None, b"a", b"example.com"),
        Address(None, None, None, None),
    )
    assert env.in_reply_to == b"<parent@example.com>"
    assert env.message_id == b"<id@example.com>"
    bs = m[b"BODYSTRUCTURE"]
    assert isinstance(bs, BodyData) and bs.is_multipart
    assert bs[1] == b"ALTERNATIVE"
    assert bs[0][0][:2] == (b"TEXT", b"PLAIN") and isinstance(bs[0][0], BodyData)
    assert bs[0][1][6] == 40
    assert bs[2] == (b"BOUNDARY", b"b1")
    assert not bs[0][0].is_multipart
    played(c)


def test_fetch_normalise_times_gives_naive_local():
    body = (
        "C: A003 UID FETCH 5 (INTERNALDATE)\n"
        'S: * 2 FETCH (UID 5 INTERNALDATE "17-Jul-1996 02:44:25 -0700")\n'
        "S: A003 OK done\n"
    )
    c = selected(body)
    dt = c.fetch(5, ["INTERNALDATE"])[5][b"INTERNALDATE"]
    assert dt.tzinfo is None
    aware = datetime.datetime(1996, 7, 17, 9, 44, 25, tzinfo=datetime.timezone.utc)
    assert dt == aware.astimezone().replace(tzinfo=None)


def test_fetch_without_uid_keys_by_sequence_and_keeps_uid_item():
    body = (
        "C: A003 FETCH 2 (UID FLAGS)\n"
        "S: * 2 FETCH (UID 5 FLAGS ())\n"
        "S: A003 OK done\n"
    )
    c = selected(body, use_uid=False)
    assert c.fetch(2, ["UID", "FLAGS"]) == {2: {b"SEQ": 2, b"UID": 5, b"FLAGS": ()}}
    played(c)


def test_fetch_merges_split_responses_and_returns_defaultdict():
    body = (
        "C: A003 UID FETCH 1:* (FLAGS RFC822.SIZE)\n"
        "S: * 1 FETCH (UID 7 FLAGS (\\Seen))\n"
        "S: * 1 FETCH (UID 7 RFC822.SIZE 99)\n"
        "S: A003 OK done\n"
    )
    c = selected(body)
    r = c.fetch("1:*", ["FLAGS", "RFC822.SIZE"])
    assert r[7] == {b"SEQ": 1, b"FLAGS": (b"\\Seen",), b"RFC822.SIZE": 99}
    assert r[99] == {}  # a defaultdict(dict), as the reference returns


def test_fetch_values_generic():
    body = (
        "C: A003 UID FETCH 1 (BODY[HEADER.FIELDS (SUBJECT)] X-THING)\n"
        'S: * 1 FETCH (UID 1 BODY[HEADER.FIELDS ("SUBJECT")] {10}\n'
        "S% Subject: x\n"
        'S:  X-THING ("0123" 0123 NIL "" 99999999999999999999999))\n'
        "S: A003 OK done\n"
    )
    c = selected(body)
    m = c.fetch(1, ["BODY[HEADER.FIELDS (SUBJECT)]", "X-THING"])[1]
    assert m[b'BODY[HEADER.FIELDS ("SUBJECT")]'] == b"Subject: x"
    assert m[b"X-THING"] == (b"0123", b"0123", None, b"", 99999999999999999999999)


def test_fetch_server_error():
    c = selected("C: A003 UID FETCH 1 (FLAGS)\nS: A003 BAD nope\n")
    with pytest.raises(exceptions.IMAPClientError):
        c.fetch(1, ["FLAGS"])
    played(c)


def test_fetch_each_and_sink():
    body = (
        "C: A003 UID FETCH 1:2 (BODY.PEEK[])\n"
        "S: * 1 FETCH (UID 1 BODY[] {10}\n"
        "S+ 0123456789\n"
        "S: )\n"
        "S: * 2 FETCH (UID 2 BODY[] {3}\n"
        "S+ abc\n"
        "S: )\n"
        "S: A003 OK done\n"
    )
    c = selected(body)
    out = io.BytesIO()
    seen = []
    assert c.fetch_each("1:2", ["BODY.PEEK[]"], lambda k, d: seen.append((k, d)),
                        sink=out, sink_min=5) is True
    assert out.getvalue() == b"0123456789"
    assert seen == [(1, {b"SEQ": 1, b"BODY[]": b""}), (2, {b"SEQ": 2, b"BODY[]": b"abc"})]
    played(c)


def test_fetch_each_callable_sink_and_stop():
    body = (
        "C: A003 UID FETCH 1:2 (BODY.PEEK[])\n"
        "S: * 1 FETCH (UID 1 BODY[] {4}\n"
        "S+ abcd\n"
        "S: )\n"
        "S: * 2 FETCH (UID 2 BODY[] {4}\n"
        "S+ efgh\n"
        "S: )\n"
        "S: A003 OK done\n"
        "C: A004 NOOP\nS: A004 OK done\n"
    )
    c = selected(body)
    chunks = []
    seen = []
    r = c.fetch_each("1:2", "BODY.PEEK[]", lambda k, d: seen.append(k) or True,
                     sink=lambda seq, name, data: chunks.append((seq, name, data)), sink_min=1)
    assert r is False and seen == [1]
    assert b"".join(x[2] for x in chunks if x[0] == 1) == b"abcd"
    c.noop()  # the connection is still usable
    played(c)


def test_fetch_each_callback_exception_propagates():
    body = (
        "C: A003 UID FETCH 1:2 (FLAGS)\n"
        "S: * 1 FETCH (UID 1 FLAGS ())\n"
        "S: * 2 FETCH (UID 2 FLAGS ())\n"
        "S: A003 OK done\n"
    )
    c = selected(body)

    def boom(k, d):
        raise KeyError("mine")

    with pytest.raises(KeyError, match="mine"):
        c.fetch_each("1:2", ["FLAGS"], boom)
    played(c)


def test_iter_fetch_generator():
    n = 50
    lines = "".join("S: * %d FETCH (UID %d FLAGS ())\n" % (i, i + 100) for i in range(1, n + 1))
    body = "C: A003 UID FETCH 1:* (FLAGS)\n" + lines + "S: A003 OK done\n"
    c = selected(body)
    got = list(c.iter_fetch("1:*", ["FLAGS"], buffer=2))
    assert [k for k, _ in got] == list(range(101, 101 + n))
    assert got[0][1] == {b"SEQ": 1, b"FLAGS": ()}
    played(c)


def test_iter_fetch_closed_early_leaves_connection_usable():
    n = 50
    lines = "".join("S: * %d FETCH (UID %d FLAGS ())\n" % (i, i) for i in range(1, n + 1))
    body = "C: A003 UID FETCH 1:* (FLAGS)\n" + lines + "S: A003 OK done\n"
    body += "C: A004 NOOP\nS: A004 OK done\n"
    c = selected(body)
    gen = c.iter_fetch("1:*", ["FLAGS"], buffer=1)
    assert next(gen)[0] == 1
    gen.close()
    assert c.noop() == (b"done", [])
    played(c)


# ---- search, sort, thread ------------------------------------------------------


@pytest.mark.parametrize(
    "criteria,wire",
    [
        ("ALL", "ALL"),
        (["UNSEEN"], "UNSEEN"),
        (["SMALLER", 500], "SMALLER 500"),
        ([b"NOT", b"DELETED"], "NOT DELETED"),
        (["TEXT", "foo bar", "FLAGGED", "SUBJECT", "baz"], 'TEXT "foo bar" FLAGGED SUBJECT baz'),
        (["SINCE", datetime.date(2005, 4, 3)], "SINCE 03-Apr-2005"),
        (["SINCE", datetime.datetime(2005, 4, 3, 13, 0)], "SINCE 03-Apr-2005"),
        (["NOT", ["SUBJECT", "foo", "FLAGGED"]], "NOT (SUBJECT foo FLAGGED)"),
        ('TEXT "foo bar" FLAGGED SUBJECT "baz"', 'TEXT "foo bar" FLAGGED SUBJECT "baz"'),
        (b"SINCE 03-Apr-2005", "SINCE 03-Apr-2005"),
        (["SUBJECT", ""], 'SUBJECT ""'),
        (["SUBJECT", 'a"b'], 'SUBJECT "a\\"b"'),
    ],
)
def test_search_criteria_forms(criteria, wire):
    body = "C: A003 UID SEARCH %s\nS: * SEARCH 2 4\nS: A003 OK done\n" % wire
    c = selected(body)
    r = c.search(criteria)
    assert r == [2, 4] and isinstance(r, SearchIds) and r.modseq is None
    played(c)


def test_search_default_and_modseq():
    body = "C: A003 UID SEARCH ALL\nS: * SEARCH 1 2 (MODSEQ 917162500)\nS: A003 OK done\n"
    c = selected(body)
    r = c.search()
    assert r == [1, 2] and r.modseq == 917162500
    played(c)


def test_search_empty_result():
    c = selected("C: A003 UID SEARCH ALL\nS: * SEARCH\nS: A003 OK done\n")
    assert c.search() == []


def test_search_charset_and_8bit_literal():
    body = (
        "C: A003 UID SEARCH CHARSET UTF-8 SUBJECT {6+}\n"
        "C% Donn%C3%A9\n"
        "C: \n"
        "S: * SEARCH 3\nS: A003 OK done\n"
    )
    c = selected(body)
    assert c.search(["SUBJECT", "Donné"], "UTF-8") == [3]
    played(c)


def test_search_bad_criteria():
    c = selected("C: A003 UID SEARCH FOO\nS: A003 BAD [PARSE] Unknown argument FOO\n")
    with pytest.raises(exceptions.InvalidCriteriaError):
        c.search([])
    with pytest.raises(exceptions.InvalidCriteriaError):
        c.search("")
    with pytest.raises(exceptions.InvalidCriteriaError):
        c.search(None)
    with pytest.raises(UnicodeEncodeError):
        c.search(["SUBJECT", "Donné"])  # US-ASCII by default, as the reference
    with pytest.raises(TypeError):
        c.search([1.5])
    with pytest.raises(exceptions.InvalidCriteriaError) as ei:
        c.search(["FOO"])
    assert isinstance(ei.value, imaplib.IMAP4.error)
    played(c)


def test_gmail_search():
    body = 'C: A003 UID SEARCH CHARSET UTF-8 X-GM-RAW "has:attachment in:unread"\n'
    body += "S: * SEARCH 9\nS: A003 OK done\n"
    c = selected(body)
    assert c.gmail_search("has:attachment in:unread") == [9]
    played(c)


def test_sort_forms():
    body = (
        "C: A003 UID SORT (REVERSE DATE) UTF-8 ALL\nS: * SORT 5 3 4\nS: A003 OK done\n"
        "C: A004 UID SORT (ARRIVAL) UTF-8 FROM \"a b\"\nS: * SORT 1\nS: A004 OK done\n"
    )
    c = selected(body)
    assert c.sort(["reverse", "date"]) == [5, 3, 4]
    assert c.sort("ARRIVAL", 'FROM "a b"') == [1]
    played(c)


def test_thread():
    body = (
        "C: A003 UID THREAD REFERENCES UTF-8 ALL\n"
        "S: * THREAD (2)(3 6 (4 23)(44 7 96))\nS: A003 OK done\n"
    )
    c = selected(body)
    assert c.thread() == ((2,), (3, 6, (4, 23), (44, 7, 96)))
    played(c)


# ---- flags ------------------------------------------------------------------------


def test_flag_forms_and_results():
    body = (
        "C: A003 UID STORE 1 +FLAGS (\\Seen)\n"
        "S: * 1 FETCH (UID 1 FLAGS (\\Seen))\nS: A003 OK done\n"
        "C: A004 UID STORE 1,2 -FLAGS (\\Seen foo)\n"
        "S: * 1 FETCH (UID 1 FLAGS ())\nS: * 2 FETCH (UID 2 FLAGS ())\nS: A004 OK done\n"
        "C: A005 UID STORE 2 FLAGS.SILENT (\\Flagged)\nS: A005 OK done\n"
        "C: A006 UID STORE 3 +FLAGS (\\Deleted)\n"
        "S: * 3 FETCH (UID 3 FLAGS (\\Deleted))\nS: A006 OK done\n"
        "C: A007 UID FETCH 1 (FLAGS)\nS: * 1 FETCH (UID 1 FLAGS (\\Seen))\nS: A007 OK done\n"
    )
    c = selected(body)
    assert c.add_flags(1, libimapclient.SEEN) == {1: (b"\\Seen",)}
    assert c.remove_flags([1, 2], ["\\Seen", b"foo"]) == {1: (), 2: ()}
    assert c.set_flags(2, [libimapclient.FLAGGED], silent=True) is None
    assert c.delete_messages(3) == {3: (b"\\Deleted",)}
    assert c.get_flags(1) == {1: (b"\\Seen",)}
    played(c)


def test_bad_flags():
    c = selected("")
    with pytest.raises(ValueError):
        c.add_flags(1, ["a b"])
    with pytest.raises(TypeError):
        c.add_flags(1, [7])
    played(c)


def test_gmail_labels():
    body = (
        "C: A003 UID FETCH 1 (X-GM-LABELS)\n"
        'S: * 1 FETCH (UID 1 X-GM-LABELS ("\\\\Important" Donn&AOk-es))\nS: A003 OK done\n'
        'C: A004 UID STORE 1 +X-GM-LABELS ("Donn&AOk-es")\n'
        'S: * 1 FETCH (UID 1 X-GM-LABELS (Donn&AOk-es))\nS: A004 OK done\n'
    )
    c = selected(body)
    assert c.get_gmail_labels(1) == {1: ["\\Important", "Données"]}
    assert c.add_gmail_labels(1, "Données") == {1: ["Données"]}
    played(c)


# ---- append, copy, move, expunge --------------------------------------------------


def test_append_forms():
    body = (
        'C: A002 APPEND "INBOX" (\\Seen) "03-Apr-2005 13:30:00 +0200" {14+}\n'
        "C% Subject: x%0D%0A%0D%0A\n"
        "C: \n"
        "S: A002 OK [APPENDUID 1700000001 9] Append completed.\n"
        "C: A003 APPEND \"INBOX\" () {3+}\n"
        "C% abc\n"
        "C: \n"
        "S: A003 OK Append completed.\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    when = datetime.datetime(2005, 4, 3, 13, 30, tzinfo=FixedOffset(120))
    r = c.append("INBOX", b"Subject: x\n\n", [libimapclient.SEEN], when)
    assert r == b"[APPENDUID 1700000001 9] Append completed."
    assert c.append("INBOX", "abc") == b"Append completed."
    with pytest.raises(TypeError):
        c.append("INBOX", 42)
    with pytest.raises(UnicodeEncodeError):
        c.append("INBOX", "caf\xe9")
    played(c)


def test_append_stream_from_file_objects():
    body = (
        "C: A002 APPEND \"INBOX\" () {17+}\n"
        "C% Subject: x%0D%0A%0D%0Ab%0D%0A\n"
        "C: \n"
        "S: A002 OK [APPENDUID 7 5] Append completed.\n"
        "C: A003 APPEND \"INBOX\" (\\Seen) {4+}\n"
        "C% ab%0D%0A\n"
        "C: \n"
        "S: A003 OK Append completed.\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    f = io.BytesIO(b"junkSubject: x\n\nb\n")
    f.seek(4)  # from the current position on
    assert c.append("INBOX", f) == b"[APPENDUID 7 5] Append completed."
    g = io.BytesIO(b"ab\r\n")
    assert c.append_stream("INBOX", g, [libimapclient.SEEN], crlf=True) == b"Append completed."
    with pytest.raises(TypeError):
        c.append_stream("INBOX", b"not a file")
    with pytest.raises(TypeError):  # text mode: read() gives str
        c.append_stream("INBOX", io.StringIO("abc\n"), size=4, crlf=True)
    played(c)


def test_multiappend():
    body = (
        "C: A002 APPEND \"INBOX\" {1+}\nC% a\nC:  (\\Seen) {1+}\nC% b\nC: \n"
        "S: A002 OK [APPENDUID 7 3:4] Append completed.\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    r = c.multiappend("INBOX", [b"a", {"msg": b"b", "flags": [libimapclient.SEEN]}])
    assert r == ("OK", [b"[APPENDUID 7 3:4] Append completed."])
    played(c)


def test_copy_move_expunge():
    body = (
        "C: A003 UID COPY 1,2 \"Archive\"\n"
        "S: A003 OK [COPYUID 1700000002 1:2 3:4] Copy completed.\n"
        "C: A004 UID MOVE 3 \"Archive\"\n"
        "S: * OK [COPYUID 1700000002 3 5] Moved\n"
        "S: * 3 EXPUNGE\n"
        "S: A004 OK Move completed.\n"
        "C: A005 EXPUNGE\n"
        "S: * 2 EXPUNGE\nS: * 1 EXPUNGE\nS: A005 OK Expunge completed.\n"
        "C: A006 UID EXPUNGE 7\n"
        "S: * 1 EXPUNGE\nS: A006 OK Expunge completed.\n"
    )
    c = selected(body)
    assert c.copy([1, 2], "Archive") == b"[COPYUID 1700000002 1:2 3:4] Copy completed."
    assert c.move(3, "Archive").endswith(b"Move completed.")
    assert c.expunge() == (b"Expunge completed.", [(2, b"EXPUNGE"), (1, b"EXPUNGE")])
    assert c.expunge([7]) == [b"1"]
    c.use_uid = False
    with pytest.raises(ValueError):
        c.expunge([1])
    played(c)


# ---- unsolicited responses and IDLE -----------------------------------------------


def test_noop_responses():
    body = (
        "C: A003 NOOP\n"
        "S: * 4 EXISTS\n"
        "S: * 3 FETCH (FLAGS (bar sne))\n"
        "S: * OK [ALERT] careful\n"
        "S: A003 OK NOOP completed.\n"
    )
    c = selected(body)
    assert c.noop() == (
        b"NOOP completed.",
        [(4, b"EXISTS"), (3, b"FETCH", (b"FLAGS", (b"bar", b"sne"))), (b"OK", b"[ALERT] careful")],
    )
    played(c)


def test_idle_cycle():
    body = (
        "C: A003 IDLE\n"
        "S: + idling\n"
        "S: * 5 EXISTS\n"
        "S: * OK Still here\n"
        "C: DONE\n"
        "S: * 6 EXISTS\n"
        "S: A003 OK Idle completed.\n"
    )
    c = selected(body)
    c.idle()
    assert c.idle_check(timeout=1) == [(5, b"EXISTS"), (b"OK", b"Still here")]
    assert c.idle_done() == (b"Idle completed.", [(6, b"EXISTS")])
    played(c)


def test_idle_requires_capability():
    c = scripted_client("S: * OK [CAPABILITY IMAP4rev1] hi\n"
                        "C: A001 LOGIN user pass\nS: A001 OK [CAPABILITY IMAP4rev1] in\n")
    c.login("user", "pass")
    with pytest.raises(exceptions.CapabilityError):
        c.idle()


# ---- extensions ---------------------------------------------------------------------


def test_id_enable_quota_acl():
    body = (
        'C: A002 ID ("name" "libimapclient")\n'
        'S: * ID ("name" "Dovecot" "version" "2.3")\nS: A002 OK ID completed.\n'
        "C: A003 ENABLE CONDSTORE\nS: * ENABLED CONDSTORE\nS: A003 OK Enabled.\n"
        "C: A004 GETQUOTAROOT INBOX\n"
        'S: * QUOTAROOT INBOX "User quota"\n'
        'S: * QUOTA "User quota" (STORAGE 10 102400)\nS: A004 OK done\n'
        "C: A005 GETACL INBOX\nS: * ACL INBOX user lrswipkxtecda anyone lr\nS: A005 OK done\n"
        "C: A006 SETACL INBOX other lr\nS: A006 OK Setacl complete.\n"
    )
    c = scripted_client(GREETING + LOGIN + body)
    c.login("user", "pass")
    assert c.id_({"name": "libimapclient"}) == ((b"name", b"Dovecot", b"version", b"2.3"),)
    with pytest.raises(TypeError):
        c.id_(["name", "x"])
    assert c.enable("CONDSTORE") == [b"CONDSTORE"]
    roots, quotas = c.get_quota_root("INBOX")
    assert roots == libimapclient.MailboxQuotaRoots("INBOX", ["User quota"])
    assert quotas == [libimapclient.Quota("User quota", "STORAGE", 10, 102400)]
    assert c.getacl("INBOX") == [(b"user", b"lrswipkxtecda"), (b"anyone", b"lr")]
    assert c.setacl("INBOX", "other", "lr") == b"Setacl complete."
    played(c)


def test_sasl_login_callback():
    body = (
        "C: A001 AUTHENTICATE PLAIN\n"
        "S: + \n"
        "C: AHVzZXIAcGFzcw==\n"
        "S: A001 OK Logged in\n"
    )
    c = scripted_client(GREETING + body)
    challenges = []

    def mech(challenge):
        challenges.append(challenge)
        return "\0user\0pass"

    assert c.sasl_login("PLAIN", mech) == b"Logged in"
    assert challenges == [b""]
    played(c)


def test_sasl_login_callback_exception_propagates():
    body = "C: A001 AUTHENTICATE PLAIN\nS: + \nC: *\nS: A001 BAD cancelled\n"
    c = scripted_client(GREETING + body)

    def mech(challenge):
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        c.sasl_login("PLAIN", mech)


def test_utilities():
    from libimapclient import datetime_util, imap_utf7

    assert imap_utf7.encode("Hello, 日本語") == b"Hello, &ZeVnLIqe-"
    assert imap_utf7.decode(b"Hello, &ZeVnLIqe-") == "Hello, 日本語"
    assert imap_utf7.encode(b"x") == b"x" and imap_utf7.decode("x") == "x"
    assert datetime_util.format_criteria_date(datetime.date(2005, 4, 3)) == b"03-Apr-2005"
    dt = datetime_util.parse_to_datetime(b"17-Jul-1996 02:44:25 -0700", normalise=False)
    assert dt.utcoffset() == datetime.timedelta(hours=-7)
    assert datetime_util.datetime_to_INTERNALDATE(dt) == "17-Jul-1996 02:44:25 -0700"
    with pytest.raises(ValueError):
        datetime_util.parse_to_datetime(b"not a date")
