"""Routes that answer refusals in a foreign envelope (the iGamingAce facades).

The app's error handlers write the Main API v4 envelope `{"code","message","data"}`. A
facade's operator expects its own provider's shape, for every refusal, including those
raised before the route body runs (the agent's token, IP and in-flight checks, a malformed
body). A route class sees all of them: FastAPI resolves dependencies inside the handler it
wraps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from reelhouse.domain.errors import ApiCode, ReelhouseError

log = logging.getLogger("reelhouse.api")

# A refusal in the facade's words: the JSON body for a refused request's error.
Render = Callable[[ReelhouseError], dict[str, Any]]
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def envelope_route(render: Render) -> type[APIRoute]:
    """An APIRoute class whose refusals are written by `render`, at HTTP 200 like the Main
    API (business errors are in the body); a crash is 500 in the same shape."""

    class FacadeRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handle = super().get_route_handler()

            async def handler(request: Request) -> Response:
                try:
                    return await handle(request)
                except ReelhouseError as exc:
                    return JSONResponse(render(exc))
                except RequestValidationError as exc:
                    first = exc.errors()[0] if exc.errors() else {}
                    where = ".".join(str(p) for p in first.get("loc", ()))
                    message = f"{where}: {first.get('msg', 'invalid')}"
                    return JSONResponse(render(ReelhouseError(ApiCode.VALIDATION_ERROR, message)))
                except Exception:
                    log.exception("unhandled error in %s", request.url.path)
                    crash = ReelhouseError(ApiCode.INTERNAL_SERVER_ERROR, "internal error")
                    return JSONResponse(render(crash), status_code=500)

            return handler

    return FacadeRoute
