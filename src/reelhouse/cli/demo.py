"""`reelhouse demo`: Reelhouse and the demo casino on loopback, on SQLite, ready to play;
with two aggregated providers beside Reelhouse's own games: the provider kit's demo supplier
(cli/demo_supplier.py) and a second Reelhouse in the SlotCity v4 dialect (cli/demo_upstream.py).

Without --spins it serves until interrupted and prints a launch URL and curl lines; with
--spins N it plays N rounds as bots on fresh databases and checks both sides' money.
Serving, it also writes the demo operator's base URL and API token as shell settings
(operator.env beside its databases), so docs/operator-guide.md's blocks run as pasted.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import shutil
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from reelhouse.domain.errors import ReelhouseError
from reelhouse.services.settings import Settings, load_settings

# The app, the casino and the supplier kit are imported by the functions that run them, not
# here: `reelhouse --help` imports this module (docs/performance.md: the command line's start).
if TYPE_CHECKING:
    from reelhouse.api.server import ServerThread
    from reelhouse.cli.demo_supplier import DemoSupplier
    from reelhouse.cli.demo_upstream import DemoUpstream
    from reelhouse.services.platform import Platform

DEMO_OPERATOR = "demo"
DEMO_PLAYER = "demo_player"
DEMO_GAME = "lucky-sevens"
DEMO_DEPOSIT = "1000.00"
DEMO_ADMIN = "admin@demo.local"
OPERATOR_ENV_FILE = "operator.env"


@dataclass
class DemoStack:
    reelhouse: ServerThread
    casino: ServerThread
    api_token: str
    platform: Platform
    worker_stop: threading.Event
    supplier: DemoSupplier
    upstream: DemoUpstream

    def stop(self) -> None:
        self.worker_stop.set()
        self.upstream.stop()
        self.supplier.stop()
        self.reelhouse.stop()
        self.casino.stop()
        self.platform.close()


def _supplier_game_code() -> str:
    """The demo supplier's game the demo launches (the first of its catalogue)."""
    from reelhouse.provider_kit.hub88_supplier import DEMO_GAMES

    return DEMO_GAMES[0].game_code


def _upstream_game_code() -> str:
    """The second Reelhouse's copy of the demo's game, as the demo operator's list names it."""
    from reelhouse.cli.demo_upstream import upstream_game_key

    return upstream_game_key(DEMO_GAME)


def __getattr__(name: str) -> str:
    # DEMO_SUPPLIER_GAME, read from the supplier kit only when asked for (see the imports).
    if name == "DEMO_SUPPLIER_GAME":
        return _supplier_game_code()
    raise AttributeError(name)


def start_stack(
    var_dir: Path,
    reelhouse_port: int | None,
    casino_port: int | None,
    database_url: str | None = None,
) -> DemoStack:
    """All four servers in this process (Reelhouse, the casino, the demo supplier, the second
    Reelhouse); the demo operator gets fresh tokens at every start so the casino and
    Reelhouse agree on the callback token without storing it in clear. Reelhouse's
    database: `database_url` (the deployment's, so every command finds the demo's
    operator), else a file in `var_dir`."""
    from reelhouse.api.app import create_app
    from reelhouse.api.server import ServerThread, free_port
    from reelhouse.api.wiring import build_platform
    from reelhouse.cli.demo_supplier import aggregate_supplier, start_supplier
    from reelhouse.cli.demo_upstream import aggregate_upstream, start_upstream
    from reelhouse.dispatch.sender import WalletSender
    from reelhouse.dispatch.worker import Worker
    from reelhouse.operator_kit.demo_casino import create_casino_app

    var_dir.mkdir(parents=True, exist_ok=True)
    casino_holder: dict[str, str] = {"token": ""}
    casino_app = create_casino_app(
        f"sqlite:///{var_dir / 'demo_casino.db'}", lambda: casino_holder["token"]
    )
    casino = ServerThread(casino_app, port=casino_port).start()
    started_supplier = start_supplier(var_dir)
    port = reelhouse_port or free_port()
    loaded = load_settings()
    settings = Settings(
        database_url=database_url or f"sqlite:///{var_dir / 'reelhouse.db'}",
        secret_key=loaded.secret_key,
        public_base_url=f"http://127.0.0.1:{port}",
        allow_private_callbacks=True,
        data_dir=loaded.data_dir,
        key_source=loaded.key_source,
    )
    platform = build_platform(settings)
    api_token = _ensure_operator(platform, casino.url, casino_holder)
    reelhouse_server = ServerThread(create_app(platform), port=port).start()
    supplier = aggregate_supplier(platform, reelhouse_server.url, DEMO_OPERATOR, started_supplier)
    upstream = aggregate_upstream(
        platform, DEMO_OPERATOR, start_upstream(var_dir, reelhouse_server.url)
    )
    assert isinstance(platform.wallet, WalletSender)
    worker_stop = threading.Event()
    worker = Worker(platform.db, platform.wallet, platform.clock)
    threading.Thread(target=worker.run_forever, args=(worker_stop,), daemon=True).start()
    return DemoStack(reelhouse_server, casino, api_token, platform, worker_stop, supplier, upstream)


def _demo_dir(name: str) -> Path:
    """The demo's own files (the casino's database, the supplier's keys) live in the data
    directory (REELHOUSE_DATA_DIR; `make demo` sets it to the checkout's var/), wherever the
    command is started; Reelhouse's database is the deployment's (`demo`)."""
    data_dir = load_settings().data_dir
    assert data_dir is not None
    return data_dir / name


def _ensure_operator(platform: Platform, casino_url: str, holder: dict[str, str]) -> str:
    from reelhouse.services import operators

    spec = operators.NewOperator(
        name=DEMO_OPERATOR,
        currency="USD",
        callback_url=f"{casino_url}/callback",
        min_bet_minor=10,
        max_bet_minor=10_000,
        approved=True,
    )
    try:
        issued = operators.create_operator(platform, spec)
        holder["token"] = issued.callback_token
        return issued.api_token
    except ReelhouseError:
        holder["token"] = operators.reissue_callback_token(platform, DEMO_OPERATOR)
        operators.set_callback_url(platform, DEMO_OPERATOR, f"{casino_url}/callback")
        return operators.reissue_api_token(platform, DEMO_OPERATOR)


def demo(
    spins: int = typer.Option(0, help="play this many bot rounds, check the money, and exit"),
    port: int = typer.Option(8000, help="Reelhouse port (serving mode; 0: any free port)"),
    casino_port: int = typer.Option(8100, help="demo casino port (serving mode; 0: any free port)"),
) -> None:
    """Run Reelhouse with the demo casino (or play bot rounds with --spins)."""
    from reelhouse.operator_kit.demo_bots import DemoBots

    if spins:
        _bot_run(spins)
        return
    # A previous start's settings name a token this start replaces: gone until ready again.
    (_demo_dir("demo") / OPERATOR_ENV_FILE).unlink(missing_ok=True)
    # The configured database, the one `serve` and every other command read: after `make
    # demo`, `reelhouse operator show demo` with the same data directory finds the operator.
    stack = start_stack(_demo_dir("demo"), port, casino_port, load_settings().database_url)
    bots = DemoBots(stack.reelhouse.url, stack.api_token, stack.casino.url)
    user_code = bots.fund_player(DEMO_PLAYER, "USD", DEMO_DEPOSIT)
    data = bots.main_api(
        "/v4/game/game-url",
        {"user_code": user_code, "provider_id": 1, "game_symbol": DEMO_GAME, "lang": "en"},
    )
    supplier_game = bots.main_api(
        "/v4/game/game-url",
        {
            "user_code": user_code,
            "provider_id": stack.supplier.provider_id,
            "game_symbol": _supplier_game_code(),
            "lang": "en",
        },
    )
    upstream_game = bots.main_api(
        "/v4/game/game-url",
        {
            "user_code": user_code,
            "provider_id": stack.upstream.provider_id,
            "game_symbol": _upstream_game_code(),
            "lang": "en",
        },
    )
    launches = (data["game_url"], supplier_game["game_url"], upstream_game["game_url"])
    _print_welcome(stack, user_code, launches)
    # Written last: once the file is there, everything the guide uses is ready.
    env_file = _write_operator_env(_demo_dir("demo"), stack.reelhouse.url, stack.api_token)
    typer.echo(f"\nShell settings for docs/operator-guide.md: . {env_file}")
    typer.echo("\nCtrl-C stops all four servers.")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        stack.stop()


def _demo_admin(platform: Platform, var_dir: Path) -> str:
    """A back office admin for the demo, made once; its password is kept beside the demo's
    databases (mode 600) so every start can print it again."""
    from reelhouse.services import backoffice_users

    password_file = var_dir / "backoffice-password.txt"
    if not password_file.exists():
        password = secrets.token_urlsafe(12)
        backoffice_users.create_user(platform, DEMO_ADMIN, password, backoffice_users.Role.ADMIN)
        password_file.write_text(password)
        password_file.chmod(0o600)
        return password
    # A database made after the file was (an older demo kept its own database elsewhere):
    # the admin is made again with the kept password; one that exists is left as it is.
    password = password_file.read_text()
    with contextlib.suppress(ReelhouseError):
        backoffice_users.create_user(platform, DEMO_ADMIN, password, backoffice_users.Role.ADMIN)
    return password


def _print_welcome(stack: DemoStack, user_code: int, launches: tuple[str, str, str]) -> None:
    """`launches`: one-use launch URLs of Reelhouse's game, the supplier's, the second
    Reelhouse's."""
    game_url, supplier_url, upstream_url = launches
    api, token = stack.reelhouse.url, stack.api_token
    auth = f"-H 'Authorization: Bearer {token}' -H 'Content-Type: application/json'"
    typer.echo(f"Reelhouse:   {api}   (OpenAPI: {api}/docs)")
    typer.echo(f"Demo casino: {stack.casino.url}")
    typer.echo(
        f"Demo supplier (an aggregated Hub88-style provider): {stack.supplier.games.base_url}"
    )
    typer.echo(
        "Reelhouse Two (a second Reelhouse, aggregated in the SlotCity v4 dialect):"
        f" {stack.upstream.server.url}"
    )
    typer.echo(f"\nOpen this launch URL in a browser (one use, 10 minutes):\n  {game_url}\n")
    typer.echo(
        "An aggregated game (the supplier's page; each Spin bets 1.00 through Reelhouse's"
        f" relay to the casino's wallet):\n  {supplier_url}\n"
    )
    typer.echo(
        "A game of the second Reelhouse (its bets and wins go through the relay to the"
        f" casino's wallet too):\n  {upstream_url}\n"
    )
    typer.echo("Main API, ready to paste:")
    typer.echo(f"  curl -s {auth} -d '{{}}' {api}/v4/agent/info")
    typer.echo(f'  curl -s {auth} -d \'{{"name":"{DEMO_PLAYER}"}}\' {api}/v4/user/create')
    typer.echo(f"  curl -s {auth} -d '{{}}' {api}/v4/game/all")
    body = f'{{"user_code":{user_code},"provider_id":1,"game_symbol":"{DEMO_GAME}","lang":"en"}}'
    typer.echo(f"  curl -s {auth} -d '{body}' {api}/v4/game/game-url")
    supplier_id = stack.supplier.provider_id
    body = (
        f'{{"user_code":{user_code},"provider_id":{supplier_id},'
        f'"game_symbol":"{_supplier_game_code()}","lang":"en"}}'
    )
    typer.echo(f"  curl -s {auth} -d '{body}' {api}/v4/game/game-url   # the supplier's game")
    upstream_id = stack.upstream.provider_id
    body = (
        f'{{"user_code":{user_code},"provider_id":{upstream_id},'
        f'"game_symbol":"{_upstream_game_code()}","lang":"en"}}'
    )
    typer.echo(f"  curl -s {auth} -d '{body}' {api}/v4/game/game-url   # Reelhouse Two's game")
    password = _demo_admin(stack.platform, _demo_dir("demo"))
    typer.echo(f"\nBack office: {api}/backoffice  (login {DEMO_ADMIN} / {password})")


def _write_operator_env(var_dir: Path, api_url: str, api_token: str) -> Path:
    """`RH` and `API_TOKEN` for the operator guide, rewritten at every start (the token is new
    each time). Mode 600 from its creation, as it holds the API token; staged and renamed so
    a reader waiting for it never reads half of it."""
    path = var_dir / OPERATOR_ENV_FILE
    staged = var_dir / f"{OPERATOR_ENV_FILE}.new"
    staged.unlink(missing_ok=True)
    descriptor = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(
            "# The demo operator's Main API, for docs/operator-guide.md (`reelhouse demo`).\n"
        )
        out.write(f"export RH={shlex.quote(api_url)}\n")
        out.write(f"export API_TOKEN={shlex.quote(api_token)}\n")
    os.replace(staged, path)
    return path


def _bot_run(spins: int) -> None:
    from reelhouse.operator_kit.demo_bots import DemoBots

    var_dir = _demo_dir("demo-bots")
    shutil.rmtree(var_dir, ignore_errors=True)
    stack = start_stack(var_dir, None, None)
    try:
        bots = DemoBots(stack.reelhouse.url, stack.api_token, stack.casino.url)
        user_code = bots.fund_player(DEMO_PLAYER, "USD", DEMO_DEPOSIT)
        start = bots.casino_balance(DEMO_PLAYER)
        session = bots.open_session(user_code, DEMO_GAME)
        tally = bots.play(session, spins, ["0.10", "0.50", "1.00"])
        casino_end = bots.casino_balance(DEMO_PLAYER)
        expected = start - tally.bets + tally.wins
        reelhouse_view = bots.main_api("/v4/user/info", {"user_code": user_code})["balance"]
    finally:
        stack.stop()
    typer.echo(f"rounds played {tally.rounds}, refused {tally.refused or 'none'}")
    typer.echo(f"bets {tally.bets}  wins {tally.wins}")
    typer.echo(f"casino balance {start} -> {casino_end}; expected {expected}")
    typer.echo(f"Reelhouse's last reported balance {reelhouse_view}")
    agree = casino_end == expected == Decimal(reelhouse_view)
    typer.echo("both sides AGREE" if agree else "MISMATCH between the two sides")
    if not agree:
        raise typer.Exit(1)
