"""The demo supplier's fake game page: a launched player's balance and a "Spin" button.

A spin is one round of the contract played by the supplier's server, not by the browser: a
bet of `SPIN_BET_MINOR` minor units of the player's currency, then its win (0 on a loss),
through `SupplierWallet` to the aggregator's wallet (`rounds.play_round`). So a person
trying the demo sees an aggregated game move the casino's money, and the token never leaves
the page it came on.

The outcome is a toy draw (about half the spins lose; a win pays 1 to 5 times the bet): the
page is a stand-in for a provider's game, not a game. Its randomness is injected, so a test
knows what a spin pays.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, quote

from reelhouse.provider_kit.hub88_supplier.client import SupplierWallet
from reelhouse.provider_kit.hub88_supplier.rounds import RetryPolicy, RoundResult
from reelhouse.provider_kit.hub88_supplier.wire import (
    TOKEN_MAX_CHARS,
    exact_step_x100000,
    minor_to_x100000,
    x100000_to_minor,
)

GAME_PAGE_PREFIX = "/play/"
SPIN_SUFFIX = "/spin"
# One spin's bet: 1.00 of a two-decimal currency (100 minor units), a bet every demo
# operator's limits allow.
SPIN_BET_MINOR = 100
# A spin form is one token field: anything longer is not one of ours, and is not read.
MAX_SPIN_FORM_BYTES = 1024
# Wins and rollbacks retried a few times, quickly: a person is waiting on the page.
PAGE_RETRY = RetryPolicy(attempts=3, first_pause_s=0.1, max_pause_s=0.5)

# Draws a win (wire units) for a bet (wire units) in steps of `step` (wire units).
WinDraw = Callable[[int, int], int]


def toy_win(rng: random.Random) -> WinDraw:
    def draw(bet_x100000: int, step_x100000: int) -> int:
        if rng.random() < 0.5:
            return 0
        return bet_x100000 * rng.randint(1, 5) + step_x100000 * rng.randint(0, 9)

    return draw


@dataclass(frozen=True, slots=True)
class SpinResult:
    """What the page says after a spin: amounts in minor units of the player's currency."""

    result: RoundResult
    bet_minor: int
    win_minor: int
    balance_minor: int | None
    status: str | None  # the deciding reply's status, or None when nothing answered


def spin_token(form_body: bytes) -> str | None:
    """The launched token a spin form carries, or None when the form is not one."""
    if len(form_body) > MAX_SPIN_FORM_BYTES:
        return None
    try:
        fields = parse_qs(form_body.decode("ascii"), max_num_fields=2, strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return None
    tokens = fields.get("token", [])
    if len(tokens) != 1 or not 0 < len(tokens[0]) <= TOKEN_MAX_CHARS:
        return None
    return tokens[0]


def play_spin(
    wallet: SupplierWallet,
    token: str,
    user: str,
    game_code: str,
    currency: str,
    draw: WinDraw,
) -> SpinResult:
    """One round: bet, then the drawn win (or the bet's rollback if it failed)."""
    bet_x100000 = minor_to_x100000(SPIN_BET_MINOR, currency)
    win_x100000 = draw(bet_x100000, exact_step_x100000(currency))
    outcome = wallet.play_round(
        token, user, game_code, currency, bet_x100000, win_x100000, retry=PAGE_RETRY
    )
    deciding = outcome.follow_up or outcome.bet
    paid = outcome.result is RoundResult.SETTLED
    # The balance shown is the bet's answer plus the win: the bet's answer is the casino's
    # balance after its debit, while an aggregator may answer a win before the casino has
    # credited it (Reelhouse does, through its outbox), with a balance that is its estimate.
    balance = outcome.bet.balance if paid else deciding.balance
    if paid and balance is not None:
        balance += win_x100000
    return SpinResult(
        outcome.result,
        SPIN_BET_MINOR if outcome.bet.ok else 0,
        x100000_to_minor(win_x100000, currency) if paid else 0,
        None if balance is None else x100000_to_minor(balance, currency),
        deciding.status,
    )


def render_page(
    game_code: str,
    token: str | None,
    currency: str | None,
    balance_minor: int | None,
    spin: SpinResult | None = None,
) -> str:
    """The page: the game's code, the balance, the last spin, and the Spin button (only
    for a launched token: a demo-currency launch has no wallet to play against)."""
    title = escape(game_code)
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>{title} (demo supplier)</title></head><body>",
        f"<h1>{title}</h1><p>A demo supplier's game, aggregated by Reelhouse.</p>",
    ]
    if token is None or currency is None:
        parts.append("<p>Not launched with a token: nothing to play.</p></body></html>")
        return "".join(parts)
    if balance_minor is not None:
        parts.append(f"<p id='balance'>Balance: {_shown(balance_minor, currency)}</p>")
    if spin is not None:
        parts.append(f"<p id='last-spin'>{escape(_spin_line(spin, currency))}</p>")
    action = f"{GAME_PAGE_PREFIX}{quote(game_code, safe='')}{SPIN_SUFFIX}"
    parts.append(
        f"<form method='post' action='{escape(action)}'>"
        f"<input type='hidden' name='token' value='{escape(token)}'>"
        f"<button type='submit'>Spin ({_shown(SPIN_BET_MINOR, currency)})</button>"
        "</form></body></html>"
    )
    return "".join(parts)


def _spin_line(spin: SpinResult, currency: str) -> str:
    if spin.result is RoundResult.SETTLED:
        return f"Bet {_shown(spin.bet_minor, currency)}, won {_shown(spin.win_minor, currency)}."
    return f"The spin did not settle ({spin.result.value}, {spin.status or 'no answer'})."


def _shown(amount_minor: int, currency: str) -> str:
    # The page shows two-decimal currencies as such; any other in minor units, unambiguous.
    if minor_to_x100000(1, currency) == 1000:
        whole, cents = divmod(amount_minor, 100)
        return f"{whole}.{cents:02d} {currency}"
    return f"{amount_minor} minor units of {currency}"
