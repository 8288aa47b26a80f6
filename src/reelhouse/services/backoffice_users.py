"""Back office users: argon2id password hashes, two roles, sessions, lockout, CSRF tokens.

- A password is stored only as its argon2id hash (argon2-cffi's defaults, RFC 9106's second
  recommended profile). A login for an unknown e-mail still verifies against a dummy hash, so
  the answer takes as long as for a known one and says the same thing.
- BACKOFFICE_MAX_FAILED_LOGINS wrong passwords in a row lock the account for
  BACKOFFICE_LOCKOUT_SECONDS; while locked, even the right password is refused (so a guesser
  learns nothing from the lock). A successful login resets the count.
- A session is a 256-bit random token in a cookie; only its sha256 is stored. It ends after
  BACKOFFICE_SESSION_IDLE_SECONDS without a request or BACKOFFICE_SESSION_MAX_SECONDS after
  login, whichever comes first, and at logout.
- Every form carries a CSRF token: an HMAC of the session's token hash under the deployment's
  secret key, so it needs no storage, differs per session and cannot be made without the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import (
    BACKOFFICE_EMAIL_MAX_CHARS,
    BACKOFFICE_LOCKOUT_SECONDS,
    BACKOFFICE_MAX_FAILED_LOGINS,
    BACKOFFICE_PASSWORD_MAX_CHARS,
    BACKOFFICE_PASSWORD_MIN_CHARS,
    BACKOFFICE_SESSION_IDLE_SECONDS,
    BACKOFFICE_SESSION_MAX_SECONDS,
)
from reelhouse.services.operators import find_by_name
from reelhouse.services.platform import Platform
from reelhouse.store.models import BackofficeSession, BackofficeUser, Operator
from reelhouse.store.secrets import token_hash

HASHER = PasswordHasher()
# Verified when the e-mail is unknown, so both answers cost one argon2 verification.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(24))
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Role(StrEnum):
    ADMIN = "admin"  # the platform's staff: every operator
    OPERATOR = "operator"  # an operator's staff: their own operator only


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


class LoginRefused(ReelhouseError):
    """Wrong e-mail or password, or a locked account: the page says which it may say."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(ApiCode.TOKEN_INVALID, message)
        self.locked = locked


WRONG_CREDENTIALS = "wrong e-mail or password"
LOCKED = "too many failed attempts: this account is locked for a while"


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


def login(platform: Platform, email: str, password: str) -> str:
    """A new session token for the right password; LoginRefused otherwise."""
    now = platform.clock.now()
    try:
        address = normalise_email(email)
    except ReelhouseError:
        address = ""
    if len(password) > BACKOFFICE_PASSWORD_MAX_CHARS:
        raise LoginRefused(WRONG_CREDENTIALS)
    with platform.db.transaction() as session:
        user = session.scalar(
            select(BackofficeUser).where(BackofficeUser.email == address).with_for_update()
        )
        if user is None:
            _verify(_DUMMY_HASH, password)
            raise LoginRefused(WRONG_CREDENTIALS)
        locked_until = user.locked_until_utc
        if locked_until is not None and from_naive_utc(locked_until) > now:
            raise LoginRefused(LOCKED, locked=True)
        if not _verify(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= BACKOFFICE_MAX_FAILED_LOGINS:
                lock = now + dt.timedelta(seconds=BACKOFFICE_LOCKOUT_SECONDS)
                user.locked_until_utc = to_naive_utc(lock)
                user.failed_logins = 0
        else:
            user.failed_logins = 0
            user.locked_until_utc = None
            user.last_login_at_utc = to_naive_utc(now)
            if HASHER.check_needs_rehash(user.password_hash):
                user.password_hash = HASHER.hash(password)
            token = secrets.token_urlsafe(32)
            session.add(
                BackofficeSession(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    created_at_utc=to_naive_utc(now),
                    last_seen_at_utc=to_naive_utc(now),
                )
            )
            return token
    # Outside the transaction: the failed attempt (and any lock) is committed first.
    raise LoginRefused(WRONG_CREDENTIALS)


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


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
