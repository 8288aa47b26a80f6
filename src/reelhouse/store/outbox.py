"""The transactional outbox: wallet-call rows and what each outcome does to its round.

Every function here runs inside the caller's unit of work, so a round's state change and
the call that must follow it commit together. The spin service
and the dispatcher worker both advance rounds only through `record_outcome`.

The order one player's calls reach the wallet in (docs/wallet-callbacks.md): at most one of
them is on the wire at a time, and a round opens (its bet, or a free round's win) only once
every earlier round of the player has had its win or cancel put on the wire at least once
(`round_holding_next`). Retries of that win or cancel may follow the next round's bet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, Select, and_, exists, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.clock import from_naive_utc, to_naive_utc, unix_ms
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import (
    LATE_BET_WINDOW_SECONDS,
    LEASE_MARGIN_SECONDS,
    LEASE_TIMEOUT_FACTOR,
)
from reelhouse.domain.session_end import end_of_refusal
from reelhouse.domain.settlement import (
    CallRole,
    FollowUp,
    call_role,
    call_state_after,
    cancel_role,
    settlement,
)
from reelhouse.domain.states import (
    OPEN_ROUND_STATES,
    CallState,
    RoundState,
    check_call_move,
    check_round_move,
)
from reelhouse.domain.wallet import (
    ROUND_OPENING_KINDS,
    TRANS_TYPE_BY_KIND,
    CommandKind,
    OutcomeKind,
    WalletCommand,
    WalletOutcome,
)
from reelhouse.store import events
from reelhouse.store.models import (
    CallAttempt,
    FreeRoundGrant,
    GameSession,
    Operator,
    Player,
    Round,
    WalletCall,
    session_currency,
)


def lease_seconds(timeout_ms: int) -> float:
    return LEASE_TIMEOUT_FACTOR * timeout_ms / 1000 + LEASE_MARGIN_SECONDS


# The detail of an attempt row written when a delivery raised outside the attempt itself
# (dispatch/sender.py): the request may never have been put on the wire, so such a row does
# not count as "sent" below.
DELIVERY_RAISED = "delivery raised"

# A cancel answered "not found" is sent once more when this long has passed since its bet was
# sent, unless it was itself sent after that (domain/limits.py).
LATE_BET_WINDOW = dt.timedelta(seconds=LATE_BET_WINDOW_SECONDS)

_FOLLOW_UP_KINDS = (CommandKind.WIN.value, CommandKind.CANCEL.value)
# A player named by id, or by the column of a statement that reads players.
PlayerKey = int | InstrumentedAttribute[int]
# As stored, in a stable order (one cached statement).
_OPEN_ROUND_STATE_VALUES = sorted(state.value for state in OPEN_ROUND_STATES)
# A call not yet acknowledged, and not given up on: waiting, on the wire, or with a person.
_UNACKNOWLEDGED_STATES = (CallState.QUEUED.value, CallState.IN_FLIGHT.value, CallState.MANUAL.value)


def _follow_up_sent_once() -> ColumnElement[bool]:
    """The round's win or cancel has been put on the wire at least once: an attempt of it
    finished, whatever its outcome. A claim that expired (its holder died mid-call) is not
    one: nobody knows whether that request left."""
    return exists().where(
        WalletCall.round_id == Round.id,
        WalletCall.kind.in_(_FOLLOW_UP_KINDS),
        CallAttempt.call_id == WalletCall.id,
        CallAttempt.detail.not_like(f"{DELIVERY_RAISED}%"),
    )


def _in_flight_round_query(player_id: PlayerKey) -> Select[Any]:
    """The round of a call of the player that is claimed: on the wire, or held by a process
    that may have died mid-call (until its lease runs out)."""
    return (
        select(WalletCall.round_id)
        .where(WalletCall.player_id == player_id, WalletCall.state == CallState.IN_FLIGHT.value)
        .limit(1)
    )


def _follow_up_waiting_unsent() -> ColumnElement[bool]:
    """The round has a win or cancel written and never put on the wire."""
    sent = exists().where(
        CallAttempt.call_id == WalletCall.id,
        CallAttempt.detail.not_like(f"{DELIVERY_RAISED}%"),
    )
    return exists().where(
        WalletCall.round_id == Round.id,
        WalletCall.kind.in_(_FOLLOW_UP_KINDS),
        WalletCall.state == CallState.QUEUED.value,
        ~sent,
    )


def _unsent_round_query(player_id: PlayerKey) -> Select[Any]:
    """An unsettled round of the player whose win or cancel has never been sent. A relayed
    round (services/relay.py) waits for its provider's wins, which may never come (a loss
    the provider closes with no win): it holds the player only while a win or cancel of it
    is written and not yet sent."""
    own_unsent = and_(Round.provider_id.is_(None), ~_follow_up_sent_once())
    relayed_unsent = and_(Round.provider_id.is_not(None), _follow_up_waiting_unsent())
    return (
        select(Round.id)
        .where(
            Round.player_id == player_id,
            Round.state.in_(_OPEN_ROUND_STATE_VALUES),
            or_(own_unsent, relayed_unsent),
        )
        .limit(1)
    )


def _owed_query(player_id: PlayerKey) -> Select[Any]:
    return select(func.coalesce(func.sum(WalletCall.amount_minor), 0)).where(
        WalletCall.player_id == player_id,
        WalletCall.kind == CommandKind.WIN.value,
        WalletCall.state.in_(_UNACKNOWLEDGED_STATES),
    )


@dataclass(frozen=True)
class PlayerHold:
    """What a player's earlier rounds mean for the next one, read in one statement."""

    in_flight_round_id: int | None  # a round with a call of the player claimed
    unsent_round_id: int | None  # an unsettled round whose win or cancel was never sent
    owed_win_minor: int  # wins the wallet has not acknowledged yet (owed_win_minor)

    @classmethod
    def of(cls, in_flight: int | None, unsent: int | None, owed: int | None) -> PlayerHold:
        """From the values of `hold_columns`, in their order."""
        return cls(in_flight, unsent, int(owed or 0))

    @property
    def holding_round_id(self) -> int | None:
        """The round that keeps the player from opening another now (round_holding_next)."""
        if self.in_flight_round_id is not None:
            return self.in_flight_round_id
        return self.unsent_round_id


def hold_columns(player_id: PlayerKey) -> tuple[ScalarSelect[Any], ...]:
    """A player's hold as three columns (PlayerHold.of reads them back): a statement that
    reads the player can read its hold too, as the spin does (services/launch.py). The
    player may be a column of that statement (correlated) or a known id."""
    return (
        _in_flight_round_query(player_id).scalar_subquery(),
        _unsent_round_query(player_id).scalar_subquery(),
        _owed_query(player_id).scalar_subquery(),
    )


def player_hold(session: Session, player_id: int) -> PlayerHold:
    """The player's hold and owed wins, in one statement."""
    return PlayerHold.of(*session.execute(select(*hold_columns(player_id))).one())


def round_holding_next(session: Session, player_id: int) -> int | None:
    """The round that keeps `player_id` from opening another one now, or None.

    A round may open while earlier ones are still unsettled, so long as the wallet sees one
    player's calls in order: no call of the player is on the wire (or claimed by a holder that
    may have died mid-call), and every unsettled round has had its win or cancel sent at least
    once. A bet of unknown outcome thus holds the player until its cancel went out once: the
    wallet sees the refund asked for before the next debit, and its balance check of that
    debit counts the refund whenever the wallet applied it. Call in the transaction that
    holds the player's row lock."""
    return player_hold(session, player_id).holding_round_id


def claim_unsent_follow_up(session: Session, player_id: int, now: dt.datetime) -> int | None:
    """Claim, for the caller to send now, the win or cancel of the player's unsettled round
    that has never been sent (a crashed process's call the worker took back, or a bet's
    cancel the worker has not sent yet), so that the player's next round need not wait for
    the worker; None when there is none or a call of the player is on the wire. A call
    someone else holds the row lock of is skipped, never waited for: the caller holds the
    player's row lock, and whoever records an attempt holds the call's and then takes the
    player's."""
    hold = player_hold(session, player_id)
    if hold.in_flight_round_id is not None or hold.unsent_round_id is None:
        return None
    holding = hold.unsent_round_id
    # A round that holds the player has sent no win or cancel: its one queued call is it.
    call = session.scalar(
        select(WalletCall)
        .where(
            WalletCall.round_id == holding,
            WalletCall.state == CallState.QUEUED.value,
            WalletCall.kind.in_(_FOLLOW_UP_KINDS),
        )
        .order_by(WalletCall.created_at_utc, WalletCall.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if call is None:
        return None
    claim_call(call, now, claim_of(session, call, now).until)
    return call.id


def owed_win_minor(session: Session, player_id: int) -> int:
    """The wins of the player's rounds still waiting for the wallet to acknowledge them: money
    the wallet's balance does not hold yet (shown beside it, never added to it)."""
    return int(session.scalar(_owed_query(player_id)) or 0)


@dataclass(frozen=True)
class Claim:
    """Who holds a call and until when; None means the call is created queued."""

    until: dt.datetime


def claim_for(dialect: str, kinds: Iterable[CommandKind], now: dt.datetime) -> Claim:
    """The one source of a claim's lease: a claim on a call about to go out in `dialect` (the
    one pinned on it) outlasts the longest attempt that dialect allows any of `kinds` (a
    bet's follow-up is claimed before anyone knows whether it is a win or a cancel)."""
    codec = get_dialect(dialect)
    timeout_ms = max(codec.timeout_ms(kind) for kind in kinds)
    return Claim(now + dt.timedelta(seconds=lease_seconds(timeout_ms)))


def claim_of(session: Session, call: WalletCall, now: dt.datetime) -> Claim:
    """A claim on an existing call: timed by its pinned dialect's timeout for its kind."""
    return claim_for(pinned_dialect(session, call), (CommandKind(call.kind),), now)


def pinned_dialect(session: Session, call: WalletCall) -> str:
    """The dialect a call goes out in: the one pinned on it when it was created (a
    dialect switch never re-encodes a pending call), or, for a row written before calls
    were pinned, its operator's."""
    if call.dialect is not None:
        return call.dialect
    operator = session.get(Operator, call.operator_id)
    assert operator is not None
    return operator.dialect


def new_call(
    session: Session,
    round_: Round,
    kind: CommandKind,
    now: dt.datetime,
    claim: Claim | None,
    cancel_of: WalletCall | None = None,
    dialect: str | None = None,
    amount_minor: int | None = None,
) -> WalletCall:
    """A call of `round_`, pinned to `dialect`: a round's follow-up (its win or cancel) passes
    the dialect of the call that opened it, so a round never mixes dialects; None pins the
    operator's dialect now (the call that opens a round, or a free round's win)."""
    if dialect is None:
        operator = session.get(Operator, round_.operator_id)
        assert operator is not None
        dialect = operator.dialect
    amount = {
        CommandKind.BET: round_.bet_minor,
        CommandKind.BET_WIN: round_.bet_minor,  # the debit; the win travels beside it
        CommandKind.WIN: round_.win_minor,
        CommandKind.CANCEL: cancel_of.amount_minor if cancel_of else 0,
    }[kind]
    if amount_minor is not None:
        # A relayed round's win: one of the provider's, not the round's total.
        amount = amount_minor
    call = WalletCall(
        id=new_id(),
        operator_id=round_.operator_id,
        player_id=round_.player_id,
        round_id=round_.id,
        kind=kind.value,
        dialect=dialect,
        trans_type=TRANS_TYPE_BY_KIND[kind],
        amount_minor=amount,
        cancel_of_id=cancel_of.id if cancel_of else None,
        state=(CallState.IN_FLIGHT if claim else CallState.QUEUED).value,
        attempts=0,
        next_attempt_at_utc=to_naive_utc(now),
        lease_until_utc=to_naive_utc(claim.until) if claim else None,
        created_at_utc=to_naive_utc(now),
        updated_at_utc=to_naive_utc(now),
    )
    session.add(call)
    return call


def command_for(
    session: Session, call: WalletCall, *, opening_call_id: int | None = None
) -> WalletCommand:
    """The typed command a call row stands for. Built from stored rows only, so a retry
    carries exactly the same id and body as the first attempt. A caller that knows the id
    of the round's bet (it just recorded it) passes it, sparing a look-up."""
    round_ = session.get(Round, call.round_id)
    player = session.get(Player, call.player_id)
    operator = session.get(Operator, call.operator_id)
    assert round_ is not None and player is not None and operator is not None
    game_session = session.get(GameSession, round_.session_id)
    kind = CommandKind(call.kind)
    return WalletCommand(
        kind=kind,
        account=player.name,
        currency=session_currency(game_session, operator) if game_session else operator.currency,
        session_id=game_session.id if game_session else None,
        trans_id=call.id,
        round_id=round_.id,
        amount_minor=call.amount_minor,
        cancel_trans_id=call.cancel_of_id,
        # Reelhouse's own games are provider 1; a relayed round names its provider.
        provider_id=round_.provider_id or 1,
        game_code=round_.game_code,
        game_type="slot",
        created_at_ms=unix_ms(call.created_at_utc.replace(tzinfo=dt.UTC)),
        win_minor=round_.win_minor if kind is CommandKind.BET_WIN else None,
        # A free round has no bet: its win names the grant instead.
        bet_trans_id=(
            (opening_call_id or _opening_call_id(session, round_.id))
            if kind is CommandKind.WIN and round_.free_round_id is None
            else None
        ),
        free_round_id=round_.free_round_id,
        free_round_ref=_free_round_ref(session, round_),
    )


def _free_round_ref(session: Session, round_: Round) -> str | None:
    """The operator's own id for a free round's grant, when it gave one (iGamingAce)."""
    if round_.free_round_id is None:
        return None
    grant = session.get(FreeRoundGrant, round_.free_round_id)
    assert grant is not None, f"round {round_.id} names a grant that does not exist"
    return grant.external_id


def _opening_call_id(session: Session, round_id: int) -> int:
    """The id of the call that opened a round (its bet)."""
    found = session.scalar(
        select(WalletCall.id).where(
            WalletCall.round_id == round_id,
            WalletCall.kind.in_([k.value for k in ROUND_OPENING_KINDS]),
        )
    )
    assert found is not None, f"round {round_id} has no bet"
    return found


def lock_call(session: Session, call_id: int) -> WalletCall:
    call = session.scalar(select(WalletCall).where(WalletCall.id == call_id).with_for_update())
    assert call is not None, f"wallet call {call_id} vanished"
    return call


def claim_call(call: WalletCall, now: dt.datetime, until: dt.datetime) -> None:
    call.state = check_call_move(CallState(call.state), CallState.IN_FLIGHT)
    call.lease_until_utc = to_naive_utc(until)
    call.updated_at_utc = to_naive_utc(now)


def _move_round(session: Session, round_: Round, target: RoundState, now: dt.datetime) -> None:
    if round_.state == target.value:
        # A relayed round's second win (services/relay.py): settled already, it stays.
        round_.updated_at_utc = to_naive_utc(now)
        return
    round_.state = check_round_move(RoundState(round_.state), target).value
    round_.updated_at_utc = to_naive_utc(now)
    events.round_finished(session, round_, now)  # settled or cancelled: the operator hears


def _finish_call(
    call: WalletCall, target: CallState, outcome: WalletOutcome, now: dt.datetime
) -> None:
    call.state = check_call_move(CallState(call.state), target).value
    call.attempts += 1
    # "refused:insufficient_funds" keeps why a bet was refused next to what happened.
    call.last_outcome = outcome.kind.value + (
        f":{outcome.refusal.value}" if outcome.refusal else ""
    )
    call.last_detail = outcome.detail[:500]
    call.lease_until_utc = None
    call.updated_at_utc = to_naive_utc(now)
    if outcome.balance_minor is not None:
        call.balance_after_minor = outcome.balance_minor
    if target is CallState.ACKED:
        call.acked_at_utc = to_naive_utc(now)


def _note_balance(
    session: Session, call: WalletCall, round_: Round, outcome: WalletOutcome, note_player: bool
) -> None:
    if outcome.balance_minor is None:
        return
    round_.balance_after_minor = outcome.balance_minor
    if not note_player:
        return
    player = session.get(Player, call.player_id)
    assert player is not None
    player.last_balance_minor = outcome.balance_minor


def _add_to_session(
    session: Session, round_: Round, kind: CommandKind, amount: int, now: dt.datetime
) -> None:
    """Count an acknowledged call's money in its game session: a bet's spend, a win's win,
    and both for a bet_win (its win travelled inside it).

    Added by the database (`spend = spend + amount`), not from the row as this session holds
    it: the spin path records from rows it read before its wallet call (dispatch/sender.py),
    and the worker may have added an earlier round's win to the same session meanwhile."""
    game_session = session.get(GameSession, round_.session_id)
    if game_session is None:
        return
    won = 0
    if kind in ROUND_OPENING_KINDS:
        game_session.spend_minor = GameSession.spend_minor + amount
        # A bet is only ever sent by a spin: the player's activity, written in this update
        # rather than one of its own when the round opened (services/rounds.py).
        game_session.last_activity_at_utc = to_naive_utc(now)
        game_session.last_round_bet_minor = amount
    if kind is CommandKind.WIN:
        won = amount
    if kind is CommandKind.BET_WIN:
        won = round_.win_minor
    if won:
        game_session.win_minor = GameSession.win_minor + won


def _holds_a_win(session: Session, round_id: int) -> bool:
    """Whether a relayed round holds a win before its bet is answered: only a provider's
    promotion writes one so (services/relay.py), on its bet of 0."""
    found = session.scalar(
        select(WalletCall.id)
        .where(WalletCall.round_id == round_id, WalletCall.kind == CommandKind.WIN.value)
        .limit(1)
    )
    return found is not None


def _take_refund_off_session(session: Session, round_: Round, cancel: WalletCall) -> None:
    """A refunded bet leaves its game session's spend, if it was counted there: only an
    acknowledged bet was (an upstream provider's rollback, services/relay.py); a bet of
    unknown outcome never was. Taken off by the database, as `_add_to_session` adds."""
    bet = session.get(WalletCall, cancel.cancel_of_id) if cancel.cancel_of_id else None
    if bet is None or bet.state != CallState.ACKED.value or not bet.amount_minor:
        return
    game_session = session.get(GameSession, round_.session_id)
    if game_session is not None:
        game_session.spend_minor = GameSession.spend_minor - bet.amount_minor


def record_outcome(
    session: Session,
    call: WalletCall,
    outcome: WalletOutcome,
    now: dt.datetime,
    retry_at: dt.datetime | None,
    follow_up_claim: Claim | None,
    *,
    note_player_balance: bool = True,
) -> WalletCall | None:
    """Apply one attempt's outcome to a claimed call and its round, as the settlement table
    says (domain/settlement.py): this is the one place that table is carried out.

    `note_player_balance` False leaves the player's last known balance to the follow-up's
    record, when the caller sends that follow-up at once (dispatch/sender.py).

    Returns the follow-up call to send now (a bet's win or cancel), claimed by the caller
    when `follow_up_claim` is given. `retry_at` is when a failed win/cancel is tried again;
    None means its retry window is over and it goes to the manual queue.
    """
    assert call.state == CallState.IN_FLIGHT, f"call {call.id} is {call.state}, not claimed"
    round_ = session.get(Round, call.round_id)
    assert round_ is not None
    kind = CommandKind(call.kind)
    relayed = round_.provider_id is not None
    promo = relayed and kind is CommandKind.BET and _holds_a_win(session, round_.id)
    role = (
        _cancel_role(session, call)
        if kind is CommandKind.CANCEL
        else call_role(kind, relayed=relayed, promo=promo)
    )
    row = settlement(role, outcome.kind)
    _finish_call(call, row.call_state, outcome, now)
    final_state = call_state_after(row, retry_window_open=retry_at is not None)
    if final_state is not row.call_state:
        call.state = check_call_move(row.call_state, final_state).value
        if final_state is CallState.MANUAL:
            events.call_parked(session, call, round_, now)
    elif row.retry:
        assert retry_at is not None
        call.next_attempt_at_utc = to_naive_utc(retry_at)
    if row.notes_balance:
        # Left to the follow-up's record only when there is one (a relayed bet has none).
        note_player = note_player_balance or row.follow_up is FollowUp.NONE
        _note_balance(session, call, round_, outcome, note_player)
    if row.adds_to_session:
        _add_to_session(session, round_, kind, call.amount_minor, now)
    if row.round_state is RoundState.CANCELLED and outcome.kind is not OutcomeKind.NOT_FOUND:
        _take_refund_off_session(session, round_, call)
    if row.round_state is not None:
        _move_round(session, round_, row.round_state, now)
    if row.round_state is RoundState.REJECTED:
        _end_session_if_player_stopped(session, round_, outcome, now)
    return _write_follow_up(session, row.follow_up, call, round_, outcome, now, follow_up_claim)


def _end_session_if_player_stopped(
    session: Session, round_: Round, outcome: WalletOutcome, now: dt.datetime
) -> None:
    """A bet refused because the player may not play now (self-excluded, a limit, blocked)
    ends the game session it came in, in the same commit as the refusal, so no later spin on
    it can open a round (domain/session_end.py). Any other refusal leaves it open."""
    reason = end_of_refusal(outcome.refusal)
    if reason is None:
        return
    game_session = session.get(GameSession, round_.session_id)
    if game_session is None or game_session.closed_at_utc is not None:
        return
    game_session.closed_at_utc = to_naive_utc(now)
    game_session.end_reason = reason.value


def _write_follow_up(
    session: Session,
    follow_up: FollowUp,
    call: WalletCall,
    round_: Round,
    outcome: WalletOutcome,
    now: dt.datetime,
    claim: Claim | None,
) -> WalletCall | None:
    """Write the call the table says follows, in the same commit; return it when it is to be
    sent now. A round's follow-up is pinned to the dialect of the call before it."""
    if follow_up is FollowUp.NONE:
        return None
    pinned = pinned_dialect(session, call)
    if follow_up is FollowUp.WIN:
        return new_call(session, round_, CommandKind.WIN, now, claim, dialect=pinned)
    if follow_up is FollowUp.CANCEL:
        return new_call(
            session, round_, CommandKind.CANCEL, now, claim, cancel_of=call, dialect=pinned
        )
    if follow_up is FollowUp.CARRIED_WIN:
        _write_carried_win(session, call, round_, outcome, now)
    elif follow_up is FollowUp.RECHECK_CANCEL:
        _schedule_late_bet_recheck(session, call, round_, now, pinned)
    return None  # what follows is never sent now


def _is_recheck(session: Session, cancel: WalletCall) -> bool:
    """Whether `cancel` is the second cancel of its bet, sent after the late-bet window.
    Looked up through the round (indexed): a cancel is always in its bet's round."""
    earlier = session.scalar(
        select(WalletCall.id)
        .where(
            WalletCall.round_id == cancel.round_id,
            WalletCall.cancel_of_id == cancel.cancel_of_id,
            WalletCall.kind == CommandKind.CANCEL.value,
            WalletCall.id != cancel.id,
        )
        .limit(1)
    )
    return earlier is not None


def _late_bet_window_over(session: Session, cancel: WalletCall) -> dt.datetime:
    """When the wallet can no longer be holding the bet `cancel` reverses: the late-bet
    window after the bet was sent (a bet is written claimed and sent at once: its creation
    is when it left)."""
    bet = session.get(WalletCall, cancel.cancel_of_id)
    assert bet is not None, f"cancel {cancel.id} names no bet"
    return from_naive_utc(bet.created_at_utc) + LATE_BET_WINDOW


def _cancel_role(session: Session, cancel: WalletCall) -> CallRole:
    """Whether a "not found" answer to `cancel` is final (domain/settlement). Called before
    the attempt is recorded, so `updated_at_utc` is still its claim: taken just before it was
    sent."""
    return cancel_role(
        second_cancel=_is_recheck(session, cancel),
        sent_at=from_naive_utc(cancel.updated_at_utc),
        window_over=_late_bet_window_over(session, cancel),
    )


def _schedule_late_bet_recheck(
    session: Session, cancel: WalletCall, round_: Round, now: dt.datetime, pinned: str
) -> None:
    """A cancel answered "not found" does not prove the bet will never land: a wallet may
    still hold it (its answer timed out here) and apply it after answering the cancel, as
    the public contracts allow. The round stays `cancelling` and a second cancel of the same
    bet, with its own id, goes out once the late-bet window is over: it reverses a bet that
    landed late, or finds nothing again and settles the round. It holds no spin: the first
    cancel was sent. It is due when the window after the bet was sent is over."""
    bet = session.get(WalletCall, cancel.cancel_of_id)
    assert bet is not None
    recheck = new_call(
        session, round_, CommandKind.CANCEL, now, None, cancel_of=bet, dialect=pinned
    )
    recheck.next_attempt_at_utc = to_naive_utc(_late_bet_window_over(session, cancel))


def _write_carried_win(
    session: Session, call: WalletCall, round_: Round, outcome: WalletOutcome, now: dt.datetime
) -> None:
    """One acknowledgement debited the bet and credited the win.

    The feeds show every round as a bet (type 1) and a win (type 2): the bet_win row is the
    type 1, and the win is written beside it, in this same commit, as a type 2 row that is
    born acknowledged (it travelled inside the bet_win and is never sent on its own). Each
    row's balance is the one right after it, as for a bet and a win sent apart.
    """
    balance_after = outcome.balance_minor
    if balance_after is not None:
        call.balance_after_minor = balance_after - round_.win_minor
    session.add(
        WalletCall(
            id=new_id(),
            operator_id=round_.operator_id,
            player_id=round_.player_id,
            round_id=round_.id,
            kind=CommandKind.WIN.value,
            dialect=call.dialect,
            trans_type=TRANS_TYPE_BY_KIND[CommandKind.WIN],
            amount_minor=round_.win_minor,
            cancel_of_id=None,
            state=CallState.ACKED.value,
            attempts=0,
            next_attempt_at_utc=to_naive_utc(now),
            lease_until_utc=None,
            last_outcome=outcome.kind.value,
            last_detail=f"carried by bet_win {call.id}",
            balance_after_minor=balance_after,
            created_at_utc=to_naive_utc(now),
            updated_at_utc=to_naive_utc(now),
            acked_at_utc=to_naive_utc(now),
        )
    )


def expired_claim_ids(session: Session, now: dt.datetime, limit: int) -> list[int]:
    """Calls whose claim ran out before `now`, soonest expired first: the order of the partial
    index on claimed calls (store/models.py), so the look-up reads claims, never the table's
    past."""
    return list(
        session.scalars(
            select(WalletCall.id)
            .where(
                WalletCall.state == CallState.IN_FLIGHT.value,
                WalletCall.lease_until_utc < to_naive_utc(now),
            )
            .order_by(WalletCall.lease_until_utc, WalletCall.id)
            .limit(limit)
        )
    )


def expire_lease(
    session: Session, call: WalletCall, now: dt.datetime, retry_at: dt.datetime | None = None
) -> WalletCall | None:
    """A claim whose holder died (or whose delivery raised): a bet's outcome is unknown
    (cancel it); a win or cancel counts one attempt and goes back to the queue at `retry_at`,
    or to the manual queue when its retry window is over (None). Counting it is what stops a
    call whose every delivery fails the same way from being claimed forever."""
    outcome = WalletOutcome(OutcomeKind.UNKNOWN, detail="claim expired: holder stopped")
    return record_outcome(session, call, outcome, now, retry_at=retry_at, follow_up_claim=None)


def release_unsent(call: WalletCall, now: dt.datetime, retry_at: dt.datetime) -> None:
    """Give back a claim on a call that was never put on the wire (its operator's breaker
    was open or its bulkhead full). Not an attempt: nothing is counted."""
    call.state = check_call_move(CallState(call.state), CallState.QUEUED).value
    call.lease_until_utc = None
    call.next_attempt_at_utc = to_naive_utc(retry_at)
    call.updated_at_utc = to_naive_utc(now)
