"""Which scenarios the public contract of each dialect requires, and which are Reelhouse's
advice beyond it.

The go-live gate approves what the contract requires: a wallet written from the public
contract alone must pass. What Reelhouse recommends on top (checking its signature headers,
a timestamp window, refusing a bet that lands after its cancel, refusing amounts finer than
the currency, answering well inside the timeout) is still played and reported, as advice:
it never blocks an approval. One table, one row per scenario, one column per dialect,
because a scenario can be required in one protocol and advice in another (a tampered
signature is the contract's business where the contract signs, not in SlotCity, whose
signature headers are Reelhouse's own addition).
"""

from __future__ import annotations

from enum import StrEnum

from reelhouse.dialects.igamingace_a import NAME as IGAMINGACE_A
from reelhouse.dialects.igamingace_b import NAME as IGAMINGACE_B
from reelhouse.dialects.slotcity_v4 import NAME as SLOTCITY_V4


class Level(StrEnum):
    REQUIRED = "required"  # the dialect's public contract asks for it: the gate needs it
    RECOMMENDED = "recommended"  # Reelhouse's advice beyond the contract: reported only


R, A = Level.REQUIRED, Level.RECOMMENDED

# The table's columns.
COLUMNS: tuple[str, ...] = (SLOTCITY_V4, IGAMINGACE_A, IGAMINGACE_B)

# scenario id -> its level in (slotcity-v4, igamingace-a, igamingace-b), and why.
LEVELS: dict[str, tuple[Level, Level, Level]] = {
    "preflight": (R, R, R),  # nothing can be tested without a readable test account
    # The SlotCity pre-go-live scripts: balance, funds check, duplicate ids and cancels are
    # written into every contract (result 31/41/43, ERR_NOT_ENOUGH_MONEY, codes 6/11/8).
    "spec-1-authentication": (R, R, R),
    "spec-2-balance": (R, R, R),
    "spec-3-bet-twice": (R, R, R),
    "spec-4-bet-over-balance": (R, R, R),
    "spec-5-win-twice": (R, R, R),
    "spec-6-cancel-twice": (R, R, R),
    # An id is processed once whatever the second request carries (41, "registered once", 11).
    "duplicate-other-amount": (R, R, R),
    "cancel-unknown": (R, R, R),  # 43, ERR_TRANSACTION_DOES_NOT_EXIST, 8
    "cancel-after-win": (R, R, R),  # each contract names what its cancel may reverse
    # A second cancel under a new id: A and B name the answer (ROLLED_BACK, 9); SlotCity's
    # contract is silent (Reelhouse repeats a cancel under the same id).
    "second-cancel": (A, R, R),
    # Every contract answers a cancel of an unseen bet "does not exist" and says no more:
    # refusing the bet if it lands later is Reelhouse's advice.
    "cancel-before-bet": (A, A, A),
    # No contract asks a wallet to refuse an amount finer than the currency, nor says how a
    # balance kept in binary floating point spends its last minor unit.
    "precision-edge": (A, A, A),
    # Wins and cancels are owed after the session: A says so, SlotCity and B retry them
    # for days, long after any session.
    "after-session": (R, R, R),
    "single-call-round": (R, R, R),  # where the protocol has betwin/BetWin
    # Reelhouse sends one call per player at a time; surviving concurrent calls on one
    # player is good practice, not a contract clause.
    "concurrent-bets": (A, A, A),
    # The credentials each contract names: SlotCity's Callback-Token (result 100), A's
    # signature (ERR_INTEGRITY_CHECK_FAILED), B's sign (code 3).
    "forged-requests": (R, R, R),
    # A body changed after signing: only a signature catches it. A and B sign by contract;
    # SlotCity's signature header is Reelhouse's own addition.
    "tampered-body": (A, R, R),
    # No contract gives a timestamp window (B carries no timestamp at all).
    "stale-timestamps": (A, A, A),
    # The contracts give timeouts; answering within half of them is a safety margin.
    "slow-answers": (A, A, A),
}


def level_of(scenario_id: str, dialect: str) -> Level:
    """The level of a scenario in a dialect; required where the table does not say (a
    dialect added without a column is held to everything until someone decides)."""
    row = LEVELS.get(scenario_id)
    if row is None or dialect not in COLUMNS:
        return Level.REQUIRED
    return row[COLUMNS.index(dialect)]
