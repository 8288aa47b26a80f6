"""What a paid round costs the database, counted (not timed): statements and commits per
round on the happy path (a bet, then its win), on both databases, against a budget.

The budget, and why each number is what it is (docs/performance.md, "What a round costs"):

- **Statements: 14.** Opening the round reads the session, its player (locked) and operator
  in one statement, the player's hold in the same one on SQLite (a second on PostgreSQL,
  after the lock), and inserts the round and its claimed bet. The bet's outcome updates the
  call, the round and the session and inserts the claimed win; the win's outcome updates the
  call, the round, the session and the player, and writes the round's `round.settled` event
  for the operator (store/events.py): its operator's counter moved on and read in one
  statement, the event inserted in another. Nothing is read twice: each record starts
  from the rows the transaction before it held.
- **Commits: 2.** Two are points the money rule needs durable before the next call leaves
  (store/outbox.py): the round with its bet before the bet is sent; the bet's outcome with
  its win before the win is sent (a crash between them must find the bet applied, or the
  bet would be cancelled after its win was paid). The win's outcome guards no money (lost,
  the win is sent again and the wallet answers "already applied"), so it commits with the
  session's next round (dispatch/ack_batch.py): counted here, the last one written when
  play stops.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from sqlalchemy import select

from reelhouse.dispatch.sender import WalletSender
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import RoundState
from reelhouse.services import rounds
from reelhouse.services.platform import Platform
from reelhouse.services.rounds import SpinResult
from reelhouse.store.models import CallAttempt, GameSession, Player, Round, WalletCall
from tests.dispatch.inprocess import Deployment, deploy
from tests.sql_cost import counting

STATEMENTS_PER_ROUND = 14
COMMITS_PER_ROUND = 2
ROUNDS = 20


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def _playing(deployment: Deployment) -> tuple[Platform, WalletSender]:
    sender = deployment.sender()
    # No timer: every acknowledged win rides with the next round, or waits for the write
    # this test asks for (under load a timer gathers the wins of many sessions in one
    # commit; counted here is one session that keeps playing).
    sender.acks.window_s = None
    return deployment.platform(sender), sender


def _play(deployment: Deployment, platform: Platform, token: str, count: int) -> list[SpinResult]:
    """`count` rounds as the game API plays them (one event loop, the wallet awaited)."""

    async def play() -> list[SpinResult]:
        results = []
        for _ in range(count):
            # Time passes between spins, as in play: the session's activity is written too.
            deployment.clock.advance(seconds=3)
            results.append(await rounds.spin_async(platform, token, "1.00"))
        return results

    return anyio.run(play)


def test_a_paid_round_stays_within_its_statement_and_commit_budget(
    deployment: Deployment,
) -> None:
    (token,) = deployment.open_sessions(1, balance="1000.00")
    platform, sender = _playing(deployment)
    rounds.spin(platform, token, "1.00")  # caches warm: the budget is the steady state
    with counting(deployment.db.engine) as cost:
        results = _play(deployment, platform, token, ROUNDS)
        sender.write_pending_acks()  # the last round's win: play stopped
    assert all(result.state is RoundState.SETTLED for result in results)
    per_round = cost.statements / ROUNDS
    detail = dict(cost.by_kind)
    assert per_round <= STATEMENTS_PER_ROUND, (per_round, detail)
    # The last round's win, written alone when play stopped, is the one commit over.
    assert cost.commits <= COMMITS_PER_ROUND * ROUNDS + 1, (cost.commits, detail)
    # Nothing is read back: the only reads are the session and the hold.
    reads = sum(n for kind, n in cost.by_kind.items() if kind.startswith("SELECT"))
    assert reads / ROUNDS <= 2, detail


def test_what_the_cheap_path_leaves_is_what_the_full_record_would(
    deployment: Deployment,
) -> None:
    # The round is recorded from rows held in memory, its win a round later, and the
    # player's balance is written once: the database must still hold every fact a full
    # record writes.
    (token,) = deployment.open_sessions(1, balance="1000.00")
    platform, sender = _playing(deployment)
    results = _play(deployment, platform, token, 5)
    with deployment.db.transaction() as session:
        # Until play stops, the last round's win waits to ride with the next round.
        last_round = session.get(Round, results[-1].round_id)
        assert last_round is not None and last_round.state == RoundState.DEBITED.value
    sender.write_pending_acks()
    with deployment.db.transaction() as session:
        last = results[-1]
        player = session.scalars(select(Player)).one()
        assert player.last_balance_minor == last.balance_minor
        for result in results:
            round_ = session.get(Round, result.round_id)
            assert round_ is not None
            assert round_.state == RoundState.SETTLED.value
            assert round_.balance_after_minor == result.balance_minor
            calls = session.scalars(
                select(WalletCall).where(WalletCall.round_id == result.round_id)
            ).all()
            assert sorted(call.kind for call in calls) == ["bet", "win"]
            assert all(call.state == "acked" and call.attempts == 1 for call in calls)
            assert all(call.last_duration_ms is not None for call in calls)
        # A call acknowledged at its first attempt keeps that attempt on its own row.
        assert session.scalars(select(CallAttempt)).all() == []
        game_session = round_.session_id
    spent = sum(result.bet_minor for result in results)
    won = sum(result.win_minor for result in results)
    with deployment.db.transaction() as session:
        totals = session.get(GameSession, game_session)
        assert totals is not None
        assert totals.spend_minor == spent
        assert totals.win_minor == won
        assert totals.last_activity_at_utc == to_naive_utc(deployment.clock.now())
