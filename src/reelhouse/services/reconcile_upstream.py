"""Three-way reconciliation of relayed rounds: one upstream provider, one UTC day. The
provider's own export of its transactions (upstream_export) against Reelhouse's record of
them (`upstream_transactions`, by the provider's transaction id), and, given the casino's
ledger, each relayed round's casino calls judged by the two-way reconciliation
(reconcile.py), whose findings are joined by round and call.

Both sides are first put in one shape (`Txn`): kind, reference, round, player, amount and
whether it counts as applied (`ok`), refused, or not known yet (`pending`). Reelhouse holds
a bet applied when the casino acknowledged its debit (what the provider was answered); a
bet whose debit was refused, whose outcome was unknown (answered with an error: the
provider rolls it back), or that was rolled back before it came, as refused; a bet still on
the wire as pending. A win or rollback is recorded only when it was answered OK: applied.

Judged per transaction id (see Finding). A bet one side counts applied and the other not is
consistent when the side that counts it rolled it back (it moved nothing in the end on
either side: a provider timing out a bet Reelhouse debited, then rolling it back); a
rollback only one side has is `rolled_back_differs`, never also a finding on its bet. A
rollback's amount is not compared: it reverses the transaction it names, whose amount is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.states import CallState
from reelhouse.providers.base import AnswerStatus, CallKind, UpstreamProtocol
from reelhouse.providers.registry import get_protocol
from reelhouse.services import operators
from reelhouse.services.ledger_export import LedgerRow
from reelhouse.services.platform import Platform
from reelhouse.services.providers import find_provider
from reelhouse.services.reconcile import (
    DIFFERENCES,
    QUERY_CHUNK,
    WAITING,
    LedgerFetch,
    Wire,
    reconcile,
)
from reelhouse.services.reconcile import Finding as TwoWay
from reelhouse.services.upstream_export import ProviderKind, ProviderRow, ProviderStatus
from reelhouse.store.models import Operator, Round, UpstreamTransaction, WalletCall

ExportRead = Callable[[UpstreamProtocol[Any, Any]], Sequence[ProviderRow]]

# The provider's kinds in Reelhouse's words (a rollback is the relay's cancel).
KIND_OF = {
    ProviderKind.BET: CallKind.BET.value,
    ProviderKind.WIN: CallKind.WIN.value,
    ProviderKind.ROLLBACK: CallKind.CANCEL.value,
}


class Finding(StrEnum):
    MISSING_AT_REELHOUSE = "missing_at_reelhouse"  # the provider counts it; Reelhouse never had it
    MISSING_AT_PROVIDER = "missing_at_provider"  # Reelhouse applied it; the provider has no row
    AMOUNT_DIFFERS = "amount_differs"  # amount or currency
    IDENTITY_DIFFERS = "identity_differs"  # kind, reference, round or player
    PROVIDER_COUNTS_REFUSED = "provider_counts_refused"  # ok there, refused here
    PROVIDER_COUNTS_FAILED = "provider_counts_failed"  # failed there, applied here
    ROLLED_BACK_DIFFERS = "rolled_back_differs"  # a rollback only one side applied
    CASINO_DIFFERS = "casino_differs"  # the two-way judgement of a relayed round's casino call
    PENDING = "pending"  # not a difference unless strict


UPSTREAM_DIFFERENCES = tuple(f for f in Finding if f is not Finding.PENDING)


class Held(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    PENDING = "pending"


@dataclass(frozen=True)
class Txn:
    """One transaction as one side holds it."""

    ref: str
    kind: str  # bet, win or cancel
    reference: str | None
    round_ref: str | None
    player: str | None
    amount_minor: int
    currency: str | None
    held: Held
    delivering: bool = False  # Reelhouse's: its casino call is not final yet
    round_id: int | None = None  # Reelhouse's round
    call_id: int | None = None  # Reelhouse's casino call

    def text(self) -> str:
        amount = f" {self.amount_minor} {self.currency}" if self.kind != "cancel" else ""
        return f"{self.kind}{amount} {self.held}" + (" (to casino)" if self.delivering else "")


@dataclass(frozen=True)
class Item:
    finding: Finding
    transaction_id: str
    round_ref: str | None
    player: str | None
    provider: str  # what the provider's export holds, or "-"
    reelhouse: str  # what Reelhouse holds, or "-"
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "finding": self.finding.value,
            "transaction_id": self.transaction_id,
            "round_id": self.round_ref,
            "player": self.player,
            "provider": self.provider,
            "reelhouse": self.reelhouse,
            "detail": self.detail,
        }


@dataclass
class UpstreamReport:
    provider: str
    date: dt.date
    strict: bool
    operator: str | None  # the casino whose ledger was compared, if any
    provider_rows: int = 0
    reelhouse_rows: int = 0
    matched: int = 0
    relayed_rounds: int = 0
    casino_unchecked_rounds: int = 0  # relayed rounds of other casinos than `operator`
    items: list[Item] = field(default_factory=list)
    # Net of the day (bets less wins less rolled-back bets), minor units by currency.
    provider_net_minor: dict[str, int] = field(default_factory=dict)
    reelhouse_net_minor: dict[str, int] = field(default_factory=dict)
    casino_net_minor: dict[str, int] | None = None

    def of(self, *findings: Finding) -> list[Item]:
        return [i for i in self.items if i.finding in findings]

    @property
    def differences(self) -> list[Item]:
        counted = Finding if self.strict else UPSTREAM_DIFFERENCES
        return self.of(*counted)

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> dict[str, int]:
        return {f.value: len(self.of(f)) for f in Finding}

    def to_json(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "date": self.date.isoformat(),
            "strict": self.strict,
            "operator": self.operator,
            "ok": self.ok,
            "provider_rows": self.provider_rows,
            "reelhouse_rows": self.reelhouse_rows,
            "matched": self.matched,
            "relayed_rounds": self.relayed_rounds,
            "casino_unchecked_rounds": self.casino_unchecked_rounds,
            "provider_net_minor": self.provider_net_minor,
            "reelhouse_net_minor": self.reelhouse_net_minor,
            "casino_net_minor": self.casino_net_minor,
            "summary": self.summary(),
            "differences": [i.to_json() for i in self.differences],
            "pending": [i.to_json() for i in self.of(Finding.PENDING)],
        }


# --- both sides in one shape -----------------------------------------------------------------


def _theirs(row: ProviderRow) -> Txn:
    held = Held.OK if row.status is ProviderStatus.OK else Held.REFUSED
    return Txn(
        row.transaction_id,
        KIND_OF[row.kind],
        row.reference_id,
        row.round_id,
        row.player,
        row.amount_minor,
        row.currency,
        held,
    )


def _held_by_reelhouse(row: UpstreamTransaction, call: WalletCall | None) -> Held:
    if row.cancelled_first:
        return Held.REFUSED  # rolled back before it came: refused when it came
    if row.kind != CallKind.BET.value:
        return Held.OK if row.answer_status == AnswerStatus.OK.value else Held.REFUSED
    if call is None:
        return Held.REFUSED
    if call.state == CallState.ACKED.value:
        return Held.OK
    if call.state in (CallState.QUEUED.value, CallState.IN_FLIGHT.value):
        return Held.PENDING  # its answer is not known yet
    return Held.REFUSED  # refused, or of unknown outcome: answered with an error


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


@dataclass
class _Ours:
    """Reelhouse's side: transactions by id, with their rounds and casino calls."""

    txns: dict[str, Txn] = field(default_factory=dict)
    rounds: dict[int, tuple[str | None, int]] = field(default_factory=dict)  # ref, operator
    calls: dict[int, WalletCall] = field(default_factory=dict)
    currencies: dict[int, str] = field(default_factory=dict)  # operator id -> its currency


def _load(session: Session, rows: Sequence[UpstreamTransaction], ours: _Ours) -> None:
    round_ids = sorted({r.round_id for r in rows if r.round_id is not None} - set(ours.rounds))
    for chunk in _chunks(round_ids):
        found = session.execute(
            select(Round.id, Round.upstream_round_ref, Round.operator_id).where(Round.id.in_(chunk))
        )
        ours.rounds.update((rid, (ref, op)) for rid, ref, op in found)
    operator_ids = sorted({op for _ref, op in ours.rounds.values()} - set(ours.currencies))
    for chunk in _chunks(operator_ids):
        found_currencies = session.execute(
            select(Operator.id, Operator.currency).where(Operator.id.in_(chunk))
        )
        ours.currencies.update((op, code) for op, code in found_currencies)
    call_ids = sorted({r.call_id for r in rows if r.call_id is not None} - set(ours.calls))
    for chunk in _chunks(call_ids):
        ours.calls.update(
            (c.id, c) for c in session.scalars(select(WalletCall).where(WalletCall.id.in_(chunk)))
        )
    for row in rows:
        call = ours.calls.get(row.call_id) if row.call_id is not None else None
        seat = ours.rounds.get(row.round_id) if row.round_id is not None else None
        round_ref, cur = (seat[0], ours.currencies[seat[1]]) if seat else (None, None)
        ours.txns[row.transaction_ref] = Txn(
            row.transaction_ref,
            row.kind,
            row.reference_ref,
            round_ref,
            str(row.player_id) if row.player_id is not None else None,
            row.amount_minor,
            cur,
            _held_by_reelhouse(row, call),
            delivering=(
                row.kind != CallKind.BET.value
                and call is not None
                and CallState(call.state) in WAITING
            ),
            round_id=row.round_id,
            call_id=row.call_id,
        )


def _ours_of_day(session: Session, provider_id: int, day: dt.date, ours: _Ours) -> list[str]:
    start = to_naive_utc(dt.datetime.combine(day, dt.time(), dt.UTC))
    end = start + dt.timedelta(days=1)
    rows = session.scalars(
        select(UpstreamTransaction)
        .where(
            UpstreamTransaction.provider_id == provider_id,
            UpstreamTransaction.created_at_utc >= start,
            UpstreamTransaction.created_at_utc < end,
        )
        .order_by(UpstreamTransaction.id)
    ).all()
    _load(session, rows, ours)
    return [r.transaction_ref for r in rows]


def _ours_by_ref(session: Session, provider_id: int, refs: Iterable[str], ours: _Ours) -> None:
    """Look the transactions of other days up by id (one retried across midnight)."""
    wanted = sorted(set(refs) - set(ours.txns))
    for chunk in _chunks(wanted):
        rows = session.scalars(
            select(UpstreamTransaction).where(
                UpstreamTransaction.provider_id == provider_id,
                UpstreamTransaction.transaction_ref.in_(chunk),
            )
        ).all()
        _load(session, rows, ours)


def _rollbacks_of(session: Session, provider_id: int, refs: Iterable[str], ours: _Ours) -> None:
    """Reelhouse's rollbacks of these transactions, whatever their day: a bet of the day
    rolled back the next is consistent with a provider that counts it failed."""
    for chunk in _chunks(sorted(refs)):
        rows = session.scalars(
            select(UpstreamTransaction).where(
                UpstreamTransaction.provider_id == provider_id,
                UpstreamTransaction.kind == CallKind.CANCEL.value,
                UpstreamTransaction.reference_ref.in_(chunk),
            )
        ).all()
        _load(session, [r for r in rows if r.transaction_ref not in ours.txns], ours)


def _rolled_back(txns: Iterable[Txn]) -> set[str]:
    """The transactions a side's applied rollbacks reverse."""
    return {t.reference for t in txns if t.kind == "cancel" and t.held is Held.OK and t.reference}


def net_minor(txns: Iterable[Txn]) -> dict[str, int]:
    """Bets applied, less wins applied, less the applied bets an applied rollback reverses:
    what the day's transactions moved to the house, by currency. The same for both sides."""
    listed = list(txns)
    bets = {t.ref: t for t in listed if t.kind == "bet" and t.held is Held.OK}
    net: dict[str, int] = {}
    for t in listed:
        if t.held is not Held.OK:
            continue
        if t.kind == "bet":
            moved, cur = t.amount_minor, t.currency
        elif t.kind == "win":
            moved, cur = -t.amount_minor, t.currency
        elif t.reference in bets:
            reversed_bet = bets[t.reference]
            moved, cur = -reversed_bet.amount_minor, reversed_bet.currency
        else:
            continue
        key = cur or "?"
        net[key] = net.get(key, 0) + moved
    return net


# --- judging one pair ------------------------------------------------------------------------


class _Judge:
    def __init__(
        self, report: UpstreamReport, rolled_there: set[str], rolled_here: set[str]
    ) -> None:
        self._report = report
        self._rolled_there = rolled_there
        self._rolled_here = rolled_here

    def _add(self, finding: Finding, theirs: Txn | None, ours: Txn | None, detail: str) -> None:
        one = theirs or ours
        assert one is not None
        self._report.items.append(
            Item(
                finding,
                one.ref,
                one.round_ref,
                one.player,
                theirs.text() if theirs else "-",
                ours.text() if ours else "-",
                detail,
            )
        )

    def judge(self, theirs: Txn | None, ours: Txn | None) -> None:
        before = len(self._report.items)
        if ours is None:
            assert theirs is not None
            if theirs.held is Held.OK:
                rollback = theirs.kind == "cancel"
                finding = Finding.ROLLED_BACK_DIFFERS if rollback else Finding.MISSING_AT_REELHOUSE
                self._add(finding, theirs, None, "the provider applied it; Reelhouse never had it")
        elif theirs is None:
            if ours.held is Held.PENDING:
                self._add(Finding.PENDING, None, ours, "its casino answer is not known yet")
            elif ours.held is Held.OK:
                rollback = ours.kind == "cancel"
                finding = Finding.ROLLED_BACK_DIFFERS if rollback else Finding.MISSING_AT_PROVIDER
                self._add(finding, None, ours, "Reelhouse applied it; not in the provider's export")
        else:
            self._pair(theirs, ours)
        if len(self._report.items) == before:
            self._report.matched += 1

    def _pair(self, theirs: Txn, ours: Txn) -> None:
        differs = [
            name
            for name, a, b in (
                ("kind", theirs.kind, ours.kind),
                ("reference", theirs.reference, ours.reference),
                ("round", theirs.round_ref, ours.round_ref),
                ("player", theirs.player, ours.player),
            )
            if a is not None and b is not None and a != b
        ]
        if differs:
            self._add(Finding.IDENTITY_DIFFERS, theirs, ours, ", ".join(differs) + " differ")
            return
        if ours.held is Held.PENDING:
            self._add(Finding.PENDING, theirs, ours, "its casino answer is not known yet")
            return
        if theirs.held is Held.OK and ours.held is Held.REFUSED:
            if theirs.ref not in self._rolled_there:
                self._add(Finding.PROVIDER_COUNTS_REFUSED, theirs, ours, "Reelhouse refused it")
            return
        if theirs.held is Held.REFUSED and ours.held is Held.OK:
            if ours.ref not in self._rolled_here:
                self._add(Finding.PROVIDER_COUNTS_FAILED, theirs, ours, "Reelhouse applied it")
            return
        if theirs.held is Held.REFUSED:
            return  # refused on both sides: nothing moved
        if ours.kind != "cancel" and (
            theirs.amount_minor != ours.amount_minor or theirs.currency != ours.currency
        ):
            self._add(Finding.AMOUNT_DIFFERS, theirs, ours, "")
        elif ours.delivering:
            self._add(Finding.PENDING, theirs, ours, "not yet delivered to the casino")


# --- the casino's side -----------------------------------------------------------------------


def _casino(
    platform: Platform,
    operator_name: str,
    day: dt.date,
    fetch: LedgerFetch,
    ours: _Ours,
    report: UpstreamReport,
) -> None:
    """The two-way reconciliation of the casino's day, its differences on relayed rounds
    joined in (by round, named by the provider's transaction whose casino call it is), and
    the casino's net over the ledger rows of those rounds' calls."""
    two_way = reconcile(platform, operator_name, day, fetch, strict=report.strict)
    with platform.db.transaction(read_only=True) as session:
        operator = operators.find_by_name(session, operator_name)
        relayed = sorted(rid for rid, (_ref, op) in ours.rounds.items() if op == operator.id)
        report.casino_unchecked_rounds = len(ours.rounds) - len(relayed)
        wire = Wire(operator.dialect)
        guids: dict[str, int] = {}  # ledger id -> round, for every casino call of the rounds
        for chunk in _chunks(relayed):
            for call in session.scalars(select(WalletCall).where(WalletCall.round_id.in_(chunk))):
                guids[wire.guid(call)] = call.round_id
        named = {
            wire.guid(ours.calls[t.call_id]): t
            for t in ours.txns.values()
            if t.call_id is not None and t.call_id in ours.calls
        }
    by_round = {t.round_id: t for t in ours.txns.values() if t.kind == "bet"}
    for item in two_way.of(*DIFFERENCES, TwoWay.PENDING):
        round_id = guids.get(item.trans_guid)
        if round_id is None:
            continue  # not a relayed round's call: the two-way reconciliation's business
        txn = named.get(item.trans_guid)
        if item.finding is TwoWay.PENDING and txn is not None:
            continue  # the provider's transaction of this call is judged pending already
        txn = txn or by_round.get(round_id)
        # A casino call no provider transaction names (the win of 0 closing a lost round,
        # the cancel of a bet of unknown outcome) is listed under its round's bet.
        pending = item.finding is TwoWay.PENDING
        detail = f"casino call {item.trans_guid}: {item.finding.value} {item.detail}".rstrip()
        report.items.append(
            Item(
                Finding.PENDING if pending else Finding.CASINO_DIFFERS,
                txn.ref if txn is not None else "-",
                txn.round_ref if txn is not None else None,
                txn.player if txn is not None else item.account,
                "-",
                f"{item.reelhouse}; ledger: {item.operator}",
                detail,
            )
        )
    report.casino_net_minor = _ledger_net(
        r for r in fetch(day) if r.created_at.date() == day and r.trans_guid in guids
    )


def _ledger_net(rows: Iterable[LedgerRow]) -> dict[str, int]:
    """What the casino's ledger rows moved to the house: bets less wins less refunds."""
    net: dict[str, int] = {}
    for row in rows:
        sign = {"bet": 1, "betwin": 1, "win": -1, "cancel": -1}.get(row.kind, 0)
        moved = sign * row.amount_minor - (row.win_amount_minor or 0)
        net[row.currency] = net.get(row.currency, 0) + moved
    return net


# --- the run ---------------------------------------------------------------------------------


def reconcile_upstream(
    platform: Platform,
    provider_name: str,
    day: dt.date,
    read_export: ExportRead,
    *,
    casino: tuple[str, LedgerFetch] | None = None,
    strict: bool = False,
) -> UpstreamReport:
    """Compare one provider's day with its export and, given (operator, ledger), the casino
    calls of its relayed rounds. Raises ReelhouseError for an unknown provider or operator,
    LedgerError for an export or ledger not in the expected format."""
    report = UpstreamReport(provider_name, day, strict, casino[0] if casino else None)
    ours = _Ours()
    with platform.db.transaction(read_only=True) as session:
        provider = find_provider(session, provider_name)
        rows = list(read_export(get_protocol(provider.protocol)))
        theirs_all = {r.transaction_id: _theirs(r) for r in rows}
        theirs_day = [
            t for r, t in zip(rows, theirs_all.values(), strict=True) if r.at.date() == day
        ]
        day_refs = _ours_of_day(session, provider.id, day, ours)
        _ours_by_ref(session, provider.id, (t.ref for t in theirs_day), ours)
        in_question = {t.ref for t in theirs_day} | set(day_refs)
        _rollbacks_of(session, provider.id, in_question, ours)
    report.provider_rows, report.reelhouse_rows = len(theirs_day), len(day_refs)
    judge = _Judge(report, _rolled_back(theirs_all.values()), _rolled_back(ours.txns.values()))
    seen: set[str] = set()
    for one in theirs_day:
        judge.judge(one, ours.txns.get(one.ref))
        seen.add(one.ref)
    for ref in day_refs:
        if ref not in seen:
            judge.judge(theirs_all.get(ref), ours.txns[ref])
    report.relayed_rounds = len(ours.rounds)
    report.provider_net_minor = net_minor(theirs_day)
    report.reelhouse_net_minor = net_minor(ours.txns[ref] for ref in day_refs)
    if casino is not None:
        _casino(platform, casino[0], day, casino[1], ours, report)
    return report
