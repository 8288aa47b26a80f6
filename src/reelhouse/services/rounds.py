"""One spin: the round is sealed and written with its bet before any callback is sent, then
the bet, then the win (or, when the bet's fate is unknown, its cancel).

A free round (services/freerounds.py) has no bet: it is written already `debited`
with its win call, which is sent at once. Every round's win is cut to the agent's max win per
round (and a grant's own cap); the round keeps what the game awarded beside what it pays.

A round may open while an earlier one still waits for its win or cancel to be acknowledged,
once that call has been sent (store.outbox.round_holding_next; docs/rounds.md).

A paid round costs two transactions before its answer, each committing with the call that
must follow it: the round with its claimed bet, then the bet's outcome with its claimed win
(or cancel); the win's outcome is the third. Each builds what the next call needs from the
rows it already holds, so nothing is read twice (docs/performance.md). The wallet is awaited
without a thread (`spin_async`); only the short database work runs on a worker thread."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio

from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.jurisdictions import Profile
from reelhouse.domain.money import Currency
from reelhouse.domain.money import currency as money_currency
from reelhouse.domain.states import RoundState
from reelhouse.domain.wallet import (
    CommandKind,
    Delivered,
    PreparedCall,
    RefusalReason,
    WalletOutcome,
)
from reelhouse.games import bet_modes, catalogue, engine, rng
from reelhouse.games.bet_modes import BetMode
from reelhouse.games.engine import is_valid_bet
from reelhouse.games.model import Game
from reelhouse.services import (
    freerounds,
    game_maintenance,
    jurisdiction_rules,
    operator_currencies,
    rg_audit,
    session_end,
    session_rules,
)
from reelhouse.services.jurisdiction_rules import PLAIN, SpinStyle
from reelhouse.services.launch import ActiveSession, active_session
from reelhouse.services.operator_currencies import BetLimits
from reelhouse.services.operators import OperatorState
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import check_own_game_session
from reelhouse.store.models import FreeRoundGrant, GameSession, Operator, Round, session_currency
from reelhouse.store.outbox import (
    claim_for,
    claim_unsent_follow_up,
    new_call,
    owed_win_minor,
)
from reelhouse.store.secrets import token_hash

T = TypeVar("T")
log = logging.getLogger("reelhouse.rounds")


@dataclass(frozen=True)
class SpinResult:
    round_id: int
    currency: str
    # What the player's answer writes the amounts in (operator_currencies.session_view).
    view: Currency
    state: RoundState
    bet_minor: int
    win_minor: int
    balance_minor: int | None
    outcome: dict[str, Any]
    win_capped: bool = False  # the agent's max win (or the grant's cap) cut the win
    free_round_id: int | None = None
    # Wins of the player's rounds (this one included) the wallet has not acknowledged yet:
    # `balance_minor` is the wallet's and does not hold them; shown beside it, never added.
    win_owed_minor: int = 0
    # Whether the client may celebrate the win (services/jurisdiction_rules.celebrate).
    celebrate: bool = False

    @property
    def win_credited(self) -> bool:
        return self.state is RoundState.SETTLED


def parse_bet(
    limits: BetLimits,
    bet_text: str,
    game: Game,
    mode: BetMode = bet_modes.BASE,
    view: Currency | None = None,
) -> int:
    """The bet in minor units of the session's currency, read in `view` (the player's display
    unit; None: the currency itself). One rule for paid spins and free-round grants (services/
    freerounds.py), applied to the stake in that currency's limits: a bonus buy's price
    (games/bet_modes.py) must lie within them, as the amount the wallet is charged."""
    bet_minor = freerounds.bet_minor_in(view or limits.currency, bet_text)
    freerounds.check_stake(limits, game, bet_modes.stake_minor(game, mode, bet_minor))
    if not is_valid_bet(game, bet_minor):  # the price of a bet off the step may be on it
        raise ReelhouseError(
            ApiCode.PARAMETERS_INVALID, "bet must be a multiple of the game's bet step"
        )
    return bet_minor


def bet_mode(game: Game, name: str, free_round_id: int | None) -> BetMode:
    """The bet mode a spin asks for: one the game offers (3031), never for a free round,
    which is played at its granted bet (3032)."""
    mode = bet_modes.mode_of(game, name)
    if mode is None:
        raise ReelhouseError(
            ApiCode.BET_MODE_UNKNOWN, f"{game.game_code} offers no bet mode {name[:16]!r}"
        )
    if free_round_id is not None and mode != bet_modes.BASE:
        raise ReelhouseError(ApiCode.BET_MODE_NOT_FREE, "a free round is played at its bet")
    return mode


def win_cap(*limits: int | None) -> int | None:
    """The smallest limit that applies (None: no limit), stored on the round for replay."""
    applying = [limit for limit in limits if limit is not None]
    return min(applying) if applying else None


def cap_win(win_minor: int, *limits: int | None) -> tuple[int, bool]:
    """What a round pays: its win cut to the smallest limit that applies (None: no limit),
    and whether a limit cut it. A win equal to a limit is not cut."""
    cap = win_cap(*limits)
    paid = win_minor if cap is None else min(win_minor, cap)
    return paid, paid < win_minor


def _check_real_money(platform: Platform, active: ActiveSession) -> None:
    if active.operator.state != OperatorState.APPROVED:
        raise ReelhouseError(ApiCode.AGENT_NOT_APPROVED, "agent not approved for real play")
    if not platform.wallet.available(active.operator.id):
        raise _shut_off()


def _shut_off() -> ReelhouseError:
    """The operator's wallet is shut off (breaker open, or its bulkhead full): the bet is
    not sent, so nothing moved anywhere. Caught before the round is written, there is no
    round; caught at the send, the round is kept as rejected, its bet `refused:not_sent`."""
    return ReelhouseError(
        ApiCode.WALLET_SHUT_OFF, "the casino's wallet is unavailable; the bet was not sent"
    )


def _sealed_round(
    platform: Platform,
    active: ActiveSession,
    game: Game,
    bet_minor: int,
    now: dt.datetime,
    limits: BetLimits,
    grant: FreeRoundGrant | None = None,
    mode: BetMode = bet_modes.BASE,
) -> Round:
    """Draw the outcome and seal it in a round row, before anything is sent. Real and demo
    rounds are drawn here alike: same engine, same RNG, same math. The round's bet is its
    stake (a bonus buy's price), what the wallet is charged."""
    variant = active.session.rtp_variant
    recorder = rng.RecordingRng(platform.game_rng())
    outcome = engine.play(game, variant, bet_minor, recorder, mode)
    demo = active.session.demo_balance_minor is not None
    # The agent's max win per round (0 = none) and a free-round grant's own cap cut what the
    # round pays; the outcome (and its replay) keeps what the game awarded.
    cap = win_cap(
        limits.max_win_minor or None,
        freerounds.cap_left(grant) if grant is not None else None,
    )
    paid, capped = cap_win(outcome.win_minor, cap)
    if grant is not None:
        freerounds.record_win(grant, paid)
    # A demo round moves no money anywhere, so it is born settled; a free round has nothing
    # to debit, so it is born where a paid round is once its bet was applied (states.py).
    state = RoundState.BET_PENDING
    if demo:
        state = RoundState.SETTLED
    elif grant is not None:
        state = RoundState.DEBITED
    return Round(
        id=new_id(),
        operator_id=active.operator.id,
        player_id=active.player.id,
        session_id=active.session.id,
        game_code=game.game_code,
        rtp_variant=variant,
        math_hash=catalogue.math_hash(game, variant),
        rng_version=rng.RNG_VERSION,
        bet_minor=outcome.bet_minor,
        win_minor=paid,
        awarded_win_minor=outcome.win_minor,
        win_capped=capped,
        win_cap_minor=cap,
        free_round_id=grant.id if grant is not None else None,
        draws_json=json.dumps(list(outcome.draws)),
        outcome_json=json.dumps(outcome.to_json(), separators=(",", ":")),
        state=state.value,
        demo=demo,
        # Set here so the row is whole in memory (no reload when its outcome is recorded).
        balance_after_minor=None,
        provider_id=None,  # one of Reelhouse's own games
        upstream_round_ref=None,
        # The currency of its amounts, in this INSERT: its events name it at settlement
        # without reading the session or the player again (store/events.py).
        currency=limits.currency.code,
        created_at_utc=to_naive_utc(now),
        updated_at_utc=to_naive_utc(now),
    )


def _settle_demo(game_session: GameSession, round_: Round) -> None:
    balance = game_session.demo_balance_minor
    assert balance is not None
    if round_.bet_minor > balance:
        raise ReelhouseError(ApiCode.BALANCE_NOT_ENOUGH, "insufficient funds")
    game_session.demo_balance_minor = balance - round_.bet_minor + round_.win_minor
    round_.balance_after_minor = game_session.demo_balance_minor


@dataclass(frozen=True)
class Opened:
    """A round written, with its first call claimed and ready to send (None for a demo round,
    settled in the same commit). `owed_before_minor` is the player's unacknowledged wins of
    earlier rounds, read under the same lock."""

    round_id: int
    call: PreparedCall | None
    round_: Round
    currency: str
    view: Currency  # what the spin's answer writes its amounts in
    owed_before_minor: int
    rules: Profile
    lang: str  # the session's language: a refusal the player reads is written in it

    @property
    def call_id(self) -> int | None:
        return self.call.call_id if self.call is not None else None


def _checked_rules(
    active: ActiveSession, bet_minor: int, stake_minor: int, style: SpinStyle, now: dt.datetime
) -> Profile:
    """The session's profile, once the round passed its market's rules and the session's;
    a refusal carries its session, for its audit row."""
    try:
        rules = jurisdiction_rules.check_round(
            active.session, active.currency, bet_minor, style, now
        )
        unit = money_currency(active.currency).unit
        session_rules.check_spin(active.session, rules, stake_minor, unit, now)
    except ReelhouseError as refused:
        raise rg_audit.Refusal(refused, active.session, stake_minor) from refused
    return rules


def _open_round(
    platform: Platform,
    session_token: str,
    bet_text: str,
    free_round_id: int | None = None,
    style: SpinStyle = PLAIN,
) -> Opened:
    """`_write_round`, with a refusal by a market rule or a session limit audited once its
    transaction is rolled back (services/rg_audit.py)."""
    try:
        return _write_round(platform, session_token, bet_text, free_round_id, style)
    except rg_audit.Refusal as refused:
        try:
            rg_audit.record_refusal(platform, refused)
        except Exception:
            # The player still gets the refusal's own answer; the failure is logged.
            log.exception("could not write the audit row of a %d refusal", refused.code)
        raise


def _write_round(
    platform: Platform,
    session_token: str,
    bet_text: str,
    free_round_id: int | None = None,
    style: SpinStyle = PLAIN,
) -> Opened:
    """Write the round (and its claimed bet call) in one commit. A demo round is settled in
    the same commit and has no call."""
    now = platform.clock.now()
    riding = platform.wallet.riding_acks(token_hash(session_token))
    with riding as write_acks, platform.db.transaction() as session:
        # The session's last win, acknowledged but not yet written, commits with this round
        # (dispatch/ack_batch.py); written first, so what follows reads it settled.
        write_acks(session)
        # The player's row lock makes "nothing holds the player, then start a round" atomic
        # (the worker takes the same lock before it claims one of the player's calls).
        active = active_session(platform, session, session_token, lock_player=True, with_hold=True)
        check_own_game_session(active.session)
        if active.in_maintenance:
            # Refused before anything is written: the next round waits for the game to return.
            raise ReelhouseError(ApiCode.UNDER_MAINTENANCE, game_maintenance.REFUSAL)
        assert active.hold is not None
        hold = active.hold
        demo = active.session.demo_balance_minor is not None
        if not demo:
            _check_real_money(platform, active)
        game = catalogue.get_game(active.session.game_code)
        assert game is not None, "a session's game left the catalogue"
        grant = None
        mode = bet_mode(game, style.bet_mode, free_round_id)
        limits = operator_currencies.limits_in(session, active.operator, active.currency)
        # The bet is read in the scale the player was shown (its display unit, if any).
        view = active.view
        if free_round_id is None:
            bet_minor = parse_bet(limits, bet_text, game, mode, view)
        else:
            bet_minor = freerounds.bet_minor_in(view, bet_text)
        # The market's rules and the session's (reality check, limits), from the session row
        # this statement read: before anything of the round (or of a grant) is written, so a
        # refusal changes nothing. The market's cap is on the round's price (a bonus buy's
        # price, not its bet); a free round stakes nothing of the player's.
        priced_minor = bet_modes.stake_minor(game, mode, bet_minor)
        stake_minor = priced_minor if free_round_id is None else 0
        rules = _checked_rules(active, priced_minor, stake_minor, style, now)
        if free_round_id is not None:
            # Under the player's lock, so two spins cannot both take a grant's last round.
            grant = freerounds.take_one(session, active, game.game_code, free_round_id, now)
            freerounds.check_granted_bet(grant, bet_minor)
        if hold.holding_round_id is not None:
            raise ReelhouseError(ApiCode.ROUND_IN_PROGRESS, "previous round is being settled")
        jurisdiction_rules.note_round_start(active.session, rules, now)
        round_ = _sealed_round(platform, active, game, bet_minor, now, limits, grant, mode)
        if grant is not None or demo:
            # A paid round's activity is written with its bet's outcome, in the same update
            # of the session (store/outbox.py): one statement fewer per round.
            active.session.last_activity_at_utc = to_naive_utc(now)

        def opened(call: PreparedCall | None) -> Opened:
            return Opened(
                round_.id,
                call,
                round_,
                active.currency,
                view,
                hold.owed_win_minor,
                rules,
                active.session.lang,
            )

        if demo:
            _settle_demo(active.session, round_)
            session.add(round_)
            return opened(None)
        session.add(round_)
        if grant is not None:
            # Nothing to debit: a free round's first call is its win (0 on a loss).
            claim = claim_for(active.operator.dialect, (CommandKind.WIN,), now)
            first = new_call(session, round_, CommandKind.WIN, now, claim)
        else:
            # A bet, whose answer cannot depend on the win; one bet_win call carrying bet and
            # win only for an operator that opted in (and whose dialect has one). The claim
            # must outlast that call's longest possible attempt (see store.outbox).
            opening = platform.wallet.opening_call(
                active.operator.dialect, single_call=active.operator.single_call_rounds
            )
            claim = claim_for(active.operator.dialect, (opening.kind,), now)
            first = new_call(session, round_, opening.kind, now, claim)
        session.flush()
        return opened(platform.wallet.prepare(session, first))


# Database work waiting per pooled connection beyond which a new spin is refused (3006)
# rather than queued. Each waiting piece is one short transaction, so 8 per connection is
# about a second of queue at the rates measured (docs/performance.md); past it the wait
# grows until players' requests time out unanswered, which serves nobody (measured: with
# 2,000 waiting, spins waited 5-10 s). The refusal comes before anything is written or
# sent; a spin already under way is never refused, its outcomes are always recorded.
WAITING_PER_CONNECTION = 8
BUSY_RETRY_AFTER_SECONDS = 2


async def _database_work(platform: Platform, work: Callable[[], T], *, may_shed: bool) -> T:
    """Run `work` (one short transaction) on a worker thread, queued behind the others
    (store/db.py). With `may_shed`, a spin that would queue behind too many is refused."""
    bound = WAITING_PER_CONNECTION * platform.db.connections_max
    if may_shed and platform.db.waiting_for_a_thread() >= bound:
        raise ReelhouseError(
            ApiCode.BUSY,
            "Reelhouse is busy: the spin was not played and nothing moved; retry shortly",
            retry_after_seconds=BUSY_RETRY_AFTER_SECONDS,
        )
    return await platform.db.in_thread(work)


def spin(
    platform: Platform,
    session_token: str,
    bet_text: str,
    free_round_id: int | None = None,
    style: SpinStyle = PLAIN,
) -> SpinResult:
    """`spin_async` for a blocking caller (the command line, tests). It runs on a thread of
    its own, with an event loop of its own: whatever the calling thread has (a loop running
    in it, or the traces of one) cannot stop it."""
    play = functools.partial(spin_async, platform, session_token, bet_text, free_round_id, style)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="spin") as pool:
        result = pool.submit(anyio.run, play).result()
    # A blocking caller reads what it played next: its win is written before it returns.
    platform.wallet.write_pending_acks()
    return result


async def spin_async(
    platform: Platform,
    session_token: str,
    bet_text: str,
    free_round_id: int | None = None,
    style: SpinStyle = PLAIN,
) -> SpinResult:
    """Play one round; with `free_round_id`, one free round of that grant, at its bet.
    `style` is how the client says it plays it (autoplay, turbo): the session's jurisdiction
    profile may refuse it (services/jurisdiction_rules.py)."""
    open_round = functools.partial(
        _open_round, platform, session_token, bet_text, free_round_id, style
    )
    try:
        opened = await _database_work(platform, open_round, may_shed=True)
    except ReelhouseError as held:
        if held.code is not ApiCode.ROUND_IN_PROGRESS:
            raise
        opened = await _open_once_released(platform, session_token, open_round, held)
    if opened.call is None:
        return _result_of(
            opened, RoundState(opened.round_.state), opened.round_.balance_after_minor
        )
    first = await platform.wallet.deliver_prepared_async(opened.call)
    last = first
    if first.follow_up is not None:
        # The win (or the cancel of an unknown bet) goes out at once; if it fails it stays
        # queued and the worker retries it with the same id and body.
        last = await platform.wallet.deliver_prepared_async(first.follow_up)
    if first.round_state is None or last.round_state is None:
        # A claim was lost while its call was on the wire: the round is as the database says.
        read_back = functools.partial(round_result, platform, opened.round_id)
        result = await _database_work(platform, read_back, may_shed=False)
    else:
        result = _result_of(opened, RoundState(last.round_state), _balance_after(first, last))
    _raise_for_refused_bet(result, first.outcome, opened.lang)
    return result


# A spin held by a call of its player's on the wire looks again this often, for this long,
# before it answers 3002. Most often that call is a win already answered whose record is on
# its way (dispatch/ack_batch.py: written within about 10 ms), from another process or
# another of the player's sessions; a player's next spin should not fail for it.
HELD_POLL_SECONDS = 0.02
HELD_WAIT_SECONDS = 0.5


async def _open_once_released(
    platform: Platform,
    session_token: str,
    open_round: Callable[[], Opened],
    held: ReelhouseError,
) -> Opened:
    """Open the round once what held it is gone, or raise `held` (3002)."""
    # Held because an earlier round's win or cancel was never sent (its process died, or
    # the worker has not come to it): send it now, then open the round.
    send_held = functools.partial(_send_unsent_follow_up, platform, session_token)
    if await _database_work(platform, send_held, may_shed=False):
        return await _database_work(platform, open_round, may_shed=False)
    waited_s = 0.0
    while waited_s < HELD_WAIT_SECONDS:
        await anyio.sleep(HELD_POLL_SECONDS)
        waited_s += HELD_POLL_SECONDS
        try:
            return await _database_work(platform, open_round, may_shed=False)
        except ReelhouseError as again:
            if again.code is not ApiCode.ROUND_IN_PROGRESS:
                raise
    raise held


def _balance_after(first: Delivered, last: Delivered) -> int | None:
    """The wallet's balance after the round's last answered call."""
    for delivered in (last, first):
        if delivered.outcome.balance_minor is not None:
            return delivered.outcome.balance_minor
    return None


def _result_of(opened: Opened, state: RoundState, balance_minor: int | None) -> SpinResult:
    """The round's result from what this spin wrote and heard: nothing is read back."""
    round_ = opened.round_
    # A win still waiting for the wallet (its call failed and is queued) is owed too.
    own_owed = round_.win_minor if state is RoundState.DEBITED else 0
    return SpinResult(
        round_id=round_.id,
        currency=opened.currency,
        view=opened.view,
        state=state,
        bet_minor=round_.bet_minor,
        win_minor=round_.win_minor,
        balance_minor=balance_minor,
        outcome=json.loads(round_.outcome_json),
        win_capped=round_.win_capped,
        free_round_id=round_.free_round_id,
        win_owed_minor=opened.owed_before_minor + own_owed,
        celebrate=jurisdiction_rules.celebrate(opened.rules, round_.bet_minor, round_.win_minor),
    )


def _send_unsent_follow_up(platform: Platform, session_token: str) -> bool:
    """Claim and send the win or cancel that holds the player because it was never sent;
    whether one was sent (its outcome, whatever it was, is recorded like any attempt)."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        active = active_session(platform, session, session_token, lock_player=True)
        call_id = claim_unsent_follow_up(session, active.player.id, now)
    if call_id is None:
        return False
    platform.wallet.deliver(call_id)
    return True


def round_result(platform: Platform, round_id: int) -> SpinResult:
    with platform.db.transaction() as session:
        round_ = session.get(Round, round_id)
        assert round_ is not None
        operator = session.get(Operator, round_.operator_id)
        assert operator is not None
        game_session = session.get(GameSession, round_.session_id)
        assert game_session is not None
        rules = jurisdiction_rules.session_profile(game_session)
        return SpinResult(
            round_id=round_.id,
            currency=session_currency(game_session, operator),
            view=operator_currencies.session_view(game_session, operator),
            state=RoundState(round_.state),
            bet_minor=round_.bet_minor,
            win_minor=round_.win_minor,
            balance_minor=round_.balance_after_minor,
            outcome=json.loads(round_.outcome_json),
            win_capped=round_.win_capped,
            free_round_id=round_.free_round_id,
            win_owed_minor=owed_win_minor(session, round_.player_id),
            celebrate=jurisdiction_rules.celebrate(rules, round_.bet_minor, round_.win_minor),
        )


def _raise_for_refused_bet(result: SpinResult, bet: WalletOutcome, lang: str) -> None:
    """A refused or unconfirmed bet is an error to the player, after it was recorded."""
    if result.state is RoundState.REJECTED:
        # The player may not play now: the session ended with the refusal (store/outbox.py).
        stopped = session_end.refused_bet_error(bet.refusal, lang)
        if stopped is not None:
            raise stopped
        if bet.refusal is RefusalReason.INSUFFICIENT_FUNDS:
            raise ReelhouseError(ApiCode.BALANCE_NOT_ENOUGH, "insufficient funds")
        if bet.refusal is RefusalReason.NOT_SENT:
            # The breaker opened (or no bulkhead slot freed) between the check and the send.
            raise _shut_off()
        raise ReelhouseError(ApiCode.CALLBACK_ERROR, "the casino refused the bet")
    if result.state in (RoundState.CANCELLING, RoundState.CANCELLED):
        # The round's id (as text: it is 63 bits) lets the client and the operator follow
        # the cancel to its end.
        raise ReelhouseError(
            ApiCode.WALLET_UNAVAILABLE,
            "the casino did not confirm the bet; it is being cancelled (refunded)",
            {"round_id": str(result.round_id)},
        )
