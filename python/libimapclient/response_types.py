"""Typed FETCH data: Envelope, Address, BodyData and SearchIds, as in
imapclient.response_types (the C extension builds them)."""
import dataclasses
import datetime
from email.utils import formataddr
from typing import Optional, Tuple


def _text(b):
    if isinstance(b, bytes):
        return b.decode("ascii", "ignore")
    return b


@dataclasses.dataclass
class Envelope:
    r"""A message's ENVELOPE. *date* is a datetime (or None); *subject*,
    *in_reply_to* and *message_id* are bytes as sent (or None); *from_*,
    *sender*, *reply_to*, *to*, *cc* and *bcc* are tuples of Address, or
    None when the header is absent. Group syntax comes as the reference
    gives it: a start Address (host None, mailbox the group name), the
    members, and an end Address (mailbox and host None)."""

    date: Optional[datetime.datetime]
    subject: bytes
    from_: Optional[Tuple["Address", ...]]
    sender: Optional[Tuple["Address", ...]]
    reply_to: Optional[Tuple["Address", ...]]
    to: Optional[Tuple["Address", ...]]
    cc: Optional[Tuple["Address", ...]]
    bcc: Optional[Tuple["Address", ...]]
    in_reply_to: bytes
    message_id: bytes


@dataclasses.dataclass
class Address:
    """One address of an envelope: name, route, mailbox, host (bytes or None).

    str() gives "Mary Smith <mary@foo.com>" (RFC 2047 words left encoded, as
    the reference does)."""

    name: bytes
    route: bytes
    mailbox: bytes
    host: bytes

    def __str__(self):
        if self.mailbox and self.host:
            addr = _text(self.mailbox) + "@" + _text(self.host)
        else:
            addr = _text(self.mailbox or self.host) or ""
        return formataddr((_text(self.name), addr))


class SearchIds(list):
    """The message ids of a search; *modseq* is the (MODSEQ n) the server
    added (RFC 7162), else None."""

    def __init__(self, *args):
        super().__init__(*args)
        self.modseq = None


class BodyData(tuple):
    """A BODY or BODYSTRUCTURE value as nested tuples. For a multipart the
    first member is the list of its parts (each a BodyData)."""

    @classmethod
    def create(cls, response):
        if response and isinstance(response[0], tuple):
            parts = []
            i = 0
            for i, part in enumerate(response):
                if not isinstance(part, tuple):
                    break
                parts.append(cls.create(part))
            else:
                i = len(response)
            return cls(([p for p in parts],) + tuple(response[i:]))
        return cls(response)

    @property
    def is_multipart(self):
        return isinstance(self[0], list)


class Folder(tuple):
    """A folder of list_extended() and list_status(): the reference's
    (flags, delimiter, name) tuple, so ``for flags, delimiter, name in``
    still works, with what LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819)
    and SPECIAL-USE (RFC 6154) add as attributes:

    *status*: the folder's STATUS as folder_status() returns it
    ({b'MESSAGES': 3, ...}), or None (not asked, or a folder that cannot
    be selected); *childinfo*: the selection options a child matches
    (CHILDINFO, e.g. (b'SUBSCRIBED',)); *old_name*: the name before a
    rename (OLDNAME), or None; *nonexistent*: listed (subscribed, or the
    parent of matches) but no such folder; *extended*: every extended data
    item as sent (a tuple)."""

    def __new__(cls, flags, delimiter, name, status=None, childinfo=(), old_name=None,
                nonexistent=False, extended=()):
        self = tuple.__new__(cls, (flags, delimiter, name))
        self.status = status
        self.childinfo = childinfo
        self.old_name = old_name
        self.nonexistent = nonexistent
        self.extended = extended
        return self

    flags = property(lambda self: self[0])
    delimiter = property(lambda self: self[1])
    name = property(lambda self: self[2])

    def __getnewargs__(self):
        return (self[0], self[1], self[2], self.status, self.childinfo, self.old_name,
                self.nonexistent, self.extended)


@dataclasses.dataclass
class NotifyEvent:
    """A notification decoded from an untagged response (NOTIFY, RFC 5465;
    also the selected folder's EXISTS, EXPUNGE and FETCH without NOTIFY).

    *kind* is one of 'EXISTS' (number: the new message count), 'EXPUNGE'
    (number: the expunged message's number), 'VANISHED' (uid_set, earlier),
    'FETCH' (number, uid, flags, modseq and every attribute in data),
    'STATUS' (another folder changed: mailbox, and the items in data as
    folder_status() gives them), 'MAILBOX' (a folder created, deleted
    (nonexistent), renamed (old_mailbox) or (un)subscribed (subscribed):
    mailbox, delimiter, attributes), 'METADATA' (mailbox, '' for the
    server's, and the changed entries) or 'OVERFLOW' (the server sends no
    more events). Fields that do not apply are None (False for the
    booleans)."""

    kind: str
    number: Optional[int] = None
    uid: Optional[int] = None
    flags: Optional[Tuple[bytes, ...]] = None
    modseq: Optional[int] = None
    uid_set: Optional[bytes] = None
    earlier: bool = False
    mailbox: Optional[str] = None
    delimiter: Optional[bytes] = None
    attributes: Optional[Tuple[bytes, ...]] = None
    nonexistent: bool = False
    subscribed: bool = False
    old_mailbox: Optional[str] = None
    entries: Optional[Tuple[bytes, ...]] = None
    data: Optional[dict] = None


class Response(tuple):
    """An untagged response of noop(), idle_check() and idle_done() in the
    reference's parsed form ((3, b'EXISTS'), (b'STATUS', b'Sent', (...)))
    that carries a notification: *event* is the decoded NotifyEvent. It
    compares equal to the plain tuple."""

    event = None


class Metadata(dict):
    """The entries get_metadata() returned: {b'/private/comment': b'text'},
    None for an entry the server does not have. *longentries* is the size
    of the largest value the server left out for being over *maxsize*
    ([METADATA LONGENTRIES n]), else None."""

    def __init__(self, *args, longentries=None):
        super().__init__(*args)
        self.longentries = longentries
