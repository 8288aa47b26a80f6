"""Every request body the server accepts, fuzzed: random JSON and mutations of valid bodies
(huge exponents, 5,000-digit numbers, deep nesting, duplicate keys, text that is not ASCII
or not encodable, flipped bytes) posted to every JSON route of the app: the Main API v4, both
iGamingAce facades, and the game API.

Whatever arrives: never a server error (HTTP 5xx), and a request refused for its input
leaves every table's row count as it was. The only refusals that may leave rows are the
wallet's own (docs/api.md): a bet the wallet refused or did not confirm is recorded with its
round, and `/userAuth` keeps the player it linked before the wallet refused the launch.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelhouse.dialects.igamingace_b import sign_fields
from reelhouse.domain.errors import ApiCode
from reelhouse.domain.game_ids import numeric_game_id
from tests.fuzzing import hostile_bodies
from tests.inprocess_app import GAME, OPERATOR_B, PLAYER, PLAYER_B, App, seeded_app

# Cases per database: SQLite is the thorough leg, PostgreSQL (slower per request) the check
# that the same refusals hold there; together well over a thousand inside `make test`.
CASES = {"sqlite": 1000, "postgresql": 200}

# Refusals that follow a wallet call: the call (and a bet's round) is kept as its record.
WALLET_REFUSALS = {
    ApiCode.CALLBACK_ERROR,
    ApiCode.BALANCE_NOT_ENOUGH,
    ApiCode.WALLET_UNAVAILABLE,
    ApiCode.WALLET_SHUT_OFF,
}
B_GENERAL_ERROR = 1  # flavour B's code for a wallet failure at launch (and a few others)


def json_routes(app: Any) -> list[str]:
    """Every POST route whose body the app reads as JSON, from its OpenAPI document (the
    admin API, left out of the document, needs a token the tests do not configure)."""
    paths = app.openapi()["paths"]
    return sorted(path for path, ops in paths.items() if "requestBody" in ops.get("post", {}))


def _json(body: dict[str, Any]) -> bytes:
    """JSON with Decimals written as bare numbers (`1.00`), as operators send amounts."""
    marked = json.dumps(body, default=lambda value: f"<decimal>{value}</decimal>")
    return re.sub(r'"<decimal>(.*?)</decimal>"', r"\1", marked).encode()


def _signed(secret: str, operation: str, body: dict[str, Any], fields: list[str]) -> bytes:
    """`body` with its `sign`; `fields` are the body's keys in the order the sign takes them
    (`/userAuth` signs its `gameid` under the name `gameID`)."""
    signed = dict(zip(SIGNED_AS[operation], (str(body[name]) for name in fields), strict=True))
    body["sign"] = sign_fields(secret, operation, signed)
    return json.dumps(body).encode()


SIGNED_AS = {
    "userAuth": ["agentID", "userID", "gameID"],
    "gameList": ["agentID"],
    "createfreegame": ["agentID", "userID", "gameID", "freespinID"],
    "cancelfreegame": ["agentID", "userID", "gameID", "freespinID"],
}


def valid_bodies(fx: App, user_code: int) -> dict[str, list[bytes]]:
    """At least one valid body per route (by hand where the values matter, else from the
    route's schema), so mutations reach the checks behind the JSON reader."""
    expires = fx.platform.clock.now() + dt.timedelta(days=2)
    expire_ms = int(expires.timestamp() * 1000)
    game_number = numeric_game_id(GAME)
    secret = fx.secret_key_b
    b_user = {"agentID": OPERATOR_B, "userID": PLAYER_B}
    by_hand: dict[str, list[Any]] = {
        "/v4/agent/rtp": [{"rtp": 96}, {"rtp": Decimal("96.5")}],
        "/v4/user/create": [{"name": "bob_1"}],
        "/v4/user/info": [{"user_code": user_code}],
        "/v4/game/games": [{"provider_id": 1}],
        "/v4/game/game-url": [
            {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"},
            {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "demo": True},
        ],
        "/v4/game/freeround/start": [
            {
                "user_code": user_code,
                "provider_id": 1,
                "game_code": GAME,
                "bet": Decimal("1.00"),
                "rounds": 10,
                "expirationDate": expire_ms,
            }
        ],
        "/v4/game/freeround/cancel": [{"fr_id": 1}],
        "/v4/game/round-details": [
            {"user_code": user_code, "round_id": 1, "provider_id": 1, "game_code": GAME}
        ],
        "/v4/game/transaction": [
            {"start_time": "2026-05-01 08:00:00", "end_time": "2026-05-01 09:00:00", "limit": 10}
        ],
        "/v4/game/transaction-id": [{"last_id": 0, "limit": 10}],
        "/v4/statistics/user": [
            {"start_time": "2026-05-01 08:00:00", "end_time": "2026-05-01 09:00:00", "limit": 10}
        ],
        "/v4/statistics/day": [{"start_date": "2026-05-01", "end_date": "2026-05-01"}],
        "/v4/statistics/game": [{"start_date": "2026-05-01", "end_date": "2026-05-01"}],
        "/v1/player/link": [{"playerId": PLAYER}],
        "/v1/game/launch": [
            {"playerId": PLAYER, "providerId": 1, "gameId": game_number, "language": "en"}
        ],
        "/v1/bonus-call/register": [
            {
                "issueId": "bonus-1",
                "providerId": 1,
                "gameId": game_number,
                "playerId": PLAYER,
                "bonusType": 1,
                "callAmount": 0,
                "expireAt": expires.strftime("%Y-%m-%d %H:%M:%S"),
                "metaData": {"spinAmount": 10, "baseBetAmount": Decimal("1.00")},
            }
        ],
        "/v1/bonus-call/cancel": [{"playerId": PLAYER, "issueId": "bonus-1"}],
        "/api/game/spin": [{"bet": "1.00"}, {"bet": "0.10"}],
    }
    found = {path: [_json(body) for body in bodies] for path, bodies in by_hand.items()}
    found["/userAuth"] = [
        _signed(
            secret,
            "userAuth",
            {**b_user, "isaffiliate": 0, "lang": "en", "gameid": GAME, "lobbyUrl": ""},
            ["agentID", "userID", "gameid"],
        )
    ]
    found["/gameList"] = [_signed(secret, "gameList", {"agentID": OPERATOR_B}, ["agentID"])]
    free = {**b_user, "gameID": GAME, "freespinID": "fs-1"}
    found["/createfreegame"] = [
        _signed(
            secret,
            "createfreegame",
            {**free, "betlevel": 1, "freespincount": 5, "expiretime": expires.isoformat()},
            ["agentID", "userID", "gameID", "freespinID"],
        )
    ]
    found["/cancelfreegame"] = [
        _signed(secret, "cancelfreegame", dict(free), ["agentID", "userID", "gameID", "freespinID"])
    ]
    for path in json_routes(fx.app):
        found.setdefault(path, [b"{}"])
    return found


def refused_for_input(path: str, answer: Any) -> bool | None:
    """True if the request was refused for what it sent, False if it was accepted, None if
    it was refused after a wallet call (rows may be kept, see the module doc)."""
    if not isinstance(answer, dict):
        return True
    if path.startswith("/v1/"):
        if answer.get("success") is True:
            return False
        code = (answer.get("data") or {}).get("code")
        return None if code in WALLET_REFUSALS else True
    code = answer.get("code")
    if code == 0:
        return False
    if path == "/userAuth" and code == B_GENERAL_ERROR:
        return None
    return None if code in WALLET_REFUSALS else True


@pytest.fixture
def fx(database_url: str, tmp_path: Path) -> Iterator[tuple[App, int, str]]:
    with seeded_app(database_url, tmp_path) as found:
        yield found


def test_every_json_route_is_fuzzed(fx: tuple[App, int, str]) -> None:
    """The route list comes from the app: a new JSON route is fuzzed without being named."""
    app, user_code, _ = fx
    routes = json_routes(app.app)
    assert {"/v4/game/freeround/start", "/v1/bonus-call/register", "/userAuth"} <= set(routes)
    assert {"/api/game/spin"} <= set(routes)
    assert set(valid_bodies(app, user_code)) >= set(routes)


def test_no_body_gives_a_server_error_or_leaves_rows_behind(
    fx: tuple[App, int, str], database_url: str
) -> None:
    app, user_code, session_token = fx
    bodies = valid_bodies(app, user_code)
    routes = sorted(bodies)
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"

    def token_for(path: str) -> str:
        if path == "/api/game/spin":
            return session_token
        if path in ("/userAuth", "/gameList", "/createfreegame", "/cancelfreegame"):
            return app.api_token_b
        return app.api_token

    @settings(
        max_examples=CASES[backend],
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(route=st.sampled_from(routes), data=st.data())
    def check(route: str, data: st.DataObject) -> None:
        body = data.draw(hostile_bodies(bodies[route]))
        path = route
        before = app.row_counts()
        response = app.post(path, body, token_for(path))
        assert response.status_code < 500, (path, body[:300], response.text[:300])
        try:
            answer = response.json()
        except ValueError:
            answer = None
        refused = refused_for_input(route, answer)
        if refused:
            assert app.row_counts() == before, (path, body[:300], answer)

    check()
