"""docs/operator-guide.md runs as written against `make demo`: a fresh `reelhouse demo`
(started as `make demo` starts it: its own data directory in REELHOUSE_DATA_DIR, here a
temporary one, on free ports), then every shell block of the guide pasted in order into ONE
`bash` (so what a block keeps in a variable, the next ones use), with real `curl`. Nothing
of the guide is set by the test: the blocks read the demo's settings file themselves.

Each block's output is kept apart, and the HTML comment after a block, `<!-- test: {...} -->`,
says what its answer must be: `code` (the envelope's code), `expect` (dotted paths into the
JSON answer and their values) and `contains` (text the output must hold); `$NAME` in a value
is that shell variable's value after the block ran. A curl block without such a comment, a
curl that is not `-fsS`, a block that fails or writes to stderr, each fails the test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "operator-guide.md"
BLOCK = re.compile(r"```(sh|bash|console)\n(.*?)```\n(?:<!-- test: (.*?) -->)?", re.DOTALL)
VARIABLE = re.compile(r"\$([A-Z_]+)")
# What `make demo` writes under its data directory for the guide's first block to read.
OPERATOR_ENV = Path("var") / "demo" / "operator.env"
DEMO_READY_SECONDS = 30  # the demo starts in about 3 s on 2 busy cores
GUIDE_RUN_SECONDS = 60  # every block together: a second or two
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Block:
    line: int
    script: str
    check: dict[str, Any] | None


def guide_blocks(text: str) -> list[Block]:
    """Every shell block, in order; a console block's commands without prompts or output."""
    found = []
    for match in BLOCK.finditer(text):
        language, body, comment = match.groups()
        script = _console_commands(body) if language == "console" else body
        line = text.count("\n", 0, match.start()) + 1
        check = json.loads(comment) if comment is not None else None
        found.append(Block(line, script, check))
    return found


def _console_commands(body: str) -> str:
    """The `$ ` lines of a console transcript, with their `\\` continuations."""
    commands: list[str] = []
    continued = False
    for line in body.splitlines():
        if line.startswith("$ ") or continued:
            commands.append(line[2:] if line.startswith("$ ") and not continued else line)
            continued = line.endswith("\\")
    return "\n".join(commands) + "\n"


def _require_tools() -> None:
    """curl and bash are what a reader pastes into: missing on CI fails, elsewhere skips."""
    missing = [tool for tool in ("curl", "bash") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the operator guide's test needs {' and '.join(missing)}")
        pytest.skip(f"{' and '.join(missing)} not installed")


@pytest.fixture
def demo_home(tmp_path: Path) -> Iterator[Path]:
    """A directory laid out like a checkout after `make demo`: the demo's data directory is
    its var/, so the guide's `. var/demo/operator.env` reads there. Yields once the demo has
    written that file and answers; the demo is stopped afterwards."""
    _require_tools()
    env = {name: value for name, value in os.environ.items() if not name.startswith("REELHOUSE_")}
    env["REELHOUSE_DATA_DIR"] = str(tmp_path / "var")
    # `make demo`'s command, on ports the system picks (0) instead of 8000 and 8100.
    reelhouse = str(Path(sys.executable).parent / "reelhouse")
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        [reelhouse, "demo", "--port", "0", "--casino-port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_until_ready(demo, tmp_path)
        yield tmp_path
    finally:
        # SIGTERM, not Ctrl-C's SIGINT: a process started in the background may inherit
        # SIGINT ignored, and nothing of this demo needs a clean stop.
        demo.terminate()
        try:
            demo.wait(timeout=10)
        except subprocess.TimeoutExpired:
            demo.kill()
            demo.wait()
        log.close()


def _wait_until_ready(demo: subprocess.Popen[bytes], home: Path) -> None:
    deadline = time.monotonic() + DEMO_READY_SECONDS
    settings = home / OPERATOR_ENV
    while time.monotonic() < deadline:
        assert demo.poll() is None, f"the demo exited: {(home / 'demo.log').read_text()}"
        if settings.exists():
            base_url = re.search(r"export RH=(\S+)", settings.read_text())
            assert base_url is not None, settings.read_text()
            if httpx.get(f"{base_url.group(1)}/docs", timeout=5).status_code == 200:
                return
        time.sleep(POLL_SECONDS)
    log = (home / "demo.log").read_text()
    pytest.fail(f"the demo was not ready in {DEMO_READY_SECONDS} s: {log}")


def session_script(blocks: list[Block], out: Path) -> str:
    """One bash script: each block as pasted, its output kept in out/N.out and out/N.err, the
    variables its check names in out/N.NAME, and out/N.done once it ran; stops at the first
    command that fails."""
    parts = ["set -euo pipefail"]
    for number, block in enumerate(blocks):
        parts.append(f"{{\n{block.script}}} >{out}/{number}.out 2>{out}/{number}.err")
        for name in sorted(set(VARIABLE.findall(json.dumps(block.check)))):
            parts.append(f'printf %s "${{{name}-}}" >{out}/{number}.{name}')
        parts.append(f": >{out}/{number}.done")
    return "\n".join(parts) + "\n"


def _read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


def lookup(document: Any, path: str) -> Any:
    for part in path.split("."):
        document = document[int(part)] if isinstance(document, list) else document[part]
    return document


def test_the_operator_guide_runs_as_pasted_against_the_demo(demo_home: Path) -> None:
    text = GUIDE.read_text()
    blocks = guide_blocks(text)
    curl_blocks = [block for block in blocks if "curl " in block.script]
    assert len(curl_blocks) >= 20
    for block in curl_blocks:
        where = f"operator-guide.md:{block.line}"
        assert block.check is not None, f"{where}: a curl example without a check"
        for line in block.script.splitlines():
            assert "curl " not in line or "curl -fsS " in line, f"{where}: {line}"
    out = demo_home / "out"
    out.mkdir()
    ran = subprocess.run(
        ["bash", "-c", session_script(blocks, out)],
        cwd=demo_home,
        # No proxy, no ~/.curlrc: the reader's curl, pointed at the demo on loopback.
        env={"PATH": os.environ["PATH"], "HOME": str(demo_home), "LC_ALL": "C"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=GUIDE_RUN_SECONDS,
        check=False,
    )
    for number, block in enumerate(blocks):
        where = f"operator-guide.md:{block.line}"
        output, errors = (_read(out / f"{number}.{kind}") for kind in ("out", "err"))
        assert (out / f"{number}.done").exists(), f"{where} failed: {output}{errors}"
        assert errors == "", f"{where}: {errors}"
        if block.check is not None:
            _check(block.check, output, out, number, where)
    assert ran.returncode == 0, ran.stderr
    paths = {m.group(1) for m in re.finditer(r'"\$RH(/v4/[a-z/-]+)', text)}
    assert {
        "/v4/game/round-details",
        "/v4/game/online-games",
        "/v4/statistics/user",
        "/v4/statistics/day",
        "/v4/statistics/game",
        "/v4/game/freeround/start",
        "/v4/game/freeround/cancel",
    } <= paths


def _check(check: dict[str, Any], output: str, out: Path, number: int, where: str) -> None:
    assert set(check) <= {"code", "expect", "contains"}, f"{where}: {check}"

    def substituted(value: str) -> str:
        return VARIABLE.sub(lambda m: (out / f"{number}.{m.group(1)}").read_text(), value)

    answer = json.loads(output) if "code" in check or "expect" in check else None
    if "code" in check:
        assert answer["code"] == check["code"], f"{where}: {output}"
    for path, wanted in check.get("expect", {}).items():
        got = lookup(answer, path)
        if isinstance(wanted, str):
            wanted, got = substituted(wanted), str(got)
        assert wanted != "", f"{where}: {path} names an empty variable"
        assert got == wanted, f"{where}: {path} is {got!r}, the guide says {wanted!r}"
    if "contains" in check:
        assert substituted(check["contains"]) in output, f"{where}: {output[:500]}"
