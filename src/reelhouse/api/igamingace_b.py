"""Main API facade for operators integrated with iGamingAce flavour B (`/userAuth`,
`/gameList`, `/createfreegame`, `/cancelfreegame`).

Contract: the iGamingAce public contract, "Flavour B, Operator -> Reelhouse". Thin: check the
request's `sign` (HMAC-SHA256 with the operator's secret key, dialects.igamingace_b) and its
`agentID` (the operator's name), then call the same services as the v4 API. Answers are
`{"code", "message", ...}` with B's codes 0-11 (`B_CODE`): every refusal is HTTP 200 with a
non-zero code, and its message starts with the v4 code's name.

Requests: unknown fields are ignored; a game id (`gameid`, `gameID`) is the contract's
integer or, as before, the game's code as text (the signed text is the value as sent); any
`lang` plays (English when Reelhouse does not offer it). docs/api.md lists each of these.

Checks run in this order: Bearer token (7), IP allow-list (7), calls in flight (1), body (2),
the Idempotency-Key where one is sent (2, 11, 1: api/idempotency.py), `sign` (3), `agentID`
(4), then the endpoint's own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import Field

from reelhouse.api.answer_docs import B_KEYED, facade_b_answers
from reelhouse.api.body import ContractBody, IdText, body_of, openapi_body
from reelhouse.api.deps import agent_context, platform_of
from reelhouse.api.facade_route import envelope_route
from reelhouse.api.game_refs import game_code_of_number
from reelhouse.api.idempotency import idempotent, key_header
from reelhouse.api.schemas_facades import (
    FacadeBDoneAnswer,
    FacadeBGameListAnswer,
    UserAuthAnswer,
)
from reelhouse.dialects.igamingace_b import MESSAGES, Code, signature_matches
from reelhouse.domain.clock import UTC
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import NUMERIC_GAME_ID_MAX, numeric_game_id
from reelhouse.domain.languages import MAX_LANG_CHARS
from reelhouse.domain.limits import MAX_CURRENCY_CODE_CHARS
from reelhouse.games import catalogue
from reelhouse.services import freerounds, game_metadata, launch, operators, players
from reelhouse.services.operator_currencies import BetLimits
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

# Every v4 refusal in B's code table; anything not listed is 1 (general error).
B_CODE: dict[ApiCode, Code] = {
    ApiCode.TOKEN_NOT_FOUND: Code.INVALID_API_TOKEN,
    ApiCode.TOKEN_INVALID: Code.INVALID_API_TOKEN,
    ApiCode.IP_NOT_ALLOWED: Code.INVALID_API_TOKEN,
    ApiCode.VALIDATION_ERROR: Code.WRONG_INPUT,
    ApiCode.PARAMETERS_INVALID: Code.WRONG_INPUT,
    ApiCode.GAME_NOT_FOUND: Code.WRONG_INPUT,
    ApiCode.PROVIDER_NOT_FOUND: Code.WRONG_INPUT,
    ApiCode.CURRENCY_NOT_SUPPORTED: Code.WRONG_INPUT,
    ApiCode.USER_NOT_FOUND: Code.USER_NOT_FOUND,
    ApiCode.PERMISSION_ERROR: Code.USER_NOT_FOUND,
    ApiCode.AGENT_NOT_FOUND: Code.INVALID_AGENT,
    ApiCode.AGENT_NOT_APPROVED: Code.INVALID_AGENT,
    ApiCode.BALANCE_NOT_ENOUGH: Code.INSUFFICIENT_FUNDS,
    ApiCode.BONUSCALL_DOUBLE: Code.DUPLICATE_TRANSACTION,
    ApiCode.FREEROUND_NO_EXIST: Code.TRANSACTION_NOT_FOUND,
    ApiCode.IDEMPOTENCY_KEY_REUSED: Code.DUPLICATE_TRANSACTION,
    ApiCode.CURRENCY_NOT_OFFERED: Code.WRONG_INPUT,
    ApiCode.PLAYER_CURRENCY_FIXED: Code.WRONG_INPUT,
}


class InvalidSign(ReelhouseError):
    """A request whose `sign` does not hold: B's code 3 (v4 has no such code; 1009 there)."""

    def __init__(self) -> None:
        super().__init__(ApiCode.TOKEN_INVALID, "sign does not match")


class InvalidAgent(ReelhouseError):
    """The body's agentID is not this account's, or the account has no secret key: B's 4."""

    def __init__(self, message: str) -> None:
        super().__init__(ApiCode.PERMISSION_ERROR, message)


def _refusal(exc: ReelhouseError) -> dict[str, Any]:
    b_code = B_CODE.get(exc.code, Code.GENERAL_ERROR)
    if isinstance(exc, InvalidSign):
        b_code = Code.INVALID_SIGN
    elif isinstance(exc, InvalidAgent):
        b_code = Code.INVALID_AGENT
    return {"code": int(b_code), "message": f"{exc.code.name}: {exc.message}"}


def _ok(**data: Any) -> dict[str, Any]:
    return {"code": int(Code.SUCCESS), "message": MESSAGES[Code.SUCCESS], **data}


router = APIRouter(tags=["iGamingAce B facade"], route_class=envelope_route(_refusal))
Agent = Annotated[Operator, Depends(agent_context)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
AgentId = Annotated[str, Field(min_length=1, max_length=64)]
UserId = Annotated[IdText, Field(min_length=1, max_length=64)]  # 4-48 alphanumerics, checked below
# The contract's integer game id, or a game code as text (Reelhouse's earlier form).
GameId = (
    Annotated[int, Field(ge=1, le=NUMERIC_GAME_ID_MAX)]
    | Annotated[str, Field(min_length=1, max_length=64)]
)
# The most digits a numeric game id has (domain/game_ids.py keeps it below 2^31).
GAME_ID_DIGITS_MAX = len(str(NUMERIC_GAME_ID_MAX))
Sign = Annotated[str, Field(min_length=1, max_length=128)]
FreeSpinId = Annotated[str, Field(min_length=1, max_length=36)]
# The mutating calls take an Idempotency-Key (api/idempotency.py); a refusal kept for its
# repeats is written as the route class writes it.
once = idempotent(lambda exc: JSONResponse(_refusal(exc)))


class UserAuthBody(ContractBody):
    agentID: AgentId
    userID: UserId
    isaffiliate: bool | int = 0
    lang: str = Field(default="en", max_length=MAX_LANG_CHARS)
    gameid: GameId
    lobbyUrl: str = Field(default="", max_length=2048)
    sign: Sign
    # [ours] one of the agent's currencies, not signed; absent: the player's (docs/api.md).
    currency: str | None = Field(default=None, max_length=MAX_CURRENCY_CODE_CHARS)


class GameListBody(ContractBody):
    agentID: AgentId
    sign: Sign


class CreateFreeGameBody(ContractBody):
    agentID: AgentId
    userID: UserId
    gameID: GameId
    betlevel: Annotated[int, Field(ge=1, le=1_000_000)]
    freespincount: int
    expiretime: str = Field(max_length=40, description="ISO 8601; UTC when no offset is given")
    freespinID: FreeSpinId
    sign: Sign


class CancelFreeGameBody(ContractBody):
    agentID: AgentId
    userID: UserId
    gameID: GameId
    freespinID: FreeSpinId
    sign: Sign


def _check_signed(
    platform: Platform, agent: Operator, operation: str, fields: dict[str, str], sent: str
) -> None:
    """The sign (3), then the agentID (4). An account with no secret key (not a flavour B
    operator) cannot sign: 4."""
    secret_key = operators.secret_key_of(platform, agent)
    if secret_key is None:
        raise InvalidAgent("this account has no secret key (dialect igamingace-b)")
    if not signature_matches(secret_key, operation, fields, sent):
        raise InvalidSign
    if fields["agentID"] != agent.name:
        raise InvalidAgent("agentID is not this account's")


def _user_code(platform: Platform, agent: Operator, user_id: str) -> int:
    """A known player's user_code: 2 for a userID the spec does not allow, 5 if unknown."""
    rule = players.IGAMINGACE_B_NAMES
    if not rule.pattern.fullmatch(user_id):
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, rule.described)
    with platform.db.transaction() as session:
        return players.find_by_name(session, agent.id, user_id).id


def _game_code(game_id: int | str) -> str:
    """The game behind the contract's integer id (a number, or its digits as text) or a game
    code; 2 if there is none."""
    if isinstance(game_id, int):
        return game_code_of_number(game_id)
    if catalogue.get_game(game_id) is not None:
        return game_id
    if game_id.isascii() and game_id.isdigit() and len(game_id) <= GAME_ID_DIGITS_MAX:
        return game_code_of_number(int(game_id))
    raise ReelhouseError(ApiCode.GAME_NOT_FOUND, f"no game {game_id!r}")


def _signed_text(game_id: int | str) -> str:
    """A game id in the signed string: the integer in decimal, or the text as sent."""
    return str(game_id)


@router.post(
    "/userAuth",
    openapi_extra=openapi_body(UserAuthBody) | key_header(),
    responses=facade_b_answers(UserAuthAnswer, *B_KEYED, Code.USER_NOT_FOUND),
)
@once
def user_auth(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[UserAuthBody, Depends(body_of(UserAuthBody))],
) -> dict[str, Any]:
    """Create-or-get the player and return a one-time launch URL (10 minutes). Everything
    that can be checked is checked before the player is linked; only the wallet's own refusal
    at launch (its GetBalance failed: 1) comes after, and leaves the link for the next
    sign-in. `isaffiliate` is accepted and not acted on yet (docs/api.md)."""
    fields = {"agentID": body.agentID, "userID": body.userID, "gameID": _signed_text(body.gameid)}
    _check_signed(platform, agent, "userAuth", fields, body.sign)
    game_code = _game_code(body.gameid)
    if agent.state != operators.OperatorState.APPROVED:
        raise ReelhouseError(ApiCode.AGENT_NOT_APPROVED, "agent not approved for real play")
    ref = players.create_or_get(platform, agent.id, body.userID, players.IGAMINGACE_B_NAMES)
    request = launch.LaunchRequest(
        user_code=ref.user_code,
        provider_id=catalogue.PROVIDER_ID,
        game_code=game_code,
        lang=body.lang,
        return_url=body.lobbyUrl,
        rtp_percent=Decimal(0),
        currency=body.currency,
    )
    return _ok(url=launch.create_launch_url(platform, agent, request))


@router.post(
    "/gameList",
    openapi_extra=openapi_body(GameListBody),
    responses=facade_b_answers(FacadeBGameListAnswer),
)
def game_list(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[GameListBody, Depends(body_of(GameListBody))],
) -> dict[str, Any]:
    _check_signed(platform, agent, "gameList", {"agentID": body.agentID}, body.sign)
    # `gameID` is the contract's integer (the one callbacks carry); `gameCode` [ours] is the
    # game's code, which requests may send instead.
    games = [
        {
            "gameID": numeric_game_id(game.game_code),
            "gameCode": game.game_code,
            "name": game.name,
            "category": game.category,
            "provider": catalogue.PROVIDER_NAME,
            "thumbnail": game_metadata.image_url(platform, game.game_code),
        }
        for game in catalogue.list_games()
    ]
    return _ok(games=games)


def expiry_of(text: str) -> dt.datetime:
    """`expiretime` as ISO 8601 (`2026-03-01T12:00:00Z`, `...+02:00`); without an offset it
    is UTC. Anything else is 2."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "expiretime is not ISO 8601") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def bet_of_level(limits: BetLimits, game_code: str, level: int) -> int:
    """`betlevel` 1 is the smallest bet the agent and the game allow (the agent's minimum in
    the player's currency, rounded up to the game's bet step); each level above adds one bet
    step. A level above the agent's maximum bet is refused (2) by the free-round rules."""
    game = catalogue.get_game(game_code)
    assert game is not None
    step = game.bet_step_minor
    smallest = -(-limits.min_bet_minor // step) * step
    return smallest + (level - 1) * step


@router.post(
    "/createfreegame",
    openapi_extra=openapi_body(CreateFreeGameBody) | key_header(),
    responses=facade_b_answers(
        FacadeBDoneAnswer, *B_KEYED, Code.USER_NOT_FOUND, Code.DUPLICATE_TRANSACTION
    ),
)
@once
def create_free_game(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[CreateFreeGameBody, Depends(body_of(CreateFreeGameBody))],
) -> dict[str, Any]:
    """Free spins for one player and game; the freespinID names them (a second grant with the
    same freespinID is 11). The player must have signed in once (userAuth): 5 otherwise."""
    fields = {
        "agentID": body.agentID,
        "userID": body.userID,
        "gameID": _signed_text(body.gameID),
        "freespinID": body.freespinID,
    }
    _check_signed(platform, agent, "createfreegame", fields, body.sign)
    game_code = _game_code(body.gameID)
    user_code = _user_code(platform, agent, body.userID)
    limits = freerounds.grant_limits(platform, agent, user_code)
    request = freerounds.GrantRequest(
        user_code=user_code,
        provider_id=catalogue.PROVIDER_ID,
        game_code=game_code,
        bet_minor=bet_of_level(limits, game_code, body.betlevel),
        rounds=body.freespincount,
        expires_at=expiry_of(body.expiretime),
        external_id=body.freespinID,
        currency=limits.currency.code,
    )
    freerounds.grant(platform, agent.id, request)
    return _ok()


@router.post(
    "/cancelfreegame",
    openapi_extra=openapi_body(CancelFreeGameBody) | key_header(),
    responses=facade_b_answers(
        FacadeBDoneAnswer, *B_KEYED, Code.USER_NOT_FOUND, Code.TRANSACTION_NOT_FOUND
    ),
)
@once
def cancel_free_game(
    agent: Agent,
    platform: PlatformDep,
    body: Annotated[CancelFreeGameBody, Depends(body_of(CancelFreeGameBody))],
) -> dict[str, Any]:
    """Withdraw free spins nobody played yet: 8 unknown (or another player's or game's), 1
    once the player started them or they expired."""
    fields = {
        "agentID": body.agentID,
        "userID": body.userID,
        "gameID": _signed_text(body.gameID),
        "freespinID": body.freespinID,
    }
    _check_signed(platform, agent, "cancelfreegame", fields, body.sign)
    user_code = _user_code(platform, agent, body.userID)
    game_code = _game_code(body.gameID)
    grant = freerounds.find(platform, agent.id, external_id=body.freespinID)
    if grant.user_code != user_code or grant.game_code != game_code:
        raise ReelhouseError(ApiCode.FREEROUND_NO_EXIST, "no such free spins for this user")
    freerounds.cancel(platform, agent.id, external_id=body.freespinID)
    return _ok()
