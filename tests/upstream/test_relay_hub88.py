"""A Hub88 supplier aggregated behind Reelhouse, over real HTTP on both sides: the demo
supplier (provider_kit, written from the public contract) launches through the Main API and
plays through Reelhouse's wallet routes; the demo casino's wallet keeps the money. Every
cent the supplier believes moved, moved once at the casino, and Reelhouse's records agree.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import TERMINAL_ROUND_STATES, RoundState
from reelhouse.provider_kit.hub88_supplier import (
    DEMO_GAMES,
    BotSession,
    Faults,
    SupplierGames,
    SupplierWallet,
    play_bots,
)
from reelhouse.provider_kit.hub88_supplier.keys import (
    load_public_key,
    new_private_key,
    private_pem,
    public_pem,
)
from reelhouse.store.models import (
    OperatorProvider,
    Player,
    Provider,
    ProviderGame,
    Round,
    UpstreamTransaction,
    WalletCall,
)
from tests.harness import Stack, running_stack

PROVIDER_ID = 2
PROVIDER_NAME = "demo-hub88"
GAME = DEMO_GAMES[0].game_code
# x100000 per cent of USD: 1.00 USD is 100000 on the wire.
WIRE_PER_CENT = 1000
DRAIN_PASSES = 40


@dataclass
class Aggregated:
    stack: Stack
    games: SupplierGames
    wallet: SupplierWallet

    def launch(self, name: str, balance: str = "100.00") -> BotSession:
        """A player funded at the casino, launched into the supplier's game through the
        Main API (Reelhouse asks the supplier for the URL and hands it a token)."""
        user_code = self.stack.bots().fund_player(name, "USD", balance)
        answer = self.stack.call(
            "/v4/game/game-url",
            {"user_code": user_code, "provider_id": PROVIDER_ID, "game_symbol": GAME},
        )
        assert answer["code"] == 0, answer
        url = answer["data"]["game_url"]
        launch = next(v for v in self.games.launched().values() if v.url == url)
        return BotSession(launch.token, launch.user, "USD", GAME)

    def casino_cents(self, name: str) -> int:
        return int(self.stack.bots().casino_balance(name) * 100)


def _add_provider(stack: Stack, games_url: str, supplier_public: str, own_private: str) -> None:
    now = to_naive_utc(stack.platform.clock.now())
    with stack.platform.db.transaction() as session:
        session.add(
            Provider(
                id=PROVIDER_ID,
                name=PROVIDER_NAME,
                title="Demo supplier",
                protocol="hub88",
                base_url=games_url,
                verify_key=supplier_public,
                sign_key_sealed=stack.platform.sealer.seal(own_private),
                answer_deadline_ms=5_000,
                enabled=True,
                created_at_utc=now,
                updated_at_utc=now,
            )
        )
        session.flush()
        session.add(
            ProviderGame(
                id=1,
                provider_id=PROVIDER_ID,
                game_code=GAME,
                name="Fruit Bonanza",
                platforms="desktop,mobile",
                blocked_countries="",
                freebet_support=False,
                enabled=True,
                content_hash="-",
                first_seen_at_utc=now,
                synced_at_utc=now,
            )
        )
        session.add(
            OperatorProvider(
                operator_id=stack.operator_id,
                provider_id=PROVIDER_ID,
                enabled=True,
                updated_at_utc=now,
            )
        )


@pytest.fixture
def aggregated(database_url: str, tmp_path: Path) -> Iterator[Aggregated]:
    supplier_key, own_key = new_private_key(), new_private_key()
    games = SupplierGames(load_public_key(public_pem(own_key)))
    games_url = games.start()
    http = httpx.Client()
    try:
        with running_stack(database_url, tmp_path) as stack:
            _add_provider(
                stack, games_url, public_pem(supplier_key).decode(), private_pem(own_key).decode()
            )
            base = f"{stack.reelhouse.url}/upstream/{PROVIDER_NAME}"
            yield Aggregated(stack, games, SupplierWallet(base, supplier_key, http))
    finally:
        http.close()
        games.stop()


def _drain(stack: Stack) -> None:
    """The outbox delivers what the relay queued (wins and cancels not sent inline)."""
    sender = stack.platform.wallet
    assert isinstance(sender, WalletSender)
    worker = Worker(stack.platform.db, sender, stack.platform.clock, threads=4)
    try:
        for _ in range(DRAIN_PASSES):
            stack.platform.wallet.write_pending_acks()
            with stack.platform.db.transaction() as session:
                open_calls = session.scalars(
                    select(WalletCall.id).where(WalletCall.state.in_(("queued", "in_flight")))
                ).all()
            if not open_calls:
                return
            stack.clock.advance(seconds=61)
            worker.run_once()
            time.sleep(0.05)  # an answer's background delivery may still be on its way
        raise AssertionError("calls still open after the drain")
    finally:
        worker.close()


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
    sessions = [aggregated.launch(f"bot{n}", "20.00") for n in range(4)]
    faults = Faults(duplicate=0.2, conflicting_duplicate=0.1, rollback=0.15, early_rollback=0.1)
    ledger = play_bots(aggregated.wallet, sessions, 12, random.Random(7), faults)
    _drain(aggregated.stack)
    assert ledger.anomalies == [] and ledger.unresolved == 0
    assert sum(p.rolled_back_bets for p in ledger.players.values()) > 0
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
