"""Shared data for the Hub88 tests: the public sample key pair and signature vectors of Hub88's
examples repository (committed as data files beside this module), and signed wallet calls.

The one sample key plays both parts: the supplier's (it signs wallet calls, Reelhouse checks
them with its public half) and Reelhouse's (it signs requests to a supplier).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from reelhouse.providers import hub88_wire
from reelhouse.providers.base import FreeRoundGrant

VECTORS = Path(__file__).parent / "hub88_vectors"

PRIVATE_PEM = (VECTORS / "sample_private.pem").read_bytes()
PUBLIC_PEM = (VECTORS / "sample_public.pem").read_bytes()
SIGN_KEY = hub88_wire.load_sign_key(PRIVATE_PEM)
VERIFY_KEY = hub88_wire.load_verify_key(PUBLIC_PEM)


def signature_vectors() -> list[tuple[bytes, str]]:
    """(data, base64 signature) pairs as published: `data;signature` per line, with a header."""
    lines = (VECTORS / "signatures.csv").read_bytes().splitlines()
    assert lines[0] == b"data;signature"
    pairs = []
    for line in lines[1:]:
        data, signature = line.rsplit(b";", 1)
        pairs.append((data, signature.decode("ascii")))
    return pairs


BASE = "/supplier/generic/v2/"
BALANCE_PATH = BASE + "user/balance"
BET_PATH = BASE + "transaction/bet"
WIN_PATH = BASE + "transaction/win"
ROLLBACK_PATH = BASE + "transaction/rollback"

TOKEN = "55b7518e-b89e-11e7-81be-58404eea6d16"
BALANCE_REQUEST = "583c985f-fee6-4c0e-bbf5-308aad6265af"
BET_ID = "16d2dcfe-b89e-11e7-854a-58404eea6d16"
ROLLBACK_ID = "9e6f3b1a-b89f-11e7-b0f1-58404eea6d16"
ROLLBACK_REQUEST = "a1c2e4f6-b89f-11e7-a0a0-58404eea6d16"

BALANCE: dict[str, object] = {
    "supplier_user": "cg_45141",
    "token": TOKEN,
    "request_uuid": BALANCE_REQUEST,
    "game_code": "clt_dragonrising",
}

BET: dict[str, object] = {
    "supplier_user": "cg_45141",
    "transaction_uuid": BET_ID,
    "token": TOKEN,
    "round_closed": False,
    "round": "rNEMwgzJAOZ6eR3V",
    "reward_uuid": None,
    "request_uuid": BALANCE_REQUEST,
    "is_free": False,
    "is_billable": True,
    "game_code": "clt_dragonrising",
    "currency": "EUR",
    "bet": "zero",
    "amount": 100000,
    "meta": {"selection": "home_team", "odds": 2.5},
}

WIN: dict[str, object] = {
    **BET,
    "transaction_uuid": "7f6f9b5c-b89e-11e7-9c6a-58404eea6d16",
    "reference_transaction_uuid": BET_ID,
    "request_uuid": "0d3d8a66-b89f-11e7-8f0b-58404eea6d16",
    "round_closed": True,
    "amount": 300000,
}

ROLLBACK: dict[str, object] = {
    "supplier_user": "cg_45141",
    "transaction_uuid": ROLLBACK_ID,
    "token": TOKEN,
    "round_closed": True,
    "round": "rNEMwgzJAOZ6eR3V",
    "request_uuid": ROLLBACK_REQUEST,
    "reference_transaction_uuid": BET_ID,
    "game_code": "clt_dragonrising",
    "meta": {},
}


def body_of(doc: Mapping[str, object]) -> bytes:
    """Compact JSON as a supplier might send it (any form is fine: the raw bytes are signed)."""
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


def signed_headers(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub88-Signature": hub88_wire.sign(body, SIGN_KEY),
    }


# A catalogue entry as a supplier lists it (with a field Reelhouse does not read).
GAME = {
    "url_thumb": "https://cdn.example/thumb.png",
    "url_background": "https://cdn.example/bg.png",
    "product": "Clawbuster",
    "platforms": ["GPL_DESKTOP", "GPL_MOBILE"],
    "name": "Dragon Rising",
    "game_code": "clt_dragonrising",
    "freebet_support": True,
    "enabled": True,
    "category": "Video Slots",
    "blocked_countries": ["us", "GB"],
    "release_date": "2026-01-01",  # unknown field
}

# A grant of free rounds from an mBTC offer (`bet_value` 5 wire units: 5 satoshi).
GRANT = FreeRoundGrant(
    reward_id="rw-1",
    operator_id=3,
    user="alice_1",
    currency="BTC",
    wire_currency="mBTC",
    offer_id="p2",
    game_code="g1",
    start_unix_s=1_796_000_000,
    end_unix_s=1_796_086_400,
    bet_value_minor=5,
)
