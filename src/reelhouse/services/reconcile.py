"""Reconciliation: one operator, one UTC day, Reelhouse's wallet calls against the operator's
ledger export, matched by trans_guid (our call id), every difference classified.

What each of our calls says the operator's ledger must hold:

- an acked bet, win or cancel: a row of that kind and amount, not cancelled;
- a refused bet, or a cancel answered "not found" (43): no row;
- a bet of unknown outcome whose cancel is done: either no row (the bet never arrived) or a
  row marked cancelled (it arrived and was refunded); both are consistent. Its last cancel
  decides: after a first one answered "not found", the second one sent after the late-bet
  window (a bet that landed late shows here as a row cancelled by that second cancel);
- a call still queued, in flight or in the manual queue, or an unknown bet whose cancel is:
  nothing yet. Reported as pending, a difference only in strict mode;
- a call resolved by hand: reported as resolved, never a difference (the audit log has why);
- a relayed round (an upstream provider's, services/relay.py) is reconciled like any other:
  its bet, each of its wins (a provider may pay several) and its cancel are calls of their
  own. A bet the casino acknowledged and the provider then rolled back must be in the ledger
  marked cancelled once its cancel is acknowledged (pending while the cancel is).

A call retried across midnight lands in the operator's ledger on another day than it was
created: our side takes calls created or acknowledged that day, a row unmatched on one side
is looked up on the other (by id in our database; in the neighbouring days' ledgers), and
only then is it a difference. Ledger rows of accounts that are not this operator's players
are not ours to judge (a casino's export may hold other providers or agents) and are counted
as skipped.

Per dialect (the operator's wallet protocol; docs/wallet-callbacks.md):

- ids: each dialect's descriptor says how a wallet's ledger names our calls (`ledger_id`):
  SlotCity v4 and iGamingAce A by their id in decimal; iGamingAce B by the 32 hex digits its
  codec writes, and a B rollback, which has no id of its own on the wire, by
  `rollback:<the id it reverses>` (the operator kit's key).
  Each call is named as the dialect it is pinned to put it on the wire, so one day may hold
  both forms when the operator switched dialects with calls pending;
- a paid iGamingAce round is one `bet_win` call: one ledger row of kind `betwin` holding the
  bet (`amount_minor`) and the win (`win_amount_minor`). The type 2 win row Reelhouse writes
  beside it when it is acknowledged travelled inside that call: it has no ledger row of its
  own, is compared through its bet_win, and counted as `carried_wins`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reelhouse.dialects.registry import all_dialects, get_dialect
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.money import Currency, currency, format_fixed
from reelhouse.domain.states import CallState
from reelhouse.domain.wallet import CommandKind, OutcomeKind
from reelhouse.services import operators
from reelhouse.services.ledger_export import LedgerRow
from reelhouse.services.platform import Platform
from reelhouse.store.models import Player, Round, WalletCall

# Rows per IN (...) list: far under every database's bound-parameter limit.
QUERY_CHUNK = 500

LedgerFetch = Callable[[dt.date], Sequence[LedgerRow]]

# How an operator's ledger names the kind of each of our calls (the rest keep their name).
LEDGER_KIND = {CommandKind.BET_WIN.value: "betwin"}


class Finding(StrEnum):
    MISSING_AT_OPERATOR = "missing_at_operator"
    MISSING_AT_REELHOUSE = "missing_at_reelhouse"
    AMOUNT_DIFFERS = "amount_differs"
    KIND_DIFFERS = "kind_differs"
    CANCELLED_AT_OPERATOR_ONLY = "cancelled_at_operator_only"
    CANCELLED_AT_REELHOUSE_ONLY = "cancelled_at_reelhouse_only"
    PENDING = "pending"  # not a difference unless strict
    RESOLVED = "resolved"  # never a difference: closed by hand, audited


DIFFERENCES = tuple(f for f in Finding if f not in (Finding.PENDING, Finding.RESOLVED))


class Expect(StrEnum):
    """What the operator's ledger must hold for one of our calls."""

    PRESENT = "present"
    ABSENT = "absent"
    ABSENT_OR_CANCELLED = "absent_or_cancelled"
    PRESENT_CANCELLED = "present_cancelled"  # an acknowledged bet its provider rolled back
    PENDING = "pending"
    RESOLVED = "resolved"


WAITING = frozenset({CallState.QUEUED, CallState.IN_FLIGHT, CallState.MANUAL})
UNJUDGED = frozenset({Expect.PENDING, Expect.RESOLVED})


@dataclass(frozen=True)
class Item:
    finding: Finding
    trans_guid: str  # as the operator's ledger names it
    round_id: int | str | None
    account: str
    reelhouse: str  # what Reelhouse holds, in words ("win acked 1.50"), or "-"
    operator: str  # what the ledger holds ("win 1.50 cancelled by 42"), or "-"
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "finding": self.finding.value,
            "trans_guid": self.trans_guid,
            "round_id": self.round_id,
            "account": self.account,
            "reelhouse": self.reelhouse,
            "operator": self.operator,
            "detail": self.detail,
        }


@dataclass
class Report:
    operator: str
    date: dt.date
    currency: str
    strict: bool
    reelhouse_calls: int = 0
    operator_rows: int = 0
    skipped_rows: int = 0
    matched: int = 0
    carried_wins: int = 0  # wins that travelled inside an acknowledged bet_win: no row of their own
    items: list[Item] = field(default_factory=list)

    def of(self, *findings: Finding) -> list[Item]:
        return [i for i in self.items if i.finding in findings]

    @property
    def differences(self) -> list[Item]:
        counted = (*DIFFERENCES, Finding.PENDING) if self.strict else DIFFERENCES
        return self.of(*counted)

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> dict[str, int]:
        return {f.value: len(self.of(f)) for f in Finding}

    def to_json(self) -> dict[str, Any]:
        return {
            "operator": self.operator,
            "date": self.date.isoformat(),
            "currency": self.currency,
            "strict": self.strict,
            "ok": self.ok,
            "reelhouse_calls": self.reelhouse_calls,
            "operator_rows": self.operator_rows,
            "skipped_rows": self.skipped_rows,
            "matched": self.matched,
            "carried_wins": self.carried_wins,
            "summary": self.summary(),
            "differences": [i.to_json() for i in self.differences],
            "pending": [i.to_json() for i in self.of(Finding.PENDING)],
            "resolved": [i.to_json() for i in self.of(Finding.RESOLVED)],
        }


# --- our side ------------------------------------------------------------------------------


class Wire:
    """How the operator's ledger names our calls: the id the codec of each call's pinned
    dialect put on the wire (`dialect`, the operator's, for calls written before calls were
    pinned)."""

    def __init__(self, dialect: str) -> None:
        self._dialect = dialect

    def guid(self, call: WalletCall) -> str:
        dialect = get_dialect(call.dialect or self._dialect)
        return dialect.ledger_id(call.id, CommandKind(call.kind), call.cancel_of_id)

    @staticmethod
    def call_id(guid: str) -> tuple[int, bool] | None:
        """The call a ledger id may name, in any dialect's form (each dialect's descriptor
        reads its own): (its id, False), or for a call keyed by what it reverses (a B
        rollback) (that id, True). None for an id no call of ours can have. The forms cannot
        be confused (at most 19 decimal digits, exactly 32 hex); the caller checks the call
        found is named so by its own dialect."""
        for dialect in all_dialects():
            found = dialect.call_id_of(guid)
            if found is not None:
                return found
        return None


@dataclass(frozen=True)
class Ours:
    call: WalletCall
    account: str
    cancel: WalletCall | None  # for a bet: its round's cancel, if any
    guid: str  # the call's id as the operator's ledger names it
    win_minor: int | None = None  # for a bet_win: the win it carried
    # The player's currency, that of every real-money call of its (None: not fixed, the
    # operator's first; services/operator_currencies.py).
    currency: str | None = None


def expectation(call: WalletCall, cancel: WalletCall | None) -> Expect:
    state = CallState(call.state)
    if state in WAITING:
        return Expect.PENDING
    if state is CallState.RESOLVED:
        return Expect.RESOLVED
    if state is CallState.REFUSED:
        return Expect.ABSENT
    if state is CallState.UNKNOWN:
        # A bet whose answer was lost: its cancel decides (sent only after the bet ended).
        if cancel is None:
            return Expect.PENDING  # the cancel is written in the same commit; not yet seen
        cancel_expect = expectation(cancel, None)
        if cancel_expect in (Expect.PENDING, Expect.RESOLVED):
            return cancel_expect
        return Expect.ABSENT_OR_CANCELLED
    assert state is CallState.ACKED
    if call.kind == CommandKind.CANCEL.value and call.last_outcome == OutcomeKind.NOT_FOUND:
        return Expect.ABSENT  # the bet it reverses never reached the wallet
    if cancel is not None and call.kind == CommandKind.BET.value:
        # Only a relayed round cancels an acknowledged bet (its provider's rollback).
        cancel_expect = expectation(cancel, None)
        if cancel_expect in (Expect.PENDING, Expect.RESOLVED):
            return cancel_expect
        if cancel_expect is Expect.PRESENT:
            return Expect.PRESENT_CANCELLED
    return Expect.PRESENT


def _chunks(values: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), QUERY_CHUNK):
        yield values[start : start + QUERY_CHUNK]


def _with_context(
    session: Session, calls: Sequence[WalletCall], wire: Wire
) -> tuple[list[Ours], int]:
    """Our calls with their players' names, ledger ids, bet_wins' wins and, for bets of
    unknown outcome, their cancels; the wins carried by a bet_win are left out and counted."""
    player_ids = sorted({c.player_id for c in calls})
    names: dict[int, str] = {}
    currencies: dict[int, str | None] = {}
    for chunk in _chunks(player_ids):
        named = session.execute(
            select(Player.id, Player.name, Player.currency).where(Player.id.in_(chunk))
        )
        for player_id, name, code in named:
            names[player_id], currencies[player_id] = name, code
    unknown_rounds = {c.round_id for c in calls if c.state == CallState.UNKNOWN.value}
    acked_bet_rounds = sorted(
        {
            c.round_id
            for c in calls
            if c.kind == CommandKind.BET.value and c.state == CallState.ACKED.value
        }
    )
    relayed_rounds: set[int] = set()
    for chunk in _chunks(acked_bet_rounds):
        # A relayed round's acknowledged bet may have been cancelled by its provider.
        relayed_rounds.update(
            session.scalars(
                select(Round.id).where(Round.id.in_(chunk), Round.provider_id.is_not(None))
            )
        )
    cancels: dict[int, WalletCall] = {}
    for chunk in _chunks(sorted(unknown_rounds | relayed_rounds)):
        # Oldest first, so the last cancel of a round decides: a cancel answered "not found"
        # is followed by a second one after the late-bet window (store/outbox.py), and the
        # bet is pending until that one is answered.
        query = (
            select(WalletCall)
            .where(WalletCall.round_id.in_(chunk), WalletCall.kind == CommandKind.CANCEL.value)
            .order_by(WalletCall.created_at_utc, WalletCall.id)
        )
        cancels.update((c.round_id, c) for c in session.scalars(query))
    one_call_rounds: dict[int, int] = {}  # round id -> its win, for rounds opened by a bet_win
    paying = (CommandKind.BET_WIN.value, CommandKind.WIN.value)
    for chunk in _chunks(sorted({c.round_id for c in calls if c.kind in paying})):
        query_rounds = (
            select(Round.id, Round.win_minor)
            .join(WalletCall, WalletCall.round_id == Round.id)
            .where(Round.id.in_(chunk), WalletCall.kind == CommandKind.BET_WIN.value)
        )
        one_call_rounds.update((round_id, win) for round_id, win in session.execute(query_rounds))
    ours: list[Ours] = []
    carried = 0
    for c in calls:
        if c.kind == CommandKind.WIN.value and c.round_id in one_call_rounds:
            carried += 1  # travelled inside the round's bet_win, compared with it
            continue
        win = one_call_rounds[c.round_id] if c.kind == CommandKind.BET_WIN.value else None
        ours.append(
            Ours(
                c,
                names[c.player_id],
                cancels.get(c.round_id),
                wire.guid(c),
                win_minor=win,
                currency=currencies[c.player_id],
            )
        )
    return ours, carried


def _calls_of_day(
    session: Session, operator_id: int, day: dt.date, wire: Wire
) -> tuple[list[Ours], int]:
    start = to_naive_utc(dt.datetime.combine(day, dt.time(), dt.UTC))
    end = start + dt.timedelta(days=1)
    calls = session.scalars(
        select(WalletCall)
        .where(
            WalletCall.operator_id == operator_id,
            or_(
                WalletCall.created_at_utc.between(start, end - dt.timedelta(microseconds=1)),
                WalletCall.acked_at_utc.between(start, end - dt.timedelta(microseconds=1)),
            ),
        )
        .order_by(WalletCall.id)
    ).all()
    return _with_context(session, calls, wire)


def _call_by_guid(session: Session, operator_id: int, guid: str, wire: Wire) -> Ours | None:
    named = wire.call_id(guid)
    if named is None:
        return None
    number, rollback = named
    if rollback:
        call = session.scalars(
            select(WalletCall)
            .where(
                WalletCall.cancel_of_id == number,
                WalletCall.kind == CommandKind.CANCEL.value,
            )
            .order_by(WalletCall.id)
        ).first()
    else:
        call = session.get(WalletCall, number)
    # The id must be the one the call's own dialect wrote (hex digits in either case).
    if call is None or call.operator_id != operator_id or wire.guid(call).lower() != guid.lower():
        return None
    found, _carried = _with_context(session, [call], wire)
    return found[0] if found else None  # a carried win has no id on the wire


# --- comparing one pair ----------------------------------------------------------------------


class _Judge:
    """Compares one of our calls with the ledger row of the same trans_guid (or none)."""

    def __init__(self, cur: Currency, report: Report) -> None:
        self._cur = cur  # the operator's first currency
        self._report = report

    def _cur_of(self, ours: Ours) -> Currency:
        """The currency of one of our calls: its player's (an operator may offer several)."""
        return currency(ours.currency) if ours.currency else self._cur

    def _ours_text(self, ours: Ours) -> str:
        call, cur = ours.call, self._cur_of(ours)
        text = f"{call.kind} {call.state} {format_fixed(call.amount_minor, cur)}"
        if ours.win_minor is not None:
            text += f" win {format_fixed(ours.win_minor, cur)}"
        return text

    def _theirs_text(self, row: LedgerRow | None) -> str:
        if row is None:
            return "-"
        amount = format_fixed(row.amount_minor, currency(row.currency))
        text = f"{row.kind} {amount} {row.currency}"
        if row.win_amount_minor is not None:
            text += f" win {format_fixed(row.win_amount_minor, currency(row.currency))}"
        return text + (f" cancelled by {row.cancelled_by}" if row.cancelled_by else "")

    def _add(self, finding: Finding, ours: Ours, row: LedgerRow | None, detail: str) -> None:
        call = ours.call
        texts = (self._ours_text(ours), self._theirs_text(row))
        self._report.items.append(
            Item(finding, ours.guid, call.round_id, ours.account, *texts, detail)
        )

    def judge(self, ours: Ours, row: LedgerRow | None) -> None:
        expect = expectation(ours.call, ours.cancel)
        before = len(self._report.items)
        if expect is Expect.PENDING:
            self._add(Finding.PENDING, ours, row, "not final at Reelhouse yet")
        elif expect is Expect.RESOLVED:
            self._add(Finding.RESOLVED, ours, row, "resolved by hand (see the audit log)")
        elif expect is Expect.ABSENT and row is not None:
            held = f"Reelhouse holds it as {ours.call.state} ({ours.call.last_outcome})"
            self._add(Finding.MISSING_AT_REELHOUSE, ours, row, held + ": no money moved")
        elif expect in (Expect.PRESENT, Expect.PRESENT_CANCELLED) and row is None:
            self._add(Finding.MISSING_AT_OPERATOR, ours, row, "acknowledged, not in the ledger")
        elif expect is not Expect.ABSENT and row is not None:
            must_be_cancelled = expect in (Expect.ABSENT_OR_CANCELLED, Expect.PRESENT_CANCELLED)
            self._compare(ours, row, must_be_cancelled=must_be_cancelled)
        if len(self._report.items) == before:
            self._report.matched += 1

    def _compare(self, ours: Ours, row: LedgerRow, *, must_be_cancelled: bool) -> None:
        kind = LEDGER_KIND.get(ours.call.kind, ours.call.kind)
        if row.kind != kind:
            detail = f"{kind} at Reelhouse, {row.kind} at the operator"
            self._add(Finding.KIND_DIFFERS, ours, row, detail)
            return
        if (
            row.currency != self._cur_of(ours).code
            or row.amount_minor != ours.call.amount_minor
            or row.win_amount_minor != ours.win_minor
        ):
            detail = "bet or win" if ours.win_minor is not None else ""
            self._add(Finding.AMOUNT_DIFFERS, ours, row, detail)
        if must_be_cancelled and row.cancelled_by is None:
            detail = f"Reelhouse cancelled it (cancel {ours.cancel.id if ours.cancel else '?'})"
            self._add(Finding.CANCELLED_AT_REELHOUSE_ONLY, ours, row, detail)
        elif not must_be_cancelled and row.cancelled_by is not None:
            self._add(Finding.CANCELLED_AT_OPERATOR_ONLY, ours, row, "Reelhouse never cancelled it")

    def foreign(self, row: LedgerRow) -> None:
        texts = ("-", self._theirs_text(row))
        detail = "no such transaction of this operator at Reelhouse"
        item = Item(
            Finding.MISSING_AT_REELHOUSE, row.trans_guid, row.round_id, row.account, *texts, detail
        )
        self._report.items.append(item)


# --- the run ---------------------------------------------------------------------------------


class _Ledger:
    """The operator's rows of one day, and the neighbouring days fetched only if needed."""

    def __init__(
        self, fetch: LedgerFetch, day: dt.date, accounts: Callable[[Iterable[str]], set[str]]
    ) -> None:
        self._fetch = fetch
        self._day = day
        self._accounts = accounts
        self._neighbours: dict[str, LedgerRow] | None = None
        rows = [r for r in fetch(day) if r.created_at.date() == day]
        ours = accounts({r.account for r in rows})
        self.rows = [r for r in rows if r.account in ours]
        self.skipped = len(rows) - len(self.rows)
        self.by_guid = {r.trans_guid: r for r in self.rows}

    def neighbour(self, guid: str) -> LedgerRow | None:
        if self._neighbours is None:
            self._neighbours = {}
            for day in (self._day - dt.timedelta(days=1), self._day + dt.timedelta(days=1)):
                self._neighbours.update(
                    (r.trans_guid, r) for r in self._fetch(day) if r.created_at.date() == day
                )
        return self._neighbours.get(guid)


def _our_accounts(session: Session, operator_id: int) -> Callable[[Iterable[str]], set[str]]:
    def known(accounts: Iterable[str]) -> set[str]:
        wanted = sorted(set(accounts))
        found: set[str] = set()
        for start in range(0, len(wanted), QUERY_CHUNK):
            chunk = wanted[start : start + QUERY_CHUNK]
            found.update(
                session.scalars(
                    select(Player.name).where(
                        Player.operator_id == operator_id, Player.name.in_(chunk)
                    )
                )
            )
        return found

    return known


def reconcile(
    platform: Platform,
    operator_name: str,
    day: dt.date,
    fetch: LedgerFetch,
    *,
    strict: bool = False,
) -> Report:
    """Compare one operator's day; raises ReelhouseError 2001 for an unknown operator and
    LedgerError (ledger_export) for an export that is not in the expected format."""
    with platform.db.transaction(read_only=True) as session:
        operator = operators.find_by_name(session, operator_name)
        cur = currency(operator.currency)
        report = Report(operator.name, day, cur.code, strict)
        ledger = _Ledger(fetch, day, _our_accounts(session, operator.id))
        wire = Wire(operator.dialect)
        ours, report.carried_wins = _calls_of_day(session, operator.id, day, wire)
        report.reelhouse_calls, report.operator_rows = len(ours), len(ledger.rows)
        report.skipped_rows = ledger.skipped
        judge = _Judge(cur, report)
        seen = set()
        for one in ours:
            row = ledger.by_guid.get(one.guid)
            if row is None and expectation(one.call, one.cancel) not in UNJUDGED:
                row = ledger.neighbour(one.guid)
            judge.judge(one, row)
            seen.add(one.guid)
        for row in ledger.rows:
            if row.trans_guid in seen:
                continue
            match = _call_by_guid(session, operator.id, row.trans_guid, wire)
            if match is None:
                judge.foreign(row)
            else:
                judge.judge(match, row)
    return report
