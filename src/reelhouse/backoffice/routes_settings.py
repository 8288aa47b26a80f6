"""The Settings page: every change is a POST with a CSRF token, audited by the service in the
same commit. New secrets are shown once, on the page the POST answers, and never again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    PREFIX,
    BackofficeRoute,
    NotFound,
    Scope,
    accountable,
    me,
    page,
    platform_of,
    posted,
    read_form,
    refusal_text,
    scope,
)
from reelhouse.domain.errors import ReelhouseError
from reelhouse.services import backoffice_settings, fairness, ops_logs
from reelhouse.services.backoffice_users import Identity
from reelhouse.services.platform import Platform

router = APIRouter(
    prefix=f"{PREFIX}/o/{{operator_id}}", route_class=BackofficeRoute, include_in_schema=False
)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]
DEFAULT_REASON = "changed in the back office"


def _settings_page(
    request: Request, s: Scope, *, notice: str = "", error: str = "", **extra: Any
) -> Response:
    view = backoffice_settings.settings_view(platform_of(request), s.operator_id)
    watch = fairness.operator_watch(platform_of(request), s.operator_id)
    status = 400 if error else 200
    return page(
        request,
        "settings.html",
        status=status,
        scope=s,
        op=view,
        watch=watch,
        notice=notice,
        error=error,
        **extra,
    )


@router.get("/settings")
def settings(operator_id: int, identity: Me, request: Request) -> Response:
    return _settings_page(request, scope(request, identity, operator_id))


Action = Callable[[Platform, int, dict[str, str], Any], dict[str, Any]]


def _callback_url(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    backoffice_settings.set_callback_url(p, op, f.get("callback_url", ""), who)
    return {"notice": "Callback URL saved."}


def _test_callback(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    probe = backoffice_settings.test_callback(p, op, f.get("callback_url") or None)
    ops_logs.record_callback_test(p, op, probe, who.actor)
    return {"probe": probe}


def _allowed_ips(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    backoffice_settings.set_allowed_ips(p, op, f.get("allowed_ips", ""), who)
    return {"notice": "Allowed IPs saved."}


def _rtp(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    honoured = backoffice_settings.set_rtp(p, op, f.get("rtp", ""), who)
    return {"notice": f"RTP set to {honoured} %."}


def _limit_fields(f: dict[str, str]) -> tuple[str, str, str]:
    return (f.get("min_bet", ""), f.get("max_bet", ""), f.get("max_win", ""))


def _limits(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    # `currency`: which of the operator's currencies (absent: its first).
    code = f.get("currency") or None
    backoffice_settings.set_limits(p, op, _limit_fields(f), who, code)
    return {"notice": f"Bet limits and max win{f' in {code}' if code else ''} saved."}


def _add_currency(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    code = f.get("currency", "")
    unit = f.get("display_unit", "")
    backoffice_settings.add_currency(p, op, code, _limit_fields(f), who, unit)
    return {"notice": f"{code.strip()} added, with its bet limits."}


def _display_unit(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    code = f.get("currency", "")
    unit = f.get("display_unit", "").strip()
    backoffice_settings.set_display_unit(p, op, code, unit, who)
    return {"notice": f"{code}: players see {unit or code} from their next launch."}


def _single_call(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    enabled = f.get("single_call_rounds") == "on"  # an unticked box sends nothing
    backoffice_settings.set_single_call_rounds(p, op, enabled, who)
    shape = "one betwin call" if enabled else "a bet, then a win"
    return {"notice": f"Rounds now open with {shape}."}


def _dialect(p: Platform, op: int, f: dict[str, str], who: Any) -> dict[str, Any]:
    issued = backoffice_settings.set_dialect(p, op, f.get("dialect", ""), who)
    return {"notice": "Dialect saved.", "secrets": issued}


def _api_token(p: Platform, op: int, _f: dict[str, str], who: Any) -> dict[str, Any]:
    token = backoffice_settings.reissue_api_token(p, op, who)
    return {
        "notice": "New API token issued; the old one no longer works.",
        "secrets": {"api_token": token},
    }


def _callback_token(p: Platform, op: int, _f: dict[str, str], who: Any) -> dict[str, Any]:
    token = backoffice_settings.reissue_callback_token(p, op, who)
    return {"notice": "New callback token issued.", "secrets": {"callback_token": token}}


def _secret_key(p: Platform, op: int, _f: dict[str, str], who: Any) -> dict[str, Any]:
    key = backoffice_settings.reissue_secret_key(p, op, who)
    return {"notice": "New secret key issued.", "secrets": {"secret_key": key}}


ACTIONS: dict[str, Action] = {
    "callback-url": _callback_url,
    "test-callback": _test_callback,
    "allowed-ips": _allowed_ips,
    "rtp": _rtp,
    "limits": _limits,
    "add-currency": _add_currency,
    "display-unit": _display_unit,
    "dialect": _dialect,
    "single-call": _single_call,
    "api-token": _api_token,
    "callback-token": _callback_token,
    "secret-key": _secret_key,
}


@router.post("/settings/{action}")
def change(operator_id: int, action: str, identity: Me, request: Request, form: Form) -> Response:
    s = scope(request, identity, operator_id)
    posted(request, identity, form)
    run = ACTIONS.get(action)
    if run is None:
        raise NotFound
    try:
        who = accountable(identity, form.get("reason", ""), DEFAULT_REASON)
        outcome = run(platform_of(request), operator_id, form, who)
    except ReelhouseError as exc:
        return _settings_page(request, s, error=refusal_text(exc))
    return _settings_page(request, s, **outcome)
