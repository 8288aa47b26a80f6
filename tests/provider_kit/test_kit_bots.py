"""`play_bots`: concurrent players with the supplier's own faults, against a fake aggregator
(with network faults of its own): the supplier's ledger and the aggregator's balances and
records agree for every player, to the minor unit, and nothing is left unresolved."""

from __future__ import annotations

import random

import httpx
import pytest

from reelhouse.provider_kit.hub88_supplier import keys
from reelhouse.provider_kit.hub88_supplier.bots import (
    BotSession,
    Faults,
    SupplierLedger,
    play_bots,
)
from reelhouse.provider_kit.hub88_supplier.client import SupplierWallet
from reelhouse.provider_kit.hub88_supplier.rounds import RetryPolicy
from reelhouse.provider_kit.hub88_supplier.server import SupplierGames
from reelhouse.provider_kit.hub88_supplier.wire import Status, x100000_to_minor
from reelhouse.providers import hub88_games
from reelhouse.providers.base import AnswerStatus, LaunchRequest, Platform
from tests.providers.hub88_samples import PRIVATE_PEM

from .fake_aggregator import BASE_URL, FakeAggregator

SUPPLIER_KEY = keys.load_private_key(PRIVATE_PEM)
EVERY_FAULT = Faults(
    duplicate=0.3, conflicting_duplicate=0.2, rollback=0.2, early_rollback=0.15, promo_win=0.2
)
# Retries never wait in tests, and are enough to outlast the fake's faults.
NO_WAIT = RetryPolicy(attempts=30, sleep=lambda _seconds: None)
START_MINOR = {"EUR": 50_000, "JPY": 100_000, "BTC": 10_000_000}


def sessions_at(aggregator: FakeAggregator) -> list[BotSession]:
    sessions = []
    for index, code in enumerate(["EUR", "EUR", "JPY", "BTC", "mBTC"]):
        session = BotSession(f"token-player-{index:04d}", f"player{index}", code, "demo_slot")
        start = START_MINOR.get(code, 10_000_000)
        aggregator.open(session.token, session.user, code, start)
        sessions.append(session)
    return sessions


def run(
    seed: int, faults: Faults, chaos_rate: float = 0.0, rounds: int = 25
) -> tuple[SupplierLedger, FakeAggregator, list[BotSession]]:
    aggregator = FakeAggregator(chaos_rng=random.Random(seed + 1), chaos_rate=chaos_rate)
    sessions = sessions_at(aggregator)
    wallet = SupplierWallet(BASE_URL, SUPPLIER_KEY, aggregator.client())
    ledger = play_bots(
        wallet, sessions, rounds, random.Random(seed), faults, max_bet_steps=50, retry=NO_WAIT
    )
    return ledger, aggregator, sessions


def assert_ledgers_agree(
    ledger: SupplierLedger, aggregator: FakeAggregator, sessions: list[BotSession]
) -> None:
    assert ledger.anomalies == []
    assert ledger.unresolved == 0
    assert aggregator.refusals == []  # every request decoded and verified
    for session in sessions:
        player = ledger.players[session.user]
        start = START_MINOR.get(session.currency, 10_000_000)
        moved = aggregator.balance_of(session.token) - start
        assert moved == x100000_to_minor(player.net_x100000, session.currency), session
        # Each transaction the supplier saw accepted is one the aggregator recorded as such.
        for entry in player.entries:
            if entry.status == Status.OK and entry.kind != "rollback":
                recorded = aggregator.transactions[entry.transaction_uuid]
                assert recorded.answer_status is AnswerStatus.OK
                assert recorded.call.amount_minor == x100000_to_minor(
                    entry.amount_x100000 or 0, session.currency
                )


def test_plain_play_agrees() -> None:
    ledger, aggregator, sessions = run(seed=11, faults=Faults())
    assert_ledgers_agree(ledger, aggregator, sessions)
    assert all(p.rounds == 25 for p in ledger.players.values())
    assert sum(p.bets_ok for p in ledger.players.values()) > 0


def test_every_supplier_fault_is_produced_and_the_ledgers_agree() -> None:
    ledger, aggregator, sessions = run(seed=12, faults=EVERY_FAULT, rounds=40)
    assert_ledgers_agree(ledger, aggregator, sessions)
    players = ledger.players.values()
    assert sum(p.conflicts_refused for p in players) > 0
    assert sum(p.rolled_back_bets for p in players) > 0
    assert sum(p.early_rollbacks for p in players) > 0
    assert sum(p.promo_wins_ok for p in players) > 0
    assert sum(p.repeats_sent for p in players) > 0
    late_bets = [
        e for p in players for e in p.entries
        if e.kind == "bet" and e.status == Status.TRANSACTION_ROLLED_BACK
    ]  # fmt: skip
    assert late_bets  # each bet after its early rollback was refused


@pytest.mark.parametrize("seed", [21, 22])
def test_network_faults_on_the_aggregator_side_still_agree(seed: int) -> None:
    ledger, aggregator, sessions = run(seed=seed, faults=EVERY_FAULT, chaos_rate=0.15, rounds=30)
    assert_ledgers_agree(ledger, aggregator, sessions)
    players = ledger.players.values()
    assert sum(p.failed_bets_rolled_back for p in players) > 0


def test_a_seed_replays_each_players_choices() -> None:
    def totals(ledger: SupplierLedger) -> dict[str, tuple[int, int, int]]:
        return {
            user: (p.bets_ok_x100000, p.wins_ok_x100000, p.rolled_back_x100000)
            for user, p in ledger.players.items()
        }

    first, _, _ = run(seed=31, faults=EVERY_FAULT)
    second, _, _ = run(seed=31, faults=EVERY_FAULT)
    assert totals(first) == totals(second)


def test_amounts_are_exact_for_each_currency() -> None:
    ledger, aggregator, _ = run(seed=41, faults=Faults(), rounds=10)
    assert aggregator.refusals == []
    jpy = ledger.players["player2"]
    assert all(e.amount_x100000 % 100000 == 0 for e in jpy.entries if e.amount_x100000)


def test_tokens_launched_at_the_games_server_play() -> None:
    # The flow docs/providers.md shows: launch through the supplier's games server, then
    # play the launched tokens (the sample key stands for the aggregator's here).
    aggregator = FakeAggregator()
    with SupplierGames(SUPPLIER_KEY.public_key()) as games:
        for index in range(3):
            launch = LaunchRequest(
                operator_id=1, game_code="demo_fruit_bonanza", platform=Platform.DESKTOP,
                currency="EUR", user=f"p{index}", token=f"launched-token-{index:04d}",
            )  # fmt: skip
            request = hub88_games.encode_launch(launch, games.base_url, SUPPLIER_KEY)
            httpx.post(request.url, content=request.body, headers=dict(request.headers))
        sessions = [
            BotSession(token, launch.user, launch.currency, launch.game_code)
            for token, launch in games.launched().items()
        ]
    assert len(sessions) == 3
    for session in sessions:
        aggregator.open(session.token, session.user, session.currency, 50_000)
    wallet = SupplierWallet(BASE_URL, SUPPLIER_KEY, aggregator.client())
    ledger = play_bots(wallet, sessions, 10, random.Random(5), EVERY_FAULT, retry=NO_WAIT)
    assert ledger.anomalies == [] and ledger.unresolved == 0
    for session in sessions:
        net = x100000_to_minor(ledger.players[session.user].net_x100000, "EUR")
        assert aggregator.balance_of(session.token) == 50_000 + net
