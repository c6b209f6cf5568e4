"""The exceptions of libimapclient, the same classes as imapclient.exceptions.

IMAPClientError, IMAPClientAbortError and IMAPClientReadOnlyError *are*
imaplib's IMAP4.error, IMAP4.abort and IMAP4.readonly, so code written
against IMAPClient (``except imaplib.IMAP4.error``) catches what it caught.
"""
import imaplib

IMAPClientError = imaplib.IMAP4.error
IMAPClientAbortError = imaplib.IMAP4.abort
IMAPClientReadOnlyError = imaplib.IMAP4.readonly


class CapabilityError(IMAPClientError):
    """The server lacks a capability the command needs."""


class LoginError(IMAPClientError):
    """Connected, but the authentication failed."""


class IllegalStateError(IMAPClientError):
    """The command is not allowed in the current state (not logged in, no
    folder selected, in IDLE...)."""


class InvalidCriteriaError(IMAPClientError):
    """The search criteria were refused (empty, unbalanced, or the server
    answered NO/BAD)."""


class ProtocolError(IMAPClientError):
    """The server sent a response that violates the IMAP protocol."""


class InvalidArgumentError(IMAPClientError, ValueError):
    """An argument the C library refuses before sending anything (a message
    set that is not a sequence set, a flag that is not an atom, CR/LF/NUL
    in a string...). Beyond the reference, which sends such arguments and
    raises IMAPClientError on the server's BAD: this class is both, so
    ``except IMAPClientError`` and ``except ValueError`` catch it."""
