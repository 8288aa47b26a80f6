"""The back office's operations features, at the service and API level (in-process app, fake
clock): games in maintenance, closing a game session, the callback test history, the API
error log, column headings, and each game's picture and figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from reelhouse.backoffice.labels import label
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.games import catalogue, facts
from reelhouse.services import (
    audit,
    backoffice_ops,
    backoffice_users,
    game_maintenance,
    game_metadata,
    launch,
    online,
    operators,
    ops_logs,
)
from reelhouse.services.backoffice_settings import Probe
from reelhouse.services.backoffice_users import Role
from reelhouse.store.models import ApiErrorEntry, AuditEntry, Operator
from tests.inprocess_app import GAME, OPERATOR, OPERATOR_B, App, seeded_app

WHO = audit.Accountable.checked("admin@reelhouse.example", "reel motor fault")
# argon2id still, with cheap parameters (production's cost 0.6 s a hash).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def fx(database_url: str, tmp_path: Path) -> Iterator[tuple[App, int, str]]:
    with seeded_app(database_url, tmp_path) as found:
        yield found


def operator_id(app: App, name: str = OPERATOR) -> int:
    with app.platform.db.transaction() as session:
        return operators.find_by_name(session, name).id


def call(app: App, path: str, body: dict[str, Any], token: str) -> dict[str, Any]:
    response = app.post(path, json.dumps(body).encode(), token)
    assert response.status_code == 200, response.text[:200]
    answer: dict[str, Any] = response.json()
    return answer


def spin(app: App, session_token: str) -> dict[str, Any]:
    return call(app, "/api/game/spin", {"bet": "1.00"}, session_token)


def own_games(app: App, token: str) -> dict[str, dict[str, Any]]:
    items = call(app, "/v4/game/games", {"provider_id": 1}, token)["data"]
    return {item["game_code"]: item for item in items}


def audit_actions(app: App) -> list[str]:
    with app.platform.db.transaction() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- maintenance --------------------------------------------------------------------------


def test_a_game_in_maintenance_is_listed_so_and_refuses_launch_and_spin_for_whom_it_is(
    fx: tuple[App, int, str],
) -> None:
    app, user_code, session_token = fx
    assert spin(app, session_token)["code"] == 0
    assert own_games(app, app.api_token)[GAME]["status"] == "available"
    assert game_maintenance.switch(app.platform, GAME, game_maintenance.EVERY_OPERATOR, True, WHO)
    listed = own_games(app, app.api_token)[GAME]
    assert (listed["status"], listed["launch_enable"]) == ("maintenance", False)
    assert own_games(app, app.api_token_b)[GAME]["status"] == "maintenance"
    others = [g for code, g in own_games(app, app.api_token).items() if code != GAME]
    assert all(g["status"] == "available" and g["launch_enable"] for g in others)
    before = app.row_counts()
    url_body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME}
    assert call(app, "/v4/game/game-url", url_body, app.api_token)["code"] == 1
    refused = spin(app, session_token)
    assert refused["code"] == ApiCode.UNDER_MAINTENANCE == 1
    assert app.row_counts() == before
    # Switching to the state it is in changes nothing and audits nothing.
    assert not game_maintenance.switch(
        app.platform, GAME, game_maintenance.EVERY_OPERATOR, True, WHO
    )
    assert game_maintenance.switch(app.platform, GAME, game_maintenance.EVERY_OPERATOR, False, WHO)
    assert spin(app, session_token)["code"] == 0
    assert audit_actions(app) == ["game.maintenance", "game.available"]
    # For one operator only: the others play on.
    one = operator_id(app)
    game_maintenance.switch(app.platform, GAME, one, True, WHO)
    assert own_games(app, app.api_token)[GAME]["status"] == "maintenance"
    assert own_games(app, app.api_token_b)[GAME]["status"] == "available"
    assert spin(app, session_token)["code"] == 1
    view = {g["game_code"]: g for g in backoffice_ops.catalogue_view(app.platform, one)}
    assert view[GAME]["status"] == "maintenance" and not view[GAME]["every_operator"]
    # The operator's audit log shows it, with the game named.
    entries = backoffice_ops.audit_log(app.platform, one)
    assert entries[0]["action"] == "game.maintenance"
    assert entries[0]["detail"]["game_code"] == GAME
    with pytest.raises(ReelhouseError) as refused:
        game_maintenance.switch(app.platform, "no-such-game", 0, True, WHO)
    assert refused.value.code is ApiCode.GAME_NOT_FOUND
    assert len(audit_actions(app)) == 3


# --- closing a session --------------------------------------------------------------------


def test_a_closed_session_refuses_its_token_with_3001(fx: tuple[App, int, str]) -> None:
    app, user_code, session_token = fx
    one = operator_id(app)
    assert spin(app, session_token)["code"] == 0
    open_now = backoffice_ops.open_sessions(app.platform, one, user_code)
    assert len(open_now) == 1
    session_id = open_now[0]["gplay_id"]
    # Another operator cannot name it: not found, nothing changes.
    with pytest.raises(ReelhouseError) as refused:
        launch.close_session(app.platform, operator_id(app, OPERATOR_B), session_id, WHO)
    assert refused.value.code is ApiCode.RESOURCE_NOT_FOUND
    assert audit_actions(app) == []
    assert launch.close_session(app.platform, one, session_id, WHO)
    before = app.row_counts()
    answer = spin(app, session_token)
    assert answer["code"] == ApiCode.SESSION_EXPIRED
    assert "closed" in answer["message"]
    assert app.row_counts() == before
    assert backoffice_ops.open_sessions(app.platform, one, user_code) == []
    assert online.online_games(app.platform, one) == []
    # Again: nothing to close, nothing audited.
    assert not launch.close_session(app.platform, one, session_id, WHO)
    assert audit_actions(app) == ["session.close"]


# --- callback tests and API errors --------------------------------------------------------


def probe(n: int) -> Probe:
    return Probe(f"https://wallet.example/cb{n}", n % 2 == 0, "applied", "", "1.00", n)


def test_the_callback_test_history_keeps_the_newest_and_the_api_tests(
    fx: tuple[App, int, str],
) -> None:
    app = fx[0]
    one = operator_id(app)
    for n in range(5):
        ops_logs.record_callback_test(app.platform, one, probe(n), "ops@casino.example", keep=3)
    kept = ops_logs.callback_tests(app.platform, one)
    assert [row["url"] for row in kept] == [f"https://wallet.example/cb{n}" for n in (4, 3, 2)]
    assert kept[0]["latency_ms"] == 4 and kept[0]["actor"] == "ops@casino.example"
    assert ops_logs.callback_tests(app.platform, operator_id(app, OPERATOR_B)) == []
    # The Main API's callback test is kept with them.
    assert call(app, "/v4/agent/callback-test", {}, app.api_token)["code"] == 0
    kept = ops_logs.callback_tests(app.platform, one)
    assert len(kept) == 4 and kept[0]["actor"] == ops_logs.MAIN_API_ACTOR


def error_rows(app: App) -> int:
    with app.platform.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(ApiErrorEntry)) or 0


def test_refused_main_api_calls_are_logged_and_successes_are_not(
    fx: tuple[App, int, str],
) -> None:
    app, user_code, session_token = fx
    assert call(app, "/v4/user/info", {"user_code": user_code}, app.api_token)["code"] == 0
    assert spin(app, session_token)["code"] == 0
    assert error_rows(app) == 0
    assert call(app, "/v4/user/info", {"user_code": 424242}, app.api_token)["code"] == 2002
    assert call(app, "/v4/user/info", {"user_code": "x"}, app.api_token)["code"] == 1002
    # No valid token names no operator: nothing to log it under.
    assert call(app, "/v4/user/info", {"user_code": 1}, "wrong-token")["code"] == 1009
    logged = ops_logs.api_errors(app.platform, operator_id(app))
    assert [(row["endpoint"], row["code"]) for row in logged] == [
        ("/v4/user/info", 1002),
        ("/v4/user/info", 2002),
    ]
    assert logged[0]["at"] == "2026-05-01 09:00:00"
    assert ops_logs.api_errors(app.platform, operator_id(app, OPERATOR_B)) == []


def test_the_api_error_log_is_a_bounded_ring_written_at_a_bounded_rate(
    fx: tuple[App, int, str],
) -> None:
    app = fx[0]
    one = operator_id(app)
    log = ops_logs.ApiErrorLog(app.platform, per_second=2, keep=3)
    stored = [log.record(one, "/v4/user/info", 2002, f"refusal {n}") for n in range(4)]
    assert stored == [True, True, False, False]  # two in this second
    for _ in range(3):
        app.platform.clock.advance(seconds=1)  # type: ignore[attr-defined]
        assert log.record(one, "/v4/user/info", 2002, "later")
        assert log.record(one, "/v4/user/info", 2002, "later")
    assert error_rows(app) == 3
    assert len(ops_logs.api_errors(app.platform, one)) == 3
    long = log.record(one, "/v4/" + "x" * 500, 1002, "m" * 1000)
    assert long is False  # third in the second: not stored
    app.platform.clock.advance(seconds=1)  # type: ignore[attr-defined]
    assert log.record(one, "/v4/" + "x" * 500, 1002, "m" * 1000)
    newest = ops_logs.api_errors(app.platform, one)[0]
    assert len(newest["endpoint"]) == 64 and len(newest["message"]) == 300
    # A ring whose bound was lowered is purged by bounded batches, one per write.
    wide = ops_logs.ApiErrorLog(app.platform, per_second=1000, keep=1000)
    for n in range(117):
        wide.record(one, "/v4/user/info", 2002, f"refusal {n}")
    narrow = ops_logs.ApiErrorLog(app.platform, per_second=1000, keep=10)
    narrow.record(one, "/v4/user/info", 2002, "one more")
    # 3 + 117 + 1 rows, 111 beyond the ring: one write purges one batch, no more.
    assert error_rows(app) == 121 - ops_logs.API_ERROR_PURGE_BATCH
    narrow.record(one, "/v4/user/info", 2002, "and another")
    narrow.record(one, "/v4/user/info", 2002, "and a third")
    assert error_rows(app) == 10
    # Each ring trims only its own operator's rows.
    two = operator_id(app, OPERATOR_B)
    ring = ops_logs.ApiErrorLog(app.platform, per_second=100, keep=1)
    ring.record(two, "/v4/b", 1012, "b")
    ring.record(one, "/v4/c", 1012, "c")
    assert [r["endpoint"] for r in ops_logs.api_errors(app.platform, one)] == ["/v4/c"]
    assert [r["endpoint"] for r in ops_logs.api_errors(app.platform, two)] == ["/v4/b"]


# --- headings, pictures and figures -------------------------------------------------------


def test_column_headings_are_for_people() -> None:
    assert label("user_code") == "Player"
    assert label("ggr") == "GGR"
    assert label("rtp_observed") == "Observed RTP %"
    assert label("something_new") == "Something new"


def test_every_variant_has_figures_for_its_current_math() -> None:
    """`reelhouse rtp docs --facts` was run after the last change of the games' data."""
    for info in catalogue.list_games():
        game = catalogue.get_game(info.game_code)
        assert game is not None
        for variant in game.rtp_variants:
            found = facts.variant_facts(game, variant)
            assert found is not None, f"{game.game_code} {variant}: run reelhouse rtp docs"
            assert abs(Decimal(found["rtp"]) - variant) < 1


def test_the_figures_are_the_math_sheets() -> None:
    game = catalogue.get_game(GAME)
    assert game is not None
    shown = game_metadata.metadata(game, 9600)
    assert shown["rtp_variant"] == 96
    assert (shown["rtp"], shown["hit_rate"]) == (Decimal("96.00"), Decimal("65.91"))
    # docs/games/lucky-sevens.md: the top base win is the max win, 40.4 x, 1 in 28,821.4.
    assert (shown["max_win_x"], shown["max_win_one_in"]) == (Decimal("40.4"), Decimal("28821.4"))
    assert shown["free_spins_one_in"] is None
    assert shown["features"] == ["5 lines"]
    dragon = catalogue.get_game("dragon-hoard")
    assert dragon is not None
    features = game_metadata.metadata(dragon, 9600)["features"]
    assert any(f.startswith("free spins:") for f in features)


def test_the_games_lists_carry_the_picture_and_figures(fx: tuple[App, int, str]) -> None:
    app = fx[0]
    one = operator_id(app)
    with app.platform.db.transaction() as session:
        operator = session.get(Operator, one)
        assert operator is not None
        rtp_bp = operator.rtp_bp
    item = own_games(app, app.api_token)[GAME]
    assert item["game_image"] == f"http://rh.invalid/img/games/{GAME}.svg"
    assert item["metadata"]["volatility"] == "low"
    game = catalogue.get_game(GAME)
    assert game is not None
    assert Decimal(str(item["metadata"]["rtp"])) == game_metadata.metadata(game, rtp_bp)["rtp"]
    picture = app.get(f"/img/games/{GAME}.svg")
    assert picture.status_code == 200
    assert picture.headers["content-type"].startswith("image/svg+xml")
    assert picture.content.startswith(b"<svg")
    for unknown in (
        "/img/games/nothing.svg",
        f"/img/games/{GAME}.png",
        "/img/games/..%2Fgame.json",
    ):
        assert app.get(unknown).status_code == 404


# --- who may act --------------------------------------------------------------------------


def test_only_admins_switch_maintenance_and_sessions_stay_their_operators(
    fx: tuple[App, int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An operator user, with a valid form, may not switch a game (403) nor close another
    operator's session (404): nothing changes either way."""
    app, user_code, session_token = fx
    monkeypatch.setattr(backoffice_users, "HASHER", CHEAP_HASHER)
    one, two = operator_id(app), operator_id(app, OPERATOR_B)
    email = "ops@casino-b.example"
    backoffice_users.create_user(app.platform, email, PASSWORD, Role.OPERATOR, OPERATOR_B)
    token = backoffice_users.login(app.platform, email, PASSWORD)
    identity = backoffice_users.identify(app.platform, token)
    assert identity is not None
    csrf = backoffice_users.csrf_token(app.platform, identity)
    cookies = {"rh_bo_session": token}
    form = f"csrf={csrf}&for=every&state=on".encode()
    switched = app.post_form(f"/backoffice/o/{two}/games/{GAME}/maintenance", form, cookies)
    assert switched.status_code == 403
    assert own_games(app, app.api_token_b)[GAME]["status"] == "available"
    session_id = backoffice_ops.open_sessions(app.platform, one, user_code)[0]["gplay_id"]
    closing = f"/backoffice/o/{two}/sessions/{session_id}/close"
    assert app.post_form(closing, f"csrf={csrf}".encode(), cookies).status_code == 404
    assert spin(app, session_token)["code"] == 0
    assert audit_actions(app) == []
