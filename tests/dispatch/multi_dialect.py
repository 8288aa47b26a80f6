"""Reading and routing requests of any wallet dialect, for in-process transports that must
follow an operator across a dialect switch: each request is recognised by its own headers,
read with that dialect's operator-side codec, and answered by the demo casino's endpoint for
that dialect, as a wallet that speaks every dialect at one address would."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from reelhouse.dialects import igamingace_a, igamingace_b, slotcity_v4
from reelhouse.dialects.base import CallbackCredentials, CallbackRejection
from reelhouse.dialects.igamingace_a import IGamingAceACallback
from reelhouse.dialects.igamingace_b import IGamingAceBCallback, parse_id
from reelhouse.dialects.registry import get_dialect
from reelhouse.dialects.slotcity_v4 import SlotCityCallback
from reelhouse.domain.wallet import CommandKind, HttpRequest
from reelhouse.operator_kit.demo_casino.casino import Casino


def request_dialect(request: HttpRequest) -> str:
    """The dialect a request is written in: SlotCity sends its callback token in a header,
    iGamingAce A a signature header, iGamingAce B neither (its sign is in the body)."""
    names = {name.lower() for name, _value in request.headers}
    if slotcity_v4.HEADER_TOKEN.lower() in names:
        return "slotcity-v4"
    if igamingace_a.HEADER_SIGNATURE.lower() in names:
        return "igamingace-a"
    return "igamingace-b"


@dataclass(frozen=True)
class OnTheWire:
    """A request as the wallet reads it; ids as our decimal call ids ("" where none)."""

    dialect: str
    command: str
    trans_id: str
    cancelled_id: str


def read_request(request: HttpRequest, keys: CallbackCredentials) -> OnTheWire:
    dialect = request_dialect(request)
    callback = get_dialect(dialect).verify_and_decode_callback(
        dict(request.headers),
        request.body,
        keys,
        0,
        require_signature=False,
        path=urlsplit(request.url).path,
    )
    assert not isinstance(callback, CallbackRejection), callback
    kind: CommandKind = callback.kind
    if isinstance(callback, SlotCityCallback):
        own, cancelled = callback.trans_guid, callback.cancel_trans_guid
    elif isinstance(callback, IGamingAceACallback):
        own, cancelled = _text(callback.transaction_id), _text(callback.reference_id)
    else:
        assert isinstance(callback, IGamingAceBCallback)
        own = _from_hex(callback.transaction_id)
        is_cancel = kind is CommandKind.CANCEL
        cancelled = _from_hex(callback.ref_transaction_id) if is_cancel else None
    return OnTheWire(dialect, kind.value, own or "", cancelled or "")


def answer(casino: Casino, request: HttpRequest) -> bytes:
    """The casino's answer, from its endpoint for the request's dialect (B: the operation
    is the last part of the path)."""
    dialect = request_dialect(request)
    headers: Mapping[str, str] = dict(request.headers)
    endpoint = casino.endpoints[dialect]
    if endpoint.adapter.operations is None:
        return endpoint.answer(headers, request.body)
    operation = urlsplit(request.url).path.rsplit("/", 1)[1]
    return endpoint.answer(headers, request.body, operation)


def our_id(trans_guid: str) -> int | None:
    """Our call id behind a casino ledger row's id in any dialect (decimal, or B's 32 hex
    digits); None for a B rollback, which has no id of its own on the wire."""
    if trans_guid.startswith(igamingace_b.ROLLBACK_ID_PREFIX):
        return None
    if len(trans_guid) == igamingace_b.ID_HEX_DIGITS:
        return igamingace_b.parse_id(trans_guid)
    return int(trans_guid)


def _from_hex(text: str | None) -> str | None:
    return None if text is None else str(parse_id(text))


def _text(number: int | None) -> str | None:
    return None if number is None else str(number)
