"""The relay: an upstream provider's wallet calls, answered as its operator, with each
casino's money moved through the outbox (docs/providers.md, "The relay").

Every money call of a provider is one `UpstreamTransaction`, by the provider's own id, and
becomes one call to the casino's wallet, in the casino's dialect:

- **a bet** is answered only after the casino answered its debit, within the provider's
  answer deadline (the casino's call gets what is left of it). A bet opens a relayed round
  (one per bet: `rounds.provider_id`, `rounds.upstream_round_ref`) whose wins the provider
  sends; a bet the casino refused is refused upstream; a bet of unknown outcome is refused
  upstream too, and its cancel goes to the casino at once (the settlement table's relayed
  bet, domain/settlement.py);
- **a win** is written durably with its call, answered at once, and delivered by the outbox
  with its retries and manual queue: Reelhouse owns the retry toward the casino;
- **a promotion win naming no bet** (Hub88 `is_supplier_promo`) opens a relayed round of
  its own: a bet of 0 and the win, written in one commit and answered at once; the casino
  gets the bet of 0, then the win against it (the settlement table's relayed promo bet);
- **a free bet** (a provider's reward: `is_free`) is a debit of 0 at the casino; its wins
  are paid as any;
- **a cancel** (Hub88: rollback) of an acknowledged bet becomes a cancel of that bet at the
  casino, delivered the same way; a cancel of a bet not yet seen is written first, so the
  bet is refused when it comes.

A call names its session by the token Reelhouse handed over at launch, or, for protocols
whose calls name an account (Reelhouse's own dialects upstream), by the account: the
player's id, whose latest session of the provider it is. A `status` query (SlotCity v4) is
answered from the record of what was acknowledged, never relayed.

An identical repeat of a transaction gets the original answer, a repeat that differs is
refused as a duplicate. One player's calls reach the casino one at a time and in order:
the relay takes the player's row lock as a spin does, and a bet waits for the player's
earlier calls (store/outbox.py, `round_holding_next`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

import anyio
from sqlalchemy import ColumnElement, false, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.states import CallState, RoundState, check_round_move
from reelhouse.domain.wallet import (
    CommandKind,
    Delivered,
    OutcomeKind,
    PreparedCall,
    RefusalReason,
    TransStatus,
    WalletCommand,
)
from reelhouse.providers.base import (
    AnswerStatus,
    CallKind,
    UpstreamAnswer,
    UpstreamCall,
    UpstreamRefusal,
)
from reelhouse.services import relay_metrics
from reelhouse.services.launch import (
    active_session_where,
    latest_upstream_session,
    token_session,
)
from reelhouse.services.operators import wallet_endpoint
from reelhouse.services.platform import Platform
from reelhouse.services.provider_keys import ProviderKeys, keys_of
from reelhouse.store.models import (
    GameSession,
    Operator,
    Player,
    Provider,
    Round,
    UpstreamTransaction,
    WalletCall,
    session_currency,
)
from reelhouse.store.outbox import (
    claim_for,
    claim_unsent_follow_up,
    new_call,
    pinned_dialect,
    player_hold,
)

log = logging.getLogger("reelhouse.relay")

T = TypeVar("T")

# Of the provider's answer deadline, what the casino's debit may take: the rest is for
# Reelhouse's own work on both sides of it and the network back to the provider.
CASINO_SHARE_OF_DEADLINE = 0.6
# A bet held by one of its player's calls on the wire looks again this often, for at most
# this share of the provider's deadline, before it is refused (the provider then rolls it
# back): the player's calls reach the casino one at a time.
HELD_POLL_SECONDS = 0.02
HELD_SHARE_OF_DEADLINE = 0.25

RELAY_RNG_VERSION = "upstream"  # a relayed round has no draws of ours


@dataclass(frozen=True, slots=True)
class RelayAnswer:
    """What the route sends back, and what it does after sending it (a claimed call of the
    casino's to deliver: a win, a cancel), if anything."""

    status_code: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    then_deliver: PreparedCall | None = None


@dataclass(frozen=True, slots=True)
class _ProviderRef:
    id: int
    name: str
    answer_deadline_ms: int
    keys: ProviderKeys


def _provider_ref(platform: Platform, name: str) -> _ProviderRef | None:
    with platform.db.transaction(read_only=True) as session:
        provider = session.scalar(select(Provider).where(Provider.name == name))
        if provider is None or not provider.enabled:
            return None
        return _ProviderRef(
            provider.id, provider.name, provider.answer_deadline_ms, keys_of(platform, provider)
        )


# --- The route's entry point --------------------------------------------------------------


async def answer_wallet_call(
    platform: Platform,
    provider_name: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
) -> RelayAnswer:
    """Authenticate, read and answer one wallet call of provider `provider_name`."""
    # A monotonic clock for the latency metric: wall time may step during a call.
    started_s = time.perf_counter()
    provider = await platform.db.in_thread(
        functools.partial(_provider_ref, platform, provider_name)
    )
    if provider is None:
        unknown = relay_metrics.UNKNOWN_PROVIDER
        relay_metrics.observe_relayed(None, None, unknown, time.perf_counter() - started_s)
        return RelayAnswer(404, b'{"error":"unknown provider"}', _JSON)
    protocol = provider.keys.protocol
    verify_key = provider.keys.verify_key
    if protocol.verify_key_at is not None:
        verify_key = protocol.verify_key_at(verify_key, int(platform.clock.now().timestamp()))
    decoded = protocol.decode_call(path, headers, body, verify_key)
    if isinstance(decoded, UpstreamRefusal):
        log.warning(
            "upstream call refused",
            extra={"provider": provider.name, "status": decoded.status.value},
        )
        refused = _answer(provider, protocol.answer_for_refusal(decoded))
        relay_metrics.observe_relayed(
            provider.name, None, decoded.status.value, time.perf_counter() - started_s
        )
        return refused
    answer, then_deliver = await _answer_call(platform, provider, decoded)
    body = protocol.encode_answer(answer)
    # Signing an answer costs an RSA operation: off the event loop.
    signed = await anyio.to_thread.run_sync(_answer, provider, body)
    relay_metrics.observe_relayed(
        provider.name, decoded.kind.value, answer.status.value, time.perf_counter() - started_s
    )
    return replace(signed, then_deliver=then_deliver)


_JSON = (("Content-Type", "application/json"),)


def _answer(provider: _ProviderRef, body: bytes) -> RelayAnswer:
    headers = provider.keys.protocol.sign_answer(body, provider.keys.sign_key)
    return RelayAnswer(200, body, tuple(headers))


async def _answer_call(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> tuple[UpstreamAnswer, PreparedCall | None]:
    try:
        if call.kind is CallKind.BALANCE:
            return await _balance(platform, provider, call), None
        if call.kind is CallKind.BET:
            return await _bet(platform, provider, call)
        if call.kind is CallKind.WIN and call.is_promo and call.reference_transaction_id is None:
            return await _promo_win(platform, provider, call)
        if call.kind in (CallKind.WIN, CallKind.CANCEL):
            work = _win if call.kind is CallKind.WIN else _cancel
            return await platform.db.in_thread(functools.partial(work, platform, provider, call))
        # A status query (SlotCity v4) is answered from the record, never relayed.
        return await platform.db.in_thread(
            functools.partial(_transaction_status, platform, provider, call)
        ), None
    except _Refused as refused:
        return _status(call, refused.status), None
    except IntegrityError:
        # The same transaction id written at once by another of the provider's players
        # (each holds only its own player's lock): the transaction that lost wrote nothing.
        return _status(call, AnswerStatus.DUPLICATE_TRANSACTION), None


class _Refused(Exception):
    """A call answered with a status of its own before anything was written."""

    def __init__(self, status: AnswerStatus) -> None:
        super().__init__(status.value)
        self.status = status


def _status(call: UpstreamCall, status: AnswerStatus) -> UpstreamAnswer:
    # The call rides along: some protocols' codes depend on the command (UpstreamAnswer).
    return UpstreamAnswer(status, call.request_id, call=call)


def _ok(call: UpstreamCall, user: str, currency: str, balance_minor: int) -> UpstreamAnswer:
    return UpstreamAnswer(
        AnswerStatus.OK,
        call.request_id,
        user=user,
        wire_currency=currency,
        balance_minor=balance_minor,
        call=call,
    )


# --- Sessions, players and repeats ----------------------------------------------------------


@dataclass(frozen=True)
class _Seat:
    """The session a provider's token names, with its player (locked) and operator."""

    session: GameSession
    player: Player
    operator: Operator


def _session_where(
    provider: _ProviderRef, call: UpstreamCall, game_code: str | None = None
) -> ColumnElement[bool]:
    """The session a call names: by its launch token (Hub88), or, for protocols whose calls
    name the player by account (`session_tokens` False: Reelhouse's own dialects upstream),
    the account's latest session of this provider (in `game_code` when given). The account
    is the name Reelhouse registered the player under at launch: its player id."""
    if provider.keys.protocol.session_tokens:
        return token_session(call.token)
    player_id = _account_player_id(call.supplier_user)
    if player_id is None:
        return false()
    return latest_upstream_session(provider.id, player_id, game_code)


# A player id in decimal: at most 19 digits (ids are below 2^63).
_PLAYER_ID_MAX_DIGITS = 19


def _account_player_id(account: str | None) -> int | None:
    if account is None or not (account.isascii() and account.isdigit()):
        return None
    if len(account) > _PLAYER_ID_MAX_DIGITS or int(account) >= 2**63:
        return None
    return int(account)


def _seat(session: Session, provider: _ProviderRef, call: UpstreamCall) -> _Seat:
    """The call's session, its player's row locked. No idle expiry: a win or a cancel may
    come long after the session's last bet (the contract does not check expiry on them)."""
    found = session.execute(
        select(GameSession, Player, Operator)
        .join(Player, Player.id == GameSession.player_id)
        .join(Operator, Operator.id == GameSession.operator_id)
        .where(_session_where(provider, call))
        .with_for_update(of=Player)
    ).one_or_none()
    if found is None or found[0].provider_id != provider.id:
        raise _Refused(AnswerStatus.INVALID_TOKEN)
    return _Seat(found[0], found[1], found[2])


def _user_of(player: Player) -> str:
    """The player as the provider knows them: Reelhouse's player id (opaque to it)."""
    return str(player.id)


def fingerprint_of(call: UpstreamCall) -> str:
    """What makes a repeat of a transaction identical: everything the contract compares
    (kind, reference, amount, currency, round, game). A repeat may carry a new request id."""
    facts = [
        call.kind.value,
        call.reference_transaction_id,
        call.amount_minor,
        call.currency,
        call.round_id,
        call.game_code,
    ]
    return hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest()


def _earlier(session: Session, provider: _ProviderRef, ref: str) -> UpstreamTransaction | None:
    return session.scalar(
        select(UpstreamTransaction).where(
            UpstreamTransaction.provider_id == provider.id,
            UpstreamTransaction.transaction_ref == ref,
        )
    )


def _repeat_answer(
    session: Session,
    earlier: UpstreamTransaction,
    call: UpstreamCall,
    player_id: int | None,
    currency: str | None = None,
) -> UpstreamAnswer:
    """The answer to a repeat of `earlier` by `player_id` (None: not known, the session
    being gone): the original's, or a refusal if it differs. `currency` is the balance's
    when the call names none (a rollback carries no amount, so no currency either)."""
    if earlier.cancelled_first:
        return _status(call, AnswerStatus.TRANSACTION_ROLLED_BACK)
    other_player = player_id is not None and earlier.player_id != player_id
    if other_player or earlier.fingerprint != fingerprint_of(call):
        return _status(call, AnswerStatus.DUPLICATE_TRANSACTION)
    if earlier.answer_status is not None:
        return UpstreamAnswer(
            AnswerStatus(earlier.answer_status),
            call.request_id,
            user=str(earlier.player_id) if earlier.player_id is not None else None,
            wire_currency=(
                call.wire_currency or currency if earlier.answer_balance_minor is not None else None
            ),
            balance_minor=earlier.answer_balance_minor,
            call=call,
        )
    # A bet's answer is its casino call's outcome.
    bet = session.get(WalletCall, earlier.call_id) if earlier.call_id is not None else None
    if bet is None:
        return _status(call, AnswerStatus.UNKNOWN_ERROR)
    return _bet_answer_of(
        call, str(earlier.player_id), bet.state, bet.last_outcome, bet.balance_after_minor
    )


def _bet_answer_of(
    call: UpstreamCall,
    user: str,
    call_state: str,
    last_outcome: str,
    balance_minor: int | None,
) -> UpstreamAnswer:
    """A relayed bet's answer from its casino call as recorded: acknowledged is OK with
    the casino's balance; refused for funds is NOT_ENOUGH_MONEY, for a player who may not
    play now (blocked, self-excluded, at a limit) USER_DISABLED; anything else (still on
    the wire, unknown, refused otherwise) is an error, which the provider answers by
    rolling the bet back."""
    if call_state == CallState.ACKED.value and balance_minor is not None:
        return _ok(call, user, call.wire_currency or "", balance_minor)
    if call_state == CallState.REFUSED.value:
        reason = last_outcome.partition(":")[2]
        status = {
            RefusalReason.INSUFFICIENT_FUNDS.value: AnswerStatus.NOT_ENOUGH_MONEY,
            RefusalReason.PLAYER_BLOCKED.value: AnswerStatus.USER_DISABLED,
            RefusalReason.UNKNOWN_PLAYER.value: AnswerStatus.USER_DISABLED,
            # The player may not play now (domain/session_end.py): no new bets, as blocked.
            RefusalReason.SELF_EXCLUDED.value: AnswerStatus.USER_DISABLED,
            RefusalReason.LIMIT_REACHED.value: AnswerStatus.USER_DISABLED,
        }.get(reason, AnswerStatus.UNKNOWN_ERROR)
        return UpstreamAnswer(
            status,
            call.request_id,
            wire_currency=call.wire_currency if balance_minor is not None else None,
            balance_minor=balance_minor,
            call=call,
        )
    return _status(call, AnswerStatus.UNKNOWN_ERROR)


def _record_transaction(
    session: Session,
    provider: _ProviderRef,
    call: UpstreamCall,
    now: dt.datetime,
    *,
    player: Player | None,
    round_id: int | None,
    call_id: int | None,
    answer: UpstreamAnswer | None,
) -> None:
    assert call.transaction_id is not None
    session.add(
        UpstreamTransaction(
            id=new_id(),
            provider_id=provider.id,
            transaction_ref=call.transaction_id,
            kind=call.kind.value,
            fingerprint=fingerprint_of(call),
            reference_ref=call.reference_transaction_id,
            player_id=player.id if player is not None else None,
            round_id=round_id,
            call_id=call_id,
            cancelled_first=False,
            answer_status=answer.status.value if answer is not None else None,
            answer_balance_minor=answer.balance_minor if answer is not None else None,
            amount_minor=call.amount_minor or 0,
            created_at_utc=to_naive_utc(now),
        )
    )


# --- Balance ----------------------------------------------------------------------------


async def _balance(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> UpstreamAnswer:
    def seat() -> tuple[str, str, Operator]:
        with platform.db.transaction(read_only=True) as session:
            found = session.execute(
                select(GameSession, Player, Operator)
                .join(Player, Player.id == GameSession.player_id)
                .join(Operator, Operator.id == GameSession.operator_id)
                .where(_session_where(provider, call))
            ).one_or_none()
            if found is None or found[0].provider_id != provider.id:
                raise _Refused(AnswerStatus.INVALID_TOKEN)
            return _user_of(found[1]), found[1].name, found[2]

    user, account, operator = await platform.db.in_thread(seat)
    command = WalletCommand(CommandKind.BALANCE, account=account, currency=operator.currency)
    endpoint = wallet_endpoint(platform, operator)
    outcome = await anyio.to_thread.run_sync(platform.wallet.read, endpoint, command)
    if outcome.kind is not OutcomeKind.APPLIED or outcome.balance_minor is None:
        return _status(call, AnswerStatus.UNKNOWN_ERROR)
    return _ok(call, user, operator.currency, outcome.balance_minor)


# --- Bet ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _OpenedBet:
    user: str
    round_id: int
    job: PreparedCall
    player_balance_minor: int | None


def _open_bet(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> _OpenedBet | UpstreamAnswer:
    """Write the relayed round with its claimed bet (one commit), or answer a repeat."""
    assert call.transaction_id is not None and call.amount_minor is not None
    now = platform.clock.now()
    with platform.db.transaction() as session:
        try:
            game = (
                None
                if provider.keys.protocol.session_tokens
                else _game_id(provider, call.game_code)
            )
            which = _session_where(provider, call, game)
            active = active_session_where(
                platform, session, which, lock_player=True, with_hold=True
            )
        except ReelhouseError as exc:
            expired = exc.code is ApiCode.SESSION_EXPIRED
            earlier = _earlier(session, provider, call.transaction_id)
            if earlier is not None:
                return _repeat_answer(session, earlier, call, None)
            raise _Refused(
                AnswerStatus.TOKEN_EXPIRED if expired else AnswerStatus.INVALID_TOKEN
            ) from exc
        if active.session.provider_id != provider.id:
            raise _Refused(AnswerStatus.INVALID_TOKEN)
        # Under the player's lock: a repeat waits for its original's commit.
        earlier = _earlier(session, provider, call.transaction_id)
        if earlier is not None:
            return _repeat_answer(session, earlier, call, active.player.id)
        if call.currency != active.operator.currency:
            raise _Refused(AnswerStatus.WRONG_CURRENCY)
        if active.session.game_code != _game_id(provider, call.game_code):
            raise _Refused(AnswerStatus.INVALID_GAME)
        assert active.hold is not None
        if active.hold.holding_round_id is not None:
            raise ReelhouseError(ApiCode.ROUND_IN_PROGRESS, "an earlier call is on the wire")
        if not platform.wallet.available(active.operator.id):
            raise _Refused(AnswerStatus.UNKNOWN_ERROR)  # the casino's breaker is open
        round_ = _relayed_round(active.session, active.operator, provider, call, now)
        session.add(round_)
        claim = claim_for(active.operator.dialect, (CommandKind.BET,), now)
        bet = new_call(session, round_, CommandKind.BET, now, claim)
        session.flush()
        _record_transaction(
            session,
            provider,
            call,
            now,
            player=active.player,
            round_id=round_.id,
            call_id=bet.id,
            answer=None,
        )
        job = platform.wallet.prepare(session, bet)
        return _OpenedBet(_user_of(active.player), round_.id, job, active.player.last_balance_minor)


def _game_id(provider: _ProviderRef, game_code: str | None) -> str:
    """An upstream game's id inside Reelhouse (sessions, rounds, feeds)."""
    return f"{provider.name}/{game_code or ''}"


def _relayed_round(
    game_session: GameSession,
    operator: Operator,
    provider: _ProviderRef,
    call: UpstreamCall,
    now: dt.datetime,
) -> Round:
    assert call.amount_minor is not None
    # What the provider said of the round, for its details (it keeps the outcome itself).
    told: dict[str, object] = {
        "provider": provider.name,
        "round": call.round_id,
        "bet": call.bet_label,
    }
    if call.is_free:
        # A free round of the provider's reward: its stake as the provider named it, and
        # the reward, kept for the operator to match against the rewards it granted.
        told.update(free=True, reward=call.reward_id, stake_minor=call.amount_minor)
    if call.is_promo:
        told.update(promo=True, transaction=call.transaction_id)
    return Round(
        id=new_id(),
        operator_id=game_session.operator_id,
        player_id=game_session.player_id,
        session_id=game_session.id,
        game_code=game_session.game_code,
        rtp_variant=0,
        math_hash="",
        rng_version=RELAY_RNG_VERSION,
        bet_minor=_casino_debit_minor(call),
        win_minor=call.amount_minor if call.is_promo else 0,
        awarded_win_minor=None,
        win_capped=False,
        win_cap_minor=None,
        free_round_id=None,
        draws_json="[]",
        outcome_json=json.dumps(told, separators=(",", ":")),
        state=RoundState.BET_PENDING.value,
        demo=False,
        balance_after_minor=None,
        provider_id=provider.id,
        upstream_round_ref=call.round_id,
        # The currency its wallet calls carry (store/outbox.command_for): the operator's first.
        currency=session_currency(game_session, operator),
        created_at_utc=to_naive_utc(now),
        updated_at_utc=to_naive_utc(now),
    )


def _casino_debit_minor(call: UpstreamCall) -> int:
    """What a relayed round's bet takes from the player at the casino: nothing for a free
    round of a provider's reward (the operator pays it, as Reelhouse's own free rounds)
    and for a promotion's win (its bet of 0 only carries the win); else the bet."""
    assert call.amount_minor is not None
    if call.is_free or call.is_promo:
        return 0
    return call.amount_minor


async def _bet(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> tuple[UpstreamAnswer, PreparedCall | None]:
    deadline_s = provider.answer_deadline_ms / 1000
    open_bet = functools.partial(_open_bet, platform, provider, call)
    opened = await _when_free(platform, open_bet, call, deadline_s * HELD_SHARE_OF_DEADLINE)
    if isinstance(opened, UpstreamAnswer):
        return opened, None
    cap_ms = int(provider.answer_deadline_ms * CASINO_SHARE_OF_DEADLINE)
    delivered = await platform.wallet.deliver_prepared_async(
        replace(opened.job, timeout_cap_ms=cap_ms)
    )
    answer = _delivered_bet_answer(call, opened, delivered)
    if answer.status is AnswerStatus.OK and call.round_closed:
        # The provider closed the round on its bet (a loss): the casino gets its win of 0,
        # as every round of Reelhouse's own does.
        closing = functools.partial(_close_with_no_win, platform, opened.round_id)
        await platform.db.in_thread(closing)
    # A bet of unknown outcome has its cancel claimed: the route sends it after answering.
    return answer, delivered.follow_up


async def _when_free(
    platform: Platform, work: Callable[[], T], call: UpstreamCall, wait_s: float
) -> T | UpstreamAnswer:
    """Do `work` (open a round) once none of its player's calls is on the wire (waiting at
    most `wait_s`, without a thread), else refuse the call: the provider rolls a bet back,
    and sends a win again."""
    waited_s = 0.0
    while True:
        try:
            return await platform.db.in_thread(work)
        except ReelhouseError as held:
            if held.code is not ApiCode.ROUND_IN_PROGRESS or waited_s >= wait_s:
                return _status(call, AnswerStatus.UNKNOWN_ERROR)
        await anyio.sleep(HELD_POLL_SECONDS)
        waited_s += HELD_POLL_SECONDS


def _delivered_bet_answer(
    call: UpstreamCall, opened: _OpenedBet, delivered: Delivered
) -> UpstreamAnswer:
    outcome = delivered.outcome
    if outcome.kind is OutcomeKind.APPLIED:
        balance = outcome.balance_minor
        if balance is None:
            # A dialect whose bet answer carries no balance: the last known, less the bet.
            balance = (opened.player_balance_minor or 0) - _casino_debit_minor(call)
        return _ok(call, opened.user, call.wire_currency or "", balance)
    state = CallState.REFUSED.value if outcome.kind is OutcomeKind.REFUSED else "unknown"
    refusal = f"refused:{outcome.refusal.value}" if outcome.refusal else ""
    return _bet_answer_of(call, opened.user, state, refusal, outcome.balance_minor)


def _close_with_no_win(platform: Platform, round_id: int) -> None:
    now = platform.clock.now()
    with platform.db.transaction() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        if round_.state != RoundState.DEBITED.value:
            return
        bet = session.scalar(
            select(WalletCall).where(
                WalletCall.round_id == round_id, WalletCall.kind == CommandKind.BET.value
            )
        )
        assert bet is not None
        new_call(
            session,
            round_,
            CommandKind.WIN,
            now,
            None,
            dialect=pinned_dialect(session, bet),
            amount_minor=0,
        )


# --- Win ----------------------------------------------------------------------------------


def _win(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> tuple[UpstreamAnswer, PreparedCall | None]:
    """Write the win with its casino call, claimed when the player has none on the wire
    (sent by the route after answering), else queued for the outbox; answer at once."""
    assert call.transaction_id is not None and call.amount_minor is not None
    now = platform.clock.now()
    with platform.db.transaction() as session:
        seat = _seat(session, provider, call)
        earlier = _earlier(session, provider, call.transaction_id)
        if earlier is not None:
            return _repeat_answer(session, earlier, call, seat.player.id), None
        bet_row = _bet_paid(session, provider, call, seat.player.id)
        if bet_row is None or bet_row.kind != CallKind.BET.value or bet_row.call_id is None:
            raise _Refused(AnswerStatus.TRANSACTION_DOES_NOT_EXIST)
        if bet_row.player_id != seat.player.id:
            raise _Refused(AnswerStatus.TRANSACTION_DOES_NOT_EXIST)
        bet = session.get(WalletCall, bet_row.call_id)
        round_ = session.get(Round, bet_row.round_id)
        assert bet is not None and round_ is not None
        if round_.state in (RoundState.CANCELLING.value, RoundState.CANCELLED.value):
            raise _Refused(AnswerStatus.TRANSACTION_ROLLED_BACK)
        if round_.state not in (RoundState.DEBITED.value, RoundState.SETTLED.value):
            # Its bet was refused, or its outcome is not known yet: nothing to pay against.
            raise _Refused(AnswerStatus.TRANSACTION_DOES_NOT_EXIST)
        round_.win_minor += call.amount_minor
        job = _new_follow_up(
            platform, session, seat, round_, bet, CommandKind.WIN, call.amount_minor, now
        )
        answer = _win_recorded(session, provider, call, seat, round_.id, job[1], now)
        return answer, job[0]


# --- A provider's promotion: a win with no bet -------------------------------------------


async def _promo_win(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> tuple[UpstreamAnswer, PreparedCall | None]:
    """A provider's promotion paying a player (Hub88 `is_supplier_promo`, no bet named):
    opened once none of the player's calls is on the wire, as a bet is, and answered at
    once, as a win is. Held past the wait: an error, and the provider sends it again."""
    wait_s = provider.answer_deadline_ms / 1000 * HELD_SHARE_OF_DEADLINE
    opened = await _when_free(
        platform, functools.partial(_open_promo, platform, provider, call), call, wait_s
    )
    return (opened, None) if isinstance(opened, UpstreamAnswer) else opened


def _open_promo(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> tuple[UpstreamAnswer, PreparedCall | None]:
    """Write the promotion as a relayed round of its own: a bet of 0, claimed (sent by the
    route after answering), and the win, queued behind it, in one commit. Every dialect
    pays a win against a bet (iGamingAce B's Deposit names its Withdraw; a win with none
    is a free round of a grant of Reelhouse's), so the casino gets a bet of 0 first; the
    settlement table lets the win go whatever the casino answers to that bet (its role
    `relayed promo bet`), since the provider has its answer already."""
    assert call.transaction_id is not None and call.amount_minor is not None
    now = platform.clock.now()
    with platform.db.transaction() as session:
        seat = _seat(session, provider, call)
        earlier = _earlier(session, provider, call.transaction_id)
        if earlier is not None:
            return _repeat_answer(session, earlier, call, seat.player.id), None
        if call.currency != seat.operator.currency:
            raise _Refused(AnswerStatus.WRONG_CURRENCY)
        if player_hold(session, seat.player.id).holding_round_id is not None:
            raise ReelhouseError(ApiCode.ROUND_IN_PROGRESS, "an earlier call is on the wire")
        if not platform.wallet.available(seat.operator.id):
            raise _Refused(AnswerStatus.UNKNOWN_ERROR)  # the casino's breaker is open
        round_ = _relayed_round(seat.session, seat.operator, provider, call, now)
        session.add(round_)
        claim = claim_for(seat.operator.dialect, (CommandKind.BET,), now)
        bet = new_call(session, round_, CommandKind.BET, now, claim)
        win = new_call(
            session,
            round_,
            CommandKind.WIN,
            now,
            None,
            dialect=bet.dialect,
            amount_minor=call.amount_minor,
        )
        session.flush()
        answer = _win_recorded(session, provider, call, seat, round_.id, win.id, now)
        return answer, platform.wallet.prepare(session, bet)


def _claim_next_unsent(platform: Platform, round_id: int) -> PreparedCall | None:
    """The win or cancel never sent of the player of `round_id` (a promotion's win, once
    its bet of 0 was answered), claimed to be sent now; None when there is none or the
    worker has it."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        player_id = session.scalar(select(Round.player_id).where(Round.id == round_id))
        assert player_id is not None
        session.execute(select(Player.id).where(Player.id == player_id).with_for_update())
        call_id = claim_unsent_follow_up(session, player_id, now)
        if call_id is None:
            return None
        call = session.get(WalletCall, call_id)
        assert call is not None
        return platform.wallet.prepare(session, call)


def _bet_paid(
    session: Session, provider: _ProviderRef, call: UpstreamCall, player_id: int
) -> UpstreamTransaction | None:
    """The bet a win pays: the one it names, or, where the protocol's wins name their round
    instead (SlotCity v4, iGamingAce A), the bet that opened that round for this player.
    None for a win with neither (a provider's promotion names none: `_promo_win` opens
    a round of its own for it)."""
    if call.reference_transaction_id is not None:
        return _earlier(session, provider, call.reference_transaction_id)
    if call.is_promo or call.round_id is None:
        return None
    return session.scalar(
        select(UpstreamTransaction)
        .join(Round, Round.id == UpstreamTransaction.round_id)
        .where(
            Round.provider_id == provider.id,
            Round.upstream_round_ref == call.round_id,
            Round.player_id == player_id,
            UpstreamTransaction.provider_id == provider.id,
            UpstreamTransaction.kind == CallKind.BET.value,
        )
        .order_by(Round.created_at_utc.desc(), Round.id.desc())
        .limit(1)
    )


def _win_recorded(
    session: Session,
    provider: _ProviderRef,
    call: UpstreamCall,
    seat: _Seat,
    round_id: int,
    call_id: int,
    now: dt.datetime,
) -> UpstreamAnswer:
    """A win's answer (the last known balance plus the win: answered before the casino
    credits it), recorded with its transaction for repeats."""
    assert call.amount_minor is not None
    balance = (seat.player.last_balance_minor or 0) + call.amount_minor
    answer = _ok(call, _user_of(seat.player), call.wire_currency or "", balance)
    _record_transaction(
        session, provider, call, now,
        player=seat.player, round_id=round_id, call_id=call_id, answer=answer,
    )  # fmt: skip
    return answer


def _new_follow_up(
    platform: Platform,
    session: Session,
    seat: _Seat,
    round_: Round,
    bet: WalletCall,
    kind: CommandKind,
    amount_minor: int,
    now: dt.datetime,
) -> tuple[PreparedCall | None, int]:
    """A win or cancel of a relayed round, in its bet's dialect: claimed for the caller to
    send when none of the player's calls is on the wire or waiting before it, else queued
    behind them (the outbox sends it in order)."""
    dialect = pinned_dialect(session, bet)
    hold = player_hold(session, seat.player.id)
    free = hold.holding_round_id is None
    claim = claim_for(dialect, (kind,), now) if free else None
    follow_up = new_call(
        session,
        round_,
        kind,
        now,
        claim,
        cancel_of=bet if kind is CommandKind.CANCEL else None,
        dialect=dialect,
        amount_minor=amount_minor,
    )
    session.flush()
    job = platform.wallet.prepare(session, follow_up) if claim is not None else None
    return job, follow_up.id


# --- Cancel (rollback) --------------------------------------------------------------------


def _cancel(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> tuple[UpstreamAnswer, PreparedCall | None]:
    assert call.transaction_id is not None and call.reference_transaction_id is not None
    now = platform.clock.now()
    with platform.db.transaction() as session:
        seat = _seat(session, provider, call)
        earlier = _earlier(session, provider, call.transaction_id)
        if earlier is not None:
            repeat = _repeat_answer(session, earlier, call, seat.player.id, seat.operator.currency)
            return repeat, None
        user = _user_of(seat.player)
        balance = seat.player.last_balance_minor or 0
        target = _earlier(session, provider, call.reference_transaction_id)
        job: PreparedCall | None = None
        call_id: int | None = None
        if target is None:
            # The bet has not arrived (or never will): written now, so it is refused when
            # it comes, and nothing is sent.
            session.add(
                UpstreamTransaction(
                    id=new_id(),
                    provider_id=provider.id,
                    transaction_ref=call.reference_transaction_id,
                    kind=CallKind.BET.value,
                    fingerprint="",
                    reference_ref=None,
                    player_id=seat.player.id,
                    round_id=None,
                    call_id=None,
                    cancelled_first=True,
                    answer_status=None,
                    answer_balance_minor=None,
                    amount_minor=0,
                    created_at_utc=to_naive_utc(now),
                )
            )
        elif target.cancelled_first:
            pass  # cancelled before it came, by an earlier cancel: nothing more to do
        elif target.kind != CallKind.BET.value:
            # A reversal of a win (SlotCity, iGamingAce B allow it) is not relayed. Not
            # "does not exist", which the provider reads as "nothing to reverse, done" while
            # the casino holds the win: an error, retried and in the end left to a person.
            raise _Refused(AnswerStatus.UNKNOWN_ERROR)
        elif target.call_id is None:
            raise _Refused(AnswerStatus.TRANSACTION_DOES_NOT_EXIST)
        else:
            bet = session.get(WalletCall, target.call_id)
            round_ = session.get(Round, target.round_id)
            assert bet is not None and round_ is not None
            if bet.state == CallState.IN_FLIGHT.value:
                # Its outcome is not known yet: the provider asks again later.
                raise _Refused(AnswerStatus.UNKNOWN_ERROR)
            if round_.state == RoundState.SETTLED.value or _has_win(session, round_.id):
                # A win was paid, or is on its way, against it: a reversal of the whole round
                # is not relayed (its cancel would meet the win's acknowledgement).
                raise _Refused(AnswerStatus.UNKNOWN_ERROR)
            if round_.state == RoundState.DEBITED.value:
                target_state = RoundState.CANCELLING
                round_.state = check_round_move(RoundState.DEBITED, target_state).value
                round_.updated_at_utc = to_naive_utc(now)
                job, call_id = _new_follow_up(
                    platform,
                    session,
                    seat,
                    round_,
                    bet,
                    CommandKind.CANCEL,
                    bet.amount_minor,
                    now,
                )
                balance += bet.amount_minor
            # Refused: nothing moved. Unknown: its cancel is already on its way.
        answer = _ok(call, user, call.wire_currency or seat.operator.currency, balance)
        _record_transaction(
            session,
            provider,
            call,
            now,
            player=seat.player,
            round_id=target.round_id if target is not None else None,
            call_id=call_id,
            answer=answer,
        )
        return answer, job


def _has_win(session: Session, round_id: int) -> bool:
    found = session.scalar(
        select(WalletCall.id)
        .where(WalletCall.round_id == round_id, WalletCall.kind == CommandKind.WIN.value)
        .limit(1)
    )
    return found is not None


# --- Status (SlotCity v4) -------------------------------------------------------------


def _transaction_status(
    platform: Platform, provider: _ProviderRef, call: UpstreamCall
) -> UpstreamAnswer:
    """What became of a transaction the provider asks about, from Reelhouse's record of
    what it answered (never relayed: the provider asks what *Reelhouse* acknowledged).
    Cancelled: a cancel of it was acknowledged, or it was cancelled before it came. Applied
    (OK): a win or cancel acknowledged, or a bet the casino debited. Anything else (never
    seen, a bet refused or of unknown outcome, another player's) does not exist: the
    provider's cancel of such a bet is done, nothing was debited that it must refund."""
    asked = call.reference_transaction_id
    assert asked is not None
    with platform.db.transaction(read_only=True) as session:
        seat = session.execute(
            select(Player.id)
            .join(GameSession, GameSession.player_id == Player.id)
            .where(_session_where(provider, call))
        ).one_or_none()
        if seat is None:
            raise _Refused(AnswerStatus.INVALID_TOKEN)
        row = _earlier(session, provider, asked)
        if row is None or row.player_id != seat[0]:
            raise _Refused(AnswerStatus.TRANSACTION_DOES_NOT_EXIST)
        cancelled = (
            row.cancelled_first
            or session.scalar(
                select(UpstreamTransaction.id)
                .where(
                    UpstreamTransaction.provider_id == provider.id,
                    UpstreamTransaction.kind == CallKind.CANCEL.value,
                    UpstreamTransaction.reference_ref == asked,
                )
                .limit(1)
            )
            is not None
        )
        if cancelled:
            return _transaction_answer(call, TransStatus.CANCELED)
        if row.kind != CallKind.BET.value:
            return _transaction_answer(call, TransStatus.OK)
        bet = session.get(WalletCall, row.call_id) if row.call_id is not None else None
        if bet is not None and bet.state == CallState.ACKED.value:
            return _transaction_answer(call, TransStatus.OK)
        raise _Refused(AnswerStatus.TRANSACTION_DOES_NOT_EXIST)


def _transaction_answer(call: UpstreamCall, found: TransStatus) -> UpstreamAnswer:
    return UpstreamAnswer(AnswerStatus.OK, call.request_id, call=call, trans_status=found)


# --- After the answer ---------------------------------------------------------------------


async def deliver_after_answer(platform: Platform, job: PreparedCall) -> None:
    """Send a win or cancel the relay claimed, once the provider has its answer, or a
    promotion's bet of 0 and then its win. Its outcome is recorded like any attempt; a
    failure leaves it to the outbox's retries."""
    try:
        await platform.wallet.deliver_prepared_async(job)
        if job.command.kind is CommandKind.BET:
            # A promotion's bet: its win waits queued behind it, sent now rather than at
            # the worker's next pass.
            assert job.command.round_id is not None
            claim = functools.partial(_claim_next_unsent, platform, job.command.round_id)
            win = await platform.db.in_thread(claim)
            if win is not None:
                await platform.wallet.deliver_prepared_async(win)
    except Exception:
        log.exception("relayed call not delivered", extra={"trans_id": job.call_id})
