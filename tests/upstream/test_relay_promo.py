"""A Hub88 supplier's promotions and free rounds through the relay, and a rolled-back bet in
its session's spend: the demo supplier (provider_kit) plays against Reelhouse and the demo
casino, on both databases (docs/providers.md, "What the relay does with them")."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.domain.states import CallState, RoundState
from reelhouse.domain.wallet import CommandKind
from reelhouse.store.models import GameSession, Round, UpstreamTransaction, WalletCall
from tests.upstream.rig import GAME, WIRE_PER_CENT, Aggregated, aggregated_stack, drain


@pytest.fixture
def aggregated(database_url: str, tmp_path: Path) -> Iterator[Aggregated]:
    with aggregated_stack(database_url, tmp_path) as aggregated:
        yield aggregated


def _sent_in_background(aggregated: Aggregated) -> None:
    """Wait for what the route sends after its answer (a promotion's bet of 0, then its
    win) before the drain moves the clock on: moved first, the worker would take that
    claim back as its holder's (the outcome then unknown: the win is still paid)."""
    for _ in range(500):
        with aggregated.stack.platform.db.transaction(read_only=True) as session:
            busy = session.scalars(
                select(WalletCall.id).where(WalletCall.state == CallState.IN_FLIGHT.value)
            ).first()
        if busy is None:
            return
        time.sleep(0.01)
    raise AssertionError("the route's delivery did not end")


def _calls_of(aggregated: Aggregated, round_id: int) -> list[tuple[str, int, str]]:
    with aggregated.stack.platform.db.transaction(read_only=True) as session:
        calls = session.scalars(
            select(WalletCall).where(WalletCall.round_id == round_id).order_by(WalletCall.id)
        ).all()
        return sorted((c.kind, c.amount_minor, c.state) for c in calls)


def test_a_promotion_win_with_no_bet_is_paid_once_against_a_bet_of_0(
    aggregated: Aggregated,
) -> None:
    player = aggregated.launch("ada", "100.00")
    wallet = aggregated.wallet
    promo = wallet.win(
        player.token, player.user, GAME, "promo-1", 500 * WIRE_PER_CENT, "USD",
        reference_transaction_uuid=None, is_supplier_promo=True, transaction_uuid="promo-tx-1",
    )  # fmt: skip
    # Answered at once, as a win: the last known balance plus the promotion.
    assert promo.status == "RS_OK"
    _sent_in_background(aggregated)
    drain(aggregated.stack)
    assert aggregated.casino_cents("ada") == 10_000 + 500
    # The same promotion again: the first answer, nothing paid twice; the same id with
    # another amount is a conflict.
    again = wallet.resend(promo)
    assert (again.status, again.balance) == (promo.status, promo.balance)
    other = wallet.win(
        player.token, player.user, GAME, "promo-1", 900 * WIRE_PER_CENT, "USD",
        reference_transaction_uuid=None, is_supplier_promo=True, transaction_uuid="promo-tx-1",
    )  # fmt: skip
    assert other.status == "RS_ERROR_DUPLICATE_TRANSACTION"
    drain(aggregated.stack)
    assert aggregated.casino_cents("ada") == 10_000 + 500
    with aggregated.stack.platform.db.transaction(read_only=True) as session:
        round_ = session.scalars(select(Round)).one()
        assert (round_.bet_minor, round_.win_minor) == (0, 500)
        assert round_.state == RoundState.SETTLED.value
        assert json.loads(round_.outcome_json)["promo"] is True
        promo_row = session.scalars(select(UpstreamTransaction)).one()
        assert (promo_row.kind, promo_row.round_id) == ("win", round_.id)
    # The casino saw a bet of 0, then the win against it.
    assert _calls_of(aggregated, round_.id) == [
        (CommandKind.BET.value, 0, CallState.ACKED.value),
        (CommandKind.WIN.value, 500, CallState.ACKED.value),
    ]


def test_a_free_bet_of_a_reward_moves_no_money_and_its_win_is_paid(
    aggregated: Aggregated,
) -> None:
    player = aggregated.launch("bea", "100.00")
    wallet = aggregated.wallet
    bet = wallet.bet(
        player.token, player.user, GAME, "free-1", 250 * WIRE_PER_CENT, "USD",
        is_free=True, reward_uuid="reward-7",
    )  # fmt: skip
    assert (bet.status, bet.balance) == ("RS_OK", 10_000 * WIRE_PER_CENT)
    assert aggregated.casino_cents("bea") == 10_000
    win = wallet.win(
        player.token, player.user, GAME, "free-1", 400 * WIRE_PER_CENT, "USD",
        reference_transaction_uuid=bet.request.document()["transaction_uuid"],
        is_free=True, reward_uuid="reward-7",
    )  # fmt: skip
    assert (win.status, win.balance) == ("RS_OK", (10_000 + 400) * WIRE_PER_CENT)
    drain(aggregated.stack)
    assert aggregated.casino_cents("bea") == 10_000 + 400
    with aggregated.stack.platform.db.transaction(read_only=True) as session:
        round_ = session.scalars(select(Round)).one()
        assert (round_.bet_minor, round_.win_minor) == (0, 400)
        told = json.loads(round_.outcome_json)
        assert (told["free"], told["reward"], told["stake_minor"]) == (True, "reward-7", 250)
    assert _calls_of(aggregated, round_.id) == [
        (CommandKind.BET.value, 0, CallState.ACKED.value),
        (CommandKind.WIN.value, 400, CallState.ACKED.value),
    ]


def test_a_bet_the_supplier_rolled_back_leaves_its_session_spend(
    aggregated: Aggregated,
) -> None:
    player = aggregated.launch("cy", "100.00")
    wallet = aggregated.wallet
    kept = wallet.bet(player.token, player.user, GAME, "r-1", 200 * WIRE_PER_CENT, "USD")
    rolled = wallet.bet(player.token, player.user, GAME, "r-2", 300 * WIRE_PER_CENT, "USD")
    assert kept.status == rolled.status == "RS_OK"
    back = wallet.rollback(player.token, GAME, "r-2", rolled.request.document()["transaction_uuid"])
    assert back.status == "RS_OK"
    drain(aggregated.stack)
    assert aggregated.casino_cents("cy") == 10_000 - 200
    with aggregated.stack.platform.db.transaction(read_only=True) as session:
        (spend,) = session.scalars(
            select(GameSession.spend_minor).where(GameSession.provider_id.is_not(None))
        ).all()
    assert spend == 200
