"""Jurisdiction profiles are enforced by the server (docs/jurisdictions.md): for every
profile, each rule is tried through the game API itself, as a client that ignores what it was
told would; every refusal has its documented code and changes nothing. Also: how a launch
chooses its profile (its own code, a country, the operator's), and what the state carries."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from reelhouse.domain import jurisdictions
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.jurisdictions import PROFILES, Profile
from reelhouse.services import freerounds, jurisdiction_rules, launch, operators, players
from reelhouse.store.models import FreeRoundGrant, GameSession, Operator
from reelhouse.store.secrets import token_hash
from tests.conftest import CliRun
from tests.inprocess_app import GAME, OPERATOR, App, inprocess_app

PLAYER = "pat"
STEP_MINOR = 5  # lucky-sevens' bet step (its credits): every bet below is a multiple of it


def _currency_of(rules: Profile) -> str:
    """A currency the profile's stake cap is written in (USD where it has none)."""
    return next(iter(sorted(rules.max_stake_minor))) if rules.max_stake_minor else "USD"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    with inprocess_app(database_url, tmp_path) as running:
        yield running


def _set_currency(app: App, code: str) -> None:
    """The test operator plays in `code` (the demo casino's account is opened in it)."""
    with app.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR).currency = code


def _launch(app: App, player: str, **choice: Any) -> str:
    """A real-money session launched through /v4/game/game-url with `choice` (jurisdiction,
    country); its session token."""
    with app.platform.db.transaction() as session:
        operator = operators.find_by_name(session, OPERATOR)
    user_code = players.create_or_get(app.platform, operator.id, player).user_code
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME} | choice
    answer = app.post("/v4/game/game-url", json.dumps(body).encode(), app.api_token).json()
    assert answer["code"] == 0, answer
    return launch.open_launch(app.platform, answer["data"]["game_url"].rsplit("/", 1)[1])


def _spin(app: App, token: str, bet_minor: int, **flags: Any) -> dict[str, Any]:
    body = {"bet": f"{Decimal(bet_minor) / 100:.2f}"} | flags
    answer: dict[str, Any] = app.post("/api/game/spin", json.dumps(body).encode(), token).json()
    return answer


def _refused(app: App, token: str, bet_minor: int, code: ApiCode, **flags: Any) -> None:
    """The spin is refused with `code` and changes nothing: no row anywhere, no money at the
    casino, the session's last round start as it was."""
    before = app.row_counts()
    money_before = app.casino.player(PLAYER)["balance"]
    with app.platform.db.transaction() as session:
        last_start = session.scalar(
            select(GameSession.last_round_started_at_utc).where(
                GameSession.token_hash == token_hash(token)
            )
        )
    answer = _spin(app, token, bet_minor, **flags)
    assert answer["code"] == code, answer
    assert app.row_counts() == before
    assert app.casino.player(PLAYER)["balance"] == money_before
    with app.platform.db.transaction() as session:
        assert last_start == session.scalar(
            select(GameSession.last_round_started_at_utc).where(
                GameSession.token_hash == token_hash(token)
            )
        )


def _played(app: App, token: str, bet_minor: int, **flags: bool) -> dict[str, Any]:
    answer = _spin(app, token, bet_minor, **flags)
    assert answer["code"] == 0, answer
    assert answer["data"]["state"] == "settled"
    return answer


def _wait_out(app: App, rules: Profile) -> None:
    """Let the profile's least time between round starts pass on the injected clock."""
    app.platform.clock.advance(milliseconds=rules.min_round_interval_ms)  # type: ignore[attr-defined]


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_every_rule_of_the_profile_holds_against_a_client_that_ignores_it(
    app: App, code: str
) -> None:
    rules = PROFILES[code]
    money = _currency_of(rules)
    _set_currency(app, money)
    app.casino.create_player(PLAYER, money, "100000.00")
    token = _launch(app, PLAYER, jurisdiction=code)

    # The state tells the client the rules and the figures, and offers no bet above the cap.
    raw = app._run(app.client.get("/api/game/state", headers={"Authorization": f"Bearer {token}"}))
    state = raw.json()["data"]
    assert state["jurisdiction"] == rules.client_rules()
    assert set(state["session_figures"]) == {"elapsed_seconds", "net_position", "rtp_percent"}
    cap = rules.stake_cap_minor(money)
    if cap is not None:
        assert Decimal(state["max_bet"]) * 100 == cap
        assert all(Decimal(level) * 100 <= cap for level in state["bet_levels"])

    first_bet = cap if cap is not None else 100
    _played(app, token, first_bet)

    # The least time between round starts: one millisecond short is refused, then allowed.
    if rules.min_round_interval_ms:
        _refused(app, token, first_bet, ApiCode.JURISDICTION_TOO_SOON)
        app.platform.clock.advance(milliseconds=rules.min_round_interval_ms - 1)  # type: ignore[attr-defined]
        _refused(app, token, first_bet, ApiCode.JURISDICTION_TOO_SOON)
        app.platform.clock.advance(milliseconds=1)  # type: ignore[attr-defined]
        _played(app, token, first_bet)
    else:
        _played(app, token, first_bet)

    # A stake above the cap, however the client came to send it.
    _wait_out(app, rules)
    if cap is not None:
        _refused(app, token, cap + STEP_MINOR, ApiCode.JURISDICTION_STAKE_ABOVE_MAX)

    # Autoplay and turbo, as the client must declare them.
    for flag, allowed, refusal in (
        ("autoplay", rules.autoplay_allowed, ApiCode.JURISDICTION_AUTOPLAY_FORBIDDEN),
        ("turbo", rules.turbo_allowed, ApiCode.JURISDICTION_TURBO_FORBIDDEN),
    ):
        _wait_out(app, rules)
        if allowed:
            _played(app, token, first_bet, **{flag: True})
        else:
            _refused(app, token, first_bet, refusal, **{flag: True})

    # Lucky Sevens sells no feature: a buy is no bet mode of it, whatever the profile (a
    # game that sells one: tests/test_bonus_buy.py); a field the spin does not know is 1002.
    _wait_out(app, rules)
    _refused(app, token, first_bet, ApiCode.BET_MODE_UNKNOWN, bet_mode="buy")
    _refused(app, token, first_bet, ApiCode.VALIDATION_ERROR, bonus_buy=True)


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_a_win_not_above_the_stake_is_celebrated_only_where_allowed(code: str) -> None:
    rules = PROFILES[code]
    allowed = rules.celebrate_win_at_or_below_stake
    assert jurisdiction_rules.celebrate(rules, 100, 50) is allowed
    assert jurisdiction_rules.celebrate(rules, 100, 100) is allowed
    assert jurisdiction_rules.celebrate(rules, 100, 101) is True
    assert jurisdiction_rules.celebrate(rules, 100, 0) is False


def test_a_launch_chooses_its_profile_by_code_country_or_operator(app: App) -> None:
    # The operator's profile where the launch names none; a country; a code over a country.
    assert operators.set_jurisdiction(app.platform, OPERATOR, "mt") == "mt"
    app.casino.create_player("kim", "USD", "1000.00")
    chosen = {
        "operator": _launch(app, "kim"),
        "country": _launch(app, "kim", country="se"),
        "code": _launch(app, "kim", jurisdiction="on", country="SE"),
    }
    with app.platform.db.transaction() as session:
        found = {
            how: session.scalar(
                select(GameSession.jurisdiction).where(GameSession.token_hash == token_hash(token))
            )
            for how, token in chosen.items()
        }
    assert found == {"operator": "mt", "country": "se", "code": "on"}


@pytest.mark.parametrize(
    ("choice", "code"),
    [
        ({"jurisdiction": "xx"}, ApiCode.JURISDICTION_UNKNOWN),
        ({"jurisdiction": "UK"}, ApiCode.JURISDICTION_UNKNOWN),  # codes are lower case
        ({"country": "CA"}, ApiCode.JURISDICTION_UNKNOWN),  # Ontario needs `jurisdiction`
        ({"country": "FR"}, ApiCode.JURISDICTION_UNKNOWN),
        ({"jurisdiction": "uk"}, ApiCode.JURISDICTION_CURRENCY),  # a USD operator, a GBP cap
        ({"jurisdiction": "x" * 17}, ApiCode.VALIDATION_ERROR),
        ({"country": "GBR"}, ApiCode.VALIDATION_ERROR),
    ],
)
def test_an_unknown_or_unenforceable_profile_is_refused_at_launch(
    app: App, choice: dict[str, str], code: ApiCode
) -> None:
    with app.platform.db.transaction() as session:
        operator_id = operators.find_by_name(session, OPERATOR).id
    user_code = players.create_or_get(app.platform, operator_id, "lee").user_code
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME} | choice
    before = app.row_counts()
    answer = app.post("/v4/game/game-url", json.dumps(body).encode(), app.api_token).json()
    assert answer["code"] == code, answer
    assert app.row_counts() == before


def test_an_operator_cannot_be_given_an_unknown_profile(app: App) -> None:
    with pytest.raises(ReelhouseError) as refused:
        operators.set_jurisdiction(app.platform, OPERATOR, "atlantis")
    assert refused.value.code is ApiCode.JURISDICTION_UNKNOWN
    with app.platform.db.transaction() as session:
        assert session.scalar(select(Operator.jurisdiction).where(Operator.name == OPERATOR)) == (
            jurisdictions.DEFAULT
        )


@pytest.mark.parametrize("code", sorted(c for c, p in PROFILES.items() if p.max_stake_minor))
def test_a_free_round_above_the_cap_is_refused_and_keeps_its_round(app: App, code: str) -> None:
    """An operator's grant is no way around the stake cap: its round is refused and stays
    in the grant."""
    rules = PROFILES[code]
    money = _currency_of(rules)
    _set_currency(app, money)
    app.casino.create_player(PLAYER, money, "100000.00")
    token = _launch(app, PLAYER, jurisdiction=code)
    cap = rules.stake_cap_minor(money)
    assert cap is not None
    with app.platform.db.transaction() as session:
        operator_id = operators.find_by_name(session, OPERATOR).id
    user_code = players.create_or_get(app.platform, operator_id, PLAYER).user_code
    grant = freerounds.grant(
        app.platform,
        operator_id,
        freerounds.GrantRequest(
            user_code=user_code,
            provider_id=1,
            game_code=GAME,
            bet_minor=cap + STEP_MINOR,
            rounds=3,
            expires_at=app.platform.clock.now() + dt.timedelta(hours=1),
        ),
    )
    _refused(
        app,
        token,
        cap + STEP_MINOR,
        ApiCode.JURISDICTION_STAKE_ABOVE_MAX,
        free_round_id=grant.fr_id,
    )
    with app.platform.db.transaction() as session:
        used = session.scalar(
            select(FreeRoundGrant.rounds_used).where(FreeRoundGrant.id == grant.fr_id)
        )
    assert used == 0


SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
def test_the_command_line_sets_and_shows_an_operators_profile(
    reelhouse_cli: CliRun,
) -> None:
    run = reelhouse_cli

    callback = ("--callback-url", "http://127.0.0.1:9/callback")
    assert run("operator", "create", "--name", "gb", "--jurisdiction", "uk", *callback)[0] == 0
    assert "jurisdiction  uk" in run("operator", "show", "gb")[1]
    assert run("operator", "set-jurisdiction", "gb", "de") == (
        0,
        "operator gb: jurisdiction de\n",
        "",
    )
    status, _, err = run("operator", "set-jurisdiction", "gb", "narnia")
    assert status != 0 and "3010" in err
    assert "jurisdiction  de" in run("operator", "show", "gb")[1]
    status, _, err = run("operator", "create", "--name", "xx", "--jurisdiction", "xx", *callback)
    assert status != 0 and "3010" in err


# --- the page's table is the profiles' table --------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs" / "jurisdictions.md"

# Each row of docs/jurisdictions.md's table, and how a profile's value reads in it (the
# cell without its source mark).
_YES_NO = {True: "yes", False: "no"}
_ROWS: dict[str, Any] = {
    "max stake per round": lambda p: (
        "none"
        if p.max_stake_minor is None
        else " ".join(f"{c} {Decimal(v) / 100:.2f}" for c, v in sorted(p.max_stake_minor.items()))
    ),
    "least time between round starts": lambda p: (
        "0" if not p.min_round_interval_ms else f"{p.min_round_interval_ms:,} ms"
    ),
    "autoplay allowed": lambda p: _YES_NO[p.autoplay_allowed],
    "turbo / quick spin allowed": lambda p: _YES_NO[p.turbo_allowed],
    "slam stop allowed": lambda p: _YES_NO[p.slam_stop_allowed],
    "bonus buy allowed": lambda p: _YES_NO[p.bonus_buy_allowed],
    "a win not above the stake may be celebrated": lambda p: _YES_NO[
        p.celebrate_win_at_or_below_stake
    ],
    "show RTP": lambda p: _YES_NO[p.show_rtp],
    "show elapsed session time": lambda p: _YES_NO[p.show_elapsed_time],
    "show net position": lambda p: _YES_NO[p.show_net_position],
    # None: no interval of the market's own, either none at all or the player's choice.
    "reality check every": lambda p: (
        ("none", "the player's choice")
        if p.reality_check_minutes is None
        else (f"{p.reality_check_minutes} min",)
    ),
    "compulsory break after the reality check": lambda p: (
        "none"
        if p.break_after_reality_check_minutes is None
        else f"{p.break_after_reality_check_minutes} min"
    ),
}


def _docs_table() -> tuple[list[str], dict[str, list[str]]]:
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("## The table", 1)[1].split("\n\n", 2)[1]
    header, _, *rows = table.strip().splitlines()
    cells = lambda line: [c.strip() for c in line.strip("|").split("|")]  # noqa: E731
    return cells(header)[1:], {cells(row)[0]: cells(row)[1:] for row in rows}


def test_the_pages_table_is_the_profiles_and_every_rule_names_its_source() -> None:
    """docs/jurisdictions.md's table says what each profile holds, and every value that is
    not the unregulated default (and every "player's choice") carries a public source listed
    under "Sources": no value is a reading of Reelhouse's own."""
    codes, rows = _docs_table()
    assert codes == list(PROFILES) and set(rows) == set(_ROWS)
    sources = DOCS.read_text(encoding="utf-8").split("## Sources", 1)[1]
    listed = set()
    for entry in sources.split("\n- **")[1:]:
        listed |= set(entry.split("**", 1)[0].replace(" ", "").split(","))

    def readings(rules: Profile, row: str) -> tuple[str, ...]:
        shown = _ROWS[row](rules)
        return shown if isinstance(shown, tuple) else (shown,)

    for row in _ROWS:
        for code, cell in zip(codes, rows[row], strict=True):
            value, _, mark = cell.replace("**", "").partition(" (")
            assert value in readings(PROFILES[code], row), (row, code, cell)
            cited = [s for s in mark.rstrip(")").replace(" ", "").split(",") if s]
            assert all(s in listed for s in cited), (row, code, cell)
            unregulated = readings(PROFILES[jurisdictions.DEFAULT], row)[0]
            if value != unregulated:
                assert cited, (row, code, cell)  # a rule: its public source
