"""The terminal report: one line per scenario, and for each failure the step that failed
with what was sent, what came back and what was expected."""

from __future__ import annotations

from reelhouse.operator_kit.conformance.record import ScenarioResult, Status, Step, SuiteReport

_MARK = {Status.PASSED: "PASS", Status.FAILED: "FAIL", Status.SKIPPED: "SKIP"}
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
    if result.status is not Status.FAILED:
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
    for result in report.scenarios:
        lines.append(scenario_line(result))
        lines += _detail(result)
    passed, failed = report.count(Status.PASSED), report.count(Status.FAILED)
    skipped = report.count(Status.SKIPPED)
    verdict = "ALL PASSED" if report.passed else "FAILED"
    lines += ["", f"{verdict}: {passed} passed, {failed} failed, {skipped} skipped"]
    return "\n".join(lines) + "\n"
