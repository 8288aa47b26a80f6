"""Session tokens and logs (hardening item 12): no bearer secret reaches a log line, and a
game session ends at its maximum age however active it is."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from reelhouse.api.logging_setup import JsonFormatter, redact
from reelhouse.domain.clock import to_naive_utc
from reelhouse.domain.limits import GAME_SESSION_MAX_SECONDS
from reelhouse.store.models import GameSession, Round
from tests.harness import GAME, Stack, count


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def access_log() -> Iterator[Capture]:
    """The access log as `reelhouse serve` writes it (api/access_log.py; tests' servers run
    quieter)."""
    logger = logging.getLogger("reelhouse.access")
    level = logger.level
    capture = Capture()
    logger.addHandler(capture)
    logger.setLevel(logging.INFO)
    yield capture
    logger.removeHandler(capture)
    logger.setLevel(level)


def launch_url(stack: Stack, name: str = "alice") -> str:
    user_code = stack.bots().fund_player(name, "USD", "100.00")
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
    url: str = stack.call("/v4/game/game-url", body)["data"]["game_url"]
    return url


def game_api(stack: Stack, token: str, path: str, body: object = None) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{stack.reelhouse.url}/api/game/{path}"
    answer = (
        httpx.post(url, json=body, headers=headers) if body else httpx.get(url, headers=headers)
    )
    assert answer.status_code == 200, answer.text
    envelope: dict[str, object] = answer.json()
    return envelope


def test_no_token_reaches_the_access_log(sqlite_stack: Stack, access_log: Capture) -> None:
    stack = sqlite_stack
    launch = launch_url(stack)
    launch_token = launch.rsplit("/", 1)[1]
    page = httpx.get(launch, follow_redirects=True)
    assert page.status_code == 200
    session_token = page.url.path.rsplit("/", 1)[1]
    assert game_api(stack, session_token, "spin", {"bet": "1.00"})["code"] == 0
    with stack.platform.db.transaction() as session:
        round_id = session.query(Round.id).scalar()
    link = stack.call(
        "/v4/game/round-details",
        {
            "user_code": stack.bots().fund_player("alice", "USD", "0"),
            "round_id": round_id,
            "provider_id": 1,
            "game_code": GAME,
        },
    )["data"]["url"]
    assert httpx.get(link).status_code == 200
    link_token = link.rsplit("/", 1)[1]
    query_secret = "s3cr3t-in-a-query-string"
    httpx.get(f"{stack.reelhouse.url}/backoffice/login?next=/&session_token={query_secret}")

    logged = "\n".join(access_log.lines)
    for path in ("/play/", "/play/s/", f"/round/{round_id}/", "/api/game/spin", "/backoffice/"):
        assert path in logged  # the requests were logged...
    for secret in (launch_token, session_token, link_token, query_secret):
        assert secret not in logged  # ...without a secret to copy
        assert redact(f"/play/s/{secret}") != f"/play/s/{secret}"
    # A line still names its session (a tag), so one session can be followed through them.
    assert redact(f"/play/s/{session_token}") in logged


def test_our_json_lines_are_redacted_too() -> None:
    record = logging.LogRecord(
        "reelhouse.api", logging.INFO, __file__, 1, "GET %s", ("/play/s/abcdefSECRET",), None
    )
    record.url = "https://casino.example/cb?token=abcSECRET&x=1"
    line = json.loads(JsonFormatter().format(record))
    assert "SECRET" not in io.StringIO(json.dumps(line)).read()
    assert line["message"].startswith("GET /play/s/~")
    assert line["url"].endswith("&x=1") and "token=~" in line["url"]
    assert redact(redact("/play/abc")) == redact("/play/abc")  # a tag is never re-tagged


def keep_active(stack: Stack) -> None:
    """As if the player had just played: the session is never idle."""
    with stack.platform.db.transaction() as session:
        for game_session in session.scalars(select(GameSession)):
            game_session.last_activity_at_utc = to_naive_utc(stack.clock.now())


def test_a_session_ends_at_its_maximum_age_however_active(stack: Stack) -> None:
    page = httpx.get(launch_url(stack), follow_redirects=True)
    token = page.url.path.rsplit("/", 1)[1]
    stack.clock.advance(seconds=GAME_SESSION_MAX_SECONDS)
    keep_active(stack)
    assert game_api(stack, token, "state")["code"] == 0  # exactly the maximum age
    stack.clock.advance(seconds=1)
    keep_active(stack)
    rounds_before = count(stack, Round)
    refused = game_api(stack, token, "spin", {"bet": "1.00"})
    assert refused["code"] == 3001 and "maximum" in str(refused["message"])
    assert game_api(stack, token, "state")["code"] == 3001
    assert httpx.get(f"{stack.reelhouse.url}/play/s/{token}").status_code == 410
    assert count(stack, Round) == rounds_before  # the refusal changed nothing
