"""Reelhouse aggregating another Reelhouse in each of its own wallet dialects, over real HTTP,
each on its own database: the upstream has the aggregator as its operator in dialect D; the
aggregator registers it as a provider speaking D, syncs its catalogue, launches its game for
a casino player in ANOTHER dialect; the player spins on the upstream's game API, and the
upstream's wallet calls are relayed to the casino. A win and a loss, then two faults: the
upstream never hears the answer to a win (it retries: the win must be paid once), and the
casino's answer to a bet is lost (the upstream is refused, cancels, and the casino's debit is
refunded). Then the casino's ledger, the aggregator's records and the upstream's agree, round
by round."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from reelhouse.domain.states import RoundState
from reelhouse.providers.registry import get_protocol
from reelhouse.services import ledger_export, providers
from reelhouse.services.platform import Platform
from reelhouse.services.reconcile import reconcile
from reelhouse.store.models import Round, UpstreamTransaction
from tests.harness import OPERATOR_NAME
from tests.upstream.dialect_rig import PROVIDER_NAME, Aggregation, aggregation, command_of

# (the upstream's protocol, the casino's dialect): every protocol upstream and every
# dialect at a casino once, never the same on both sides of one relay.
CASES = [
    ("slotcity-v4", "igamingace-a"),
    ("igamingace-a", "igamingace-b"),
    ("igamingace-b", "slotcity-v4"),
]
# Every other pairing of an upstream protocol with a casino dialect, on SQLite: the relay's
# casino side is the casino dialect's codec whatever the upstream speaks, so the pairings
# above carry the PostgreSQL half, and these close the matrix.
REST_OF_THE_MATRIX = [
    (protocol, casino)
    for protocol in ("slotcity-v4", "igamingace-a", "igamingace-b")
    for casino in ("slotcity-v4", "igamingace-a", "igamingace-b")
    if (protocol, casino) not in CASES
]
BET = "1.00"
BET_CENTS = 100
START = "100.00"
START_CENTS = 10_000
# Spins of the seeded source until it has drawn a win and a loss (it does in a few).
MAX_PLAIN_SPINS = 10


@dataclass(frozen=True)
class Seen:
    """One round as a side recorded it: the stake, what it paid, how it ended."""

    bet_cents: int
    win_cents: int
    state: str


@pytest.mark.parametrize(("protocol", "casino_dialect"), CASES, ids=[c[0] for c in CASES])
def test_an_upstream_reelhouse_plays_through_the_relay_and_every_ledger_agrees(
    database_url: str,
    upstream_database_url: str,
    tmp_path: Path,
    protocol: str,
    casino_dialect: str,
) -> None:
    _play_the_chain(database_url, upstream_database_url, tmp_path, protocol, casino_dialect)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("protocol", "casino_dialect"),
    REST_OF_THE_MATRIX,
    ids=[f"{p}-to-{c}" for p, c in REST_OF_THE_MATRIX],
)
def test_every_other_upstream_and_casino_pairing_agrees_too(
    database_url: str,
    upstream_database_url: str,
    tmp_path: Path,
    protocol: str,
    casino_dialect: str,
) -> None:
    _play_the_chain(database_url, upstream_database_url, tmp_path, protocol, casino_dialect)


def _play_the_chain(
    database_url: str,
    upstream_database_url: str,
    tmp_path: Path,
    protocol: str,
    casino_dialect: str,
) -> None:
    with aggregation(
        database_url, upstream_database_url, tmp_path, protocol, casino_dialect
    ) as chain:
        # Added with no deadline of its own: the contract's bet timeout.
        view = providers.get_provider(chain.stack.platform, PROVIDER_NAME)
        assert view.answer_deadline_ms == get_protocol(protocol).answer_deadline_ms
        session = chain.launch("player1", START)
        _play_a_win_and_a_loss(chain, session)
        # The upstream's win reaches the relay, its answer is lost: the upstream retries
        # the same transaction, which is answered as the first and paid once.
        chain.upstream.transport.lose_next("win")
        retried = chain.spin(session, BET)
        assert retried["code"] == 0, retried
        # The casino applies a bet whose answer is lost: the relay refuses it upstream
        # (unknown outcome), the upstream cancels it, the casino refunds it.
        chain.casino_transport.lose_next("bet")
        refused = chain.spin(session, BET)
        assert refused["code"] != 0, refused
        chain.drain()
        assert [command_of(r) for r in chain.upstream.transport.lost] == ["win"]
        assert len(chain.casino_transport.lost) == 1
        _assert_every_ledger_agrees(chain, "player1")


def _play_a_win_and_a_loss(chain: Aggregation, session: str) -> None:
    won = lost = False
    for _ in range(MAX_PLAIN_SPINS):
        answer = chain.spin(session, BET)
        assert answer["code"] == 0, answer
        won, lost = won or answer["data"]["win"] != "0.00", lost or answer["data"]["win"] == "0.00"
        if won and lost:
            return
    raise AssertionError("the seeded draws gave no win and loss")


def _assert_every_ledger_agrees(chain: Aggregation, account: str) -> None:
    relayed = _relayed_rounds(chain)
    upstream = _upstream_rounds(chain.upstream.platform)
    # Round by round: the upstream's rounds are the aggregator's, with the same money.
    assert relayed == upstream
    states = Counter(r.state for r in relayed.values())
    assert states == {RoundState.SETTLED.value: len(relayed) - 1, RoundState.CANCELLED.value: 1}
    # The casino's ledger: each settled round's bet and win, the cancelled one's bet refunded.
    casino = _casino_rounds(chain, account)
    assert casino == relayed
    net = sum(r.win_cents - r.bet_cents for r in relayed.values() if r.state == "settled")
    assert chain.casino_cents(account) == START_CENTS + net
    # One transaction per bet, win and cancel the upstream sent, the retried win once.
    with chain.stack.platform.db.transaction(read_only=True) as session:
        kinds = Counter(session.scalars(select(UpstreamTransaction.kind)))
    settled = states[RoundState.SETTLED.value]
    assert kinds == {"bet": len(relayed), "win": settled, "cancel": 1}
    # Reconciliation sees the relayed rounds as its own: every call matched, no difference.
    with httpx.Client() as http:
        ledger = ledger_export.from_url(f"{chain.stack.casino.url}/api/ledger", http)
        report = reconcile(chain.stack.platform, OPERATOR_NAME, chain.clock.now().date(), ledger)
    assert report.ok, report.differences
    assert report.matched == report.reelhouse_calls > 0


def _relayed_rounds(chain: Aggregation) -> dict[int, Seen]:
    """The aggregator's relayed rounds, by the upstream's round id."""
    with chain.stack.platform.db.transaction(read_only=True) as session:
        rounds = session.scalars(select(Round).where(Round.provider_id == chain.provider_id))
        found = {}
        for r in rounds:
            assert r.upstream_round_ref is not None
            found[_round_number(chain.protocol, r.upstream_round_ref)] = _seen(r)
        return found


def _upstream_rounds(platform: Platform) -> dict[int, Seen]:
    with platform.db.transaction(read_only=True) as session:
        return {r.id: _seen(r) for r in session.scalars(select(Round))}


def _seen(r: Round) -> Seen:
    # A cancelled round paid nothing, whatever its draw would have paid (the upstream keeps
    # the outcome it drew; the aggregator never heard of it).
    paid = r.win_minor if r.state == RoundState.SETTLED.value else 0
    return Seen(r.bet_minor, paid, r.state)


def _round_number(dialect: str, ref: str) -> int:
    """A round id as a dialect carries it: 32 hex digits in iGamingAce B, decimal else."""
    return int(ref, 16) if dialect == "igamingace-b" else int(ref)


def _casino_rounds(chain: Aggregation, account: str) -> dict[int, Seen]:
    """The casino's ledger, by the upstream's round id (through the aggregator's round)."""
    with chain.stack.platform.db.transaction(read_only=True) as session:
        refs = {
            r.id: _round_number(chain.protocol, r.upstream_round_ref or "")
            for r in session.scalars(select(Round).where(Round.provider_id == chain.provider_id))
        }
    money: dict[int, dict[str, int]] = {}
    for entry in chain.stack.app_casino().ledger(None):
        if entry["account"] != account:
            continue
        ours = _round_number(chain.stack.dialect, str(entry["round_id"]))
        sums = money.setdefault(refs[ours], Counter())
        sums[entry["kind"]] += entry["amount_minor"]
    return {
        ref: Seen(
            sums["bet"],
            sums["win"],
            RoundState.CANCELLED.value if sums["cancel"] else RoundState.SETTLED.value,
        )
        for ref, sums in money.items()
    }
