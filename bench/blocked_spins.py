"""How often a player is held with 3002 ("previous round is being settled") under faults.

    .venv/bin/python -m bench.blocked_spins [--seeds N] [--steps N]

Plays the fault simulation's in-process schedule (tests/dispatch/fault_sim.py: the real
services, outbox, sender and worker on SQLite, the demo casino behind a transport that drops,
loses, delays, garbles and holds calls, and process restarts) twice on the same seeds: once
with the former rule (a player waits until every earlier round is settled) and once with the
rule in force (a player waits only until the earlier round's win or cancel was sent once, and
while a call of theirs is on the wire). Every spin request is counted by its answer. The
former code closed a round at once on a cancel answered "not found"; so that the "before"
run measures it, that run sends the second cancel of such a round without waiting for the
late-bet window. Prints a table and writes bench/results/blocked_spins.json. Numbers only:
nothing here asserts, and the clock is the simulation's, not the wall's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any
from unittest import mock

from sqlalchemy import select
from tests.dispatch.fault_sim import BETS, SimulatedCrash, Simulation

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.states import OPEN_ROUND_STATES, CallState
from reelhouse.services import rounds
from reelhouse.store import outbox
from reelhouse.store.models import Player, Round, WalletCall

RESULTS = Path(__file__).parent / "results" / "blocked_spins.json"
DEFAULT_SEEDS = 20
DEFAULT_STEPS = 150
# The simulated time a step may move the clock by, seconds (as the fault simulation's play).
CLOCK_STEPS_S = (1, 3, 5, 40, 400)


class Rule(StrEnum):
    """What keeps a player from opening a round while an earlier one is unsettled."""

    FORMER = "any_unsettled"  # until every earlier round is terminal
    NOW = "after_first_send"  # store.outbox.round_holding_next, the rule in force


def _any_unsettled_round(session: Any, player_id: int) -> int | None:
    """The former rule's check: any round of the player not yet terminal."""
    return session.scalar(
        select(Round.id)
        .where(Round.player_id == player_id, Round.state.in_(sorted(OPEN_ROUND_STATES)))
        .limit(1)
    )


@contextmanager
def _rule_in_force(rule: Rule) -> Iterator[None]:
    """The spin service as it was under `rule`. The former code held a player by any
    unsettled round, never sent a held round's call itself, and closed a round at once on a
    cancel answered "not found" (no late-bet window)."""
    if rule is Rule.NOW:
        yield
        return
    with (
        mock.patch.object(rounds, "round_holding_next", _any_unsettled_round),
        mock.patch.object(rounds, "_send_unsent_follow_up", lambda *_: False),
        mock.patch.object(outbox, "LATE_BET_WINDOW", dt.timedelta(0)),
    ):
        yield


def _play(sim: Simulation, sessions: list[str], steps: int) -> Counter[str]:
    """The fault simulation's play loop, with every spin's answer counted."""
    answers: Counter[str] = Counter()
    for _ in range(steps):
        action = sim.rng.random()
        try:
            if action < 0.55:
                token, bet = sim.rng.choice(sessions), sim.rng.choice(BETS)
                try:
                    rounds.spin(sim.platform, token, bet)
                    answers["played"] += 1
                except ReelhouseError as exc:
                    answers[str(int(exc.code))] += 1
                    if exc.code is ApiCode.ROUND_IN_PROGRESS:
                        player = f"player{sessions.index(token)}"  # as the simulation names them
                        answers[f"held_by:{_held_by(sim, player)}"] += 1
            elif action < 0.8:
                sim.worker.run_once()
            elif action < 0.97:
                sim.clock.advance(seconds=sim.rng.choice(CLOCK_STEPS_S))
            else:
                sim.restart()
        except SimulatedCrash:
            answers["crashed"] += 1
            sim.restart()
    return answers


def _held_by(sim: Simulation, player: str) -> str:
    """Why a player is held, by what the new rule looks at: a call of theirs claimed (in this
    single-threaded simulation nothing is on the wire during a spin, so it is the claim of a
    process that crashed, until its lease runs out), an unsettled round whose win or cancel
    was never sent, or neither (only the former rule holds them)."""
    with sim.db.transaction() as session:
        player_id = session.scalar(select(Player.id).where(Player.name == player))
        assert player_id is not None
        claimed = session.scalar(
            select(WalletCall.id).where(
                WalletCall.player_id == player_id, WalletCall.state == CallState.IN_FLIGHT.value
            )
        )
        if claimed is not None:
            return "claimed_call"
        if outbox.round_holding_next(session, player_id) is not None:
            return "never_sent"
    return "unsettled_only"


def _run(rule: Rule, seeds: int, steps: int, workdir: Path) -> dict[str, Any]:
    answers: Counter[str] = Counter()
    for seed in range(seeds):
        folder = workdir / f"{rule.value}-{seed}"
        folder.mkdir()
        sim = Simulation(seed, f"sqlite:///{folder / 'reelhouse.db'}", folder)
        try:
            with _rule_in_force(rule):
                answers += _play(sim, sim.setup(), steps)
            sim.drain()
        finally:
            sim.close()
    requests = sum(n for answer, n in answers.items() if answer.isdigit() or answer == "played")
    held = answers[str(int(ApiCode.ROUND_IN_PROGRESS))]
    return {
        "gate": rule.value,
        "spin_requests": requests,
        "held_3002": held,
        "held_share": round(held / requests, 4) if requests else None,
        "answers": dict(sorted(answers.items())),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=DEFAULT_SEEDS)
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS)
    args = parser.parse_args(argv)
    # The injected faults make the dispatcher log on purpose; the output is the table.
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as scratch:
        workdir = Path(scratch)
        before = _run(Rule.FORMER, args.seeds, args.steps, workdir)
        after = _run(Rule.NOW, args.seeds, args.steps, workdir)
    document = {"seeds": args.seeds, "steps": args.steps, "before": before, "after": after}
    print(f"{'rule':<18}{'spin requests':>15}{'held (3002)':>13}{'share':>8}")
    for run in (before, after):
        share = run["held_share"]
        shown = f"{share:.1%}" if share is not None else "-"
        print(f"{run['gate']:<18}{run['spin_requests']:>15}{run['held_3002']:>13}{shown:>8}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
