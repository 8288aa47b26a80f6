"""Rounds replay bit for bit from their draws; changed math is detected, not papered over.

Also: an outcome is a function of (draws, math, bet) only, so the same draws give
the same outcome whatever the player's balance, history or the operator's results.
"""

from __future__ import annotations

import inspect
import json
import shutil
from pathlib import Path

import pytest

from reelhouse.games import catalogue
from reelhouse.games.catalogue import DATA_ROOT, Catalogue
from reelhouse.games.engine import play
from reelhouse.games.model import Game
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.replay import replay
from reelhouse.games.rng import RecordingRng, ReplayRng, SecretsRng, SeededRng


def all_games() -> list[Game]:
    games = [catalogue.get_game(info.game_code) for info in catalogue.list_games()]
    return [g for g in games if g is not None]


def rounds(game: Game, variant: int, count: int, seed: int) -> list[SpinOutcome]:
    source = SeededRng(seed)
    return [play(game, variant, 10 * game.bet_step_minor, source) for _ in range(count)]


@pytest.mark.parametrize("game", all_games(), ids=lambda g: g.game_code)
def test_replay_reproduces_rounds_bit_for_bit(game: Game) -> None:
    for variant in game.rtp_variants:
        for outcome in rounds(game, variant, 60, seed=variant):
            stored = json.loads(json.dumps(outcome.to_json()))  # as a database would keep it
            assert SpinOutcome.from_json(stored) == outcome
            result = replay(
                game.game_code,
                variant,
                catalogue.math_hash(game, variant),
                outcome.bet_minor,
                outcome.draws,
                stored,
            )
            assert result.verified, result.reason
            assert result.reason == "ok"
            assert result.outcome == outcome


def test_real_rounds_record_their_draws() -> None:
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    recorder = RecordingRng(SecretsRng())
    outcome = play(game, 96, 500, recorder)
    assert outcome.draws == recorder.draws
    assert play(game, 96, 500, ReplayRng(outcome.draws)) == outcome


def test_tampered_outcome_is_reported() -> None:
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    outcome = play(game, 96, 500, SeededRng(1))
    stored = outcome.to_json()
    stored["win_minor"] += 100
    result = replay(game.game_code, 96, catalogue.math_hash(game, 96), 500, outcome.draws, stored)
    assert (result.verified, result.reason) == (False, "outcome differs")


def test_wrong_draws_are_reported() -> None:
    game = catalogue.get_game("lucky-sevens")
    assert game is not None
    outcome = play(game, 96, 500, SeededRng(2))
    hash_ = catalogue.math_hash(game, 96)
    short = replay(game.game_code, 96, hash_, 500, outcome.draws[:-1], outcome.to_json())
    assert not short.verified and short.reason.startswith("draws do not fit")
    extra = replay(game.game_code, 96, hash_, 500, (*outcome.draws, 0), outcome.to_json())
    assert not extra.verified and "left over" in extra.reason


def test_changed_data_file_changes_the_hash_and_replay_says_so(tmp_path: Path) -> None:
    source = Path(str(DATA_ROOT)) / "lucky-sevens"
    shutil.copytree(source, tmp_path / "lucky-sevens")
    before = Catalogue(tmp_path).get_game("lucky-sevens")
    assert before is not None
    old_hash = catalogue.math_hash(before, 96)
    outcome = play(before, 96, 500, SeededRng(3))

    variant_file = tmp_path / "lucky-sevens" / "rtp96.json"
    document = json.loads(variant_file.read_text())
    document["base"]["weights"][0][0] += 1
    variant_file.write_text(json.dumps(document))
    after = Catalogue(tmp_path)
    changed = after.get_game("lucky-sevens")
    assert changed is not None
    new_hash = catalogue.math_hash(changed, 96)
    assert new_hash != old_hash
    assert catalogue.math_hash(changed, 92) == catalogue.math_hash(before, 92)

    result = replay(
        "lucky-sevens", 96, old_hash, 500, outcome.draws, outcome.to_json(), catalogue=after
    )
    assert not result.verified
    assert result.reason == f"math changed: hash {old_hash} != {new_hash}"


def test_whitespace_does_not_change_the_math(tmp_path: Path) -> None:
    shutil.copytree(Path(str(DATA_ROOT)) / "lucky-sevens", tmp_path / "lucky-sevens")
    variant_file = tmp_path / "lucky-sevens" / "rtp96.json"
    variant_file.write_text(json.dumps(json.loads(variant_file.read_text()), indent=7))
    game = Catalogue(tmp_path).get_game("lucky-sevens")
    original = catalogue.get_game("lucky-sevens")
    assert game is not None and original is not None
    assert catalogue.math_hash(game, 96) == catalogue.math_hash(original, 96)


def test_play_takes_nothing_but_math_bet_and_draws() -> None:
    """No parameter through which a balance, a history or an operator could reach the math
    (the bet mode is what the player bought: a bonus buy starts the feature)."""
    parameters = ["game", "variant", "bet_minor", "rng", "mode"]
    assert list(inspect.signature(play).parameters) == parameters


@pytest.mark.parametrize("game", all_games(), ids=lambda g: g.game_code)
def test_outcome_ignores_balance_history_and_operator(game: Game) -> None:
    """The engine has no input for them; the same draws must give the same outcome after any
    history of other rounds, for any player or operator situation the caller is in."""
    variant = game.rtp_variants[-1]
    bet = 3 * game.bet_step_minor
    reference = rounds(game, variant, 50, seed=11)
    for history_seed in (1, 2, 3):
        rounds(game, variant, 40, seed=history_seed)  # other players, other operators
        for expected in reference:
            again = play(game, variant, bet, ReplayRng(expected.draws))
            scaled = expected.to_json()
            assert again.draws == expected.draws
            assert again.uncapped_win_credits == expected.uncapped_win_credits
            assert again.base == expected.base and again.free_spins == expected.free_spins
            assert scaled["win_minor"] * 3 == again.win_minor * 10
