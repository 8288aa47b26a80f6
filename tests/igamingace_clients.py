"""Tiny operator-side clients for the iGamingAce Main APIs, written from the spec
(the iGamingAce public contract) as an operator integrated with that provider would have them.
They import nothing of Reelhouse's: the facade tests check Reelhouse against the contract,
not against its own encoders."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

import httpx

SESSION_PATH = re.compile(r"/play/s/([A-Za-z0-9_-]+)$")


class ProviderA:
    """Flavour A: Bearer token, JSON, `{"success", "message", "data"}`."""

    def __init__(self, base_url: str, api_token: str) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {api_token}"}, timeout=30
        )

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> dict[str, Any]:
        """The envelope, whatever it says; HTTP 200 and exactly the three keys, always."""
        answer = self.http.request(method, path, json=body, **kw)
        assert answer.status_code == 200, answer.text
        envelope: dict[str, Any] = answer.json()
        assert set(envelope) == {"success", "message", "data"}, envelope
        return envelope

    def data(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        envelope = self.call(method, path, body, **kw)
        assert envelope["success"] is True, envelope
        return envelope["data"]

    def link(self, player_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.data("POST", "/v1/player/link", {"playerId": player_id})
        return found

    def games(self, provider_id: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.data(
            "GET", "/v1/game/list", params={"providerId": provider_id}
        )
        return found

    def launch(self, player_id: str, provider_id: int, game_id: int, **extra: Any) -> str:
        body = {
            "playerId": player_id,
            "providerId": provider_id,
            "gameId": game_id,
            "language": "en",
            "returnUrl": "https://casino.example/lobby",
            **extra,
        }
        url: str = self.data("POST", "/v1/game/launch", body)
        return url


class ProviderB:
    """Flavour B: Bearer API token, JSON with `sign` (uppercase hex HMAC-SHA256 of the listed
    fields concatenated, keyed with the secret key), answers `{"code", "message", ...}`."""

    SIGNED = {
        "userAuth": ("agentID", "userID", "gameid"),  # the body spells gameID `gameid`
        "gameList": ("agentID",),
        "createfreegame": ("agentID", "userID", "gameID", "freespinID"),
        "cancelfreegame": ("agentID", "userID", "gameID", "freespinID"),
    }

    def __init__(self, base_url: str, api_token: str, agent_id: str, secret_key: str) -> None:
        self.http = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {api_token}"}, timeout=30
        )
        self.agent_id = agent_id
        self.secret_key = secret_key

    def close(self) -> None:
        self.http.close()

    def sign(self, operation: str, fields: dict[str, Any]) -> str:
        message = "".join(str(fields[name]) for name in self.SIGNED[operation])
        mac = hmac.new(self.secret_key.encode(), message.encode(), hashlib.sha256)
        return mac.hexdigest().upper()

    def post(self, operation: str, fields: dict[str, Any], **kw: Any) -> dict[str, Any]:
        """Sign (unless the fields carry a sign already) and post; HTTP 200 always."""
        body = {"agentID": self.agent_id, **fields}
        body.setdefault("sign", self.sign(operation, body))
        answer = self.http.post(f"/{operation}", json=body, **kw)
        assert answer.status_code == 200, answer.text
        envelope: dict[str, Any] = answer.json()
        assert isinstance(envelope["code"], int) and isinstance(envelope["message"], str)
        return envelope

    def user_auth(self, user_id: str, game_id: str, **extra: Any) -> dict[str, Any]:
        fields = {"userID": user_id, "isaffiliate": 0, "lang": "en", "gameid": game_id}
        return self.post("userAuth", {**fields, "lobbyUrl": "https://casino.example", **extra})


def open_game(url: str) -> str:
    """Open a launch URL as the player's browser would; the session token it lands on."""
    page = httpx.get(url, follow_redirects=True, timeout=30)
    match = SESSION_PATH.search(page.url.path)
    assert page.status_code == 200 and match is not None, page.status_code
    return match.group(1)


def game_api(base_url: str, session_token: str, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {session_token}"}
    answer = httpx.request(method, f"{base_url}{path}", json=body, headers=headers, timeout=30)
    envelope = answer.json()
    assert envelope["code"] == 0, envelope
    return envelope["data"]
