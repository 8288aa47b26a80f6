"""The iGamingAce flavour B upstream adapter: another Reelhouse's callbacks (made by the
dialect's own provider side) and the contract's published vector read as the right calls,
Reelhouse's answers read back by that provider side as the right outcomes, operator API
requests accepted by Reelhouse's own facade (models and sign check), and decoding hostile
bytes never raises."""

from __future__ import annotations

import json
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelhouse.api import igamingace_b as facade
from reelhouse.dialects import igamingace_b as dialect
from reelhouse.dialects.base import CallbackCredentials
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
    UpstreamRefusal,
)
from reelhouse.providers.dialect_upstream import OperatorApiKeys, WalletCallKeys
from reelhouse.providers.igamingace_b import (
    CODE,
    IGAMINGACE_B_UPSTREAM,
    STATUS_BY_REJECTION,
    decode_call,
    encode_answer,
)
from tests.dialects.igamingace_samples import (
    AGENT_ID,
    BET_ID,
    CREDS_B,
    GAME_NUMBER,
    NOW,
    ROUND_ID,
    SECRET_KEY,
    WIN_ID,
    b_body,
    command,
    hex_id,
)
from tests.fuzzing import hostile_bodies

KEYS = WalletCallKeys(CREDS_B, "USD", NOW)
API = OperatorApiKeys("api-token-of-reelhouse", secret_key=SECRET_KEY, agent_id=AGENT_ID)
BASE = "https://provider.example/api"
RELAYED = (CommandKind.BALANCE, CommandKind.BET, CommandKind.WIN, CommandKind.CANCEL)


def sent(cmd: WalletCommand, creds: CallbackCredentials = CREDS_B) -> tuple[str, bytes]:
    """What another Reelhouse sends its casino for `cmd`: the path and the body."""
    request = dialect.encode_command(cmd, creds, NOW)
    return urlsplit(request.url).path, request.body


def decoded(cmd: WalletCommand, keys: WalletCallKeys = KEYS) -> UpstreamCall | UpstreamRefusal:
    path, body = sent(cmd)
    return decode_call(path, {}, body, keys)


def call_of(kind: CommandKind) -> UpstreamCall:
    call = decoded(command(kind))
    assert isinstance(call, UpstreamCall)
    return call


# --- Wallet calls ---------------------------------------------------------------------------


def test_the_published_vector_reads_as_a_bet() -> None:
    body = b_body(
        "Withdraw",
        agentID="Partner01",
        userID="Player01",
        amount=12.30,
        transactionID="474e1a293c2f4e7ab122c52d68423fcb",
        roundID="ab9c15f2efdd46278e4a56b303127234",
        gameID=7,
    )
    assert b'"sign":"475D834ACC3AB61D7DF4EA42751C6275387BC1787A098D2D0E091698D9BF2043"' in body
    call = decode_call("/casino/Withdraw", {}, body, KEYS)
    assert call == UpstreamCall(
        CallKind.BET,
        "Withdraw:474e1a293c2f4e7ab122c52d68423fcb",
        "",
        supplier_user="Player01",
        game_code="7",
        transaction_id="474e1a293c2f4e7ab122c52d68423fcb",
        round_id="ab9c15f2efdd46278e4a56b303127234",
        currency="USD",
        wire_currency="USD",
        amount_minor=1230,
        wire_command="Withdraw",
    )


def test_each_relayed_operation_reads_as_its_call() -> None:
    assert call_of(CommandKind.BALANCE) == UpstreamCall(
        CallKind.BALANCE,
        "GetBalance:Player01",
        "",
        supplier_user="Player01",
        game_code=str(GAME_NUMBER),
        wire_command="GetBalance",
    )
    bet = UpstreamCall(
        CallKind.BET,
        "Withdraw:" + hex_id(BET_ID),
        "",
        supplier_user="Player01",
        game_code=str(GAME_NUMBER),
        transaction_id=hex_id(BET_ID),
        round_id=hex_id(ROUND_ID),
        currency="USD",
        wire_currency="USD",
        amount_minor=1230,
        wire_command="Withdraw",
    )
    assert call_of(CommandKind.BET) == bet
    assert call_of(CommandKind.WIN) == replace(
        bet,
        kind=CallKind.WIN,
        request_id="Deposit:" + hex_id(WIN_ID),
        transaction_id=hex_id(WIN_ID),
        reference_transaction_id=hex_id(BET_ID),
        round_closed=True,
        wire_command="Deposit",
    )
    assert call_of(CommandKind.CANCEL) == UpstreamCall(
        CallKind.CANCEL,
        "RollbackTransaction:" + hex_id(BET_ID),
        "",
        supplier_user="Player01",
        game_code=str(GAME_NUMBER),
        transaction_id="rollback:" + hex_id(BET_ID),
        reference_transaction_id=hex_id(BET_ID),
        wire_command="RollbackTransaction",
    )


def test_a_free_spin_deposit_names_its_grant() -> None:
    cmd = replace(
        command(CommandKind.WIN), bet_trans_id=None, free_round_id=42, free_round_ref="fs-1"
    )
    call = decoded(cmd)
    assert isinstance(call, UpstreamCall)
    assert (call.is_free, call.reward_id, call.reference_transaction_id) == (True, "fs-1", None)


def test_betwin_is_not_relayed() -> None:
    path, body = sent(command(CommandKind.BET_WIN))
    refusal = decode_call(path, {}, body, KEYS)
    assert isinstance(refusal, UpstreamRefusal) and refusal.status is AnswerStatus.WRONG_SYNTAX
    answer = IGAMINGACE_B_UPSTREAM.answer_for_refusal(refusal)
    assert answer == b'{"code":2,"message":"wrong input parameters"}'
    read = dialect.decode_answer(command(CommandKind.BET_WIN), HttpAnswer(200, answer))
    assert (read.kind, read.refusal) == (OutcomeKind.REFUSED, RefusalReason.OTHER)


@pytest.mark.parametrize(("currency", "amount_minor"), [("JPY", 500), ("USD", 0)])
def test_amounts_are_exact_minor_units(currency: str, amount_minor: int) -> None:
    cmd = command(CommandKind.BET, currency=currency, amount_minor=amount_minor)
    call = decoded(cmd, replace(KEYS, currency=currency))
    assert isinstance(call, UpstreamCall)
    assert (call.amount_minor, call.currency) == (amount_minor, currency)


@pytest.mark.parametrize("currency", ["JPY", "KWD"])
def test_amounts_the_account_cannot_hold_are_refused(currency: str) -> None:
    # 12.30 for a yen account would need rounding; a dinar account cannot be carried at all.
    refusal = decoded(command(CommandKind.BET), replace(KEYS, currency=currency))
    assert isinstance(refusal, UpstreamRefusal)
    assert refusal.request_id == "Withdraw:" + hex_id(BET_ID)
    assert refusal.status in (AnswerStatus.WRONG_TYPES, AnswerStatus.WRONG_CURRENCY)


def test_sign_agent_and_path_are_checked() -> None:
    path, body = sent(command(CommandKind.BET))
    forged = body.replace(b'"amount":12.30', b'"amount":1.30')
    assert forged != body
    refusal = decode_call(path, {}, forged, KEYS)
    assert isinstance(refusal, UpstreamRefusal) and refusal.status is AnswerStatus.INVALID_SIGNATURE
    assert IGAMINGACE_B_UPSTREAM.answer_for_refusal(refusal) == (
        b'{"code":3,"message":"invalid sign"}'
    )
    elsewhere = replace(KEYS, credentials=replace(CREDS_B, agent_id="Partner02"))
    other_agent = decode_call(path, {}, body, elsewhere)
    assert isinstance(other_agent, UpstreamRefusal)
    assert other_agent.status is AnswerStatus.INVALID_PARTNER
    assert isinstance(decode_call("/casino/Transfer", {}, body, KEYS), UpstreamRefusal)
    too_long = decode_call("/x" * 300 + path, {}, body, KEYS)
    assert isinstance(too_long, UpstreamRefusal) and too_long.status is AnswerStatus.WRONG_SYNTAX


# --- Answers: read back by the provider side of the same dialect ----------------------------


def answer(kind: CommandKind, status: AnswerStatus, balance: int | None = 4930) -> UpstreamAnswer:
    call = call_of(kind)
    user = "Player01" if status is AnswerStatus.OK else None
    currency = "USD" if balance is not None else None
    return UpstreamAnswer(status, call.request_id, user, currency, balance, call=call)


def test_the_dialects_own_refusals_are_answered_with_their_own_codes() -> None:
    for code, status in STATUS_BY_REJECTION.items():
        assert CODE[status] == code


def test_exact_answer_bytes() -> None:
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.OK)) == (
        b'{"code":0,"message":"success","balance":49.30}'
    )
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.NOT_ENOUGH_MONEY)) == (
        b'{"code":6,"message":"insufficient funds","balance":49.30}'
    )
    assert encode_answer(answer(CommandKind.BET, AnswerStatus.INVALID_TOKEN, None)) == (
        b'{"code":5,"message":"user not found"}'
    )
    yen = replace(answer(CommandKind.BALANCE, AnswerStatus.OK, 1500), wire_currency="JPY")
    assert encode_answer(yen) == b'{"code":0,"message":"success","balance":1500.00}'


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
            CommandKind.BET,
            AnswerStatus.INVALID_TOKEN,
            (OutcomeKind.REFUSED, RefusalReason.UNKNOWN_PLAYER),
        ),
        (CommandKind.BET, AnswerStatus.USER_DISABLED, (OutcomeKind.REFUSED, RefusalReason.OTHER)),
        (
            CommandKind.BALANCE,
            AnswerStatus.INVALID_SIGNATURE,
            (OutcomeKind.REFUSED, RefusalReason.BAD_TOKEN),
        ),
        # An id reused with other content: never "already applied" (11).
        (CommandKind.WIN, AnswerStatus.DUPLICATE_TRANSACTION, (OutcomeKind.UNKNOWN, None)),
        (CommandKind.CANCEL, AnswerStatus.DUPLICATE_TRANSACTION, (OutcomeKind.UNKNOWN, None)),
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
    body = encode_answer(answer(kind, status))
    read = dialect.decode_answer(command(kind), HttpAnswer(200, body))
    assert (read.kind, read.refusal or read.balance_minor) == expected


@pytest.mark.parametrize("status", list(AnswerStatus))
def test_only_ok_reads_as_applied_to_a_bet_or_win(status: AnswerStatus) -> None:
    for kind in (CommandKind.BET, CommandKind.WIN):
        body = encode_answer(answer(kind, status))
        read = dialect.decode_answer(command(kind), HttpAnswer(200, body))
        assert read.settled_ok == (status is AnswerStatus.OK)
    assert CODE[status] in dialect.Code


# --- Operator API: requests accepted by Reelhouse's own facade, answers read ----------------


def test_catalogue_from_a_reelhouse_answer() -> None:
    request = IGAMINGACE_B_UPSTREAM.encode_catalogue(7, BASE, API)
    assert request.url == BASE + "/gameList"
    doc = json.loads(request.body)
    body = facade.GameListBody.model_validate(doc)
    assert dialect.signature_matches(SECRET_KEY, "gameList", {"agentID": AGENT_ID}, body.sign)
    assert request.body == b'{"agentID":"Partner01","sign":"%s"}' % body.sign.encode()
    games = [
        {
            "gameID": numeric_game_id(game.game_code),
            "gameCode": game.game_code,
            "name": game.name,
            "category": game.category,
            "provider": catalogue.PROVIDER_NAME,
            "thumbnail": "",
        }
        for game in catalogue.list_games()
    ]
    answer_body = json.dumps(facade._ok(games=games)).encode()
    read = IGAMINGACE_B_UPSTREAM.decode_catalogue(HttpAnswer(200, answer_body))
    assert isinstance(read, Catalogue) and not read.skipped
    assert [g.game_code for g in read.games] == [str(g["gameID"]) for g in games]
    assert read.games[0].product == catalogue.PROVIDER_NAME


def test_launch() -> None:
    launch = LaunchRequest(
        operator_id=7,
        game_code=str(GAME_NUMBER),
        platform=Platform.DESKTOP,
        currency="USD",
        user="Player01",
        language="pt-BR",
        lobby_url="https://casino.example/lobby",
    )
    request = IGAMINGACE_B_UPSTREAM.encode_launch(launch, BASE, API)
    assert request.url == BASE + "/userAuth"
    assert ("Authorization", "Bearer " + API.api_token) in request.headers
    body = facade.UserAuthBody.model_validate(json.loads(request.body))
    assert facade._game_code(body.gameid) == "lucky-sevens"
    fields = {"agentID": AGENT_ID, "userID": "Player01", "gameID": str(GAME_NUMBER)}
    assert dialect.signature_matches(SECRET_KEY, "userAuth", fields, body.sign)
    assert request.body == (
        b'{"agentID":"Partner01","userID":"Player01","isaffiliate":false,"lang":"en",'
        b'"gameid":%d,"lobbyUrl":"https://casino.example/lobby","sign":"%s"}'
        % (GAME_NUMBER, body.sign.encode())
    )
    url = "https://games.example/play?t=abc"
    answer_body = json.dumps(facade._ok(url=url)).encode()
    assert IGAMINGACE_B_UPSTREAM.decode_launch(HttpAnswer(200, answer_body)) == LaunchAnswer(url)
    for bad in (
        HttpAnswer(200, b'{"code":3,"message":"TOKEN_INVALID: sign does not match"}'),
        HttpAnswer(200, b'{"code":0,"message":"success"}'),
        HttpAnswer(200, b'{"code":"0","url":"https://x.example"}'),
        HttpAnswer(404, b"{}"),
    ):
        assert isinstance(IGAMINGACE_B_UPSTREAM.decode_launch(bad), UpstreamFault)


def test_keys_show_no_secret() -> None:
    shown = repr(API) + repr(KEYS)
    assert SECRET_KEY not in shown and API.api_token not in shown


def test_no_registration_comes_before_a_launch() -> None:
    assert IGAMINGACE_B_UPSTREAM.encode_player is None
    assert IGAMINGACE_B_UPSTREAM.decode_player is None


# --- Properties: hostile bytes never raise ---------------------------------------------------

VALID = [sent(command(kind)) for kind in RELAYED]


def path_and_hostile_body(sample: tuple[str, bytes]) -> st.SearchStrategy[tuple[str, bytes]]:
    """A relayed operation's path with a hostile body made from its valid one."""
    return st.tuples(st.just(sample[0]), hostile_bodies([sample[1]]))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(VALID).flatmap(path_and_hostile_body))
def test_hostile_bodies_decode_or_are_refused(sample: tuple[str, bytes]) -> None:
    path, body = sample
    result = decode_call(path, {}, body, KEYS)
    assert isinstance(result, UpstreamCall | UpstreamRefusal)
    if isinstance(result, UpstreamRefusal):
        assert json.loads(IGAMINGACE_B_UPSTREAM.answer_for_refusal(result))["code"] != 0


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.text(max_size=80))
def test_arbitrary_bytes_are_refused(body: bytes, path: str) -> None:
    assert isinstance(decode_call(path, {}, body, KEYS), UpstreamRefusal)


ANSWERS = [
    b'{"code":0,"message":"success","url":"https://games.example/p"}',
    b'{"code":0,"message":"success","games":[{"gameID":5,"name":"A","category":"slots",'
    b'"provider":"Reelhouse","thumbnail":""}]}',
]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([200, 200, 500]), hostile_bodies(ANSWERS))
def test_operator_api_answers_never_raise(status: int, body: bytes) -> None:
    read = HttpAnswer(status, body)
    assert isinstance(IGAMINGACE_B_UPSTREAM.decode_catalogue(read), Catalogue | UpstreamFault)
    assert isinstance(IGAMINGACE_B_UPSTREAM.decode_launch(read), LaunchAnswer | UpstreamFault)
