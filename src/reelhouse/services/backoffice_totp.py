"""A back office user's second factor: TOTP (domain/totp.py), enrolled from their own page.

- Enrolment makes a secret, stores it sealed with the deployment key (store/secrets.py: a
  code is checked against the secret itself, so it must be recoverable) and shows it once as
  text and as an otpauth:// URI; it takes effect only when a code from it is confirmed.
- Every accepted code records its time step on the user's row, in the same transaction: a
  code (and any earlier one) is never accepted again, at sign-in or anywhere else.
- A user turns it off with a current code; an admin (Users page) or `reelhouse backoffice
  reset-2fa` removes it for a user who lost their device. Each change is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.domain import totp
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.services import audit
from reelhouse.services.platform import Platform
from reelhouse.store.models import BackofficeUser

ISSUER = "Reelhouse"
TARGET_TYPE = "backoffice_user"


@dataclass(frozen=True)
class Enrolment:
    """What the user types or scans into their authenticator app."""

    secret: str  # base32
    uri: str  # otpauth://


def _refused(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def _locked_user(session: Session, user_id: int) -> BackofficeUser:
    user = session.scalar(
        select(BackofficeUser).where(BackofficeUser.id == user_id).with_for_update()
    )
    if user is None:
        raise _refused("no such user")
    return user


def enabled(platform: Platform, user_id: int) -> bool:
    with platform.db.transaction(read_only=True) as session:
        user = session.get(BackofficeUser, user_id)
        return user is not None and user.totp_enabled_at_utc is not None


def start(platform: Platform, user_id: int) -> Enrolment:
    """A new secret awaiting its first code (replacing one that still awaits it)."""
    secret = totp.new_secret()
    with platform.db.transaction() as session:
        user = _locked_user(session, user_id)
        if user.totp_enabled_at_utc is not None:
            raise _refused("two-factor sign-in is on already; turn it off first")
        user.totp_secret_sealed = platform.sealer.seal(totp.secret_text(secret))
        user.totp_last_step = None
        return Enrolment(
            totp.secret_text(secret), totp.provisioning_uri(secret, ISSUER, user.email)
        )


def pending(platform: Platform, user_id: int) -> Enrolment | None:
    """The enrolment awaiting its first code, shown again when the page reloads."""
    with platform.db.transaction(read_only=True) as session:
        user = session.get(BackofficeUser, user_id)
        if user is None or user.totp_secret_sealed is None or user.totp_enabled_at_utc:
            return None
        secret = totp.secret_of(platform.sealer.open(user.totp_secret_sealed))
        return Enrolment(
            totp.secret_text(secret), totp.provisioning_uri(secret, ISSUER, user.email)
        )


def accept_code(platform: Platform, user: BackofficeUser, code: str, now: dt.datetime) -> bool:
    """Inside the caller's transaction, with the user's row locked: is `code` a fresh code
    of the user's secret? If so its step is recorded, so it is never accepted again."""
    if user.totp_secret_sealed is None:
        return False
    secret = totp.secret_of(platform.sealer.open(user.totp_secret_sealed))
    step = totp.matching_step(secret, code, now.timestamp(), user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def _change(user: BackofficeUser, action: str, before: str, after: str) -> audit.Change:
    return audit.Change(action, TARGET_TYPE, user.id, before, after, {"email": user.email})


def confirm(platform: Platform, user_id: int, code: str, who: audit.Accountable) -> None:
    """Turns two-factor sign-in on with the first code from the pending secret."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        user = _locked_user(session, user_id)
        if user.totp_enabled_at_utc is not None:
            raise _refused("two-factor sign-in is on already")
        if user.totp_secret_sealed is None:
            raise _refused("start the set-up first")
        if not accept_code(platform, user, code, now):
            raise _refused("wrong code: check the phone's clock and type the newest code")
        user.totp_enabled_at_utc = to_naive_utc(now)
        audit.record(session, who, _change(user, "backoffice_user.totp_on", "off", "on"), now)


def turn_off(platform: Platform, user_id: int, code: str, who: audit.Accountable) -> None:
    """The user's own switch: a current code proves the device is theirs still."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        user = _locked_user(session, user_id)
        if user.totp_enabled_at_utc is None:
            raise _refused("two-factor sign-in is off already")
        if not accept_code(platform, user, code, now):
            raise _refused("wrong or already used code")
        _clear(user)
        audit.record(session, who, _change(user, "backoffice_user.totp_off", "on", "off"), now)


def reset(platform: Platform, user_id: int, who: audit.Accountable) -> None:
    """An admin's removal of a user's second factor (a lost phone): they sign in with the
    password alone until they enrol again."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        user = _locked_user(session, user_id)
        before = "on" if user.totp_enabled_at_utc is not None else "off"
        _clear(user)
        audit.record(session, who, _change(user, "backoffice_user.reset_2fa", before, "off"), now)


def _clear(user: BackofficeUser) -> None:
    user.totp_secret_sealed = None
    user.totp_enabled_at_utc = None
    user.totp_last_step = None
