"""Sends wallet commands: encodes with the call's pinned dialect, puts the bytes on the wire,
decodes the answer, and records each attempt of an outbox call with its outcome.

Every attempt ends in a typed outcome, whatever raises on the way: an exception
while encoding, sending or decoding is an unknown outcome that names it, so the call is
retried, counted against its window and parked like any other failure, never stalled."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable, Generator, Iterator

import anyio
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from reelhouse.dialects.base import CallbackCredentials, Dialect
from reelhouse.dialects.registry import get_dialect
from reelhouse.dispatch import metrics as call_metrics
from reelhouse.dispatch.ack_batch import (
    ACK_WINDOW_SECONDS,
    PendingAck,
    PendingAcks,
    one_per_player,
)
from reelhouse.dispatch.breaker import BreakerState, CallResult, OperatorGuards, SlotAnswer
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.transport import Transport, TransportError, WalletUnreachable
from reelhouse.dispatch.transport_async import AsyncTransport, as_async
from reelhouse.domain.clock import Clock, from_naive_utc, to_naive_utc
from reelhouse.domain.settlement import CallRole, FollowUp, settlement
from reelhouse.domain.states import OPEN_ROUND_STATES, CallState
from reelhouse.domain.wallet import (
    ROUND_OPENING_KINDS,
    CommandKind,
    Delivered,
    HttpAnswer,
    HttpRequest,
    OpeningCall,
    OutcomeKind,
    PreparedCall,
    RefusalReason,
    TransStatus,
    WalletCommand,
    WalletEndpoint,
    WalletOutcome,
)
from reelhouse.store.db import Database
from reelhouse.store.models import CallAttempt, GameSession, Operator, Player, Round, WalletCall
from reelhouse.store.outbox import (
    DELIVERY_RAISED,
    Claim,
    claim_for,
    command_for,
    lock_call,
    pinned_dialect,
    record_outcome,
    release_unsent,
)
from reelhouse.store.secrets import Sealer

log = logging.getLogger("reelhouse.dispatch")


_OPEN_STATES = frozenset(state.value for state in OPEN_ROUND_STATES)

# A call not sent because its operator is shut off is looked at again after this long.
NOT_SENT_RETRY_DELAY = dt.timedelta(seconds=1)
# How long a spin waits for a slot in its operator's full bulkhead before its bet is not
# sent (3005): about one wallet timeout, the time a slot can take to free.
SLOT_WAIT_SECONDS = 5.0
# Between two looks at a full bulkhead: slots free as calls end, in any thread.
SLOT_POLL_SECONDS = 0.005

# One attempt as steps (dispatch/sender.py): it yields the request to put on the wire, is
# sent the answer (or has the transport's exception thrown in), and returns the outcome and
# what the call showed of the wallet's health. The same steps serve the blocking and the
# asynchronous senders.
AttemptSteps = Generator[HttpRequest, HttpAnswer, tuple[WalletOutcome, CallResult]]


def _first_request(steps: AttemptSteps) -> HttpRequest | tuple[WalletOutcome, CallResult]:
    """The request an attempt puts on the wire, or its outcome when it ended before one
    (encoding raised). Shared by the blocking and the asynchronous senders."""
    try:
        return next(steps)
    except StopIteration as done:
        result: tuple[WalletOutcome, CallResult] = done.value
        return result


def _finish_attempt(
    steps: AttemptSteps, answer: HttpAnswer | None, error: Exception | None
) -> tuple[WalletOutcome, CallResult]:
    try:
        if error is not None:
            steps.throw(error)
        else:
            assert answer is not None
            steps.send(answer)
    except StopIteration as done:
        result: tuple[WalletOutcome, CallResult] = done.value
        return result
    raise AssertionError("an attempt puts one request on the wire")


def _attempt_row(
    call_id: int, started: dt.datetime, duration_ms: int, outcome: WalletOutcome
) -> CallAttempt:
    return CallAttempt(
        call_id=call_id,
        started_at_utc=to_naive_utc(started),
        duration_ms=duration_ms,
        outcome=outcome.kind.value,
        detail=outcome.detail[:500],
    )


def _observe(
    command: WalletCommand, outcome: WalletOutcome, duration_ms: int, dialect_name: str | None
) -> None:
    """The attempt's log line and metrics, when its answer came back."""
    log.info(
        "wallet call sent",
        extra={
            "round_id": command.round_id,
            "trans_id": command.trans_id,
            "command": command.kind.value,
            "outcome": outcome.kind.value,
            "duration_ms": duration_ms,
        },
    )
    call_metrics.observe_attempt(dialect_name, command, outcome.kind, duration_ms)


def _first_attempt_settled(call: WalletCall, round_: Round) -> bool:
    """A call acknowledged at its first attempt, that no later rule asks about: a bet (its
    round goes on with its win), or a win or cancel that ended its round. Its row (attempts,
    outcome, duration, acknowledgement) says all an attempt row would; every other attempt
    gets one, since "was this win or cancel ever sent" is read from them (store/outbox)."""
    if call.state != CallState.ACKED or call.attempts != 1:
        return False
    return CommandKind(call.kind) in ROUND_OPENING_KINDS or round_.state not in _OPEN_STATES


def _note_round_balance(session: Session, player_id: int, round_: Round) -> None:
    """The player's last known balance from its round's, when the call that was to write it
    brought none (a win that failed after its bet was answered)."""
    if round_.balance_after_minor is None:
        return
    player = session.get(Player, player_id)
    assert player is not None
    player.last_balance_minor = round_.balance_after_minor


def _prepared_rows(session: Session, call: WalletCall) -> tuple[object, ...]:
    """The rows recording a call's outcome starts from, as this session holds them (no
    statement: each was read or written in it)."""
    wanted = (
        (WalletCall, call.id),
        (Round, call.round_id),
        (Player, call.player_id),
        (Operator, call.operator_id),
    )
    rows: list[object] = []
    for model, key in wanted:
        row = session.identity_map.get(session.identity_key(model, key))
        if row is not None:
            rows.append(row)
    round_ = next((row for row in rows if isinstance(row, Round)), None)
    if round_ is not None:
        game_session = session.identity_map.get(
            session.identity_key(GameSession, round_.session_id)
        )
        if game_session is not None:
            rows.append(game_session)
    return tuple(rows)


class WalletSender:
    def __init__(
        self,
        db: Database,
        sealer: Sealer,
        clock: Clock,
        transport: Transport,
        policy: RetrySchedule | None = None,
        rng: random.Random | None = None,
        guards: OperatorGuards | None = None,
        dialects: Callable[[str], Dialect] | None = None,
    ) -> None:
        self._db = db
        self._sealer = sealer
        self._clock = clock
        self._transport = transport
        self._schedule = policy or RetrySchedule()
        self._rng = rng or random.Random()
        self.guards = guards or OperatorGuards(clock)
        # The codecs by dialect name; a test passes one whose codec raises.
        self._dialects = dialects or get_dialect
        # How the asynchronous path puts a request on the wire: the served app's async
        # transport (no thread while the wallet thinks), else the blocking transport on a
        # worker thread (the command line, tests that inject a transport).
        self._on_thread = as_async(transport)
        self._send_async: Callable[[HttpRequest], Awaitable[HttpAnswer]] = (
            self._on_thread.send_async
        )
        self.slot_wait_seconds = SLOT_WAIT_SECONDS
        # Acknowledged wins not yet written (dispatch/ack_batch.py).
        self.acks = PendingAcks(self._write_acks, ACK_WINDOW_SECONDS)
        # However the process ends, what is pending is written while the database is open.
        db.before_dispose(self.acks.close)

    def close(self) -> None:
        """Write what is pending (the platform closes it before the database)."""
        self.acks.close()

    def use_async_transport(self, transport: AsyncTransport | None) -> None:
        """Send the asynchronous path's calls through `transport` (None: back to the
        blocking transport on a thread). Called by the app, in the loop that serves."""
        self._send_async = (transport or self._on_thread).send_async

    def _attempt(self, endpoint: WalletEndpoint, command: WalletCommand) -> WalletOutcome:
        return self._attempt_for_breaker(endpoint, command)[0]

    def _attempt_for_breaker(
        self, endpoint: WalletEndpoint, command: WalletCommand
    ) -> tuple[WalletOutcome, CallResult]:
        steps = self._attempt_steps(endpoint, command)
        request = _first_request(steps)
        if not isinstance(request, HttpRequest):
            return request  # encoding failed: nothing to send
        try:
            answer = self._transport.send(request)
        except Exception as exc:
            return _finish_attempt(steps, None, exc)
        return _finish_attempt(steps, answer, None)

    async def _attempt_async(
        self, endpoint: WalletEndpoint, command: WalletCommand, timeout_cap_ms: int | None = None
    ) -> tuple[WalletOutcome, CallResult]:
        """The same attempt, waiting for the wallet without holding a thread, at most
        `timeout_cap_ms` when given (a relayed bet's share of its provider's deadline)."""
        steps = self._attempt_steps(endpoint, command)
        request = _first_request(steps)
        if not isinstance(request, HttpRequest):
            return request  # encoding failed: nothing to send
        if timeout_cap_ms is not None and timeout_cap_ms < request.timeout_ms:
            request = dataclasses.replace(request, timeout_ms=timeout_cap_ms)
        try:
            answer = await self._send_async(request)
        except Exception as exc:
            return _finish_attempt(steps, None, exc)
        return _finish_attempt(steps, answer, None)

    def _attempt_steps(self, endpoint: WalletEndpoint, command: WalletCommand) -> AttemptSteps:
        """One request and its answer as a typed outcome, whatever raises: an exception while
        encoding, sending or decoding (a codec that cannot read an answer, a missing key) is
        an unknown outcome naming its type, logged with the call id. Unknown, never refused:
        once sending began, the wallet may have applied the call. Beside it, what the call
        showed of the wallet's health (dispatch.breaker): a refused connection is an unknown
        outcome like a timeout, but only it says the wallet is down."""
        stage = "encoding"
        try:
            dialect = self._dialects(endpoint.dialect)
            credentials = CallbackCredentials(
                endpoint.callback_url,
                endpoint.callback_token,
                api_token=endpoint.api_token,
                secret_key=endpoint.secret_key,
                agent_id=endpoint.agent_id,
            )
            now_s = int(self._clock.now().timestamp())
            request = dialect.encode_command(command, credentials, now_s)
            stage = "sending"
            try:
                answer = yield request
            except TransportError as exc:
                down = isinstance(exc, WalletUnreachable)
                unknown = WalletOutcome(OutcomeKind.UNKNOWN, detail=f"transport: {exc}")
                return unknown, CallResult.UNREACHABLE if down else CallResult.FAILED
            stage = "decoding"
            outcome = dialect.decode_answer(command, answer)
        except Exception as exc:
            log.exception(
                "wallet call raised while %s",
                stage,
                extra={"trans_id": command.trans_id, "command": command.kind.value},
            )
            detail = f"{stage} raised {type(exc).__name__}"
            return WalletOutcome(OutcomeKind.UNKNOWN, detail=detail), CallResult.FAILED
        # An answer the codec read as unknown (5xx, garbage, an unexpected code) is a failed
        # call; any definite answer, even a refusal, is a living wallet.
        failed = outcome.kind is OutcomeKind.UNKNOWN
        return outcome, CallResult.FAILED if failed else CallResult.ANSWERED

    def read(self, endpoint: WalletEndpoint, command: WalletCommand) -> WalletOutcome:
        assert command.kind in (CommandKind.AUTHENTICATE, CommandKind.BALANCE, CommandKind.STATUS)
        outcome = self._attempt(endpoint, command)
        # Reads move no money, so retrying them at once is safe (SlotCity: 2 more times).
        for _ in range(self._dialects(endpoint.dialect).quick_retries(command.kind)):
            if outcome.kind is not OutcomeKind.UNKNOWN:
                break
            outcome = self._attempt(endpoint, command)
        return outcome

    def endpoint_of(self, operator: Operator, dialect: str | None = None) -> WalletEndpoint:
        """Where and how to reach `operator`'s wallet, in `dialect` (a call's pinned one;
        default: the operator's). The URL, the callback token and the signing keys are the
        operator's as they are now, not as they were when the call was created: a corrected
        URL or a rotated token must reach the calls still pending, or they would fail until
        parked. A dialect switch keeps the key the old dialect signs with (services.
        backoffice_settings.set_dialect), so a pinned call still finds it."""
        return WalletEndpoint(
            operator.id,
            dialect or operator.dialect,
            operator.callback_url,
            self._sealer.open(operator.callback_token_sealed),
            api_token=self._open(operator.api_token_sealed),
            secret_key=self._open(operator.secret_key_sealed),
            agent_id=operator.name,
        )

    def _open(self, sealed: str | None) -> str | None:
        return self._sealer.open(sealed) if sealed is not None else None

    def opening_call(self, dialect_name: str, *, single_call: bool = False) -> OpeningCall:
        """A bet, whose answer the wallet gives before it can know the round's win; one
        bet_win only where the operator opted in (`single_call`) and the dialect has one,
        since it shows the wallet the win before the wallet accepts the bet (which a wallet
        could use to refuse winning rounds only: docs/wallet-callbacks.md)."""
        dialect = get_dialect(dialect_name)
        one_call = single_call and dialect.supports(CommandKind.BET_WIN)
        kind = CommandKind.BET_WIN if one_call else CommandKind.BET
        return OpeningCall(kind, dialect.timeout_ms(kind))

    def available(self, operator_id: int) -> bool:
        return self.guards.state(operator_id) is not BreakerState.OPEN

    def prepare(
        self, session: Session, call: WalletCall, *, opening_call_id: int | None = None
    ) -> PreparedCall:
        """A claimed call, ready to send, from the rows `session` holds: the transaction that
        claimed it builds it, so sending reads nothing again. `opening_call_id` names the
        bet of a round's win when the caller knows it (else it is looked up)."""
        assert call.state == CallState.IN_FLIGHT and call.lease_until_utc is not None
        operator = session.get(Operator, call.operator_id)
        assert operator is not None
        return PreparedCall(
            call_id=call.id,
            command=command_for(session, call, opening_call_id=opening_call_id),
            endpoint=self.endpoint_of(operator, pinned_dialect(session, call)),
            created=from_naive_utc(call.created_at_utc),
            lease=call.lease_until_utc,
            rows=_prepared_rows(session, call),
        )

    def _prepare(self, call_id: int) -> PreparedCall:
        with self._db.transaction() as session:
            call = session.get(WalletCall, call_id)
            assert call is not None
            return self.prepare(session, call)

    def deliver(self, call_id: int) -> int | None:
        """Send one claimed call and record its outcome; returns the follow-up call created
        (a bet's win or cancel), which the caller sends next."""
        # Only the follow-up's id goes back: the caller prepares it afresh, so this call's
        # record must leave nothing for it to finish (hand_on False).
        follow_up = self.deliver_prepared(self._prepare(call_id), hand_on=False).follow_up
        return follow_up.call_id if follow_up is not None else None

    def deliver_prepared(
        self, job: PreparedCall, *, hand_on: bool = True, defer_settled: bool = False
    ) -> Delivered:
        """Send one prepared call and record its outcome (blocking: the worker's threads).
        With `hand_on`, the caller sends the returned follow-up job itself. With
        `defer_settled`, an acknowledged win's record is left pending, for the caller to
        have written with others (`write_pending_acks`) or the timer to write."""
        started = self._clock.now()
        try:
            answer = self.guards.ask_slot(job.endpoint.operator_id)
            if answer is not SlotAnswer.GRANTED:
                return self._not_sent(job)
            started_perf = time.perf_counter()
            health = CallResult.FAILED
            try:
                outcome, health = self._attempt_for_breaker(job.endpoint, job.command)
            finally:
                self.guards.release(job.endpoint.operator_id, health)
            settled = (
                self._defer_if_settled(job, outcome, started, started_perf)
                if defer_settled
                else None
            )
            if settled is not None:
                return settled
            return self._after_attempt(job, outcome, started, started_perf, hand_on)
        except Exception as exc:
            return self._record_raised(job, started, exc)

    async def deliver_prepared_async(self, job: PreparedCall) -> Delivered:
        """Send one prepared call and record its outcome, waiting for the wallet (and for a
        slot in a full bulkhead) without holding a thread; the database work, short, runs
        on a worker thread."""
        started = self._clock.now()
        try:
            if not await self._wait_for_slot(job.endpoint.operator_id):
                return await self._db.in_thread(functools.partial(self._not_sent, job))
            started_perf = time.perf_counter()
            health = CallResult.FAILED
            try:
                outcome, health = await self._attempt_async(
                    job.endpoint, job.command, job.timeout_cap_ms
                )
            finally:
                self.guards.release(job.endpoint.operator_id, health)
            settled = self._defer_if_settled(job, outcome, started, started_perf)
            if settled is not None:
                return settled
            record = functools.partial(
                self._after_attempt, job, outcome, started, started_perf, True
            )
            return await self._db.in_thread(record)
        except Exception as exc:
            record_raised = functools.partial(self._record_raised, job, started, exc)
            return await self._db.in_thread(record_raised)

    def _defer_if_settled(
        self, job: PreparedCall, outcome: WalletOutcome, started: dt.datetime, started_perf: float
    ) -> Delivered | None:
        """A win the wallet acknowledged ends its round with nothing after it: its record is
        left pending (dispatch/ack_batch.py) and the round's state is the settlement
        table's. None for any other outcome, recorded at once."""
        if job.command.kind is not CommandKind.WIN or not job.rows:
            return None
        row = settlement(CallRole.WIN, outcome.kind)
        if row.retry or row.follow_up is not FollowUp.NONE or row.round_state is None:
            return None
        game_session = next((row for row in job.rows if isinstance(row, GameSession)), None)
        duration_ms = int((time.perf_counter() - started_perf) * 1000)
        _observe(job.command, outcome, duration_ms, job.endpoint.dialect)
        self.acks.add(
            [
                PendingAck(
                    job,
                    outcome,
                    started,
                    self._clock.now(),
                    duration_ms,
                    job.endpoint.dialect,
                    game_session.token_hash if game_session is not None else None,
                )
            ]
        )
        return Delivered(outcome, row.round_state.value)

    @contextlib.contextmanager
    def riding_acks(self, session_key: str) -> Iterator[Callable[[Session], None]]:
        with self.acks.riding(session_key, self._clock.now()) as riding:
            yield functools.partial(self.write_acks_riding, acks=riding)

    def write_pending_acks(self) -> None:
        self.acks.write_all()

    def write_acks_riding(self, session: Session, acks: list[PendingAck]) -> None:
        """Write pending acknowledgements in a transaction doing other work (a round of the
        same game session opening), then forget the rows they loaded, so that work reads
        everything it needs afresh (the rows the records started from are as they were
        when their calls were prepared)."""
        if not acks:
            return
        for ack in acks:
            self._record_ack(session, ack)
        session.flush()
        session.expunge_all()

    def _write_acks(self, acks: list[PendingAck]) -> None:
        """Write pending acknowledgements in one commit; if that fails (a claim was lost, or
        one record failed), each in its own, where a lost claim is handled."""
        for wave in one_per_player(acks):
            self._write_wave(wave)

    def _write_wave(self, acks: list[PendingAck]) -> None:
        # In player order, so two batches never wait for each other's rows.
        ordered = sorted(acks, key=lambda ack: ack.player)
        try:
            with self._db.transaction() as session:
                for ack in ordered:
                    self._record_ack(session, ack)
            return
        except Exception:
            log.warning("a batch of acknowledged wins failed; recording them one by one")
        for ack in ordered:
            try:
                self._record(
                    ack.job,
                    ack.outcome,
                    ack.started,
                    ack.duration_ms,
                    ack.dialect_name,
                    hand_on=True,
                    now=ack.answered,
                    observed=True,
                )
            except Exception as exc:
                # As for any delivery whose record failed: logged, kept as an attempt row
                # where the database allows, and the claim counted when its lease runs out.
                log.exception("acknowledged win not recorded", extra={"trans_id": ack.job.call_id})
                self.note_failed_delivery(ack.job.call_id, exc)

    def _record_ack(self, session: Session, ack: PendingAck) -> None:
        self._record_in(
            session,
            ack.job,
            ack.outcome,
            ack.started,
            ack.duration_ms,
            ack.dialect_name,
            True,
            ack.answered,
            observed=True,
        )

    async def _wait_for_slot(self, operator_id: int) -> bool:
        """A slot in the operator's bulkhead, waiting for one while it is full (a queue, not
        a refusal: the wallet is healthy, only busy); False when the breaker is open, or no
        slot freed within `slot_wait_seconds`."""
        waited_s = 0.0
        while True:
            answer = self.guards.ask_slot(operator_id)
            if answer is SlotAnswer.GRANTED:
                return True
            if answer is SlotAnswer.SHUT or waited_s >= self.slot_wait_seconds:
                return False
            await anyio.sleep(SLOT_POLL_SECONDS)
            waited_s += SLOT_POLL_SECONDS

    def _after_attempt(
        self,
        job: PreparedCall,
        outcome: WalletOutcome,
        started: dt.datetime,
        started_perf: float,
        hand_on: bool,
    ) -> Delivered:
        duration_ms = int((time.perf_counter() - started_perf) * 1000)
        window_over = self._clock.now() - job.created >= self._schedule.window
        if outcome.kind is OutcomeKind.UNKNOWN and window_over:
            outcome = self._ask_status(job.endpoint, job.command) or outcome
        return self._record(
            job, outcome, started, duration_ms, job.endpoint.dialect, hand_on=hand_on
        )

    def _record_raised(self, job: PreparedCall, started: dt.datetime, exc: Exception) -> Delivered:
        """Anything that escaped the attempt (the database failing while recording, a bug):
        logged with the call id and recorded as an unknown attempt, which counts against the
        retry window. The recording that failed rolled back whole, so this is the attempt's
        only outcome. If this fails too, it propagates: the claim's lease runs out and the
        worker counts the attempt then (Worker._deliver)."""
        log.exception("wallet call failed", extra={"trans_id": job.call_id})
        outcome = WalletOutcome(
            OutcomeKind.UNKNOWN, detail=f"{DELIVERY_RAISED} {type(exc).__name__}"
        )
        # The rows the job carries may be what failed to write: recording starts afresh.
        fresh = PreparedCall(job.call_id, job.command, job.endpoint, job.created, job.lease)
        return self._record(fresh, outcome, started, 0, job.endpoint.dialect)

    def _ask_status(self, endpoint: WalletEndpoint, command: WalletCommand) -> WalletOutcome | None:
        """Before a win or cancel is parked for a person to look at, ask the wallet whether
        it has it after all (`status`, where the dialect has it). Returns an outcome that
        settles the call, or None."""
        if command.kind not in (CommandKind.WIN, CommandKind.CANCEL):
            return None
        if not self._dialects(endpoint.dialect).supports(CommandKind.STATUS):
            return None
        asked = command.cancel_trans_id if command.kind is CommandKind.CANCEL else command.trans_id
        answer = self.read(
            endpoint,
            WalletCommand(
                CommandKind.STATUS,
                account=command.account,
                currency=command.currency,
                trans_id=command.trans_id,
                cancel_trans_id=asked,
            ),
        )
        detail = f"settled by status: {answer.kind.value} {answer.trans_status}"
        if command.kind is CommandKind.WIN and answer.trans_status is TransStatus.OK:
            return WalletOutcome(OutcomeKind.ALREADY_APPLIED, detail=detail)
        if command.kind is CommandKind.CANCEL and answer.trans_status is TransStatus.CANCELED:
            return WalletOutcome(OutcomeKind.ALREADY_APPLIED, detail=detail)
        if command.kind is CommandKind.CANCEL and answer.kind is OutcomeKind.NOT_FOUND:
            # The bet never reached the wallet: nothing is debited, nothing was refunded.
            return WalletOutcome(OutcomeKind.NOT_FOUND, detail=detail)
        return None

    def _not_sent(self, job: PreparedCall) -> Delivered:
        """The operator's breaker is open or its bulkhead full: nothing goes on the wire. A
        bet that was never sent moved no money, so its round is rejected; a win or cancel
        waits in the queue, uncounted."""
        now = self._clock.now()
        if job.command.kind in ROUND_OPENING_KINDS:
            refusal = WalletOutcome(
                OutcomeKind.REFUSED,
                refusal=RefusalReason.NOT_SENT,
                detail="not sent: operator unavailable (circuit open or too many calls)",
            )
            return self._record(job, refusal, now, 0, None)
        with self._db.transaction() as session:
            call = lock_call(session, job.call_id)
            if call.lease_until_utc == job.lease:
                release_unsent(call, now, now + NOT_SENT_RETRY_DELAY)
        return Delivered(WalletOutcome(OutcomeKind.UNKNOWN, detail="not sent"), None)

    def _follow_up_claim(
        self, command: WalletCommand, dialect_name: str | None, now: dt.datetime
    ) -> Claim | None:
        """A bet's follow-up (its win or cancel) is claimed by this process, which sends it at
        once; None when there is no dialect to time it (the bet was never sent). The
        follow-up is pinned to the bet's dialect, so it is timed by it too."""
        if dialect_name is None or command.kind not in ROUND_OPENING_KINDS:
            return None
        return claim_for(dialect_name, (CommandKind.WIN, CommandKind.CANCEL), now)

    def _record(
        self,
        job: PreparedCall,
        outcome: WalletOutcome,
        started: dt.datetime,
        duration_ms: int,
        dialect_name: str | None,
        *,
        hand_on: bool = False,
        now: dt.datetime | None = None,
        observed: bool = False,
    ) -> Delivered:
        now = now or self._clock.now()
        try:
            with self._db.transaction() as session:
                return self._record_in(
                    session, job, outcome, started, duration_ms, dialect_name, hand_on, now,
                    observed=observed,
                )  # fmt: skip
        except StaleDataError:
            # The call moved on since it was claimed (its lease ran out while the attempt
            # was on the wire, and someone else took it over): the attempt is kept as
            # history, the new holder decides.
            log.warning("claim lost before recording", extra={"trans_id": job.call_id})
            with self._db.transaction() as session:
                session.add(_attempt_row(job.call_id, started, duration_ms, outcome))
            return Delivered(outcome, None)

    def _record_in(
        self,
        session: Session,
        job: PreparedCall,
        outcome: WalletOutcome,
        started: dt.datetime,
        duration_ms: int,
        dialect_name: str | None,
        hand_on: bool,
        now: dt.datetime,
        observed: bool = False,
    ) -> Delivered:
        """Record one attempt's outcome. With `hand_on`, a follow-up it claims is sent by
        the caller at once, from the job returned: the player's balance is then written once,
        by the follow-up's record (its answer's, or the round's if it brings none), not by
        both calls. `observed`: its log line and metrics were written when its answer came
        (an acknowledged win recorded later, dispatch/ack_batch.py)."""
        command = job.command
        # The rows the call was prepared from, taken as they are, the call among them:
        # its version (store/models.py) makes the update below apply only if the claim
        # is still ours, and the round is written only by its own calls. Held here: the
        # session's identity map keeps unchanged rows only weakly.
        known_rows = [session.merge(row, load=False) for row in job.rows]
        call = session.get(WalletCall, job.call_id) if job.rows else None
        if call is None:
            call = lock_call(session, job.call_id)
        if call.state != CallState.IN_FLIGHT or call.lease_until_utc != job.lease:
            session.add(_attempt_row(job.call_id, started, duration_ms, outcome))
            log.warning("claim lost before recording", extra={"trans_id": job.call_id})
            return Delivered(outcome, None)
        retry_at = self._retry_at(dialect_name, call, now) if dialect_name else None
        claim = self._follow_up_claim(command, dialect_name, now)
        hands_on = hand_on and claim is not None
        follow_up = record_outcome(
            session, call, outcome, now, retry_at, claim, note_player_balance=not hands_on
        )
        call.last_duration_ms = duration_ms
        round_ = session.get(Round, call.round_id)
        assert round_ is not None
        if job.player_balance_left and outcome.balance_minor is None:
            _note_round_balance(session, call.player_id, round_)
        if not _first_attempt_settled(call, round_):
            session.add(_attempt_row(job.call_id, started, duration_ms, outcome))
        if not observed:
            _observe(command, outcome, duration_ms, dialect_name)
        if follow_up is None or follow_up.state != CallState.IN_FLIGHT:
            return Delivered(outcome, round_.state)
        session.flush()
        # Only an opening call has a follow-up: it is the round's bet.
        prepared = self.prepare(session, follow_up, opening_call_id=call.id)
        if hands_on:
            prepared = dataclasses.replace(prepared, player_balance_left=True)
        del known_rows  # the follow-up carries them on
        return Delivered(outcome, round_.state, prepared)

    def _retry_at(
        self, dialect_name: str, call: WalletCall, now: dt.datetime
    ) -> dt.datetime | None:
        """When a failed win or cancel goes out again: its dialect's quick cadence, then the
        long backoff; None once its retry window is over (the manual queue)."""
        kind = CommandKind(call.kind)
        if kind in ROUND_OPENING_KINDS:
            return None  # a bet is never retried: its outcome decides (store.outbox)
        quick = self._dialects(dialect_name).retry_policy(kind)
        created = from_naive_utc(call.created_at_utc)
        return self._schedule.next_attempt(quick, call.attempts + 1, created, now, self._rng)

    def retry_at_after_expiry(
        self, session: Session, call: WalletCall, now: dt.datetime
    ) -> dt.datetime | None:
        """For a claim whose lease ran out (its holder died or its delivery raised): when it
        goes out again, counted as an attempt like any other unknown outcome, so a call that
        fails the same way every time reaches the manual queue when its window is over."""
        return self._retry_at(pinned_dialect(session, call), call, now)

    def note_failed_delivery(self, call_id: int, exc: Exception) -> None:
        """Keep an attempt row for a delivery that raised before recording its outcome (the
        call stays claimed; store.outbox.expire_lease counts it when the lease runs out).
        Best effort: the database may be what failed, and the log line is already written."""
        try:
            raised = WalletOutcome(
                OutcomeKind.UNKNOWN, detail=f"{DELIVERY_RAISED} {type(exc).__name__}"
            )
            with self._db.transaction() as session:
                session.add(_attempt_row(call_id, self._clock.now(), 0, raised))
        except Exception:
            log.exception("could not record a failed delivery", extra={"trans_id": call_id})
