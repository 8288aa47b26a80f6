"""`reelhouse rtp ...`: math sheets, simulations and the generated docs of the catalogue.

The lead's CLI mounts `rtp_app`; this module only formats and prints, the math is elsewhere.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from reelhouse.domain.limits import SIMULATION_MAX_SPINS
from reelhouse.games.catalogue import get_game, list_games
from reelhouse.games.certify_limits import DEFAULT_ROUNDS, DEFAULT_SEED, MAX_ROUNDS
from reelhouse.games.model import Game

# The math (numpy) and the progress bar are imported by the commands that use them, so that
# `reelhouse --help` does not load them (docs/performance.md: the command line's start).

rtp_app = typer.Typer(no_args_is_help=True, help="Game math: exact RTP sheets and simulations.")

# |observed - exact| within this many standard errors passes.
SIGMA_LIMIT = 3.0


def _game(code: str) -> Game:
    game = get_game(code)
    if game is None:
        known = ", ".join(info.game_code for info in list_games())
        typer.echo(f"unknown game {code!r}; known: {known}", err=True)
        raise typer.Exit(2)
    return game


def _variants(game: Game, chosen: list[int] | None) -> list[int]:
    variants = chosen or list(game.rtp_variants)
    unknown = [v for v in variants if v not in game.rtp_variants]
    if unknown:
        typer.echo(
            f"{game.game_code} has no variant {unknown}; it has {game.rtp_variants}", err=True
        )
        raise typer.Exit(2)
    return variants


@rtp_app.command("list")
def list_command() -> None:
    """The catalogue: code, name, mechanics and RTP variants of every game."""
    for info in list_games():
        variants = "/".join(str(v) for v in info.rtp_variants)
        typer.echo(
            f"{info.game_code:18} {info.name:18} {info.reels}x{info.rows} {info.mode:7}"
            f" {info.volatility:7} RTP {variants}"
        )


@rtp_app.command("sheet")
def sheet_command(
    game: Annotated[str, typer.Argument(help="game code, e.g. lucky-sevens")],
    markdown: Annotated[bool, typer.Option("--markdown", help="Markdown, as in docs/")] = False,
    variant: Annotated[list[int] | None, typer.Option(help="only these variants")] = None,
) -> None:
    """Print the exact math sheet of a game (every variant, or those given)."""
    from reelhouse.games.sheet import render
    from reelhouse.games.stats import compute_sheet

    chosen = _game(game)
    sheets = [compute_sheet(chosen, v) for v in _variants(chosen, variant)]
    typer.echo(render(sheets, markdown=markdown), nl=False)


@rtp_app.command("docs")
def docs_command(
    out: Annotated[Path, typer.Option(help="directory for <game>.md")] = Path("docs/games"),
    facts: Annotated[
        Path | None,
        typer.Option(help="also write <game>/facts.json under this games data directory"),
    ] = None,
) -> None:
    """Write the Markdown sheet of every game of the catalogue into a directory, and with
    --facts the figures the catalogue shows (games/facts.py) from the same sheets."""
    from reelhouse.games.facts import FACTS_FILE, facts_document
    from reelhouse.games.sheet import render
    from reelhouse.games.stats import compute_sheet

    out.mkdir(parents=True, exist_ok=True)
    for info in list_games():
        game = _game(info.game_code)
        sheets = [compute_sheet(game, v) for v in game.rtp_variants]
        path = out / f"{game.game_code}.md"
        path.write_text(render(sheets, markdown=True), encoding="utf-8")
        typer.echo(f"wrote {path}")
        if facts is not None:
            facts_path = facts / game.game_code / FACTS_FILE
            facts_path.write_text(facts_document(sheets), encoding="utf-8")
            typer.echo(f"wrote {facts_path}")


@rtp_app.command("simulate")
def simulate_command(
    game: Annotated[str, typer.Argument(help="game code")],
    variant: Annotated[int, typer.Option(help="RTP variant")] = 96,
    spins: Annotated[int, typer.Option(min=1, max=SIMULATION_MAX_SPINS, help="rounds to play")] = 10
    ** 7,
    seed: Annotated[int | None, typer.Option(help="seed (default: fresh entropy)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="processes")] = os.cpu_count() or 1,
) -> None:
    """Simulate rounds on every core and check the RTP against the exact value (3 sigma)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from reelhouse.games.simulate import simulate
    from reelhouse.games.stats import compute_sheet

    chosen = _game(game)
    _variants(chosen, [variant])
    exact = compute_sheet(chosen, variant)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} spins"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(f"{chosen.game_code} RTP {variant}", total=spins)
        result = simulate(
            chosen,
            variant,
            spins,
            seed=seed,
            workers=workers,
            progress=lambda done, _total: bar.update(task, completed=done),
        )
    z = result.z_score(exact.rtp, exact.std)
    error = exact.std / (result.spins**0.5)
    lines = [
        f"game {chosen.game_code}, variant {variant}, {result.spins:,} spins, seed {result.seed}",
        f"RTP       simulated {result.rtp * 100:.4f} %   exact {exact.rtp * 100:.4f} %"
        f"   (1 sigma = {error * 100:.4f} pp, z = {z:+.2f})",
        f"std dev   simulated {result.std:.3f}     exact {exact.std:.3f}",
        f"hit freq  simulated {result.hit_frequency * 100:.3f} %   exact"
        f" {exact.hit_frequency * 100:.3f} %",
        f"feature   simulated {result.feature_frequency * 100:.4f} %   exact"
        f" {exact.feature_frequency * 100:.4f} %",
        f"max paid  {result.totals.max_paid / chosen.credits:,.1f} x bet,"
        f" capped rounds {result.totals.capped}",
    ]
    for line in lines:
        typer.echo(line)
    if abs(z) <= SIGMA_LIMIT:
        typer.echo(f"PASS: within {SIGMA_LIMIT:g} sigma of the exact RTP")
        return
    typer.echo(f"FAIL: {abs(z):.2f} sigma from the exact RTP")
    raise typer.Exit(1)


# A round record to replay is a small JSON document; anything larger is not one.
MAX_ROUND_FILE_BYTES = 1 << 20


@rtp_app.command("certify")
def certify_command(
    game: Annotated[str, typer.Argument(help="game code")],
    out: Annotated[Path, typer.Option(help="directory for the bundle (new or empty)")],
    rounds: Annotated[
        int,
        typer.Option(min=1, max=MAX_ROUNDS, help="simulated rounds per variant"),
    ] = DEFAULT_ROUNDS,
    seed: Annotated[int, typer.Option(min=0, max=2**63 - 1, help="simulation seed")] = DEFAULT_SEED,
    issued: Annotated[
        str | None, typer.Option(help="issue date YYYY-MM-DD to print in the bundle")
    ] = None,
) -> None:
    """Write the certification bundle of a game for a test lab: data files and their hashes,
    math hashes, sheet, seeded simulation per variant, RNG and replay notes, manifest."""
    from datetime import date

    from reelhouse.games.catalogue import DATA_ROOT
    from reelhouse.games.certify import MANIFEST, build_bundle, write_bundle

    chosen = _game(game)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        typer.echo(f"{out} exists and is not an empty directory", err=True)
        raise typer.Exit(2)
    if issued is not None:
        try:
            if len(issued) != len("YYYY-MM-DD"):
                raise ValueError(issued)
            issued = date.fromisoformat(issued).isoformat()
        except ValueError:
            typer.echo(f"--issued {issued[:20]!r} is not a date YYYY-MM-DD", err=True)
            raise typer.Exit(2) from None
    files = build_bundle(DATA_ROOT / chosen.game_code, rounds=rounds, seed=seed, issued=issued)
    write_bundle(files, out)
    typer.echo(f"wrote {len(files)} files to {out}; check them with: sha256sum -c {MANIFEST}")
    simulation = json.loads(files["simulation.json"])
    failed = [v for v in simulation["variants"] if v["result"] != "pass"]
    for entry in simulation["variants"]:
        low, high = entry["band_percent"]
        typer.echo(
            f"rtp{entry['variant']} {entry['bet_mode']}: observed"
            f" {entry['observed_rtp_percent']:.4f} %, exact"
            f" {entry['exact_rtp_percent']:.4f} %, band {low:.4f}..{high:.4f}:"
            f" {entry['result'].upper()}"
        )
    if failed:
        raise typer.Exit(1)


@rtp_app.command("replay")
def replay_command(
    record: Annotated[Path, typer.Argument(help="round record JSON (a bundle's sample-round)")],
) -> None:
    """Replay a round record from its draws and confirm its outcome (VERIFIED or not)."""
    from reelhouse.games.replay import replay
    from reelhouse.games.rng import RNG_VERSION

    try:
        if record.stat().st_size > MAX_ROUND_FILE_BYTES:
            raise ValueError("larger than a round record")
        document = json.loads(record.read_text(encoding="utf-8"))
        fields = (
            str(document["game_code"]),
            int(document["variant"]),
            str(document["math_hash"]),
            int(document["bet_minor"]),
            [int(draw) for draw in document["draws"]],
            dict(document["outcome"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        typer.echo(f"{record}: not a round record ({exc})", err=True)
        raise typer.Exit(2) from None
    if document.get("rng_version") != RNG_VERSION:
        typer.echo(f"NOT VERIFIED: rng version differs from the current {RNG_VERSION!r}")
        raise typer.Exit(1)
    result = replay(*fields)
    if result.verified:
        typer.echo(f"VERIFIED: {fields[0]} rtp{fields[1]}, {len(fields[4])} draws replayed")
        return
    typer.echo(f"NOT VERIFIED: {result.reason}")
    raise typer.Exit(1)
