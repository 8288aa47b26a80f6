"""Events: the time from an event's commit to its arrival at the operator's receiver, beside
a bare HTTP POST of the same body to the same receiver in the same run; and what the
per-operator counter costs settlements that write events at once.

    .venv/bin/python -m bench.events [--database URL] [--events N]

Delivery: one operator with a webhook on a local receiver (a threaded HTTP server in this
process, which notes when each sequence first arrives), the worker's deliverer
(dispatch/events_delivery.py) on its own thread with the real transport. Events are written
one at a time, each in its own transaction, a random 0-100 ms after the one before arrived
(so a commit lands anywhere in the deliverer's idle poll); each sample is from just after
the commit returned to the receiver's arrival. The baseline POSTs the same bytes to the same
receiver with a plain httpx client: from the send to the arrival.

Contention: THREADS threads each commit TRANSACTIONS transactions that write one event,
once all for one operator (they queue on its counter row) and once each for an operator of
its own; events committed per second in each case.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from bench.load_stack import postgres_database
from bench.load_stats import latency_ms
from reelhouse.api.wiring import build_platform
from reelhouse.dispatch.events_delivery import EventDeliverer
from reelhouse.dispatch.transport import HttpxTransport
from reelhouse.domain.events import EventKind
from reelhouse.services import operators, webhooks
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store import events
from reelhouse.store.secrets import new_key_text

RESULTS = Path(__file__).parent / "results" / "events.json"
DEFAULT_EVENTS = 300
THREADS = 8
TRANSACTIONS = 100  # per thread, in the contention part
ARRIVAL_WAIT_S = 30.0  # a bound on a lost event, not a measurement
DATA = {"round_id": 1, "user_code": 1, "game_code": "lucky-sevens", "bet_minor": 100}


@dataclass
class Receiver:
    """Notes when each sequence first arrived (perf_counter, this process)."""

    arrived: dict[int, float] = field(default_factory=dict)
    posts: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, sequence: int) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: sequence in self.arrived, ARRIVAL_WAIT_S):
                raise RuntimeError(f"event {sequence} never arrived")
            return self.arrived[sequence]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the name http.server calls
                body = self.rfile.read(int(self.headers["Content-Length"]))
                at = time.perf_counter()
                with receiver.changed:
                    receiver.posts += 1
                    for event in json.loads(body).get("events", []):
                        receiver.arrived.setdefault(event["sequence"], at)
                    receiver.changed.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler


def _operator(platform: Platform, name: str) -> int:
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name=name,
            currency="USD",
            callback_url="http://127.0.0.1:9/wallet",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    return issued.operator_id


def _write_event(platform: Platform, operator_id: int) -> None:
    with platform.db.transaction() as session:
        events.stage(session, operator_id, EventKind.ROUND_SETTLED, DATA, platform.clock.now())


def delivery(platform: Platform, count: int, rng: random.Random) -> dict[str, Any]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), receiver.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    operator_id = _operator(platform, "listener")
    webhooks.set_url(platform, "listener", url)
    transport = HttpxTransport(allow_private=True)
    deliverer = EventDeliverer(platform.db, platform.sealer, transport, platform.clock)
    stop = threading.Event()
    pushing = threading.Thread(target=deliverer.run_forever, args=(stop,))
    pushing.start()
    pushed: list[float] = []
    try:
        for sequence in range(1, count + 1):
            time.sleep(rng.uniform(0, 0.1))
            _write_event(platform, operator_id)
            committed = time.perf_counter()
            pushed.append(receiver.wait_for(sequence) - committed)
    finally:
        stop.set()
        pushing.join()
        transport.close()
    deliveries = receiver.posts  # POSTs the deliverer made (several events may share one)
    bare: list[float] = []
    with httpx.Client() as client:
        for n in range(count):
            marker = -(n + 1)  # a sequence the delivery never uses
            event = {"sequence": marker, "kind": "round.settled", "data": DATA}
            payload = json.dumps({"events": [event]}, separators=(",", ":")).encode()
            sent = time.perf_counter()
            client.post(url, content=payload, headers={"Content-Type": "application/json"})
            bare.append(receiver.wait_for(marker) - sent)
    server.shutdown()
    server.server_close()
    return {
        "events": count,
        "deliveries": deliveries,
        "commit_to_delivery_ms": latency_ms(pushed),
        "bare_post_ms": latency_ms(bare),
    }


def contention(platform: Platform) -> dict[str, Any]:
    """Events committed per second by THREADS writers: one operator's counter, or one each."""
    own = [_operator(platform, f"writer{n}") for n in range(THREADS)]
    shared = [own[0]] * THREADS
    result = {}
    for label, operator_ids in (("one_operator", shared), ("one_operator_each", own)):

        def write(operator_id: int) -> None:
            for _ in range(TRANSACTIONS):
                _write_event(platform, operator_id)

        threads = [threading.Thread(target=write, args=(op,)) for op in operator_ids]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        result[f"{label}_events_per_s"] = round(THREADS * TRANSACTIONS / elapsed, 1)
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None, help="sqlite (default) or a postgresql:// URL")
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.database and args.database.startswith("postgresql"):
            url = stack.enter_context(postgres_database(args.database))
        else:
            url = f"sqlite:///{workdir / 'events.db'}"
        platform = build_platform(Settings(url, new_key_text(), "http://127.0.0.1:1", True))
        stack.callback(platform.close)
        result: dict[str, Any] = {
            "database": url.split(":", 1)[0],
            "delivery": delivery(platform, args.events, random.Random(11)),
            "contention": contention(platform),
        }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n")
    pushed = result["delivery"]["commit_to_delivery_ms"]
    bare = result["delivery"]["bare_post_ms"]
    print(
        f"events on {result['database']}: commit to delivery p50 {pushed['p50']} ms, "
        f"p99 {pushed['p99']} ms; bare POST p50 {bare['p50']} ms, p99 {bare['p99']} ms"
    )
    print(f"contention: {result['contention']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
