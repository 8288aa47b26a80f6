"""How the OpenAPI document describes an operator-facing endpoint's answers: its success
envelope (a model), and the refusals it can give, each code listed.

Documentation only. Routes keep writing their own bytes (api/exact_json.py, the facades'
dicts); these models and tables are what `responses=` on a route's decorator hands FastAPI,
so the document says what the wire carries without the serialisation passing through them.

Every business answer is HTTP 200 (refusals too, docs/api.md), so an operation cannot list
its refusals as other status codes. Its 200 answer is instead "the success envelope, or a
refusal whose code is one of these": the route names its codes here (`x-refusals`), and
api/openapi_docs.py turns that into the schema `anyOf [success, refusal with code in enum]`
and a table of the codes in the answer's description.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reelhouse.dialects.igamingace_b import Code as BCode
from reelhouse.domain.errors import ApiCode

# What each code means to an operator, in short: docs/api.md's code table says it at length
# (a test checks that every code an operation lists is in that table).
MEANINGS: dict[ApiCode, str] = {
    ApiCode.UNDER_MAINTENANCE: "the game is in maintenance (docs/backoffice.md)",
    ApiCode.INTERNAL_SERVER_ERROR: "internal error (nothing was half-applied)",
    ApiCode.VALIDATION_ERROR: "validation error: malformed JSON, wrong types, body too large",
    ApiCode.RESOURCE_NOT_FOUND: "no such resource",
    ApiCode.TOKEN_NOT_FOUND: "no `Authorization: Bearer` token",
    ApiCode.TOKEN_INVALID: "token not valid",
    ApiCode.PERMISSION_ERROR: "the object belongs to another agent",
    ApiCode.PROVIDER_ERROR: "an upstream provider could not be used",
    ApiCode.PARAMETERS_INVALID: "parameter value not acceptable",
    ApiCode.CALLBACK_ERROR: "the operator's wallet callback failed or answered badly",
    ApiCode.SERVER_IS_BUSY: "too many calls in flight, or above the request rate",
    ApiCode.IDEMPOTENCY_KEY_REUSED: "the Idempotency-Key was used with another body",
    ApiCode.IDEMPOTENCY_KEY_IN_USE: "the Idempotency-Key's first call is still running: retry",
    ApiCode.IP_NOT_ALLOWED: "caller's IP not in the agent's allow-list",
    ApiCode.AGENT_NOT_FOUND: "operator not found",
    ApiCode.USER_NOT_FOUND: "user not found",
    ApiCode.GAME_NOT_FOUND: "game not found",
    ApiCode.BALANCE_NOT_ENOUGH: "the wallet refused the bet: insufficient funds",
    ApiCode.PROVIDER_NOT_FOUND: "provider not found, or not offered to this agent",
    ApiCode.BONUSCALL_DOUBLE: "a grant or bonus with this id exists, or one is active",
    ApiCode.BONUSCALL_ALREADY_ENDED: "free rounds already started, used up, expired or cancelled",
    ApiCode.ROUND_NOT_FOUND: "round not found",
    ApiCode.CURRENCY_NOT_SUPPORTED: "currency not supported",
    ApiCode.FREEROUND_NO_EXIST: "free-round grant not found",
    ApiCode.SESSION_EXPIRED: "game session unknown or expired, or launch URL already used",
    ApiCode.ROUND_IN_PROGRESS: "the player's previous round is still being settled",
    ApiCode.WALLET_UNAVAILABLE: "the wallet did not confirm the bet; it is being cancelled",
    ApiCode.AGENT_NOT_APPROVED: "the agent is not approved for real-money play",
    ApiCode.WALLET_SHUT_OFF: "the operator's wallet is shut off: the bet was not sent",
    ApiCode.BUSY: "Reelhouse is saturated: retry after `Retry-After`",
    ApiCode.JURISDICTION_UNKNOWN: "no jurisdiction profile by that code or country",
    ApiCode.JURISDICTION_STAKE_ABOVE_MAX: "the stake is above the jurisdiction's cap",
    ApiCode.JURISDICTION_TOO_SOON: "sooner than the jurisdiction's least time between rounds",
    ApiCode.JURISDICTION_AUTOPLAY_FORBIDDEN: "the jurisdiction forbids autoplay",
    ApiCode.JURISDICTION_TURBO_FORBIDDEN: "the jurisdiction forbids turbo (quick) spins",
    ApiCode.JURISDICTION_CURRENCY: "the jurisdiction caps stakes in other currencies only",
    ApiCode.REALITY_CHECK_PENDING: "a reality check waits for the player's answer",
    ApiCode.SESSION_TIME_LIMIT: "the session's time limit is reached",
    ApiCode.SESSION_LOSS_LIMIT: "the stake could take the session's loss past its limit",
    ApiCode.REALITY_CHECK_NOT_PENDING: "no reality check waits for an answer",
    ApiCode.COMPULSORY_BREAK: "a compulsory break after the reality check is running",
    ApiCode.SESSION_TERMINATED: "the operator ended this game session",
    ApiCode.PLAYER_SELF_EXCLUDED: "the wallet refused the bet: the player is self-excluded",
    ApiCode.PLAYER_LIMIT_REACHED: "the wallet refused the bet: the player reached a limit",
    ApiCode.PLAYER_BLOCKED: "the wallet refused the bet: the player is blocked",
    ApiCode.BONUS_BUY_FORBIDDEN: "the jurisdiction forbids buying a feature (bonus buy)",
    ApiCode.BET_MODE_UNKNOWN: "the game offers no bet mode by that name",
    ApiCode.BET_MODE_NOT_FREE: "a free round cannot be played in another bet mode",
    ApiCode.CURRENCY_NOT_OFFERED: "not one of the agent's currencies",
    ApiCode.PLAYER_CURRENCY_FIXED: "the player plays in another of the agent's currencies",
    ApiCode.EFFECTIVE_RTP_BELOW_FLOOR: "the max win per round would leave a game an effective"
    " RTP below the deployment's floor",
    ApiCode.EFFECTIVE_RTP_UNKNOWN: "a game's effective RTP under the max win per round cannot"
    " be checked (its figures do not match its math)",
}

B_MEANINGS: dict[BCode, str] = {
    BCode.GENERAL_ERROR: "general error (the wallet failed at launch, busy, already started)",
    BCode.WRONG_INPUT: "wrong input",
    BCode.INVALID_SIGN: "invalid sign",
    BCode.INVALID_AGENT: "invalid agent (agentID, no secret key, not approved)",
    BCode.USER_NOT_FOUND: "user not found",
    BCode.INVALID_API_TOKEN: "invalid API token (missing, wrong, or IP not allowed)",
    BCode.TRANSACTION_NOT_FOUND: "no such free spins",
    BCode.DUPLICATE_TRANSACTION: "a freespinID used before",
}

# The checks every authenticated Main API call passes before its own (api/deps.py), and a
# crash: any operation may answer these.
COMMON: tuple[ApiCode, ...] = (
    ApiCode.INTERNAL_SERVER_ERROR,
    ApiCode.VALIDATION_ERROR,
    ApiCode.TOKEN_NOT_FOUND,
    ApiCode.TOKEN_INVALID,
    ApiCode.SERVER_IS_BUSY,
    ApiCode.IP_NOT_ALLOWED,
)
# Flavour B's codes for those: token and IP (7), in flight (1), body (2), sign (3), agent (4).
B_COMMON: tuple[BCode, ...] = (
    BCode.GENERAL_ERROR,
    BCode.WRONG_INPUT,
    BCode.INVALID_SIGN,
    BCode.INVALID_AGENT,
    BCode.INVALID_API_TOKEN,
)
# What a call that takes an `Idempotency-Key` may answer besides (api/idempotency.py): the
# key reused with another body, or its first call still running. B has no codes of its own
# for them: a reused key is its duplicate transaction, one still running a general error.
V4_KEYED: tuple[ApiCode, ...] = (ApiCode.IDEMPOTENCY_KEY_REUSED, ApiCode.IDEMPOTENCY_KEY_IN_USE)
B_KEYED: tuple[BCode, ...] = (BCode.DUPLICATE_TRANSACTION, BCode.GENERAL_ERROR)

Envelope = Literal["v4", "igamingace-a", "igamingace-b"]
# The operation-level key api/openapi_docs.py reads: which envelope, which codes.
REFUSALS_KEY = "x-refusals"


class RoundRef(BaseModel):
    """What a 3003 refusal carries: the round whose bet is being cancelled."""

    round_id: str = Field(pattern=r"^[0-9]{1,19}$", description="the round's id as text")


class ApiError(BaseModel):
    """A refused call of the Main API v4 (HTTP 200; HTTP 404/405 for an unknown path or
    method, 500 for a crash): nothing was changed."""

    model_config = ConfigDict(
        title="ApiError",
        json_schema_extra={
            "examples": [
                {"code": 2002, "message": "no such user_code", "data": None},
                {"code": 3003, "message": "bet not confirmed", "data": {"round_id": "1207"}},
            ]
        },
    )

    code: int = Field(ge=1, description="the refusal's code (docs/api.md, Codes)")
    message: str
    data: RoundRef | None


class FacadeARefusalData(BaseModel):
    code: int = Field(ge=1, description="the Main API v4 code of the same refusal")
    detail: str


class FacadeARefusal(BaseModel):
    """A refused call of the iGamingAce A facade: `message` names the code."""

    model_config = ConfigDict(
        title="FacadeARefusal",
        json_schema_extra={
            "examples": [
                {
                    "success": False,
                    "message": "USER_NOT_FOUND",
                    "data": {"code": 2002, "detail": "no such player"},
                }
            ]
        },
    )

    success: Literal[False]
    message: str = Field(description="the v4 code's name, in the contract's spelling")
    data: FacadeARefusalData


class FacadeBRefusal(BaseModel):
    """A refused call of the iGamingAce B facade: B's code, and the v4 code's name first in
    the message."""

    model_config = ConfigDict(
        title="FacadeBRefusal",
        json_schema_extra={"examples": [{"code": 5, "message": "USER_NOT_FOUND: no such player"}]},
    )

    code: int = Field(ge=1)
    message: str


# Every success model a route documents its answers with, by name: api/openapi_docs.py puts
# their examples back into the document (FastAPI drops the nulls in them).
ANSWER_MODELS: dict[str, type[BaseModel]] = {}


def _documented(model: type[BaseModel]) -> type[BaseModel]:
    ANSWER_MODELS[model.__name__] = model
    return model


# The refusal model of each envelope, by the name the document gives it.
REFUSAL_MODELS: dict[Envelope, type[BaseModel]] = {
    "v4": ApiError,
    "igamingace-a": FacadeARefusal,
    "igamingace-b": FacadeBRefusal,
}


def _codes_table(rows: Iterable[tuple[int | str, str]]) -> str:
    lines = ["Refusals (HTTP 200, nothing changed):", "", "| code | meaning |", "|---|---|"]
    lines += [f"| {code} | {meaning} |" for code, meaning in rows]
    return "\n".join(lines)


def _ordered(codes: Iterable[ApiCode]) -> list[ApiCode]:
    return sorted(set(codes))


# `?format=csv` answers (the statistics): the rows as RFC 4180 text, an attachment.
CSV_CONTENT = {
    "text/csv": {"schema": {"type": "string", "description": "a header row, then one line per row"}}
}


def v4_answers(
    success: type[BaseModel], *codes: ApiCode, csv: bool = False
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a Main API v4 route: its success model, and the common refusals
    with its own `codes`. `csv`: it also answers `text/csv` when asked (refusals stay JSON)."""
    listed = _ordered((*COMMON, *codes))
    table = _codes_table((int(code), MEANINGS[code]) for code in listed)
    answer: dict[str, Any] = {
        "model": _documented(success),
        "description": f"Success (`code` 0), or a refusal.\n\n{table}",
        REFUSALS_KEY: {"envelope": "v4", "codes": [int(code) for code in listed]},
    }
    if csv:
        answer["content"] = CSV_CONTENT
    return {200: answer}


def facade_a_answers(
    success: type[BaseModel], *codes: ApiCode, spelled: Mapping[ApiCode, str]
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an iGamingAce A route: refusals are named (`message`), in the
    contract's spelling where `spelled` (the facade's table) has one."""
    listed = _ordered((*COMMON, *codes))

    def published_name(code: ApiCode) -> str:
        return spelled.get(code, code.name)

    table = _codes_table((published_name(code), MEANINGS[code]) for code in listed)
    return {
        200: {
            "model": _documented(success),
            "description": f"Success (`success` true), or a refusal.\n\n{table}",
            REFUSALS_KEY: {
                "envelope": "igamingace-a",
                "codes": [int(code) for code in listed],
                "names": [published_name(code) for code in listed],
            },
        }
    }


def facade_b_answers(success: type[BaseModel], *codes: BCode) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an iGamingAce B route: refusals carry B's own codes."""
    listed = sorted(set((*B_COMMON, *codes)))
    table = _codes_table((int(code), B_MEANINGS[code]) for code in listed)
    return {
        200: {
            "model": _documented(success),
            "description": f"Success (`code` 0), or a refusal.\n\n{table}",
            REFUSALS_KEY: {"envelope": "igamingace-b", "codes": [int(code) for code in listed]},
        }
    }
