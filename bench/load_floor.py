"""The floor: the least any server can do for a round, to measure Reelhouse against.

    python -m bench.load_floor CONFIG.json

One request in (`POST /api/game/spin` with a session bearer), the same two callbacks out to
the same wallet in the operator's dialect (a SlotCity v4 `bet`, then a `win` of 0, encoded
and signed by the same codec Reelhouse uses), one answer back. No database, no game, no
checks beyond the wallet's own: a session is a line in the config, ids are counters. Async
end to end (Starlette on uvicorn, the lean keep-alive client of
bench/load_http.py, with the dialect's own timeouts), in its own process.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.load_http import HttpFailure, LeanClient
from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.money import currency, to_minor
from reelhouse.domain.wallet import CommandKind, WalletCommand

# Far above any id Reelhouse hands out, so the floor's transactions never meet its own in
# the wallet's ledger (both play against the same accounts).
FIRST_ID = 9_000_000_000_000_000_000
GAME = "lucky-sevens"
# Answers the game API would give, so the generator counts both servers alike.
WALLET_REFUSED = 3001
WALLET_FAILED = 3003


def create_app(config: dict[str, Any]) -> Starlette:
    sessions: dict[str, tuple[str, CallbackCredentials]] = {
        token: (account, CallbackCredentials(f"{config['wallet_url']}/cb/{op}", callback_token))
        for token, (account, op, callback_token) in config["sessions"].items()
    }
    ids = itertools.count(FIRST_ID)
    client = LeanClient(config["wallet_url"])
    usd = currency("USD")

    async def call(
        kind: CommandKind,
        account: str,
        creds: CallbackCredentials,
        round_id: int,
        amount_minor: int,
    ) -> bool:
        command = WalletCommand(
            kind=kind,
            account=account,
            currency="USD",
            session_id=1,
            trans_id=next(ids),
            round_id=round_id,
            amount_minor=amount_minor,
            provider_id=1,
            game_code=GAME,
            game_type="slot",
            created_at_ms=int(time.time() * 1000),
        )
        request = slotcity_v4.encode_command(command, creds, int(time.time()))
        async with asyncio.timeout(request.timeout_ms / 1000):  # as Reelhouse: 2 s bet, 4 s win
            status, answer = await client.post(
                urlsplit(request.url).path, request.body, request.headers
            )
        return status == 200 and json.loads(answer).get("result") == 0

    async def spin(request: Request) -> Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        found = sessions.get(token)
        if found is None:
            return JSONResponse({"code": 1003, "message": "no session"})
        account, creds = found
        bet_minor = to_minor(str((await request.json())["bet"]), usd)
        round_id = next(ids)
        try:
            if not await call(CommandKind.BET, account, creds, round_id, bet_minor):
                return JSONResponse({"code": WALLET_REFUSED, "message": "bet refused"})
            if not await call(CommandKind.WIN, account, creds, round_id, 0):
                return JSONResponse({"code": WALLET_FAILED, "message": "win failed"})
        except (HttpFailure, TimeoutError):
            return JSONResponse({"code": WALLET_FAILED, "message": "wallet unreachable"})
        return JSONResponse({"code": 0, "data": {"round_id": round_id}})

    async def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await client.aclose()

    return Starlette(
        routes=[
            Route("/api/game/spin", spin, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def main(argv: list[str]) -> int:
    config = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    logging.disable(logging.INFO)
    uvicorn.run(
        create_app(config),
        host="127.0.0.1",
        port=config["port"],
        log_level="warning",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
