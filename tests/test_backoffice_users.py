"""Back office users at the service level: argon2 hashes, roles, lockout, sessions, CSRF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.limits import (
    BACKOFFICE_LOCKOUT_SECONDS,
    BACKOFFICE_MAX_FAILED_LOGINS,
    BACKOFFICE_SESSION_IDLE_SECONDS,
    BACKOFFICE_SESSION_MAX_SECONDS,
)
from reelhouse.services import backoffice_users, operators
from reelhouse.services.backoffice_users import LoginRefused, Role
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import BackofficeSession, BackofficeUser
from reelhouse.store.secrets import new_key_text
from tests.scripted_wallet import ScriptedWallet

PASSWORD = "correct horse battery staple"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def test_production_hashes_use_argon2id_defaults() -> None:
    """RFC 9106's second recommended profile (argon2-cffi's defaults): 64 MiB, 3 passes."""
    hasher = backoffice_users.HASHER
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    assert hasher.hash(PASSWORD).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


@pytest.fixture
def platform(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    # The same algorithm with cheap parameters: a test hashes dozens of passwords.
    monkeypatch.setattr(backoffice_users, "HASHER", CHEAP_HASHER)
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
    operators.create_operator(
        built,
        operators.NewOperator(
            name="casino_one", currency="USD", callback_url="http://127.0.0.1:9/cb"
        ),
    )
    yield built
    built.close()


def advance(platform: Platform, seconds: float) -> None:
    clock = platform.clock
    assert isinstance(clock, FakeClock)
    clock.advance(seconds=seconds)


def test_passwords_are_stored_as_argon2id_hashes(platform: Platform) -> None:
    backoffice_users.create_user(
        platform, " Ops@Example.COM ", PASSWORD, Role.OPERATOR, "casino_one"
    )
    with platform.db.transaction() as session:
        user = session.scalar(select(BackofficeUser))
        assert user is not None
        assert user.email == "ops@example.com"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
    assert backoffice_users.login(platform, "ops@example.com", PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "role", "operator"),
    [
        ("not-an-email", PASSWORD, Role.ADMIN, None),
        ("a@b.example", "short", Role.ADMIN, None),
        ("a@b.example", PASSWORD, Role.ADMIN, "casino_one"),  # an admin names no operator
        ("a@b.example", PASSWORD, Role.OPERATOR, None),  # an operator user must
        ("a@b.example", PASSWORD, Role.OPERATOR, "no_such_casino"),
    ],
)
def test_bad_users_are_refused_and_nothing_is_stored(
    platform: Platform, email: str, password: str, role: Role, operator: str | None
) -> None:
    with pytest.raises(ReelhouseError):
        backoffice_users.create_user(platform, email, password, role, operator)
    with platform.db.transaction() as session:
        assert session.scalars(select(BackofficeUser)).all() == []


def test_a_second_user_with_the_same_email_is_refused(platform: Platform) -> None:
    backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.ADMIN)
    with pytest.raises(ReelhouseError, match="exists"):
        backoffice_users.create_user(platform, "A@B.example", PASSWORD, Role.ADMIN)


def test_wrong_and_unknown_logins_say_the_same(platform: Platform) -> None:
    backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.ADMIN)
    with pytest.raises(LoginRefused) as wrong:
        backoffice_users.login(platform, "a@b.example", "not the password")
    with pytest.raises(LoginRefused) as unknown:
        backoffice_users.login(platform, "nobody@b.example", PASSWORD)
    assert wrong.value.message == unknown.value.message
    assert not wrong.value.locked and not unknown.value.locked


def test_repeated_failures_lock_the_account_then_it_unlocks(platform: Platform) -> None:
    backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.ADMIN)
    for _ in range(BACKOFFICE_MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            backoffice_users.login(platform, "a@b.example", "wrong password!")
    with pytest.raises(LoginRefused) as locked:
        backoffice_users.login(platform, "a@b.example", PASSWORD)
    assert locked.value.locked
    advance(platform, BACKOFFICE_LOCKOUT_SECONDS - 1)
    with pytest.raises(LoginRefused):
        backoffice_users.login(platform, "a@b.example", PASSWORD)
    advance(platform, 2)
    assert backoffice_users.login(platform, "a@b.example", PASSWORD)


def test_a_success_resets_the_failure_count(platform: Platform) -> None:
    backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.ADMIN)
    for _ in range(BACKOFFICE_MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused):
            backoffice_users.login(platform, "a@b.example", "wrong password!")
    backoffice_users.login(platform, "a@b.example", PASSWORD)
    for _ in range(BACKOFFICE_MAX_FAILED_LOGINS - 1):
        with pytest.raises(LoginRefused):
            backoffice_users.login(platform, "a@b.example", "wrong password!")
    assert backoffice_users.login(platform, "a@b.example", PASSWORD)


def test_sessions_end_when_idle_or_old_or_signed_out(platform: Platform) -> None:
    backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.OPERATOR, "casino_one")
    token = backoffice_users.login(platform, "a@b.example", PASSWORD)
    identity = backoffice_users.identify(platform, token)
    assert identity is not None and identity.role is Role.OPERATOR and not identity.is_admin
    with platform.db.transaction() as session:
        (row,) = session.scalars(select(BackofficeSession)).all()
        assert row.token_hash != token  # only the hash is kept
    advance(platform, BACKOFFICE_SESSION_IDLE_SECONDS + 1)
    assert backoffice_users.identify(platform, token) is None

    token = backoffice_users.login(platform, "a@b.example", PASSWORD)
    steps = BACKOFFICE_SESSION_MAX_SECONDS // (BACKOFFICE_SESSION_IDLE_SECONDS // 2)
    for _ in range(steps):  # kept busy, the session still ends at its maximum age
        assert backoffice_users.identify(platform, token) is not None
        advance(platform, BACKOFFICE_SESSION_IDLE_SECONDS // 2)
    assert backoffice_users.identify(platform, token) is not None  # exactly the maximum age
    advance(platform, 1)
    assert backoffice_users.identify(platform, token) is None

    token = backoffice_users.login(platform, "a@b.example", PASSWORD)
    backoffice_users.logout(platform, token)
    assert backoffice_users.identify(platform, token) is None
    assert backoffice_users.identify(platform, "") is None


def test_csrf_tokens_belong_to_one_session(platform: Platform) -> None:
    backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.ADMIN)
    first = backoffice_users.identify(
        platform, backoffice_users.login(platform, "a@b.example", PASSWORD)
    )
    second = backoffice_users.identify(
        platform, backoffice_users.login(platform, "a@b.example", PASSWORD)
    )
    assert first is not None and second is not None
    token = backoffice_users.csrf_token(platform, first)
    assert backoffice_users.csrf_ok(platform, first, token)
    assert not backoffice_users.csrf_ok(platform, second, token)
    assert not backoffice_users.csrf_ok(platform, first, "")
    assert not backoffice_users.csrf_ok(
        platform, first, token[:-1] + ("1" if token[-1] == "0" else "0")
    )


def test_an_operator_user_sees_only_their_operator(platform: Platform) -> None:
    operators.create_operator(
        platform,
        operators.NewOperator(
            name="casino_two", currency="EUR", callback_url="http://127.0.0.1:9/cb"
        ),
    )
    backoffice_users.create_user(platform, "ops@b.example", PASSWORD, Role.OPERATOR, "casino_two")
    backoffice_users.create_user(platform, "admin@b.example", PASSWORD, Role.ADMIN)
    ops = backoffice_users.identify(
        platform, backoffice_users.login(platform, "ops@b.example", PASSWORD)
    )
    admin = backoffice_users.identify(
        platform, backoffice_users.login(platform, "admin@b.example", PASSWORD)
    )
    assert ops is not None and admin is not None
    assert [name for _, name in backoffice_users.operator_names(platform, ops)] == ["casino_two"]
    assert [name for _, name in backoffice_users.operator_names(platform, admin)] == [
        "casino_one",
        "casino_two",
    ]
