"""Round details: `/v4/game/round-details` hands the operator a public link to a read-only page
that shows one round as the player saw it, and `round_view` is that page's content (the back
office shows the same view).

The link is `/round/{round_id}/{token}`, where the token is an HMAC-SHA256 of the round id
under a key derived from the deployment's secret key (256 bits, base64url): nothing is
stored, the same round always gets the same link, and without the key no link to any other
round can be made. It works without login and shows this round only. Rounds are never purged
(Reelhouse keeps them well past the 6 months the issue asks for), so neither are the links;
they stop working only if REELHOUSE_SECRET_KEY changes (docs/operations.md).

A relayed round (an upstream provider's, services/relay.py) is shown with what Reelhouse
holds of it: the provider's title and round id, the bet and the wins (or the cancel) the
casino's wallet took. The provider keeps the outcome: there are no spins to show and no
replay, and the view says so instead of claiming a verification.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from reelhouse.domain.clock import format_api_time, from_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import PROVIDER_ID_MAX
from reelhouse.domain.money import Currency, currency, format_fixed, to_minor
from reelhouse.domain.states import NOT_PLAYED_ROUND_STATES, RoundState, shown_win_minor
from reelhouse.games import catalogue
from reelhouse.games.model import Game
from reelhouse.services import transactions
from reelhouse.services.operator_currencies import session_unit, session_view
from reelhouse.services.platform import Platform
from reelhouse.services.replay import replay_round
from reelhouse.services.round_provider import GameLabel, GameLabels
from reelhouse.store.models import (
    GameSession,
    Operator,
    Provider,
    Round,
    WalletCall,
    session_currency,
)

INT64_MAX = 2**63 - 1
# Derives the link key from the secret key, so the key that seals callback tokens is never
# used for anything else directly.
LINK_KEY_CONTEXT = b"reelhouse/round-page/v1"
PAGE_PATH = "/round"

# What the player saw, by round state: the outcome is shown only once the bet was taken. A
# round refused or refunded (NOT_PLAYED_ROUND_STATES) also shows a win of 0.
NOT_SHOWN_BECAUSE = {
    RoundState.BET_PENDING: "The round is waiting for the casino to take the bet.",
    RoundState.REJECTED: "The casino refused the bet: the round was not played.",
    RoundState.CANCELLING: "The casino did not confirm the bet: it is being refunded and "
    "the round does not count.",
    RoundState.CANCELLED: "The casino did not confirm the bet: it was refunded and the round "
    "does not count.",
}
# The same, for a relayed round: the bet is the provider's, and a cancel may be its rollback.
NOT_SHOWN_BECAUSE_UPSTREAM = NOT_SHOWN_BECAUSE | {
    RoundState.CANCELLING: "The bet was cancelled: it is being refunded and the round does "
    "not count.",
    RoundState.CANCELLED: "The bet was cancelled: it was refunded and the round does not count.",
}


def played_upstream_note(provider_title: str) -> str:
    return (
        f"Played at provider {provider_title}: the provider keeps the outcome. Shown here are "
        "its round id and the bet and wins the casino's wallet took."
    )


@dataclass(frozen=True)
class Cell:
    code: str
    name: str
    winning: bool


@dataclass(frozen=True)
class WinLine:
    text: str
    amount: str


@dataclass(frozen=True)
class SpinView:
    title: str
    multiplier: int
    rows: tuple[tuple[Cell, ...], ...]  # rows[row][reel], row 0 at the top
    wins: tuple[WinLine, ...]
    win: str


@dataclass(frozen=True)
class RoundView:
    round_id: int
    operator_id: int
    user_code: int
    game_code: str
    game_name: str
    provider_name: str  # an upstream provider's title for a relayed round
    state: str
    currency: str
    unit: str | None  # the display unit's symbol its amounts are in; None: `currency`'s
    played_at: str  # yyyy-MM-dd HH:mm:ss UTC
    bet: str
    win: str  # what the round paid
    awarded_win: str  # what the game awarded before the agent's or the grant's cap
    win_capped: bool
    game_capped: bool  # the game's own max win cut the outcome
    free_round_id: int | None
    balance_before: str | None  # as the wallet reported it; None when it did not
    balance_after: str | None
    rtp_variant: int
    math_hash: str
    rng_version: str
    replay_verified: bool
    replay_reason: str
    not_shown_because: str | None  # why the outcome is not shown; None when it is
    spins: tuple[SpinView, ...]
    transactions: tuple[dict[str, Any], ...]  # the feed's items for this round
    provider_id: int = catalogue.PROVIDER_ID
    upstream_round_ref: str | None = None  # the provider's round id, for a relayed round
    played_upstream: bool = False  # a relayed round: no draws, no replay, no spins
    upstream_bet: str | None = None  # how the provider described the bet, if it did


# --- links -------------------------------------------------------------------------------


def _link_key(platform: Platform) -> bytes:
    secret = base64.b64decode(platform.settings.secret_key)
    return hmac.new(secret, LINK_KEY_CONTEXT, hashlib.sha256).digest()


def link_token(platform: Platform, round_id: int) -> str:
    mac = hmac.new(_link_key(platform), str(round_id).encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def page_url(platform: Platform, round_id: int) -> str:
    base = platform.settings.public_base_url
    return f"{base}{PAGE_PATH}/{round_id}/{link_token(platform, round_id)}"


def round_details_url(
    platform: Platform,
    operator_id: int,
    *,
    user_code: int,
    round_id: int,
    provider_id: int,
    game_code: str,
) -> str:
    """The page URL for one of this operator's rounds. Every mismatch (no such round, another
    operator's, another player's or game's) is the same 2013, so nothing is revealed."""
    with platform.db.transaction(read_only=True) as session:
        if provider_id != catalogue.PROVIDER_ID and (
            not 1 <= provider_id <= PROVIDER_ID_MAX or session.get(Provider, provider_id) is None
        ):
            raise ReelhouseError(ApiCode.PROVIDER_NOT_FOUND, f"no provider {provider_id}")
        round_ = session.get(Round, round_id) if 1 <= round_id <= INT64_MAX else None
        if (
            round_ is None
            or round_.operator_id != operator_id
            or round_.player_id != user_code
            or (round_.provider_id or catalogue.PROVIDER_ID) != provider_id
            or round_.game_code != game_code
        ):
            raise ReelhouseError(ApiCode.ROUND_NOT_FOUND, "no such round")
    return page_url(platform, round_id)


def view_for_link(platform: Platform, round_id_text: str, token: str) -> RoundView | None:
    """The round a link shows, or None for any link Reelhouse did not make."""
    if not round_id_text.isascii() or not round_id_text.isdigit() or len(round_id_text) > 19:
        return None
    round_id = int(round_id_text)
    if str(round_id) != round_id_text or not 1 <= round_id <= INT64_MAX:
        return None  # one spelling per round: no leading zeros
    if not hmac.compare_digest(link_token(platform, round_id).encode(), token.encode()):
        return None
    # The player's page: its amounts as the player saw them.
    return round_view(platform, round_id, as_player=True)


# --- the view ------------------------------------------------------------------------------


def round_view(platform: Platform, round_id: int, *, as_player: bool = False) -> RoundView | None:
    """One round as the player saw it, with its replay check and its transactions; None if
    there is no such round. No operator check: callers decide who may see it. `as_player`
    (the public page): the amounts in the session's display unit, as the player saw and bet
    them (operator_currencies.session_view); else in its currency (the back office). The
    transactions stay the feed's, in the currency, either way."""
    with platform.db.transaction(read_only=True) as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            return None
        operator = session.get(Operator, round_.operator_id)
        assert operator is not None
        game_session = session.get(GameSession, round_.session_id)
        assert game_session is not None
        # The round's amounts are in its session's currency (an operator may offer several).
        base = currency(session_currency(game_session, operator))
        cur = session_view(game_session, operator) if as_player else base
        items = _round_items(session, round_)
        label = GameLabels(session).label(round_.provider_id, round_.game_code)
    if label.upstream:
        return _relayed_view(platform, round_, (base, cur), label, items)
    outcome = json.loads(round_.outcome_json)
    game = catalogue.get_game(round_.game_code)
    check = replay_round(platform, round_id)
    state = RoundState(round_.state)
    played = state not in NOT_PLAYED_ROUND_STATES
    # A round not played paid nothing: its sealed outcome is neither shown nor counted.
    awarded = round_.awarded_win_minor if played else 0
    return RoundView(
        round_id=round_.id,
        operator_id=round_.operator_id,
        user_code=round_.player_id,
        game_code=round_.game_code,
        game_name=game.name if game else round_.game_code,
        provider_name=catalogue.PROVIDER_NAME,
        state=state.value,
        currency=base.code,
        unit=_label(game_session, as_player),
        played_at=format_api_time(from_naive_utc(round_.created_at_utc)),
        bet=format_fixed(round_.bet_minor, cur),
        win=format_fixed(shown_win_minor(state, round_.win_minor), cur),
        awarded_win=format_fixed(awarded if awarded is not None else round_.win_minor, cur),
        win_capped=round_.win_capped and played,
        game_capped=bool(outcome.get("capped")) and played,
        free_round_id=round_.free_round_id,
        balance_before=_known(items[0], "prebalance", base, cur) if items else None,
        balance_after=_known(items[-1], "balance", base, cur) if items else None,
        rtp_variant=round_.rtp_variant,
        math_hash=round_.math_hash,
        rng_version=round_.rng_version,
        replay_verified=check.verified,
        replay_reason=check.reason,
        not_shown_because=NOT_SHOWN_BECAUSE.get(state),
        spins=_spins(outcome, game, cur) if state not in NOT_SHOWN_BECAUSE else (),
        transactions=tuple(items),
    )


def _relayed_view(
    platform: Platform,
    round_: Round,
    currencies: tuple[Currency, Currency],
    label: GameLabel,
    items: list[dict[str, Any]],
) -> RoundView:
    """A relayed round: what the casino's wallet took, the provider's round id; no spins, no
    replay (the provider keeps the outcome), no cap of ours. An upstream session has no
    display unit: both currencies are its own."""
    base, cur = currencies
    state = RoundState(round_.state)
    # What the provider told of the round with its bet (services/relay.py writes it).
    told = json.loads(round_.outcome_json)
    bet_label = told.get("bet") if isinstance(told, dict) else None
    check = replay_round(platform, round_.id)
    assert not check.verified, "a relayed round has nothing of ours to verify"
    win = format_fixed(shown_win_minor(state, round_.win_minor), cur)
    return RoundView(
        round_id=round_.id,
        operator_id=round_.operator_id,
        user_code=round_.player_id,
        game_code=round_.game_code,
        game_name=label.game_name,
        provider_name=label.provider_name,
        state=state.value,
        currency=base.code,
        unit=None,
        played_at=format_api_time(from_naive_utc(round_.created_at_utc)),
        bet=format_fixed(round_.bet_minor, cur),
        win=win,
        awarded_win=win,
        win_capped=False,
        game_capped=False,
        free_round_id=round_.free_round_id,
        balance_before=_known(items[0], "prebalance", base, cur) if items else None,
        balance_after=_known(items[-1], "balance", base, cur) if items else None,
        rtp_variant=round_.rtp_variant,
        math_hash=round_.math_hash,
        rng_version=round_.rng_version,
        replay_verified=False,
        replay_reason=check.reason,
        not_shown_because=NOT_SHOWN_BECAUSE_UPSTREAM.get(
            state, played_upstream_note(label.provider_name)
        ),
        spins=(),
        transactions=tuple(items),
        provider_id=label.provider_id,
        upstream_round_ref=round_.upstream_round_ref,
        played_upstream=True,
        upstream_bet=bet_label if isinstance(bet_label, str) else None,
    )


def _known(item: dict[str, Any], field: str, base: Currency, cur: Currency) -> str | None:
    """A feed row's balance (a Decimal in `base`) as text in `cur`, the view the round is
    shown in, or None where the feed writes 0 for "not known"."""
    if not item["balance_known"]:
        return None
    return format_fixed(to_minor(item[field], base), cur)


def _label(game_session: GameSession, as_player: bool) -> str | None:
    """The symbol the player's amounts are labelled with (None: the currency's code)."""
    unit = session_unit(game_session) if as_player else None
    return None if unit is None else unit.symbol


def _round_items(session: Session, round_: Round) -> list[dict[str, Any]]:
    """This round's rows of the transaction feed, rendered by the feed itself (same rows,
    same fields), oldest first."""
    acked = transactions._acked_rows(round_.operator_id, WalletCall.round_id == round_.id)
    refunded, bet, _cancel = transactions._refunded_unknown_bets(round_.operator_id)
    rows = union_all(acked, refunded.where(bet.round_id == round_.id)).subquery()
    keys = list(session.execute(select(rows.c.id, rows.c.at).order_by(rows.c.at, rows.c.id)))
    return transactions._items(session, round_.operator_id, keys)


def _spins(outcome: dict[str, Any], game: Game | None, cur: Currency) -> tuple[SpinView, ...]:
    base = outcome["base"]
    # A bought free-spin round has no base spin: its `base` has no grid, and is not shown.
    spins = [_spin(base, "Base spin", game, cur)] if base["grid"] else []
    if "cascades" in base:  # a cluster game: every grid of the cascade, as the player saw it
        steps = base["cascades"]
        spins = [
            _cascade_step(step, f"Base spin, grid {number} of {len(steps)}", game, cur)
            for number, step in enumerate(steps, start=1)
        ]
    feature = outcome["free_spins"]
    for number, spin in enumerate(feature, start=1):
        spins.append(_spin(spin, f"Free spin {number} of {len(feature)}", game, cur))
    hold = outcome.get("hold")
    if hold is not None and game is not None and game.hold_and_win is not None:
        spins.append(_hold_board(hold, base["grid"], game, cur))
    return tuple(spins)


def _hold_board(
    hold: dict[str, Any], base_grid: list[list[int]], game: Game, cur: Currency
) -> SpinView:
    """The hold-and-win feature as the player last saw it: the final respin board (every cash
    symbol it started with or landed, each with its value; the other cells empty), then the
    grand prize of a full board and the feature's total (games/hold_outcome.py)."""
    rules = game.hold_and_win
    assert rules is not None
    coins = list(hold["coins"]) + [c for respin in hold["respins"] for c in respin["landed"]]
    grid = [[rules.blank] * len(column) for column in base_grid]
    wins: list[WinLine] = []
    for reel, row, value_minor in sorted(coins, key=lambda c: (c[0], c[1])):
        grid[reel][row] = rules.cash
        text = f"{_symbol(game, rules.cash)[1]}, reel {reel + 1} row {row + 1}"
        wins.append(WinLine(text, format_fixed(value_minor, cur)))
    if hold["full"]:
        wins.append(WinLine("Full board: grand prize", format_fixed(hold["grand_minor"], cur)))
    winning = {(reel, row) for reel, row, _value in coins}
    title = f"Hold and win: final board after {len(hold['respins'])} respins"
    return SpinView(
        title, 1, _cells(grid, winning, game), tuple(wins), format_fixed(hold["win_minor"], cur)
    )


def _symbol(game: Game | None, index: int) -> tuple[str, str]:
    if game is None or not 0 <= index < len(game.symbols):
        return str(index), f"symbol {index}"
    symbol = game.symbols[index]
    return symbol.code, symbol.name


def _cascade_step(step: dict[str, Any], title: str, game: Game | None, cur: Currency) -> SpinView:
    wins = []
    winning: set[tuple[int, int]] = set()
    for cluster in step["clusters"]:
        text = f"Cluster of {cluster['size']} x {_symbol(game, cluster['symbol'])[1]}"
        wins.append(WinLine(text, format_fixed(cluster["win_minor"], cur)))
        winning.update((reel, row) for reel, row in cluster["positions"])
    return SpinView(
        title,
        step["multiplier"],
        _cells(step["grid"], winning, game),
        tuple(wins),
        format_fixed(step["win_minor"], cur),
    )


def _cells(
    grid: list[list[int]], winning: set[tuple[int, int]], game: Game | None
) -> tuple[tuple[Cell, ...], ...]:
    """Rows of cells from grid[reel][row], each marked if it took part in a win."""
    return tuple(
        tuple(
            Cell(*_symbol(game, grid[reel][row]), winning=(reel, row) in winning)
            for reel in range(len(grid))
        )
        for row in range(len(grid[0]) if grid else 0)
    )


def _spin(spin: dict[str, Any], title: str, game: Game | None, cur: Currency) -> SpinView:
    grid: list[list[int]] = spin["grid"]  # grid[reel][row]
    wins: list[WinLine] = []
    winning: set[tuple[int, int]] = set()
    for line in spin["lines"]:
        name = _symbol(game, line["symbol"])[1]
        extra = f", wilds x{line['multiplier']}" if line["multiplier"] > 1 else ""
        text = f"Line {line['line'] + 1}: {line['count']} x {name}{extra}"
        wins.append(WinLine(text, format_fixed(line["win_minor"], cur)))
        winning.update((reel, row) for reel, row in line["positions"])
    for way in spin["ways"]:
        name = _symbol(game, way["symbol"])[1]
        text = f"{way['count']} x {name}, {way['ways']} ways"
        wins.append(WinLine(text, format_fixed(way["win_minor"], cur)))
        winning.update((reel, row) for reel, row in way["positions"])
    scatter = spin["scatter"]
    if scatter is not None:
        name = _symbol(game, scatter["symbol"])[1]
        extra = f", {scatter['free_spins']} free spins" if scatter["free_spins"] else ""
        wins.append(
            WinLine(f"{scatter['count']} x {name}{extra}", format_fixed(scatter["win_minor"], cur))
        )
        winning.update((reel, row) for reel, row in scatter["positions"])
    return SpinView(
        title,
        spin["multiplier"],
        _cells(grid, winning, game),
        tuple(wins),
        format_fixed(spin["win_minor"], cur),
    )
