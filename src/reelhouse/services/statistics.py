"""Statistics for operators: per player (`/v4/statistics/user`, the spec's), per UTC day and
per game and RTP variant (`/v4/statistics/day`, `/v4/statistics/game`, ours), as JSON or CSV.

Computed on request from indexed queries over the transactions (wallet_calls by operator and
acknowledgement time, ix_wallet_calls_operator_acked, joined to rounds by primary key): the
spin path writes no counter row for them, so reporting adds no hot row and no write to a spin.
The figures are those of the transaction feeds, so they can be recomputed from them:

- `bet` (`slot_bet`): the bets (type 1 rows) the wallet acknowledged in the window. A bet whose
  answer was lost and that was refunded appears in the feed with its cancel (type 16): it
  counts as neither, since Reelhouse cancels only such bets of its own rounds.
- `win` (`slot_win`): the wins (type 2 rows) acknowledged in the window, free rounds' included.
- `ggr` = bet - win.
- `rounds`: rounds with a win row in the window (every round of Reelhouse's own gets exactly
  one, 0 on a loss; a relayed round, an upstream provider's, may get several and is still
  one round); `free_rounds` of them were free. `stake`: those rounds' bets, free rounds at
  their granted bet. `players`: distinct players with a bet or win row.
- `rtp_observed` = win / stake of the rounds settled in the window, an exact ratio rendered in
  percent with 2 decimals; `rtp_theoretical` is the exact RTP of the variants those rounds
  were played on (reelhouse.games.exact), weighted by stake; a round played under a max win
  per round counts at the effective RTP that cap leaves at its bet (E[min(win, cap)] / bet,
  services/win_cap.py), so the two figures compare like with like. Both are null when
  nothing was staked; the theoretical one also when an upstream provider's game was played
  (its math is not ours), or a capped round's figures do not match its math.
- A relayed bet the casino acknowledged and its provider then rolled back (a type 1 row and
  a type 16 row) counts as neither: its refund is taken off `bet` when the cancel is
  acknowledged (`_refunds`). Reelhouse's own rounds have no such cancel.
- Per game, rows are keyed by provider, game and variant (docs/providers.md, "Relayed rounds
  in every view").
- Every figure is in one currency: amounts of two currencies never add up. A transaction's
  currency is its player's (`players.currency`, fixed by its first real-money launch and
  never changed after; NULL: the operator's first), which every round of that player is
  played in (a relayed round plays in the operator's first currency, and only such players
  may play one). Players are joined by primary key, so the queries stay on the same
  indexes. Per player, a row names its player's currency; per day and per game, the rows
  are keyed by currency too (`currency_code`): an operator with one currency gets the rows
  it always had, each naming that currency.

Money is integer minor units throughout and decimal text with the currency's digits on output.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    Subquery,
    case,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from reelhouse.domain.clock import UTC, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import STATS_MAX_DAYS
from reelhouse.domain.money import Currency, currency, format_fixed
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind, OutcomeKind
from reelhouse.games import catalogue
from reelhouse.games.exact import rtp_breakdown
from reelhouse.services import win_cap
from reelhouse.services.online import check_page
from reelhouse.services.operator_currencies import currencies_of, player_currency
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import GameLabels, is_upstream
from reelhouse.services.transactions import check_window
from reelhouse.store.models import Operator, Player, Round, WalletCall

API_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
TYPE_BET, TYPE_WIN = 1, 2

# The spec's four columns keep their places; ours comes after them.
USER_COLUMNS = ("user_code", "user_name", "slot_bet", "slot_win", "currency_code")
TALLY_COLUMNS = (
    "bet", "win", "ggr", "rounds", "free_rounds", "stake", "players",
    "rtp_observed", "rtp_theoretical",
)  # fmt: skip
# The currency is part of a row's key: it follows the rest of the key.
DAY_COLUMNS = ("date", "currency_code", *TALLY_COLUMNS)
GAME_COLUMNS = (
    "provider_id", "game_code", "game_name", "rtp_variant", "currency_code", *TALLY_COLUMNS,
)  # fmt: skip


def _invalid(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def _money_rows(operator_id: int, lo: dt.datetime, hi: dt.datetime) -> list[ColumnElement[bool]]:
    """The feed's bets and wins acknowledged in [lo, hi) (naive UTC)."""
    return [
        WalletCall.operator_id == operator_id,
        WalletCall.acked_at_utc >= lo,
        WalletCall.acked_at_utc < hi,
        WalletCall.state == CallState.ACKED.value,
        WalletCall.trans_type.in_((TYPE_BET, TYPE_WIN)),
    ]


def _currency_of_player(operator: Operator) -> ColumnElement[str]:
    """The currency of a joined player's transactions: its own, else the operator's first
    (services/operator_currencies.player_currency, in SQL)."""
    return func.coalesce(Player.currency, literal(operator.currency))


def _amount_of(trans_type: int) -> Any:
    """A row's amount if it is of `trans_type`, else 0."""
    return case((WalletCall.trans_type == trans_type, WalletCall.amount_minor), else_=0)


# --- per player (the spec's /v4/statistics/user) -----------------------------------------


def per_player_totals(operator_id: int, lo: dt.datetime, hi: dt.datetime) -> Subquery:
    """Each player's `bet` and `win` acknowledged in [lo, hi) (naive UTC), as a subquery of
    (player_id, bet, win): the bets and wins, and refunds of acknowledged bets (a relayed
    bet its provider rolled back) as negative bets, so a player whose only row in the window
    is such a refund is listed too."""
    refunds = _refunds(operator_id, lo, hi).subquery()
    moves = union_all(
        select(
            WalletCall.player_id.label("player_id"),
            _amount_of(TYPE_BET).label("bet"),
            _amount_of(TYPE_WIN).label("win"),
        ).where(*_money_rows(operator_id, lo, hi)),
        select(
            refunds.c.player_id,
            (-refunds.c.amount).label("bet"),
            literal(0, BigInteger).label("win"),
        ),
    ).subquery()
    return (
        select(
            moves.c.player_id,
            func.sum(moves.c.bet).label("bet"),
            func.sum(moves.c.win).label("win"),
        )
        .group_by(moves.c.player_id)
        .subquery()
    )


def user_page(
    platform: Platform, operator_id: int, start_text: str, end_text: str, offset: int, limit: int
) -> dict[str, Any]:
    """Each player's bets and wins in [start_time, end_time) (at most one hour), by user_code."""
    start, end = check_window(start_text, end_text)
    check_page(offset, limit)
    lo, hi = to_naive_utc(start), to_naive_utc(end)
    per_player = per_player_totals(operator_id, lo, hi)
    with platform.db.transaction(read_only=True) as session:
        operator = _operator(session, operator_id)
        total = session.scalar(select(func.count()).select_from(per_player)) or 0
        rows = session.execute(
            select(per_player, Player)
            .join(Player, Player.id == per_player.c.player_id)
            .order_by(per_player.c.player_id)
            .offset(offset)
            .limit(limit)
        ).all()
        # Each player's figures are in its own currency (every round of it is).
        shown = [(row, currency(player_currency(row.Player, operator))) for row in rows]
    items = [
        {
            "user_code": row.player_id,
            "user_name": row.Player.name,
            "slot_bet": format_fixed(int(row.bet), cur),
            "slot_win": format_fixed(int(row.win), cur),
            "currency_code": cur.code,
        }
        for row, cur in shown
    ]
    return {"total": total, "offset": offset, "count": len(items), "list": items}


# --- per day and per game (ours) ----------------------------------------------------------


@dataclass
class Tally:
    bet: int = 0
    win: int = 0
    rounds: int = 0
    free_rounds: int = 0
    stake: int = 0
    players: int = 0
    # By (provider_id, game_code, rtp_variant, bet_minor, win_cap_minor or 0).
    stake_by_variant: dict[tuple[int, str, int, int, int], int] = field(
        default_factory=lambda: defaultdict(int)
    )


def parse_date(text: str, name: str) -> dt.date:
    if not API_DATE.fullmatch(text):
        raise _invalid(f"{name} must be 'yyyy-MM-dd' (a UTC day)")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _invalid(f"{name} is not a valid date: {text!r}") from exc


def check_days(start_text: str, end_text: str) -> tuple[dt.date, dt.date]:
    """Both days included; at most STATS_MAX_DAYS of them (1012 otherwise)."""
    first, last = parse_date(start_text, "start_date"), parse_date(end_text, "end_date")
    if not 0 <= (last - first).days < STATS_MAX_DAYS:
        raise _invalid(f"end_date must be on or after start_date, within {STATS_MAX_DAYS} days")
    return first, last


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(first, dt.time(), UTC)
    return to_naive_utc(lo), to_naive_utc(lo + dt.timedelta(days=(last - first).days + 1))


def _refunds(operator_id: int, lo: dt.datetime, hi: dt.datetime) -> Select[Any]:
    """Cancels acknowledged in [lo, hi) of bets the wallet had acknowledged: a relayed
    round's bet rolled back by its provider (services/relay.py). Reelhouse cancels its own
    bets only when their outcome is unknown (never acknowledged), so its own rounds have
    none. Each refund takes its bet back out of `bet` when the cancel is acknowledged, as the
    operator's ledger does. Columns: the cancel's day, its round, player and amount."""
    bet = aliased(WalletCall)
    return (
        select(
            func.date(WalletCall.acked_at_utc).label("day"),
            WalletCall.round_id.label("round_id"),
            WalletCall.player_id.label("player_id"),
            WalletCall.amount_minor.label("amount"),
        )
        .select_from(WalletCall)
        .join(bet, bet.id == WalletCall.cancel_of_id)
        .where(
            WalletCall.operator_id == operator_id,
            WalletCall.acked_at_utc >= lo,
            WalletCall.acked_at_utc < hi,
            WalletCall.state == CallState.ACKED.value,
            WalletCall.kind == CommandKind.CANCEL.value,
            WalletCall.last_outcome != OutcomeKind.NOT_FOUND.value,
            bet.state == CallState.ACKED.value,
        )
    )


# A round's provider: Reelhouse's own (1) where none is recorded.
_PROVIDER = func.coalesce(Round.provider_id, catalogue.PROVIDER_ID)


# A day's tally: (day, currency); a game's: (provider_id, game_code, rtp_variant, currency).
DayKey = tuple[str, str]
GameKey = tuple[int, str, int, str]


def _tallies(
    session: Session, operator: Operator, first: dt.date, last: dt.date, by_day: bool
) -> dict[Any, Tally]:
    """One Tally per day and currency (by_day), or per provider, game, variant and currency."""
    lo, hi = _bounds(first, last)
    day = func.date(WalletCall.acked_at_utc)
    money_currency = _currency_of_player(operator)
    keys = (day,) if by_day else (_PROVIDER, Round.game_code, Round.rtp_variant)
    is_free = case((Round.free_round_id.is_not(None), 1), else_=0)

    def key_of(on: Any, provider_id: Any, game_code: str, variant: int, code: str) -> Any:
        return (str(on), code) if by_day else (int(provider_id), game_code, variant, code)

    # Grouped by round first: a relayed round may have several wins (the provider's), and is
    # still one round with one stake; each of Reelhouse's own rounds has exactly one win row.
    # A round's rows are all of its player, so of one currency.
    per_round = (
        select(
            day.label("day"),
            _PROVIDER.label("provider_id"),
            Round.game_code.label("game_code"),
            Round.rtp_variant.label("variant"),
            money_currency.label("currency"),
            WalletCall.trans_type.label("trans_type"),
            func.sum(WalletCall.amount_minor).label("amount"),
            func.max(Round.bet_minor).label("stake"),
            func.max(is_free).label("free"),
            func.max(func.coalesce(Round.win_cap_minor, 0)).label("cap"),
        )
        .select_from(WalletCall)
        .join(Round, Round.id == WalletCall.round_id)
        .join(Player, Player.id == WalletCall.player_id)
        .where(*_money_rows(operator.id, lo, hi))
        .group_by(
            day,
            _PROVIDER,
            Round.game_code,
            Round.rtp_variant,
            money_currency,
            WalletCall.trans_type,
            Round.id,
        )
        .subquery()
    )
    c = per_round.c
    money = session.execute(
        select(
            c.day,
            c.provider_id,
            c.game_code,
            c.variant,
            c.currency,
            c.trans_type,
            c.stake.label("bet"),
            c.cap,
            func.count(),
            func.sum(c.amount),
            func.sum(c.stake),
            func.sum(c.free),
        ).group_by(
            c.day, c.provider_id, c.game_code, c.variant, c.currency, c.trans_type, c.stake, c.cap
        )
    ).all()
    tallies: dict[Any, Tally] = defaultdict(Tally)
    for row in money:
        on, provider_id, game_code, variant, code, trans_type, bet, cap = row[:8]
        count, amount, stake, free = row[8:]
        tally = tallies[key_of(on, provider_id, game_code, variant, code)]
        if trans_type == TYPE_BET:
            tally.bet += int(amount)
        else:
            tally.win += int(amount)
            tally.rounds += int(count)
            tally.free_rounds += int(free)
            tally.stake += int(stake)
            variant_key = (int(provider_id), game_code, variant, int(bet), int(cap))
            tally.stake_by_variant[variant_key] += int(stake)
    refunds = _refunds(operator.id, lo, hi).subquery()
    refunded = session.execute(
        select(
            refunds.c.day,
            _PROVIDER,
            Round.game_code,
            Round.rtp_variant,
            money_currency,
            refunds.c.amount,
        )
        .join(Round, Round.id == refunds.c.round_id)
        .join(Player, Player.id == refunds.c.player_id)
    ).all()
    for on, provider_id, game_code, variant, code, amount in refunded:
        tallies[key_of(on, provider_id, game_code, variant, code)].bet -= int(amount)
    players = select(*keys, money_currency, func.count(func.distinct(WalletCall.player_id)))
    players = players.select_from(WalletCall)
    if not by_day:
        players = players.join(Round, Round.id == WalletCall.round_id)
    players = players.join(Player, Player.id == WalletCall.player_id)
    players = players.where(*_money_rows(operator.id, lo, hi))
    for *key, code, count in session.execute(players.group_by(*keys, money_currency)).all():
        if by_day:
            tallies[(str(key[0]), code)].players = int(count)
        else:
            tallies[(int(key[0]), key[1], key[2], code)].players = int(count)
    return tallies


def theoretical_rtp(
    game_code: str, variant: int, provider_id: int = catalogue.PROVIDER_ID
) -> Fraction | None:
    """The exact RTP of a catalogue variant, as a fraction of the bet; None if it left the
    catalogue, or for an upstream provider's game (its math is the provider's, not known
    here). Computed once per math version (the math hash is part of the cache key)."""
    if is_upstream(provider_id):
        return None
    game = catalogue.get_game(game_code)
    if game is None or variant not in game.rtp_variants:
        return None
    return _exact_rtp(game_code, variant, catalogue.math_hash(game, variant))


@cache
def _exact_rtp(game_code: str, variant: int, math_hash: str) -> Fraction:
    game = catalogue.get_game(game_code)
    assert game is not None and catalogue.math_hash(game, variant) == math_hash
    # The float is exact to double precision (games/exact.py); Fraction keeps it as it is.
    return Fraction(rtp_breakdown(game, variant).rtp)


def percent(ratio: Fraction | None) -> str | None:
    """A ratio as a percentage with 2 decimals, rounded half to even, from exact arithmetic."""
    if ratio is None:
        return None
    hundredths = round(ratio * 10_000)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def _theoretical(tally: Tally) -> Fraction | None:
    """The stake-weighted exact RTP of the variants played; None if nothing was staked or a
    variant played is no longer in the catalogue, or an upstream provider's game was played."""
    if not tally.stake:
        return None
    total = Fraction(0)
    for (provider_id, game_code, variant, bet, cap), stake in tally.stake_by_variant.items():
        rtp = theoretical_rtp(game_code, variant, provider_id)
        if rtp is None:
            return None
        if cap:
            rtp = _effective_rtp(game_code, variant, cap, bet)
            if rtp is None:
                return None
        total += rtp * stake
    return total / tally.stake


def _effective_rtp(game_code: str, variant: int, cap_minor: int, bet_minor: int) -> Fraction | None:
    """The RTP a round at this bet under this max win per round returns (facts.json's table,
    to 2 decimals of a percent); None when no figures match the variant's math."""
    game = catalogue.get_game(game_code)
    assert game is not None  # theoretical_rtp found it
    percent_rtp = win_cap.effective_rtp_at(game, variant, cap_minor, bet_minor)
    return None if percent_rtp is None else Fraction(percent_rtp) / 100


def _tally_json(tally: Tally, cur: Currency) -> dict[str, Any]:
    return {
        "bet": format_fixed(tally.bet, cur),
        "win": format_fixed(tally.win, cur),
        "ggr": format_fixed(tally.bet - tally.win, cur),
        "rounds": tally.rounds,
        "free_rounds": tally.free_rounds,
        "stake": format_fixed(tally.stake, cur),
        "players": tally.players,
        "rtp_observed": percent(Fraction(tally.win, tally.stake) if tally.stake else None),
        "rtp_theoretical": percent(_theoretical(tally)),
    }


def _codes(session: Session, operator: Operator, seen: Iterable[str]) -> list[str]:
    """The currencies to report, in the operator's order (its first one first, then in the
    order added), then any other one its players' rows hold, by code."""
    offered = [limits.currency.code for limits in currencies_of(session, operator)]
    return offered + sorted(set(seen) - set(offered))


def day_rows(
    platform: Platform, operator_id: int, start_text: str, end_text: str
) -> dict[str, Any]:
    """One row per UTC day from start_date to end_date and per currency the operator offers,
    days without play included. `currency` is the operator's first (each row names its own)."""
    first, last = check_days(start_text, end_text)
    with platform.db.transaction(read_only=True) as session:
        operator = _operator(session, operator_id)
        tallies: dict[DayKey, Tally] = _tallies(session, operator, first, last, by_day=True)
        codes = _codes(session, operator, (code for _, code in tallies))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    rows = [
        {"date": day.isoformat(), "currency_code": code}
        | _tally_json(tallies.get((day.isoformat(), code), Tally()), currency(code))
        for day in days
        for code in codes
    ]
    return {
        "currency": operator.currency,
        "start_date": start_text,
        "end_date": end_text,
        "list": rows,
    }


def game_rows(
    platform: Platform, operator_id: int, start_text: str, end_text: str
) -> dict[str, Any]:
    """One row per game, RTP variant and currency played from start_date to end_date."""
    first, last = check_days(start_text, end_text)
    with platform.db.transaction(read_only=True) as session:
        operator = _operator(session, operator_id)
        tallies: dict[GameKey, Tally] = _tallies(session, operator, first, last, by_day=False)
        rank = {
            code: n for n, code in enumerate(_codes(session, operator, (k[3] for k in tallies)))
        }
        labels = GameLabels(session)
        names = {key: labels.label(key[0], key[1]).game_name for key in tallies}
    rows = []
    # Reelhouse's own games (provider 1) first, in the order they always had; a game's
    # currencies in the operator's order.
    for key in sorted(tallies, key=lambda key: (*key[:3], rank[key[3]])):
        provider_id, game_code, variant, code = key
        rows.append(
            {
                "provider_id": provider_id,
                "game_code": game_code,
                "game_name": names[key],
                "rtp_variant": variant,
                "currency_code": code,
            }
            | _tally_json(tallies[key], currency(code))
        )
    return {
        "currency": operator.currency,
        "start_date": start_text,
        "end_date": end_text,
        "list": rows,
    }


def _operator(session: Session, operator_id: int) -> Operator:
    operator = session.get(Operator, operator_id)
    assert operator is not None
    return operator


# --- CSV ----------------------------------------------------------------------------------


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """RFC 4180 CSV with a header row; null is an empty field. Money stays decimal text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c] for c in columns])
    return out.getvalue()
