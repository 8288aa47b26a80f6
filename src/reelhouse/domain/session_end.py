"""Why a game session ended before its time, and what a spin on it is answered then.

Two parties can end a player's session: the operator, with the Main API's
`/v4/user/terminate-session`, and the operator's wallet, by answering a bet with "this player
may not play" (self-excluded, a limit reached, blocked; each dialect's codes for these are a
table in its descriptor, dialects/*.py). The session row keeps the reason
(`game_sessions.end_reason`); a session the back office closed has none (3001, as before).

The refused bet itself is an ordinary refusal (domain/settlement.py: nothing moved, the round
is `rejected`); a round already under way when the session ends finishes as usual, its win or
refund is still sent: a session only authorises new bets (docs/rounds.md).
"""

from __future__ import annotations

from enum import StrEnum

from reelhouse.domain.errors import ApiCode
from reelhouse.domain.wallet import RefusalReason


class SessionEnd(StrEnum):
    """The reasons kept on an ended session (at most 16 characters: the column's width)."""

    TERMINATED = "terminated"
    SELF_EXCLUDED = "self_excluded"
    LIMIT_REACHED = "limit_reached"
    PLAYER_BLOCKED = "player_blocked"


# The code every spin (and state read) of an ended session is refused with; the client shows
# the player the message of that code in the session's language (client/i18n.py `err_<code>`).
CODE_BY_END: dict[SessionEnd, ApiCode] = {
    SessionEnd.TERMINATED: ApiCode.SESSION_TERMINATED,
    SessionEnd.SELF_EXCLUDED: ApiCode.PLAYER_SELF_EXCLUDED,
    SessionEnd.LIMIT_REACHED: ApiCode.PLAYER_LIMIT_REACHED,
    SessionEnd.PLAYER_BLOCKED: ApiCode.PLAYER_BLOCKED,
}

# The wallet refusals that end the session they came in (every other refusal, insufficient
# funds first, leaves the session open: the player may lower the bet or deposit).
END_BY_REFUSAL: dict[RefusalReason, SessionEnd] = {
    RefusalReason.SELF_EXCLUDED: SessionEnd.SELF_EXCLUDED,
    RefusalReason.LIMIT_REACHED: SessionEnd.LIMIT_REACHED,
    RefusalReason.PLAYER_BLOCKED: SessionEnd.PLAYER_BLOCKED,
}

# For logs and the Main API (English); the player reads the client's words for the code.
DESCRIBED: dict[SessionEnd, str] = {
    SessionEnd.TERMINATED: "the casino ended this game session",
    SessionEnd.SELF_EXCLUDED: "the casino refused the bet: the player is self-excluded",
    SessionEnd.LIMIT_REACHED: "the casino refused the bet: the player reached a limit",
    SessionEnd.PLAYER_BLOCKED: "the casino refused the bet: the player is blocked",
}

# Every code that means "this session is over": the client stops offering spins on them.
SESSION_OVER_CODES: tuple[int, ...] = (
    int(ApiCode.SESSION_EXPIRED),
    *(int(code) for code in CODE_BY_END.values()),
)


def end_of_refusal(refusal: RefusalReason | None) -> SessionEnd | None:
    """The reason a refused bet ends its session, or None when it does not."""
    return END_BY_REFUSAL.get(refusal) if refusal is not None else None
