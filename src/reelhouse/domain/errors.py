"""Main API codes (SlotCity v4 numbering) and the typed error that carries one."""

from __future__ import annotations

from enum import IntEnum


class ApiCode(IntEnum):
    OK = 0
    UNDER_MAINTENANCE = 1
    INTERNAL_SERVER_ERROR = 1001
    VALIDATION_ERROR = 1002
    SERVICE_EXCEPTION = 1003
    RESOURCE_NOT_FOUND = 1005
    TOKEN_NOT_FOUND = 1007
    TOKEN_INVALID = 1009
    PERMISSION_ERROR = 1010
    PROVIDER_ERROR = 1011
    PARAMETERS_INVALID = 1012
    CALLBACK_ERROR = 1015
    SERVER_IS_BUSY = 1018
    IP_NOT_ALLOWED = 1020
    AGENT_NOT_FOUND = 2001
    USER_NOT_FOUND = 2002
    GAME_NOT_FOUND = 2003
    BALANCE_NOT_ENOUGH = 2006
    PROVIDER_NOT_FOUND = 2007
    BONUSCALL_DOUBLE = 2011
    BONUSCALL_ALREADY_ENDED = 2012
    ROUND_NOT_FOUND = 2013
    CURRENCY_NOT_SUPPORTED = 2014
    FREEROUND_NO_EXIST = 2020
    # [ours] game client codes, in their own range so they never clash with the spec's.
    SESSION_EXPIRED = 3001
    ROUND_IN_PROGRESS = 3002
    WALLET_UNAVAILABLE = 3003  # the bet's outcome is unknown: it is being cancelled
    AGENT_NOT_APPROVED = 3004
    # Nothing was sent: the operator's wallet is shut off (its breaker is open after an
    # outage, or its calls in flight are at the cap). Not 3003 (nothing to cancel) and not
    # 1015 (the casino never saw the bet, so it did not refuse it).
    WALLET_SHUT_OFF = 3005
    # Reelhouse itself is saturated: more spins wait for database work than it queues. The
    # spin was refused before anything was written or sent; retry after `Retry-After`.
    BUSY = 3006
    # An Idempotency-Key used before on this endpoint with a different body: refused, so a
    # key names one request only (api/idempotency.py).
    IDEMPOTENCY_KEY_REUSED = 3007
    # The first request with this Idempotency-Key is still running: retry after
    # `Retry-After` to get its answer; nothing was run for this one.
    IDEMPOTENCY_KEY_IN_USE = 3008
    # Jurisdiction profiles (domain/jurisdictions.py, docs/jurisdictions.md): each refusal
    # comes before anything is written or sent.
    JURISDICTION_UNKNOWN = 3010  # a profile code or country with no profile
    JURISDICTION_STAKE_ABOVE_MAX = 3011  # the stake is above the profile's cap
    JURISDICTION_TOO_SOON = 3012  # sooner than the profile's least time between rounds
    JURISDICTION_AUTOPLAY_FORBIDDEN = 3013
    JURISDICTION_TURBO_FORBIDDEN = 3014
    JURISDICTION_CURRENCY = 3015  # the profile caps stakes in other currencies only
    # Responsible gaming in a session (services/session_rules.py, docs/jurisdictions.md):
    # each spin refusal comes before anything is written or sent.
    REALITY_CHECK_PENDING = 3016  # a reality check waits for the player's answer
    SESSION_TIME_LIMIT = 3017  # the launch's session time limit has passed
    SESSION_LOSS_LIMIT = 3018  # the stake could take the session's net loss past its limit
    REALITY_CHECK_NOT_PENDING = 3019  # an answer to a reality check that is not due
    # A compulsory break after the reality check is running: the profile's break after the
    # player's "continue" (Germany's five minutes) has not ended yet.
    COMPULSORY_BREAK = 3024
    # The operator's word on the player (domain/session_end.py, docs/wallet-callbacks.md): the
    # game session is ended and every later spin on it is refused with the same code.
    SESSION_TERMINATED = 3020  # the operator ended the session (Main API terminate-session)
    PLAYER_SELF_EXCLUDED = 3021  # the wallet refused a bet: the player is self-excluded
    PLAYER_LIMIT_REACHED = 3022  # the wallet refused a bet: the player reached a limit
    PLAYER_BLOCKED = 3023  # the wallet refused a bet: the player is blocked
    # Currencies (services/operator_currencies.py, docs/operator-guide.md "Currencies").
    CURRENCY_NOT_OFFERED = 3025  # not one of the agent's currencies
    PLAYER_CURRENCY_FIXED = 3026  # the player plays in another of the agent's currencies
    # Bet modes (games/bet_modes.py): each refusal comes before anything is written or sent.
    BONUS_BUY_FORBIDDEN = 3030  # the session's jurisdiction forbids buying a feature
    BET_MODE_UNKNOWN = 3031  # the game offers no bet mode by that name
    BET_MODE_NOT_FREE = 3032  # a free round is played at its bet: never as a bonus buy
    # An operator's max win per round lowers the RTP its players get (services/win_cap.py):
    # settings that would push some game's effective RTP below the deployment's floor
    # (REELHOUSE_MIN_EFFECTIVE_RTP) are refused, and so are settings it cannot check.
    EFFECTIVE_RTP_BELOW_FLOOR = 3033
    EFFECTIVE_RTP_UNKNOWN = 3034  # a game's figures do not match its math: nothing to check


class ReelhouseError(Exception):
    """A refused request: carries the documented code; nothing was changed. `data` is what
    the answer carries besides (None for most codes; a 3003 names its round).
    `retry_after_seconds`, for a refusal of load, becomes the answer's `Retry-After`."""

    def __init__(
        self,
        code: ApiCode,
        message: str,
        data: dict[str, str] | None = None,
        *,
        retry_after_seconds: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data
        self.retry_after_seconds = retry_after_seconds


class IllegalTransition(AssertionError):
    """A state machine was asked for a move its table forbids: a programmer error."""
