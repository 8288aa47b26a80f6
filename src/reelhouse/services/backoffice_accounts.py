"""What an admin does to back office users (the Users page, docs/backoffice.md): list them,
invite one, disable or enable, change role and operator, reset a password. Every change is
audited in its own commit.

- An invitation creates the user without a password and a one-time link to set it; a
  password reset voids the password, ends the user's sessions and issues such a link too.
  A link is a 256-bit random token of which only the sha256 is stored; it works once, until
  its expiry, for an enabled user, and a newer link for the same user voids older ones.
  The admin sees the link once, on the page the action answers, and passes it on.
- No change leaves the platform without an enabled admin: the last one can be neither
  disabled nor demoted (the admin rows are locked while this is checked).
- Disabling ends the user's sessions and voids their links; enabling restores neither.
- Setting a password through a link hashes it outside any transaction, through the sign-in
  hashing gate (services/login_guard.py), and only for a link that exists.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import (
    BACKOFFICE_INVITE_LINK_SECONDS,
    BACKOFFICE_LINK_TOKEN_MAX_CHARS,
    BACKOFFICE_RESET_LINK_SECONDS,
    STUCK_LIST_MAX_ROWS,
)
from reelhouse.services import audit, backoffice_users
from reelhouse.services.backoffice_totp import TARGET_TYPE
from reelhouse.services.backoffice_users import Role
from reelhouse.services.platform import Platform
from reelhouse.store.models import (
    AuditEntry,
    BackofficeLink,
    BackofficeSession,
    BackofficeUser,
    Operator,
)
from reelhouse.store.secrets import token_hash

# Where a link is opened, under the deployment's public URL; the token rides in a query
# parameter the log redaction recognises by its name (api/logging_setup.py).
LINK_PATH = "/backoffice/password?token="


class LinkPurpose(StrEnum):
    INVITE = "invite"
    RESET = "reset"


LINK_SECONDS = {
    LinkPurpose.INVITE: BACKOFFICE_INVITE_LINK_SECONDS,
    LinkPurpose.RESET: BACKOFFICE_RESET_LINK_SECONDS,
}


@dataclass(frozen=True)
class UserView:
    id: int
    email: str
    role: str
    operator: str  # "" for an admin
    operator_id: int | None
    state: str  # "active", "invited" (no password yet), "disabled"
    two_factor: bool
    last_login: str  # ISO UTC, "" if never


@dataclass(frozen=True)
class Issued:
    """A link just made: shown once."""

    user_id: int
    email: str
    token: str
    expires: str  # ISO UTC

    def url(self, public_base_url: str) -> str:
        return public_base_url.rstrip("/") + LINK_PATH + self.token


@dataclass(frozen=True)
class LinkView:
    email: str
    purpose: LinkPurpose


def _refused(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def _iso(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return from_naive_utc(moment).isoformat(timespec="seconds").replace("+00:00", "Z")


def _state(user: BackofficeUser) -> str:
    if user.disabled_at_utc is not None:
        return "disabled"
    return "active" if user.password_hash else "invited"


def list_users(platform: Platform) -> list[UserView]:
    query = (
        select(BackofficeUser, Operator.name)
        .outerjoin(Operator, Operator.id == BackofficeUser.operator_id)
        .order_by(BackofficeUser.email)
    )
    with platform.db.transaction(read_only=True) as session:
        return [
            UserView(
                user.id,
                user.email,
                user.role,
                name or "",
                user.operator_id,
                _state(user),
                user.totp_enabled_at_utc is not None,
                _iso(user.last_login_at_utc),
            )
            for user, name in session.execute(query)
        ]


def recent_changes(platform: Platform) -> list[dict[str, object]]:
    """The audit rows about users, newest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.target_type == TARGET_TYPE)
        .order_by(AuditEntry.id.desc())
        .limit(STUCK_LIST_MAX_ROWS)
    )
    with platform.db.transaction(read_only=True) as session:
        return [audit.entry_view(entry) for entry in session.scalars(query)]


def _operator_for(session: Session, role: Role, operator_id: int | None) -> int | None:
    """The operator a user of this role belongs to, checked: an operator user names an
    existing one, an admin none."""
    if role is Role.ADMIN:
        return None
    if operator_id is None or session.get(Operator, operator_id) is None:
        raise _refused("an operator user needs an operator")
    return operator_id


def _issue_link(
    session: Session, user: BackofficeUser, purpose: LinkPurpose, now: dt.datetime
) -> Issued:
    """A new link for the user; any older one stops working."""
    session.execute(delete(BackofficeLink).where(BackofficeLink.user_id == user.id))
    token = secrets.token_urlsafe(32)
    expires = now + dt.timedelta(seconds=LINK_SECONDS[purpose])
    session.add(
        BackofficeLink(
            token_hash=token_hash(token),
            user_id=user.id,
            purpose=purpose.value,
            created_at_utc=to_naive_utc(now),
            expires_at_utc=to_naive_utc(expires),
        )
    )
    return Issued(user.id, user.email, token, _iso(to_naive_utc(expires)))


def _end_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(BackofficeSession).where(BackofficeSession.user_id == user_id))


def _change(user: BackofficeUser, action: str, before: str, after: str) -> audit.Change:
    return audit.Change(action, TARGET_TYPE, user.id, before, after, {"email": user.email})


def invite(
    platform: Platform,
    email: str,
    role: Role,
    operator_id: int | None,
    who: audit.Accountable,
) -> Issued:
    """A new user without a password, and the one-time link to set it."""
    address = backoffice_users.normalise_email(email)
    now = platform.clock.now()
    with platform.db.transaction() as session:
        owner = _operator_for(session, role, operator_id)
        if session.scalar(select(BackofficeUser.id).where(BackofficeUser.email == address)):
            raise _refused(f"a user {address} exists")
        user = BackofficeUser(
            id=new_id(),
            email=address,
            password_hash="",  # no password matches an empty hash (backoffice_users.login)
            role=role.value,
            operator_id=owner,
            failed_logins=0,
            created_at_utc=to_naive_utc(now),
        )
        session.add(user)
        session.flush()
        issued = _issue_link(session, user, LinkPurpose.INVITE, now)
        audit.record(
            session, who, _change(user, "backoffice_user.invite", "none", _role_text(user)), now
        )
        return issued


def _role_text(user: BackofficeUser) -> str:
    return user.role if user.operator_id is None else f"{user.role}:{user.operator_id}"


def _locked(session: Session, user_id: int) -> BackofficeUser:
    user = session.scalar(
        select(BackofficeUser).where(BackofficeUser.id == user_id).with_for_update()
    )
    if user is None:
        raise _refused("no such user")
    return user


def _keep_an_admin(session: Session, user: BackofficeUser) -> None:
    """Refuses when `user` is the only enabled admin, with every admin row locked so two
    admins cannot demote each other at once."""
    admins = session.scalars(
        select(BackofficeUser.id)
        .where(BackofficeUser.role == Role.ADMIN.value, BackofficeUser.disabled_at_utc.is_(None))
        .with_for_update()
    ).all()
    if list(admins) == [user.id]:
        raise _refused("the last enabled admin can be neither disabled nor demoted")


def set_enabled(platform: Platform, user_id: int, enable: bool, who: audit.Accountable) -> None:
    now = platform.clock.now()
    with platform.db.transaction() as session:
        user = _locked(session, user_id)
        before = _state(user)
        if enable:
            user.disabled_at_utc = None
        elif user.disabled_at_utc is None:
            _keep_an_admin(session, user)
            user.disabled_at_utc = to_naive_utc(now)
            _end_sessions(session, user.id)
            session.execute(delete(BackofficeLink).where(BackofficeLink.user_id == user.id))
        action = "backoffice_user.enable" if enable else "backoffice_user.disable"
        audit.record(session, who, _change(user, action, before, _state(user)), now)


def change_role(
    platform: Platform,
    user_id: int,
    role: Role,
    operator_id: int | None,
    who: audit.Accountable,
) -> None:
    """A new role (and, for an operator user, operator). It applies at the user's next
    request: every page reads the role from the user's row."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        user = _locked(session, user_id)
        owner = _operator_for(session, role, operator_id)
        if user.role == Role.ADMIN.value and role is not Role.ADMIN:
            _keep_an_admin(session, user)
        before = _role_text(user)
        user.role = role.value
        user.operator_id = owner
        audit.record(
            session, who, _change(user, "backoffice_user.role", before, _role_text(user)), now
        )


def reset_password(platform: Platform, user_id: int, who: audit.Accountable) -> Issued:
    """Voids the password and ends the sessions; the link sets a new password."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        user = _locked(session, user_id)
        if user.disabled_at_utc is not None:
            raise _refused("enable the user first")
        before = _state(user)
        user.password_hash = ""
        _end_sessions(session, user.id)
        issued = _issue_link(session, user, LinkPurpose.RESET, now)
        audit.record(
            session, who, _change(user, "backoffice_user.reset_password", before, "reset"), now
        )
        return issued


def user_id_of(platform: Platform, email: str) -> int:
    """For the command line, which names users by e-mail."""
    address = backoffice_users.normalise_email(email)
    with platform.db.transaction(read_only=True) as session:
        found = session.scalar(select(BackofficeUser.id).where(BackofficeUser.email == address))
    if found is None:
        raise _refused(f"no user {address}")
    return int(found)


def _live_link(session: Session, token: str, now: dt.datetime) -> BackofficeLink | None:
    if not 0 < len(token) <= BACKOFFICE_LINK_TOKEN_MAX_CHARS:
        return None
    link = session.get(BackofficeLink, token_hash(token))
    if link is None or from_naive_utc(link.expires_at_utc) < now:
        return None
    return link


def link_view(platform: Platform, token: str) -> LinkView | None:
    """Whose link this is, if it still works; None for any other text."""
    with platform.db.transaction(read_only=True) as session:
        link = _live_link(session, token, platform.clock.now())
        if link is None:
            return None
        user = session.get(BackofficeUser, link.user_id)
        if user is None or user.disabled_at_utc is not None:
            return None
        return LinkView(user.email, LinkPurpose(link.purpose))


LINK_GONE = "this link has expired or was used already; ask an admin for a new one"


def set_password_by_link(platform: Platform, token: str, password: str) -> str:
    """Sets the user's password and spends the link; returns the user's e-mail. The user's
    sessions end (a reset is often about a stolen password)."""
    backoffice_users.check_password(password)
    if link_view(platform, token) is None:
        raise _refused(LINK_GONE)
    with platform.login_guard.gate.slot() as admitted:
        if not admitted:
            raise _refused(backoffice_users.BUSY)
        hashed = backoffice_users.HASHER.hash(password)
    now = platform.clock.now()
    with platform.db.transaction() as session:
        link = _live_link(session, token, now)
        user = None if link is None else _locked(session, link.user_id)
        if link is None or user is None or user.disabled_at_utc is not None:
            raise _refused(LINK_GONE)  # spent, voided or the user disabled while we hashed
        before = _state(user)
        user.password_hash = hashed
        session.execute(delete(BackofficeLink).where(BackofficeLink.user_id == user.id))
        _end_sessions(session, user.id)
        who = audit.Accountable.checked(
            backoffice_users.actor_name(user.email), f"password set through the {link.purpose} link"
        )
        audit.record(
            session, who, _change(user, "backoffice_user.set_password", before, "active"), now
        )
        return user.email
