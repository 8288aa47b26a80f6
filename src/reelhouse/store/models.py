"""Tables. Money columns are integer minor units; times are naive UTC (see domain.clock)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from reelhouse.domain.states import CallState


class Base(DeclarativeBase):
    pass


class Operator(Base):
    """An operator account ("agent" in the SlotCity API): one wallet endpoint; its first
    currency and that currency's bet limits here, any further ones in OperatorCurrency."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    currency: Mapped[str] = mapped_column(String(8))
    # sha256 of the API token: tokens are 256-bit random, so a fast hash is enough and lets
    # the token be looked up by its hash.
    api_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    callback_url: Mapped[str] = mapped_column(String(2048))
    # The callback token is sent in every callback, so it must be recoverable: it is stored
    # encrypted with the deployment's secret key (store.secrets), never in clear.
    callback_token_sealed: Mapped[str] = mapped_column(Text)
    # Dialects that sign callbacks with a key need it in clear at send time, so it is sealed
    # like the callback token: iGamingAce A signs with the API token (kept here as well as
    # hashed above), B with a secret key. None for dialects that do not sign with them.
    api_token_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    secret_key_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    dialect: Mapped[str] = mapped_column(String(32))
    # Migration 0008: iGamingAce rounds go out as a bet then a win unless the operator opts in
    # to one betwin call per round (which shows the wallet the win before it accepts the bet).
    single_call_rounds: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    rtp_bp: Mapped[int] = mapped_column(Integer)  # basis points of a percent: 9600 = 96.00 %
    min_bet_minor: Mapped[int] = mapped_column(BigInteger)
    max_bet_minor: Mapped[int] = mapped_column(BigInteger)
    max_win_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # 0 = no limit
    allowed_ips: Mapped[str] = mapped_column(Text, default="")  # comma list; blank = any
    state: Mapped[str] = mapped_column(String(16))
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    # Migration 0017: the jurisdiction profile of its launches (domain/jurisdictions.py).
    jurisdiction: Mapped[str] = mapped_column(
        String(16), default="default", server_default="default"
    )
    # Migration 0021: its stricter rules, JSON (domain/stricter_rules.py); NULL: none.
    stricter_rules: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Migration 0023: the default display unit of its first currency, by code ("mBTC";
    # domain/display_units.py); NULL: its players see the currency itself.
    display_unit: Mapped[str | None] = mapped_column(String(8), nullable=True)


class Player(Base):
    __tablename__ = "players"
    __table_args__ = (UniqueConstraint("operator_id", "name"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    last_balance_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    # Migration 0020: the currency of its real-money play, fixed by its first launch or
    # free-round grant (the wallet's account holds one currency, and not every dialect names
    # it on the wire). NULL: not fixed yet.
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)


class OperatorCurrency(Base):
    """Migration 0020: a currency an operator offers beyond its first (operators.currency),
    with its own bet limits in its minor units (services/operator_currencies.py)."""

    __tablename__ = "operator_currencies"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    currency: Mapped[str] = mapped_column(String(8), primary_key=True)
    min_bet_minor: Mapped[int] = mapped_column(BigInteger)
    max_bet_minor: Mapped[int] = mapped_column(BigInteger)
    max_win_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # 0 = no limit
    added_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    # Migration 0023: this currency's default display unit, by code; NULL: none.
    display_unit: Mapped[str | None] = mapped_column(String(8), nullable=True)


class LaunchToken(Base):
    """A one-time launch URL. Only the hash of its token is kept."""

    __tablename__ = "launch_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    game_code: Mapped[str] = mapped_column(String(64))
    rtp_variant: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(8))
    return_url: Mapped[str] = mapped_column(String(2048), default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)  # fun money, no wallet
    expires_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Migration 0017: the profile the launch chose, handed to the session it opens.
    jurisdiction: Mapped[str] = mapped_column(
        String(16), default="default", server_default="default"
    )
    # Migration 0018: the launch's session limits (None: none), handed to the session.
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    loss_limit_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Migration 0020: the currency the launch chose, handed to the session it opens (NULL on
    # rows from before: the operator's first currency).
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Migration 0021: the operator's stricter rules with the launch's own reality check, as
    # JSON (domain/stricter_rules.py), handed to the session it opens; NULL: none.
    stricter_rules: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Migration 0023: the display unit the launch chose (its own, else the operator's default
    # for its currency), by code, handed to the session it opens; NULL: the currency itself.
    display_unit: Mapped[str | None] = mapped_column(String(8), nullable=True)


class GameSession(Base):
    """A player's session in one game, opened by burning a launch token (gplay_id)."""

    __tablename__ = "game_sessions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"), index=True)
    # Migration 0012 widened it to hold an upstream game's id, `<provider>/<its code>`.
    game_code: Mapped[str] = mapped_column(String(200))
    rtp_variant: Mapped[int] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(8))
    return_url: Mapped[str] = mapped_column(String(2048), default="")
    started_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    last_activity_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    spend_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    win_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    last_round_bet_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # Demo sessions play fun money kept here; None for real-money sessions.
    demo_balance_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Migration 0012: the upstream provider whose game this session plays (None: one of
    # Reelhouse's own). The token was handed to the provider at launch, which sends it back
    # on every wallet call.
    provider_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Migration 0015: when the back office closed the session (None: open until it expires).
    closed_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Migration 0017: the session's jurisdiction profile, and when its last round started
    # (written only where the profile sets a least time between rounds, which reads it).
    jurisdiction: Mapped[str] = mapped_column(
        String(16), default="default", server_default="default"
    )
    last_round_started_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Migration 0019: why the session ended before its time (domain/session_end.py), set with
    # closed_at_utc; None for a session the back office closed, or one still open.
    end_reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Migration 0018 (services/session_rules.py): the launch's limits (None: none); when the
    # player last answered a reality check "continue" (None: the interval runs from the
    # start); when the check now due was first shown; which limit was first reached.
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    loss_limit_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reality_check_answered_at_utc: Mapped[dt.datetime | None] = mapped_column(
        DateTime, nullable=True
    )
    reality_check_shown_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    limit_reached: Mapped[str | None] = mapped_column(String(16), nullable=True)
    # Migration 0020: the currency every amount of the session is in (NULL on sessions from
    # before, and on upstream providers' sessions: the operator's first currency).
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Migration 0021: the stricter rules its launch fixed for its whole life, JSON (domain/
    # stricter_rules.py; services/jurisdiction_rules.session_profile); NULL: none.
    stricter_rules: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Migration 0023: the display unit the game API writes and reads its amounts in, fixed by
    # its launch for its whole life (services/operator_currencies.session_view); NULL: the
    # currency itself. Only the game API's text changes: every stored amount stays in minor
    # units of `currency`.
    display_unit: Mapped[str | None] = mapped_column(String(8), nullable=True)


def player_currency(player: Player, operator: Operator) -> str:
    """The currency a player plays in, or will by default: its own once fixed (by its first
    real-money launch or free-round grant, never changed after), else the operator's first."""
    return player.currency or operator.currency


def session_currency(game_session: GameSession, operator: Operator) -> str:
    """The currency of a session's amounts: the one its launch chose; sessions from before
    migration 0020, and upstream providers' sessions, play in the operator's first."""
    return game_session.currency or operator.currency


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (Index("ix_rounds_player_state", "player_id", "state"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), index=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    session_id: Mapped[int] = mapped_column(ForeignKey("game_sessions.id"))
    game_code: Mapped[str] = mapped_column(String(200))  # widened by migration 0012
    rtp_variant: Mapped[int] = mapped_column(Integer)
    math_hash: Mapped[str] = mapped_column(String(64))
    rng_version: Mapped[str] = mapped_column(String(32))
    bet_minor: Mapped[int] = mapped_column(BigInteger)
    win_minor: Mapped[int] = mapped_column(BigInteger)
    draws_json: Mapped[str] = mapped_column(Text)
    outcome_json: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    balance_after_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)  # fun money: no wallet calls
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    updated_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    # Migration 0003. A free round names its grant and has no bet call. win_minor is
    # what the round pays; awarded_win_minor what the game awarded (after the game's own max
    # win) before the agent's max win per round or the grant's cap cut it, and win_capped says
    # one did (NULL/False on rounds written before 0003: nothing cut them). No foreign key on
    # free_round_id: adding one would rebuild (SQLite) or scan under lock (PostgreSQL) the
    # largest table, and only the spin service writes the column.
    free_round_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    awarded_win_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    win_capped: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Migration 0009: the cap in force when the round was played, the smallest of the agent's
    # max win per round and the grant's cap left (NULL: none), so a replay can check that the
    # round paid min(awarded, cap) whatever the operator's settings are now.
    win_cap_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Migration 0012. A relayed round (an upstream provider's bet, services/relay.py) names
    # its provider and the provider's round id; NULL for Reelhouse's own games. No foreign
    # key, as for free_round_id: only the relay writes them.
    provider_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    upstream_round_ref: Mapped[str | None] = mapped_column(String(128), nullable=True)
    # Migration 0022: the currency of the round's amounts, written in the round's own INSERT
    # so its events name it without a statement more at settlement (store/events.py). NULL on
    # rounds from before: their player's currency (events.round_currency).
    currency: Mapped[str | None] = mapped_column(String(8), nullable=True)


class WalletCall(Base):
    """One money callback (bet, win or cancel): the transaction and its outbox row at once.

    Its id is the trans_id of the Main API feed and the trans_guid the callback carries,
    so feeds, callbacks and reports share one id.
    """

    __tablename__ = "wallet_calls"
    __table_args__ = (
        Index("ix_wallet_calls_due", "state", "next_attempt_at_utc"),
        Index("ix_wallet_calls_operator_created", "operator_id", "created_at_utc"),
        Index("ix_wallet_calls_player_state", "player_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # domain.wallet.CommandKind
    # Migration 0008: the dialect the call was created under. Every attempt goes out in it
    # (its encoding and id form), whatever the operator's dialect is now. NULL only on rows
    # the migration could not pin: they use the operator's dialect.
    dialect: Mapped[str | None] = mapped_column(String(32), nullable=True)
    trans_type: Mapped[int] = mapped_column(Integer)  # 1 bet, 2 win, 16 cancel
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    cancel_of_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    state: Mapped[str] = mapped_column(String(16))  # domain.states.CallState
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    lease_until_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_outcome: Mapped[str] = mapped_column(String(32), default="")
    last_detail: Mapped[str] = mapped_column(Text, default="")
    balance_after_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    acked_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Migration 0011. The row's version: every update made through the ORM moves it on by
    # one and applies only where the row is still at the version its writer read, or fails
    # (StaleDataError). The spin records a call's outcome from the row it claimed the call
    # with, not from a fresh read: the version is what tells it the claim is still its own.
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    # How long the last attempt took; a call acknowledged at its first attempt has no
    # attempt row (CallAttempt), this is where that attempt's time is kept.
    last_duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __mapper_args__ = {"version_id_col": version}


class CallAttempt(Base):
    """Every time a callback was put on the wire and did not settle its call at the first
    try (a call acknowledged at its first attempt keeps that attempt on its own row), and
    what came back."""

    __tablename__ = "call_attempts"

    # SQLite only auto-increments an INTEGER primary key, hence the variant.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    call_id: Mapped[int] = mapped_column(ForeignKey("wallet_calls.id"), index=True)
    started_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    duration_ms: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")


# The transaction feeds and reconciliation select an operator's calls by when the wallet
# confirmed them (a late-acknowledged win belongs to the hour it was acknowledged in).
Index("ix_wallet_calls_operator_acked", WalletCall.operator_id, WalletCall.acked_at_utc)

# Migration 0010: the worker takes back claims whose lease ran out, soonest expired first
# (dispatch/worker.py). Only claimed calls are in this index, a handful at any time, so the
# look-up reads those and never the table's past: without it SQLite, which keeps no count of
# rows per state, walked every call ever made in id order to find them.
IN_FLIGHT_CALLS = text(f"state = '{CallState.IN_FLIGHT.value}'")
Index(
    "ix_wallet_calls_claim_lease",
    WalletCall.lease_until_utc,
    sqlite_where=IN_FLIGHT_CALLS,
    postgresql_where=IN_FLIGHT_CALLS,
)


class RgAuditEntry(Base):
    """One responsible-gaming fact of a game session (services/rg_audit.py): a spin refused
    by a jurisdiction rule or a session limit, a reality check shown or answered, a limit
    reached. Append only; a refusal's row is the one write a refusal makes (docs/security.md)."""

    __tablename__ = "rg_audit"
    __table_args__ = (Index("ix_rg_audit_operator_at", "operator_id", "at_utc"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    operator_id: Mapped[int] = mapped_column(BigInteger)
    player_id: Mapped[int] = mapped_column(BigInteger)
    session_id: Mapped[int] = mapped_column(BigInteger, index=True)
    round_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    jurisdiction: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))  # services/rg_audit.py, Kind
    code: Mapped[int | None] = mapped_column(Integer, nullable=True)  # a refusal's code
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON


class AuditEntry(Base):
    """One administrative action on money state (a stuck call retried or resolved): who,
    when, what, why, and the state before and after. Append only: Reelhouse never updates
    or deletes a row, and each is written in the same transaction as the action itself."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    # SQLite only auto-increments an INTEGER primary key, hence the variant.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at_utc: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(32))  # "wallet_call"
    target_id: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    before_state: Mapped[str] = mapped_column(String(32))
    after_state: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(Text, default="")  # JSON: e.g. the round's move


# Migration 0003: `/v4/game/online-games` lists an operator's sessions by activity.
Index(
    "ix_game_sessions_operator_activity",
    GameSession.operator_id,
    GameSession.last_activity_at_utc,
)


class FreeRoundGrant(Base):
    """Free rounds granted to one player in one game (`/v4/game/freeround/start`, and the
    iGamingAce facades' bonus calls through the same service). Each free round plays at
    `bet_minor` without debiting the player; its win is credited as any other."""

    __tablename__ = "free_round_grants"
    __table_args__ = (
        UniqueConstraint("operator_id", "external_id"),
        Index("ix_free_round_grants_player_game", "player_id", "game_code"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # fr_id
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    game_code: Mapped[str] = mapped_column(String(64))
    bet_minor: Mapped[int] = mapped_column(BigInteger)
    rounds_total: Mapped[int] = mapped_column(Integer)
    rounds_used: Mapped[int] = mapped_column(Integer, default=0)
    # The most the whole grant may pay (iGamingAce `callAmount`); 0 = no cap of its own.
    win_cap_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    won_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    # The operator's own id for the grant (iGamingAce issueId / freespinID); NULL for SlotCity.
    external_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    state: Mapped[str] = mapped_column(String(16))  # "active", "cancelled" or "expired"
    expires_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


class BackofficeUser(Base):
    """A person who signs in to the back office (migration 0006_backoffice). An `admin` sees
    every operator; an `operator` user sees only the operator named by `operator_id`."""

    __tablename__ = "backoffice_users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # argon2id, in its PHC string form (algorithm, parameters and salt included).
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # "admin" or "operator"
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    last_login_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # Migration 0014_backoffice_users. Set: the user cannot sign in (sessions ended).
    disabled_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # The TOTP secret, sealed (store/secrets.py): it must be read back to check a code.
    # Set without `totp_enabled_at_utc` while an enrolment awaits its first code.
    totp_secret_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    totp_enabled_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # The time step of the last code accepted: no code is accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class BackofficeLink(Base):
    """A one-time link that lets a user set their password: an invitation or a reset
    (migration 0014_backoffice_users). Only the hash of its token is kept; using it deletes
    it, and so does a newer link for the same user."""

    __tablename__ = "backoffice_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("backoffice_users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # "invite" or "reset"
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


class BackofficeSession(Base):
    """A signed-in browser. Only the hash of the cookie's token is kept."""

    __tablename__ = "backoffice_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("backoffice_users.id"), index=True)
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


class Provider(Base):
    """An upstream game provider Reelhouse aggregates, as its operator (services/relay.py).

    `name` is the slug in its wallet URLs (`/upstream/<name>/...`) and in its games' ids
    (`<name>/<code>`); `protocol` names its adapter (providers/registry.py)."""

    __tablename__ = "providers"

    # Also its provider id in the Main API (`/game/providers`), so a small number, above
    # Reelhouse's own games' (games.model.PROVIDER_ID); given by services/providers.py.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(128))
    protocol: Mapped[str] = mapped_column(String(32))
    # Where its games API lives (launch, catalogue, free rounds).
    base_url: Mapped[str] = mapped_column(String(2048))
    # The key that verifies its wallet calls (Hub88: its RSA public key, PEM).
    verify_key: Mapped[str] = mapped_column(Text)
    # The key Reelhouse signs its requests to it with, sealed (store/secrets.py).
    sign_key_sealed: Mapped[str] = mapped_column(Text)
    # How long it waits for a wallet answer: the casino's debit must be answered within it.
    answer_deadline_ms: Mapped[int] = mapped_column(Integer)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


class ProviderGame(Base):
    """One game of a provider's catalogue as last synced. A game the provider stopped
    listing is kept, withdrawn (its rounds still name it)."""

    __tablename__ = "provider_games"
    __table_args__ = (UniqueConstraint("provider_id", "game_code"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    game_code: Mapped[str] = mapped_column(String(128))  # the provider's own code
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(200), nullable=True)
    platforms: Mapped[str] = mapped_column(String(64), default="")  # comma-separated
    blocked_countries: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    thumbnail_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    background_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)
    product: Mapped[str | None] = mapped_column(String(200), nullable=True)
    freebet_support: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)  # as the provider lists it
    withdrawn_at_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    # sha256 of what was synced: a sync writes a game only when it changed.
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    synced_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


class OperatorProvider(Base):
    """A provider's games offered to one operator (none are until enabled)."""

    __tablename__ = "operator_providers"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


class UpstreamTransaction(Base):
    """One money transaction a provider sent (its bet, win or cancel), by the provider's own
    id: what makes its repeats idempotent. An identical repeat is answered as the first was;
    a repeat that differs (`fingerprint`) is refused. A cancel whose transaction had not
    arrived writes that transaction's row first, `cancelled_first`, so it is refused when it
    comes."""

    __tablename__ = "upstream_transactions"
    __table_args__ = (UniqueConstraint("provider_id", "transaction_ref"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"))
    transaction_ref: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # providers.base.CallKind
    fingerprint: Mapped[str] = mapped_column(String(64))
    reference_ref: Mapped[str | None] = mapped_column(String(128), nullable=True)
    player_id: Mapped[int | None] = mapped_column(ForeignKey("players.id"), nullable=True)
    round_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    # The casino call it became (None: nothing to relay, or not yet arrived).
    call_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cancelled_first: Mapped[bool] = mapped_column(Boolean, default=False)
    # The answer given, for a repeat (a bet's is read from its call once it has one).
    answer_status: Mapped[str | None] = mapped_column(String(32), nullable=True)
    answer_balance_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


class IdempotencyKey(Base):
    """An operator's `Idempotency-Key` on one Main API route (services/idempotency.py): the
    request it named (`fingerprint`, SHA-256 of its body) and, once that request finished,
    the answer it got, replayed to every identical repeat for 24 hours. `state` is
    `running` from the claim, committed before the call runs, until the answer is stored."""

    __tablename__ = "idempotency_keys"
    # The constraint is what lets only one of several concurrent first uses run the call.
    __table_args__ = (UniqueConstraint("operator_id", "route", "idem_key"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    route: Mapped[str] = mapped_column(String(128))  # the route's path template
    idem_key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # services.idempotency.KeyState
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answer_body: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Indexed: the purge of expired keys finds them by it.
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class GameMaintenance(Base):
    """Migration 0015: a game of the catalogue in maintenance, for one operator or, with
    operator_id 0 (no operator has it), for every operator. No row: the game is available."""

    __tablename__ = "game_maintenance"

    game_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    since_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)


class CallbackTestEntry(Base):
    """Migration 0015: one "Test callback" of an operator, kept among its last few
    (services/ops_logs.py trims the rest)."""

    __tablename__ = "callback_tests"
    __table_args__ = (Index("ix_callback_tests_operator", "operator_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    operator_id: Mapped[int] = mapped_column(Integer)
    at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    url: Mapped[str] = mapped_column(String(2048))
    reachable: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str] = mapped_column(String(300))
    latency_ms: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))


class ApiErrorEntry(Base):
    """Migration 0015: one refused Main API call of an operator, kept among its last few
    hundred (services/ops_logs.py trims the rest)."""

    __tablename__ = "api_errors"
    __table_args__ = (Index("ix_api_errors_operator", "operator_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    operator_id: Mapped[int] = mapped_column(Integer)
    at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    endpoint: Mapped[str] = mapped_column(String(64))
    code: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(300))


class EventStream(Base):
    """Migration 0016: an operator's event counter (store/events.py). Its row lock, taken
    last in a transaction that writes events, is what makes the sequence gapless: the next
    writer waits for this one's commit or rollback. It also holds the big-win threshold, so
    the one statement that takes the sequence reads it too."""

    __tablename__ = "event_streams"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    last_sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    # A settled round winning at least this much is also a `round.big_win` (None: never).
    big_win_minor: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class OperatorEvent(Base):
    """One event, by operator and sequence (its key: the pull and the delivery read it in
    that order). `payload_json` is the `data` object of docs/webhooks.md."""

    __tablename__ = "operator_events"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(48))  # domain.events.EventKind
    payload_json: Mapped[str] = mapped_column(Text)
    # Read by the purge only (events older than the retention go in bounded batches).
    created_at_utc: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class EventWebhook(Base):
    """Where an operator's events are pushed, with what secret, and how far delivery got.
    A separate row from the counter: delivery never takes the lock settlements wait on."""

    __tablename__ = "event_webhooks"

    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), default="")  # "" = pull only
    # Sealed with the deployment key (store/secrets.py): it signs every delivery.
    secret_sealed: Mapped[str] = mapped_column(Text)
    # The secret before the last rotation, which still signs until `previous_until_utc`.
    previous_secret_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    previous_until_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    delivered_sequence: Mapped[int] = mapped_column(BigInteger, default=0)  # acknowledged
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row, since the last ack
    next_attempt_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)
    lease_until_utc: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    updated_at_utc: Mapped[dt.datetime] = mapped_column(DateTime)


# Migration 0016: the worker finds grants that expired with rounds left (to tell their
# operator, services/freerounds.py) every minute without reading the table's past.
Index("ix_free_round_grants_state_expires", FreeRoundGrant.state, FreeRoundGrant.expires_at_utc)
