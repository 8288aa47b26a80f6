"""Bots that play like real players through the public interfaces only: the Main API (as the
operator's backend would), the launch URL and the game API (as a browser would), and the
demo casino's admin API (as the casino's cashier would)."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from reelhouse.tls import client_tls_context

SESSION_PATH = re.compile(r"/play/s/([A-Za-z0-9_-]+)$")


class BotError(RuntimeError):
    pass


@dataclass
class PlayTally:
    rounds: int = 0
    bets: Decimal = Decimal(0)
    wins: Decimal = Decimal(0)
    refused: dict[int, int] = field(default_factory=dict)


class DemoBots:
    def __init__(self, api_url: str, api_token: str, casino_url: str) -> None:
        self.api = httpx.Client(
            base_url=api_url,
            headers={"Authorization": f"Bearer {api_token}"},
            timeout=30,
            verify=client_tls_context(),
        )
        self.casino = httpx.Client(base_url=casino_url, timeout=30, verify=client_tls_context())

    def main_api(self, path: str, body: dict[str, Any]) -> Any:
        # Money arrives as exact JSON numbers: read them as Decimals, never as floats.
        envelope = json.loads(self.api.post(path, json=body).text, parse_float=Decimal)
        if envelope["code"] != 0:
            raise BotError(f"{path}: {envelope['code']} {envelope['message']}")
        return envelope["data"]

    def fund_player(self, name: str, currency: str, amount: str) -> int:
        """Create the player at the casino (if new) and in Reelhouse; returns user_code."""
        answer = self.casino.post(
            "/api/players", json={"account": name, "currency": currency, "balance": amount}
        )
        if answer.status_code not in (200, 201, 409):
            raise BotError(f"casino refused the player: {answer.text}")
        data = self.main_api("/v4/user/create", {"name": name})
        return int(data["user_code"])

    def casino_balance(self, name: str) -> Decimal:
        answer = self.casino.get(f"/api/players/{name}")
        answer.raise_for_status()
        return Decimal(str(answer.json()["balance"]))

    def open_session(self, user_code: int, game_code: str) -> str:
        data = self.main_api(
            "/v4/game/game-url",
            {"user_code": user_code, "provider_id": 1, "game_symbol": game_code, "lang": "en"},
        )
        return self.session_from_url(data["game_url"])

    def session_from_url(self, game_url: str) -> str:
        """Open a launch URL as a browser would; returns the session token."""
        page = httpx.get(game_url, follow_redirects=True, timeout=30, verify=client_tls_context())
        match = SESSION_PATH.search(page.url.path)
        if page.status_code != 200 or match is None:
            raise BotError(f"launch URL did not open a session: {page.status_code}")
        return match.group(1)

    def spin(self, session_token: str, bet: str) -> dict[str, Any]:
        answer = self.api.post(
            "/api/game/spin",
            json={"bet": bet},
            headers={"Authorization": f"Bearer {session_token}"},
        )
        envelope: dict[str, Any] = answer.json()
        return envelope

    def play(self, session_token: str, spins: int, bets: list[str], seed: int = 0) -> PlayTally:
        chooser = random.Random(seed)
        tally = PlayTally()
        for _ in range(spins):
            bet = chooser.choice(bets)
            envelope = self.spin(session_token, bet)
            if envelope["code"] != 0:
                tally.refused[envelope["code"]] = tally.refused.get(envelope["code"], 0) + 1
                continue
            tally.rounds += 1
            tally.bets += Decimal(envelope["data"]["bet"])
            tally.wins += Decimal(envelope["data"]["win"])
        return tally

    def close(self) -> None:
        self.api.close()
        self.casino.close()
