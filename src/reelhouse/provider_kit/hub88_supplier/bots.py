"""Bots: several players of one supplier playing at once, each with its launched token, and
the faults a supplier itself can produce. What each bot believes happened is kept in a
ledger, so a test can hold it against the casino's ledger and Reelhouse's records.

Every round is a bet, then its win (0 on a loss), with random amounts that are whole minor
units of the player's currency. Faults, each a probability per round:

- `duplicate`: the bet, and the win, sent again byte for byte; the aggregator must give the
  first answer again (same status, same balance);
- `conflicting_duplicate`: after an accepted bet, the same transaction_uuid with another
  amount; it must be refused RS_ERROR_DUPLICATE_TRANSACTION and move nothing;
- `rollback`: an accepted bet rolled back instead of being paid;
- `early_rollback`: a rollback sent before its bet, then the bet, which must be refused;
- `promo_win`: after the round, a supplier promotion: a win with `is_supplier_promo` and
  no reference, in a round of its own.

A bet that fails (network, or a status other than the final refusals) is rolled back, and
wins and rollbacks are retried until a definitive status, as `rounds` does. What the
aggregator answered against these rules is an *anomaly*, listed in the ledger.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from reelhouse.provider_kit.hub88_supplier.client import SupplierWallet, WalletReply
from reelhouse.provider_kit.hub88_supplier.rounds import (
    RetryPolicy,
    RoundResult,
    is_definitive,
    pay_win,
    roll_back,
    settle,
)
from reelhouse.provider_kit.hub88_supplier.wire import (
    FINAL_BET_REFUSALS,
    Status,
    exact_step_x100000,
)

# Players in one run, and rounds per player: a test plays a handful, a soak a few hundred.
MAX_SESSIONS = 256
MAX_ROUNDS_EACH = 100_000


@dataclass(frozen=True, slots=True)
class BotSession:
    """One player with a launched token (the aggregator launched it at the supplier)."""

    token: str
    user: str
    currency: str
    game_code: str


@dataclass(frozen=True, slots=True)
class Faults:
    """The probability, per round, of each fault the supplier produces (0: never)."""

    duplicate: float = 0.0
    conflicting_duplicate: float = 0.0
    rollback: float = 0.0
    early_rollback: float = 0.0
    promo_win: float = 0.0

    def __post_init__(self) -> None:
        for name in self.__dataclass_fields__:
            assert 0.0 <= getattr(self, name) <= 1.0, name


NO_FAULTS = Faults()


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One wallet transaction as the supplier ended it: the status of its deciding reply
    (None: no definitive answer)."""

    kind: str  # "bet", "win", "promo_win", "rollback"
    transaction_uuid: str
    round_id: str
    amount_x100000: int | None  # a rollback carries no amount
    status: str | None
    reference_transaction_uuid: str | None = None


@dataclass
class PlayerLedger:
    """What one player's bot believes happened, in wire units (x100000) of its currency.

    `net_x100000` is what the player's balance moved by, as the supplier sees it: wins
    paid, less bets accepted, plus accepted bets that were rolled back.
    """

    user: str
    currency: str
    rounds: int = 0
    bets_ok: int = 0
    bets_ok_x100000: int = 0
    bets_refused: int = 0  # final refusals and bets refused after their early rollback
    wins_ok: int = 0
    wins_ok_x100000: int = 0  # promo wins included
    promo_wins_ok: int = 0
    rolled_back_bets: int = 0  # accepted bets, then rolled back
    rolled_back_x100000: int = 0
    failed_bets_rolled_back: int = 0  # bets without an answer, rolled back
    unresolved: int = 0  # wins or rollbacks still without a definitive status
    repeats_sent: int = 0  # identical resends and conflicting copies of a bet
    conflicts_refused: int = 0
    early_rollbacks: int = 0
    last_balance_x100000: int | None = None
    statuses: Counter[str] = field(default_factory=Counter)
    entries: list[LedgerEntry] = field(default_factory=list)
    anomalies: list[str] = field(default_factory=list)

    @property
    def net_x100000(self) -> int:
        return self.wins_ok_x100000 - self.bets_ok_x100000 + self.rolled_back_x100000


@dataclass(frozen=True, slots=True)
class SupplierLedger:
    players: dict[str, PlayerLedger]

    @property
    def anomalies(self) -> list[str]:
        return [f"{user}: {a}" for user, p in self.players.items() for a in p.anomalies]

    @property
    def unresolved(self) -> int:
        return sum(p.unresolved for p in self.players.values())


def play_bots(
    wallet: SupplierWallet,
    sessions: Sequence[BotSession],
    rounds_each: int,
    rng: random.Random,
    faults: Faults = NO_FAULTS,
    *,
    max_bet_steps: int = 100,
    retry: RetryPolicy | None = None,
) -> SupplierLedger:
    """Play `rounds_each` rounds for every session, one thread per session, and return the
    ledger. Each player draws from its own generator seeded from `rng` before any thread
    starts, so a seed replays each player's choices whatever the threads' interleaving."""
    assert 0 < len(sessions) <= MAX_SESSIONS and 0 <= rounds_each <= MAX_ROUNDS_EACH
    assert len({s.user for s in sessions}) == len(sessions), "one session per player"
    policy = retry or RetryPolicy()
    bots = [
        _Bot(wallet, session, random.Random(rng.getrandbits(64)), faults, max_bet_steps, policy)
        for session in sessions
    ]
    with ThreadPoolExecutor(max_workers=len(bots)) as pool:
        futures = [pool.submit(bot.play, rounds_each) for bot in bots]
        for future in futures:
            future.result()  # a bot's exception is the run's
    return SupplierLedger({bot.ledger.user: bot.ledger for bot in bots})


class _Bot:
    def __init__(
        self,
        wallet: SupplierWallet,
        session: BotSession,
        rng: random.Random,
        faults: Faults,
        max_bet_steps: int,
        policy: RetryPolicy,
    ) -> None:
        assert max_bet_steps >= 1
        self.wallet = wallet
        self.s = session
        self.rng = rng
        self.faults = faults
        self.max_bet_steps = max_bet_steps
        self.policy = policy
        self.step = exact_step_x100000(session.currency)
        self.ledger = PlayerLedger(session.user, session.currency)

    def play(self, rounds: int) -> None:
        for _ in range(rounds):
            self.ledger.rounds += 1
            if self._happens(self.faults.early_rollback):
                self._early_rollback_round()
            else:
                self._round()
            if self._happens(self.faults.promo_win):
                self._promo_win()

    def _happens(self, probability: float) -> bool:
        return probability > 0 and self.rng.random() < probability

    def _amounts(self) -> tuple[int, int]:
        bet = self.step * self.rng.randint(1, self.max_bet_steps)
        # About half the rounds lose; a win is a few times the bet, or a few steps more.
        if self.rng.random() < 0.5:
            return bet, 0
        return bet, bet * self.rng.randint(1, 5) + self.step * self.rng.randint(0, 9)

    # --- Rounds ----------------------------------------------------------------------------

    def _round(self) -> None:
        s, w = self.s, self.wallet
        bet_x100000, win_x100000 = self._amounts()
        round_id, bet_uuid = w.make_uuid(), w.make_uuid()
        bet = w.bet(
            s.token, s.user, s.game_code, round_id, bet_x100000, s.currency,
            transaction_uuid=bet_uuid,
        )  # fmt: skip
        self._note(bet)
        if self._happens(self.faults.duplicate):
            self._expect_same(bet, w.resend(bet), "bet")
        self._enter("bet", bet_uuid, round_id, bet_x100000, bet)
        if bet.ok:
            self.ledger.bets_ok += 1
            self.ledger.bets_ok_x100000 += bet_x100000
            if self._happens(self.faults.conflicting_duplicate):
                self._conflicting_bet(round_id, bet_uuid, bet_x100000 + self.step)
            if self._happens(self.faults.rollback):
                self._roll_back_accepted(round_id, bet_uuid, bet_x100000)
            else:
                self._pay(round_id, bet_uuid, win_x100000)
        elif bet.status in FINAL_BET_REFUSALS:
            self.ledger.bets_refused += 1
        else:
            self._roll_back_failed(round_id, bet_uuid)

    def _pay(self, round_id: str, bet_uuid: str, win_x100000: int) -> None:
        s, w = self.s, self.wallet
        result, replies = pay_win(
            w, s.token, s.user, s.game_code, round_id, s.currency, bet_uuid, win_x100000,
            self.policy,
        )  # fmt: skip
        last = replies[-1]
        self._note(last)
        if self._happens(self.faults.duplicate) and is_definitive(last):
            self._expect_same(last, w.resend(last), "win")
        win_uuid = str(last.request.document()["transaction_uuid"])
        self._enter("win", win_uuid, round_id, win_x100000, last, bet_uuid)
        if result is RoundResult.SETTLED:
            self.ledger.wins_ok += 1
            self.ledger.wins_ok_x100000 += win_x100000
        elif result is RoundResult.UNRESOLVED:
            self.ledger.unresolved += 1
        else:
            self._anomaly(f"win of accepted bet {bet_uuid} refused: {last.status}")

    def _roll_back_accepted(self, round_id: str, bet_uuid: str, bet_x100000: int) -> None:
        result, last = self._rollback(round_id, bet_uuid)
        if result is RoundResult.ROLLED_BACK and last.status == Status.OK:
            self.ledger.rolled_back_bets += 1
            self.ledger.rolled_back_x100000 += bet_x100000
        elif result is RoundResult.UNRESOLVED:
            self.ledger.unresolved += 1
        else:
            self._anomaly(f"rollback of accepted bet {bet_uuid} answered {last.status}")

    def _roll_back_failed(self, round_id: str, bet_uuid: str) -> None:
        # Whether the bet landed is unknown; once its rollback is done it moved nothing.
        result, last = self._rollback(round_id, bet_uuid)
        if result is RoundResult.ROLLED_BACK:
            self.ledger.failed_bets_rolled_back += 1
        elif result is RoundResult.UNRESOLVED:
            self.ledger.unresolved += 1
        else:
            self._anomaly(f"rollback of failed bet {bet_uuid} answered {last.status}")

    def _rollback(self, round_id: str, reference: str) -> tuple[RoundResult, WalletReply]:
        s = self.s
        result, replies = roll_back(
            self.wallet, s.token, s.game_code, round_id, reference, self.policy
        )
        last = replies[-1]
        self._note(last)
        rollback_uuid = str(last.request.document()["transaction_uuid"])
        self._enter("rollback", rollback_uuid, round_id, None, last, reference)
        return result, last

    # --- Faults ----------------------------------------------------------------------------

    def _conflicting_bet(self, round_id: str, bet_uuid: str, other_x100000: int) -> None:
        s = self.s
        self.ledger.repeats_sent += 1
        reply = self.wallet.bet(
            s.token, s.user, s.game_code, round_id, other_x100000, s.currency,
            transaction_uuid=bet_uuid,
        )  # fmt: skip
        self._note(reply)
        if reply.status == Status.DUPLICATE_TRANSACTION:
            self.ledger.conflicts_refused += 1
        elif is_definitive(reply):
            # No answer (or "try again") leaves it open; another definitive answer is wrong.
            self._anomaly(f"bet {bet_uuid} with another amount answered {reply.status}")

    def _early_rollback_round(self) -> None:
        s, w = self.s, self.wallet
        bet_x100000, _ = self._amounts()
        round_id, bet_uuid = w.make_uuid(), w.make_uuid()
        self.ledger.early_rollbacks += 1
        result, last = self._rollback(round_id, bet_uuid)
        if result is RoundResult.UNRESOLVED:
            self.ledger.unresolved += 1
            return  # the bet is not sent: its rollback is not known to be recorded
        if result is not RoundResult.ROLLED_BACK:
            self._anomaly(f"rollback before bet {bet_uuid} answered {last.status}")
        bet = w.bet(
            s.token, s.user, s.game_code, round_id, bet_x100000, s.currency,
            transaction_uuid=bet_uuid,
        )  # fmt: skip
        self._note(bet)
        self._enter("bet", bet_uuid, round_id, bet_x100000, bet)
        if bet.ok:
            # Money moved although it must not have: counted, so the ledgers still agree.
            self.ledger.bets_ok += 1
            self.ledger.bets_ok_x100000 += bet_x100000
            self._anomaly(f"bet {bet_uuid} accepted after its rollback")
        elif is_definitive(bet):
            self.ledger.bets_refused += 1
        else:
            # Whether it landed is unknown: rolled back again, as any failed bet is.
            self._roll_back_failed(round_id, bet_uuid)

    def _promo_win(self) -> None:
        s, w = self.s, self.wallet
        amount = self.step * self.rng.randint(1, self.max_bet_steps)
        round_id, win_uuid = w.make_uuid(), w.make_uuid()
        first = w.win(
            s.token, s.user, s.game_code, round_id, amount, s.currency, None,
            transaction_uuid=win_uuid, is_supplier_promo=True,
        )  # fmt: skip
        last = settle(w, first, self.policy)[-1]
        self._note(last)
        self._enter("promo_win", win_uuid, round_id, amount, last)
        if last.ok:
            self.ledger.wins_ok += 1
            self.ledger.promo_wins_ok += 1
            self.ledger.wins_ok_x100000 += amount
        elif not is_definitive(last):
            self.ledger.unresolved += 1
        else:
            self._anomaly(f"promo win {win_uuid} refused: {last.status}")

    # --- Bookkeeping -----------------------------------------------------------------------

    def _expect_same(self, first: WalletReply, again: WalletReply, what: str) -> None:
        self.ledger.repeats_sent += 1
        self._note(again)
        if not (is_definitive(first) and is_definitive(again)):
            return  # nothing to compare: the duplicate is only more traffic
        if (first.status, first.balance) != (again.status, again.balance):
            self._anomaly(
                f"{what} resent: {first.status}/{first.balance} then {again.status}/{again.balance}"
            )

    def _note(self, reply: WalletReply) -> None:
        self.ledger.statuses[reply.status or f"no answer ({reply.failure})"] += 1
        if reply.ok and reply.balance is not None:
            self.ledger.last_balance_x100000 = reply.balance

    def _enter(
        self,
        kind: str,
        transaction_uuid: str,
        round_id: str,
        amount_x100000: int | None,
        reply: WalletReply,
        reference: str | None = None,
    ) -> None:
        self.ledger.entries.append(
            LedgerEntry(kind, transaction_uuid, round_id, amount_x100000, reply.status, reference)
        )

    def _anomaly(self, what: str) -> None:
        self.ledger.anomalies.append(what)
