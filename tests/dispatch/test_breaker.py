"""The circuit breaker on an injected clock: it opens on evidence of an outage (a failure
rate over its window at a minimum volume, or refused connections), never on slow answers at
low traffic, and closes after its cool-down when the probe call is answered."""

from __future__ import annotations

import random

import pytest

from reelhouse.dispatch.breaker import BreakerPolicy, BreakerState, CallResult, OperatorGuards
from reelhouse.domain.clock import FakeClock

OPERATOR = 7
POLICY = BreakerPolicy()
COOL_DOWN_S = POLICY.cool_down.total_seconds()
WINDOW_S = POLICY.window.total_seconds()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def guards(clock: FakeClock) -> OperatorGuards:
    return OperatorGuards(clock, POLICY)


def call(guards: OperatorGuards, result: CallResult) -> bool:
    """One call through the guard; False when it was refused before being sent."""
    if not guards.try_acquire(OPERATOR):
        return False
    guards.release(OPERATOR, result)
    return True


def test_the_policy_demands_volume_and_a_high_rate() -> None:
    # The numbers the docs give; a change here must be a decision, not an accident.
    assert (POLICY.min_calls, POLICY.failure_ratio, POLICY.refusals_to_open) == (20, 0.6, 3)
    assert WINDOW_S == COOL_DOWN_S == 30


def test_timeouts_at_low_volume_never_open(clock: FakeClock, guards: OperatorGuards) -> None:
    # One player on a wallet that answers nothing in time: a call every 5 s (each waits out
    # its timeout), for ten minutes. Below the minimum volume the rate never counts.
    for _ in range(120):
        assert call(guards, CallResult.FAILED)
        clock.advance(seconds=5)
    assert guards.state(OPERATOR) is BreakerState.CLOSED
    assert guards.openings(OPERATOR) == 0


def test_a_run_of_timeouts_below_the_volume_does_not_open(guards: OperatorGuards) -> None:
    # Nineteen slow answers in a row, as a few players hit by one stall: the old rule (five
    # in a row) opened here and shut every player out.
    for _ in range(POLICY.min_calls - 1):
        assert call(guards, CallResult.FAILED)
    assert guards.state(OPERATOR) is BreakerState.CLOSED


def test_one_slow_answer_in_ten_at_seven_players_never_opens(
    clock: FakeClock, guards: OperatorGuards
) -> None:
    # Seven players spinning, an answer slower than its timeout about once in ten, often in
    # stalls that catch several players at once (runs of up to six), for an hour.
    rng = random.Random(11)
    stall = 0
    slow = 0
    for _ in range(7 * 3600 // 4):
        if stall == 0 and rng.random() < 0.025:
            stall = rng.randint(3, 6)
        failed = stall > 0
        stall = max(stall - 1, 0)
        slow += failed
        assert call(guards, CallResult.FAILED if failed else CallResult.ANSWERED)
        clock.advance(seconds=rng.uniform(0.1, 1.0))
    assert 0.05 < slow / (7 * 3600 // 4) < 0.15
    assert guards.openings(OPERATOR) == 0


def test_most_calls_failed_at_the_minimum_volume_opens(guards: OperatorGuards) -> None:
    failing = int(POLICY.failure_ratio * POLICY.min_calls)  # 12 of 20
    for _ in range(POLICY.min_calls - failing):
        assert call(guards, CallResult.ANSWERED)
    for _ in range(failing - 1):
        assert call(guards, CallResult.FAILED)
    assert guards.state(OPERATOR) is BreakerState.CLOSED  # 19 calls: below the volume
    assert call(guards, CallResult.FAILED)  # the 20th, the 12th failed: three in five
    assert guards.state(OPERATOR) is BreakerState.OPEN
    assert not guards.try_acquire(OPERATOR)  # open: nothing is sent
    assert guards.openings(OPERATOR) == 1


def test_below_the_rate_at_volume_stays_closed(guards: OperatorGuards) -> None:
    for n in range(200):
        # Four in ten failed, at ten times the minimum volume.
        assert call(guards, CallResult.FAILED if n % 5 < 2 else CallResult.ANSWERED)
    assert guards.state(OPERATOR) is BreakerState.CLOSED


def test_a_broken_win_endpoint_alone_does_not_shut_players_out(guards: OperatorGuards) -> None:
    # Every bet answered, every win timing out: half the calls fail. The wallet is alive;
    # its players still play and the wins wait in the outbox for their retries.
    for _ in range(100):
        assert call(guards, CallResult.ANSWERED)
        assert call(guards, CallResult.FAILED)
    assert guards.state(OPERATOR) is BreakerState.CLOSED


def test_calls_older_than_the_window_are_forgotten(
    clock: FakeClock, guards: OperatorGuards
) -> None:
    for _ in range(POLICY.min_calls - 1):
        assert call(guards, CallResult.FAILED)
    clock.advance(seconds=WINDOW_S + 1)
    assert call(guards, CallResult.FAILED)  # alone in its window
    assert guards.state(OPERATOR) is BreakerState.CLOSED


def test_refused_connections_open_at_any_volume(guards: OperatorGuards) -> None:
    for _ in range(POLICY.refusals_to_open - 1):
        assert call(guards, CallResult.UNREACHABLE)
    assert guards.state(OPERATOR) is BreakerState.CLOSED  # one or two: maybe a restart
    assert call(guards, CallResult.UNREACHABLE)
    assert guards.state(OPERATOR) is BreakerState.OPEN


def test_an_answer_between_refusals_starts_the_count_again(guards: OperatorGuards) -> None:
    for _ in range(POLICY.refusals_to_open - 1):
        assert call(guards, CallResult.UNREACHABLE)
    assert call(guards, CallResult.ANSWERED)
    for _ in range(POLICY.refusals_to_open - 1):
        assert call(guards, CallResult.UNREACHABLE)
    assert guards.state(OPERATOR) is BreakerState.CLOSED
    # A timeout neither counts as a refusal nor clears them: the wallet gave no answer.
    assert call(guards, CallResult.FAILED)
    assert call(guards, CallResult.UNREACHABLE)
    assert guards.state(OPERATOR) is BreakerState.OPEN


def open_by_refusals(guards: OperatorGuards) -> None:
    for _ in range(POLICY.refusals_to_open):
        call(guards, CallResult.UNREACHABLE)
    assert guards.state(OPERATOR) is BreakerState.OPEN


def test_after_the_cool_down_an_answered_probe_closes_it(
    clock: FakeClock, guards: OperatorGuards
) -> None:
    open_by_refusals(guards)
    clock.advance(seconds=COOL_DOWN_S - 1)
    assert not guards.try_acquire(OPERATOR)
    clock.advance(seconds=1)
    assert guards.state(OPERATOR) is BreakerState.HALF_OPEN
    assert guards.try_acquire(OPERATOR)  # the one probe
    assert not guards.try_acquire(OPERATOR)  # nothing else while it is out
    guards.release(OPERATOR, CallResult.ANSWERED)
    assert guards.state(OPERATOR) is BreakerState.CLOSED
    # The refusals that opened it are forgotten: one more does not open it again.
    assert call(guards, CallResult.UNREACHABLE)
    assert guards.state(OPERATOR) is BreakerState.CLOSED


def test_a_failed_probe_opens_it_for_another_cool_down(
    clock: FakeClock, guards: OperatorGuards
) -> None:
    open_by_refusals(guards)
    clock.advance(seconds=COOL_DOWN_S)
    assert call(guards, CallResult.FAILED)  # the probe timed out
    assert guards.state(OPERATOR) is BreakerState.OPEN
    assert guards.openings(OPERATOR) == 2
    clock.advance(seconds=COOL_DOWN_S)
    assert guards.state(OPERATOR) is BreakerState.HALF_OPEN


def test_calls_ending_while_open_do_not_extend_it(clock: FakeClock, guards: OperatorGuards) -> None:
    for _ in range(2):  # two calls already on the wire
        assert guards.try_acquire(OPERATOR)
    open_by_refusals(guards)
    clock.advance(seconds=COOL_DOWN_S - 1)
    guards.release(OPERATOR, CallResult.FAILED)
    guards.release(OPERATOR, CallResult.UNREACHABLE)
    clock.advance(seconds=1)
    assert guards.state(OPERATOR) is BreakerState.HALF_OPEN
    assert guards.openings(OPERATOR) == 1


def test_the_bulkhead_caps_calls_in_flight(clock: FakeClock) -> None:
    guards = OperatorGuards(clock, BreakerPolicy(max_in_flight=2))
    assert guards.try_acquire(OPERATOR) and guards.try_acquire(OPERATOR)
    assert not guards.try_acquire(OPERATOR)
    assert guards.try_acquire(OPERATOR + 1)  # another operator is not affected
    guards.release(OPERATOR, CallResult.ANSWERED)
    assert guards.try_acquire(OPERATOR)


def test_the_failure_count_follows_the_window_as_calls_enter_and_leave(
    clock: FakeClock, guards: OperatorGuards
) -> None:
    # The count of failures is kept as calls come and go, not recounted: it must always
    # equal what the window holds, or the rate would drift from the calls it describes.
    rng = random.Random(7)
    for _ in range(400):
        failed = rng.random() < 0.3  # below the rate: the breaker stays closed
        assert call(guards, CallResult.FAILED if failed else CallResult.ANSWERED)
        clock.advance(seconds=rng.choice((0, 0.5, 2, 11)))
        guard = guards._guards[OPERATOR]
        assert guard.failed_in_window == sum(failed for _at, failed in guard.recent)
