"""An operator's settings as the back office changes them. Each change and its audit row are
one unit of work (services/audit.py): a setting never changes without its row, nor the
reverse. Secrets (API token, callback token, secret key) are returned once and never logged
or audited in clear. The validators are the ones operator creation uses (services/operators)."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.display_units import units_of
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.money import MoneyError, currency, format_fixed, to_minor
from reelhouse.domain.numbers import plain_decimal_of
from reelhouse.domain.shown_detail import shown_detail
from reelhouse.domain.wallet import CommandKind, OutcomeKind, WalletCommand
from reelhouse.games import catalogue
from reelhouse.services import audit, operator_currencies, operators, webhooks, win_cap
from reelhouse.services.operators import BP_PER_PERCENT
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator, Player
from reelhouse.store.secrets import token_hash

TARGET_TYPE = "operator"
PROBE_ACCOUNT = "reelhouse_probe"  # asked for when the operator has no player yet


def _invalid(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def _percent(rtp_bp: int) -> str:
    return f"{Decimal(rtp_bp) / BP_PER_PERCENT:.2f}"


def settings_view(platform: Platform, operator_id: int) -> dict[str, Any]:
    with platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        cur = currency(operator.currency)
        rtp = Decimal(operator.rtp_bp) / BP_PER_PERCENT
        offered = operator_currencies.currencies_of(session, operator)
        return {
            "id": operator.id,
            "name": operator.name,
            "currency": cur.code,
            "state": operator.state,
            "callback_url": operator.callback_url,
            "dialect": operator.dialect,
            "dialects": operators.SUPPORTED_DIALECTS,
            "rtp": _percent(operator.rtp_bp),
            "rtp_choices": catalogue.supported_rtps(),
            "variants": [
                {
                    "game_code": g.game_code,
                    "name": g.name,
                    "variant": catalogue.select_variant(g, rtp),
                }
                for g in catalogue.list_games()
            ],
            "min_bet": format_fixed(operator.min_bet_minor, cur),
            "max_bet": format_fixed(operator.max_bet_minor, cur),
            "max_win": format_fixed(operator.max_win_minor, cur),
            # Every currency it offers, the first one first, with its limits, its default
            # display unit and the units it may choose from (none for most currencies).
            "currencies": [
                limits.described()
                | {
                    "display_unit": limits.unit_code,
                    "units": [u.code for u in units_of(limits.currency.code)],
                }
                for limits in offered
            ],
            # What each currency's max win per round leaves each game at that currency's
            # largest bet (3033 below the floor); currencies without a cap take nothing.
            "cap_effects": [
                {
                    "currency": limits.currency.code,
                    "name": e.name,
                    "variant": e.variant,
                    "rtp": e.rtp,
                    "effective_rtp": e.effective_rtp,
                    "at_bet": format_fixed(e.at_bet_minor, limits.currency),
                }
                for limits in offered
                if limits.max_win_minor > 0
                for e in win_cap.cap_effects(rtp, limits.max_bet_minor, limits.max_win_minor)
            ],
            "rtp_floor": platform.settings.min_effective_rtp,
            "allowed_ips": operator.allowed_ips,
            "signs_with_secret_key": operator.dialect in operators.SIGNS_WITH_SECRET_KEY,
            "single_call_rounds": operator.single_call_rounds,
            "offers_single_call": offers_single_call(operator.dialect),
            # Read-only here: set with `reelhouse webhook` (docs/webhooks.md).
            "events": webhooks.view_in(session, operator.id, platform.clock.now()),
        }


@dataclass(frozen=True)
class Change:
    """One setting to change, as the form wrote it."""

    field: str
    before: Any
    after: Any


def _apply(
    platform: Platform, operator_id: int, who: audit.Accountable, change: Change, op: Any
) -> None:
    """Lock the operator, run `op(session, operator)`, write the audit row; one commit."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        operator = session.scalar(
            select(Operator).where(Operator.id == operator_id).with_for_update()
        )
        assert operator is not None
        detail = op(session, operator) or {}
        audit.record(
            session,
            who,
            audit.Change(
                f"settings.{change.field}",
                TARGET_TYPE,
                operator.id,
                operator.state,
                operator.state,
                {"field": change.field, "before": change.before, "after": change.after} | detail,
            ),
            now,
        )


def reissue_api_token(platform: Platform, operator_id: int, who: audit.Accountable) -> str:
    api_token = secrets.token_urlsafe(32)

    def op(_session: Session, operator: Operator) -> None:
        operator.api_token_hash = token_hash(api_token)
        if operator.dialect in operators.SIGNS_WITH_API_TOKEN:
            operator.api_token_sealed = platform.sealer.seal(api_token)

    _apply(platform, operator_id, who, Change("api_token", "(secret)", "reissued"), op)
    return api_token


def reissue_callback_token(platform: Platform, operator_id: int, who: audit.Accountable) -> str:
    callback_token = str(uuid.uuid4())

    def op(_session: Session, operator: Operator) -> None:
        operator.callback_token_sealed = platform.sealer.seal(callback_token)

    _apply(platform, operator_id, who, Change("callback_token", "(secret)", "reissued"), op)
    return callback_token


def reissue_secret_key(platform: Platform, operator_id: int, who: audit.Accountable) -> str:
    secret_key = operators.new_secret_key()

    def op(_session: Session, operator: Operator) -> None:
        if operator.dialect not in operators.SIGNS_WITH_SECRET_KEY:
            raise _invalid(f"{operator.dialect} signs with no secret key")
        operator.secret_key_sealed = platform.sealer.seal(secret_key)

    _apply(platform, operator_id, who, Change("secret_key", "(secret)", "reissued"), op)
    return secret_key


def _current(platform: Platform, operator_id: int) -> Operator:
    with platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        session.expunge(operator)
        return operator


def set_callback_url(
    platform: Platform, operator_id: int, url: str, who: audit.Accountable
) -> None:
    url = operators.check_callback_url(platform, url.strip())
    before = _current(platform, operator_id).callback_url

    def op(_session: Session, operator: Operator) -> None:
        operator.callback_url = url

    _apply(platform, operator_id, who, Change("callback_url", before, url), op)


def set_allowed_ips(
    platform: Platform, operator_id: int, text: str, who: audit.Accountable
) -> None:
    allowed = operators.check_allowed_ips(text)
    before = _current(platform, operator_id).allowed_ips

    def op(_session: Session, operator: Operator) -> None:
        operator.allowed_ips = allowed

    _apply(platform, operator_id, who, Change("allowed_ips", before, allowed), op)


def set_rtp(platform: Platform, operator_id: int, text: str, who: audit.Accountable) -> str:
    # Plain decimal text only, bounded before it is read: "NaN" would make every later
    # comparison raise, and "1e999999" is not a percentage.
    requested = plain_decimal_of(text.strip())
    if requested is None:
        raise _invalid("RTP must be a percentage such as 96")
    rtp_bp = operators.honoured_rtp_bp(requested)
    before = _percent(_current(platform, operator_id).rtp_bp)

    def op(session: Session, operator: Operator) -> None:
        # A lower RTP under the same caps leaves lower effective RTPs: every currency checked.
        operator_currencies.check_caps(platform, session, operator, rtp_bp)
        operator.rtp_bp = rtp_bp

    _apply(platform, operator_id, who, Change("rtp", before, _percent(rtp_bp)), op)
    return _percent(rtp_bp)


def _limits_minor(limits: tuple[str, str, str], code: str) -> tuple[int, int, int]:
    """(min bet, max bet, max win) as decimal text in `code`, in its minor units: more
    decimals than it has is 1012, never rounded; 2014 for a currency Reelhouse does not play."""
    cur = operators.playable_currency(code.strip())
    try:
        low, high, cap = (to_minor(text.strip(), cur) for text in limits)
    except MoneyError as exc:
        raise _invalid(str(exc)) from exc
    operators.check_bet_limits(low, high, cap)
    return low, high, cap


def set_limits(
    platform: Platform,
    operator_id: int,
    limits: tuple[str, str, str],
    who: audit.Accountable,
    currency_code: str | None = None,
) -> None:
    """min bet, max bet, max win (0 = no cap) as decimal text in one of the operator's
    currencies (None: its first); 3025 for a currency it does not offer, 3033/3034 for a max
    win that would leave some game below the effective RTP floor at this currency's max bet."""
    code = currency_code or _current(platform, operator_id).currency
    low, high, cap = _limits_minor(limits, code)
    cur = currency(code)

    def op(session: Session, operator: Operator) -> dict[str, Any]:
        before = operator_currencies.limits_in(session, operator, code)
        operators.check_cap(platform, operator.rtp_bp, high, cap)
        operator_currencies.set_bet_limits(session, operator, code, low, high, cap)
        shown = before.described()
        return {
            "currency": code,
            "before": [shown["min_bet"], shown["max_bet"], shown["max_win"]],
        }

    after = [format_fixed(v, cur) for v in (low, high, cap)]
    _apply(platform, operator_id, who, Change("limits", None, after), op)


def add_currency(
    platform: Platform,
    operator_id: int,
    code: str,
    limits: tuple[str, str, str],
    who: audit.Accountable,
    unit_name: str = "",
) -> None:
    """Offer one more currency with its limits as decimal text in it and its default display
    unit ("": none) (services/operator_currencies.py: 2014 for one Reelhouse or the dialect
    cannot carry, 1012 for one offered already, limits out of order or a unit not of it)."""
    code = code.strip()
    low, high, cap = _limits_minor(limits, code)
    cur = currency(code)
    unit = unit_name.strip() or None

    def op(session: Session, operator: Operator) -> None:
        operator_currencies.add_in(session, operator, code, (low, high, cap), platform, unit)

    after = [code, *(format_fixed(v, cur) for v in (low, high, cap))]
    if unit is not None:
        after.append(unit)
    _apply(platform, operator_id, who, Change("currency", None, after), op)


def set_display_unit(
    platform: Platform, operator_id: int, code: str, unit_name: str, who: audit.Accountable
) -> None:
    """The default display unit of one of the operator's currencies ("": none; services/
    operator_currencies.set_display_unit: 3025 for a currency it does not offer, 1012 for a
    unit not of it). Later launches show it; open sessions keep theirs."""
    unit = unit_name.strip() or None

    def op(session: Session, operator: Operator) -> dict[str, Any]:
        before = operator_currencies.limits_in(session, operator, code)
        after = operator_currencies.set_display_unit(session, operator, code, unit)
        return {
            "currency": code,
            "before": before.unit_code,
            "after": after.unit_code,
        }

    _apply(platform, operator_id, who, Change("display_unit", None, None), op)


def offers_single_call(dialect: str) -> bool:
    """Whether a round can open with one bet-and-win call in this dialect (iGamingAce)."""
    return get_dialect(dialect).supports(CommandKind.BET_WIN)


def set_single_call_rounds(
    platform: Platform, operator_id: int, enabled: bool, who: audit.Accountable
) -> None:
    """Open each round with one betwin call (on) or a bet, then a win (off, the default).
    On shows the wallet a round's win before it accepts the bet, so a wallet could refuse
    winning rounds only; Reelhouse then watches its refusals (services/fairness.py)."""
    current = _current(platform, operator_id)
    if enabled and not offers_single_call(current.dialect):
        raise _invalid(f"{current.dialect} has no call that carries a bet and its win")

    def op(_session: Session, operator: Operator) -> None:
        operator.single_call_rounds = enabled

    change = Change("single_call_rounds", current.single_call_rounds, enabled)
    _apply(platform, operator_id, who, change, op)


def set_dialect(
    platform: Platform, operator_id: int, dialect: str, who: audit.Accountable
) -> dict[str, str]:
    """Switch the wallet protocol. A dialect that signs with the API token or a secret key
    gets a new one at once (Reelhouse keeps only the API token's hash, so it cannot reuse the
    old one): the new secrets are returned, to be shown once.

    Calls still pending (queued, in flight, parked) keep the dialect they were created in
    (wallet_calls.dialect), so the switch keeps the key the old dialect signs with:
    nothing here clears a key, and the only key replaced is the new dialect's own."""
    if dialect not in operators.SUPPORTED_DIALECTS:
        raise _invalid(f"dialect must be one of {', '.join(operators.SUPPORTED_DIALECTS)}")
    current = _current(platform, operator_id)
    issued: dict[str, str] = {}
    if dialect in operators.SIGNS_WITH_API_TOKEN:
        issued["api_token"] = secrets.token_urlsafe(32)
    if dialect in operators.SIGNS_WITH_SECRET_KEY:
        issued["secret_key"] = operators.new_secret_key()

    def op(session: Session, operator: Operator) -> dict[str, Any]:
        # Every currency the operator offers must fit the new dialect's amounts (2014).
        for offered in operator_currencies.currencies_of(session, operator):
            operators.check_dialect_carries(dialect, offered.currency)
        operator.dialect = dialect
        # api_token_sealed and secret_key_sealed of the old dialect stay: its pending calls
        # are still signed with them (dispatch.sender.WalletSender.endpoint_of).
        if "api_token" in issued:
            operator.api_token_hash = token_hash(issued["api_token"])
            operator.api_token_sealed = platform.sealer.seal(issued["api_token"])
        if "secret_key" in issued:
            operator.secret_key_sealed = platform.sealer.seal(issued["secret_key"])
        return {"reissued": sorted(issued)}

    _apply(platform, operator_id, who, Change("dialect", current.dialect, dialect), op)
    return issued


@dataclass(frozen=True)
class Probe:
    """What a test callback found: the wallet's answer as Reelhouse reads it, and how long
    the round trip took (quick retries included, as in play)."""

    url: str
    reachable: bool
    outcome: str
    detail: str
    balance: str | None
    latency_ms: int


def test_callback(platform: Platform, operator_id: int, url: str | None = None) -> Probe:
    """A `balance` callback to `url` (default: the saved callback URL) for the operator's
    most recent player, signed with the operator's own credentials. It moves no money."""
    operator = _current(platform, operator_id)
    target = operators.check_callback_url(platform, (url or operator.callback_url).strip())
    with platform.db.transaction() as session:
        account = session.scalar(
            select(Player.name)
            .where(Player.operator_id == operator_id)
            .order_by(Player.created_at_utc.desc())
            .limit(1)
        )
    endpoint = replace(operators.wallet_endpoint(platform, operator), callback_url=target)
    command = WalletCommand(
        CommandKind.BALANCE, account=account or PROBE_ACCOUNT, currency=operator.currency
    )
    # Wall time on purpose: the latency shown is the real one, never asserted by a test.
    started = time.perf_counter()
    outcome = platform.wallet.read(endpoint, command)
    latency_ms = int((time.perf_counter() - started) * 1000)
    cur = currency(operator.currency)
    return Probe(
        url=target,
        # Any decoded answer (even "unknown player") proves the URL and the keys work.
        reachable=outcome.kind is not OutcomeKind.UNKNOWN,
        outcome=outcome.kind.value,
        # Reelhouse's reading of the answer, never the wallet's bytes (domain/shown_detail).
        detail=shown_detail(outcome.detail),
        balance=format_fixed(outcome.balance_minor, cur)
        if outcome.balance_minor is not None
        else None,
        latency_ms=latency_ms,
    )
