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
