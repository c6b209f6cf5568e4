"""The C library's extensions through the Python API (beyond the
reference), on canned server bytes: what each method sends (C: lines are
checked byte for byte), the shapes it returns, and the reference's
exception classes for what is refused. Transcripts follow the RFCs' own
examples where they have one."""
import dataclasses
import datetime
import imaplib

import pytest

import libimapclient
from libimapclient import exceptions
from libimapclient.response_types import Folder, Metadata, NotifyEvent, Response, SearchIds
from libimapclient.testing import script_done, script_sent, scripted_client


def played(c):
    assert script_done(c), script_sent(c)


def preauth(caps, body="", **kw):
    return scripted_client("S: * PREAUTH [CAPABILITY IMAP4rev1 %s] ready\n" % caps + body,
                           **kw)


def selected(caps, body, use_uid=True):
    c = preauth(caps, "C: A001 SELECT INBOX\nS: * 8 EXISTS\nS: A001 OK [READ-WRITE] done\n"
                + body, use_uid=use_uid)
    c.select_folder("INBOX")
    return c


# ---- ENABLE, UTF8=ACCEPT ----------------------------------------------------


def test_enable_utf8_accept_folder_names_and_search():
    # RFC 6855: once UTF8=ACCEPT is enabled, folder names go as UTF-8 (not
    # modified UTF-7) both ways and SEARCH takes UTF-8 without CHARSET
    c = preauth(
        "ENABLE UTF8=ACCEPT LITERAL+",
        "C: A001 ENABLE UTF8=ACCEPT\n"
        "S: * ENABLED UTF8=ACCEPT\n"
        "S: A001 OK done\n"
        'C: A002 CREATE "Répertoire"\n'
        "S: A002 OK done\n"
        'C: A003 LIST "" "*"\n'
        'S: * LIST () "/" "Répertoire"\n'
        "S: A003 OK done\n"
        "C: A004 SELECT INBOX\n"
        "S: A004 OK [READ-WRITE] done\n"
        "C: A005 UID SEARCH SUBJECT {5+}\n"
        "C: café\n"
        "S: * SEARCH 3\n"
        "S: A005 OK done\n",
    )
    assert not c.is_utf8() and not c.is_enabled("UTF8=ACCEPT")
    assert c.enable("UTF8=ACCEPT") == [b"UTF8=ACCEPT"]
    assert c.is_utf8() and c.is_enabled("utf8=accept") and c.is_enabled(b"UTF8=ACCEPT")
    assert not c.is_imap4rev2()
    c.create_folder("Répertoire")
    assert c.list_folders() == [((), b"/", "Répertoire")]
    c.select_folder("INBOX")
    assert c.search(["SUBJECT", "café"]) == [3]
    played(c)


def test_search_non_ascii_without_utf8_is_the_references_encode_error():
    c = selected("", "")
    with pytest.raises(UnicodeEncodeError):
        c.search(["SUBJECT", "café"])
    played(c)


def test_enable_not_announced_and_refused_ids():
    c = preauth("")
    with pytest.raises(exceptions.CapabilityError):
        c.enable("CONDSTORE")
    assert script_sent(c) == b""
    c = preauth("ENABLE")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.enable("BAD NAME")
    with pytest.raises(imaplib.IMAP4.error):
        c.enable("X\r\nY")
    played(c)


# ---- LIST-EXTENDED, LIST-STATUS, SPECIAL-USE --------------------------------


def test_list_extended_rfc5258_recursivematch_childinfo():
    # RFC 5258 section 5, example 5
    c = preauth(
        "LIST-EXTENDED",
        'C: A001 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)\n'
        'S: * LIST (\\Marked \\NoInferiors \\Subscribed) "/" "inbox"\n'
        'S: * LIST () "/" "Fruit" ("CHILDINFO" ("SUBSCRIBED"))\n'
        'S: * LIST (\\Subscribed \\NonExistent) "/" "Gone"\n'
        "S: A001 OK done\n",
    )
    got = c.list_extended(patterns="%", selection=["SUBSCRIBED", "recursivematch"],
                          returns="CHILDREN")
    assert [tuple(f) for f in got] == [
        ((b"\\Marked", b"\\NoInferiors", b"\\Subscribed"), b"/", "inbox"),
        ((), b"/", "Fruit"),
        ((b"\\Subscribed", b"\\NonExistent"), b"/", "Gone"),
    ]
    inbox, fruit, gone = got
    assert isinstance(fruit, Folder) and isinstance(fruit, tuple)
    flags, delimiter, name = fruit  # the reference's unpacking still works
    assert (flags, delimiter, name) == ((), b"/", "Fruit")
    assert fruit.name == "Fruit" and fruit.flags == () and fruit.delimiter == b"/"
    assert fruit.childinfo == (b"SUBSCRIBED",) and inbox.childinfo == ()
    assert fruit.extended == (b"CHILDINFO", (b"SUBSCRIBED",))
    assert fruit.status is None and fruit.old_name is None
    assert gone.nonexistent and not fruit.nonexistent
    played(c)


def test_list_extended_several_patterns_and_status():
    # RFC 5258 example 6 (several patterns), RFC 5819's STATUS return option
    c = preauth(
        "LIST-EXTENDED LIST-STATUS SPECIAL-USE STATUS=SIZE",
        'C: A001 LIST (REMOTE) "" (INBOX "Sent/%")\n'
        'S: * LIST () "/" INBOX\n'
        'S: * LIST (\\Remote) "/" "Sent/August2004"\n'
        "S: A001 OK done\n"
        'C: A002 LIST (SPECIAL-USE) "" "*" RETURN (SUBSCRIBED STATUS (MESSAGES SIZE))\n'
        'S: * LIST (\\Sent \\Subscribed) "/" Sent\n'
        "S: * STATUS Sent (MESSAGES 3 SIZE 4500)\n"
        "S: A002 OK done\n",
    )
    got = c.list_extended(patterns=["INBOX", "Sent/%"], selection=("REMOTE",))
    assert got == [((), b"/", "INBOX"), ((b"\\Remote",), b"/", "Sent/August2004")]
    got = c.list_extended(selection="SPECIAL-USE", returns=["SUBSCRIBED"],
                          status=["MESSAGES", "SIZE"])
    assert got == [((b"\\Sent", b"\\Subscribed"), b"/", "Sent")]
    assert got[0].status == {b"MESSAGES": 3, b"SIZE": 4500}
    played(c)


def test_list_extended_refusals():
    c = preauth("")
    # an option of an extension the server lacks: nothing sent
    with pytest.raises(exceptions.CapabilityError):
        c.list_extended(selection=["SUBSCRIBED"])
    with pytest.raises(exceptions.CapabilityError):
        c.list_extended(status=["MESSAGES"])
    # not an option at all
    with pytest.raises(exceptions.InvalidArgumentError) as ei:
        c.list_extended(selection=["NOPE"])
    assert isinstance(ei.value, ValueError) and isinstance(ei.value, imaplib.IMAP4.error)
    with pytest.raises(exceptions.InvalidArgumentError):
        c.list_extended(returns=["STATUS"])
    with pytest.raises(TypeError):
        c.list_extended(patterns=[1.5])
    assert script_sent(c) == b""
    c = preauth("LIST-EXTENDED")
    with pytest.raises(exceptions.InvalidArgumentError):  # RECURSIVEMATCH alone
        c.list_extended(selection=["RECURSIVEMATCH"])
    assert script_sent(c) == b""


def test_list_status_one_round_trip_rfc5819():
    # RFC 5819 section 5's example: \NoSelect has no status
    c = preauth(
        "LIST-EXTENDED LIST-STATUS",
        'C: A001 LIST "" "%" RETURN (STATUS (MESSAGES UNSEEN))\n'
        'S: * LIST () "."  "INBOX"\n'
        'S: * STATUS "INBOX" (MESSAGES 17 UNSEEN 16)\n'
        'S: * LIST () "." "foo"\n'
        'S: * STATUS "foo" (MESSAGES 30 UNSEEN 29)\n'
        'S: * LIST (\\NoSelect) "." "bar"\n'
        "S: A001 OK List completed.\n",
    )
    got = c.list_status(pattern="%", what=["MESSAGES", "UNSEEN"])
    assert got == [((), b".", "INBOX"), ((), b".", "foo"), ((b"\\NoSelect",), b".", "bar")]
    assert {f.name: f.status for f in got} == {
        "INBOX": {b"MESSAGES": 17, b"UNSEEN": 16},
        "foo": {b"MESSAGES": 30, b"UNSEEN": 29},
        "bar": None,
    }
    played(c)


def test_list_status_without_list_status_pipelines_status():
    c = preauth(
        "",
        'C: A001 LIST "" "*"\n'
        'S: * LIST () "/" INBOX\n'
        'S: * LIST (\\Noselect) "/" Dir\n'
        'S: * LIST () "/" Sent\n'
        "S: A001 OK done\n"
        "C: A002 STATUS INBOX (MESSAGES)\n"
        "C: A003 STATUS Sent (MESSAGES)\n"
        "S: * STATUS INBOX (MESSAGES 8)\n"
        "S: A002 OK done\n"
        "S: * STATUS Sent (MESSAGES 2)\n"
        "S: A003 OK done\n",
    )
    got = c.list_status(what="MESSAGES")
    assert [f.status for f in got] == [{b"MESSAGES": 8}, None, {b"MESSAGES": 2}]
    played(c)


def test_status_size_needs_its_capability():
    c = preauth("STATUS=SIZE",
                "C: A001 STATUS INBOX (MESSAGES SIZE)\n"
                "S: * STATUS INBOX (MESSAGES 8 SIZE 5493)\n"
                "S: A001 OK done\n")
    assert c.folder_status("INBOX", ["MESSAGES", "SIZE"]) == {b"MESSAGES": 8, b"SIZE": 5493}
    played(c)
    c = preauth("")
    with pytest.raises(exceptions.CapabilityError):
        c.folder_status("INBOX", ["SIZE"])
    assert script_sent(c) == b""


def test_create_folder_special_use_rfc6154():
    # RFC 6154 section 5.2; MAILBOXID (RFC 8474) in front as APPENDUID is
    c = preauth(
        "CREATE-SPECIAL-USE OBJECTID",
        "C: A001 CREATE MySpecial (USE (\\Drafts \\Sent))\n"
        "S: A001 OK [MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] MySpecial created\n"
        "C: A002 CREATE Plain\n"
        "S: A002 OK done\n"
        "C: A003 CREATE Junk2 (USE (\\Junk))\n"
        "S: A003 NO [USEATTR] \\Junk not supported\n",
    )
    assert (c.create_folder("MySpecial", special_use=[libimapclient.DRAFTS, "\\Sent"])
            == b"[MAILBOXID (F2212ea87-6097-4256-9d51-71338625)] MySpecial created")
    assert c.create_folder("Plain") == b"done"
    with pytest.raises(imaplib.IMAP4.error) as ei:
        c.create_folder("Junk2", special_use=libimapclient.JUNK)
    assert "USEATTR" in str(ei.value)
    played(c)


def test_create_folder_special_use_refused_before_sending():
    c = preauth("SPECIAL-USE")
    with pytest.raises(exceptions.CapabilityError):
        c.create_folder("X", special_use=libimapclient.SENT)
    c = preauth("CREATE-SPECIAL-USE")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.create_folder("X", special_use="Sent")  # not a \flag
    with pytest.raises(TypeError):
        c.create_folder("X", special_use=[3])
    assert script_sent(c) == b""


def test_find_special_folder_through_list_special_use():
    c = preauth(
        "LIST-EXTENDED SPECIAL-USE",
        'C: A001 LIST (SPECIAL-USE) "" "*"\n'
        'S: * LIST (\\Sent) "/" "Sent Mail"\n'
        'S: * LIST (\\Trash \\NonExistent) "/" Bin\n'
        "S: A001 OK done\n",
    )
    assert c.find_special_folder(libimapclient.SENT) == "Sent Mail"
    played(c)


def test_find_special_folder_quirk_off_goes_to_common_names():
    # list_flags_special_use off: no plain LIST of every folder, straight to
    # the common names
    q = dataclasses.replace(libimapclient.Quirks.profile("default"),
                            list_flags_special_use=False)
    c = preauth("", 'C: A001 LIST "" Sent\nS: * LIST () "/" Sent\nS: A001 OK done\n',
                quirks=q)
    assert c.quirks.list_flags_special_use is False
    assert c.find_special_folder(libimapclient.SENT) == "Sent"
    played(c)


# ---- METADATA ---------------------------------------------------------------


def test_get_metadata_rfc5464_examples():
    c = preauth(
        "METADATA",
        "C: A001 GETMETADATA INBOX (/shared/comment /private/comment)\n"
        'S: * METADATA "INBOX" (/shared/comment "Shared comment" /private/comment NIL)\n'
        "S: A001 OK GETMETADATA complete\n"
        'C: A002 GETMETADATA "" /private/comment\n'
        'S: * METADATA "" (/private/comment "server")\n'
        "S: A002 OK done\n"
        "C: A003 GETMETADATA (MAXSIZE 1024) INBOX /shared/comment\n"
        "S: A003 OK [METADATA LONGENTRIES 2199] GETMETADATA complete\n"
        "C: A004 GETMETADATA (DEPTH infinity) INBOX /private\n"
        'S: * METADATA "INBOX" (/private/a {3}\n'
        "S% a%00b)%0D%0A\n"
        "S: A004 OK done\n",
    )
    m = c.get_metadata("INBOX", ["/shared/comment", "/private/comment"])
    assert isinstance(m, Metadata) and isinstance(m, dict)
    assert m == {b"/shared/comment": b"Shared comment", b"/private/comment": None}
    assert m.longentries is None
    assert c.get_metadata(None, "/private/comment") == {b"/private/comment": b"server"}
    m = c.get_metadata("INBOX", "/shared/comment", maxsize=1024)
    assert m == {} and m.longentries == 2199
    assert c.get_metadata("INBOX", b"/private", depth="infinity") == {b"/private/a": b"a\0b"}
    played(c)


def test_set_metadata_values_nil_and_binary():
    c = preauth(
        "METADATA LITERAL+ BINARY",
        'C: A001 SETMETADATA INBOX (/private/comment "My new comment")\n'
        "S: A001 OK SETMETADATA complete\n"
        "C: A002 SETMETADATA INBOX (/private/comment NIL)\n"
        "S: A002 OK done\n"
        'C: A003 SETMETADATA "" (/shared/comment "x")\n'
        "S: A003 NO [METADATA NOPRIVATE] no\n"
        "C: A004 SETMETADATA INBOX (/private/t ~{3+}\n"
        "C% a%00b)%0D%0A\n"
        "S: A004 OK done\n",
    )
    assert c.set_metadata("INBOX", {"/private/comment": "My new comment"}) == \
        b"SETMETADATA complete"
    assert c.set_metadata("INBOX", {"/private/comment": None}) == b"done"
    with pytest.raises(imaplib.IMAP4.error) as ei:
        c.set_metadata("", {"/shared/comment": b"x"})
    assert "NOPRIVATE" in str(ei.value)
    c.set_metadata("INBOX", {"/private/t": b"a\0b"})
    played(c)


def test_metadata_bad_input():
    c = preauth("")
    with pytest.raises(exceptions.CapabilityError):
        c.get_metadata("INBOX", "/private/comment")
    c = preauth("METADATA")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.get_metadata("INBOX", "/private/*")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.get_metadata("INBOX", "/private/comment", depth=2)
    with pytest.raises(exceptions.InvalidArgumentError):
        c.get_metadata("INBOX", "/private/comment", maxsize=0)
    with pytest.raises(exceptions.InvalidArgumentError):
        c.set_metadata("INBOX", {})
    with pytest.raises(TypeError):
        c.set_metadata("INBOX", {"/private/comment": 3})
    with pytest.raises(ValueError):
        c.set_metadata("INBOX", {"/private/co\nmment": "x"})
    assert script_sent(c) == b""


# ---- NOTIFY -----------------------------------------------------------------


def test_notify_set_rfc5465_example_and_events_through_noop():
    # RFC 5465 section 3.1 (erratum 1804)
    c = preauth(
        "NOTIFY IDLE",
        "C: A001 NOTIFY SET STATUS (selected (MessageNew (UID "
        "BODY.PEEK[HEADER.FIELDS (FROM TO SUBJECT)]) MessageExpunge)) "
        "(subtree Lists (MessageNew))\n"
        "S: * STATUS Lists (UIDVALIDITY 1 UIDNEXT 999)\n"
        "S: A001 OK done\n"
        "C: A002 NOOP\n"
        "S: * 127 FETCH (UID 127001 FLAGS (\\Seen))\n"
        "S: * STATUS Lists/Lemonade (UIDVALIDITY 4 UIDNEXT 10 MESSAGES 8)\n"
        "S: * FLAGS (\\Seen)\n"
        "S: A002 OK NOOP done\n"
        "C: A003 NOTIFY NONE\n"
        "S: A003 OK done\n",
    )
    c.notify_set(
        libimapclient.NotifyGroup("SELECTED", ["MessageNew", "MessageExpunge"],
                                  fetch_attributes=["uid",
                                                    "body.peek[header.fields (from to subject)]"]),
        ("subtree", ["MessageNew"], "Lists"),
        status=True,
    )
    text, resps = c.noop()
    assert text == b"NOOP done"
    # the reference's parsed form, unchanged (SET STATUS's answer first) ...
    assert resps == [(b"STATUS", b"Lists", (b"UIDVALIDITY", 1, b"UIDNEXT", 999)),
                     (127, b"FETCH", (b"UID", 127001, b"FLAGS", (b"\\Seen",))),
                     (b"STATUS", b"Lists/Lemonade",
                      (b"UIDVALIDITY", 4, b"UIDNEXT", 10, b"MESSAGES", 8)),
                     (b"FLAGS", (b"\\Seen",))]
    # ... with the notifications decoded
    assert isinstance(resps[1], Response) and not isinstance(resps[3], Response)
    events = libimapclient.notify_events(resps)
    assert [e.kind for e in events] == ["STATUS", "FETCH", "STATUS"]
    assert events[0].mailbox == "Lists"
    assert events[1] == NotifyEvent(kind="FETCH", number=127, uid=127001, flags=(b"\\Seen",),
                                    data={b"UID": 127001, b"FLAGS": (b"\\Seen",)})
    assert events[2].mailbox == "Lists/Lemonade"
    assert events[2].data == {b"UIDVALIDITY": 4, b"UIDNEXT": 10, b"MESSAGES": 8}
    c.notify_none()
    played(c)


def test_notify_every_event_kind_through_idle_check():
    c = preauth(
        "NOTIFY IDLE CONDSTORE",
        "C: A001 IDLE\n"
        "S: + idling\n"
        "S: * 5 EXISTS\n"
        "S: * 3 EXPUNGE\n"
        "S: * 4 FETCH (FLAGS (\\Seen $Important) UID 44 MODSEQ (12345678901))\n"
        "S: * VANISHED (EARLIER) 7,9:11\n"
        'S: * LIST () "." "INBOX.NewMailbox"\n'
        'S: * LIST (\\NonExistent) "." "INBOX.DeletedMailbox"\n'
        'S: * LIST () "." "INBOX.RenamedMailbox" ("OLDNAME" ("INBOX.OldMailbox"))\n'
        "S: * LIST (\\Subscribed) NIL Work\n"
        'S: * METADATA "" /shared/comment\n'
        "S: * OK [NOTIFICATIONOVERFLOW] Too many notifications\n"
        "C: DONE\n"
        "S: A001 OK done\n",
    )
    c.idle()
    got = []
    while len(got) < 10:
        got += c.idle_check(timeout=5)
    c.idle_done()
    ev = libimapclient.notify_events(got)
    assert [e.kind for e in ev] == ["EXISTS", "EXPUNGE", "FETCH", "VANISHED", "MAILBOX",
                                    "MAILBOX", "MAILBOX", "MAILBOX", "METADATA", "OVERFLOW"]
    assert ev[0].number == 5 and ev[1].number == 3
    assert (ev[2].uid, ev[2].flags, ev[2].modseq) == (44, (b"\\Seen", b"$Important"),
                                                      12345678901)
    assert ev[3].uid_set == b"7,9:11" and ev[3].earlier
    assert ev[4].mailbox == "INBOX.NewMailbox" and ev[4].delimiter == b"."
    assert ev[5].nonexistent and ev[5].mailbox == "INBOX.DeletedMailbox"
    assert ev[6].old_mailbox == "INBOX.OldMailbox"
    assert ev[7].subscribed and ev[7].delimiter is None
    assert ev[8].mailbox == "" and ev[8].entries == (b"/shared/comment",)
    assert ev[9].kind == "OVERFLOW"
    played(c)


def test_notify_refusals():
    c = preauth("")
    with pytest.raises(exceptions.CapabilityError):
        c.notify_set(("SELECTED", ["MessageNew", "MessageExpunge"]))
    with pytest.raises(exceptions.CapabilityError):
        c.notify_none()
    c = preauth("NOTIFY",
                "C: A001 NOTIFY SET (personal (MailboxMetadataChange))\n"
                "S: A001 NO [BADEVENT (MessageNew MessageExpunge)] not supported\n")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.notify_set()
    with pytest.raises(exceptions.InvalidArgumentError):
        c.notify_set(("NOWHERE", ["MessageNew"]))
    with pytest.raises(exceptions.InvalidArgumentError):
        c.notify_set(("SELECTED", ["MessageNewer"]))
    with pytest.raises(exceptions.InvalidArgumentError):  # RFC 5465 5: need each other
        c.notify_set(("SELECTED", ["MessageNew"]))
    with pytest.raises(exceptions.InvalidArgumentError):  # MAILBOXES without mailboxes
        c.notify_set(("MAILBOXES", ["MessageNew", "MessageExpunge"]))
    with pytest.raises(TypeError):
        c.notify_set("SELECTED")
    with pytest.raises(imaplib.IMAP4.error) as ei:
        c.notify_set(("PERSONAL", ["MailboxMetadataChange"]))
    assert "BADEVENT" in str(ei.value)
    played(c)


# ---- FETCH items of extensions -------------------------------------------------


def test_fetch_binary_objectid_savedate_preview():
    c = selected(
        "BINARY OBJECTID SAVEDATE PREVIEW",
        "C: A002 UID FETCH 5 (BINARY.PEEK[1] BINARY.SIZE[1] EMAILID THREADID SAVEDATE "
        "PREVIEW)\n"
        "S: * 1 FETCH (UID 5 BINARY[1] ~{3}\n"
        "S% a%00b BINARY.SIZE[1] 3 EMAILID (M6d99ac3275bb4e) THREADID NIL "
        'SAVEDATE "05-Jan-2024 10:00:00 +0000" PREVIEW "Hello there")%0D%0A\n'
        "S: A002 OK done\n"
        "C: A003 UID FETCH 6 (SAVEDATE PREVIEW THREADID)\n"
        "S: * 2 FETCH (UID 6 SAVEDATE NIL PREVIEW NIL THREADID (T64b478a75b7ea9))\n"
        "S: A003 OK done\n",
    )
    c.normalise_times = False
    got = c.fetch(5, ["BINARY.PEEK[1]", "BINARY.SIZE[1]", "EMAILID", "THREADID", "SAVEDATE",
                      "PREVIEW"])
    assert got[5][b"BINARY[1]"] == b"a\0b"
    assert got[5][b"BINARY.SIZE[1]"] == 3
    assert got[5][b"EMAILID"] == b"M6d99ac3275bb4e"
    assert got[5][b"THREADID"] is None
    saved = got[5][b"SAVEDATE"]
    assert isinstance(saved, datetime.datetime)
    assert saved.replace(tzinfo=None) == datetime.datetime(2024, 1, 5, 10, 0, 0)
    assert saved.utcoffset() == datetime.timedelta(0)
    assert got[5][b"PREVIEW"] == b"Hello there"
    got = c.fetch(6, ["SAVEDATE", "PREVIEW", "THREADID"])
    assert got[6] == {b"SEQ": 2, b"SAVEDATE": None, b"PREVIEW": None,
                      b"THREADID": b"T64b478a75b7ea9"}
    played(c)


def test_fetch_extension_items_need_their_capability():
    c = selected("", "")
    for item in ("BINARY[]", "BINARY.SIZE[1]", "EMAILID", "SAVEDATE", "PREVIEW"):
        with pytest.raises(exceptions.CapabilityError):
            c.fetch(1, [item])
    played(c)


# ---- ESEARCH, PARTIAL, ESORT, WITHIN -------------------------------------------


def test_esearch_returns():
    c = selected(
        "ESEARCH",
        "C: A002 UID SEARCH RETURN (MIN MAX COUNT ALL) UNSEEN\n"
        'S: * ESEARCH (TAG "A002") UID MIN 2 MAX 9 COUNT 4 ALL 2,4,7:8\n'
        "S: A002 OK done\n"
        "C: A003 UID SEARCH RETURN () FLAGGED\n"
        'S: * ESEARCH (TAG "A003") UID\n'
        "S: A003 OK done\n",
    )
    assert c.esearch(["UNSEEN"], ["MIN", "MAX", "count", "ALL"]) == {
        b"MIN": 2, b"MAX": 9, b"COUNT": 4, b"ALL": [2, 4, 7, 8]}
    assert c.esearch("FLAGGED") == {}
    played(c)


def test_search_partial_rfc9394():
    # RFC 9394 section 3.1's examples
    c = selected(
        "ESEARCH PARTIAL",
        "C: A002 UID SEARCH RETURN (COUNT PARTIAL -1:-100) UNDELETED\n"
        'S: * ESEARCH (TAG "A002") UID COUNT 78 PARTIAL (-1:-100 342,320:318)\n'
        "S: A002 OK done\n"
        "C: A003 UID SEARCH RETURN (COUNT PARTIAL 101:200) UNDELETED\n"
        'S: * ESEARCH (TAG "A003") UID COUNT 78 PARTIAL (101:200 NIL)\n'
        "S: A003 OK done\n"
        "C: A004 UID SEARCH RETURN (PARTIAL 1:500) UNDELETED\n"
        'S: * ESEARCH (TAG "A004") UID PARTIAL (1:500 200:202)\n'
        "S: A004 OK done\n",
    )
    page = c.search_partial(["UNDELETED"], -1, -100)
    assert isinstance(page, SearchIds)
    assert page == [342, 320, 319, 318] and page.count == 78 and page.modseq is None
    page = c.search_partial("UNDELETED", 101, 200)
    assert page == [] and page.count == 78
    assert c.esearch(["UNDELETED"], ["PARTIAL 1:500"]) == {
        b"PARTIAL": ((1, 500), [200, 201, 202])}
    played(c)


def test_search_partial_refusals():
    c = selected("ESEARCH", "")
    with pytest.raises(exceptions.CapabilityError):
        c.search_partial("ALL", 1, 10)
    c = selected("ESEARCH PARTIAL", "")
    for first, last in ((0, 10), (1, -10), (-5, 5)):
        with pytest.raises(exceptions.InvalidArgumentError):
            c.search_partial("ALL", first, last)
    with pytest.raises(TypeError):
        c.search_partial("ALL", "1", 10)
    played(c)


def test_esort_rfc5267():
    c = selected(
        "ESORT SORT",
        "C: A002 UID SORT RETURN (MIN MAX ALL) (REVERSE DATE) UTF-8 UNDELETED\n"
        'S: * ESEARCH (TAG "A002") UID MIN 17 MAX 3 ALL 17,9,3\n'
        "S: A002 OK done\n",
    )
    assert c.esort(["REVERSE DATE"], ["UNDELETED"], ["MIN", "MAX", "ALL"]) == {
        b"MIN": 17, b"MAX": 3, b"ALL": [17, 9, 3]}
    played(c)
    c = selected("SORT", "")
    with pytest.raises(exceptions.CapabilityError):
        c.esort("DATE")
    played(c)


def test_within_criteria():
    c = selected(
        "WITHIN",
        "C: A002 UID SEARCH YOUNGER 3600\nS: * SEARCH 7 8\nS: A002 OK done\n"
        "C: A003 UID SEARCH OLDER 86400 UNSEEN\nS: * SEARCH 1\nS: A003 OK done\n",
    )
    assert c.search(["YOUNGER", 3600]) == [7, 8]
    assert c.search("OLDER 86400 UNSEEN") == [1]
    played(c)
    c = selected("", "")
    with pytest.raises(exceptions.CapabilityError):
        c.search(["YOUNGER", 3600])
    played(c)


# ---- UNAUTHENTICATE, REPLACE, MULTIAPPEND, APPENDLIMIT -------------------------


def test_unauthenticate_then_login_again():
    # RFC 8437: back to not authenticated, enabled extensions off
    c = scripted_client(
        "S: * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\n"
        "C: A001 LOGIN joe secret\n"
        "S: A001 OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE ENABLE UTF8=ACCEPT] in\n"
        "C: A002 ENABLE UTF8=ACCEPT\n"
        "S: * ENABLED UTF8=ACCEPT\n"
        "S: A002 OK done\n"
        "C: A003 UNAUTHENTICATE\n"
        "S: A003 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN UNAUTHENTICATE] Unauthenticated\n"
        "C: A004 LOGIN ann secret2\n"
        "S: A004 OK in\n"
    )
    c.login("joe", "secret")
    c.enable("UTF8=ACCEPT")
    assert c.is_utf8()
    assert c.unauthenticate() == b"Unauthenticated"
    assert not c.is_utf8() and not c.is_enabled("UTF8=ACCEPT")
    assert c._conn.state() == "NONAUTH"
    assert c.login("ann", "secret2") == b"in"
    played(c)


def test_unauthenticate_refusals():
    c = preauth("")
    with pytest.raises(exceptions.CapabilityError):
        c.unauthenticate()
    c = scripted_client("S: * OK [CAPABILITY IMAP4rev1 UNAUTHENTICATE] hi\n")
    with pytest.raises(exceptions.IllegalStateError):
        c.unauthenticate()
    assert script_sent(c) == b""


RFC8508_MSG = (b"Date: Thu, 1 Jan 2015 00:05:00 -0500\r\n"
               b"From: Fritz Schmidt <fritz.ze@example.org>\r\n"
               b"Subject: happy new year !!\r\n"
               b"\r\n"
               b"Just saying hi!\r\n")


def test_replace_rfc8508():
    wire = RFC8508_MSG.decode().replace("\r\n", "%0D%0A")
    c = selected(
        "REPLACE UIDPLUS",
        "C: A002 UID REPLACE 2000 \"Drafts\" (\\Seen \\Draft) {%d}\n" % len(RFC8508_MSG)
        + "S: + Ready for literal data\n"
        "C%% %s%%0D%%0A\n" % wire
        + "S: * OK [APPENDUID 1 2001] Replacement Message ready\n"
        "S: * 5 EXISTS\n"
        "S: * 3 EXPUNGE\n"
        "S: A002 OK Replace completed\n"
        'C: A003 REPLACE 4 "Other" () "01-Jan-2015 00:05:00 -0500" {2}\n'
        + "S: + go\n"
        "C: hi\n"
        "S: A003 OK done\n",
    )
    assert (c.replace(2000, "Drafts", RFC8508_MSG, [libimapclient.SEEN, "\\Draft"])
            == b"[APPENDUID 1 2001] Replace completed")
    c.use_uid = False
    when = datetime.datetime(2015, 1, 1, 0, 5, tzinfo=libimapclient.fixed_offset.FixedOffset(-300))
    assert c.replace(4, "Other", "hi", msg_time=when) == b"done"
    played(c)


def test_replace_refusals():
    c = selected("UIDPLUS", "")
    with pytest.raises(exceptions.CapabilityError):
        c.replace(1, "INBOX", b"x")
    c = selected("REPLACE", "")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.replace(0, "INBOX", b"x")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.replace("1:3", "INBOX", b"x")
    with pytest.raises(TypeError):
        c.replace(1.0, "INBOX", b"x")
    with pytest.raises(TypeError):
        c.replace(1, "INBOX", 3)
    played(c)
    c = preauth("REPLACE")
    with pytest.raises(exceptions.IllegalStateError):  # no folder selected
        c.replace(1, "INBOX", b"x")
    assert script_sent(c) == b""


def test_multiappend_reference_shape():
    c = preauth(
        "MULTIAPPEND LITERAL+ UIDPLUS",
        'C: A001 APPEND "INBOX" (\\Seen) "05-Jan-2024 10:00:00 +0000" {3+}\n'
        "C: one {3+}\n"
        "C: two\n"
        "S: A001 OK [APPENDUID 7 10:11] done\n",
    )
    when = datetime.datetime(2024, 1, 5, 10, 0, tzinfo=libimapclient.fixed_offset.FixedOffset(0))
    got = c.multiappend("INBOX", [{"msg": b"one", "flags": [libimapclient.SEEN],
                                   "date": when}, "two"])
    assert got == ("OK", [b"[APPENDUID 7 10:11] done"])
    played(c)
    c = preauth("")
    with pytest.raises(exceptions.CapabilityError):
        c.multiappend("INBOX", ["x"])


def test_multiappend_from_files_streams_each_message():
    # Beyond the reference: a binary file object among the messages makes
    # the whole MULTIAPPEND streamed; line ends are made CRLF per message,
    # and bytes messages go along unchanged.
    import io
    c = preauth(
        "MULTIAPPEND LITERAL+ UIDPLUS",
        'C: A001 APPEND "INBOX" (\\Seen) {7+}\n'
        "C% a%0D%0Ab%0D%0Ac {3+}%0D%0A\n"
        "C: two {4+}\n"
        "C% x%0D%0Ay%0D%0A\n"
        "S: A001 OK [APPENDUID 7 10:12] done\n",
    )
    f = io.BytesIO(b"skip:a\nb\r\nc")
    f.seek(5)  # read from the current position, as append_stream() does
    got = c.multiappend("INBOX", [{"msg": f, "flags": [libimapclient.SEEN]}, b"two",
                                  io.BytesIO(b"x\ny")])
    assert got == ("OK", [b"[APPENDUID 7 10:12] done"])
    played(c)
    c = preauth("MULTIAPPEND LITERAL+")
    with pytest.raises(exceptions.InvalidArgumentError):  # a NUL, found before sending
        c.multiappend("INBOX", [io.BytesIO(b"a\0b")])
    with pytest.raises(ValueError):
        c.multiappend("INBOX", [io.BytesIO(b"")])
    with pytest.raises(TypeError):
        c.multiappend("INBOX", [io.StringIO("text")])


def test_appendlimit():
    c = preauth("APPENDLIMIT=35651584")
    assert c.get_appendlimit("INBOX") == 35651584
    c = preauth("APPENDLIMIT",
                "C: A001 STATUS Big (APPENDLIMIT)\n"
                "S: * STATUS Big (APPENDLIMIT NIL)\n"
                "S: A001 OK done\n")
    assert c.get_appendlimit("Big") is None
    played(c)
    c = preauth("")
    with pytest.raises(exceptions.CapabilityError):
        c.get_appendlimit()


# ---- quirks -----------------------------------------------------------------------


def test_quirks_detected_read_only_view():
    c = scripted_client("S: * OK [CAPABILITY IMAP4rev1] Dovecot ready.\n")
    q = c.quirks
    assert isinstance(q, libimapclient.Quirks) and q.name == "dovecot"
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.search_no_charset = True
    c = scripted_client("S: * OK [CAPABILITY IMAP4rev1] hello\n")
    assert c.quirks == libimapclient.Quirks.profile("default")


def test_quirks_profiles():
    names = libimapclient.Quirks.profile_names()
    assert names[0] == "default" and "yahoo" in names and "gmail" in names
    assert libimapclient.Quirks.profile("yahoo").search_no_charset is True
    assert libimapclient.Quirks.profile("NETEASE").id_before_select is True
    with pytest.raises(ValueError):
        libimapclient.Quirks.profile("nope")


def test_quirks_override_at_construction():
    # yahoo's switch: SEARCH without CHARSET, 8-bit text as UTF-8
    c = scripted_client(
        "S: * PREAUTH [CAPABILITY IMAP4rev1 LITERAL+] Dovecot ready\n"
        "C: A001 SELECT INBOX\nS: A001 OK [READ-WRITE] done\n"
        "C: A002 UID SEARCH TEXT {5+}\nC: café\nS: * SEARCH 1\nS: A002 OK done\n",
        quirks="yahoo")
    assert c.quirks.name == "yahoo" and c.quirks.search_no_charset
    c.select_folder("INBOX")
    assert c.search(["TEXT", "café".encode()], charset=None) == [1]
    played(c)
    q = dataclasses.replace(libimapclient.Quirks.profile("default"), idle_max_ms=60000)
    c = scripted_client("S: * OK [CAPABILITY IMAP4rev1] Dovecot ready\n", quirks=q)
    assert c.quirks == q  # detection leaves an override alone
    with pytest.raises(TypeError):
        scripted_client("S: * OK hi\n", quirks=3)
    with pytest.raises(ValueError):
        scripted_client("S: * OK hi\n", quirks="nope")
    with pytest.raises(TypeError):
        libimapclient.IMAPClient("127.0.0.1", port=1, ssl=False, quirks={"name": "x"})


# ---- memory: the new conversions leave nothing behind ---------------------------


def _ext_round(n):
    script = ["S: * PREAUTH [CAPABILITY IMAP4rev1 LIST-EXTENDED LIST-STATUS STATUS=SIZE METADATA NOTIFY "
              "ESEARCH] ready",
              'C: A001 LIST "" "*" RETURN (STATUS (MESSAGES SIZE))']
    for i in range(n):
        script += ['S: * LIST (\\HasNoChildren) "/" "F%d" ("CHILDINFO" ("SUBSCRIBED"))' % i,
                   "S: * STATUS F%d (MESSAGES %d SIZE %d)" % (i, i, 10 * i)]
    script += ["S: A001 OK done", "C: A002 GETMETADATA INBOX /private"]
    script += ['S: * METADATA INBOX (/private/e%d "value %d")' % (i, i) for i in range(n)]
    script += ["S: A002 OK done", "C: A003 NOOP"]
    for i in range(n):
        script += ["S: * STATUS F%d (MESSAGES %d UIDNEXT %d)" % (i, i, i + 1),
                   'S: * LIST (\\NonExistent) "/" "G%d"' % i]
    script += ["S: A003 OK done", "C: A004 SELECT INBOX", "S: A004 OK [READ-WRITE] ok",
               "C: A005 UID SEARCH RETURN (ALL COUNT) ALL",
               'S: * ESEARCH (TAG "A005") UID COUNT %d ALL 1:%d' % (n, n), "S: A005 OK done"]
    c = scripted_client("\n".join(script) + "\n")
    folders = c.list_status(what=["MESSAGES", "SIZE"])
    assert len(folders) == n and folders[-1].status[b"SIZE"] == 10 * (n - 1)
    meta = c.get_metadata("INBOX", "/private")
    assert len(meta) == n
    events = libimapclient.notify_events(c.noop()[1])
    assert len(events) == 2 * n
    c.select_folder("INBOX")
    assert len(c.esearch("ALL", ["ALL", "COUNT"])[b"ALL"]) == n
    played(c)
    c.shutdown()


def test_extension_results_no_python_object_leak():
    import gc
    import tracemalloc

    n = 500
    _ext_round(n)  # warm caches
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(3):
            _ext_round(n)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < 64 * 1024, after.compare_to(before, "lineno")[:10]


@pytest.mark.parametrize("bad", ["a\r\nb", "a\nb", "a\0b"])
def test_control_characters_refused_before_sending(bad):
    # (folder names are not among them: with folder_encode they go as
    # modified UTF-7, control characters included, as the reference sends them)
    caps = ("LIST-EXTENDED LIST-STATUS CREATE-SPECIAL-USE METADATA NOTIFY ESEARCH ESORT "
            "SORT PARTIAL REPLACE")
    c = selected(caps, "")
    calls = [
        lambda: c.list_status(what=[bad]),
        lambda: c.list_extended(status=["MESSAGES", bad]),
        lambda: c.create_folder("X", special_use="\\" + bad),
        lambda: c.get_metadata("INBOX", "/private/" + bad),
        lambda: c.set_metadata("INBOX", {"/private/" + bad: "v"}),
        lambda: c.notify_set(("SELECTED", ["MessageNew", "MessageExpunge"], None, [bad])),
        lambda: c.esearch(["SUBJECT", "x"], [bad]),
        lambda: c.esort([bad]),
        lambda: c.replace(1, "INBOX", b"x", flags=["\\" + bad]),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()
    played(c)


def test_multisearch_rfc7377():
    # RFC 7377 section 2.1, without a folder selected
    c = preauth(
        "ESEARCH MULTISEARCH",
        "C: A001 ESEARCH IN (mailboxes folder1 subtree-one folder2) UNSEEN\n"
        'S: * ESEARCH (TAG "A001" MAILBOX "folder1" UIDVALIDITY 1) UID ALL '
        "4001,4003,4005,4007,4009\n"
        'S: * ESEARCH (TAG "A001" MAILBOX "folder2/salmon" UIDVALIDITY 1111111) '
        "UID ALL 3001:3004,3788\n"
        "S: A001 OK done\n"
        'C: A002 ESEARCH IN (personal subtree (Lists "Other &AOk-")) RETURN (MIN COUNT) '
        "FLAGGED\n"
        'S: * ESEARCH (TAG "A002" MAILBOX "Lists/x" UIDVALIDITY 7) UID MIN 3 COUNT 2\n'
        "S: A002 OK done\n"
        "C: A003 ESEARCH IN (inboxes) DELETED\n"
        "S: A003 OK done\n",
    )
    got = c.multisearch(["UNSEEN"], [("MAILBOXES", "folder1"), ("subtree-one", ["folder2"])])
    assert got == {
        "folder1": {b"UIDVALIDITY": 1, b"ALL": [4001, 4003, 4005, 4007, 4009]},
        "folder2/salmon": {b"UIDVALIDITY": 1111111, b"ALL": [3001, 3002, 3003, 3004, 3788]},
    }
    got = c.multisearch("FLAGGED", ["PERSONAL", ("SUBTREE", ["Lists", "Other é"])],
                        returns=["MIN", "COUNT"])
    assert got == {"Lists/x": {b"UIDVALIDITY": 7, b"MIN": 3, b"COUNT": 2}}
    assert c.multisearch(["DELETED"], "INBOXES") == {}
    played(c)


def test_multisearch_refusals():
    c = preauth("ESEARCH")
    with pytest.raises(exceptions.CapabilityError):
        c.multisearch()
    c = preauth("ESEARCH MULTISEARCH")
    with pytest.raises(exceptions.InvalidArgumentError):
        c.multisearch(sources="EVERYWHERE")
    with pytest.raises(exceptions.InvalidArgumentError):  # SUBTREE needs folders
        c.multisearch(sources=["SUBTREE"])
    with pytest.raises(exceptions.InvalidArgumentError):  # INBOXES takes none
        c.multisearch(sources=[("INBOXES", ["x"])])
    with pytest.raises(TypeError):
        c.multisearch(sources=[3])
    assert script_sent(c) == b""
