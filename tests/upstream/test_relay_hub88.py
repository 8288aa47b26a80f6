"""A Hub88 supplier aggregated behind Reelhouse, over real HTTP on both sides: the demo
supplier (provider_kit, written from the public contract) launches through the Main API and
plays through Reelhouse's wallet routes; the demo casino's wallet keeps the money. Every
cent the supplier believes moved, moved once at the casino, and Reelhouse's records agree.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.domain.states import TERMINAL_ROUND_STATES, RoundState
from reelhouse.provider_kit.hub88_supplier import BotSession, Faults, play_bots
from reelhouse.store.models import Player, Round, UpstreamTransaction
from tests.upstream.rig import (
    GAME,
    PROVIDER_ID,
    PROVIDER_NAME,
    WIRE_PER_CENT,
    Aggregated,
    aggregated_stack,
)
from tests.upstream.rig import drain as _drain


@pytest.fixture
def aggregated(database_url: str, tmp_path: Path) -> Iterator[Aggregated]:
    with aggregated_stack(database_url, tmp_path) as aggregated:
        yield aggregated


def test_a_supplier_round_moves_the_casino_money_once_and_answers_with_its_balance(
    aggregated: Aggregated,
) -> None:
    player = aggregated.launch("ada", "100.00")
    wallet = aggregated.wallet
    balance = wallet.balance(player.token, GAME)
    assert balance.status == "RS_OK" and balance.balance == 100 * 100 * WIRE_PER_CENT
    bet = wallet.bet(player.token, player.user, GAME, "r-1", 250 * WIRE_PER_CENT, "USD")
    assert bet.status == "RS_OK"
    assert bet.balance == (10_000 - 250) * WIRE_PER_CENT
    assert aggregated.casino_cents("ada") == 10_000 - 250  # debited before the answer
    bet_uuid = bet.request.document()["transaction_uuid"]
    win = wallet.win(
        player.token, player.user, GAME, "r-1", 1_000 * WIRE_PER_CENT, "USD",
        reference_transaction_uuid=bet_uuid, round_closed=True,
    )  # fmt: skip
    # Answered before the casino credits it: the balance after the bet, plus the win.
    assert (win.status, win.balance) == ("RS_OK", (10_000 - 250 + 1_000) * WIRE_PER_CENT)
    _drain(aggregated.stack)
    assert aggregated.casino_cents("ada") == 10_000 - 250 + 1_000
    # An identical repeat gets the original answer and moves nothing.
    again = wallet.resend(bet)
    assert (again.status, again.balance) == (bet.status, bet.balance)
    assert aggregated.casino_cents("ada") == 10_000 - 250 + 1_000
    with aggregated.stack.platform.db.transaction() as session:
        round_ = session.scalars(select(Round)).one()
        assert (round_.provider_id, round_.upstream_round_ref) == (PROVIDER_ID, "r-1")
        assert (round_.bet_minor, round_.win_minor) == (250, 1_000)
        assert round_.state == RoundState.SETTLED.value
        assert round_.game_code == f"{PROVIDER_NAME}/{GAME}"


def test_bets_refused_rolled_back_and_repeated_leave_every_ledger_agreeing(
    aggregated: Aggregated,
) -> None:
    _bots_play_and_every_ledger_agrees(aggregated)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("casino_dialect", ["igamingace-a", "igamingace-b"])
def test_the_supplier_plays_into_a_casino_of_each_other_dialect(
    database_url: str, tmp_path: Path, casino_dialect: str
) -> None:
    """The same bots into an iGamingAce casino: the relay's casino side is that dialect's
    codec; the rest of the chain is the test above's (SQLite: the database is not what
    differs)."""
    with aggregated_stack(database_url, tmp_path, casino_dialect) as aggregated:
        _bots_play_and_every_ledger_agrees(aggregated)


def _bots_play_and_every_ledger_agrees(aggregated: Aggregated) -> None:
    sessions = [aggregated.launch(f"bot{n}", "20.00") for n in range(4)]
    faults = Faults(
        duplicate=0.2, conflicting_duplicate=0.1, rollback=0.15, early_rollback=0.1, promo_win=0.15
    )
    ledger = play_bots(aggregated.wallet, sessions, 12, random.Random(7), faults)
    _drain(aggregated.stack)
    assert ledger.anomalies == [] and ledger.unresolved == 0
    assert sum(p.rolled_back_bets for p in ledger.players.values()) > 0
    # Promotions with no bet: each a bet of 0 and its win at the casino (test_relay_promo).
    assert sum(p.promo_wins_ok for p in ledger.players.values()) > 0
    assert sum(p.conflicts_refused for p in ledger.players.values()) > 0
    with aggregated.stack.platform.db.transaction() as session:
        rounds = session.scalars(select(Round)).all()
        assert all(RoundState(r.state) in TERMINAL_ROUND_STATES | {RoundState.DEBITED}
                   for r in rounds)  # fmt: skip
        refs = session.scalars(select(UpstreamTransaction.transaction_ref)).all()
        assert len(refs) == len(set(refs))
    for name, player in ledger.players.items():
        account = _account_of(aggregated, name)
        assert Decimal(aggregated.casino_cents(account) - 2_000) == Decimal(
            player.net_x100000 // WIRE_PER_CENT
        ), name


def _account_of(aggregated: Aggregated, user: str) -> str:
    with aggregated.stack.platform.db.transaction() as session:
        player = session.get(Player, int(user))
        assert player is not None
        return player.name


def test_one_transaction_sent_many_times_at_once_debits_once(aggregated: Aggregated) -> None:
    ada, bob = aggregated.launch("ada", "50.00"), aggregated.launch("bob", "50.00")
    wallet = aggregated.wallet
    same_bet = "tx-shared-1"

    def bet_as(player: BotSession) -> str | None:
        reply = wallet.bet(
            player.token, player.user, GAME, "r-9", 300 * WIRE_PER_CENT, "USD",
            transaction_uuid=same_bet,
        )  # fmt: skip
        return reply.status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(bet_as, [ada] * 6 + [bob] * 2))
    # Ada's copies: one debit; each copy is answered as the first was, or, while the first
    # was still on the wire, with an error the supplier answers by rolling back. Bob's use
    # of the same id is a conflict, refused whoever came first.
    assert set(statuses[:6]) <= {"RS_OK", "RS_ERROR_UNKNOWN", "RS_ERROR_DUPLICATE_TRANSACTION"}
    assert statuses[6:] == ["RS_ERROR_DUPLICATE_TRANSACTION"] * 2 or "RS_OK" not in statuses[:6]
    debited = [name for name in ("ada", "bob") if aggregated.casino_cents(name) == 5_000 - 300]
    untouched = [name for name in ("ada", "bob") if aggregated.casino_cents(name) == 5_000]
    assert len(debited) == 1 and len(untouched) == 1
    with aggregated.stack.platform.db.transaction() as session:
        assert len(session.scalars(select(Round)).all()) == 1
