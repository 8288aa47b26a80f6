"""Idempotency-Key: the rules (services/idempotency.py, api/idempotency.py `Once`) on the
database, and one end-to-end run of concurrent identical requests over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Response
from fastapi.responses import JSONResponse
from sqlalchemy import func, select

from reelhouse.api.idempotency import Once
from reelhouse.dialects.igamingace_b import sign_fields
from reelhouse.domain.clock import FakeClock, unix_ms
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.services import idempotency, operators
from reelhouse.services.idempotency import Answer, Claim, Scope
from reelhouse.services.platform import Platform
from reelhouse.store.models import FreeRoundGrant, IdempotencyKey, LaunchToken, Player
from tests.harness import GAME, running_stack
from tests.inprocess_app import OPERATOR_B, PLAYER, PLAYER_B, App, seeded_app
from tests.provider_rig import provider_platform

ROUTE = "/v4/user/create"
# Rules with no concurrency in them: one database is enough.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
BODY = b'{"name":"bob_1"}'
ANSWER = Answer(200, b'{"code":0,"message":null,"data":{"user_code":1}}')


@pytest.fixture
def platform(database_url: str) -> Iterator[Platform]:
    with provider_platform(database_url) as built:
        yield built


@pytest.fixture
def operator_id(platform: Platform) -> int:
    spec = operators.NewOperator("casino_one", "USD", "http://wallet.invalid/cb")
    return operators.create_operator(platform, spec).operator_id


def scope(operator_id: int, key: str = "k-1", body: bytes = BODY, route: str = ROUTE) -> Scope:
    return Scope(operator_id, route, key, idempotency.fingerprint_of(body))


def key_rows(platform: Platform) -> int:
    with platform.db.transaction(read_only=True) as session:
        return int(session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0)


def claimed(platform: Platform, at: Scope) -> int:
    found = idempotency.claim(platform, at)
    assert found.claim_id is not None, found
    return found.claim_id


def test_an_identical_repeat_gets_the_first_answer(platform: Platform, operator_id: int) -> None:
    first = claimed(platform, scope(operator_id))
    # While the first runs, a repeat finds it running (the API layer then waits).
    assert idempotency.claim(platform, scope(operator_id)).running_elsewhere
    idempotency.finish(platform, first, ANSWER)
    assert idempotency.claim(platform, scope(operator_id)) == Claim(answer=ANSWER)


@SQLITE_ONLY
def test_a_key_is_scoped_to_its_operator_and_route(platform: Platform, operator_id: int) -> None:
    spec = operators.NewOperator("casino_two", "USD", "http://wallet.invalid/cb")
    other = operators.create_operator(platform, spec).operator_id
    claimed(platform, scope(operator_id))
    claimed(platform, scope(other))
    claimed(platform, scope(operator_id, route="/v4/game/game-url"))
    assert key_rows(platform) == 3


def test_a_repeat_with_another_body_is_refused(platform: Platform, operator_id: int) -> None:
    first = claimed(platform, scope(operator_id))
    other = scope(operator_id, body=b'{"name":"bob_2"}')
    for _ in ("running", "done"):
        with pytest.raises(ReelhouseError) as refused:
            idempotency.claim(platform, other)
        assert refused.value.code is ApiCode.IDEMPOTENCY_KEY_REUSED
        idempotency.finish(platform, first, ANSWER)
    assert idempotency.claim(platform, scope(operator_id)) == Claim(answer=ANSWER)


@pytest.mark.parametrize("key", ["", " ", "a b", "x" * 256, "ключ", "a\tb", "a\x00"])
def test_a_malformed_key_is_refused(key: str) -> None:
    with pytest.raises(ReelhouseError) as refused:
        idempotency.checked_key(key)
    assert refused.value.code is ApiCode.VALIDATION_ERROR


def test_a_key_of_255_visible_characters_is_accepted() -> None:
    assert idempotency.checked_key("~" * 255) == "~" * 255


def test_an_expired_key_is_new_and_old_rows_are_purged_in_bounded_batches(
    platform: Platform, operator_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "PURGE_BATCH_ROWS", 2)
    first = claimed(platform, scope(operator_id))
    idempotency.finish(platform, first, ANSWER)
    for n in range(3):
        claimed(platform, scope(operator_id, key=f"old-{n}"))
    clock = platform.clock
    assert isinstance(clock, FakeClock)
    clock.advance(hours=23, minutes=59)
    assert idempotency.claim(platform, scope(operator_id)) == Claim(answer=ANSWER)
    clock.advance(minutes=1)
    # 24 hours on: the key runs afresh, with any body; the claim purged two expired rows.
    renewed = claimed(platform, scope(operator_id, body=b'{"name":"bob_2"}'))
    assert renewed != first
    assert key_rows(platform) == 4 - 1 - 2 + 1


@SQLITE_ONLY
def test_a_released_key_runs_again(platform: Platform, operator_id: int) -> None:
    first = claimed(platform, scope(operator_id))
    idempotency.release(platform, first)
    assert claimed(platform, scope(operator_id)) != first


def _json_refusal(exc: ReelhouseError) -> Response:
    return JSONResponse({"code": int(exc.code), "message": exc.message})


def _once(platform: Platform, operator_id: int) -> Once:
    return Once(platform, _json_refusal, idempotency.claim(platform, scope(operator_id)))


def _refuse(code: ApiCode) -> Any:
    raise ReelhouseError(code, "no")


@SQLITE_ONLY
def test_a_refusal_is_kept_but_one_a_retry_may_cure_releases_the_key(
    platform: Platform, operator_id: int
) -> None:
    once = _once(platform, operator_id)
    with pytest.raises(ReelhouseError):
        once.run(lambda: _refuse(ApiCode.SERVER_IS_BUSY))
    assert not once.answered  # so the dependency releases the key as the request ends
    assert once.claim_id is not None
    idempotency.release(platform, once.claim_id)
    refused = _once(platform, operator_id).run(lambda: _refuse(ApiCode.USER_NOT_FOUND))
    calls: list[int] = []
    replayed = _once(platform, operator_id).run(lambda: calls.append(1))
    assert (replayed.status_code, replayed.body) == (200, refused.body)
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert calls == []  # the call did not run again


# --- over real HTTP ---------------------------------------------------------------------------

REPEATS = 6


def _all_at_once(url: str, body: dict[str, Any], headers: dict[str, str]) -> list[bytes]:
    """`REPEATS` threads post the same body with the same key at once; each retries while
    told the first is still running (3008), as a client would. Their final answers."""
    start = threading.Barrier(REPEATS)
    answers: list[bytes] = []

    def post() -> None:
        start.wait()
        while True:
            answer = httpx.post(url, json=body, headers=headers, timeout=60)
            if answer.json()["code"] != ApiCode.IDEMPOTENCY_KEY_IN_USE:
                answers.append(answer.content)
                return

    threads = [threading.Thread(target=post) for _ in range(REPEATS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_concurrent_identical_requests_run_once(database_url: str, tmp_path: Path) -> None:
    with running_stack(database_url, tmp_path) as stack:
        httpx.post(
            f"{stack.casino.url}/api/players",
            json={"account": "bob_1", "currency": "USD", "balance": "10.00"},
        )
        headers = {"Authorization": f"Bearer {stack.api_token}", "Idempotency-Key": "signup-1"}
        created = _all_at_once(f"{stack.reelhouse.url}/v4/user/create", {"name": "bob_1"}, headers)
        assert len(set(created)) == 1 and len(created) == REPEATS
        data = httpx.Response(200, content=created[0]).json()["data"]
        assert data["is_new_user"] is True  # every answer is the first one's
        launch = {"user_code": data["user_code"], "provider_id": 1, "game_symbol": GAME}
        headers["Idempotency-Key"] = "launch-1"
        urls = _all_at_once(f"{stack.reelhouse.url}/v4/game/game-url", launch, headers)
        assert len(set(urls)) == 1 and len(urls) == REPEATS
        assert httpx.Response(200, content=urls[0]).json()["code"] == 0
        with stack.platform.db.transaction(read_only=True) as session:
            assert session.scalar(select(func.count()).select_from(Player)) == 1
            assert session.scalar(select(func.count()).select_from(LaunchToken)) == 1


# --- each API's own envelope (in-process) ----------------------------------------------------


def _grants(app: App) -> int:
    with app.platform.db.transaction(read_only=True) as session:
        return int(session.scalar(select(func.count()).select_from(FreeRoundGrant)) or 0)


@SQLITE_ONLY
def test_each_api_replays_and_refuses_in_its_own_envelope(
    database_url: str, tmp_path: Path
) -> None:
    with seeded_app(database_url, tmp_path) as (app, user_code, _session):
        expires = app.platform.clock.now() + dt.timedelta(days=2)
        # Flavour A: a repeat registers nothing more; another body under the key is refused.
        bonus = {
            "issueId": "bonus-1",
            "providerId": 1,
            "gameId": numeric_game_id(GAME),
            "playerId": PLAYER,
            "bonusType": 1,
            "callAmount": 0,
            "expireAt": expires.strftime("%Y-%m-%d %H:%M:%S"),
            "metaData": {"spinAmount": 10, "baseBetAmount": "1.00"},
        }
        key = {"Idempotency-Key": "bonus-1"}
        first = app.post("/v1/bonus-call/register", json.dumps(bonus).encode(), app.api_token, key)
        again = app.post("/v1/bonus-call/register", json.dumps(bonus).encode(), app.api_token, key)
        assert first.json()["success"] is True
        assert (again.content, again.headers["Idempotent-Replayed"]) == (first.content, "true")
        other = json.dumps({**bonus, "issueId": "bonus-2"}).encode()
        conflict = app.post("/v1/bonus-call/register", other, app.api_token, key).json()
        assert (conflict["message"], conflict["data"]["code"]) == ("IDEMPOTENCY_KEY_REUSED", 3007)
        # Flavour B: the conflict is its 11 (duplicate transaction).
        fields = {"agentID": OPERATOR_B, "userID": PLAYER_B, "gameID": GAME, "freespinID": "fs-1"}
        signed = {**fields, "sign": sign_fields(app.secret_key_b, "createfreegame", fields)}
        grant = {**signed, "betlevel": 1, "freespincount": 5, "expiretime": expires.isoformat()}
        first = app.post("/createfreegame", json.dumps(grant).encode(), app.api_token_b, key)
        assert first.json()["code"] == 0
        changed = json.dumps({**grant, "freespincount": 6}).encode()
        conflict = app.post("/createfreegame", changed, app.api_token_b, key).json()
        assert conflict["code"] == 11 and conflict["message"].startswith("IDEMPOTENCY_KEY_REUSED")
        # v4: a malformed key is refused (1002) and changes nothing; a repeat grants once.
        start = {
            "user_code": user_code,
            "provider_id": 1,
            "game_code": GAME,
            "bet": "1.00",
            "rounds": 10,
            "expirationDate": unix_ms(expires),
        }
        body = json.dumps(start).encode()
        rows = app.row_counts()
        bad = {"Idempotency-Key": "two words"}
        assert app.post("/v4/game/freeround/start", body, app.api_token, bad).json()["code"] == 1002
        assert app.row_counts() == rows
        first = app.post("/v4/game/freeround/start", body, app.api_token, key)
        again = app.post("/v4/game/freeround/start", body, app.api_token, key)
        assert first.json()["code"] == 0 and again.content == first.content
        assert _grants(app) == 3  # one per API
        # The OpenAPI document declares the header on exactly these operations, and no
        # HTTP 422 answer on any (refusals are HTTP 200 with the API's code).
        paths = app.app.openapi()["paths"]
        declared = {
            path
            for path, operations in paths.items()
            for operation in operations.values()
            if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
        }
        assert declared == KEYED_ROUTES
        assert not any("422" in paths[path]["post"]["responses"] for path in declared)


KEYED_ROUTES = {
    "/v4/user/create",
    "/v4/game/game-url",
    "/v4/game/freeround/start",
    "/v4/game/freeround/cancel",
    "/v4/user/terminate-session",
    "/v1/player/link",
    "/v1/game/launch",
    "/v1/bonus-call/register",
    "/v1/bonus-call/cancel",
    "/userAuth",
    "/createfreegame",
    "/cancelfreegame",
}
