"""The games with the newer mechanics through the game API on both databases: a cascade
round of Crystal Cascade and a round of Starfall Lanes (expanding wilds) are played, stored,
shown to the client and on the round's page with their mechanic's data, and replay from their
stored draws."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reelhouse.services import launch, operators, players, round_details
from reelhouse.services.replay import replay_round
from tests.inprocess_app import OPERATOR, PLAYER, App, inprocess_app


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    with inprocess_app(database_url, tmp_path) as found:
        found.casino.create_player(PLAYER, "USD", "1000.00")
        yield found


def session_token(app: App, game_code: str) -> str:
    with app.platform.db.transaction() as session:
        operator = operators.find_by_name(session, OPERATOR)
    user_code = players.create_or_get(app.platform, operator.id, PLAYER).user_code
    request = launch.LaunchRequest(user_code, 1, game_code, "en", "", Decimal(0))
    url = launch.create_launch_url(app.platform, operator, request)
    return launch.open_launch(app.platform, url.rsplit("/", 1)[1])


@pytest.mark.parametrize(
    ("game_code", "mechanic"), [("crystal-cascade", "cascades"), ("starfall-lanes", "landed")]
)
def test_a_round_of_each_mechanic_game_is_played_stored_and_replayed(
    app: App, game_code: str, mechanic: str
) -> None:
    token = session_token(app, game_code)
    seen: dict[str, Any] = {}
    # Rounds until one shows the mechanic: a cluster round always has its cascade; an
    # expanding wild lands in some rounds only (bounded: a few in a hundred rounds).
    for _ in range(200):
        answer = app.post("/api/game/spin", b'{"bet":"0.20"}', token).json()
        assert answer["code"] == 0, answer
        spin = answer["data"]["outcome"]["base"]
        if mechanic in spin:
            seen = answer["data"]
            break
    assert seen, f"no round of {game_code} showed {mechanic}"
    assert seen["outcome"]["game_code"] == game_code
    result = replay_round(app.platform, int(seen["round_id"]))
    assert result.verified, result.reason
    # The round's page shows every grid of a cascade, each with its clusters.
    view = round_details.round_view(app.platform, int(seen["round_id"]))
    assert view is not None
    steps = seen["outcome"]["base"].get("cascades", [seen["outcome"]["base"]])
    assert len(view.spins) == len(steps) + len(seen["outcome"]["free_spins"])
