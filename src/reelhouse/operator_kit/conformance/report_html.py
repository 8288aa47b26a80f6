"""The HTML report: one self-contained page (inline style, no script, no external resource)
an operator can attach to a ticket. Every value is escaped: bodies come from the wallet."""

from __future__ import annotations

from html import escape

from reelhouse.operator_kit.conformance.levels import Level
from reelhouse.operator_kit.conformance.record import (
    MoneyCheck,
    ScenarioResult,
    Status,
    Step,
    SuiteReport,
)

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:72em}
h1{font-size:1.4em}summary{cursor:pointer;padding:.3em 0}
.passed{color:#17692c}.failed{color:#b3261e}.skipped{color:#7a6a00}.advice{color:#1d4f91}
.mark{display:inline-block;width:4.5em;font-weight:bold}
table{border-collapse:collapse;margin:.4em 0 1em;width:100%}
td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
.steps th:nth-child(3){width:36%}.steps th:nth-child(4){width:26%}
pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px}
.reason{margin:.2em 0 .6em 1.5em}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _step_row(step: Step) -> str:
    status = "passed" if step.passed else "failed"
    headers = "\n".join(f"{name}: {value}" for name, value in step.sent.headers)
    received = step.received
    answer = f"HTTP {received.status}\n{received.body}" if received.status else received.error
    outcome = step.outcome
    seen = outcome.kind + (f" ({outcome.refusal})" if outcome.refusal else "")
    if outcome.trans_status:
        seen += f", trans_status {outcome.trans_status}"
    if outcome.balance_minor is not None:
        seen += f", balance {outcome.balance_minor}"
    return (
        f"<tr><td class='{status}'>{'ok' if step.passed else 'FAILED'}</td>"
        f"<td>{_e(step.label)}<br><small>{_e(step.command)}, {step.elapsed_ms} ms</small></td>"
        f"<td><pre>{_e(step.sent.method)} {_e(step.sent.url)}\n{_e(headers)}\n\n"
        f"{_e(step.sent.body)}</pre></td>"
        f"<td><pre>{_e(answer)}</pre></td>"
        f"<td>{_e(step.expected)}</td><td>{_e(seen)}<br><small>{_e(step.note)}</small></td></tr>"
    )


def _money_row(check: MoneyCheck) -> str:
    status = "passed" if check.passed else "failed"
    return (
        f"<tr><td class='{status}'>{'ok' if check.passed else 'FAILED'}</td>"
        f"<td>{_e(check.label)}</td><td>{check.balance_before_minor}</td>"
        f"<td>{_e(check.balance_after_minor)}</td><td>{check.expected_delta_minor:+d}</td>"
        f"<td>{_e(check.observed_delta_minor)}</td></tr>"
    )


def _scenario(result: ScenarioResult) -> str:
    status = result.status.value
    opened = " open" if result.status in (Status.FAILED, Status.ADVICE) else ""
    parts = [
        f"<details{opened}><summary><span class='mark {status}'>{status.upper()}</span>",
        f"<b>{_e(result.id)}</b> {_e(result.title)} <small>({_e(result.source)})</small>",
        "</summary>",
    ]
    if result.reason:
        parts.append(f"<p class='reason {status}'>{_e(result.reason)}</p>")
    if result.steps:
        parts.append(
            "<table class='steps'><tr><th></th><th>step</th><th>sent</th><th>came back</th>"
            "<th>expected</th><th>Reelhouse reads</th></tr>"
        )
        parts += [_step_row(step) for step in result.steps]
        parts.append("</table>")
    if result.money:
        parts.append(
            "<table><tr><th></th><th>money check</th><th>balance before</th>"
            "<th>balance after</th><th>expected move</th><th>observed move</th></tr>"
        )
        parts += [_money_row(check) for check in result.money]
        parts.append("</table>")
    parts.append("</details>")
    return "\n".join(parts)


_GROUPS = {
    Level.REQUIRED: (
        "Required by the contract",
        "What the public contract of this dialect asks of a wallet: approval needs every one.",
    ),
    Level.RECOMMENDED: (
        "Recommended by Reelhouse",
        "Advice beyond the contract: a wallet that does not follow it is still approved.",
    ),
}


def _group(report: SuiteReport, level: Level) -> str:
    title, meaning = _GROUPS[level]
    scenarios = "\n".join(_scenario(result) for result in report.of_level(level))
    return f"<section id='{level.value}'><h2>{title}</h2><p>{meaning}</p>\n{scenarios}</section>"


def render_html(report: SuiteReport) -> str:
    target = report.target
    verdict = "passed" if report.passed else "failed"
    summary = (
        f"{report.count(Status.PASSED)} passed, {report.count(Status.FAILED)} failed, "
        f"{report.count(Status.SKIPPED)} skipped, "
        f"{report.count(Status.ADVICE)} recommendation(s) not followed"
    )
    body = "\n".join(_group(report, level) for level in Level if report.of_level(level))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Reelhouse conformance: {_e(target.dialect)} {verdict}</title>
<style>{_STYLE}</style></head><body>
<h1>Reelhouse conformance report: <span class="{verdict}">{verdict.upper()}</span></h1>
<p>Wallet <code>{_e(target.url)}</code>, dialect <b>{_e(target.dialect)}</b>,
test account <code>{_e(target.account)}</code> ({_e(target.currency)}),
signatures checked: {"yes" if target.signatures_checked else "no (token only)"}.<br>
Started {_e(report.started_at)}, finished {_e(report.finished_at)}. {summary}.
Amounts are in minor units of {_e(target.currency)}.</p>
{body}
</body></html>
"""
