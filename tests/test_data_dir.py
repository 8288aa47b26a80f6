"""Where Reelhouse keeps its key and data (hardening item 14): one data directory, whatever
the working directory; never a new key beside sealed data; a key that does not open what is
stored stops the start with a message naming where the key came from."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from reelhouse.api.wiring import build_platform
from reelhouse.cli import app
from reelhouse.services import operators
from reelhouse.services.settings import ConfigError, Settings, load_settings
from reelhouse.store.secrets import SecretKeyError, new_key_text


def sealed_database(database_url: str) -> str:
    """The database with one operator, its callback token sealed under a fresh key."""
    settings = Settings(database_url, new_key_text(), "http://127.0.0.1:1", True)
    platform = build_platform(settings)
    try:
        operators.create_operator(
            platform, operators.NewOperator("casino_one", "USD", "http://127.0.0.1:9/cb")
        )
    finally:
        platform.close()
    return settings.secret_key


def test_every_working_directory_finds_the_same_key_and_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"HOME": str(tmp_path / "home")}
    seen = []
    for place in ("one", "two"):
        (tmp_path / place).mkdir()
        monkeypatch.chdir(tmp_path / place)
        seen.append(load_settings(env))
        assert list((tmp_path / place).iterdir()) == []  # nothing made where we stand
    assert seen[0].secret_key == seen[1].secret_key
    assert seen[0].database_url == seen[1].database_url
    data_dir = tmp_path / "home" / ".local" / "share" / "reelhouse"
    assert seen[0].data_dir == data_dir
    assert seen[0].database_url == f"sqlite:///{data_dir / 'reelhouse.db'}"
    key_file = data_dir / "secret.key"
    assert key_file.read_text() == seen[0].secret_key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert seen[0].key_source == f"the key file {key_file}"
    xdg = load_settings({"HOME": "/nowhere", "XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert xdg.data_dir == tmp_path / "xdg" / "reelhouse"
    with pytest.raises(ConfigError, match="absolute"):
        load_settings({"REELHOUSE_DATA_DIR": "var"})


def test_an_empty_database_without_a_key_gets_one_in_the_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = load_settings({"REELHOUSE_DATA_DIR": str(data_dir)})
    assert (data_dir / "secret.key").read_text() == settings.secret_key
    platform = build_platform(settings)  # an empty database: nothing to check the key on
    platform.close()
    assert load_settings({"REELHOUSE_DATA_DIR": str(data_dir)}).secret_key == settings.secret_key


def test_a_wrong_key_stops_the_start_with_a_clear_error(database_url: str, tmp_path: Path) -> None:
    right_key = sealed_database(database_url)
    env = {"REELHOUSE_DATABASE_URL": database_url, "REELHOUSE_SECRET_KEY": new_key_text()}
    with pytest.raises(SecretKeyError, match="from REELHOUSE_SECRET_KEY does not open"):
        build_platform(load_settings(env))
    # A key file that is not the sealing key: the message names the file.
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "secret.key").write_text(new_key_text())
    env = {"REELHOUSE_DATABASE_URL": database_url, "REELHOUSE_DATA_DIR": str(data_dir)}
    with pytest.raises(SecretKeyError, match=f"the key file {data_dir / 'secret.key'}"):
        build_platform(load_settings(env))
    # The right key starts.
    right = {"REELHOUSE_DATABASE_URL": database_url, "REELHOUSE_SECRET_KEY": right_key}
    build_platform(load_settings(right)).close()


def test_no_new_key_is_made_for_sealed_data(database_url: str, tmp_path: Path) -> None:
    sealed_database(database_url)
    data_dir = tmp_path / "elsewhere"
    env = {"REELHOUSE_DATABASE_URL": database_url, "REELHOUSE_DATA_DIR": str(data_dir)}
    with pytest.raises(SecretKeyError, match="holds secrets sealed with a key"):
        load_settings(env)
    assert not (data_dir / "secret.key").exists()


def test_the_command_line_says_why_it_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database_url = f"sqlite:///{tmp_path / 'reelhouse.db'}"
    sealed_database(database_url)
    monkeypatch.setenv("REELHOUSE_DATABASE_URL", database_url)
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", new_key_text())
    with pytest.raises(SystemExit) as stopped:
        app(["operator", "show", "casino_one"], prog_name="reelhouse")
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "cannot start" in error and "REELHOUSE_SECRET_KEY does not open" in error
    assert "Traceback" not in error
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", "not a key")
    with pytest.raises(SystemExit) as stopped:
        app(["operator", "show", "casino_one"], prog_name="reelhouse")
    assert stopped.value.code == 2
    assert "must be base64 of 32 bytes" in capsys.readouterr().err
