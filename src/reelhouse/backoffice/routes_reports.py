"""Read-only pages of one operator: dashboard, players, transactions, game history, a round,
live sessions, statistics (with CSV export)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from reelhouse.backoffice.chart import daily_chart
from reelhouse.backoffice.web import (
    PREFIX,
    BackofficeRoute,
    NotFound,
    int_param,
    me,
    page,
    platform_of,
    scope,
)
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.limits import (
    BACKOFFICE_CSV_MAX_ROWS,
    BACKOFFICE_LIVE_REFRESH_SECONDS,
    BACKOFFICE_PAGE_ROWS,
    FEED_MAX_LIMIT,
)
from reelhouse.games import catalogue
from reelhouse.services import (
    backoffice_history,
    backoffice_ops,
    fairness,
    online,
    round_details,
    statistics,
)
from reelhouse.services.backoffice_history import CALL_TYPES, ROUND_TYPES, Filters
from reelhouse.services.backoffice_users import Identity

router = APIRouter(
    prefix=f"{PREFIX}/o/{{operator_id}}", route_class=BackofficeRoute, include_in_schema=False
)
Me = Annotated[Identity, Depends(me)]
Text = Annotated[str, Query(max_length=100)]
STATS_VIEWS = ("day", "game", "player")


def _filters(request: Request) -> Filters:
    q = request.query_params
    return Filters(
        start=q.get("from", "")[:10],
        end=q.get("to", "")[:10],
        player=q.get("player", "")[:64],
        ident=q.get("id", "")[:20],
        game=q.get("game", "")[:64],
        kind=q.get("type", "")[:16],
        page=int_param(q.get("page")),
    )


def _games() -> list[tuple[str, str]]:
    return [(g.game_code, g.name) for g in catalogue.list_games()]


@router.get("/")
def dashboard(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    code = request.query_params.get("currency", "")[:8] or None
    board = backoffice_ops.dashboard(platform_of(request), operator_id, code)
    chart = Markup(daily_chart(board.days, board.currency))  # noqa: S704 - built from escaped parts
    watch = fairness.operator_watch(platform_of(request), operator_id)
    return page(request, "dashboard.html", scope=s, board=board, chart=chart, watch=watch)


@router.get("/players")
def players(operator_id: int, identity: Me, request: Request, q: Text = "") -> Response:
    s = scope(request, identity, operator_id)
    found = backoffice_history.players(
        platform_of(request), operator_id, q, int_param(request.query_params.get("page"))
    )
    return page(request, "players.html", scope=s, found=found, q=q)


@router.get("/players/{user_code}")
def player(operator_id: int, user_code: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    found = backoffice_history.player(platform_of(request), operator_id, user_code)
    if found is None:
        raise NotFound
    today = platform_of(request).clock.now().date()
    recent = backoffice_history.rounds(
        platform_of(request),
        operator_id,
        Filters(start=(today - dt.timedelta(days=30)).isoformat(), player=str(user_code)),
    )
    live = backoffice_ops.open_sessions(platform_of(request), operator_id, user_code)
    return page(request, "player.html", scope=s, player=found, recent=recent, live=live)


def _history(request: Request, operator_id: int, identity: Identity, rounds: bool) -> Response:
    s = scope(request, identity, operator_id)
    filters = _filters(request)
    error = ""
    platform = platform_of(request)
    try:
        found = (
            backoffice_history.rounds(platform, operator_id, filters)
            if rounds
            else backoffice_history.transactions(platform, operator_id, filters)
        )
    except ReelhouseError as exc:
        found, error = backoffice_history.Page([], 1, 1, 0), exc.message
    start, end = (
        backoffice_history.period(Filters(), platform.clock.now().date())
        if error
        else backoffice_history.period(filters, platform.clock.now().date())
    )
    return page(
        request,
        "rounds.html" if rounds else "transactions.html",
        scope=s,
        found=found,
        filters=filters,
        shown_from=start.date().isoformat(),
        shown_to=(end.date() - dt.timedelta(days=1)).isoformat(),
        kinds=list(ROUND_TYPES if rounds else CALL_TYPES),
        games=_games(),
        error=error,
    )


@router.get("/transactions")
def transactions(operator_id: int, identity: Me, request: Request) -> Response:
    return _history(request, operator_id, identity, rounds=False)


@router.get("/rounds")
def rounds(operator_id: int, identity: Me, request: Request) -> Response:
    return _history(request, operator_id, identity, rounds=True)


@router.get("/rounds/{round_id}")
def round_page(operator_id: int, round_id: int, identity: Me, request: Request) -> Response:
    """The round's details (the public round view), once the round is known to be this
    operator's: another operator's round id is "not found", like an unknown one."""
    s = scope(request, identity, operator_id)
    platform = platform_of(request)
    if not 0 < round_id < 2**63 or not backoffice_history.owns_round(
        platform, operator_id, round_id
    ):
        raise NotFound
    view = round_details.round_view(platform, round_id)
    if view is None or view.operator_id != operator_id:
        raise NotFound
    public_url = round_details.page_url(platform, round_id)
    return page(request, "round.html", scope=s, view=view, public_url=public_url)


@router.get("/sessions")
def sessions(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    live = online.online_games(platform_of(request), operator_id, 0, FEED_MAX_LIMIT)
    now = platform_of(request).clock.now().strftime("%Y-%m-%d %H:%M:%S")
    return page(
        request,
        "sessions.html",
        scope=s,
        live=live,
        refresh=BACKOFFICE_LIVE_REFRESH_SECONDS,
        now=now,
    )


@router.get("/stats")
def stats(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    q = request.query_params
    view = q.get("by", "day") if q.get("by", "day") in STATS_VIEWS else "day"
    platform = platform_of(request)
    today = platform.clock.now().date()
    start = q.get("from", "")[:10] or (today - dt.timedelta(days=6)).isoformat()
    end = q.get("to", "")[:10] or today.isoformat()
    error = ""
    columns: tuple[str, ...] = ()
    rows: list[dict[str, object]] = []
    paged = None
    try:
        if view == "day":
            columns, rows = (
                statistics.DAY_COLUMNS,
                statistics.day_rows(platform, operator_id, start, end)["list"],
            )
        elif view == "game":
            columns, rows = (
                statistics.GAME_COLUMNS,
                statistics.game_rows(platform, operator_id, start, end)["list"],
            )
        else:
            per_page = BACKOFFICE_CSV_MAX_ROWS if q.get("format") == "csv" else BACKOFFICE_PAGE_ROWS
            found = backoffice_ops.player_stats(
                platform,
                operator_id,
                Filters(start=start, end=end, page=int_param(q.get("page"))),
                per_page,
            )
            columns, rows, paged = (
                ("user_code", "user_name", "currency_code", "bet", "win", "ggr"),
                found.rows,
                found,
            )
    except ReelhouseError as exc:
        error = exc.message
    if q.get("format") == "csv" and not error:
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{s.operator_name}-{view}-{start}-{end}")
        filename = f"{name}.csv"
        return Response(
            statistics.to_csv(columns, rows),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-store",
            },
        )
    return page(
        request,
        "stats.html",
        scope=s,
        view=view,
        start=start,
        end=end,
        columns=columns,
        rows=rows,
        paged=paged,
        error=error,
    )
