"""Events to operators: the kinds, how a delivery is signed, and when a failed one is retried.

Every state change an operator cares about becomes one event with a gapless sequence per
operator, written in the transaction of the change (store/events.py), pushed to the
operator's webhook in sequence order and readable through the Main API (docs/webhooks.md).
Pure: no I/O, no clock of its own.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
from dataclasses import dataclass
from enum import StrEnum


class EventKind(StrEnum):
    ROUND_SETTLED = "round.settled"
    ROUND_CANCELLED = "round.cancelled"
    CALL_PARKED = "call.parked"
    BIG_WIN = "round.big_win"
    FREE_ROUNDS_FINISHED = "free_rounds.finished"
    # A game session's responsible-gaming facts (services/rg_audit.py), written with their
    # audit row; demo sessions' are audited only. A new kind is added here and in EVENT_KINDS.
    REALITY_CHECK = "session.reality_check"
    LIMIT_REACHED = "session.limit_reached"


@dataclass(frozen=True)
class KindInfo:
    """What one kind means and the fields of its `data` (docs/webhooks.md lists them)."""

    meaning: str
    fields: tuple[str, ...]


# Every event with an amount names its currency (`currency`: the ISO code, or the crypto code
# the operator uses): an operator offering several reads each amount in its own.
_ROUND_FIELDS = (
    "round_id",
    "user_code",
    "game_code",
    "currency",
    "bet_minor",
    "win_minor",
    "free_round_id",
)

EVENT_KINDS: dict[EventKind, KindInfo] = {
    EventKind.ROUND_SETTLED: KindInfo("a round's win (0 on a loss) is acknowledged", _ROUND_FIELDS),
    EventKind.ROUND_CANCELLED: KindInfo("a round's bet was refunded", _ROUND_FIELDS),
    EventKind.CALL_PARKED: KindInfo(
        "a win or cancel ran out of retries and waits for a person (Stuck calls)",
        (
            "trans_id",
            "round_id",
            "user_code",
            "kind",
            "currency",
            "amount_minor",
            "attempts",
            "last_outcome",
        ),
    ),
    EventKind.BIG_WIN: KindInfo(
        "a settled round won at least the operator's big-win threshold (in minor units of the"
        " round's currency, as they are)",
        (*_ROUND_FIELDS, "threshold_minor"),
    ),
    EventKind.FREE_ROUNDS_FINISHED: KindInfo(
        "a free-rounds grant is over: every round played, expired or cancelled",
        (
            "fr_id",
            "external_id",
            "user_code",
            "game_code",
            "reason",
            "currency",
            "rounds_used",
            "rounds_total",
            "won_minor",
        ),
    ),
    EventKind.REALITY_CHECK: KindInfo(
        "a session's reality check was shown to the player, or answered (continue or stop)",
        (
            "session_id",
            "user_code",
            "game_code",
            "action",
            "currency",
            "elapsed_seconds",
            "net_minor",
            "rounds_played",
        ),
    ),
    EventKind.LIMIT_REACHED: KindInfo(
        "a session reached the time or loss limit sent at launch: its spins are refused",
        ("session_id", "user_code", "game_code", "limit"),
    ),
}

# Why a grant finished (`reason` of free_rounds.finished).
FINISHED_USED_UP = "used_up"
FINISHED_EXPIRED = "expired"
FINISHED_CANCELLED = "cancelled"

# --- signing ---

SIGNATURE_HEADER = "Reelhouse-Signature"
SIGNATURE_SCHEME = "v1"
# A receiver refuses a delivery whose timestamp is further than this from its own clock
# (a replayed old request); the recipe in docs/webhooks.md uses it.
SIGNATURE_TOLERANCE_S = 300
SECRET_BYTES = 32  # a webhook secret: 256 random bits, sent to the operator once
# How long the previous secret still signs beside the new one after a rotation.
DEFAULT_ROTATION_OVERLAP_S = 24 * 3600
MAX_ROTATION_OVERLAP_S = 30 * 24 * 3600


def signature(secret: str, timestamp_s: int, body: bytes) -> str:
    """HMAC-SHA256 of "timestamp.body", hex."""
    signed = str(timestamp_s).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secrets_newest_first: list[str], timestamp_s: int, body: bytes) -> str:
    """`t=<unix seconds>, v1=<new>[, v1=<previous>]`: during a rotation's overlap both the
    new and the previous secret sign, so a receiver that knows either accepts it."""
    parts = [f"t={timestamp_s}"]
    parts += [f"{SIGNATURE_SCHEME}={signature(s, timestamp_s, body)}" for s in secrets_newest_first]
    return ", ".join(parts)


def verify(header: str, body: bytes, secret: str, now_s: int) -> bool:
    """Whether `header` carries a v1 signature of `body` by `secret`, timestamped within the
    tolerance of `now_s`: the receiver's side of `signature_header` (tests and the docs'
    recipe do the same)."""
    fields = [part.strip().partition("=") for part in header[:4096].split(",")]
    stamps = [value for name, _, value in fields if name == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit() or len(stamps[0]) > 12:
        return False
    timestamp_s = int(stamps[0])
    if abs(now_s - timestamp_s) > SIGNATURE_TOLERANCE_S:
        return False
    expected = signature(secret, timestamp_s, body)
    return any(
        hmac.compare_digest(value, expected)
        for name, _, value in fields
        if name == SIGNATURE_SCHEME
    )


# --- delivery schedule ---

# Events of one operator go out in order, so a failed delivery is retried until it is
# acknowledged (never skipped: that would break the order); the backoff is capped so a
# receiver back from an outage hears from Reelhouse within the cap.
RETRY_BASE_S = 1.0
RETRY_CAP_S = 600.0
# A claimed delivery belongs to its claimer this long; a claimer that died (kill -9) is
# replaced once it runs out. Tests that kill processes shorten it
# (REELHOUSE_EVENT_LEASE_SECONDS), as they do the wallet calls' lease margin.
DELIVERY_LEASE_S = float(os.environ.get("REELHOUSE_EVENT_LEASE_SECONDS", "30"))
# One POST may take at most a third of the lease: the answer is recorded well within it.
DELIVERY_TIMEOUT_S = min(10.0, DELIVERY_LEASE_S / 3)
EVENTS_PER_DELIVERY = 50  # events in one POST, in sequence order
RETENTION_DAYS = 90  # events are kept, delivered or not, at least this long
PULL_MAX_LIMIT = 500


def retry_delay_s(failures: int, rng: random.Random) -> float:
    """Seconds until the next attempt after `failures` failed ones in a row: capped
    exponential backoff with jitter in its upper half (never zero: a failing receiver is
    never hammered)."""
    ceiling = min(RETRY_CAP_S, RETRY_BASE_S * 2 ** min(failures - 1, 30))
    return rng.uniform(ceiling / 2, ceiling)
