"""`reelhouse provider ...`: add, list, show, sync, enable and disable per operator, games;
every refusal is one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reelhouse.api.wiring import build_platform
from reelhouse.cli import app
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.secrets import new_key_text
from tests.provider_rig import BASE_URL, SUPPLIER, FakeSupplier, game
from tests.providers.hub88_samples import PRIVATE_PEM, PUBLIC_PEM

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def supplier(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSupplier:
    """The CLI's environment, and the supplier every platform it builds fetches from."""
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REELHOUSE_DATABASE_URL", database_url)
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", new_key_text())
    monkeypatch.setenv("REELHOUSE_ALLOW_PRIVATE_CALLBACKS", "1")
    fake = FakeSupplier([game("a"), game("b")])

    def build(settings: Settings, **kwargs: Any) -> Platform:
        platform = build_platform(settings, **kwargs)
        platform.upstream_fetch = fake
        return platform

    # The commands import the wiring when they run (cli/context.py): patched at its source.
    monkeypatch.setattr("reelhouse.api.wiring.build_platform", build)
    (tmp_path / "public.pem").write_bytes(PUBLIC_PEM)
    (tmp_path / "private.pem").write_bytes(PRIVATE_PEM)
    monkeypatch.chdir(tmp_path)
    return fake


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        app(list(args), prog_name="reelhouse")
    out, err = capsys.readouterr()
    code = ended.value.code
    return (code if isinstance(code, int) else 1), out, err


def add(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return run(
        capsys,
        "provider",
        "add",
        SUPPLIER,
        "--title",
        "Dragon Soft",
        "--protocol",
        "hub88",
        "--base-url",
        BASE_URL,
        "--verify-key",
        "public.pem",
        "--sign-key",
        "private.pem",
        *extra,
    )


@SQLITE
def test_a_provider_added_synced_and_enabled(
    capsys: pytest.CaptureFixture[str], supplier: FakeSupplier
) -> None:
    status, out, _ = add(capsys)
    assert status == 0 and f"provider {SUPPLIER} added (provider id 2)" in out
    callback = ["--callback-url", "http://127.0.0.1:9/cb"]  # never called
    status, out, _ = run(capsys, "operator", "create", "--name", "casino", *callback)
    assert status == 0, out
    status, out, _ = run(capsys, "provider", "sync", SUPPLIER)
    assert status == 0 and f"{SUPPLIER}: 2 new, 0 changed, 0 withdrawn" in out
    supplier.games = [game("a"), {"game_code": "x"}]
    status, out, _ = run(capsys, "provider", "sync", SUPPLIER)
    assert "1 withdrawn" in out and "skipped entry 1: enabled is not a boolean" in out
    status, out, _ = run(capsys, "provider", "games", SUPPLIER)
    assert status == 0 and "withdrawn" in out and "2 game(s)" in out
    status, out, _ = run(capsys, "provider", "enable", SUPPLIER, "--operator", "casino")
    assert status == 0 and "enabled for operator casino" in out
    status, out, _ = run(capsys, "provider", "show", SUPPLIER)
    assert "operators    casino" in out and "games        1" in out and "withdrawn    1" in out
    status, out, _ = run(capsys, "provider", "disable", SUPPLIER, "--operator", "casino")
    assert status == 0
    _, out, _ = run(capsys, "provider", "show", SUPPLIER)
    assert "operators    (none)" in out
    status, out, _ = run(capsys, "provider", "list")
    assert status == 0 and "1 provider(s)" in out and "last sync 2" in out


@SQLITE
@pytest.mark.usefixtures("supplier")
@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["provider", "show", "nobody"], "error 2007: no provider named 'nobody'"),
        (["provider", "sync", "nobody"], "error 2007: no provider named 'nobody'"),
        (["provider", "games", "nobody"], "error 2007: no provider named 'nobody'"),
        (["provider", "enable", SUPPLIER, "--operator", "nobody"], "error 2001"),
    ],
)
def test_refusals_are_one_line(
    capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    assert add(capsys)[0] == 0
    status, out, err = run(capsys, *args)
    assert status == 2 and err.startswith(line) and err.count("\n") == 1, err
    assert "Traceback" not in out + err


@SQLITE
@pytest.mark.usefixtures("supplier")
@pytest.mark.parametrize(
    ("extra", "line"),
    [
        (["--answer-deadline-ms", "100"], "error 1012: answer deadline"),
        (["--verify-key", "missing.pem"], "error 1012: the provider's public key: cannot read"),
        (["--sign-key", "public.pem"], "error 1012: Reelhouse's signing key"),
        (["--protocol", "nope"], "error 1012: protocol must be one of hub88"),
    ],
)
def test_add_refusals_are_one_line_and_add_nothing(
    capsys: pytest.CaptureFixture[str], extra: list[str], line: str
) -> None:
    status, _, err = add(capsys, *extra)
    assert status == 2 and err.startswith(line) and err.count("\n") == 1, err
    _, out, _ = run(capsys, "provider", "list")
    assert "0 provider(s)" in out


@SQLITE
def test_a_provider_fault_is_one_line(
    capsys: pytest.CaptureFixture[str], supplier: FakeSupplier
) -> None:
    assert add(capsys)[0] == 0
    supplier.down = True
    status, _, err = run(capsys, "provider", "sync", SUPPLIER)
    assert status == 2 and err.startswith("error 1011: dragonsoft did not answer"), err


@SQLITE
def test_a_dialect_provider_is_added_with_json_credentials_and_its_contract_deadline(
    capsys: pytest.CaptureFixture[str], supplier: FakeSupplier, tmp_path: Path
) -> None:
    (tmp_path / "wallet.json").write_text('{"callback_token": "cb-token", "currency": "USD"}')
    (tmp_path / "api.json").write_text('{"api_token": "api-token"}')
    (tmp_path / "bad.json").write_text('{"currency": "USD"}')  # no callback token
    keys = ["--base-url", BASE_URL, "--sign-key", "api.json", "--title", "Reelhouse two"]
    command = ["provider", "add", "reelhouse-two", "--protocol", "slotcity-v4", *keys]
    status, _, err = run(capsys, *command, "--verify-key", "bad.json")
    assert status == 2 and err.count("\n") == 1 and "error 1012" in err, err
    status, out, err = run(capsys, *command, "--verify-key", "wallet.json")
    assert status == 0, err
    status, out, _ = run(capsys, "provider", "show", "reelhouse-two")
    assert "slotcity-v4" in out
    assert "deadline_ms  2000" in out  # SlotCity v4's bet timeout
