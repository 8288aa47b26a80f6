"""The three Main APIs driven by operator clients written from the public contracts alone
(tests/contract/api_clients.py), on SQLite and PostgreSQL: every field and type form the
contracts show is accepted (integer languages, ids as text, `round_id` as text, fields
Reelhouse does not know), and every answer parses with the contract's types, strictly.

The player's side (opening the launch URL, spinning) goes through the game client's API as a
browser would; the wallet is the demo casino."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.contract.api_clients import (
    JS_SAFE_INTEGER_MAX,
    SLOTCITY_LANG_CODES,
    ContractViolation,
    IGamingAceA,
    IGamingAceB,
    SlotCityMainApi,
    check_slotcity_transaction,
    exact_json,
)
from tests.harness import GAME, OPERATOR_NAME, Stack, running_stack
from tests.igamingace_clients import game_api, open_game

PROVIDER = 1


def fund(stack: Stack, account: str, balance: str = "100.00") -> None:
    answer = httpx.post(
        f"{stack.casino.url}/api/players",
        json={"account": account, "currency": "USD", "balance": balance},
    )
    assert answer.status_code == 201, answer.text


def casino_balance(stack: Stack, account: str) -> Decimal:
    return Decimal(httpx.get(f"{stack.casino.url}/api/players/{account}").json()["balance"])


def spin(stack: Stack, session: str, bet: str, free_round_id: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"bet": bet}
    if free_round_id is not None:
        body["free_round_id"] = int(free_round_id)
    answer = httpx.post(
        f"{stack.reelhouse.url}/api/game/spin",
        json=body,
        headers={"Authorization": f"Bearer {session}"},
        timeout=30,
    )
    envelope: dict[str, Any] = answer.json()
    return envelope


def state(stack: Stack, session: str) -> dict[str, Any]:
    found: dict[str, Any] = game_api(stack.reelhouse.url, session, "GET", "/api/game/state")
    return found


def api_time(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture
def slotcity(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, SlotCityMainApi]]:
    with running_stack(database_url, tmp_path) as stack:
        client = SlotCityMainApi(stack.reelhouse.url, stack.api_token)
        try:
            yield stack, client
        finally:
            client.close()


# --- SlotCity v4 --------------------------------------------------------------------------


def test_slotcity_catalogue_and_agent_in_the_contract_types(
    slotcity: tuple[Stack, SlotCityMainApi],
) -> None:
    _stack, client = slotcity
    info = client.agent_info()
    assert info["currency"] == 840  # USD's ISO 4217 number; `currency_code` has the text
    assert info["currency_code"] == "USD"
    for lang in (*SLOTCITY_LANG_CODES.values(), "th", "ru", "it", "zh-CN", None):
        assert client.providers(lang)[0]["provider_id"] == PROVIDER
    games = client.games(str(PROVIDER), lang=SLOTCITY_LANG_CODES["ko"])  # provider id as text
    assert GAME in {g["game_code"] for g in games}
    assert all(g["launch_enable"] is True and g["category"] == "Slots" for g in games)
    assert client.all_games(lang=99) == games  # an unknown code: English


def test_slotcity_operator_plays_and_reads_every_answer_strictly(
    slotcity: tuple[Stack, SlotCityMainApi],
) -> None:
    stack, client = slotcity
    fund(stack, "alice")
    user_code = client.user_create("alice")
    # Before any wallet answer the balance is not known: still a number (0), never null.
    assert client.user_info(str(user_code)) == 0
    url = client.game_url(
        user_code=str(user_code),  # ids as text: a JavaScript client keeps every digit
        provider_id=PROVIDER,
        game_symbol=GAME,
        lang=SLOTCITY_LANG_CODES["th"],  # a language Reelhouse does not offer: English
        return_url="https://casino.example/lobby",
        win_ratio=0,
        is_finish_jackpot=False,  # sent by clients of the original API
        client_reference="lobby-7",  # unknown to Reelhouse: ignored
    )
    session = open_game(url)
    assert state(stack, session)["lang"] == "en"
    result = spin(stack, session, "1.00")
    assert result["code"] == 0 and result["data"]["state"] == "settled"
    assert client.user_info(user_code) == casino_balance(stack, "alice")

    stack.clock.advance(seconds=30)  # past the cursor feed's settle lag
    now = stack.clock.now()
    window = client.transactions(
        api_time(now - dt.timedelta(minutes=30)), api_time(now + dt.timedelta(minutes=30)), 0, 10
    )
    assert [item["trans_type"] for item in window] == [1, 2]
    bet, win = window
    assert bet["round_id"] == win["round_id"] == str(result["data"]["round_id"])
    assert bet["trans_amount"] == Decimal("1.00")
    assert bet["prebalance"] == Decimal("100.00") and bet["balance"] == Decimal("99.00")
    assert win["balance"] == casino_balance(stack, "alice")
    assert client.transactions_after("0", 10) == window  # last_id as text

    # round_id back as the feed sent it (text), and as a number: the same page.
    details = {"user_code": user_code, "provider_id": PROVIDER, "game_code": GAME}
    page = client.round_details(round_id=bet["round_id"], **details)
    assert client.round_details(round_id=int(bet["round_id"]), **details) == page
    assert httpx.get(page).status_code == 200


def test_slotcity_free_rounds_with_text_ids(slotcity: tuple[Stack, SlotCityMainApi]) -> None:
    stack, client = slotcity
    fund(stack, "bob")
    user_code = client.user_create("bob")
    expires = stack.clock.now() + dt.timedelta(days=1)
    fr_id = client.freeround_start(
        user_code=str(user_code),
        provider_id=str(PROVIDER),
        game_code=GAME,
        bet=Decimal("0.50"),
        rounds=3,
        expirationDate=int(expires.timestamp() * 1000),
        campaign="welcome",  # unknown: ignored
    )
    client.freeround_cancel(str(fr_id))
    again = client.envelope("/v4/game/freeround/cancel", {"fr_id": fr_id})
    assert again["code"] == 0  # cancelling a cancelled grant changes nothing


def test_slotcity_refuses_what_is_unsafe(slotcity: tuple[Stack, SlotCityMainApi]) -> None:
    stack, client = slotcity
    user_code = client.user_create("carol")
    expiry = int((stack.clock.now() + dt.timedelta(days=1)).timestamp() * 1000)
    grant = {
        "user_code": user_code,
        "provider_id": PROVIDER,
        "game_code": GAME,
        "rounds": 3,
        "expirationDate": expiry,
    }
    # Money with more precision than the currency has, negative money: 1012.
    for bet in (Decimal("0.505"), Decimal("-0.50")):
        refused = client.envelope("/v4/game/freeround/start", grant | {"bet": bet})
        assert refused["code"] == 1012, refused
    # Ids that are not integers in range, as text or number: 1002.
    for bad in ("12.5", "-1", "1e3", " 1", str(2**64), True, Decimal("1.5")):
        refused = client.envelope("/v4/user/info", {"user_code": bad})
        assert refused["code"] == 1002, (bad, refused)
    too_big = client.http.post("/v4/user/info", content=b'{"pad": "' + b"x" * 70_000 + b'"}')
    assert exact_json(too_big.text)["code"] == 1002


def test_unknown_fields_are_logged_by_name_once(
    slotcity: tuple[Stack, SlotCityMainApi], caplog: pytest.LogCaptureFixture
) -> None:
    _stack, client = slotcity
    field = f"novel_{uuid.uuid4().hex[:8]}"
    with caplog.at_level(logging.INFO, logger="reelhouse.api"):
        for _ in range(3):
            assert client.envelope("/v4/agent/info", {field: "secret-value"})["code"] == 0
    lines = [r.getMessage() for r in caplog.records if field in r.getMessage()]
    assert len(lines) == 1, lines
    assert "secret-value" not in caplog.text


# --- iGamingAce A -------------------------------------------------------------------------


@pytest.fixture
def flavour_a(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, IGamingAceA]]:
    with running_stack(database_url, tmp_path, dialect="igamingace-a") as stack:
        client = IGamingAceA(stack.reelhouse.url, stack.api_token)
        try:
            yield stack, client
        finally:
            client.close()


def test_igamingace_a_operator_plays_and_cancels_a_started_bonus(
    flavour_a: tuple[Stack, IGamingAceA],
) -> None:
    stack, client = flavour_a
    fund(stack, "dave")
    client.link("dave")
    assert client.providers()[0]["providerId"] == PROVIDER
    game_id = next(g["gameId"] for g in client.games(PROVIDER) if g["name"] == "Lucky Sevens")
    url = client.launch(
        playerId="dave",
        providerId=PROVIDER,
        gameId=game_id,
        language="ms",  # not offered: English
        returnUrl="https://casino.example/lobby",
        isStreamer=False,
        brand="main",  # unknown: ignored
    )
    session = open_game(url)
    assert state(stack, session)["lang"] == "en"
    assert spin(stack, session, "1.00")["code"] == 0

    bonus = {
        "platformId": 9001,  # the field table's name
        "providerId": PROVIDER,
        "gameId": game_id,
        "playerId": "dave",
        "bonusType": 1,
        "callAmount": Decimal("50.00"),
        "expireAt": api_time(stack.clock.now() + dt.timedelta(days=1)),
        "metaData": {"spinAmount": 10, "baseBetAmount": Decimal("0.50")},
    }
    assert client.bonus_register(**bonus)["issueId"] == 9001
    offer = state(stack, session)["free_rounds"]
    assert spin(stack, session, offer["bet"], offer["fr_id"])["code"] == 0
    # After the first spin: the unplayed spins are forfeited, the bonus is over.
    cancelled = client.bonus_cancel("dave", "9001")  # issueId as text
    assert cancelled["success"] is True, cancelled
    assert state(stack, session)["free_rounds"] is None
    ended = client.bonus_cancel("dave", 9001)
    assert (ended["success"], ended["message"]) == (False, "BONUSCALL_ALEADY_ENDED")


def test_igamingace_a_a_completed_bonus_cannot_be_cancelled(
    flavour_a: tuple[Stack, IGamingAceA],
) -> None:
    stack, client = flavour_a
    fund(stack, "erin")
    client.link("erin")
    game_id = next(g["gameId"] for g in client.games(PROVIDER) if g["name"] == "Lucky Sevens")
    client.bonus_register(
        issueId="promo-1",  # the example body's name
        providerId=PROVIDER,
        gameId=str(game_id),  # a number as text
        playerId="erin",
        bonusType=1,
        callAmount=0,
        expireAt=api_time(stack.clock.now() + dt.timedelta(days=1)),
        metaData={"spinAmount": 10, "baseBetAmount": Decimal("0.50")},
    )
    session = open_game(client.launch(playerId="erin", providerId=PROVIDER, gameId=game_id))
    for _ in range(10):
        offer = state(stack, session)["free_rounds"]
        assert spin(stack, session, offer["bet"], offer["fr_id"])["code"] == 0
    completed = client.bonus_cancel("erin", "promo-1")
    assert (completed["success"], completed["message"]) == (False, "BONUSCALL_ALEADY_ENDED")


# --- iGamingAce B -------------------------------------------------------------------------


def test_igamingace_b_operator_with_integer_game_ids(database_url: str, tmp_path: Path) -> None:
    with running_stack(database_url, tmp_path, dialect="igamingace-b") as stack:
        assert stack.secret_key is not None
        client = IGamingAceB(stack.reelhouse.url, stack.api_token, OPERATOR_NAME, stack.secret_key)
        try:
            fund(stack, "Player01")
            game_id = next(g["gameID"] for g in client.game_list() if g["name"] == "Lucky Sevens")
            url = client.user_auth("Player01", game_id, lang="id", isaffiliate=True, skin="x")
            # userID as a number (an operator with numeric ids), gameid as the integer.
            fund(stack, "80012345")
            assert client.user_auth(80012345, game_id).startswith("http")
            session = open_game(url)
            assert state(stack, session)["lang"] == "en"
            assert spin(stack, session, "2.00")["code"] == 0
            expires = (stack.clock.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            grant = {"userID": "Player01", "gameID": game_id, "freespinID": "fs-1"}
            extra = {"betlevel": 1, "freespincount": 3, "expiretime": expires}
            client.ok("createfreegame", grant | extra)
            client.ok("cancelfreegame", grant | {"gameID": str(game_id)})  # digits as text
        finally:
            client.close()


# --- ids a JavaScript client keeps --------------------------------------------------------


def test_every_id_sent_as_a_number_is_javascript_safe(
    slotcity: tuple[Stack, SlotCityMainApi],
) -> None:
    stack, client = slotcity
    fund(stack, "gina")
    user_code = client.user_create("gina")
    session = open_game(
        client.game_url(user_code=user_code, provider_id=PROVIDER, game_symbol=GAME, lang=1)
    )
    spin(stack, session, "1.00")
    stack.clock.advance(seconds=30)
    items = client.transactions_after(0, 10)
    assert items
    for number in (user_code, *(i["trans_id"] for i in items), *(i["user_code"] for i in items)):
        assert number <= JS_SAFE_INTEGER_MAX


# --- the checks themselves bite -----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("balance", "99.00"),  # money as text
        ("balance", None),  # money as null
        ("prebalance", 99.0),  # a float (what a lax parser would make of it)
        ("round_id", 5),  # a number where the contract has text
        ("category", "slots"),
        ("trans_id", "5"),
        ("trans_type", True),
    ],
)
def test_the_strict_checker_refuses_other_types(field: str, value: Any) -> None:
    good = {
        "trans_id": 5,
        "user_code": 7,
        "round_id": "9",
        "trans_type": 1,
        "provider_id": 1,
        "provider_name": "p",
        "game_code": "g",
        "game_name": "G",
        "category": "Slots",
        "prebalance": Decimal("100.00"),
        "trans_amount": Decimal("1.00"),
        "balance": Decimal("99.00"),
        "regdate": "2026-01-01 00:00:00",
    }
    check_slotcity_transaction(good, "item")
    with pytest.raises(ContractViolation):
        check_slotcity_transaction(good | {field: value}, "item")
