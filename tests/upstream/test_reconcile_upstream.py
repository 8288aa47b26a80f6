"""Three-way reconciliation of a Hub88 supplier's day: the demo supplier plays over real HTTP
(a paid round, a round rolled back, a bet refused for funds, a rollback that came before its
bet), its export is written from what its client was answered, and the day agrees three
ways with equal nets; then each difference class is produced by tampering one record of the
export, of Reelhouse's database or of the casino's ledger. The export's reader is tested on
its own below (bounds, units)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from reelhouse.cli import app
from reelhouse.provider_kit.hub88_supplier.client import WalletReply
from reelhouse.providers.hub88 import HUB88
from reelhouse.providers.slotcity_v4 import PROVIDER as SLOTCITY
from reelhouse.services import ledger_export
from reelhouse.services.ledger_export import LedgerError
from reelhouse.services.reconcile_upstream import UpstreamReport, reconcile_upstream
from reelhouse.services.upstream_export import ProviderKind, parse_export
from reelhouse.store.models import UpstreamTransaction, WalletCall
from tests.upstream.rig import (
    GAME,
    PROVIDER_NAME,
    WIRE_PER_CENT,
    Aggregated,
    aggregated_stack,
    drain,
)

KIND_BY_PATH = {"bet": "bet", "win": "win", "rollback": "rollback"}


@pytest.fixture
def aggregated(database_url: str, tmp_path: Path) -> Iterator[Aggregated]:
    with aggregated_stack(database_url, tmp_path) as aggregated:
        yield aggregated


def _export_row(reply: WalletReply, at: dt.datetime) -> dict[str, Any]:
    """The supplier's record of one call, from what it sent and was answered."""
    doc = reply.request.document()
    row = {
        "transaction_id": doc["transaction_uuid"],
        "kind": KIND_BY_PATH[reply.request.path.rsplit("/", 1)[1]],
        "reference_transaction_id": doc.get("reference_transaction_uuid"),
        "round_id": doc["round"],
        "player": doc.get("supplier_user"),
        "currency": doc.get("currency", "USD"),
        "status": "ok" if reply.ok else "failed",
        "timestamp": at.isoformat(),
    }
    if "amount" in doc:
        row["amount"] = doc["amount"]  # Hub88's wire units, 1/100000 of a dollar
    return row


def _play(aggregated: Aggregated) -> list[dict[str, Any]]:
    wallet = aggregated.wallet
    ada, bob = aggregated.launch("ada", "100.00"), aggregated.launch("bob", "100.00")
    carol, dan = aggregated.launch("carol", "1.00"), aggregated.launch("dan", "10.00")
    replies: list[WalletReply] = []
    bet = wallet.bet(ada.token, ada.user, GAME, "r-1", 250 * WIRE_PER_CENT, "USD")
    ref = str(bet.request.document()["transaction_uuid"])
    win = wallet.win(
        ada.token, ada.user, GAME, "r-1", 1_000 * WIRE_PER_CENT, "USD",
        reference_transaction_uuid=ref, round_closed=True,
    )  # fmt: skip
    replies += [bet, win]
    bet = wallet.bet(bob.token, bob.user, GAME, "r-2", 100 * WIRE_PER_CENT, "USD")
    ref = str(bet.request.document()["transaction_uuid"])
    rollback = wallet.rollback(bob.token, GAME, "r-2", ref, supplier_user=bob.user)
    replies += [bet, rollback]
    replies.append(wallet.bet(carol.token, carol.user, GAME, "r-3", 500 * WIRE_PER_CENT, "USD"))
    # A rollback that overtook its bet: the bet, when it comes, is refused.
    early = wallet.rollback(dan.token, GAME, "r-4", "tx-late", supplier_user=dan.user)
    late = wallet.bet(
        dan.token, dan.user, GAME, "r-4", 100 * WIRE_PER_CENT, "USD", transaction_uuid="tx-late"
    )
    replies += [early, late]
    # A lost round, closed on its bet: the casino gets a win of 0 no transaction names.
    replies.append(
        wallet.bet(ada.token, ada.user, GAME, "r-5", 50 * WIRE_PER_CENT, "USD", round_closed=True)
    )
    assert [r.ok for r in replies] == [True, True, True, True, False, True, False, True]
    drain(aggregated.stack)
    now = aggregated.stack.clock.now()
    return [_export_row(r, now) for r in replies]


def _lines(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def test_a_supplier_day_agrees_three_ways_and_each_tampering_is_classified(
    aggregated: Aggregated, tmp_path: Path
) -> None:
    stack = aggregated.stack
    rows = _play(aggregated)
    day = stack.clock.now().date()
    ledger_doc = httpx.get(f"{stack.casino.url}/api/ledger", params={"date": day.isoformat()})
    ledger_path = tmp_path / "ledger.json"
    ledger_path.write_text(ledger_doc.text)

    def run(
        export: list[dict[str, Any]], ledger: Path = ledger_path, strict: bool = False
    ) -> UpstreamReport:
        def read(protocol: Any) -> Any:
            return parse_export(_lines(export), protocol)

        casino = ("casino_one", ledger_export.from_file(ledger))
        return reconcile_upstream(
            stack.platform, PROVIDER_NAME, day, read, casino=casino, strict=strict
        )

    def found(report: UpstreamReport) -> list[tuple[str, str]]:
        return [(i.finding.value, i.transaction_id) for i in report.items]

    agreed = run(rows)
    assert agreed.ok and agreed.items == [], found(agreed)
    assert (agreed.provider_rows, agreed.reelhouse_rows) == (8, 8)
    # The paid round's bet less its win, and the lost bet; the rest moved nothing in the end.
    net = {"USD": 250 - 1_000 + 50}
    assert agreed.provider_net_minor == agreed.reelhouse_net_minor == net
    assert agreed.casino_net_minor == net
    assert (agreed.relayed_rounds, agreed.casino_unchecked_rounds) == (4, 0)

    # The command line, on files.
    export_path = tmp_path / "provider.jsonl"
    export_path.write_bytes(_lines(rows))
    env = {
        "REELHOUSE_DATABASE_URL": stack.platform.settings.database_url,
        "REELHOUSE_SECRET_KEY": stack.platform.settings.secret_key,
    }
    args = ["reconcile", "upstream", "--provider", PROVIDER_NAME, "--date", day.isoformat()]
    args += ["--provider-export", str(export_path)]
    result = CliRunner().invoke(
        app, [*args, "--operator", "casino_one", "--ledger", str(ledger_path)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "NO DIFFERENCES" in result.output and "-700 USD" in result.output
    lone = CliRunner().invoke(app, [*args, "--ledger", str(ledger_path)], env=env)
    assert lone.exit_code == 2  # a ledger names its casino
    nobody = [*args[:3], "nobody", *args[4:]]
    unknown = CliRunner().invoke(app, nobody, env=env)
    assert unknown.exit_code == 2 and "no provider named" in unknown.output

    ada_bet, ada_win, _bob_bet, bob_rollback, carol_bet = rows[:5]

    def tampered(index: int, **changes: Any) -> list[dict[str, Any]]:
        copy = [dict(r) for r in rows]
        copy[index].update(changes)
        return copy

    # The provider's records, one at a time.
    cases: list[tuple[list[dict[str, Any]], str, str]] = [
        (rows[:1] + rows[2:], "missing_at_provider", ada_win["transaction_id"]),
        ([*rows, {**ada_bet, "transaction_id": "tx-ghost"}], "missing_at_reelhouse", "tx-ghost"),
        (tampered(0, amount=260 * WIRE_PER_CENT), "amount_differs", ada_bet["transaction_id"]),
        (tampered(4, status="ok"), "provider_counts_refused", carol_bet["transaction_id"]),
        (tampered(0, status="failed"), "provider_counts_failed", ada_bet["transaction_id"]),
        (rows[:3] + rows[4:], "rolled_back_differs", bob_rollback["transaction_id"]),
        (tampered(1, player="999"), "identity_differs", ada_win["transaction_id"]),
    ]
    for export, finding, transaction_id in cases:
        report = run(export)
        assert found(report) == [(finding, transaction_id)], (finding, found(report))
        assert not report.ok

    # One side counts a bet applied, the other not, and the side that counts it rolled it
    # back: nothing moved in the end on either side.
    for index in (2, 6):  # Bob's bet, failed at the provider; Dan's, refused at Reelhouse
        status = "failed" if index == 2 else "ok"
        report = run(tampered(index, status=status))
        assert report.ok and report.items == [], found(report)
        assert report.provider_net_minor == net

    # Reelhouse's records.
    db = stack.platform.db

    def change_ours(ref: str, **values: Any) -> Callable[[], None]:
        with db.transaction() as session:
            row = session.scalars(
                select(UpstreamTransaction).where(UpstreamTransaction.transaction_ref == ref)
            ).one()
            before = {key: getattr(row, key) for key in values}
            for key, value in values.items():
                setattr(row, key, value)

        def restore() -> None:
            with db.transaction() as session:
                session.execute(
                    update(UpstreamTransaction)
                    .where(
                        UpstreamTransaction.transaction_ref == values.get("transaction_ref", ref)
                    )
                    .values(**before)
                )

        return restore

    restore = change_ours(ada_win["transaction_id"], amount_minor=999)
    assert found(run(rows)) == [("amount_differs", ada_win["transaction_id"])]
    restore()
    restore = change_ours(ada_win["transaction_id"], transaction_ref="tx-renamed")
    assert sorted(found(run(rows))) == [
        ("missing_at_provider", "tx-renamed"),
        ("missing_at_reelhouse", ada_win["transaction_id"]),
    ]
    restore()
    with db.transaction() as session:
        bet_call = session.scalars(
            select(UpstreamTransaction.call_id).where(
                UpstreamTransaction.transaction_ref == ada_bet["transaction_id"]
            )
        ).one()
        win_call = session.scalars(
            select(UpstreamTransaction.call_id).where(
                UpstreamTransaction.transaction_ref == ada_win["transaction_id"]
            )
        ).one()

    def call_state(call_id: int | None, state: str) -> None:
        with db.transaction() as session:
            session.execute(update(WalletCall).where(WalletCall.id == call_id).values(state=state))

    call_state(bet_call, "refused")
    assert ("provider_counts_refused", ada_bet["transaction_id"]) in found(run(rows))
    call_state(bet_call, "acked")
    call_state(win_call, "queued")  # a win not yet delivered to the casino
    waiting = run(rows)
    assert found(waiting) == [("pending", ada_win["transaction_id"])] and waiting.ok
    assert not run(rows, strict=True).ok
    call_state(win_call, "acked")
    assert run(rows).ok
    with db.transaction() as session:
        lost_round = session.scalars(
            select(UpstreamTransaction.round_id).where(
                UpstreamTransaction.transaction_ref == rows[7]["transaction_id"]
            )
        ).one()
        closing = session.scalars(
            select(WalletCall.id).where(WalletCall.round_id == lost_round, WalletCall.kind == "win")
        ).one()
    call_state(closing, "queued")  # seen by the casino side only: listed under its bet
    assert found(run(rows)) == [("pending", rows[7]["transaction_id"])]
    call_state(closing, "acked")

    # The casino's ledger: its win row lost.
    document = json.loads(ledger_doc.text)
    wins = [r for r in document["rows"] if r["kind"] == "win" and r["amount_minor"] == 1_000]
    document["rows"].remove(wins[0])
    short_ledger = tmp_path / "short.json"
    short_ledger.write_text(json.dumps(document))
    casino_side = run(rows, ledger=short_ledger)
    assert found(casino_side) == [("casino_differs", ada_win["transaction_id"])]
    assert "missing_at_operator" in casino_side.items[0].detail
    assert casino_side.casino_net_minor == {"USD": 250 + 50}


# --- the export's reader ----------------------------------------------------------------------

ROW = {
    "transaction_id": "t-1",
    "kind": "bet",
    "round_id": "r-1",
    "player": "17",
    "amount_minor": 250,
    "currency": "USD",
    "status": "ok",
    "timestamp": "2026-01-01T10:00:00",
}


def test_the_export_reads_minor_units_or_the_protocols_wire_units() -> None:
    hub88 = {**ROW, "amount": 356_000}
    del hub88["amount_minor"]
    mbtc = {**hub88, "transaction_id": "t-2", "currency": "mBTC", "amount": 1_500_000}
    rollback = {
        "transaction_id": "t-3",
        "kind": "rollback",
        "reference_transaction_id": "t-1",
        "player": "17",
        "currency": "USD",
        "status": "ok",
        "timestamp": ROW["timestamp"],
    }
    rows = parse_export(_lines([hub88, mbtc, rollback]), HUB88)
    assert [(r.amount_minor, r.currency) for r in rows] == [
        (356, "USD"),
        (1_500_000, "BTC"),
        (0, "USD"),
    ]
    assert rows[2].kind is ProviderKind.ROLLBACK and rows[0].at.tzinfo is not None
    decimal = {**hub88, "amount": "3.56"}
    assert parse_export(_lines([decimal]), SLOTCITY)[0].amount_minor == 356
    assert parse_export(_lines([ROW]), SLOTCITY)[0].amount_minor == 250


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ([{**ROW, "kind": "refund"}], "kind"),
        ([{**ROW, "status": "maybe"}], "status"),
        ([ROW, ROW], "twice"),
        ([{**ROW, "transaction_id": "x" * 129}], "transaction_id"),
        ([{**ROW, "amount_minor": 1.5}], "amount_minor"),
        ([{**ROW, "amount_minor": None, "amount": 356_001}], "whole minor unit"),
        ([{**ROW, "currency": "XYZ"}], "XYZ"),
        ([{**ROW, "timestamp": "yesterday"}], "ISO 8601"),
        ([[ROW]], "JSON object"),
    ],
)
def test_an_export_out_of_format_or_bounds_is_refused_whole(rows: list[Any], says: str) -> None:
    with pytest.raises(LedgerError, match=says):
        parse_export(_lines(rows), HUB88)


def test_an_export_past_its_bounds_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(LedgerError, match="longer than"):
        parse_export(b'{"transaction_id": "' + b"x" * 5000 + b'"}\n', HUB88)
    big = tmp_path / "big.jsonl"
    big.write_bytes(_lines([ROW] * 10))
    monkeypatch.setattr(ledger_export, "LEDGER_EXPORT_MAX_BYTES", 100)
    with pytest.raises(LedgerError, match="larger than 100 bytes"):
        ledger_export.read_bounded(big)
