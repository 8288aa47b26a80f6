"""Two Reelhouses on loopback, one aggregating the other: the *upstream* (its own database
and app, Reelhouse's games) has the *aggregator* as its operator in a wallet dialect; the
aggregator registers the upstream as a provider speaking that dialect, syncs its games and
relays its wallet calls to the demo casino in the casino's own dialect. Both share one
injectable clock (the signature windows of SlotCity and iGamingAce A read it on both
sides), and each sends through a transport that can lose one answer on cue."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from reelhouse.api.app import create_app
from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.dispatch.transport import HttpxTransport, TransportError
from reelhouse.domain.clock import FakeClock
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.games.rng import SeededRng
from reelhouse.providers import igamingace_a, igamingace_b, slotcity_v4
from reelhouse.providers.registry import get_protocol
from reelhouse.services import operators, provider_games, providers
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.secrets import new_key_text
from tests.harness import GAME, OPERATOR_NAME, Stack, fake_start, running_stack
from tests.upstream.rig import drain_all

PROVIDER_NAME = "reelhouse-two"
# The aggregator's account at the upstream: also its iGamingAce B `agentID`.
ACCOUNT_NAME = "aggregator_one"
CURRENCY = "USD"
# Seconds of the timeout scale both transports use: a loaded machine is not a fault.
TIMEOUT_SCALE = 5.0
# What the upstream names Reelhouse's game in its list, launch and callbacks, per protocol.
GAME_KEY = {
    "slotcity-v4": slotcity_v4.game_key(1, GAME),
    "igamingace-a": igamingace_a.game_key(1, numeric_game_id(GAME)),
    "igamingace-b": igamingace_b.game_key(numeric_game_id(GAME)),
}


def command_of(request: HttpRequest) -> str:
    """A wallet request's command in any dialect: the body's `command` (SlotCity, A), or
    the path's operation (B), lower-cased in Reelhouse's words."""
    operation = request.url.rsplit("/", 1)[-1]
    by_operation = {"GetBalance": "balance", "Withdraw": "bet", "Deposit": "win",
                    "RollbackTransaction": "cancel"}  # fmt: skip
    if operation in by_operation:
        return by_operation[operation]
    try:
        doc = json.loads(request.body)
    except ValueError:
        return ""
    return str(doc.get("command", "")) if isinstance(doc, dict) else ""


@dataclass
class LosingTransport:
    """The real HTTP transport, which loses the answer of the next `command` it is told to:
    the request is sent and applied, the sender hears nothing back (as a timeout)."""

    inner: HttpxTransport = field(
        default_factory=lambda: HttpxTransport(TIMEOUT_SCALE, allow_private=True)
    )
    armed: list[str] = field(default_factory=list)
    lost: list[HttpRequest] = field(default_factory=list)

    def lose_next(self, command: str) -> None:
        self.armed.append(command)

    def send(self, request: HttpRequest) -> HttpAnswer:
        command = command_of(request)
        answer = self.inner.send(request)
        if command in self.armed:
            self.armed.remove(command)
            self.lost.append(request)
            raise TransportError("injected: the answer was lost after the call was applied")
        return answer


@dataclass
class Upstream:
    platform: Platform
    server: ServerThread
    transport: LosingTransport
    account: operators.IssuedOperator


@dataclass
class Aggregation:
    """The aggregator (`stack`, with the demo casino) and the upstream Reelhouse."""

    stack: Stack
    casino_transport: LosingTransport
    upstream: Upstream
    protocol: str
    provider_id: int
    clock: FakeClock

    def launch(self, name: str, balance: str) -> str:
        """A casino player launched into the upstream's game through the aggregator's Main
        API; returns the session token the upstream's game page opened."""
        user_code = self.stack.bots().fund_player(name, CURRENCY, balance)
        answer = self.stack.call(
            "/v4/game/game-url",
            {"user_code": user_code, "provider_id": self.provider_id,
             "game_symbol": GAME_KEY[self.protocol]},
        )  # fmt: skip
        assert answer["code"] == 0, answer
        url = answer["data"]["game_url"]
        assert url.startswith(self.upstream.server.url), url
        return self.stack.bots().session_from_url(url)

    def spin(self, session_token: str, bet: str) -> dict[str, Any]:
        """One spin on the upstream's game API, as the player's browser sends it."""
        answer = httpx.post(
            f"{self.upstream.server.url}/api/game/spin",
            json={"bet": bet},
            headers={"Authorization": f"Bearer {session_token}"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        envelope: dict[str, Any] = json.loads(answer.text, parse_float=Decimal)
        return envelope

    def casino_cents(self, name: str) -> int:
        return int(self.stack.bots().casino_balance(name) * 100)

    def drain(self) -> None:
        drain_all(self.clock, self.upstream.platform, self.stack.platform)


def _keys(issued: operators.IssuedOperator, protocol: str) -> tuple[bytes, bytes]:
    """The credentials the upstream issued the aggregator's account, as the provider's two
    key texts (providers/dialect_upstream.py): what checks its calls, what signs ours."""
    wallet: dict[str, str] = {
        "callback_token": issued.callback_token,
        "api_token": issued.api_token,
        "agent_id": ACCOUNT_NAME,
        "currency": CURRENCY,
    }
    api: dict[str, str] = {"api_token": issued.api_token, "agent_id": ACCOUNT_NAME}
    if issued.secret_key is not None:
        wallet["secret_key"] = api["secret_key"] = issued.secret_key
    assert protocol in GAME_KEY
    return json.dumps(wallet).encode(), json.dumps(api).encode()


@contextmanager
def upstream_reelhouse(
    database_url: str, clock: FakeClock, protocol: str, callback_url: str, seed: int
) -> Iterator[Upstream]:
    """The upstream Reelhouse, serving, with the aggregator's account in `protocol`."""
    transport = LosingTransport()
    port = free_port()
    settings = Settings(
        database_url=database_url,
        secret_key=new_key_text(),
        public_base_url=f"http://127.0.0.1:{port}",
        allow_private_callbacks=True,
    )
    platform = build_platform(settings, clock=clock, transport=transport)
    # Outcomes drawn from one seeded source: the same rounds on every run.
    draws = random.Random(seed)
    platform.game_rng = lambda: SeededRng(draws.randrange(2**32))
    account = operators.create_operator(
        platform,
        operators.NewOperator(
            name=ACCOUNT_NAME,
            currency=CURRENCY,
            callback_url=callback_url,
            dialect=protocol,
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    server = ServerThread(create_app(platform), port=port).start()
    try:
        yield Upstream(platform, server, transport, account)
    finally:
        server.stop()
        platform.close()
        transport.inner.close()


@contextmanager
def aggregation(
    database_url: str,
    upstream_database_url: str,
    tmp_path: Path,
    protocol: str,
    casino_dialect: str,
    seed: int = 0,
) -> Iterator[Aggregation]:
    """The whole chain, ready to launch: the provider added, its catalogue synced and
    offered to the casino's operator, as an administrator would (docs/aggregation.md)."""
    clock = FakeClock(fake_start())
    casino_transport = LosingTransport()
    try:
        with running_stack(
            database_url, tmp_path, transport=casino_transport, clock=clock,
            dialect=casino_dialect,
        ) as stack:  # fmt: skip
            descriptor = get_protocol(protocol)
            relay_url = f"{stack.reelhouse.url}/upstream/{PROVIDER_NAME}"
            callback_url = relay_url + (descriptor.callback_path or "")
            with upstream_reelhouse(
                upstream_database_url, clock, protocol, callback_url, seed
            ) as upstream:
                verify_key, sign_key = _keys(upstream.account, protocol)
                provider_id = providers.add_provider(
                    stack.platform,
                    providers.NewProvider(
                        name=PROVIDER_NAME,
                        title="Reelhouse two",
                        protocol=protocol,
                        base_url=upstream.server.url,
                        verify_key_pem=verify_key,
                        sign_key_pem=sign_key,
                    ),
                )
                fetch = stack.platform.upstream_fetch
                assert fetch is not None
                synced = provider_games.sync_catalogue(stack.platform, PROVIDER_NAME, fetch)
                assert GAME_KEY[protocol] in synced.new, synced
                providers.enable_for_operator(stack.platform, PROVIDER_NAME, OPERATOR_NAME, True)
                yield Aggregation(stack, casino_transport, upstream, protocol, provider_id, clock)
    finally:
        casino_transport.inner.close()
