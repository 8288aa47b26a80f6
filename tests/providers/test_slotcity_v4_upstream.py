"""The SlotCity v4 upstream adapter: another Reelhouse's callbacks (made by the dialect's own
provider side) read as the right calls, Reelhouse's answers read back by that provider side
as the right outcomes, Main API requests accepted by Reelhouse's own request models, and
decoding hostile bytes never raises."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelhouse.api import main_v4
from reelhouse.api.envelope import ok_exact
from reelhouse.dialects import slotcity_v4 as dialect
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    OutcomeKind,
    RefusalReason,
    TransStatus,
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
from reelhouse.providers.slotcity_v4 import (
    CALLBACK_PATH,
    RESULT_BY_STATUS,
    SLOTCITY_V4_UPSTREAM,
    STATUS_BY_REJECTION,
    decode_call,
    encode_answer,
)
from tests.dialects.slotcity_samples import CREDS, NOW, TOKEN, command
from tests.fuzzing import hostile_bodies, hostile_headers

PATH = "/upstream/7" + CALLBACK_PATH
KEYS = WalletCallKeys(CREDS, "USD", NOW)
API = OperatorApiKeys("api-token-of-reelhouse-at-the-provider")
BASE = "https://provider.example"


def sent(cmd: WalletCommand, creds: CallbackCredentials = CREDS) -> tuple[dict[str, str], bytes]:
    """What another Reelhouse sends its casino for `cmd`: headers and body."""
    request = dialect.encode_command(cmd, creds, NOW)
    return dict(request.headers), request.body


def decoded(cmd: WalletCommand, keys: WalletCallKeys = KEYS) -> UpstreamCall | UpstreamRefusal:
    headers, body = sent(cmd)
    return decode_call(PATH, headers, body, keys)


def outcome(cmd: WalletCommand, answer: UpstreamAnswer) -> tuple[OutcomeKind, object]:
    """How the provider (Reelhouse's own dialect) reads the answer Reelhouse sends."""
    read = dialect.decode_answer(cmd, HttpAnswer(200, encode_answer(answer)))
    return read.kind, read.refusal or read.trans_status or read.balance_minor


# --- Wallet calls: another Reelhouse's callbacks ------------------------------------------


def test_each_command_reads_as_its_call() -> None:
    calls = {kind: decoded(command(kind)) for kind in dialect.COMMANDS}
    launch_read = UpstreamCall(
        CallKind.BALANCE,
        f"authenticate:alice_1:{NOW}",
        "",
        supplier_user="alice_1",
        wire_command="authenticate",
    )
    assert calls[CommandKind.AUTHENTICATE] == launch_read
    assert calls[CommandKind.BALANCE] == replace(
        launch_read, request_id=f"balance:alice_1:{NOW}", wire_command="balance"
    )
    assert calls[CommandKind.STATUS] == UpstreamCall(
        CallKind.STATUS,
        f"status:9001:{NOW}",
        "",
        supplier_user="alice_1",
        reference_transaction_id="9001",
        wire_command="status",
    )
    bet = UpstreamCall(
        CallKind.BET,
        "bet:9001",
        "",
        supplier_user="alice_1",
        game_code="3:vs20doghouse",
        transaction_id="9001",
        round_id="500",
        currency="USD",
        wire_currency="USD",
        amount_minor=1230,
        wire_command="bet",
    )
    assert calls[CommandKind.BET] == bet
    assert calls[CommandKind.WIN] == replace(
        bet,
        kind=CallKind.WIN,
        request_id="win:9002",
        transaction_id="9002",
        round_closed=True,
        wire_command="win",
    )
    assert calls[CommandKind.CANCEL] == replace(
        bet,
        kind=CallKind.CANCEL,
        request_id="cancel:9003",
        transaction_id="9003",
        reference_transaction_id="9001",
        wire_command="cancel",
    )


def test_a_retried_win_is_the_same_call() -> None:
    # Another attempt is signed at another time: the call (and its request id) is the same.
    request = dialect.encode_command(command(CommandKind.WIN), CREDS, NOW + 60)
    later = decode_call(
        PATH, dict(request.headers), request.body, replace(KEYS, now_unix_s=NOW + 60)
    )
    assert later == decoded(command(CommandKind.WIN))


def test_a_free_round_win_names_its_grant() -> None:
    cmd = replace(command(CommandKind.WIN), free_round_id=4242)
    call = decoded(cmd)
    assert isinstance(call, UpstreamCall)
    assert call.is_free and call.reward_id == "4242"


@pytest.mark.parametrize(
    ("currency", "amount_minor"), [("JPY", 500), ("KWD", 1250), ("BTC", 12345678), ("USD", 0)]
)
def test_amounts_are_exact_minor_units(currency: str, amount_minor: int) -> None:
    cmd = command(CommandKind.BET, currency=currency, amount_minor=amount_minor)
    call = decoded(cmd, replace(KEYS, currency=currency))
    assert isinstance(call, UpstreamCall)
    assert (call.amount_minor, call.currency) == (amount_minor, currency)


def test_an_amount_finer_than_the_account_currency_is_refused() -> None:
    # 12.30 sent to an account in yen: never rounded.
    call = decoded(command(CommandKind.BET), replace(KEYS, currency="JPY"))
    assert isinstance(call, UpstreamRefusal)
    assert (call.status, call.request_id) == (AnswerStatus.WRONG_TYPES, "bet:9001")
    assert encode_answer(UpstreamAnswer(call.status, call.request_id)) == (
        b'{"result":99,"status":"ERROR"}'
    )


def test_wrong_token_signature_and_path_are_refused() -> None:
    headers, body = sent(command(CommandKind.BET))
    wrong_token = {**headers, "Callback-Token": "not-it"}
    refusal = decode_call(PATH, wrong_token, body, KEYS)
    assert isinstance(refusal, UpstreamRefusal)
    assert refusal.status is AnswerStatus.INVALID_SIGNATURE and refusal.request_id is None
    answer = SLOTCITY_V4_UPSTREAM.answer_for_refusal(refusal)
    assert answer == b'{"result":100,"status":"ERROR"}'
    tampered = body.replace(b'"amount":12.30', b'"amount":1.30')
    assert tampered != body
    assert isinstance(decode_call(PATH, headers, tampered, KEYS), UpstreamRefusal)
    stale = replace(KEYS, now_unix_s=NOW + 3600)
    assert isinstance(decode_call(PATH, headers, body, stale), UpstreamRefusal)
    wrong_path = decode_call("/elsewhere", headers, body, KEYS)
    assert isinstance(wrong_path, UpstreamRefusal)
    assert wrong_path.status is AnswerStatus.WRONG_SYNTAX


def test_a_provider_that_only_sends_the_token_is_read_when_allowed() -> None:
    _, body = sent(command(CommandKind.BALANCE))
    token_only = {"Callback-Token": TOKEN, "Content-Type": "application/json"}
    assert isinstance(decode_call(PATH, token_only, body, KEYS), UpstreamRefusal)
    lenient = replace(KEYS, require_signature=False)
    assert isinstance(decode_call(PATH, token_only, body, lenient), UpstreamCall)


# --- Answers: read back by the provider side of the same dialect ----------------------------


def call_of(kind: CommandKind) -> UpstreamCall:
    call = decoded(command(kind))
    assert isinstance(call, UpstreamCall)
    return call


def answer(kind: CommandKind, status: AnswerStatus, balance: int | None = 4900) -> UpstreamAnswer:
    call = call_of(kind)
    user = "alice_1" if status is AnswerStatus.OK else None
    currency = "USD" if balance is not None else None
    return UpstreamAnswer(status, call.request_id, user, currency, balance, call=call)


def test_the_dialects_own_refusals_are_answered_with_their_own_results() -> None:
    for result, status in STATUS_BY_REJECTION.items():
        assert RESULT_BY_STATUS[status] == result


def test_exact_answer_bytes() -> None:
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.OK)) == (
        b'{"result":0,"status":"OK","data":{"balance":49.00}}'
    )
    assert encode_answer(answer(CommandKind.AUTHENTICATE, AnswerStatus.OK)) == (
        b'{"result":0,"status":"OK","data":{"account":"alice_1","balance":49.00}}'
    )
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.NOT_ENOUGH_MONEY)) == (
        b'{"result":31,"status":"ERROR","data":{"balance":49.00}}'
    )
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.USER_DISABLED)) == (
        b'{"result":22,"status":"ERROR"}'
    )
    status_call = call_of(CommandKind.STATUS)
    found = UpstreamAnswer(
        AnswerStatus.OK, status_call.request_id, call=status_call, trans_status=TransStatus.OK
    )
    assert encode_answer(found) == (
        b'{"result":0,"status":"OK","data":'
        b'{"account":"alice_1","trans_guid":"9001","trans_status":"OK"}}'
    )


@pytest.mark.parametrize(
    ("kind", "status", "expected"),
    [
        (CommandKind.AUTHENTICATE, AnswerStatus.OK, (OutcomeKind.APPLIED, 4900)),
        (CommandKind.BALANCE, AnswerStatus.OK, (OutcomeKind.APPLIED, 4900)),
        (CommandKind.BET, AnswerStatus.OK, (OutcomeKind.APPLIED, 4900)),
        (CommandKind.WIN, AnswerStatus.OK, (OutcomeKind.APPLIED, 4900)),
        (CommandKind.CANCEL, AnswerStatus.OK, (OutcomeKind.APPLIED, 4900)),
        (
            CommandKind.BET,
            AnswerStatus.NOT_ENOUGH_MONEY,
            (OutcomeKind.REFUSED, RefusalReason.INSUFFICIENT_FUNDS),
        ),
        (
            CommandKind.BET,
            AnswerStatus.INVALID_TOKEN,
            (OutcomeKind.REFUSED, RefusalReason.UNKNOWN_PLAYER),
        ),
        (
            CommandKind.BET,
            AnswerStatus.USER_DISABLED,
            (OutcomeKind.REFUSED, RefusalReason.PLAYER_BLOCKED),
        ),
        (
            CommandKind.BALANCE,
            AnswerStatus.INVALID_SIGNATURE,
            (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN),
        ),
        # An id reused with other content: never "applied before" (41).
        (CommandKind.WIN, AnswerStatus.DUPLICATE_TRANSACTION, (OutcomeKind.UNKNOWN, None)),
        (CommandKind.CANCEL, AnswerStatus.DUPLICATE_TRANSACTION, (OutcomeKind.UNKNOWN, None)),
        (CommandKind.WIN, AnswerStatus.UNKNOWN_ERROR, (OutcomeKind.UNKNOWN, None)),
        (
            CommandKind.CANCEL,
            AnswerStatus.TRANSACTION_DOES_NOT_EXIST,
            (OutcomeKind.NOT_FOUND, 4900),
        ),
        (
            CommandKind.CANCEL,
            AnswerStatus.TRANSACTION_ROLLED_BACK,
            (OutcomeKind.ALREADY_APPLIED, 4900),
        ),
        (CommandKind.BET, AnswerStatus.TRANSACTION_ROLLED_BACK, (OutcomeKind.UNKNOWN, None)),
        (
            CommandKind.STATUS,
            AnswerStatus.TRANSACTION_DOES_NOT_EXIST,
            (OutcomeKind.NOT_FOUND, 4900),
        ),
    ],
)
def test_answers_read_back_as_outcomes(
    kind: CommandKind, status: AnswerStatus, expected: tuple[OutcomeKind, object]
) -> None:
    assert outcome(command(kind), answer(kind, status)) == expected


@pytest.mark.parametrize("state", list(TransStatus))
def test_status_answers_say_what_became_of_the_transaction(state: TransStatus) -> None:
    call = call_of(CommandKind.STATUS)
    found = UpstreamAnswer(AnswerStatus.OK, call.request_id, call=call, trans_status=state)
    assert outcome(command(CommandKind.STATUS), found) == (OutcomeKind.APPLIED, state)


@pytest.mark.parametrize("status", list(AnswerStatus))
def test_every_status_is_answered_with_a_result_of_the_contract(status: AnswerStatus) -> None:
    for kind in (CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL):
        doc = json.loads(encode_answer(answer(kind, status)))
        assert doc["result"] in {int(code) for code in dialect.Result}
    assert RESULT_BY_STATUS[status] in dialect.Result


def test_a_balance_in_yen_and_dinar_has_the_currency_decimals() -> None:
    call = call_of(CommandKind.BALANCE)
    for currency, minor, text in (("JPY", 500, b"500"), ("KWD", 1250, b"1.250")):
        ok = UpstreamAnswer(AnswerStatus.OK, call.request_id, "alice_1", currency, minor, call=call)
        assert encode_answer(ok) == b'{"result":0,"status":"OK","data":{"balance":' + text + b"}}"


# --- Main API v4: requests accepted by Reelhouse's own models, answers read -----------------


def test_player_registration() -> None:
    request = SLOTCITY_V4_UPSTREAM.encode_player
    assert request is not None
    sent_request = request("alice_1", BASE + "/", API)
    assert (sent_request.method, sent_request.url) == ("POST", BASE + "/v4/user/create")
    assert sent_request.body == b'{"name":"alice_1"}'
    assert ("Authorization", "Bearer " + API.api_token) in sent_request.headers
    assert main_v4.UserCreateBody.model_validate(json.loads(sent_request.body)).name == "alice_1"
    answer_body = ok_exact({"user_code": 2**53 - 1, "is_new_user": True}).body
    read = SLOTCITY_V4_UPSTREAM.decode_player
    assert read is not None
    assert read("alice_1", HttpAnswer(200, bytes(answer_body))) == UpstreamPlayer(
        "alice_1", str(2**53 - 1)
    )
    text_code = b'{"code":0,"message":null,"data":{"user_code":"77"}}'
    assert read("alice_1", HttpAnswer(200, text_code)) == UpstreamPlayer("alice_1", "77")
    refused = b'{"code":1002,"message":"name: invalid","data":null}'
    assert isinstance(read("alice_1", HttpAnswer(200, refused)), UpstreamFault)


# Where the upstream Reelhouse serves its games' pictures.
REELHOUSE_TWO = "https://reelhouse-two.example"


def test_catalogue_from_a_reelhouse_answer() -> None:
    request = SLOTCITY_V4_UPSTREAM.encode_catalogue(7, BASE, API)
    assert (request.url, request.body) == (BASE + "/v4/game/all", b"{}")
    games = [
        {
            "provider_id": game.provider_id,
            "game_code": game.game_code,
            "game_name": game.name,
            "locale_name": game.name,
            "game_image": f"{REELHOUSE_TWO}/img/games/{game.game_code}.svg",
            "launch_enable": True,
            "category": "Slots",
            "reg_date": "2026-01-01 00:00:00",
            # Fields Reelhouse adds to the contract's: an upstream reader ignores them.
            "status": "available",
            "metadata": {"rtp_variant": 96, "features": ["20 lines"]},
        }
        for game in catalogue.list_games()
    ]
    body = bytes(ok_exact(games).body)
    read = SLOTCITY_V4_UPSTREAM.decode_catalogue(HttpAnswer(200, body))
    assert not isinstance(read, UpstreamFault)
    assert not read.skipped
    assert [g.game_code for g in read.games] == [
        f"{catalogue.PROVIDER_ID}:{game.game_code}" for game in catalogue.list_games()
    ]
    first = read.games[0]
    assert first.enabled and first.platforms == frozenset(Platform)
    assert first.thumbnail_url == f"{REELHOUSE_TWO}/img/games/{first.game_code.split(':')[1]}.svg"


def test_catalogue_entries_that_cannot_be_used_are_skipped() -> None:
    good = {"provider_id": 1, "game_code": "a", "game_name": "A", "launch_enable": True}
    items = [
        good,
        {**good, "launch_enable": "yes"},
        {**good, "game_code": "b", "game_image": "javascript:alert(1)"},
        good,
        "not an object",
    ]
    body = json.dumps({"code": 0, "message": None, "data": items}).encode()
    read = SLOTCITY_V4_UPSTREAM.decode_catalogue(HttpAnswer(200, body))
    assert not isinstance(read, UpstreamFault)
    assert [g.game_code for g in read.games] == ["1:a"]
    assert [s.index for s in read.skipped] == [1, 2, 3, 4]


def test_launch() -> None:
    launch = LaunchRequest(
        operator_id=7,
        game_code=f"{catalogue.PROVIDER_ID}:lucky-sevens",
        platform=Platform.DESKTOP,
        currency="USD",
        user="alice_1",
        language="ko",
        lobby_url="https://casino.example/lobby",
        provider_user_id="9007199254740991",
    )
    request = SLOTCITY_V4_UPSTREAM.encode_launch(launch, BASE, API)
    assert request.url == BASE + "/v4/game/game-url"
    assert request.body == (
        b'{"user_code":9007199254740991,"provider_id":%d,"game_symbol":"lucky-sevens",'
        b'"lang":2,"return_url":"https://casino.example/lobby"}' % catalogue.PROVIDER_ID
    )
    body = main_v4.GameUrlBody.model_validate(json.loads(request.body, parse_float=Decimal))
    assert (body.user_code, body.game_symbol, body.lang) == (2**53 - 1, "lucky-sevens", 2)
    url = "https://games.example/play?t=abc"
    answer_body = bytes(ok_exact({"game_url": url}).body)
    assert SLOTCITY_V4_UPSTREAM.decode_launch(HttpAnswer(200, answer_body)) == LaunchAnswer(url)
    for bad in (
        HttpAnswer(500, b"oops"),
        HttpAnswer(200, b'{"code":1015,"message":"callback failed","data":null}'),
        HttpAnswer(200, b'{"code":0,"data":{"game_url":"javascript:x"}}'),
        HttpAnswer(200, b'{"code":0,"data":{}}'),
        HttpAnswer(200, b"[1,2"),
    ):
        assert isinstance(SLOTCITY_V4_UPSTREAM.decode_launch(bad), UpstreamFault)


def test_free_rounds_are_not_offered() -> None:
    assert not SLOTCITY_V4_UPSTREAM.free_rounds
    with pytest.raises(AssertionError):
        SLOTCITY_V4_UPSTREAM.encode_offers(7, None, BASE, API)


# --- Properties: hostile bytes never raise ---------------------------------------------------

VALID = [sent(command(kind))[1] for kind in dialect.COMMANDS]


def signed(body: bytes) -> dict[str, str]:
    return {
        "Callback-Token": TOKEN,
        dialect.HEADER_TIMESTAMP: str(NOW),
        dialect.HEADER_SIGNATURE: dialect.sign(TOKEN, str(NOW), body),
    }


@settings(max_examples=300, deadline=None)
@given(hostile_bodies(VALID))
def test_signed_hostile_bodies_decode_or_are_refused(body: bytes) -> None:
    result = decode_call(PATH, signed(body), body, KEYS)
    assert isinstance(result, UpstreamCall | UpstreamRefusal)
    if isinstance(result, UpstreamRefusal):
        assert json.loads(SLOTCITY_V4_UPSTREAM.answer_for_refusal(result))["result"] != 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.text(max_size=80))
def test_arbitrary_bytes_are_refused(body: bytes, path: str) -> None:
    assert isinstance(decode_call(path, {"Callback-Token": TOKEN}, body, KEYS), UpstreamRefusal)


@settings(max_examples=200, deadline=None)
@given(hostile_headers, st.sampled_from(VALID))
def test_hostile_headers_are_refused(headers: dict[str, str], body: bytes) -> None:
    # Only the exact token, a fresh timestamp and its signature let a body through.
    assert isinstance(decode_call(PATH, headers, body, KEYS), UpstreamRefusal)


ANSWERS = [
    b'{"code":0,"message":null,"data":{"user_code":77,"is_new_user":true}}',
    b'{"code":0,"message":null,"data":{"game_url":"https://games.example/p"}}',
    json.dumps(
        {
            "code": 0,
            "data": [{"provider_id": 1, "game_code": "a", "game_name": "A", "launch_enable": True}],
        }
    ).encode(),
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([200, 200, 500]), hostile_bodies(ANSWERS) | st.binary(max_size=300))
def test_operator_api_answers_never_raise(status: int, body: bytes) -> None:
    read = HttpAnswer(status, body)
    assert isinstance(SLOTCITY_V4_UPSTREAM.decode_catalogue(read), Catalogue | UpstreamFault)
    assert isinstance(SLOTCITY_V4_UPSTREAM.decode_launch(read), LaunchAnswer | UpstreamFault)
    assert SLOTCITY_V4_UPSTREAM.decode_player is not None
    player = SLOTCITY_V4_UPSTREAM.decode_player("alice_1", read)
    assert isinstance(player, UpstreamPlayer | UpstreamFault)
