"""A deployable service: `python -m reelhouse`, a command line that starts without loading the
app, one data directory (and its configuration file) that every command reads, a JSON access
line per request, and the serving process's metrics."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from reelhouse.api import factory
from reelhouse.api.logging_setup import JsonFormatter, redact
from reelhouse.cli import app
from reelhouse.services import operators
from reelhouse.services.config_file import ConfigFileError, parse_config
from reelhouse.services.settings import ConfigError, load_settings
from tests.faults import session_for, spin
from tests.harness import GAME, Stack

METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"
# What the command line must not import before a command runs (docs/performance.md).
HEAVY_MODULES = ("fastapi", "starlette", "sqlalchemy", "alembic", "argon2", "numpy", "uvicorn")


def test_python_m_reelhouse_is_the_command_line() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "reelhouse", "--help"], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0, ran.stderr
    for command in ("serve", "worker", "operator", "db-upgrade", "--data-dir"):
        assert command in ran.stdout


def test_importing_the_command_line_loads_no_app() -> None:
    probe = f"import sys, reelhouse.cli; print([m for m in {HEAVY_MODULES!r} if m in sys.modules])"
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        app(list(args), prog_name="reelhouse")
    out = capsys.readouterr()
    code = ended.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No setting from the test process. Each setting a command may write into the
    environment (`--data-dir`, the lines of reelhouse.env) is set here first, so that
    monkeypatch takes it back afterwards."""
    for name in (
        "REELHOUSE_DATABASE_URL",
        "REELHOUSE_SECRET_KEY",
        "REELHOUSE_NODE_ID",
        "REELHOUSE_ALLOW_PRIVATE_CALLBACKS",
        "REELHOUSE_PUBLIC_URL",
    ):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path / "unused"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_every_command_reads_the_one_data_directory(
    clean_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = clean_env / "data"
    data.mkdir()
    # The configuration file is read by every command given the directory.
    (data / "reelhouse.env").write_text(
        "# demo wallet on loopback\nREELHOUSE_ALLOW_PRIVATE_CALLBACKS='1'\n"
    )
    assert run(capsys, "--data-dir", str(data), "db-upgrade")[0] == 0
    code, out, err = run(
        capsys, "--data-dir", str(data), "operator", "create", "--name", "casino_one",
        "--callback-url", "http://127.0.0.1:9/cb",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "--data-dir", str(data), "operator", "show", "casino_one")
    assert code == 0, err
    assert "callback_url  http://127.0.0.1:9/cb" in out
    # `serve`'s processes build their app from the same environment (api/factory.py); the
    # test process's log handlers stay as they are.
    monkeypatch.setattr(factory, "configure_logging", lambda: None)
    served = factory.app_from_settings()
    try:
        platform = served.state.platform
        assert platform.settings.database_url == f"sqlite:///{data / 'reelhouse.db'}"
        with platform.db.transaction() as session:
            assert operators.find_by_name(session, "casino_one").name == "casino_one"
    finally:
        served.state.platform.close()

    # Another directory: the command says it found no database, and makes nothing there.
    elsewhere = clean_env / "elsewhere"
    elsewhere.mkdir()
    code, out, err = run(capsys, "--data-dir", str(elsewhere), "operator", "show", "casino_one")
    assert code == 2
    assert "no Reelhouse database" in err and "db-upgrade" in err and "Traceback" not in err
    assert list(elsewhere.iterdir()) == []


def test_the_configuration_file_is_strict_and_the_environment_wins(clean_env: Path) -> None:
    assert parse_config('# c\n\nREELHOUSE_PUBLIC_URL = "https://x.example"\n') == {
        "REELHOUSE_PUBLIC_URL": "https://x.example"
    }
    for text, reason in (
        ("PUBLIC_URL=x", "line 1: expected"),
        ("REELHOUSE_PUBLIC_URL", "line 1: expected"),
        ("REELHOUSE_A=1\nREELHOUSE_A=2", "line 2: REELHOUSE_A is set twice"),
        ("REELHOUSE_DATA_DIR=/x", "cannot be set"),
    ):
        with pytest.raises(ConfigFileError, match=reason):
            parse_config(text, forbidden=frozenset({"REELHOUSE_DATA_DIR"}))
    data = clean_env / "data"
    data.mkdir()
    (data / "reelhouse.env").write_text("REELHOUSE_PUBLIC_URL=https://file.example\n")
    env = {"REELHOUSE_DATA_DIR": str(data)}
    assert load_settings(env).public_base_url == "https://file.example"
    env["REELHOUSE_PUBLIC_URL"] = "https://env.example"
    assert load_settings(env).public_base_url == "https://env.example"
    (data / "reelhouse.env").write_text("REELHOUSE_DATA_DIR=/elsewhere\n")
    with pytest.raises(ConfigError, match=r"reelhouse\.env: line 1"):
        load_settings(env)


class JsonLines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict[str, object]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))

    def of_path(self, path: str) -> list[dict[str, object]]:
        # Written before the answer's end is sent: a client that has the answer finds it.
        return [x for x in self.lines if x["path"] == path]


@pytest.fixture
def access_lines() -> Iterator[JsonLines]:
    logger = logging.getLogger("reelhouse.access")
    level = logger.level
    capture = JsonLines()
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    yield capture
    logger.removeHandler(capture)
    logger.setLevel(level)


def test_one_json_access_line_per_request(sqlite_stack: Stack, access_lines: JsonLines) -> None:
    stack = sqlite_stack
    token = session_for(stack, "alice")
    played = spin(stack, token)
    assert played["code"] == 0
    round_id = str(played["data"]["round_id"])  # type: ignore[index]
    (line,) = access_lines.of_path("/api/game/spin")
    assert line["method"] == "POST" and line["status"] == 200
    assert line["route"] == "/api/game/spin" and line["client"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["round_id"] == line["correlation_id"] == round_id
    assert isinstance(line["request_id"], str) and len(line["request_id"]) == 16

    # A proxy's request id is kept and answered; anything else is replaced by one of ours.
    url = f"{stack.reelhouse.url}/play/{'t0ken-SECRET'}?session_token=SECRET2"
    kept = httpx.get(url, headers={"X-Request-ID": "nginx-4f1a"})
    assert kept.headers["x-request-id"] == "nginx-4f1a"
    replaced = httpx.get(url, headers={"X-Request-ID": "x" * 65})
    assert replaced.headers["x-request-id"] != "x" * 65
    play_lines = access_lines.of_path(redact("/play/t0ken-SECRET"))
    assert [x["request_id"] for x in play_lines] == ["nginx-4f1a", replaced.headers["x-request-id"]]
    for x in play_lines:
        assert "SECRET" not in json.dumps(x)
        assert x["route"] == "/play/{launch_token}" and "round_id" not in x


def scrape(stack: Stack) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    answer = httpx.get(
        f"{stack.reelhouse.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
    )
    assert answer.status_code == 200
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(answer.text)
        for s in family.samples
    }


def test_metrics_cover_http_spins_money_and_the_process(
    sqlite_stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REELHOUSE_METRICS_TOKEN", METRICS_TOKEN)
    stack = sqlite_stack
    token = session_for(stack, "alice")
    before = scrape(stack)
    for _ in range(3):
        assert spin(stack, token, "1.00")["code"] == 0
    after = scrape(stack)

    def moved(name: str, **labels: str) -> float:
        key = (name, frozenset(labels.items()))
        return after.get(key, 0.0) - before.get(key, 0.0)

    spin_route = {"method": "POST", "route": "/api/game/spin"}
    assert moved("reelhouse_http_requests_total", **spin_route, status="200") == 3
    assert moved("reelhouse_http_request_duration_seconds_count", **spin_route) == 3
    assert moved("reelhouse_http_request_duration_seconds_bucket", **spin_route, le="+Inf") == 3
    states = {dict(k[1])["state"] for k in after if k[0] == "reelhouse_spins_total"}
    assert sum(moved("reelhouse_spins_total", currency="USD", state=s) for s in states) == 3
    assert moved("reelhouse_spin_bet_minor_total", currency="USD") == 300  # 3 x 1.00 USD
    won = moved("reelhouse_spin_win_minor_total", currency="USD")
    assert won == int(won) >= 0
    assert moved("reelhouse_wallet_money_minor_total", command="bet", currency="USD") == 300
    assert moved("reelhouse_wallet_money_minor_total", command="win", currency="USD") == won
    names = {name for name, _ in after}
    for process in (
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_open_fds",
        "process_start_time_seconds",
    ):
        assert process in names
    # A path no route matches is one label value, whatever the path.
    httpx.get(f"{stack.reelhouse.url}/no/such/{GAME}")
    unmatched = scrape(stack)
    assert ("reelhouse_http_requests_total", frozenset(
        {"method": "GET", "route": "unmatched", "status": "404"}.items()
    )) in unmatched  # fmt: skip
