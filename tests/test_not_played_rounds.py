"""A round the casino did not take (its bet refused, or never confirmed and refunded) paid
nothing, whatever the outcome sealed for it would have paid: the game client's last round,
the round-details view, the game history and the back office all show a win of 0 and no
winning line. The stored record is untouched (it still replays)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reelhouse.dialects.igamingace_a import Status
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.states import RoundState
from reelhouse.games.rng import SeededRng
from reelhouse.services import backoffice_history, game_client, round_details, rounds
from reelhouse.services.backoffice_history import Filters
from tests.test_single_call_rounds import LOST, Setup, build_setup, last_round_id, round_of

WINNING_SEED = 5  # Lucky Sevens at 96 %, bet 1.00: this draw wins 2.20


@pytest.fixture
def setup(database_url: str) -> Iterator[Setup]:
    for ready in build_setup(database_url):
        ready.platform.game_rng = lambda: SeededRng(WINNING_SEED)
        yield ready


@pytest.mark.parametrize(
    ("answer", "state"),
    [(Status.NOT_ENOUGH_MONEY, RoundState.REJECTED), (LOST, RoundState.CANCELLED)],
    ids=["refused", "refunded"],
)
def test_a_round_not_played_shows_no_win_anywhere(
    setup: Setup, answer: Status | Exception, state: RoundState
) -> None:
    setup.wallet.script["bet"] = [answer]
    with pytest.raises(ReelhouseError):
        rounds_spin(setup)
    round_id = last_round_id(setup)
    stored = round_of(setup, round_id)
    assert stored.state == state
    assert stored.win_minor == 220  # the sealed outcome would have paid 2.20: kept, not shown

    # The game client, reloaded: no win, no reels or lines to draw.
    last = game_client.session_state(setup.platform, setup.session_token)["last_round"]
    assert last == {
        "round_id": round_id,
        "state": state.value,
        "played": False,
        "bet": "1.00",
        "win": "0.00",
        "outcome": None,
    }

    # The round-details page (public link and back office alike).
    view = round_details.round_view(setup.platform, round_id)
    assert view is not None
    assert (view.win, view.awarded_win, view.win_capped, view.spins) == ("0.00", "0.00", False, ())
    assert view.not_shown_because is not None and "not" in view.not_shown_because
    assert view.replay_verified  # the record itself is intact

    # The game history of the back office.
    (row,) = backoffice_history.rounds(setup.platform, setup.operator_id, Filters()).rows
    assert (row["round_id"], row["win"], row["played"]) == (round_id, "0.00", False)


def test_a_played_round_still_shows_its_win(setup: Setup) -> None:
    result = rounds_spin(setup)
    last = game_client.session_state(setup.platform, setup.session_token)["last_round"]
    assert (last["played"], last["win"]) == (True, "2.20")
    assert last["outcome"]["win_minor"] == result.win_minor == 220
    (row,) = backoffice_history.rounds(setup.platform, setup.operator_id, Filters()).rows
    assert (row["win"], row["played"]) == ("2.20", True)


def rounds_spin(setup: Setup) -> rounds.SpinResult:
    return rounds.spin(setup.platform, setup.session_token, "1.00")
