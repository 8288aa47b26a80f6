"""The fault simulation across the chain: an upstream supplier (the Hub88 contract, from the
provider kit's client) plays rounds of its own game through Reelhouse's relay, with the same
players, the same faulty network to the casino and the same restarts as Reelhouse's own
games (tests/dispatch/fault_sim.py).

The supplier keeps its own books as a supplier must: a bet counts once it was answered OK
and never rolled back; a bet with no usable answer is rolled back, and the rollback retried
until it is answered OK; a win is retried (same transaction, new request) until it is
answered OK. On the way, its calls meet faults of their own: answers lost on the way back
(the supplier's timeout), exact duplicates, rollbacks sent before their bet, and Reelhouse
dying between the casino's answer and the supplier's (the casino side's CRASH_AFTER) or
after answering and before delivering a win or cancel it claimed.

After the drain, three ledgers agree round by round: the supplier's, Reelhouse's rounds and
upstream transactions, and the casino's (fault_sim.check_ledgers_agree checks the last two).
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from sqlalchemy import select

from reelhouse.domain.states import RoundState
from reelhouse.domain.wallet import HttpAnswer, HttpRequest, PreparedCall
from reelhouse.provider_kit.hub88_supplier import SupplierWallet
from reelhouse.provider_kit.hub88_supplier.client import SentRequest, WalletReply
from reelhouse.provider_kit.hub88_supplier.keys import (
    new_private_key,
    private_pem,
    public_pem,
    sign_body,
)
from reelhouse.provider_kit.hub88_supplier.wire import (
    BET_PATH,
    FINAL_BET_REFUSALS,
    ROLLBACK_PATH,
    WIN_PATH,
    JsonDoc,
    Status,
    encode_body,
)
from reelhouse.services import relay, upstream_launch
from reelhouse.services.platform import Platform
from reelhouse.store.models import (
    Player,
    Round,
    UpstreamTransaction,
)
from reelhouse.store.secrets import Sealer, new_key_text
from tests.upstream.rig import ProviderListing, register_provider

PROVIDER_ID = 2
PROVIDER_NAME = "sim-supplier"
SUPPLIER_GAME = "sim-fruits"
BASE_URL = f"http://reelhouse.invalid/upstream/{PROVIDER_NAME}"
# A short answer deadline: a bet held by a call of its player on the wire waits a quarter of
# it in real time (services/relay.py) before it is refused, and the simulation must not wait.
ANSWER_DEADLINE_MS = 100
# x100000 of the major unit on the wire: one USD cent is 1000.
WIRE_PER_CENT = 1000
BETS_CENTS = (50, 100, 500, 1000)
# How often the supplier meets each of its own faults, per call.
LOST_ANSWER_SHARE = 0.12  # applied by Reelhouse, the answer never reaches the supplier
DUPLICATE_SHARE = 0.1  # the same bytes sent twice: the second answer is the first's
ROLLBACK_FIRST_SHARE = 0.08  # a round starts with the rollback of its bet
UNDELIVERED_SHARE = 0.1  # Reelhouse dies after answering, before sending what it claimed


@functools.cache
def _keys() -> tuple[RSAPrivateKey, RSAPrivateKey]:
    """The supplier's key and Reelhouse's: made once per process (an RSA key costs time)."""
    return new_private_key(), new_private_key()


@functools.cache
def sim_secret_key() -> str:
    """The deployment key of every simulated Reelhouse of this process: with it, the
    supplier's row holds the same sealed key each seed, and the process's key cache
    (services/provider_keys.py) loads it once, not once a seed."""
    return new_key_text()


@functools.cache
def _sealed_sign_key() -> str:
    return Sealer(sim_secret_key()).seal(private_pem(_keys()[1]).decode())


@dataclass
class SupplierRound:
    """One round as the supplier's books hold it."""

    account: str
    token: str
    user: str
    ref: str
    bet_cents: int
    win_cents: int
    bet_uuid: str
    stage: str = "bet"  # bet -> win | rollback -> done
    bet_counts: bool = False  # answered OK and never rolled back
    win_paid: bool = False
    rolled_back_first: bool = False
    pending: SentRequest | None = None  # the win or rollback being retried


@dataclass
class SupplierSim:
    """The supplier: its sessions (one per player), its rounds, and the relay it calls
    in-process (the route's work, without a socket)."""

    platform: Callable[[], Platform]
    rng: random.Random
    restart: Callable[[], None]
    crash: type[BaseException]
    faults_on: bool = True
    rounds: list[SupplierRound] = field(default_factory=list)
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # account -> token, user
    claimed: list[PreparedCall] = field(default_factory=list)
    # What happened, by kind: a test checks the faults were met (seen["crash"], ...).
    seen: Counter[str] = field(default_factory=Counter)
    _launched: list[str] = field(default_factory=list)
    _uuids: int = 0

    def __post_init__(self) -> None:
        # One event loop for the supplier's whole run (a loop per call costs more than the
        # call): the route's async work runs in it, as in the served app's loop.
        self.loop = asyncio.Runner()
        supplier_key, _ = _keys()
        http = httpx.Client(transport=httpx.MockTransport(self._relay))
        self.wallet = SupplierWallet(BASE_URL, supplier_key, http, make_uuid=self._uuid)

    def _uuid(self) -> str:
        # Seeded ids, so a seed replays exactly.
        self._uuids += 1
        return f"{self.rng.getrandbits(64):016x}-{self._uuids}"

    # --- Setup -------------------------------------------------------------------------------

    @staticmethod
    def register(platform: Platform, operator_id: int) -> None:
        """The supplier as provider PROVIDER_ID, offered to the operator."""
        listing = ProviderListing(
            provider_id=PROVIDER_ID,
            name=PROVIDER_NAME,
            title="Simulated supplier",
            protocol="hub88",
            base_url="http://supplier.invalid",
            verify_key=public_pem(_keys()[0]).decode(),
            sign_key_sealed=_sealed_sign_key(),
            answer_deadline_ms=ANSWER_DEADLINE_MS,
            game_code=SUPPLIER_GAME,
            game_name="Simulated Fruits",
        )
        register_provider(platform, operator_id, listing)

    def fetch(self, request: HttpRequest) -> HttpAnswer:
        """The supplier's launch endpoint: it keeps the token Reelhouse hands it."""
        doc = httpx.Response(200, content=request.body).json()
        self._launched.append(str(doc["token"]))
        return HttpAnswer(200, b'{"url":"https://supplier.invalid/play"}')

    def launch(self, platform: Platform, operator: object, user_code: int, account: str) -> None:
        request = upstream_launch.UpstreamLaunch(
            user_code=user_code,
            provider_id=PROVIDER_ID,
            game_code=SUPPLIER_GAME,
            lang="en",
            return_url="",
        )
        upstream_launch.launch_upstream_game(platform, operator, request)  # type: ignore[arg-type]
        with platform.db.transaction() as session:
            player_id = session.scalar(select(Player.id).where(Player.name == account))
        self.tokens[account] = (self._launched[-1], str(player_id))

    # --- Play --------------------------------------------------------------------------------

    def _relay(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(f"/upstream/{PROVIDER_NAME}")
        call = relay.answer_wallet_call(
            self.platform(), PROVIDER_NAME, path, dict(request.headers), request.content
        )
        answer = self.loop.run(call)
        if answer.then_deliver is not None:
            # The route sends it after the answer has left (a background task).
            self.claimed.append(answer.then_deliver)
        return httpx.Response(answer.status_code, content=answer.body, headers=answer.headers)

    def _send(self, request: SentRequest) -> WalletReply | None:
        """One call; None when its answer did not reach the supplier (lost, or Reelhouse
        died on the way: then it is restarted)."""
        try:
            reply = self.wallet.resend(request)
            if self.faults_on and self.rng.random() < DUPLICATE_SHARE and reply.answer:
                self.seen["duplicate"] += 1
                again = self.wallet.resend(request)
                assert again.body == reply.body, f"a repeat answered differently: {again.body!r}"
        except self.crash:
            self.seen["crash"] += 1
            self.claimed.clear()  # the process that claimed them is gone
            self.restart()
            return None
        finally:
            self._after_answer()
        if self.faults_on and self.rng.random() < LOST_ANSWER_SHARE:
            self.seen["lost_answer"] += 1
            return None
        return reply if reply.answer is not None else None

    def _after_answer(self) -> None:
        """What the route does once the answer has left: deliver the claimed calls, unless
        the process dies first (their leases run out; the outbox sends them)."""
        claimed, self.claimed = self.claimed, []
        if not claimed:
            return
        if self.faults_on and self.rng.random() < UNDELIVERED_SHARE:
            self.seen["undelivered"] += 1
            self.restart()
            return
        try:
            for job in claimed:
                self.loop.run(relay.deliver_after_answer(self.platform(), job))
        except self.crash:
            self.restart()

    def step(self) -> None:
        """The supplier's turn: advance an open round, or start one for an idle player."""
        open_rounds = [r for r in self.rounds if r.stage != "done"]
        busy = {r.account for r in open_rounds}
        idle = [a for a in self.tokens if a not in busy]
        if open_rounds and (not idle or self.rng.random() < 0.6):
            self.advance(self.rng.choice(open_rounds))
        elif idle:
            self.start(self.rng.choice(idle))

    def start(self, account: str) -> None:
        token, user = self.tokens[account]
        bet_cents = self.rng.choice(BETS_CENTS)
        won = self.rng.random() < 0.45
        round_ = SupplierRound(
            account=account,
            token=token,
            user=user,
            ref=self._uuid(),
            bet_cents=bet_cents,
            win_cents=bet_cents * self.rng.choice((1, 2, 5)) if won else 0,
            bet_uuid=self._uuid(),
        )
        self.rounds.append(round_)
        if self.faults_on and self.rng.random() < ROLLBACK_FIRST_SHARE:
            self.seen["rollback_first"] += 1
            round_.rolled_back_first = True
            round_.stage = "rollback"
            round_.pending = self._rollback_request(round_)
            self.advance(round_)
            if round_.stage != "done":
                return  # the rollback is retried first; the bet is never sent after all
        self._bet(round_)

    def _bet(self, round_: SupplierRound) -> None:
        doc: JsonDoc = {
            "supplier_user": round_.user,
            "transaction_uuid": round_.bet_uuid,
            "token": round_.token,
            "round_closed": False,
            "round": round_.ref,
            "reward_uuid": None,
            "request_uuid": self._uuid(),
            "is_free": False,
            "game_code": SUPPLIER_GAME,
            "currency": "USD",
            "amount": round_.bet_cents * WIRE_PER_CENT,
        }
        reply = self._send(self._signed(BET_PATH, doc))
        if round_.rolled_back_first:
            # Rolled back before it came: it must never count.
            assert reply is None or not reply.ok, f"a bet taken after its rollback: {round_}"
            round_.stage = "done"
            return
        if reply is not None and reply.ok:
            round_.bet_counts = True
            round_.stage = "win"
            round_.pending = self._win_request(round_)
        elif reply is not None and reply.status in {s.value for s in FINAL_BET_REFUSALS}:
            round_.stage = "done"  # refused for good: nothing to reverse
        else:
            round_.stage = "rollback"
            round_.pending = self._rollback_request(round_)

    def _signed(self, path: str, doc: JsonDoc) -> SentRequest:
        """The call as the supplier signs it, not sent yet."""
        body = encode_body(doc)
        return SentRequest(path, body, sign_body(body, _keys()[0]))

    def _win_request(self, round_: SupplierRound) -> SentRequest:
        doc: JsonDoc = {
            "supplier_user": round_.user,
            "transaction_uuid": self._uuid(),
            "token": round_.token,
            "round_closed": True,
            "round": round_.ref,
            "reward_uuid": None,
            "request_uuid": self._uuid(),
            "is_free": False,
            "game_code": SUPPLIER_GAME,
            "currency": "USD",
            "amount": round_.win_cents * WIRE_PER_CENT,
            "reference_transaction_uuid": round_.bet_uuid,
        }
        return self._signed(WIN_PATH, doc)

    def _rollback_request(self, round_: SupplierRound) -> SentRequest:
        doc: JsonDoc = {
            "transaction_uuid": self._uuid(),
            "token": round_.token,
            "round": round_.ref,
            "request_uuid": self._uuid(),
            "reference_transaction_uuid": round_.bet_uuid,
            "game_code": SUPPLIER_GAME,
        }
        return self._signed(ROLLBACK_PATH, doc)

    def advance(self, round_: SupplierRound) -> None:
        """Send the round's pending win or rollback again, under a new request id."""
        if round_.stage == "bet":
            self._bet(round_)
            return
        assert round_.pending is not None
        round_.pending = self.wallet.renewed(round_.pending)
        reply = self._send(round_.pending)
        if reply is None or not reply.ok:
            # Retried later. A win is never refused for good here: its bet counts.
            assert reply is None or reply.status == Status.UNKNOWN.value, (round_, reply.body)
            return
        if round_.stage == "win":
            round_.win_paid = True
            self.seen["win_paid"] += 1
        elif round_.bet_counts:
            round_.bet_counts = False
            self.seen["rolled_back_after_ok"] += 1
        else:
            self.seen["rolled_back"] += 1
        round_.stage = "done"

    def close(self) -> None:
        self.loop.close()

    # --- The books ---------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return all(r.stage == "done" for r in self.rounds)

    def finish(self) -> None:
        """Faults stop; every open round is pushed one step further."""
        self.faults_on = False
        for round_ in self.rounds:
            if round_.stage != "done":
                self.advance(round_)


def check_three_ledgers(supplier: SupplierSim, platform: Platform, label: str) -> None:
    """The supplier's books and Reelhouse's agree round by round (Reelhouse's and the
    casino's are fault_sim.check_ledgers_agree's): a bet that counts for the supplier is a
    settled round of the same amounts; one that does not has moved no money."""
    with platform.db.transaction() as session:
        relayed = {
            r.upstream_round_ref: r
            for r in session.scalars(select(Round).where(Round.provider_id == PROVIDER_ID))
        }
        bets = {
            t.transaction_ref: t
            for t in session.scalars(
                select(UpstreamTransaction).where(UpstreamTransaction.kind == "bet")
            )
        }
    for round_ in supplier.rounds:
        assert round_.stage == "done", f"{label}: supplier round {round_} still open"
        ours = relayed.get(round_.ref)
        if round_.bet_counts:
            assert ours is not None, f"{label}: supplier bet {round_.ref} has no round"
            assert ours.state == RoundState.SETTLED.value, f"{label}: {round_.ref} {ours.state}"
            assert ours.bet_minor == round_.bet_cents, f"{label}: {round_.ref} bet differs"
            assert ours.win_minor == round_.win_cents, f"{label}: {round_.ref} win differs"
        else:
            assert ours is None or ours.state != RoundState.SETTLED.value, (
                f"{label}: {round_.ref} settled at Reelhouse, not at the supplier"
            )
        if round_.rolled_back_first:
            bet = bets.get(round_.bet_uuid)
            assert bet is not None and bet.cancelled_first, f"{label}: {round_.ref} tombstone"
    assert len(relayed) <= len(supplier.rounds), f"{label}: rounds the supplier never played"
