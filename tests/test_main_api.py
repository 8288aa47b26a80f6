"""Main API v4 over real HTTP: every endpoint's success path and each documented error code
that applies, each refused call changing nothing."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from reelhouse.domain.limits import MAX_IN_FLIGHT_PER_AGENT
from reelhouse.store.models import LaunchToken, Operator, Player
from tests.harness import GAME, Stack, count
from tests.scripted_wallet import ScriptedWallet


def funded_user(stack: Stack, name: str = "alice", balance: str = "100.00") -> int:
    return stack.bots().fund_player(name, "USD", balance)


def test_agent_info_and_auth_codes(stack: Stack) -> None:
    info = stack.call("/v4/agent/info", {})
    assert info["code"] == 0
    assert info["data"]["name"] == "casino_one"
    # The contract's integer code (ISO 4217 number), the text code beside it.
    assert info["data"]["currency"] == 840
    assert info["data"]["currency_code"] == "USD"
    assert info["data"]["rtp"] == info["data"]["win_ratio"]
    missing = httpx.post(f"{stack.reelhouse.url}/v4/agent/info", json={}).json()
    assert missing["code"] == 1007
    assert stack.call("/v4/agent/info", {}, token="not-a-token")["code"] == 1009


def test_agent_rtp_uses_nearest_lower_variant_and_refuses_impossible(stack: Stack) -> None:
    answer = stack.call("/v4/agent/rtp", {"rtp": 95.5})
    assert answer["code"] == 0
    assert answer["data"]["rtp"] == 94
    assert stack.call("/v4/agent/info", {})["data"]["rtp"] == 94
    refused = stack.call("/v4/agent/rtp", {"rtp": 10})
    assert refused["code"] == 1012
    assert stack.call("/v4/agent/info", {})["data"]["rtp"] == 94  # unchanged


def test_user_create_is_create_or_get(stack: Stack) -> None:
    first = stack.call("/v4/user/create", {"name": "bob_1"})["data"]
    again = stack.call("/v4/user/create", {"name": "bob_1"})["data"]
    assert first["is_new_user"] is True
    user_code = first["user_code"]
    assert again == {"user_code": user_code, "is_new_user": False, "user_code_text": str(user_code)}


@pytest.mark.parametrize("name", ["a", "x" * 51, "has space", "dash-no", "émile", ""])
def test_user_create_refuses_bad_names(stack: Stack, name: str) -> None:
    assert stack.call("/v4/user/create", {"name": name})["code"] == 1012
    assert count(stack, Player) == 0


def test_user_info_and_ownership(stack: Stack) -> None:
    user_code = funded_user(stack)
    info = stack.call("/v4/user/info", {"user_code": user_code})
    assert info["code"] == 0
    assert info["data"]["name"] == "alice"
    assert stack.call("/v4/user/info", {"user_code": 12345})["code"] == 2002
    other_token, _ = stack.add_operator("casino_two")
    assert stack.call("/v4/user/info", {"user_code": user_code}, token=other_token)["code"] == 1010


def test_catalogue_endpoints(stack: Stack) -> None:
    providers = stack.call("/v4/game/providers", {})["data"]
    assert providers == [
        {
            "provider_id": 1,
            "provider_name": "Reelhouse Originals",
            "locale_name": "Reelhouse Originals",
            "status": 1,
        }
    ]
    games = stack.call("/v4/game/games", {"provider_id": 1})["data"]
    assert GAME in {g["game_code"] for g in games}
    assert set(games[0]) == {
        "provider_id",
        "game_code",
        "game_name",
        "locale_name",
        "game_image",
        "launch_enable",
        "category",
        "reg_date",
        # Added (docs/api.md, "fields added"): the game's status and figures.
        "status",
        "metadata",
    }
    assert games[0]["game_image"].startswith(f"{stack.reelhouse.url}/img/games/")
    assert stack.call("/v4/game/all", {"lang": "en"})["data"] == games
    assert stack.call("/v4/game/games", {"provider_id": 99})["code"] == 2007


def game_url_body(user_code: int, **extra: object) -> dict[str, object]:
    return {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"} | extra


def test_game_url_success_and_codes(stack: Stack) -> None:
    user_code = funded_user(stack)
    answer = stack.call("/v4/game/game-url", game_url_body(user_code))
    assert answer["code"] == 0
    assert answer["data"]["game_url"].startswith(f"{stack.reelhouse.url}/play/")
    assert count(stack, LaunchToken) == 1
    refusals = {
        2003: game_url_body(user_code, game_symbol="no-such-game"),
        2007: game_url_body(user_code, provider_id=7),
        1012: game_url_body(user_code, rtp=99),
        2002: game_url_body(424242),
    }
    for code, body in refusals.items():
        assert stack.call("/v4/game/game-url", body)["code"] == code, body
    other_token, _ = stack.add_operator("casino_two")
    foreign = stack.call("/v4/game/game-url", game_url_body(user_code), token=other_token)
    assert foreign["code"] == 1010
    # A player the casino does not know: its authenticate fails, so 1015.
    stranger = stack.call("/v4/user/create", {"name": "stranger"})["data"]["user_code"]
    assert stack.call("/v4/game/game-url", game_url_body(stranger))["code"] == 1015
    assert count(stack, LaunchToken) == 1


def test_ip_allow_list(stack: Stack) -> None:
    fenced_token, _ = stack.add_operator("fenced", allowed_ips="10.1.2.3,192.168.0.0/16")
    assert stack.call("/v4/agent/info", {}, token=fenced_token)["code"] == 1020
    assert stack.call("/v4/user/create", {"name": "zed"}, token=fenced_token)["code"] == 1020
    assert count(stack, Player) == 0
    open_token, _ = stack.add_operator("loopback_ok", allowed_ips="127.0.0.1")
    assert stack.call("/v4/agent/info", {}, token=open_token)["code"] == 0


def test_the_51st_concurrent_call_is_refused_at_once(stack: Stack) -> None:
    with ScriptedWallet() as wallet:
        wallet.hang.add("authenticate")
        token, operator_id = stack.add_operator("slowpoke")
        with stack.platform.db.transaction() as session:
            op = session.get(Operator, operator_id)
            assert op is not None
            op.callback_url = wallet.url
        user_code = stack.call("/v4/user/create", {"name": "patient"}, token=token)["data"][
            "user_code"
        ]
        answers: list[int] = []
        threads = [
            threading.Thread(
                target=lambda: answers.append(
                    stack.call(
                        "/v4/game/game-url", game_url_body(user_code), token=token, timeout=60
                    )["code"]
                )
            )
            for _ in range(MAX_IN_FLIGHT_PER_AGENT)
        ]
        for thread in threads:
            thread.start()
        limiter = stack.reelhouse_app_state().inflight
        while limiter.in_flight(operator_id) < MAX_IN_FLIGHT_PER_AGENT:
            time.sleep(0.01)
        players_before = count(stack, Player)
        assert stack.call("/v4/user/create", {"name": "one_more"}, token=token)["code"] == 1018
        assert count(stack, Player) == players_before
        # Another agent is not affected by this one's full house.
        assert stack.call("/v4/agent/info", {})["code"] == 0
        wallet.release.set()
        for thread in threads:
            thread.join()
        assert answers == [0] * MAX_IN_FLIGHT_PER_AGENT
        assert stack.call("/v4/agent/info", {}, token=token)["code"] == 0
