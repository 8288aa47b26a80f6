"""The edges of the API (hardening item 13): a per-operator request rate, X-Forwarded-For
believed only from configured proxies, /metrics behind a token, `Cache-Control: no-store` on
answers that carry balances, and 405 with `Allow`."""

from __future__ import annotations

import ipaddress

import httpx
import pytest

from reelhouse.api.edges import forwarded_client
from reelhouse.api.ratelimit import OperatorRateLimiter
from reelhouse.services.settings import load_settings, parse_networks
from reelhouse.store.models import Player
from reelhouse.store.secrets import new_key_text
from tests.harness import GAME, Stack, count

METRICS_TOKEN = "m" * 32


def test_an_operator_past_its_rate_gets_1018_and_nothing_changes(stack: Stack) -> None:
    now = [1000.0]
    stack.app.state.rate = OperatorRateLimiter(per_second=2, burst=3, now=lambda: now[0])
    for n in range(3):
        assert stack.call("/v4/user/create", {"name": f"player_{n}"})["code"] == 0
    players = count(stack, Player)
    refused = stack.call("/v4/user/create", {"name": "one_too_many"})
    assert refused["code"] == 1018 and "per second" in refused["message"]
    assert count(stack, Player) == players
    other_token, _ = stack.add_operator("casino_two")
    assert stack.call("/v4/agent/info", {}, token=other_token)["code"] == 0  # its own rate
    now[0] += 0.5  # one token back at 2 per second
    assert stack.call("/v4/user/create", {"name": "one_too_many"})["code"] == 0
    assert stack.call("/v4/agent/info", {})["code"] == 1018
    # The default rate is generous and configurable.
    rate = {"REELHOUSE_API_RATE_PER_SECOND": "5", "REELHOUSE_API_RATE_BURST": "9"}
    settings = load_settings(rate | {"REELHOUSE_SECRET_KEY": new_key_text()})
    assert (settings.api_rate_per_second, settings.api_rate_burst) == (5.0, 9)


def test_a_forwarded_for_header_does_not_pass_the_allow_list(sqlite_stack: Stack) -> None:
    """The client is on loopback; the operator allows only 203.0.113.7. Sending that address
    in X-Forwarded-For used to pass (uvicorn believes loopback peers); now it is 1020."""
    stack = sqlite_stack
    token, _ = stack.add_operator("walled", allowed_ips="203.0.113.7")
    forged = {"X-Forwarded-For": "203.0.113.7", "Forwarded": "for=203.0.113.7"}
    answer = stack.call("/v4/user/create", {"name": "sneaky"}, token=token, headers=forged)
    assert answer["code"] == 1020 and "127.0.0.1" in answer["message"]
    assert count(stack, Player) == 0


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    proxies = parse_networks("10.0.0.0/8, 192.0.2.1")
    assert forwarded_client("127.0.0.1", ["203.0.113.7"], proxies) == "127.0.0.1"
    assert forwarded_client("192.0.2.1", ["203.0.113.7"], proxies) == "203.0.113.7"
    # The right-most address no trusted proxy owns: what the client wrote first is ignored.
    chain = ["198.51.100.1, 203.0.113.7", "10.1.2.3"]
    assert forwarded_client("10.9.9.9", chain, proxies) == "203.0.113.7"
    assert forwarded_client("10.9.9.9", ["not-an-ip"], proxies) == "10.9.9.9"
    assert forwarded_client("192.0.2.1", [], ()) == "192.0.2.1"
    assert parse_networks("") == ()
    assert ipaddress.ip_address("10.200.0.1") in proxies[0]
    with pytest.raises(ValueError, match="not an address or network"):
        parse_networks("10.0.0.0/8, proxy.example")


def test_metrics_cache_control_and_allow(
    sqlite_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack, base = sqlite_stack, sqlite_stack.reelhouse.url
    # /metrics: absent until a token is configured, then only with that token.
    monkeypatch.delenv("REELHOUSE_METRICS_TOKEN", raising=False)
    assert httpx.get(f"{base}/metrics").status_code == 404
    monkeypatch.setenv("REELHOUSE_METRICS_TOKEN", METRICS_TOKEN)
    assert httpx.get(f"{base}/metrics").status_code == 401
    wrong = {"Authorization": "Bearer " + "x" * 32}
    assert httpx.get(f"{base}/metrics", headers=wrong).status_code == 401
    right = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert httpx.get(f"{base}/metrics", headers=right).status_code == 200

    # Every JSON answer (balances, tokens, refusals) is no-store; hashed static files are not.
    user_code = stack.bots().fund_player("alice", "USD", "100.00")
    auth = {"Authorization": f"Bearer {stack.api_token}"}
    launch = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
    url = httpx.post(f"{base}/v4/game/game-url", json=launch, headers=auth).json()["data"]
    session = httpx.get(url["game_url"], follow_redirects=True).url.path.rsplit("/", 1)[1]
    answers = [
        httpx.post(f"{base}/v4/user/info", json={"user_code": user_code}, headers=auth),
        httpx.post(f"{base}/v4/agent/info", json={}, headers={"Authorization": "Bearer no"}),
        httpx.get(f"{base}/api/game/state", headers={"Authorization": f"Bearer {session}"}),
        httpx.get(f"{base}/v1/provider/list", headers=auth),
    ]
    for answer in answers:
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert "balance" in answers[0].json()["data"] and "balance" in answers[2].json()["data"]
    asset = httpx.get(f"{base}/backoffice/static/backoffice.css")
    assert asset.headers["cache-control"] == "max-age=3600"

    # A known path with the wrong method: 405 and the methods it takes.
    for method, path, allowed in (
        ("GET", "/v4/agent/info", "POST"),
        ("PUT", "/api/game/spin", "POST"),
        ("POST", "/metrics", "GET"),
        ("POST", "/play/some-token", "GET"),
    ):
        answer = httpx.request(method, f"{base}{path}", headers=right)
        assert answer.status_code == 405, (method, path)
        assert answer.headers["allow"] == allowed
        assert answer.json()["code"] == 1002
