"""The certification bundle of one game: what a test lab receives (`reelhouse rtp certify`).

A bundle is a directory of files, built here as {name: bytes} so that the same game data, the
same seed and the same round count give the same bytes: no clock, no host name, no path of
the machine that built it. The files:

- `data/<file>`: every file of the game's data directory, byte for byte as shipped;
- `math.json`: the engine and RNG versions, the SHA-256 of every data file and the math hash
  of every variant (model.compute_math_hash: what every stored round names);
- `sheet.md` and `sheet.json`: the exact math sheet (as in docs/games/) and its figures;
- `simulation.json`: a seeded simulation of every variant (and of its bonus buy, if the game
  sells one) against its exact RTP (3 sigma);
- `rng.md`: the random number generator and how a draw becomes a reel stop;
- `sample-round.json` and `replay.md`: one seeded round with its draws, and how to replay it;
- `README.md`: what each file is; `manifest.sha256`: every other file with its SHA-256, in
  the format `sha256sum -c` reads.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, fields
from importlib.abc import Traversable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from reelhouse.games.catalogue import load_game_dir
from reelhouse.games.certify_limits import DEFAULT_ROUNDS, DEFAULT_SEED, MAX_ROUNDS
from reelhouse.games.engine import play
from reelhouse.games.model import ENGINE_VERSION, Game
from reelhouse.games.rng import MAX_DRAW_BOUND, MAX_REJECTIONS, RNG_VERSION, SeededRng
from reelhouse.games.stats import WIN_BANDS_X, Sheet

# |observed - exact| within this many standard errors of the mean passes.
SIGMA_LIMIT = 3.0
# The sample round is the first round from the seed that pays (a round that shows a win
# replays more of the engine than a loss); a game that pays this rarely takes the last one.
SAMPLE_ROUNDS_MAX = 1_000
MANIFEST = "manifest.sha256"
# A bundle's files are small; a data directory holding something bigger is a mistake.
MAX_DATA_FILE_BYTES = 4 << 20


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(document: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, a final newline."""
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode()


def package_version() -> str:
    try:
        return version("reelhouse")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


@dataclass(frozen=True, slots=True)
class VariantCheck:
    """One variant's seeded simulation against its exact RTP."""

    variant: int
    rounds: int
    seed: int
    exact_rtp: float
    observed_rtp: float
    std: float  # of one round, in stakes (bets, or buy prices)
    bet_mode: str = "base"
    # "exact" (the sheet's) for the base game; "sample" for a bonus buy, whose exact standard
    # deviation no sheet gives.
    std_source: str = "exact"

    @property
    def band(self) -> tuple[float, float]:
        """The exact RTP plus or minus SIGMA_LIMIT standard errors of the mean."""
        half = SIGMA_LIMIT * self.std / math.sqrt(self.rounds)
        return self.exact_rtp - half, self.exact_rtp + half

    @property
    def passed(self) -> bool:
        low, high = self.band
        return low <= self.observed_rtp <= high

    def to_json(self) -> dict[str, Any]:
        low, high = self.band
        return {
            "variant": self.variant,
            "bet_mode": self.bet_mode,
            "rounds": self.rounds,
            "seed": self.seed,
            "exact_rtp_percent": round(self.exact_rtp * 100, 6),
            "observed_rtp_percent": round(self.observed_rtp * 100, 6),
            "std_dev_x": round(self.std, 6),
            "std_dev_source": self.std_source,
            "band_percent": [round(low * 100, 6), round(high * 100, 6)],
            "sigmas": SIGMA_LIMIT,
            "result": "pass" if self.passed else "fail",
        }


def _buy_check(game: Game, variant: int, rounds: int, seed: int) -> VariantCheck:
    """A bonus buy's seeded simulation against the buy's exact RTP (hold_exact.buy_rtp),
    in chunks with their own streams spawned from the seed, as simulate.simulate does."""
    import numpy as np

    from reelhouse.games.bet_modes import BUY
    from reelhouse.games.hold_exact import buy_rtp
    from reelhouse.games.hold_simulate import simulate_hold_chunk
    from reelhouse.games.simulate import CHUNK_SPINS, Totals

    weights = game.variant(variant).hold
    assert game.bonus_buy is not None and weights is not None
    sizes = [CHUNK_SPINS] * (rounds // CHUNK_SPINS) + [rounds % CHUNK_SPINS] * bool(
        rounds % CHUNK_SPINS
    )
    totals = Totals()
    for size, stream in zip(sizes, np.random.SeedSequence(seed).spawn(len(sizes)), strict=True):
        chunk = simulate_hold_chunk(game, variant, size, np.random.default_rng(stream), BUY)
        totals = totals + chunk
    price = game.bonus_buy.price_x * game.credits
    mean = totals.paid / rounds
    std = math.sqrt(max(totals.paid_squared / rounds - mean * mean, 0.0)) / price
    observed = mean / price
    return VariantCheck(
        variant, rounds, seed, buy_rtp(game, weights), observed, std, BUY, std_source="sample"
    )


def data_files(directory: Traversable) -> dict[str, bytes]:
    """Every file of a game's data directory, by name, exactly as stored."""
    files = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if entry.is_file():
            data = entry.read_bytes()
            assert len(data) <= MAX_DATA_FILE_BYTES, f"{entry.name} is too large for a bundle"
            files[entry.name] = data
    return files


def _sheet_figures(sheets: list[Sheet]) -> bytes:
    """Every figure of every variant's sheet (games/stats.py Sheet), by field name."""
    variants = {}
    for sheet in sheets:
        figures: dict[str, Any] = {"math_hash": sheet.game.variant(sheet.variant).math_hash}
        for item in fields(sheet):
            # The game is the data files; the fields kept out of the sheet's repr (the round's
            # law and its whole win distribution, arrays) are what the figures are computed
            # from: the lab recomputes them from the data.
            if item.name != "game" and item.repr:
                figures[item.name] = getattr(sheet, item.name)
        figures["volatility_index"] = sheet.volatility_index
        figures["paid_rtp"] = sheet.paid_rtp
        variants[str(sheet.variant)] = figures
    # base_bands[0] is "no win"; band i > 0 holds wins from edge i - 1 (exclusive) up to edge i.
    document = {"game_code": sheets[0].game.game_code, "win_bands_x": list(WIN_BANDS_X)}
    return _json(document | {"variants": variants})


def _sample_round(game: Game, seed: int) -> dict[str, Any]:
    """The first paying round of a minimum bet from `seed` (SeededRng), as a round record."""
    variant = max(game.rtp_variants)
    rng = SeededRng(seed)
    for _ in range(SAMPLE_ROUNDS_MAX):
        outcome = play(game, variant, game.bet_step_minor, rng)
        if outcome.win_minor > 0:
            break
    return {
        "game_code": game.game_code,
        "variant": variant,
        "math_hash": game.variant(variant).math_hash,
        "rng_version": RNG_VERSION,
        "bet_minor": game.bet_step_minor,
        "draws": list(outcome.draws),
        "outcome": outcome.to_json(),
    }


def _rng_text(game: Game) -> str:
    feature, simulated = "", ""
    if game.hold_and_win is not None:
        feature = (
            "\nHold and win (games/hold_and_win.py) draws further integers after the base"
            " spin, in a fixed order: one per cash symbol for its value (below the value"
            " table's total weight), one per empty cell and respin (below the variant's"
            " `hold` cash + blank weights: below the cash weight lands cash), and for a"
            " bonus buy one per starting cash symbol for its cell among the empty ones.\n"
        )
        simulated = (
            " The simulation draws a respin's landings as a binomial count of the empty cells"
            " (each lands cash with the same probability as in the engine) and the values from"
            " the value table's weights: the same distribution, drawn in fewer steps."
        )
    return f"""# Random number generation: {game.game_code}

RNG version `{RNG_VERSION}` (stored on every round beside the math hash).

## The generator

Real rounds draw from the operating system's CSPRNG through Python's `secrets` module
(`games/rng.py`, `SecretsRng`). A draw asks for a uniform integer in [0, n) with
0 < n <= {MAX_DRAW_BOUND}. It takes k = bit_length(n - 1) random bits and rejects values
>= n, drawing again (at most {MAX_REJECTIONS} times; that many failures in a row,
probability below 2^-{MAX_REJECTIONS}, stop the round as a broken generator). No modulo
is taken, so every value in [0, n) is exactly equally likely.

## From draws to reel stops

Each spin makes one draw per reel, reel 1 first, below the reel's total weight (the sum of
the weights of its strip's stops, in `rtpNN.json`). The stop is the first one whose
cumulative weight exceeds the draw (`bisect_right` over the cumulative weights), so stop j
comes up with probability weights[j] / total. The window shows the stop and the stops below
it, wrapping around the strip. Free spins draw on the variant's `free` strips the same way.
A round's outcome is a function of the game's data, the bet and the draws alone: the draws
are recorded in order with the round.
{feature}
## The simulation

`simulation.json` is not drawn from the CSPRNG: it is a Monte Carlo run from a fixed seed
(numpy's PCG64 streams spawned from that seed, `games/simulate.py`), mapping each draw to a
stop by the same cumulative weights, so anyone can rerun it and get the same totals.{simulated} The
sample round is played by the engine itself from `SeededRng` (Python's Mersenne Twister),
for the same reason; it replays exactly as a real round does.
"""


def _replay_text(game: Game) -> str:
    return f"""# Replaying a round: {game.game_code}

Every round is stored with its game code, RTP variant, math hash, RNG version, bet and the
draws it used (`rng.md`). Replaying it evaluates the draws again on the engine and compares
the outcome byte for byte (canonical JSON); if the game's data or the engine rules changed
since the round was played, the math hash differs and the replay says "math changed"
instead of disagreeing silently.

- A round stored by a Reelhouse server: `reelhouse round replay ROUND_ID` (the back office's
  round page does the same). It also checks every money field of the record.
- A round record outside a server, as `sample-round.json` here:
  `reelhouse rtp replay sample-round.json` prints VERIFIED, or NOT VERIFIED and why. The
  record's fields are `game_code`, `variant`, `math_hash`, `rng_version`, `bet_minor`,
  `draws` and `outcome` (the outcome JSON as stored).

To see that a record cannot pass once edited, change one draw or one win in a copy of
`sample-round.json` and replay it again.
"""


def _readme(game: Game, rounds: int, seed: int, issued: str | None) -> str:
    issued_line = f"Issued {issued}.\n\n" if issued else ""
    issued_option = f" --issued {issued}" if issued else ""
    return f"""# Certification bundle: {game.name} ({game.game_code})

{issued_line}Reelhouse {package_version()}, engine `{ENGINE_VERSION}`, RNG `{RNG_VERSION}`.
RTP variants: {", ".join(str(v) for v in game.rtp_variants)}.

| file | what it is |
|---|---|
| `data/` | the game's data files exactly as shipped (format: `games/data/README.md`) |
| `math.json` | versions, the SHA-256 of every data file, the math hash of every variant |
| `sheet.md` | the exact math sheet, as published in docs/games/ |
| `sheet.json` | the sheet's figures per variant (fractions of the bet; `_x` in bets) |
| `simulation.json` | {rounds:,} rounds per variant and bet mode from seed {seed}, against \
the exact RTP |
| `rng.md` | the random number generator and how a draw becomes a reel stop |
| `sample-round.json` | one round played from a seed, with its draws |
| `replay.md` | how to replay a round |
| `{MANIFEST}` | every other file with its SHA-256 |

Check the files: `sha256sum -c {MANIFEST}` in this directory.
Rebuild the bundle: `reelhouse rtp certify {game.game_code} --out DIR --rounds {rounds}
--seed {seed}{issued_option}` gives the same bytes from the same data.
"""


def build_bundle(
    directory: Traversable | Path,
    rounds: int = DEFAULT_ROUNDS,
    seed: int = DEFAULT_SEED,
    issued: str | None = None,
) -> dict[str, bytes]:
    """The bundle of the game in `directory`, as {relative path: bytes}, manifest last."""
    # Imported here: numpy and the sheet's enumeration load only when a bundle is built.
    from reelhouse.games.sheet import render
    from reelhouse.games.simulate import simulate
    from reelhouse.games.stats import compute_sheet

    assert 0 < rounds <= MAX_ROUNDS, f"rounds {rounds} outside 1..{MAX_ROUNDS}"
    game = load_game_dir(directory)
    shipped = data_files(directory)
    sheets = [compute_sheet(game, v) for v in game.rtp_variants]
    checks = []
    for sheet in sheets:
        result = simulate(game, sheet.variant, rounds, seed=seed, workers=1)
        checks.append(VariantCheck(sheet.variant, rounds, seed, sheet.rtp, result.rtp, sheet.std))
        if game.bonus_buy is not None:
            checks.append(_buy_check(game, sheet.variant, rounds, seed))
    math_document = {
        "game_code": game.game_code,
        "reelhouse_version": package_version(),
        "engine_version": ENGINE_VERSION,
        "rng_version": RNG_VERSION,
        "data_files": {name: sha256_hex(data) for name, data in shipped.items()},
        "math_hash": {str(v.rtp_percent): v.math_hash for v in game.variants},
        "math_hash_rule": (
            "sha256 of the canonical JSON (sorted keys, no spaces, ASCII) of"
            ' {"engine": engine_version, "game": game.json, "variant": rtpNN.json}'
        ),
    }
    files = {f"data/{name}": data for name, data in shipped.items()}
    files |= {
        "README.md": _readme(game, rounds, seed, issued).encode(),
        "math.json": _json(math_document),
        "sheet.md": render(sheets, markdown=True).encode(),
        "sheet.json": _sheet_figures(sheets),
        "simulation.json": _json(
            {"game_code": game.game_code, "variants": [c.to_json() for c in checks]}
        ),
        "rng.md": _rng_text(game).encode(),
        "sample-round.json": _json(_sample_round(game, seed)),
        "replay.md": _replay_text(game).encode(),
    }
    manifest = "".join(f"{sha256_hex(files[name])}  {name}\n" for name in sorted(files))
    files[MANIFEST] = manifest.encode()
    return files


def write_bundle(files: dict[str, bytes], out: Path) -> None:
    """Write a bundle into `out`, which must not exist or be empty (so that the directory
    holds exactly what its manifest lists)."""
    assert not out.exists() or not any(out.iterdir()), f"{out} is not empty"
    for name, data in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
