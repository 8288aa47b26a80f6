"""What a scenario works with: commands built for the test account, steps that send one and
check the answer, and money checks that read the balance through `balance`.

A scenario keeps a running expectation of the balance: every step says how it should move
the money (`delta`), every answer that reports a balance must report that one, and every
money check reads the balance and compares. The first step or check that does not hold
stops the scenario (later steps would only measure the damage).

Each scenario starts from the balance it reads at its start, never from what an earlier
one expected. If that balance holds a fraction of a minor unit (an earlier scenario's
wallet accepted an amount finer than the currency), every reading is rounded to the
currency and may land one minor unit either way of the exact sum: the scenario's checks
then allow that one unit (`slack_minor`), and its first step says so.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from reelhouse.dialects.base import CallbackCredentials, CodecDialect
from reelhouse.domain.clock import unix_ms
from reelhouse.domain.money import Currency, currency
from reelhouse.domain.wallet import (
    CommandKind,
    HttpRequest,
    OutcomeKind,
    WalletCommand,
    WalletOutcome,
)
from reelhouse.operator_kit.conformance.balance_text import read_balance
from reelhouse.operator_kit.conformance.expect import APPLIED, Expect
from reelhouse.operator_kit.conformance.record import MoneyCheck, ScenarioResult, Step
from reelhouse.operator_kit.conformance.tamper import REWRITERS
from reelhouse.operator_kit.conformance.wire import Exchange, IdSource, Wire, outcome_record

GAME_CODE = "lucky-sevens"  # any code will do: wallets keep it, they do not look it up
PROVIDER_ID = 1
GAME_TYPE = "slot"


class Stop(Exception):
    """A step or money check failed: the scenario ends here, failed."""


class Skip(Exception):
    """The scenario does not apply to this dialect or configuration."""


class Ctx:
    def __init__(self, wire: Wire, ids: IdSource, result: ScenarioResult) -> None:
        self.wire = wire
        self.ids = ids
        self.result = result
        self.target = wire.target
        self.currency: Currency = currency(wire.target.currency)
        # The scenarios ask the dialect's descriptor what its contract allows (whether a
        # cancel may reverse a win, whether callbacks carry a send time, a signature is optional).
        self.profile: CodecDialect[Any] = wire.dialect
        self.opening = 0  # the balance at the scenario's start
        self.balance = 0  # what the balance should be now
        self.slack_minor = 0  # rounding a sub-unit balance may show (see the module's doc)
        self.session_id = ids.new()  # gplay_id: the game session the rounds play in

    # --- protocol facts -----------------------------------------------------------------

    def supports(self, kind: CommandKind) -> bool:
        return self.wire.dialect.supports(kind)

    def timeout_ms(self, kind: CommandKind) -> int:
        return self.wire.dialect.timeout_ms(kind)

    # --- commands for the test account ---------------------------------------------------

    def read(self, kind: CommandKind, account: str | None = None) -> WalletCommand:
        return WalletCommand(kind, account or self.target.account, self.target.currency)

    def _money(
        self,
        kind: CommandKind,
        trans_id: int,
        round_id: int,
        amount: int,
        *,
        session_id: int | None = None,
        cancel_trans_id: int | None = None,
        bet_trans_id: int | None = None,
        win_minor: int | None = None,
    ) -> WalletCommand:
        return WalletCommand(
            kind,
            self.target.account,
            self.target.currency,
            session_id=session_id if session_id is not None else self.session_id,
            trans_id=trans_id,
            round_id=round_id,
            amount_minor=amount,
            cancel_trans_id=cancel_trans_id,
            provider_id=PROVIDER_ID,
            game_code=GAME_CODE,
            game_type=GAME_TYPE,
            created_at_ms=unix_ms(self.wire.clock.now()),
            win_minor=win_minor,
            bet_trans_id=bet_trans_id,
        )

    def bet(
        self, amount: int, trans_id: int | None = None, session_id: int | None = None
    ) -> WalletCommand:
        trans = trans_id if trans_id is not None else self.ids.new()
        return self._money(CommandKind.BET, trans, trans, amount, session_id=session_id)

    def win(self, bet: WalletCommand, amount: int, trans_id: int | None = None) -> WalletCommand:
        assert bet.round_id is not None
        trans = trans_id if trans_id is not None else self.ids.new()
        return self._money(
            CommandKind.WIN,
            trans,
            bet.round_id,
            amount,
            bet_trans_id=bet.trans_id,
            session_id=bet.session_id,
        )

    def bet_win(self, bet: int, win: int) -> WalletCommand:
        trans = self.ids.new()
        return self._money(CommandKind.BET_WIN, trans, trans, bet, win_minor=win)

    def cancel(self, target: WalletCommand, trans_id: int | None = None) -> WalletCommand:
        """A cancel of `target`, carrying the amount it debited (or credited)."""
        assert target.trans_id is not None and target.round_id is not None
        assert target.amount_minor is not None
        trans = trans_id if trans_id is not None else self.ids.new()
        return self._money(
            CommandKind.CANCEL,
            trans,
            target.round_id,
            target.amount_minor,
            cancel_trans_id=target.trans_id,
            session_id=target.session_id,
        )

    def status(self, asked: WalletCommand) -> WalletCommand:
        return WalletCommand(
            CommandKind.STATUS,
            self.target.account,
            self.target.currency,
            trans_id=self.ids.new(),
            cancel_trans_id=asked.trans_id,
        )

    # --- steps --------------------------------------------------------------------------

    def step(
        self,
        label: str,
        cmd: WalletCommand,
        expect: Expect = APPLIED,
        *,
        delta: int = 0,
        credentials: CallbackCredentials | None = None,
        at_unix_s: int | None = None,
        request: HttpRequest | None = None,
    ) -> WalletOutcome:
        """Send `cmd` (or `request`, a tampered form of it); it must meet `expect` and move
        the money by `delta` (minor units). A balance in the answer must be the balance the
        steps so far imply."""
        if request is None:
            request = self.wire.encode(cmd, credentials=credentials, at_unix_s=at_unix_s)
        exchange = self.wire.send(cmd, request)
        self.balance += delta
        problem = expect.miss(exchange.outcome)
        if problem is None and exchange.outcome.balance_minor is not None:
            problem = self._balance_problem(exchange.outcome.balance_minor, delta)
        self.record(label, cmd, exchange, expect.text, problem)
        if problem is not None:
            raise Stop(f"{label}: {problem}")
        return exchange.outcome

    def _balance_problem(self, reported: int, delta: int) -> str | None:
        if abs(reported - self.balance) <= self.slack_minor:
            return None
        return f"answer reports balance {reported}, expected {self.balance} (move {delta:+d})"

    def record(
        self,
        label: str,
        cmd: WalletCommand,
        exchange: Exchange,
        expected: str,
        problem: str | None,
    ) -> None:
        self.result.steps.append(
            Step(
                label=label,
                command=cmd.kind.value,
                sent=exchange.sent,
                received=exchange.received,
                outcome=outcome_record(exchange.outcome),
                elapsed_ms=exchange.elapsed_ms,
                expected=expected,
                passed=problem is None,
                note=problem or "",
            )
        )

    def send_only(self, cmd: WalletCommand) -> Exchange:
        """Send without judging the answer (concurrency and timing scenarios judge later)."""
        return self.wire.send(cmd, self.wire.encode(cmd))

    # --- money --------------------------------------------------------------------------

    def read_balance(self, label: str, *, at_start: bool = False) -> int | None:
        """The test account's balance in minor units, None if the wallet did not answer
        with one. A balance the decoder dropped for its form (float noise, a fraction of a
        minor unit) is read as written and rounded to the currency (balance_text.py)."""
        cmd = self.read(CommandKind.BALANCE)
        exchange = self.send_only(cmd)
        outcome = exchange.outcome
        if outcome.kind is not OutcomeKind.APPLIED:
            self.record(label, cmd, exchange, APPLIED.text, "balance unreadable")
            return None
        written = read_balance(exchange.received.body, self.currency)
        found = outcome.balance_minor
        if found is None and written is not None:
            found = written.minor
        problem = None if found is not None else "balance unreadable"
        self.record(label, cmd, exchange, APPLIED.text, problem)
        if found is not None and at_start and written is not None and written.sub_unit:
            self.slack_minor = 1
            # Information on a step that passed, not a failure.
            self.result.steps[-1].note = (
                f"the balance {written.written} holds a fraction of a minor unit: read as "
                f"{found}, and this scenario's checks allow 1 minor unit of rounding"
            )
        return found

    def start(self) -> int:
        """Read the starting balance: the reference every later check is measured from (never
        what an earlier scenario left expected: each scenario stands alone)."""
        found = self.read_balance("balance at the start", at_start=True)
        if found is None:
            raise Stop("the test account's balance could not be read")
        self.balance = self.opening = found
        return found

    def check_money(self, label: str) -> None:
        """The balance, read now, must be what every step so far says it should be."""
        found = self.read_balance(f"balance: {label}")
        check = MoneyCheck(
            label,
            self.opening,
            found,
            self.balance - self.opening,
            found is not None and abs(found - self.balance) <= self.slack_minor,
        )
        self.result.money.append(check)
        if not check.passed:
            raise Stop(
                f"money: {label}: balance {found}, expected {self.balance} "
                f"(moved {check.observed_delta_minor}, expected {check.expected_delta_minor:+d})"
            )

    def tampered(self, cmd: WalletCommand, amount_text: str, *, resign: bool) -> HttpRequest | None:
        """`cmd`'s request with its amount rewritten: signed again (`resign`, so only the
        amount is wrong) or not (so only the signature is). None where the protocol cannot
        carry that amount or no rewriter knows the dialect."""
        rewriter = REWRITERS.get(self.target.dialect)
        if rewriter is None:
            return None
        return rewriter(self.wire.encode(cmd), amount_text, self.target.credentials, resign)

    def other_credentials(self) -> CallbackCredentials:
        """Every secret replaced by a wrong one: what a forger would have."""
        creds = self.target.credentials

        def wrong(value: str | None) -> str | None:
            return None if value is None else "forged-" + value[::-1]

        return replace(
            creds,
            callback_token=wrong(creds.callback_token) or "forged",
            api_token=wrong(creds.api_token),
            secret_key=wrong(creds.secret_key),
        )
