"""What the services need from the outside, as protocols (dispatch implements them)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

from sqlalchemy.orm import Session

from reelhouse.domain.wallet import (
    Delivered,
    HttpAnswer,
    HttpRequest,
    OpeningCall,
    PreparedCall,
    WalletCommand,
    WalletEndpoint,
    WalletOutcome,
)
from reelhouse.store.models import WalletCall


class WalletPort(Protocol):
    def read(self, endpoint: WalletEndpoint, command: WalletCommand) -> WalletOutcome:
        """Send a command that moves no money (authenticate, balance, status), with the
        dialect's quick retries. Network and protocol faults are OutcomeKind.UNKNOWN."""
        ...

    def available(self, operator_id: int) -> bool:
        """False while the operator's circuit breaker is open: new spins are refused at once
        (code 3005, nothing sent) instead of each waiting out a timeout."""
        ...

    def opening_call(self, dialect_name: str, *, single_call: bool = False) -> OpeningCall:
        """How a round of an operator on this dialect opens. The round logic asks instead of
        knowing dialects: a bet by default; one bet-and-win call only for an operator that
        opted in to single-call rounds (`single_call`) on a dialect that has such a call."""
        ...

    def deliver(self, call_id: int) -> int | None:
        """Send one claimed outbox call now, record its outcome (advancing its round) and
        return the id of the follow-up call it created and claimed (a bet's win or cancel),
        if any. Never raises for network or protocol faults."""
        ...

    def prepare(self, session: Session, call: WalletCall) -> PreparedCall:
        """A claimed call ready to send, built in the transaction that claimed it from the
        rows it holds (so sending reads nothing again)."""
        ...

    def riding_acks(self, session_key: str) -> AbstractContextManager[Callable[[Session], None]]:
        """For a transaction opening a round of a game session (its token hash): a writer of
        the session's acknowledged wins still unwritten, to call first in that transaction,
        so they commit with it (dispatch/ack_batch.py). If the transaction fails they wait
        for the next write."""
        ...

    def write_pending_acks(self) -> None:
        """Write every acknowledged win still unwritten, now: a blocking caller about to
        read what it played."""
        ...

    async def deliver_prepared_async(self, job: PreparedCall) -> Delivered:
        """Send a prepared call and record its outcome, waiting for the wallet without
        holding a thread; returns the outcome, the round's state and the claimed follow-up
        to send next. Never raises for network or protocol faults."""
        ...


class UpstreamUnreachable(Exception):
    """No answer came from an upstream provider (refused, timed out, an address Reelhouse
    will not call, an answer past the transport's bound). The message never quotes the
    provider's bytes."""


class UpstreamFetch(Protocol):
    """Sends one request Reelhouse makes of an upstream provider (a catalogue, a launch) and
    returns its answer, whatever its status. Raises UpstreamUnreachable when there is none.
    The web and command-line layers hand the real one in (api/wiring.py); tests a fake."""

    def __call__(self, request: HttpRequest) -> HttpAnswer: ...


@runtime_checkable
class ProviderFetches(Protocol):
    """An UpstreamFetch that keeps each provider apart (the real one: its own circuit
    breaker and bulkhead per provider, api/wiring.py)."""

    def for_provider(self, provider_id: int) -> UpstreamFetch: ...


def fetch_for(fetch: UpstreamFetch, provider_id: int) -> UpstreamFetch:
    """The fetch for one provider's requests: behind that provider's own breaker and
    bulkhead where `fetch` keeps them, so a provider that is down or slow fails fast and
    holds no thread another provider's requests need; a plain fetch (a test's) as it is."""
    if isinstance(fetch, ProviderFetches):
        return fetch.for_provider(provider_id)
    return fetch
