"""The certification bundle (`reelhouse rtp certify`) and the studio guide's commands.

A bundle lists every file it holds with its SHA-256, ships the data files byte for byte, is
the same bytes from the same inputs, and shows any change of a data file in its manifest.
Every `reelhouse ...` command the guide (docs/games/authoring.md) shows exists.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reelhouse.cli import app
from reelhouse.games import catalogue
from reelhouse.games.catalogue import DATA_ROOT
from reelhouse.games.certify import MANIFEST, MAX_ROUNDS, _buy_check, build_bundle
from reelhouse.games.hold_exact import buy_rtp

GAME = "lucky-sevens"  # the smallest sheet of the catalogue: its bundle builds in a second
ROUNDS = 20_000
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "games" / "authoring.md"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / GAME
    result = CliRunner().invoke(
        app, ["rtp", "certify", GAME, "--out", str(out), "--rounds", str(ROUNDS)]
    )
    assert result.exit_code == 0, result.output
    game = catalogue.get_game(GAME)
    assert game is not None and result.output.count("PASS") == len(game.rtp_variants)
    return out


def _manifest(directory: Path) -> dict[str, str]:
    lines = (directory / MANIFEST).read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (line.split("  ", 1) for line in lines)}


def test_the_bundle_lists_every_file_with_its_hash(bundle: Path) -> None:
    listed = _manifest(bundle)
    on_disk = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {MANIFEST}
    for name, digest in listed.items():
        assert hashlib.sha256((bundle / name).read_bytes()).hexdigest() == digest, name
    # The data files are the shipped ones, byte for byte, and math.json names their hashes.
    shipped = Path(str(DATA_ROOT)) / GAME
    names = sorted(p.name for p in shipped.iterdir() if p.is_file())
    assert sorted(p.name for p in (bundle / "data").iterdir()) == names
    for name in names:
        assert (bundle / "data" / name).read_bytes() == (shipped / name).read_bytes()
    math = json.loads((bundle / "math.json").read_text())
    assert math["data_files"] == {name: listed[f"data/{name}"] for name in names}
    game = catalogue.get_game(GAME)
    assert game is not None
    assert math["math_hash"] == {str(v): catalogue.math_hash(game, v) for v in game.rtp_variants}
    simulation = json.loads((bundle / "simulation.json").read_text())
    assert [v["rounds"] for v in simulation["variants"]] == [ROUNDS] * len(game.rtp_variants)


def test_the_guide_names_every_file_of_the_bundle(bundle: Path) -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    for path in bundle.iterdir():
        name = f"{path.name}/" if path.is_dir() else path.name
        assert f"`{name}`" in guide, f"docs/games/authoring.md does not describe {name}"


def test_the_sample_round_replays_and_an_edited_one_does_not(bundle: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    verified = runner.invoke(app, ["rtp", "replay", str(bundle / "sample-round.json")])
    assert verified.exit_code == 0 and verified.output.startswith("VERIFIED"), verified.output
    record = json.loads((bundle / "sample-round.json").read_text())
    record["outcome"]["win_minor"] += 1
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(record))
    refused = runner.invoke(app, ["rtp", "replay", str(edited)])
    assert refused.exit_code == 1 and "NOT VERIFIED: outcome differs" in refused.output


def test_the_same_inputs_give_the_same_bytes_and_a_changed_file_shows(tmp_path: Path) -> None:
    directory = tmp_path / GAME
    shutil.copytree(Path(str(DATA_ROOT)) / GAME, directory)
    first = build_bundle(directory, rounds=2_000)
    assert build_bundle(directory, rounds=2_000) == first
    # Whitespace only: the file's hash changes, its variant's math hash does not.
    variant_file = directory / "rtp96.json"
    variant_file.write_text(json.dumps(json.loads(variant_file.read_text()), indent=3))
    second = build_bundle(directory, rounds=2_000)
    changed = set(_lines(second[MANIFEST])) ^ set(_lines(first[MANIFEST]))
    assert {line.split("  ")[1] for line in changed} == {"data/rtp96.json", "math.json"}
    assert (
        json.loads(second["math.json"])["math_hash"] == json.loads(first["math.json"])["math_hash"]
    )


def test_a_bonus_buy_is_simulated_against_its_own_exact_rtp() -> None:
    game = catalogue.get_game("golden-vault")
    assert game is not None
    weights = game.variant(96).hold
    assert weights is not None
    check = _buy_check(game, 96, 2_000, seed=1)
    assert check.exact_rtp == buy_rtp(game, weights)
    assert check.passed and check.to_json()["bet_mode"] == "buy"
    assert _buy_check(game, 96, 2_000, seed=1) == check


def _lines(data: bytes) -> list[str]:
    return data.decode().splitlines()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["no-such-game"], "unknown game"),
        ([GAME, "--rounds", "0"], "--rounds"),
        ([GAME, "--rounds", str(MAX_ROUNDS + 1)], "--rounds"),
        ([GAME, "--issued", "yesterday"], "not a date"),
        ([GAME, "--issued", "2026-11-30T00:00"], "not a date"),
    ],
)
def test_certify_bounds_its_inputs(args: list[str], says: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["rtp", "certify", *args, "--out", str(out)])
    assert result.exit_code == 2 and says in result.output, result.output
    assert not out.exists()


def test_certify_refuses_a_directory_with_files(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    result = CliRunner().invoke(app, ["rtp", "certify", GAME, "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not an empty directory" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]


def _guide_commands() -> list[list[str]]:
    """The words of every `reelhouse ...` command the guide shows, up to the first option or
    argument in capitals (GAME, DIR): the command path that must exist."""
    commands = []
    for line in re.findall(r"(?m)(?:^|`)(reelhouse [^`\n]+)", GUIDE.read_text(encoding="utf-8")):
        words = []
        for word in shlex.split(line)[1:]:
            if word.startswith("-") or not word.islower() or not word.isalpha():
                break
            words.append(word)
        commands.append(words)
    return commands


def test_every_command_of_the_guide_exists() -> None:
    commands = _guide_commands()
    paths = {" ".join(words) for words in commands}
    # The guide walks through the whole life of a game.
    assert {"rtp list", "rtp sheet", "rtp docs", "rtp simulate", "rtp certify"} <= paths
    runner = CliRunner()
    for path in sorted(paths):
        result = runner.invoke(app, [*path.split(), "--help"])
        assert result.exit_code == 0, f"`reelhouse {path}` is not a command: {result.output}"
