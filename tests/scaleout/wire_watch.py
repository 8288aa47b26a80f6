"""An ASGI wrapper in front of a wallet that watches the wire and makes it fail.

It counts, per transaction id, the requests in flight at once: the same call on the wire
twice at the same time (two dispatchers, or a dispatcher and a serving process, sending one
call) is recorded as an overlap. And, chosen by a seeded draw, it fails some calls the
wallet is sent: a dropped one is answered 503 without reaching the wallet; a lost one
reaches the wallet, is applied, and its answer is replaced by a 503. Bets are dropped now
and then (their rounds are cancelled: cancels to send), wins and cancels are dropped or
lost more often (retries for the dispatchers).

Reads the SlotCity v4 callback body: `command` and `data.trans_guid`."""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

Message = dict[str, Any]


@dataclass
class FaultRates:
    """Share of each command's calls to fail: (dropped, answer lost)."""

    rates: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "bet": (0.03, 0.0),
            "win": (0.05, 0.05),
            "cancel": (0.10, 0.10),
        }
    )


@dataclass
class WireLog:
    in_flight: Counter[str] = field(default_factory=Counter)
    overlaps: list[str] = field(default_factory=list)  # ids seen twice on the wire at once
    sent: Counter[str] = field(default_factory=Counter)  # requests per command
    failed: Counter[str] = field(default_factory=Counter)  # injected failures per command
    lock: threading.Lock = field(default_factory=threading.Lock)


class WireWatch:
    def __init__(self, app: Any, seed: int, rates: FaultRates | None = None) -> None:
        self.app = app
        self.log = WireLog()
        self._rates = (rates or FaultRates()).rates
        self._chooser = random.Random(seed)

    def _fault(self, command: str) -> str | None:
        dropped, lost = self._rates.get(command, (0.0, 0.0))
        draw = self._chooser.random()
        if draw < dropped:
            return "drop"
        if draw < dropped + lost:
            return "lose"
        return None

    async def __call__(self, scope: Message, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        try:
            doc = json.loads(body)
            command, trans_id = str(doc["command"]), str(doc["data"]["trans_guid"])
        except (ValueError, KeyError, TypeError):
            command, trans_id = "", ""

        async def replay() -> Message:
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        if not trans_id:  # the admin API, or a call without an id (balance)
            await self.app(scope, replay, send)
            return
        with self.log.lock:
            self.log.sent[command] += 1
            self.log.in_flight[trans_id] += 1
            if self.log.in_flight[trans_id] > 1:
                self.log.overlaps.append(trans_id)
            fault = self._fault(command)
            if fault:
                self.log.failed[command] += 1
        try:
            if fault == "drop":
                await _unavailable(send)
            elif fault == "lose":
                await self.app(scope, replay, _discard)
                await _unavailable(send)
            else:
                await self.app(scope, replay, send)
        finally:
            with self.log.lock:
                self.log.in_flight[trans_id] -= 1


async def _discard(_message: Message) -> None:
    return None


async def _unavailable(send: Any) -> None:
    await send({"type": "http.response.start", "status": 503, "headers": []})
    await send({"type": "http.response.body", "body": b"injected fault"})
