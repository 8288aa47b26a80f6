"""The SDK's reference ledger, command by command, on SQLite and PostgreSQL: what moves money,
what refuses, and that a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from reelhouse.domain.clock import FakeClock
from reelhouse.domain.wallet import TransStatus
from reelhouse.operator_kit.sdk import (
    AccountError,
    AccountExists,
    AccountNotFound,
    Check,
    Command,
    Op,
    Verdict,
    Wallet,
)


@pytest.fixture
def wallet(wallet_url: str, clock: FakeClock) -> Iterator[Wallet]:
    wallet = Wallet(wallet_url, clock)
    wallet.open_account("alice", "USD", "100.00")
    wallet.open_account("bob", "USD", "5.00")
    yield wallet
    wallet.dispose()


def money(op: Op, trans: str, amount: str, **kw: object) -> Command:
    return Command(
        op,
        str(kw.pop("account", "alice")),
        trans_id=trans,
        round_id=str(kw.pop("round_id", "r1")),
        amount=Decimal(amount),
        **kw,  # type: ignore[arg-type]
    )


def bet(trans: str, amount: str, **kw: object) -> Command:
    return money(Op.BET, trans, amount, **kw)


def win(trans: str, amount: str, **kw: object) -> Command:
    return money(Op.WIN, trans, amount, **kw)


def cancel(trans: str, target: str, amount: str | None, **kw: object) -> Command:
    return Command(
        Op.CANCEL,
        str(kw.pop("account", "alice")),
        trans_id=trans,
        ref_trans_id=target,
        amount=None if amount is None else Decimal(amount),
        **kw,  # type: ignore[arg-type]
    )


def bet_win(trans: str, bet_amount: str, win_amount: str, account: str = "alice") -> Command:
    return Command(
        Op.BETWIN,
        account,
        trans_id=trans,
        round_id=trans,
        amount=Decimal(bet_amount),
        win_amount=Decimal(win_amount),
    )


def status(target: str, account: str = "alice") -> Command:
    return Command(Op.STATUS, account, ref_trans_id=target)


def balance(wallet: Wallet, account: str = "alice") -> int:
    minor: int = wallet.account(account)["balance_minor"]
    return minor


def verdicts(wallet: Wallet, *commands: Command) -> list[Verdict]:
    return [wallet.apply(command).verdict for command in commands]


def test_a_transaction_is_applied_once_forever(wallet_url: str, wallet: Wallet) -> None:
    reply = wallet.apply(bet("t1", "12.30"))
    assert (reply.verdict, reply.balance, reply.entry_ref) == (Verdict.OK, Decimal("87.70"), "1")
    wallet.dispose()
    restarted = Wallet(wallet_url)  # a new process: the memory is the database, not a cache
    try:
        again = restarted.apply(bet("t1", "12.30"))
        assert (again.verdict, again.balance) == (Verdict.ALREADY_PROCESSED, Decimal("87.70"))
        assert len(restarted.entries(None)) == 1
    finally:
        restarted.dispose()


@pytest.mark.parametrize(
    "other",
    [
        bet("t1", "12.31"),  # another amount
        bet("t1", "12.30", round_id="r2"),  # another round
        win("t1", "12.30"),  # another kind
        bet("t1", "1.00", account="bob"),  # another player
        cancel("t1", "t0", "12.30"),  # a cancel reusing the id
    ],
    ids=["amount", "round", "kind", "player", "cancel"],
)
def test_the_same_id_with_other_content_is_a_conflict(wallet: Wallet, other: Command) -> None:
    wallet.apply(bet("t1", "12.30"))
    before = (wallet.entries(None), balance(wallet), balance(wallet, "bob"))
    assert wallet.apply(other).verdict is Verdict.CONFLICT
    assert (wallet.entries(None), balance(wallet), balance(wallet, "bob")) == before


def test_wins_and_their_repeats(wallet: Wallet) -> None:
    assert verdicts(wallet, bet("t1", "10"), win("t2", "25.50"), win("t2", "25.50")) == [
        Verdict.OK,
        Verdict.OK,
        Verdict.ALREADY_PROCESSED,
    ]
    assert balance(wallet) == 11550


def test_cancels_reverse_bets_wins_and_betwins_once(wallet: Wallet) -> None:
    wallet.apply(bet("b1", "10"))
    wallet.apply(win("w1", "30"))
    wallet.apply(bet_win("bw", "5", "20"))  # 100 - 10 + 30 - 5 + 20 = 135
    assert balance(wallet) == 13500
    assert verdicts(wallet, cancel("c1", "b1", "10"), cancel("c2", "w1", "30")) == [Verdict.OK] * 2
    assert balance(wallet) == 13500 + 1000 - 3000
    # B's rollback names no amount: what the ledger recorded is reversed.
    assert wallet.apply(cancel("c3", "bw", None)).verdict is Verdict.OK
    assert balance(wallet) == 11500 + 500 - 2000
    assert verdicts(wallet, cancel("c4", "b1", "10"), cancel("c1", "b1", "10")) == [
        Verdict.ALREADY_CANCELLED,
        Verdict.ALREADY_PROCESSED,
    ]
    assert balance(wallet) == 10000
    assert [wallet.apply(status(t)).trans_status for t in ("b1", "w1", "bw")] == [
        TransStatus.CANCELED
    ] * 3


def test_a_win_taken_back_may_leave_a_debt(wallet: Wallet) -> None:
    wallet.apply(win("w1", "50"))
    wallet.apply(bet("b1", "150"))
    assert wallet.apply(cancel("c1", "w1", "50")).balance == Decimal("-50.00")


@pytest.mark.parametrize(
    "bad",
    [
        cancel("c9", "b1", "9.99"),  # another amount than the bet's
        cancel("c9", "c1", "10"),  # a cancel of a cancel
        cancel("c9", "b1", "10", account="bob"),  # another player's bet
    ],
    ids=["amount", "cancel-of-cancel", "player"],
)
def test_a_cancel_that_contradicts_the_ledger_is_a_conflict(wallet: Wallet, bad: Command) -> None:
    wallet.apply(bet("b1", "10"))
    wallet.apply(bet("b2", "10", round_id="r2"))
    wallet.apply(cancel("c1", "b2", "10"))
    before = (wallet.entries(None), balance(wallet), balance(wallet, "bob"))
    assert wallet.apply(bad).verdict is Verdict.CONFLICT
    assert (wallet.entries(None), balance(wallet), balance(wallet, "bob")) == before


def test_a_cancel_before_its_transaction_keeps_it_out(wallet: Wallet) -> None:
    assert (
        verdicts(wallet, cancel("c1", "b1", "7"), cancel("c1", "b1", "7"))
        == [Verdict.CANCEL_TARGET_NOT_FOUND] * 2
    )
    assert verdicts(wallet, bet("b1", "7"), bet("b1", "7")) == [Verdict.REVOKED] * 2
    assert verdicts(wallet, cancel("c2", "w1", "3"), win("w1", "3")) == [
        Verdict.CANCEL_TARGET_NOT_FOUND,
        Verdict.REVOKED,
    ]
    assert wallet.apply(status("b1")).verdict is Verdict.TRANSACTION_NOT_FOUND
    assert balance(wallet) == 10000
    assert wallet.entries(None) == []


def test_funds_are_checked_on_the_bet_of_a_betwin(wallet: Wallet) -> None:
    refused = wallet.apply(bet_win("bw", "100.01", "500"))
    assert (refused.verdict, refused.balance) == (Verdict.INSUFFICIENT_FUNDS, Decimal("100.00"))
    assert wallet.apply(bet_win("bw", "100.00", "0")).verdict is Verdict.OK
    assert balance(wallet) == 0
    row = wallet.entries(None)[0]
    assert (row["kind"], row["amount_minor"], row["win_amount_minor"]) == ("betwin", 10000, 0)


def test_status_answers(wallet: Wallet) -> None:
    wallet.apply(bet("b1", "1"))
    ok = wallet.apply(status("b1"))
    assert (ok.verdict, ok.trans_status, ok.account) == (Verdict.OK, TransStatus.OK, "alice")
    assert wallet.apply(status("b1", account="bob")).verdict is Verdict.TRANSACTION_NOT_FOUND
    assert wallet.apply(status("nope")).verdict is Verdict.TRANSACTION_NOT_FOUND
    assert wallet.apply(status("b1", account="carol")).verdict is Verdict.UNKNOWN_PLAYER


def test_refusals_move_nothing(wallet: Wallet) -> None:
    wallet.open_account("fahad", "KWD", "10.000")
    wallet.set_active("bob", False)
    cases = [
        (bet("b1", "100.01"), Verdict.INSUFFICIENT_FUNDS),
        (bet("b1", "0.001"), Verdict.BAD_AMOUNT),  # never rounded
        (Command(Op.BET, "alice", trans_id="b1", amount=Decimal(1), currency="EUR"), None),
        (bet("b1", "1", account="carol"), Verdict.UNKNOWN_PLAYER),
        (bet("b1", "1", account="bob"), Verdict.PLAYER_INACTIVE),
        # A protocol that writes 2 decimals cannot tell a KWD balance: refused up front.
        (Command(Op.BET, "fahad", trans_id="b1", amount=Decimal(1), decimals_at_most=2), None),
    ]
    for command, expected in cases:
        verdict = wallet.apply(command).verdict
        assert verdict is (expected or Verdict.WRONG_CURRENCY), command
    assert [balance(wallet), balance(wallet, "bob"), balance(wallet, "fahad")] == [
        10000,
        500,
        10000,
    ]
    assert wallet.entries(None) == []
    assert wallet.apply(bet("b1", "1")).verdict is Verdict.OK  # the id is still free


def test_activity_is_checked_for_debits_and_where_asked(wallet: Wallet) -> None:
    wallet.set_active("alice", False)
    assert wallet.apply(win("w1", "1")).verdict is Verdict.OK  # a late win still lands
    asked = Command(
        Op.WIN,
        "alice",
        trans_id="w2",
        amount=Decimal(1),
        checks=(Check.PLAYER_EXISTS, Check.PLAYER_ACTIVE),
    )
    assert wallet.apply(asked).verdict is Verdict.PLAYER_INACTIVE
    assert balance(wallet) == 10100


def test_concurrent_bets_and_betwins_never_overdraw(wallet_url: str, clock: FakeClock) -> None:
    # Two wallets on one database: two processes' worth of engines, one row lock.
    first, second = Wallet(wallet_url, clock), Wallet(wallet_url, clock)
    try:
        first.open_account("carol", "USD", "30.00")
        commands = [
            bet(f"t{n}", "1.00", account="carol")
            if n % 2
            else bet_win(f"t{n}", "1.00", "0", account="carol")
            for n in range(60)
        ]
        with ThreadPoolExecutor(max_workers=20) as pool:
            found = list(pool.map(lambda n: (first, second)[n % 2].apply(commands[n]), range(60)))
        counts = {v: sum(1 for r in found if r.verdict is v) for v in {r.verdict for r in found}}
        assert counts == {Verdict.OK: 30, Verdict.INSUFFICIENT_FUNDS: 30}
        assert first.account("carol")["balance_minor"] == 0
    finally:
        first.dispose()
        second.dispose()


def test_accounts(wallet: Wallet) -> None:
    for bad in ("", "x" * 65, "al ice"):
        with pytest.raises(AccountError):
            wallet.open_account(bad, "USD", "1")
    for currency, amount in (("XXX", "1"), ("USD", "1.001"), ("USD", "-1")):
        with pytest.raises(AccountError):
            wallet.open_account("carol", currency, amount)
    with pytest.raises(AccountExists):
        wallet.open_account("alice", "EUR", "1")
    with pytest.raises(AccountNotFound):
        wallet.deposit("carol", "1")
    assert wallet.open_account("Player.01-b", "JPY", "5")["balance"] == "5"
    assert wallet.deposit("alice", "0.50")["balance"] == "100.50"
