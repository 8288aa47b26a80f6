"""What a conformance run found, as plain data: every request sent, what came back, what was
expected, and the money effect seen through `balance`. The terminal, JSON and HTML reports
are views of these records."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from reelhouse.operator_kit.conformance.levels import Level


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"  # not applicable to this dialect or configuration, with the reason
    # A recommended scenario that did not hold: advice for the operator, never a failure
    # (levels.py says which scenarios the contract requires).
    ADVICE = "advice"


@dataclass(frozen=True, slots=True)
class Sent:
    method: str
    url: str
    headers: list[tuple[str, str]]  # secrets masked
    body: str


@dataclass(frozen=True, slots=True)
class Received:
    status: int | None  # None: no HTTP answer at all (timeout, refused connection)
    body: str
    error: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What Reelhouse makes of the answer (the dialect's decoder, as in production)."""

    kind: str
    balance_minor: int | None
    refusal: str | None
    trans_status: str | None
    detail: str


@dataclass(slots=True)
class Step:
    label: str
    command: str
    sent: Sent
    received: Received
    outcome: Outcome
    elapsed_ms: int
    expected: str
    passed: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class MoneyCheck:
    """The balance read through `balance` after some steps, against what they should do."""

    label: str
    balance_before_minor: int
    balance_after_minor: int | None  # None: the balance could not be read
    expected_delta_minor: int
    passed: bool

    @property
    def observed_delta_minor(self) -> int | None:
        if self.balance_after_minor is None:
            return None
        return self.balance_after_minor - self.balance_before_minor


@dataclass(slots=True)
class ScenarioResult:
    id: str
    title: str
    source: str  # "spec 3.n" for the SlotCity pre-go-live tests, "extended" for ours
    level: Level = Level.REQUIRED
    status: Status = Status.PASSED
    reason: str = ""  # why it failed or was skipped
    steps: list[Step] = field(default_factory=list)
    money: list[MoneyCheck] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        if self.status is not Status.FAILED:
            self.status, self.reason = Status.FAILED, reason


@dataclass(frozen=True, slots=True)
class TargetInfo:
    url: str
    dialect: str
    account: str
    currency: str
    signatures_checked: bool


@dataclass(slots=True)
class SuiteReport:
    target: TargetInfo
    started_at: str  # ISO 8601 UTC
    finished_at: str = ""
    scenarios: list[ScenarioResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for s in self.scenarios if s.status is status)

    def of_level(self, level: Level) -> list[ScenarioResult]:
        return [s for s in self.scenarios if s.level is level]

    @property
    def passed(self) -> bool:
        """Every scenario the contract requires passed (skipped ones do not apply; advice
        never fails a run) and at least one ran."""
        ran = [s for s in self.scenarios if s.status is not Status.SKIPPED]
        return bool(ran) and all(s.status is not Status.FAILED for s in ran)

    def to_dict(self) -> dict[str, Any]:
        scenarios = []
        for scenario in self.scenarios:
            item = asdict(scenario)
            item["money"] = [
                {**asdict(check), "observed_delta_minor": check.observed_delta_minor}
                for check in scenario.money
            ]
            scenarios.append(item)
        return {
            "suite": "reelhouse-conformance",
            "version": 2,  # 2: each scenario has a level; "advice" status
            "target": asdict(self.target),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "summary": {
                "ok": self.passed,
                "passed": self.count(Status.PASSED),
                "failed": self.count(Status.FAILED),
                "skipped": self.count(Status.SKIPPED),
                "advice": self.count(Status.ADVICE),
            },
            "scenarios": scenarios,
        }

    def to_json(self) -> str:
        """The JSON report, as `--json` prints it and as its digest is taken."""
        return json.dumps(self.to_dict(), indent=2)

    def digest(self) -> str:
        """SHA-256 of `to_json()`: an approval's audit row names the report it rests on."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()
