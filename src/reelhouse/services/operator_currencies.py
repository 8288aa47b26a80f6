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

A currency may have a default display unit (mBTC for BTC; domain/display_units.py): the
scale its players see and bet in. A launch may name its own, and its session keeps the one it
opened with for its whole life. `session_view` is the one place that decides what the game
API writes and reads a session's amounts in; the Main API, the wallet's calls, reports and the
ledger stay in the currency itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.display_units import DisplayUnit, display_unit, units_of
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import MAX_CURRENCY_CODE_CHARS
from reelhouse.domain.money import Currency, MoneyError, currency, format_fixed
from reelhouse.services.operators import (
    check_bet_limits,
    check_cap,
    check_dialect_carries,
    find_by_name,
    playable_currency,
)
from reelhouse.services.platform import Platform
from reelhouse.store.models import (
    GameSession,
    LaunchToken,
    Operator,
    OperatorCurrency,
    Player,
    session_currency,
)

# The rule is the store's (its events name a player's currency too); re-exported, since
# the services have always asked here.
from reelhouse.store.models import player_currency as player_currency  # noqa: PLC0414


@dataclass(frozen=True)
class BetLimits:
    """One of an operator's currencies and its limits, in that currency's minor units."""

    currency: Currency
    min_bet_minor: int
    max_bet_minor: int
    max_win_minor: int  # 0 = no limit
    first: bool = False  # the operator's first currency (the default of a launch)
    # The unit its launches show by default (None: the currency itself).
    display_unit: DisplayUnit | None = None

    def described(self) -> dict[str, str]:
        """The limits as text with the currency's decimals (CLI, back office)."""
        return {
            "currency": self.currency.code,
            "min_bet": format_fixed(self.min_bet_minor, self.currency),
            "max_bet": format_fixed(self.max_bet_minor, self.currency),
            "max_win": format_fixed(self.max_win_minor, self.currency),
        }

    @property
    def unit_code(self) -> str:
        """The default display unit's code, "" for none (CLI, back office)."""
        return "" if self.display_unit is None else self.display_unit.code


def stored_unit(code: str | None) -> DisplayUnit | None:
    """A display unit as a row stores it (its code), or None."""
    return None if code is None else display_unit(code)


def first_limits(operator: Operator) -> BetLimits:
    return BetLimits(
        playable_currency(operator.currency),
        operator.min_bet_minor,
        operator.max_bet_minor,
        operator.max_win_minor,
        first=True,
        display_unit=stored_unit(operator.display_unit),
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
        playable_currency(row.currency),
        row.min_bet_minor,
        row.max_bet_minor,
        row.max_win_minor,
        display_unit=stored_unit(row.display_unit),
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
    unit_name: str | None = None,
) -> BetLimits:
    """Offer one more currency, with its limits and its default display unit (`add_in`), by
    the operator's name."""
    with platform.db.transaction() as session:
        operator = find_by_name(session, name)
        limits = (min_bet_minor, max_bet_minor, max_win_minor)
        return add_in(session, operator, code, limits, platform, unit_name)


def add_in(
    session: Session,
    operator: Operator,
    code: str,
    limits: tuple[int, int, int],
    platform: Platform,
    unit_name: str | None = None,
) -> BetLimits:
    """Offer one more currency with its (min bet, max bet, max win) in its minor units and
    its default display unit (None: none). 2014 for a currency Reelhouse does not play or the
    operator's dialect cannot carry, 1012 for limits out of order, a currency offered already
    or a unit not of this currency; the caller's transaction commits."""
    cur = playable_currency(code)
    unit = None if unit_name is None else unit_of(cur, unit_name)
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
            display_unit=None if unit is None else unit.code,
        )
    )
    return BetLimits(cur, low, high, cap, display_unit=unit)


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
    limits = BetLimits(current.currency, low, high, cap, current.first, current.display_unit)
    if current.first:
        operator.min_bet_minor, operator.max_bet_minor, operator.max_win_minor = low, high, cap
    else:
        row = session.get(OperatorCurrency, (operator.id, code))
        assert row is not None
        row.min_bet_minor, row.max_bet_minor, row.max_win_minor = low, high, cap
    return limits


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


# --- display units -------------------------------------------------------------------------


def unit_of(cur: Currency, name: str) -> DisplayUnit:
    """The display unit `name` (its code or its symbol) of `cur`; 1012 for one that is not
    one of its units (an unknown name, or another currency's: mETH for BTC). The name's
    length is checked first, so a long one costs nothing."""
    try:
        unit = display_unit(name)
    except MoneyError as exc:
        raise _no_such_unit(cur, name, str(exc)) from exc
    if unit.base != cur:
        raise _no_such_unit(cur, name, f"{unit.code} is a unit of {unit.base.code}")
    return unit


def _no_such_unit(cur: Currency, name: str, why: str) -> ReelhouseError:
    offered = ", ".join(u.code for u in units_of(cur.code)) or "none"
    shown = repr(name[:MAX_CURRENCY_CODE_CHARS])
    return ReelhouseError(
        ApiCode.PARAMETERS_INVALID,
        f"display unit {shown} is not one of {cur.code}'s ({offered}): {why}",
    )


def launch_unit(limits: BetLimits, asked: str | None) -> DisplayUnit | None:
    """The unit a launch's session shows: the one the launch names (its code or symbol;
    the currency's own code names the currency itself), else the operator's default for the
    currency. 1012 for a unit not of the session's currency, before anything is written."""
    if asked is None:
        return limits.display_unit
    if asked == limits.currency.code:
        return None
    return unit_of(limits.currency, asked)


def session_view(game_session: GameSession, operator: Operator) -> Currency:
    """What the game API writes and reads a session's amounts in: its display unit's view
    (the same minor units with the unit's decimals: 150000 satoshis are "1.50000" mBTC), else
    its currency. The one place this is chosen: every amount the player sees or sends goes
    through it, so a bet is read in the scale the player was shown."""
    if game_session.display_unit is not None:
        return display_unit(game_session.display_unit).view
    return currency(session_currency(game_session, operator))


def session_unit(game_session: GameSession) -> DisplayUnit | None:
    """The session's display unit (None: its currency itself)."""
    return stored_unit(game_session.display_unit)


def unit_json(unit: DisplayUnit | None) -> dict[str, object] | None:
    """A display unit as the game API describes it: code, the symbol to label amounts with,
    and the decimals every amount has in it."""
    if unit is None:
        return None
    return {"code": unit.code, "symbol": unit.symbol, "decimals": unit.decimals}


def set_display_unit(
    session: Session, operator: Operator, code: str, unit_name: str | None
) -> BetLimits:
    """Change the default display unit of one of the operator's currencies (None: none);
    3025 if it has not that currency, 1012 for a unit not of it. Later launches show it;
    open sessions keep theirs. The caller's transaction commits."""
    current = limits_in(session, operator, code)
    unit = None if unit_name is None else unit_of(current.currency, unit_name)
    stored = None if unit is None else unit.code
    if current.first:
        operator.display_unit = stored
    else:
        row = session.get(OperatorCurrency, (operator.id, code))
        assert row is not None
        row.display_unit = stored
    return BetLimits(
        current.currency,
        current.min_bet_minor,
        current.max_bet_minor,
        current.max_win_minor,
        current.first,
        unit,
    )


def update_display_unit(
    platform: Platform, name: str, code: str, unit_name: str | None
) -> BetLimits:
    """`set_display_unit` by the operator's name, in its own transaction (the CLI)."""
    with platform.db.transaction() as session:
        return set_display_unit(session, find_by_name(session, name), code, unit_name)
