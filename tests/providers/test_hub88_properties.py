"""Hub88 properties: decoding never raises on hostile input (only the refusal value or a
fault comes back), and what a supplier signs and sends reads back exactly."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.wallet import HttpAnswer
from reelhouse.providers.base import (
    AnswerStatus,
    Catalogue,
    FreeRoundGranted,
    FreeRoundOffers,
    LaunchAnswer,
    UpstreamAnswer,
    UpstreamCall,
    UpstreamFault,
    UpstreamRefusal,
)
from reelhouse.providers.hub88 import answer_for_refusal, decode_call, encode_answer
from reelhouse.providers.hub88_games import (
    decode_catalogue,
    decode_grant,
    decode_launch,
    decode_offers,
)
from reelhouse.providers.hub88_wire import WALLET_PATHS, WIRE_STATUS, minor_to_wire
from tests.fuzzing import hostile_bodies

from .hub88_samples import (
    BALANCE,
    BET,
    GAME,
    GRANT,
    ROLLBACK,
    VERIFY_KEY,
    WIN,
    body_of,
    signed_headers,
)

# RSA signing costs about a millisecond: this many cases per property stays within seconds.
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID_CALLS = [body_of(doc) for doc in (BALANCE, BET, WIN, ROLLBACK)]
paths = st.sampled_from([*WALLET_PATHS, "/", "", "/supplier/generic/v2/", "é" * 600])
headers = st.dictionaries(
    st.sampled_from(["X-Hub88-Signature", "x-hub88-signature", "Content-Type"]),
    st.text(max_size=400) | st.sampled_from(["", "=", "A" * 344, "A" * 2000]),
    max_size=3,
)


def check_refusal_answerable(result: UpstreamCall | UpstreamRefusal) -> None:
    if isinstance(result, UpstreamRefusal):
        doc = json.loads(answer_for_refusal(result))
        assert doc["status"] == WIRE_STATUS[result.status]
        assert result.status is not AnswerStatus.OK


@FUZZ
@given(paths, hostile_bodies(VALID_CALLS))
def test_signed_hostile_bodies_decode_or_are_refused(path: str, body: bytes) -> None:
    # Signed with the right key, so every body reaches the JSON reader and field checks.
    result = decode_call(path, signed_headers(body), body, VERIFY_KEY)
    assert isinstance(result, UpstreamCall | UpstreamRefusal)
    check_refusal_answerable(result)


@FUZZ
@given(paths, headers, st.binary(max_size=300) | hostile_bodies(VALID_CALLS))
def test_unsigned_or_badly_signed_calls_are_refused(
    path: str, sent_headers: dict[str, str], body: bytes
) -> None:
    result = decode_call(path, sent_headers, body, VERIFY_KEY)
    assert isinstance(result, UpstreamRefusal)
    assert result.status in (AnswerStatus.INVALID_SIGNATURE, AnswerStatus.WRONG_SYNTAX)
    assert result.request_id is None
    check_refusal_answerable(result)


wire_codes = st.sampled_from(["EUR", "USD", "JPY", "KWD", "BTC", "mBTC", "USDT"])


@FUZZ
@given(
    st.sampled_from(
        [
            (BET, "/supplier/generic/v2/transaction/bet"),
            (WIN, "/supplier/generic/v2/transaction/win"),
        ]
    ),
    wire_codes,
    st.integers(min_value=0, max_value=2**63 - 1),
)
def test_signed_amounts_read_exactly_or_are_refused(
    sample: tuple[dict[str, object], str], code: str, wire_amount: int
) -> None:
    doc, path = sample
    body = body_of({**doc, "currency": code, "amount": wire_amount})
    result = decode_call(path, signed_headers(body), body, VERIFY_KEY)
    if isinstance(result, UpstreamRefusal):
        assert result.status is AnswerStatus.WRONG_TYPES
        return
    assert result.amount_minor is not None and 0 <= result.amount_minor <= MAX_AMOUNT_MINOR
    # Exact: converting back gives the very integer the supplier sent.
    assert minor_to_wire(result.amount_minor, code) == wire_amount


@FUZZ
@given(
    st.sampled_from(list(AnswerStatus)),
    wire_codes,
    st.integers(min_value=-MAX_AMOUNT_MINOR, max_value=MAX_AMOUNT_MINOR),
    st.text(max_size=40),
)
def test_answers_are_always_one_ascii_json_object(
    status: AnswerStatus, code: str, balance_minor: int, user: str
) -> None:
    body = encode_answer(UpstreamAnswer(status, "r1", user, code, balance_minor))
    doc = json.loads(body.decode("ascii"))
    assert doc["status"] == WIRE_STATUS[status]
    assert isinstance(doc["balance"], int)


GAME_LIST = json.dumps([GAME]).encode()
OFFERS = json.dumps(
    [{"prepaid_uuid": "p1", "game_code": "g1", "currency": "EUR", "bet_value": 20000}]
).encode()


@FUZZ
@given(
    st.sampled_from([200, 200, 200, 404, 502]),
    hostile_bodies([GAME_LIST, OFFERS, b'{"url":"https://g.example/p"}', b"{}"]),
)
def test_supplier_answers_decode_or_are_faults(status: int, body: bytes) -> None:
    answer = HttpAnswer(status, body)
    assert isinstance(decode_launch(answer), LaunchAnswer | UpstreamFault)
    assert isinstance(decode_catalogue(answer), Catalogue | UpstreamFault)
    assert isinstance(decode_offers(answer), FreeRoundOffers | UpstreamFault)
    assert isinstance(decode_grant(GRANT, answer), FreeRoundGranted | UpstreamFault)
