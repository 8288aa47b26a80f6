"""Every bound in one place, each with its reason."""

# Amounts: 10^15 minor units covers any plausible bet or balance in every supported currency
# while staying far inside a 63-bit integer and exact in a JavaScript double (2^53).
MAX_AMOUNT_MINOR = 10**15

# Main API: at most this many calls in flight per agent; the next is refused with 1018 (spec).
MAX_IN_FLIGHT_PER_AGENT = 50

# Request bodies above this are refused before parsing: no Main API body needs more.
MAX_REQUEST_BODY_BYTES = 64 * 1024

# Wallet answers above this are treated as garbage: no protocol answer needs more.
MAX_WALLET_ANSWER_BYTES = 64 * 1024

# A launch URL is valid this long and only once (spec: one-time, 10 minutes).
LAUNCH_TOKEN_TTL_SECONDS = 10 * 60

# A game session with no activity for this long is no longer "online" (spec: 30 minutes).
SESSION_ONLINE_WINDOW_SECONDS = 30 * 60

# A game session stops authorising new bets after this much inactivity.
SESSION_IDLE_EXPIRY_SECONDS = 2 * 60 * 60

# Callback signature timestamps older or newer than this are replays (operator side check).
SIGNATURE_MAX_SKEW_SECONDS = 300

# Player names (spec: 2-50 chars of [A-Za-z0-9_]).
PLAYER_NAME_MIN_CHARS = 2
PLAYER_NAME_MAX_CHARS = 50

# authenticate/balance are retried at once this many extra times (spec: 2 more).
QUICK_READ_RETRIES = 2
