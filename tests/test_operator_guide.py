"""docs/operator-guide.md runs: every `curl` block of the guide is executed, in order, with
real `curl` in `bash` (no parsing into another client: what an operator pastes is what runs),
against Reelhouse and the demo casino on loopback. The guide's variables are set in the
environment: `RH` and `API_TOKEN` point at the test stack, `FROM`/`TO`/`DAY`/`EXPIRES_MS` at
its clock, and values the guide tells the reader to keep (`USER_CODE`, `SESSION`, ...) are
taken from the answers as the HTML comment after each block says.

That comment is `<!-- test: {...} -->` with any of: `code` (the envelope's code), `expect`
(dotted paths into the JSON answer and their values, `$VAR` substituted), `contains` (text the
answer must hold), `save` (a variable from a dotted path, or `re:` a regex on the raw answer).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from reelhouse.domain.clock import unix_ms
from tests.harness import Stack, running_stack

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "operator-guide.md"
BLOCK = re.compile(r"```sh\n(.*?)```\n(<!-- test: (.*?) -->)?", re.DOTALL)
CURL_TIMEOUT_SECONDS = 60
# The casino's side of the guide: the player it registers, with money in the demo wallet.
PLAYER = "player_1001"


@dataclass(frozen=True)
class Example:
    line: int
    script: str
    check: dict[str, Any]


def examples(text: str) -> list[Example]:
    """Every shell block that runs curl, with the check written under it."""
    found = []
    for match in BLOCK.finditer(text):
        script, comment = match.group(1), match.group(3)
        if "curl " not in script:
            continue  # `export ...` lines: the test sets those variables itself
        line = text.count("\n", 0, match.start()) + 1
        assert comment is not None, f"operator-guide.md:{line}: a curl example without a check"
        found.append(Example(line, script, json.loads(comment)))
    return found


def lookup(document: Any, path: str) -> Any:
    for part in path.split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def test_every_curl_example_of_the_operator_guide_runs(stack: Stack) -> None:
    curl = shutil.which("curl")
    assert curl is not None, "the operator guide's examples need curl on PATH"
    httpx.post(
        f"{stack.casino.url}/api/players",
        json={"account": PLAYER, "currency": "USD", "balance": "100.00"},
    )
    now = stack.clock.now()
    env = {
        "PATH": os.environ["PATH"],
        "RH": stack.reelhouse.url,
        "API_TOKEN": stack.api_token,
        "FROM": (now - dt.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S"),
        "TO": (now + dt.timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S"),
        "DAY": now.strftime("%Y-%m-%d"),
        "EXPIRES_MS": str(unix_ms(now + dt.timedelta(hours=2))),
    }
    ran = examples(GUIDE.read_text())
    assert len(ran) >= 20
    for example in ran:
        where = f"operator-guide.md:{example.line}"
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", example.script],
            env=env,
            capture_output=True,
            text=True,
            timeout=CURL_TIMEOUT_SECONDS,
            check=False,
        )
        assert done.returncode == 0, f"{where}: {done.stderr}"
        _check(example.check, done.stdout, env, where)
    paths = {m.group(1) for m in re.finditer(r'"\$RH(/v4/[a-z/-]+)', GUIDE.read_text())}
    assert {
        "/v4/game/round-details",
        "/v4/game/online-games",
        "/v4/statistics/user",
        "/v4/statistics/day",
        "/v4/statistics/game",
        "/v4/game/freeround/start",
        "/v4/game/freeround/cancel",
    } <= paths


def _check(check: dict[str, Any], output: str, env: dict[str, str], where: str) -> None:
    assert set(check) <= {"code", "expect", "contains", "save"}, f"{where}: {check}"
    answer = json.loads(output) if "code" in check or "expect" in check else None
    if "code" in check:
        assert answer["code"] == check["code"], f"{where}: {output}"
    for path, wanted in check.get("expect", {}).items():
        got = lookup(answer, path)
        if isinstance(wanted, str):
            wanted = re.sub(r"\$([A-Z_]+)", lambda m: env[m.group(1)], wanted)
            got = str(got)
        assert got == wanted, f"{where}: {path} is {got!r}, the guide says {wanted!r}"
    if "contains" in check:
        assert check["contains"] in output, f"{where}: {output[:500]}"
    for name, source in check.get("save", {}).items():
        if source.startswith("re:"):
            match = re.search(source[3:], output)
            assert match is not None, f"{where}: {source} not in {output!r}"
            env[name] = match.group(1)
        else:
            env[name] = str(lookup(json.loads(output), source))
