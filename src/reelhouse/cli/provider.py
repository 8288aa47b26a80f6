"""`reelhouse provider ...`: upstream game providers: add, list, show, sync, enable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer

from reelhouse.cli.context import refused, stored_platform
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.limits import ANSWER_DEADLINE_MS_DEFAULT
from reelhouse.providers.registry import PROTOCOL_NAMES

if TYPE_CHECKING:
    from reelhouse.services import audit, provider_games, providers
    from reelhouse.services.platform import Platform

app = typer.Typer(no_args_is_help=True, help="Upstream game providers Reelhouse aggregates.")
T = TypeVar("T")
BY_HELP = "who does this (recorded in the audit log)"
PROTOCOLS = ", ".join(PROTOCOL_NAMES)
# What the two key files hold, per kind of protocol (docs/aggregation.md).
KEY_FILES = "a PEM key (hub88) or a JSON object of the credentials (the dialects)"


def _run(action: Callable[[Platform], T]) -> T:
    """The action on a platform; a refusal is one line on stderr and exit status 2."""
    try:
        with stored_platform() as platform:
            return action(platform)
    except ReelhouseError as exc:
        raise refused(exc) from exc


def _who(by: str, reason: str) -> audit.Accountable:
    from reelhouse.services import audit

    try:
        return audit.Accountable.checked(by, reason)
    except ReelhouseError as exc:
        raise refused(exc) from exc


def _read_key(path: Path, what: str) -> bytes:
    """A key file, read no further than the bound: a refusal, not a traceback, when it is
    missing or too large."""
    from reelhouse.services import providers

    try:
        with path.open("rb") as file:
            return file.read(providers.KEY_PEM_MAX_BYTES + 1)
    except OSError as exc:
        message = f"{what}: cannot read {path}: {exc.strerror or exc}"
        raise refused(ReelhouseError(ApiCode.PARAMETERS_INVALID, message)) from exc


@app.command("add")
def add(
    name: str = typer.Argument(..., help="slug: 3-32 lower-case letters, digits, '-'"),
    title: str = typer.Option(..., help="the name operators see"),
    protocol: str = typer.Option(..., help=f"the provider's protocol: {PROTOCOLS}"),
    base_url: str = typer.Option(..., help="where its games API (or operator API) lives"),
    verify_key: Path = typer.Option(..., help=f"checks its calls: {KEY_FILES}"),
    sign_key: Path = typer.Option(..., help=f"signs Reelhouse's requests: {KEY_FILES}"),
    answer_deadline_ms: int | None = typer.Option(
        None,
        help="how long it waits for a wallet answer (default: its contract's bet timeout, "
        f"else {ANSWER_DEADLINE_MS_DEFAULT})",
    ),
    by: str = typer.Option("command line", help=BY_HELP),
) -> None:
    """Add a provider (enabled, offered to no operator until `provider enable`)."""
    from reelhouse.services import providers

    spec = providers.NewProvider(
        name=name,
        title=title,
        protocol=protocol,
        base_url=base_url,
        verify_key_pem=_read_key(verify_key, "the provider's public key"),
        sign_key_pem=_read_key(sign_key, "Reelhouse's signing key"),
        answer_deadline_ms=answer_deadline_ms,
    )
    who = _who(by, "provider added")
    provider_id = _run(lambda p: providers.add_provider(p, spec, who))
    typer.echo(f"provider {name} added (provider id {provider_id}); offered to no operator yet")


def _when(view: providers.ProviderView) -> str:
    stamp = view.last_sync_utc
    return "never" if stamp is None else stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


@app.command("list")
def list_all() -> None:
    """Every provider: id, name, protocol, state, games listed and withdrawn, last sync."""
    from reelhouse.services import providers

    views = _run(providers.list_providers)
    for v in views:
        state = "enabled" if v.enabled else "disabled"
        typer.echo(
            f"{v.id:4}  {v.name:32}  {v.protocol:8}  {state:8}  {v.games:6} games  "
            f"{v.withdrawn:5} withdrawn  last sync {_when(v)}"
        )
    typer.echo(f"{len(views)} provider(s)")


@app.command("show")
def show(name: str) -> None:
    """A provider's settings (never its keys) and which operators are offered its games."""
    from reelhouse.services import providers

    view = _run(lambda p: providers.get_provider(p, name))
    choices = _run(lambda p: providers.operator_choices(p, name))
    offered = [op for op, on in choices if on]
    for label, value in (
        ("id", str(view.id)),
        ("name", view.name),
        ("title", view.title),
        ("protocol", view.protocol),
        ("base_url", view.base_url),
        ("deadline_ms", str(view.answer_deadline_ms)),
        ("state", "enabled" if view.enabled else "disabled"),
        ("games", str(view.games)),
        ("withdrawn", str(view.withdrawn)),
        ("last_sync", _when(view)),
        ("operators", ", ".join(offered) or "(none)"),
    ):
        typer.echo(f"{label:12} {value}")


@app.command("sync")
def sync(
    name: str,
    by: str = typer.Option("command line", help=BY_HELP),
) -> None:
    """Fetch the provider's catalogue and apply it (new, changed, withdrawn, restored)."""
    from reelhouse.services import provider_games

    who = _who(by, "catalogue synced")

    def run(platform: Platform) -> provider_games.SyncSummary:
        fetch = platform.upstream_fetch
        assert fetch is not None, "build_platform wires the real transport"
        return provider_games.sync_catalogue(platform, name, fetch, who)

    summary = _run(run)
    counts = summary.counts()
    typer.echo(f"{name}: " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    for skipped in summary.skipped:
        typer.echo(f"skipped entry {skipped.index}: {skipped.reason}")


def _choose(name: str, operator: str | None, enabled: bool, by: str) -> None:
    from reelhouse.services import providers

    verb = "enabled" if enabled else "disabled"
    who = _who(by, f"provider {verb}")
    if operator is None:
        _run(lambda p: providers.set_enabled(p, name, enabled, who))
        typer.echo(f"provider {name} {verb}")
        return
    _run(lambda p: providers.enable_for_operator(p, name, operator, enabled, who))
    typer.echo(f"provider {name} {verb} for operator {operator}")


@app.command("enable")
def enable(
    name: str,
    operator: str | None = typer.Option(
        None, help="offer its games to this operator; without it, the provider as a whole"
    ),
    by: str = typer.Option("command line", help=BY_HELP),
) -> None:
    """Offer a provider's games to an operator (or enable the provider as a whole)."""
    _choose(name, operator, True, by)


@app.command("disable")
def disable(
    name: str,
    operator: str | None = typer.Option(
        None, help="stop offering its games to this operator; without it, to every operator"
    ),
    by: str = typer.Option("command line", help=BY_HELP),
) -> None:
    """Stop offering a provider's games to an operator (or disable the provider)."""
    _choose(name, operator, False, by)


@app.command("games")
def games(name: str) -> None:
    """A provider's games as last synced, withdrawn ones marked."""
    from reelhouse.services import provider_games

    rows = _run(lambda p: provider_games.games_of(p, name))
    for g in rows:
        state = "withdrawn" if g.withdrawn_at_utc else ("enabled" if g.enabled else "disabled")
        typer.echo(f"{g.game_code:40}  {state:9}  {g.category or '-':20}  {g.name}")
    typer.echo(f"{len(rows)} game(s)")
