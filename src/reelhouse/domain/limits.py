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
# this margin. The lease must outlast everything one claim may do on the wire, so nobody
# re-sends, or cancels, a call whose attempt may still be on the wire. Each HTTP attempt has
# one overall deadline of the command's timeout (dispatch/transport.py: name resolution,
# connect, write and every read together), so one attempt needs 1x. The factor stays 3
# because a win or cancel whose retry window is over is followed, in the same claim, by a
# `status` read with its quick retries (SlotCity only: 3 deadlines of 2 s after a 4 s win,
# 2.5x in all); the margin absorbs scheduling and database delays. Tests
# that kill processes shorten the margin (REELHOUSE_LEASE_MARGIN_SECONDS) to recover faster;
# production keeps the default.
LEASE_TIMEOUT_FACTOR = 3
LEASE_MARGIN_SECONDS = float(os.environ.get("REELHOUSE_LEASE_MARGIN_SECONDS", "30"))

# A bet whose answer never came may still be sitting in the wallet: read off the socket before
# our deadline, queued behind its other work, applied after its cancel was answered "not
# found". No contract bounds how long a wallet may hold a request; the bound that holds in
# practice is the request limit of the web front ends wallets run behind, 60 s by default
# (nginx's proxy read timeout, the common load balancers' idle timeout), past which they drop
# the request. Twice that covers a request passing two such hops, so a cancel that found
# nothing is sent once more this long after it was answered (store/outbox.py): a bet applied
# late is then found and reversed. Under a minute of margin would miss one slow hop; much
# more only keeps a refunded round open longer (it blocks nothing: docs/rounds.md). Tests
# that kill real processes shorten it (REELHOUSE_LATE_BET_WINDOW_SECONDS), as the lease margin
# above, so that everything settles within the test; production keeps the default.
LATE_BET_WINDOW_SECONDS = float(os.environ.get("REELHOUSE_LATE_BET_WINDOW_SECONDS", "120"))

# Callback URLs (domain/callback_address.py). The column holds 2048 characters. A callback
# host name is resolved when the URL is saved or tested, with this bound (a resolver that
# hangs must not hold a back office request); at send time the call's own deadline bounds it.
# Resolutions run on a small pool of threads (getaddrinfo cannot be interrupted): a resolver
# that hangs ties up at most this many, and later resolutions wait, bounded by their deadline.
CALLBACK_URL_MAX_CHARS = 2048
CALLBACK_RESOLVE_TIMEOUT_SECONDS = 5.0
RESOLVER_THREADS = 8

# Wallet connections of the async transport (dispatch/transport_async.py). At most this many
# calls to one wallet (scheme, host, port) at once; the next waits its turn inside its own
# deadline. The same as one operator's bulkhead (dispatch/breaker.py), which is what bounds
# an operator: this bounds a host several operators share. A wallet answering in 150 ms
# serves about 1700 calls a second through 256 connections (850 rounds), which is what 2,000
# players on one process need with room to spare.
WALLET_CALLS_PER_HOST = 256
# All wallets together: well inside a process's usual 1024 file descriptors, which the API's
# clients and the database share. With all of them busy, a call waits (inside its deadline)
# for one to be free; an idle one kept for another wallet is closed to make room.
WALLET_CONNECTIONS_TOTAL = 500
# Idle connections kept for reuse (all wallets together) and for how long: a wallet's next
# burst reuses them instead of connecting (and doing TLS) again.
IDLE_WALLET_CONNECTIONS_KEPT = 200
IDLE_WALLET_CONNECTION_SECONDS = 5.0

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

# --- Game client and back office ---------------------------------------------------

# The game client's bet selector offers at most this many bets: more is a list nobody scrolls.
CLIENT_BET_LEVELS_MAX = 24
# The game client's history panel lists at most this many of the player's latest rounds.
CLIENT_HISTORY_ROUNDS_MAX = 50
CLIENT_HISTORY_ROUNDS_DEFAULT = 20

# Back office logins: this many wrong passwords from one client address for one e-mail lock
# that pair for the lockout period (other addresses are not affected: see the block "Accounts,
# sessions and edges" below), a few tries per quarter hour per account and address.
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

# --- Conformance suite (operator_kit.conformance) -----------------------------------

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

# --- Accounts, sessions and edges (docs/security.md) -----------------------------------------

# Back office sign-in attempts per client address, whatever the e-mail: a burst for a shared
# office address, then one a minute. Every attempt costs an argon2 verification (64 MiB,
# ~0.1-0.6 s of a core), so this is what one address can make the server spend.
BACKOFFICE_LOGIN_CLIENT_BURST = 20
BACKOFFICE_LOGIN_CLIENT_PER_HOUR = 60
# Wrong passwords for one e-mail from all addresses together: this many within the lockout
# period pause sign-in to that account from browsers that never signed in to it, for the
# lockout period. A browser that did (it holds a device cookie) is not paused, so a stranger
# cannot lock the real user out; a distributed guesser gets this many tries per period.
BACKOFFICE_ACCOUNT_MAX_FAILED_LOGINS = 10
# The device cookie a successful sign-in leaves: good for this long.
BACKOFFICE_DEVICE_COOKIE_MAX_SECONDS = 30 * 24 * 60 * 60
# Each throttle remembers at most this many addresses, e-mails or pairs (least recently seen
# forgotten first): 14 MiB for the three maps when full (measured; 18 MiB with e-mails of the
# maximum length), however many addresses or e-mails an attacker invents.
BACKOFFICE_THROTTLE_MAX_KEYS = 20_000
# argon2 verifications running at once per process (each holds 64 MiB), and callers allowed
# to wait for one; the next caller is refused at once ("try again"), never queued unbounded.
BACKOFFICE_HASH_CONCURRENCY = 2
BACKOFFICE_HASH_QUEUE = 8

# Back office user management (docs/backoffice.md, "Users"): an invitation link is good for
# three days (sent by e-mail over a weekend), a password reset link for one; either works
# once. The second step of a sign-in (the two-factor code) must follow the password within
# SECOND_FACTOR_SECONDS. A link token is 43 characters; longer text is not one.
BACKOFFICE_INVITE_LINK_SECONDS = 72 * 60 * 60
BACKOFFICE_RESET_LINK_SECONDS = 24 * 60 * 60
BACKOFFICE_SECOND_FACTOR_SECONDS = 5 * 60
BACKOFFICE_LINK_TOKEN_MAX_CHARS = 64

# A game session ends this long after it opened, however active: a session token that leaked
# (a log, a shared screen, browser history) is worth a day at most.
GAME_SESSION_MAX_SECONDS = 24 * 60 * 60

# Session limits an operator may send at launch (services/session_rules.py): a time limit
# no longer than a session can last, and a loss limit that fits any currency's amounts with
# room (10^12 minor units: ten billion of a two-decimal currency).
SESSION_TIME_LIMIT_MAX_MINUTES = GAME_SESSION_MAX_SECONDS // 60
SESSION_LOSS_LIMIT_MAX_MINOR = 10**12
# The responsible-gaming audit export (services/rg_audit.py): at most this long a period
# per export, read this many rows per statement (an export streams, it never holds them all).
RG_AUDIT_EXPORT_MAX_DAYS = 366
RG_AUDIT_EXPORT_BATCH_ROWS = 1000
# The back office / Main API read of the audit: at most this many rows per page.
RG_AUDIT_PAGE_MAX_ROWS = 500

# Main API (and facades) request rate per operator and API process: a sustained rate and a
# burst above it; the next call gets 1018 at once. Far above what a casino's launches and
# sign-ins need, low enough that one operator cannot fill the worker threads with cheap
# calls or run expensive reports in a loop. REELHOUSE_API_RATE_PER_SECOND / _BURST override.
API_RATE_PER_SECOND = 100.0
API_RATE_BURST = 200
# Operators are counted only after their token is checked, so the map holds real operators.
API_RATE_MAX_KEYS = 10_000

# A metrics token shorter than this is refused (/metrics stays disabled), as for admin tokens.
METRICS_TOKEN_MIN_CHARS = 24

# --- Bad input: JSON from outside (domain/json_bounded.py, docs/security.md "Bad input") ---

# Arrays and objects nested deeper than this are refused before parsing: no body or answer
# of any protocol nests more than 3 deep, and a bound keeps the recursive parser's stack and
# time small (60,000 levels used to crash it).
MAX_JSON_DEPTH = 32
# A JSON number's text is at most this long: a 64-bit id has 19 digits, an amount at most 16
# digits and 8 decimals; a 5,000-digit number is an attack, not an amount.
MAX_JSON_NUMBER_CHARS = 40
# A JSON number's exponent is at most this in absolute value: `1e999999` is cheap to read but
# turning it into minor units built a million-digit integer (minutes of CPU, GIL held).
MAX_JSON_EXPONENT = 40
# Decimal text from a form or a JSON string (amounts, RTP) is at most this long before it is
# converted: the same reason as MAX_JSON_NUMBER_CHARS.
MAX_DECIMAL_TEXT_CHARS = 40

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

# --- Currencies ----------------------------------------------------------------------

# The most decimals a currency may have. ISO 4217's largest minor unit is 4 (CLF, UYW);
# cryptocurrencies are accounted in units of at most 10^-8 (a satoshi), finer native units
# (ETH's wei, SOL's lamport) are not carried. At 8 decimals MAX_AMOUNT_MINOR still holds
# 10 million coins, and every amount stays exact in a JavaScript double (the game client).
MAX_CURRENCY_DECIMALS = 8

# A currency or display-unit code longer than this is refused before any lookup: ISO codes
# have 3 letters, crypto tickers and display units (`USDT`, `mBTC`) a few more. The
# operators' `currency` column holds 8 characters.
MAX_CURRENCY_CODE_CHARS = 8

# An upstream provider's id (store/models.py `Provider.id`, a 32-bit integer column, also its
# Main API provider id): a larger number names no provider, and is refused before any query
# (PostgreSQL would refuse it as out of range).
PROVIDER_ID_MAX = 2**31 - 1

# --- Back office operations logs (services/ops_logs.py) -------------------------------

# The Settings page keeps this many "Test callback" results per operator: enough to see a
# fix take effect over a few tries, small enough to show on one page.
CALLBACK_TEST_HISTORY_ROWS = 20
# The API error log keeps this many refused Main API calls per operator (a ring): a bad
# integration shows its pattern within a few hundred refusals.
API_ERROR_LOG_ROWS = 500
# A refusal deletes at most this many rows beyond the ring, so no single refusal pays for
# a large purge (after a lowered limit the excess goes over a few calls).
API_ERROR_PURGE_BATCH = 50
# At most this many refusals per operator and second are written by one process: a client
# hammering with bad calls (or one being rate limited, 1018) must not turn each refusal
# into a database write. The ones beyond are counted in the log line, not stored.
API_ERROR_LOG_WRITES_PER_SECOND = 10
# A refusal's message is cut to this many characters in the log (the column's width).
API_ERROR_MESSAGE_MAX_CHARS = 300

# --- Deployment ------------------------------------------------------------------------

# PostgreSQL connections per process: kept open, and opened on top under bursts. Four
# processes (two `serve`, two `worker`) at these defaults hold at most 60 connections, well
# under PostgreSQL's default max_connections of 100 (docs/operations.md: the budget).
DB_POOL_SIZE_DEFAULT = 10
DB_MAX_OVERFLOW_DEFAULT = 5

# The data directory's optional configuration file (services/config_file.py): a few dozen
# settings fit in a few KiB; anything larger is not a configuration file.
CONFIG_FILE_MAX_BYTES = 64 * 1024

# An `X-Request-ID` a proxy sends is kept only if it is this short and made of id
# characters (api/access_log.py); anything else is replaced by one of ours, so a client
# cannot write arbitrary text into the access log.
REQUEST_ID_MAX_CHARS = 64

# How long an upstream provider waits for a wallet answer: below 0.5 s no casino answers
# reliably; above a minute a player stares at a spinning reel.
ANSWER_DEADLINE_MS_DEFAULT = 5000
ANSWER_DEADLINE_MS_MIN = 500
ANSWER_DEADLINE_MS_MAX = 60_000

# The most rounds one `reelhouse rtp simulate` plays (games/simulate.py).
SIMULATION_MAX_SPINS = 10**11
