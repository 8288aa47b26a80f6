"""The load benchmark's wallet: the demo casino's wallet (the operator SDK's reference
`Wallet` and its SlotCity v4 callback endpoint), one endpoint per operator, in its own process.

    python -m bench.load_wallet CONFIG.json

The config names the port, the database, the accounts to open and each operator's callback
token; operator `n` calls `POST /cb/{n}`. Two things the demo casino does not do, for the
benchmark only:

- a delay knob (`POST /bench/delay {"ms": 150}`): every callback's answer waits that long,
  without holding a thread, like a slow wallet across a network;
- its own time per call, from the request's arrival to its answer, delay included, kept by
  the round id the call carries (`GET /bench/calls`, `POST /bench/reset`), so the benchmark
  can subtract the wallet's time from each round's latency.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from reelhouse.operator_kit.sdk import CallbackEndpoint, Wallet, operator_keys

ACCOUNT_BALANCE = "100000.00"


def create_app(config: dict[str, Any]) -> Starlette:
    wallet = Wallet(config["db_url"])
    for account in config["accounts"]:
        wallet.open_account(account, "USD", ACCOUNT_BALANCE)
    endpoints = [
        CallbackEndpoint(wallet, "slotcity-v4", operator_keys(token)) for token in config["tokens"]
    ]
    state: dict[str, Any] = {"delay_s": 0.0, "calls": [], "count": 0}

    async def callback(request: Request) -> Response:
        started = time.perf_counter()
        endpoint = endpoints[int(request.path_params["operator"])]
        body = await request.body()
        answer = await run_in_threadpool(endpoint.answer, request.headers, body)
        if state["delay_s"]:
            await asyncio.sleep(state["delay_s"])
        elapsed_s = time.perf_counter() - started
        round_id = json.loads(body).get("data", {}).get("round_id")
        state["calls"].append((round_id, elapsed_s))
        state["count"] += 1
        return Response(answer, media_type="application/json")

    async def set_delay(request: Request) -> Response:
        state["delay_s"] = float((await request.json())["ms"]) / 1000
        return JSONResponse({"delay_ms": state["delay_s"] * 1000})

    async def calls(_request: Request) -> Response:
        return JSONResponse({"calls": state["calls"]})

    async def count(_request: Request) -> Response:
        return JSONResponse({"count": state["count"]})

    async def reset(_request: Request) -> Response:
        state["calls"] = []
        return JSONResponse({})

    async def health(_request: Request) -> Response:
        return JSONResponse({"ok": True})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        wallet.dispose()

    return Starlette(
        routes=[
            Route("/cb/{operator:int}", callback, methods=["POST"]),
            Route("/bench/delay", set_delay, methods=["POST"]),
            Route("/bench/calls", calls, methods=["GET"]),
            Route("/bench/count", count, methods=["GET"]),
            Route("/bench/reset", reset, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def main(argv: list[str]) -> int:
    config = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    logging.disable(logging.INFO)  # refusals are counted by the benchmark, not logged
    app = create_app(config)
    uvicorn.run(app, host="127.0.0.1", port=config["port"], log_level="warning", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
