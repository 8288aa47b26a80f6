"""`reelhouse webhook ...`: the URL, the secret shown once and rotated, the big-win
threshold; a refused value is one line on stderr and a non-zero exit, and changes nothing."""

from __future__ import annotations

import pytest

from tests.test_operator_cli_currency import SQLITE, cli_env, create, run

__all__ = ["cli_env"]  # the fixture, used by name


@SQLITE
@pytest.mark.usefixtures("cli_env")
def test_set_rotate_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert create(capsys, "hooked")[0] == 0
    status, out, _ = run(capsys, "webhook", "set-url", "hooked", "http://127.0.0.1:9/hook")
    assert status == 0 and "signing secret (shown once): " in out
    first = out.rsplit(": ", 1)[1].strip()
    status, out, _ = run(capsys, "webhook", "rotate-secret", "hooked", "--overlap-hours", "2")
    second = out.rsplit(": ", 1)[1].strip()
    assert status == 0 and len(second) == 64 and second != first
    assert run(capsys, "webhook", "big-win", "hooked", "50000")[0] == 0
    status, out, _ = run(capsys, "webhook", "show", "hooked")
    assert status == 0 and first not in out and second not in out
    assert "url            http://127.0.0.1:9/hook" in out
    assert "delivered      0 of 0" in out and "big_win_minor  50000" in out
    for args, line in (
        (["big-win", "hooked", "5e3"], "error 1012: threshold '5e3'"),
        (["big-win", "hooked", "0"], "error 1012: big-win threshold"),
        (["rotate-secret", "hooked", "--overlap-hours", "9999"], "error 1012: overlap"),
        (["set-url", "nobody", "http://127.0.0.1:9/hook"], "error 2001: no operator"),
    ):
        status, _, err = run(capsys, "webhook", *args)
        assert status == 2 and err.startswith(line), err
    _, out, _ = run(capsys, "webhook", "show", "hooked")
    assert "big_win_minor  50000" in out
