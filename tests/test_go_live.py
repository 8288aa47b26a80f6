"""The go-live gate: `reelhouse operator approve` runs the conformance suite against the
operator's configured wallet and approves it only if every scenario passes; the Main API's
`/v4/agent/callback-test` probes the wallet. Real HTTP on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from reelhouse.api.app import create_app
from reelhouse.api.server import ServerThread, free_port
from reelhouse.api.wiring import build_platform
from reelhouse.cli import app as cli_app
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.domain.errors import ReelhouseError
from reelhouse.operator_kit.demo_casino import create_casino_app
from reelhouse.operator_kit.demo_casino.casino import CALLBACK_PATHS, Casino
from reelhouse.operator_kit.sdk import Wallet, operator_keys
from reelhouse.services import audit, go_live, operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.secrets import new_key_text

from .operator_kit.broken_wallets import DoubleDebit, broken_app
from .operator_kit.casino_helpers import serve

TESTER = "tester"
DIALECTS = ("slotcity-v4", "igamingace-a", "igamingace-b")


@dataclass
class Gate:
    platform: Platform
    casino_url: str
    env: dict[str, str]

    def add_operator(self, name: str, dialect: str, **kw: Any) -> operators.IssuedOperator:
        spec = operators.NewOperator(
            name=name,
            currency="USD",
            callback_url=kw.pop("callback_url", self.casino_url + CALLBACK_PATHS[dialect]),
            dialect=dialect,
            min_bet_minor=10,
            max_bet_minor=100_000,
            **kw,
        )
        return operators.create_operator(self.platform, spec)

    def approve(self, name: str, *args: str) -> Any:
        command = ["operator", "approve", name, "--account", TESTER, "--by", "alice", *args]
        return CliRunner().invoke(cli_app, command, env=self.env)

    def state(self, name: str) -> str:
        with self.platform.db.transaction() as session:
            return operators.find_by_name(session, name).state


def keys_of(issued: operators.IssuedOperator, name: str) -> CallbackCredentials:
    return operator_keys(issued.callback_token, issued.api_token, issued.secret_key, name)


@contextmanager
def gate(database_url: str, casino_app: Any) -> Iterator[Gate]:
    settings = Settings(
        database_url=database_url,
        secret_key=new_key_text(),
        public_base_url="http://127.0.0.1:1",
        allow_private_callbacks=True,
    )
    platform = build_platform(settings)
    env = {
        "REELHOUSE_DATABASE_URL": database_url,
        "REELHOUSE_SECRET_KEY": settings.secret_key,
        "REELHOUSE_ALLOW_PRIVATE_CALLBACKS": "1",
    }
    try:
        with serve(casino_app, lifespan="off") as casino_url:
            yield Gate(platform, casino_url, env)
    finally:
        platform.close()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_operator_is_approved_when_the_suite_passes(
    database_url: str, tmp_path: Path, dialect: str
) -> None:
    keys: dict[str, CallbackCredentials] = {}
    # System time on both sides: the approve command signs with the real clock.
    casino_app = create_casino_app(
        f"sqlite:///{tmp_path / 'casino.db'}", "unset", keys=lambda d: keys.get(d)
    )
    casino: Casino = casino_app.state.casino
    try:
        casino.create_player(TESTER, "USD", "500.00")
        with gate(database_url, casino_app) as rig:
            issued = rig.add_operator("newcomer", dialect)
            keys[dialect] = keys_of(issued, "newcomer")
            assert rig.state("newcomer") == "unapproved"
            result = rig.approve("newcomer", "--json", "--html", str(tmp_path / "report.html"))
            assert result.exit_code == 0, result.output
            assert rig.state("newcomer") == "approved"
            report = json.loads(result.stdout)
            assert report["summary"]["ok"] is True
            assert report["target"]["dialect"] == dialect
            [row] = audit.recent(rig.platform, target_id=issued.operator_id)
        # The suite puts back every minor unit it moves.
        assert casino.player(TESTER)["balance"] == "500.00"
    finally:
        casino.dispose()
    assert (row["action"], row["actor"]) == ("operator.approve", "alice")
    assert (row["before_state"], row["after_state"]) == ("unapproved", "approved")
    detail = row["detail"]
    assert detail["dialect"] == dialect and detail["failed"] == 0
    assert detail["report_sha256"] == hashlib.sha256(result.stdout.encode()).hexdigest()
    assert "conformance suite passed" in row["reason"]
    assert (tmp_path / "report.html").read_text().startswith("<!doctype html>")


def test_a_failing_wallet_stays_unapproved(database_url: str, tmp_path: Path) -> None:
    keys: dict[str, CallbackCredentials] = {}
    wallet = Wallet(f"sqlite:///{tmp_path / 'broken.db'}")
    wallet.open_account(TESTER, "USD", "500.00")
    app = broken_app(DoubleDebit(wallet), lambda: keys["slotcity-v4"], wallet.clock)
    try:
        with gate(database_url, app) as rig:
            issued = rig.add_operator("careless", "slotcity-v4")
            keys["slotcity-v4"] = keys_of(issued, "careless")
            result = rig.approve("careless")
            assert result.exit_code == 1, result.output
            assert "FAIL  spec-3-bet-twice" in result.stdout
            assert rig.state("careless") == "unapproved"
            assert audit.recent(rig.platform, target_id=issued.operator_id) == []
    finally:
        wallet.dispose()


def test_approve_refuses_unknown_and_approved_operators(database_url: str, tmp_path: Path) -> None:
    casino_app = create_casino_app(f"sqlite:///{tmp_path / 'casino.db'}", "unset")
    try:
        with gate(database_url, casino_app) as rig:
            assert rig.approve("nobody").exit_code == 2
            rig.add_operator("veteran", "slotcity-v4", approved=True)
            result = rig.approve("veteran")
            assert result.exit_code == 2 and "approved already" in result.output
    finally:
        casino_app.state.casino.dispose()


def test_approval_needs_a_passed_run_against_the_current_configuration(
    database_url: str, tmp_path: Path
) -> None:
    casino_app = create_casino_app(f"sqlite:///{tmp_path / 'casino.db'}", "unset")
    try:
        with gate(database_url, casino_app) as rig:
            issued = rig.add_operator("mover", "slotcity-v4")
            found = go_live.candidate(rig.platform, "mover")
            evidence = go_live.SuiteEvidence(
                found.endpoint.callback_url, "slotcity-v4", TESTER, 18, 0, 1, "0" * 64
            )
            who = audit.Accountable.checked("alice", "passed")
            failed = go_live.SuiteEvidence(**{**evidence.__dict__, "failed": 1})
            moved = go_live.SuiteEvidence(**{**evidence.__dict__, "callback_url": "http://x/"})
            for bad in (failed, moved):
                with pytest.raises(ReelhouseError):
                    go_live.approve(rig.platform, "mover", bad, who)
            assert rig.state("mover") == "unapproved"
            assert audit.recent(rig.platform, target_id=issued.operator_id) == []
            go_live.approve(rig.platform, "mover", evidence, who)
            assert rig.state("mover") == "approved"
    finally:
        casino_app.state.casino.dispose()


# --- /v4/agent/callback-test ------------------------------------------------------------


def call(url: str, token: str, body: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{url}/v4/agent/callback-test", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 200, answer.text
    envelope: dict[str, Any] = answer.json()
    return envelope


def test_the_callback_probe(database_url: str, tmp_path: Path) -> None:
    keys: dict[str, CallbackCredentials] = {}
    casino_app = create_casino_app(
        f"sqlite:///{tmp_path / 'casino.db'}", "unset", keys=lambda d: keys.get(d)
    )
    try:
        with gate(database_url, casino_app) as rig:
            issued = rig.add_operator("prober", "slotcity-v4")
            keys["slotcity-v4"] = keys_of(issued, "prober")
            dead = rig.add_operator(
                "gone", "slotcity-v4", callback_url=f"http://127.0.0.1:{free_port()}/callback"
            )
            server = ServerThread(create_app(rig.platform)).start()
            try:
                probe = call(server.url, issued.api_token, {})
                unreachable = call(server.url, dead.api_token, {})
                keys["slotcity-v4"] = operator_keys("another-token")
                refused = call(server.url, issued.api_token, {})
                invalid = call(server.url, issued.api_token, {"account": "x"})
                anonymous = httpx.post(f"{server.url}/v4/agent/callback-test", json={}).json()
            finally:
                server.stop()
    finally:
        casino_app.state.casino.dispose()
    assert probe["code"] == 0
    data = probe["data"]
    assert data["callback_url"] == rig.casino_url + "/callback"
    assert isinstance(data["time"], int) and data["time"] >= 0
    # No player yet: the probe account is unknown to the wallet, which proves the URL and
    # the token work (the wallet read the callback and answered in the protocol).
    assert (data["reachable"], data["outcome"]) == (True, "refused")
    assert data["detail"] == "result 21"
    assert unreachable["code"] == 0
    assert (unreachable["data"]["reachable"], unreachable["data"]["outcome"]) == (False, "unknown")
    assert (refused["data"]["outcome"], refused["data"]["detail"]) == ("refused", "result 100")
    assert invalid["code"] == 1002
    assert anonymous["code"] == 1007
