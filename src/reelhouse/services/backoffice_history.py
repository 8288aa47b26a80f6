"""What the back office lists for one operator: players, transactions (every wallet call,
pending and failed ones included) and game history (rounds), with filters and paging.

Every query takes the operator's id and filters on it first: a row of another operator is
never read, so a user who edits an id in a URL finds nothing (the pages answer 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from reelhouse.domain.clock import UTC, from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import BACKOFFICE_HISTORY_MAX_DAYS, BACKOFFICE_PAGE_ROWS
from reelhouse.domain.money import Currency, currency, format_fixed
from reelhouse.domain.numbers import id_of
from reelhouse.domain.states import (
    NOT_PLAYED_ROUND_STATES,
    CallState,
    RoundState,
    shown_win_minor,
)
from reelhouse.domain.wallet import CommandKind
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import GameLabels
from reelhouse.store.models import GameSession, Operator, Player, Round, WalletCall

# Transaction types the filter offers; "errors" are calls that failed or wait for a person.
CALL_TYPES: dict[str, ColumnElement[bool]] = {
    "bet": WalletCall.kind.in_([CommandKind.BET.value, CommandKind.BET_WIN.value]),
    "win": WalletCall.kind == CommandKind.WIN.value,
    "cancel": WalletCall.kind == CommandKind.CANCEL.value,
    "errors": WalletCall.state.in_(
        [CallState.REFUSED.value, CallState.UNKNOWN.value, CallState.MANUAL.value]
    ),
    "pending": WalletCall.state.in_([CallState.QUEUED.value, CallState.IN_FLIGHT.value]),
}
ROUND_TYPES: dict[str, ColumnElement[bool]] = {
    "settled": Round.state == RoundState.SETTLED.value,
    "cancel": Round.state.in_([RoundState.CANCELLING.value, RoundState.CANCELLED.value]),
    "errors": Round.state.in_([RoundState.REJECTED.value, RoundState.CANCELLING.value]),
    "pending": Round.state.in_([RoundState.BET_PENDING.value, RoundState.DEBITED.value]),
    "free": Round.free_round_id.is_not(None),
}


def _invalid(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


@dataclass(frozen=True)
class Filters:
    """A history query as the form wrote it; blank means "any"."""

    start: str = ""  # YYYY-MM-DD, UTC, inclusive
    end: str = ""
    player: str = ""  # a name, or a user_code
    ident: str = ""  # a trans_id (transactions) or a round_id (rounds)
    game: str = ""
    kind: str = ""
    page: int = 1


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    page: int
    pages: int
    total: int


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise _invalid(f"{name} must be a date YYYY-MM-DD") from exc


def period(filters: Filters, today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start of the first day, start of the day after the last), UTC; default: 7 days."""
    last = _date(filters.end, "to") if filters.end else today
    first = _date(filters.start, "from") if filters.start else last - dt.timedelta(days=6)
    if first > last:
        raise _invalid("the period starts after it ends")
    if (last - first).days + 1 > BACKOFFICE_HISTORY_MAX_DAYS:
        raise _invalid(f"a period covers at most {BACKOFFICE_HISTORY_MAX_DAYS} days")
    start = dt.datetime.combine(first, dt.time(), tzinfo=UTC)
    return start, start + dt.timedelta(days=(last - first).days + 1)


def _ident(text: str, name: str) -> int | None:
    if not text.strip():
        return None
    value = id_of(text)
    if value is None:
        raise _invalid(f"{name} must be a number")
    return value


def _player_criterion(text: str, column: InstrumentedAttribute[int]) -> ColumnElement[bool] | None:
    value = text.strip()
    if not value:
        return None
    by_name = select(Player.id).where(Player.name == value)
    user_code = id_of(value)
    if user_code is not None:
        return or_(column == user_code, column.in_(by_name))
    return column.in_(by_name)


def _paged(
    session: Session, query: Select[*tuple[Any, ...]], page: int
) -> tuple[list[Any], int, int]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // BACKOFFICE_PAGE_ROWS))
    page = min(max(page, 1), pages)
    rows = session.execute(
        query.offset((page - 1) * BACKOFFICE_PAGE_ROWS).limit(BACKOFFICE_PAGE_ROWS)
    )
    return list(rows), page, total


def _iso(moment: dt.datetime | None) -> str:
    return "" if moment is None else from_naive_utc(moment).strftime("%Y-%m-%d %H:%M:%S")


def _currency(session: Session, operator_id: int) -> Callable[[str | None], Currency]:
    """The currency of a row's amounts from its session's (or player's) currency; None is
    the operator's first (rows from before several currencies)."""
    operator = session.get(Operator, operator_id)
    assert operator is not None
    first = operator.currency
    return lambda code: currency(code or first)


def _game_name(labels: GameLabels, provider_id: int | None, code: str) -> str:
    """A game's name; an upstream game's with its provider's title, so a relayed round is
    never taken for one of Reelhouse's own."""
    label = labels.label(provider_id, code)
    return f"{label.game_name} ({label.provider_name})" if label.upstream else label.game_name


def transactions(platform: Platform, operator_id: int, filters: Filters) -> Page:
    """Every wallet call of the operator in the period, newest first."""
    start, end = period(filters, platform.clock.now().date())
    query = (
        select(WalletCall, Round.game_code, Round.provider_id, Player.name, GameSession.currency)
        .join(Round, Round.id == WalletCall.round_id)
        .join(GameSession, GameSession.id == Round.session_id)
        .join(Player, Player.id == WalletCall.player_id)
        .where(
            WalletCall.operator_id == operator_id,
            WalletCall.created_at_utc >= to_naive_utc(start),
            WalletCall.created_at_utc < to_naive_utc(end),
        )
        .order_by(WalletCall.id.desc())
    )
    if (trans_id := _ident(filters.ident, "trans id")) is not None:
        query = query.where(WalletCall.id == trans_id)
    if (player := _player_criterion(filters.player, WalletCall.player_id)) is not None:
        query = query.where(player)
    if filters.game:
        query = query.where(Round.game_code == filters.game)
    if filters.kind:
        if filters.kind not in CALL_TYPES:
            raise _invalid(f"type must be one of {', '.join(CALL_TYPES)}")
        query = query.where(CALL_TYPES[filters.kind])
    with platform.db.transaction(read_only=True) as session:
        cur_of = _currency(session, operator_id)
        rows, page, total = _paged(session, query, filters.page)
        labels = GameLabels(session)
        items = [
            {
                "trans_id": call.id,
                "round_id": call.round_id,
                "player": name,
                "user_code": call.player_id,
                "game": _game_name(labels, provider_id, game_code),
                "kind": call.kind,
                "trans_type": call.trans_type,
                "amount": format_fixed(call.amount_minor, cur_of(code)),
                "state": call.state,
                "outcome": call.last_outcome,
                "attempts": call.attempts,
                "balance": format_fixed(call.balance_after_minor, cur_of(code))
                if call.balance_after_minor is not None
                else "",
                "created_at": _iso(call.created_at_utc),
                "acked_at": _iso(call.acked_at_utc),
            }
            for call, game_code, provider_id, name, code in rows
        ]
    return Page(items, page, max(1, -(-total // BACKOFFICE_PAGE_ROWS)), total)


def rounds(platform: Platform, operator_id: int, filters: Filters) -> Page:
    """Every round of the operator in the period (demo rounds excepted), newest first."""
    start, end = period(filters, platform.clock.now().date())
    query = (
        select(Round, Player.name, GameSession.currency)
        .join(Player, Player.id == Round.player_id)
        .join(GameSession, GameSession.id == Round.session_id)
        .where(
            Round.operator_id == operator_id,
            Round.created_at_utc >= to_naive_utc(start),
            Round.created_at_utc < to_naive_utc(end),
            Round.demo.is_(False),  # fun money: nothing of the operator's
        )
        .order_by(Round.id.desc())
    )
    if (round_id := _ident(filters.ident, "round id")) is not None:
        query = query.where(Round.id == round_id)
    if (player := _player_criterion(filters.player, Round.player_id)) is not None:
        query = query.where(player)
    if filters.game:
        query = query.where(Round.game_code == filters.game)
    if filters.kind:
        if filters.kind not in ROUND_TYPES:
            raise _invalid(f"type must be one of {', '.join(ROUND_TYPES)}")
        query = query.where(ROUND_TYPES[filters.kind])
    with platform.db.transaction(read_only=True) as session:
        cur_of = _currency(session, operator_id)
        rows, page, total = _paged(session, query, filters.page)
        labels = GameLabels(session)
        items = [
            {
                "round_id": round_.id,
                "player": name,
                "user_code": round_.player_id,
                "game": _game_name(labels, round_.provider_id, round_.game_code),
                "rtp_variant": round_.rtp_variant,
                "bet": format_fixed(round_.bet_minor, cur_of(code)),
                # A refused or refunded round paid nothing, whatever its outcome would have.
                "win": format_fixed(
                    shown_win_minor(RoundState(round_.state), round_.win_minor), cur_of(code)
                ),
                "state": round_.state,
                "played": RoundState(round_.state) not in NOT_PLAYED_ROUND_STATES,
                "free_round": round_.free_round_id is not None,
                "capped": bool(round_.win_capped)
                and RoundState(round_.state) not in NOT_PLAYED_ROUND_STATES,
                "created_at": _iso(round_.created_at_utc),
            }
            for round_, name, code in rows
        ]
    return Page(items, page, max(1, -(-total // BACKOFFICE_PAGE_ROWS)), total)


def owns_round(platform: Platform, operator_id: int, round_id: int) -> bool:
    with platform.db.transaction(read_only=True) as session:
        owner = session.scalar(select(Round.operator_id).where(Round.id == round_id))
    return owner == operator_id


def players(platform: Platform, operator_id: int, search: str, page: int) -> Page:
    """The operator's players whose name contains `search` (or whose user_code it is)."""
    text = search.strip()
    counts = (
        select(
            Round.player_id,
            func.count().label("rounds"),
            func.max(Round.created_at_utc).label("last"),
        )
        .where(Round.operator_id == operator_id)
        .group_by(Round.player_id)
        .subquery()
    )
    query = (
        select(Player, counts.c.rounds, counts.c.last)
        .outerjoin(counts, counts.c.player_id == Player.id)
        .where(Player.operator_id == operator_id)
        .order_by(Player.name)
    )
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        match: ColumnElement[bool] = Player.name.ilike(f"%{escaped}%", escape="\\")
        user_code = id_of(text)
        if user_code is not None:
            match = or_(match, Player.id == user_code)
        query = query.where(match)
    with platform.db.transaction(read_only=True) as session:
        cur_of = _currency(session, operator_id)
        rows, page, total = _paged(session, query, page)
        items = [
            {
                "user_code": player.id,
                "name": player.name,
                "balance": format_fixed(player.last_balance_minor, cur_of(player.currency))
                if player.last_balance_minor is not None
                else "",
                "rounds": int(count or 0),
                "last_round_at": _iso(last),
                "created_at": _iso(player.created_at_utc),
            }
            for player, count, last in rows
        ]
    return Page(items, page, max(1, -(-total // BACKOFFICE_PAGE_ROWS)), total)


def player(platform: Platform, operator_id: int, user_code: int) -> dict[str, Any] | None:
    """One player of this operator, or None (also for another operator's player)."""
    with platform.db.transaction(read_only=True) as session:
        found = session.get(Player, user_code)
        if found is None or found.operator_id != operator_id:
            return None
        cur = _currency(session, operator_id)(found.currency)
        totals = session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(Round.bet_minor), 0),
                func.coalesce(func.sum(Round.win_minor), 0),
            ).where(Round.player_id == user_code, Round.state == RoundState.SETTLED.value)
        ).one()
        return {
            "user_code": found.id,
            "name": found.name,
            "balance": format_fixed(found.last_balance_minor, cur)
            if found.last_balance_minor is not None
            else "",
            "created_at": _iso(found.created_at_utc),
            "settled_rounds": int(totals[0]),
            "bet": format_fixed(int(totals[1]), cur),
            "win": format_fixed(int(totals[2]), cur),
        }
