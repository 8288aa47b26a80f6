"""Every callback field has the type the public contracts' "types" tables show, and every
dialect is one descriptor that the rest of Reelhouse asks (registry, credentials, ids).

The expected types are written here from the contracts' tables, not read from the codecs.
"""

from __future__ import annotations

import json
import pkgutil
from dataclasses import replace
from decimal import Decimal

import pytest

import reelhouse.dialects
from reelhouse.dialects import igamingace_a, igamingace_b, slotcity_v4
from reelhouse.dialects.base import CodecDialect, Credential
from reelhouse.dialects.registry import DIALECT_NAMES, all_dialects, get_dialect
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.wallet import CommandKind

from . import igamingace_samples, slotcity_samples

# JSON type of each field the contracts name, per dialect ("decimal" is a JSON number with a
# fraction or an integer; "id-text" is text holding an id).
SLOTCITY_DATA_TYPES: dict[str, type | tuple[type, ...]] = {
    "gplay_id": str,  # "string in the live capture"
    "account": str,
    "trans_guid": str,
    "cancel_trans_guid": str,
    "time_stamp": int,
    "round_id": int,
    "provider_id": int,
    "game_code": str,
    "game_type": str,
    "amount": (int, float),
    "type": int,
    "call_id": int,
}
A_TYPES: dict[str, type | tuple[type, ...]] = {
    "command": str,
    "transactionId": int,
    "referenceId": int,
    "playerId": str,
    "roundId": int,
    "providerId": int,
    "gameCode": int,
    "currency": str,
    "amount": (int, float),
    "betAmount": (int, float),
    "winAmount": (int, float),
    "isBonusBusy": bool,
    "isRoundFinished": bool,
    "bonusId": int,
    "timestamp": int,
}
B_TYPES: dict[str, type | tuple[type, ...]] = {
    "agentID": str,
    "userID": str,
    "gameID": int,  # "gameID integer"
    "amount": (int, float),
    "betAmount": (int, float),
    "winAmount": (int, float),
    "transactionID": str,
    "refTransactionID": str,
    "roundID": str,
    "freeSpinID": type(None),
    "isBonusBuy": int,
    "sign": str,
}


def _check(fields: dict[str, object], types: dict[str, type | tuple[type, ...]]) -> None:
    for name, value in fields.items():
        assert name in types, f"{name} is not a field the contract shows"
        expected = types[name]
        assert isinstance(value, expected), (name, value)
        if expected is int or expected == (int, float):
            assert not isinstance(value, bool), name


@pytest.mark.parametrize("kind", sorted(slotcity_v4.SLOTCITY_V4.kinds))
def test_slotcity_callbacks_carry_the_contracts_types(kind: CommandKind) -> None:
    request = slotcity_v4.encode_command(
        slotcity_samples.command(kind), slotcity_samples.CREDS, slotcity_samples.NOW
    )
    envelope = json.loads(request.body)
    assert {k: type(v) for k, v in envelope.items() if k != "data"} == {
        "command": str,
        "timestamp": str,
        "check": str,
    }
    _check(envelope["data"], SLOTCITY_DATA_TYPES)
    if "gplay_id" in envelope["data"]:
        assert envelope["data"]["gplay_id"] == "77"


@pytest.mark.parametrize("kind", sorted(igamingace_a.IGAMINGACE_A.kinds))
def test_igamingace_a_callbacks_carry_the_contracts_types(kind: CommandKind) -> None:
    request = igamingace_a.encode_command(
        igamingace_samples.command(kind), igamingace_samples.CREDS_A, igamingace_samples.NOW
    )
    _check(json.loads(request.body), A_TYPES)


@pytest.mark.parametrize("kind", sorted(igamingace_b.IGAMINGACE_B.kinds))
def test_igamingace_b_callbacks_carry_game_id_as_an_integer(kind: CommandKind) -> None:
    request = igamingace_b.encode_command(
        igamingace_samples.command(kind), igamingace_samples.CREDS_B, igamingace_samples.NOW
    )
    fields = json.loads(request.body)
    _check(fields, B_TYPES)
    assert fields["gameID"] == numeric_game_id(igamingace_samples.GAME)
    assert b'"gameID":%d' % igamingace_samples.GAME_NUMBER in request.body


def test_a_b_get_balance_not_about_a_game_sends_null() -> None:
    cmd = igamingace_samples.command(CommandKind.BALANCE)
    request = igamingace_b.encode_command(
        replace(cmd, game_code=None), igamingace_samples.CREDS_B, igamingace_samples.NOW
    )
    assert json.loads(request.body)["gameID"] is None


# --- timeouts: the contracts' tables ----------------------------------------------------

TIMEOUTS_S = {
    # SlotCity: "bet and balance 2 s; every other command 4 s".
    "slotcity-v4": {"authenticate": 4, "balance": 2, "bet": 2, "win": 4, "cancel": 4, "status": 4},
    # Flavour A: balance 2 s, bet 3 s, win 4 s, betwin 3 s, cancel 4 s (authenticate is a
    # balance on the wire).
    "igamingace-a": {
        "authenticate": 2,
        "balance": 2,
        "bet": 3,
        "bet_win": 3,
        "win": 4,
        "cancel": 4,
    },
    # Flavour B: GetBalance 2 s, Withdraw/BetWin 3 s, Deposit/Rollback 4 s.
    "igamingace-b": {
        "authenticate": 2,
        "balance": 2,
        "bet": 3,
        "bet_win": 3,
        "win": 4,
        "cancel": 4,
    },
}


@pytest.mark.parametrize("name", sorted(TIMEOUTS_S))
def test_timeouts_are_the_contracts(name: str) -> None:
    dialect = get_dialect(name)
    assert {kind.value: dialect.timeout_ms(kind) // 1000 for kind in dialect.kinds} == (
        TIMEOUTS_S[name]
    )


# --- one descriptor per dialect ---------------------------------------------------------


def test_every_dialect_module_is_registered_without_a_list() -> None:
    modules = {m.name for m in pkgutil.iter_modules(reelhouse.dialects.__path__)}
    assert modules - {"base", "registry"} == {"slotcity_v4", "igamingace_a", "igamingace_b"}
    assert set(DIALECT_NAMES) == {"slotcity-v4", "igamingace-a", "igamingace-b"}
    assert all(isinstance(d, CodecDialect) for d in all_dialects())


def test_each_descriptor_owns_its_credentials_and_currency_bound() -> None:
    facts = {
        d.name: (
            d.signs_with,
            d.needs_agent_id,
            d.max_currency_exponent,
            d.cancels_wins,
            d.timestamped,
            d.signature_optional,
        )
        for d in all_dialects()
    }
    assert facts == {
        "slotcity-v4": (Credential.CALLBACK_TOKEN, False, None, True, True, True),
        "igamingace-a": (Credential.API_TOKEN, False, None, False, True, False),
        "igamingace-b": (Credential.SECRET_KEY, True, 2, True, False, False),
    }


@pytest.mark.parametrize(
    ("name", "kind", "ledger_id"),
    [
        ("slotcity-v4", CommandKind.BET, "9001"),
        ("slotcity-v4", CommandKind.CANCEL, "9001"),
        ("igamingace-a", CommandKind.CANCEL, "9001"),
        ("igamingace-b", CommandKind.BET, "00000000000000000000000000002329"),
        ("igamingace-b", CommandKind.CANCEL, "rollback:00000000000000000000000000000007"),
    ],
)
def test_each_descriptor_names_a_call_as_its_wallet_ledger_does(
    name: str, kind: CommandKind, ledger_id: str
) -> None:
    dialect = get_dialect(name)
    assert dialect.ledger_id(9001, kind, 7) == ledger_id
    rollback = name == "igamingace-b" and kind is CommandKind.CANCEL
    assert dialect.call_id_of(ledger_id) == ((7, True) if rollback else (9001, False))


def test_no_dialect_reads_another_dialects_ledger_ids() -> None:
    b = get_dialect("igamingace-b")
    a = get_dialect("igamingace-a")
    assert b.call_id_of("9001") is None
    assert a.call_id_of("00000000000000000000000000002329") is None


# --- operator side: what Reelhouse accepts beyond its own forms -------------------------


def test_the_slotcity_operator_side_reads_gplay_id_and_round_id_as_text_or_number() -> None:
    body = slotcity_v4.encode_command(
        slotcity_samples.command(CommandKind.WIN), slotcity_samples.CREDS, slotcity_samples.NOW
    ).body
    for variant in (body, body.replace(b'"gplay_id":"77"', b'"gplay_id":77')):
        variant = variant.replace(b'"round_id":500', b'"round_id":"500"')
        headers = slotcity_samples.signed_headers(variant)
        callback = slotcity_v4.verify_and_decode_callback(
            headers, variant, slotcity_samples.TOKEN, slotcity_samples.NOW
        )
        assert isinstance(callback, slotcity_v4.SlotCityCallback), callback
        assert (callback.session_id, callback.round_id) == (77, 500)


@pytest.mark.parametrize("game_id", [172119293, "172119293", "lucky-sevens"])
def test_the_b_operator_side_reads_game_id_as_an_integer_or_text(game_id: object) -> None:
    body = json.loads(
        igamingace_b.encode_command(
            igamingace_samples.command(CommandKind.WIN),
            igamingace_samples.CREDS_B,
            igamingace_samples.NOW,
        ).body
    )
    body["gameID"] = game_id
    raw = json.dumps(body, separators=(",", ":")).replace('"amount":12.3', '"amount":12.30')
    callback = igamingace_b.verify_and_decode_callback(
        "Deposit", raw.encode(), igamingace_samples.SECRET_KEY, igamingace_samples.AGENT_ID
    )
    assert isinstance(callback, igamingace_b.IGamingAceBCallback), callback
    assert callback.game_id == game_id
    assert callback.amount == Decimal("12.30")
