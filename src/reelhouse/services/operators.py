"""Operator accounts ("agents"): creation, tokens, settings, authentication."""

from __future__ import annotations

import ipaddress
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.dialects.base import Credential
from reelhouse.dialects.registry import DIALECT_NAMES, all_dialects
from reelhouse.domain import jurisdictions, stricter_rules
from reelhouse.domain.callback_address import AddressRefused, check_target, parse_callback_url
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import CALLBACK_RESOLVE_TIMEOUT_SECONDS
from reelhouse.domain.money import Currency, MoneyError
from reelhouse.domain.money import currency as lookup_currency
from reelhouse.domain.wallet import WalletEndpoint
from reelhouse.games import catalogue
from reelhouse.services import win_cap
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator
from reelhouse.store.secrets import token_hash

# Every fact about a dialect is its descriptor's (dialects.base.CodecDialect); these views
# are derived from the registry, so adding a dialect changes nothing here.
SUPPORTED_DIALECTS = DIALECT_NAMES
BP_PER_PERCENT = 100

# The key each dialect signs callbacks with, beyond the callback token. Reelhouse needs it in
# clear at send time, so it is stored sealed (store.secrets), never in clear: the API token
# for a dialect that signs with it, else a secret key Reelhouse issues (shown once).
SIGNS_WITH_API_TOKEN = frozenset(
    d.name for d in all_dialects() if d.signs_with is Credential.API_TOKEN
)
SIGNS_WITH_SECRET_KEY = frozenset(
    d.name for d in all_dialects() if d.signs_with is Credential.SECRET_KEY
)
# A dialect whose amounts carry a fixed number of decimals refuses, at creation, a currency
# with more: it could not be carried without rounding.
MAX_CURRENCY_EXPONENT = {
    d.name: d.max_currency_exponent for d in all_dialects() if d.max_currency_exponent is not None
}


class OperatorState(StrEnum):
    UNAPPROVED = "unapproved"
    APPROVED = "approved"


@dataclass(frozen=True)
class NewOperator:
    name: str
    currency: str
    callback_url: str
    dialect: str = "slotcity-v4"
    rtp_percent: Decimal = Decimal(96)
    min_bet_minor: int = 1
    max_bet_minor: int = 100_000
    max_win_minor: int = 0
    allowed_ips: str = ""
    approved: bool = False
    # iGamingAce only: open each round with one betwin call (it shows the wallet the win
    # before the bet is accepted; docs/wallet-callbacks.md). Off: a bet, then a win.
    single_call_rounds: bool = False
    # The jurisdiction profile of its launches (domain/jurisdictions.py).
    jurisdiction: str = jurisdictions.DEFAULT


@dataclass(frozen=True)
class IssuedOperator:
    """What creation hands out once. The API token is stored hashed (and, for a dialect that
    signs with it, sealed); the callback token and secret key sealed."""

    operator_id: int
    api_token: str
    callback_token: str
    secret_key: str | None = None  # dialects that sign with one (iGamingAce B)


def _refuse(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def check_callback_url(platform: Platform, url: str) -> str:
    """The URL, if Reelhouse may call it (domain/callback_address.py): its shape, then every
    address its host resolves to, within CALLBACK_RESOLVE_TIMEOUT_SECONDS. The transport
    checks again for every call, since a name may resolve elsewhere later. With private
    callbacks allowed (demo, tests) names are not resolved here: no address would be
    refused, and a test's made-up name need not exist."""
    allow_private = platform.settings.allow_private_callbacks
    try:
        target = parse_callback_url(url)
        if target.literal is not None or not allow_private:
            check_target(
                target,
                platform.resolver,
                allow_private=allow_private,
                timeout_s=CALLBACK_RESOLVE_TIMEOUT_SECONDS,
            )
    except AddressRefused as exc:
        raise _refuse(f"callback URL refused: {exc}") from exc
    return url


def check_allowed_ips(text: str) -> str:
    entries = [e.strip() for e in text.split(",") if e.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise _refuse(f"not an IP address or network: {entry!r}") from exc
    return ",".join(entries)


def honoured_rtp_bp(requested: Decimal) -> int:
    """The catalogue's highest RTP variant not above the request, in basis points."""
    supported = [v for v in catalogue.supported_rtps() if v <= requested]
    if not supported:
        raise _refuse(f"no game offers an RTP at or below {requested}")
    return max(supported) * BP_PER_PERCENT


def playable_currency(code: str) -> Currency:
    """The currency an operator may be created in, or 2014 saying why not (an ISO code
    without a minor unit, a code in lower case, an unknown one)."""
    try:
        return lookup_currency(code)
    except MoneyError as exc:
        raise ReelhouseError(ApiCode.CURRENCY_NOT_SUPPORTED, str(exc)) from exc


def check_dialect_carries(dialect: str, cur: Currency) -> None:
    """2014 for a currency with more decimals than the dialect's amounts carry (iGamingAce
    B: 2): it could not be sent without rounding. Every currency of an operator passes it."""
    most_decimals = MAX_CURRENCY_EXPONENT.get(dialect)
    if most_decimals is not None and cur.exponent > most_decimals:
        raise ReelhouseError(
            ApiCode.CURRENCY_NOT_SUPPORTED,
            f"{dialect} carries at most {most_decimals} decimals; {cur.code} has more",
        )


def check_bet_limits(min_bet_minor: int, max_bet_minor: int, max_win_minor: int) -> None:
    """1012 unless 0 < min <= max and max win >= 0: the rule every currency's limits obey."""
    if not 0 < min_bet_minor <= max_bet_minor or max_win_minor < 0:
        raise _refuse("bet limits must satisfy 0 < min <= max and max win >= 0")


def create_operator(platform: Platform, spec: NewOperator) -> IssuedOperator:
    cur = playable_currency(spec.currency)
    if spec.dialect not in SUPPORTED_DIALECTS:
        raise _refuse(f"dialect must be one of {', '.join(SUPPORTED_DIALECTS)}")
    check_dialect_carries(spec.dialect, cur)
    check_bet_limits(spec.min_bet_minor, spec.max_bet_minor, spec.max_win_minor)
    jurisdictions.profile(spec.jurisdiction)  # an unknown profile is refused (3010)
    check_callback_url(platform, spec.callback_url)
    rtp_bp = honoured_rtp_bp(spec.rtp_percent)
    check_cap(platform, rtp_bp, spec.max_bet_minor, spec.max_win_minor)
    api_token = secrets.token_urlsafe(32)
    callback_token = str(uuid.uuid4())
    secret_key = new_secret_key() if spec.dialect in SIGNS_WITH_SECRET_KEY else None
    with platform.db.transaction() as session:
        if session.scalar(select(Operator.id).where(Operator.name == spec.name)) is not None:
            raise _refuse(f"an operator named {spec.name!r} exists")
        operator = Operator(
            name=spec.name,
            currency=cur.code,
            api_token_hash=token_hash(api_token),
            callback_url=spec.callback_url,
            callback_token_sealed=platform.sealer.seal(callback_token),
            api_token_sealed=(
                platform.sealer.seal(api_token) if spec.dialect in SIGNS_WITH_API_TOKEN else None
            ),
            secret_key_sealed=platform.sealer.seal(secret_key) if secret_key else None,
            dialect=spec.dialect,
            single_call_rounds=spec.single_call_rounds,
            jurisdiction=spec.jurisdiction,
            rtp_bp=rtp_bp,
            min_bet_minor=spec.min_bet_minor,
            max_bet_minor=spec.max_bet_minor,
            max_win_minor=spec.max_win_minor,
            allowed_ips=check_allowed_ips(spec.allowed_ips),
            state=OperatorState.APPROVED if spec.approved else OperatorState.UNAPPROVED,
            created_at_utc=to_naive_utc(platform.clock.now()),
        )
        session.add(operator)
        session.flush()
        return IssuedOperator(operator.id, api_token, callback_token, secret_key)


def new_secret_key() -> str:
    """256 random bits as 64 hex digits: printable, so it survives copy and paste."""
    return secrets.token_hex(32)


def find_by_name(session: Session, name: str) -> Operator:
    operator = session.scalar(select(Operator).where(Operator.name == name))
    if operator is None:
        raise ReelhouseError(ApiCode.AGENT_NOT_FOUND, f"no operator named {name!r}")
    return operator


def authenticate(platform: Platform, api_token: str) -> Operator:
    """The operator owning a Bearer token, or 1009. Looked up by hash: equal hashes of a
    256-bit token are as good as a constant-time compare of the token."""
    # Read-only: every Main API call passes here, and on SQLite a writing transaction would
    # queue every call of every operator on the write lock.
    with platform.db.transaction(read_only=True) as session:
        operator = session.scalar(
            select(Operator).where(Operator.api_token_hash == token_hash(api_token))
        )
    if operator is None:
        raise ReelhouseError(ApiCode.TOKEN_INVALID, "API token is not valid")
    return operator


def ip_allowed(operator: Operator, client_ip: str) -> bool:
    if not operator.allowed_ips:
        return True
    try:
        address = ipaddress.ip_address(client_ip)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(entry, strict=False)
        for entry in operator.allowed_ips.split(",")
    )


def reissue_api_token(platform: Platform, name: str) -> str:
    """A new API token; where the dialect signs callbacks with it, the sealed copy changes in
    the same commit, so the next callback is signed with the new token."""
    api_token = secrets.token_urlsafe(32)
    with platform.db.transaction() as session:
        operator = find_by_name(session, name)
        operator.api_token_hash = token_hash(api_token)
        if operator.dialect in SIGNS_WITH_API_TOKEN:
            operator.api_token_sealed = platform.sealer.seal(api_token)
    return api_token


def reissue_secret_key(platform: Platform, name: str) -> str:
    """A new secret key (shown once) for a dialect that signs with one; 1012 for others."""
    secret_key = new_secret_key()
    with platform.db.transaction() as session:
        operator = find_by_name(session, name)
        if operator.dialect not in SIGNS_WITH_SECRET_KEY:
            raise _refuse(f"operator {name!r} ({operator.dialect}) signs with no secret key")
        operator.secret_key_sealed = platform.sealer.seal(secret_key)
    return secret_key


def secret_key_of(platform: Platform, operator: Operator) -> str | None:
    """The operator's secret key in clear (to check a `sign` it computed), if it has one."""
    if operator.secret_key_sealed is None:
        return None
    return platform.sealer.open(operator.secret_key_sealed)


def reissue_callback_token(platform: Platform, name: str) -> str:
    callback_token = str(uuid.uuid4())
    with platform.db.transaction() as session:
        find_by_name(session, name).callback_token_sealed = platform.sealer.seal(callback_token)
    return callback_token


def check_cap(platform: Platform, rtp_bp: int, max_bet_minor: int, max_win_minor: int) -> None:
    """Refuse (3033, 3034) settings whose max win per round would leave some game an
    effective RTP below the deployment's floor (services/win_cap.py)."""
    rtp_percent = Decimal(rtp_bp) / BP_PER_PERCENT
    floor = platform.settings.min_effective_rtp
    win_cap.check_floor(floor, rtp_percent, max_bet_minor, max_win_minor)


def set_rtp(platform: Platform, operator_id: int, requested: Decimal) -> int:
    # Imported here: operator_currencies builds on this module.
    from reelhouse.services.operator_currencies import check_caps

    rtp_bp = honoured_rtp_bp(requested)
    with platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        # A lower RTP under the same caps leaves lower effective RTPs: every currency checked.
        check_caps(platform, session, operator, rtp_bp)
        operator.rtp_bp = rtp_bp
    return rtp_bp


def set_state(platform: Platform, name: str, state: OperatorState) -> None:
    with platform.db.transaction() as session:
        find_by_name(session, name).state = state


def wallet_endpoint(platform: Platform, operator: Operator) -> WalletEndpoint:
    sealed_api_token = operator.api_token_sealed
    return WalletEndpoint(
        operator_id=operator.id,
        dialect=operator.dialect,
        callback_url=operator.callback_url,
        callback_token=platform.sealer.open(operator.callback_token_sealed),
        api_token=platform.sealer.open(sealed_api_token) if sealed_api_token else None,
        secret_key=secret_key_of(platform, operator),
        agent_id=operator.name,
    )


def set_callback_url(platform: Platform, name: str, url: str) -> None:
    check_callback_url(platform, url)
    with platform.db.transaction() as session:
        find_by_name(session, name).callback_url = url


def set_stricter_rules(
    platform: Platform, name: str, stricter: Mapping[str, object]
) -> stricter_rules.Overlay:
    """Set the operator's stricter rules (docs/jurisdictions.md, "Stricter rules of an
    operator"), replacing any before; empty clears them. Every rule is checked first (1012),
    changing nothing. Later launches carry them; a live session keeps those of its launch."""
    overlay = stricter_rules.checked(stricter)
    with platform.db.transaction() as session:
        find_by_name(session, name).stricter_rules = stricter_rules.to_json(overlay)
    return overlay


def stricter_rules_of(operator: Operator) -> stricter_rules.Overlay:
    return stricter_rules.from_json(operator.stricter_rules)


def set_jurisdiction(platform: Platform, name: str, code: str) -> str:
    """Set the jurisdiction profile of the operator's launches that name none (docs/
    jurisdictions.md); an unknown profile is refused (3010), changing nothing."""
    rules = jurisdictions.profile(code)
    with platform.db.transaction() as session:
        find_by_name(session, name).jurisdiction = rules.code
    return rules.code
