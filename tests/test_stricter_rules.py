"""An operator's stricter rules tighten every profile and never loosen one (docs/
jurisdictions.md, "Stricter rules of an operator"): the table of what "stricter" means, rule
by rule against every profile, and its bounds; then through the game API itself on the
injected clock: an overlay refuses what its profile allows, a launch's own reality-check
interval makes a check pending, and a live session keeps the rules it was launched with."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text

import reelhouse
from reelhouse.domain import stricter_rules
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.jurisdictions import PROFILES, Profile
from reelhouse.domain.stricter_rules import RULES, Stricter
from reelhouse.services import jurisdiction_rules, launch, operators, players
from reelhouse.store.models import GameSession, LaunchToken, Operator
from reelhouse.store.secrets import token_hash
from tests.conftest import CliRun
from tests.inprocess_app import GAME, OPERATOR, App, inprocess_app

PLAYER = "noor"

# What each rule's stricter value is, written out rather than derived from the table: a
# mistake in the table (a permission read the wrong way round) fails here.
STRICTEST_FLAG = {
    "autoplay_allowed": False,
    "turbo_allowed": False,
    "slam_stop_allowed": False,
    "bonus_buy_allowed": False,
    "celebrate_win_at_or_below_stake": False,
    "show_rtp": True,
    "show_elapsed_time": True,
    "show_net_position": True,
}
# number rule: (bounds, "larger" or "smaller" is stricter)
NUMBER_RULES = {
    "min_round_interval_ms": ((0, 60_000), "larger"),
    "reality_check_minutes": ((1, 1440), "smaller"),
    "autoplay_max_rounds": ((1, 10_000), "smaller"),
    "break_after_reality_check_minutes": ((1, 60), "larger"),
}


def _candidates(name: str) -> list[bool | int]:
    if name in STRICTEST_FLAG:
        return [False, True]
    (low, high), _ = NUMBER_RULES[name]
    return [v for v in (low, low + 1, 30, 60, 2500, 3000, high - 1, high) if low <= v <= high]


def _at_least_as_strict(name: str, value: Any, than: Any) -> bool:
    if name in STRICTEST_FLAG:
        return value == STRICTEST_FLAG[name] or value == than
    if than is None:  # no limit: anything is at least as strict
        return True
    if value is None:
        return False
    return value >= than if NUMBER_RULES[name][1] == "larger" else value <= than


def test_the_table_names_exactly_the_rules_and_fields_it_should() -> None:
    assert set(RULES) == set(STRICTEST_FLAG) | set(NUMBER_RULES)
    fields = {field.name for field in dataclasses.fields(Profile)}
    assert set(RULES) <= fields
    assert "max_stake_minor" not in RULES  # the operator's own max bet covers stakes
    for name, rule in RULES.items():
        if name in STRICTEST_FLAG:
            expected = Stricter.FALSE if STRICTEST_FLAG[name] is False else Stricter.TRUE
            assert rule.stricter is expected, name
        else:
            bounds, way = NUMBER_RULES[name]
            assert (rule.low, rule.high) == bounds, name
            assert rule.stricter is (Stricter.LARGER if way == "larger" else Stricter.SMALLER)


@pytest.mark.parametrize("code", sorted(PROFILES))
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_rule_is_tightened_and_never_loosened_in_every_profile(code: str, name: str) -> None:
    base = PROFILES[code]
    for value in _candidates(name):
        tightened = base.tightened({name: value})
        got = getattr(tightened, name)
        assert got in (getattr(base, name), value), (code, name, value)
        assert _at_least_as_strict(name, got, getattr(base, name)), (code, name, value)
        assert _at_least_as_strict(name, got, value), (code, name, value)
        # Nothing else moves: not the code the audit names, not the stake cap.
        others = {f.name for f in dataclasses.fields(Profile)} - {name}
        assert all(getattr(tightened, f) == getattr(base, f) for f in others), (name, value)


@pytest.mark.parametrize("code", sorted(PROFILES))
def test_the_loosest_overlay_changes_no_profile_and_the_strictest_reaches_every_rule(
    code: str,
) -> None:
    base = PROFILES[code]
    loosest = {name: not strict for name, strict in STRICTEST_FLAG.items()} | {
        "min_round_interval_ms": 0,
        "reality_check_minutes": 1440,
        "autoplay_max_rounds": 10_000,
        "break_after_reality_check_minutes": 1,
    }
    loose = base.tightened(loosest)
    assert loose.reality_check_minutes == (base.reality_check_minutes or 1440)
    assert loose.autoplay_max_rounds == (base.autoplay_max_rounds or 10_000)
    assert loose.break_after_reality_check_minutes == (base.break_after_reality_check_minutes or 1)
    assert dataclasses.replace(
        loose,
        reality_check_minutes=base.reality_check_minutes,
        autoplay_max_rounds=base.autoplay_max_rounds,
        break_after_reality_check_minutes=base.break_after_reality_check_minutes,
    ) == (base)
    strictest = STRICTEST_FLAG | {
        "min_round_interval_ms": 60_000,
        "reality_check_minutes": 1,
        "autoplay_max_rounds": 1,
        "break_after_reality_check_minutes": 60,
    }
    assert {name: getattr(base.tightened(strictest), name) for name in RULES} == strictest
    assert base.tightened({}) is base


@pytest.mark.parametrize(
    "overlay",
    [
        {"min_round_interval_ms": -1},
        {"min_round_interval_ms": 60_001},
        {"reality_check_minutes": 0},
        {"reality_check_minutes": 1441},
        {"autoplay_max_rounds": 0},
        {"autoplay_max_rounds": 10_001},
        {"reality_check_minutes": True},  # JSON true is no number
        {"reality_check_minutes": "30"},
        {"reality_check_minutes": 30.0},
        {"reality_check_minutes": None},  # none is the loosest: no overlay value
        {"turbo_allowed": 0},  # nor 0 a flag
        {"turbo_allowed": "no"},
        {"max_stake_minor": 100},
        {"code": "uk"},
        {1: True},
        dict.fromkeys([f"rule_{n}" for n in range(len(RULES) + 1)], True),
    ],
)
def test_an_overlay_out_of_bounds_or_of_the_wrong_type_is_1012(overlay: Any) -> None:
    with pytest.raises(ReelhouseError) as refused:
        stricter_rules.checked(overlay)
    assert refused.value.code is ApiCode.PARAMETERS_INVALID
    with pytest.raises(ReelhouseError):
        PROFILES["default"].tightened(overlay)
    with pytest.raises(ReelhouseError):
        stricter_rules.checked([("turbo_allowed", False)])  # not a mapping


def test_typed_assignments_and_the_stored_json() -> None:
    typed = stricter_rules.from_assignments(
        ["turbo_allowed=No", "show_rtp=TRUE", "min_round_interval_ms=3000", "autoplay_allowed=yes"]
    )
    # In the table's order, whatever order they were typed in.
    assert list(typed.items()) == [
        ("autoplay_allowed", True),
        ("turbo_allowed", False),
        ("min_round_interval_ms", 3000),
        ("show_rtp", True),
    ]
    assert stricter_rules.from_json(stricter_rules.to_json(typed)) == typed
    assert stricter_rules.to_json({}) is None and stricter_rules.from_json(None) == {}
    assert stricter_rules.described(typed) == (
        "autoplay_allowed=yes turbo_allowed=no min_round_interval_ms=3000 show_rtp=yes"
    )
    for bad in (
        ["turbo_allowed"],
        ["turbo_allowed=maybe"],
        ["turbo_allowed=1"],
        ["min_round_interval_ms=yes"],
        ["min_round_interval_ms=-5"],
        ["min_round_interval_ms=3e3"],
        ["min_round_interval_ms=" + "9" * 7],
        ["reality_check_minutes=1441"],
        ["turbo_allowed=no", "turbo_allowed=no"],
        ["stake=5"],
        ["turbo_allowed=" + "n" * 80],
        ["turbo_allowed=no"] * (len(RULES) + 1),
    ):
        with pytest.raises(ReelhouseError) as refused:
            stricter_rules.from_assignments(bad)
        assert refused.value.code is ApiCode.PARAMETERS_INVALID, bad
    for stored in ('{"turbo_allowed": 1}', "[", '{"a": 1, "a": 2}', "x" * 2000):
        with pytest.raises(ReelhouseError):
            stricter_rules.from_json(stored)


def test_two_overlays_merge_rule_by_rule_to_the_stricter() -> None:
    operator = {"reality_check_minutes": 60, "turbo_allowed": False, "show_rtp": False}
    launch_own = {"reality_check_minutes": 20, "show_rtp": True}
    assert dict(stricter_rules.merged(operator, launch_own)) == {
        "turbo_allowed": False,
        "show_rtp": True,
        "reality_check_minutes": 20,
    }
    assert stricter_rules.merged(operator, {"reality_check_minutes": 90})[
        "reality_check_minutes"
    ] == (60)


# Through the game API, on both databases.


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    with inprocess_app(database_url, tmp_path) as running:
        running.casino.create_player(PLAYER, "USD", "1000.00")
        yield running


def _user_code(app: App) -> int:
    with app.platform.db.transaction() as session:
        operator_id = operators.find_by_name(session, OPERATOR).id
    return players.create_or_get(app.platform, operator_id, PLAYER).user_code


def _game_url(app: App, **choice: Any) -> dict[str, Any]:
    body = {"user_code": _user_code(app), "provider_id": 1, "game_symbol": GAME} | choice
    answer: dict[str, Any] = app.post(
        "/v4/game/game-url", json.dumps(body).encode(), app.api_token
    ).json()
    return answer


def _launch(app: App, **choice: Any) -> str:
    answer = _game_url(app, **choice)
    assert answer["code"] == 0, answer
    return launch.open_launch(app.platform, answer["data"]["game_url"].rsplit("/", 1)[1])


def _spin(app: App, token: str, bet_minor: int = 100, **flags: Any) -> dict[str, Any]:
    body = {"bet": f"{Decimal(bet_minor) / 100:.2f}"} | flags
    answer: dict[str, Any] = app.post("/api/game/spin", json.dumps(body).encode(), token).json()
    return answer


def _refused(app: App, token: str, code: ApiCode, **flags: Any) -> None:
    """Refused with `code`, having written nothing (its audit row aside) and moved no money."""
    money = app.casino.player(PLAYER)["balance"]
    before = app.row_counts()
    answer = _spin(app, token, **flags)
    assert answer["code"] == code, answer
    assert app.row_counts() == before
    assert app.casino.player(PLAYER)["balance"] == money


def _played(app: App, token: str, **flags: Any) -> None:
    answer = _spin(app, token, **flags)
    assert answer["code"] == 0, answer


def _state(app: App, token: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    answer = app._run(app.client.get("/api/game/state", headers=headers)).json()
    data: dict[str, Any] = answer["data"]
    return data


def _advance(app: App, **delta: int) -> None:
    app.platform.clock.advance(**delta)  # type: ignore[attr-defined]


def _set(app: App, **overlay: bool | int) -> None:
    operators.set_stricter_rules(app.platform, OPERATOR, overlay)


def test_an_operators_turbo_ban_is_enforced_under_the_default_profile(app: App) -> None:
    assert PROFILES["default"].turbo_allowed  # the profile alone allows it
    _set(app, turbo_allowed=False)
    token = _launch(app)
    assert _state(app, token)["jurisdiction"]["turbo_allowed"] is False
    assert _state(app, token)["jurisdiction"]["code"] == "default"
    _refused(app, token, ApiCode.JURISDICTION_TURBO_FORBIDDEN, turbo=True)
    _played(app, token)
    _played(app, token, autoplay=True)  # only what the overlay names is tightened


def test_an_operators_least_time_between_rounds_refuses_a_spin_too_soon(app: App) -> None:
    _set(app, min_round_interval_ms=3000)
    token = _launch(app)
    _played(app, token)
    _advance(app, milliseconds=2900)
    _refused(app, token, ApiCode.JURISDICTION_TOO_SOON)
    _advance(app, milliseconds=100)
    _played(app, token)


def test_an_overlay_cannot_loosen_a_profile_a_launch_picks(app: App) -> None:
    # `on` sets 2.5 seconds and forbids turbo, and `nl` a check every 30 minutes: the
    # operator's looser figures change nothing.
    _set(app, turbo_allowed=True, reality_check_minutes=600)
    dutch = _launch(app, jurisdiction="nl")
    assert _state(app, dutch)["jurisdiction"] == PROFILES["nl"].client_rules()
    _set(app, turbo_allowed=True, min_round_interval_ms=1000)
    token = _launch(app, jurisdiction="on")
    assert _state(app, token)["jurisdiction"] == PROFILES["on"].client_rules()
    _played(app, token)
    _advance(app, milliseconds=2499)
    _refused(app, token, ApiCode.JURISDICTION_TOO_SOON)
    _advance(app, milliseconds=1)
    _refused(app, token, ApiCode.JURISDICTION_TURBO_FORBIDDEN, turbo=True)


def test_a_launchs_own_reality_check_interval_makes_a_check_pending(app: App) -> None:
    token = _launch(app, reality_check_minutes=15)  # `default` sets no check
    limits = _state(app, token)["session_limits"]
    assert limits["reality_check_due_in_seconds"] == 15 * 60
    _played(app, token)
    _advance(app, minutes=14, seconds=59)
    _played(app, token)
    _advance(app, seconds=1)
    _refused(app, token, ApiCode.REALITY_CHECK_PENDING)
    check = app.post("/api/game/reality-check", b'{"answer": "continue"}', token).json()
    assert check["data"]["interval_minutes"] == 15
    _played(app, token)


def test_a_launchs_interval_joins_the_operators_and_never_loosens_the_profile(app: App) -> None:
    _set(app, reality_check_minutes=20)
    looser = _launch(app, reality_check_minutes=45)  # the operator's 20 stays
    stricter = _launch(app, reality_check_minutes=10)
    assert _state(app, looser)["jurisdiction"]["reality_check_minutes"] == 20
    assert _state(app, stricter)["jurisdiction"]["reality_check_minutes"] == 10
    operators.set_stricter_rules(app.platform, OPERATOR, {})
    # Malta fixes no interval: the player's own 90 minutes apply. The Netherlands fix 30: a
    # player asking for 90 there is checked at 30.
    malta = _launch(app, jurisdiction="mt", reality_check_minutes=90)
    assert _state(app, malta)["session_limits"]["reality_check_due_in_seconds"] == 90 * 60
    dutch = _launch(app, jurisdiction="nl", reality_check_minutes=90)
    assert _state(app, dutch)["session_limits"]["reality_check_due_in_seconds"] == 30 * 60


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (0, ApiCode.PARAMETERS_INVALID),
        (1441, ApiCode.PARAMETERS_INVALID),
        (-5, ApiCode.PARAMETERS_INVALID),
        ("15", ApiCode.VALIDATION_ERROR),  # not a JSON integer: the body itself
        (True, ApiCode.VALIDATION_ERROR),
    ],
)
def test_a_launchs_interval_out_of_bounds_is_refused_before_anything(
    app: App, value: Any, code: ApiCode
) -> None:
    _user_code(app)
    before = app.row_counts()
    assert _game_url(app, reality_check_minutes=value)["code"] == code
    assert app.row_counts() == before


def test_igamingace_a_launch_takes_the_players_interval(app: App) -> None:
    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = app.post(path, json.dumps(body).encode(), app.api_token).json()
        return answer

    assert post("/v1/player/link", {"playerId": PLAYER})["success"]
    body = {"playerId": PLAYER, "providerId": 1, "gameId": numeric_game_id(GAME)}
    refused = post("/v1/game/launch", body | {"realityCheckMinutes": 1441})
    assert refused["success"] is False
    assert refused["data"]["code"] == ApiCode.PARAMETERS_INVALID
    answer = post("/v1/game/launch", body | {"realityCheckMinutes": 5})
    assert answer["success"] is True, answer
    token = launch.open_launch(app.platform, answer["data"].rsplit("/", 1)[1])
    _played(app, token)
    _advance(app, minutes=5)
    _refused(app, token, ApiCode.REALITY_CHECK_PENDING)


def test_a_live_session_keeps_the_rules_it_was_launched_with(app: App) -> None:
    before = _launch(app)
    _set(app, turbo_allowed=False)
    during = _launch(app)
    _played(app, before, turbo=True)  # set after its launch: not its rules
    _refused(app, during, ApiCode.JURISDICTION_TURBO_FORBIDDEN, turbo=True)
    operators.set_stricter_rules(app.platform, OPERATOR, {})  # cleared
    _refused(app, during, ApiCode.JURISDICTION_TURBO_FORBIDDEN, turbo=True)
    _played(app, _launch(app), turbo=True)
    with app.platform.db.transaction() as session:
        stored = session.scalars(select(GameSession.stricter_rules).order_by(GameSession.id))
        assert sorted(stored, key=str) == sorted([None, None, '{"turbo_allowed":false}'], key=str)
        assert session.scalar(select(Operator.stricter_rules).where(Operator.name == OPERATOR)) is (
            None
        )
    # The one place every caller reads a session's rules from says the same.
    with app.platform.db.transaction() as session:
        found = session.scalar(
            select(GameSession).where(GameSession.token_hash == token_hash(during))
        )
        assert found is not None
        assert jurisdiction_rules.session_profile(found).turbo_allowed is False


def test_setting_an_overlay_refuses_a_bad_one_and_changes_nothing(app: App) -> None:
    _set(app, show_rtp=True)
    for bad in ({"turbo_allowed": "no"}, {"stake": 5}, {"reality_check_minutes": 0}):
        with pytest.raises(ReelhouseError) as refused:
            operators.set_stricter_rules(app.platform, OPERATOR, bad)
        assert refused.value.code is ApiCode.PARAMETERS_INVALID
    with app.platform.db.transaction() as session:
        assert operators.stricter_rules_of(operators.find_by_name(session, OPERATOR)) == {
            "show_rtp": True
        }


def test_the_migration_adds_the_nullable_overlay_at_the_single_head(app: App) -> None:
    engine = app.platform.db.engine
    for table in ("operators", "launch_tokens", "game_sessions"):
        columns = {c["name"]: c for c in inspect(engine).get_columns(table)}
        assert columns["stricter_rules"]["nullable"], table
    from alembic.script import ScriptDirectory

    from reelhouse.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    # Later migrations follow it: the database is at the single head, whichever that is.
    assert script.get_revision("0021_stricter_rules").down_revision == "0020_operator_currencies"
    with engine.connect() as conn:
        heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    assert heads == {script.get_current_head()}
    with app.platform.db.transaction() as session:
        assert session.scalar(select(LaunchToken.stricter_rules)) is None


SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
def test_the_command_line_sets_shows_and_clears_an_operators_stricter_rules(
    reelhouse_cli: CliRun,
) -> None:
    run = reelhouse_cli

    callback = ("--callback-url", "http://127.0.0.1:9/callback")
    assert run("operator", "create", "--name", "mx", "--jurisdiction", "mt", *callback)[0] == 0
    shown = run("operator", "show", "mx")[1]
    assert "stricter      none" in shown
    assert "  reality_check_minutes            none\n" in shown
    assert run(
        "operator", "set-stricter", "mx", "turbo_allowed=no", "reality_check_minutes=30"
    ) == (
        0,
        "operator mx: stricter rules turbo_allowed=no reality_check_minutes=30\n",
        "",
    )
    shown = run("operator", "show", "mx")[1]
    assert "stricter      turbo_allowed=no reality_check_minutes=30" in shown
    assert "  turbo_allowed                    no (tightened)\n" in shown
    assert "  reality_check_minutes            30 (tightened)\n" in shown
    assert "  show_rtp                         yes\n" in shown  # Malta's own
    for bad in (
        ("mx", "turbo_allowed=maybe"),
        ("mx", "reality_check_minutes=0"),
        ("mx", "stake=5"),
        ("mx",),
        ("mx", "--clear", "turbo_allowed=no"),
    ):
        status, _, err = run("operator", "set-stricter", *bad)
        assert status != 0 and "1012" in err, bad
    assert (
        "stricter      turbo_allowed=no reality_check_minutes=30"
        in run("operator", "show", "mx")[1]
    )
    assert run("operator", "set-stricter", "mx", "--clear") == (
        0,
        "operator mx: stricter rules none\n",
        "",
    )
    assert "stricter      none" in run("operator", "show", "mx")[1]


def test_a_sessions_rules_are_read_only_through_session_profile() -> None:
    """Every reader of a session's rules asks services/jurisdiction_rules.session_profile,
    the one place that applies the session's stricter rules: no other module turns a
    session's profile code into a profile itself."""
    src = Path(reelhouse.__file__).parent
    own = re.compile(r"(profile\(|PROFILES(\.get\(|\[))[^)\]]*session[^)\]]*\.jurisdiction")
    found = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if own.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["services/jurisdiction_rules.py"]
