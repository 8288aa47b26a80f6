"""Hub88 supplier API facts the supplier needs, written from the public contract: wallet
paths, statuses, the x100000 amount unit, compact JSON bodies and the wallet answer.

Amounts travel as integers of 1/100000 of the currency's major unit (3.56 EUR is 356000).
A supplier must only send amounts its aggregator can hold exactly: `exact_step_x100000`
says which multiples are whole minor units of the currency (EUR: 1000, one cent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from reelhouse.domain import json_bounded
from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.money import MoneyError, currency

WALLET_PREFIX = "/supplier/generic/v2"
BALANCE_PATH = WALLET_PREFIX + "/user/balance"
BET_PATH = WALLET_PREFIX + "/transaction/bet"
WIN_PATH = WALLET_PREFIX + "/transaction/win"
ROLLBACK_PATH = WALLET_PREFIX + "/transaction/rollback"

# Aggregator -> supplier paths, under the supplier's own base URL.
GAME_URL_PATH = "/game/url"
GAME_LIST_PATH = "/game/list"
PREPAIDS_LIST_PATH = "/freebet/prepaids/list"
REWARD_CREATE_PATH = "/freebet/rewards/create"

PLATFORMS = ("GPL_DESKTOP", "GPL_MOBILE")
DEMO_CURRENCY = "XXX"  # demo play: no user, no token, no wallet calls
# The contract's launch tokens are 10 to 255 characters.
TOKEN_MIN_CHARS = 10
TOKEN_MAX_CHARS = 255


class Status(StrEnum):
    """Every status of the contract, as it travels."""

    OK = "RS_OK"
    UNKNOWN = "RS_ERROR_UNKNOWN"
    INVALID_PARTNER = "RS_ERROR_INVALID_PARTNER"
    INVALID_TOKEN = "RS_ERROR_INVALID_TOKEN"  # noqa: S105 - a status, not a secret
    TOKEN_EXPIRED = "RS_ERROR_TOKEN_EXPIRED"  # noqa: S105
    INVALID_GAME = "RS_ERROR_INVALID_GAME"
    WRONG_CURRENCY = "RS_ERROR_WRONG_CURRENCY"
    NOT_ENOUGH_MONEY = "RS_ERROR_NOT_ENOUGH_MONEY"
    USER_DISABLED = "RS_ERROR_USER_DISABLED"
    INVALID_SIGNATURE = "RS_ERROR_INVALID_SIGNATURE"
    WRONG_SYNTAX = "RS_ERROR_WRONG_SYNTAX"
    WRONG_TYPES = "RS_ERROR_WRONG_TYPES"
    DUPLICATE_TRANSACTION = "RS_ERROR_DUPLICATE_TRANSACTION"
    TRANSACTION_DOES_NOT_EXIST = "RS_ERROR_TRANSACTION_DOES_NOT_EXIST"
    TRANSACTION_ROLLED_BACK = "RS_ERROR_TRANSACTION_ROLLED_BACK"
    LIMIT_REACHED = "RS_ERROR_LIMIT_REACHED"


# The contract: a bet refused with one of these is final (no money moved, nothing to undo);
# a bet that met any other non-OK status, or a network failure, is rolled back.
FINAL_BET_REFUSALS = frozenset({Status.NOT_ENOUGH_MONEY, Status.LIMIT_REACHED})
# Answers after which the same win or rollback may succeed if sent again. The contract says
# wins are retried "until a definitive status" without listing them (not found): the
# aggregator's own internal error is the one status that says "try again"; every other
# status would come back the same for the same transaction.
RETRY_STATUSES = frozenset({Status.UNKNOWN})

# --- Amounts ---------------------------------------------------------------------------------

WIRE_DECIMALS = 5  # amounts are integers of 10^-5 of the major unit
# Hub88's own codes a supplier may play in, with the decimals an aggregator holds them in:
# mBTC is 1/1000 BTC and BTC is held in satoshi (10^-8 BTC = 10^-5 mBTC).
OWN_CODE_DECIMALS = {"mBTC": 5}


def currency_decimals(code: str) -> int:
    """The decimals of a currency's smallest held unit (EUR 2, JPY 0, BTC 8, mBTC 5).
    Raises MoneyError for a code neither ISO, a listed cryptocurrency, nor Hub88's own."""
    if code in OWN_CODE_DECIMALS:
        return OWN_CODE_DECIMALS[code]
    return currency(code).exponent


def exact_step_x100000(code: str) -> int:
    """The smallest positive wire amount that is a whole minor unit of `code`: every
    multiple of it is exact (EUR 1000, JPY 100000, KWD 100, BTC and mBTC 1)."""
    return int(10 ** max(0, WIRE_DECIMALS - currency_decimals(code)))


def minor_to_x100000(amount_minor: int, code: str) -> int:
    """Minor units (cents, satoshi) as wire units, exact or MoneyError."""
    decimals = currency_decimals(code)
    if decimals <= WIRE_DECIMALS:
        return amount_minor * int(10 ** (WIRE_DECIMALS - decimals))
    wire, rest = divmod(amount_minor, int(10 ** (decimals - WIRE_DECIMALS)))
    if rest:
        raise MoneyError(f"{amount_minor} minor units of {code} are finer than wire units")
    return wire


def x100000_to_minor(amount_x100000: int, code: str) -> int:
    """Wire units as minor units, exact or MoneyError (356000 EUR -> 356 cents)."""
    decimals = currency_decimals(code)
    if decimals >= WIRE_DECIMALS:
        return amount_x100000 * int(10 ** (decimals - WIRE_DECIMALS))
    minor, rest = divmod(amount_x100000, int(10 ** (WIRE_DECIMALS - decimals)))
    if rest:
        raise MoneyError(f"{amount_x100000} is not a whole minor unit of {code}")
    return minor


# --- Bodies ----------------------------------------------------------------------------------

JsonDoc = dict[str, object]


def encode_body(doc: JsonDoc | list[JsonDoc]) -> bytes:
    """Compact ASCII JSON in the dict's order: the bytes that are signed are the bytes sent,
    and the same document always gives the same bytes (a resend is identical)."""
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=True).encode("ascii")


@dataclass(frozen=True, slots=True)
class WalletAnswer:
    """The aggregator's answer `{user, status, request_uuid, currency, balance}`; error
    answers may leave out user, currency and balance. `status` is kept as sent, so an
    unknown status is seen as one (it is not OK)."""

    status: str
    request_uuid: str | None
    user: str | None
    currency: str | None
    balance: int | None

    @property
    def ok(self) -> bool:
        return self.status == Status.OK


class AnswerProblem(ValueError):
    """Answer bytes that are not a usable wallet answer."""


def parse_wallet_answer(body: bytes) -> WalletAnswer:
    """Read an answer, bounded (size, depth, numbers) before it is parsed. Raises
    AnswerProblem when it is not an object with a text `status`, or a field has the
    wrong type (a balance that is not an integer is not one to trust)."""
    try:
        doc = json_bounded.loads(body, MAX_WALLET_ANSWER_BYTES)
    except json_bounded.JsonError as exc:
        raise AnswerProblem(f"not JSON: {exc}") from exc
    if not isinstance(doc, dict):
        raise AnswerProblem("answer is not an object")
    status = doc.get("status")
    if not isinstance(status, str):
        raise AnswerProblem("answer has no text status")
    balance = doc.get("balance")
    if balance is not None and (isinstance(balance, bool) or not isinstance(balance, int)):
        raise AnswerProblem("balance is not an integer")
    texts = {key: doc.get(key) for key in ("request_uuid", "user", "currency")}
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise AnswerProblem(f"{key} is not text")
    return WalletAnswer(
        status=status,
        request_uuid=_text_or_none(texts["request_uuid"]),
        user=_text_or_none(texts["user"]),
        currency=_text_or_none(texts["currency"]),
        balance=balance,
    )


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None
