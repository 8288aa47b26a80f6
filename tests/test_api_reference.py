"""The API reference: the OpenAPI document describes every operator-facing answer (typed
success envelope, the refusals each operation may give), its examples hold, docs/api.md
lists the same codes, the interactive page is served from the package, and a client
generated from the document alone plays a round against a running stack, every answer
checked against the documented schema."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest

from reelhouse.api import reference_page
from reelhouse.api.answer_docs import COMMON, REFUSALS_KEY
from reelhouse.api.app import create_app
from reelhouse.api.igamingace_a import PUBLISHED_NAMES
from reelhouse.dialects.igamingace_b import sign_fields
from reelhouse.domain.clock import format_api_time
from reelhouse.domain.errors import ApiCode
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from tests.harness import GAME, running_stack
from tests.openapi_client import GeneratedClient, SchemaChecker, pointer, strict

DOCS = Path(__file__).resolve().parent.parent / "docs" / "api.md"
OPERATOR_TAGS = {"Main API v4", "iGamingAce A facade", "iGamingAce B facade"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The document as the app builds it; no database is needed for that."""
    settings = Settings(
        database_url="sqlite://",
        secret_key="",
        public_base_url="http://127.0.0.1",
        allow_private_callbacks=False,
    )
    app = create_app(cast(Platform, SimpleNamespace(settings=settings)))
    return app.openapi()


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _examples(node: Any, at: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """(where the schema is, the example) for every example in the document: a schema's
    `examples`, and a media type's `example` (checked against the media type's schema)."""
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list) and at[-2:-1] != ("properties",):
            for example in node["examples"]:
                yield pointer(*at), example
        if "example" in node and "schema" in node:
            yield pointer(*at, "schema"), node["example"]
        for key, value in node.items():
            yield from _examples(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _examples(value, (*at, str(index)))


def test_every_example_in_the_document_validates_against_its_schema(
    document: dict[str, Any],
) -> None:
    checker = SchemaChecker(document)
    examples = list(_examples(document))
    failures = [(where, checker.errors(where, value)) for where, value in examples]
    assert [f for f in failures if f[1]] == []
    # Every body and every success answer of an operation has one.
    assert len(examples) > 60


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_in_the_document_resolves(document: dict[str, Any]) -> None:
    """Within the document itself (request bodies' nested models were moved into it)."""
    schemas = document["components"]["schemas"]
    refs = set(_refs(document))
    assert refs and all(ref.startswith("#/components/schemas/") for ref in refs), refs
    assert {ref.rsplit("/", 1)[1] for ref in refs} <= set(schemas)


def test_every_operator_facing_operation_is_typed_authorized_and_lists_its_codes(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    for path, method, operation in _operations(document):
        if not OPERATOR_TAGS & set(operation["tags"]):
            continue
        assert operation["security"] == [{"apiToken": []}], path
        answer = operation["responses"]["200"]
        assert set(operation["responses"]) == {"200"}, path  # never FastAPI's 422
        schema = answer["content"]["application/json"]["schema"]
        hint = "document its answers: responses=v4_answers(Model, *codes), api/answer_docs.py"
        assert "anyOf" in schema, f"{path}: {hint}"
        success, refusal = schema["anyOf"]
        model = schemas[success["$ref"].rsplit("/", 1)[1]]
        assert model["examples"], path
        codes = answer[REFUSALS_KEY]["codes"]
        assert refusal["allOf"][1]["properties"], path
        for code in codes:
            assert f"| {code} |" in answer["description"] or path.startswith("/v1/"), path
        if method == "post":
            assert "example" in operation["requestBody"]["content"]["application/json"], path
    assert document["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_an_answer_the_document_does_not_describe_fails_its_check(
    document: dict[str, Any],
) -> None:
    """The checks the generated client makes have teeth: a code the operation does not list,
    a field of the wrong type, and (strictly) a field nobody documented all fail."""
    where = pointer(
        "paths",
        "/v4/user/info",
        "post",
        "responses",
        "200",
        "content",
        "application/json",
        "schema",
    )
    loose, strict_checker = SchemaChecker(document), SchemaChecker(strict(document))
    good = {"code": 0, "message": None, "data": {"name": "p", "balance": 1, "balance_known": True}}
    assert loose.errors(where, good) == [] and strict_checker.errors(where, good) == []
    assert loose.errors(where, {"code": 2002, "message": "no such user_code", "data": None}) == []
    assert loose.errors(where, {"code": 2013, "message": "not this one's", "data": None})
    assert loose.errors(where, good | {"data": good["data"] | {"balance": "1.00"}})
    extra = good | {"data": good["data"] | {"secret": 1}}
    assert loose.errors(where, extra) == [] and strict_checker.errors(where, extra)


def _table_rows() -> dict[str, str]:
    """Every endpoint row of docs/api.md's tables: the endpoint (`/v4/...`, `POST /v1/...`)
    -> the row's last cell (its codes)."""
    rows = {}
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        # Endpoint tables have four columns: endpoint, request, answer, codes.
        if line.startswith("| `") and len(cells) == 4:
            rows[cells[0].split("`")[1].split("?")[0]] = cells[-1]
    return rows


def test_docs_list_the_same_codes_as_the_document(document: dict[str, Any]) -> None:
    """Each endpoint's own codes (beside the checks every call passes) are those docs/api.md
    lists in its row; every listed code is in its code table."""
    rows = _table_rows()
    names = {PUBLISHED_NAMES.get(code, code.name): int(code) for code in ApiCode}
    common = {int(code) for code in COMMON}
    code_table = DOCS.read_text(encoding="utf-8").split("## Codes", 1)[1]
    checked = 0
    for path, method, operation in _operations(document):
        refusals = operation["responses"]["200"].get(REFUSALS_KEY)
        if refusals is None or refusals["envelope"] == "igamingace-b":
            continue
        own = set(refusals["codes"]) - common
        if path.startswith("/v4/"):
            listed = {int(c) for c in re.findall(r"\b(?:[1-3]\d{3}|1)\b", rows[path])} - common
        elif path.startswith("/v1/"):
            row = rows[f"{method.upper()} {path}"]
            listed = {names[name] for name in re.findall(r"`([A-Z_]+)`", row)} - common
        else:
            continue  # the game API: its codes are in prose, and in the code table
        assert listed == own, f"{path}: docs/api.md lists {listed}, the document {own}"
        for code in refusals["codes"]:
            assert f"\n| {code} |" in code_table, code
        checked += 1
    assert checked >= 22


def _get_all(app: Any, urls: list[str]) -> list[httpx.Response]:
    async def fetch() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return [await client.get(url) for url in urls]

    return asyncio.run(fetch())


def test_the_reference_page_and_its_assets_are_served_from_the_package() -> None:
    settings = Settings(
        database_url="sqlite://",
        secret_key="",
        public_base_url="http://127.0.0.1",
        allow_private_callbacks=False,
    )
    app = create_app(cast(Platform, SimpleNamespace(settings=settings)))
    [page] = _get_all(app, ["/docs"])
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    # Nothing on the page names another host: every file is this server's.
    assert re.findall(r"https?://", page.text) == []
    assets = re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', page.text)
    assert len(assets) == 3
    for url, answer in zip(assets, _get_all(app, assets), strict=True):
        assert answer.status_code == 200 and len(answer.content) > 100, url
        assert "immutable" in answer.headers["cache-control"]
    version = reference_page.assets_version()
    refused = ["/docs/assets/0/reference.js", f"/docs/assets/{version}/x.js", "/redoc"]
    assert [answer.status_code for answer in _get_all(app, refused)] == [404, 404, 404]


# --- a generated client plays a round -------------------------------------------------------

PLAYER = "apiref_player"


def test_a_client_generated_from_the_document_plays_a_round(
    database_url: str, tmp_path: Path
) -> None:
    with running_stack(database_url, tmp_path) as stack:
        document = httpx.get(f"{stack.reelhouse.url}/openapi.json").json()
        casino = httpx.post(
            f"{stack.casino.url}/api/players",
            json={"account": PLAYER, "currency": "USD", "balance": "100.00"},
        )
        assert casino.status_code in (200, 201)
        api = GeneratedClient(
            stack.reelhouse.url, document, tokens={"apiToken": stack.api_token}, strict_answers=True
        )
        try:
            _play_a_round(stack, api, document)
        finally:
            api.close()


def _ok(answer: Any) -> Any:
    assert answer.body.get("code", 0) == 0 and answer.body.get("success", True), answer.body
    return answer.body.get("data", answer.body)


def _play_a_round(stack: Any, api: GeneratedClient, document: dict[str, Any]) -> None:
    user_code = _ok(api.v4_user_create({"name": PLAYER}))["user_code"]
    game_url = _ok(
        api.v4_game_game_url(
            {"user_code": user_code, "provider_id": 1, "game_symbol": GAME, "lang": "en"}
        )
    )["game_url"]
    # The launch URL is the browser's, not an API operation: opened as a player would.
    opened = httpx.get(game_url, follow_redirects=True)
    session_token = opened.url.path.rsplit("/", 1)[1]
    player = GeneratedClient(
        stack.reelhouse.url, document, tokens={"sessionToken": session_token}, strict_answers=True
    )
    try:
        assert _ok(player.api_game_state())["player"] == PLAYER
        spin = _ok(player.api_game_spin({"bet": "1.00"}))
    finally:
        player.close()
    round_id = str(spin["round_id"])
    details = _ok(
        api.v4_game_round_details(
            {"user_code": user_code, "round_id": round_id, "provider_id": 1, "game_code": GAME}
        )
    )
    assert httpx.get(details["url"]).status_code == 200

    # The other operations' answers, each checked against its documented schema on the way.
    assert _ok(api.v4_agent_info())["currency_code"] == "USD"
    assert _ok(api.v4_user_info({"user_code": user_code}))["name"] == PLAYER
    assert _ok(api.v4_game_providers())[0]["provider_id"] == 1
    assert _ok(api.v4_game_games({"provider_id": 1}))
    assert _ok(api.v4_game_all({}))
    assert _ok(api.v4_game_online_games({}))
    stack.clock.advance(seconds=30)  # past the cursor feed's settling time
    now = stack.clock.now()
    window = {
        "start_time": format_api_time(now - dt.timedelta(minutes=30)),
        "end_time": format_api_time(now + dt.timedelta(minutes=30)),
        "limit": 10,
    }
    rows = _ok(api.v4_game_transaction(window))["list"]
    assert {row["round_id"] for row in rows} == {round_id}
    assert len(_ok(api.v4_game_transaction_id({"last_id": 0, "limit": 10}))) == len(rows)
    assert _ok(api.v4_statistics_user(window))["count"] == 1
    today = now.date().isoformat()
    days = {"start_date": today, "end_date": today}
    assert _ok(api.v4_statistics_day(days))["list"][0]["rounds"] == 1
    assert _ok(api.v4_statistics_game(days))["list"][0]["game_code"] == GAME
    assert api.v4_statistics_day(days, format="csv").media_type == "text/csv"
    expires_ms = int((now + dt.timedelta(days=1)).timestamp() * 1000)
    grant = _ok(
        api.v4_game_freeround_start(
            {
                "user_code": user_code,
                "provider_id": 1,
                "game_code": GAME,
                "bet": "1.00",
                "rounds": 10,
                "expirationDate": expires_ms,
            }
        )
    )
    assert _ok(api.v4_game_freeround_cancel({"fr_id": grant["fr_id"]})) == {}
    assert _ok(api.v4_agent_callback_test({}))["reachable"] is True
    assert _ok(api.v4_agent_rtp({"rtp": 96}))["rtp"] == 96
    # iGamingAce A, on the same account and token.
    assert _ok(api.v1_player_link({"playerId": PLAYER}))["playerCode"] == str(user_code)
    assert _ok(api.v1_provider_list())[0]["providerId"] == 1
    game = next(g for g in _ok(api.v1_game_list()) if g["gameCode"] == GAME)
    assert _ok(api.v1_game_launch({"playerId": PLAYER, "providerId": 1, "gameId": game["gameId"]}))

    # Refusals are documented answers too: each is checked against the operation's refusal
    # schema, its code among those listed.
    assert api.v4_user_info({"user_code": user_code + 1000}).body["code"] == ApiCode.USER_NOT_FOUND
    assert api.v4_game_games({"provider_id": 999}).body["code"] == ApiCode.PROVIDER_NOT_FOUND
    refused = api.v1_bonus_call_cancel({"playerId": PLAYER, "issueId": "nothing-here"}).body
    assert refused["message"] == "FREEROUND_NO_EXIST"
    assert api.gameList({"agentID": "casino_one", "sign": "00"}).body["code"] == 4
    # iGamingAce B, on an account of that flavour: a signed call.
    b_agent = operators.create_operator(
        stack.platform,
        operators.NewOperator(
            name="casino_b",
            currency="USD",
            callback_url=f"{stack.casino.url}/b",
            dialect="igamingace-b",
        ),
    )
    assert b_agent.secret_key is not None
    b_api = GeneratedClient(
        stack.reelhouse.url, document, tokens={"apiToken": b_agent.api_token}, strict_answers=True
    )
    try:
        sign = sign_fields(b_agent.secret_key, "gameList", {"agentID": "casino_b"})
        assert _ok(b_api.gameList({"agentID": "casino_b", "sign": sign}))["games"]
    finally:
        b_api.close()
    anonymous = GeneratedClient(
        stack.reelhouse.url, document, tokens={"apiToken": ""}, strict_answers=True
    )
    try:
        assert anonymous.v4_agent_info().body["code"] == ApiCode.TOKEN_NOT_FOUND
    finally:
        anonymous.close()
