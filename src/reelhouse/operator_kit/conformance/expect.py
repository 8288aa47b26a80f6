"""What a step expects of the wallet's answer, read the way Reelhouse reads it: through the
dialect's decoder, as a typed outcome. Each expectation says in words what it wants, for
the report."""

from __future__ import annotations

from dataclasses import dataclass

from reelhouse.domain.wallet import OutcomeKind, RefusalReason, TransStatus, WalletOutcome

_ALL = frozenset(OutcomeKind)


@dataclass(frozen=True, slots=True)
class Expect:
    text: str
    kinds: frozenset[OutcomeKind]
    refusal: RefusalReason | None = None
    trans_status: TransStatus | None = None

    def miss(self, outcome: WalletOutcome) -> str | None:
        """None when the outcome is what was expected, else what is wrong with it."""
        got = outcome.kind.value + (f" ({outcome.refusal.value})" if outcome.refusal else "")
        if outcome.kind not in self.kinds:
            return f"expected {self.text}, got {got}: {outcome.detail}".rstrip(": ")
        if self.refusal is not None and outcome.refusal is not self.refusal:
            return f"expected {self.text}, got {got}"
        if self.trans_status is not None and outcome.trans_status is not self.trans_status:
            return f"expected {self.text}, got trans_status {outcome.trans_status}"
        return None


APPLIED = Expect("applied", frozenset({OutcomeKind.APPLIED}))
# A retry of something applied: "already applied", or applied again with no money moving
# (iGamingAce A answers OK to a repeated transactionId); the money check tells them apart.
SETTLED = Expect(
    "applied (now or before)", frozenset({OutcomeKind.APPLIED, OutcomeKind.ALREADY_APPLIED})
)
# A cancel is done once its target is reversed, was reversed before, or never arrived.
DONE = Expect(
    "done (applied, already applied, or nothing to cancel)",
    frozenset({OutcomeKind.APPLIED, OutcomeKind.ALREADY_APPLIED, OutcomeKind.NOT_FOUND}),
)
NOTHING_TO_CANCEL = Expect(
    "nothing to cancel (transaction not found)", frozenset({OutcomeKind.NOT_FOUND})
)
REFUSED_FUNDS = Expect(
    "refused for insufficient funds",
    frozenset({OutcomeKind.REFUSED}),
    refusal=RefusalReason.INSUFFICIENT_FUNDS,
)
REFUSED_UNKNOWN_PLAYER = Expect(
    "refused: unknown player",
    frozenset({OutcomeKind.REFUSED}),
    refusal=RefusalReason.UNKNOWN_PLAYER,
)
# Forged, stale, or conflicting requests: any "no" will do (a refusal, an error answer);
# what must not happen is success, and the money check proves nothing moved.
NOT_APPLIED = Expect(
    "not applied (refused or an error)",
    frozenset({OutcomeKind.REFUSED, OutcomeKind.UNKNOWN, OutcomeKind.NOT_FOUND}),
)
ANY = Expect("any answer (the money check decides)", _ALL)
STATUS_OK = Expect(
    "status OK (applied, not cancelled)",
    frozenset({OutcomeKind.APPLIED}),
    trans_status=TransStatus.OK,
)
STATUS_CANCELED = Expect(
    "status CANCELED", frozenset({OutcomeKind.APPLIED}), trans_status=TransStatus.CANCELED
)
