"""A replay checks the whole stored round, not only its draws: a round whose bet, awarded
win, cap, paid win, capped mark or RNG version was edited is NOT VERIFIED, and the replay
names the field. Rounds as the spin service stores them, tampered one field at a time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reelhouse.games.rng import RNG_VERSION, SeededRng
from reelhouse.services import rounds
from reelhouse.services.replay import replay_round
from reelhouse.store.models import Operator, Round
from tests.test_single_call_rounds import Setup, build_setup

WINNING_SEED = 5  # Lucky Sevens at 96 %, bet 1.00: this draw awards 2.20
MAX_WIN_MINOR = 100  # the agent's max win per round in the capped case: pays 1.00 of 2.20


@pytest.fixture
def setup(database_url: str) -> Iterator[Setup]:
    for ready in build_setup(database_url):
        ready.platform.game_rng = lambda: SeededRng(WINNING_SEED)
        yield ready


def played(setup: Setup, max_win_minor: int = 0) -> int:
    with setup.platform.db.transaction() as session:
        session.get_one(Operator, setup.operator_id).max_win_minor = max_win_minor
    result = rounds.spin(setup.platform, setup.session_token, "1.00")
    return result.round_id


def tamper(setup: Setup, round_id: int, column: str, value: Any) -> None:
    with setup.platform.db.transaction() as session:
        setattr(session.get_one(Round, round_id), column, value)


def test_an_untouched_round_verifies_with_every_field(setup: Setup) -> None:
    round_id = played(setup, MAX_WIN_MINOR)
    with setup.platform.db.transaction() as session:
        stored = session.get_one(Round, round_id)
        recorded = (stored.awarded_win_minor, stored.win_cap_minor, stored.win_minor)
        assert (recorded, stored.win_capped, stored.rng_version) == (
            (220, MAX_WIN_MINOR, MAX_WIN_MINOR),
            True,
            RNG_VERSION,
        )
    result = replay_round(setup.platform, round_id)
    assert (result.verified, result.reason, result.fields) == (True, "ok", ())


@pytest.mark.parametrize(
    ("max_win_minor", "column", "value", "field"),
    [
        # The case: a paid win raised (here 2.20 to 1002.20) on an uncapped round.
        (0, "win_minor", 100_220, "paid_win"),
        (0, "bet_minor", 200, "bet"),
        (0, "awarded_win_minor", 1220, "awarded_win"),
        (0, "rng_version", "secrets-randbits-rejection-v0", "rng_version"),
        (0, "rng_version", "unknown", "rng_version"),
        (0, "win_cap_minor", 100, "win_cap"),  # a cap below the award, on a round paid in full
        (0, "win_capped", True, "win_capped"),
        (MAX_WIN_MINOR, "win_minor", 220, "paid_win"),  # the cut undone
        (MAX_WIN_MINOR, "win_cap_minor", 150, "win_cap"),
        (MAX_WIN_MINOR, "win_cap_minor", None, "win_cap"),
        (MAX_WIN_MINOR, "win_capped", False, "win_capped"),
    ],
)
def test_a_tampered_field_is_not_verified_and_is_named(
    setup: Setup, max_win_minor: int, column: str, value: Any, field: str
) -> None:
    round_id = played(setup, max_win_minor)
    assert replay_round(setup.platform, round_id).verified
    tamper(setup, round_id, column, value)
    result = replay_round(setup.platform, round_id)
    assert not result.verified
    assert result.fields == (field,), result.reason
    assert field.replace("_", " ") in result.reason
