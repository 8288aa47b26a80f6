"""Hostile input gets its documented refusal and changes nothing (docs/security.md, "Bad
input"): huge decimal exponents (which once froze the server for 41-82 s), deep nesting
(once a RecursionError, HTTP 500), duplicate keys (the last copy used to win), numbers
beyond 64 bits, huge ids in back office paths, a login token that is not ASCII, and text
that is not a number in back office forms."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.limits import MAX_JSON_DEPTH
from reelhouse.services import audit, backoffice_settings, backoffice_users
from reelhouse.services.backoffice_users import Role
from reelhouse.store.models import FreeRoundGrant, Round
from tests.inprocess_app import GAME, PLAYER, App, seeded_app

WHO = audit.Accountable("ops@example.com", "test")


@pytest.fixture
def fx(database_url: str, tmp_path: Path) -> Iterator[tuple[App, int, str]]:
    with seeded_app(database_url, tmp_path) as found:
        yield found


# Two days after the test clock's start (tests/inprocess_app.py): a valid expiry.
EXPIRES_MS = int(dt.datetime(2026, 5, 3, tzinfo=dt.UTC).timestamp() * 1000)


def grant_body(user_code: int, bet: str) -> bytes:
    return (
        b'{"user_code":%d,"provider_id":1,"game_code":"%s","bet":%s,"rounds":10,'
        % (
            user_code,
            GAME.encode(),
            bet.encode(),
        )
        + b'"expirationDate":%d}' % EXPIRES_MS
    )


def refused(app: App, path: str, body: bytes, token: str) -> dict[str, Any]:
    """Post, check nothing changed, and return the answer."""
    before = app.row_counts()
    response = app.post(path, body, token)
    assert response.status_code == 200, response.text[:200]
    assert app.row_counts() == before
    answer: dict[str, Any] = response.json()
    return answer


@pytest.mark.parametrize("bet", ["1e999990", "1E+999999999", "-1e999990", "1e41"])
def test_a_huge_exponent_is_refused_by_the_reader_at_once(
    fx: tuple[App, int, str], bet: str
) -> None:
    app, user_code, _ = fx
    answer = refused(app, "/v4/game/freeround/start", grant_body(user_code, bet), app.api_token)
    assert answer["code"] == ApiCode.VALIDATION_ERROR
    assert "exponent" in answer["message"]


def test_a_huge_exponent_is_refused_by_the_bonus_call_facade(fx: tuple[App, int, str]) -> None:
    app, _, _ = fx
    body = {
        "issueId": "b-1",
        "providerId": 1,
        "gameId": numeric_game_id(GAME),
        "playerId": PLAYER,
        "bonusType": 1,
        "callAmount": 0,
        "expireAt": "2099-01-01 00:00:00",
        "metaData": {"spinAmount": 10, "baseBetAmount": "<bet>"},
    }
    raw = json.dumps(body).replace('"<bet>"', "1e999990").encode()
    answer = refused(app, "/v1/bonus-call/register", raw, app.api_token)
    assert answer["success"] is False and answer["data"]["code"] == ApiCode.VALIDATION_ERROR


def test_long_decimal_text_is_refused_before_conversion(fx: tuple[App, int, str]) -> None:
    app, user_code, _ = fx
    answer = refused(
        app,
        "/v4/game/freeround/start",
        grant_body(user_code, '"' + "9" * 5000 + '"'),
        app.api_token,
    )
    assert answer["code"] == ApiCode.PARAMETERS_INVALID


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 60_000 // 2])
def test_deep_nesting_is_refused_not_a_crash(fx: tuple[App, int, str], depth: int) -> None:
    app, _, _ = fx
    body = b"[" * depth + b"]" * depth
    answer = refused(app, "/v4/user/info", body, app.api_token)
    assert answer["code"] == ApiCode.VALIDATION_ERROR
    assert "nested deeper" in answer["message"]


def test_nesting_up_to_the_bound_reaches_the_schema_check(fx: tuple[App, int, str]) -> None:
    app, _, _ = fx
    body = b'{"name":' + b"[" * (MAX_JSON_DEPTH - 1) + b"]" * (MAX_JSON_DEPTH - 1) + b"}"
    answer = refused(app, "/v4/user/create", body, app.api_token)
    assert answer["code"] == ApiCode.VALIDATION_ERROR
    assert "nested" not in answer["message"]


def test_a_duplicated_key_is_refused_and_nothing_is_played(fx: tuple[App, int, str]) -> None:
    app, _, session_token = fx
    answer = refused(app, "/api/game/spin", b'{"bet":"100000.00","bet":"1.00"}', session_token)
    assert answer["code"] == ApiCode.VALIDATION_ERROR
    assert "duplicate key" in answer["message"]
    with app.platform.db.transaction() as session:
        assert session.scalars(select(Round)).first() is None


@pytest.mark.parametrize("fr_id", [str(2**63), str(2**64), "-" + str(2**63 + 1), "9" * 40])
def test_an_integer_beyond_64_bits_is_refused(fx: tuple[App, int, str], fr_id: str) -> None:
    app, _, _ = fx
    body = b'{"fr_id":%s}' % fr_id.encode()
    answer = refused(app, "/v4/game/freeround/cancel", body, app.api_token)
    assert answer["code"] == ApiCode.VALIDATION_ERROR


def test_a_lone_surrogate_is_refused(fx: tuple[App, int, str]) -> None:
    app, _, _ = fx
    answer = refused(app, "/v1/player/link", b'{"playerId":"a\\ud800"}', app.api_token)
    assert answer["data"]["code"] == ApiCode.VALIDATION_ERROR


def test_a_grant_at_a_sane_bet_still_works(fx: tuple[App, int, str]) -> None:
    app, user_code, _ = fx
    response = app.post("/v4/game/freeround/start", grant_body(user_code, "1.00"), app.api_token)
    assert response.json()["code"] == 0
    with app.platform.db.transaction() as session:
        grant = session.scalars(select(FreeRoundGrant)).one()
        assert grant.bet_minor == 100


# --- back office ---------------------------------------------------------------------------

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery staple"


def signed_in(app: App, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(backoffice_users, "HASHER", CHEAP_HASHER)
    backoffice_users.create_user(app.platform, "admin@example.com", PASSWORD, Role.ADMIN, None)
    return {"rh_bo_session": backoffice_users.login(app.platform, "admin@example.com", PASSWORD)}


@pytest.mark.parametrize(
    "path",
    [
        "/backoffice/o/99999999999999999999999/",
        "/backoffice/o/1/players/99999999999999999999999",
        "/backoffice/o/1/rounds/99999999999999999999999",
        "/backoffice/o/1/players/" + "9" * 5000,
        "/backoffice/o/abc/",
    ],
)
def test_a_huge_id_in_a_back_office_path_is_404(
    fx: tuple[App, int, str], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    app, _, _ = fx
    response = app.get(path, cookies=signed_in(app, monkeypatch))
    assert response.status_code == 404
    assert "Not found" in response.text


def test_huge_numbers_in_back_office_queries_are_not_errors(
    fx: tuple[App, int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, _ = fx
    cookies = signed_in(app, monkeypatch)
    for query in (f"page={'9' * 5000}&player={'9' * 30}", "player=%C2%B2", "round=" + "9" * 25):
        response = app.get(f"/backoffice/o/1/transactions?{query}", cookies=cookies)
        assert response.status_code in (200, 400), (query, response.status_code)


def test_a_login_token_that_is_not_ascii_is_refused(fx: tuple[App, int, str]) -> None:
    app, _, _ = fx
    before = app.row_counts()
    response = app.post_form(
        "/backoffice/login",
        b"login_token=t%C3%B6k%C3%A9n&email=a%40b.c&password=x",
        {"rh_bo_login": "token"},
    )
    assert response.status_code == 403
    assert "login form expired" in response.text
    assert app.row_counts() == before


@pytest.mark.parametrize("rtp", ["NaN", "sNaN", "Infinity", "1e999999", "9" * 5000, "96 %"])
def test_an_rtp_that_is_not_plain_decimal_text_is_refused(
    fx: tuple[App, int, str], rtp: str
) -> None:
    app, _, _ = fx
    with pytest.raises(ReelhouseError) as refusal:
        backoffice_settings.set_rtp(app.platform, 1, rtp, WHO)
    assert refusal.value.code is ApiCode.PARAMETERS_INVALID
