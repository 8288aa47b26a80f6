"""The conformance suite: plays Reelhouse's wallet callbacks against an operator's wallet
before it goes live, and reports, scenario by scenario, what was sent, what came back, what
was expected and what the money did. `reelhouse conformance` runs it; docs/conformance.md
describes every scenario."""

from reelhouse.operator_kit.conformance.record import ScenarioResult, Status, SuiteReport
from reelhouse.operator_kit.conformance.report_html import render_html
from reelhouse.operator_kit.conformance.report_text import render_text
from reelhouse.operator_kit.conformance.runner import SCENARIO_IDS, SCENARIOS, run_suite
from reelhouse.operator_kit.conformance.wire import IdSource, Target

__all__ = [
    "SCENARIOS",
    "SCENARIO_IDS",
    "IdSource",
    "ScenarioResult",
    "Status",
    "SuiteReport",
    "Target",
    "render_html",
    "render_text",
    "run_suite",
]
