"""The go-live gate: an operator moves from Unapproved to Approved only on the evidence of a
conformance run that passed against the callback URL and dialect it has now. "Passed" means
every scenario the dialect's public contract requires passed; recommendations the wallet
does not follow are kept in the evidence as advice and never refuse an approval.

The suite itself lives in the operator kit (which never imports the server); the command
line runs it with the credentials `suite_credentials` gives and hands the outcome back here
as `SuiteEvidence`. The state change and its audit row are one unit of work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.wallet import WalletEndpoint
from reelhouse.services import audit, operators
from reelhouse.services.operators import OperatorState
from reelhouse.services.platform import Platform
from reelhouse.store.models import Operator

ACTION_APPROVE = "operator.approve"
TARGET_TYPE = "operator"


@dataclass(frozen=True)
class Candidate:
    """An operator about to be tested: where its wallet is, how to sign for it."""

    operator_id: int
    name: str
    state: str
    currency: str
    endpoint: WalletEndpoint


@dataclass(frozen=True)
class SuiteEvidence:
    """What a conformance run found, as the audit row keeps it."""

    callback_url: str
    dialect: str
    account: str
    passed: int
    failed: int  # required scenarios that failed
    skipped: int
    report_sha256: str  # of the JSON report, so the file kept can be matched to the row
    advice: int = 0  # recommended scenarios the wallet did not follow (never blocks)

    @property
    def all_passed(self) -> bool:
        return self.failed == 0 and self.passed > 0


def candidate(platform: Platform, name: str) -> Candidate:
    """The operator named `name` and its wallet endpoint; 2001 if there is none."""
    with platform.db.transaction() as session:
        operator = operators.find_by_name(session, name)
        endpoint = operators.wallet_endpoint(platform, operator)
        return Candidate(operator.id, operator.name, operator.state, operator.currency, endpoint)


def approve(platform: Platform, name: str, evidence: SuiteEvidence, who: audit.Accountable) -> None:
    """Unapproved -> Approved, with its audit row, if the evidence is a passed run against
    the operator's current callback URL and dialect. Refused (1012) otherwise: nothing
    changes."""
    if not evidence.all_passed:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "the conformance suite did not pass")
    with platform.db.transaction() as session:
        operator = session.scalar(select(Operator).where(Operator.name == name).with_for_update())
        if operator is None:
            raise ReelhouseError(ApiCode.AGENT_NOT_FOUND, f"no operator named {name!r}")
        if operator.state != OperatorState.UNAPPROVED:
            raise ReelhouseError(
                ApiCode.PARAMETERS_INVALID, f"operator {name!r} is {operator.state} already"
            )
        if (operator.callback_url, operator.dialect) != (evidence.callback_url, evidence.dialect):
            # Changed while the suite ran: what passed is not what would go live.
            raise ReelhouseError(
                ApiCode.PARAMETERS_INVALID,
                "the callback URL or dialect changed during the run; run the suite again",
            )
        before = operator.state
        operator.state = OperatorState.APPROVED
        audit.record(
            session,
            who,
            audit.Change(
                ACTION_APPROVE, TARGET_TYPE, operator.id, before, operator.state, asdict(evidence)
            ),
            platform.clock.now(),
        )
