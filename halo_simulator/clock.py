"""Simulator clock and Halo date handling.

Times are stored as integer microseconds since the Unix epoch, UTC. Halo serialises datetimes without an
offset (`2024-03-05T10:22:13`), some fields with a 7-digit fraction (`.1234560`), and "empty" dates as
`1900-01-01T00:00:00` (halopsa-api.md §4.3). Not modelled: `utcoffset` query parameters, instance time zones.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1)
EMPTY_DATE = "1900-01-01T00:00:00"
US = 1_000_000
DAY_US = 86_400 * US

HISTORY_START = int((datetime(2023, 1, 1) - EPOCH).total_seconds()) * US
HISTORY_END = int((datetime(2026, 6, 30, 23, 59, 59) - EPOCH).total_seconds()) * US


def halo_dt(us: int | None, frac: bool = False) -> str:
    """Halo's serialisation: naive UTC, whole seconds, or a 7-digit fraction when `frac` and non-zero."""
    if not us:
        return EMPTY_DATE
    d = EPOCH + timedelta(microseconds=us)
    s = f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}"
    if frac and d.microsecond:
        s += f".{d.microsecond:06d}0"
    return s


def to_us(d: datetime) -> int:
    if d.tzinfo is not None:
        d = d.astimezone(timezone.utc).replace(tzinfo=None)
    return (d - EPOCH) // timedelta(microseconds=1)


_PARAM_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]00:?00)?$", re.I
)


def parse_param_date(value: str) -> int:
    """Parse a query-parameter date: `YYYY-MM-DD`, `...THH:MM[:SS[.fff…]]`, optional `Z`; all UTC.

    A date alone means midnight. Fractions beyond microseconds are truncated. Raises ValueError.
    """
    m = _PARAM_DATE.match(value.strip())
    if not m:
        raise ValueError(value)
    y, mo, d, h, mi, s, frac, _ = m.groups()
    micro = int((frac or "0")[:6].ljust(6, "0"))
    dt = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0), micro)
    return to_us(dt)


class Clock:
    """Real UTC now plus an offset that the control plane can advance. Thread-safe.

    `stamp()` hands out strictly increasing microsecond stamps for mutations, never earlier than the clock
    and never at or before the fixed generated history.
    """

    def __init__(self) -> None:
        self._offset_us = 0
        self._last_stamp = HISTORY_END + US  # generated stamps reach HISTORY_END + 0.999999 s
        self._lock = threading.Lock()

    def now_us(self) -> int:
        return time.time_ns() // 1000 + self._offset_us

    @property
    def offset_seconds(self) -> float:
        return self._offset_us / US

    def advance(self, seconds: float) -> int:
        with self._lock:
            self._offset_us += int(seconds * US)
        return self.now_us()

    def stamp(self) -> int:
        with self._lock:
            self._last_stamp = max(self.now_us(), self._last_stamp + 1)
            return self._last_stamp
