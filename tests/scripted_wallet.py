"""A wallet server whose answers a test scripts per command: for faults the demo casino
(which is correct) cannot produce, such as hanging past a timeout. Real HTTP, no mocks."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from typing import Any

from fastapi import FastAPI
from fastapi.responses import Response

from reelhouse.api.server import ServerThread

OK_BALANCE = "100.00"


class ScriptedWallet:
    def __init__(self) -> None:
        self.hang: set[str] = set()  # commands that hang until released
        self.results: dict[str, int] = {}  # command -> result code to answer
        self.received: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self.waiting = 0
        self.release = threading.Event()
        self._lock = threading.Lock()
        self.server = ServerThread(self._app())

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/callback")
        def callback(body: dict[str, Any]) -> Response:
            command = body["command"]
            with self._lock:
                self.received[command].append(body)
            if command in self.hang:
                with self._lock:
                    self.waiting += 1
                # A ceiling, not a timing: the test releases it; on a loaded machine
                # gathering 50 concurrent calls can take a while.
                self.release.wait(timeout=300)
            result = self.results.get(command, 0)
            status = "OK" if result == 0 else "ERROR"
            account = json.dumps(body["data"]["account"])
            # Written as text so the balance stays an exact decimal on the wire.
            answer = (
                f'{{"result":{result},"status":"{status}",'
                f'"data":{{"account":{account},"balance":{OK_BALANCE}}}}}'
            )
            return Response(answer, media_type="application/json")

        return app

    @property
    def url(self) -> str:
        return f"{self.server.url}/callback"

    def __enter__(self) -> ScriptedWallet:
        self.server.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release.set()
        self.server.stop()
