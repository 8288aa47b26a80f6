"""Helpers for the game client tests: forced outcomes, launches, and driving the page."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from playwright.sync_api import Page

from reelhouse.games import catalogue, engine
from reelhouse.games.bet_modes import BASE, BetMode
from reelhouse.games.outcome import SpinOutcome
from reelhouse.games.rng import RecordingRng, ReplayRng, Rng, SeededRng
from tests.harness import Stack

MAX_SEEDS = 200_000


def find_draws(
    game_code: str,
    bet_minor: int,
    wanted: Callable[[SpinOutcome], bool],
    variant: int = 96,
    mode: BetMode = BASE,
) -> tuple[tuple[int, ...], SpinOutcome]:
    """The draws of the first seeded round of this game (in this bet mode) that `wanted`
    accepts."""
    game = catalogue.get_game(game_code)
    assert game is not None
    for seed in range(MAX_SEEDS):
        recorder = RecordingRng(SeededRng(seed))
        outcome = engine.play(game, variant, bet_minor, recorder, mode)
        if wanted(outcome):
            return recorder.draws, outcome
    raise AssertionError(f"no seed below {MAX_SEEDS} gives the outcome asked for")


def is_win(outcome: SpinOutcome) -> bool:
    return outcome.win_minor > 0 and not outcome.free_spins


def is_loss(outcome: SpinOutcome) -> bool:
    return outcome.win_minor == 0 and not outcome.free_spins


def has_free_spins(outcome: SpinOutcome) -> bool:
    return len(outcome.free_spins) > 0


class ScriptedRounds:
    """`Platform.game_rng` replacement: the next rounds replay these draws, in order; after
    them, seeded draws (never the OS generator, so a failing test replays)."""

    def __init__(self, *rounds: tuple[int, ...]) -> None:
        self._rounds = list(rounds)
        self._fallback = SeededRng(7)

    def __call__(self) -> Rng:
        if self._rounds:
            return ReplayRng(self._rounds.pop(0))
        return self._fallback


def launch_url(
    stack: Stack,
    name: str,
    balance: str = "100.00",
    game: str = "lucky-sevens",
    **extra: Any,
) -> str:
    user_code = stack.bots().fund_player(name, "USD", balance)
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": game, "lang": "en"} | extra
    envelope = stack.call("/v4/game/game-url", body)
    assert envelope["code"] == 0, envelope
    url: str = envelope["data"]["game_url"]
    return url


def open_game(page: Page, url: str, *, turbo: bool = True) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-state=idle]")
    if turbo and page.get_attribute("#turbo-btn", "aria-pressed") != "true":
        page.click("#turbo-btn")


def spins_done(page: Page) -> int:
    return int(page.evaluate("() => Number(document.body.dataset.spins || 0)"))


def spin(page: Page, *, key: bool = False) -> None:
    """Spin (the button, or the space bar) and wait until the round is fully shown."""
    before = spins_done(page)
    if key:
        page.keyboard.press("Space")
    else:
        page.click("#spin-btn")
    page.wait_for_function(
        "(before) => Number(document.body.dataset.spins || 0) > before"
        " && document.body.dataset.state !== 'spinning'",
        arg=before,
    )


def shown_minor(page: Page, selector: str) -> int:
    text = page.get_attribute(selector, "data-minor")
    assert text, f"{selector} shows no amount"
    return int(text)


def casino_minor(stack: Stack, name: str) -> int:
    return int(stack.bots().casino_balance(name) * 100)


def minor(text: str) -> int:
    return int(Decimal(text) * 100)


def grid_on_page(page: Page) -> list[list[str]]:
    cells = page.eval_on_selector_all(
        ".reel .cell[data-row]",
        "nodes => nodes.map(n =>"
        " [Number(n.dataset.reel), Number(n.dataset.row), n.dataset.symbol])",
    )
    reels = 1 + max(reel for reel, _, _ in cells)
    rows = 1 + max(row for _, row, _ in cells)
    grid = [["" for _ in range(rows)] for _ in range(reels)]
    for reel, row, code in cells:
        grid[reel][row] = code
    return grid


def grid_codes(game_code: str, grid: list[list[int]]) -> list[list[str]]:
    game = catalogue.get_game(game_code)
    assert game is not None
    return [[game.symbols[index].code for index in column] for column in grid]
