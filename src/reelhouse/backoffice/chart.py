"""The dashboard's chart, drawn on the server as SVG: no script, no library, no CDN.

Bars are each day's bets and wins; the line is GGR (bets - wins), which may go below zero.
Amounts arrive as the statistics service's decimal text and are scaled as integers of minor
units; only the pixel positions are fractions.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from reelhouse.domain.money import currency, format_shortest, to_minor

WIDTH, HEIGHT = 760, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 16, 36
BET_COLOUR, WIN_COLOUR, GGR_COLOUR = "#4f7cff", "#31c48d", "#ffb020"


def _ticks(low: int, high: int) -> list[int]:
    """Four or five round values spanning [low, high]."""
    span = max(high - low, 1)
    step = 1
    while span / step > 5:
        for factor in (2, 5, 10):
            if span / (step * factor) <= 5:
                step *= factor
                break
        else:
            step *= 10
    first = -(-low // step) * step
    return list(range(first, high + 1, step))


def daily_chart(days: Sequence[dict[str, Any]], currency_code: str) -> str:
    """SVG markup for rows {date, bet, win, ggr} (oldest first)."""
    cur = currency(currency_code)
    bets = [to_minor(d["bet"], cur) for d in days]
    wins = [to_minor(d["win"], cur) for d in days]
    ggrs = [b - w for b, w in zip(bets, wins, strict=True)]
    high = max([*bets, *wins, *ggrs, 1])
    low = min([*ggrs, 0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: int) -> float:
        return TOP + plot_h * (high - value) / (high - low)

    slot = plot_w / max(len(days), 1)
    bar = max(slot * 0.36, 1.0)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="bets, wins and GGR per day" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in _ticks(low, high):
        ty = y(tick)
        label = escape(format_shortest(tick, cur))
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#ffffff22"/><text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="#b7aecb">{label}</text>'
        )
    points = []
    for i, day in enumerate(days):
        x = LEFT + i * slot + slot / 2
        for offset, value, colour, name in (
            (-bar, bets[i], BET_COLOUR, "bets"),
            (0.0, wins[i], WIN_COLOUR, "wins"),
        ):
            top, zero = y(value), y(0)
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{min(top, zero):.1f}" width="{bar:.1f}" '
                f'height="{abs(zero - top):.1f}" fill="{colour}"><title>{escape(day["date"])} '
                f"{name} {escape(str(day['bet' if name == 'bets' else 'win']))}</title></rect>"
            )
        points.append(f"{x:.1f},{y(ggrs[i]):.1f}")
        if i % 5 == len(days) % 5 or i == len(days) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - 14}" text-anchor="middle" font-size="11" '
                f'fill="#b7aecb">{escape(str(day["date"])[5:])}</text>'
            )
    parts.append(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{GGR_COLOUR}" '
        f'stroke-width="2.5"/>'
    )
    zero = y(0)
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{zero:.1f}" y2="{zero:.1f}" stroke="#fff6"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
