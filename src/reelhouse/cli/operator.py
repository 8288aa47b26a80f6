"""`reelhouse operator ...`: manage operator accounts."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import typer

from reelhouse.cli.context import open_platform, refused
from reelhouse.domain.errors import ApiCode, ReelhouseError

# The services (and the app behind them) are imported inside each command: `reelhouse --help`
# stays fast (docs/performance.md: the command line's start).
app = typer.Typer(no_args_is_help=True, help="Operator accounts (agents).")


@app.command("create")
def create(
    name: str = typer.Option(..., help="operator name"),
    currency_code: str = typer.Option(
        "USD", "--currency", help="ISO 4217 code (SEK, JPY, KWD...) or a listed crypto (BTC)"
    ),
    callback_url: str = typer.Option(..., help="the wallet's callback URL"),
    dialect: str = typer.Option("slotcity-v4", help="callback dialect"),
    rtp: str = typer.Option("96", help="RTP percent"),
    min_bet: str = typer.Option("0.20", help="minimum bet (decimal)"),
    max_bet: str = typer.Option("100", help="maximum bet (decimal)"),
    max_win: str = typer.Option("0", help="maximum win per round, 0 = no limit"),
    allowed_ips: str = typer.Option("", help="comma list of IPs/networks; blank = any"),
    single_call_rounds: bool = typer.Option(
        False,
        "--single-call-rounds",
        help="iGamingAce: one betwin call per round (shows the wallet the win before it "
        "accepts the bet); default a bet, then a win",
    ),
    jurisdiction: str = typer.Option(
        "default", help="jurisdiction profile: default, uk, mt, on, de, se, nl, br"
    ),
) -> None:
    """Create an operator; prints its API token and callback token once."""
    from reelhouse.domain.money import MoneyError, to_minor
    from reelhouse.services import operators

    # Everything typed is checked before the database is opened: a refusal is one line and
    # a non-zero exit, never a traceback.
    try:
        cur = operators.playable_currency(currency_code)
        limits_minor = [to_minor(text, cur) for text in (min_bet, max_bet, max_win)]
        rtp_percent = Decimal(rtp)
        if not rtp_percent.is_finite():
            raise InvalidOperation(rtp)
    except MoneyError as exc:
        raise refused(ReelhouseError(ApiCode.PARAMETERS_INVALID, f"bet limits: {exc}")) from exc
    except InvalidOperation as exc:
        raise refused(ReelhouseError(ApiCode.PARAMETERS_INVALID, f"rtp {rtp!r}")) from exc
    except ReelhouseError as exc:
        raise refused(exc) from exc
    spec = operators.NewOperator(
        name=name,
        currency=cur.code,
        callback_url=callback_url,
        dialect=dialect,
        rtp_percent=rtp_percent,
        min_bet_minor=limits_minor[0],
        max_bet_minor=limits_minor[1],
        max_win_minor=limits_minor[2],
        allowed_ips=allowed_ips,
        single_call_rounds=single_call_rounds,
        jurisdiction=jurisdiction,
    )
    platform = open_platform()
    try:
        issued = operators.create_operator(platform, spec)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    typer.echo(f"operator {name} created (id {issued.operator_id}, unapproved)")
    typer.echo(f"API token (shown once): {issued.api_token}")
    typer.echo(f"callback token: {issued.callback_token}")
    if issued.secret_key is not None:
        typer.echo(f"secret key (shown once; signs {dialect} requests): {issued.secret_key}")
    honoured = Decimal(operators.honoured_rtp_bp(spec.rtp_percent)) / operators.BP_PER_PERCENT
    _show_cap_effects(honoured, cur, spec.max_bet_minor, spec.max_win_minor)


@app.command("show")
def show(name: str) -> None:
    """Show an operator's settings (never its tokens)."""
    from reelhouse.domain.money import currency, format_fixed
    from reelhouse.services import operator_currencies, operators

    platform = open_platform()
    try:
        with platform.db.transaction() as session:
            op = operators.find_by_name(session, name)
            further = operator_currencies.currencies_of(session, op)[1:]
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    cur = currency(op.currency)
    for label, value in (
        ("name", op.name),
        ("state", op.state),
        ("currency", op.currency),
        ("callback_url", op.callback_url),
        ("dialect", op.dialect),
        ("rtp", f"{Decimal(op.rtp_bp) / operators.BP_PER_PERCENT}"),
        ("min_bet", format_fixed(op.min_bet_minor, cur)),
        ("max_bet", format_fixed(op.max_bet_minor, cur)),
        ("max_win", format_fixed(op.max_win_minor, cur)),
        ("allowed_ips", op.allowed_ips or "(any)"),
        ("single_call", "yes (betwin)" if op.single_call_rounds else "no (bet, then win)"),
        ("jurisdiction", op.jurisdiction),
        ("display_unit", op.display_unit or "(none)"),
    ):
        typer.echo(f"{label:13} {value}")
    _show_stricter_rules(op)
    # The further currencies, each with its limits (docs/operator-guide.md, "Currencies").
    for limits in further:
        shown = limits.described()
        typer.echo(
            f"{'currency':13} {shown['currency']}: min_bet {shown['min_bet']},"
            f" max_bet {shown['max_bet']}, max_win {shown['max_win']},"
            f" display_unit {limits.unit_code or '(none)'}"
        )
    rtp_percent = Decimal(op.rtp_bp) / operators.BP_PER_PERCENT
    _show_cap_effects(rtp_percent, cur, op.max_bet_minor, op.max_win_minor)
    for limits in further:
        _show_cap_effects(rtp_percent, limits.currency, limits.max_bet_minor, limits.max_win_minor)


def _show_stricter_rules(op: Any) -> None:
    """The operator's stricter rules, and its profile's rules under them: what its launches
    that name no other profile play by (docs/jurisdictions.md, "Stricter rules of an
    operator")."""
    from reelhouse.domain import jurisdictions, stricter_rules
    from reelhouse.services import operators

    try:
        overlay = operators.stricter_rules_of(op)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    typer.echo(f"{'stricter':13} {stricter_rules.described(overlay)}")
    profile = jurisdictions.profile(op.jurisdiction)
    effective = profile.tightened(overlay)
    typer.echo(f"effective rules of {effective.code} for its launches:")
    for name in stricter_rules.RULES:
        value = getattr(effective, name)
        # Marked where the overlay changed the profile's own value.
        mark = " (tightened)" if value != getattr(profile, name) else ""
        typer.echo(f"  {name:32} {stricter_rules.word(value)}{mark}")


def _show_cap_effects(rtp_percent: Decimal, cur: Any, max_bet_minor: int, cap_minor: int) -> None:
    """What one currency's max win per round leaves each game at that currency's largest bet
    (services/win_cap.py); nothing for a currency without a cap."""
    from reelhouse.domain.money import format_fixed
    from reelhouse.services import win_cap

    if cap_minor <= 0:
        return
    typer.echo(f"effective RTP under the max win in {cur.code}, at the largest bet:")
    for e in win_cap.cap_effects(rtp_percent, max_bet_minor, cap_minor):
        shown = f"{e.effective_rtp} %" if e.effective_rtp is not None else "unknown"
        bet = format_fixed(e.at_bet_minor, cur)
        typer.echo(f"  {e.game_code:20} RTP {e.variant}: {shown} (bet {bet})")


def _limits_minor(code: str, min_bet: str, max_bet: str, max_win: str) -> tuple[int, int, int]:
    """The three limits typed in `code`, in its minor units: more decimals than it has is
    refused (1012), never rounded; an unknown currency is 2014."""
    from reelhouse.domain.money import MoneyError, to_minor
    from reelhouse.services import operators

    try:
        cur = operators.playable_currency(code)
        low, high, cap = (to_minor(text, cur) for text in (min_bet, max_bet, max_win))
    except MoneyError as exc:
        raise refused(ReelhouseError(ApiCode.PARAMETERS_INVALID, f"bet limits: {exc}")) from exc
    except ReelhouseError as exc:
        raise refused(exc) from exc
    return low, high, cap


@app.command("add-currency")
def add_currency(
    name: str,
    code: str = typer.Argument(..., help="ISO 4217 code (EUR, JPY, KWD...) or a listed crypto"),
    min_bet: str = typer.Option(..., help="minimum bet, in that currency (decimal)"),
    max_bet: str = typer.Option(..., help="maximum bet, in that currency (decimal)"),
    max_win: str = typer.Option("0", help="maximum win per round, 0 = no limit"),
    display_unit: str | None = typer.Option(
        None, help="the unit its players see and bet in by default (mBTC, uBTC, sat...)"
    ),
) -> None:
    """Offer one more currency, with its own bet limits; launches may then name it."""
    from reelhouse.services import operator_currencies

    limits = _limits_minor(code, min_bet, max_bet, max_win)
    platform = open_platform()
    try:
        operator_currencies.add_currency(
            platform,
            name,
            code,
            min_bet_minor=limits[0],
            max_bet_minor=limits[1],
            max_win_minor=limits[2],
            unit_name=display_unit,
        )
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    typer.echo(f"operator {name}: {code} added (min_bet {min_bet}, max_bet {max_bet})")


@app.command("set-bet-limits")
def set_bet_limits(
    name: str,
    code: str = typer.Argument(..., help="one of the operator's currencies"),
    min_bet: str = typer.Option(..., help="minimum bet, in that currency (decimal)"),
    max_bet: str = typer.Option(..., help="maximum bet, in that currency (decimal)"),
    max_win: str = typer.Option("0", help="maximum win per round, 0 = no limit"),
) -> None:
    """Change the bet limits of one of the operator's currencies (3025 if it has not that
    one)."""
    from reelhouse.services import operator_currencies

    limits = _limits_minor(code, min_bet, max_bet, max_win)
    platform = open_platform()
    try:
        operator_currencies.update_bet_limits(platform, name, code, limits)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    typer.echo(f"operator {name}: {code} limits set (min_bet {min_bet}, max_bet {max_bet})")


@app.command("set-display-unit")
def set_display_unit(
    name: str,
    code: str = typer.Argument(..., help="one of the operator's currencies"),
    unit: str = typer.Argument(..., help="one of its display units (mBTC...), or none"),
) -> None:
    """Set the display unit a currency's players see and bet in by default (docs/
    operator-guide.md, "Display units"); `none`: the currency itself. Later launches show it;
    open sessions keep theirs. 3025 for a currency the operator does not offer, 1012 for a
    unit not of that currency."""
    from reelhouse.services import operator_currencies

    platform = open_platform()
    try:
        chosen = None if unit == "none" else unit
        operator_currencies.update_display_unit(platform, name, code, chosen)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    typer.echo(f"operator {name}: {code} display unit {unit}")


@app.command("set-jurisdiction")
def set_jurisdiction(
    name: str,
    code: str = typer.Argument(..., help="profile: default, uk, mt, on, de, se, nl, br"),
) -> None:
    """Set the jurisdiction profile of the operator's launches (docs/jurisdictions.md); a
    launch may still name another with `jurisdiction` or `country`."""
    from reelhouse.services import operators

    platform = open_platform()
    try:
        chosen = operators.set_jurisdiction(platform, name, code)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    typer.echo(f"operator {name}: jurisdiction {chosen}")


@app.command("set-stricter")
def set_stricter(
    name: str,
    assignments: list[str] = typer.Argument(
        None,
        metavar="RULE=VALUE...",
        help="e.g. turbo_allowed=no min_round_interval_ms=3000 (yes/no/true/false, integers)",
    ),
    clear: bool = typer.Option(False, "--clear", help="remove every stricter rule"),
) -> None:
    """Set the operator's stricter rules, replacing any before (docs/jurisdictions.md,
    "Stricter rules of an operator"): each rule is the stricter of the profile's and this,
    so it never loosens a profile. Later launches only; a live session keeps its own."""
    from reelhouse.domain import stricter_rules
    from reelhouse.services import operators

    typed = assignments or []
    if clear == bool(typed):
        message = "give RULE=VALUE pairs, or --clear alone"
        raise refused(ReelhouseError(ApiCode.PARAMETERS_INVALID, message))
    # Typed words are checked before the database is opened.
    try:
        overlay = stricter_rules.from_assignments(typed)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    platform = open_platform()
    try:
        stored = operators.set_stricter_rules(platform, name, overlay)
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
    typer.echo(f"operator {name}: stricter rules {stricter_rules.described(stored)}")


@app.command("reissue-token")
def reissue_token(
    name: str,
    callback: bool = typer.Option(False, "--callback", help="reissue the callback token instead"),
    secret_key: bool = typer.Option(
        False, "--secret-key", help="reissue the secret key instead (iGamingAce B)"
    ),
) -> None:
    """Issue a new API token (or callback token, or secret key); the old one stops working
    at once."""
    from reelhouse.services import operators

    platform = open_platform()
    try:
        if secret_key:
            key = operators.reissue_secret_key(platform, name)
            typer.echo(f"secret key (shown once): {key}")
        elif callback:
            typer.echo(f"callback token: {operators.reissue_callback_token(platform, name)}")
        else:
            typer.echo(f"API token (shown once): {operators.reissue_api_token(platform, name)}")
    except ReelhouseError as exc:
        raise refused(exc) from exc
    finally:
        platform.close()
