"""The terminal report: one line per scenario, in two groups (what the dialect's contract
requires, and what Reelhouse recommends beyond it), and under each failure or piece of
advice the step that did not hold, with what was sent, what came back and what was
expected."""

from __future__ import annotations

from reelhouse.operator_kit.conformance.levels import Level
from reelhouse.operator_kit.conformance.record import ScenarioResult, Status, Step, SuiteReport

_MARK = {
    Status.PASSED: "PASS",
    Status.FAILED: "FAIL",
    Status.SKIPPED: "SKIP",
    Status.ADVICE: "NOTE",  # a recommendation the wallet does not follow: not a failure
}
_HEADINGS = {
    Level.REQUIRED: "Required by the contract (the go-live gate needs every one):",
    Level.RECOMMENDED: "Recommended by Reelhouse (advice; never blocks approval):",
}
_BODY_CHARS = 300  # a failing step's bodies are cut here; the JSON and HTML keep more


def _cut(text: str) -> str:
    return text if len(text) <= _BODY_CHARS else text[:_BODY_CHARS] + "..."


def scenario_line(result: ScenarioResult) -> str:
    return f"{_MARK[result.status]}  {result.id:<24} {result.title}"


def _failed_step(step: Step) -> list[str]:
    received = step.received
    answer = (
        f"HTTP {received.status} {_cut(received.body)}"
        if received.status is not None
        else f"no answer ({received.error})"
    )
    return [
        f"        step:     {step.label}",
        f"        sent:     {step.sent.method} {step.sent.url} {_cut(step.sent.body)}",
        f"        got:      {answer} -> {step.outcome.kind} in {step.elapsed_ms} ms",
        f"        expected: {step.expected}",
    ]


def _detail(result: ScenarioResult) -> list[str]:
    lines = [f"      {result.reason}"] if result.reason else []
    if result.status not in (Status.FAILED, Status.ADVICE):
        return lines
    failed = [step for step in result.steps if not step.passed]
    if failed:
        lines += _failed_step(failed[0])
    for check in result.money:
        if not check.passed:
            lines.append(
                f"        money:    {check.label}: moved {check.observed_delta_minor}, "
                f"expected {check.expected_delta_minor:+d} (minor units)"
            )
    return lines


def render_text(report: SuiteReport) -> str:
    target = report.target
    lines = [
        f"Reelhouse conformance: {target.dialect} wallet at {target.url}",
        f"test account {target.account} ({target.currency}), started {report.started_at}",
        "",
    ]
    for level in Level:
        group = report.of_level(level)
        if not group:
            continue
        lines.append(_HEADINGS[level])
        for result in group:
            lines.append(scenario_line(result))
            lines += _detail(result)
        lines.append("")
    return "\n".join(lines) + verdict_line(report) + "\n"


def verdict_line(report: SuiteReport) -> str:
    passed, failed = report.count(Status.PASSED), report.count(Status.FAILED)
    skipped, advice = report.count(Status.SKIPPED), report.count(Status.ADVICE)
    verdict = "FAILED" if not report.passed else "PASSED WITH ADVICE" if advice else "ALL PASSED"
    line = f"{verdict}: {passed} passed, {failed} failed, {skipped} skipped"
    return line + (f", {advice} recommendation(s) not followed" if advice else "")
