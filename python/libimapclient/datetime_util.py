"""Dates as imapclient.datetime_util: parsing and formatting by the C library."""
from datetime import datetime

from . import _imapclient
from .fixed_offset import FixedOffset


def parse_to_datetime(timestamp, normalise=True):
    """An IMAP or RFC 2822 date (bytes) -> datetime: naive local time when
    *normalise* (the default), else aware with its offset."""
    if isinstance(timestamp, str):
        timestamp = timestamp.encode("latin-1")
    return _imapclient.parse_datetime(timestamp, normalise)


def datetime_to_native(dt):
    """An aware datetime -> naive local time."""
    return dt.astimezone(FixedOffset.for_system()).replace(tzinfo=None)


def datetime_to_INTERNALDATE(dt):
    """datetime -> "03-Apr-2005 13:30:00 +0200" (naive means local time)."""
    return _imapclient.format_internaldate(dt)


def format_criteria_date(dt):
    """date or datetime -> b"03-Apr-2005" for SEARCH criteria."""
    return _imapclient.format_date(dt)
