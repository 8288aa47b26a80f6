"""Operator-side clients of the three Main APIs, written from the public contracts alone.

An operator integrated with SlotCity v4 or iGamingAce (flavour A or B) already has such a
client, typed as the providers' public pages type each field (the "Public field types" tables
of both contracts). These clients do what such an operator does: they send every form the
contracts show (integer `lang` codes, ids as text, `round_id` as text, fields Reelhouse has
no use for), and they read every answer STRICTLY with the contract's types, as a Go or C#
client would: a balance that is text, a `round_id` that is a number or a `launch_enable` that
is 1 raises `ContractViolation`.

Nothing here imports Reelhouse: plain httpx, json and hand-written checks. JSON numbers are
parsed as exact Decimals (`parse_float=Decimal`), so "a number" and "text holding a number"
stay different things, and a float never stands in for money.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

INT64_MAX = 2**63 - 1
# The most a JSON integer may be for a JavaScript client to keep every digit.
JS_SAFE_INTEGER_MAX = 2**53 - 1

API_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")

# SlotCity: integer language codes, as the reference publishes them.
SLOTCITY_LANG_CODES = {
    "en": 1,
    "ko": 2,
    "th": 3,
    "es": 4,
    "ja": 5,
    "pt": 6,
    "tr": 7,
    "de": 8,
    "id": 9,
    "ms": 10,
    "zh": 11,
}
SLOTCITY_CATEGORIES = ("Slots", "Live")
SLOTCITY_TRANS_TYPES = (1, 2, 16, 32)  # Bet, Win, BetCancel, BonusCall


class ContractViolation(AssertionError):
    """An answer whose shape or types are not what the public contract shows."""


# --- strict type checks -------------------------------------------------------------------


def _get(doc: Mapping[str, Any], field: str, where: str) -> Any:
    if not isinstance(doc, Mapping):
        raise ContractViolation(f"{where}: expected an object, got {doc!r}")
    if field not in doc:
        raise ContractViolation(f"{where}: `{field}` is missing")
    return doc[field]


def integer(doc: Mapping[str, Any], field: str, where: str) -> int:
    """A JSON integer (not a boolean, not text, not a fraction) within int64."""
    value = _get(doc, field, where)
    if type(value) is not int or not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise ContractViolation(f"{where}: `{field}` must be an int64 number, got {value!r}")
    return value


def number(doc: Mapping[str, Any], field: str, where: str) -> Decimal:
    """A JSON number (integer or fraction); never text, never null."""
    value = _get(doc, field, where)
    if type(value) is int:
        return Decimal(value)
    if type(value) is not Decimal:
        raise ContractViolation(f"{where}: `{field}` must be a JSON number, got {value!r}")
    return value


def string(doc: Mapping[str, Any], field: str, where: str) -> str:
    value = _get(doc, field, where)
    if type(value) is not str:
        raise ContractViolation(f"{where}: `{field}` must be a string, got {value!r}")
    return value


def boolean(doc: Mapping[str, Any], field: str, where: str) -> bool:
    value = _get(doc, field, where)
    if type(value) is not bool:
        raise ContractViolation(f"{where}: `{field}` must be a boolean, got {value!r}")
    return value


def one_of(doc: Mapping[str, Any], field: str, allowed: tuple[Any, ...], where: str) -> Any:
    value = _get(doc, field, where)
    if value not in allowed or type(value) is not type(allowed[0]):
        raise ContractViolation(f"{where}: `{field}` must be one of {allowed}, got {value!r}")
    return value


def object_list(value: Any, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ContractViolation(f"{where}: expected a list of objects, got {value!r}")
    return value


def exact_json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def json_body(body: Any) -> str:
    """JSON text with Decimals written as bare numbers exactly as given (`0.50`)."""

    def encode(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"@number:{value}"
        raise TypeError(type(value).__name__)

    text = json.dumps(body, default=encode)
    return re.sub(r'"@number:(-?[0-9.]+)"', r"\1", text)


# --- SlotCity v4 Main API -----------------------------------------------------------------


def check_slotcity_game(item: Mapping[str, Any], where: str) -> None:
    integer(item, "provider_id", where)
    string(item, "game_code", where)
    string(item, "game_name", where)
    string(item, "locale_name", where)
    string(item, "game_image", where)
    boolean(item, "launch_enable", where)
    one_of(item, "category", SLOTCITY_CATEGORIES, where)
    string(item, "reg_date", where)


def check_slotcity_transaction(item: Mapping[str, Any], where: str) -> None:
    integer(item, "trans_id", where)
    integer(item, "user_code", where)
    round_id = string(item, "round_id", where)
    if not round_id:
        raise ContractViolation(f"{where}: `round_id` is empty")
    one_of(item, "trans_type", SLOTCITY_TRANS_TYPES, where)
    integer(item, "provider_id", where)
    string(item, "provider_name", where)
    string(item, "game_code", where)
    string(item, "game_name", where)
    one_of(item, "category", SLOTCITY_CATEGORIES, where)
    number(item, "prebalance", where)
    number(item, "trans_amount", where)
    number(item, "balance", where)
    if not API_TIME.fullmatch(string(item, "regdate", where)):
        raise ContractViolation(f"{where}: `regdate` is not yyyy-MM-dd HH:mm:ss")


class SlotCityMainApi:
    """`POST /v4/...`, `Authorization: Bearer`, envelope `{"code", "message", "data"}`."""

    def __init__(self, base_url: str, api_token: str) -> None:
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
            timeout=30,
        )

    def close(self) -> None:
        self.http.close()

    def envelope(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        answer = self.http.post(path, content=json_body(body))
        doc = exact_json(answer.text)
        integer(doc, "code", path)
        message = _get(doc, "message", path)
        if message is not None and type(message) is not str:
            raise ContractViolation(f"{path}: `message` must be a string or null")
        _get(doc, "data", path)
        result: dict[str, Any] = doc
        return result

    def data(self, path: str, body: Mapping[str, Any]) -> Any:
        doc = self.envelope(path, body)
        if doc["code"] != 0:
            raise ContractViolation(f"{path}: refused {doc}")
        return doc["data"]

    def agent_info(self) -> Mapping[str, Any]:
        data = self.data("/v4/agent/info", {})
        string(data, "name", "agent/info")
        integer(data, "currency", "agent/info")  # an integer code in the reference
        number(data, "balance", "agent/info")
        number(data, "rtp", "agent/info")
        number(data, "win_ratio", "agent/info")
        result: Mapping[str, Any] = data
        return result

    def user_create(self, name: str) -> int:
        data = self.data("/v4/user/create", {"name": name})
        boolean(data, "is_new_user", "user/create")
        return integer(data, "user_code", "user/create")

    def user_info(self, user_code: int | str) -> Decimal:
        data = self.data("/v4/user/info", {"user_code": user_code})
        string(data, "name", "user/info")
        return number(data, "balance", "user/info")

    def providers(self, lang: int | str | None = None) -> list[Mapping[str, Any]]:
        body = {} if lang is None else {"lang": lang}
        items = object_list(self.data("/v4/game/providers", body), "game/providers")
        for item in items:
            integer(item, "provider_id", "game/providers")
            string(item, "provider_name", "game/providers")
            string(item, "locale_name", "game/providers")
            one_of(item, "status", (1, 2), "game/providers")
        return items

    def games(self, provider_id: int | str, lang: int | str | None = None) -> list[Any]:
        body: dict[str, Any] = {"provider_id": provider_id}
        if lang is not None:
            body["lang"] = lang
        items = object_list(self.data("/v4/game/games", body), "game/games")
        for item in items:
            check_slotcity_game(item, "game/games")
        return items

    def all_games(self, lang: int | str | None = None) -> list[Any]:
        body = {} if lang is None else {"lang": lang}
        items = object_list(self.data("/v4/game/all", body), "game/all")
        for item in items:
            check_slotcity_game(item, "game/all")
        return items

    def game_url(self, **body: Any) -> str:
        """`user_code, provider_id, game_symbol, lang, return_url?, rtp?/win_ratio?` and
        whatever else the caller's integration sends (`is_finish_jackpot`...)."""
        return string(self.data("/v4/game/game-url", body), "game_url", "game/game-url")

    def transactions(
        self, start_time: str, end_time: str, offset: int, limit: int
    ) -> list[Mapping[str, Any]]:
        body = {"start_time": start_time, "end_time": end_time, "offset": offset, "limit": limit}
        data = self.data("/v4/game/transaction", body)
        for field in ("total", "offset", "count"):
            integer(data, field, "game/transaction")
        items = object_list(_get(data, "list", "game/transaction"), "game/transaction")
        for item in items:
            check_slotcity_transaction(item, "game/transaction")
        return items

    def transactions_after(self, last_id: int | str, limit: int) -> list[Mapping[str, Any]]:
        data = self.data("/v4/game/transaction-id", {"last_id": last_id, "limit": limit})
        items = object_list(data, "game/transaction-id")
        for item in items:
            check_slotcity_transaction(item, "game/transaction-id")
        return items

    def round_details(self, **body: Any) -> str:
        return string(self.data("/v4/game/round-details", body), "url", "game/round-details")

    def freeround_start(self, **body: Any) -> int:
        return integer(self.data("/v4/game/freeround/start", body), "fr_id", "freeround/start")

    def freeround_cancel(self, fr_id: int | str) -> None:
        self.data("/v4/game/freeround/cancel", {"fr_id": fr_id})


# --- iGamingAce flavour A -----------------------------------------------------------------


class IGamingAceA:
    """`/v1/...`, `Authorization: Bearer`, envelope `{"success", "message", "data"}`."""

    def __init__(self, base_url: str, api_token: str) -> None:
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
            timeout=30,
        )

    def close(self) -> None:
        self.http.close()

    def envelope(self, method: str, path: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        content = None if body is None else json_body(body)
        doc = exact_json(self.http.request(method, path, content=content, **kw).text)
        boolean(doc, "success", path)
        string(doc, "message", path)
        _get(doc, "data", path)
        result: dict[str, Any] = doc
        return result

    def data(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        doc = self.envelope(method, path, body, **kw)
        if doc["success"] is not True:
            raise ContractViolation(f"{path}: refused {doc}")
        return doc["data"]

    def link(self, player_id: str) -> Mapping[str, Any]:
        data = self.data("POST", "/v1/player/link", {"playerId": player_id})
        string(data, "playerId", "player/link")
        result: Mapping[str, Any] = data
        return result

    def providers(self) -> list[Mapping[str, Any]]:
        items = object_list(self.data("GET", "/v1/provider/list"), "provider/list")
        for item in items:
            integer(item, "providerId", "provider/list")
            string(item, "name", "provider/list")
            integer(item, "status", "provider/list")
        return items

    def games(self, provider_id: int) -> list[Mapping[str, Any]]:
        data = self.data("GET", "/v1/game/list", params={"providerId": provider_id})
        items = object_list(data, "game/list")
        for item in items:
            integer(item, "gameId", "game/list")  # a number, as the contract types it
            integer(item, "providerId", "game/list")
            string(item, "name", "game/list")
        return items

    def launch(self, **body: Any) -> str:
        url = self.data("POST", "/v1/game/launch", body)
        if type(url) is not str:
            raise ContractViolation(f"game/launch: the URL must be a string, got {url!r}")
        return url

    def bonus_register(self, **body: Any) -> Mapping[str, Any]:
        data = self.data("POST", "/v1/bonus-call/register", body)
        if not isinstance(data, Mapping):
            raise ContractViolation(f"bonus-call/register: expected an object, got {data!r}")
        return data

    def bonus_cancel(self, player_id: str, issue_id: int | str) -> dict[str, Any]:
        """The whole envelope: a cancel's refusal is part of the contract
        (`BONUSCALL_ALEADY_ENDED`, spelled as published)."""
        return self.envelope(
            "POST", "/v1/bonus-call/cancel", {"playerId": player_id, "issueId": issue_id}
        )


# --- iGamingAce flavour B -----------------------------------------------------------------

# The fields each operation signs, in order; their values are concatenated without separator
# and signed with HMAC-SHA256 under the secret key, as uppercase hex.
B_SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "userAuth": ("agentID", "userID", "gameid"),  # the request spells gameID `gameid`
    "gameList": ("agentID",),
    "createfreegame": ("agentID", "userID", "gameID", "freespinID"),
    "cancelfreegame": ("agentID", "userID", "gameID", "freespinID"),
}


def b_sign(secret_key: str, operation: str, body: Mapping[str, Any]) -> str:
    message = "".join(str(body[name]) for name in B_SIGNED_FIELDS[operation])
    return hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest().upper()


class IGamingAceB:
    """`POST /<operation>` with a `sign` in the body; answers `{"code", "message", ...}`,
    HTTP 200 always."""

    def __init__(self, base_url: str, api_token: str, agent_id: str, secret_key: str) -> None:
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {api_token}", "Content-Type": "application/json"},
            timeout=30,
        )
        self.agent_id = agent_id
        self.secret_key = secret_key

    def close(self) -> None:
        self.http.close()

    def post(self, operation: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        body = {"agentID": self.agent_id, **fields}
        body["sign"] = b_sign(self.secret_key, operation, body)
        answer = self.http.post(f"/{operation}", content=json_body(body))
        if answer.status_code != 200:
            raise ContractViolation(f"{operation}: HTTP {answer.status_code}")
        doc = exact_json(answer.text)
        integer(doc, "code", operation)
        string(doc, "message", operation)
        result: dict[str, Any] = doc
        return result

    def ok(self, operation: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        doc = self.post(operation, fields)
        if doc["code"] != 0:
            raise ContractViolation(f"{operation}: refused {doc}")
        return doc

    def user_auth(self, user_id: str | int, game_id: int, **extra: Any) -> str:
        fields = {
            "userID": user_id,
            "isaffiliate": False,
            "lang": "en",
            "gameid": game_id,
            "lobbyUrl": "https://casino.example/lobby",
        }
        return string(self.ok("userAuth", fields | extra), "url", "userAuth")

    def game_list(self) -> list[Mapping[str, Any]]:
        games = object_list(_get(self.ok("gameList", {}), "games", "gameList"), "gameList")
        for game in games:
            integer(game, "gameID", "gameList")  # an integer, as callbacks carry it
            string(game, "name", "gameList")
            string(game, "category", "gameList")
            string(game, "provider", "gameList")
            string(game, "thumbnail", "gameList")
        return games
