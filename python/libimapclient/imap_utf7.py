"""Modified UTF-7 folder names (RFC 3501 section 5.1.3), by the C library."""
from . import _imapclient


def encode(s):
    """str -> bytes in modified UTF-7; anything else is returned unchanged."""
    if not isinstance(s, str):
        return s
    return _imapclient.utf7_encode(s.encode("utf-8", "surrogatepass"))


def decode(s):
    """bytes in modified UTF-7 -> str; anything else is returned unchanged.
    Text that is not valid modified UTF-7 is decoded as UTF-8 (invalid bytes
    replaced), never an exception."""
    if not isinstance(s, bytes):
        return s
    if b"\0" in s:
        return s.decode("utf-8", "replace")
    r = _imapclient.utf7_decode(s)
    if r is None:
        return s.decode("utf-8", "replace")
    return r
