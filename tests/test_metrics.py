"""`GET /metrics` after real spins: call counters and latency histograms move by what was
sent, the outbox gauges show a waiting call and its age, the breaker gauge follows the
breaker. And the JSON log lines carry the round id as correlation id through a round.

The counters are process-wide (several stacks run in one test process), so the tests look
at differences between two scrapes."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from reelhouse.api.logging_setup import JsonFormatter
from reelhouse.dispatch.breaker import CallResult
from reelhouse.dispatch.sender import WalletSender
from tests.faults import DROP, FaultTransport, faulty_stack, session_for, spin
from tests.harness import Stack

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
DIALECT = "slotcity-v4"


# /metrics is served only with a configured token (api/metrics.py).
METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"


@pytest.fixture
def rig(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Stack, FaultTransport]]:
    monkeypatch.setenv("REELHOUSE_METRICS_TOKEN", METRICS_TOKEN)
    with faulty_stack(database_url, tmp_path) as pair:
        yield pair


def scrape(stack: Stack) -> Samples:
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    answer = httpx.get(f"{stack.reelhouse.url}/metrics", headers=auth)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_counters_and_histograms_count_the_spins(rig: tuple[Stack, FaultTransport]) -> None:
    stack, _ = rig
    before = scrape(stack)
    token = session_for(stack, "alice")
    for _ in range(5):
        assert spin(stack, token)["code"] == 0
    after = scrape(stack)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    for command in ("bet", "win"):
        labels = {"dialect": DIALECT, "command": command}
        assert moved("reelhouse_wallet_calls_total", **labels, outcome="applied") == 5
        assert moved("reelhouse_wallet_call_duration_seconds_count", **labels) == 5
        assert moved("reelhouse_wallet_call_duration_seconds_bucket", **labels, le="+Inf") == 5
        assert moved("reelhouse_wallet_call_duration_seconds_sum", **labels) >= 0
        buckets = sorted(
            (float(dict(key[1])["le"]), count)
            for key, count in after.items()
            if key[0] == "reelhouse_wallet_call_duration_seconds_bucket"
            and dict(key[1]) | {"le": ""} == labels | {"le": ""}
        )
        # Cumulative within one label set (the registry is per process: other tests in this
        # worker leave series of other dialects and commands beside these).
        assert [c for _, c in buckets] == sorted(c for _, c in buckets)
    for state in ("queued", "in_flight", "manual"):
        assert value(after, "reelhouse_outbox_calls", state=state) == 0
        assert value(after, "reelhouse_outbox_oldest_call_age_seconds", state=state) == 0
    operator = {"operator_id": str(stack.operator_id), "operator": "casino_one"}
    assert ("reelhouse_breaker_state", frozenset(operator.items())) in after
    assert value(after, "reelhouse_breaker_state", **operator) == 0


def test_gauges_show_a_waiting_call_and_the_breaker(rig: tuple[Stack, FaultTransport]) -> None:
    stack, transport = rig
    before = scrape(stack)
    transport.fail("win", DROP, times=1)
    assert spin(stack, session_for(stack, "dana"))["code"] == 0
    stack.clock.advance(seconds=90)
    after = scrape(stack)
    unknown = {"dialect": DIALECT, "command": "win", "outcome": "unknown"}
    assert (
        value(after, "reelhouse_wallet_calls_total", **unknown)
        - value(before, "reelhouse_wallet_calls_total", **unknown)
        == 1
    )
    assert value(after, "reelhouse_outbox_calls", state="queued") == 1
    assert value(after, "reelhouse_outbox_oldest_call_age_seconds", state="queued") >= 90

    wallet = stack.platform.wallet
    assert isinstance(wallet, WalletSender)
    for _ in range(50):  # refused connections in a row open the breaker
        if not wallet.guards.try_acquire(stack.operator_id):
            break
        wallet.guards.release(stack.operator_id, CallResult.UNREACHABLE)
    operator = {"operator_id": str(stack.operator_id), "operator": "casino_one"}
    assert value(scrape(stack), "reelhouse_breaker_state", **operator) == 2
    stack.clock.advance(minutes=1)  # cooled down: one probe allowed
    assert value(scrape(stack), "reelhouse_breaker_state", **operator) == 1


def test_json_logs_follow_a_round_by_its_id(rig: tuple[Stack, FaultTransport]) -> None:
    stack, _ = rig
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("reelhouse.dispatch")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        answer = spin(stack, session_for(stack, "alice"))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert answer["code"] == 0
    round_id = str(answer["data"]["round_id"])  # type: ignore[index]
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    sent = [line for line in lines if line["message"] == "wallet call sent"]
    assert [line["command"] for line in sent] == ["bet", "win"]
    for line in sent:
        assert line["correlation_id"] == line["round_id"] == round_id
        assert line["outcome"] == "applied" and isinstance(line["duration_ms"], int)
        assert line["level"] == "INFO" and line["ts"].endswith("Z")
        assert isinstance(line["trans_id"], str)  # ids as text: JSON tools keep every digit
