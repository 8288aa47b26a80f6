"""What users are shown of a wallet call's detail never contains the wallet's bytes, for
every dialect's reading of every kind of bad answer (domain/shown_detail.py relies on the
dialects quoting whatever the wallet sent)."""

from __future__ import annotations

import pytest

from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.shown_detail import shown_detail
from reelhouse.domain.wallet import CommandKind, HttpAnswer, WalletCommand

SECRET = "SECRET-7f3a"
BODIES = [
    f"{SECRET} plain text",
    f"<html>{SECRET}</html>",
    f'{{"result": 0, "status": "{SECRET}"}}',
    f'{{"result": 0, "status": "OK", "data": {{"account": "{SECRET}", "balance": 1}}}}',
    f'{{"statusCode": "{SECRET}"}}',
    f'{{"code": "{SECRET}"}}',
    f'{{"code": 0, "balance": "{SECRET}"}}',
    f'{{"{SECRET}": 1}}',
    f'[1, "{SECRET}"]',
]


@pytest.mark.parametrize("dialect", ["slotcity-v4", "igamingace-a", "igamingace-b"])
@pytest.mark.parametrize("status", [200, 500])
def test_no_reading_of_a_bad_answer_shows_its_bytes(dialect: str, status: int) -> None:
    command = WalletCommand(CommandKind.BALANCE, account="player", currency="USD")
    quoted = 0  # how many details do carry the secret, for logs: what the cut removes
    for body in BODIES:
        outcome = get_dialect(dialect).decode_answer(command, HttpAnswer(status, body.encode()))
        shown = shown_detail(outcome.detail)
        assert SECRET not in shown, (dialect, body, outcome.detail)
        assert shown  # something is still said: what Reelhouse made of it
        quoted += SECRET in outcome.detail
    assert quoted >= len(BODIES) // 2
