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
from .response_types import Address, BodyData, Envelope, SearchIds

logger = logging.getLogger(__name__)
_imaplib_logger = logging.getLogger("libimapclient.imaplib")

__all__ = [
    "IMAPClient",
    "SocketTimeout",
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
    }
)


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
    *normalise_times* may be changed at any time.

    Usable as a context manager (logs out at the end). Not thread safe: use
    one object per thread (the GIL is released while waiting for the server,
    so several clients in several threads run in parallel).
    """

    Error = exceptions.IMAPClientError
    AbortError = exceptions.IMAPClientAbortError
    ReadOnlyError = exceptions.IMAPClientReadOnlyError

    def __init__(self, host, port=None, use_uid=True, ssl=True, stream=False,
                 ssl_context=None, timeout=None, _conn=None):
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
            self._conn = self._connect(host, port, ssl, stream, ssl_context, use_uid)
        self.use_uid = use_uid
        self.folder_encode = True
        self.normalise_times = True
        logger.debug("Connected to host %s over %s", host, "SSL/TLS" if ssl else "plain text")

    def _connect(self, host, port, ssl, stream, ctx, use_uid):
        if ctx is not None and not isinstance(ctx, ssl_lib.SSLContext):
            raise TypeError("ssl_context must be an ssl.SSLContext")
        kw = {}
        if ctx is not None:
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
            log=log, **kw)

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
    def welcome(self):
        """The server's greeting, e.g. b'* OK Dovecot ready.'."""
        if self._conn.closed():
            return None
        return self._conn.welcome()

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
        """ENABLE extensions (RFC 5161); returns those the server enabled."""
        if not self.has_capability("ENABLE"):
            raise exceptions.CapabilityError("Server does not support ENABLE capability")
        return self._conn.enable([_to_bytes(c) for c in capabilities])

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

    def find_special_folder(self, folder_flag):
        """The name of the folder with this special-use flag (SENT, TRASH...),
        by flag, then by common names; None if none is found."""
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

    def create_folder(self, folder):
        return self._conn.create_folder(self._normalise_folder(folder))

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

    def search(self, criteria="ALL", charset=None):
        """Message ids matching *criteria* (a list of items, or one string
        sent as it is); a SearchIds list with a *modseq* attribute."""
        if not criteria:
            raise exceptions.InvalidCriteriaError("no criteria specified")
        cs = _to_unicode(charset) if charset else None
        if isinstance(criteria, (str, bytes)):
            return self._conn.search(_to_bytes(criteria, cs or "us-ascii"), cs, True)
        return self._conn.search(_normalise_criteria(criteria, cs), cs)

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
        ('OK', [text]) as the reference does."""
        if not self.has_capability("MULTIAPPEND"):
            raise exceptions.CapabilityError("Server does not support MULTIAPPEND capability")
        items = []
        for m in msgs:
            if isinstance(m, dict):
                items.append((_to_bytes(m["msg"]),
                              _flag_list(m["flags"]) if "flags" in m else None,
                              m.get("date")))
            else:
                items.append((_to_bytes(m), None, None))
        return ("OK", [self._conn.multiappend(self._normalise_folder(folder), items)])

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
