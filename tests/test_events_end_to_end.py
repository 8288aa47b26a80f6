"""Events end to end: a real `reelhouse worker` pushes an operator's events to a receiver
over HTTP, is killed with SIGKILL in the middle of a delivery, the secret is rotated, a new
worker finishes the job; the receiver, which checks every signature and drops sequences it
has seen, ends with every event exactly once and in order, and the pull over the Main API
returns the same sequence. The new deliverer runs in the test's process: what is tested is
that it takes over from the killed one's claim."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelhouse.api.app import create_app
from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.dispatch.events_delivery import EventDeliverer
from reelhouse.dispatch.transport import HttpxTransport
from reelhouse.domain.events import SIGNATURE_HEADER, EventKind, verify
from reelhouse.services import operators, webhooks
from reelhouse.services.settings import Settings
from reelhouse.store import events
from reelhouse.store.secrets import new_key_text
from tests.conftest import fresh_database
from tests.test_kill9 import REELHOUSE, Process

BEFORE_KILL = 7
AFTER_ROTATION = 5
DELIVERED_WITHIN_S = 60  # a bound on a hang, not a timing: the test ends as soon as it is done


@dataclass
class Receiver:
    """An operator's receiver: verifies the signature with the secret it knows, processes
    each event once in sequence order (duplicates dropped), and answers. The first request
    is held unanswered until `release` (the sender is killed meanwhile)."""

    secret: str = ""
    accepted: list[dict[str, Any]] = field(default_factory=list)
    duplicates: int = 0
    gaps: list[int] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    forged: int = 0
    first_request: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, header: str, body: bytes) -> bool:
        with self.lock:
            self.headers.append(header)
            if not verify(header, body, self.secret, int(time.time())):
                self.forged += 1
                return False
            for event in json.loads(body)["events"]:
                last = self.accepted[-1]["sequence"] if self.accepted else 0
                if event["sequence"] <= last:
                    self.duplicates += 1
                elif event["sequence"] == last + 1:
                    self.accepted.append(event)
                else:
                    self.gaps.append(event["sequence"])
            return True

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                good = receiver.take(self.headers.get(SIGNATURE_HEADER, ""), body)
                if not receiver.first_request.is_set():
                    receiver.first_request.set()
                    receiver.release.wait(timeout=DELIVERED_WITHIN_S)
                self.send_response(200 if good else 401)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    found = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), found.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found, f"http://127.0.0.1:{server.server_address[1]}/hooks/reelhouse"
    found.release.set()
    server.shutdown()
    server.server_close()


def test_every_event_arrives_once_in_order_across_a_kill_and_a_rotation(
    request: pytest.FixtureRequest, tmp_path: Path, receiver: tuple[Receiver, str]
) -> None:
    hook, hook_url = receiver
    database_url = fresh_database(request, "sqlite", tmp_path)
    port = free_port()
    settings = Settings(database_url, new_key_text(), f"http://127.0.0.1:{port}", True)
    platform = build_platform(settings)
    server = ServerThread(create_app(platform), port=port).start()
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name="listener",
            currency="USD",
            callback_url="http://127.0.0.1:9/wallet",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    first_secret = webhooks.set_url(platform, "listener", hook_url)
    assert first_secret is not None
    hook.secret = first_secret

    def happen(count: int) -> None:
        # Each in a transaction of its own, as state changes are (their emission from the
        # round, call and grant changes is tested at the service level).
        for n in range(count):
            with platform.db.transaction() as session:
                data = {"round_id": n, "user_code": 1, "game_code": "lucky-sevens"}
                events.stage(
                    session, issued.operator_id, EventKind.ROUND_SETTLED, data, platform.clock.now()
                )

    happen(BEFORE_KILL)
    env = os.environ | {
        "REELHOUSE_DATABASE_URL": database_url,
        "REELHOUSE_SECRET_KEY": settings.secret_key,
        "REELHOUSE_PUBLIC_URL": settings.public_base_url,
        "REELHOUSE_ALLOW_PRIVATE_CALLBACKS": "1",
        "REELHOUSE_EVENT_LEASE_SECONDS": "1.5",  # a killed claimer is replaced within seconds
    }
    worker = Process([REELHOUSE, "worker"], env, tmp_path / "worker.log")
    worker.start()
    try:
        assert hook.first_request.wait(timeout=DELIVERED_WITHIN_S), "no delivery came"
        worker.kill()  # SIGKILL while the receiver holds the delivery unanswered
        hook.release.set()
        # Rotated while nobody delivers: the receiver switches to the new secret at once,
        # and the overlap keeps the old one signing for receivers that switch later.
        hook.secret = webhooks.rotate_secret(platform, "listener", overlap_s=3600)
        happen(AFTER_ROTATION)
    finally:
        worker.stop()
    # The next deliverer, in this process (a second process start would only cost time):
    # it takes over once the killed one's claim has run out.
    transport = HttpxTransport(allow_private=True)
    successor = EventDeliverer(platform.db, platform.sealer, transport, platform.clock)
    stop = threading.Event()
    running = threading.Thread(target=successor.run_forever, args=(stop,))
    running.start()
    total = BEFORE_KILL + AFTER_ROTATION
    try:
        deadline = time.monotonic() + DELIVERED_WITHIN_S
        while len(hook.accepted) < total and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        running.join()
        transport.close()
    assert [event["sequence"] for event in hook.accepted] == list(range(1, total + 1))
    assert hook.duplicates >= 1  # the batch the killed worker sent came again
    assert hook.gaps == [] and hook.forged == 0
    assert hook.headers[0].count("v1=") == 1 and hook.headers[-1].count("v1=") == 2
    try:
        pulled = httpx.post(
            f"{server.url}/v4/events",
            json={"after": 0, "limit": 500},
            headers={"Authorization": f"Bearer {issued.api_token}"},
        ).json()
    finally:
        server.stop()
        platform.close()
    assert pulled["code"] == 0
    assert pulled["data"]["events"] == hook.accepted
    assert pulled["data"]["last_sequence"] == total
