"""Every bound in one place, each with its reason."""

import os

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

# Transaction feeds (spec): a window is at most one hour; a page holds 10..2000 items.
FEED_MAX_WINDOW_SECONDS = 60 * 60
FEED_MIN_LIMIT = 10
FEED_MAX_LIMIT = 2000

# The cursor feed holds back calls created this recently: a call whose transaction has not
# committed yet is invisible, and a cursor must not pass its id before it can appear. It must
# exceed the longest transaction that creates a call plus the clock skew between the nodes
# that make ids (ids carry each node's own time).
FEED_SETTLE_SECONDS = 10

# Stuck-call and audit-log listings return at most this many rows per request: the manual
# queue is meant to be short, and a long one is worked through with filters, not dumped whole.
STUCK_LIST_MAX_ROWS = 500

# Audit rows: who acted (a name, not an essay) and why (long enough for a ticket reference
# and a paragraph, short enough that a row stays a row).
AUDIT_ACTOR_MAX_CHARS = 64
AUDIT_REASON_MAX_CHARS = 2000

# An admin token shorter than this is refused (the admin API stays disabled): it moves money
# state, so it must not be guessable.
ADMIN_TOKEN_MIN_CHARS = 24

# An operator's ledger export for one day is read into memory whole; above this it is refused
# rather than exhausting the process (a larger ledger needs a streamed comparison).
LEDGER_EXPORT_MAX_BYTES = 256 * 1024 * 1024

# A ledger export that takes longer than this to arrive is a failed reconciliation run.
LEDGER_FETCH_TIMEOUT_SECONDS = 120

# authenticate/balance are retried at once this many extra times (SlotCity spec: 2 more).
QUICK_READ_RETRIES = 2

# A claimed wallet call is owned by its claimer for LEASE_TIMEOUT_FACTOR x its timeout plus
# this margin. The lease must outlast the longest one HTTP attempt can take (connect, write
# and read timeouts each up to the command's timeout), so nobody re-sends, or cancels, a call
# whose attempt may still be on the wire. Tests that kill processes shorten the margin
# (REELHOUSE_LEASE_MARGIN_SECONDS) to recover faster; production keeps the default.
LEASE_TIMEOUT_FACTOR = 3
LEASE_MARGIN_SECONDS = float(os.environ.get("REELHOUSE_LEASE_MARGIN_SECONDS", "30"))

# Fun money a demo session starts with, in major units of the operator's currency.
DEMO_START_BALANCE_MAJOR = 1000
