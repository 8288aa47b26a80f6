"""Settings changes from the back office (each with its audit row in the same commit, secrets
never audited) and the per-operator listings behind its pages, over real HTTP to the demo
casino."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from reelhouse.domain.errors import ReelhouseError
from reelhouse.services import audit, backoffice_history, backoffice_ops, backoffice_settings
from reelhouse.services.backoffice_history import Filters
from reelhouse.store.models import AuditEntry, Operator
from tests.harness import Stack, running_stack

WHO = audit.Accountable.checked("ops@casino.example", "test")


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def audit_rows(stack: Stack) -> list[AuditEntry]:
    with stack.platform.db.transaction() as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        session.expunge_all()
        return rows


def operator(stack: Stack) -> Operator:
    with stack.platform.db.transaction() as session:
        found = session.get(Operator, stack.operator_id)
        assert found is not None
        session.expunge(found)
        return found


def test_every_change_is_audited_with_before_and_after(stack: Stack) -> None:
    platform, op = stack.platform, stack.operator_id
    new_url = f"{stack.casino.url}/callback?v=2"
    backoffice_settings.set_callback_url(platform, op, new_url, WHO)
    backoffice_settings.set_allowed_ips(platform, op, "127.0.0.1, 10.0.0.0/8", WHO)
    assert backoffice_settings.set_rtp(platform, op, "95", WHO) == "94.00"
    backoffice_settings.set_limits(platform, op, ("0.20", "50.00", "1000.00"), WHO)
    rows = audit_rows(stack)
    assert [r.action for r in rows] == [
        "settings.callback_url",
        "settings.allowed_ips",
        "settings.rtp",
        "settings.limits",
    ]
    assert all(r.target_type == "operator" and r.target_id == op for r in rows)
    assert all(r.actor == "ops@casino.example" for r in rows)
    detail = json.loads(rows[0].detail)
    assert detail["before"] == f"{stack.casino.url}/callback" and detail["after"] == new_url
    assert json.loads(rows[3].detail)["after"] == ["0.20", "50.00", "1000.00"]
    now = operator(stack)
    assert now.callback_url == new_url and now.allowed_ips == "127.0.0.1,10.0.0.0/8"
    assert (now.rtp_bp, now.min_bet_minor, now.max_bet_minor, now.max_win_minor) == (
        9400,
        20,
        5000,
        100_000,
    )


@pytest.mark.parametrize(
    ("change", "args"),
    [
        (backoffice_settings.set_callback_url, ("ftp://example.com/cb",)),
        (backoffice_settings.set_callback_url, ("not a url",)),
        (backoffice_settings.set_allowed_ips, ("10.0.0.300",)),
        (backoffice_settings.set_rtp, ("50",)),
        (backoffice_settings.set_rtp, ("ninety",)),
        (backoffice_settings.set_limits, (("1.00", "0.50", "0"),)),
        (backoffice_settings.set_limits, (("0.001", "1", "0"),)),
        (backoffice_settings.set_dialect, ("smoke-signals",)),
    ],
)
def test_refused_changes_change_nothing(
    stack: Stack, change: object, args: tuple[object, ...]
) -> None:
    before = operator(stack)
    with pytest.raises(ReelhouseError):
        change(stack.platform, stack.operator_id, *args, WHO)  # type: ignore[operator]
    after = operator(stack)
    columns = ("callback_url", "allowed_ips", "rtp_bp", "min_bet_minor", "max_bet_minor", "dialect")
    assert [getattr(after, c) for c in columns] == [getattr(before, c) for c in columns]
    assert audit_rows(stack) == []


def test_reissued_secrets_work_and_are_never_audited(stack: Stack) -> None:
    token = backoffice_settings.reissue_api_token(stack.platform, stack.operator_id, WHO)
    assert stack.call("/v4/game/all", {}, token=token)["code"] == 0
    assert stack.call("/v4/game/all", {}, token=stack.api_token)["code"] == 1009
    callback_token = backoffice_settings.reissue_callback_token(
        stack.platform, stack.operator_id, WHO
    )
    issued = backoffice_settings.set_dialect(stack.platform, stack.operator_id, "igamingace-b", WHO)
    assert set(issued) == {"secret_key"}
    text = " ".join(r.detail + r.reason for r in audit_rows(stack))
    for secret in (token, callback_token, issued["secret_key"]):
        assert secret not in text
    with pytest.raises(ReelhouseError):  # slotcity-v4 signs with no secret key
        backoffice_settings.set_dialect(stack.platform, stack.operator_id, "slotcity-v4", WHO)
        backoffice_settings.reissue_secret_key(stack.platform, stack.operator_id, WHO)


def test_the_callback_probe_reports_what_the_wallet_answered(stack: Stack) -> None:
    stack.bots().fund_player("probe_player", "USD", "12.34")
    probe = backoffice_settings.test_callback(stack.platform, stack.operator_id)
    assert probe.reachable and probe.outcome == "applied" and probe.balance == "12.34"
    dead = backoffice_settings.test_callback(
        stack.platform, stack.operator_id, "http://127.0.0.1:9/x"
    )
    assert not dead.reachable and dead.outcome == "unknown"
    assert operator(stack).callback_url == f"{stack.casino.url}/callback"  # a probe saves nothing


def test_listings_show_one_operators_rows_with_filters_and_paging(stack: Stack) -> None:
    bots = stack.bots()
    session_token = bots.open_session(bots.fund_player("mine", "USD", "100.00"), "lucky-sevens")
    for _ in range(3):
        assert bots.spin(session_token, "0.50")["code"] == 0
    other_token, other_id = stack.add_operator("casino_two")
    user_code = bots.fund_player("theirs", "USD", "100.00")  # casino_one's player record
    assert user_code
    platform = stack.platform
    mine = backoffice_history.rounds(platform, stack.operator_id, Filters())
    assert mine.total == 3 and {r["player"] for r in mine.rows} == {"mine"}
    assert backoffice_history.rounds(platform, other_id, Filters()).total == 0
    assert backoffice_history.transactions(platform, other_id, Filters()).total == 0
    wins = backoffice_history.transactions(platform, stack.operator_id, Filters(kind="win"))
    assert wins.total == 3 and all(r["kind"] == "win" for r in wins.rows)
    by_id = backoffice_history.rounds(
        platform, stack.operator_id, Filters(ident=str(mine.rows[0]["round_id"]))
    )
    assert by_id.total == 1
    round_id = int(mine.rows[0]["round_id"])
    assert backoffice_history.owns_round(platform, stack.operator_id, round_id)
    assert not backoffice_history.owns_round(platform, other_id, round_id)
    player = mine.rows[0]["user_code"]
    assert backoffice_history.player(platform, other_id, int(player)) is None
    assert backoffice_history.players(platform, other_id, "mine", 1).total == 0
    call_id = int(wins.rows[0]["trans_id"])
    with pytest.raises(ReelhouseError):
        backoffice_ops.retry_stuck(platform, other_id, call_id, WHO)
    with pytest.raises(ReelhouseError, match="period"):
        backoffice_history.rounds(platform, stack.operator_id, Filters(start="2020-01-01"))
    with pytest.raises(ReelhouseError):
        backoffice_history.transactions(platform, stack.operator_id, Filters(kind="nonsense"))
    assert other_token


def test_the_dashboard_counts_today(stack: Stack) -> None:
    bots = stack.bots()
    session_token = bots.open_session(bots.fund_player("dash", "USD", "100.00"), "lucky-sevens")
    results = [bots.spin(session_token, "1.00")["data"] for _ in range(4)]
    # Read at once, in process: the last round's acknowledged win is written first (a
    # moment later it would be anyway, dispatch/ack_batch.py).
    stack.platform.wallet.write_pending_acks()
    board = backoffice_ops.dashboard(stack.platform, stack.operator_id)
    assert board.today["rounds"] == 4 and board.today["bet"] == "4.00"
    wins = sum(int(r["win"].replace(".", "")) for r in results)
    assert board.today["win"] == f"{wins // 100}.{wins % 100:02d}"
    assert board.online_now == 1 and len(board.days) == 30
