"""The iGamingAce flavour A upstream adapter: another Reelhouse's callbacks (made by the
dialect's own provider side) read as the right calls, Reelhouse's answers read back by that
provider side as the right outcomes, Main API requests accepted by Reelhouse's own facade
models, and decoding hostile bytes never raises."""

from __future__ import annotations

import json
from dataclasses import replace
from types import SimpleNamespace
from typing import cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelhouse.api import igamingace_a as facade
from reelhouse.dialects import igamingace_a as dialect
from reelhouse.dialects.base import JsonError, load_json_exact
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    OutcomeKind,
    RefusalReason,
    WalletCommand,
)
from reelhouse.games import catalogue
from reelhouse.providers.base import (
    AnswerStatus,
    CallKind,
    Catalogue,
    LaunchAnswer,
    LaunchRequest,
    Platform,
    UpstreamAnswer,
    UpstreamCall,
    UpstreamFault,
    UpstreamPlayer,
    UpstreamRefusal,
)
from reelhouse.providers.dialect_upstream import OperatorApiKeys, WalletCallKeys
from reelhouse.providers.igamingace_a import (
    CALLBACK_PATH,
    IGAMINGACE_A_UPSTREAM,
    STATUS_BY_REJECTION,
    STATUS_CODE,
    decode_call,
    encode_answer,
)
from reelhouse.services.platform import Platform as PlatformType
from tests.dialects.igamingace_samples import (
    API_TOKEN,
    BET_ID,
    CANCEL_ID,
    CREDS_A,
    GAME_NUMBER,
    NOW,
    NOW_MS,
    ROUND_ID,
    WIN_ID,
    a_headers,
    command,
)
from tests.fuzzing import hostile_bodies

PATH = "/upstream/7" + CALLBACK_PATH
KEYS = WalletCallKeys(CREDS_A, "USD", NOW)
API = OperatorApiKeys(API_TOKEN)
BASE = "https://provider.example"
RELAYED = (CommandKind.BALANCE, CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL)


def sent(cmd: WalletCommand) -> tuple[dict[str, str], bytes]:
    """What another Reelhouse sends its casino for `cmd`: headers and body."""
    request = dialect.encode_command(cmd, CREDS_A, NOW)
    return dict(request.headers), request.body


def decoded(cmd: WalletCommand, keys: WalletCallKeys = KEYS) -> UpstreamCall | UpstreamRefusal:
    headers, body = sent(cmd)
    return decode_call(PATH, headers, body, keys)


def call_of(kind: CommandKind) -> UpstreamCall:
    call = decoded(command(kind))
    assert isinstance(call, UpstreamCall)
    return call


# --- Wallet calls: another Reelhouse's callbacks ------------------------------------------


def test_each_relayed_command_reads_as_its_call() -> None:
    assert call_of(CommandKind.BALANCE) == UpstreamCall(
        CallKind.BALANCE,
        f"balance:Player01:{NOW_MS}",
        "",
        supplier_user="Player01",
        wire_command="balance",
    )
    # A launch's first balance is the same command on this wire.
    assert call_of(CommandKind.AUTHENTICATE) == call_of(CommandKind.BALANCE)
    bet = UpstreamCall(
        CallKind.BET,
        f"bet:{BET_ID}",
        "",
        supplier_user="Player01",
        game_code=f"1:{GAME_NUMBER}",
        transaction_id=str(BET_ID),
        round_id=str(ROUND_ID),
        currency="USD",
        wire_currency="USD",
        amount_minor=1230,
        wire_command="bet",
    )
    assert call_of(CommandKind.BET) == bet
    assert call_of(CommandKind.WIN) == replace(
        bet,
        kind=CallKind.WIN,
        request_id=f"win:{WIN_ID}",
        transaction_id=str(WIN_ID),
        round_closed=True,
        wire_command="win",
    )
    assert call_of(CommandKind.CANCEL) == replace(
        bet,
        kind=CallKind.CANCEL,
        request_id=f"cancel:{CANCEL_ID}",
        transaction_id=str(CANCEL_ID),
        reference_transaction_id=str(BET_ID),
        wire_command="cancel",
    )


def test_a_free_round_win_names_its_bonus() -> None:
    cmd = replace(command(CommandKind.WIN), free_round_id=4242)
    call = decoded(cmd)
    assert isinstance(call, UpstreamCall)
    assert call.is_free and call.reward_id == "4242"


def test_betwin_is_not_relayed() -> None:
    refusal = decoded(command(CommandKind.BET_WIN))
    assert isinstance(refusal, UpstreamRefusal)
    assert refusal.status is AnswerStatus.WRONG_SYNTAX
    answer = IGAMINGACE_A_UPSTREAM.answer_for_refusal(refusal)
    assert answer == b'{"balance":0,"statusCode":"ERR_UNKNOWN"}'
    # The provider cancels a betwin whose outcome it does not know: nothing moved here.
    read = dialect.decode_answer(command(CommandKind.BET_WIN), HttpAnswer(200, answer))
    assert read.kind is OutcomeKind.UNKNOWN


@pytest.mark.parametrize(("currency", "amount_minor"), [("JPY", 500), ("KWD", 1250), ("BTC", 1)])
def test_amounts_are_exact_minor_units(currency: str, amount_minor: int) -> None:
    cmd = command(CommandKind.BET, currency=currency, amount_minor=amount_minor)
    call = decoded(cmd, replace(KEYS, currency=currency))
    assert isinstance(call, UpstreamCall)
    assert (call.amount_minor, call.currency) == (amount_minor, currency)


def test_a_currency_other_than_the_accounts_is_refused() -> None:
    refusal = decoded(command(CommandKind.BET, currency="EUR"))
    assert isinstance(refusal, UpstreamRefusal)
    assert (refusal.status, refusal.request_id) == (AnswerStatus.WRONG_CURRENCY, f"bet:{BET_ID}")
    read = dialect.decode_answer(
        command(CommandKind.BALANCE),
        HttpAnswer(200, IGAMINGACE_A_UPSTREAM.answer_for_refusal(refusal)),
    )
    assert (read.kind, read.refusal) == (OutcomeKind.REFUSED, RefusalReason.OTHER)


def test_signature_window_and_path_are_checked() -> None:
    headers, body = sent(command(CommandKind.BET))
    forged = {**headers, **a_headers(body, "another-token")}
    refusal = decode_call(PATH, forged, body, KEYS)
    assert isinstance(refusal, UpstreamRefusal)
    assert refusal.status is AnswerStatus.INVALID_SIGNATURE and refusal.request_id is None
    assert IGAMINGACE_A_UPSTREAM.answer_for_refusal(refusal) == (
        b'{"balance":0,"statusCode":"ERR_INTEGRITY_CHECK_FAILED"}'
    )
    stale = replace(KEYS, now_unix_s=NOW + 3600)
    assert isinstance(decode_call(PATH, headers, body, stale), UpstreamRefusal)
    assert isinstance(decode_call("/elsewhere", headers, body, KEYS), UpstreamRefusal)
    # The spec's signer, written independently, signs what Reelhouse sends.
    assert a_headers(body)["X-Request-Signature"] == headers["X-Request-Signature"]


# --- Answers: read back by the provider side of the same dialect ----------------------------


def answer(kind: CommandKind, status: AnswerStatus, balance: int | None = 4930) -> UpstreamAnswer:
    call = call_of(kind)
    user = "Player01" if status is AnswerStatus.OK else None
    currency = "USD" if balance is not None else None
    return UpstreamAnswer(status, call.request_id, user, currency, balance, call=call)


def test_the_dialects_own_refusals_are_answered_with_their_own_codes() -> None:
    for code, status in STATUS_BY_REJECTION.items():
        assert STATUS_CODE[status] == code


def test_exact_answer_bytes() -> None:
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.OK)) == (
        b'{"balance":49.3,"statusCode":"OK"}'
    )
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.NOT_ENOUGH_MONEY)) == (
        b'{"balance":49.3,"statusCode":"ERR_NOT_ENOUGH_MONEY"}'
    )
    assert encode_answer(answer(CommandKind.BALANCE, AnswerStatus.INVALID_TOKEN, None)) == (
        b'{"balance":0,"statusCode":"ERR_INVALID_PLAYER_ID"}'
    )


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [
        (CommandKind.BALANCE, AnswerStatus.OK, (OutcomeKind.APPLIED, 4930)),
        (CommandKind.BET, AnswerStatus.OK, (OutcomeKind.APPLIED, 4930)),
        (CommandKind.WIN, AnswerStatus.OK, (OutcomeKind.APPLIED, 4930)),
        (CommandKind.CANCEL, AnswerStatus.OK, (OutcomeKind.APPLIED, 4930)),
        (
            CommandKind.BET,
            AnswerStatus.NOT_ENOUGH_MONEY,
            (OutcomeKind.REFUSED, RefusalReason.INSUFFICIENT_FUNDS),
        ),
        (
            CommandKind.BALANCE,
            AnswerStatus.INVALID_TOKEN,
            (OutcomeKind.REFUSED, RefusalReason.UNKNOWN_PLAYER),
        ),
        (
            CommandKind.BET,
            AnswerStatus.INVALID_TOKEN,
            (OutcomeKind.REFUSED, RefusalReason.PLAYER_BLOCKED),
        ),
        (
            CommandKind.BET,
            AnswerStatus.USER_DISABLED,
            (OutcomeKind.REFUSED, RefusalReason.PLAYER_BLOCKED),
        ),
        (
            CommandKind.BET,
            AnswerStatus.INVALID_SIGNATURE,
            (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN),
        ),
        # An id reused with other content: never "applied".
        (CommandKind.WIN, AnswerStatus.DUPLICATE_TRANSACTION, (OutcomeKind.UNKNOWN, None)),
        (CommandKind.WIN, AnswerStatus.INVALID_TOKEN, (OutcomeKind.UNKNOWN, None)),
        (
            CommandKind.CANCEL,
            AnswerStatus.TRANSACTION_DOES_NOT_EXIST,
            (OutcomeKind.NOT_FOUND, 4930),
        ),
        (
            CommandKind.CANCEL,
            AnswerStatus.TRANSACTION_ROLLED_BACK,
            (OutcomeKind.ALREADY_APPLIED, 4930),
        ),
    ],
)
def test_answers_read_back_as_outcomes(
    kind: CommandKind, status: AnswerStatus, expected: tuple[OutcomeKind, object]
) -> None:
    read = dialect.decode_answer(
        command(kind), HttpAnswer(200, encode_answer(answer(kind, status)))
    )
    assert (read.kind, read.refusal or read.balance_minor) == expected


@pytest.mark.parametrize("status", list(AnswerStatus))
def test_no_status_but_ok_is_read_as_applied(status: AnswerStatus) -> None:
    for kind in (CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL):
        body = encode_answer(answer(kind, status))
        read = dialect.decode_answer(command(kind), HttpAnswer(200, body))
        assert read.settled_ok == (status is AnswerStatus.OK) or (
            status is AnswerStatus.TRANSACTION_ROLLED_BACK and kind is CommandKind.CANCEL
        )
    assert STATUS_CODE[status] in dialect.Status


# --- Main API: requests accepted by Reelhouse's own facade models, answers read -------------


def test_player_link() -> None:
    assert IGAMINGACE_A_UPSTREAM.encode_player is not None
    request = IGAMINGACE_A_UPSTREAM.encode_player("Player01", BASE, API)
    assert (request.method, request.url, request.body) == (
        "POST",
        BASE + "/v1/player/link",
        b'{"playerId":"Player01"}',
    )
    assert ("Authorization", "Bearer " + API_TOKEN) in request.headers
    assert facade.PlayerLinkBody.model_validate(json.loads(request.body)).playerId == "Player01"
    body = json.dumps(facade.ok({"playerId": "Player01", "playerCode": "9007199254740991"}))
    assert IGAMINGACE_A_UPSTREAM.decode_player is not None
    read = IGAMINGACE_A_UPSTREAM.decode_player("Player01", HttpAnswer(200, body.encode()))
    assert read == UpstreamPlayer("Player01", "9007199254740991")
    other = json.dumps(facade.ok({"playerId": "Player02", "playerCode": "1"})).encode()
    assert isinstance(
        IGAMINGACE_A_UPSTREAM.decode_player("Player01", HttpAnswer(200, other)), UpstreamFault
    )
    refused = b'{"success":false,"message":"SERVER_IS_BUSY","data":{"code":1018}}'
    assert isinstance(
        IGAMINGACE_A_UPSTREAM.decode_player("Player01", HttpAnswer(200, refused)), UpstreamFault
    )


def test_catalogue_from_a_reelhouse_answer() -> None:
    request = IGAMINGACE_A_UPSTREAM.encode_catalogue(7, BASE, API)
    assert (request.method, request.url, request.body) == ("GET", BASE + "/v1/game/list", b"")
    # The facade's own item builder, on a deployment whose public address is all it reads.
    upstream = cast(
        PlatformType,
        SimpleNamespace(settings=SimpleNamespace(public_base_url="https://rh-two.example")),
    )
    items = [facade._game_item(upstream, g) for g in catalogue.list_games()]
    body = json.dumps(facade.ok(items))
    read = IGAMINGACE_A_UPSTREAM.decode_catalogue(HttpAnswer(200, body.encode()))
    assert isinstance(read, Catalogue) and not read.skipped
    assert [(g.game_code, g.product) for g in read.games] == [
        (f"{catalogue.PROVIDER_ID}:{numeric_game_id(g.game_code)}", g.game_code)
        for g in catalogue.list_games()
    ]


def test_launch() -> None:
    launch = LaunchRequest(
        operator_id=7,
        game_code=f"1:{GAME_NUMBER}",
        platform=Platform.MOBILE,
        currency="USD",
        user="Player01",
        language="de",
        lobby_url="https://casino.example/lobby",
    )
    request = IGAMINGACE_A_UPSTREAM.encode_launch(launch, BASE, API)
    assert request.url == BASE + "/v1/game/launch"
    assert request.body == (
        b'{"playerId":"Player01","providerId":1,"gameId":%d,"language":"de",'
        b'"returnUrl":"https://casino.example/lobby"}' % GAME_NUMBER
    )
    body = facade.LaunchBody.model_validate(json.loads(request.body))
    assert facade.game_code_of(body.providerId, body.gameId) == "lucky-sevens"
    url = "https://games.example/play?t=abc"
    answer_body = json.dumps(facade.ok(url)).encode()
    assert IGAMINGACE_A_UPSTREAM.decode_launch(HttpAnswer(200, answer_body)) == LaunchAnswer(url)
    for bad in (
        HttpAnswer(502, b""),
        HttpAnswer(200, b'{"success":false,"message":"GAME_NOT_FOUND","data":null}'),
        HttpAnswer(200, b'{"success":true,"data":{"url":"https://x.example"}}'),
        HttpAnswer(200, b'{"success":true,"data":"ftp://x.example"}'),
        HttpAnswer(200, b'{"success":"yes","data":"https://x.example"}'),
    ):
        assert isinstance(IGAMINGACE_A_UPSTREAM.decode_launch(bad), UpstreamFault)


# --- Properties: hostile bytes never raise ---------------------------------------------------

VALID = [sent(command(kind))[1] for kind in (*RELAYED, CommandKind.BET_WIN)]


@settings(max_examples=300, deadline=None)
@given(hostile_bodies(VALID))
def test_signed_hostile_bodies_decode_or_are_refused(body: bytes) -> None:
    # Signed as a provider would sign it whenever it can be signed at all (bounded reader).
    headers = {"X-Request-Signature": "x"}
    try:
        doc = load_json_exact(body)
        if isinstance(doc, dict):
            headers = {"X-Request-Signature": dialect.sign(API_TOKEN, doc)}
    except (JsonError, TypeError):
        pass
    result = decode_call(PATH, headers, body, KEYS)
    assert isinstance(result, UpstreamCall | UpstreamRefusal)
    if isinstance(result, UpstreamRefusal):
        doc = json.loads(IGAMINGACE_A_UPSTREAM.answer_for_refusal(result))
        assert doc["statusCode"] != "OK"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.text(max_size=80))
def test_arbitrary_bytes_are_refused(body: bytes, path: str) -> None:
    assert isinstance(decode_call(path, {}, body, KEYS), UpstreamRefusal)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.sampled_from(VALID))
def test_a_forged_signature_is_refused(signature: str, body: bytes) -> None:
    headers = {"X-Request-Signature": signature}
    assert isinstance(decode_call(PATH, headers, body, KEYS), UpstreamRefusal)


ANSWERS = [
    b'{"success":true,"message":"OK","data":{"playerId":"Player01","playerCode":"7"}}',
    b'{"success":true,"message":"OK","data":"https://games.example/p"}',
    b'{"success":true,"message":"OK","data":[{"gameId":5,"gameCode":"a","name":"A",'
    b'"providerId":1,"category":"slots","image":"","rtpVariants":[96]}]}',
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([200, 200, 500]), hostile_bodies(ANSWERS))
def test_operator_api_answers_never_raise(status: int, body: bytes) -> None:
    read = HttpAnswer(status, body)
    assert isinstance(IGAMINGACE_A_UPSTREAM.decode_catalogue(read), Catalogue | UpstreamFault)
    assert isinstance(IGAMINGACE_A_UPSTREAM.decode_launch(read), LaunchAnswer | UpstreamFault)
    assert IGAMINGACE_A_UPSTREAM.decode_player is not None
    player = IGAMINGACE_A_UPSTREAM.decode_player("Player01", read)
    assert isinstance(player, UpstreamPlayer | UpstreamFault)
