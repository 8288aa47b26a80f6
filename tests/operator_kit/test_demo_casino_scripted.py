"""The provider's pre-go-live "Callback API Testing" (spec section 3), against the demo casino.

Each script is played through the Reelhouse side of the codec, so this is also the proof
that both halves of `reelhouse.dialects.slotcity_v4` agree with each other.
"""

from __future__ import annotations

import httpx

from reelhouse.domain.wallet import CommandKind, OutcomeKind, RefusalReason, TransStatus

from .casino_helpers import Provider, balance_of, bet, cancel, make_player, read, status, win

AUTH = CommandKind.AUTHENTICATE
BALANCE = CommandKind.BALANCE


def open_session(provider: Provider, account: str, expected_minor: int) -> None:
    for kind in (AUTH, BALANCE):
        outcome = provider.send(read(kind, account))[1]
        assert (outcome.kind, outcome.balance_minor) == (OutcomeKind.APPLIED, expected_minor)


def test_1_user_authentication(client: httpx.Client, provider: Provider) -> None:
    make_player(client, "tester", "50.00")
    raw, outcome = provider.send(read(AUTH, "tester"))
    assert raw["data"]["account"] == "tester"
    assert outcome.balance_minor == 5000
    assert provider.send(read(AUTH, "ghost"))[1].refusal is RefusalReason.UNKNOWN_PLAYER


def test_2_balance_inquiry(client: httpx.Client, provider: Provider) -> None:
    make_player(client, "tester", "50.00")
    open_session(provider, "tester", 5000)


def test_3_bet_below_balance_sent_twice(client: httpx.Client, provider: Provider) -> None:
    make_player(client, "tester", "50.00")
    open_session(provider, "tester", 5000)
    assert provider.send(bet("tester", 101, 1000))[1].balance_minor == 4000
    again = provider.send(bet("tester", 101, 1000))[1]
    assert again.kind is OutcomeKind.UNKNOWN  # a bet is never retried: Reelhouse would cancel
    assert balance_of(client, "tester") == 4000  # not debited twice
    assert provider.send(win("tester", 102, 0, round_id=101))[1].balance_minor == 4000
    assert provider.send(status("tester", 101))[1].trans_status is TransStatus.OK


def test_4_bet_above_balance(client: httpx.Client, provider: Provider) -> None:
    make_player(client, "tester", "50.00")
    open_session(provider, "tester", 5000)
    outcome = provider.send(bet("tester", 101, 5001))[1]
    assert (outcome.kind, outcome.refusal) == (
        OutcomeKind.REFUSED,
        RefusalReason.INSUFFICIENT_FUNDS,
    )
    assert outcome.balance_minor == 5000
    assert balance_of(client, "tester") == 5000


def test_5_win_after_bet_sent_twice(client: httpx.Client, provider: Provider) -> None:
    make_player(client, "tester", "50.00")
    open_session(provider, "tester", 5000)
    provider.send(bet("tester", 101, 1000))
    assert provider.send(win("tester", 102, 3000, round_id=101))[1].balance_minor == 7000
    again = provider.send(win("tester", 102, 3000, round_id=101))[1]
    assert (again.kind, again.balance_minor) == (OutcomeKind.ALREADY_APPLIED, 7000)
    assert provider.send(status("tester", 102))[1].trans_status is TransStatus.OK
    assert balance_of(client, "tester") == 7000


def test_6_cancel_sent_twice_then_play_on(client: httpx.Client, provider: Provider) -> None:
    make_player(client, "tester", "50.00")
    open_session(provider, "tester", 5000)
    provider.send(bet("tester", 101, 1000))
    assert provider.send(cancel("tester", 102, 101, 1000, round_id=101))[1].balance_minor == 5000
    again = provider.send(cancel("tester", 102, 101, 1000, round_id=101))[1]
    assert (again.kind, again.balance_minor) == (OutcomeKind.ALREADY_APPLIED, 5000)
    assert provider.send(status("tester", 101))[1].trans_status is TransStatus.CANCELED
    assert provider.send(bet("tester", 103, 500, round_id=103))[1].balance_minor == 4500
    open_session(provider, "tester", 4500)
