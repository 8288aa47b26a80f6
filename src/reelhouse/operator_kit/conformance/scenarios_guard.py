"""Extended scenarios about the wallet's guard: forged and replayed requests, concurrent
calls on one player, and answers that come too close to Reelhouse's timeout."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from reelhouse.domain.limits import (
    CONFORMANCE_CONCURRENT_CALLS,
    CONFORMANCE_SLOW_ANSWER_PERCENT,
    CONFORMANCE_TIMING_ROUNDS,
    SIGNATURE_MAX_SKEW_SECONDS,
)
from reelhouse.domain.wallet import CommandKind, OutcomeKind, RefusalReason, WalletCommand
from reelhouse.operator_kit.conformance.context import Ctx, Skip, Stop
from reelhouse.operator_kit.conformance.expect import NOT_APPLIED
from reelhouse.operator_kit.conformance.record import MoneyCheck
from reelhouse.operator_kit.conformance.scenario import Scenario, stake
from reelhouse.operator_kit.conformance.scenarios_spec import open_session
from reelhouse.operator_kit.conformance.wire import Exchange


def _signatures_checked(ctx: Ctx) -> bool:
    return ctx.target.signatures_checked or not ctx.profile.signature_optional


def forged_requests(ctx: Ctx) -> None:
    ctx.start()
    amount = stake(ctx)
    forged = ctx.other_credentials()
    ctx.step(
        "balance with wrong credentials",
        ctx.read(CommandKind.BALANCE),
        NOT_APPLIED,
        credentials=forged,
    )
    bet = ctx.bet(amount)
    ctx.step("bet with wrong credentials", bet, NOT_APPLIED, credentials=forged)
    ctx.step(
        "win with wrong credentials", ctx.win(bet, 100 * amount), NOT_APPLIED, credentials=forged
    )
    ctx.check_money("forged requests moved nothing")


def tampered_body(ctx: Ctx) -> None:
    """Right credentials, but the body changed after signing: only a signature catches it."""
    if not _signatures_checked(ctx):
        raise Skip("the wallet compares the token only (--token-only): nothing is signed")
    ctx.start()
    amount = stake(ctx)
    bet = ctx.bet(amount)
    tampered = ctx.win(bet, amount)
    request = ctx.tampered(tampered, "9999", resign=False)
    if request is None:
        raise Skip("no rewriter knows this protocol")
    ctx.step("win whose amount was changed after signing", tampered, NOT_APPLIED, request=request)
    ctx.check_money("the tampered request moved nothing")


def stale_requests(ctx: Ctx) -> None:
    if not ctx.profile.timestamped:
        raise Skip("this protocol carries no timestamp: a replay can only repeat an id")
    if not _signatures_checked(ctx):
        raise Skip("the wallet compares the token only (--token-only): nothing is timed")
    ctx.start()
    amount = stake(ctx)
    window = SIGNATURE_MAX_SKEW_SECONDS
    now = ctx.wire.now_s()
    old, ahead = ctx.bet(amount), ctx.bet(amount)
    ctx.step(
        f"bet signed {2 * window} s ago (a replay)", old, NOT_APPLIED, at_unix_s=now - 2 * window
    )
    ctx.step(f"bet signed {2 * window} s ahead", ahead, NOT_APPLIED, at_unix_s=now + 2 * window)
    ctx.check_money("stale requests moved nothing")
    fresh = ctx.bet(amount)
    ctx.step("the same kind of bet, signed now", fresh, delta=-amount)
    ctx.step("its win", ctx.win(fresh, amount), delta=amount)
    ctx.check_money("a fresh request still works")


def _all_at_once(ctx: Ctx, commands: list[WalletCommand]) -> list[Exchange]:
    """Every command on its own thread, released together."""
    barrier = threading.Barrier(len(commands))

    def send(cmd: WalletCommand) -> Exchange:
        barrier.wait()
        return ctx.send_only(cmd)

    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        return list(pool.map(send, commands))


def _judge(
    ctx: Ctx,
    label: str,
    commands: list[WalletCommand],
    exchanges: list[Exchange],
    accept: Callable[[Exchange], bool],
    expected: str,
) -> list[WalletCommand]:
    """Record each answer; returns the commands applied. An answer that is neither accepted
    nor reports a non-negative balance fails the scenario (after all are recorded)."""
    applied, problems = [], []
    for n, (cmd, exchange) in enumerate(zip(commands, exchanges, strict=True)):
        balance = exchange.outcome.balance_minor
        problem = None if accept(exchange) else f"got {exchange.outcome.kind.value}"
        if problem is None and balance is not None and balance < 0:
            problem = f"answer reports a negative balance {balance}"
        ctx.record(f"{label} #{n + 1}", cmd, exchange, expected, problem)
        if problem is not None:
            problems.append(problem)
        if exchange.outcome.kind is OutcomeKind.APPLIED:
            applied.append(cmd)
    if problems:
        raise Stop(f"{label}: {problems[0]}")
    return applied


def concurrent_bets(ctx: Ctx) -> None:
    ctx.start()
    calls = CONFORMANCE_CONCURRENT_CALLS
    amount = ctx.opening // (calls // 2) + 1  # at most calls/2 - 1 of them fit
    most = ctx.opening // amount
    bets = [ctx.bet(amount) for _ in range(calls)]

    def bet_ok(exchange: Exchange) -> bool:
        outcome = exchange.outcome
        return outcome.kind is OutcomeKind.APPLIED or (
            outcome.refusal is RefusalReason.INSUFFICIENT_FUNDS
        )

    applied = _judge(
        ctx, "concurrent bet", bets, _all_at_once(ctx, bets), bet_ok, "applied or refused for funds"
    )
    ctx.balance -= amount * len(applied)
    ctx.check_money(f"{len(applied)} concurrent bets, each debited exactly once")
    if len(applied) > most:
        # The debits all landed, but more of them than the balance covered: overdrawn.
        ctx.result.money.append(
            MoneyCheck(
                f"at most {most} bets of {amount} fit in the balance",
                ctx.opening,
                ctx.balance,
                -most * amount,
                passed=False,
            )
        )
        raise Stop(f"{len(applied)} bets of {amount} applied; the balance covered {most}")
    cancels = [ctx.cancel(bet) for bet in applied]
    if cancels:
        done = _judge(
            ctx,
            "concurrent cancel",
            cancels,
            _all_at_once(ctx, cancels),
            lambda e: e.outcome.kind is OutcomeKind.APPLIED,
            "applied",
        )
        ctx.balance += amount * len(done)
    ctx.check_money("concurrent refunds, none lost")


def _round_trips(ctx: Ctx) -> None:
    amount = stake(ctx)
    for _ in range(CONFORMANCE_TIMING_ROUNDS):
        ctx.step("authenticate", ctx.read(CommandKind.AUTHENTICATE))
        ctx.step("balance", ctx.read(CommandKind.BALANCE))
        won, cancelled = ctx.bet(amount), ctx.bet(amount)
        ctx.step("bet", won, delta=-amount)
        ctx.step("win", ctx.win(won, amount), delta=amount)
        ctx.step("bet", cancelled, delta=-amount)
        ctx.step("cancel", ctx.cancel(cancelled), delta=amount)
        if ctx.supports(CommandKind.BET_WIN):
            ctx.step("betwin", ctx.bet_win(amount, amount))


def slow_answers(ctx: Ctx) -> None:
    """Reelhouse counts an answer after the timeout as a failed call (a bet is then
    cancelled). An answer that uses most of the timeout when idle will miss it under load."""
    open_session(ctx)
    _round_trips(ctx)
    ctx.check_money("every round trip settled")
    for step in ctx.result.steps:
        limit = ctx.timeout_ms(CommandKind(step.command)) * CONFORMANCE_SLOW_ANSWER_PERCENT // 100
        if step.elapsed_ms > limit:
            step.passed = False
            step.note = f"answered in {step.elapsed_ms} ms; the limit is {limit} ms"
            raise Stop(
                f"{step.label}: answered in {step.elapsed_ms} ms, over "
                f"{CONFORMANCE_SLOW_ANSWER_PERCENT}% of the "
                f"{ctx.timeout_ms(CommandKind(step.command))} ms timeout"
            )


GUARD_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("concurrent-bets", "Concurrent bets on one player", "extended", concurrent_bets),
    Scenario("forged-requests", "Wrong token or signature", "extended", forged_requests),
    Scenario("tampered-body", "A body changed after signing", "extended", tampered_body),
    Scenario("stale-timestamps", "Stale and future timestamps", "extended", stale_requests),
    Scenario("slow-answers", "Answers well inside the timeout", "extended", slow_answers),
)
