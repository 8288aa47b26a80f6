"""An upstream provider's transaction export, as three-way reconciliation reads it.

JSON lines: one object per line (blank lines skipped), one per money transaction the
provider made with Reelhouse:

    {"transaction_id": "tx-1", "kind": "bet", "reference_transaction_id": null,
     "round_id": "r-1", "player": "4721", "amount_minor": 250, "currency": "USD",
     "status": "ok", "timestamp": "2026-11-30T10:00:00Z"}

- `kind` is `bet`, `win` or `rollback`; `reference_transaction_id` names a win's bet (null
  where the protocol's wins name their round instead) and a rollback's transaction;
- `player` is the player as the provider knows them: Reelhouse's player id in decimal;
- the amount is `amount_minor`, integer minor units of `currency` (a Reelhouse currency),
  or `amount`, in the protocol's wire units: for a protocol with its own integer unit (the
  descriptor's `wire_money`; Hub88: 1/100000 of the wire currency, `currency` then the wire
  code, `mBTC` included) an integer, for the others a decimal of the major unit. Converted
  exactly or refused. A rollback may carry no amount (0): it reverses what it names;
- `status` is what the provider holds of it: `ok` (applied) or `failed` (it counts it as
  not applied: refused, timed out and rolled back on its side, ...);
- `timestamp` is ISO 8601, UTC when it names no zone.

Bounds, checked before anything is read: the file's size (LEDGER_EXPORT_MAX_BYTES, as an
operator's ledger export), each line's length, the number of rows, each text field's
length; a transaction id twice is refused. Any of them refuses the whole export
(LedgerError): no comparison runs on part of it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.money import MoneyError, currency, to_minor
from reelhouse.providers.base import UPSTREAM_ID_MAX_CHARS, UpstreamProtocol
from reelhouse.services.ledger_export import LedgerError, read_bounded, utc_moment

# One transaction is a few hundred bytes; a line far longer is not one (and json.loads of it
# is bounded by this, depth included).
EXPORT_LINE_MAX_BYTES = 4096
# Transactions of one provider and day read into memory at once.
EXPORT_MAX_ROWS = 2_000_000
# Currency codes: ISO's 3 letters, a protocol's own (`mBTC`) a few more.
EXPORT_CURRENCY_MAX_CHARS = 8


class ProviderKind(StrEnum):
    BET = "bet"
    WIN = "win"
    ROLLBACK = "rollback"


class ProviderStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True)
class ProviderRow:
    transaction_id: str
    kind: ProviderKind
    reference_id: str | None
    round_id: str | None
    player: str
    amount_minor: int
    currency: str  # a Reelhouse currency code
    status: ProviderStatus
    at: dt.datetime  # aware, UTC


def _text(raw: dict[str, Any], key: str, where: str, max_chars: int) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise LedgerError(f"{where}: {key} must be text")
    text = str(value)
    if not 0 < len(text) <= max_chars:
        raise LedgerError(f"{where}: {key} must be 1-{max_chars} characters")
    return text


def _required(raw: dict[str, Any], key: str, where: str, max_chars: int) -> str:
    text = _text(raw, key, where, max_chars)
    if text is None:
        raise LedgerError(f"{where}: {key} is required")
    return text


def _money(
    raw: dict[str, Any], wire_code: str, kind: ProviderKind, protocol: UpstreamProtocol[Any, Any]
) -> tuple[int, str]:
    """(minor units, Reelhouse currency) of one row, from `amount_minor` or wire `amount`.
    Raises MoneyError for an amount or currency that cannot be held exactly."""
    where = f"transaction {raw.get('transaction_id')!r}"
    minor, wire = raw.get("amount_minor"), raw.get("amount")
    if minor is not None:
        if isinstance(minor, bool) or not isinstance(minor, int) or abs(minor) > MAX_AMOUNT_MINOR:
            raise LedgerError(f"{where}: amount_minor must be an integer in range")
        return minor, currency(wire_code).code
    if protocol.wire_money is not None:
        if wire is None and kind is ProviderKind.ROLLBACK:
            wire = 0  # a rollback reverses what it names
        if isinstance(wire, bool) or not isinstance(wire, int):
            raise LedgerError(f"{where}: amount must be an integer of {protocol.name} units")
        return protocol.wire_money(wire, wire_code)
    if wire is None and kind is ProviderKind.ROLLBACK:
        wire = 0
    if isinstance(wire, bool) or not isinstance(wire, (str, int, Decimal)):
        raise LedgerError(f"{where}: amount or amount_minor is required")
    return to_minor(str(wire), currency(wire_code)), wire_code


def _row(raw: Any, number: int, protocol: UpstreamProtocol[Any, Any]) -> ProviderRow:
    if not isinstance(raw, dict):
        raise LedgerError(f"line {number}: every row must be a JSON object")
    where = f"line {number}"
    ids = UPSTREAM_ID_MAX_CHARS
    kind_text = _required(raw, "kind", where, 16)
    status_text = _required(raw, "status", where, 16)
    try:
        kind, status = ProviderKind(kind_text), ProviderStatus(status_text)
    except ValueError as exc:
        raise LedgerError(f"{where}: kind bet|win|rollback, status ok|failed") from exc
    wire_code = _required(raw, "currency", where, EXPORT_CURRENCY_MAX_CHARS)
    try:
        amount_minor, code = _money(raw, wire_code, kind, protocol)
    except MoneyError as exc:
        raise LedgerError(f"{where}: {exc}") from exc
    return ProviderRow(
        transaction_id=_required(raw, "transaction_id", where, ids),
        kind=kind,
        reference_id=_text(raw, "reference_transaction_id", where, ids),
        round_id=_text(raw, "round_id", where, ids),
        player=_required(raw, "player", where, ids),
        amount_minor=amount_minor,
        currency=code,
        status=status,
        at=utc_moment(_required(raw, "timestamp", where, 64), f"{where}: timestamp"),
    )


def parse_export(raw: bytes, protocol: UpstreamProtocol[Any, Any]) -> list[ProviderRow]:
    """Every row of an export's bytes (already bounded in size by the caller)."""
    lines = raw.split(b"\n")
    if len(lines) > EXPORT_MAX_ROWS + 1:
        raise LedgerError(f"more than {EXPORT_MAX_ROWS} rows")
    rows: list[ProviderRow] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > EXPORT_LINE_MAX_BYTES:
            raise LedgerError(f"line {number}: longer than {EXPORT_LINE_MAX_BYTES} bytes")
        try:
            document = json.loads(line, parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as exc:
            raise LedgerError(f"line {number}: not JSON ({exc})") from exc
        rows.append(_row(document, number, protocol))
    ids = [r.transaction_id for r in rows]
    if len(set(ids)) != len(ids):
        raise LedgerError("a transaction_id appears twice in the provider's export")
    return rows


def from_file(path: Path, protocol: UpstreamProtocol[Any, Any]) -> list[ProviderRow]:
    return parse_export(read_bounded(path), protocol)
