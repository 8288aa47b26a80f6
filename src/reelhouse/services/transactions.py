"""The operator's transaction feeds: `/v4/game/transaction` (time window) and
`/v4/game/transaction-id` (cursor).

Which calls appear (docs/api.md says the same to operators): the feed is the operator's
ledger as Reelhouse knows it, so every row is money that moved at the operator's wallet.

- A bet, win or cancel appears once the wallet acknowledged it (state `acked`).
- A cancel the wallet answered "not found" (43) moved nothing, and neither did its bet: both
  stay out.
- A bet whose outcome stayed unknown appears, with its cancel, once that cancel was applied
  (the wallet then had the bet): debit and refund, as in the operator's own ledger.
- Pending calls (queued, in flight, manual), refused bets and calls resolved by hand do not
  appear.

Types are the public contract's: money as exact JSON numbers (Decimals here, written by the
API's exact renderer), `round_id` as text. A balance Reelhouse does not know (a bet whose
answer was lost appears because its cancel was applied) is 0 in `prebalance` and `balance`,
never null, with `balance_known` [ours] false.

A row's time (`regdate`) is when Reelhouse got the wallet's acknowledgement (for an unknown
bet: its cancel's), and the window feed selects on it. A win acknowledged hours late thus
lands in the hour it was acknowledged, so consecutive windows see every row exactly once.
The cursor feed walks ids; it stops short of the oldest call that may still become visible,
so a cursor never passes a row that appears later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from reelhouse.domain.clock import UTC, format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.contract_forms import category_spelling
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import ID_LIMIT
from reelhouse.domain.limits import (
    FEED_MAX_LIMIT,
    FEED_MAX_WINDOW_SECONDS,
    FEED_MIN_LIMIT,
    FEED_SETTLE_SECONDS,
)
from reelhouse.domain.money import Currency, currency, to_decimal
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import ROUND_OPENING_KINDS, CommandKind, OutcomeKind
from reelhouse.games import catalogue
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import GameLabels
from reelhouse.store.models import GameSession, Operator, Round, WalletCall

API_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}", re.ASCII)
INT64_MAX = 2**63 - 1
PENDING_STATES = (CallState.QUEUED.value, CallState.IN_FLIGHT.value, CallState.MANUAL.value)

# Row key of a page: the call's id and the moment its row became visible.
_Key = tuple[int, dt.datetime]


def _invalid(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


def parse_api_time(text: str, name: str) -> dt.datetime:
    """'yyyy-MM-dd HH:mm:ss' (UTC) exactly; anything else is 1012."""
    if not API_TIME.fullmatch(text):
        raise _invalid(f"{name} must be 'yyyy-MM-dd HH:mm:ss' (UTC)")
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError as exc:
        raise _invalid(f"{name} is not a valid time: {text!r}") from exc


def _check_limit(limit: int) -> None:
    if not FEED_MIN_LIMIT <= limit <= FEED_MAX_LIMIT:
        raise _invalid(f"limit must be {FEED_MIN_LIMIT}-{FEED_MAX_LIMIT}")


def check_window(start_text: str, end_text: str) -> tuple[dt.datetime, dt.datetime]:
    start = parse_api_time(start_text, "start_time")
    end = parse_api_time(end_text, "end_time")
    if not dt.timedelta(0) < end - start <= dt.timedelta(seconds=FEED_MAX_WINDOW_SECONDS):
        raise _invalid("end_time must be after start_time, by at most one hour")
    return start, end


# --- which rows are visible, as two SELECTs of (id, visible_at) --------------------------


def _acked_rows(
    operator_id: int, *criteria: ColumnElement[bool]
) -> Select[int, dt.datetime | None]:
    """Calls the wallet acknowledged, except cancels it answered "not found"."""
    not_found_cancel = and_(
        WalletCall.kind == CommandKind.CANCEL.value,
        WalletCall.last_outcome == OutcomeKind.NOT_FOUND.value,
    )
    return select(WalletCall.id.label("id"), WalletCall.acked_at_utc.label("at")).where(
        WalletCall.operator_id == operator_id,
        WalletCall.state == CallState.ACKED.value,
        ~not_found_cancel,
        *criteria,
    )


def _refunded_unknown_bets(
    operator_id: int,
) -> tuple[Select[int, dt.datetime | None], type[WalletCall], type[WalletCall]]:
    """Bets of unknown outcome whose cancel the wallet applied: the wallet had the bet."""
    bet = aliased(WalletCall)
    cancel = aliased(WalletCall)
    query = (
        select(bet.id.label("id"), cancel.acked_at_utc.label("at"))
        .select_from(cancel)
        .join(bet, bet.id == cancel.cancel_of_id)
        .where(
            cancel.operator_id == operator_id,
            cancel.kind == CommandKind.CANCEL.value,
            cancel.state == CallState.ACKED.value,
            cancel.last_outcome != OutcomeKind.NOT_FOUND.value,
            bet.state == CallState.UNKNOWN.value,
        )
    )
    return query, bet, cancel


def _window_union(operator_id: int, start: dt.datetime, end: dt.datetime) -> Subquery:
    lo, hi = to_naive_utc(start), to_naive_utc(end)
    acked = _acked_rows(operator_id, WalletCall.acked_at_utc >= lo, WalletCall.acked_at_utc < hi)
    refunded, _bet, cancel = _refunded_unknown_bets(operator_id)
    refunded = refunded.where(cancel.acked_at_utc >= lo, cancel.acked_at_utc < hi)
    return union_all(acked, refunded).subquery()


# --- the cursor's order ---------------------------------------------------------------
# The cursor walks ids in the order they were made. Ids are made below ID_LIMIT (2^53,
# domain.ids); ids at or above it were made by earlier versions (63-bit ids), all before any
# of today's. So the order is: old ids by value, then new ids by value. A position keeps that
# order in one number (old ids map to <= 0, new ones are >= 1) for sorting and minimums; the
# filters are written as ranges on the id itself, so they still use its index.


IdColumn = ColumnElement[int] | InstrumentedAttribute[int]


def _position(column: IdColumn) -> ColumnElement[int]:
    return case((column >= ID_LIMIT, column - INT64_MAX), else_=column)


def _id_at(position: int) -> int:
    return position + INT64_MAX if position <= 0 else position


def _after(column: IdColumn, last_id: int) -> ColumnElement[bool]:
    """The ids the cursor reaches after `last_id` (0: every id)."""
    if last_id == 0:
        return true()
    if last_id >= ID_LIMIT:
        return or_(column > last_id, column < ID_LIMIT)
    return and_(column > last_id, column < ID_LIMIT)


def _before(column: IdColumn, bound: int | None) -> ColumnElement[bool]:
    """The ids the cursor reaches before `bound` (None: every id)."""
    if bound is None:
        return true()
    if bound >= ID_LIMIT:
        return and_(column < bound, column >= ID_LIMIT)
    return or_(column < bound, column >= ID_LIMIT)


def _cursor_horizon(session: Session, operator_id: int, now: dt.datetime) -> int | None:
    """The first id, in cursor order, that may still become visible: a pending call (or the
    bet a pending cancel reverses), or a call created too recently to be sure every call
    created before it has committed. The cursor feed returns only ids before it."""
    pending = session.scalar(
        select(func.min(_position(func.coalesce(WalletCall.cancel_of_id, WalletCall.id)))).where(
            WalletCall.operator_id == operator_id, WalletCall.state.in_(PENDING_STATES)
        )
    )
    settle_from = to_naive_utc(now - dt.timedelta(seconds=FEED_SETTLE_SECONDS))
    recent = session.scalar(
        select(func.min(_position(WalletCall.id))).where(
            WalletCall.operator_id == operator_id, WalletCall.created_at_utc > settle_from
        )
    )
    bounds = [b for b in (pending, recent) if b is not None]
    return _id_at(min(bounds)) if bounds else None


def _cursor_union(operator_id: int, last_id: int, horizon: int | None) -> Subquery:
    acked = _acked_rows(
        operator_id, _after(WalletCall.id, last_id), _before(WalletCall.id, horizon)
    )
    refunded, bet, cancel = _refunded_unknown_bets(operator_id)
    refunded = refunded.where(
        _after(bet.id, last_id), _before(bet.id, horizon), _after(cancel.id, last_id)
    )
    return union_all(acked, refunded).subquery()


# --- items --------------------------------------------------------------------------------


def _item(
    call: WalletCall, round_: Round, visible_at: dt.datetime, cur: Currency, labels: GameLabels
) -> dict[str, Any]:
    kind = CommandKind(call.kind)
    # The balance the wallet reported with its acknowledgement; a bet whose answer was lost
    # has none (its row appears because its cancel was applied).
    balance = call.balance_after_minor if call.state == CallState.ACKED.value else None
    prebalance = None
    if balance is not None:
        prebalance = (
            balance + call.amount_minor
            if kind in ROUND_OPENING_KINDS  # a bet, or a bet_win's debit (its win is a row)
            else balance - call.amount_minor
        )
    label = labels.label(round_.provider_id, round_.game_code)
    if label.upstream:
        category = label.category or ""  # the provider's own word, as its catalogue lists it
    else:
        game = catalogue.get_game(round_.game_code)
        category = category_spelling(game.category) if game else ""
    known = balance is not None  # the balance before follows from it and the amount
    return {
        "trans_id": call.id,
        "user_code": call.player_id,
        "round_id": str(call.round_id),
        "trans_type": call.trans_type,
        "provider_id": label.provider_id,
        "provider_name": label.provider_name,
        "game_code": round_.game_code,
        "game_name": label.game_name,
        "category": category,
        "prebalance": to_decimal(prebalance if prebalance is not None else 0, cur),
        "trans_amount": to_decimal(call.amount_minor, cur),
        "balance": to_decimal(balance if balance is not None else 0, cur),
        "regdate": format_api_time(from_naive_utc(visible_at)),
        "trans_guid": str(call.id),
        "balance_known": known,
        "currency_code": cur.code,
    }


def _items(session: Session, operator_id: int, keys: Sequence[_Key]) -> list[dict[str, Any]]:
    if not keys:
        return []
    operator = session.get(Operator, operator_id)
    assert operator is not None
    ids = [call_id for call_id, _ in keys]
    calls = {c.id: c for c in session.scalars(select(WalletCall).where(WalletCall.id.in_(ids)))}
    round_ids = {c.round_id for c in calls.values()}
    rounds = {r.id: r for r in session.scalars(select(Round).where(Round.id.in_(round_ids)))}
    # Each round's amounts are in its session's currency (an operator may offer several).
    session_ids = {r.session_id for r in rounds.values()}
    currencies = {
        row.id: row.currency
        for row in session.execute(
            select(GameSession.id, GameSession.currency).where(GameSession.id.in_(session_ids))
        )
    }
    labels = GameLabels(session)
    items = []
    for call_id, visible_at in keys:
        call = calls[call_id]
        assert call.operator_id == operator_id, "a feed row of another operator"
        round_ = rounds[call.round_id]
        cur = currency(currencies.get(round_.session_id) or operator.currency)
        items.append(_item(call, round_, visible_at, cur, labels))
    return items


# --- the two feeds ------------------------------------------------------------------------


def window_page(
    platform: Platform, operator_id: int, start_text: str, end_text: str, offset: int, limit: int
) -> dict[str, Any]:
    """Rows that became visible in [start_time, end_time), oldest first, one page."""
    start, end = check_window(start_text, end_text)
    _check_limit(limit)
    if not 0 <= offset <= INT64_MAX:
        raise _invalid("offset must be 0 or more")
    rows = _window_union(operator_id, start, end)
    with platform.db.transaction(read_only=True) as session:
        total = session.scalar(select(func.count()).select_from(rows)) or 0
        page = session.execute(
            select(rows.c.id, rows.c.at).order_by(rows.c.at, rows.c.id).offset(offset).limit(limit)
        )
        items = _items(session, operator_id, list(page))
    return {"total": total, "offset": offset, "count": len(items), "list": items}


def cursor_page(
    platform: Platform, operator_id: int, last_id: int, limit: int
) -> list[dict[str, Any]]:
    """Rows after last_id, oldest first (by id; ids of earlier versions, which are larger,
    before today's), up to the horizon. An empty list means nothing new yet; ask again later
    with the same last_id."""
    _check_limit(limit)
    if not 0 <= last_id <= INT64_MAX:
        raise _invalid("last_id must be 0 or a trans_id")
    now = platform.clock.now()
    with platform.db.transaction(read_only=True) as session:
        horizon = _cursor_horizon(session, operator_id, now)
        rows = _cursor_union(operator_id, last_id, horizon)
        page = session.execute(
            select(rows.c.id, rows.c.at).order_by(_position(rows.c.id)).limit(limit)
        )
        return _items(session, operator_id, list(page))
