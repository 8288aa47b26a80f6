"""Injected time. Everything reads the clock through this protocol so tests never sleep."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol

UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to (tests, simulations)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 1, 1, tzinfo=UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, **delta: float) -> None:
        with self._lock:
            self._now += dt.timedelta(**delta)


def to_naive_utc(moment: dt.datetime) -> dt.datetime:
    """Database columns hold naive UTC (SQLite has no time zones); convert at the boundary."""
    assert moment.tzinfo is not None, "aware datetimes only inside Reelhouse"
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=UTC)


def unix_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def format_api_time(moment: dt.datetime) -> str:
    """Main API time format: 'yyyy-MM-dd HH:mm:ss' in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
