"""docs/operator-sdk.md's 30-line endpoint, run as written: it passes the whole conformance
suite in every dialect."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from reelhouse.dialects.base import CallbackCredentials
from reelhouse.operator_kit.conformance import Target, render_text, run_suite

from .casino_helpers import TOKEN, serve
from .conformance_helpers import AGENT_ID, API_TOKEN, DIALECTS, SECRET_KEY

DOC = Path(__file__).parents[2] / "docs" / "operator-sdk.md"
EXAMPLE = re.compile(r"<!-- example: callback\.py -->\n```python\n(.*?)\n```", re.DOTALL)


def example_source() -> str:
    found = EXAMPLE.search(DOC.read_text(encoding="utf-8"))
    assert found is not None, "the example block is missing from docs/operator-sdk.md"
    return found.group(1) + "\n"


def load(source: str, tmp_path: Path, name: str) -> ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_example_is_30_lines() -> None:
    assert len(example_source().splitlines()) <= 30


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_example_passes_the_conformance_suite(
    wallet_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dialect: str
) -> None:
    for variable, value in {
        "WALLET_DB": wallet_url,
        "WALLET_DIALECT": dialect,
        "WALLET_CALLBACK_TOKEN": TOKEN,
        "WALLET_API_TOKEN": API_TOKEN,
        "WALLET_SECRET_KEY": SECRET_KEY,
        "WALLET_AGENT_ID": AGENT_ID,
    }.items():
        monkeypatch.setenv(variable, value)
    name = f"callback_{dialect.replace('-', '_')}"
    module = load(example_source(), tmp_path, name)
    try:
        module.wallet.open_account("tester", "EUR", "250.00")
        with serve(module.app, lifespan="off") as base_url:
            creds = CallbackCredentials(
                f"{base_url}/callback", TOKEN, API_TOKEN, SECRET_KEY, AGENT_ID
            )
            report = run_suite(Target(creds, dialect, "tester", "EUR"))
        assert report.passed, render_text(report)
        assert module.wallet.account("tester")["balance"] == "250.00"
    finally:
        module.wallet.dispose()
        sys.modules.pop(name, None)
