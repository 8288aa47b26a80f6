"""Back office users: argon2id password hashes, two roles, sessions, lockout, CSRF tokens.

- A password is stored only as its argon2id hash (argon2-cffi's defaults, RFC 9106's second
  recommended profile). A login for an unknown e-mail still verifies against a dummy hash, so
  the answer takes as long as for a known one and says the same thing.
- Sign-in is throttled per client address, per (address, e-mail) and per e-mail before any
  password is hashed (services/login_guard.py, docs/security.md); while a lock holds even the
  right password is refused (so a guesser learns nothing from it). The per-e-mail pause spares
  browsers holding a device cookie from an earlier sign-in, so a stranger cannot lock the
  real user out. argon2 never runs inside a database transaction.
- A session is a 256-bit random token in a cookie; only its sha256 is stored. It ends after
  BACKOFFICE_SESSION_IDLE_SECONDS without a request or BACKOFFICE_SESSION_MAX_SECONDS after
  login, whichever comes first, and at logout.
- Every form carries a CSRF token: an HMAC of the session's token hash under the deployment's
  secret key, so it needs no storage, differs per session and cannot be made without the key.
- A disabled user cannot sign in, and a page they still hold open finds no session. A user
  with a second factor (services/backoffice_totp.py) gets no session for the password alone:
  `login` raises SecondFactorNeeded with a ticket (an HMAC of the user, the time and their
  password hash under the deployment key: nothing stored, void once the password changes),
  and `login_with_code` opens the session for the ticket and a fresh code. Wrong codes count
  in the same throttles as wrong passwords.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import (
    AUDIT_ACTOR_MAX_CHARS,
    BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS,
    BACKOFFICE_EMAIL_MAX_CHARS,
    BACKOFFICE_PASSWORD_MAX_CHARS,
    BACKOFFICE_PASSWORD_MIN_CHARS,
    BACKOFFICE_SECOND_FACTOR_SECONDS,
    BACKOFFICE_SESSION_IDLE_SECONDS,
    BACKOFFICE_SESSION_MAX_SECONDS,
)
from reelhouse.domain.numbers import id_of
from reelhouse.services import backoffice_totp
from reelhouse.services.backoffice_roles import Role as Role  # noqa: PLC0414 - re-exported
from reelhouse.services.login_guard import Refusal
from reelhouse.services.operators import find_by_name
from reelhouse.services.platform import Platform
from reelhouse.store.models import BackofficeSession, BackofficeUser, Operator
from reelhouse.store.secrets import token_hash

HASHER = PasswordHasher()
# Verified when the e-mail is unknown, so both answers cost one argon2 verification. Made by
# the hasher in use (so with its parameters, and again if it is replaced, as tests do), at
# the first sign-in: not at import, which every command line start would pay for.
_dummy: tuple[PasswordHasher, str] | None = None
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# A sign-in ticket: two ids of at most 19 digits and a 64-digit MAC, with two dots.
TICKET_MAX_CHARS = 19 + 1 + 19 + 1 + 64


@dataclass(frozen=True)
class Identity:
    """Who is signed in, as every back office page sees them."""

    user_id: int
    email: str
    role: Role
    operator_id: int | None  # None for an admin
    session_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


WRONG_CREDENTIALS = "wrong e-mail or password"
LOCKED = "too many failed attempts: sign-in is locked for a while; try again later"
THROTTLED = "too many sign-in attempts from your address; try again in a minute"
BUSY = "too many sign-ins at once; try again in a moment"
DISABLED = "this account is disabled; ask an admin"
WRONG_CODE = "wrong or already used code"
TICKET_EXPIRED = "this sign-in took too long; enter your password again"
_REFUSALS = {Refusal.LOCKED: LOCKED, Refusal.CLIENT: THROTTLED, Refusal.BUSY: BUSY}


class LoginRefused(ReelhouseError):
    """Wrong e-mail or password, or a throttle: the page says which it may say. `retry`
    refusals (a throttle, a lock, a full gate) say nothing about the password."""

    def __init__(self, message: str, *, locked: bool = False, retry: bool = False) -> None:
        super().__init__(ApiCode.TOKEN_INVALID, message)
        self.locked = locked
        self.retry = retry or locked

    @classmethod
    def because(cls, refusal: Refusal) -> LoginRefused:
        return cls(_REFUSALS[refusal], locked=refusal is Refusal.LOCKED, retry=True)


class SecondFactorNeeded(Exception):
    """The password was right and the user has a second factor: no session yet. `ticket`
    goes back with the code (login_with_code)."""

    def __init__(self, ticket: str) -> None:
        super().__init__("a second factor is needed")
        self.ticket = ticket


def actor_name(email: str) -> str:
    """A user as the audit log names them: the e-mail, cut to the audit column."""
    return (
        email if len(email) <= AUDIT_ACTOR_MAX_CHARS else email[: AUDIT_ACTOR_MAX_CHARS - 3] + "..."
    )


def _invalid(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def normalise_email(email: str) -> str:
    text = email.strip().lower()
    if not (len(text) <= BACKOFFICE_EMAIL_MAX_CHARS and EMAIL.fullmatch(text)):
        raise _invalid("not an e-mail address")
    return text


def check_password(password: str) -> str:
    if not BACKOFFICE_PASSWORD_MIN_CHARS <= len(password) <= BACKOFFICE_PASSWORD_MAX_CHARS:
        raise _invalid(
            f"a password has {BACKOFFICE_PASSWORD_MIN_CHARS}-{BACKOFFICE_PASSWORD_MAX_CHARS}"
            " characters"
        )
    return password


def create_user(
    platform: Platform, email: str, password: str, role: Role, operator: str | None = None
) -> int:
    """A new user. An operator user names their operator; an admin names none."""
    address = normalise_email(email)
    hashed = HASHER.hash(check_password(password))
    if (role is Role.OPERATOR) != (operator is not None):
        raise _invalid("an operator user needs --operator; an admin takes none")
    with platform.db.transaction() as session:
        operator_id = find_by_name(session, operator).id if operator is not None else None
        if session.scalar(select(BackofficeUser.id).where(BackofficeUser.email == address)):
            raise _invalid(f"a user {address} exists")
        user = BackofficeUser(
            id=new_id(),
            email=address,
            password_hash=hashed,
            role=role.value,
            operator_id=operator_id,
            failed_logins=0,
            created_at_utc=to_naive_utc(platform.clock.now()),
        )
        session.add(user)
        return user.id


def login(
    platform: Platform, email: str, password: str, *, client: str = "", device: str = ""
) -> str:
    """A new session token for the right password; LoginRefused otherwise.

    `client` is the caller's address, `device` the device cookie the browser sent (if any):
    both feed the throttles of `platform.login_guard` (services/login_guard.py). The
    password is verified outside any database transaction: the user row is read in one
    short transaction, argon2 runs with none open (it takes up to a second and 64 MiB, and
    on SQLite every transaction holds the write lock), and a success is written in another
    short one. Failures are counted in memory only (the user row's `failed_logins` and
    `locked_until_utc` are no longer used), so an unknown e-mail is counted like a known one."""
    now = platform.clock.now()
    now_s = now.timestamp()
    try:
        address = normalise_email(email)
    except ReelhouseError:
        address = ""
    guard = platform.login_guard
    refusal = guard.admit(client, address, device_ok(platform, address, device, now), now_s)
    if refusal is not None:
        raise LoginRefused.because(refusal)
    if len(password) > BACKOFFICE_PASSWORD_MAX_CHARS:
        guard.failed(client, address, now_s)
        raise LoginRefused(WRONG_CREDENTIALS)
    with platform.db.transaction(read_only=True) as session:
        user = session.scalar(select(BackofficeUser).where(BackofficeUser.email == address))
        user_id, stored_hash = (user.id, user.password_hash) if user else (None, "")
    # Unknown e-mails cost one verification too (against the dummy hash), so the answer
    # takes as long and says the same as for a known e-mail with a wrong password.
    with guard.gate.slot() as admitted:
        if not admitted:
            raise LoginRefused.because(Refusal.BUSY)
        # An invited user without a password yet (an empty hash) costs the same verification.
        verified = _verify(stored_hash or _dummy_hash(), password)
        right = verified and bool(stored_hash) and user_id is not None
        stale = right and HASHER.check_needs_rehash(stored_hash)
        rehashed = HASHER.hash(password) if stale else None
    if not right or user_id is None:
        guard.failed(client, address, now_s)
        raise LoginRefused(WRONG_CREDENTIALS)
    with platform.db.transaction() as session:
        user = session.get(BackofficeUser, user_id)
        if user is None or user.password_hash != stored_hash:
            # Deleted, or its password changed while we hashed: this password is stale.
            raise LoginRefused(WRONG_CREDENTIALS)
        if user.disabled_at_utc is not None:
            # Said only to whoever knows the password: the real user learns why.
            raise LoginRefused(DISABLED)
        if rehashed is not None:
            user.password_hash = rehashed
        if user.totp_enabled_at_utc is not None:
            ticket = _ticket(platform, user.id, user.password_hash, now)
        else:
            guard.succeeded(client, address, now_s)
            return _open_session(session, user, now)
    # Raised once the rehash (if any) is committed: the ticket's MAC covers the new hash. The
    # address's failure count is cleared only by the code, so a guesser who has the
    # password cannot refill their allowance of codes with it.
    raise SecondFactorNeeded(ticket)


def login_with_code(
    platform: Platform, ticket: str, code: str, *, client: str = "", device: str = ""
) -> str:
    """The sign-in's second step: a session token for a live ticket and a code not used
    before; LoginRefused otherwise. Throttled like a password: a wrong code is a failure
    for the address and the account, and a lock refuses even the right code."""
    now = platform.clock.now()
    now_s = now.timestamp()
    user_id = _ticket_user(ticket, now)
    if user_id is None:
        raise LoginRefused(TICKET_EXPIRED)
    with platform.db.transaction(read_only=True) as session:
        user = session.get(BackofficeUser, user_id)
        address = user.email if user is not None else ""
    guard = platform.login_guard
    refusal = guard.admit(client, address, device_ok(platform, address, device, now), now_s)
    if refusal is not None:
        raise LoginRefused.because(refusal)
    with platform.db.transaction() as session:
        user = session.scalar(
            select(BackofficeUser).where(BackofficeUser.id == user_id).with_for_update()
        )
        if user is None or not _ticket_ok(platform, ticket, user.password_hash):
            raise LoginRefused(TICKET_EXPIRED)
        if user.disabled_at_utc is not None:
            raise LoginRefused(DISABLED)
        if not backoffice_totp.accept_code(platform, user, code, now):
            guard.failed(client, address, now_s)
            raise LoginRefused(WRONG_CODE)
        guard.succeeded(client, address, now_s)
        return _open_session(session, user, now)


def _open_session(session: Session, user: BackofficeUser, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    user.last_login_at_utc = to_naive_utc(now)
    session.add(
        BackofficeSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at_utc=to_naive_utc(now),
            last_seen_at_utc=to_naive_utc(now),
        )
    )
    return token


def _ticket_mac(platform: Platform, user_id: int, issued_s: int, password_hash: str) -> str:
    key = hashlib.sha256(b"backoffice-2fa:" + platform.settings.secret_key.encode()).digest()
    message = f"{user_id}\n{issued_s}\n{password_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _ticket(platform: Platform, user_id: int, password_hash: str, now: dt.datetime) -> str:
    issued_s = int(now.timestamp())
    return f"{user_id}.{issued_s}.{_ticket_mac(platform, user_id, issued_s, password_hash)}"


def _ticket_user(ticket: str, now: dt.datetime) -> int | None:
    """The user a ticket names if it is well formed and young enough (its MAC is checked
    against the user's row, _ticket_ok)."""
    if len(ticket) > TICKET_MAX_CHARS:
        return None
    parts = ticket.split(".")
    if len(parts) != 3:
        return None
    user_id, issued = id_of(parts[0]), id_of(parts[1])
    if user_id is None or issued is None:
        return None
    age_s = now.timestamp() - issued
    return user_id if 0 <= age_s <= BACKOFFICE_SECOND_FACTOR_SECONDS else None


def _ticket_ok(platform: Platform, ticket: str, password_hash: str) -> bool:
    user_id, issued, mac = ticket.split(".")
    expected = _ticket_mac(platform, int(user_id), int(issued), password_hash)
    return hmac.compare_digest(expected.encode(), mac.encode("utf-8"))


def _dummy_hash() -> str:
    global _dummy  # noqa: PLW0603 - a cache of one hash, remade only if HASHER changes
    if _dummy is None or _dummy[0] is not HASHER:
        _dummy = (HASHER, HASHER.hash(secrets.token_urlsafe(24)))
    return _dummy[1]


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _device_key(platform: Platform) -> bytes:
    return hashlib.sha256(b"backoffice-device:" + platform.settings.secret_key.encode()).digest()


def _device_mac(platform: Platform, address: str, issued_s: int) -> str:
    message = f"{address}\n{issued_s}".encode()
    return hmac.new(_device_key(platform), message, hashlib.sha256).hexdigest()


def device_token(platform: Platform, email: str) -> str:
    """The device cookie a successful sign-in leaves: this browser signed in to this account
    (an HMAC under the deployment key; nothing stored). It exempts the browser from the
    account-wide pause, not from any other throttle, and never replaces the password."""
    issued_s = int(platform.clock.now().timestamp())
    return f"{issued_s}.{_device_mac(platform, normalise_email(email), issued_s)}"


def device_ok(platform: Platform, address: str, token: str, now: dt.datetime) -> bool:
    issued, _, mac = token.partition(".")
    if not (address and issued.isdigit() and len(issued) <= 12 and mac):
        return False
    age_s = now.timestamp() - int(issued)
    if not 0 <= age_s <= BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS:
        return False
    return hmac.compare_digest(_device_mac(platform, address, int(issued)).encode(), mac.encode())


def identify(platform: Platform, token: str) -> Identity | None:
    """The user behind a session cookie, if the session is still open; touches it."""
    if not token:
        return None
    now = platform.clock.now()
    hashed = token_hash(token)
    with platform.db.transaction() as session:
        row = session.get(BackofficeSession, hashed)
        if row is None:
            return None
        idle = now - from_naive_utc(row.last_seen_at_utc)
        age = now - from_naive_utc(row.created_at_utc)
        if idle > dt.timedelta(seconds=BACKOFFICE_SESSION_IDLE_SECONDS) or age > dt.timedelta(
            seconds=BACKOFFICE_SESSION_MAX_SECONDS
        ):
            session.delete(row)
            return None
        user = session.get(BackofficeUser, row.user_id)
        assert user is not None
        if user.disabled_at_utc is not None:
            # Disabling ends the sessions; this covers a request racing that commit.
            return None
        row.last_seen_at_utc = to_naive_utc(now)
        return Identity(user.id, user.email, Role(user.role), user.operator_id, hashed)


def logout(platform: Platform, token: str) -> None:
    with platform.db.transaction() as session:
        session.execute(
            delete(BackofficeSession).where(BackofficeSession.token_hash == token_hash(token))
        )


def csrf_token(platform: Platform, identity: Identity) -> str:
    key = hashlib.sha256(b"backoffice-csrf:" + platform.settings.secret_key.encode()).digest()
    return hmac.new(key, identity.session_hash.encode(), hashlib.sha256).hexdigest()


def csrf_ok(platform: Platform, identity: Identity, presented: str) -> bool:
    return hmac.compare_digest(csrf_token(platform, identity).encode(), presented.encode())


def operator_names(platform: Platform, identity: Identity) -> list[tuple[int, str]]:
    """The operators this user may look at, by id and name."""
    query = select(Operator.id, Operator.name).order_by(Operator.name)
    if not identity.is_admin:
        query = query.where(Operator.id == identity.operator_id)
    with platform.db.transaction() as session:
        return [(int(row.id), str(row.name)) for row in session.execute(query)]


def visible_operator(
    platform: Platform, identity: Identity, operator_id: int
) -> tuple[str, str] | None:
    """The operator's name and currency if this user may see it; None otherwise (also for an
    id that does not exist: the caller answers both the same way)."""
    if not identity.is_admin and identity.operator_id != operator_id:
        return None
    with platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        return None if operator is None else (operator.name, operator.currency)
