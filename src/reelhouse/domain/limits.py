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

# Free rounds (spec: `expirationDate` at least 30 minutes ahead). A grant may not live longer
# than a year: rounds and their grants are kept for reporting, and an offer that old is a
# typo, not a promotion. At most 1000 rounds per grant (iGamingAce B's `freespincount` range,
# the widest any dialect asks for).
FREE_ROUND_MIN_LEAD_SECONDS = 30 * 60
FREE_ROUND_MAX_LIFETIME_SECONDS = 366 * 24 * 60 * 60
FREE_ROUNDS_MAX_PER_GRANT = 1000
# An operator's own id for a grant (iGamingAce issueId / freespinID: 1-36 characters).
FREE_ROUND_EXTERNAL_ID_MAX_CHARS = 64

# Per-day and per-game statistics cover at most this many UTC days per request: the answer is
# computed from indexed queries over the transactions, so its cost grows with the range.
STATS_MAX_DAYS = 31

# Fun money a demo session starts with, in major units of the operator's currency.
DEMO_START_BALANCE_MAJOR = 1000

# --- Game client and back office (issue 7) ---------------------------------------------------

# The game client's bet selector offers at most this many bets: more is a list nobody scrolls.
CLIENT_BET_LEVELS_MAX = 24

# Back office logins: this many wrong passwords in a row lock the account for the lockout
# period, which turns online guessing into a few tries per quarter hour per account.
BACKOFFICE_MAX_FAILED_LOGINS = 5
BACKOFFICE_LOCKOUT_SECONDS = 15 * 60

# A back office session ends after this much inactivity, and in any case after the maximum:
# a stolen cookie is worth a working day at most.
BACKOFFICE_SESSION_IDLE_SECONDS = 30 * 60
BACKOFFICE_SESSION_MAX_SECONDS = 12 * 60 * 60

# Passwords: long enough to resist guessing; bounded above so nobody can make argon2 hash a
# megabyte. E-mail addresses: the RFC 5321 path limit.
BACKOFFICE_PASSWORD_MIN_CHARS = 12
BACKOFFICE_PASSWORD_MAX_CHARS = 256
BACKOFFICE_EMAIL_MAX_CHARS = 254

# Back office form posts above this are refused before parsing: no form needs more.
BACKOFFICE_FORM_MAX_BYTES = 16 * 1024

# History, player and session listings show this many rows per page; a CSV export holds at
# most CSV_MAX_ROWS (a longer one is a job for the statistics API, page by page).
BACKOFFICE_PAGE_ROWS = 50
BACKOFFICE_CSV_MAX_ROWS = 10_000
# A history query covers at most this many days (its cost grows with the range), and the
# dashboard's chart shows the last CHART_DAYS UTC days.
BACKOFFICE_HISTORY_MAX_DAYS = 31
BACKOFFICE_CHART_DAYS = 30

# The live sessions page reloads itself this often.
BACKOFFICE_LIVE_REFRESH_SECONDS = 10

# --- Conformance suite (operator_kit.conformance, issue 5) -----------------------------------

# The funded test account must hold at least this many minor units: scenarios bet a
# fiftieth of it, so smaller balances would make bets of zero.
CONFORMANCE_MIN_BALANCE_MINOR = 1000
# Concurrent bets on one player: enough to overlap on any wallet with a connection pool,
# few enough not to look like an attack. Their amount lets fewer than half fit.
CONFORMANCE_CONCURRENT_CALLS = 20
# An answer that takes more than this share of the dialect's timeout fails the timing
# scenario: idle now, it will miss the timeout under load.
CONFORMANCE_SLOW_ANSWER_PERCENT = 50
# The timing scenario sends every command this many times and judges the slowest answer.
CONFORMANCE_TIMING_ROUNDS = 3

# --- Compensated play watch (domain/fairness.py, services/fairness.py) ----------------------

# An operator is flagged when its wallet refused winning single-call rounds more often than
# losing ones with a one-sided p-value below this: one honest operator in a thousand would
# be flagged by chance on any one look, so a flag is worth a person's time.
COMPENSATED_PLAY_P_VALUE_BELOW = 0.001
# ... and only after this many refusals: fewer say too little about a wallet's habits, and a
# handful of refusals on winners in a row is a common run of bad luck.
COMPENSATED_PLAY_MIN_REFUSALS = 30
# The rounds judged are those of the last this many days: long enough to gather refusals,
# short enough that a wallet that changed its behaviour shows it within weeks.
COMPENSATED_PLAY_WINDOW_DAYS = 30
# /metrics recomputes the per-operator figures at most this often (one grouped query over
# the window's single-call rounds): scrapes every few seconds would repeat it needlessly.
COMPENSATED_PLAY_METRIC_REFRESH_SECONDS = 300
