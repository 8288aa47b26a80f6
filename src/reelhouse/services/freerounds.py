"""Free rounds: an operator grants a player N rounds of one game at a fixed bet, paid for by
the operator, not debited from the player.

Dialect-neutral on purpose: SlotCity's `/v4/game/freeround/start|cancel` and the iGamingAce
facades' bonus calls all come here. A facade may name a grant by its own id (iGamingAce
`issueId` / `freespinID`) through `external_id`; Reelhouse's own id is the `fr_id`.

How a free round is played (docs/rounds.md): the spin names the grant; under the player's row
lock the grant's row is locked too, one round is taken from it, and the round is written
already `debited` (nothing to debit) with its win call in the same commit: no bet call at all.
The win is credited like any other (same outbox, same retries); its callback names the grant
(SlotCity `call_id`).

A grant is bound to one player and one game. It cannot be used after it expired or was
cancelled, and it cannot be cancelled once its first round was played.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reelhouse.domain.clock import UTC, format_api_time, from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.events import FINISHED_CANCELLED, FINISHED_EXPIRED, FINISHED_USED_UP
from reelhouse.domain.ids import new_id
from reelhouse.domain.limits import (
    FREE_ROUND_EXTERNAL_ID_MAX_CHARS,
    FREE_ROUND_MAX_LIFETIME_SECONDS,
    FREE_ROUND_MIN_LEAD_SECONDS,
    FREE_ROUNDS_MAX_PER_GRANT,
    MAX_AMOUNT_MINOR,
)
from reelhouse.domain.money import Currency, MoneyError, currency, format_fixed, to_minor
from reelhouse.games.engine import is_valid_bet
from reelhouse.games.model import Game
from reelhouse.services.launch import ActiveSession
from reelhouse.services.launch import _game_or_refuse as game_or_refuse
from reelhouse.services.operator_currencies import (
    BetLimits,
    fix_player_currency,
    limits_in,
    player_currency,
)
from reelhouse.services.platform import Platform
from reelhouse.services.players import owned_player
from reelhouse.store import events
from reelhouse.store.models import FreeRoundGrant, Operator

EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
INT64_MAX = 2**63 - 1
# Operators' ids for grants: printable, no spaces (iGamingAce B's freespinID is 1-36 chars).
EXTERNAL_ID = re.compile(r"[A-Za-z0-9_.:-]+", re.ASCII)


class GrantState(StrEnum):
    """Stored: `active` or `cancelled`, or `expired` once the sweep that tells the operator
    (`finish_expired`) saw it expire. The others are read from the counters and the clock."""

    ACTIVE = "active"
    CANCELLED = "cancelled"
    USED_UP = "used_up"
    EXPIRED = "expired"


@dataclass(frozen=True)
class GrantRequest:
    user_code: int
    provider_id: int
    game_code: str
    bet_minor: int
    rounds: int
    expires_at: dt.datetime  # aware UTC
    external_id: str | None = None
    win_cap_minor: int = 0  # the most the whole grant may pay; 0 = no cap of its own
    # The currency its amounts were read in (`grant_limits`); None: the player's.
    currency: str | None = None


@dataclass(frozen=True)
class GrantView:
    fr_id: int
    external_id: str | None
    user_code: int
    game_code: str
    bet_minor: int
    rounds_total: int
    rounds_used: int
    won_minor: int
    state: GrantState
    expires_at: dt.datetime

    @property
    def remaining(self) -> int:
        return self.rounds_total - self.rounds_used if self.state is GrantState.ACTIVE else 0


def _invalid(message: str) -> ReelhouseError:
    return ReelhouseError(ApiCode.PARAMETERS_INVALID, message)


# --- the shared bet rule and request parsing helpers --------------------------------------


def check_stake(limits: BetLimits, game: Game, bet_minor: int) -> None:
    """A stake the agent's limits in its currency and the game's bet step allow (1012
    otherwise). Paid spins and grants share this rule; a granted bet is honoured later even
    if the limits change."""
    if not limits.min_bet_minor <= bet_minor <= limits.max_bet_minor:
        raise _invalid("bet outside the allowed range")
    if not is_valid_bet(game, bet_minor):
        raise _invalid("bet must be a multiple of the game's bet step")


def grant_limits(platform: Platform, operator: Operator, user_code: int) -> BetLimits:
    """The currency (and its limits) a grant for this player is in: the player's, fixed by
    its first launch or grant, else the operator's first. 2002/1010 for a player that is
    not the operator's. The API reads the grant's amounts in it, exactly (1012 for more
    decimals than it has), and names it in the GrantRequest, so a launch fixing the player
    in another currency meanwhile is refused (3026), never misread."""
    with platform.db.transaction(read_only=True) as session:
        player = owned_player(session, operator.id, user_code)
        return limits_in(session, operator, player_currency(player, operator))


def bet_minor_of(currency_code: str, amount: Decimal | int | str) -> int:
    """A bet as the operator wrote it (a JSON number or decimal text) in minor units; too many
    decimals or not an amount is 1012, never rounded."""
    return bet_minor_in(currency(currency_code), amount)


def bet_minor_in(cur: Currency, amount: Decimal | int | str) -> int:
    """`bet_minor_of` in `cur`, which may be a display unit's view (a player's bet in mBTC:
    finer than the minor unit is 1012, never rounded)."""
    try:
        return to_minor(amount, cur)
    except MoneyError as exc:
        raise _invalid(f"bet: {exc}") from exc


def expiry_from_epoch_ms(epoch_ms: int) -> dt.datetime:
    """SlotCity's `expirationDate` (epoch milliseconds), exactly: no float on the way."""
    try:
        return EPOCH + dt.timedelta(milliseconds=epoch_ms)
    except OverflowError as exc:
        raise _invalid("expirationDate is out of range") from exc


def _check_request(request: GrantRequest, now: dt.datetime) -> None:
    if not 1 <= request.rounds <= FREE_ROUNDS_MAX_PER_GRANT:
        raise _invalid(f"rounds must be 1-{FREE_ROUNDS_MAX_PER_GRANT}")
    lead = (request.expires_at - now).total_seconds()
    if lead < FREE_ROUND_MIN_LEAD_SECONDS:
        raise _invalid("expirationDate must be at least 30 minutes ahead")
    if lead > FREE_ROUND_MAX_LIFETIME_SECONDS:
        raise _invalid("expirationDate must be within a year")
    if not 0 <= request.win_cap_minor <= MAX_AMOUNT_MINOR:
        raise _invalid("win cap must be 0 (none) or a positive amount")
    ref = request.external_id
    if ref is not None and not (
        len(ref) <= FREE_ROUND_EXTERNAL_ID_MAX_CHARS and EXTERNAL_ID.fullmatch(ref)
    ):
        raise _invalid(
            f"external id must be 1-{FREE_ROUND_EXTERNAL_ID_MAX_CHARS} of [A-Za-z0-9_.:-]"
        )


# --- the operator's side: grant, cancel, look up ------------------------------------------


def grant(platform: Platform, operator_id: int, request: GrantRequest) -> GrantView:
    """Grant free rounds. 2007/2003 unknown provider/game, 1012 a value out of range, 2002/1010
    unknown or another agent's player, 2011 an external id this operator already used."""
    game = game_or_refuse(request.provider_id, request.game_code)
    now = platform.clock.now()
    _check_request(request, now)
    try:
        with platform.db.transaction() as session:
            operator = session.get(Operator, operator_id)
            assert operator is not None
            player = owned_player(session, operator_id, request.user_code)
            # The grant is in the player's currency (the one its amounts were read in):
            # fixed here if no launch fixed it yet, so its rounds are played in it.
            code = request.currency or player_currency(player, operator)
            check_stake(limits_in(session, operator, code), game, request.bet_minor)
            fix_player_currency(session, player, code)
            if request.external_id is not None and _by_ref(
                session, operator_id, None, request.external_id
            ):
                raise ReelhouseError(ApiCode.BONUSCALL_DOUBLE, "this grant id was used already")
            row = FreeRoundGrant(
                id=new_id(),
                operator_id=operator_id,
                player_id=player.id,
                game_code=game.game_code,
                bet_minor=request.bet_minor,
                rounds_total=request.rounds,
                rounds_used=0,
                win_cap_minor=request.win_cap_minor,
                won_minor=0,
                external_id=request.external_id,
                state=GrantState.ACTIVE.value,
                expires_at_utc=to_naive_utc(request.expires_at),
                created_at_utc=to_naive_utc(now),
                updated_at_utc=to_naive_utc(now),
            )
            session.add(row)
            session.flush()
            return _view(row, now)
    except IntegrityError as exc:
        # Two grants with one external id at once: the unique constraint let one through.
        raise ReelhouseError(ApiCode.BONUSCALL_DOUBLE, "this grant id was used already") from exc


def cancel(
    platform: Platform,
    operator_id: int,
    *,
    fr_id: int | None = None,
    external_id: str | None = None,
    forfeit_started: bool = False,
) -> GrantView:
    """Withdraw a grant nobody played yet. 2020 unknown (or another operator's); 2012 used
    up or expired, or its first round was played. Cancelling a cancelled grant changes
    nothing. `forfeit_started` (iGamingAce A, whose contract forfeits the unplayed spins)
    also withdraws a grant the player started: the rounds played stay played (a round in
    play took its round under this row's lock before the cancel got it), the rest are gone."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        row = _by_ref(session, operator_id, fr_id, external_id, lock=True)
        if row is None:
            raise ReelhouseError(ApiCode.FREEROUND_NO_EXIST, "no such free round grant")
        state = _state(row, now)
        if state is GrantState.CANCELLED:
            return _view(row, now)
        if state is GrantState.USED_UP:
            raise ReelhouseError(ApiCode.BONUSCALL_ALREADY_ENDED, "these free rounds are used up")
        if row.rounds_used and not forfeit_started:
            raise ReelhouseError(
                ApiCode.BONUSCALL_ALREADY_ENDED,
                f"the player started these free rounds ({row.rounds_used} played)",
            )
        if state is GrantState.EXPIRED:
            raise ReelhouseError(ApiCode.BONUSCALL_ALREADY_ENDED, "these free rounds expired")
        row.state = GrantState.CANCELLED.value
        row.updated_at_utc = to_naive_utc(now)
        events.grant_finished(session, row, FINISHED_CANCELLED, _currency_of(session, row), now)
        return _view(row, now)


def find(
    platform: Platform,
    operator_id: int,
    *,
    fr_id: int | None = None,
    external_id: str | None = None,
) -> GrantView:
    """A grant of this operator, by either id; 2020 if there is none."""
    with platform.db.transaction() as session:
        row = _by_ref(session, operator_id, fr_id, external_id)
        if row is None:
            raise ReelhouseError(ApiCode.FREEROUND_NO_EXIST, "no such free round grant")
        return _view(row, platform.clock.now())


def active_grants(platform: Platform, operator_id: int, user_code: int) -> list[GrantView]:
    """A player's grants that can still be played (iGamingAce A allows one at a time)."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        owned_player(session, operator_id, user_code)
        rows = session.scalars(
            select(FreeRoundGrant)
            .where(
                FreeRoundGrant.player_id == user_code,
                FreeRoundGrant.state == GrantState.ACTIVE.value,
            )
            .order_by(FreeRoundGrant.expires_at_utc, FreeRoundGrant.id)
        )
        views = [_view(row, now) for row in rows]
    return [v for v in views if v.state is GrantState.ACTIVE]


def _by_ref(
    session: Session,
    operator_id: int,
    fr_id: int | None,
    external_id: str | None,
    *,
    lock: bool = False,
) -> FreeRoundGrant | None:
    assert (fr_id is None) != (external_id is None), "name a grant by exactly one id"
    query = select(FreeRoundGrant).where(FreeRoundGrant.operator_id == operator_id)
    if fr_id is not None:
        if not 1 <= fr_id <= INT64_MAX:
            return None  # no id of ours (and out of the database's integer range)
        query = query.where(FreeRoundGrant.id == fr_id)
    else:
        query = query.where(FreeRoundGrant.external_id == external_id)
    return session.scalar(query.with_for_update() if lock else query)


def _state(row: FreeRoundGrant, now: dt.datetime) -> GrantState:
    if row.state == GrantState.CANCELLED:
        return GrantState.CANCELLED
    if row.rounds_used >= row.rounds_total:
        return GrantState.USED_UP
    if from_naive_utc(row.expires_at_utc) <= now:
        return GrantState.EXPIRED
    return GrantState.ACTIVE


def _view(row: FreeRoundGrant, now: dt.datetime) -> GrantView:
    return GrantView(
        fr_id=row.id,
        external_id=row.external_id,
        user_code=row.player_id,
        game_code=row.game_code,
        bet_minor=row.bet_minor,
        rounds_total=row.rounds_total,
        rounds_used=row.rounds_used,
        won_minor=row.won_minor,
        state=_state(row, now),
        expires_at=from_naive_utc(row.expires_at_utc),
    )


# --- the player's side: what the game client shows, and one free round taken -------------


def offer(session: Session, player_id: int, game_code: str, now: dt.datetime) -> GrantView | None:
    """The grant a player in this game plays next: the playable one that expires first."""
    rows = session.scalars(
        select(FreeRoundGrant)
        .where(
            FreeRoundGrant.player_id == player_id,
            FreeRoundGrant.game_code == game_code,
            FreeRoundGrant.state == GrantState.ACTIVE.value,
            FreeRoundGrant.rounds_used < FreeRoundGrant.rounds_total,
            FreeRoundGrant.expires_at_utc > to_naive_utc(now),
        )
        .order_by(FreeRoundGrant.expires_at_utc, FreeRoundGrant.id)
        .limit(1)
    )
    row = rows.first()
    return _view(row, now) if row is not None else None


def offer_json(view: GrantView | None, cur: Currency) -> dict[str, Any] | None:
    if view is None:
        return None
    return {
        "fr_id": view.fr_id,
        "remaining": view.remaining,
        "total": view.rounds_total,
        "bet": format_fixed(view.bet_minor, cur),
        "expires_at": format_api_time(view.expires_at),
    }


def take_one(
    session: Session, active: ActiveSession, game_code: str, fr_id: int, now: dt.datetime
) -> FreeRoundGrant:
    """Take one round from a grant for a spin in this session. The caller holds the player's
    row lock (one round per player at a time); the grant's row lock also orders this against
    a cancel. 2020 not this player's grant for this game (or a demo session: free rounds are
    real money); 2012 used up, expired or cancelled."""
    row = None
    if 1 <= fr_id <= INT64_MAX and active.session.demo_balance_minor is None:
        row = session.scalar(
            select(FreeRoundGrant).where(FreeRoundGrant.id == fr_id).with_for_update()
        )
    if row is None or row.player_id != active.player.id or row.game_code != game_code:
        raise ReelhouseError(
            ApiCode.FREEROUND_NO_EXIST, "no such free rounds for this player and game"
        )
    state = _state(row, now)
    if state is not GrantState.ACTIVE:
        raise ReelhouseError(
            ApiCode.BONUSCALL_ALREADY_ENDED, f"these free rounds are {state.replace('_', ' ')}"
        )
    row.rounds_used += 1
    row.updated_at_utc = to_naive_utc(now)
    if row.rounds_used >= row.rounds_total:
        # Its last round is being played: in the spin's transaction, the operator hears so.
        events.grant_finished(session, row, FINISHED_USED_UP, active.currency, now)
    return row


def check_granted_bet(row: FreeRoundGrant, bet_minor: int) -> None:
    """A free round plays at the granted bet: the client sends it back, anything else is 1012
    (so a client that lost track of the grant never plays at a bet it did not show)."""
    if bet_minor != row.bet_minor:
        raise _invalid("a free round plays at the granted bet")


def cap_left(row: FreeRoundGrant) -> int | None:
    """What the grant may still pay (its own cap, iGamingAce `callAmount`); None: no cap."""
    return max(row.win_cap_minor - row.won_minor, 0) if row.win_cap_minor else None


def record_win(row: FreeRoundGrant, paid_minor: int) -> None:
    row.won_minor += paid_minor


def _currency_of(session: Session, row: FreeRoundGrant) -> str:
    """A grant's currency: its player's, which the grant fixed (services/operator_currencies)."""
    return events.player_currency_of(session, row.player_id, row.operator_id)


def finish_expired(session: Session, now: dt.datetime, limit: int) -> int:
    """Mark at most `limit` grants that expired with rounds left as `expired`, each with its
    `free_rounds.finished` event in this transaction; how many. A grant whose row someone
    holds (a spin taking a round) is left for the next sweep."""
    rows = session.scalars(
        select(FreeRoundGrant)
        .where(
            FreeRoundGrant.state == GrantState.ACTIVE.value,
            FreeRoundGrant.expires_at_utc <= to_naive_utc(now),
            FreeRoundGrant.rounds_used < FreeRoundGrant.rounds_total,
        )
        .order_by(FreeRoundGrant.expires_at_utc, FreeRoundGrant.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    for row in rows:
        row.state = GrantState.EXPIRED.value
        row.updated_at_utc = to_naive_utc(now)
        events.grant_finished(session, row, FINISHED_EXPIRED, _currency_of(session, row), now)
    return len(rows)
