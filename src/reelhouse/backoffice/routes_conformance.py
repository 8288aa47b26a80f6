"""Callback API Testing: the conformance suite (operator_kit.conformance) against the
operator's configured callback URL, shown scenario by scenario with every request and answer.
A run in which every scenario the dialect's contract requires passes is the evidence the
go-live gate (services/go_live.py) needs: an unapproved operator is approved by it, with its
audit row, in one commit. Recommendations the wallet does not follow are shown apart, as
advice."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from reelhouse.backoffice.web import (
    PREFIX,
    BackofficeRoute,
    accountable,
    me,
    page,
    platform_of,
    posted,
    read_form,
    refusal_text,
    scope,
)
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.limits import PLAYER_NAME_MAX_CHARS
from reelhouse.operator_kit.conformance import Status, SuiteReport, Target, run_suite
from reelhouse.services import go_live, operators
from reelhouse.services.backoffice_users import Identity
from reelhouse.services.operators import OperatorState

router = APIRouter(
    prefix=f"{PREFIX}/o/{{operator_id}}", route_class=BackofficeRoute, include_in_schema=False
)
Me = Annotated[Identity, Depends(me)]
Form = Annotated[dict[str, str], Depends(read_form)]


@router.get("/callback-test")
def callback_test(operator_id: int, identity: Me, request: Request) -> Response:
    s = scope(request, identity, operator_id)
    found = go_live.candidate(platform_of(request), s.operator_name)
    return page(request, "callback_test.html", scope=s, candidate=found, report=None, account="")


def _evidence(report: SuiteReport, url: str, dialect: str, account: str) -> go_live.SuiteEvidence:
    document = json.dumps(report.to_dict(), indent=2)
    return go_live.SuiteEvidence(
        url,
        dialect,
        account,
        report.count(Status.PASSED),
        report.count(Status.FAILED),
        report.count(Status.SKIPPED),
        hashlib.sha256(document.encode("utf-8")).hexdigest(),
        report.count(Status.ADVICE),
    )


@router.post("/callback-test")
def run_callback_test(operator_id: int, identity: Me, request: Request, form: Form) -> Response:
    s = scope(request, identity, operator_id)
    posted(request, identity, form)
    platform = platform_of(request)
    account = form.get("account", "").strip()[:PLAYER_NAME_MAX_CHARS]
    found = go_live.candidate(platform, s.operator_name)
    if not account:
        return page(
            request, "callback_test.html", status=400, scope=s, candidate=found, report=None,
            account="", error="name the funded test account your wallet provides",
        )  # fmt: skip
    endpoint = found.endpoint
    try:
        # Checked when it was saved; checked again, since its name may resolve elsewhere now
        # and this page shows the answers (the suite's own client does not pin addresses).
        operators.check_callback_url(platform, endpoint.callback_url)
    except ReelhouseError as exc:
        return page(
            request, "callback_test.html", status=400, scope=s, candidate=found, report=None,
            account=account, error=refusal_text(exc),
        )  # fmt: skip
    credentials = CallbackCredentials(
        endpoint.callback_url,
        endpoint.callback_token,
        endpoint.api_token,
        endpoint.secret_key,
        endpoint.agent_id,
    )
    report = run_suite(Target(credentials, endpoint.dialect, account, found.currency))
    notice, error = "", ""
    if not report.passed:
        error = "The suite did not pass: the operator stays as it is."
    elif found.state == OperatorState.UNAPPROVED:
        evidence = _evidence(report, endpoint.callback_url, endpoint.dialect, account)
        summary = (
            f"conformance suite passed ({evidence.passed} passed, {evidence.skipped} n/a, "
            f"{evidence.advice} recommendation(s) not followed)"
        )
        try:
            go_live.approve(
                platform, s.operator_name, evidence, accountable(identity, summary, summary)
            )
            notice = (
                "Every scenario the contract requires passed: the operator is approved for "
                "real play."
            )
        except ReelhouseError as exc:
            error = refusal_text(exc)
    else:
        notice = "Every required scenario passed (the operator was approved already)."
    found = go_live.candidate(platform, s.operator_name)
    return page(
        request, "callback_test.html", scope=s, candidate=found, report=report, account=account,
        notice=notice, error=error,
    )  # fmt: skip
