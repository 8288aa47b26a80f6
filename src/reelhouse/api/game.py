"""The player's side: launch URLs, the game page, and the JSON game API it calls."""

from __future__ import annotations

import html
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from reelhouse.api import http_metrics
from reelhouse.api.access_log import note_round
from reelhouse.api.answer_docs import v4_answers
from reelhouse.api.body import StrictBody, body_of, openapi_body
from reelhouse.api.deps import bearer_token, platform_of
from reelhouse.api.envelope import ok
from reelhouse.api.schemas_game import (
    GameStateAnswer,
    HistoryAnswer,
    RealityCheckAnswer,
    SpinAnswer,
)
from reelhouse.client.page import CONTENT_SECURITY_POLICY, render_game_page
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import CLIENT_HISTORY_ROUNDS_DEFAULT
from reelhouse.domain.money import format_fixed
from reelhouse.games.bet_modes import MAX_MODE_CHARS
from reelhouse.services import game_client, game_history, launch, reality_checks, rounds
from reelhouse.services.jurisdiction_rules import SpinStyle
from reelhouse.services.platform import Platform

router = APIRouter(tags=["Game client"])
PlatformDep = Annotated[Platform, Depends(platform_of)]


class SpinBody(StrictBody):
    bet: str = Field(
        max_length=32,
        description="decimal text in the session's display unit (`display_unit` in the state),"
        " else its currency",
    )
    # Play one free round of this grant (`free_rounds.fr_id` in the state), at its bet.
    free_round_id: int | None = None
    # How the client plays this round; a jurisdiction may forbid either (3013, 3014).
    autoplay: bool = False
    turbo: bool = False
    # "buy": a bonus buy, at its price (games/bet_modes.py); refused where the game offers
    # no such mode (3031) or the jurisdiction forbids it (3030).
    bet_mode: str = Field(default="base", max_length=MAX_MODE_CHARS)


class RealityCheckBody(StrictBody):
    # continue: play on (the next check one interval from now); stop: end the session.
    answer: Literal["continue", "stop"]


@router.get("/play/{launch_token}", response_class=HTMLResponse, include_in_schema=False)
def open_launch(launch_token: str, platform: PlatformDep) -> Response:
    try:
        session_token = launch.open_launch(platform, launch_token)
    except ReelhouseError as exc:
        message = html.escape(exc.message)
        return HTMLResponse(f"<!doctype html><title>Reelhouse</title><p>{message}</p>", 410)
    # Redirect to the session's own URL, so a reload resumes the session instead of
    # trying to burn the launch token again.
    return RedirectResponse(f"/play/s/{session_token}", status_code=303)


@router.get("/play/s/{session_token}", response_class=HTMLResponse, include_in_schema=False)
def game_page(session_token: str, platform: PlatformDep) -> HTMLResponse:
    try:
        state = game_client.session_state(platform, session_token)
    except ReelhouseError as exc:
        message = html.escape(exc.message)
        return HTMLResponse(f"<!doctype html><title>Reelhouse</title><p>{message}</p>", 410)
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return HTMLResponse(render_game_page(session_token, state), headers=headers)


# The casino's word on the player ends a session (domain/session_end.py): any call then.
SESSION_ENDED = (
    ApiCode.SESSION_TERMINATED,
    ApiCode.PLAYER_SELF_EXCLUDED,
    ApiCode.PLAYER_LIMIT_REACHED,
    ApiCode.PLAYER_BLOCKED,
)


@router.get(
    "/api/game/state",
    responses=v4_answers(GameStateAnswer, ApiCode.SESSION_EXPIRED, *SESSION_ENDED),
)
def state(request: Request, platform: PlatformDep) -> dict[str, Any]:
    return ok(game_client.session_state(platform, bearer_token(request)))


@router.get(
    "/api/game/history",
    responses=v4_answers(HistoryAnswer, ApiCode.SESSION_EXPIRED, ApiCode.PARAMETERS_INVALID),
)
def history(
    request: Request,
    platform: PlatformDep,
    limit: Annotated[int, Query(description="1 to 50")] = CLIENT_HISTORY_ROUNDS_DEFAULT,
) -> dict[str, Any]:
    """The player's latest rounds of this game, newest first, each with its stored outcome
    (the client's history panel replays them; docs/game-client.md)."""
    return ok(game_history.player_history(platform, bearer_token(request), limit))


@router.post(
    "/api/game/spin",
    openapi_extra=openapi_body(SpinBody),
    responses=v4_answers(
        SpinAnswer,
        ApiCode.SESSION_EXPIRED,
        ApiCode.PARAMETERS_INVALID,
        ApiCode.AGENT_NOT_APPROVED,
        ApiCode.BALANCE_NOT_ENOUGH,
        ApiCode.CALLBACK_ERROR,
        ApiCode.BONUSCALL_ALREADY_ENDED,
        ApiCode.FREEROUND_NO_EXIST,
        ApiCode.ROUND_IN_PROGRESS,
        ApiCode.WALLET_UNAVAILABLE,
        ApiCode.WALLET_SHUT_OFF,
        ApiCode.BUSY,
        ApiCode.JURISDICTION_STAKE_ABOVE_MAX,
        ApiCode.JURISDICTION_TOO_SOON,
        ApiCode.JURISDICTION_AUTOPLAY_FORBIDDEN,
        ApiCode.JURISDICTION_TURBO_FORBIDDEN,
        ApiCode.JURISDICTION_CURRENCY,
        *SESSION_ENDED,
        ApiCode.REALITY_CHECK_PENDING,
        ApiCode.COMPULSORY_BREAK,
        ApiCode.SESSION_TIME_LIMIT,
        ApiCode.SESSION_LOSS_LIMIT,
        ApiCode.BONUS_BUY_FORBIDDEN,
        ApiCode.BET_MODE_UNKNOWN,
        ApiCode.BET_MODE_NOT_FREE,
    ),
)
async def spin(
    request: Request,
    platform: PlatformDep,
    body: Annotated[SpinBody, Depends(body_of(SpinBody))],
) -> dict[str, Any]:
    # Asynchronous: the spin waits for the wallet without holding a thread (services/rounds).
    style = SpinStyle(autoplay=body.autoplay, turbo=body.turbo, bet_mode=body.bet_mode)
    result = await rounds.spin_async(
        platform, bearer_token(request), body.bet, body.free_round_id, style
    )
    note_round(request, result.round_id)
    http_metrics.observe_spin(result)
    # In what the player sees and bet in: the session's display unit, else its currency.
    money = result.view
    balance = result.balance_minor
    return ok(
        {
            "round_id": result.round_id,
            "state": result.state.value,
            "bet": format_fixed(result.bet_minor, money),
            "win": format_fixed(result.win_minor, money),
            "win_credited": result.win_credited,
            "balance": format_fixed(balance, money) if balance is not None else None,
            "outcome": result.outcome,
            "win_capped": result.win_capped,
            "free_round_id": result.free_round_id,
            # Wins sent but not yet acknowledged by the wallet: not in `balance` yet.
            "win_owed": format_fixed(result.win_owed_minor, money),
            # [jurisdictions] false: show the win without celebrating it (docs/jurisdictions.md).
            "celebrate": result.celebrate,
        }
    )


@router.get(
    "/api/game/reality-check",
    responses=v4_answers(RealityCheckAnswer, ApiCode.SESSION_EXPIRED),
)
def reality_check(request: Request, platform: PlatformDep) -> dict[str, Any]:
    """[rg] The session's reality check: pending or not, time played, net position, rounds
    played and the history link (docs/jurisdictions.md)."""
    return ok(reality_checks.check(platform, bearer_token(request)))


@router.post(
    "/api/game/reality-check",
    openapi_extra=openapi_body(RealityCheckBody),
    responses=v4_answers(
        RealityCheckAnswer,
        ApiCode.SESSION_EXPIRED,
        ApiCode.REALITY_CHECK_NOT_PENDING,
    ),
)
def answer_reality_check(
    request: Request,
    platform: PlatformDep,
    body: Annotated[RealityCheckBody, Depends(body_of(RealityCheckBody))],
) -> dict[str, Any]:
    """[rg] The player's answer to the pending check: `continue` or `stop` (3019 if none)."""
    return ok(
        reality_checks.answer(platform, bearer_token(request), reality_checks.Answer(body.answer))
    )
