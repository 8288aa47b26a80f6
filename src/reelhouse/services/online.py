"""Live sessions: `/v4/game/online-games`, an operator's game sessions active in the last 30
minutes, with what each has spent and won so far.

Spend and win are the session's running totals, which store/outbox.py keeps as the wallet
acknowledges bets and wins (a bet that was refunded never counts; a free round adds its win
but no spend). Reading them is one indexed query (game_sessions by operator and activity).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from reelhouse.domain.clock import format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import FEED_MAX_LIMIT, FEED_MIN_LIMIT, SESSION_ONLINE_WINDOW_SECONDS
from reelhouse.domain.money import currency, format_fixed
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import GameLabels
from reelhouse.store.models import GameSession, Operator, Player, session_currency

INT64_MAX = 2**63 - 1


def check_page(offset: int, limit: int) -> None:
    """The feeds' paging rules: limit 10..2000, offset 0 or more (1012 otherwise)."""
    if not FEED_MIN_LIMIT <= limit <= FEED_MAX_LIMIT:
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID, f"limit must be {FEED_MIN_LIMIT}-{FEED_MAX_LIMIT}"
        )
    if not 0 <= offset <= INT64_MAX:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "offset must be 0 or more")


def online_games(
    platform: Platform, operator_id: int, offset: int = 0, limit: int = FEED_MAX_LIMIT
) -> list[dict[str, Any]]:
    """Sessions with activity in the last 30 minutes (that moment included), most recently
    active first; `offset`/`limit` page through a long list."""
    check_page(offset, limit)
    now = platform.clock.now()
    since = to_naive_utc(now - dt.timedelta(seconds=SESSION_ONLINE_WINDOW_SECONDS))
    with platform.db.transaction(read_only=True) as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        rows = session.execute(
            select(GameSession, Player.name)
            .join(Player, Player.id == GameSession.player_id)
            .where(
                GameSession.operator_id == operator_id,
                GameSession.last_activity_at_utc >= since,
                # Demo sessions play fun money: nothing to report to the operator.
                GameSession.demo_balance_minor.is_(None),
                # A session the back office closed is over, however recent its activity.
                GameSession.closed_at_utc.is_(None),
            )
            .order_by(GameSession.last_activity_at_utc.desc(), GameSession.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        labels = GameLabels(session)
        items = []
        for game_session, user_name in rows:
            # An upstream game's session names its provider and the provider's game name.
            label = labels.label(game_session.provider_id, game_session.game_code)
            # Each session's amounts are in its own currency (an operator may offer several).
            cur = currency(session_currency(game_session, operator))
            items.append(
                {
                    "gplay_id": game_session.id,
                    "user_code": game_session.player_id,
                    "user_name": user_name,
                    "provider_id": label.provider_id,
                    "game_code": game_session.game_code,
                    "game_name": label.game_name,
                    "last_round_bet": format_fixed(game_session.last_round_bet_minor, cur),
                    "spend": format_fixed(game_session.spend_minor, cur),
                    "win": format_fixed(game_session.win_minor, cur),
                    "start_time": format_api_time(from_naive_utc(game_session.started_at_utc)),
                    "last_update": format_api_time(
                        from_naive_utc(game_session.last_activity_at_utc)
                    ),
                    "currency_code": cur.code,
                }
            )
        return items
