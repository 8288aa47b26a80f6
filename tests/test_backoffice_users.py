"""Back office users at the service level: argon2 hashes, roles, lockout, sessions, CSRF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from reelhouse.domain import totp
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.limits import (
    BACKOFFICE_INVITE_LINK_SECONDS,
    BACKOFFICE_LOCKOUT_SECONDS,
    BACKOFFICE_MAX_FAILED_LOGINS,
    BACKOFFICE_RESET_LINK_SECONDS,
    BACKOFFICE_SECOND_FACTOR_SECONDS,
    BACKOFFICE_SESSION_IDLE_SECONDS,
    BACKOFFICE_SESSION_MAX_SECONDS,
)
from reelhouse.services import (
    audit,
    backoffice_accounts,
    backoffice_totp,
    backoffice_users,
    operators,
)
from reelhouse.services.backoffice_users import LoginRefused, Role, SecondFactorNeeded
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import BackofficeLink, BackofficeSession, BackofficeUser, Operator
from reelhouse.store.secrets import new_key_text, token_hash
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


# --- Users managed by an admin: invitations, links, disabling, roles, two-factor sign-in ---

WHO = audit.Accountable.checked("admin@b.example", "test")


def _code(platform: Platform, secret_text: str, steps_later: int = 0) -> str:
    now_s = platform.clock.now().timestamp() + steps_later * totp.STEP_SECONDS
    return totp.code_at(totp.secret_of(secret_text), now_s)


def _audited(platform: Platform) -> list[str]:
    return [row["action"] for row in reversed(backoffice_accounts.recent_changes(platform))]


def _operator_id(platform: Platform) -> int:
    with platform.db.transaction() as session:
        found = session.scalar(select(Operator.id))
        assert found is not None
        return int(found)


def test_an_invitation_link_sets_the_password_once_and_is_stored_hashed(
    platform: Platform,
) -> None:
    issued = backoffice_accounts.invite(
        platform, "New@B.example", Role.OPERATOR, _operator_id(platform), WHO
    )
    assert issued.url("https://rh.example/") == (
        f"https://rh.example/backoffice/password?token={issued.token}"
    )
    with platform.db.transaction() as session:
        (link,) = session.scalars(select(BackofficeLink)).all()
        assert link.token_hash == token_hash(issued.token) and link.purpose == "invite"
    # Invited, no password yet: no password signs in.
    with pytest.raises(LoginRefused) as refused:
        backoffice_users.login(platform, "new@b.example", "")
    assert refused.value.message == backoffice_users.WRONG_CREDENTIALS
    view = backoffice_accounts.link_view(platform, issued.token)
    assert view is not None and view.email == "new@b.example"
    with pytest.raises(ReelhouseError, match="12-256"):
        backoffice_accounts.set_password_by_link(platform, issued.token, "short")
    assert backoffice_accounts.set_password_by_link(platform, issued.token, PASSWORD) == (
        "new@b.example"
    )
    assert backoffice_users.login(platform, "new@b.example", PASSWORD)
    with pytest.raises(ReelhouseError, match="expired or was used"):
        backoffice_accounts.set_password_by_link(platform, issued.token, "another password!")
    assert backoffice_accounts.link_view(platform, issued.token) is None
    assert backoffice_accounts.link_view(platform, "x" * 10_000) is None
    (user,) = backoffice_accounts.list_users(platform)
    assert (user.state, user.role, user.operator, user.two_factor) == (
        "active",
        "operator",
        "casino_one",
        False,
    )
    assert _audited(platform) == ["backoffice_user.invite", "backoffice_user.set_password"]


def test_an_invitation_expires_and_a_duplicate_or_ownerless_one_is_refused(
    platform: Platform,
) -> None:
    issued = backoffice_accounts.invite(platform, "new@b.example", Role.ADMIN, None, WHO)
    advance(platform, BACKOFFICE_INVITE_LINK_SECONDS + 1)
    with pytest.raises(ReelhouseError, match="expired"):
        backoffice_accounts.set_password_by_link(platform, issued.token, PASSWORD)
    with pytest.raises(ReelhouseError, match="exists"):
        backoffice_accounts.invite(platform, "NEW@b.example", Role.ADMIN, None, WHO)
    with pytest.raises(ReelhouseError, match="needs an operator"):
        backoffice_accounts.invite(platform, "ops@b.example", Role.OPERATOR, None, WHO)
    assert [u.email for u in backoffice_accounts.list_users(platform)] == ["new@b.example"]


def test_disabling_ends_sessions_links_and_sign_in_until_enabled(platform: Platform) -> None:
    backoffice_users.create_user(platform, "admin@b.example", PASSWORD, Role.ADMIN)
    user_id = backoffice_users.create_user(
        platform, "ops@b.example", PASSWORD, Role.OPERATOR, "casino_one"
    )
    token = backoffice_users.login(platform, "ops@b.example", PASSWORD)
    backoffice_accounts.set_enabled(platform, user_id, False, WHO)
    assert backoffice_users.identify(platform, token) is None
    with pytest.raises(LoginRefused) as refused:
        backoffice_users.login(platform, "ops@b.example", PASSWORD)
    assert refused.value.message == backoffice_users.DISABLED
    with pytest.raises(ReelhouseError, match="enable the user first"):
        backoffice_accounts.reset_password(platform, user_id, WHO)
    backoffice_accounts.set_enabled(platform, user_id, True, WHO)
    assert backoffice_users.login(platform, "ops@b.example", PASSWORD)
    invited = backoffice_accounts.invite(platform, "new@b.example", Role.ADMIN, None, WHO)
    backoffice_accounts.set_enabled(platform, invited.user_id, False, WHO)
    assert backoffice_accounts.link_view(platform, invited.token) is None
    states = [u.state for u in backoffice_accounts.list_users(platform)]
    assert states == ["active", "disabled", "active"]


def test_a_password_reset_voids_the_password_sessions_and_older_links(
    platform: Platform,
) -> None:
    user_id = backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.ADMIN)
    token = backoffice_users.login(platform, "a@b.example", PASSWORD)
    first = backoffice_accounts.reset_password(platform, user_id, WHO)
    second = backoffice_accounts.reset_password(platform, user_id, WHO)
    assert backoffice_users.identify(platform, token) is None
    with pytest.raises(LoginRefused):
        backoffice_users.login(platform, "a@b.example", PASSWORD)
    assert backoffice_accounts.link_view(platform, first.token) is None
    view = backoffice_accounts.link_view(platform, second.token)
    assert view is not None and view.purpose is backoffice_accounts.LinkPurpose.RESET
    advance(platform, BACKOFFICE_RESET_LINK_SECONDS + 1)
    assert backoffice_accounts.link_view(platform, second.token) is None
    assert _audited(platform) == ["backoffice_user.reset_password"] * 2


def test_the_last_enabled_admin_is_neither_disabled_nor_demoted(platform: Platform) -> None:
    operator_id = _operator_id(platform)
    first = backoffice_users.create_user(platform, "a@b.example", PASSWORD, Role.ADMIN)
    second = backoffice_users.create_user(platform, "b@b.example", PASSWORD, Role.ADMIN)
    backoffice_accounts.change_role(platform, second, Role.OPERATOR, operator_id, WHO)
    for refused in (
        lambda: backoffice_accounts.set_enabled(platform, first, False, WHO),
        lambda: backoffice_accounts.change_role(platform, first, Role.OPERATOR, operator_id, WHO),
    ):
        with pytest.raises(ReelhouseError, match="last enabled admin"):
            refused()
    backoffice_accounts.change_role(platform, second, Role.ADMIN, None, WHO)
    backoffice_accounts.set_enabled(platform, first, False, WHO)  # another admin remains
    with pytest.raises(ReelhouseError, match="last enabled admin"):
        backoffice_accounts.set_enabled(platform, second, False, WHO)
    roles = {
        u.email: (u.role, u.operator, u.state) for u in backoffice_accounts.list_users(platform)
    }
    assert roles == {
        "a@b.example": ("admin", "", "disabled"),
        "b@b.example": ("admin", "", "active"),
    }
    assert _audited(platform) == [
        "backoffice_user.role",
        "backoffice_user.role",
        "backoffice_user.disable",
    ]


def test_a_role_change_applies_at_the_next_request(platform: Platform) -> None:
    backoffice_users.create_user(platform, "admin@b.example", PASSWORD, Role.ADMIN)
    user_id = backoffice_users.create_user(
        platform, "ops@b.example", PASSWORD, Role.OPERATOR, "casino_one"
    )
    token = backoffice_users.login(platform, "ops@b.example", PASSWORD)
    with pytest.raises(ReelhouseError, match="needs an operator"):
        backoffice_accounts.change_role(platform, user_id, Role.OPERATOR, 999_999, WHO)
    backoffice_accounts.change_role(platform, user_id, Role.ADMIN, None, WHO)
    identity = backoffice_users.identify(platform, token)
    assert identity is not None and identity.is_admin and identity.operator_id is None


def _enrolled(platform: Platform, email: str) -> tuple[int, str]:
    """A user with two-factor sign-in on; returns their id and the base32 secret."""
    user_id = backoffice_users.create_user(platform, email, PASSWORD, Role.ADMIN)
    enrolment = backoffice_totp.start(platform, user_id)
    assert backoffice_totp.pending(platform, user_id) == enrolment
    assert enrolment.uri.startswith("otpauth://totp/Reelhouse:")
    with pytest.raises(ReelhouseError, match="wrong code"):
        backoffice_totp.confirm(platform, user_id, "000000", WHO)
    backoffice_totp.confirm(platform, user_id, _code(platform, enrolment.secret), WHO)
    with platform.db.transaction() as session:
        user = session.get(BackofficeUser, user_id)
        assert user is not None and user.totp_secret_sealed is not None
        assert enrolment.secret not in user.totp_secret_sealed  # sealed, not in clear
    advance(platform, totp.STEP_SECONDS)  # the confirming code is spent
    return user_id, enrolment.secret


def test_with_two_factor_on_the_password_alone_opens_no_session(platform: Platform) -> None:
    user_id, secret = _enrolled(platform, "a@b.example")
    assert backoffice_totp.enabled(platform, user_id)
    with pytest.raises(SecondFactorNeeded) as needed:
        backoffice_users.login(platform, "a@b.example", PASSWORD)
    ticket = needed.value.ticket
    with platform.db.transaction() as session:
        assert session.scalars(select(BackofficeSession)).all() == []
    right = _code(platform, secret)
    with pytest.raises(LoginRefused) as wrong:
        backoffice_users.login_with_code(platform, ticket, f"{(int(right) + 1) % 10**6:06d}")
    assert wrong.value.message == backoffice_users.WRONG_CODE
    code = right
    token = backoffice_users.login_with_code(platform, ticket, code)
    assert backoffice_users.identify(platform, token) is not None
    # The same code never again, not even with a new ticket.
    with pytest.raises(SecondFactorNeeded) as needed:
        backoffice_users.login(platform, "a@b.example", PASSWORD)
    with pytest.raises(LoginRefused, match="already used"):
        backoffice_users.login_with_code(platform, needed.value.ticket, code)
    # The next step's code works; a ticket outlives neither its time nor a forged MAC.
    assert backoffice_users.login_with_code(
        platform, needed.value.ticket, _code(platform, secret, 1)
    )
    forged = ticket[:-1] + ("1" if ticket[-1] == "0" else "0")
    for bad in (forged, "", "1.2", "x" * 10_000):
        with pytest.raises(LoginRefused, match="took too long"):
            backoffice_users.login_with_code(platform, bad, _code(platform, secret))
    advance(platform, BACKOFFICE_SECOND_FACTOR_SECONDS + 1)
    with pytest.raises(LoginRefused, match="took too long"):
        backoffice_users.login_with_code(platform, needed.value.ticket, _code(platform, secret))


def test_a_ticket_dies_with_the_password_it_was_issued_for(platform: Platform) -> None:
    user_id, secret = _enrolled(platform, "a@b.example")
    with pytest.raises(SecondFactorNeeded) as needed:
        backoffice_users.login(platform, "a@b.example", PASSWORD)
    issued = backoffice_accounts.reset_password(platform, user_id, WHO)
    backoffice_accounts.set_password_by_link(platform, issued.token, "a brand new password")
    with pytest.raises(LoginRefused, match="took too long"):
        backoffice_users.login_with_code(platform, needed.value.ticket, _code(platform, secret))


def test_wrong_codes_lock_like_wrong_passwords(platform: Platform) -> None:
    _, secret = _enrolled(platform, "a@b.example")
    with pytest.raises(SecondFactorNeeded) as needed:
        backoffice_users.login(platform, "a@b.example", PASSWORD)
    right = _code(platform, secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(BACKOFFICE_MAX_FAILED_LOGINS):
        with pytest.raises(LoginRefused):
            backoffice_users.login_with_code(platform, needed.value.ticket, wrong)
    with pytest.raises(LoginRefused) as locked:
        backoffice_users.login_with_code(platform, needed.value.ticket, right)
    assert locked.value.locked


def test_two_factor_is_turned_off_with_a_code_or_reset_by_an_admin(platform: Platform) -> None:
    user_id, secret = _enrolled(platform, "a@b.example")
    with pytest.raises(ReelhouseError, match="on already"):
        backoffice_totp.start(platform, user_id)
    with pytest.raises(ReelhouseError, match="wrong or already used"):
        backoffice_totp.turn_off(platform, user_id, "000000", WHO)
    backoffice_totp.turn_off(platform, user_id, _code(platform, secret), WHO)
    assert backoffice_users.login(platform, "a@b.example", PASSWORD)
    enrolment = backoffice_totp.start(platform, user_id)
    backoffice_totp.confirm(platform, user_id, _code(platform, enrolment.secret), WHO)
    backoffice_totp.reset(platform, user_id, WHO)
    assert not backoffice_totp.enabled(platform, user_id)
    assert backoffice_users.login(platform, "a@b.example", PASSWORD)
    assert _audited(platform) == [
        "backoffice_user.totp_on",
        "backoffice_user.totp_off",
        "backoffice_user.totp_on",
        "backoffice_user.reset_2fa",
    ]
