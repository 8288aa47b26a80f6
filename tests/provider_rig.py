"""Shared pieces of the upstream provider tests: a platform on the test's database, a Hub88
supplier added with the committed sample keys, and a fake supplier whose `/game/list`
answer the test sets."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from reelhouse.api.wiring import build_platform
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.providers import hub88_wire
from reelhouse.services import providers
from reelhouse.services.platform import Platform
from reelhouse.services.ports import UpstreamUnreachable
from reelhouse.services.settings import Settings
from reelhouse.store.secrets import new_key_text
from tests.providers.hub88_samples import GAME, PRIVATE_PEM, PUBLIC_PEM, SIGN_KEY

SUPPLIER = "dragonsoft"
BASE_URL = "https://supplier.example/api"


def game(code: str, **changes: object) -> dict[str, object]:
    """A catalogue entry as a supplier lists it."""
    return {**GAME, "game_code": code, "name": f"Game {code}"} | changes


@dataclass
class FakeSupplier:
    """Answers `/game/list` with `games` (or `answer` when set); keeps what it was sent."""

    games: list[dict[str, object]] = field(default_factory=list)
    answer: HttpAnswer | None = None
    down: bool = False
    sent: list[HttpRequest] = field(default_factory=list)

    def __call__(self, request: HttpRequest) -> HttpAnswer:
        self.sent.append(request)
        if self.down:
            raise UpstreamUnreachable("connection refused")
        if self.answer is not None:
            return self.answer
        return HttpAnswer(200, json.dumps(self.games).encode("utf-8"))


def new_provider(name: str = SUPPLIER, **changes: object) -> providers.NewProvider:
    values: dict[str, object] = {
        "name": name,
        "title": "Dragon Soft",
        "protocol": hub88_wire.NAME,
        "base_url": BASE_URL,
        "verify_key_pem": PUBLIC_PEM,
        "sign_key_pem": PRIVATE_PEM,
    } | changes
    return providers.NewProvider(**values)  # type: ignore[arg-type]


@contextmanager
def provider_platform(database_url: str) -> Iterator[Platform]:
    """A platform on the test's database with the fake clock; private addresses allowed, so
    no base URL is resolved."""
    settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
    clock = FakeClock(dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    platform = build_platform(settings, clock=clock)
    try:
        yield platform
    finally:
        platform.close()


def signed_by_reelhouse(request: HttpRequest) -> bool:
    header = dict(request.headers)[hub88_wire.SIGNATURE_HEADER]
    return header == hub88_wire.sign(request.body, SIGN_KEY)
