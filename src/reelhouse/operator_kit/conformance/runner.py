"""Runs the scenarios against one wallet and collects the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import httpx

from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.clock import Clock, SystemClock
from reelhouse.domain.limits import CONFORMANCE_MIN_BALANCE_MINOR
from reelhouse.domain.money import currency, format_fixed
from reelhouse.operator_kit.conformance.context import Ctx, Skip, Stop
from reelhouse.operator_kit.conformance.levels import Level, level_of
from reelhouse.operator_kit.conformance.record import (
    ScenarioResult,
    Status,
    SuiteReport,
    TargetInfo,
)
from reelhouse.operator_kit.conformance.scenario import Scenario
from reelhouse.operator_kit.conformance.scenarios_guard import GUARD_SCENARIOS
from reelhouse.operator_kit.conformance.scenarios_money import MONEY_SCENARIOS
from reelhouse.operator_kit.conformance.scenarios_spec import SPEC_SCENARIOS
from reelhouse.operator_kit.conformance.wire import IdSource, Target, Wire
from reelhouse.tls import client_tls_context

SCENARIOS: tuple[Scenario, ...] = SPEC_SCENARIOS + MONEY_SCENARIOS + GUARD_SCENARIOS
SCENARIO_IDS: tuple[str, ...] = tuple(s.id for s in SCENARIOS)
PREFLIGHT = Scenario("preflight", "The test account can be read", "setup", lambda ctx: None)

# Called after each scenario: (scenarios done, scenarios in all, the one just done).
Progress = Callable[[int, int, ScenarioResult], None]


def _iso(clock: Clock) -> str:
    return clock.now().isoformat(timespec="seconds").replace("+00:00", "Z")


def _result(scenario: Scenario, dialect: str) -> ScenarioResult:
    level = level_of(scenario.id, dialect)
    return ScenarioResult(scenario.id, scenario.title, scenario.source, level)


def _run_one(scenario: Scenario, wire: Wire, ids: IdSource) -> ScenarioResult:
    """One scenario on its own: it reads the test account's balance afresh at its start and
    measures only its own moves from there, so what an earlier one left behind (a failed
    scenario may leave any balance, even a sub-unit one) cannot fail it."""
    result = _result(scenario, wire.target.dialect)
    try:
        scenario.run(Ctx(wire, ids, result))
    except Stop as stop:
        result.fail(str(stop))
    except Skip as skip:
        result.status, result.reason = Status.SKIPPED, str(skip)
    if result.status is Status.FAILED and result.level is Level.RECOMMENDED:
        result.status = Status.ADVICE  # beyond the contract: reported, never a failure
    return result


def _preflight(wire: Wire, ids: IdSource) -> ScenarioResult:
    result = _result(PREFLIGHT, wire.target.dialect)
    ctx = Ctx(wire, ids, result)
    try:
        opening = ctx.start()
    except Stop as stop:
        result.fail(f"{stop}: check the URL, the credentials and --account")
        return result
    if opening < CONFORMANCE_MIN_BALANCE_MINOR:
        least = format_fixed(CONFORMANCE_MIN_BALANCE_MINOR, ctx.currency)
        result.fail(f"the test account holds less than {least} {ctx.currency.code}: fund it")
    return result


def run_suite(
    target: Target,
    *,
    only: Iterable[str] | None = None,
    http: httpx.Client | None = None,
    clock: Clock | None = None,
    timer: Callable[[], float] = time.perf_counter,
    ids: IdSource | None = None,
    progress: Progress | None = None,
) -> SuiteReport:
    """Every scenario (or the `only` ones, in the suite's order) against `target`.

    Raises ValueError for a dialect or currency Reelhouse does not know, or an unknown
    scenario id; anything the wallet does ends up in the report, never as an exception.
    """
    get_dialect(target.dialect)
    currency(target.currency)
    chosen = set(SCENARIO_IDS if only is None else only)
    unknown = chosen - set(SCENARIO_IDS)
    if unknown:
        raise ValueError(f"no scenario {sorted(unknown)}; known: {', '.join(SCENARIO_IDS)}")
    clock = clock or SystemClock()
    own_http = http is None
    client = http or httpx.Client(follow_redirects=False, verify=client_tls_context())
    wire = Wire(target, client, clock, timer)
    ids = ids or IdSource()
    info = TargetInfo(
        target.url, target.dialect, target.account, target.currency, target.signatures_checked
    )
    report = SuiteReport(info, _iso(clock))
    scenarios = [s for s in SCENARIOS if s.id in chosen]
    try:
        preflight = _preflight(wire, ids)
        report.scenarios.append(preflight)
        for done, scenario in enumerate(scenarios, start=1):
            if preflight.status is Status.FAILED:
                result = _result(scenario, target.dialect)
                result.status, result.reason = Status.SKIPPED, "not run: the preflight failed"
            else:
                result = _run_one(scenario, wire, ids)
            report.scenarios.append(result)
            if progress is not None:
                progress(done, len(scenarios), result)
    finally:
        if own_http:
            client.close()
    report.finished_at = _iso(clock)
    return report
