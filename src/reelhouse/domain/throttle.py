"""In-memory throttles with a bounded footprint: token buckets and failure locks.

Both keep one small entry per key in an LRU map of at most `max_keys` entries, so a caller
who invents keys (addresses, e-mails, operators) cannot grow the process: the least recently
touched entry goes first. Time is passed in (seconds on any monotonic scale), never read
here, so tests drive it and nothing sleeps.

Both are per process and thread-safe (routes run in worker threads).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    """An ordered map that forgets its least recently used entry beyond `max_keys`."""

    def __init__(self, max_keys: int) -> None:
        assert max_keys > 0
        self._max_keys = max_keys
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_keys:
            self._entries.popitem(last=False)

    def pop(self, key: K) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass
class _Bucket:
    tokens: float
    at_s: float


class TokenBuckets(Generic[K]):
    """One token bucket per key: `burst` tokens at most, refilled at `per_second`.

    `take` spends one token if there is one. A key not seen before (or forgotten) starts
    full, so forgetting is generous, never punishing: the bound on memory costs at most one
    extra burst to a caller who can make `max_keys` other keys first.
    """

    def __init__(self, burst: float, per_second: float, max_keys: int) -> None:
        assert burst >= 1 and per_second > 0
        self._burst = burst
        self._per_second = per_second
        self._buckets: _Lru[K, _Bucket] = _Lru(max_keys)
        self._lock = threading.Lock()

    def take(self, key: K, now_s: float) -> bool:
        with self._lock:
            bucket = self._buckets.get(key) or _Bucket(self._burst, now_s)
            elapsed = max(0.0, now_s - bucket.at_s)
            bucket.tokens = min(self._burst, bucket.tokens + elapsed * self._per_second)
            bucket.at_s = now_s
            allowed = bucket.tokens >= 1
            if allowed:
                bucket.tokens -= 1
            self._buckets.put(key, bucket)
            return allowed

    def seconds_until_token(self, key: K, now_s: float) -> float:
        """How long until `take` would succeed (0 if it would now)."""
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                return 0.0
            tokens = bucket.tokens + max(0.0, now_s - bucket.at_s) * self._per_second
            return max(0.0, (1 - tokens) / self._per_second)

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass
class _Failures:
    count: int
    first_at_s: float
    locked_until_s: float


class FailureLocks(Generic[K]):
    """Counts failures per key; `max_failures` within `window_s` lock the key for `window_s`.

    A count older than the window starts again, so rare mistakes never add up to a lock. A
    success may `clear` a key; while locked it stays locked until the time is up.
    """

    def __init__(self, max_failures: int, window_s: float, max_keys: int) -> None:
        assert max_failures >= 1 and window_s > 0
        self._max_failures = max_failures
        self._window_s = window_s
        self._entries: _Lru[K, _Failures] = _Lru(max_keys)
        self._lock = threading.Lock()

    def locked_for(self, key: K, now_s: float) -> float:
        """Seconds the key stays locked (0: not locked)."""
        with self._lock:
            entry = self._entries.get(key)
            return 0.0 if entry is None else max(0.0, entry.locked_until_s - now_s)

    def failed(self, key: K, now_s: float) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or (
                entry.locked_until_s <= now_s and now_s - entry.first_at_s >= self._window_s
            ):
                entry = _Failures(0, now_s, 0.0)
            entry.count += 1
            if entry.count >= self._max_failures:
                entry.count = 0
                entry.first_at_s = now_s
                entry.locked_until_s = now_s + self._window_s
            self._entries.put(key, entry)

    def clear(self, key: K, now_s: float) -> None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.locked_until_s <= now_s:
                self._entries.pop(key)

    def __len__(self) -> int:
        return len(self._entries)
