"""libimapclient: IMAPClient's API backed by the libimapclient C library.

    import libimapclient as imapclient
    from libimapclient import IMAPClient

The classes, constants and exceptions are those of imapclient 3.1; see the
README's Python section for what goes beyond it and the few differences.
"""
from . import exceptions  # noqa: F401
from .imapclient import *  # noqa: F401,F403
from .imapclient import (  # noqa: F401
    ALL,
    ARCHIVE,
    DRAFTS,
    JUNK,
    SENT,
    TRASH,
    MailboxQuotaRoots,
    Namespace,
    NotifyGroup,
    Quirks,
    TLSConfig,
    notify_events,
    Quota,
)
from .response_types import (  # noqa: F401
    Address,
    BodyData,
    Envelope,
    Folder,
    Metadata,
    NotifyEvent,
    Response,
    SearchIds,
)

version_info = (0, 1, 0, "final")
__version__ = "0.1.0"
__author__ = "libimapclient"


def library_version():
    """The version of the C library in use."""
    from . import _imapclient

    return _imapclient.library_version()
