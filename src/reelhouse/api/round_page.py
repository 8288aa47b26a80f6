"""The public round page behind `/v4/game/round-details` links: `/round/{round_id}/{token}`.

No login: the token (an HMAC of the round id, services/round_details.py) is the permission.
Any link Reelhouse did not make answers the same 404 page, so the page reveals nothing about
other rounds. The page is read-only HTML with no scripts; it asks browsers not to cache it,
not to send its URL on as a referrer, and search engines not to index it.
"""

from __future__ import annotations

import html
from importlib import resources
from string import Template
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from reelhouse.api.deps import platform_of
from reelhouse.services import round_details
from reelhouse.services.platform import Platform
from reelhouse.services.round_details import RoundView, SpinView

router = APIRouter(tags=["Round details"])
PlatformDep = Annotated[Platform, Depends(platform_of)]

# The template sits beside the game page's, in the client package.
PAGE = Template((resources.files("reelhouse.client") / "round.html").read_text(encoding="utf-8"))
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
NOT_FOUND = "<!doctype html><title>Round not found</title><p>This round link is not valid.</p>"
TRANS_TYPES = {1: "bet", 2: "win", 16: "cancel (refund)", 32: "bonus call"}


@router.get(
    f"{round_details.PAGE_PATH}/{{round_id}}/{{token}}",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def round_page(round_id: str, token: str, platform: PlatformDep) -> HTMLResponse:
    view = round_details.view_for_link(platform, round_id, token)
    if view is None:
        return HTMLResponse(NOT_FOUND, status_code=404, headers=HEADERS)
    return HTMLResponse(render(view), headers=HEADERS)


def _e(value: object) -> str:
    return html.escape(str(value))


def _rows(pairs: list[tuple[str, str]]) -> str:
    """Table rows of (label, already escaped HTML)."""
    return "".join(f"<tr><th>{_e(label)}</th><td>{cell}</td></tr>" for label, cell in pairs)


def _money(view: RoundView, amount: str | None) -> str:
    """An amount of the summary, labelled with the unit the player saw (mBTC), else the
    currency."""
    label = view.unit or view.currency
    return f"{_e(amount)} {_e(label)}" if amount is not None else "not reported"


def _summary(view: RoundView) -> str:
    win = _money(view, view.win)
    if view.win_capped:
        win += f" (the game awarded {_money(view, view.awarded_win)}; capped at the maximum win)"
    pairs = [
        ("Game", _e(f"{view.game_name} ({view.provider_name})")),
        ("Round", _e(view.round_id)),
        ("Played at (UTC)", _e(view.played_at)),
        ("State", _e(view.state)),
        ("Bet", _money(view, view.bet) + (" (free round)" if view.free_round_id else "")),
        ("Win", win),
        ("Balance before", _money(view, view.balance_before)),
        ("Balance after", _money(view, view.balance_after)),
        ("RTP variant", _e(f"{view.rtp_variant} %")),
        ("Math hash", f"<code>{_e(view.math_hash)}</code>"),
        ("RNG", _e(view.rng_version)),
    ]
    if view.free_round_id:
        pairs.insert(5, ("Free round grant", _e(view.free_round_id)))
    if view.played_upstream:
        # No variant, math or RNG of ours: the provider's round id is what identifies it.
        pairs = [
            *pairs[:-3],
            ("Provider", _e(view.provider_name)),
            ("Provider's round", _e(view.upstream_round_ref or "not given")),
        ]
        if view.upstream_bet:
            pairs.append(("Provider's bet", _e(view.upstream_bet)))
    return _rows(pairs)


def _spin(spin: SpinView) -> str:
    title = spin.title + (f" (wins x{spin.multiplier})" if spin.multiplier > 1 else "")
    grid = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"win" if cell.winning else ""}" title="{_e(cell.name)}">'
            f"{_e(cell.code)}</td>"
            for cell in row
        )
        + "</tr>"
        for row in spin.rows
    )
    wins = "".join(f"<li>{_e(w.text)}: {_e(w.amount)}</li>" for w in spin.wins)
    return (
        f"<h2>{_e(title)}</h2><table class='grid'>{grid}</table>"
        f"<ul>{wins or '<li>no win</li>'}</ul><p>Spin win: {_e(spin.win)}</p>"
    )


def _balance(row: dict[str, Any], field: str) -> str:
    """A feed row's balance, or '-' where the wallet did not report one."""
    return format(row[field], "f") if row["balance_known"] else "-"


def _transactions(view: RoundView) -> str:
    if not view.transactions:
        return "<p>None acknowledged by the casino's wallet yet.</p>"
    # The wallet's own figures, in the currency, even where the player saw a display unit.
    note = f"<p>Amounts in {_e(view.currency)}, as the casino's wallet holds them.</p>"
    head = "<tr><th>trans_id</th><th>type</th><th>amount</th><th>before</th><th>after</th>"
    head += "<th>time (UTC)</th></tr>"
    body = "".join(
        f"<tr><td>{_e(t['trans_id'])}</td><td>{_e(TRANS_TYPES.get(t['trans_type'], '?'))}</td>"
        f"<td>{_e(format(t['trans_amount'], 'f'))}</td><td>{_e(_balance(t, 'prebalance'))}</td>"
        f"<td>{_e(_balance(t, 'balance'))}</td><td>{_e(t['regdate'])}</td></tr>"
        for t in view.transactions
    )
    return f"{note}<table>{head}{body}</table>"


def render(view: RoundView) -> str:
    replay_class = "verified" if view.replay_verified else "unverified"
    if view.played_upstream:
        # Nothing was replayed, so neither a tick nor a cross: the provider keeps the outcome.
        mark, replay_class = view.replay_reason, "upstream"
    elif view.replay_verified:
        mark = (
            "\u2714 Replay verified: the recorded draws, replayed on this math, give this outcome."
        )
    else:
        mark = f"\u2718 Replay not verified: {view.replay_reason}"
    notes = f'<p class="note">{_e(view.not_shown_because)}</p>' if view.not_shown_because else ""
    return PAGE.substitute(
        title=_e(f"{view.game_name} - round {view.round_id}"),
        heading=_e(f"{view.game_name}: round {view.round_id}"),
        replay_class=replay_class,
        replay_mark=_e(mark),
        notes=notes,
        summary=_summary(view),
        spins="".join(_spin(spin) for spin in view.spins),
        transactions=_transactions(view),
    )
