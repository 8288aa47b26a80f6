"""`python -m reelhouse.operator_kit.demo_casino --port 8100 --db sqlite:///var/demo_casino.db`.

Credentials come from the environment (argv is visible to `ps`): the SlotCity callback
token, and optionally the iGamingAce A API token, the B secret key and B agentID.
`--test-account tester:USD:1000.00` opens a funded account for the conformance suite.
"""

from __future__ import annotations

import argparse
import os
import pathlib
from collections.abc import Sequence

import uvicorn
from sqlalchemy import make_url

from reelhouse.operator_kit.demo_casino.app import create_casino_app
from reelhouse.operator_kit.demo_casino.casino import AdminRefusal, Casino
from reelhouse.operator_kit.sdk import operator_keys

TOKEN_ENV = "DEMO_CASINO_CALLBACK_TOKEN"  # noqa: S105 - the variable name, not a secret
API_TOKEN_ENV = "DEMO_CASINO_API_TOKEN"  # noqa: S105 - the variable name, not a secret
SECRET_KEY_ENV = "DEMO_CASINO_SECRET_KEY"  # noqa: S105 - the variable name, not a secret
AGENT_ID_ENV = "DEMO_CASINO_AGENT_ID"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m reelhouse.operator_kit.demo_casino",
        description=(
            "Run the demo casino wallet: SlotCity-v4 callbacks at POST /callback, iGamingAce A "
            "at /igamingace-a/callback, B under /igamingace-b/ (one wallet for all three)."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--db", default="sqlite:///var/demo_casino.db", help="SQLAlchemy URL")
    parser.add_argument(
        "--callback-token",
        default=os.environ.get(TOKEN_ENV),
        help=f"the agent's callback token (better: set {TOKEN_ENV}, argv is visible to ps)",
    )
    parser.add_argument(
        "--test-account",
        metavar="NAME:CURRENCY:BALANCE",
        help="open this funded account (if missing) for `reelhouse conformance --account NAME`",
    )
    return parser


def _open_test_account(casino: Casino, spec: str) -> None:
    name, _, rest = spec.partition(":")
    code, _, balance = rest.partition(":")
    try:
        casino.create_player(name, code or "USD", balance or "1000.00")
    except AdminRefusal as exc:
        if exc.status_code != 409:  # an existing account is kept as it is
            raise SystemExit(f"--test-account: {exc.message}") from exc


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.callback_token:
        parser.error(f"--callback-token or {TOKEN_ENV} is required")
    url = make_url(args.db)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        pathlib.Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    keys = operator_keys(
        args.callback_token,
        api_token=os.environ.get(API_TOKEN_ENV),
        secret_key=os.environ.get(SECRET_KEY_ENV),
        agent_id=os.environ.get(AGENT_ID_ENV),
    )
    app = create_casino_app(args.db, args.callback_token, keys=lambda _dialect: keys)
    if args.test_account:
        _open_test_account(app.state.casino, args.test_account)
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
