"""The demo's second provider: another Reelhouse, in the same process, aggregated through the
SlotCity v4 dialect adapter (docs/aggregation.md). It has its own SQLite database in the
demo's data directory, where the demo's Reelhouse is an operator account speaking SlotCity
v4 with its callback URL on the relay; the demo's Reelhouse has it as provider
`reelhouse-two`, its catalogue synced and offered to the demo operator.

The second Reelhouse starts on a fresh database at every start (its deployment key is made
anew too, so nothing of it needs keeping): its account's credentials are issued again, and
the registered provider is given them and the new port (services/providers.py `set_keys`,
`set_base_url`). Its own dispatcher delivers its wins and cancels to the relay.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

from reelhouse.api.app import create_app
from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.games import catalogue
from reelhouse.providers import slotcity_v4
from reelhouse.providers.registry import get_protocol
from reelhouse.services import operators, provider_games, providers
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.secrets import new_key_text

UPSTREAM_NAME = "reelhouse-two"
UPSTREAM_TITLE = "Reelhouse Two"
UPSTREAM_PROTOCOL = slotcity_v4.NAME
UPSTREAM_DATABASE_FILE = "upstream_reelhouse.db"
# The demo's Reelhouse as the second one's operator account (SlotCity's agent code).
ACCOUNT_NAME = "demo_aggregator"
ACCOUNT_CURRENCY = "USD"  # the demo casino's
# Seconds the stopping dispatcher is given to finish its pass before the database closes.
WORKER_JOIN_SECONDS = 10.0


@dataclass
class DemoUpstream:
    platform: Platform
    server: ServerThread
    provider_id: int
    worker_stop: threading.Event
    worker_thread: threading.Thread

    def stop(self) -> None:
        self.worker_stop.set()
        self.worker_thread.join(WORKER_JOIN_SECONDS)
        self.server.stop()
        self.platform.close()


def relay_callback_url(reelhouse_url: str) -> str:
    """Where the second Reelhouse sends its wallet calls: the demo Reelhouse's relay for the
    provider, with the path the dialect's wallet calls take."""
    callback_path = get_protocol(UPSTREAM_PROTOCOL).callback_path or ""
    return f"{reelhouse_url}/upstream/{UPSTREAM_NAME}{callback_path}"


def start_upstream(
    var_dir: Path, reelhouse_url: str
) -> tuple[Platform, ServerThread, bytes, bytes]:
    """The second Reelhouse, serving on a free port with the demo Reelhouse as its account;
    with the account's credentials as the provider's two key texts."""
    database = var_dir / UPSTREAM_DATABASE_FILE
    # SQLite's write-ahead log and its index too: a log left by a killed run would otherwise
    # be replayed into the new file.
    for suffix in ("", "-wal", "-shm"):
        (var_dir / f"{UPSTREAM_DATABASE_FILE}{suffix}").unlink(missing_ok=True)
    port = free_port()
    settings = Settings(
        database_url=f"sqlite:///{database}",
        secret_key=new_key_text(),
        public_base_url=f"http://127.0.0.1:{port}",
        allow_private_callbacks=True,
    )
    platform = build_platform(settings)
    account = operators.create_operator(
        platform,
        operators.NewOperator(
            name=ACCOUNT_NAME,
            currency=ACCOUNT_CURRENCY,
            callback_url=relay_callback_url(reelhouse_url),
            dialect=UPSTREAM_PROTOCOL,
            min_bet_minor=10,
            max_bet_minor=10_000,
            approved=True,
        ),
    )
    server = ServerThread(create_app(platform), port=port).start()
    verify_key, sign_key = _keys(account)
    return platform, server, verify_key, sign_key


def _keys(issued: operators.IssuedOperator) -> tuple[bytes, bytes]:
    """The account's credentials as the provider's key texts (providers/dialect_upstream.py):
    what checks the second Reelhouse's calls, and what signs ours to it."""
    wallet = {
        "callback_token": issued.callback_token,
        "api_token": issued.api_token,
        "agent_id": ACCOUNT_NAME,
        "currency": ACCOUNT_CURRENCY,
    }
    api = {"api_token": issued.api_token, "agent_id": ACCOUNT_NAME}
    if issued.secret_key is not None:
        wallet["secret_key"] = api["secret_key"] = issued.secret_key
    return json.dumps(wallet).encode(), json.dumps(api).encode()


def aggregate_upstream(
    platform: Platform,
    operator_name: str,
    started: tuple[Platform, ServerThread, bytes, bytes],
) -> DemoUpstream:
    """Registers the second Reelhouse (or gives the registered one its new address and
    keys), syncs its catalogue, offers it to `operator_name`, and starts its dispatcher."""
    upstream, server, verify_key, sign_key = started
    provider_id = _registered(platform, server.url, verify_key, sign_key)
    fetch = platform.upstream_fetch
    assert fetch is not None, "build_platform wires the real transport"
    provider_games.sync_catalogue(platform, UPSTREAM_NAME, fetch)
    providers.enable_for_operator(platform, UPSTREAM_NAME, operator_name, True)
    assert isinstance(upstream.wallet, WalletSender)
    stop = threading.Event()
    worker = Worker(upstream.db, upstream.wallet, upstream.clock)
    thread = threading.Thread(target=worker.run_forever, args=(stop,), daemon=True)
    thread.start()
    return DemoUpstream(upstream, server, provider_id, stop, thread)


def _registered(platform: Platform, base_url: str, verify_key: bytes, sign_key: bytes) -> int:
    try:
        known = providers.get_provider(platform, UPSTREAM_NAME)
    except ReelhouseError as exc:
        if exc.code is not ApiCode.PROVIDER_NOT_FOUND:
            raise
        spec = providers.NewProvider(
            name=UPSTREAM_NAME,
            title=UPSTREAM_TITLE,
            protocol=UPSTREAM_PROTOCOL,
            base_url=base_url,
            verify_key_pem=verify_key,
            sign_key_pem=sign_key,
        )
        return providers.add_provider(platform, spec)
    providers.set_base_url(platform, UPSTREAM_NAME, base_url)
    providers.set_keys(platform, UPSTREAM_NAME, verify_key, sign_key)
    return known.id


def upstream_game_key(game_code: str) -> str:
    """What the demo operator's games list names the second Reelhouse's copy of one of
    Reelhouse's games (SlotCity names a game by its provider id and code)."""
    return slotcity_v4.game_key(catalogue.PROVIDER_ID, game_code)
