"""Operator events (docs/webhooks.md), at the service level: each state change writes its
event in its own transaction with the next sequence of its operator, gapless under
concurrent settlement; deliveries are signed (both secrets during a rotation's overlap),
retried with a growing backoff on the injected clock, and the pull pages by cursor."""

from __future__ import annotations

import datetime as dt
import json
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reelhouse.dispatch.events_delivery import EventDeliverer, housekeep
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.transport import TransportError
from reelhouse.domain import events as kinds
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.services import backoffice_settings, freerounds, operators, rounds, webhooks
from reelhouse.store import events
from reelhouse.store.models import EventWebhook, OperatorEvent, Player
from reelhouse.store.secrets import Sealer
from tests.dispatch.inprocess import GAME, Deployment, deploy

# Logic no database changes (the claim's locking, the sequence under concurrency and every
# emission run on both).
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
HOOK = "http://127.0.0.1:9/hook"  # never dialled: the deliverer's transport is a fake


@pytest.fixture
def deployment(database_url: str, tmp_path: Path) -> Iterator[Deployment]:
    running = deploy(database_url, tmp_path)
    yield running
    running.close()


def stored(deployment: Deployment) -> list[tuple[int, str, dict[str, Any]]]:
    with deployment.db.transaction() as session:
        rows = session.scalars(select(OperatorEvent).order_by(OperatorEvent.sequence)).all()
        return [(row.sequence, row.kind, json.loads(row.payload_json)) for row in rows]


def _op_id(deployment: Deployment) -> int:
    with deployment.db.transaction() as session:
        return operators.find_by_name(session, "op").id


def test_settled_and_cancelled_rounds_and_big_wins_get_the_next_sequences(
    deployment: Deployment,
) -> None:
    platform = deployment.platform()
    webhooks.set_big_win(platform, "op", 1)  # every paying round is a big win here
    (token,) = deployment.open_sessions(1, balance="1000.00")
    played = [rounds.spin(platform, token, "1.00") for _ in range(6)]
    deployment.transport.answer_lost_for.add("bet")  # its fate unknown: it is cancelled
    with pytest.raises(ReelhouseError) as unconfirmed:
        rounds.spin(platform, token, "1.00")
    assert unconfirmed.value.data is not None
    cancelled = int(unconfirmed.value.data["round_id"])
    found = stored(deployment)
    assert [seq for seq, _, _ in found] == list(range(1, len(found) + 1))
    expected: list[tuple[str, int]] = []
    for result in played:
        expected.append((kinds.EventKind.ROUND_SETTLED, result.round_id))
        if result.win_minor > 0:
            expected.append((kinds.EventKind.BIG_WIN, result.round_id))
    expected.append((kinds.EventKind.ROUND_CANCELLED, cancelled))
    assert [(kind, data["round_id"]) for _, kind, data in found] == expected
    settled = found[0][2]
    assert settled["bet_minor"] == 100 and settled["win_minor"] == played[0].win_minor
    assert set(settled) == set(kinds.EVENT_KINDS[kinds.EventKind.ROUND_SETTLED].fields)


def test_a_call_parked_in_the_manual_queue_is_an_event(deployment: Deployment) -> None:
    sender = deployment.sender(RetrySchedule(window=dt.timedelta(0)))  # no retries at all
    platform = deployment.platform(sender)
    (token,) = deployment.open_sessions(1)
    deployment.transport.down_for.add("win")
    result = rounds.spin(platform, token, "1.00")
    ((_, kind, data),) = stored(deployment)
    assert kind == kinds.EventKind.CALL_PARKED
    assert data["round_id"] == result.round_id and data["kind"] == "win"
    assert set(data) == set(kinds.EVENT_KINDS[kinds.EventKind.CALL_PARKED].fields)


def test_a_grant_finishes_used_up_cancelled_or_expired(deployment: Deployment) -> None:
    platform = deployment.platform()
    (token,) = deployment.open_sessions(1)
    op = _op_id(deployment)
    user_code = _user_code(deployment)
    now = deployment.clock.now()

    def grant(count: int, lifetime: dt.timedelta) -> int:
        request = freerounds.GrantRequest(user_code, 1, GAME, 100, count, now + lifetime)
        return freerounds.grant(platform, op, request).fr_id

    played = grant(2, dt.timedelta(days=1))
    for _ in range(2):
        rounds.spin(platform, token, "1.00", played)
    withdrawn = grant(1, dt.timedelta(days=1))
    freerounds.cancel(platform, op, fr_id=withdrawn)
    lapsed = grant(3, dt.timedelta(hours=1))
    deployment.clock.advance(hours=2)
    assert housekeep(deployment.db, deployment.clock.now()) == (0, 1)
    assert housekeep(deployment.db, deployment.clock.now()) == (0, 0)  # told once
    finished = [
        (data["fr_id"], data["reason"])
        for _, kind, data in stored(deployment)
        if kind == kinds.EventKind.FREE_ROUNDS_FINISHED
    ]
    assert finished == [
        (played, kinds.FINISHED_USED_UP),
        (withdrawn, kinds.FINISHED_CANCELLED),
        (lapsed, kinds.FINISHED_EXPIRED),
    ]


def _user_code(deployment: Deployment) -> int:
    with deployment.db.transaction() as session:
        return int(session.scalars(select(Player.id)).one())


def test_a_rolled_back_change_takes_no_sequence(deployment: Deployment) -> None:
    op, now = _op_id(deployment), deployment.clock.now()
    with deployment.db.transaction() as session:
        events.stage(session, op, kinds.EventKind.ROUND_SETTLED, {"n": 1}, now)
    with pytest.raises(RuntimeError), deployment.db.transaction() as session:
        events.stage(session, op, kinds.EventKind.ROUND_SETTLED, {"n": 2}, now)
        raise RuntimeError("the change failed")
    with deployment.db.transaction() as session:
        events.stage(session, op, kinds.EventKind.ROUND_SETTLED, {"n": 3}, now)
    assert [(seq, data["n"]) for seq, _, data in stored(deployment)] == [(1, 1), (2, 3)]


def test_concurrent_settlements_of_one_operator_get_gapless_sequences(
    deployment: Deployment,
) -> None:
    platform = deployment.platform()
    tokens = deployment.open_sessions(4, balance="1000.00")
    errors: list[BaseException] = []

    def play(token: str) -> None:
        try:
            for _ in range(5):
                rounds.spin(platform, token, "1.00")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=play, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    found = stored(deployment)
    assert [seq for seq, _, _ in found] == list(range(1, 21))
    assert len({data["round_id"] for _, _, data in found}) == 20


# --- signing ---


def test_a_signature_verifies_with_its_secret_only_within_the_tolerance() -> None:
    body, stamp = b'{"events":[]}', 1_800_000_000
    header = kinds.signature_header(["new-secret", "old-secret"], stamp, body)
    assert header.startswith(f"t={stamp}, v1=") and header.count("v1=") == 2
    assert kinds.verify(header, body, "new-secret", stamp + 10)
    assert kinds.verify(header, body, "old-secret", stamp - 10)
    assert not kinds.verify(header, body, "other", stamp)
    assert not kinds.verify(header, body + b" ", "new-secret", stamp)
    assert not kinds.verify(header, body, "new-secret", stamp + kinds.SIGNATURE_TOLERANCE_S + 1)
    assert not kinds.verify("v1=abc", body, "new-secret", stamp)


# --- delivery ---


@dataclass
class FakeHook:
    """A receiver: answers `status` (or fails the connection), keeping every request."""

    status: int = 200
    refuse: bool = False
    seen: list[HttpRequest] = field(default_factory=list)

    def send(self, request: HttpRequest) -> HttpAnswer:
        self.seen.append(request)
        if self.refuse:
            raise TransportError("connection refused")
        return HttpAnswer(self.status, b"ok")

    def sequences(self, index: int = -1) -> list[int]:
        return [event["sequence"] for event in json.loads(self.seen[index].body)["events"]]


def _deliverer(deployment: Deployment, hook: FakeHook) -> EventDeliverer:
    sealer = Sealer(deployment.settings.secret_key)
    return EventDeliverer(deployment.db, sealer, hook, deployment.clock, rng=random.Random(7))


def _stage(deployment: Deployment, count: int) -> None:
    op, now = _op_id(deployment), deployment.clock.now()
    with deployment.db.transaction() as session:
        for n in range(count):
            events.stage(session, op, kinds.EventKind.ROUND_SETTLED, {"n": n}, now)


def _webhook(deployment: Deployment) -> EventWebhook:
    op = _op_id(deployment)
    with deployment.db.transaction() as session:
        row = session.get(EventWebhook, op)
        assert row is not None
        session.expunge(row)
        return row


def test_a_failed_delivery_is_retried_with_growing_backoff_until_acknowledged(
    deployment: Deployment,
) -> None:
    platform = deployment.platform()
    secret = webhooks.set_url(platform, "op", HOOK)
    assert secret is not None
    _stage(deployment, 3)
    hook = FakeHook(refuse=True)
    deliverer = _deliverer(deployment, hook)
    delays = []
    for failures in range(1, 5):
        assert deliverer.run_once() == 1
        row = _webhook(deployment)
        assert row.failures == failures and row.delivered_sequence == 0
        delay = row.next_attempt_at_utc - to_naive_utc(deployment.clock.now())
        assert dt.timedelta(seconds=2 ** (failures - 2)) <= delay
        assert delay <= dt.timedelta(seconds=2 ** (failures - 1))
        delays.append(delay)
        assert deliverer.run_once() == 0  # not due yet: nothing is sent
        deployment.clock.advance(seconds=delay.total_seconds())
    assert delays == sorted(delays)
    hook.refuse = False
    assert deliverer.run_once() == 1
    assert all(request.body == hook.seen[0].body for request in hook.seen)  # the same events
    assert hook.sequences() == [1, 2, 3]
    row = _webhook(deployment)
    assert (row.delivered_sequence, row.failures) == (3, 0)
    stamp = int(deployment.clock.now().timestamp())
    header = dict(hook.seen[-1].headers)[kinds.SIGNATURE_HEADER]
    assert kinds.verify(header, hook.seen[-1].body, secret, stamp)
    assert deliverer.run_once() == 0  # caught up


@SQLITE_ONLY
def test_a_receiver_error_is_a_failure_and_the_backoff_is_capped(deployment: Deployment) -> None:
    webhooks.set_url(deployment.platform(), "op", HOOK)
    _stage(deployment, 1)
    deliverer = _deliverer(deployment, FakeHook(status=500))
    for _ in range(12):
        deliverer.run_once()
        row = _webhook(deployment)
        deployment.clock.advance(seconds=kinds.RETRY_CAP_S)
    assert row.failures == 12 and row.last_error == "HTTP 500"
    assert kinds.retry_delay_s(60, random.Random(1)) <= kinds.RETRY_CAP_S


@SQLITE_ONLY
def test_during_a_rotation_overlap_both_secrets_sign_then_only_the_new(
    deployment: Deployment,
) -> None:
    platform = deployment.platform()
    old = webhooks.set_url(platform, "op", HOOK)
    assert old is not None
    new = webhooks.rotate_secret(platform, "op", overlap_s=3600)
    shown = backoffice_settings.settings_view(platform, _op_id(deployment))["events"]
    assert shown.url == HOOK and shown.overlap_until is not None  # the back office's view
    hook = FakeHook()
    deliverer = _deliverer(deployment, hook)
    _stage(deployment, 1)
    deliverer.run_once()
    stamp = int(deployment.clock.now().timestamp())
    header = dict(hook.seen[-1].headers)[kinds.SIGNATURE_HEADER]
    assert header.count("v1=") == 2
    for secret in (old, new):
        assert kinds.verify(header, hook.seen[-1].body, secret, stamp)
    deployment.clock.advance(seconds=3601)
    _stage(deployment, 1)
    deliverer.run_once()
    stamp = int(deployment.clock.now().timestamp())
    header = dict(hook.seen[-1].headers)[kinds.SIGNATURE_HEADER]
    assert header.count("v1=") == 1
    assert kinds.verify(header, hook.seen[-1].body, new, stamp)
    assert not kinds.verify(header, hook.seen[-1].body, old, stamp)
    op = _op_id(deployment)
    with deployment.db.transaction() as session:
        row = session.get(EventWebhook, op)
        assert row is not None and old not in row.secret_sealed  # sealed, never in clear


@SQLITE_ONLY
def test_a_webhook_starts_after_the_events_that_exist_and_pull_pages_by_cursor(
    deployment: Deployment,
) -> None:
    platform = deployment.platform()
    _stage(deployment, 5)
    webhooks.set_url(platform, "op", HOOK)
    hook = FakeHook()
    _stage(deployment, 2)
    _deliverer(deployment, hook).run_once()
    assert hook.sequences() == [6, 7]  # the past is the pull's
    op = _op_id(deployment)
    page = webhooks.pull(platform, op, 0, 4)
    assert [e["sequence"] for e in page["events"]] == [1, 2, 3, 4]
    assert page["last_sequence"] == 7
    page = webhooks.pull(platform, op, 4, 500)
    assert [e["sequence"] for e in page["events"]] == [5, 6, 7]
    for after, limit in ((-1, 10), (0, 0), (0, 501)):
        with pytest.raises(ReelhouseError) as refused:
            webhooks.pull(platform, op, after, limit)
        assert refused.value.code is ApiCode.PARAMETERS_INVALID


@SQLITE_ONLY
def test_events_past_the_retention_are_purged(deployment: Deployment) -> None:
    _stage(deployment, 3)
    deployment.clock.advance(days=kinds.RETENTION_DAYS - 1)
    _stage(deployment, 1)
    deployment.clock.advance(days=2)
    assert housekeep(deployment.db, deployment.clock.now()) == (3, 0)
    assert [seq for seq, _, _ in stored(deployment)] == [4]


@SQLITE_ONLY
def test_settings_refuse_bad_values(deployment: Deployment) -> None:
    platform = deployment.platform()
    refusals: list[Callable[[], object]] = [
        lambda: webhooks.set_url(platform, "op", "ftp://example.com/hook"),
        lambda: webhooks.set_url(platform, "op", "http://x/" + "a" * 2048),
        lambda: webhooks.rotate_secret(platform, "op", overlap_s=-1),
        lambda: webhooks.set_big_win(platform, "op", 0),
    ]
    for call in refusals:
        with pytest.raises(ReelhouseError) as refused:
            call()
        assert refused.value.code is ApiCode.PARAMETERS_INVALID
    with deployment.db.transaction() as session:
        assert session.scalar(select(EventWebhook)) is None


def test_the_docs_list_every_kind_and_its_fields() -> None:
    """Each kind has its row in docs/webhooks.md, naming its fields there or in the row of
    `round.settled` (which the other round kinds refer to)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "webhooks.md").read_text()
    rows = {line.split("`")[1]: line for line in doc.splitlines() if line.startswith("| `")}
    settled = rows[kinds.EventKind.ROUND_SETTLED.value]
    for kind, info in kinds.EVENT_KINDS.items():
        row = rows[kind.value]
        assert all(f"`{name}`" in row + settled for name in info.fields), kind
