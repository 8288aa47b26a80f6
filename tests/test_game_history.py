"""The game client's history (GET /api/game/history, services/game_history.py): the session's
player's own rounds of the session's game, newest first, each with the outcome its spin
answered, a round the casino did not take without one, and a bounded `limit`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reelhouse.domain.errors import ApiCode
from reelhouse.services import launch, operators, players
from reelhouse.services.round_details import page_url
from tests.conftest import fresh_database
from tests.inprocess_app import GAME, OPERATOR, App, inprocess_app

STEP_MINOR = 5  # lucky-sevens' bet step: every bet is a multiple of it


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    with inprocess_app(fresh_database(request, "sqlite", tmp_path), tmp_path) as running:
        yield running


def _session(app: App, player: str, balance: str) -> str:
    app.casino.create_player(player, "USD", balance)
    with app.platform.db.transaction() as session:
        operator = operators.find_by_name(session, OPERATOR)
    user_code = players.create_or_get(app.platform, operator.id, player).user_code
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME}
    answer = app.post("/v4/game/game-url", json.dumps(body).encode(), app.api_token).json()
    assert answer["code"] == 0, answer
    return launch.open_launch(app.platform, answer["data"]["game_url"].rsplit("/", 1)[1])


def _spin(app: App, token: str, bet: str) -> dict[str, Any]:
    answer: dict[str, Any] = app.post(
        "/api/game/spin", json.dumps({"bet": bet}).encode(), token
    ).json()
    return answer


def _history(app: App, token: str, query: str = "") -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    raw = app._run(app.client.get(f"/api/game/history{query}", headers=headers))
    found: dict[str, Any] = raw.json()
    return found


def test_the_history_lists_the_players_own_rounds_as_they_were_played(app: App) -> None:
    token = _session(app, "ruth", "0.30")
    other = _session(app, "sam", "100.00")
    played = _spin(app, token, "0.10")["data"]
    assert _spin(app, other, "0.10")["code"] == 0  # another player's: never listed
    # A bet above what is left (whatever the first round won): the casino refuses it.
    left_minor = int(Decimal(played["balance"]) * 100)
    too_much = f"{Decimal(left_minor // STEP_MINOR * STEP_MINOR + STEP_MINOR) / 100:.2f}"
    assert _spin(app, token, too_much)["code"] == ApiCode.BALANCE_NOT_ENOUGH

    answer = _history(app, token)
    assert answer["code"] == 0, answer
    refused, shown = answer["data"]["rounds"]
    assert answer["data"]["currency"] == "USD"
    # The refused round: listed, shown as not played, with no outcome and no win.
    assert refused["shown"] is False and refused["outcome"] is None
    assert refused["win"] == "0.00" and refused["bet"] == too_much
    # The played one: the very outcome its spin answered, and its round-details link.
    assert shown["round_id"] == played["round_id"]
    assert shown["outcome"] == played["outcome"]
    assert (shown["bet"], shown["win"]) == (played["bet"], played["win"])
    assert shown["celebrate"] == played["celebrate"]
    assert shown["details_url"] == page_url(app.platform, played["round_id"])

    assert [r["round_id"] for r in _history(app, token, "?limit=1")["data"]["rounds"]] == [
        refused["round_id"]
    ]
    for bad in ("0", "51"):
        assert _history(app, token, f"?limit={bad}")["code"] == ApiCode.PARAMETERS_INVALID
    assert _history(app, token, "?limit=ten")["code"] == ApiCode.VALIDATION_ERROR
    assert _history(app, "not-a-session")["code"] == ApiCode.SESSION_EXPIRED
