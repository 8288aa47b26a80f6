"""Shared setup of the upstream tests: a Hub88 demo supplier (provider_kit) registered as a
provider, offered to the stack's operator, its wallet calls made over real HTTP; and the
outbox drained so the relay's queued wins and cancels reach the casino."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import select

from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import FakeClock, to_naive_utc
from reelhouse.provider_kit.hub88_supplier import (
    DEMO_GAMES,
    BotSession,
    SupplierGames,
    SupplierWallet,
)
from reelhouse.provider_kit.hub88_supplier.keys import (
    load_public_key,
    new_private_key,
    private_pem,
    public_pem,
)
from reelhouse.services.platform import Platform
from reelhouse.store.models import (
    OperatorProvider,
    Provider,
    ProviderGame,
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


def register_provider(
    platform: Platform,
    operator_id: int,
    listing: ProviderListing,
) -> None:
    """A provider, one game of it, offered to the operator: the rows `provider add`,
    `provider sync` and `provider enable` would write."""
    now = to_naive_utc(platform.clock.now())
    with platform.db.transaction() as session:
        session.add(
            Provider(
                id=listing.provider_id,
                name=listing.name,
                title=listing.title,
                protocol=listing.protocol,
                base_url=listing.base_url,
                verify_key=listing.verify_key,
                sign_key_sealed=listing.sign_key_sealed,
                answer_deadline_ms=listing.answer_deadline_ms,
                enabled=True,
                created_at_utc=now,
                updated_at_utc=now,
            )
        )
        session.flush()
        session.add(
            ProviderGame(
                id=1,
                provider_id=listing.provider_id,
                game_code=listing.game_code,
                name=listing.game_name,
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
                operator_id=operator_id,
                provider_id=listing.provider_id,
                enabled=True,
                updated_at_utc=now,
            )
        )


@dataclass(frozen=True)
class ProviderListing:
    """What register_provider writes of a provider."""

    provider_id: int
    name: str
    title: str
    protocol: str
    base_url: str
    verify_key: str
    sign_key_sealed: str
    answer_deadline_ms: int
    game_code: str
    game_name: str


def add_provider(stack: Stack, games_url: str, supplier_public: str, own_private: str) -> None:
    listing = ProviderListing(
        provider_id=PROVIDER_ID,
        name=PROVIDER_NAME,
        title="Demo supplier",
        protocol="hub88",
        base_url=games_url,
        verify_key=supplier_public,
        sign_key_sealed=stack.platform.sealer.seal(own_private),
        answer_deadline_ms=5_000,
        game_code=GAME,
        game_name="Fruit Bonanza",
    )
    register_provider(stack.platform, stack.operator_id, listing)


@contextmanager
def aggregated_stack(
    database_url: str, tmp_path: Path, dialect: str = "slotcity-v4"
) -> Iterator[Aggregated]:
    """A running stack with the demo supplier registered as provider `PROVIDER_NAME`; the
    casino's operator speaks `dialect`."""
    supplier_key, own_key = new_private_key(), new_private_key()
    games = SupplierGames(load_public_key(public_pem(own_key)))
    games_url = games.start()
    http = httpx.Client()
    try:
        with running_stack(database_url, tmp_path, dialect=dialect) as stack:
            add_provider(
                stack, games_url, public_pem(supplier_key).decode(), private_pem(own_key).decode()
            )
            base = f"{stack.reelhouse.url}/upstream/{PROVIDER_NAME}"
            yield Aggregated(stack, games, SupplierWallet(base, supplier_key, http))
    finally:
        http.close()
        games.stop()


def drain(stack: Stack) -> None:
    """The outbox delivers what the relay queued (wins and cancels not sent inline)."""
    drain_all(stack.clock, stack.platform)


def drain_all(clock: FakeClock, *platforms: Platform) -> None:
    """Each platform's outbox delivers what it queued, in turns, until none has a call
    open (one Reelhouse's delivery may be what queues the other's next call: a relayed
    win). The platforms share `clock`, which each pass moves past the retry delays."""
    workers = []
    for platform in platforms:
        sender = platform.wallet
        assert isinstance(sender, WalletSender)
        workers.append(Worker(platform.db, sender, platform.clock, threads=4))
    try:
        for _ in range(DRAIN_PASSES):
            if not any(_open_calls(platform) for platform in platforms):
                return
            clock.advance(seconds=61)
            for worker in workers:
                worker.run_once()
            time.sleep(0.05)  # an answer's background delivery may still be on its way
        raise AssertionError("calls still open after the drain")
    finally:
        for worker in workers:
            worker.close()


def _open_calls(platform: Platform) -> bool:
    platform.wallet.write_pending_acks()
    with platform.db.transaction() as session:
        open_calls = session.scalars(
            select(WalletCall.id).where(WalletCall.state.in_(("queued", "in_flight")))
        ).all()
    return bool(open_calls)
