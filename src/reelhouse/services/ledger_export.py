"""An operator's ledger export, as reconciliation reads it.

The format is the demo casino's `GET /api/ledger?date=YYYY-MM-DD`:
`{"date": "YYYY-MM-DD", "rows": [{trans_guid, kind, account, currency, round_id, amount,
amount_minor, win_amount_minor, balance_before_minor, balance_after_minor, cancel_trans_guid,
cancelled_by, created_at}]}`. A JSON file holding the same document (or just its `rows` list)
is accepted too. `amount_minor` wins over `amount` when both are given; `win_amount_minor` is
a `betwin` row's win (its bet is `amount_minor`), absent on other rows; `round_id` is an
integer, or text where the dialect's ids are (iGamingAce B: 32 hex digits); `created_at` is
ISO 8601 and UTC when it names no zone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx

from reelhouse.domain.limits import LEDGER_EXPORT_MAX_BYTES, LEDGER_FETCH_TIMEOUT_SECONDS
from reelhouse.domain.money import MoneyError, currency, to_minor
from reelhouse.tls import client_tls_context


class LedgerError(ValueError):
    """The export could not be read or is not in the expected format: no comparison ran."""


@dataclass(frozen=True)
class LedgerRow:
    trans_guid: str
    kind: str  # bet, win, betwin or cancel (anything else is compared, and differs)
    account: str
    currency: str
    round_id: int | str | None  # text in dialects whose ids are (iGamingAce B: hex)
    amount_minor: int  # a betwin's bet
    cancel_trans_guid: str | None
    cancelled_by: str | None
    created_at: dt.datetime  # aware, UTC
    win_amount_minor: int | None = None  # a betwin's win; None on every other kind


def _text(row: dict[str, Any], key: str, *, required: bool = True) -> str | None:
    value = row.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise LedgerError(f"row {row.get('trans_guid')!r}: {key} must be text")
    return str(value)


def _amount_minor(row: dict[str, Any], currency_code: str) -> int:
    raw = row.get("amount_minor")
    if raw is not None:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise LedgerError(f"row {row.get('trans_guid')!r}: amount_minor must be an integer")
        return raw
    amount = row.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, (str, int, Decimal)):
        raise LedgerError(f"row {row.get('trans_guid')!r}: amount or amount_minor is required")
    try:
        return to_minor(amount if isinstance(amount, str) else str(amount), currency(currency_code))
    except MoneyError as exc:
        raise LedgerError(f"row {row.get('trans_guid')!r}: {exc}") from exc


def _win_amount_minor(row: dict[str, Any]) -> int | None:
    raw = row.get("win_amount_minor")
    if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int)):
        raise LedgerError(f"row {row.get('trans_guid')!r}: win_amount_minor must be an integer")
    return raw


def utc_moment(text: str, where: str) -> dt.datetime:
    """An export's ISO 8601 time as an aware UTC moment (UTC when it names no zone)."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise LedgerError(f"{where}: {text!r} is not an ISO 8601 time") from exc
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _created_at(row: dict[str, Any]) -> dt.datetime:
    text = _text(row, "created_at")
    assert text is not None
    return utc_moment(text, f"row {row.get('trans_guid')!r}: created_at")


def _row(raw: Any) -> LedgerRow:
    if not isinstance(raw, dict):
        raise LedgerError("every ledger row must be a JSON object")
    currency_code = _text(raw, "currency")
    assert currency_code is not None
    round_id = raw.get("round_id")
    if round_id is not None and (
        isinstance(round_id, bool) or not isinstance(round_id, (int, str)) or round_id == ""
    ):
        raise LedgerError(f"row {raw.get('trans_guid')!r}: round_id must be an integer or text")
    return LedgerRow(
        trans_guid=_text(raw, "trans_guid") or "",
        kind=_text(raw, "kind") or "",
        account=_text(raw, "account") or "",
        currency=currency_code,
        round_id=round_id,
        amount_minor=_amount_minor(raw, currency_code),
        cancel_trans_guid=_text(raw, "cancel_trans_guid", required=False),
        cancelled_by=_text(raw, "cancelled_by", required=False),
        created_at=_created_at(raw),
        win_amount_minor=_win_amount_minor(raw),
    )


def parse_ledger(document: Any) -> list[LedgerRow]:
    rows = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise LedgerError('a ledger export is {"rows": [...]} or a list of rows')
    parsed = [_row(raw) for raw in rows]
    guids = [r.trans_guid for r in parsed]
    if len(set(guids)) != len(guids):
        raise LedgerError("a trans_guid appears twice in the ledger export")
    return parsed


def _decode(raw: bytes, where: str) -> Any:
    if len(raw) > LEDGER_EXPORT_MAX_BYTES:
        raise LedgerError(f"{where}: larger than {LEDGER_EXPORT_MAX_BYTES} bytes")
    try:
        return json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LedgerError(f"{where}: not JSON ({exc})") from exc


def read_bounded(path: Path) -> bytes:
    """A saved export's bytes, refused past LEDGER_EXPORT_MAX_BYTES before it is read."""
    try:
        with path.open("rb") as file:
            raw = file.read(LEDGER_EXPORT_MAX_BYTES + 1)
    except OSError as exc:
        raise LedgerError(f"{path}: {exc}") from exc
    if len(raw) > LEDGER_EXPORT_MAX_BYTES:
        raise LedgerError(f"{path}: larger than {LEDGER_EXPORT_MAX_BYTES} bytes")
    return raw


def from_file(path: Path) -> Callable[[dt.date], Sequence[LedgerRow]]:
    """Every row of the file, read once; the caller keeps the day it asks for."""
    rows = parse_ledger(_decode(read_bounded(path), str(path)))
    return lambda _day: rows


def http_client() -> httpx.Client:
    """For `from_url`; redirects are not followed: an export that moved is a setting to fix."""
    return httpx.Client(
        timeout=LEDGER_FETCH_TIMEOUT_SECONDS, follow_redirects=False, verify=client_tls_context()
    )


def from_url(url: str, http: httpx.Client) -> Callable[[dt.date], Sequence[LedgerRow]]:
    """`GET url?date=YYYY-MM-DD`, once per day asked, with the caller's client."""
    cache: dict[dt.date, list[LedgerRow]] = {}

    def fetch(day: dt.date) -> Sequence[LedgerRow]:
        if day not in cache:
            try:
                with http.stream("GET", url, params={"date": day.isoformat()}) as answer:
                    body = bytearray()
                    for chunk in answer.iter_bytes():
                        body += chunk
                        if len(body) > LEDGER_EXPORT_MAX_BYTES:
                            raise LedgerError(f"{url}: larger than {LEDGER_EXPORT_MAX_BYTES} bytes")
                    status = answer.status_code
            except httpx.HTTPError as exc:
                raise LedgerError(f"{url}: {type(exc).__name__}: {exc}") from exc
            if status != 200:
                raise LedgerError(f"{url}: HTTP {status}")
            cache[day] = parse_ledger(_decode(bytes(body), url))
        return cache[day]

    return fetch
