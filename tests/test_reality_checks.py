"""Reality checks, the compulsory break after one, and session limits are enforced by the
server (docs/jurisdictions.md, "Reality checks and session limits"): each is tried through
the game API itself, as a client that ignores what it was shown would, on the injected clock.
Every refusal has its code and changes nothing but its audit row; the audit and its export
hold every fact."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from reelhouse.cli import app as cli_app
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.jurisdictions import PROFILES
from reelhouse.domain.limits import SESSION_LOSS_LIMIT_MAX_MINOR, SESSION_TIME_LIMIT_MAX_MINUTES
from reelhouse.services import freerounds, launch, operators, players, rg_audit, session_rules
from reelhouse.store.models import FreeRoundGrant, GameSession, OperatorEvent, Round, WalletCall
from reelhouse.store.secrets import token_hash
from tests.inprocess_app import GAME, OPERATOR, App, inprocess_app

PLAYER = "rita"
STEP_MINOR = 5  # lucky-sevens' bet step


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[App]:
    with inprocess_app(database_url, tmp_path) as running:
        yield running


def _operator_id(app: App) -> int:
    with app.platform.db.transaction() as session:
        return operators.find_by_name(session, OPERATOR).id


def _open_account(app: App, currency: str) -> None:
    """The operator plays in `currency`, and the player has money at the casino."""
    with app.platform.db.transaction() as session:
        operators.find_by_name(session, OPERATOR).currency = currency
    app.casino.create_player(PLAYER, currency, "1000.00")


def _launch(app: App, **choice: Any) -> tuple[str, dict[str, Any]]:
    """A real-money session through /v4/game/game-url with `choice`: its token, or the
    refusal's envelope when the launch is refused."""
    user_code = players.create_or_get(app.platform, _operator_id(app), PLAYER).user_code
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME} | choice
    answer = app.post("/v4/game/game-url", json.dumps(body).encode(), app.api_token).json()
    if answer["code"] != 0:
        return "", answer
    return launch.open_launch(app.platform, answer["data"]["game_url"].rsplit("/", 1)[1]), answer


def _spin(app: App, token: str, bet_minor: int, free_round_id: int | None = None) -> dict[str, Any]:
    body = json.dumps(
        {"bet": f"{Decimal(bet_minor) / 100:.2f}"}
        | ({} if free_round_id is None else {"free_round_id": free_round_id})
    ).encode()
    answer: dict[str, Any] = app.post("/api/game/spin", body, token).json()
    return answer


def _get(app: App, token: str, path: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    answer: dict[str, Any] = app._run(app.client.get(path, headers=headers)).json()
    return answer


def _answer(app: App, token: str, choice: str) -> dict[str, Any]:
    body = json.dumps({"answer": choice}).encode()
    answer: dict[str, Any] = app.post("/api/game/reality-check", body, token).json()
    return answer


def _session(app: App, token: str) -> GameSession:
    app.row_counts()  # writes the wins acknowledged but not yet recorded
    with app.platform.db.transaction() as session:
        found = session.scalar(
            select(GameSession).where(GameSession.token_hash == token_hash(token))
        )
        assert found is not None
        session.expunge(found)
        return found


def _rounds_and_calls(app: App) -> tuple[int, int]:
    with app.platform.db.transaction() as session:
        rounds = session.scalar(select(func.count()).select_from(Round)) or 0
        calls = session.scalar(select(func.count()).select_from(WalletCall)) or 0
    return rounds, calls


def _refused(
    app: App,
    token: str,
    bet_minor: int,
    code: ApiCode,
    *,
    marks_limit: bool = False,
    free_round_id: int | None = None,
) -> None:
    """Refused with `code`, before anything was written or sent (the audit row aside; the
    first refusal at a limit also marks it reached, with its event)."""
    before = app.row_counts()
    played = _rounds_and_calls(app)
    money = app.casino.player(PLAYER)["balance"]
    answer = _spin(app, token, bet_minor, free_round_id)
    assert answer["code"] == code, answer
    assert app.row_counts() == before or marks_limit
    assert _rounds_and_calls(app) == played
    assert app.casino.player(PLAYER)["balance"] == money


def _audit(app: App) -> list[dict[str, Any]]:
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return list(rg_audit.entries(app.platform, _operator_id(app), start, start.replace(year=2027)))


def _event_kinds(app: App) -> list[str]:
    with app.platform.db.transaction() as session:
        return [
            row.kind
            for row in session.scalars(select(OperatorEvent).order_by(OperatorEvent.sequence))
            if row.kind.startswith("session.")
        ]


def test_a_reality_check_stops_play_until_answered_and_stop_ends_the_session(app: App) -> None:
    _open_account(app, "GBP")
    # The UK has the player set the interval: the operator sends the player's 60 minutes.
    token, _ = _launch(app, jurisdiction="uk", reality_check_minutes=60)
    assert _spin(app, token, 100)["code"] == 0
    state = _get(app, token, "/api/game/state")["data"]["session_limits"]
    assert state["reality_check_due_in_seconds"] == 3600 and not state["reality_check_pending"]
    assert _get(app, token, "/api/game/reality-check")["data"]["pending"] is False
    assert _answer(app, token, "continue")["code"] == ApiCode.REALITY_CHECK_NOT_PENDING

    app.platform.clock.advance(minutes=60)  # type: ignore[attr-defined]
    _refused(app, token, 100, ApiCode.REALITY_CHECK_PENDING)
    shown = _get(app, token, "/api/game/reality-check")["data"]
    played = _session(app, token)
    assert shown["pending"] is True and shown["rounds_played"] == 1
    assert shown["elapsed_seconds"] == 3600
    assert Decimal(shown["net_position"]) * 100 == played.win_minor - played.spend_minor
    assert shown["history_url"].startswith(app.platform.settings.public_base_url + "/round/")
    _get(app, token, "/api/game/reality-check")  # shown once per check, however often read
    assert _answer(app, token, "continue")["data"]["pending"] is False
    assert _spin(app, token, 100)["code"] == 0  # play resumes; the next check in an hour

    app.platform.clock.advance(minutes=59)  # type: ignore[attr-defined]
    assert _spin(app, token, 100)["code"] == 0
    app.platform.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert _spin(app, token, 100)["code"] == ApiCode.REALITY_CHECK_PENDING
    ended = _answer(app, token, "stop")["data"]
    assert ended["ended"] is True and ended["rounds_played"] == 3
    # Stopped: the session is over; no spin, no check, no state.
    assert _spin(app, token, 100)["code"] == ApiCode.SESSION_EXPIRED
    assert _answer(app, token, "continue")["code"] == ApiCode.SESSION_EXPIRED

    rows = _audit(app)
    assert [(row["kind"], row["code"]) for row in rows] == [
        ("refusal", 3016),
        ("reality_check.shown", None),
        ("reality_check.continue", None),
        ("refusal", 3016),
        ("reality_check.stop", None),
    ]
    assert {row["session_id"] for row in rows} == {played.id}
    net_minor = played.win_minor - played.spend_minor
    assert rows[2]["detail"] == {
        "elapsed_seconds": 3600,
        "net_minor": net_minor,
        "rounds_played": 1,
    }
    assert rows[1]["round_id"] is not None and rows[0]["round_id"] is None
    assert _event_kinds(app) == ["session.reality_check"] * 3
    # Each names the currency its net_minor is in: the session's.
    with app.platform.db.transaction() as session:
        checks = session.scalars(
            select(OperatorEvent).where(OperatorEvent.kind == "session.reality_check")
        ).all()
        sent = [json.loads(row.payload_json) for row in checks]
    assert [data["currency"] for data in sent] == ["GBP"] * 3
    assert sent[1]["net_minor"] == net_minor


def _grant(app: App, bet_minor: int) -> int:
    """A grant of free rounds of the test's game to the player, at `bet_minor`."""
    operator_id = _operator_id(app)
    user_code = players.create_or_get(app.platform, operator_id, PLAYER).user_code
    request = freerounds.GrantRequest(
        user_code=user_code,
        provider_id=1,
        game_code=GAME,
        bet_minor=bet_minor,
        rounds=3,
        expires_at=app.platform.clock.now() + dt.timedelta(days=1),
    )
    return freerounds.grant(app.platform, operator_id, request).fr_id


def _rounds_used(app: App, fr_id: int) -> int:
    with app.platform.db.transaction() as session:
        used = session.scalar(select(FreeRoundGrant.rounds_used).where(FreeRoundGrant.id == fr_id))
    return int(used or 0)


def test_germany_holds_a_compulsory_break_after_the_reality_check(app: App) -> None:
    _open_account(app, "EUR")
    token, _ = _launch(app, jurisdiction="de")  # a check every 60 minutes, then 5 minutes off
    fr_id = _grant(app, 100)
    assert _spin(app, token, 100)["code"] == 0
    state = _get(app, token, "/api/game/state")["data"]
    assert state["jurisdiction"]["break_after_reality_check_minutes"] == 5
    assert state["session_limits"]["break_ends_in_seconds"] is None  # no check answered yet

    app.platform.clock.advance(minutes=60)  # type: ignore[attr-defined]
    _refused(app, token, 100, ApiCode.REALITY_CHECK_PENDING)
    shown = _get(app, token, "/api/game/reality-check")["data"]
    assert (shown["break_minutes"], shown["break_ends_in_seconds"]) == (5, None)
    answered = _answer(app, token, "continue")["data"]
    assert answered["pending"] is False and answered["break_ends_in_seconds"] == 5 * 60
    # The next check is a whole interval of play after the break, not after the answer.
    assert answered["due_in_seconds"] == (5 + 60) * 60

    # Through the game API, as a client that ignores the break would: every spin is refused,
    # free rounds too, before anything is written or sent (its audit row aside).
    _refused(app, token, 100, ApiCode.COMPULSORY_BREAK)
    _refused(app, token, 100, ApiCode.COMPULSORY_BREAK, free_round_id=fr_id)
    assert _rounds_used(app, fr_id) == 0
    app.platform.clock.advance(seconds=299.5)  # type: ignore[attr-defined]
    limits = _get(app, token, "/api/game/state")["data"]["session_limits"]
    assert limits["break_ends_in_seconds"] == 1  # rounded up: 0 would say it is over
    assert limits["reality_check_due_in_seconds"] == 60 * 60 + 1
    _refused(app, token, 100, ApiCode.COMPULSORY_BREAK)
    # At the break's end exactly, play resumes (the free round first, then a staked spin
    # once Germany's five seconds between round starts have passed).
    app.platform.clock.advance(seconds=0.5)  # type: ignore[attr-defined]
    assert (
        _get(app, token, "/api/game/state")["data"]["session_limits"]["break_ends_in_seconds"]
        is None
    )
    assert _spin(app, token, 100, fr_id)["code"] == 0
    assert _rounds_used(app, fr_id) == 1
    app.platform.clock.advance(seconds=5)  # type: ignore[attr-defined]
    assert _spin(app, token, 100)["code"] == 0
    # The next check comes 60 minutes after the break's end: not 60 after the answer.
    app.platform.clock.advance(minutes=59, seconds=50)  # type: ignore[attr-defined]
    assert _spin(app, token, 100)["code"] == 0
    app.platform.clock.advance(seconds=5)  # type: ignore[attr-defined]
    _refused(app, token, 100, ApiCode.REALITY_CHECK_PENDING)

    rows = _audit(app)
    assert [(row["kind"], row["code"]) for row in rows] == [
        ("refusal", 3016),
        ("reality_check.shown", None),
        ("reality_check.continue", None),
        ("refusal", 3024),  # one row for each refused spin
        ("refusal", 3024),
        ("refusal", 3024),
        ("refusal", 3016),
    ]
    assert [row["detail"]["stake_minor"] for row in rows[3:6]] == [100, 0, 100]
    assert rows[3]["detail"]["message"] == "a compulsory break after the reality check is running"


def test_a_profile_without_a_break_plays_on_at_once_after_continue(app: App) -> None:
    _open_account(app, "GBP")
    token, _ = _launch(app, jurisdiction="uk", reality_check_minutes=60)
    assert PROFILES["uk"].break_after_reality_check_minutes is None
    app.platform.clock.advance(minutes=60)  # type: ignore[attr-defined]
    answered = _answer(app, token, "continue")["data"]
    assert (answered["break_minutes"], answered["break_ends_in_seconds"]) == (None, None)
    assert answered["due_in_seconds"] == 60 * 60
    assert _spin(app, token, 100)["code"] == 0
    state = _get(app, token, "/api/game/state")["data"]
    assert state["session_limits"]["break_ends_in_seconds"] is None
    assert state["jurisdiction"]["break_after_reality_check_minutes"] is None
    assert [row["kind"] for row in _audit(app)] == ["reality_check.continue"]


def test_the_session_checks_run_in_their_documented_order() -> None:
    """Time limit (3017), pending reality check (3016), compulsory break (3024), loss limit
    (3018): each refuses only once those before it let the spin through."""
    start = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    rules = PROFILES["de"]
    game_session = GameSession(
        started_at_utc=to_naive_utc(start),
        reality_check_answered_at_utc=to_naive_utc(start + dt.timedelta(minutes=60)),
        time_limit_minutes=61,
        loss_limit_minor=50,
        win_minor=0,
        spend_minor=0,
        demo_balance_minor=None,
    )

    def refusal(at: dt.datetime, stake_minor: int = 100) -> int | None:
        try:
            session_rules.check_spin(game_session, rules, stake_minor, 100, at)
        except ReelhouseError as refused:
            return int(refused.code)
        return None

    in_break = start + dt.timedelta(minutes=60, seconds=30)
    assert refusal(in_break + dt.timedelta(minutes=1)) == ApiCode.SESSION_TIME_LIMIT
    assert refusal(in_break) == ApiCode.COMPULSORY_BREAK  # not the loss limit's 3018
    assert refusal(in_break, stake_minor=0) == ApiCode.COMPULSORY_BREAK  # a free round
    after_break = start + dt.timedelta(minutes=65)
    game_session.time_limit_minutes = None
    assert refusal(after_break) == ApiCode.SESSION_LOSS_LIMIT
    assert refusal(after_break, stake_minor=50) is None
    # The next check: an interval after the break's end, not after the answer.
    assert refusal(after_break + dt.timedelta(minutes=59), stake_minor=50) is None
    assert refusal(after_break + dt.timedelta(minutes=60)) == ApiCode.REALITY_CHECK_PENDING


def test_session_limits_refuse_the_spin_that_would_pass_them(app: App) -> None:
    _open_account(app, "USD")
    for bad in (
        {"time_limit_minutes": 0},
        {"time_limit_minutes": SESSION_TIME_LIMIT_MAX_MINUTES + 1},
        {"loss_limit_minor": SESSION_LOSS_LIMIT_MAX_MINOR + 1},
        {"loss_limit_minor": "5.00"},
    ):
        assert _launch(app, **bad)[1]["code"] == ApiCode.VALIDATION_ERROR, bad
    token, _ = _launch(app, time_limit_minutes=30, loss_limit_minor=300)
    assert _spin(app, token, 100)["code"] == 0
    left_minor = 300 + _session(app, token).win_minor - _session(app, token).spend_minor
    limits = _get(app, token, "/api/game/state")["data"]["session_limits"]
    assert Decimal(limits["loss_left"]) * 100 == left_minor
    assert limits["time_left_seconds"] == 30 * 60 and limits["limit_reached"] is None

    # A stake that could take the loss past the limit is refused, whatever it might win.
    over = (left_minor // STEP_MINOR + 1) * STEP_MINOR
    _refused(app, token, over, ApiCode.SESSION_LOSS_LIMIT, marks_limit=True)
    assert _session(app, token).limit_reached == "loss"
    _refused(app, token, over, ApiCode.SESSION_LOSS_LIMIT)  # the limit is marked once
    # A stake that fits in what is left is played: the limit is reached, never passed.
    fits = left_minor // STEP_MINOR * STEP_MINOR
    assert _spin(app, token, fits)["code"] == 0
    assert _session(app, token).spend_minor - _session(app, token).win_minor <= 300

    app.platform.clock.advance(minutes=30)  # type: ignore[attr-defined]
    _refused(app, token, STEP_MINOR * 2, ApiCode.SESSION_TIME_LIMIT)
    rows = _audit(app)
    assert [(row["kind"], row["code"]) for row in rows] == [
        ("refusal", 3018),
        ("limit.reached", None),
        ("refusal", 3018),
        ("refusal", 3017),
    ]
    assert rows[0]["detail"]["stake_minor"] == over
    assert _event_kinds(app) == ["session.limit_reached"]

    # The export holds the same rows, as CSV and as JSON lines.
    out = io.StringIO()
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    found = rg_audit.entries(app.platform, _operator_id(app), start, start.replace(year=2027))
    assert rg_audit.write_export(found, out, "csv") == 4
    lines = out.getvalue().splitlines()
    assert lines[0] == ",".join(rg_audit.COLUMNS) and ",refusal,3018," in lines[1]
    # ... and so does the Main API's read, a page at a time.
    window = {"start_time": "2026-01-01 00:00:00", "end_time": "2027-01-01 00:00:00"}
    page = app.post("/v4/rg/audit", json.dumps(window | {"limit": 3}).encode(), app.api_token)
    first = page.json()["data"]["entries"]
    after = {"after_id": first[-1]["id"], "limit": 3}
    page = app.post("/v4/rg/audit", json.dumps(window | after).encode(), app.api_token)
    assert first + page.json()["data"]["entries"] == rows


SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
def test_the_command_line_exports_an_operators_audit(
    app: App,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _open_account(app, "GBP")
    token, _ = _launch(app, jurisdiction="uk")
    _refused(app, token, 600, ApiCode.JURISDICTION_STAKE_ABOVE_MAX)
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REELHOUSE_DATABASE_URL", database_url)
    monkeypatch.setenv("REELHOUSE_SECRET_KEY", app.platform.settings.secret_key)

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as ended:
            cli_app(["audit", "export", "--operator", OPERATOR, *args], prog_name="reelhouse")
        out, err = capsys.readouterr()
        return (ended.value.code if isinstance(ended.value.code, int) else 1), out, err

    status, out, _ = run("--since", "2026-01-01", "--until", "2027-01-01", "--format", "jsonl")
    assert status == 0
    (row,) = [json.loads(line) for line in out.splitlines()]
    assert row["kind"] == "refusal" and row["code"] == 3011 and row["jurisdiction"] == "uk"
    status, out, _ = run("--since", "2030-01-01", "--until", "2030-02-01")
    assert (status, out) == (0, ",".join(rg_audit.COLUMNS) + "\n")
    status, _, err = run("--since", "2026-01-01", "--until", "2028-01-01")
    assert status == 2 and "1012" in err
