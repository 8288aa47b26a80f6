"""The Main API's word on a player (docs/api.md, "The operator's word on the player"), on both
databases: `/v4/user/open-rounds` lists a round whose win the wallet has not acknowledged;
`/v4/user/terminate-session` ends the player's session at once (its spins and state reads
are refused with 3020, told in the session's language) while that round still settles
normally (its win is paid, nothing stranded); a repeat ends nothing more; an Idempotency-Key
repeat gets the first answer; another agent's or an unknown player is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from reelhouse.client.i18n import words_for
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import FakeClock
from reelhouse.services import launch, operators, players
from tests.inprocess_app import GAME, OPERATOR_B, PLAYER, App, seeded_app


@pytest.fixture
def seeded(database_url: str, tmp_path: Path) -> Iterator[tuple[App, int, str]]:
    with seeded_app(database_url, tmp_path) as found:
        yield found


def _main(app: App, path: str, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    answer: dict[str, Any] = app.post(
        path, json.dumps(body).encode(), app.api_token, headers
    ).json()
    return answer


def _spin(app: App, token: str) -> dict[str, Any]:
    answer: dict[str, Any] = app.post("/api/game/spin", b'{"bet":"1.00"}', token).json()
    return answer


def _wins_go_unanswered(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """The casino's answers to wins are lost (HTTP 404): each win stays owed and queued."""
    answer_path = app.casino.answer_path

    def no_win(path: str, headers: Mapping[str, str], body: bytes) -> bytes | None:
        return None if json.loads(body)["command"] == "win" else answer_path(path, headers, body)

    monkeypatch.setattr(app.casino, "answer_path", no_win)


def test_terminate_ends_the_session_and_the_open_round_still_settles(
    seeded: tuple[App, int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, user_code, _ = seeded
    with app.platform.db.transaction() as session:
        operator = operators.find_by_name(session, "casino_one")
    request = launch.LaunchRequest(user_code, 1, GAME, "pt", "", Decimal(0))
    url = launch.create_launch_url(app.platform, operator, request)
    token = launch.open_launch(app.platform, url.rsplit("/", 1)[1])
    start_balance = Decimal(app.casino.player(PLAYER)["balance"])

    _wins_go_unanswered(app, monkeypatch)
    played = _spin(app, token)
    assert played["code"] == 0 and played["data"]["win_credited"] is False, played
    round_id, win = played["data"]["round_id"], Decimal(played["data"]["win"])

    listed = _main(app, "/v4/user/open-rounds", {"user_code": user_code})
    assert listed["code"] == 0, listed
    (item,) = listed["data"]["rounds"]
    assert (item["round_id"], item["state"], item["waiting_for"]) == (
        str(round_id),
        "debited",
        "win",
    )
    assert listed["data"]["more"] is False

    key = {"Idempotency-Key": "end-1"}
    ended = _main(app, "/v4/user/terminate-session", {"user_code": user_code}, **key)
    assert ended["code"] == 0, ended
    assert len(ended["data"]["gplay_ids"]) == 2  # both sessions the player had open
    again = app.post(
        "/v4/user/terminate-session",
        json.dumps({"user_code": user_code}).encode(),
        app.api_token,
        key,
    )
    assert again.json() == ended and again.headers["Idempotent-Replayed"] == "true"
    assert _main(app, "/v4/user/terminate-session", {"user_code": user_code})["data"] == {
        "user_code": user_code,
        "gplay_ids": [],
    }

    # Every later spin and state read is refused, with the player's words (Portuguese).
    refused = _spin(app, token)
    assert refused["code"] == 3020
    assert refused["message"] == words_for("pt")["err_3020"]
    state = app._run(
        app.client.get("/api/game/state", headers={"Authorization": f"Bearer {token}"})
    )
    assert state.json()["code"] == 3020

    # The round in flight settles as usual: its win is paid once the wallet answers.
    monkeypatch.undo()
    clock = app.platform.clock
    assert isinstance(clock, FakeClock) and isinstance(app.platform.wallet, WalletSender)
    clock.advance(seconds=120)
    worker = Worker(app.platform.db, app.platform.wallet, clock, threads=1)
    try:
        while worker.run_once(wait=True):
            pass
    finally:
        worker.close()
    app.platform.wallet.write_pending_acks()
    assert _main(app, "/v4/user/open-rounds", {"user_code": user_code})["data"]["rounds"] == []
    assert Decimal(app.casino.player(PLAYER)["balance"]) == start_balance - Decimal("1.00") + win

    # Another agent's player, or an unknown one: refused, nothing changed.
    with app.platform.db.transaction() as session:
        other = operators.find_by_name(session, OPERATOR_B)
    theirs = players.create_or_get(app.platform, other.id, "Player02", players.IGAMINGACE_B_NAMES)
    before = app.row_counts()
    for path in ("/v4/user/terminate-session", "/v4/user/open-rounds"):
        assert _main(app, path, {"user_code": theirs.user_code})["code"] == 1010
        assert _main(app, path, {"user_code": 2**40})["code"] == 2002
    assert app.row_counts() == before
