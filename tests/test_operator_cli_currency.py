"""`reelhouse operator create --currency ...`: any ISO 4217 currency with a minor unit or a
listed cryptocurrency creates the operator; anything else ends in one line on stderr and a
non-zero exit, never a traceback, and creates nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelhouse.cli import app
from reelhouse.store.secrets import new_key_text

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
CALLBACK = "http://127.0.0.1:9/callback"  # never called: creation only checks the URL


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REELHOUSE_DATABASE_URL", database_url)
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", new_key_text())
    monkeypatch.setenv("REELHOUSE_ALLOW_PRIVATE_CALLBACKS", "1")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as ended:
        app(list(args), prog_name="reelhouse")
    out, err = capsys.readouterr()
    code = ended.value.code
    return (code if isinstance(code, int) else 1), out, err


def create(capsys: pytest.CaptureFixture[str], name: str, *args: str) -> tuple[int, str, str]:
    return run(capsys, "operator", "create", "--name", name, "--callback-url", CALLBACK, *args)


@SQLITE
@pytest.mark.usefixtures("cli_env")
def test_an_operator_in_sek_and_one_in_btc(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = create(capsys, "kronan", "--currency", "SEK")
    assert status == 0 and "operator kronan created" in out
    status, out, _ = run(capsys, "operator", "show", "kronan")
    assert status == 0
    assert "currency      SEK" in out and "min_bet       0.20" in out
    status, out, _ = create(
        capsys, "satoshi", "--currency", "BTC", "--min-bet", "0.00000005", "--max-bet", "0.1"
    )
    assert status == 0, out
    _, out, _ = run(capsys, "operator", "show", "satoshi")
    assert "min_bet       0.00000005" in out and "max_bet       0.10000000" in out


@SQLITE
@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--currency", "ZZZ"], "error 2014: currency 'ZZZ' is not supported"),
        (["--currency", "XAU"], "error 2014: currency 'XAU' has no minor unit in ISO 4217"),
        (["--currency", "sek"], "error 2014: currency 'sek' is not supported: codes are upper"),
        (["--currency", "S" * 5000], "error 2014: currency 'SSSSSSSS...' is not supported"),
        (["--currency", "JPY"], "error 1012: bet limits: 0.20 has more than 0 decimals for JPY"),
        (["--currency", "KWD", "--dialect", "igamingace-b"], "error 2014: igamingace-b carries"),
        (["--rtp", "ninety"], "error 1012: rtp 'ninety'"),
        (["--rtp", "NaN"], "error 1012: rtp 'NaN'"),
    ],
)
def test_a_refusal_is_one_line_and_a_non_zero_exit(
    capsys: pytest.CaptureFixture[str], args: list[str], line: str
) -> None:
    status, out, err = create(capsys, "refused", *args)
    assert status == 2 and out == ""
    assert err.startswith(line) and err.count("\n") == 1 and "Traceback" not in err
    status, _, err = run(capsys, "operator", "show", "refused")
    assert status == 2 and "error" in err  # nothing was created


@SQLITE
@pytest.mark.usefixtures("cli_env")
def test_further_currencies_with_their_own_limits(capsys: pytest.CaptureFixture[str]) -> None:
    """`add-currency` offers one more currency with limits in its own decimals, `set-bet-limits`
    changes one, `show` lists them; a limit with too many decimals, a currency the dialect
    cannot carry or one the operator lacks is one line and a non-zero exit, changing nothing."""
    assert create(capsys, "multi", "--currency", "EUR")[0] == 0
    added = ("--min-bet", "0.00001", "--max-bet", "0.01")
    status, out, _ = run(capsys, "operator", "add-currency", "multi", "BTC", *added)
    assert status == 0 and "BTC added" in out
    # A max win per round of 5,000 bets at the top bet: far from the deployment's RTP floor.
    limits = ("--min-bet", "0.00002", "--max-bet", "0.02", "--max-win", "100")
    assert run(capsys, "operator", "set-bet-limits", "multi", "BTC", *limits)[0] == 0
    for args, line in (
        (["add-currency", "multi", "JPY", "--min-bet", "0.5", "--max-bet", "9"], "error 1012"),
        (["add-currency", "multi", "XAU", "--min-bet", "1", "--max-bet", "9"], "error 2014"),
        (["add-currency", "multi", "BTC", "--min-bet", "1", "--max-bet", "9"], "error 1012"),
        (["set-bet-limits", "multi", "JPY", "--min-bet", "1", "--max-bet", "9"], "error 3025"),
        # 50 bets at the top bet would leave some game below the effective-RTP floor.
        (["set-bet-limits", "multi", "BTC", *limits[:4], "--max-win", "1"], "error 3033"),
    ):
        status, _, err = run(capsys, "operator", *args)
        assert status == 2 and err.startswith(line) and err.count("\n") == 1, (args, err)
    _, out, _ = run(capsys, "operator", "show", "multi")
    assert "currency      EUR" in out and "min_bet       0.20" in out
    assert "currency      BTC: min_bet 0.00002000, max_bet 0.02000000, max_win 100.00000000" in out
    assert "JPY" not in out


@SQLITE
@pytest.mark.usefixtures("cli_env")
def test_a_currencys_display_unit_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    """`add-currency --display-unit` and `set-display-unit` (the first currency too, `none`
    clears it); a unit of another currency is 1012, one the operator lacks 3025, each one
    line and a non-zero exit; `show` names each currency's unit."""
    assert create(capsys, "units", "--currency", "BTC")[0] == 0
    added = ("--min-bet", "0.00001", "--max-bet", "0.01", "--display-unit", "uBTC")
    status, _, err = run(capsys, "operator", "add-currency", "units", "LTC", *added)
    assert status == 2 and err.startswith("error 1012"), err  # uBTC is not LTC's
    ltc = ("--min-bet", "0.00001", "--max-bet", "0.01", "--display-unit", "mLTC")
    assert run(capsys, "operator", "add-currency", "units", "LTC", *ltc)[0] == 0
    assert run(capsys, "operator", "set-display-unit", "units", "BTC", "μBTC")[0] == 0
    _, out, _ = run(capsys, "operator", "show", "units")
    assert "display_unit  uBTC" in out and "display_unit mLTC" in out
    for args, line in (
        (["set-display-unit", "units", "BTC", "mETH"], "error 1012"),
        (["set-display-unit", "units", "ETH", "mETH"], "error 3025"),
    ):
        status, _, err = run(capsys, "operator", *args)
        assert status == 2 and err.startswith(line) and err.count("\n") == 1, (args, err)
    assert run(capsys, "operator", "set-display-unit", "units", "BTC", "none")[0] == 0
    _, out, _ = run(capsys, "operator", "show", "units")
    assert "display_unit  (none)" in out and "display_unit mLTC" in out
