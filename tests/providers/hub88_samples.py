"""Shared data for the Hub88 tests: the public sample key pair and signature vectors of Hub88's
examples repository (committed as data files beside this module), and signed wallet calls.

The one sample key plays both parts: the supplier's (it signs wallet calls, Reelhouse checks
them with its public half) and Reelhouse's (it signs requests to a supplier).
"""

from __future__ import annotations

import json
from pathlib import Path

from reelhouse.providers import hub88_wire

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

BALANCE = {
    "supplier_user": "cg_45141",
    "token": "55b7518e-b89e-11e7-81be-58404eea6d16",
    "request_uuid": "583c985f-fee6-4c0e-bbf5-308aad6265af",
    "game_code": "clt_dragonrising",
}

BET = {
    "supplier_user": "cg_45141",
    "transaction_uuid": "16d2dcfe-b89e-11e7-854a-58404eea6d16",
    "token": "55b7518e-b89e-11e7-81be-58404eea6d16",
    "round_closed": False,
    "round": "rNEMwgzJAOZ6eR3V",
    "reward_uuid": None,
    "request_uuid": "583c985f-fee6-4c0e-bbf5-308aad6265af",
    "is_free": False,
    "is_billable": True,
    "game_code": "clt_dragonrising",
    "currency": "EUR",
    "bet": "zero",
    "amount": 100000,
    "meta": {"selection": "home_team", "odds": 2.5},
}

WIN = {
    **BET,
    "transaction_uuid": "7f6f9b5c-b89e-11e7-9c6a-58404eea6d16",
    "reference_transaction_uuid": "16d2dcfe-b89e-11e7-854a-58404eea6d16",
    "request_uuid": "0d3d8a66-b89f-11e7-8f0b-58404eea6d16",
    "round_closed": True,
    "amount": 300000,
}

ROLLBACK = {
    "supplier_user": "cg_45141",
    "transaction_uuid": "9e6f3b1a-b89f-11e7-b0f1-58404eea6d16",
    "token": "55b7518e-b89e-11e7-81be-58404eea6d16",
    "round_closed": True,
    "round": "rNEMwgzJAOZ6eR3V",
    "request_uuid": "a1c2e4f6-b89f-11e7-a0a0-58404eea6d16",
    "reference_transaction_uuid": "16d2dcfe-b89e-11e7-854a-58404eea6d16",
    "game_code": "clt_dragonrising",
    "meta": {},
}


def body_of(doc: dict[str, object]) -> bytes:
    """Compact JSON as a supplier might send it (any form is fine: the raw bytes are signed)."""
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


def signed_headers(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub88-Signature": hub88_wire.sign(body, SIGN_KEY),
    }
