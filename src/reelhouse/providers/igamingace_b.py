"""A provider speaking iGamingAce flavour B (another Reelhouse, or any flavour B game server),
with Reelhouse as its casino: the descriptor `IGAMINGACE_B_UPSTREAM`.

The contract is iGamingAce flavour B, as docs/providers.md ("iGamingAce B provider")
summarises it. Wallet side: the provider POSTs JSON to
`{the callback base URL Reelhouse gave it}/<Operation>`, the body's `sign` made with the
secret key it issued Reelhouse; the dialect's operator side (`dialects.igamingace_b`) checks
the sign and the `agentID` and reads the callback; this module turns it into an
`UpstreamCall` and writes the answer `{"code","message","balance"}`. Games side: the flavour
B operator API (`/gameList`, `/userAuth`), each request signed the same way and sent with
the API token as Bearer.

A game is named by its `gameID` in decimal (`game_key`): the list, the launch and the
callbacks all carry that integer, and no provider id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from reelhouse.dialects import igamingace_b as dialect
from reelhouse.dialects.base import CallbackRejection, JsonValue
from reelhouse.dialects.igamingace_b import Code, IGamingAceBCallback
from reelhouse.domain.game_ids import NUMERIC_GAME_ID_MAX
from reelhouse.domain.languages import FALLBACK_LANG
from reelhouse.domain.limits import MAX_WALLET_ANSWER_BYTES
from reelhouse.domain.money import CURRENCY_EXPONENTS, currency, to_decimal
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
    UpstreamProtocol,
    UpstreamRefusal,
)
from reelhouse.providers.dialect_upstream import (
    CATALOGUE_TIMEOUT_MS,
    LAUNCH_TIMEOUT_MS,
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

NAME = "igamingace-b"
MAX_PATH_CHARS = 512

# --- Wallet side ----------------------------------------------------------------------------

# The operations Reelhouse relays, each at `/<Operation>` under the callback base URL.
# `BetWin` (a bet and its win in one call) is not: `UpstreamCall` carries one amount, and a
# provider sends it only when its casino opted in. Its path is refused (code 2).
WALLET_PATHS: dict[str, CallKind] = {
    "/GetBalance": CallKind.BALANCE,
    "/Withdraw": CallKind.BET,
    "/Deposit": CallKind.WIN,
    "/RollbackTransaction": CallKind.CANCEL,
}
KIND_BY_COMMAND: dict[CommandKind, CallKind] = {
    CommandKind.BALANCE: CallKind.BALANCE,
    CommandKind.BET: CallKind.BET,
    CommandKind.WIN: CallKind.WIN,
    CommandKind.CANCEL: CallKind.CANCEL,
}

STATUS_BY_REJECTION: dict[int | str, AnswerStatus] = {
    Code.WRONG_INPUT: AnswerStatus.WRONG_SYNTAX,
    Code.INVALID_SIGN: AnswerStatus.INVALID_SIGNATURE,
    Code.INVALID_AGENT: AnswerStatus.INVALID_PARTNER,
}

# Reelhouse's answer status -> `code`. The provider reads them as the dialect's Reelhouse
# side does (dialects/igamingace_b.py): 2-7 refuse a Withdraw for good; 11 to a Deposit or
# Rollback is "applied before"; anything else to those is retried. So a transaction id
# reused with other content (DUPLICATE_TRANSACTION) is 1, never 11; the contract has no code
# for a player who may not play now (disabled, a limit, no session): 2, the final refusal
# that claims least; an unknown player is 5.
CODE: dict[AnswerStatus, Code] = {
    AnswerStatus.OK: Code.SUCCESS,
    AnswerStatus.NOT_ENOUGH_MONEY: Code.INSUFFICIENT_FUNDS,
    AnswerStatus.INVALID_TOKEN: Code.USER_NOT_FOUND,
    AnswerStatus.TOKEN_EXPIRED: Code.WRONG_INPUT,
    AnswerStatus.USER_DISABLED: Code.WRONG_INPUT,
    AnswerStatus.LIMIT_REACHED: Code.WRONG_INPUT,
    AnswerStatus.INVALID_PARTNER: Code.INVALID_AGENT,
    AnswerStatus.INVALID_SIGNATURE: Code.INVALID_SIGN,
    AnswerStatus.INVALID_GAME: Code.WRONG_INPUT,
    AnswerStatus.WRONG_CURRENCY: Code.WRONG_INPUT,
    AnswerStatus.WRONG_SYNTAX: Code.WRONG_INPUT,
    AnswerStatus.WRONG_TYPES: Code.WRONG_INPUT,
    AnswerStatus.DUPLICATE_TRANSACTION: Code.GENERAL_ERROR,
    AnswerStatus.TRANSACTION_DOES_NOT_EXIST: Code.TRANSACTION_NOT_FOUND,
    AnswerStatus.TRANSACTION_ROLLED_BACK: Code.ALREADY_ROLLED_BACK,
    AnswerStatus.UNKNOWN_ERROR: Code.GENERAL_ERROR,
}
assert set(CODE) == set(AnswerStatus)


def game_key(game_id: int | str) -> str:
    """A game as Reelhouse names it in this provider's catalogue and calls: its `gameID`."""
    return str(game_id)


def operation_of(path: str) -> str | None:
    """The operation a request path names (a deployment mounts the base under a prefix)."""
    if len(path) > MAX_PATH_CHARS:
        return None
    for wire_path in WALLET_PATHS:
        if path.endswith(wire_path):
            return wire_path.removeprefix("/")
    return None


def decode_call(
    path: str, headers: Mapping[str, str], body: bytes, keys: WalletCallKeys
) -> UpstreamCall | UpstreamRefusal:
    """Authenticate a callback (the dialect's operator side: the shape, then the `sign` over
    the signed fields' text, then the `agentID`), then read it. Never raises on bad input.
    The sign is always required: it is the contract's."""
    operation = operation_of(path)
    if operation is None:
        return UpstreamRefusal(AnswerStatus.WRONG_SYNTAX, "not a relayed operation's path")
    creds = keys.credentials
    assert creds.secret_key, "flavour B verifies with the secret key the provider issued"
    assert creds.agent_id, "flavour B callbacks name Reelhouse's agentID at the provider"
    verified = dialect.verify_and_decode_callback(operation, body, creds.secret_key, creds.agent_id)
    if isinstance(verified, CallbackRejection):
        return UpstreamRefusal(STATUS_BY_REJECTION[verified.result], verified.reason)
    return _call_of(verified, keys.currency)


def _call_of(
    callback: IGamingAceBCallback, account_currency: str
) -> UpstreamCall | UpstreamRefusal:
    kind = KIND_BY_COMMAND[callback.kind]
    operation = callback.operation
    user = callback.user_id
    game = game_key(callback.game_id) if callback.game_id is not None else None
    if kind is CallKind.BALANCE:
        # No request id and no time in the contract: a read is named by whom it asks about.
        return UpstreamCall(
            kind,
            f"{operation}:{user}",
            "",
            supplier_user=user,
            game_code=game,
            wire_command=operation,
        )
    if kind is CallKind.CANCEL:
        # A RollbackTransaction has no id of its own: it is named after what it reverses,
        # as the dialect's ledger names it (`rollback:<id>`).
        assert callback.ref_transaction_id is not None
        cancel_id = dialect.ROLLBACK_ID_PREFIX + callback.ref_transaction_id
        return UpstreamCall(
            kind,
            f"{operation}:{callback.ref_transaction_id}",
            "",
            supplier_user=user,
            game_code=game,
            transaction_id=cancel_id,
            reference_transaction_id=callback.ref_transaction_id,
            wire_command=operation,
        )
    request_id = f"{operation}:{callback.transaction_id}"
    exponent = CURRENCY_EXPONENTS.get(account_currency)
    if exponent is None or exponent > dialect.AMOUNT_DECIMALS:
        # Every amount and balance has exactly 2 decimals: a currency with more cannot be
        # carried (an account in one is refused at configuration; this is the backstop).
        reason = f"{account_currency[:16]!r} cannot be carried by this dialect"
        return UpstreamRefusal(AnswerStatus.WRONG_CURRENCY, reason, request_id)
    assert callback.amount is not None and callback.round_id is not None
    amount_minor = exact_minor(callback.amount, account_currency)
    if isinstance(amount_minor, UpstreamRefusal):
        return UpstreamRefusal(amount_minor.status, amount_minor.reason, request_id)
    free = callback.free_spin_id
    return UpstreamCall(
        kind,
        request_id,
        "",
        supplier_user=user,
        game_code=game,
        transaction_id=callback.transaction_id,
        # A Deposit names its Withdraw (none when it pays a free spin, which had none).
        reference_transaction_id=callback.ref_transaction_id,
        round_id=callback.round_id,
        # A Deposit is a round's result (one per round, as Reelhouse sends them).
        round_closed=kind is CallKind.WIN,
        currency=account_currency,
        wire_currency=account_currency,
        amount_minor=amount_minor,
        is_free=free is not None,
        reward_id=free,
        wire_command=operation,
    )


def encode_answer(answer: UpstreamAnswer) -> bytes:
    """`{"code","message","balance"}`: the balance with exactly 2 decimals when known, left
    out otherwise (a refused sign, an unknown user). `platformTransactionID` is optional
    and not sent: Reelhouse's own id of a relayed call is nobody's business upstream."""
    balance = None
    if answer.balance_minor is not None:
        assert answer.wire_currency is not None
        balance = to_decimal(answer.balance_minor, currency(answer.wire_currency))
    return dialect.encode_answer(CODE[answer.status], balance)


def answer_for_refusal(refusal: UpstreamRefusal) -> bytes:
    return encode_answer(UpstreamAnswer(refusal.status, refusal.request_id))


# --- Games side: the flavour B operator API -------------------------------------------------

GAME_LIST_OPERATION = "gameList"
USER_AUTH_OPERATION = "userAuth"
# `userID`: 4-48 alphanumerics (spec), also the callbacks' alphabet.
USER_ID = re.compile(r"[A-Za-z0-9]{4,48}", re.ASCII)
LANG_TAG = re.compile(r"[a-z]{2}", re.ASCII)


def _signed_request(
    operation: str,
    doc: dict[str, JsonValue],
    signed: Mapping[str, str],
    base_url: str,
    keys: OperatorApiKeys,
    timeout_ms: int,
) -> HttpRequest:
    """`POST {base}/<operation>` with `sign` last (the dialect's signing, over the signed
    fields' text in the contract's order) and the API token as Bearer."""
    assert keys.secret_key and keys.agent_id, "flavour B signs with the secret key"
    doc["sign"] = dialect.sign_fields(keys.secret_key, operation, signed)
    return api_request("POST", base_url, f"/{operation}", doc, keys, timeout_ms)


def encode_catalogue(_operator_id: int, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`POST /gameList {agentID, sign}`."""
    assert keys.agent_id
    doc: dict[str, JsonValue] = {"agentID": keys.agent_id}
    signed = {"agentID": keys.agent_id}
    return _signed_request(GAME_LIST_OPERATION, doc, signed, base_url, keys, CATALOGUE_TIMEOUT_MS)


def _body(answer: HttpAnswer, max_bytes: int) -> Mapping[str, object] | UpstreamFault:
    """The answer when its `code` is 0; the provider's refusal otherwise."""
    doc = read_object(answer, max_bytes)
    if isinstance(doc, UpstreamFault):
        return doc
    code = doc.get("code")
    if isinstance(code, bool) or not isinstance(code, int):
        return fault("answer has no integer code", answer.body)
    if code != Code.SUCCESS:
        return fault(f"code {code}", answer.body)
    return doc


def decode_catalogue(answer: HttpAnswer) -> Catalogue | UpstreamFault:
    doc = _body(answer, CATALOGUE_ANSWER_MAX_BYTES)
    if isinstance(doc, UpstreamFault):
        return doc
    return catalogue_of(answer.body, doc.get("games"), _catalogue_entry)


def _catalogue_entry(item: object) -> CatalogueEntry:
    if not isinstance(item, dict):
        raise BadEntry("entry is not an object")
    return CatalogueEntry(
        game_code=game_key(integer_member(item, "gameID", NUMERIC_GAME_ID_MAX)),
        name=required_text_member(item, "name", UPSTREAM_NAME_MAX_CHARS),
        category=text_member(item, "category", UPSTREAM_NAME_MAX_CHARS),
        # The contract names no platforms: its games are HTML5, played on both.
        platforms=frozenset(Platform),
        blocked_countries=frozenset(),
        thumbnail_url=url_member(item, "thumbnail"),
        background_url=None,
        product=text_member(item, "provider", UPSTREAM_NAME_MAX_CHARS),
        freebet_support=False,
        # The list has no switch: a game listed is a game the account may launch.
        enabled=True,
    )


def encode_launch(request: LaunchRequest, base_url: str, keys: OperatorApiKeys) -> HttpRequest:
    """`POST /userAuth {agentID, userID, isaffiliate, lang, gameid, lobbyUrl, sign}`: creates
    the player if new and answers a one-time URL, so no registration comes first. No demo
    play: the contract has none."""
    assert keys.agent_id
    assert request.user is not None and USER_ID.fullmatch(request.user)
    assert request.game_code.isascii() and request.game_code.isdigit()
    game_id = int(request.game_code)
    language = (request.language or FALLBACK_LANG).lower()
    doc: dict[str, JsonValue] = {
        "agentID": keys.agent_id,
        "userID": request.user,
        "isaffiliate": False,
        "lang": language if LANG_TAG.fullmatch(language) else FALLBACK_LANG,
        "gameid": game_id,
    }
    if request.lobby_url is not None:
        doc["lobbyUrl"] = request.lobby_url
    signed = {"agentID": keys.agent_id, "userID": request.user, "gameID": str(game_id)}
    return _signed_request(USER_AUTH_OPERATION, doc, signed, base_url, keys, LAUNCH_TIMEOUT_MS)


def decode_launch(answer: HttpAnswer) -> LaunchAnswer | UpstreamFault:
    doc = _body(answer, MAX_WALLET_ANSWER_BYTES)
    if isinstance(doc, UpstreamFault):
        return doc
    try:
        url = url_member(doc, "url")
    except BadEntry as exc:
        return fault(str(exc), answer.body)
    if url is None:
        return fault("answer has no url", answer.body)
    return LaunchAnswer(url)


IGAMINGACE_B_UPSTREAM: UpstreamProtocol[WalletCallKeys, OperatorApiKeys] = UpstreamProtocol(
    name=NAME,
    load_verify_key=load_wallet_keys,
    load_sign_key=load_api_keys,
    verify_key_at=wallet_keys_at,
    wallet_paths=WALLET_PATHS,
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
    session_tokens=False,
    free_rounds=False,
    answer_deadline_ms=dialect.TIMEOUT_MS_BY_KIND[CommandKind.BET],
)
PROVIDER = IGAMINGACE_B_UPSTREAM
