"""`reelhouse backoffice ...`: back office users."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from reelhouse.cli.context import open_platform, refused
from reelhouse.domain.errors import ReelhouseError
from reelhouse.services.backoffice_roles import Role

if TYPE_CHECKING:
    from reelhouse.services import audit
    from reelhouse.services.platform import Platform

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


def _for_user(
    email: str, by: str, reason: str, action: Callable[[Platform, int, audit.Accountable], str]
) -> str:
    """The action on the user named by e-mail, audited as `by`; a refusal is one line on
    stderr and exit status 2."""
    from reelhouse.services import audit, backoffice_accounts

    platform = open_platform()
    try:
        who = audit.Accountable.checked(by, reason)
        return action(platform, backoffice_accounts.user_id_of(platform, email), who)
    except ReelhouseError as exc:
        typer.echo(f"error {exc.code.value}: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    finally:
        platform.close()


@app.command("reset-2fa")
def reset_2fa(
    email: str = typer.Option(..., help="the user who lost their authenticator"),
    by: str = typer.Option(..., help="who does this (recorded in the audit log)"),
    reason: str = typer.Option("lost authenticator", help="why (recorded in the audit log)"),
) -> None:
    """Remove a user's two-factor sign-in (they may enrol again from their Account page)."""

    def run(platform: Platform, user_id: int, who: audit.Accountable) -> str:
        from reelhouse.services import backoffice_totp

        backoffice_totp.reset(platform, user_id, who)
        return f"two-factor sign-in removed for {email.strip().lower()}"

    typer.echo(_for_user(email, by, reason, run))


@app.command("reset-password")
def reset_password(
    email: str = typer.Option(..., help="the user whose password is lost"),
    by: str = typer.Option(..., help="who does this (recorded in the audit log)"),
    reason: str = typer.Option("password lost", help="why (recorded in the audit log)"),
) -> None:
    """Void a user's password and sessions; print a one-time link (a day) to set a new one."""

    def run(platform: Platform, user_id: int, who: audit.Accountable) -> str:
        from reelhouse.services import backoffice_accounts

        issued = backoffice_accounts.reset_password(platform, user_id, who)
        return f"{issued.url(platform.settings.public_base_url)}  (until {issued.expires})"

    typer.echo(_for_user(email, by, reason, run))


@app.command("enable-user")
def enable_user(
    email: str = typer.Option(..., help="the disabled user"),
    by: str = typer.Option(..., help="who does this (recorded in the audit log)"),
    reason: str = typer.Option("enabled from the command line", help="why (audit log)"),
) -> None:
    """Enable a disabled user (their password, if any, works again)."""

    def run(platform: Platform, user_id: int, who: audit.Accountable) -> str:
        from reelhouse.services import backoffice_accounts

        backoffice_accounts.set_enabled(platform, user_id, True, who)
        return f"{email.strip().lower()} enabled"

    typer.echo(_for_user(email, by, reason, run))
