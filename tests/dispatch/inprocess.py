"""A Reelhouse platform wired to the real demo-casino logic in-process, through a transport
that can be switched down (per command) and that records every call put on the wire."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import TransportError
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.operator_kit.demo_casino.casino import Casino
from reelhouse.services import launch, operators, players
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.secrets import Sealer, new_key_text

GAME = "lucky-sevens"


@dataclass
class RecordingTransport:
    casino: Casino
    down_for: set[str] = field(default_factory=set)  # commands that fail (operator down)
    answer_lost_for: set[str] = field(default_factory=set)  # applied, but the answer is lost
    sent: Counter[str] = field(default_factory=Counter)  # trans_guid -> times on the wire
    overlaps: list[str] = field(default_factory=list)  # guids sent while already on the wire
    _on_wire: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, request: HttpRequest) -> HttpAnswer:
        doc = json.loads(request.body)
        command, guid = doc["command"], str(doc["data"].get("trans_guid", ""))
        with self._lock:
            if guid:
                if guid in self._on_wire:
                    self.overlaps.append(guid)
                self._on_wire.add(guid)
                self.sent[guid] += 1
        try:
            if command in self.down_for:
                raise TransportError("operator down")
            answer = self.casino.answer_callback(dict(request.headers), request.body)
            if command in self.answer_lost_for:
                raise TransportError("answer lost after the wallet applied the call")
            return HttpAnswer(200, answer)
        finally:
            with self._lock:
                self._on_wire.discard(guid)


@dataclass
class Deployment:
    db: Database
    casino: Casino
    transport: RecordingTransport
    clock: FakeClock
    settings: Settings
    operator_name: str = "op"

    senders: list[WalletSender] = field(default_factory=list)

    def sender(self, policy: RetrySchedule | None = None) -> WalletSender:
        sender = WalletSender(
            self.db, Sealer(self.settings.secret_key), self.clock, self.transport, policy
        )
        self.senders.append(sender)  # closed with the deployment: what it has pending is written
        return sender

    def platform(self, sender: WalletSender | None = None) -> Platform:
        return Platform(
            db=self.db, settings=self.settings, wallet=sender or self.sender(), clock=self.clock
        )

    def open_sessions(self, count: int, balance: str = "100.00") -> list[str]:
        platform = self.platform()
        with self.db.transaction() as session:
            operator = operators.find_by_name(session, self.operator_name)
        tokens = []
        for n in range(count):
            name = f"player_{n}"
            self.casino.create_player(name, "USD", balance)
            ref = players.create_or_get(platform, operator.id, name)
            request = launch.LaunchRequest(ref.user_code, 1, GAME, "en", "", Decimal(0))
            url = launch.create_launch_url(platform, operator, request)
            tokens.append(launch.open_launch(platform, url.rsplit("/", 1)[1]))
        return tokens

    def close(self) -> None:
        for sender in self.senders:
            sender.close()
        self.casino.dispose()
        self.db.dispose()


def deploy(database_url: str, workdir: Path) -> Deployment:
    clock = FakeClock(dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    token = {"value": ""}
    casino = Casino(f"sqlite:///{workdir / 'casino.db'}", lambda: token["value"], clock=clock)
    settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
    deployment = Deployment(
        Database(database_url), casino, RecordingTransport(casino), clock, settings
    )
    issued = operators.create_operator(
        deployment.platform(),
        operators.NewOperator(
            name="op",
            currency="USD",
            callback_url="http://wallet.invalid/cb",
            min_bet_minor=10,
            max_bet_minor=100_000,
            approved=True,
        ),
    )
    token["value"] = issued.callback_token
    return deployment
