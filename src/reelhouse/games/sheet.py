"""Render a game's math sheet (every variant) as plain text or Markdown."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import pairwise

from reelhouse.games import cascade
from reelhouse.games.contributions import symbol_shares
from reelhouse.games.model import Game
from reelhouse.games.rng import RNG_VERSION
from reelhouse.games.stats import AGREEMENT, WIN_BANDS_X, Sheet

SPREAD_SPINS = (10**3, 10**4, 10**5, 10**6, 10**7, 10**8)
# Caps an operator might set, in bets, for the table of effective RTPs.
OPERATOR_CAPS_X = (5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], markdown: bool) -> list[str]:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return [*lines, ""]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:  # the first column names the row: left-aligned; numbers right-aligned
        cells = [row[0].ljust(widths[0])]
        cells += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    return [*lines, ""]


def _one_in(probability: float) -> str:
    if probability <= 0:
        return "never"
    odds = 1 / probability
    if odds < 1e9:
        return f"1 in {odds:,.1f}"
    mantissa, exponent = f"{odds:.3e}".split("e")
    return f"1 in {mantissa} x 10^{int(exponent)}"


def _probability(value: float) -> str:
    return "0" if value == 0 else f"{value:.3g}"


def _heading(text: str, markdown: bool, level: int = 2) -> list[str]:
    if markdown:
        return ["#" * level + " " + text, ""]
    return [text, "=" * len(text) if level == 1 else "-" * len(text), ""]


def _pays(game: Game) -> tuple[str, str]:
    """(how the grid pays, what a symbol's pay is per)."""
    if game.mode == "cluster":
        assert game.cascade is not None
        smallest = cascade.smallest_cluster(game.symbols)
        return (
            f"clusters of {smallest}+ touching symbols (across or down) pay, then cascade: the"
            " winning symbols vanish, the rest fall and the strip above refills the grid, until"
            f" no win (at most {game.cascade.max_cascades} refills; the last grid still pays)"
            + _cascade_multipliers(game.cascade.multipliers),
            "cluster, by its size",
        )
    if game.mode == "lines":
        return f"{len(game.lines)} lines, paying left to right", "line"
    return f"{game.rows**game.reels} ways, paying left to right", "way"


def _cascade_multipliers(multipliers: tuple[int, ...]) -> str:
    if multipliers == (1,):
        return ""
    if len(multipliers) == 1:
        return f"; every grid's wins are multiplied by x{multipliers[0]}"
    steps = ", ".join(f"x{m}" for m in multipliers[:-1])
    return (
        f"; the wins of successive grids are multiplied by {steps},"
        f" then x{multipliers[-1]} for every later grid"
    )


def _mechanics(game: Game) -> list[str]:
    pays, per = _pays(game)
    lines = [
        f"- grid: {game.reels} reels x {game.rows} rows; {pays}",
        f"- a bet is {game.bet_step_minor} credits (so bets are multiples of"
        f" {game.bet_step_minor} minor units); symbols pay credits per {per}"
        + ("" if game.mode == "cluster" else ", scatters pay credits per spin"),
        f"- the game caps a round (base spin and its feature) at {game.max_win_x:,} x bet",
        f"- volatility: {game.volatility}",
    ]
    wilds = [s for s in game.symbols if s.kind == "wild"]
    for wild in wilds:
        extra = f", multiplies the win by {wild.multiplier}" if wild.multiplier > 1 else ""
        if wild.expanding:
            extra += "; landing anywhere on a reel, it expands to fill the reel before wins count"
        lines.append(f"- {wild.name} is wild: stands for every regular symbol{extra}")
    lines += _hold_mechanics(game)
    feature = game.free_spins
    if feature is not None and game.scatter is not None:
        awards = ", ".join(f"{k + 1} -> {n}" for k, n in enumerate(feature.awards) if n)
        lines.append(
            f"- {game.symbols[game.scatter].name} scatters anywhere award free spins ({awards});"
            f" free spins pay x{feature.multiplier}"
            + (", scatters in free spins retrigger" if feature.retrigger else "")
            + f"; at most {feature.max_spins} free spins per feature"
        )
        if game.bonus_buy is not None:
            lines.append(
                f"- bonus buy: {game.bonus_buy.price_x} x bet starts the free spins with"
                f" {game.bonus_buy.start_spins} spins, no base spin (where the jurisdiction"
                " allows it)"
            )
    return [*lines, ""]


def _hold_mechanics(game: Game) -> list[str]:
    hold, buy = game.hold_and_win, game.bonus_buy
    if hold is None:
        return []
    cash, credits = game.symbols[hold.cash].name, game.bet_step_minor
    values = ", ".join(f"{c / credits:g}" for c in hold.value_credits)
    lines = [
        f"- {hold.trigger} or more {cash} symbols anywhere start hold-and-win respins: each"
        f" {cash} carries a value ({values} x bet), stays, and every respin that lands another"
        f" resets the respins to {hold.respins}; the feature pays every value on the board",
    ]
    if hold.grand_credits:
        lines.append(f"- a board full of {cash} also pays {hold.grand_credits / credits:g} x bet")
    if buy is not None:
        lines.append(
            f"- bonus buy: {buy.price_x} x bet starts the respins with {buy.start_cash} {cash}"
            " symbols on random cells (where the jurisdiction allows it)"
        )
    return lines


def _paytable(game: Game, markdown: bool) -> list[str]:
    counts = list(range(1, game.reels + 1))
    headers = ["symbol", "code", "kind", *(f"{k} of a kind" for k in counts)]
    if game.mode == "cluster":  # pays by cluster size: a column wherever some pay changes
        counts = cascade.pay_tiers(game.symbols)
        headers = ["symbol", "code", "kind", *(f"cluster {k}+" for k in counts)]
    rows = []
    for symbol in game.symbols:
        kind = symbol.kind + (f" x{symbol.multiplier}" if symbol.multiplier > 1 else "")
        kind += " (expanding)" if symbol.expanding else ""
        pays = [symbol.pays[k - 1] for k in counts]
        rows.append([symbol.name, symbol.code, kind, *(str(p) if p else "-" for p in pays)])
    return _table(headers, rows, markdown)


def _variants(sheets: Sequence[Sheet], markdown: bool) -> list[str]:
    headers = ["measure", *(f"RTP {s.variant}" for s in sheets)]
    measures: list[tuple[str, list[str]]] = [
        ("exact RTP %", [f"{s.rtp * 100:.6f}" for s in sheets]),
        ("  base game %", [f"{s.base_rtp * 100:.4f}" for s in sheets]),
        ("  free spins %", [f"{s.feature_rtp * 100:.4f}" for s in sheets]),
        ("hit frequency", [f"{s.hit_frequency * 100:.2f} %" for s in sheets]),
        ("std deviation (x bet)", [f"{s.std:.3f}" for s in sheets]),
        ("volatility index (1.96 sd)", [f"{s.volatility_index:.2f}" for s in sheets]),
        ("feature frequency", [_one_in(s.feature_frequency) for s in sheets]),
        ("feature share of RTP", [_share(s) for s in sheets]),
        ("feature mean win (x bet)", [f"{s.feature_mean_x:.2f}" for s in sheets]),
        ("feature mean spins", [f"{s.feature_mean_spins:.2f}" for s in sheets]),
        ("top base win (x bet)", [f"{s.top_base_win_x:,.1f}" for s in sheets]),
        ("  its probability", [_one_in(s.top_base_win_probability) for s in sheets]),
        ("max win a round can pay (x bet)", [f"{s.max_win_x:,.1f}" for s in sheets]),
        ("  its odds", [_one_in(s.max_win_probability) for s in sheets]),
        ("  it is the cap", ["yes" if s.max_win_capped else "no" for s in sheets]),
        ("P(win reaches the cap)", [_probability(s.cap_probability) for s in sheets]),
        ("RTP the cap removes (pp)", [_probability(s.cap_rtp_removed * 100) for s in sheets]),
        ("RTP paid, after the cap %", [f"{s.paid_rtp * 100:.6f}" for s in sheets]),
        *((name, [dict(s.extra).get(name, "-") for s in sheets]) for name, _ in sheets[0].extra),
        ("math hash", [s.game.variant(s.variant).math_hash[:16] for s in sheets]),
    ]
    return _table(headers, [[name, *values] for name, values in measures], markdown)


def _share(sheet: Sheet) -> str:
    return f"{sheet.feature_rtp / sheet.rtp * 100:.2f} %" if sheet.rtp else "-"


def _spreads(sheets: Sequence[Sheet], markdown: bool) -> list[str]:
    headers = ["spins", *(f"RTP {s.variant}" for s in sheets)]
    rows = [
        [f"10^{round(math.log10(n))}", *(f"+/- {s.spread(n) * 100:.3f} pp" for s in sheets)]
        for n in SPREAD_SPINS
    ]
    return _table(headers, rows, markdown)


def _bands(sheets: Sequence[Sheet], markdown: bool) -> list[str]:
    return _distribution(sheets, markdown, lambda s: s.base_bands)


def _band_labels() -> list[str]:
    labels = ["no win"] + [f"({low:g}, {high:g}]" for low, high in pairwise(WIN_BANDS_X)]
    return [*labels, f"> {WIN_BANDS_X[-1]:g}"]


def _distribution(
    sheets: Sequence[Sheet], markdown: bool, pick: Callable[[Sheet], Sequence[float]]
) -> list[str]:
    headers = ["win (x bet)", *(f"RTP {s.variant}" for s in sheets)]
    rows = [
        [label, *(_percent_cell(pick(s)[i]) for s in sheets)]
        for i, label in enumerate(_band_labels())
    ]
    return _table(headers, rows, markdown)


def _percent_cell(probability: float) -> str:
    """A share in percent; a share too small for four decimals keeps its magnitude."""
    if 0 < probability < 5e-7:
        return f"{probability * 100:.2e} %"
    return f"{probability * 100:.4f} %"


def _caps(sheets: Sequence[Sheet], markdown: bool) -> list[str]:
    headers = ["operator's cap (x bet)", *(f"RTP {s.variant}" for s in sheets)]
    rows = [
        [f"{cap:,}", *(f"{s.effective_rtp(cap) * 100:.4f} %" for s in sheets)]
        for cap in OPERATOR_CAPS_X
        if cap < sheets[0].game.max_win_x
    ]
    return _table(headers, rows, markdown)


def _spin_counts(sheets: Sequence[Sheet], markdown: bool, what: str) -> list[str]:
    seen = sorted({n for s in sheets for n, p in enumerate(s.spin_counts) if p > 0})
    headers = [f"{what} played", *(f"RTP {s.variant}" for s in sheets)]
    rows = [
        [
            str(n),
            *(_percent_cell(s.spin_counts[n] if n < len(s.spin_counts) else 0.0) for s in sheets),
        ]
        for n in seen
    ]
    return _table(headers, rows, markdown)


def _shares(sheets: Sequence[Sheet], markdown: bool) -> list[str]:
    """Each symbol's share of the RTP (base game and its feature), in percentage points."""
    game = sheets[0].game
    columns = []
    for s in sheets:
        shares = symbol_shares(
            game, s.variant, s.feature_frequency * s.feature_mean_spins, s.feature_rtp
        )
        # The shares are a third derivation of the RTP: they must add up to it.
        assert abs(float(shares.sum()) - s.rtp) < AGREEMENT, f"shares add to {shares.sum()}"
        columns.append(shares)
    headers = ["symbol", *(f"RTP {s.variant}" for s in sheets)]
    rows = [
        [symbol.name, *(f"{column[i] * 100:.4f}" for column in columns)]
        for i, symbol in enumerate(game.symbols)
    ]
    rows.append(["total", *(f"{s.rtp * 100:.4f}" for s in sheets)])
    return _table(headers, rows, markdown)


def render(sheets: Sequence[Sheet], markdown: bool = False) -> str:
    """The sheet of one game: identity, rules, paytable, then every variant side by side."""
    assert sheets and len({s.game.game_code for s in sheets}) == 1
    game = sheets[0].game
    lines = _heading(f"{game.name} ({game.game_code}): math sheet", markdown, level=1)
    lines += [game.description, ""]
    lines += _heading("Rules", markdown) + _mechanics(game)
    lines += _heading("Paytable (credits)", markdown) + _paytable(game, markdown)
    lines += _heading("Variants", markdown) + _variants(sheets, markdown)
    lines += _heading("RTP by symbol (percentage points, before the cap)", markdown)
    lines += _shares(sheets, markdown)
    lines += _heading("Observed RTP spread at 95 % confidence", markdown)
    lines += _spreads(sheets, markdown)
    lines += _heading("Base game win distribution (one spin, before the feature)", markdown)
    lines += _bands(sheets, markdown)
    lines += _heading("Round win distribution (base spin and its feature, after the cap)", markdown)
    lines += _distribution(sheets, markdown, lambda s: s.round_bands)
    if game.free_spins is not None or game.hold_and_win is not None:
        what = "free spins" if game.hold_and_win is None else "respins"
        lines += _heading("Feature win distribution (once triggered, before the cap)", markdown)
        lines += _distribution(sheets, markdown, lambda s: s.feature_bands)
        lines += _heading(f"{what.capitalize()} played (once triggered)", markdown)
        lines += _spin_counts(sheets, markdown, what)
    lines += _heading("Effective RTP under an operator's max win per round", markdown)
    lines += _caps(sheets, markdown)
    lines += _heading("Method", markdown) + _method()
    if game.hold_and_win is not None:
        lines += [_HOLD_METHOD]
    if game.mode == "cluster":
        lines += _cluster_method()
    return "\n".join(lines).rstrip() + "\n"


_HOLD_METHOD = (
    "- Hold and win (games/hold_exact.py): the respins are a Markov chain over (cash symbols"
    " locked, respins left), solved by dynamic programming for the distribution of the final"
    " board; a second method (the chain of landings alone, empty respins summed in closed form)"
    " must agree to 1e-12. Values are independent of the board, so the feature's moments and"
    ' its win distribution follow exactly; the "free spins" rows above are the respins\'.'
    " The round's win distribution (games/hold_stats.py) tables the base spins by their cash"
    " count and line win, and convolves a triggering spin's line win with the feature's win"
    " distribution given that count; the max win (best triggering line win, a full board of"
    " top values and the grand prize) and its odds are exact products, and the cash symbol's"
    " RTP share is the feature's."
)


def _cluster_method() -> list[str]:
    return [
        "- Cascades: what falls in is the strip's continuation above the window, so a whole"
        " cascade is a function of the reel stops. The exact RTP enumerates every stop"
        " combination (the win of each is computed once, by bit-board dilation over all"
        " combinations at once); the engine's evaluator (a breadth-first flood fill, one grid at"
        " a time) is the second method, held equal to it combination by combination.",
    ]


def _method() -> list[str]:
    return [
        "Generated by `reelhouse rtp docs` (or `reelhouse rtp sheet GAME --markdown`); do not"
        " edit by hand.",
        "",
        "- Exact RTP: every stop combination of the base strips and of the free-spin strips is"
        " evaluated and weighted by its probability; the free-spin feature (retriggers included,"
        " up to its spin limit) is a Markov chain solved by dynamic programming for the first two"
        " moments of its total. A second, independent method (per-line expectations and Wald's"
        " identity) must agree to 1e-9.",
        "- The round's win distribution is exact to the credit (games/capbound.py): each free"
        " spin's win distribution by scatter count, convolved along the feature's chain of"
        " (spins played, spins awarded); the max win and its odds come from the same chain in"
        " the (max, +) semiring, and a probability too small for double precision sums (the odds"
        " of reaching the cap) from the distribution under an exponential tilt. Figures marked"
        " before the cap ignore it; the effective RTP under a cap c is E[min(win, c)] / bet.",
        "- The spread is 1.96 standard deviations of a round divided by the square root of the"
        " number of rounds.",
        f"- Draws: OS CSPRNG, rejection sampling, one draw per reel ({RNG_VERSION}).",
    ]
