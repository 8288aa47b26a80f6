"""A wallet to test, served over real HTTP on loopback, and a suite target pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.clock import Clock
from reelhouse.operator_kit.conformance import SuiteReport, Target, run_suite
from reelhouse.operator_kit.demo_casino.casino import CALLBACK_PATHS
from reelhouse.operator_kit.sdk import operator_keys

from .casino_helpers import TOKEN, serve

DIALECTS = ("slotcity-v4", "igamingace-a", "igamingace-b")
API_TOKEN = "0f3a9c1e-api-token-for-igamingace-a"
SECRET_KEY = "7d2b4e6f-secret-key-for-igamingace-b"
AGENT_ID = "casino_one"
KEYS = operator_keys(TOKEN, api_token=API_TOKEN, secret_key=SECRET_KEY, agent_id=AGENT_ID)
TESTER = "tester"
OPENING = "1000.00"


def target(base_url: str, dialect: str, **kw: Any) -> Target:
    creds = CallbackCredentials(
        base_url + CALLBACK_PATHS.get(dialect, "/callback"), TOKEN, API_TOKEN, SECRET_KEY, AGENT_ID
    )
    return Target(creds, dialect, kw.pop("account", TESTER), kw.pop("currency", "USD"), **kw)


@dataclass
class Served:
    base_url: str

    def run(self, dialect: str, clock: Clock, **kw: Any) -> SuiteReport:
        only = kw.pop("only", None)
        timer = kw.pop("timer", None)
        extra = {"timer": timer} if timer is not None else {}
        return run_suite(target(self.base_url, dialect, **kw), clock=clock, only=only, **extra)


@contextmanager
def served(app: Any) -> Iterator[Served]:
    with serve(app, lifespan="off") as base_url:
        yield Served(base_url)


def failed_ids(report: SuiteReport) -> set[str]:
    return {s.id for s in report.scenarios if s.status.value == "failed"}


def skipped_ids(report: SuiteReport) -> set[str]:
    return {s.id for s in report.scenarios if s.status.value == "skipped"}


def advice_ids(report: SuiteReport) -> set[str]:
    """Recommended scenarios the wallet did not follow (advice, not failures)."""
    return {s.id for s in report.scenarios if s.status.value == "advice"}
