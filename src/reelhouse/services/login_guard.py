"""What stands between an anonymous caller and argon2: throttles and a bounded hashing gate.

Three throttles, all in memory per process (docs/security.md gives what each costs an
attacker), checked before any password is hashed:

- per client address: every attempt spends a token (BACKOFFICE_LOGIN_CLIENT_BURST, then
  BACKOFFICE_LOGIN_CLIENT_PER_HOUR), whatever the e-mail;
- per (address, e-mail): BACKOFFICE_MAX_FAILED_LOGINS wrong passwords lock that pair for
  BACKOFFICE_LOCKOUT_SECONDS; a success clears it. Only that address is refused;
- per e-mail, from every address: BACKOFFICE_ACCOUNT_MAX_FAILED_LOGINS wrong passwords pause
  the account for the lockout period, but only for browsers without a device cookie for it.

Unknown e-mails are counted exactly like known ones, so no throttle's answer says whether an
account exists. Then at most BACKOFFICE_HASH_CONCURRENCY verifications run at once and
BACKOFFICE_HASH_QUEUE callers wait; the next is refused at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from enum import StrEnum

from reelhouse.domain.limits import (
    BACKOFFICE_ACCOUNT_MAX_FAILED_LOGINS,
    BACKOFFICE_HASH_CONCURRENCY,
    BACKOFFICE_HASH_QUEUE,
    BACKOFFICE_LOCKOUT_SECONDS,
    BACKOFFICE_LOGIN_CLIENT_BURST,
    BACKOFFICE_LOGIN_CLIENT_PER_HOUR,
    BACKOFFICE_MAX_FAILED_LOGINS,
    BACKOFFICE_THROTTLE_MAX_KEYS,
)
from reelhouse.domain.throttle import FailureLocks, TokenBuckets

SECONDS_PER_HOUR = 3600


class Refusal(StrEnum):
    """Why an attempt was refused before its password was looked at."""

    CLIENT = "client"  # this address made too many attempts
    LOCKED = "locked"  # this address, or any new browser, failed too often on this e-mail
    BUSY = "busy"  # too many verifications running and waiting


class HashGate:
    """At most `concurrency` callers inside, `queue` more waiting; the next is refused."""

    def __init__(self, concurrency: int, queue: int) -> None:
        self._slots = threading.BoundedSemaphore(concurrency)
        self._capacity = concurrency + queue
        self._admitted = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields False (without waiting) when full; True once inside."""
        with self._lock:
            if self._admitted >= self._capacity:
                admitted = False
            else:
                self._admitted += 1
                admitted = True
        if not admitted:
            yield False
            return
        try:
            with self._slots:
                yield True
        finally:
            with self._lock:
                self._admitted -= 1


class LoginGuard:
    """The throttles of one process. `now_s` is seconds on the platform clock."""

    def __init__(
        self,
        *,
        hash_concurrency: int = BACKOFFICE_HASH_CONCURRENCY,
        hash_queue: int = BACKOFFICE_HASH_QUEUE,
    ) -> None:
        self.clients: TokenBuckets[str] = TokenBuckets(
            BACKOFFICE_LOGIN_CLIENT_BURST,
            BACKOFFICE_LOGIN_CLIENT_PER_HOUR / SECONDS_PER_HOUR,
            BACKOFFICE_THROTTLE_MAX_KEYS,
        )
        self.pairs: FailureLocks[tuple[str, str]] = FailureLocks(
            BACKOFFICE_MAX_FAILED_LOGINS, BACKOFFICE_LOCKOUT_SECONDS, BACKOFFICE_THROTTLE_MAX_KEYS
        )
        self.accounts: FailureLocks[str] = FailureLocks(
            BACKOFFICE_ACCOUNT_MAX_FAILED_LOGINS,
            BACKOFFICE_LOCKOUT_SECONDS,
            BACKOFFICE_THROTTLE_MAX_KEYS,
        )
        self.gate = HashGate(hash_concurrency, hash_queue)

    def admit(self, client: str, email: str, known_device: bool, now_s: float) -> Refusal | None:
        """None if this attempt may go on to the password; else why not. Every attempt
        spends one of the address's tokens, refused or not."""
        if not self.clients.take(client, now_s):
            return Refusal.CLIENT
        if self.pairs.locked_for((client, email), now_s) > 0:
            return Refusal.LOCKED
        if not known_device and self.accounts.locked_for(email, now_s) > 0:
            return Refusal.LOCKED
        return None

    def failed(self, client: str, email: str, now_s: float) -> None:
        self.pairs.failed((client, email), now_s)
        self.accounts.failed(email, now_s)

    def succeeded(self, client: str, email: str, now_s: float) -> None:
        """Clears this address's count for the e-mail; the account-wide count stays (a
        guesser's budget must not refill because the real user signed in meanwhile)."""
        self.pairs.clear((client, email), now_s)
