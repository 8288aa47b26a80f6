"""What every upstream provider adapter produces and consumes, whichever protocol it speaks.

A provider adapter is a pure codec, as a wallet dialect is (dialects/base.py), facing the
other way: the provider is the client of Reelhouse's wallet and the server of its games.

- Wallet side (provider -> Reelhouse): `decode_call` turns a request's path, headers and
  raw body into an `UpstreamCall`, or an `UpstreamRefusal` saying which status to answer;
  `encode_answer` turns Reelhouse's `UpstreamAnswer` into the exact bytes to send back.
- Games side (Reelhouse -> provider): a typed request (`LaunchRequest`, a catalogue or
  free-round query) becomes a signed `HttpRequest`; the provider's answer becomes a typed
  value, or an `UpstreamFault` when it cannot be used.

Money is integer minor units of a Reelhouse currency (domain/money.py); each adapter
converts from its protocol's own unit exactly and refuses what would need rounding. Inside
Reelhouse a reversal is a *cancel*, whatever the protocol calls it (Hub88: rollback).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from reelhouse.domain.wallet import HttpAnswer, HttpRequest, TransStatus

# --- Bounds on what providers send ----------------------------------------------------------
# Ids, tokens and names a provider sends are opaque text, bounded before anything keeps them.
# A UUID has 36 characters; 128 leaves room for any provider's own id scheme and no more.
UPSTREAM_ID_MAX_CHARS = 128
# Launch tokens are 10-255 characters in the Hub88 contract: the widest form any provider uses.
UPSTREAM_TOKEN_MAX_CHARS = 255
# A game's display name; catalogue categories and product names are shorter still.
UPSTREAM_NAME_MAX_CHARS = 200
# Launch, thumbnail and background URLs: the same bound as callback URLs (one database column
# size for every URL Reelhouse keeps).
UPSTREAM_URL_MAX_CHARS = 2048
# A provider's whole catalogue: the largest public catalogues hold a few thousand games. A
# longer list is refused, not cut: a cut list would look like games withdrawn.
CATALOGUE_MAX_GAMES = 10_000
# Platforms and blocked countries of one game: there are about 250 country codes.
CATALOGUE_ITEM_LIST_MAX = 300
# A catalogue answer in bytes: 10,000 games of about 1 KiB each, with room; read whole.
CATALOGUE_ANSWER_MAX_BYTES = 16 * 1024 * 1024
# Free-round offers (prepaids) one provider lists for one operator.
FREE_ROUND_OFFERS_MAX = 10_000


class CallKind(StrEnum):
    """What a provider's wallet call asks for."""

    BALANCE = "balance"
    BET = "bet"
    WIN = "win"
    CANCEL = "cancel"  # Hub88 `transaction/rollback`
    # Whether a transaction was applied (SlotCity v4 `status`): answered from Reelhouse's
    # own record of the calls it relayed, never relayed itself. `reference_transaction_id`
    # is the transaction asked about.
    STATUS = "status"


class AnswerStatus(StrEnum):
    """What Reelhouse answers a provider's wallet call, protocol-neutral. Each adapter holds
    one table from these to its wire statuses."""

    OK = "ok"
    NOT_ENOUGH_MONEY = "not_enough_money"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 - a status name, not a secret
    TOKEN_EXPIRED = "token_expired"  # noqa: S105
    INVALID_GAME = "invalid_game"
    WRONG_CURRENCY = "wrong_currency"
    USER_DISABLED = "user_disabled"
    LIMIT_REACHED = "limit_reached"
    DUPLICATE_TRANSACTION = "duplicate_transaction"
    TRANSACTION_DOES_NOT_EXIST = "transaction_does_not_exist"
    TRANSACTION_ROLLED_BACK = "transaction_rolled_back"
    INVALID_PARTNER = "invalid_partner"
    INVALID_SIGNATURE = "invalid_signature"
    WRONG_SYNTAX = "wrong_syntax"
    WRONG_TYPES = "wrong_types"
    UNKNOWN_ERROR = "unknown_error"


@dataclass(frozen=True, slots=True)
class UpstreamCall:
    """One authenticated wallet call from a provider, checked and typed.

    Ids are the provider's opaque text, bounded. `currency` is the Reelhouse currency the
    amount is in; `wire_currency` is the code as sent (Hub88 `mBTC` is BTC in Reelhouse):
    a token is bound to the wire code, so the services compare that one. `amount_minor` is
    exact (an amount that would need rounding was refused). Fields a kind does not carry
    are None (a balance call has no transaction; a cancel has no amount).
    """

    kind: CallKind
    request_id: str
    token: str
    supplier_user: str | None = None
    game_code: str | None = None
    transaction_id: str | None = None
    reference_transaction_id: str | None = None  # win: its bet; cancel: what it reverses
    round_id: str | None = None
    round_closed: bool = False
    currency: str | None = None
    wire_currency: str | None = None
    amount_minor: int | None = None
    is_free: bool = False  # a free round paid by a reward (free-round grant)
    reward_id: str | None = None
    is_promo: bool = False  # a provider's own promotion: a win with no bet of ours
    bet_label: str | None = None  # what was bet on, as the provider names it (audit only)
    # The command as the protocol named it, where one kind has several (SlotCity's
    # `authenticate` at launch and `balance` during play are both BALANCE): the answer's
    # shape may depend on it. None where the path or kind says it all (Hub88).
    wire_command: str | None = None

    def __post_init__(self) -> None:
        if self.kind in (CallKind.BET, CallKind.WIN):
            assert self.transaction_id is not None and self.amount_minor is not None
            assert self.amount_minor >= 0 and self.currency is not None
        if self.kind is CallKind.CANCEL:
            assert self.transaction_id is not None
            assert self.reference_transaction_id is not None


@dataclass(frozen=True, slots=True)
class UpstreamRefusal:
    """A wallet call refused before any business logic ran: the status to answer, why (for
    logs only: never sent, it would help tune a forgery), and the request id to echo when
    it could be read (never after a failed signature: nothing unauthenticated is read)."""

    status: AnswerStatus
    reason: str
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class UpstreamAnswer:
    """What Reelhouse answers a wallet call.

    `wire_currency` is the code to answer with, as the protocol names it (the call's or the
    token's: Hub88 `mBTC`); `balance_minor` is in minor units of the Reelhouse currency that
    code stands for (BTC for `mBTC`). An OK answer carries user, currency and balance; an
    error answer carries what is known (a balance always with its currency).
    """

    status: AnswerStatus
    request_id: str | None
    user: str | None = None
    wire_currency: str | None = None
    balance_minor: int | None = None
    # The call answered, for protocols whose answer's shape or code depends on the command
    # (SlotCity: `authenticate` echoes the account; a missing transaction is 42 to `status`
    # and 43 to `cancel`). Hub88 does not read it.
    call: UpstreamCall | None = None
    # A STATUS call's answer: what became of the transaction asked about (OK: applied,
    # CANCELED: cancelled); one never seen is TRANSACTION_DOES_NOT_EXIST instead.
    trans_status: TransStatus | None = None

    def __post_init__(self) -> None:
        if self.status is AnswerStatus.OK and self.trans_status is not None:
            # A status answer carries no balance: it is about a transaction, not the player.
            assert self.call is not None and self.call.kind is CallKind.STATUS
        elif self.status is AnswerStatus.OK:
            assert self.user is not None and self.balance_minor is not None
        if self.balance_minor is not None:
            assert self.wire_currency is not None, "a balance is in a currency"


class Platform(StrEnum):
    DESKTOP = "desktop"
    MOBILE = "mobile"


@dataclass(frozen=True, slots=True)
class LaunchRequest:
    """Reelhouse asks a provider for a game URL for one player (or a demo: no user, no token).

    `operator_id` is the operator's id as the provider knows it (one per casino); `currency`
    is the wire code; `language` ISO 639-1; `country` ISO 3166-1 alpha-2.
    """

    operator_id: int
    game_code: str
    platform: Platform
    currency: str
    user: str | None = None
    token: str | None = None
    language: str | None = None
    country: str | None = None
    lobby_url: str | None = None
    deposit_url: str | None = None
    ip: str | None = None
    sub_partner_id: str | None = None
    # The provider's own id of `user`, where its launch names players by it (SlotCity's
    # `user_code`, from `UpstreamPlayer`); None for protocols that launch by name.
    provider_user_id: str | None = None


@dataclass(frozen=True, slots=True)
class UpstreamPlayer:
    """A player registered at a provider whose operator API keeps its own players (SlotCity
    `user/create`, iGamingAce A `player/link`, both create-or-get): the name Reelhouse
    registered, and the provider's id for it (kept to launch with)."""

    user: str
    provider_user_id: str


@dataclass(frozen=True, slots=True)
class LaunchAnswer:
    url: str


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One game of a provider's catalogue. Unknown platform names are dropped (not ours to
    offer); blocked countries are upper-case codes as sent."""

    game_code: str
    name: str
    category: str | None
    platforms: frozenset[Platform]
    blocked_countries: frozenset[str]
    thumbnail_url: str | None
    background_url: str | None
    product: str | None
    freebet_support: bool
    enabled: bool


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """A list entry that was not usable: where it was and why. The rest of the list stands."""

    index: int
    reason: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    games: tuple[CatalogueEntry, ...]
    skipped: tuple[SkippedEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class FreeRoundOffer:
    """A provider's prepaid free-round package: `bet_count` None means any number."""

    offer_id: str
    game_code: str
    currency: str
    wire_currency: str
    bet_value_minor: int
    bet_count: int | None
    bonus_buy: bool


@dataclass(frozen=True, slots=True)
class FreeRoundOffers:
    offers: tuple[FreeRoundOffer, ...]
    skipped: tuple[SkippedEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class FreeRoundGrant:
    """Reelhouse asks a provider to give a player free rounds from one of its offers.
    Times are Unix seconds (UTC); the adapter writes them in its protocol's form."""

    reward_id: str
    operator_id: int
    user: str
    currency: str  # the Reelhouse currency of `bet_value_minor`
    wire_currency: str
    offer_id: str
    game_code: str
    start_unix_s: int
    end_unix_s: int
    bet_value_minor: int
    bet_count: int | None = None
    sub_partner_id: str | None = None


@dataclass(frozen=True, slots=True)
class FreeRoundGranted:
    """The provider accepted a grant."""

    reward_id: str


@dataclass(frozen=True, slots=True)
class UpstreamFault:
    """A provider's answer to one of Reelhouse's requests that cannot be used: HTTP status,
    garbage, a refusal. `detail` is for logs and the back office, with an excerpt."""

    detail: str


VerifyKeyT = TypeVar("VerifyKeyT")
SignKeyT = TypeVar("SignKeyT")


@dataclass(frozen=True, slots=True)
class UpstreamProtocol(Generic[VerifyKeyT, SignKeyT]):
    """One provider protocol as one descriptor: the rest of Reelhouse asks it, never the
    protocol's name. `VerifyKeyT` checks the provider's calls; `SignKeyT` signs ours and
    our answers. Base URLs come from each provider's configuration."""

    name: str
    # The provider's key (checks its calls) and Reelhouse's (signs ours) from their stored
    # text; each raises ValueError for a key it cannot use.
    load_verify_key: Callable[[bytes], VerifyKeyT]
    load_sign_key: Callable[[bytes], SignKeyT]
    wallet_paths: Mapping[str, CallKind]
    decode_call: Callable[
        [str, Mapping[str, str], bytes, VerifyKeyT], UpstreamCall | UpstreamRefusal
    ]
    encode_answer: Callable[[UpstreamAnswer], bytes]
    answer_for_refusal: Callable[[UpstreamRefusal], bytes]
    sign_answer: Callable[[bytes, SignKeyT], tuple[tuple[str, str], ...]]
    encode_launch: Callable[[LaunchRequest, str, SignKeyT], HttpRequest]
    decode_launch: Callable[[HttpAnswer], LaunchAnswer | UpstreamFault]
    encode_catalogue: Callable[[int, str, SignKeyT], HttpRequest]
    decode_catalogue: Callable[[HttpAnswer], Catalogue | UpstreamFault]
    encode_offers: Callable[[int, str | None, str, SignKeyT], HttpRequest]
    decode_offers: Callable[[HttpAnswer], FreeRoundOffers | UpstreamFault]
    encode_grant: Callable[[FreeRoundGrant, str, SignKeyT], HttpRequest]
    decode_grant: Callable[[FreeRoundGrant, HttpAnswer], FreeRoundGranted | UpstreamFault]
    # Protocols whose calls all arrive at one URL, the command in the body (SlotCity v4,
    # iGamingAce A): the path Reelhouse mounts, `wallet_paths` then empty. None: the paths
    # are `wallet_paths`.
    callback_path: str | None = None
    # Whether a call names its player by a launch token (Hub88). False: by the account
    # alone (`supplier_user`), the call being authenticated by the provider's credentials
    # for Reelhouse's whole account; `token` is then empty.
    session_tokens: bool = True
    # Whether the offer and grant codecs exist. False: calling them is a programmer error.
    free_rounds: bool = True
    # Protocols that launch only players registered first (create-or-get): the request for
    # a name, and its answer. None: a launch names the player itself (Hub88).
    encode_player: Callable[[str, str, SignKeyT], HttpRequest] | None = None
    decode_player: Callable[[str, HttpAnswer], UpstreamPlayer | UpstreamFault] | None = None
    # Protocols whose calls are checked against the time they arrived (signature windows):
    # the verify key as of that time. None: the key alone checks a call (Hub88).
    verify_key_at: Callable[[VerifyKeyT, int], VerifyKeyT] | None = None
    # How long the protocol's provider waits for the answer to a bet, where its contract
    # says (the dialects' bet timeouts): a provider's default answer deadline, which the
    # relay's own call to the casino must stay well inside. None: the contract does not
    # say (a provider is then configured with its own, 5 s by default).
    answer_deadline_ms: int | None = None
    # An amount in the protocol's own wire units (an integer) and its wire currency code, as
    # exact minor units and the Reelhouse currency they are of (MoneyError where that is not
    # exact): how a provider's transaction export in wire units is read (Hub88: 1/100000 of
    # the wire currency). None: the protocol's amounts are decimals of the major unit.
    wire_money: Callable[[int, str], tuple[int, str]] | None = None
