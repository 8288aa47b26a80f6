"""A provider speaking SlotCity v4 (another Reelhouse, or any SlotCity-v4 game server), with
Reelhouse as its casino: the descriptor `SLOTCITY_V4_UPSTREAM`.

The contract is SlotCity v4, as docs/providers.md ("SlotCity v4 provider") summarises
it. Wallet side: the provider POSTs `{"command","data","timestamp","check"}` to the
one callback URL Reelhouse gave it; the dialect's operator side (`dialects.slotcity_v4`)
checks the `Callback-Token` (and Reelhouse's signature headers, when required) and reads
the callback; this module turns it into an `UpstreamCall` and writes the dialect's answers.
Games side: the provider's Main API v4 (`user/create`, `game/all`, `game/game-url`), with
Reelhouse's account's Bearer token.

A game is named `<provider_id>:<game_code>` in Reelhouse (`game_key`): the Main API lists
and launches games by the pair, and callbacks carry both.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from reelhouse.dialects import slotcity_v4 as dialect
from reelhouse.dialects.base import CallbackRejection, JsonValue
from reelhouse.dialects.slotcity_v4 import Result, SlotCityCallback
from reelhouse.domain.languages import FALLBACK_LANG, INTEGER_CODES
from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.money import currency, is_supported, to_decimal
from reelhouse.domain.wallet import CommandKind, HttpAnswer, HttpRequest
from reelhouse.providers.answers import (
    BadEntry,
    catalogue_of,
    fault,
    integer_member,
    read_object,
    required_text_member,
    text_member,
    url_member,
)
from reelhouse.providers.base import (
    CATALOGUE_ANSWER_MAX_BYTES,
    UPSTREAM_NAME_MAX_CHARS,
    AnswerStatus,
    CallKind,
    Catalogue,
    CatalogueEntry,
    LaunchAnswer,
    LaunchRequest,
    Platform,
    UpstreamAnswer,
    UpstreamCall,
    UpstreamFault,
    UpstreamPlayer,
    UpstreamProtocol,
    UpstreamRefusal,
)
from reelhouse.providers.dialect_upstream import (
    CATALOGUE_TIMEOUT_MS,
    LAUNCH_TIMEOUT_MS,
    PLAYER_TIMEOUT_MS,
    OperatorApiKeys,
    WalletCallKeys,
    api_request,
    exact_minor,
    json_answer_headers,
    load_api_keys,
    load_wallet_keys,
    no_grant,
    no_grant_answer,
    no_offers,
    no_offers_answer,
    wallet_keys_at,
)

NAME = "slotcity-v4"

# The one URL the provider calls (the command is in the body): what Reelhouse mounts under
# its own prefix and gives the provider as its callback URL.
CALLBACK_PATH = "/slotcity-v4/callback"
MAX_PATH_CHARS = 512

# --- Wallet side: commands ----------------------------------------------------------------

# Every command of the contract and what it is inside Reelhouse. `authenticate` (at launch)
# is a balance read like `balance`, answered with the account besides; `status` is answered
# from Reelhouse's own record of what it relayed, never relayed to the casino's wallet.
KIND_BY_COMMAND: dict[CommandKind, CallKind] = {
    CommandKind.AUTHENTICATE: CallKind.BALANCE,
    CommandKind.BALANCE: CallKind.BALANCE,
    CommandKind.BET: CallKind.BET,
    CommandKind.WIN: CallKind.WIN,
    CommandKind.CANCEL: CallKind.CANCEL,
    CommandKind.STATUS: CallKind.STATUS,
}
assert set(KIND_BY_COMMAND) == set(dialect.COMMANDS)

# The dialect's refusals before any business logic, as Reelhouse's statuses (each maps back
# to the same result through RESULT_BY_STATUS).
STATUS_BY_REJECTION: dict[int | str, AnswerStatus] = {
    Result.BAD_TOKEN: AnswerStatus.INVALID_SIGNATURE,
    Result.INTERNAL_ERROR: AnswerStatus.WRONG_SYNTAX,
}

# --- Wallet side: answers -----------------------------------------------------------------

# Reelhouse's answer status -> the contract's `result`. The provider reads them as the
# dialect's Reelhouse side does (dialects/slotcity_v4.py): 21, 22, 100 and 31 refuse a bet
# for good; 41 to a win or cancel means "applied before"; anything else to a win or cancel
# is retried. So:
# - a session token does not exist here: INVALID_TOKEN is Reelhouse not knowing the player
#   the call names (21), TOKEN_EXPIRED and a player's limit stop new bets as inactive (22);
# - DUPLICATE_TRANSACTION (an id reused with other content) must never be 41, which would
#   settle an unapplied win: 99, the provider retries and alerts;
# - the answers about a transaction depend on the call (RESULT_FOR_CALL).
RESULT_BY_STATUS: dict[AnswerStatus, Result] = {
    AnswerStatus.OK: Result.OK,
    AnswerStatus.NOT_ENOUGH_MONEY: Result.INSUFFICIENT_FUNDS,
    AnswerStatus.INVALID_TOKEN: Result.UNKNOWN_PLAYER,
    AnswerStatus.TOKEN_EXPIRED: Result.PLAYER_INACTIVE,
    AnswerStatus.USER_DISABLED: Result.PLAYER_INACTIVE,
    AnswerStatus.LIMIT_REACHED: Result.PLAYER_INACTIVE,
    AnswerStatus.INVALID_PARTNER: Result.BAD_TOKEN,
    AnswerStatus.INVALID_SIGNATURE: Result.BAD_TOKEN,
    AnswerStatus.INVALID_GAME: Result.INTERNAL_ERROR,
    AnswerStatus.WRONG_CURRENCY: Result.INTERNAL_ERROR,
    AnswerStatus.WRONG_SYNTAX: Result.INTERNAL_ERROR,
    AnswerStatus.WRONG_TYPES: Result.INTERNAL_ERROR,
    AnswerStatus.DUPLICATE_TRANSACTION: Result.INTERNAL_ERROR,
    AnswerStatus.TRANSACTION_DOES_NOT_EXIST: Result.CANCEL_TARGET_NOT_FOUND,
    AnswerStatus.TRANSACTION_ROLLED_BACK: Result.INTERNAL_ERROR,
    AnswerStatus.UNKNOWN_ERROR: Result.INTERNAL_ERROR,
}
assert set(RESULT_BY_STATUS) == set(AnswerStatus)

# Where the call decides: a transaction asked about and never seen is 42 to `status`; a
# cancel of one already cancelled is done (41, "processed before").
RESULT_FOR_CALL: dict[tuple[CallKind, AnswerStatus], Result] = {
    (CallKind.STATUS, AnswerStatus.TRANSACTION_DOES_NOT_EXIST): Result.TRANSACTION_NOT_FOUND,
    (CallKind.CANCEL, AnswerStatus.TRANSACTION_ROLLED_BACK): Result.DUPLICATE_TRANSACTION,
}

# Error answers that carry the balance (the contract's table); the others carry no data.
_WITH_BALANCE = frozenset(
    {
        Result.INSUFFICIENT_FUNDS,
        Result.DUPLICATE_TRANSACTION,
        Result.TRANSACTION_NOT_FOUND,
        Result.CANCEL_TARGET_NOT_FOUND,
    }
)


def result_of(answer: UpstreamAnswer) -> Result:
    if answer.call is not None:
        found = RESULT_FOR_CALL.get((answer.call.kind, answer.status))
        if found is not None:
            return found
    return RESULT_BY_STATUS[answer.status]


def game_key(provider_id: int, game_code: str) -> str:
    """A game as Reelhouse names it in this provider's catalogue and calls."""
    return f"{provider_id}:{game_code}"


def decode_call(
    path: str, headers: Mapping[str, str], body: bytes, keys: WalletCallKeys
) -> UpstreamCall | UpstreamRefusal:
    """Authenticate a callback (the dialect's operator side: token, then signature and its
    window when required, then the strict shape), then read it. Never raises on bad input."""
    if len(path) > MAX_PATH_CHARS or not path.endswith(CALLBACK_PATH):
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, "not the callback path")
    verified = dialect.verify_and_decode_callback(
        headers,
        body,
        keys.credentials.callback_token,
        keys.now_unix_s,
        keys.require_signature,
    )
    if isinstance(verified, CallbackRejection):
        return UpstreamRefusal(STATUS_BY_REJECTION[verified.result], verified.reason)
    return _call_of(verified, keys.currency)


def _call_of(callback: SlotCityCallback, currency_code: str) -> UpstreamCall | UpstreamRefusal:
    command = callback.kind.value
    kind = KIND_BY_COMMAND[callback.kind]
    account = callback.account
    if kind is CallKind.BALANCE:
        # No request id in the contract: a read is named by what it asks and when.
        request_id = f"{command}:{account}:{callback.sent_at_unix_s}"
        return UpstreamCall(kind, request_id, "", supplier_user=account, wire_command=command)
    assert callback.trans_guid is not None
    if kind is CallKind.STATUS:
        request_id = f"{command}:{callback.trans_guid}:{callback.sent_at_unix_s}"
        return UpstreamCall(
            kind,
            request_id,
            "",
            supplier_user=account,
            reference_transaction_id=callback.trans_guid,
            wire_command=command,
        )
    # A money call is named by its own transaction: a retry (same id, same data, another
    # timestamp) is the same call, and gets the first answer again.
    request_id = f"{command}:{callback.trans_guid}"
    if not is_supported(currency_code):
        return UpstreamRefusal(AnswerStatus.WRONG_CURRENCY, "account currency", request_id)
    assert callback.amount is not None and callback.provider_id is not None
    assert callback.game_code is not None and callback.call_id is not None
    amount_minor = exact_minor(callback.amount, currency_code)
    if isinstance(amount_minor, UpstreamRefusal):
        return UpstreamRefusal(amount_minor.status, amount_minor.reason, request_id)
    # `call_id` names the bonus call (free round) a win pays from; 0 on paid rounds.
    free = callback.call_id != dialect.NO_BONUS_CALL_ID
    return UpstreamCall(
        kind,
        request_id,
        "",
        supplier_user=account,
        game_code=game_key(callback.provider_id, callback.game_code),
        transaction_id=callback.trans_guid,
        # A win names no bet (the round does); a cancel names what it reverses.
        reference_transaction_id=callback.cancel_trans_guid,
        round_id=str(callback.round_id),
        # Every round gets exactly one win (spec): it closes the round.
        round_closed=kind is CallKind.WIN,
        currency=currency_code,
        wire_currency=currency_code,
        amount_minor=amount_minor,
        is_free=free,
        reward_id=str(callback.call_id) if free else None,
        wire_command=command,
    )


def encode_answer(answer: UpstreamAnswer) -> bytes:
    """The contract's answer: `{"result":0,"status":"OK","data":{...,"balance":b}}`, the
    account echoed to `authenticate`, `{account, trans_guid, trans_status}` to `status`;
    an error with the balance where the contract's table has one (31, 41, 42, 43), bare
    otherwise. The balance is written with the currency's exact decimals."""
    result = result_of(answer)
    call = answer.call
    balance = None
    if answer.balance_minor is not None and (result is Result.OK or result in _WITH_BALANCE):
        assert answer.wire_currency is not None
        balance = to_decimal(answer.balance_minor, currency(answer.wire_currency))
    if result is Result.OK and call is not None and call.kind is CallKind.STATUS:
        assert answer.trans_status is not None and call.supplier_user is not None
        assert call.reference_transaction_id is not None
        found: dict[str, str] = {
            "account": call.supplier_user,
            "trans_guid": call.reference_transaction_id,
            "trans_status": answer.trans_status.value,
        }
        return dialect.encode_answer(result, None, found)
    extra = None
    if result is Result.OK and call is not None and call.wire_command == "authenticate":
        assert call.supplier_user is not None
        extra = {"account": call.supplier_user}
    return dialect.encode_answer(result, balance, extra)


def answer_for_refusal(refusal: UpstreamRefusal) -> bytes:
    return encode_answer(UpstreamAnswer(refusal.status, refusal.request_id))


# --- Games side: the provider's Main API v4 -------------------------------------------------

USER_CREATE_PATH = "/v4/user/create"
GAMES_PATH = "/v4/game/all"
GAME_URL_PATH = "/v4/game/game-url"

# `user/create` names: 2-50 of [A-Za-z0-9_] (spec), also the callbacks' account alphabet.
USER_NAME = re.compile(r"[A-Za-z0-9_]{2,50}", re.ASCII)
INT64_MAX = 2**63 - 1
# The contract's integer language codes; a language it does not list plays in English.
LANG_CODE_BY_TAG: dict[str, int] = {tag: code for code, tag in INTEGER_CODES.items()}
# Game codes in the v4 game list and callbacks (the dialect's bound on text ids).
GAME_CODE_MAX_CHARS = 64


def encode_player(name: str, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`user/create {name}`: create-or-get; its `user_code` launches the player."""
    assert USER_NAME.fullmatch(name), "Reelhouse names its players in the contract's alphabet"
    doc: dict[str, JsonValue] = {"name": name}
    return api_request("POST", base_url, USER_CREATE_PATH, doc, keys, PLAYER_TIMEOUT_MS)


def _data(answer: HttpAnswer, max_bytes: int) -> object | UpstreamFault:
    """The envelope's `data` when `code` is 0; the provider's refusal otherwise."""
    doc = read_object(answer, max_bytes)
    if isinstance(doc, UpstreamFault):
        return doc
    code = doc.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        return fault("answer has no integer code", answer.body)
    if code != 0:
        return fault(f"code {code}", answer.body)
    return doc.get("data")


def decode_player(name: str, answer: HttpAnswer) -> UpstreamPlayer | UpstreamFault:
    data = _data(answer, MAX_WALLET_ANSWER_BYTES)
    if isinstance(data, UpstreamFault):
        return data
    if not isinstance(data, dict):
        return fault("data is not an object", answer.body)
    try:
        user_code = integer_member(data, "user_code", INT64_MAX)
    except BadEntry as exc:
        return fault(str(exc), answer.body)
    return UpstreamPlayer(name, str(user_code))


def encode_catalogue(_operator_id: int, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`game/all {}`: every provider's games; the Bearer token names Reelhouse's account."""
    return api_request("POST", base_url, GAMES_PATH, {}, keys, CATALOGUE_TIMEOUT_MS)


def decode_catalogue(answer: HttpAnswer) -> Catalogue | UpstreamFault:
    data = _data(answer, CATALOGUE_ANSWER_MAX_BYTES)
    if isinstance(data, UpstreamFault):
        return data
    return catalogue_of(answer.body, data, _catalogue_entry)


def _catalogue_entry(item: object) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise BadEntry("entry is not an object")
    enabled = item.get("launch_enable")
    if not isinstance(enabled, bool):
        # Whether a game may be offered is never guessed.
        raise BadEntry("launch_enable is not a boolean")
    provider_id = integer_member(item, "provider_id", INT64_MAX)
    code = required_text_member(item, "game_code", GAME_CODE_MAX_CHARS)
    return CatalogueEntry(
        game_code=game_key(provider_id, code),
        name=required_text_member(item, "game_name", UPSTREAM_NAME_MAX_CHARS),
        category=text_member(item, "category", UPSTREAM_NAME_MAX_CHARS),
        # The contract names no platforms: its games are HTML5, played on both.
        platforms=frozenset(Platform),
        blocked_countries=frozenset(),
        thumbnail_url=url_member(item, "game_image"),
        background_url=None,
        product=None,
        freebet_support=False,
        enabled=enabled,
    )


def parse_game_key(key: str) -> tuple[int, str]:
    """The inverse of `game_key`; AssertionError for a key this adapter never made."""
    provider, _, code = key.partition(":")
    assert provider.isascii() and provider.isdigit() and len(provider) <= 19 and code
    return int(provider), code


def encode_launch(request: LaunchRequest, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`game/game-url {user_code, provider_id, game_symbol, lang, return_url}`. Only
    registered players (`provider_user_id` from `user/create`); no demo play: the contract
    has none."""
    assert request.provider_user_id is not None, "a SlotCity launch names a user_code"
    user_code = int(request.provider_user_id)
    provider_id, code = parse_game_key(request.game_code)
    tag = request.language if request.language is not None else FALLBACK_LANG
    doc: dict[str, JsonValue] = {
        "user_code": user_code,
        "provider_id": provider_id,
        "game_symbol": code,
        "lang": LANG_CODE_BY_TAG.get(tag.lower(), LANG_CODE_BY_TAG[FALLBACK_LANG]),
    }
    if request.lobby_url is not None:
        doc["return_url"] = request.lobby_url
    return api_request("POST", base_url, GAME_URL_PATH, doc, keys, LAUNCH_TIMEOUT_MS)


def decode_launch(answer: HttpAnswer) -> LaunchAnswer | UpstreamFault:
    data = _data(answer, MAX_WALLET_ANSWER_BYTES)
    if isinstance(data, UpstreamFault):
        return data
    if not isinstance(data, dict):
        return fault("data is not an object", answer.body)
    try:
        url = url_member(data, "game_url")
    except BadEntry as exc:
        return fault(str(exc), answer.body)
    if url is None:
        return fault("answer has no game_url", answer.body)
    return LaunchAnswer(url)


SLOTCITY_V4_UPSTREAM: UpstreamProtocol[WalletCallKeys, OperatorApiKeys] = UpstreamProtocol(
    name=NAME,
    load_verify_key=load_wallet_keys,
    load_sign_key=load_api_keys,
    verify_key_at=wallet_keys_at,
    wallet_paths={},
    decode_call=decode_call,
    encode_answer=encode_answer,
    answer_for_refusal=answer_for_refusal,
    sign_answer=json_answer_headers,
    encode_launch=encode_launch,
    decode_launch=decode_launch,
    encode_catalogue=encode_catalogue,
    decode_catalogue=decode_catalogue,
    encode_offers=no_offers,
    decode_offers=no_offers_answer,
    encode_grant=no_grant,
    decode_grant=no_grant_answer,
    callback_path=CALLBACK_PATH,
    session_tokens=False,
    free_rounds=False,
    answer_deadline_ms=dialect.TIMEOUT_MS_BY_KIND[CommandKind.BET],
    encode_player=encode_player,
    decode_player=decode_player,
)
PROVIDER = SLOTCITY_V4_UPSTREAM
