"""`python -m reelhouse.operator_kit.demo_casino --port 8100 --db sqlite:///var/demo_casino.db`."""

from __future__ import annotations

import argparse
import os
import pathlib
from collections.abc import Sequence

import uvicorn
from sqlalchemy import make_url

from reelhouse.operator_kit.demo_casino.app import create_casino_app

TOKEN_ENV = "DEMO_CASINO_CALLBACK_TOKEN"  # noqa: S105 - the variable name, not a secret


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m reelhouse.operator_kit.demo_casino",
        description="Run the demo casino wallet (SlotCity-v4 callbacks at POST /callback).",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--db", default="sqlite:///var/demo_casino.db", help="SQLAlchemy URL")
    parser.add_argument(
        "--callback-token",
        default=os.environ.get(TOKEN_ENV),
        help=f"the agent's callback token (better: set {TOKEN_ENV}, argv is visible to ps)",
    )
    args = parser.parse_args(argv)
    if not args.callback_token:
        parser.error(f"--callback-token or {TOKEN_ENV} is required")
    url = make_url(args.db)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        pathlib.Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    app = create_casino_app(args.db, args.callback_token)
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
