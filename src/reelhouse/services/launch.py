"""Game launch: one-time launch URLs, and the game sessions they open."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from reelhouse.domain import jurisdictions, stricter_rules
from reelhouse.domain.clock import from_naive_utc, to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.ids import new_id
from reelhouse.domain.languages import launch_lang
from reelhouse.domain.limits import (
    DEMO_START_BALANCE_MAJOR,
    GAME_SESSION_MAX_SECONDS,
    LAUNCH_TOKEN_TTL_SECONDS,
    SESSION_IDLE_EXPIRY_SECONDS,
)
from reelhouse.domain.money import Currency, currency
from reelhouse.domain.wallet import CommandKind, OutcomeKind, WalletCommand
from reelhouse.games import catalogue
from reelhouse.games.model import Game
from reelhouse.services import (
    audit,
    game_maintenance,
    operator_currencies,
    session_end,
    session_rules,
)
from reelhouse.services.backoffice_settings import TARGET_TYPE as OPERATOR_TARGET
from reelhouse.services.operator_currencies import launch_currency
from reelhouse.services.operators import BP_PER_PERCENT, OperatorState, wallet_endpoint
from reelhouse.services.platform import Platform
from reelhouse.services.players import owned_player
from reelhouse.services.session_end import refused_bet_error
from reelhouse.store.models import GameSession, LaunchToken, Operator, Player, session_currency
from reelhouse.store.outbox import PlayerHold, hold_columns, player_hold
from reelhouse.store.secrets import token_hash


@dataclass(frozen=True)
class LaunchRequest:
    user_code: int
    provider_id: int
    game_code: str
    # As the operator sent it: an integer code, a language tag, or nothing; one Reelhouse
    # does not offer plays in English (domain/languages.py).
    lang: int | str | None
    return_url: str
    rtp_percent: Decimal  # 0 = the agent's RTP
    demo: bool = False  # fun money: the same game and math, no wallet calls
    # The market's rules (domain/jurisdictions.py): a profile code, else a country mapped to
    # one, else the operator's profile.
    jurisdiction: str | None = None
    country: str | None = None
    # [rg] The session's time and loss limits (services/session_rules.py); None: none.
    time_limit_minutes: int | None = None
    loss_limit_minor: int | None = None
    # One of the operator's currencies (services/operator_currencies.py); None: the
    # player's, once fixed, else the operator's first.
    currency: str | None = None
    # [ours] The player's own reality-check interval (1-1440 minutes; None: none): it joins
    # the operator's stricter rules (domain/stricter_rules.py), so it can only make the
    # checks more frequent than the profile's.
    reality_check_minutes: int | None = None
    # [ours] The display unit the player sees and bets in (its code or symbol: "mBTC",
    # "μBTC"; the currency's own code: the currency itself); None: the operator's default for
    # the session's currency (services/operator_currencies.launch_unit).
    display_unit: str | None = None


def _game_or_refuse(provider_id: int, game_code: str) -> Game:
    if provider_id != catalogue.PROVIDER_ID:
        raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {provider_id}")
    game = catalogue.get_game(game_code)
    if game is None:
        raise ReelhouseError(ApiCode.GAME_NOT_FOUND, f"no game {game_code!r}")
    return game


def _variant_for(operator: Operator, game: Game, rtp_percent: Decimal) -> int:
    agent_rtp = Decimal(operator.rtp_bp) / BP_PER_PERCENT
    if rtp_percent > agent_rtp:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "rtp above the agent's RTP")
    variant = catalogue.select_variant(game, rtp_percent or agent_rtp)
    if variant is None:
        raise ReelhouseError(ApiCode.PARAMETERS_INVALID, "no variant of this game at that RTP")
    return variant


def create_launch_url(platform: Platform, operator: Operator, request: LaunchRequest) -> str:
    """Check everything, ask the wallet to `authenticate` the player, and issue the URL."""
    game = _game_or_refuse(request.provider_id, request.game_code)
    game_maintenance.check_launchable(platform, operator.id, game.game_code)
    if operator.state != OperatorState.APPROVED and not request.demo:
        raise ReelhouseError(ApiCode.AGENT_NOT_APPROVED, "agent not approved for real play")
    variant = _variant_for(operator, game, request.rtp_percent)
    rules = jurisdictions.chosen(request.jurisdiction, request.country, operator.jurisdiction)
    limits = session_rules.Limits.checked(request.time_limit_minutes, request.loss_limit_minor)
    stricter = _launch_stricter_rules(operator, request)
    with platform.db.transaction() as session:
        player = owned_player(session, operator.id, request.user_code)
        account = player.name
        code = request.currency or operator_currencies.player_currency(player, operator)
        offered = operator_currencies.limits_in(session, operator, code)  # 3025 if not offered
        # 1012 for a unit not of this currency, before the wallet is asked or anything written.
        unit = operator_currencies.launch_unit(offered, request.display_unit)
        if not request.demo:
            operator_currencies.check_player_currency(player, code)
    # A capped profile without a figure in the session's currency could not be enforced.
    rules.stake_cap_minor(code)
    balance = (
        None
        if request.demo
        else _authenticate(
            platform, operator, account, code, game.game_code, launch_lang(request.lang)
        )
    )
    token = secrets.token_urlsafe(32)
    now = platform.clock.now()
    with platform.db.transaction() as session:
        player = owned_player(session, operator.id, request.user_code)
        if not request.demo:
            # Fixed with the launch that first plays real money in it (3026 if a launch in
            # another currency fixed it meanwhile).
            operator_currencies.fix_player_currency(session, player, code)
        if balance is not None:
            player.last_balance_minor = balance
        session.add(
            LaunchToken(
                token_hash=token_hash(token),
                operator_id=operator.id,
                player_id=request.user_code,
                game_code=game.game_code,
                rtp_variant=variant,
                lang=launch_lang(request.lang),
                return_url=request.return_url,
                demo=request.demo,
                jurisdiction=rules.code,
                time_limit_minutes=limits.time_limit_minutes,
                loss_limit_minor=limits.loss_limit_minor,
                currency=code,
                stricter_rules=stricter_rules.to_json(stricter),
                display_unit=None if unit is None else unit.code,
                expires_at_utc=to_naive_utc(now + dt.timedelta(seconds=LAUNCH_TOKEN_TTL_SECONDS)),
            )
        )
    return f"{platform.settings.public_base_url}/play/{token}"


def _launch_stricter_rules(operator: Operator, request: LaunchRequest) -> stricter_rules.Overlay:
    """The operator's stricter rules with the launch's own reality-check interval, rule by
    rule the stricter; the launch's value is bounded before anything is done (1012)."""
    own = stricter_rules.EMPTY
    if request.reality_check_minutes is not None:
        own = stricter_rules.checked({"reality_check_minutes": request.reality_check_minutes})
    return stricter_rules.merged(stricter_rules.from_json(operator.stricter_rules), own)


def _authenticate(
    platform: Platform,
    operator: Operator,
    account: str,
    currency_code: str,
    game_code: str,
    lang: str,
) -> int | None:
    """The wallet's `authenticate` at launch; a failure refuses the launch (1015), and an
    answer that the player may not play refuses it with that code (3021-3023, its message in
    the launch's `lang`). The game is named where the dialect sends it (iGamingAce B's
    GetBalance `gameID`)."""
    command = WalletCommand(
        CommandKind.AUTHENTICATE, account=account, currency=currency_code, game_code=game_code
    )
    outcome = platform.wallet.read(wallet_endpoint(platform, operator), command)
    if outcome.kind is not OutcomeKind.APPLIED:
        # The wallet's word that this player may not play now (self-excluded, a limit
        # reached, blocked) is its own code, as on a bet, not a failed callback.
        stopped = refused_bet_error(outcome.refusal, lang)
        if stopped is not None:
            raise stopped
        raise ReelhouseError(ApiCode.CALLBACK_ERROR, f"authenticate failed: {outcome.detail}")
    return outcome.balance_minor


def open_launch(platform: Platform, launch_token: str) -> str:
    """Burn a launch token and open a game session; returns the session token."""
    now = platform.clock.now()
    session_token = secrets.token_urlsafe(32)
    with platform.db.transaction() as session:
        launch = session.scalar(
            select(LaunchToken)
            .where(LaunchToken.token_hash == token_hash(launch_token))
            .with_for_update()
        )
        if launch is None or launch.used_at_utc is not None:
            raise ReelhouseError(ApiCode.SESSION_EXPIRED, "this game link was already used")
        if from_naive_utc(launch.expires_at_utc) <= now:
            raise ReelhouseError(ApiCode.SESSION_EXPIRED, "this game link has expired")
        launch.used_at_utc = to_naive_utc(now)
        session.add(
            GameSession(
                id=new_id(),
                token_hash=token_hash(session_token),
                operator_id=launch.operator_id,
                player_id=launch.player_id,
                game_code=launch.game_code,
                rtp_variant=launch.rtp_variant,
                lang=launch.lang,
                return_url=launch.return_url,
                started_at_utc=to_naive_utc(now),
                last_activity_at_utc=to_naive_utc(now),
                spend_minor=0,
                win_minor=0,
                last_round_bet_minor=0,
                demo_balance_minor=_demo_balance(session, launch) if launch.demo else None,
                provider_id=None,  # one of Reelhouse's own games
                jurisdiction=launch.jurisdiction,
                time_limit_minutes=launch.time_limit_minutes,
                loss_limit_minor=launch.loss_limit_minor,
                currency=launch.currency,
                # Fixed for the session's life, as its profile: the operator's later changes
                # apply to later launches only.
                stricter_rules=launch.stricter_rules,
                # Fixed too: a bet is read in the scale the player was shown.
                display_unit=launch.display_unit,
            )
        )
    return session_token


def _demo_balance(session: Session, launch: LaunchToken) -> int:
    operator = session.get(Operator, launch.operator_id)
    assert operator is not None
    return DEMO_START_BALANCE_MAJOR * currency(launch_currency(launch, operator)).unit


@dataclass(frozen=True)
class ActiveSession:
    session: GameSession
    player: Player
    operator: Operator
    # What the player's earlier rounds mean for the next one: read with the session when
    # asked for (`with_hold`), None otherwise.
    hold: PlayerHold | None = None
    # Whether the session's game is in maintenance for its operator (services/game_maintenance).
    in_maintenance: bool = False

    @property
    def currency(self) -> str:
        """The currency of the session's amounts (services/operator_currencies.py)."""
        return session_currency(self.session, self.operator)

    @property
    def view(self) -> Currency:
        """What the game API writes and reads the session's amounts in (its display unit, else
        its currency: operator_currencies.session_view)."""
        return operator_currencies.session_view(self.session, self.operator)


def active_session(
    platform: Platform,
    db_session: Session,
    session_token: str,
    *,
    lock_player: bool = False,
    with_hold: bool = False,
) -> ActiveSession:
    """The live session behind a token; with `lock_player` the player's row is locked for
    the rest of the transaction (one round at a time per player). One statement reads the
    session, its player and its operator, and with `with_hold` the player's hold too (on
    PostgreSQL the row lock is taken before the hold is read, so it is read under it)."""
    which = token_session(session_token)
    return active_session_where(
        platform, db_session, which, lock_player=lock_player, with_hold=with_hold
    )


def token_session(session_token: str) -> ColumnElement[bool]:
    """The session a token names."""
    return GameSession.token_hash == token_hash(session_token)


def latest_upstream_session(
    provider_id: int, player_id: int, game_code: str | None = None
) -> ColumnElement[bool]:
    """The session of an upstream provider whose calls name a player by account, not by a
    token (docs/providers.md, "The relay"): the player's latest session of that provider,
    in `game_code` when given (a player may have launched two of its games)."""
    latest = (
        select(GameSession.id)
        .where(GameSession.provider_id == provider_id, GameSession.player_id == player_id)
        .order_by(GameSession.started_at_utc.desc(), GameSession.id.desc())
        .limit(1)
    )
    if game_code is not None:
        latest = latest.where(GameSession.game_code == game_code)
    return GameSession.id == latest.scalar_subquery()


def active_session_where(
    platform: Platform,
    db_session: Session,
    which: ColumnElement[bool],
    *,
    lock_player: bool = False,
    with_hold: bool = False,
) -> ActiveSession:
    """`active_session` for the session `which` selects (`token_session`,
    `latest_upstream_session`)."""
    query = (
        select(GameSession, Player, Operator, game_maintenance.session_in_maintenance())
        .join(Player, Player.id == GameSession.player_id)
        .join(Operator, Operator.id == GameSession.operator_id)
        .where(which)
    )
    # Read with the session in the same statement only where the whole transaction holds
    # the database's one write lock (SQLite): on PostgreSQL a statement waiting for the row
    # lock reads the other tables as they were when it began, so the hold is read after.
    hold_inline = with_hold and platform.db.is_sqlite
    if hold_inline:
        query = query.add_columns(*hold_columns(Player.id))
    found = db_session.execute(
        query.with_for_update(of=Player) if lock_player else query
    ).one_or_none()
    if found is None:
        raise ReelhouseError(ApiCode.SESSION_EXPIRED, "unknown game session")
    game_session, player, operator = found[0], found[1], found[2]
    in_maintenance = bool(found[3])
    hold = None
    if hold_inline:
        columns: Any = found  # the hold's three columns follow the rows and the flag
        hold = PlayerHold.of(columns[4], columns[5], columns[6])
    elif with_hold:
        hold = player_hold(db_session, player.id)
    if game_session.closed_at_utc is not None:
        # Closed from the back office (3001), or ended by the operator or its wallet's word
        # on the player (3020-3023, told to the player in the session's language).
        raise session_end.ended_error(game_session)
    now = platform.clock.now()
    idle_since = from_naive_utc(game_session.last_activity_at_utc)
    if now - idle_since > dt.timedelta(seconds=SESSION_IDLE_EXPIRY_SECONDS):
        raise ReelhouseError(ApiCode.SESSION_EXPIRED, "game session expired")
    # However busy, a session ends at its maximum age: a leaked token is worth a day at most.
    if now - from_naive_utc(game_session.started_at_utc) > dt.timedelta(
        seconds=GAME_SESSION_MAX_SECONDS
    ):
        raise ReelhouseError(
            ApiCode.SESSION_EXPIRED, "game session reached its maximum length; relaunch the game"
        )
    return ActiveSession(game_session, player, operator, hold, in_maintenance)


def close_session(
    platform: Platform, operator_id: int, session_id: int, who: audit.Accountable
) -> bool:
    """End one of the operator's game sessions now (the back office's "Close"): its token is
    refused from then on (3001), as an expired one is. A round already played finishes as
    usual (its win or cancel is still sent); only what the token would do next is refused.
    Whether it was open; audited in the same commit. Another operator's session, or none,
    is RESOURCE_NOT_FOUND, changing nothing."""
    now = platform.clock.now()
    with platform.db.transaction() as session:
        game_session = session.scalar(
            select(GameSession)
            .where(GameSession.id == session_id, GameSession.operator_id == operator_id)
            .with_for_update()
        )
        if game_session is None:
            raise ReelhouseError(ApiCode.RESOURCE_NOT_FOUND, f"no game session {session_id}")
        if game_session.closed_at_utc is not None:
            return False
        game_session.closed_at_utc = to_naive_utc(now)
        audit.record(
            session,
            who,
            audit.Change(
                "session.close",
                OPERATOR_TARGET,
                operator_id,
                "open",
                "closed",
                {
                    "session_id": str(session_id),
                    "user_code": str(game_session.player_id),
                    "game_code": game_session.game_code,
                },
            ),
            now,
        )
    return True
