"""A provider speaking iGamingAce flavour A (another Reelhouse, or any flavour A game server),
with Reelhouse as its casino: the descriptor `IGAMINGACE_A_UPSTREAM`.

The contract is iGamingAce flavour A, as docs/providers.md ("iGamingAce A provider")
summarises it. Wallet side: the provider POSTs a flat JSON object to the one
callback URL Reelhouse gave it, signed in `X-Request-Signature` with the API token it issued
Reelhouse; the dialect's operator side (`dialects.igamingace_a`) checks the signature and its
timestamp window and reads the callback; this module turns it into an `UpstreamCall` and
writes the answer `{"balance","statusCode"}`. Games side: the flavour A Main API
(`/v1/player/link`, `/v1/game/list`, `/v1/game/launch`) with the same token as Bearer.

A game is named `<providerId>:<gameId>` in Reelhouse (`game_key`): the list and the launch
name games by the pair, and callbacks carry both (`providerId`, and `gameCode`, the numeric
game id).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from reelhouse.dialects import igamingace_a as dialect
from reelhouse.dialects.base import CallbackRejection, JsonValue
from reelhouse.dialects.igamingace_a import IGamingAceACallback, Status
from reelhouse.domain.game_ids import NUMERIC_GAME_ID_MAX
from reelhouse.domain.languages import FALLBACK_LANG
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

NAME = "igamingace-a"

# The one URL the provider calls (the command is in the body): what Reelhouse mounts under
# its own prefix and gives the provider as its callback URL.
CALLBACK_PATH = "/igamingace-a/callback"
MAX_PATH_CHARS = 512

# --- Wallet side ----------------------------------------------------------------------------

# The contract's commands Reelhouse relays. `betwin` (a bet and its win in one call) is not:
# `UpstreamCall` carries one amount, and a provider sends it only when its casino opted in.
KIND_BY_COMMAND: dict[CommandKind, CallKind] = {
    CommandKind.BALANCE: CallKind.BALANCE,
    CommandKind.BET: CallKind.BET,
    CommandKind.WIN: CallKind.WIN,
    CommandKind.CANCEL: CallKind.CANCEL,
}

STATUS_BY_REJECTION: dict[int | str, AnswerStatus] = {
    Status.INTEGRITY_CHECK_FAILED: AnswerStatus.INVALID_SIGNATURE,
    Status.UNKNOWN: AnswerStatus.WRONG_SYNTAX,
}

# Reelhouse's answer status -> `statusCode`. The provider reads them as the dialect's
# Reelhouse side does (dialects/igamingace_a.py): ERR_NOT_AUTHENTICATED, ERR_NOT_ENOUGH_MONEY
# and ERR_INTEGRITY_CHECK_FAILED refuse a bet for good; OK to a repeated transaction is
# "applied"; anything else to a win or cancel is retried. So a transaction id reused with
# other content (DUPLICATE_TRANSACTION) is ERR_UNKNOWN, never OK; a player Reelhouse cannot
# let play (disabled, a limit) is ERR_NOT_AUTHENTICATED; a currency other than the account's
# is ERR_INVALID_ACCOUNT, the contract's "currency mismatch".
STATUS_CODE: dict[AnswerStatus, Status] = {
    AnswerStatus.OK: Status.OK,
    AnswerStatus.NOT_ENOUGH_MONEY: Status.NOT_ENOUGH_MONEY,
    AnswerStatus.INVALID_TOKEN: Status.INVALID_PLAYER_ID,
    AnswerStatus.TOKEN_EXPIRED: Status.NOT_AUTHENTICATED,
    AnswerStatus.USER_DISABLED: Status.NOT_AUTHENTICATED,
    AnswerStatus.LIMIT_REACHED: Status.NOT_AUTHENTICATED,
    AnswerStatus.INVALID_PARTNER: Status.INTEGRITY_CHECK_FAILED,
    AnswerStatus.INVALID_SIGNATURE: Status.INTEGRITY_CHECK_FAILED,
    AnswerStatus.INVALID_GAME: Status.UNKNOWN,
    AnswerStatus.WRONG_CURRENCY: Status.INVALID_ACCOUNT,
    AnswerStatus.WRONG_SYNTAX: Status.UNKNOWN,
    AnswerStatus.WRONG_TYPES: Status.UNKNOWN,
    AnswerStatus.DUPLICATE_TRANSACTION: Status.UNKNOWN,
    AnswerStatus.TRANSACTION_DOES_NOT_EXIST: Status.TRANSACTION_DOES_NOT_EXIST,
    AnswerStatus.TRANSACTION_ROLLED_BACK: Status.TRANSACTION_ROLLED_BACK,
    AnswerStatus.UNKNOWN_ERROR: Status.UNKNOWN,
}
assert set(STATUS_CODE) == set(AnswerStatus)

# Where the call decides: the contract lists ERR_INVALID_PLAYER_ID for `balance` only; a
# money call naming a player Reelhouse does not know is not authenticated.
STATUS_FOR_CALL: dict[tuple[CallKind, AnswerStatus], Status] = {
    (kind, AnswerStatus.INVALID_TOKEN): Status.NOT_AUTHENTICATED
    for kind in (CallKind.BET, CallKind.WIN, CallKind.CANCEL)
}


def status_of(answer: UpstreamAnswer) -> Status:
    if answer.call is not None:
        found = STATUS_FOR_CALL.get((answer.call.kind, answer.status))
        if found is not None:
            return found
    return STATUS_CODE[answer.status]


def game_key(provider_id: int, game_id: int) -> str:
    """A game as Reelhouse names it in this provider's catalogue and calls."""
    return f"{provider_id}:{game_id}"


def decode_call(
    path: str, headers: Mapping[str, str], body: bytes, keys: WalletCallKeys
) -> UpstreamCall | UpstreamRefusal:
    """Authenticate a callback (the dialect's operator side: the signature over the values,
    then the timestamp window, then the strict shape), then read it. Never raises on bad
    input. The signature is always required: it is the contract's."""
    if len(path) > MAX_PATH_CHARS or not path.endswith(CALLBACK_PATH):
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, "not the callback path")
    api_token = keys.credentials.api_token
    assert api_token, "flavour A verifies with the API token the provider issued"
    verified = dialect.verify_and_decode_callback(headers, body, api_token, keys.now_unix_s)
    if isinstance(verified, CallbackRejection):
        return UpstreamRefusal(STATUS_BY_REJECTION[verified.result], verified.reason)
    return _call_of(verified, keys.currency)


def _call_of(
    callback: IGamingAceACallback, account_currency: str
) -> UpstreamCall | UpstreamRefusal:
    command = dialect.WIRE_COMMAND[callback.kind]
    player = callback.player_id
    if callback.kind is CommandKind.BALANCE:
        # No request id in the contract: a read is named by whom it asks about and when.
        request_id = f"{command}:{player}:{callback.sent_at_ms}"
    else:
        # A money call is named by its own transaction: a retry is the same call.
        request_id = f"{command}:{callback.transaction_id}"
    kind = KIND_BY_COMMAND.get(callback.kind)
    if kind is None:
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, f"{command} is not relayed", request_id)
    if callback.currency != account_currency or not is_supported(account_currency):
        reason = f"currency {callback.currency!r} is not the account's"
        return UpstreamRefusal(AnswerStatus.WRONG_CURRENCY, reason, request_id)
    if kind is CallKind.BALANCE:
        return UpstreamCall(kind, request_id, "", supplier_user=player, wire_command=command)
    assert callback.amount is not None and callback.provider_id is not None
    assert callback.game_code is not None and callback.round_id is not None
    amount_minor = exact_minor(callback.amount, account_currency)
    if isinstance(amount_minor, UpstreamRefusal):
        return UpstreamRefusal(amount_minor.status, amount_minor.reason, request_id)
    # `bonusId` names the bonus call (free spins) a call pays from; 0 on paid rounds.
    bonus = callback.bonus_id if callback.bonus_id else None
    reference = callback.reference_id
    return UpstreamCall(
        kind,
        request_id,
        "",
        supplier_user=player,
        game_code=game_key(callback.provider_id, callback.game_code),
        transaction_id=str(callback.transaction_id),
        # A win names no bet (its round does); a cancel names the bet it reverses.
        reference_transaction_id=str(reference) if reference is not None else None,
        round_id=str(callback.round_id),
        round_closed=bool(callback.is_round_finished),
        currency=account_currency,
        wire_currency=callback.currency,
        amount_minor=amount_minor,
        is_free=bonus is not None,
        reward_id=str(bonus) if bonus is not None else None,
        wire_command=command,
    )


def encode_answer(answer: UpstreamAnswer) -> bytes:
    """`{"balance":<number>,"statusCode":"..."}`, the contract's only answer shape: the
    balance in shortest exact form, 0 when Reelhouse knows none (the shape requires one)."""
    balance = None
    if answer.balance_minor is not None:
        assert answer.wire_currency is not None
        balance = to_decimal(answer.balance_minor, currency(answer.wire_currency))
    return dialect.encode_answer(status_of(answer), balance)


def answer_for_refusal(refusal: UpstreamRefusal) -> bytes:
    return encode_answer(UpstreamAnswer(refusal.status, refusal.request_id))


# --- Games side: the flavour A Main API -----------------------------------------------------

PLAYER_LINK_PATH = "/v1/player/link"
GAME_LIST_PATH = "/v1/game/list"
GAME_LAUNCH_PATH = "/v1/game/launch"

# `playerId`: 1-64 of [A-Za-z0-9_.-] (spec), also the callbacks' alphabet.
PLAYER_ID = re.compile(r"[A-Za-z0-9_.-]{1,64}", re.ASCII)
PROVIDER_ID_MAX = 2**63 - 1
GAME_CODE_MAX_CHARS = 64
# `playerId` echoed and `playerCode` (Reelhouse's 64-bit user code as text) in answers.
PLAYER_CODE_MAX_CHARS = 64


def encode_player(name: str, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`POST /v1/player/link {playerId}`: create-or-get; a launch names the player by it."""
    assert PLAYER_ID.fullmatch(name), "Reelhouse names its players in the contract's alphabet"
    doc: dict[str, JsonValue] = {"playerId": name}
    return api_request("POST", base_url, PLAYER_LINK_PATH, doc, keys, PLAYER_TIMEOUT_MS)


def _data(answer: HttpAnswer, max_bytes: int) -> object | UpstreamFault:
    """The envelope's `data` when `success` is true; the provider's refusal otherwise."""
    doc = read_object(answer, max_bytes)
    if isinstance(doc, UpstreamFault):
        return doc
    success = doc.get("success")
    if not isinstance(success, bool):
        return fault("answer has no boolean success", answer.body)
    if not success:
        return fault("refused", answer.body)
    return doc.get("data")


def decode_player(name: str, answer: HttpAnswer) -> UpstreamPlayer | UpstreamFault:
    data = _data(answer, MAX_WALLET_ANSWER_BYTES)
    if isinstance(data, UpstreamFault):
        return data
    if not isinstance(data, dict):
        return fault("data is not an object", answer.body)
    try:
        echoed = text_member(data, "playerId", PLAYER_CODE_MAX_CHARS)
        code = data.get("playerCode")
        # Text in the contract (a 64-bit number keeps every digit so); a number is read too.
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        player_code = required_text_member(
            {"playerCode": code}, "playerCode", PLAYER_CODE_MAX_CHARS
        )
    except BadEntry as exc:
        return fault(str(exc), answer.body)
    if echoed is not None and echoed != name:
        return fault(f"answer is about player {echoed!r}", answer.body)
    return UpstreamPlayer(name, player_code)


def encode_catalogue(_operator_id: int, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`GET /v1/game/list`: every game of every provider the account may play."""
    return api_request("GET", base_url, GAME_LIST_PATH, None, keys, CATALOGUE_TIMEOUT_MS)


def decode_catalogue(answer: HttpAnswer) -> Catalogue | UpstreamFault:
    data = _data(answer, CATALOGUE_ANSWER_MAX_BYTES)
    if isinstance(data, UpstreamFault):
        return data
    return catalogue_of(answer.body, data, _catalogue_entry)


def _catalogue_entry(item: object) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise BadEntry("entry is not an object")
    provider_id = integer_member(item, "providerId", PROVIDER_ID_MAX)
    game_id = integer_member(item, "gameId", NUMERIC_GAME_ID_MAX)
    return CatalogueEntry(
        game_code=game_key(provider_id, game_id),
        name=required_text_member(item, "name", UPSTREAM_NAME_MAX_CHARS),
        category=text_member(item, "category", UPSTREAM_NAME_MAX_CHARS),
        # The contract names no platforms: its games are HTML5, played on both.
        platforms=frozenset(Platform),
        blocked_countries=frozenset(),
        thumbnail_url=url_member(item, "image"),
        background_url=None,
        # The provider's own text code of the game, for people reading the back office.
        product=text_member(item, "gameCode", GAME_CODE_MAX_CHARS),
        freebet_support=False,
        # The list has no switch: a game listed is a game the account may launch.
        enabled=True,
    )


def parse_game_key(key: str) -> tuple[int, int]:
    """The inverse of `game_key`; AssertionError for a key this adapter never made."""
    provider, _, game = key.partition(":")
    assert provider.isascii() and provider.isdigit() and len(provider) <= 19
    assert game.isascii() and game.isdigit() and len(game) <= 10
    return int(provider), int(game)


def encode_launch(request: LaunchRequest, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`POST /v1/game/launch {playerId, providerId, gameId, language, returnUrl}` for a
    player linked first (`encode_player`). No demo play: the contract has none."""
    assert request.user is not None and PLAYER_ID.fullmatch(request.user)
    provider_id, game_id = parse_game_key(request.game_code)
    doc: dict[str, JsonValue] = {
        "playerId": request.user,
        "providerId": provider_id,
        "gameId": game_id,
        "language": request.language if request.language is not None else FALLBACK_LANG,
    }
    if request.lobby_url is not None:
        doc["returnUrl"] = request.lobby_url
    return api_request("POST", base_url, GAME_LAUNCH_PATH, doc, keys, LAUNCH_TIMEOUT_MS)


def decode_launch(answer: HttpAnswer) -> LaunchAnswer | UpstreamFault:
    """`data` is the launch URL itself, as text."""
    data = _data(answer, MAX_WALLET_ANSWER_BYTES)
    if isinstance(data, UpstreamFault):
        return data
    try:
        url = url_member({"data": data}, "data")
    except BadEntry as exc:
        return fault(str(exc), answer.body)
    if url is None:
        return fault("answer has no launch URL", answer.body)
    return LaunchAnswer(url)


IGAMINGACE_A_UPSTREAM: UpstreamProtocol[WalletCallKeys, OperatorApiKeys] = UpstreamProtocol(
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
PROVIDER = IGAMINGACE_A_UPSTREAM
