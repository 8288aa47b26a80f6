"""Back office sign-in under attack (hardening item 11): argon2 runs outside any database
transaction and a bounded number at a time; a flooding address is throttled; a stranger can
neither lock the real user out nor learn whether an e-mail exists."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import event

from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.limits import (
    BACKOFFICE_ACCOUNT_MAX_FAILED_LOGINS,
    BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS,
    BACKOFFICE_LOCKOUT_SECONDS,
    BACKOFFICE_LOGIN_CLIENT_BURST,
    BACKOFFICE_LOGIN_CLIENT_PER_HOUR,
    BACKOFFICE_MAX_FAILED_LOGINS,
)
from reelhouse.services import backoffice_users
from reelhouse.services.backoffice_users import LoginRefused, Role
from reelhouse.services.login_guard import LoginGuard
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.secrets import new_key_text
from tests.scripted_wallet import ScriptedWallet

PASSWORD = "correct horse battery staple"
USER = "ops@casino.example"
NOBODY = "nobody@casino.example"
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class SpyHasher:
    """The cheap argon2id hasher, recording each verification and whether a database
    transaction was open while it ran."""

    def __init__(self, open_transactions: list[int]) -> None:
        self.open_transactions = open_transactions
        self.verified: list[int] = []  # transactions open at each verification
        self.hold: threading.Event | None = None  # set: verifications wait for it
        self.inside = threading.Semaphore(0)

    def hash(self, password: str) -> str:
        return CHEAP.hash(password)

    def check_needs_rehash(self, hashed: str) -> bool:
        return CHEAP.check_needs_rehash(hashed)

    def verify(self, hashed: str, password: str) -> bool:
        self.verified.append(self.open_transactions[0])
        if self.hold is not None:
            self.inside.release()
            self.hold.wait(timeout=30)
        return CHEAP.verify(hashed, password)


@pytest.fixture
def platform(database_url: str) -> Iterator[Platform]:
    settings = Settings(
        database_url=database_url,
        secret_key=new_key_text(),
        public_base_url="http://127.0.0.1:1",
        allow_private_callbacks=True,
    )
    clock = FakeClock(dt.datetime(2026, 3, 1, 12, tzinfo=UTC))
    built = Platform(
        db=Database(database_url), settings=settings, wallet=ScriptedWallet(), clock=clock
    )
    yield built
    built.close()


@pytest.fixture
def spy(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> SpyHasher:
    """Counts the transactions open on the platform's engine while the hasher runs."""
    open_transactions = [0]

    def began(_conn: Any) -> None:
        open_transactions[0] += 1

    def ended(_conn: Any) -> None:
        open_transactions[0] -= 1

    engine = platform.db.engine
    event.listen(engine, "begin", began)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    monkeypatch.setattr(backoffice_users, "HASHER", CHEAP)
    backoffice_users.create_user(platform, USER, PASSWORD, Role.ADMIN)
    hasher = SpyHasher(open_transactions)
    monkeypatch.setattr(backoffice_users, "HASHER", hasher)
    return hasher


def advance(platform: Platform, seconds: float) -> None:
    assert isinstance(platform.clock, FakeClock)
    platform.clock.advance(seconds=seconds)


def attempt(platform: Platform, email: str, password: str, client: str, device: str = "") -> str:
    """'ok', or the refusal as 'message|locked|retry'."""
    try:
        backoffice_users.login(platform, email, password, client=client, device=device)
    except LoginRefused as exc:
        return f"{exc.message}|{exc.locked}|{exc.retry}"
    return "ok"


WRONG = f"{backoffice_users.WRONG_CREDENTIALS}|False|False"
LOCKED = f"{backoffice_users.LOCKED}|True|True"
THROTTLED = f"{backoffice_users.THROTTLED}|False|True"


def test_argon2_runs_with_no_transaction_open(platform: Platform, spy: SpyHasher) -> None:
    assert attempt(platform, USER, PASSWORD, "10.0.0.1") == "ok"
    assert attempt(platform, USER, "wrong password!", "10.0.0.1") == WRONG
    assert attempt(platform, NOBODY, PASSWORD, "10.0.0.1") == WRONG
    assert spy.verified == [0, 0, 0]


def test_one_address_is_throttled_across_emails(platform: Platform, spy: SpyHasher) -> None:
    for n in range(BACKOFFICE_LOGIN_CLIENT_BURST):  # a new e-mail each time: no lock helps
        assert attempt(platform, f"guess{n}@casino.example", PASSWORD, "10.6.6.6") == WRONG
    hashed = len(spy.verified)
    assert attempt(platform, USER, PASSWORD, "10.6.6.6") == THROTTLED  # even the right one
    assert len(spy.verified) == hashed  # refused before argon2
    assert attempt(platform, USER, PASSWORD, "10.0.0.7") == "ok"  # others are not throttled
    advance(platform, 3600 / BACKOFFICE_LOGIN_CLIENT_PER_HOUR)  # one token back
    assert attempt(platform, "guess@casino.example", PASSWORD, "10.6.6.6") == WRONG
    assert attempt(platform, "guess@casino.example", PASSWORD, "10.6.6.6") == THROTTLED


def test_a_flood_from_one_address_does_not_lock_out_the_user(
    platform: Platform, spy: SpyHasher
) -> None:
    for _ in range(BACKOFFICE_MAX_FAILED_LOGINS):
        assert attempt(platform, USER, "wrong password!", "10.6.6.6") == WRONG
    for _ in range(BACKOFFICE_LOGIN_CLIENT_BURST):
        assert attempt(platform, USER, PASSWORD, "10.6.6.6") in (LOCKED, THROTTLED)
    # The real user, from their own address and a browser that never signed in before.
    assert attempt(platform, USER, PASSWORD, "192.0.2.10") == "ok"
    advance(platform, BACKOFFICE_LOCKOUT_SECONDS + 60)
    assert attempt(platform, USER, PASSWORD, "10.6.6.6") == "ok"  # the pair lock ends


def test_a_distributed_flood_spares_browsers_that_signed_in_before(
    platform: Platform, spy: SpyHasher
) -> None:
    backoffice_users.login(platform, USER, PASSWORD, client="192.0.2.10")
    device = backoffice_users.device_token(platform, USER)
    advance(platform, 60)
    for n in range(BACKOFFICE_ACCOUNT_MAX_FAILED_LOGINS):  # one guess per address
        assert attempt(platform, USER, "wrong password!", f"10.9.0.{n}") == WRONG
    # The account is paused for browsers without a device cookie, wherever they are...
    assert attempt(platform, USER, PASSWORD, "10.9.1.1") == LOCKED
    assert attempt(platform, USER, PASSWORD, "192.0.2.10") == LOCKED
    # ...but the user's own browser signs in, and so does a cookie from another address.
    assert attempt(platform, USER, PASSWORD, "192.0.2.10", device) == "ok"
    assert attempt(platform, USER, PASSWORD, "198.51.100.5", device) == "ok"
    # A device cookie is for one account, unforgeable, and expires.
    # (The last character is changed to one it is not: a fixed "0" would match 1 time in 16.)
    forged = device[:-1] + ("1" if device.endswith("0") else "0")
    assert attempt(platform, USER, PASSWORD, "10.9.1.2", forged) == LOCKED
    other = backoffice_users.device_token(platform, NOBODY)
    assert attempt(platform, USER, PASSWORD, "10.9.1.3", other) == LOCKED
    advance(platform, BACKOFFICE_LOCKOUT_SECONDS)
    assert attempt(platform, USER, PASSWORD, "10.9.1.1") == "ok"  # the pause ends
    advance(platform, BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS)
    for n in range(BACKOFFICE_ACCOUNT_MAX_FAILED_LOGINS):
        attempt(platform, USER, "wrong password!", f"10.9.2.{n}")
    assert attempt(platform, USER, PASSWORD, "192.0.2.10", device) == LOCKED


def test_known_and_unknown_emails_get_the_same_answers(platform: Platform, spy: SpyHasher) -> None:
    """The same script of attempts on an existing and a made-up e-mail: every answer, and
    every argon2 verification, is the same (only the right password differs, by design)."""

    def script(email: str) -> tuple[list[str], int]:
        before = len(spy.verified)
        answers = [attempt(platform, email, "wrong password!", "10.1.1.1") for _ in range(7)]
        answers += [attempt(platform, email, "wrong password!", f"10.2.2.{n}") for n in range(9)]
        answers += [attempt(platform, email, "x" * 1000, "10.3.3.3")]
        return answers, len(spy.verified) - before

    known = script(USER)
    unknown = script(NOBODY)
    assert known == unknown
    assert LOCKED in known[0] and WRONG in known[0]


def test_argon2_runs_a_bounded_number_at_once(platform: Platform, spy: SpyHasher) -> None:
    """One verification inside and one waiting: the third caller is refused at once."""
    platform.login_guard = LoginGuard(hash_concurrency=1, hash_queue=1)
    spy.hold = threading.Event()
    answers: list[str] = []

    def sign_in(client: str) -> None:
        answers.append(attempt(platform, USER, PASSWORD, client))

    callers = [threading.Thread(target=sign_in, args=(c,)) for c in ("10.0.0.1", "10.0.0.2")]
    callers[0].start()
    assert spy.inside.acquire(timeout=30)  # the first is verifying
    callers[1].start()
    for _ in range(6000):  # the second is waiting for the slot (a minute at most: a hang)
        if platform.login_guard.gate._admitted == 2:
            break
        threading.Event().wait(0.01)
    assert platform.login_guard.gate._admitted == 2
    busy = attempt(platform, USER, PASSWORD, "10.0.0.3")
    assert busy == f"{backoffice_users.BUSY}|False|True"
    spy.hold.set()
    for caller in callers:
        caller.join(timeout=30)
    assert answers == ["ok", "ok"]
    assert attempt(platform, USER, PASSWORD, "10.0.0.3") == "ok"
