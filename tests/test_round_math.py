"""Rounds and the game math: the variant the RTP selects is recorded on the round, stored
rounds replay bit for bit (and a changed math version is reported, never hidden), and demo
play uses exactly the same engine and draws without a single wallet call."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from reelhouse.cli import app as cli_app
from reelhouse.games import catalogue
from reelhouse.games.rng import RNG_VERSION, SeededRng
from reelhouse.services.replay import replay_round
from reelhouse.store.models import Round, WalletCall
from tests.harness import GAME, Stack


def launch(stack: Stack, name: str, **extra: object) -> str:
    user_code = stack.bots().fund_player(name, "USD", "100.00")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
    answer = stack.call("/v4/game/game-url", body | extra)
    assert answer["code"] == 0, answer
    return stack.bots().session_from_url(answer["data"]["game_url"])


def spin_ok(stack: Stack, session_token: str, bet: str = "1.00") -> dict[str, object]:
    envelope = stack.bots().spin(session_token, bet)
    assert envelope["code"] == 0, envelope
    data: dict[str, object] = envelope["data"]
    return data


def stored_round(stack: Stack, round_id: object) -> Round:
    with stack.platform.db.transaction() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        return round_


def test_the_selected_variant_is_recorded_on_each_round(stack: Stack) -> None:
    assert stack.call("/v4/agent/rtp", {"rtp": 95.5})["data"]["rtp"] == 94
    agent_default = spin_ok(stack, launch(stack, "defaulted"))
    per_launch = spin_ok(stack, launch(stack, "chooser", rtp=92.7))
    assert stored_round(stack, agent_default["round_id"]).rtp_variant == 94
    chosen = stored_round(stack, per_launch["round_id"])
    assert chosen.rtp_variant == 92
    game = catalogue.get_game(GAME)
    assert game is not None
    assert chosen.math_hash == catalogue.math_hash(game, 92)
    assert chosen.rng_version == RNG_VERSION


def test_stored_rounds_replay_bit_for_bit(stack: Stack) -> None:
    session_token = launch(stack, "replayer")
    round_ids = [spin_ok(stack, session_token, "0.50")["round_id"] for _ in range(25)]
    for round_id in round_ids:
        result = replay_round(stack.platform, int(str(round_id)))
        assert (result.verified, result.reason) == (True, "ok")


def test_replay_reports_changed_math_and_a_tampered_outcome(stack: Stack) -> None:
    session_token = launch(stack, "auditor")
    first, second = (int(str(spin_ok(stack, session_token)["round_id"])) for _ in range(2))
    with stack.platform.db.transaction() as session:
        changed = session.get(Round, first)
        assert changed is not None
        changed.math_hash = "0" * 64  # as if the game file changed since the round
        tampered = session.get(Round, second)
        assert tampered is not None
        tampered.outcome_json = tampered.outcome_json.replace('"win_minor":', '"win_minor":1', 1)
    changed_result = replay_round(stack.platform, first)
    assert not changed_result.verified
    assert changed_result.reason.startswith("math changed")
    tampered_result = replay_round(stack.platform, second)
    assert (tampered_result.verified, tampered_result.reason) == (False, "outcome differs")


def test_round_replay_command(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    round_id = spin_ok(stack, launch(stack, "cli_user"))["round_id"]
    monkeypatch.setenv("REELHOUSE_DATABASE_URL", stack.platform.settings.database_url)
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", stack.platform.settings.secret_key)
    result = CliRunner().invoke(cli_app, ["round", "replay", str(round_id)])
    assert result.exit_code == 0, result.output
    assert f"round {round_id}: VERIFIED (ok)" in result.output
    missing = CliRunner().invoke(cli_app, ["round", "replay", "12345"])
    assert missing.exit_code == 2


def test_demo_play_uses_the_same_math_and_never_calls_the_wallet(stack: Stack) -> None:
    stack.platform.game_rng = lambda: SeededRng(2026)
    real = spin_ok(stack, launch(stack, "real_player"))
    with stack.platform.db.transaction() as session:
        calls_before = session.scalar(select(func.count()).select_from(WalletCall))
    ledger_before = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    # An unapproved operator may still offer demo play.
    token, operator_id = stack.add_operator("newcomer", approved=False)
    user = stack.call("/v4/user/create", {"name": "fun_player"}, token=token)["data"]
    body = {"user_code": user["user_code"], "provider_id": 1, "game_symbol": GAME, "lang": "en"}
    assert stack.call("/v4/game/game-url", body, token=token)["code"] == 3004
    url = stack.call("/v4/game/game-url", body | {"demo": True}, token=token)["data"]["game_url"]
    demo_session = stack.bots().session_from_url(url)
    demo = spin_ok(stack, demo_session)
    assert demo["outcome"] == real["outcome"]  # same draws -> same outcome, demo or not
    assert Decimal(str(demo["balance"])) == Decimal("999.00") + Decimal(str(demo["win"]))
    demo_round = stored_round(stack, demo["round_id"])
    assert (demo_round.demo, demo_round.state) == (True, "settled")
    assert demo_round.operator_id == operator_id
    with stack.platform.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(WalletCall)) == calls_before
    assert httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"] == ledger_before
    assert stack.bots().spin(demo_session, "5000.00")["code"] == 1012  # above the max bet
