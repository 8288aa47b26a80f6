"""`reelhouse backoffice ...`: back office users."""

from __future__ import annotations

import typer

from reelhouse.cli.context import open_platform, refused
from reelhouse.domain.errors import ReelhouseError
from reelhouse.services.backoffice_roles import Role

app = typer.Typer(no_args_is_help=True, help="Back office users.")


@app.command("create-user")
def create_user(
    email: str = typer.Option(..., help="the user's e-mail, their login name"),
    role: Role = typer.Option(..., help="admin: every operator; operator: one operator"),
    operator: str | None = typer.Option(None, help="the operator an operator user belongs to"),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        envvar="REELHOUSE_BACKOFFICE_PASSWORD",
        help="asked for when not given (or read from REELHOUSE_BACKOFFICE_PASSWORD)",
    ),
) -> None:
    """Create a back office user; the password is stored only as its argon2id hash."""
    # Here, not at the top: argon2 and the app load only when a user is made.
    from reelhouse.services import backoffice_users

    platform = open_platform()
    try:
        user_id = backoffice_users.create_user(platform, email, password, role, operator)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    typer.echo(f"user {email.strip().lower()} created (id {user_id}, {role.value})")
