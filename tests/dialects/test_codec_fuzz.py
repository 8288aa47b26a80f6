"""Every codec, both sides, all three dialects: random and mutated bytes never raise.

Reelhouse's side (`decode_answer`) must turn any answer into a typed outcome, garbage being
UNKNOWN, for every command kind; the operator's side (`verify_and_decode_callback`) must
turn any callback (body, headers, path) into a callback or a rejection with its answer.
Mutations start from bytes a correct peer sends (tests/fuzzing.py), so they reach the checks
behind the JSON reader: amounts, ids, balances, signatures.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reelhouse.dialects import igamingace_a, igamingace_b, slotcity_v4
from reelhouse.dialects.base import CallbackCredentials, CallbackRejection, CodecDialect
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.limits import MAX_AMOUNT_MINOR
from reelhouse.domain.wallet import CommandKind, HttpAnswer, OutcomeKind, WalletOutcome
from reelhouse.operator_kit.demo_casino.casino import CALLBACK_PATHS, Casino
from tests.fuzzing import hostile_bodies, hostile_headers

from . import igamingace_samples, slotcity_samples

# Cheap pure calls: this many cases per dialect and side stays within a few seconds.
CASES = 150
FUZZ = settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BALANCE = Decimal("12.30")
VALID_ANSWERS: dict[str, list[bytes]] = {
    slotcity_v4.NAME: [
        slotcity_v4.encode_answer(0, BALANCE),
        slotcity_v4.encode_answer(0, BALANCE, {"account": "alice_1"}),
        slotcity_v4.encode_answer(
            0, BALANCE, {"account": "alice_1", "trans_guid": "9001", "trans_status": "OK"}
        ),
        slotcity_v4.encode_answer(31, BALANCE),
        slotcity_v4.encode_answer(41, BALANCE),
        slotcity_v4.encode_answer(43),
        slotcity_v4.encode_answer(21),
    ],
    igamingace_a.NAME: [
        igamingace_a.encode_answer(status, BALANCE) for status in igamingace_a.Status
    ],
    igamingace_b.NAME: [
        igamingace_b.encode_answer(code, BALANCE, platform_transaction_id="p1")
        for code in igamingace_b.Code
    ],
}

DIALECTS: dict[str, tuple[CodecDialect[object], CallbackCredentials, object]] = {
    slotcity_v4.NAME: (
        slotcity_v4.SLOTCITY_V4,  # type: ignore[dict-item]
        slotcity_samples.CREDS,
        slotcity_samples.command,
    ),
    igamingace_a.NAME: (
        igamingace_a.IGAMINGACE_A,  # type: ignore[dict-item]
        igamingace_samples.CREDS_A,
        igamingace_samples.command,
    ),
    igamingace_b.NAME: (
        igamingace_b.IGAMINGACE_B,  # type: ignore[dict-item]
        igamingace_samples.CREDS_B,
        igamingace_samples.command,
    ),
}
NAMES = sorted(DIALECTS)


def _requests(name: str) -> list[tuple[bytes, dict[str, str], str]]:
    """Every command the dialect sends, as (body, headers, path), signed at NOW."""
    dialect, creds, command = DIALECTS[name]
    now = slotcity_samples.NOW
    found = []
    for kind in sorted(dialect.kinds):
        request = dialect.encode_command(command(kind), creds, now)  # type: ignore[operator]
        path = "/" + request.url.split("://", 1)[1].split("/", 1)[1]
        found.append((request.body, dict(request.headers), path))
    return found


@pytest.mark.parametrize("name", NAMES)
def test_any_answer_bytes_decode_to_a_typed_outcome(name: str) -> None:
    dialect, _creds, command = DIALECTS[name]
    kinds = sorted(dialect.kinds)

    @FUZZ
    @given(
        kind=st.sampled_from(kinds),
        status=st.sampled_from([200, 200, 200, 500]),
        body=hostile_bodies(VALID_ANSWERS[name]),
    )
    def check(kind: CommandKind, status: int, body: bytes) -> None:
        outcome = dialect.decode_answer(command(kind), HttpAnswer(status, body))  # type: ignore[operator]
        assert isinstance(outcome, WalletOutcome)
        if outcome.balance_minor is not None:
            assert abs(outcome.balance_minor) <= MAX_AMOUNT_MINOR
        if status != 200:
            assert outcome.kind is OutcomeKind.UNKNOWN

    check()


@pytest.mark.parametrize("name", NAMES)
def test_any_callback_is_read_or_rejected_never_raises(name: str) -> None:
    dialect, creds, _command = DIALECTS[name]
    requests = _requests(name)

    @FUZZ
    @given(
        picked=st.sampled_from(requests),
        body=st.data(),
        extra_headers=hostile_headers,
        keep_headers=st.booleans(),
        require_signature=st.booleans(),
        other_path=st.sampled_from(["", "/x/Withdraw", "/x/Nope", "/", "/x/GetBalance/"]),
    )
    def check(
        picked: tuple[bytes, dict[str, str], str],
        body: st.DataObject,
        extra_headers: dict[str, str],
        keep_headers: bool,
        require_signature: bool,
        other_path: str,
    ) -> None:
        valid_body, headers, path = picked
        sent = body.draw(hostile_bodies([valid_body]))
        sent_headers = (headers if keep_headers else {}) | extra_headers
        result = dialect.verify_and_decode_callback(
            sent_headers,
            sent,
            creds,
            slotcity_samples.NOW,
            require_signature=require_signature,
            path=other_path or path,
        )
        if isinstance(result, CallbackRejection):
            assert isinstance(result.answer, bytes) and result.answer

    check()


def test_the_demo_casino_answers_any_callback_in_its_protocol(tmp_path: Path) -> None:
    """The whole operator side (the SDK endpoint and wallet behind the demo casino), with
    signatures off so mutated bodies reach the wallet: always an answer, never an error."""
    keys = CallbackCredentials(
        "",
        slotcity_samples.TOKEN,
        igamingace_samples.API_TOKEN,
        igamingace_samples.SECRET_KEY,
        agent_id=igamingace_samples.AGENT_ID,
    )
    clock = FakeClock(dt.datetime.fromtimestamp(slotcity_samples.NOW, UTC))
    casino = Casino(
        f"sqlite:///{tmp_path / 'casino.db'}",
        slotcity_samples.TOKEN,
        require_signature=False,
        clock=clock,
        keys=lambda _name: keys,
    )
    for account in ("alice_1", "Player01"):
        casino.create_player(account, "USD", "1000.00")
    sent = [
        (name, body, path.replace(PATH_PREFIX[name], CALLBACK_PATHS[name], 1))
        for name in NAMES
        for body, _headers, path in _requests(name)
    ]

    @settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(picked=st.sampled_from(sent), data=st.data())
    def check(picked: tuple[str, bytes, str], data: st.DataObject) -> None:
        _name, valid, path = picked
        answer = casino.answer_path(path, {}, data.draw(hostile_bodies([valid])))
        assert isinstance(answer, bytes) and answer

    try:
        check()
    finally:
        casino.dispose()


# Where the samples' callback URLs put each dialect, and where the demo casino listens.
PATH_PREFIX = {
    slotcity_v4.NAME: "/wallet/callback",
    igamingace_a.NAME: "/wallet/callback",
    igamingace_b.NAME: "/callbackService",
}
