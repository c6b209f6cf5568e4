"""IMAPClient: the reference's API on top of libimapclient's C core.

Arguments are normalised here the way the reference accepts them (message
ids as int, str, bytes or sequences of them; criteria as lists or one
string; flags as str or bytes, alone or in a sequence); the I/O, the
parsing and the result conversion happen in C (_imapclient).
"""
import io
import os
import collections
import dataclasses
import datetime as _dt
import logging
import queue
import socket as _socket
import ssl as ssl_lib
import threading
from operator import itemgetter
from typing import List, Optional

from . import _imapclient, exceptions
from .datetime_util import format_criteria_date
from .fixed_offset import FixedOffset
from .imap_utf7 import decode as decode_utf7
from .response_types import (
    Address,
    BodyData,
    Envelope,
    Folder,
    Metadata,
    NotifyEvent,
    Response,
    SearchIds,
)

logger = logging.getLogger(__name__)
_imaplib_logger = logging.getLogger("libimapclient.imaplib")

__all__ = [
    "IMAPClient",
    "SocketTimeout",
    "Quirks",
    "TLSConfig",
    "NotifyGroup",
    "notify_events",
    "DELETED",
    "SEEN",
    "ANSWERED",
    "FLAGGED",
    "DRAFT",
    "RECENT",
]

# System flags
DELETED = rb"\Deleted"
SEEN = rb"\Seen"
ANSWERED = rb"\Answered"
FLAGGED = rb"\Flagged"
DRAFT = rb"\Draft"
RECENT = rb"\Recent"  # read-only

# Special folders (RFC 6154); \Flagged is the flag above
ALL = rb"\All"
ARCHIVE = rb"\Archive"
DRAFTS = rb"\Drafts"
JUNK = rb"\Junk"
SENT = rb"\Sent"
TRASH = rb"\Trash"

TLSConfig = _imapclient.TLSConfig

_ssl_mod = getattr(ssl_lib, "_ssl", None)
_SSLContextBase = getattr(_ssl_mod, "_SSLContext", ssl_lib.SSLContext)

_imapclient._set_types(
    {
        "IMAPClientError": exceptions.IMAPClientError,
        "IMAPClientAbortError": exceptions.IMAPClientAbortError,
        "IMAPClientReadOnlyError": exceptions.IMAPClientReadOnlyError,
        "CapabilityError": exceptions.CapabilityError,
        "IllegalStateError": exceptions.IllegalStateError,
        "InvalidCriteriaError": exceptions.InvalidCriteriaError,
        "LoginError": exceptions.LoginError,
        "ProtocolError": exceptions.ProtocolError,
        "InvalidArgumentError": exceptions.InvalidArgumentError,
        "timeout": _socket.timeout,
        "gaierror": _socket.gaierror,
        "SSLError": ssl_lib.SSLError,
        "SSLCertVerificationError": ssl_lib.SSLCertVerificationError,
        "Envelope": Envelope,
        "Address": Address,
        "BodyData": BodyData,
        "SearchIds": SearchIds,
        "FixedOffset": FixedOffset,
        "SSLContext": _SSLContextBase,
        "Folder": Folder,
        "NotifyEvent": NotifyEvent,
        "Response": Response,
    }
)

# LIST-EXTENDED options (RFC 5258, RFC 6154) -> the C library's bits
_LIST_SELECTION = {"SUBSCRIBED": 0x01, "REMOTE": 0x02, "RECURSIVEMATCH": 0x04,
                   "SPECIAL-USE": 0x08}
_LIST_RETURNS = {"CHILDREN": 0x01, "SUBSCRIBED": 0x02, "SPECIAL-USE": 0x04}

# NOTIFY (RFC 5465): mailbox filters and events -> the C library's values
_NOTIFY_FILTERS = {"SELECTED": 0, "SELECTED-DELAYED": 1, "INBOXES": 2, "PERSONAL": 3,
                   "SUBSCRIBED": 4, "SUBTREE": 5, "MAILBOXES": 6}
# MULTISEARCH (RFC 7377) sources -> the C library's values
_SEARCH_IN = {"SELECTED": 0, "SELECTED-DELAYED": 1, "INBOXES": 2, "PERSONAL": 3,
              "SUBSCRIBED": 4, "SUBTREE": 5, "SUBTREE-ONE": 6, "MAILBOXES": 7}
_NOTIFY_EVENTS = {"MESSAGENEW": 0x01, "MESSAGEEXPUNGE": 0x02, "FLAGCHANGE": 0x04,
                  "ANNOTATIONCHANGE": 0x08, "MAILBOXNAME": 0x10, "SUBSCRIPTIONCHANGE": 0x20,
                  "MAILBOXMETADATACHANGE": 0x40, "SERVERMETADATACHANGE": 0x80}


@dataclasses.dataclass(frozen=True)
class Quirks:
    """What libimapclient knows of a server's departures from the RFCs (the
    C library's imapclient_quirks; see the README's "Servers as they are").

    Read a connection's with IMAPClient.quirks (detected from the greeting,
    the capabilities and the ID response); override them at construction
    with IMAPClient(..., quirks=...), given a profile name or a Quirks:
    ``dataclasses.replace(Quirks.profile("default"), search_no_charset=True)``.

    *name*: the profile ("default", "gmail", "exchange", "yahoo", ...);
    *search_no_charset*: SEARCH without CHARSET (Yahoo); *id_before_select*:
    send ID before the first SELECT (NetEase); *list_flags_special_use*:
    find_special_folder() reads special-use flags of a plain LIST;
    *idle_max_ms*: how long the server lets IDLE last (idle_renew())."""

    name: str = "default"
    search_no_charset: bool = False
    id_before_select: bool = False
    list_flags_special_use: bool = True
    idle_max_ms: int = 0

    @classmethod
    def profile(cls, name):
        """The switches of the named profile (ValueError if unknown)."""
        return cls(**_imapclient.quirks_profile(_to_unicode(name)))

    @staticmethod
    def profile_names():
        """The profiles' names, "default" first."""
        return _imapclient.quirks_profile_names()


def _quirks_arg(quirks):
    if quirks is None:
        return None
    if isinstance(quirks, (str, bytes)):
        quirks = Quirks.profile(quirks)
    if not isinstance(quirks, Quirks):
        raise TypeError("quirks must be a profile name or a Quirks, not %s"
                        % type(quirks).__name__)
    return {f.name: getattr(quirks, f.name) for f in dataclasses.fields(quirks)}


class NotifyGroup(collections.namedtuple("NotifyGroup",
                                         "filter events mailboxes fetch_attributes")):
    """One event group of notify_set() (RFC 5465 section 6).

    *filter*: which mailboxes, "SELECTED", "SELECTED-DELAYED", "INBOXES",
    "PERSONAL", "SUBSCRIBED", "SUBTREE" or "MAILBOXES" (the last two with
    *mailboxes*, a folder name or a list of them); *events*: a sequence of
    RFC 5465 event names ("MessageNew", "MessageExpunge", "FlagChange",
    "AnnotationChange", "MailboxName", "SubscriptionChange",
    "MailboxMetadataChange", "ServerMetadataChange"), empty for none;
    *fetch_attributes*: for a SELECTED group with MessageNew, the FETCH
    attributes sent with each new message (e.g. ["UID", "FLAGS"])."""

    def __new__(cls, filter, events, mailboxes=None, fetch_attributes=None):
        return super().__new__(cls, filter, events, mailboxes, fetch_attributes)


def notify_events(responses):
    """The NotifyEvents among responses of noop(), idle_check() or
    idle_done() (those whose *event* attribute is set), in order."""
    return [r.event for r in responses if getattr(r, "event", None) is not None]


class Namespace(tuple):
    """(personal, other, shared), also as attributes."""

    def __new__(cls, personal, other, shared):
        return tuple.__new__(cls, (personal, other, shared))

    personal = property(itemgetter(0))
    other = property(itemgetter(1))
    shared = property(itemgetter(2))


@dataclasses.dataclass
class SocketTimeout:
    """Timeouts in seconds: *connect* for connecting (and the TLS handshake
    and greeting), *read* for each later read or write."""

    connect: float
    read: float


@dataclasses.dataclass
class MailboxQuotaRoots:
    """The quota roots of a mailbox (GETQUOTAROOT)."""

    mailbox: str
    quota_roots: List[str]


@dataclasses.dataclass
class Quota:
    """One resource limit of a quota root (usage and limit are ints)."""

    quota_root: str
    resource: str
    usage: int
    limit: int


class _PollSocket:
    """What socket() returns: something to poll (select, selectors,
    asyncio add_reader). Never read or write the descriptor yourself."""

    def __init__(self, fd):
        self._fd = fd

    def fileno(self):
        return self._fd

    def __repr__(self):
        return "<libimapclient socket fd=%d>" % self._fd


# ---- argument normalisation (the reference's accepted forms) --------------


def _to_bytes(s, charset="ascii"):
    if isinstance(s, str):
        return s.encode(charset)
    if isinstance(s, (bytes, bytearray)):
        return bytes(s)
    raise TypeError("expected str or bytes, not %s" % type(s).__name__)


def _to_unicode(s):
    if isinstance(s, bytes):
        return s.decode("ascii", "ignore")
    if isinstance(s, str):
        return s
    raise TypeError("expected str or bytes, not %s" % type(s).__name__)


def join_message_ids(messages):
    """Message ids (int, str, bytes, or an iterable of them) -> b"1,3:5"."""
    if isinstance(messages, (str, bytes, bytearray, int)):
        messages = (messages,)
    out = []
    for m in messages:
        if isinstance(m, bool):
            raise TypeError("message ids must be int, str or bytes, not bool")
        if isinstance(m, int):
            out.append(b"%d" % m)
        elif isinstance(m, (str, bytes, bytearray)):
            out.append(_to_bytes(m))
        else:
            raise TypeError("message ids must be int, str or bytes, not %s" % type(m).__name__)
    return b",".join(out)


def _text_list(items):
    if isinstance(items, (str, bytes)):
        items = (items,)
    return [_to_unicode(i) for i in items]


def _normalise_criteria(criteria, charset=None):
    """Criteria list -> flat list of bytes items, groups as b"(" ... b")"."""
    if not criteria:
        raise exceptions.InvalidCriteriaError("no criteria specified")
    enc = charset or "us-ascii"
    out = []
    for item in criteria:
        if isinstance(item, bool):
            raise TypeError("criteria items must be str, bytes, int, date or list")
        if isinstance(item, int):
            out.append(b"%d" % item)
        elif isinstance(item, (_dt.datetime, _dt.date)):
            out.append(format_criteria_date(item))
        elif isinstance(item, (list, tuple)):
            out.append(b"(")
            out.extend(_normalise_criteria(item, charset))
            out.append(b")")
        elif isinstance(item, str):
            out.append(item.encode(enc))
        elif isinstance(item, (bytes, bytearray)):
            out.append(bytes(item))
        else:
            raise TypeError("criteria items must be str, bytes, int, date or list, not %s"
                            % type(item).__name__)
    return out


def _split_raw_criteria(text):
    """A criteria string as the reference sends it (b'FROM "a b" (SEEN)')
    -> the items the C library quotes again. Quoted strings lose their
    quotes (and escapes), parentheses become group items."""
    items, i, n = [], 0, len(text)
    while i < n:
        c = text[i : i + 1]
        if c in (b" ", b"\t"):
            i += 1
        elif c in (b"(", b")"):
            items.append(c)
            i += 1
        elif c == b'"':
            i += 1
            buf = bytearray()
            while i < n and text[i : i + 1] != b'"':
                if text[i : i + 1] == b"\\" and i + 1 < n:
                    i += 1
                buf += text[i : i + 1]
                i += 1
            if i >= n:
                raise exceptions.InvalidCriteriaError("unterminated quoted string in criteria")
            i += 1
            items.append(bytes(buf))
        else:
            j = i
            while j < n and text[j : j + 1] not in (b" ", b"\t", b"(", b")"):
                j += 1
            items.append(text[i:j])
            i = j
    return items


def _criteria_items(criteria, charset):
    if not criteria:
        raise exceptions.InvalidCriteriaError("no criteria specified")
    if isinstance(criteria, (str, bytes)):
        return _split_raw_criteria(_to_bytes(criteria, charset or "us-ascii"))
    return _normalise_criteria(criteria, charset)


def _is_binary_file(obj):
    return (hasattr(obj, "read") and not isinstance(obj, (str, bytes, bytearray, memoryview))
            and not isinstance(obj, io.TextIOBase))


def _flag_list(flags):
    if flags is None:
        return []
    if isinstance(flags, (str, bytes)):
        flags = (flags,)
    return [_to_bytes(f) for f in flags]


def _timeout_parts(timeout):
    if isinstance(timeout, SocketTimeout):
        return timeout.connect, timeout.read
    if timeout is not None and not isinstance(timeout, (int, float)):
        raise TypeError("timeout must be a number, a SocketTimeout or None")
    return timeout, timeout


class IMAPClient:
    """A connection to the IMAP server *host*, made when the object is created.

    The arguments and attributes are the reference's: *port* defaults to
    993, or 143 without *ssl*; *use_uid* (default True) makes message ids
    UIDs; *ssl_context* is an ssl.SSLContext (its verify mode, hostname
    check, CA and client certificates are honoured); *stream* runs *host*
    as a command whose stdin/stdout carry IMAP; *timeout* is seconds or a
    SocketTimeout. The attributes *use_uid*, *folder_encode* and
    *normalise_times* may be changed at any time. Beyond the reference,
    *quirks* (a profile name such as "yahoo", or a Quirks) replaces the
    server quirks the library would detect, and *ssl_context* may be a
    TLSConfig shared by many clients (CAs loaded once, TLS sessions
    resumed; see tls_resumed()).

    Usable as a context manager (logs out at the end). Not thread safe: use
    one object per thread (the GIL is released while waiting for the server,
    so several clients in several threads run in parallel).
    """

    Error = exceptions.IMAPClientError
    AbortError = exceptions.IMAPClientAbortError
    ReadOnlyError = exceptions.IMAPClientReadOnlyError

    def __init__(self, host, port=None, use_uid=True, ssl=True, stream=False,
                 ssl_context=None, timeout=None, quirks=None, _conn=None):
        if _conn is None and not isinstance(host, str):
            raise TypeError("host must be str, not %s" % type(host).__name__)
        if stream:
            if port is not None:
                raise ValueError("can't set 'port' when 'stream' True")
            if ssl:
                raise ValueError("can't use 'ssl' when 'stream' is True")
        elif port is None:
            port = 993 if ssl else 143
        if ssl and port == 143:
            logger.warning("Attempting to establish an encrypted connection to a port "
                           "(143) often used for unencrypted connections")
        self.host = host
        self.port = port
        self.ssl = ssl
        self.ssl_context = ssl_context
        self.stream = stream
        self._timeout = timeout if isinstance(timeout, SocketTimeout) else SocketTimeout(
            *_timeout_parts(timeout))
        if _conn is not None:
            self._conn = _conn
        else:
            self._conn = self._connect(host, port, ssl, stream, ssl_context, use_uid,
                                       _quirks_arg(quirks))
        self.use_uid = use_uid
        self.folder_encode = True
        self.normalise_times = True
        logger.debug("Connected to host %s over %s", host, "SSL/TLS" if ssl else "plain text")

    def _connect(self, host, port, ssl, stream, ctx, use_uid, quirks):
        if ctx is not None and not isinstance(ctx, (ssl_lib.SSLContext, TLSConfig)):
            raise TypeError("ssl_context must be an ssl.SSLContext or a TLSConfig")
        kw = {}
        if isinstance(ctx, TLSConfig):
            kw["tls_config"] = ctx
        elif ctx is not None:
            kw["ssl_context"] = ctx
            kw["verify_peer"] = ctx.verify_mode != ssl_lib.CERT_NONE
            kw["check_hostname"] = bool(ctx.check_hostname)
        connect_t, read_t = self._timeout.connect, self._timeout.read
        log = None
        if _imaplib_logger.isEnabledFor(logging.DEBUG):
            def log(direction, line):
                _imaplib_logger.debug("%s %s", direction, line.decode("utf-8", "replace"))
        return _imapclient.connect(
            host, port=port or 0, ssl=bool(ssl), stream=bool(stream),
            connect_timeout=connect_t, read_timeout=read_t, use_uid=bool(use_uid),
            log=log, quirks=quirks, **kw)

    # ---- attributes ---------------------------------------------------------

    @property
    def use_uid(self):
        return self._use_uid

    @use_uid.setter
    def use_uid(self, on):
        self._use_uid = bool(on)
        self._conn.set_setting("use_uid", self._use_uid)

    @property
    def folder_encode(self):
        return self._folder_encode

    @folder_encode.setter
    def folder_encode(self, on):
        self._folder_encode = bool(on)
        self._conn.set_setting("folder_encode", self._folder_encode)

    @property
    def normalise_times(self):
        return self._normalise_times

    @normalise_times.setter
    def normalise_times(self, on):
        self._normalise_times = bool(on)
        self._conn.set_setting("normalise_times", self._normalise_times)

    @property
    def quirks(self):
        """The server quirks in effect (a read-only Quirks): detected from
        what the server said so far, or what was given to the constructor
        (beyond the reference)."""
        return Quirks(**self._conn.get_quirks())

    @property
    def welcome(self):
        """The server's greeting, e.g. b'* OK Dovecot ready.'."""
        if self._conn.closed():
            return None
        return self._conn.welcome()

    def tls_resumed(self):
        """True when this connection's TLS session was resumed from an
        earlier connection made with the same TLSConfig (beyond the
        reference)."""
        return self._conn.tls_resumed()

    def socket(self):
        """Something with fileno() to poll for readability (IDLE loops with
        select/selectors/asyncio). Never read from or write to it."""
        return _PollSocket(self._conn.fileno())

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        try:
            self.logout()
        except Exception:
            try:
                self.shutdown()
            except Exception as e:
                logger.info("Could not close the connection cleanly: %s", e)

    # ---- session -------------------------------------------------------------

    def _normalise_folder(self, folder):
        if isinstance(folder, (bytes, bytearray)):
            folder = bytes(folder)
            if self.folder_encode:
                folder.decode("ascii")  # the reference's UnicodeDecodeError
            return folder
        if isinstance(folder, int) and not isinstance(folder, bool):
            folder = str(folder)
        if not isinstance(folder, str):
            raise TypeError("folder name must be str or bytes, not %s" % type(folder).__name__)
        return folder.encode("utf-8", "surrogateescape")

    def starttls(self, ssl_context=None):
        """Upgrade to TLS with STARTTLS. The TLS settings are those given to
        the constructor (ssl_context there, else the defaults: certificate
        and host name verified); see the README for *ssl_context* here."""
        if self.ssl or self._conn.is_tls():
            raise exceptions.IMAPClientAbortError("TLS session already established")
        if not self.has_capability("STARTTLS"):
            raise exceptions.CapabilityError("Server does not support STARTTLS capability")
        if ssl_context is not None and ssl_context is not self.ssl_context:
            logger.warning("starttls(): ssl_context given here is not used; pass it to "
                           "IMAPClient(..., ssl_context=...) instead")
        return self._conn.starttls()

    def login(self, username, password):
        """Log in with LOGIN; returns the server's completion text."""
        return self._conn.login(_to_bytes(_to_unicode(username), "utf-8"),
                                _to_bytes(_to_unicode(password), "utf-8"))

    def oauth2_login(self, user, access_token, mech="XOAUTH2", vendor=None):
        """Log in with XOAUTH2 (or OAUTH2): Gmail, Outlook, Yahoo (vendor)."""
        return self._conn.oauth2_login(_to_bytes(user, "utf-8"), _to_bytes(access_token, "utf-8"),
                                       mech, vendor or None)

    def oauthbearer_login(self, identity, access_token):
        """Log in with OAUTHBEARER (RFC 7628)."""
        return self._conn.oauthbearer_login(identity or None, _to_bytes(access_token, "utf-8"))

    def plain_login(self, identity, password, authorization_identity=None):
        """Log in with AUTHENTICATE PLAIN."""
        return self._conn.plain_login(_to_bytes(identity, "utf-8"), _to_bytes(password, "utf-8"),
                                      authorization_identity or None)

    def sasl_login(self, mech_name, mech_callable):
        """Log in with any SASL mechanism: *mech_callable* gets each server
        challenge (bytes) and returns the response (bytes or str)."""
        return self._conn.sasl_login(_to_bytes(mech_name), mech_callable)

    def scram_login(self, username, password, mech="SCRAM-SHA-256"):
        """Log in with SCRAM-SHA-256 or SCRAM-SHA-1 (beyond the reference)."""
        return self._conn.scram_login(mech, _to_bytes(username, "utf-8"),
                                      _to_bytes(password, "utf-8"))

    def logout(self):
        """Log out and close the connection; returns the BYE text."""
        return self._conn.logout()

    def shutdown(self):
        """Close the connection without logging out."""
        self._conn.shutdown()
        logger.info("Connection closed")

    def compress(self):
        """Turn on COMPRESS=DEFLATE (RFC 4978; beyond the reference)."""
        self._conn.compress()

    def enable(self, *capabilities):
        """ENABLE extensions (RFC 5161); returns those the server enabled.
        The library follows what is enabled: after UTF8=ACCEPT (RFC 6855)
        folder names go as UTF-8 both ways and search() takes any text
        without a charset; CONDSTORE, QRESYNC and IMAP4rev2 are recorded
        (is_enabled())."""
        if not self.has_capability("ENABLE"):
            raise exceptions.CapabilityError("Server does not support ENABLE capability")
        return self._conn.enable([_to_bytes(c) for c in capabilities])

    def is_enabled(self, capability):
        """True if enable() turned *capability* on (CONDSTORE, QRESYNC,
        UTF8=ACCEPT, IMAP4rev2; beyond the reference)."""
        return self._conn.is_enabled(_to_bytes(capability))

    def is_utf8(self):
        """True while folder names and strings travel as UTF-8 (UTF8=ACCEPT
        enabled, or IMAP4rev2 rules; beyond the reference)."""
        return self._conn.is_utf8()

    def is_imap4rev2(self):
        """True while IMAP4rev2 (RFC 9051) rules apply (beyond the reference)."""
        return self._conn.is_imap4rev2()

    def unauthenticate(self):
        """UNAUTHENTICATE (RFC 8437; beyond the reference): end the session
        but keep the connection (TLS stays), to log in again. Every enabled
        extension is off afterwards. Returns the server's text;
        CapabilityError without UNAUTHENTICATE (nothing sent)."""
        return self._conn.unauthenticate()

    def get_metadata(self, folder, entries, maxsize=None, depth=0):
        """GETMETADATA (RFC 5464; beyond the reference): the *entries* (a
        name such as "/private/comment", or a sequence of them) of *folder*,
        or of the server when *folder* is "" or None. *maxsize* leaves out
        larger values (reported in .longentries); *depth* 0, 1 or
        "infinity" adds the entries below. Returns a Metadata dict
        {b'/private/comment': b'value'} (None for an entry not set)."""
        names = [_to_bytes(e) for e in _text_list(entries)]
        if depth in ("infinity", b"infinity", "INFINITY", b"INFINITY"):
            d = -1
        elif depth in (0, 1) and not isinstance(depth, bool):
            d = depth
        else:
            raise exceptions.InvalidArgumentError("depth must be 0, 1 or 'infinity'")
        if maxsize is not None and (not isinstance(maxsize, int) or isinstance(maxsize, bool)
                                    or not 0 < maxsize < 2**32):
            raise exceptions.InvalidArgumentError("maxsize must be an int from 1 to 2**32-1")
        values, longentries = self._conn.get_metadata(
            b"" if not folder else self._normalise_folder(folder), names, maxsize or 0, d)
        return Metadata(values, longentries=longentries)

    def set_metadata(self, folder, entries):
        """SETMETADATA (RFC 5464; beyond the reference): *entries* is a dict
        {name: value}; a value is str (sent as UTF-8), bytes (NUL bytes go
        as a literal8) or None, which removes the entry. *folder* "" or
        None sets server entries. All or none are set; returns the
        server's text."""
        if not isinstance(entries, dict) or not entries:
            raise exceptions.InvalidArgumentError("entries must be a non-empty dict")
        items = []
        for k, v in entries.items():
            if v is not None and not isinstance(v, (str, bytes, bytearray)):
                raise TypeError("metadata values must be str, bytes or None, not %s"
                                % type(v).__name__)
            items.append((_to_bytes(k), None if v is None else _to_bytes(v, "utf-8")))
        return self._conn.set_metadata(b"" if not folder else self._normalise_folder(folder),
                                       items)

    def notify_set(self, *groups, status=False):
        """NOTIFY SET (RFC 5465; beyond the reference): ask the server to
        report the events of each group (a NotifyGroup, or a tuple of its
        fields) as they happen. They arrive with noop(), idle_check() and
        idle_done(): a response that carries one has an *event* attribute
        (a NotifyEvent; see notify_events()). With *status* the server first
        sends a STATUS of each watched folder. Each call replaces the last.
        CapabilityError without NOTIFY; InvalidArgumentError for a group
        RFC 5465 does not allow (nothing sent)."""
        if not groups:
            raise exceptions.InvalidArgumentError("notify_set() needs at least one group")
        out = []
        for g in groups:
            if not isinstance(g, NotifyGroup):
                if not isinstance(g, (tuple, list)):
                    raise TypeError("a NOTIFY group must be a NotifyGroup or a tuple")
                g = NotifyGroup(*g)
            flt = _to_unicode(g.filter).upper()
            if flt not in _NOTIFY_FILTERS:
                raise exceptions.InvalidArgumentError(
                    "unknown NOTIFY filter %r (one of %s)" % (g.filter, ", ".join(_NOTIFY_FILTERS)))
            bits = 0
            for e in _text_list(g.events or ()):
                try:
                    bits |= _NOTIFY_EVENTS[e.upper()]
                except KeyError:
                    raise exceptions.InvalidArgumentError("unknown NOTIFY event %r" % e)
            mboxes = None
            if g.mailboxes is not None:
                ms = g.mailboxes
                if isinstance(ms, (str, bytes, bytearray)):
                    ms = (ms,)
                mboxes = [self._normalise_folder(m) for m in ms]
            attrs = None
            if g.fetch_attributes is not None:
                attrs = [_to_bytes(a.upper()) for a in _text_list(g.fetch_attributes)]
            out.append((_NOTIFY_FILTERS[flt], bits, mboxes, attrs))
        self._conn.notify_set(out, bool(status))

    def notify_none(self):
        """NOTIFY NONE (RFC 5465): no more events (beyond the reference)."""
        self._conn.notify_none()

    def id_(self, parameters=None):
        """ID (RFC 2971). Returns what the reference returns: a 1-tuple
        holding the server's fields as one flat tuple
        ((b'name', b'Dovecot', ...),), or (None,) for ID NIL."""
        if parameters is None:
            params = None
        else:
            if not isinstance(parameters, dict):
                raise TypeError("'parameters' should be a dictionary")
            params = []
            for k, v in parameters.items():
                params.append(k)
                params.append(v)
        if not self.has_capability("ID"):
            raise exceptions.CapabilityError("Server does not support ID capability")
        r = self._conn.id(params)
        return (r,)

    def capabilities(self):
        """The server's capabilities, a tuple of upper-case bytes."""
        return self._conn.capabilities()

    def has_capability(self, capability):
        """True if the server announced *capability* (str or bytes)."""
        return self._conn.has_capability(_to_bytes(capability).upper())

    def namespace(self):
        """(personal, other, shared) namespaces; each None or a tuple of
        (prefix, separator) pairs."""
        return Namespace(*self._conn.namespace())

    # ---- folders ------------------------------------------------------------

    def list_folders(self, directory="", pattern="*"):
        """[(flags, delimiter, name)] of LIST."""
        return self._conn.list_folders(0, self._normalise_folder(directory),
                                       self._normalise_folder(pattern))

    def list_sub_folders(self, directory="", pattern="*"):
        """[(flags, delimiter, name)] of LSUB (subscribed folders)."""
        return self._conn.list_folders(1, self._normalise_folder(directory),
                                       self._normalise_folder(pattern))

    def xlist_folders(self, directory="", pattern="*"):
        """[(flags, delimiter, name)] of Gmail's XLIST."""
        return self._conn.list_folders(2, self._normalise_folder(directory),
                                       self._normalise_folder(pattern))

    def list_extended(self, directory="", patterns="*", selection=(), returns=(),
                      status=None):
        """LIST with LIST-EXTENDED options (RFC 5258), SPECIAL-USE (RFC 6154)
        and LIST-STATUS (RFC 5819) in one command (beyond the reference).

        *patterns*: one pattern or a sequence of them; *selection*: any of
        "SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"; *returns*:
        any of "CHILDREN", "SUBSCRIBED", "SPECIAL-USE"; *status*: STATUS
        items (e.g. ["MESSAGES", "UNSEEN", "SIZE"]) answered for each
        folder in the same round trip. Returns a list of Folder: the
        reference's (flags, delimiter, name) tuples with .status,
        .childinfo, .old_name, .nonexistent and .extended. A server
        without the capability an option needs gives CapabilityError
        (nothing sent); an unknown option InvalidArgumentError."""
        pats = [self._normalise_folder(p) for p in
                ((patterns,) if isinstance(patterns, (str, bytes, bytearray)) else patterns)]
        sel = self._option_bits(selection, _LIST_SELECTION, "selection")
        ret = self._option_bits(returns, _LIST_RETURNS, "return")
        items = None if status is None else [_to_bytes(w) for w in _text_list(status)]
        return self._conn.list_extended(self._normalise_folder(directory), pats, sel, ret,
                                        items)

    @staticmethod
    def _option_bits(options, table, what):
        bits = 0
        for o in _text_list(options):
            try:
                bits |= table[o.upper()]
            except KeyError:
                raise exceptions.InvalidArgumentError(
                    "unknown LIST %s option %r (one of %s)" % (what, o, ", ".join(table)))
        return bits

    def list_status(self, directory="", pattern="*", what=None):
        """Every folder matching *pattern* with its STATUS (beyond the
        reference): one LIST ... RETURN (STATUS (...)) round trip with
        LIST-STATUS (RFC 5819), else a LIST and pipelined STATUS commands.
        *what* as folder_status() (its default items when None). Returns a
        list of Folder whose .status is the dict folder_status() gives
        (None for a folder that cannot be selected):
        ``{f.name: f.status for f in client.list_status()}``."""
        items = None if what is None else [_to_bytes(w) for w in _text_list(what)]
        return self._conn.list_status(self._normalise_folder(directory),
                                      self._normalise_folder(pattern), items)

    def find_special_folder(self, folder_flag):
        """The name of the folder with this special-use flag (SENT, TRASH...),
        by flag, then by common names; None if none is found. As the C
        library does it: with SPECIAL-USE through LIST (SPECIAL-USE) (or
        RETURN (SPECIAL-USE)), else the flags of a plain LIST (unless the
        quirks say list_flags_special_use is off), then the reference's
        common names in each personal namespace."""
        return self._conn.find_special_folder(_to_bytes(folder_flag))

    def select_folder(self, folder, readonly=False):
        """SELECT (or EXAMINE with *readonly*); returns the SELECT data dict
        ({b'EXISTS': 3, b'FLAGS': (...), b'READ-WRITE': True, ...})."""
        return self._conn.select_folder(self._normalise_folder(folder), bool(readonly))

    def unselect_folder(self):
        """UNSELECT (RFC 3691): leave the folder without expunging."""
        return self._conn.unselect_folder()

    def close_folder(self):
        """CLOSE: leave the folder, expunging \\Deleted messages."""
        return self._conn.close_folder()

    def folder_status(self, folder, what=None):
        """STATUS of *folder*: {b'MESSAGES': 3, b'UIDNEXT': 5, ...}."""
        items = None if what is None else [_to_bytes(w) for w in _text_list(what)]
        return self._conn.folder_status(self._normalise_folder(folder), items)

    def create_folder(self, folder, special_use=None):
        """CREATE *folder*; returns the server's text. Beyond the reference:
        *special_use* (a flag such as SENT, or a sequence of them) creates
        it with those special uses (CREATE-SPECIAL-USE, RFC 6154; a
        CapabilityError without it, nothing sent); a MAILBOXID the server
        gives (OBJECTID, RFC 8474) comes first: b'[MAILBOXID (F2212ea87)] Done'."""
        uses = None if special_use is None else _flag_list(special_use)
        return self._conn.create_folder_ex(self._normalise_folder(folder), uses or None)

    def rename_folder(self, old_name, new_name):
        return self._conn.rename_folder(self._normalise_folder(old_name),
                                        self._normalise_folder(new_name))

    def delete_folder(self, folder):
        return self._conn.delete_folder(self._normalise_folder(folder))

    def folder_exists(self, folder):
        return self._conn.folder_exists(self._normalise_folder(folder))

    def subscribe_folder(self, folder):
        """SUBSCRIBE; returns [text], as the reference does."""
        return [self._conn.subscribe_folder(self._normalise_folder(folder))]

    def unsubscribe_folder(self, folder):
        """UNSUBSCRIBE; returns [text], as the reference does."""
        return [self._conn.unsubscribe_folder(self._normalise_folder(folder))]

    # ---- unsolicited responses, IDLE ------------------------------------------

    def noop(self):
        """NOOP: (text, [responses received since the last call])."""
        return self._conn.noop()

    def idle(self):
        """Enter IDLE (RFC 2177); returns once the server accepted."""
        self._conn.idle()

    def idle_check(self, timeout=None):
        """Wait at most *timeout* seconds (None: for ever) for IDLE
        responses; returns them, parsed: [(1, b'EXISTS'), ...]."""
        ms = -1 if timeout is None else min(max(0, int(timeout * 1000 + 0.5)), 2**31 - 1)
        return self._conn.idle_check(ms)

    def idle_done(self):
        """Leave IDLE: (text, [responses since the last idle_check()])."""
        return self._conn.idle_done()

    def idle_renew(self, max_age=600):
        """Restart IDLE if it has run for *max_age* seconds (beyond the
        reference; RFC 2177 asks for it every 29 minutes). True if renewed."""
        return self._conn.idle_renew(int(max_age * 1000))

    # ---- search ---------------------------------------------------------------

    def _search_charset(self, charset):
        """(charset sent, encoding of str items): once UTF8=ACCEPT (or
        IMAP4rev2) is on, str items without a charset go as UTF-8 and the
        library sends no CHARSET (RFC 6855); the reference's US-ASCII else."""
        cs = _to_unicode(charset) if charset else None
        if cs is None and self._conn.is_utf8():
            return None, "utf-8"
        return cs, cs

    def search(self, criteria="ALL", charset=None):
        """Message ids matching *criteria* (a list of items, or one string
        sent as it is); a SearchIds list with a *modseq* attribute. Once
        UTF8=ACCEPT is enabled, str criteria may hold any text without a
        charset (sent as UTF-8, RFC 6855)."""
        if not criteria:
            raise exceptions.InvalidCriteriaError("no criteria specified")
        cs, enc = self._search_charset(charset)
        if isinstance(criteria, (str, bytes)):
            return self._conn.search(_to_bytes(criteria, enc or "us-ascii"), cs, True)
        return self._conn.search(_normalise_criteria(criteria, enc), cs)

    def gmail_search(self, query, charset="UTF-8"):
        """Search with Gmail's X-GM-RAW."""
        cs = _to_unicode(charset) if charset else None
        return self._conn.gmail_search(_to_bytes(query, cs or "utf-8"), cs)

    def sort(self, sort_criteria, criteria="ALL", charset="UTF-8"):
        """Message ids sorted by *sort_criteria* (RFC 5256 SORT)."""
        if isinstance(sort_criteria, (str, bytes)):
            sort_criteria = [sort_criteria]
        sc = [_to_bytes(s).upper() for s in sort_criteria]
        cs = _to_unicode(charset) if charset else None
        return self._conn.sort(sc, _criteria_items(criteria, cs), cs)

    def thread(self, algorithm="REFERENCES", criteria="ALL", charset="UTF-8"):
        """Threads of messages (RFC 5256): ((1, 3, 8), (2, 5), ...)."""
        algo = _to_bytes(algorithm)
        if not self.has_capability(b"THREAD=" + algo.upper()):
            raise exceptions.CapabilityError(
                "The server does not support %s threading algorithm" % algo)
        cs = _to_unicode(charset) if charset else None
        return self._conn.thread(algo, _criteria_items(criteria, cs), cs)

    @staticmethod
    def _returns(returns):
        if returns is None:
            return None
        return [_to_bytes(r).upper() for r in _text_list(returns)]

    def esearch(self, criteria="ALL", returns=None, charset=None):
        """SEARCH RETURN (...) (ESEARCH, RFC 4731; beyond the reference).
        *returns*: any of "MIN", "MAX", "COUNT", "ALL", "SAVE" (SEARCHRES:
        "$" then names the result in later calls), "PARTIAL 1:50" (RFC
        9394); None asks for ALL. Returns what came back, keyed as the
        reference keys data: {b'MIN': 2, b'MAX': 9, b'COUNT': 4,
        b'ALL': [2, 4, 7, 9], b'MODSEQ': n, b'PARTIAL': ((1, 50), [ids])}."""
        cs, enc = self._search_charset(charset)
        return self._conn.esearch(_criteria_items(criteria, enc), cs, self._returns(returns))

    def search_partial(self, criteria="ALL", first=1, last=50, charset=None):
        """One page of the matches of a search (PARTIAL, RFC 9394; beyond
        the reference): positions *first* to *last* from 1, or from -1
        (the newest) backwards. Returns a SearchIds of that page's ids
        with *count*, the number of all matches, and *modseq*.
        CapabilityError without PARTIAL; InvalidArgumentError for a range
        with 0 or mixed signs."""
        for v in (first, last):
            if not isinstance(v, int) or isinstance(v, bool):
                raise TypeError("first and last must be int")
        cs, enc = self._search_charset(charset)
        d = self._conn.search_partial(_criteria_items(criteria, enc), cs, first, last)
        ids = SearchIds(d.get(b"PARTIAL", ((first, last), []))[1])
        ids.modseq = d.get(b"MODSEQ")
        ids.count = d.get(b"COUNT")
        return ids

    def esort(self, sort_criteria, criteria="ALL", returns=None, charset="UTF-8"):
        """SORT RETURN (...) (ESORT, RFC 5267; beyond the reference): as
        sort() with esearch()'s *returns*; b'ALL' holds the ids in sort
        order, b'MIN' and b'MAX' the first and last in it."""
        if isinstance(sort_criteria, (str, bytes)):
            sort_criteria = [sort_criteria]
        sc = [_to_bytes(s).upper() for s in sort_criteria]
        cs = _to_unicode(charset) if charset else None
        return self._conn.esort(sc, _criteria_items(criteria, cs), cs, self._returns(returns))

    def multisearch(self, criteria="ALL", sources="PERSONAL", returns=None, charset=None):
        """Search several folders in one command (MULTISEARCH, RFC 7377;
        beyond the reference), with or without a folder selected.
        *sources*: a filter ("SELECTED", "SELECTED-DELAYED", "INBOXES",
        "PERSONAL", "SUBSCRIBED"), a (filter, folders) pair for "SUBTREE",
        "SUBTREE-ONE" and "MAILBOXES", or a sequence of them. Returns
        {folder: {b'UIDVALIDITY': n, b'ALL': [uids], ...}} for the folders
        with matches, the ids always UIDs; *returns* as esearch()."""
        if isinstance(sources, (str, bytes)) or (
                isinstance(sources, tuple) and len(sources) == 2
                and isinstance(sources[0], (str, bytes))
                and _to_unicode(sources[0]).upper() in ("SUBTREE", "SUBTREE-ONE", "MAILBOXES")):
            sources = [sources]  # one source
        out = []
        for src in sources:
            if isinstance(src, (str, bytes)):
                flt, names = src, None
            elif isinstance(src, (tuple, list)) and len(src) == 2:
                flt, names = src
            else:
                raise TypeError("a source is a filter name or a (filter, folders) pair")
            key = _to_unicode(flt).upper()
            if key not in _SEARCH_IN:
                raise exceptions.InvalidArgumentError(
                    "unknown search source %r (one of %s)" % (flt, ", ".join(_SEARCH_IN)))
            if names is not None:
                if isinstance(names, (str, bytes, bytearray)):
                    names = (names,)
                names = [self._normalise_folder(n) for n in names]
            out.append((_SEARCH_IN[key], names))
        cs, enc = self._search_charset(charset)
        return self._conn.multisearch(out, _criteria_items(criteria, enc), cs,
                                      self._returns(returns))

    # ---- flags and labels ---------------------------------------------------

    def get_flags(self, messages):
        """{msgid: (flag, ...)}"""
        if not messages:
            return {}
        return self._conn.get_flags(join_message_ids(messages))

    def _store(self, labels, op, messages, flags, silent):
        if not messages:
            return {}
        if labels:
            if isinstance(flags, (str, bytes)):
                flags = (flags,)
            items = []
            for f in flags:
                if isinstance(f, bytes):
                    f = decode_utf7(f)
                items.append(_to_bytes(f, "utf-8"))
        else:
            items = _flag_list(flags)
        return self._conn.store(bool(labels), op, join_message_ids(messages), items,
                                bool(silent))

    def set_flags(self, messages, flags, silent=False):
        return self._store(False, 0, messages, flags, silent)

    def add_flags(self, messages, flags, silent=False):
        return self._store(False, 1, messages, flags, silent)

    def remove_flags(self, messages, flags, silent=False):
        return self._store(False, 2, messages, flags, silent)

    def delete_messages(self, messages, silent=False):
        return self.add_flags(messages, DELETED, silent=silent)

    def get_gmail_labels(self, messages):
        if not messages:
            return {}
        return self._conn.get_flags(join_message_ids(messages), True)

    def set_gmail_labels(self, messages, labels, silent=False):
        return self._store(True, 0, messages, labels, silent)

    def add_gmail_labels(self, messages, labels, silent=False):
        return self._store(True, 1, messages, labels, silent)

    def remove_gmail_labels(self, messages, labels, silent=False):
        return self._store(True, 2, messages, labels, silent)

    # ---- fetch ----------------------------------------------------------------

    @staticmethod
    def _fetch_args(data, modifiers):
        items = [_to_bytes(i.upper()) for i in _text_list(data)]
        mods = [_to_bytes(m.upper()) for m in _text_list(modifiers)] if modifiers else None
        return items, mods

    def fetch(self, messages, data, modifiers=None):
        """{msgid: {b'SEQ': n, b'FLAGS': (...), b'ENVELOPE': Envelope, ...}}
        for the data items asked (str or a sequence)."""
        if not messages:
            return {}
        items, mods = self._fetch_args(data, modifiers)
        return collections.defaultdict(
            dict, self._conn.fetch(join_message_ids(messages), items, mods))

    def fetch_each(self, messages, data, callback, modifiers=None, sink=None,
                   sink_min=65536):
        """Streaming fetch (beyond the reference): callback(msgid, dict) is
        called per message as it arrives, one message in memory at a time;
        a true return value stops the fetch (the rest is read and dropped).
        With *sink* (a file object, or a callable(seq, name, chunk)), every
        literal of at least *sink_min* bytes goes there piece by piece
        instead of memory, and its item holds b''. Returns False if the
        callback stopped it, else True."""
        if not messages:
            return True
        items, mods = self._fetch_args(data, modifiers)
        return self._conn.fetch_each(join_message_ids(messages), items, mods, callback,
                                     sink, sink_min)

    def iter_fetch(self, messages, data, modifiers=None, sink=None, sink_min=65536,
                   buffer=16):
        """Generator form of fetch (beyond the reference): yields
        (msgid, dict) one message at a time as the server sends them, with
        at most *buffer* messages held. The fetch runs in a helper thread
        while the generator is consumed; closing the generator early stops
        it (the rest of the response is read and dropped). *sink* and
        *sink_min* as fetch_each()."""
        if not messages:
            return
        q = queue.Queue(maxsize=max(1, buffer))
        stop = threading.Event()
        done = object()

        def on_msg(msgid, d):
            if stop.is_set():
                return True
            q.put((msgid, d))
            return stop.is_set()

        def work():
            try:
                self.fetch_each(messages, data, on_msg, modifiers, sink, sink_min)
                q.put((done, None))
            except BaseException as e:  # handed to the consumer
                q.put((done, e))

        t = threading.Thread(target=work, name="libimapclient-fetch", daemon=True)
        t.start()
        try:
            while True:
                msgid, d = q.get()
                if msgid is done:
                    if d is not None:
                        raise d
                    return
                yield msgid, d
        finally:
            stop.set()
            while t.is_alive():
                try:
                    msgid, _ = q.get(timeout=0.05)
                except queue.Empty:
                    continue
                if msgid is done:
                    break
            t.join()

    # ---- append, copy, move, expunge -------------------------------------------

    def append(self, folder, msg, flags=(), msg_time=None):
        """APPEND *msg* (str or bytes, the whole message) to *folder*. A
        binary file object is streamed (see append_stream())."""
        if hasattr(msg, "read") and not isinstance(msg, (str, bytes, bytearray, memoryview)):
            return self.append_stream(folder, msg, flags, msg_time)
        if not isinstance(msg, (str, bytes, bytearray, memoryview)):
            raise TypeError("msg must be str or bytes, not %s" % type(msg).__name__)
        data = msg.encode("ascii") if isinstance(msg, str) else msg
        return self._conn.append(self._normalise_folder(folder), data, _flag_list(flags),
                                 msg_time or None)

    def append_stream(self, folder, fileobj, flags=(), msg_time=None, size=None, crlf=False):
        """APPEND a message read from a binary file object, a piece at a
        time while the command goes out: a message of any size costs no
        memory of its size (beyond the reference). It is read from the
        file's current position; *size* defaults to the bytes left in it.
        Line ends are made CRLF as append() does, which reads the file
        twice (it must be seekable); with crlf=True it is sent as it is,
        in one pass (you vouch for CRLF line ends and no NUL byte)."""
        if not hasattr(fileobj, "read") or isinstance(fileobj, io.TextIOBase):
            raise TypeError("fileobj must be a binary file object, not %s"
                            % type(fileobj).__name__)
        start = fileobj.tell() if hasattr(fileobj, "tell") else 0
        if size is None:
            try:
                size = os.fstat(fileobj.fileno()).st_size - start
            except (AttributeError, OSError, io.UnsupportedOperation):
                fileobj.seek(0, io.SEEK_END)
                size = fileobj.tell() - start
                fileobj.seek(start)
        return self._conn.append_stream(self._normalise_folder(folder), fileobj, start,
                                        int(size), _flag_list(flags), msg_time or None,
                                        bool(crlf))

    def multiappend(self, folder, msgs):
        """APPEND several messages in one command (RFC 3502). Each is str/
        bytes or a dict with "msg" and optional "flags" and "date". Returns
        ('OK', [text]) as the reference does. Beyond the reference, a
        message may also be a binary file object (seekable: line ends are
        made CRLF, which reads it twice): then every message is read a piece
        at a time while the command goes out, never whole in memory."""
        if not self.has_capability("MULTIAPPEND"):
            raise exceptions.CapabilityError("Server does not support MULTIAPPEND capability")
        msgs = list(msgs)
        if any(_is_binary_file(m["msg"] if isinstance(m, dict) else m) for m in msgs):
            return ("OK", [self._multiappend_stream(folder, msgs)])
        items = []
        for m in msgs:
            if isinstance(m, dict):
                items.append((_to_bytes(m["msg"]),
                              _flag_list(m["flags"]) if "flags" in m else None,
                              m.get("date")))
            else:
                items.append((_to_bytes(m), None, None))
        return ("OK", [self._conn.multiappend(self._normalise_folder(folder), items)])

    def _multiappend_stream(self, folder, msgs):
        # Some messages are binary file objects (beyond the reference): one
        # MULTIAPPEND whose messages are read a piece at a time while it
        # goes out, so memory stays flat whatever their number and size.
        # str/bytes messages among them are read from memory the same way.
        items = []
        for m in msgs:
            flags = date = None
            if isinstance(m, dict):
                msg = m["msg"]
                flags = _flag_list(m["flags"]) if "flags" in m else None
                date = m.get("date")
            else:
                msg = m
            if not _is_binary_file(msg):
                msg = io.BytesIO(_to_bytes(msg))
            start = msg.tell() if hasattr(msg, "tell") else 0
            try:
                size = os.fstat(msg.fileno()).st_size - start
            except (AttributeError, OSError, io.UnsupportedOperation):
                msg.seek(0, io.SEEK_END)
                size = msg.tell() - start
                msg.seek(start)
            items.append((msg, start, int(size), flags, date, False))
        return self._conn.multiappend_stream(self._normalise_folder(folder), items)

    def replace(self, msgid, folder, msg, flags=(), msg_time=None):
        """REPLACE (RFC 8508; beyond the reference): append *msg* to *folder*
        and expunge message *msgid* (a UID with use_uid) in one atomic
        step. *msg*, *flags* and *msg_time* as append(); returns the text,
        with [APPENDUID ...] in front when the server sent it.
        CapabilityError without REPLACE."""
        if isinstance(msgid, bool) or not isinstance(msgid, (int, str, bytes)):
            raise TypeError("msgid must be an int, not %s" % type(msgid).__name__)
        try:
            n = int(msgid)
        except ValueError:
            raise exceptions.InvalidArgumentError("msgid must be a message number: %r" % msgid)
        if not 0 < n < 2**32:
            raise exceptions.InvalidArgumentError("msgid out of range: %r" % msgid)
        if not isinstance(msg, (str, bytes, bytearray, memoryview)):
            raise TypeError("msg must be str or bytes, not %s" % type(msg).__name__)
        data = msg.encode("ascii") if isinstance(msg, str) else msg
        return self._conn.replace(n, self._normalise_folder(folder), data, _flag_list(flags),
                                  msg_time or None)

    def get_appendlimit(self, folder="INBOX"):
        """The largest message *folder* accepts (APPENDLIMIT, RFC 7889;
        beyond the reference), in bytes; None when there is no limit."""
        return self._conn.get_appendlimit(self._normalise_folder(folder))

    def copy(self, messages, folder):
        return self._conn.copy(join_message_ids(messages), self._normalise_folder(folder))

    def move(self, messages, folder):
        if not self.has_capability("MOVE"):
            raise exceptions.CapabilityError("Server does not support MOVE capability")
        return self._conn.copy(join_message_ids(messages), self._normalise_folder(folder),
                               True)

    def expunge(self, messages=None):
        """EXPUNGE: (text, [(n, b'EXPUNGE'), ...]); with *messages* (UIDs)
        UID EXPUNGE of those, returning the expunged sequence numbers as
        imaplib gives them ([b'3', ...], or [None])."""
        if messages:
            if not self.use_uid:
                raise ValueError("cannot EXPUNGE by ID when not using uids")
            return self._conn.expunge(join_message_ids(messages))
        return self._conn.expunge(None)

    def uid_expunge(self, messages):
        if not self.has_capability("UIDPLUS"):
            raise exceptions.CapabilityError("Server does not support UIDPLUS capability")
        return self._conn.expunge(join_message_ids(messages), True)

    # ---- ACL and quota ------------------------------------------------------

    def getacl(self, folder):
        return self._conn.getacl(self._normalise_folder(folder))

    def setacl(self, folder, who, what):
        return self._conn.setacl(self._normalise_folder(folder), _to_bytes(who, "utf-8"),
                                 _to_bytes(what))

    @staticmethod
    def _quotas(raw):
        return [Quota(*q) for q in raw]

    def get_quota(self, mailbox="INBOX"):
        return self.get_quota_root(mailbox)[1]

    def _get_quota(self, quota_root=""):
        return self._quotas(self._conn.get_quota_for_root(_to_bytes(quota_root, "utf-8")))

    def get_quota_root(self, mailbox):
        mbox, roots, quotas = self._conn.get_quota_root(self._normalise_folder(mailbox))
        return MailboxQuotaRoots(mbox, roots), self._quotas(quotas)

    def set_quota(self, quotas):
        if not quotas:
            return None
        root = None
        items = []
        for q in quotas:
            if root is None:
                root = q.quota_root
            elif root != q.quota_root:
                raise ValueError("set_quota only accepts a single quota root")
            items.append((_to_bytes(q.quota_root, "utf-8"), _to_bytes(q.resource),
                          int(q.limit)))
        return self._quotas(self._conn.set_quota(items))
