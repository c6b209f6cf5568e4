"""Test helpers: an IMAPClient talking to libimapclient's scripted server.

The counterpart of the reference's TestableIMAPClient, with real protocol
bytes instead of a mock: the script says what the server sends (S:) and
exactly what the client must send (C:); see include/imapclient/testing.h.

    c = scripted_client('''
    S: * OK [CAPABILITY IMAP4rev1] ready
    C: A001 LOGIN me secret
    S: A001 OK Logged in
    ''')
    c.login("me", "secret")
    assert script_done(c)
"""
import textwrap

from . import _imapclient
from .imapclient import IMAPClient, _quirks_arg


def scripted_client(script, use_uid=True, quirks=None):
    """An IMAPClient connected to *script* (str; indentation is removed);
    *quirks* as IMAPClient()'s."""
    if isinstance(script, bytes):
        script = script.decode("utf-8")
    conn = _imapclient.connect_scripted(textwrap.dedent(script).strip("\n") + "\n",
                                        use_uid=use_uid, quirks=_quirks_arg(quirks))
    return IMAPClient("scripted", ssl=False, port=143, use_uid=use_uid, _conn=conn)


def script_done(client):
    """True when every line of the script was played."""
    return client._conn.script_done()


def script_sent(client):
    """Everything the client has sent (bytes)."""
    return client._conn.script_sent()
