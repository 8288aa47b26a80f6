"""The back office's other views of one operator: the dashboard, statistics per player, the
manual queue and the audit log restricted to the operator, and the game catalogue.

Like services/backoffice_history.py, every function takes the operator's id and reads only
that operator's rows; an id of another operator's call is "not found".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select

from reelhouse.domain.clock import format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import (
    BACKOFFICE_CHART_DAYS,
    BACKOFFICE_PAGE_ROWS,
    FEED_MAX_LIMIT,
    GAME_SESSION_MAX_SECONDS,
    SESSION_IDLE_EXPIRY_SECONDS,
    STUCK_LIST_MAX_ROWS,
)
from reelhouse.domain.money import currency, format_fixed
from reelhouse.games import catalogue
from reelhouse.services import (
    audit,
    game_maintenance,
    game_metadata,
    online,
    statistics,
    stuck_calls,
)
from reelhouse.services.backoffice_history import Filters, Page, period
from reelhouse.services.backoffice_settings import TARGET_TYPE as OPERATOR_TARGET
from reelhouse.services.game_client import game_view
from reelhouse.services.game_maintenance import Status
from reelhouse.services.operator_currencies import player_currency
from reelhouse.services.platform import Platform
from reelhouse.store.models import AuditEntry, GameSession, Operator, Player, WalletCall

# The math sheets `reelhouse rtp docs` writes, when Reelhouse runs from its source tree.
DOCS_GAMES = Path(__file__).resolve().parents[3] / "docs" / "games"


@dataclass(frozen=True)
class Dashboard:
    currency: str  # the currency shown: amounts of two never add up
    currencies: list[str]  # the operator's, its first one first: the ones it may pick
    today: dict[str, Any]
    online_now: int  # sessions of every currency: a count, not money
    days: list[dict[str, Any]]  # statistics.day_rows rows of `currency`, oldest first


def dashboard(platform: Platform, operator_id: int, code: str | None = None) -> Dashboard:
    """Today's figures (UTC) and the last BACKOFFICE_CHART_DAYS days in one currency, `code`
    (the operator's first if it is not one of its currencies), from the statistics service
    (the same figures as `/v4/statistics/day`). One currency at a time, as an operator reads
    a ledger: its cards and chart stay sums of one money, and the first currency, the one
    most play is in, is what the page opens on."""
    today = platform.clock.now().date()
    first = today - dt.timedelta(days=BACKOFFICE_CHART_DAYS - 1)
    report = statistics.day_rows(platform, operator_id, first.isoformat(), today.isoformat())
    # Every day has a row per currency, in the operator's order (statistics.day_rows).
    codes = list(dict.fromkeys(row["currency_code"] for row in report["list"]))
    shown: str = code if code is not None and code in codes else report["currency"]
    rows = [row for row in report["list"] if row["currency_code"] == shown]
    live = online.online_games(platform, operator_id, 0, FEED_MAX_LIMIT)
    return Dashboard(shown, codes, rows[-1], len(live), rows)


def player_stats(
    platform: Platform,
    operator_id: int,
    filters: Filters,
    rows_per_page: int = BACKOFFICE_PAGE_ROWS,
) -> Page:
    """Bets and wins per player in the period, as the wallet acknowledged them (the figures
    of `/v4/statistics/user`, over days instead of one hour), biggest bettors first."""
    start, end = period(filters, platform.clock.now().date())
    lo, hi = start.replace(tzinfo=None), end.replace(tzinfo=None)
    # The same figures as the Main API's, refunds of relayed bets included.
    per_player = statistics.per_player_totals(operator_id, lo, hi)
    query = (
        select(Player, per_player.c.bet, per_player.c.win)
        .join(per_player, per_player.c.player_id == Player.id)
        .order_by(per_player.c.bet.desc(), Player.id)
    )
    with platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        count = session.scalar(select(func.count()).select_from(per_player)) or 0
        pages = max(1, -(-count // rows_per_page))
        page = min(max(filters.page, 1), pages)
        rows = session.execute(query.offset((page - 1) * rows_per_page).limit(rows_per_page)).all()
        # Each player's figures are in its own currency (every real-money round of it is).
        shown = [(row, currency(player_currency(row.Player, operator))) for row in rows]
    items = [
        {
            "user_code": row.Player.id,
            "user_name": row.Player.name,
            "currency_code": cur.code,
            "bet": format_fixed(int(row.bet), cur),
            "win": format_fixed(int(row.win), cur),
            "ggr": format_fixed(int(row.bet) - int(row.win), cur),
        }
        for row, cur in shown
    ]
    return Page(items, page, pages, count)


# --- the manual queue and the audit log, one operator's share ---------------------------


def stuck(platform: Platform, operator_name: str) -> list[dict[str, Any]]:
    return stuck_calls.list_stuck(platform, operator=operator_name)


def owns_call(platform: Platform, operator_id: int, call_id: int) -> bool:
    with platform.db.transaction() as session:
        owner = session.scalar(select(WalletCall.operator_id).where(WalletCall.id == call_id))
    return owner == operator_id


def retry_stuck(
    platform: Platform, operator_id: int, call_id: int, who: audit.Accountable
) -> dict[str, Any]:
    if not owns_call(platform, operator_id, call_id):
        raise ReelhouseError(ApiCode.RESOURCE_NOT_FOUND, f"no wallet call {call_id}")
    return stuck_calls.retry(platform, call_id, who)


def resolve_stuck(
    platform: Platform, operator_id: int, call_id: int, who: audit.Accountable
) -> dict[str, Any]:
    if not owns_call(platform, operator_id, call_id):
        raise ReelhouseError(ApiCode.RESOURCE_NOT_FOUND, f"no wallet call {call_id}")
    return stuck_calls.resolve(platform, call_id, who)


def audit_log(platform: Platform, operator_id: int) -> list[dict[str, Any]]:
    """Newest first: changes to the operator's settings and actions on its wallet calls."""
    calls = select(WalletCall.id).where(WalletCall.operator_id == operator_id)
    query = (
        select(AuditEntry)
        .where(
            or_(
                and_(
                    AuditEntry.target_type == OPERATOR_TARGET, AuditEntry.target_id == operator_id
                ),
                and_(
                    AuditEntry.target_type == stuck_calls.TARGET_TYPE,
                    AuditEntry.target_id.in_(calls),
                ),
                # A game put in maintenance for every operator concerns every operator.
                AuditEntry.target_type == game_maintenance.GAME_TARGET,
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(STUCK_LIST_MAX_ROWS)
    )
    with platform.db.transaction() as session:
        return [audit.entry_view(entry) for entry in session.scalars(query)]


# --- the game catalogue -----------------------------------------------------------------


def catalogue_view(platform: Platform, operator_id: int) -> list[dict[str, Any]]:
    """Every game with its status for this operator (services/game_maintenance), whether
    its maintenance is for every operator, its image and its figures at the operator's RTP
    (games/facts.py)."""
    with platform.db.transaction(read_only=True) as session:
        down = game_maintenance.in_maintenance(session, operator_id)
        operator = session.get(Operator, operator_id)
        assert operator is not None
        rtp_bp = operator.rtp_bp
    rows = []
    for g in catalogue.list_games():
        game = catalogue.get_game(g.game_code)
        assert game is not None
        status = Status.MAINTENANCE if g.game_code in down else Status.AVAILABLE
        rows.append(
            {
                "game_code": g.game_code,
                "name": g.name,
                "provider": catalogue.PROVIDER_NAME,
                "provider_id": g.provider_id,
                "mode": g.mode,
                "volatility": g.volatility,
                "rtp_variants": g.rtp_variants,
                "status": status.value,
                "every_operator": down.get(g.game_code, False),
                "image": game_metadata.image_path(g.game_code),
                "facts": game_metadata.metadata(game, rtp_bp),
            }
        )
    return rows


def open_sessions(platform: Platform, operator_id: int, player_id: int) -> list[dict[str, Any]]:
    """The player's game sessions that a token could still play (not closed, not idle past
    expiry, not past their maximum age), newest first: what "Close" is offered for."""
    now = platform.clock.now()
    idle_since = to_naive_utc(now - dt.timedelta(seconds=SESSION_IDLE_EXPIRY_SECONDS))
    born_since = to_naive_utc(now - dt.timedelta(seconds=GAME_SESSION_MAX_SECONDS))
    query = (
        select(GameSession)
        .where(
            GameSession.player_id == player_id,
            GameSession.operator_id == operator_id,
            GameSession.closed_at_utc.is_(None),
            GameSession.last_activity_at_utc >= idle_since,
            GameSession.started_at_utc >= born_since,
        )
        .order_by(GameSession.id.desc())
        .limit(BACKOFFICE_PAGE_ROWS)
    )
    with platform.db.transaction(read_only=True) as session:
        return [
            {
                "gplay_id": row.id,
                "game_code": row.game_code,
                "demo": row.demo_balance_minor is not None,
                "start_time": format_api_time(from_naive_utc(row.started_at_utc)),
                "last_update": format_api_time(from_naive_utc(row.last_activity_at_utc)),
            }
            for row in session.scalars(query)
        ]


def game_sheet(game_code: str) -> dict[str, Any] | None:
    """A game's data, the exact RTP and math hash of each variant, and its full math sheet
    (docs/games/<code>.md) when Reelhouse runs from its source tree."""
    game = catalogue.get_game(game_code)
    if game is None:
        return None
    variants = []
    for variant in game.rtp_variants:
        exact = statistics.theoretical_rtp(game_code, variant)
        variants.append(
            {
                "variant": variant,
                "exact_rtp": statistics.percent(exact) if exact is not None else "",
                "math_hash": catalogue.math_hash(game, variant),
            }
        )
    return {
        "game_code": game.game_code,
        "name": game.name,
        "provider": catalogue.PROVIDER_NAME,
        "description": game.description,
        "bet_step_minor": game.bet_step_minor,
        "view": game_view(game),
        "variants": variants,
        "sheet": _sheet_text(game_code),
    }


@cache
def _sheet_text(game_code: str) -> str:
    path = DOCS_GAMES / f"{game_code}.md"
    return path.read_text(encoding="utf-8") if path.is_file() else ""
