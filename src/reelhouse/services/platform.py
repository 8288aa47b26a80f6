"""The platform's shared parts, handed to every use case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reelhouse.domain.callback_address import Resolver
from reelhouse.domain.clock import Clock, SystemClock
from reelhouse.domain.name_resolver import SystemResolver
from reelhouse.games.rng import Rng, SecretsRng
from reelhouse.services.login_guard import LoginGuard
from reelhouse.services.ports import UpstreamFetch, WalletPort
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.secrets import Sealer


@dataclass
class Platform:
    db: Database
    settings: Settings
    wallet: WalletPort
    clock: Clock = field(default_factory=SystemClock)
    closers: list[Callable[[], None]] = field(default_factory=list)
    # Where a round's random draws come from: the OS CSPRNG; a seeded source only in
    # simulations that must replay exactly.
    game_rng: Callable[[], Rng] = SecretsRng
    # How callback host names are checked when a URL is saved (the transport has its own,
    # normally the same): the system's resolver; a fake in tests.
    resolver: Resolver = field(default_factory=SystemResolver)
    # Back office sign-in throttles and the argon2 gate: per process, like the platform.
    login_guard: LoginGuard = field(default_factory=LoginGuard)
    # Makes the wallet transport the game API awaits (no thread per waiting call). An async
    # transport belongs to one event loop, so the served app makes it in its own loop at
    # start (api/app.py); None where a test injected a transport, or where nothing serves.
    async_transport_factory: Callable[[], Any] | None = None
    # Sends Reelhouse's own requests to upstream providers (launch a game, sync a
    # catalogue): services may not import the transport, so the wiring hands it in. None
    # where nothing was wired (a test that passes its own fetch to the use case).
    upstream_fetch: UpstreamFetch | None = None

    def __post_init__(self) -> None:
        self.sealer = Sealer(self.settings.secret_key)

    def close(self) -> None:
        """Release connections (HTTP clients, database pool)."""
        for close in reversed(self.closers):
            close()
        self.db.dispose()
