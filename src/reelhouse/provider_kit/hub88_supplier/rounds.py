"""A supplier's round logic: bet, then win; a failed bet rolled back; wins and rollbacks
retried with their own transaction_uuid until a definitive status.

The contract's rules, from the supplier's chair:

- a bet answered RS_ERROR_NOT_ENOUGH_MONEY or RS_ERROR_LIMIT_REACHED is final: nothing
  moved, nothing follows;
- a bet that met a network failure (no answer, an HTTP status other than 200, an answer
  that cannot be read) or any other non-OK status may or may not have been applied: the
  supplier rolls it back;
- a win (and, by the same reasoning, a rollback) is retried with the same transaction_uuid
  until a definitive status. After a network failure the identical bytes are sent again
  (same request_uuid: if the first one was applied the aggregator repeats its answer);
  after an answer that asks for a retry (RS_ERROR_UNKNOWN) the same call goes under a new
  request_uuid, since that request_uuid's answer is already recorded.

Attempts are bounded (a real supplier retries for hours; a test for a few attempts) and the
pause between them goes through an injected `sleep`, so tests never wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from reelhouse.provider_kit.hub88_supplier.wire import (
    FINAL_BET_REFUSALS,
    RETRY_STATUSES,
    Status,
)

if TYPE_CHECKING:
    from reelhouse.provider_kit.hub88_supplier.client import SupplierWallet, WalletReply

# A rollback answered with one of these leaves the bet without effect: OK (reversed), or
# the bet never arrived (the aggregator records the rollback so a late bet is refused).
ROLLBACK_DONE = frozenset({Status.OK, Status.TRANSACTION_DOES_NOT_EXIST})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a win or rollback is retried: at most `attempts` sends in all, with
    `first_pause_s` doubling between them up to `max_pause_s`."""

    attempts: int = 6
    first_pause_s: float = 0.2
    max_pause_s: float = 5.0
    sleep: Callable[[float], None] = field(default=time.sleep)

    def __post_init__(self) -> None:
        assert 1 <= self.attempts <= 1000, "bounded"


def is_definitive(reply: WalletReply) -> bool:
    """An answer that would come back the same if the call were sent again."""
    return reply.answer is not None and reply.answer.status not in RETRY_STATUSES


def settle(wallet: SupplierWallet, first: WalletReply, policy: RetryPolicy) -> list[WalletReply]:
    """Send again until a definitive status or the attempts run out; every reply, in
    order (the first one included): the last is the outcome."""
    replies = [first]
    pause_s = policy.first_pause_s
    while not is_definitive(replies[-1]) and len(replies) < policy.attempts:
        policy.sleep(pause_s)
        pause_s = min(pause_s * 2, policy.max_pause_s)
        last = replies[-1]
        if last.answer is None:
            replies.append(wallet.resend(last.request))
        else:
            replies.append(wallet.resend(wallet.renewed(last.request)))
    return replies


class RoundResult(StrEnum):
    SETTLED = "settled"  # bet OK, win OK
    BET_REFUSED = "bet_refused"  # final refusal (no money, limit): nothing follows
    ROLLED_BACK = "rolled_back"  # the bet failed; its rollback left it without effect
    WIN_REFUSED = "win_refused"  # bet OK, the win got a definitive non-OK status
    ROLLBACK_REFUSED = "rollback_refused"  # the rollback got a definitive refusal
    UNRESOLVED = "unresolved"  # win or rollback still without a definitive status


@dataclass(frozen=True, slots=True)
class RoundOutcome:
    """One round as the supplier saw it: the bet's reply and every follow-up reply (the
    win's or the rollback's attempts, the last one deciding)."""

    result: RoundResult
    round_id: str
    bet_transaction_uuid: str
    bet_x100000: int
    win_x100000: int
    bet: WalletReply
    follow_ups: tuple[WalletReply, ...] = ()

    @property
    def follow_up(self) -> WalletReply | None:
        return self.follow_ups[-1] if self.follow_ups else None


def pay_win(
    wallet: SupplierWallet,
    token: str,
    user: str,
    game_code: str,
    round_id: str,
    currency: str,
    bet_transaction_uuid: str,
    win_x100000: int,
    policy: RetryPolicy,
) -> tuple[RoundResult, list[WalletReply]]:
    """The win of an accepted bet (round closed; a loss is a win of 0, so the aggregator
    sees every round closed), retried until a definitive status."""
    first = wallet.win(
        token, user, game_code, round_id, win_x100000, currency, bet_transaction_uuid
    )
    replies = settle(wallet, first, policy)
    last = replies[-1]
    if last.ok:
        return RoundResult.SETTLED, replies
    return (RoundResult.WIN_REFUSED if is_definitive(last) else RoundResult.UNRESOLVED), replies


def roll_back(
    wallet: SupplierWallet,
    token: str,
    game_code: str,
    round_id: str,
    reference_transaction_uuid: str,
    policy: RetryPolicy,
) -> tuple[RoundResult, list[WalletReply]]:
    """A rollback of `reference_transaction_uuid`, retried until a definitive status."""
    first = wallet.rollback(token, game_code, round_id, reference_transaction_uuid)
    replies = settle(wallet, first, policy)
    last = replies[-1]
    if last.status in ROLLBACK_DONE:
        return RoundResult.ROLLED_BACK, replies
    if is_definitive(last):
        return RoundResult.ROLLBACK_REFUSED, replies
    return RoundResult.UNRESOLVED, replies


def play_round(
    wallet: SupplierWallet,
    token: str,
    user: str,
    game_code: str,
    currency: str,
    bet_x100000: int,
    win_x100000: int,
    *,
    round_id: str | None = None,
    bet_transaction_uuid: str | None = None,
    retry: RetryPolicy | None = None,
) -> RoundOutcome:
    """One round: the bet (round open), then its win, or its rollback when it failed."""
    policy = retry or RetryPolicy()
    round_id = round_id or wallet.make_uuid()
    bet_uuid = bet_transaction_uuid or wallet.make_uuid()
    bet = wallet.bet(
        token, user, game_code, round_id, bet_x100000, currency, transaction_uuid=bet_uuid
    )
    if bet.ok:
        result, replies = pay_win(
            wallet, token, user, game_code, round_id, currency, bet_uuid, win_x100000, policy
        )
    elif bet.status in FINAL_BET_REFUSALS:
        result, replies = RoundResult.BET_REFUSED, []
    else:
        result, replies = roll_back(wallet, token, game_code, round_id, bet_uuid, policy)
    return RoundOutcome(result, round_id, bet_uuid, bet_x100000, win_x100000, bet, tuple(replies))
