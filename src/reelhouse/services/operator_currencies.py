"""The currencies an operator offers, each with its own bet limits, and the currency of a
launch, a session and a player (docs/operator-guide.md, "Currencies").

An operator's first currency and its limits stay on its own row (operators.currency,
min_bet_minor...), where every operator from before several currencies keeps them; each
further currency is a row of operator_currencies. Every reader goes through `limits_in`, so
the two places never disagree about which one holds a currency.

A player plays in one currency: the wallet keeps one balance per account, and neither
slotcity-v4 nor iGamingAce B names the currency on the wire, so a bet of `100` must mean the
same money every time the wallet sees that account. The player's currency is fixed by its
first real-money launch (or free-round grant); players from before are fixed in their
operator's first currency by migration 0020.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.money import Currency, format_fixed
from reelhouse.services.operators import (
    check_bet_limits,
    check_cap,
    check_dialect_carries,
    find_by_name,
    playable_currency,
)
from reelhouse.services.platform import Platform
from reelhouse.store.models import (
    LaunchToken,
    Operator,
    OperatorCurrency,
    Player,
)


@dataclass(frozen=True)
class BetLimits:
    """One of an operator's currencies and its limits, in that currency's minor units."""

    currency: Currency
    min_bet_minor: int
    max_bet_minor: int
    max_win_minor: int  # 0 = no limit
    first: bool = False  # the operator's first currency (the default of a launch)

    def described(self) -> dict[str, str]:
        """The limits as text with the currency's decimals (CLI, back office)."""
        return {
            "currency": self.currency.code,
            "min_bet": format_fixed(self.min_bet_minor, self.currency),
            "max_bet": format_fixed(self.max_bet_minor, self.currency),
            "max_win": format_fixed(self.max_win_minor, self.currency),
        }


def first_limits(operator: Operator) -> BetLimits:
    return BetLimits(
        playable_currency(operator.currency),
        operator.min_bet_minor,
        operator.max_bet_minor,
        operator.max_win_minor,
        first=True,
    )


def not_offered(operator: Operator, code: str) -> ReelhouseError:
    return ReelhouseError(
        ApiCode.CURRENCY_NOT_OFFERED,
        f"{code!r} is not one of the agent's currencies (its first is {operator.currency})",
    )


def limits_in(session: Session, operator: Operator, code: str) -> BetLimits:
    """The operator's limits in `code`, or 3025 if it does not offer that currency. The
    first currency is read from the operator's row, so it costs no query."""
    if code == operator.currency:
        return first_limits(operator)
    row = session.get(OperatorCurrency, (operator.id, code))
    if row is None:
        raise not_offered(operator, code)
    return _further_limits(row)


def _further_limits(row: OperatorCurrency) -> BetLimits:
    return BetLimits(
        playable_currency(row.currency), row.min_bet_minor, row.max_bet_minor, row.max_win_minor
    )


def currencies_of(session: Session, operator: Operator) -> list[BetLimits]:
    """Every currency the operator offers, its first one first, then in the order added."""
    rows = session.scalars(
        select(OperatorCurrency)
        .where(OperatorCurrency.operator_id == operator.id)
        .order_by(OperatorCurrency.added_at_utc, OperatorCurrency.currency)
    )
    return [first_limits(operator), *(_further_limits(row) for row in rows)]


def launch_currency(launch: LaunchToken, operator: Operator) -> str:
    """The currency a launch chose; launches from before migration 0020, the first."""
    return launch.currency or operator.currency


def add_currency(
    platform: Platform,
    name: str,
    code: str,
    *,
    min_bet_minor: int,
    max_bet_minor: int,
    max_win_minor: int = 0,
) -> BetLimits:
    """Offer one more currency, with its limits (`add_in`), by the operator's name."""
    with platform.db.transaction() as session:
        operator = find_by_name(session, name)
        return add_in(
            session, operator, code, (min_bet_minor, max_bet_minor, max_win_minor), platform
        )


def add_in(
    session: Session,
    operator: Operator,
    code: str,
    limits: tuple[int, int, int],
    platform: Platform,
) -> BetLimits:
    """Offer one more currency with its (min bet, max bet, max win) in its minor units. 2014
    for a currency Reelhouse does not play or the operator's dialect cannot carry, 1012 for
    limits out of order or a currency offered already; the caller's transaction commits."""
    cur = playable_currency(code)
    check_bet_limits(*limits)
    check_dialect_carries(operator.dialect, cur)
    check_cap(platform, operator.rtp_bp, limits[1], limits[2])
    further = session.get(OperatorCurrency, (operator.id, code))
    if code == operator.currency or further is not None:
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID, f"operator {operator.name!r} offers {code} already"
        )
    low, high, cap = limits
    session.add(
        OperatorCurrency(
            operator_id=operator.id,
            currency=cur.code,
            min_bet_minor=low,
            max_bet_minor=high,
            max_win_minor=cap,
            added_at_utc=to_naive_utc(platform.clock.now()),
        )
    )
    return BetLimits(cur, low, high, cap)


def update_bet_limits(
    platform: Platform, name: str, code: str, limits: tuple[int, int, int]
) -> BetLimits:
    """`set_bet_limits` by the operator's name, in its own transaction (the CLI), after the
    floor on the effective RTP at this currency's max bet (3033, 3034)."""
    with platform.db.transaction() as session:
        operator = find_by_name(session, name)
        check_cap(platform, operator.rtp_bp, limits[1], limits[2])
        return set_bet_limits(session, operator, code, *limits)


def check_caps(platform: Platform, session: Session, operator: Operator, rtp_bp: int) -> None:
    """The floor on the effective RTP (services/win_cap.py, 3033, 3034) at `rtp_bp`, checked
    per currency: each currency's max win in bets at its own max bet. Amounts in different
    currencies do not compare, so there is no "largest max bet" across them; each pair (max
    bet, max win) is what its players can meet."""
    for limits in currencies_of(session, operator):
        check_cap(platform, rtp_bp, limits.max_bet_minor, limits.max_win_minor)


def set_bet_limits(
    session: Session, operator: Operator, code: str, low: int, high: int, cap: int
) -> BetLimits:
    """Change the limits of one of the operator's currencies (3025 if it has not that one,
    1012 for limits out of order); the caller's transaction commits them."""
    current = limits_in(session, operator, code)
    check_bet_limits(low, high, cap)
    limits = BetLimits(current.currency, low, high, cap, current.first)
    if current.first:
        operator.min_bet_minor, operator.max_bet_minor, operator.max_win_minor = low, high, cap
    else:
        row = session.get(OperatorCurrency, (operator.id, code))
        assert row is not None
        row.min_bet_minor, row.max_bet_minor, row.max_win_minor = low, high, cap
    return limits


def player_currency(player: Player, operator: Operator) -> str:
    """The currency the player plays in, or will by default: its own once fixed, else the
    operator's first."""
    return player.currency or operator.currency


def check_player_currency(player: Player, code: str) -> None:
    """3026 if the player's currency is fixed to another than `code`."""
    if player.currency is not None and player.currency != code:
        raise ReelhouseError(
            ApiCode.PLAYER_CURRENCY_FIXED,
            f"the player plays in {player.currency}, not {code}; use another player account"
            " for another currency",
        )


def fix_player_currency(session: Session, player: Player, code: str) -> None:
    """Fix the player's currency to `code` if it has none yet; 3026 if it has another. One
    conditional update, so two first launches in two currencies at once cannot both win."""
    if player.currency is None:
        session.execute(
            update(Player)
            .where(Player.id == player.id, Player.currency.is_(None))
            .values(currency=code)
        )
        session.refresh(player, ["currency"])
    check_player_currency(player, code)
