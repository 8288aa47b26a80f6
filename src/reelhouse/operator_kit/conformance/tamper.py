"""Requests Reelhouse never sends, made from ones it does: an amount rewritten (and signed
again, so only the amount is wrong), or a body altered after signing (so only the signature
is wrong). Each dialect signs differently, so each has its own rewriter; a dialect without
one skips the scenarios that need it, with the reason in the report."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from reelhouse.dialects import igamingace_a, igamingace_b, slotcity_v4
from reelhouse.dialects.base import (
    CallbackCredentials,
    JsonNumber,
    JsonValue,
    dump_json,
    load_json_exact,
)
from reelhouse.domain.wallet import HttpRequest

_AMOUNT = re.compile(rb'"amount":(-?[0-9]+(?:\.[0-9]+)?)')
_AMOUNT_KEYS = ("amount", "betAmount", "winAmount")

# (request, new amount text, credentials, re-sign?) -> the rewritten request, or None when
# the protocol cannot carry that amount.
Rewriter = Callable[[HttpRequest, str, CallbackCredentials, bool], HttpRequest | None]


def _with(request: HttpRequest, body: bytes, headers: dict[str, str]) -> HttpRequest:
    return HttpRequest(
        request.method, request.url, tuple(headers.items()), body, request.timeout_ms
    )


def _slotcity(
    request: HttpRequest, text: str, creds: CallbackCredentials, resign: bool
) -> HttpRequest | None:
    body, found = _AMOUNT.subn(b'"amount":' + text.encode("ascii"), request.body, count=1)
    assert found == 1, "a money command carries an amount"
    headers = dict(request.headers)
    if resign:
        timestamp = headers[slotcity_v4.HEADER_TIMESTAMP]
        headers[slotcity_v4.HEADER_SIGNATURE] = slotcity_v4.sign(
            creds.callback_token, timestamp, body
        )
    return _with(request, body, headers)


def _json_fields(body: bytes) -> dict[str, JsonValue]:
    """A flat body back as dump_json input, amounts kept as their exact text."""
    doc = load_json_exact(body)
    assert isinstance(doc, dict)
    fields: dict[str, JsonValue] = {}
    for key, value in doc.items():
        if isinstance(value, Decimal):
            fields[key] = JsonNumber(format(value, "f"))
        else:
            assert value is None or isinstance(value, str | int | bool)
            fields[key] = value
    return fields


def _amount_key(fields: dict[str, JsonValue]) -> str:
    return next(key for key in _AMOUNT_KEYS if key in fields)


def _igamingace_a(
    request: HttpRequest, text: str, creds: CallbackCredentials, resign: bool
) -> HttpRequest | None:
    fields = _json_fields(request.body)
    fields[_amount_key(fields)] = JsonNumber(text)
    headers = dict(request.headers)
    if resign:
        assert creds.api_token is not None
        signed = {k: Decimal(v.text) if isinstance(v, JsonNumber) else v for k, v in fields.items()}
        headers[igamingace_a.HEADER_SIGNATURE] = igamingace_a.sign(creds.api_token, signed)
    return _with(request, dump_json(fields).encode("ascii"), headers)


def _igamingace_b(
    request: HttpRequest, text: str, creds: CallbackCredentials, resign: bool
) -> HttpRequest | None:
    amount = Decimal(text)
    places = Decimal(1).scaleb(-igamingace_b.AMOUNT_DECIMALS)
    if amount != amount.quantize(places):
        return None  # B writes 2 decimals at most: a finer amount cannot be sent
    fields = _json_fields(request.body)
    fields[_amount_key(fields)] = JsonNumber(text)
    if resign:
        assert creds.secret_key is not None
        operation = request.url.rstrip("/").rsplit("/", 1)[-1]
        texts = {
            name: f"{Decimal(value.text):.2f}" if isinstance(value, JsonNumber) else str(value)
            for name, value in fields.items()
            if name in igamingace_b.SIGNED_FIELDS[operation]
        }
        fields["sign"] = igamingace_b.sign_fields(creds.secret_key, operation, texts)
    return _with(request, dump_json(fields).encode("ascii"), dict(request.headers))


REWRITERS: dict[str, Rewriter] = {
    slotcity_v4.NAME: _slotcity,
    igamingace_a.NAME: _igamingace_a,
    igamingace_b.NAME: _igamingace_b,
}
