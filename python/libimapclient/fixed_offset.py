"""FixedOffset: the tzinfo of aware datetimes (normalise_times off)."""
import datetime
import time

ZERO = datetime.timedelta(0)


class FixedOffset(datetime.tzinfo):
    """A fixed offset of *minutes* east of UTC, named like "+0200"."""

    def __init__(self, minutes):
        self._offset = datetime.timedelta(minutes=minutes)
        sign = "-" if minutes < 0 else "+"
        hours, mins = divmod(abs(int(minutes)), 60)
        self._name = "%s%02d%02d" % (sign, hours, mins)

    def utcoffset(self, dt):
        return self._offset

    def tzname(self, dt):
        return self._name

    def dst(self, dt):
        return ZERO

    def __repr__(self):
        return "FixedOffset(%d)" % (self._offset.total_seconds() // 60)

    def __eq__(self, other):
        return isinstance(other, FixedOffset) and other._offset == self._offset

    def __hash__(self):
        return hash(self._offset)

    def __reduce__(self):
        return (FixedOffset, (self._offset.total_seconds() / 60,))

    @classmethod
    def for_system(cls):
        """The offset of this machine's time zone now (DST included)."""
        if time.localtime().tm_isdst and time.daylight:
            secs = time.altzone
        else:
            secs = time.timezone
        return cls(-secs // 60)
