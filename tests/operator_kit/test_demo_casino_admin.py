"""The demo casino's admin API and ledger export."""

from __future__ import annotations

import pathlib
from typing import Any

import httpx
import pytest

from reelhouse.domain.clock import FakeClock
from reelhouse.operator_kit.demo_casino import __main__ as cli

from .casino_helpers import Provider, balance_of, bet, cancel, make_player, win


def test_create_and_read_a_player(client: httpx.Client) -> None:
    response = client.post(
        "/api/players", json={"account": "alice", "currency": "KWD", "balance": "12.5"}
    )
    assert response.status_code == 201
    expected = {
        "account": "alice",
        "currency": "KWD",
        "balance": "12.500",
        "balance_minor": 12500,
        "active": True,
    }
    assert response.json() == expected
    assert client.get("/api/players/alice").json() == expected


def test_balance_defaults_to_zero(client: httpx.Client) -> None:
    client.post("/api/players", json={"account": "bob", "currency": "JPY"})
    assert client.get("/api/players/bob").json()["balance"] == "0"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"account": "", "currency": "USD"}, 422),  # too short
        ({"account": "a" * 65, "currency": "USD"}, 422),  # too long
        ({"account": "al ice", "currency": "USD"}, 422),
        ({"account": "alice", "currency": "XXX"}, 422),
        ({"account": "alice", "currency": "USD", "balance": "1.001"}, 422),
        ({"account": "alice", "currency": "USD", "balance": "-1"}, 422),
        ({"account": "alice", "currency": "USD", "balance": "ten"}, 422),
        ({"account": "alice", "currency": "USD", "balance": 10.5}, 422),  # floats never
        ({"account": "alice", "currency": "USD", "extra": 1}, 422),
    ],
)
def test_invalid_players_are_refused(
    client: httpx.Client, payload: dict[str, Any], status: int
) -> None:
    assert client.post("/api/players", json=payload).status_code == status
    assert client.get("/api/players/alice").status_code == 404


def test_a_player_exists_once(client: httpx.Client) -> None:
    make_player(client, "alice", "1.00")
    response = client.post("/api/players", json={"account": "alice", "currency": "EUR"})
    assert response.status_code == 409
    assert client.get("/api/players/alice").json()["currency"] == "USD"


def test_deposit(client: httpx.Client) -> None:
    make_player(client, "alice", "1.00")
    response = client.post("/api/players/alice/deposit", json={"amount": "2.50"})
    assert response.json()["balance"] == "3.50"
    for bad in ("0", "-1", "0.001", "x"):
        assert client.post("/api/players/alice/deposit", json={"amount": bad}).status_code == 422
    assert client.post("/api/players/alice/deposit", json={"amount": 1}).status_code == 422
    assert client.post("/api/players/nobody/deposit", json={"amount": "1"}).status_code == 404
    assert balance_of(client, "alice") == 350


def test_activation(client: httpx.Client) -> None:
    make_player(client, "alice", "1.00")
    assert (
        client.post("/api/players/alice/active", json={"active": False}).json()["active"] is False
    )
    assert client.get("/api/players/alice").json()["active"] is False
    assert client.post("/api/players/alice/active", json={"active": "no"}).status_code == 422
    assert client.post("/api/players/nobody/active", json={"active": True}).status_code == 404


def test_unknown_player_is_404(client: httpx.Client) -> None:
    response = client.get("/api/players/nobody")
    assert response.status_code == 404
    assert response.json() == {"error": "no player 'nobody'"}


def test_the_ledger_export_by_utc_day(
    client: httpx.Client, provider: Provider, clock: FakeClock
) -> None:
    make_player(client, "alice", "100.00")
    provider.send(bet("alice", 1, 1000))  # 2026-03-01 12:00 UTC
    clock.advance(hours=11, minutes=59, seconds=59)
    provider.send(win("alice", 2, 2500, round_id=1))  # 23:59:59, still the 1st
    clock.advance(seconds=1)
    provider.send(bet("alice", 3, 700, round_id=3))  # midnight: the 2nd
    provider.send(cancel("alice", 4, 3, 700, round_id=3))
    provider.send(bet("alice", 5, 10**9, round_id=5))  # refused: no row

    first = client.get("/api/ledger", params={"date": "2026-03-01"}).json()
    assert first["date"] == "2026-03-01"
    assert first["rows"] == [
        {
            "trans_guid": "1",
            "kind": "bet",
            "account": "alice",
            "currency": "USD",
            "round_id": 1,
            "amount": "10.00",
            "amount_minor": 1000,
            "balance_before_minor": 10000,
            "balance_after_minor": 9000,
            "cancel_trans_guid": None,
            "cancelled_by": None,
            "created_at": "2026-03-01T12:00:00Z",
        },
        {
            "trans_guid": "2",
            "kind": "win",
            "account": "alice",
            "currency": "USD",
            "round_id": 1,
            "amount": "25.00",
            "amount_minor": 2500,
            "balance_before_minor": 9000,
            "balance_after_minor": 11500,
            "cancel_trans_guid": None,
            "cancelled_by": None,
            "created_at": "2026-03-01T23:59:59Z",
        },
    ]
    second = client.get("/api/ledger", params={"date": "2026-03-02"}).json()["rows"]
    assert [(r["trans_guid"], r["kind"], r["created_at"]) for r in second] == [
        ("3", "bet", "2026-03-02T00:00:00Z"),
        ("4", "cancel", "2026-03-02T00:00:00Z"),
    ]
    everything = client.get("/api/ledger").json()
    assert everything["date"] is None
    assert [r["trans_guid"] for r in everything["rows"]] == ["1", "2", "3", "4"]
    assert client.get("/api/ledger", params={"date": "2026-03-03"}).json()["rows"] == []
    assert client.get("/api/ledger", params={"date": "yesterday"}).status_code == 422


def test_the_command_line_builds_the_app_and_serves_it(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def fake_run(app: Any, host: str, port: int) -> None:
        served.update(app=app, host=host, port=port)

    monkeypatch.setattr("uvicorn.run", fake_run)
    db = tmp_path / "var" / "demo.db"
    cli.main(["--port", "8123", "--db", f"sqlite:///{db}", "--callback-token", "tok"])
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert db.exists()  # the folder was made and the tables created
    served["app"].state.casino.dispose()


def test_the_command_line_needs_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cli.TOKEN_ENV, raising=False)
    with pytest.raises(SystemExit):
        cli.main(["--db", "sqlite://"])
