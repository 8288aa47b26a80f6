"""The iGamingAce Main API facades, end to end over real HTTP: an operator client written to
each provider's contract (tests/igamingace_clients.py) links a player, lists games,
launches, and plays a full round against the demo casino, in the dialect it integrated with;
then every documented refusal, each of which changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelhouse.api.inflight import InFlightLimiter
from reelhouse.domain.clock import UTC
from reelhouse.services import operators
from reelhouse.store.models import FreeRoundGrant, LaunchToken, Player
from tests.harness import GAME, OPERATOR_NAME, Stack, count, running_stack
from tests.igamingace_clients import ProviderA, ProviderB, game_api, open_game

PROVIDER = 1


def fund(stack: Stack, account: str, balance: str = "100.00") -> None:
    answer = httpx.post(
        f"{stack.casino.url}/api/players",
        json={"account": account, "currency": "USD", "balance": balance},
    )
    assert answer.status_code == 201, answer.text


def casino_balance(stack: Stack, account: str) -> Decimal:
    return Decimal(httpx.get(f"{stack.casino.url}/api/players/{account}").json()["balance"])


def ledger(stack: Stack, account: str) -> list[dict[str, Any]]:
    rows = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    return [row for row in rows if row["account"] == account]


def api_time(moment: dt.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def spin(stack: Stack, session: str, bet: str, free_round: str | None = None) -> Any:
    body: dict[str, Any] = {"bet": bet}
    if free_round is not None:
        body["free_round_id"] = int(free_round)
    return game_api(stack.reelhouse.url, session, "POST", "/api/game/spin", body)


@contextmanager
def unchanged(stack: Stack) -> Iterator[None]:
    """A refused request changes nothing: no player, launch or grant appears."""
    tables = (Player, LaunchToken, FreeRoundGrant)
    before = [count(stack, table) for table in tables]
    yield
    assert [count(stack, table) for table in tables] == before


@contextmanager
def no_room_in_flight(stack: Stack) -> Iterator[None]:
    """Every agent's calls-in-flight cap reached (a limiter of capacity 0): filling the real
    one would race with the release of the previous request's slot."""
    real = stack.app.state.inflight
    stack.app.state.inflight = InFlightLimiter(capacity=0)
    try:
        yield
    finally:
        stack.app.state.inflight = real


# --- flavour A ---------------------------------------------------------------------------


@contextmanager
def flavour_a(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, ProviderA]]:
    with running_stack(database_url, tmp_path, dialect="igamingace-a") as stack:
        client = ProviderA(stack.reelhouse.url, stack.api_token)
        try:
            yield stack, client
        finally:
            client.close()


def test_flavour_a_operator_plays_a_full_round(database_url: str, tmp_path: Path) -> None:
    with flavour_a(database_url, tmp_path) as (stack, client):
        fund(stack, "alice.a-1")
        linked = client.link("alice.a-1")
        assert linked["playerId"] == "alice.a-1" and linked["playerCode"].isdigit()
        assert client.link("alice.a-1") == linked  # create-or-get, at every sign-in
        # An operator whose own player ids are numbers may send them as numbers.
        assert client.data("POST", "/v1/player/link", {"playerId": 1234})["playerId"] == "1234"
        assert client.link("1234")["playerCode"] == client.link(1234)["playerCode"]
        providers = client.data("GET", "/v1/provider/list")
        assert providers == [{"providerId": PROVIDER, "name": providers[0]["name"], "status": 1}]
        games = {g["gameCode"]: g for g in client.games(PROVIDER)}
        game = games[GAME]
        assert isinstance(game["gameId"], int) and game["providerId"] == PROVIDER
        assert set(game) == {
            "gameId",
            "gameCode",
            "name",
            "providerId",
            "category",
            "image",
            "rtpVariants",
        }

        url = client.launch("alice.a-1", PROVIDER, game["gameId"], isStreamer=False)
        session = open_game(url)
        state = game_api(stack.reelhouse.url, session, "GET", "/api/game/state")
        assert state["balance"] == "100.00"  # read with flavour A's `balance` callback
        result = spin(stack, session, "1.00")
        assert result["state"] == "settled"
        win = Decimal(result["win"])
        assert casino_balance(stack, "alice.a-1") == Decimal("99.00") + win
        # A bet, then its win (0 on a loss): the wallet takes the bet before it sees the win.
        bet_row, win_row = ledger(stack, "alice.a-1")
        assert (bet_row["kind"], bet_row["amount"]) == ("bet", "1.00")
        assert (win_row["kind"], win_row["amount_minor"]) == ("win", int(win * 100))
        assert httpx.get(url).status_code == 410  # the launch URL was one use


def test_flavour_a_bonus_call_is_free_spins(database_url: str, tmp_path: Path) -> None:
    with flavour_a(database_url, tmp_path) as (stack, client):
        fund(stack, "bob")
        client.link("bob")
        game_id = {g["gameCode"]: g["gameId"] for g in client.games(PROVIDER)}[GAME]
        expire = api_time(stack.clock.now() + dt.timedelta(days=1))
        bonus = {
            "issueId": 4242,
            "providerId": PROVIDER,
            "gameId": game_id,
            "playerId": "bob",
            "bonusType": 1,
            "callAmount": 500,
            "expireAt": expire,
            "metaData": {"spinAmount": 10, "baseBetAmount": "0.50"},
        }
        assert client.data("POST", "/v1/bonus-call/register", bonus) == {"issueId": 4242}
        session = open_game(client.launch("bob", PROVIDER, game_id))
        offer = game_api(stack.reelhouse.url, session, "GET", "/api/game/state")["free_rounds"]
        assert (offer["remaining"], offer["bet"]) == (10, "0.50")
        result = spin(stack, session, "0.50", offer["fr_id"])
        assert result["state"] == "settled"
        # A free spin moves no bet: its win arrives as a `win` naming the bonus call.
        assert casino_balance(stack, "bob") == Decimal("100.00") + Decimal(result["win"])
        assert [row["kind"] for row in ledger(stack, "bob")] == ["win"]

        # Cancelling after the first spin forfeits the spins not played yet (the contract's
        # rule): the played spin stays paid, the offer is gone, the next free spin refused.
        cancel_bob = {"playerId": "bob", "issueId": 4242}
        assert client.data("POST", "/v1/bonus-call/cancel", cancel_bob) == {}
        assert (
            game_api(stack.reelhouse.url, session, "GET", "/api/game/state")["free_rounds"] is None
        )
        forfeited = httpx.post(
            f"{stack.reelhouse.url}/api/game/spin",
            json={"bet": "0.50", "free_round_id": int(offer["fr_id"])},
            headers={"Authorization": f"Bearer {session}"},
        ).json()
        assert forfeited["code"] == 2012
        assert [row["kind"] for row in ledger(stack, "bob")] == ["win"]
        ended = client.call("POST", "/v1/bonus-call/cancel", cancel_bob)
        # The contract's published spelling, typo included.
        assert (ended["success"], ended["message"]) == (False, "BONUSCALL_ALEADY_ENDED")

        # A fresh bonus can be cancelled once; after that it has ended.
        client.link("carol")
        fresh = bonus | {"issueId": "promo-7", "playerId": "carol"}
        assert client.data("POST", "/v1/bonus-call/register", fresh) == {"issueId": "promo-7"}
        cancel = {"playerId": "carol", "issueId": "promo-7"}
        assert client.data("POST", "/v1/bonus-call/cancel", cancel) == {}
        again = client.call("POST", "/v1/bonus-call/cancel", cancel)
        assert again["message"] == "BONUSCALL_ALEADY_ENDED"


def refused(envelope: dict[str, Any], name: str, code: int) -> None:
    assert envelope["success"] is False, envelope
    assert envelope["message"] == name, envelope
    assert envelope["data"]["code"] == code, envelope
    assert envelope["data"]["detail"], envelope


def test_flavour_a_auth_refusals(database_url: str, tmp_path: Path) -> None:
    with flavour_a(database_url, tmp_path) as (stack, client), unchanged(stack):
        body = {"playerId": "nobody"}
        anonymous = ProviderA(stack.reelhouse.url, "")
        anonymous.http.headers.pop("Authorization")
        forged = ProviderA(stack.reelhouse.url, "not-a-token")
        walled_token, _ = stack.add_operator(
            "walled", dialect="igamingace-a", allowed_ips="10.9.9.9"
        )
        walled = ProviderA(stack.reelhouse.url, walled_token)
        try:
            refused(anonymous.call("POST", "/v1/player/link", body), "TOKEN_NOT_FOUND", 1007)
            refused(forged.call("GET", "/v1/game/list"), "TOKEN_INVALID", 1009)
            refused(walled.call("POST", "/v1/player/link", body), "IP_NOT_ALLOWED", 1020)
        finally:
            for other in (anonymous, forged, walled):
                other.close()
        with no_room_in_flight(stack):
            refused(client.call("POST", "/v1/player/link", body), "SERVER_IS_BUSY", 1018)


@pytest.mark.parametrize(
    ("method", "path", "body", "params", "name", "code"),
    [
        ("POST", "/v1/player/link", {"playerId": ""}, None, "VALIDATION_ERROR", 1002),
        ("POST", "/v1/player/link", {"playerId": "a" * 65}, None, "VALIDATION_ERROR", 1002),
        ("POST", "/v1/player/link", {"playerId": True}, None, "VALIDATION_ERROR", 1002),
        ("POST", "/v1/player/link", {"playerId": 1.5}, None, "VALIDATION_ERROR", 1002),
        ("POST", "/v1/player/link", {"playerId": "a b"}, None, "PARAMETERS_INVALID", 1012),
        ("POST", "/v1/player/link", {"playerId": "é"}, None, "PARAMETERS_INVALID", 1012),
        ("POST", "/v1/player/link", {"player": "x"}, None, "VALIDATION_ERROR", 1002),
        ("POST", "/v1/player/link", [1], None, "VALIDATION_ERROR", 1002),
        ("GET", "/v1/game/list", None, {"providerId": 2}, "PROVIDER_NOT_FOUND", 2007),
        ("GET", "/v1/game/list", None, {"providerId": "x"}, "VALIDATION_ERROR", 1002),
    ],
)
def test_flavour_a_malformed_requests(
    method: str,
    path: str,
    body: Any,
    params: dict[str, Any] | None,
    name: str,
    code: int,
    database_url: str,
    tmp_path: Path,
) -> None:
    with flavour_a(database_url, tmp_path) as (stack, client), unchanged(stack):
        refused(client.call(method, path, body, params=params), name, code)
        answer = client.http.post(path, content=b"{not json")
        if method == "POST":
            refused(answer.json(), "VALIDATION_ERROR", 1002)


def test_flavour_a_launch_refusals(database_url: str, tmp_path: Path) -> None:
    with flavour_a(database_url, tmp_path) as (stack, client):
        client.link("known")  # linked at Reelhouse, but the casino has no such player
        game_id = {g["gameCode"]: g["gameId"] for g in client.games(PROVIDER)}[GAME]
        launch = {"playerId": "known", "providerId": PROVIDER, "gameId": game_id}
        with unchanged(stack):
            cases = [
                ({"playerId": "stranger"}, "USER_NOT_FOUND", 2002),
                ({"gameId": 1}, "GAME_NOT_FOUND", 2003),
                ({"providerId": 2}, "PROVIDER_NOT_FOUND", 2007),
                ({"language": "x" * 36}, "VALIDATION_ERROR", 1002),
                ({"isStreamer": "yes"}, "VALIDATION_ERROR", 1002),
                ({}, "CALLBACK_ERROR", 1015),  # the wallet answered ERR_INVALID_PLAYER_ID
            ]
            for change, name, code in cases:
                refused(client.call("POST", "/v1/game/launch", launch | change), name, code)
        pending, _ = stack.add_operator("pending", dialect="igamingace-a", approved=False)
        other = ProviderA(stack.reelhouse.url, pending)
        try:
            other.link("known")
            with unchanged(stack):
                answer = other.call("POST", "/v1/game/launch", launch)
                refused(answer, "AGENT_NOT_APPROVED", 3004)
            # Demo play is allowed before approval: no wallet is called.
            assert other.launch("known", PROVIDER, game_id, demo=True).startswith("http")
        finally:
            other.close()


def test_flavour_a_bonus_call_refusals(database_url: str, tmp_path: Path) -> None:
    with flavour_a(database_url, tmp_path) as (stack, client):
        client.link("dave")
        client.link("erin")
        game_id = {g["gameCode"]: g["gameId"] for g in client.games(PROVIDER)}[GAME]
        soon = stack.clock.now() + dt.timedelta(minutes=10)
        bonus = {
            "issueId": 1,
            "providerId": PROVIDER,
            "gameId": game_id,
            "playerId": "dave",
            "bonusType": 1,
            "callAmount": 0,
            "expireAt": api_time(stack.clock.now() + dt.timedelta(days=2)),
            "metaData": {"spinAmount": 20, "baseBetAmount": 1},
        }
        cases = [
            ({"bonusType": 2}, "PARAMETERS_INVALID", 1012),
            ({"metaData": {"spinAmount": 9, "baseBetAmount": 1}}, "PARAMETERS_INVALID", 1012),
            ({"metaData": {"spinAmount": 101, "baseBetAmount": 1}}, "PARAMETERS_INVALID", 1012),
            (
                {"metaData": {"spinAmount": 10, "baseBetAmount": "0.001"}},
                "PARAMETERS_INVALID",
                1012,
            ),
            ({"expireAt": "tomorrow"}, "PARAMETERS_INVALID", 1012),
            ({"expireAt": api_time(soon)}, "PARAMETERS_INVALID", 1012),
            ({"callAmount": -1}, "PARAMETERS_INVALID", 1012),
            ({"playerId": "stranger"}, "USER_NOT_FOUND", 2002),
            ({"gameId": 1}, "GAME_NOT_FOUND", 2003),
            ({"issueId": 0}, "VALIDATION_ERROR", 1002),
            ({"metaData": {"spinAmount": 10}}, "VALIDATION_ERROR", 1002),
            # The published `platformId` beside the example's `issueId`: both, they must agree.
            ({"platformId": 2}, "PARAMETERS_INVALID", 1012),
            ({"issueId": None}, "VALIDATION_ERROR", 1002),
        ]
        with unchanged(stack):
            for change, name, code in cases:
                answer = client.call("POST", "/v1/bonus-call/register", bonus | change)
                refused(answer, name, code)
        assert client.data("POST", "/v1/bonus-call/register", bonus) == {"issueId": 1}
        with unchanged(stack):
            second = bonus | {"issueId": 2}
            refused(
                client.call("POST", "/v1/bonus-call/register", second), "BONUSCALL_DOUBLE", 2011
            )
            reused = bonus | {"playerId": "erin"}  # the issueId was used already
            refused(
                client.call("POST", "/v1/bonus-call/register", reused), "BONUSCALL_DOUBLE", 2011
            )
            for cancel in ({"playerId": "dave", "issueId": 99}, {"playerId": "erin", "issueId": 1}):
                answer = client.call("POST", "/v1/bonus-call/cancel", cancel)
                refused(answer, "FREEROUND_NO_EXIST", 2020)


# --- flavour B ---------------------------------------------------------------------------


@contextmanager
def flavour_b(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, ProviderB]]:
    with running_stack(database_url, tmp_path, dialect="igamingace-b") as stack:
        assert stack.secret_key is not None
        client = ProviderB(stack.reelhouse.url, stack.api_token, OPERATOR_NAME, stack.secret_key)
        try:
            yield stack, client
        finally:
            client.close()


def test_flavour_b_operator_plays_a_full_round(database_url: str, tmp_path: Path) -> None:
    with flavour_b(database_url, tmp_path) as (stack, client):
        fund(stack, "Player01")
        games = client.post("gameList", {})
        assert (games["code"], games["message"]) == (0, "success")
        # gameID is the contract's integer; gameCode (added) the game's code.
        assert GAME in {g["gameCode"] for g in games["games"]}
        assert all(type(g["gameID"]) is int for g in games["games"])
        keys = {"gameID", "gameCode", "name", "category", "provider", "thumbnail"}
        assert set(games["games"][0]) == keys

        answer = client.user_auth("Player01", GAME)
        assert answer["code"] == 0, answer
        session = open_game(answer["url"])
        state = game_api(stack.reelhouse.url, session, "GET", "/api/game/state")
        assert state["balance"] == "100.00"  # read with flavour B's GetBalance
        result = spin(stack, session, "2.00")
        assert result["state"] == "settled"
        win = Decimal(result["win"])
        assert casino_balance(stack, "Player01") == Decimal("98.00") + win
        bet_row, win_row = ledger(stack, "Player01")  # a Withdraw, then its Deposit
        assert (bet_row["kind"], bet_row["amount"]) == ("bet", "2.00")
        assert (win_row["kind"], win_row["amount_minor"]) == ("win", int(win * 100))
        assert len(bet_row["trans_guid"]) == len(win_row["trans_guid"]) == 32
        # userAuth is create-or-get: a second sign-in is the same player, a new URL.
        assert client.user_auth("Player01", GAME)["url"] != answer["url"]


def test_flavour_b_free_games(database_url: str, tmp_path: Path) -> None:
    with flavour_b(database_url, tmp_path) as (stack, client):
        fund(stack, "Player02")
        expire = (stack.clock.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        grant = {
            "userID": "Player02",
            "gameID": GAME,
            "betlevel": 1,
            "freespincount": 5,
            "expiretime": expire,
            "freespinID": "fs-0001",
        }
        b_refused(client.post("createfreegame", grant), 5, "USER_NOT_FOUND")  # never signed in
        url = client.user_auth("Player02", GAME)["url"]
        assert client.post("createfreegame", grant)["code"] == 0
        session = open_game(url)
        offer = game_api(stack.reelhouse.url, session, "GET", "/api/game/state")["free_rounds"]
        assert offer["remaining"] == 5
        result = spin(stack, session, offer["bet"], offer["fr_id"])
        assert result["state"] == "settled"
        # A free spin's win is a Deposit with no Withdraw: the casino records only the win.
        assert [row["kind"] for row in ledger(stack, "Player02")] == ["win"]
        assert casino_balance(stack, "Player02") == Decimal("100.00") + Decimal(result["win"])

        cancel = {"userID": "Player02", "gameID": GAME, "freespinID": "fs-0001"}
        started = client.post("cancelfreegame", cancel)
        assert started["code"] == 1 and started["message"].startswith("BONUSCALL_ALREADY_ENDED")
        fresh = grant | {"freespinID": "fs-0002"}
        assert client.post("createfreegame", fresh)["code"] == 0
        assert client.post("cancelfreegame", cancel | {"freespinID": "fs-0002"})["code"] == 0
        # Cancelled free spins cancelled again: still 0, nothing changes.
        assert client.post("cancelfreegame", cancel | {"freespinID": "fs-0002"})["code"] == 0


def b_refused(envelope: dict[str, Any], code: int, name: str | None = None) -> None:
    assert envelope["code"] == code, envelope
    assert set(envelope) == {"code", "message"}, envelope
    if name is not None:
        assert envelope["message"].startswith(f"{name}: "), envelope


def test_flavour_b_auth_and_sign_refusals(database_url: str, tmp_path: Path) -> None:
    with flavour_b(database_url, tmp_path) as (stack, client), unchanged(stack):
        assert client.secret_key is not None
        anonymous = ProviderB(stack.reelhouse.url, "", OPERATOR_NAME, client.secret_key)
        anonymous.http.headers.pop("Authorization")
        forged = ProviderB(stack.reelhouse.url, "nope", OPERATOR_NAME, client.secret_key)
        wrong_key = ProviderB(stack.reelhouse.url, stack.api_token, OPERATOR_NAME, "0" * 64)
        wrong_agent = ProviderB(stack.reelhouse.url, stack.api_token, "other", client.secret_key)
        a_token, _ = stack.add_operator("flavour_a_op", dialect="igamingace-a")
        no_key = ProviderB(stack.reelhouse.url, a_token, "flavour_a_op", client.secret_key)
        walled_token, _ = stack.add_operator(
            "walledb", dialect="igamingace-b", allowed_ips="10.9.9.9"
        )
        walled = ProviderB(stack.reelhouse.url, walled_token, "walledb", client.secret_key)
        clients = (anonymous, forged, wrong_key, wrong_agent, no_key, walled)
        try:
            b_refused(anonymous.post("gameList", {}), 7, "TOKEN_NOT_FOUND")
            b_refused(forged.post("gameList", {}), 7, "TOKEN_INVALID")
            b_refused(walled.post("gameList", {}), 7, "IP_NOT_ALLOWED")
            b_refused(wrong_key.post("gameList", {}), 3)
            b_refused(wrong_key.user_auth("Player01", GAME), 3)
            b_refused(wrong_agent.post("gameList", {}), 4)  # well signed, another agent
            b_refused(no_key.post("gameList", {}), 4)  # an account that has no secret key
            b_refused(client.post("gameList", {"sign": "A" * 64}), 3)
            b_refused(client.post("gameList", {"sign": ""}), 2, "VALIDATION_ERROR")
            tampered = client.sign(
                "userAuth", {"agentID": OPERATOR_NAME, "userID": "Player01", "gameid": GAME}
            )
            b_refused(client.user_auth("Player09", GAME, sign=tampered), 3)
        finally:
            for other in clients:
                other.close()
        with no_room_in_flight(stack):
            b_refused(client.post("gameList", {}), 1, "SERVER_IS_BUSY")


def test_flavour_b_user_auth_refusals(database_url: str, tmp_path: Path) -> None:
    with flavour_b(database_url, tmp_path) as (stack, client):
        with unchanged(stack):
            b_refused(client.user_auth("abc", GAME), 2, "PARAMETERS_INVALID")  # 4-48 chars
            b_refused(client.user_auth("user_1", GAME), 2, "PARAMETERS_INVALID")  # alnum only
            b_refused(client.user_auth("Player01", "no-such-game"), 2, "GAME_NOT_FOUND")
            b_refused(client.user_auth("Player01", GAME, lang="x" * 36), 2, "VALIDATION_ERROR")
            b_refused(client.user_auth("Player01", GAME, isaffiliate="no"), 2, "VALIDATION_ERROR")
            answer = client.http.post("/userAuth", content=b"{")
            b_refused(answer.json(), 2, "VALIDATION_ERROR")
        # Known to Reelhouse now, unknown to the casino: the GetBalance at launch fails.
        b_refused(client.user_auth("Stranger01", GAME), 1, "CALLBACK_ERROR")
        pending, _ = stack.add_operator("pendingb", dialect="igamingace-b", approved=False)
        with stack.platform.db.transaction() as session:
            op = operators.find_by_name(session, "pendingb")
            key = operators.secret_key_of(stack.platform, op)
        assert key is not None
        other = ProviderB(stack.reelhouse.url, pending, "pendingb", key)
        try:
            b_refused(other.user_auth("Player01", GAME), 4, "AGENT_NOT_APPROVED")
        finally:
            other.close()


def test_flavour_b_free_game_refusals(database_url: str, tmp_path: Path) -> None:
    with flavour_b(database_url, tmp_path) as (stack, client):
        fund(stack, "Player03")
        assert client.user_auth("Player03", GAME)["code"] == 0
        expire = (stack.clock.now() + dt.timedelta(days=1)).isoformat()
        grant = {
            "userID": "Player03",
            "gameID": GAME,
            "betlevel": 2,
            "freespincount": 3,
            "expiretime": expire,
            "freespinID": "fs-9",
        }
        soon = (stack.clock.now() + dt.timedelta(minutes=5)).isoformat()
        cases = [
            ({"freespincount": 0}, 2),
            ({"freespincount": 1001}, 2),
            ({"expiretime": "next week"}, 2),
            ({"expiretime": soon}, 2),
            ({"betlevel": 1_000_000}, 2),  # above the agent's maximum bet
            ({"betlevel": 0}, 2),
            ({"gameID": "no-such-game"}, 2),
            ({"freespinID": "x" * 37}, 2),
            ({"userID": "ab"}, 2),
        ]
        for change, code in cases:
            with unchanged(stack):
                b_refused(client.post("createfreegame", grant | change), code)
        assert client.post("createfreegame", grant)["code"] == 0
        with unchanged(stack):
            b_refused(client.post("createfreegame", grant), 11, "BONUSCALL_DOUBLE")
            cancel = {"userID": "Player03", "gameID": GAME, "freespinID": "fs-404"}
            b_refused(client.post("cancelfreegame", cancel), 8, "FREEROUND_NO_EXIST")
            other_user = cancel | {"userID": "Nobody99", "freespinID": "fs-9"}
            b_refused(client.post("cancelfreegame", other_user), 5, "USER_NOT_FOUND")
            other_game = cancel | {"gameID": "dragon-hoard", "freespinID": "fs-9"}
            b_refused(client.post("cancelfreegame", other_game), 8, "FREEROUND_NO_EXIST")
