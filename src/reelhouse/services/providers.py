"""Upstream providers administered: added with their keys, enabled per operator, listed.

A provider's games reach an operator only when the provider is enabled and enabled for that
operator (`OperatorProvider`); none is until then. Its catalogue is synced by
services/catalogue_sync.py. Every change is audited (target `provider`) in its own commit.
Refusals: 1012 for a value that cannot be used, 2007 for an unknown provider, 2001 for an
unknown operator (docs/providers.md, "Administering a provider").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import (
    ANSWER_DEADLINE_MS_DEFAULT,
    ANSWER_DEADLINE_MS_MAX,
    ANSWER_DEADLINE_MS_MIN,
)
from reelhouse.games import catalogue
from reelhouse.providers.registry import PROTOCOL_NAMES, get_protocol
from reelhouse.services import audit, operators
from reelhouse.services.platform import Platform
from reelhouse.store.models import AuditEntry, Operator, OperatorProvider, Provider, ProviderGame

NAME_PATTERN = re.compile(r"[a-z0-9-]{3,32}")
TITLE_MAX_CHARS = 128  # the column's size
# A PEM RSA key of 4096 bits is about 3.3 KB; 16 KiB bounds a key file before it is parsed.
KEY_PEM_MAX_BYTES = 16 * 1024

TARGET_TYPE = "provider"
ADMINISTRATION = audit.Accountable("reelhouse", "provider administration")
SYNC_ACTION = "provider.sync"


@dataclass(frozen=True)
class NewProvider:
    name: str
    title: str
    protocol: str
    base_url: str
    verify_key_pem: bytes  # the provider's public key
    sign_key_pem: bytes  # Reelhouse's private key for this provider; stored sealed
    # None: the protocol's contract's bet timeout where it has one, else the default.
    answer_deadline_ms: int | None = None


@dataclass(frozen=True)
class ProviderView:
    """What the CLI and the back office show of a provider (never its keys)."""

    id: int
    name: str
    title: str
    protocol: str
    base_url: str
    answer_deadline_ms: int
    enabled: bool
    games: int  # listed now: not withdrawn (enabled by the provider or not)
    withdrawn: int
    last_sync_utc: dt.datetime | None


def refuse(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def _checked_pem(pem: bytes, load: Callable[[bytes], Any], what: str) -> str:
    if not 0 < len(pem) <= KEY_PEM_MAX_BYTES:
        raise refuse(f"{what}: a PEM file of 1 to {KEY_PEM_MAX_BYTES} bytes is expected")
    try:
        load(pem)
        return pem.decode("ascii")
    except (ValueError, UnicodeDecodeError) as exc:  # UnusableKey is a ValueError
        raise refuse(f"{what}: {exc}") from exc


def _checked_title(title: str) -> str:
    text = title.strip()
    if not 0 < len(text) <= TITLE_MAX_CHARS or not text.isprintable():
        raise refuse(f"title: 1 to {TITLE_MAX_CHARS} printable characters")
    return text


def add_provider(
    platform: Platform, spec: NewProvider, who: audit.Accountable = ADMINISTRATION
) -> int:
    """Adds a provider, enabled (for no operator yet); returns its id, also its Main API
    provider id: the next free integer above Reelhouse's own games' id."""
    if not NAME_PATTERN.fullmatch(spec.name):
        raise refuse("name: 3 to 32 lower-case letters, digits or '-'")
    title = _checked_title(spec.title)
    if spec.protocol not in PROTOCOL_NAMES:
        raise refuse(f"protocol must be one of {', '.join(PROTOCOL_NAMES)}")
    protocol = get_protocol(spec.protocol)
    deadline_ms = spec.answer_deadline_ms
    if deadline_ms is None:
        deadline_ms = protocol.answer_deadline_ms or ANSWER_DEADLINE_MS_DEFAULT
    if not ANSWER_DEADLINE_MS_MIN <= deadline_ms <= ANSWER_DEADLINE_MS_MAX:
        raise refuse(f"answer deadline: {ANSWER_DEADLINE_MS_MIN} to {ANSWER_DEADLINE_MS_MAX} ms")
    try:
        # The same rules as a wallet's callback URL: Reelhouse calls it, so it must not
        # point inside Reelhouse's own network.
        operators.check_callback_url(platform, spec.base_url)
    except ReelhouseError as exc:
        raise refuse(exc.message.replace("callback URL", "base URL")) from exc
    verify_pem = _checked_pem(
        spec.verify_key_pem, protocol.load_verify_key, "the provider's public key"
    )
    sign_pem = _checked_pem(spec.sign_key_pem, protocol.load_sign_key, "Reelhouse's signing key")
    now = to_naive_utc(platform.clock.now())
    try:
        with platform.db.transaction() as session:
            if session.scalar(select(Provider.id).where(Provider.name == spec.name)) is not None:
                raise refuse(f"a provider named {spec.name!r} exists")
            highest = session.scalar(select(func.max(Provider.id)))
            provider_id = max(highest or 0, catalogue.PROVIDER_ID) + 1
            session.add(
                Provider(
                    id=provider_id,
                    name=spec.name,
                    title=title,
                    protocol=spec.protocol,
                    base_url=spec.base_url,
                    verify_key=verify_pem,
                    sign_key_sealed=platform.sealer.seal(sign_pem),
                    answer_deadline_ms=deadline_ms,
                    enabled=True,
                    created_at_utc=now,
                    updated_at_utc=now,
                )
            )
            session.flush()
            change = audit.Change("provider.add", TARGET_TYPE, provider_id, "", "enabled", {})
            audit.record(session, who, change, platform.clock.now())
    except IntegrityError as exc:
        # Another provider took the same id or name between the check and the insert.
        raise refuse("another provider was added at the same moment; try again") from exc
    return provider_id


def find_provider(session: Session, name: str) -> Provider:
    provider = session.scalar(select(Provider).where(Provider.name == name))
    if provider is None:
        raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider named {name!r}")
    return provider


def set_enabled(
    platform: Platform, name: str, enabled: bool, who: audit.Accountable = ADMINISTRATION
) -> None:
    """The provider as a whole: a disabled provider's games are offered to no operator,
    whatever each operator's choice (which is kept)."""
    with platform.db.transaction() as session:
        provider = find_provider(session, name)
        before = _state(provider.enabled)
        provider.enabled = enabled
        provider.updated_at_utc = to_naive_utc(platform.clock.now())
        change = audit.Change(
            "provider.state", TARGET_TYPE, provider.id, before, _state(enabled), {}
        )
        audit.record(session, who, change, platform.clock.now())


def set_base_url(
    platform: Platform, name: str, base_url: str, who: audit.Accountable = ADMINISTRATION
) -> None:
    """Where Reelhouse reaches the provider (launch, catalogue), checked as when it was
    added; the demo's supplier moves when its port does."""
    try:
        operators.check_callback_url(platform, base_url)
    except ReelhouseError as exc:
        raise refuse(exc.message.replace("callback URL", "base URL")) from exc
    with platform.db.transaction() as session:
        provider = find_provider(session, name)
        before = provider.base_url
        if before == base_url:
            return
        provider.base_url = base_url
        provider.updated_at_utc = to_naive_utc(platform.clock.now())
        change = audit.Change("provider.base_url", TARGET_TYPE, provider.id, before, base_url, {})
        audit.record(session, who, change, platform.clock.now())


def set_keys(
    platform: Platform,
    name: str,
    verify_key_pem: bytes,
    sign_key_pem: bytes,
    who: audit.Accountable = ADMINISTRATION,
) -> None:
    """Replaces both key texts, checked by the provider's protocol as when it was added (a
    provider that reissued its credentials; the demo's second Reelhouse does at every
    start). The audit row says that they changed, never what they are."""
    with platform.db.transaction() as session:
        provider = find_provider(session, name)
        protocol = get_protocol(provider.protocol)
        verify_pem = _checked_pem(
            verify_key_pem, protocol.load_verify_key, "the provider's public key"
        )
        sign_pem = _checked_pem(sign_key_pem, protocol.load_sign_key, "Reelhouse's signing key")
        provider.verify_key = verify_pem
        # Sealed afresh: the cached keys (services/provider_keys.py) follow the new texts.
        provider.sign_key_sealed = platform.sealer.seal(sign_pem)
        provider.updated_at_utc = to_naive_utc(platform.clock.now())
        change = audit.Change("provider.keys", TARGET_TYPE, provider.id, "", "replaced", {})
        audit.record(session, who, change, platform.clock.now())


def enable_for_operator(
    platform: Platform,
    provider_name: str,
    operator_name: str,
    enabled: bool,
    who: audit.Accountable = ADMINISTRATION,
) -> None:
    """Offers (or stops offering) a provider's games to one operator."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        provider = find_provider(session, provider_name)
        operator = operators.find_by_name(session, operator_name)
        choice = session.get(OperatorProvider, (operator.id, provider.id))
        before = _state(choice is not None and choice.enabled)
        if choice is None:
            choice = OperatorProvider(operator_id=operator.id, provider_id=provider.id)
            session.add(choice)
        choice.enabled = enabled
        choice.updated_at_utc = to_naive_utc(now)
        change = audit.Change(
            "provider.operator",
            TARGET_TYPE,
            provider.id,
            before,
            _state(enabled),
            {"operator_id": operator.id, "operator": operator.name},
        )
        audit.record(session, who, change, now)


def _state(enabled: bool) -> str:
    return "enabled" if enabled else "disabled"


def providers_of(platform: Platform, operator_id: int) -> list[Provider]:
    """The upstream providers whose games this operator is offered, by id: enabled, and
    enabled for it."""
    query = (
        select(Provider)
        .join(OperatorProvider, OperatorProvider.provider_id == Provider.id)
        .where(
            OperatorProvider.operator_id == operator_id,
            OperatorProvider.enabled.is_(True),
            Provider.enabled.is_(True),
        )
        .order_by(Provider.id)
    )
    with platform.db.transaction(read_only=True) as session:
        return list(session.scalars(query))


def operator_choices(platform: Platform, name: str) -> list[tuple[str, bool]]:
    """Every operator by name, and whether this provider's games are offered to it."""
    with platform.db.transaction(read_only=True) as session:
        provider = find_provider(session, name)
        chosen = {
            row.operator_id: row.enabled
            for row in session.scalars(
                select(OperatorProvider).where(OperatorProvider.provider_id == provider.id)
            )
        }
        rows = session.execute(select(Operator.id, Operator.name).order_by(Operator.name))
        return [(str(r.name), chosen.get(int(r.id), False)) for r in rows]


def list_providers(platform: Platform) -> list[ProviderView]:
    with platform.db.transaction(read_only=True) as session:
        return [_view(session, p) for p in session.scalars(select(Provider).order_by(Provider.id))]


def get_provider(platform: Platform, name: str) -> ProviderView:
    with platform.db.transaction(read_only=True) as session:
        return _view(session, find_provider(session, name))


def _view(session: Session, provider: Provider) -> ProviderView:
    withdrawn = ProviderGame.withdrawn_at_utc.is_not(None)
    counts = session.execute(
        select(
            func.count().filter(~withdrawn),
            func.count().filter(withdrawn),
        ).where(ProviderGame.provider_id == provider.id)
    ).one()
    # The last sync that succeeded is its audit row: a failed one changes nothing.
    last_sync = session.scalar(
        select(func.max(AuditEntry.at_utc)).where(
            AuditEntry.target_type == TARGET_TYPE,
            AuditEntry.target_id == provider.id,
            AuditEntry.action == SYNC_ACTION,
        )
    )
    return ProviderView(
        id=provider.id,
        name=provider.name,
        title=provider.title,
        protocol=provider.protocol,
        base_url=provider.base_url,
        answer_deadline_ms=provider.answer_deadline_ms,
        enabled=provider.enabled,
        games=int(counts[0]),
        withdrawn=int(counts[1]),
        last_sync_utc=None if last_sync is None else from_naive_utc(last_sync),
    )
