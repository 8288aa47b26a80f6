"""A seeded fault simulation of the dispatcher.

Reelhouse (its real services, outbox, sender and worker, on a real database) talks to the
real demo-casino wallet logic through an injected transport that, driven by one seed, drops
requests, loses answers after the wallet applied them, answers 5xx or garbage, times out,
drips an answer in past the call's deadline, answers with a number the codec raises on,
duplicates and reorders deliveries, holds a bet past its deadline and applies it just after
answering its cancel "not found" (as a wallet that keeps no record of such cancels may), and
crashes the process mid-call; between steps the
operator may switch dialects with calls pending. Each seed plays one of a few schedules
(SCHEDULES): those faults all at once, the same from a wallet that keeps money in binary
floats (balances like 49.30000000000001), a healthy wallet that answers about one call in
ten too late at low traffic, or an outage (the wallet refuses connections for a while). The
circuit breaker may open only in the schedules that model an outage. The clock is injected
and only moves when the simulation moves it. Everything random comes from the seed, and the
worker runs one sender thread, so a seed replays exactly.

It runs in every wallet dialect: the operator account starts in the dialect, the transport
delivers each request to the casino's endpoint for the dialect it is written in (after a
switch both are on the wire), and reads it with that dialect's own operator-side codec.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import select

from reelhouse.dialects.base import CallbackCredentials, CodecDialect, Dialect, RetryPolicy
from reelhouse.dialects.registry import DIALECT_NAMES, get_dialect
from reelhouse.dispatch.breaker import BreakerState
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import TransportError, WalletUnreachable
from reelhouse.dispatch.worker import Worker
from reelhouse.domain.clock import UTC, FakeClock, from_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.states import TERMINAL_ROUND_STATES, CallState, RoundState
from reelhouse.domain.wallet import (
    ROUND_OPENING_KINDS,
    CommandKind,
    HttpAnswer,
    HttpRequest,
    WalletCommand,
    WalletOutcome,
)
from reelhouse.games.rng import SeededRng
from reelhouse.operator_kit.demo_casino.casino import CALLBACK_PATHS, Casino
from reelhouse.operator_kit.sdk.models import Tombstone
from reelhouse.services import audit, backoffice_settings, launch, operators, players, rounds
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import Player, Round, WalletCall
from reelhouse.store.outbox import LATE_BET_WINDOW
from reelhouse.store.secrets import Sealer
from tests.dispatch.multi_dialect import OnTheWire, answer, our_id, read_request
from tests.dispatch.relay_sim import SupplierSim, check_three_ledgers, sim_secret_key

GAME = "lucky-sevens"
PLAYERS = 3
START_BALANCE = "30.00"
BETS = ("0.50", "1.00", "5.00", "10.00", "25.00")
STEPS = 14
MAX_DRAIN_PASSES = 400
OPERATOR = "sim"
# How often a step of play also gives the upstream supplier a turn.
SUPPLIER_SHARE = 0.3
OPENING_NAMES = frozenset(kind.value for kind in ROUND_OPENING_KINDS)
SWITCHER = audit.Accountable("sim", "the casino moves to another wallet protocol")
# An answer no codec can read without raising, as `"balance": 1e999999` once made all three
# raise. The simulation's codecs raise on these exact bytes (codec_that_raises), so the
# fault tests the dispatcher's safety net whatever the real codecs do with such a number.
RAISING_ANSWER = b'{"balance":1e999999}'


class SimulatedCrash(BaseException):
    """The process died mid-call. BaseException so that no handler in the code under test
    swallows it, as no handler survives a real kill."""


class Fault(StrEnum):
    NONE = "none"
    DROP = "drop"  # never reaches the wallet
    LOST_ANSWER = "lost_answer"  # applied by the wallet, answer lost
    SERVER_ERROR = "5xx"  # wallet answers 503 without applying
    GARBAGE = "garbage"  # applied, answer unreadable
    DUPLICATE = "duplicate"  # delivered twice
    DELAYED = "delayed"  # held in the network, delivered later (reordered); caller times out
    CRASH_BEFORE = "crash_before"  # process dies before sending
    CRASH_AFTER = "crash_after"  # process dies after the wallet applied the call
    CODEC_RAISES = "codec_raises"  # applied; the answer makes the codec raise
    SLOW_DRIP = "slow_drip"  # applied; the answer drips in, often past the call's deadline
    # A bet held by the wallet past its deadline; its cancel is answered "not found", then the
    # wallet applies the bet (any other call is delivered normally).
    HELD_THEN_APPLIED = "held_then_applied"


FAULT_WEIGHTS = {
    Fault.NONE: 50,
    Fault.DROP: 8,
    Fault.LOST_ANSWER: 10,
    Fault.SERVER_ERROR: 6,
    Fault.GARBAGE: 6,
    Fault.DUPLICATE: 6,
    Fault.DELAYED: 6,
    Fault.CRASH_BEFORE: 4,
    Fault.CRASH_AFTER: 4,
    Fault.CODEC_RAISES: 4,
    Fault.SLOW_DRIP: 4,
    Fault.HELD_THEN_APPLIED: 4,
}


class Schedule(StrEnum):
    MIXED = "mixed"  # every fault above, at FAULT_WEIGHTS
    FLOAT_NOISE = "float_noise"  # the same, from a wallet that keeps money in doubles
    SLOW_LOW_TRAFFIC = "slow_low_traffic"  # healthy, but about one answer in ten too late
    OUTAGE = "outage"  # the wallet refuses connections for a stretch of play, then returns


@dataclass(frozen=True)
class SchedulePlan:
    players: int
    steps: int
    faults: bool  # FAULT_WEIGHTS apply while playing
    # Whether the schedule models an outage: the breaker may open only then. MIXED does: a
    # wallet failing nearly half its calls (and crashing us) is one, at enough volume.
    models_outage: bool
    slow_answers: bool = False  # stalls: runs of answers past their deadline
    float_noise: bool = False  # every balance the wallet answers is a noisy double
    outage_steps: range = range(0)  # steps during which nothing listens at the wallet


SCHEDULES = {
    Schedule.MIXED: SchedulePlan(PLAYERS, STEPS, faults=True, models_outage=True),
    Schedule.FLOAT_NOISE: SchedulePlan(
        PLAYERS, STEPS, faults=True, models_outage=True, float_noise=True
    ),
    # 6 players, as when the old rule (five unknown outcomes in a row) shut all of them out.
    Schedule.SLOW_LOW_TRAFFIC: SchedulePlan(
        6, 32, faults=False, models_outage=False, slow_answers=True
    ),
    Schedule.OUTAGE: SchedulePlan(
        PLAYERS, 16, faults=False, models_outage=True, outage_steps=range(2, 8)
    ),
}
# Which schedule a seed plays: faults at once stay the most common, so the seed counts of
# tests/conftest.py (and the suite's time) need not grow.
ROTATION = (
    Schedule.MIXED,
    Schedule.FLOAT_NOISE,
    Schedule.SLOW_LOW_TRAFFIC,
    Schedule.MIXED,
    Schedule.FLOAT_NOISE,
    Schedule.OUTAGE,
    Schedule.MIXED,
    Schedule.FLOAT_NOISE,
)

# A stall catches 2 to 6 calls (players waiting at once), and the wallet answers at least
# STALL_GAP_MIN calls in time between stalls: about one answer in ten late, never enough in
# one breaker window to be an outage (the old rule opened on five in a row).
STALL_CALLS = (2, 6)
STALL_GAP_MIN = 20
STALL_GAP_SPREAD = 30

_BALANCE = re.compile(rb'"balance":\s*(-?[0-9]+(?:\.[0-9]+)?)')


def noisy_double(number: bytes, rng: random.Random) -> bytes:
    """`number` as a wallet keeping money in binary floats writes it: a few units in the
    last place off (30.00 becomes 30.000000000000004, 49.3 becomes 49.29999999999999)."""
    value = float(number)
    if value == 0:
        return number  # 0.0 is exact in binary; its neighbours (5e-324) are not noise
    for _ in range(rng.randint(1, 2)):
        value = math.nextafter(value, math.inf if rng.random() < 0.5 else -math.inf)
    return repr(value).encode()


def schedule_for(seed: int) -> Schedule:
    return ROTATION[seed % len(ROTATION)]


@dataclass
class WireLog:
    """What happened on the wire, in order, to check ordering invariants afterwards."""

    keys: dict[str, str | None]
    events: list[tuple[str, OnTheWire]] = field(default_factory=list)

    def add(self, event: str, request: HttpRequest) -> None:
        self.events.append((event, read_request(request, sim_credentials(self.keys))))


def sim_credentials(keys: dict[str, str | None]) -> CallbackCredentials:
    """The keys Reelhouse issued the operator, as the casino holds them now."""
    return CallbackCredentials(
        "", keys["token"] or "", keys["api_token"], keys["secret_key"], agent_id=OPERATOR
    )


@dataclass(frozen=True)
class DecodeRaises:
    """A real dialect, except that decoding raises whatever `raised` gives for an answer (a
    codec that once raised on a number too large for it); everything else is the real one's."""

    real: CodecDialect[Any]
    raised: Callable[[WalletCommand, HttpAnswer], BaseException | None]

    @property
    def name(self) -> str:
        return self.real.name

    def encode_command(
        self, cmd: WalletCommand, creds: CallbackCredentials, now_unix_s: int
    ) -> HttpRequest:
        return self.real.encode_command(cmd, creds, now_unix_s)

    def decode_answer(self, cmd: WalletCommand, answer: HttpAnswer) -> WalletOutcome:
        exc = self.raised(cmd, answer)
        if exc is not None:
            raise exc
        return self.real.decode_answer(cmd, answer)

    def timeout_ms(self, kind: CommandKind) -> int:
        return self.real.timeout_ms(kind)

    def quick_retries(self, kind: CommandKind) -> int:
        return self.real.quick_retries(kind)

    def retry_policy(self, kind: CommandKind) -> RetryPolicy:
        return self.real.retry_policy(kind)

    def supports(self, kind: CommandKind) -> bool:
        return self.real.supports(kind)


@functools.cache
def codec_that_raises(name: str) -> Dialect:
    """The real dialect, except that decoding RAISING_ANSWER raises."""

    def raised(_cmd: WalletCommand, answer: HttpAnswer) -> BaseException | None:
        if answer.body == RAISING_ANSWER:
            return OverflowError("simulated: a number the codec cannot hold")
        return None

    return DecodeRaises(get_dialect(name), raised)


class FaultyTransport:
    def __init__(self, casino: Casino, rng: random.Random, log: WireLog, clock: FakeClock) -> None:
        self.casino = casino
        self.clock = clock
        self.rng = rng
        self.log = log
        self.faults_on = True
        self.held: list[HttpRequest] = []
        # Bets the wallet holds until it has answered their cancel, by our bet id, with
        # when it took each in: no wallet holds a request past the late-bet window (the
        # assumption the second cancel rests on), so a held bet lands by then at the latest.
        self.held_bets: dict[str, tuple[HttpRequest, dt.datetime]] = {}
        self.float_noise = False
        self.noisy_answers = 0
        self.wallet_down = False
        self.slow_answers = False
        self.stall_left = 0  # calls the current stall still catches
        self.calls_to_next_stall = rng.randint(0, STALL_GAP_SPREAD)
        self.late_answers = 0
        self.calls = 0

    def _deliver(self, request: HttpRequest) -> bytes:
        self.log.add("delivered", request)
        body = answer(self.casino, request)
        cancelled = self.log.events[-1][1].cancelled_id
        if cancelled in self.held_bets:
            self._apply_late(cancelled, self.held_bets.pop(cancelled)[0])
        return body

    def _land_overdue_bets(self) -> None:
        """Bets held for the whole late-bet window land now, before anything else arrives:
        their cancel, if it comes, finds them."""
        now = self.clock.now()
        for bet_id, (bet, since) in list(self.held_bets.items()):
            if now - since >= LATE_BET_WINDOW:
                del self.held_bets[bet_id]
                self._deliver(bet)

    def _apply_late(self, bet_id: str, bet: HttpRequest) -> None:
        """The held bet lands after its cancel was answered: the casino forgets that it saw
        a cancel for it (a contract-faithful wallet keeps no such record) and applies it."""
        with self.casino.db.unit_of_work() as session:
            for tombstone in session.scalars(select(Tombstone)):
                if str(our_id(tombstone.trans_guid)) == bet_id:
                    session.delete(tombstone)
        self._deliver(bet)

    def release_held(self) -> None:
        """The network finally delivers what it held, in a shuffled order."""
        held, self.held = self.held, []
        self.rng.shuffle(held)
        for request in held:
            self._deliver(request)

    def send(self, request: HttpRequest) -> HttpAnswer:
        self.log.add("call_start", request)
        self._land_overdue_bets()
        try:
            return self._noisy(self._send(request))
        finally:
            self.log.add("call_end", request)

    def _noisy(self, answer: HttpAnswer) -> HttpAnswer:
        if not self.float_noise:
            return answer
        body, found = _BALANCE.subn(
            lambda m: b'"balance":' + noisy_double(m.group(1), self.rng), answer.body
        )
        self.noisy_answers += found
        return HttpAnswer(answer.status, body)

    def _stalled(self, request: HttpRequest) -> bool:
        """Whether this call is caught in a stall of the wallet (see STALL_CALLS). The calls
        of one stall wait at once, as players do: the clock moves one deadline for all."""
        if not self.slow_answers:
            return False
        if self.stall_left == 0:
            if self.calls_to_next_stall > 0:
                self.calls_to_next_stall -= 1
                return False
            self.stall_left = self.rng.randint(*STALL_CALLS)
            self.calls_to_next_stall = STALL_GAP_MIN + self.rng.randint(0, STALL_GAP_SPREAD)
            self.clock.advance(milliseconds=request.timeout_ms)
        self.stall_left -= 1
        return True

    def _send(self, request: HttpRequest) -> HttpAnswer:
        self.calls += 1
        if self.wallet_down:
            raise WalletUnreachable("simulated: connection refused, nothing listening")
        if self._stalled(request):
            self.late_answers += 1
            self._deliver(request)  # the wallet does it; its answer comes too late
            raise TransportError("simulated: deadline passed, the wallet is slow")
        if self.held and self.rng.random() < 0.5:
            self.release_held()
        fault = Fault.NONE
        if self.faults_on:
            fault = self.rng.choices(list(FAULT_WEIGHTS), list(FAULT_WEIGHTS.values()))[0]
        match fault:
            case Fault.NONE:
                return HttpAnswer(200, self._deliver(request))
            case Fault.DROP:
                raise TransportError("simulated: connection reset before delivery")
            case Fault.LOST_ANSWER:
                self._deliver(request)
                raise TransportError("simulated: timeout after the wallet applied it")
            case Fault.SERVER_ERROR:
                return HttpAnswer(503, b"upstream unavailable")
            case Fault.GARBAGE:
                self._deliver(request)
                return HttpAnswer(200, b"<html>proxy error</html>")
            case Fault.DUPLICATE:
                self._deliver(request)
                return HttpAnswer(200, self._deliver(request))
            case Fault.DELAYED:
                self.held.append(request)
                raise TransportError("simulated: timeout, request still in the network")
            case Fault.CRASH_BEFORE:
                raise SimulatedCrash
            case Fault.CRASH_AFTER:
                self._deliver(request)
                raise SimulatedCrash
            case Fault.CODEC_RAISES:
                self._deliver(request)
                return HttpAnswer(200, RAISING_ANSWER)
            case Fault.SLOW_DRIP:
                return self._slow_drip(request)
            case Fault.HELD_THEN_APPLIED:
                return self._hold_bet(request)
        raise AssertionError(fault)

    def _hold_bet(self, request: HttpRequest) -> HttpAnswer:
        """The wallet takes a bet in and sits on it past the deadline; any other call it
        answers at once."""
        wire = read_request(request, sim_credentials(self.log.keys))
        if wire.command not in OPENING_NAMES:
            return HttpAnswer(200, self._deliver(request))
        self.held_bets[wire.trans_id] = (request, self.clock.now())
        self.clock.advance(milliseconds=request.timeout_ms)
        raise TransportError("simulated: the wallet holds the bet past the deadline")

    def _slow_drip(self, request: HttpRequest) -> HttpAnswer:
        """The wallet applies the call and its answer trickles in over up to twice the call's
        deadline: in time, it is read; past it, the transport gives up at the deadline (the
        real transport's per-call deadline) and the outcome is unknown."""
        body = self._deliver(request)
        dripped_ms = request.timeout_ms * self.rng.uniform(0.5, 2.0)
        if dripped_ms <= request.timeout_ms:
            self.clock.advance(milliseconds=dripped_ms)
            return HttpAnswer(200, body)
        self.clock.advance(milliseconds=request.timeout_ms)
        raise TransportError("simulated: deadline passed while the answer dripped in")


@dataclass
class Simulation:
    seed: int
    database_url: str
    workdir: Path
    dialect: str = "slotcity-v4"
    schedule: Schedule = Schedule.MIXED
    rng: random.Random = field(init=False)
    clock: FakeClock = field(init=False)
    log: WireLog = field(init=False)
    operator_id: int = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.clock = FakeClock(dt.datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
        self.settings = Settings(
            database_url=self.database_url,
            secret_key=sim_secret_key(),
            public_base_url="http://reelhouse.invalid",
            allow_private_callbacks=True,
        )
        self.db = Database(self.database_url)
        # The keys Reelhouse issues the operator, as the casino configures them.
        self.token_box: dict[str, str | None] = {
            "token": "",
            "api_token": None,
            "secret_key": None,
        }
        self.log = WireLog(self.token_box)
        self.casino = Casino(
            f"sqlite:///{self.workdir / f'casino-{self.seed}.db'}",
            lambda: self.token_box["token"] or "",
            clock=self.clock,
            keys=self._casino_keys,
        )
        self.plan = SCHEDULES[self.schedule]
        self.transport = FaultyTransport(self.casino, self.rng, self.log, self.clock)
        self.transport.float_noise = self.plan.float_noise
        self.game_rng = SeededRng(self.seed)
        # Breaker openings of the processes before the current one (restarts), and the
        # codes spins were refused with.
        self.earlier_openings = 0
        self.refusals: list[ApiCode] = []
        # An upstream supplier whose rounds the relay carries to the same casino
        # (tests/dispatch/relay_sim.py): the chain's third ledger.
        self.supplier = SupplierSim(
            lambda: self.platform, random.Random(self.seed + 1), self.restart, SimulatedCrash
        )
        self._start_process()

    def _casino_keys(self, _dialect: str) -> CallbackCredentials:
        return sim_credentials(self.token_box)

    def _start_process(self) -> None:
        """A (re)started Reelhouse process: fresh sender, breaker state and worker over the
        same database, as after a restart."""
        self.sender = WalletSender(
            self.db,
            Sealer(self.settings.secret_key),
            self.clock,
            self.transport,
            RetrySchedule(),
            rng=self.rng,
            dialects=codec_that_raises,
        )
        self.platform = Platform(
            db=self.db,
            settings=self.settings,
            wallet=self.sender,
            clock=self.clock,
            game_rng=lambda: self.game_rng,
            upstream_fetch=self.supplier.fetch,
        )
        self.worker = Worker(self.db, self.sender, self.clock, threads=1)

    def restart(self) -> None:
        self.worker.close()
        self.earlier_openings += self.sender.guards.openings(self.operator_id)
        self._start_process()

    @property
    def breaker_openings(self) -> int:
        """How often the operator's breaker opened, over every process of the run."""
        return self.earlier_openings + self.sender.guards.openings(self.operator_id)

    def setup(self) -> list[str]:
        issued = operators.create_operator(
            self.platform,
            operators.NewOperator(
                name=OPERATOR,
                currency="USD",
                callback_url=f"http://wallet.invalid{CALLBACK_PATHS[self.dialect]}",
                dialect=self.dialect,
                min_bet_minor=10,
                max_bet_minor=100_000,
                approved=True,
            ),
        )
        self.operator_id = issued.operator_id
        SupplierSim.register(self.platform, self.operator_id)
        self.token_box.update(
            token=issued.callback_token,
            api_token=issued.api_token,
            secret_key=issued.secret_key,
        )
        self.transport.faults_on = False
        sessions = []
        for n in range(self.plan.players):
            name = f"player{n}"  # an id every dialect accepts (B: 4-48 alphanumerics)
            self.casino.create_player(name, "USD", START_BALANCE)
            ref = players.create_or_get(self.platform, issued.operator_id, name)
            with self.db.transaction() as session:
                operator = operators.find_by_name(session, OPERATOR)
            request = launch.LaunchRequest(ref.user_code, 1, GAME, "en", "", Decimal(0))
            url = launch.create_launch_url(self.platform, operator, request)
            sessions.append(launch.open_launch(self.platform, url.rsplit("/", 1)[1]))
            self.supplier.launch(self.platform, operator, ref.user_code, name)
        self.transport.faults_on = self.plan.faults
        self.transport.slow_answers = self.plan.slow_answers
        return sessions

    def play(self, sessions: list[str]) -> None:
        for step in range(self.plan.steps):
            down = step in self.plan.outage_steps
            self.transport.wallet_down = down
            if down:
                # Players keep spinning while the wallet is down, each in turn.
                self._spin(sessions[step % len(sessions)])
            elif self.plan.slow_answers:
                self._low_traffic_step(sessions)
            else:
                self._step(sessions)
            if self.rng.random() < SUPPLIER_SHARE:
                self._supplier_step()
        self.transport.wallet_down = False

    def _supplier_step(self) -> None:
        # A refusal while the wallet is down is part of play.
        with contextlib.suppress(ReelhouseError):
            self.supplier.step()

    def _spin(self, session_token: str) -> None:
        try:
            rounds.spin(self.platform, session_token, self.rng.choice(BETS))
        except ReelhouseError as refused:
            self.refusals.append(refused.code)

    def _low_traffic_step(self, sessions: list[str]) -> None:
        """Players spin with a second or two between spins; the worker retries now and then."""
        action = self.rng.random()
        if action < 0.75:
            self._spin(self.rng.choice(sessions))
        elif action < 0.9:
            self.clock.advance(seconds=self.rng.uniform(0.2, 2.0))
        else:
            self.worker.run_once()

    def _step(self, sessions: list[str]) -> None:
        action = self.rng.random()
        try:
            if action < 0.55:
                self._spin(self.rng.choice(sessions))
            elif action < 0.8:
                self.worker.run_once()
            elif action < 0.92:
                self.clock.advance(seconds=self.rng.choice((1, 3, 5, 40, 400)))
            elif action < 0.95:
                self.restart()
            else:
                # About a third of the seeds switch at least once with calls pending.
                self.switch_dialect()
        except ReelhouseError:
            pass  # refused spins (round in progress, funds, wallet) are part of play
        except SimulatedCrash:
            self.restart()

    def switch_dialect(self) -> None:
        """The back office moves the operator to another dialect and its callback URL to the
        casino's endpoint for it, whatever calls are pending; the casino configures the new
        key it is shown. Calls already written keep their own dialect."""
        with self.db.transaction() as session:
            current = operators.find_by_name(session, OPERATOR).dialect
        target = self.rng.choice([name for name in DIALECT_NAMES if name != current])
        issued = backoffice_settings.set_dialect(self.platform, self.operator_id, target, SWITCHER)
        url = f"http://wallet.invalid{CALLBACK_PATHS[target]}"
        backoffice_settings.set_callback_url(self.platform, self.operator_id, url, SWITCHER)
        self.token_box.update(issued)

    def drain(self) -> None:
        """Faults stop; the network delivers what it held; the worker finishes everything,
        the clock jumping to whenever the next thing is due."""
        self.transport.faults_on = False
        self.transport.release_held()
        for _ in range(MAX_DRAIN_PASSES):
            if self.supplier.done and self._all_terminal():
                return
            self.supplier.finish()
            self.clock.advance(seconds=1)
            nxt = self._next_due()
            if nxt is not None and nxt > self.clock.now():
                self.clock.advance(seconds=(nxt - self.clock.now()).total_seconds() + 0.001)
            self.worker.run_once()
        raise AssertionError(f"seed {self.seed}: rounds still open after draining")

    def _all_terminal(self) -> bool:
        with self.db.transaction() as session:
            open_rounds = session.scalars(
                select(Round.id).where(Round.state.not_in(list(TERMINAL_ROUND_STATES)))
            ).all()
        return not open_rounds

    def _next_due(self) -> dt.datetime | None:
        with self.db.transaction() as session:
            times = [
                *session.scalars(
                    select(WalletCall.next_attempt_at_utc).where(
                        WalletCall.state == CallState.QUEUED.value
                    )
                ),
                *session.scalars(
                    select(WalletCall.lease_until_utc).where(
                        WalletCall.state == CallState.IN_FLIGHT.value
                    )
                ),
            ]
        present = [from_naive_utc(t) for t in times if t is not None]
        return min(present) if present else None

    def close(self) -> None:
        self.supplier.close()
        self.worker.close()
        self.casino.dispose()
        self.db.dispose()


def check_invariants(sim: Simulation) -> None:
    accounts = {f"player{n}": 3000 for n in range(sim.plan.players)}
    label = f"{sim.dialect} seed {sim.seed} ({sim.schedule})"
    check_ledgers_agree(sim.db, sim.casino, accounts, label)
    check_three_ledgers(sim.supplier, sim.platform, label)
    _check_cancel_after_bet_ended(sim)
    _check_calls_kept_their_dialect(sim)
    _check_breaker(sim, label)
    _check_schedule_happened(sim, label)


def _check_breaker(sim: Simulation, label: str) -> None:
    """The breaker opens only on an outage: never in a schedule without one (slow answers at
    low traffic above all), and in every outage, where players are told with its own code;
    a bet it stopped is never reported as the casino refusing it."""
    openings = sim.breaker_openings
    if not sim.plan.models_outage:
        assert openings == 0, f"{label}: the breaker opened {openings} times, with no outage"
        assert ApiCode.WALLET_SHUT_OFF not in sim.refusals, f"{label}: players shut out"
    if sim.plan.outage_steps:
        assert openings >= 1, f"{label}: the wallet was down and the breaker stayed closed"
        assert ApiCode.WALLET_SHUT_OFF in sim.refusals, f"{label}: shut-out spins not told"
        state = sim.sender.guards.state(sim.operator_id)
        assert state is not BreakerState.OPEN, f"{label}: still open after the wallet returned"
    if not sim.plan.faults:
        # The wallet refused nothing here (only insufficient funds, 2006): a 1015 could only
        # be a bet the breaker stopped, misreported.
        assert ApiCode.CALLBACK_ERROR not in sim.refusals, f"{label}: {sim.refusals}"


def _check_schedule_happened(sim: Simulation, label: str) -> None:
    """The schedule produced what it models, or the checks above prove nothing."""
    if sim.plan.float_noise:
        assert sim.transport.noisy_answers > 0, f"{label}: no noisy balance was answered"
    if sim.plan.slow_answers:
        late = sim.transport.late_answers / max(sim.transport.calls, 1)
        assert 0 < late < 0.25, f"{label}: {late:.0%} of answers late"


def check_ledgers_agree(
    db: Database,
    casino: Casino,
    start_minor: dict[str, int],
    label: str,
) -> None:
    """After recovery the two ledgers agree round by round, to the minor unit: every round
    is terminal, nothing applied twice, no win dropped, and every balance adds up.

    The casino's rows are keyed by our call ids whatever dialect wrote them on the wire (one
    ledger holds several after a dialect switch); a round opened with bet_win has one row
    at the casino (bet and win) for our two."""
    with db.transaction() as session:
        all_rounds = session.scalars(select(Round)).all()
        calls = session.scalars(select(WalletCall)).all()
        names = {p.id: p.name for p in session.scalars(select(Player))}
    by_guid: dict[str, dict[str, object]] = {}
    for row in casino.ledger(None):
        guid = str(row["trans_guid"])
        ours = our_id(guid)
        guid = str(ours) if ours is not None else guid
        assert guid not in by_guid, f"{label}: {guid} applied twice"
        by_guid[guid] = row
    left = {c.state for c in calls} - {CallState.ACKED, CallState.REFUSED, CallState.UNKNOWN}
    assert not left, f"{label}: calls left in {sorted(left)}"
    expected = dict(start_minor)
    for round_ in all_rounds:
        _check_round(round_, [c for c in calls if c.round_id == round_.id], by_guid, label)
        if round_.state == RoundState.SETTLED:
            account = names[round_.player_id]
            expected[account] += round_.win_minor - round_.bet_minor
    for account, balance in expected.items():
        actual = int(str(casino.player(account)["balance_minor"]))
        assert actual == balance, f"{label}: {account} has {actual}, rounds say {balance}"


def _check_round(
    round_: Round, calls: list[WalletCall], by_guid: dict[str, dict[str, object]], label: str
) -> None:
    state = RoundState(round_.state)
    assert state in TERMINAL_ROUND_STATES, f"{label}: round {round_.id} is {state}"
    bet = next(c for c in calls if c.kind in OPENING_NAMES)
    wins = [c for c in calls if c.kind == "win"]
    casino_bet = by_guid.get(str(bet.id))
    bet_counts = casino_bet is not None and not casino_bet["cancelled_by"]
    if state is RoundState.SETTLED:
        assert bet_counts, f"{label}: settled round {round_.id} has no live bet"
        assert casino_bet is not None
        assert int(str(casino_bet["amount_minor"])) == round_.bet_minor
        (win,) = wins
        # A bet_win carried its win: the casino's one row holds both amounts.
        casino_win = casino_bet if bet.kind == "bet_win" else by_guid.get(str(win.id))
        assert casino_win is not None, f"{label}: win of {round_.id} dropped"
        paid = casino_win["win_amount_minor" if bet.kind == "bet_win" else "amount_minor"]
        assert int(str(paid)) == round_.win_minor
    else:
        assert not bet_counts, f"{label}: {state} round {round_.id} kept its bet"
        assert not wins, f"{label}: {state} round {round_.id} has a win"


def _check_cancel_after_bet_ended(sim: Simulation) -> None:
    """No cancel was put on the wire before its bet's call had ended."""
    ended_bets: set[str] = set()
    for event, wire in sim.log.events:
        if wire.command in OPENING_NAMES and event == "call_end":
            ended_bets.add(wire.trans_id)
        elif wire.command == "cancel" and event == "call_start":
            assert wire.cancelled_id in ended_bets, (
                f"seed {sim.seed}: cancel {wire.trans_id} sent before its bet "
                f"{wire.cancelled_id} call ended"
            )


def _check_calls_kept_their_dialect(sim: Simulation) -> None:
    """Every request went out in the dialect its call is pinned to, and a round's calls are
    all pinned to one dialect, whatever switches happened while they were pending."""
    with sim.db.transaction() as session:
        calls = session.scalars(select(WalletCall)).all()
    pinned = {str(c.id): c.dialect for c in calls}
    cancels = {str(c.cancel_of_id): c.dialect for c in calls if c.cancel_of_id is not None}
    for _event, wire in sim.log.events:
        if not (wire.trans_id or wire.cancelled_id):
            continue  # a read (authenticate, balance) belongs to no call
        # A B rollback carries no id of its own: it is known by the bet it reverses.
        expected = pinned[wire.trans_id] if wire.trans_id else cancels[wire.cancelled_id]
        assert wire.dialect == expected, f"seed {sim.seed}: {wire} is pinned to {expected}"
    by_round: dict[int, set[str | None]] = {}
    for call in calls:
        by_round.setdefault(call.round_id, set()).add(call.dialect)
    assert all(len(found) == 1 for found in by_round.values()), f"seed {sim.seed}: mixed"
