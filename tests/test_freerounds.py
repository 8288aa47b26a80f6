"""Free rounds over real HTTP against the demo casino: `/v4/game/freeround/start|cancel`, the
game client playing a grant, and the service the iGamingAce facades call. A grant of N plays
exactly N rounds without a debit, credits their wins, and cannot be used after expiry or
cancel, by another player or in another game; the last free round cannot be taken twice."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from reelhouse.dialects.base import CallbackCredentials
from reelhouse.dialects.slotcity_v4 import encode_command
from reelhouse.domain.clock import unix_ms
from reelhouse.domain.errors import ReelhouseError
from reelhouse.domain.states import CallState, RoundState
from reelhouse.services import freerounds, rounds
from reelhouse.store.models import FreeRoundGrant, Operator, Round, WalletCall
from reelhouse.store.outbox import command_for
from tests.faults import DROP, FaultTransport, drain, faulty_stack
from tests.harness import GAME, Stack

OTHER_GAME = "dragon-hoard"


@pytest.fixture
def rig(database_url: str, tmp_path: Path) -> Iterator[tuple[Stack, FaultTransport]]:
    with faulty_stack(database_url, tmp_path) as pair:
        yield pair


@pytest.fixture
def stack(rig: tuple[Stack, FaultTransport]) -> Stack:
    return rig[0]


# --- helpers -------------------------------------------------------------------------------


def player(stack: Stack, name: str, balance: str = "100.00", token: str | None = None) -> int:
    """The player at the casino (with money) and in Reelhouse; returns its user_code."""
    httpx.post(
        f"{stack.casino.url}/api/players",
        json={"account": name, "currency": "USD", "balance": balance},
    )
    answer = stack.call("/v4/user/create", {"name": name}, token=token)
    return int(answer["data"]["user_code"])


def session(stack: Stack, user_code: int, game: str = GAME, token: str | None = None) -> str:
    """Open a game session through the launch URL (its 303), as a browser would."""
    body = {"user_code": user_code, "provider_id": 1, "game_symbol": game, "lang": "en"}
    url = stack.call("/v4/game/game-url", body, token=token)["data"]["game_url"]
    answer = httpx.get(url)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"]).rsplit("/", 1)[1]


def expiry_ms(stack: Stack, **ahead: float) -> int:
    return unix_ms(stack.clock.now() + dt.timedelta(**ahead))


def start(stack: Stack, token: str | None = None, **fields: Any) -> dict[str, Any]:
    """POST the body with Decimals as bare JSON numbers, exactly as written (0.50)."""
    text = json.dumps(fields, default=lambda value: f"@number:{value}")
    text = re.sub(r'"@number:([-0-9.]+)"', r"\1", text)
    answer = httpx.post(
        f"{stack.reelhouse.url}/v4/game/freeround/start",
        content=text,
        headers={"Authorization": f"Bearer {token or stack.api_token}"},
    )
    envelope: dict[str, Any] = answer.json()
    return envelope


def grant(stack: Stack, user_code: int, rounds_: int = 3, bet: Any = "0.50", **more: Any) -> int:
    body = {
        "user_code": user_code,
        "provider_id": 1,
        "game_code": GAME,
        "bet": bet,
        "rounds": rounds_,
        "expirationDate": expiry_ms(stack, hours=1),
    } | more
    answer = start(stack, **body)
    assert answer["code"] == 0, answer
    return int(answer["data"]["fr_id"])


def spin(stack: Stack, token: str, bet: str = "0.50", fr_id: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"bet": bet}
    if fr_id is not None:
        body["free_round_id"] = fr_id
    answer = httpx.post(
        f"{stack.reelhouse.url}/api/game/spin",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    envelope: dict[str, Any] = answer.json()
    return envelope


def state(stack: Stack, token: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{stack.reelhouse.url}/api/game/state", headers={"Authorization": f"Bearer {token}"}
    )
    data: dict[str, Any] = answer.json()["data"]
    return data


def ledger(stack: Stack) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    return rows


def balance(stack: Stack, name: str) -> Decimal:
    return Decimal(httpx.get(f"{stack.casino.url}/api/players/{name}").json()["balance"])


def grant_row(stack: Stack, fr_id: int) -> FreeRoundGrant:
    with stack.platform.db.transaction() as db:
        row = db.get(FreeRoundGrant, fr_id)
        assert row is not None
        return row


def rounds_of(stack: Stack, fr_id: int) -> list[Round]:
    with stack.platform.db.transaction() as db:
        return list(db.scalars(select(Round).where(Round.free_round_id == fr_id)))


def count_grants(stack: Stack) -> int:
    with stack.platform.db.transaction() as db:
        return int(db.scalar(select(func.count()).select_from(FreeRoundGrant)) or 0)


def second_operator(stack: Stack) -> str:
    """Another agent on the same demo casino (which knows one callback token)."""
    token, operator_id = stack.add_operator("casino_two")
    with stack.platform.db.transaction() as db:
        operator = db.get(Operator, operator_id)
        assert operator is not None
        operator.callback_token_sealed = stack.platform.sealer.seal(stack.callback_token)
    return token


# --- start ---------------------------------------------------------------------------------


def test_start_returns_an_fr_id_and_the_player_sees_the_grant(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    assert state(stack, token)["free_rounds"] is None
    fr_id = grant(stack, user, rounds_=5, bet=Decimal("0.50"))
    offer = state(stack, token)["free_rounds"]
    assert int(offer["fr_id"]) == fr_id  # text: a 63-bit id does not survive a JS number
    assert (offer["remaining"], offer["total"], offer["bet"]) == (5, 5, "0.50")
    row = grant_row(stack, fr_id)
    assert (row.bet_minor, row.rounds_total, row.rounds_used, row.game_code) == (50, 5, 0, GAME)


def test_start_accepts_the_bet_as_a_json_number_or_decimal_text(stack: Stack) -> None:
    user = player(stack, "alice")
    for bet in (1, "1.00", Decimal("1.0")):
        assert grant_row(stack, grant(stack, user, bet=bet)).bet_minor == 100


def test_every_refused_start_has_its_code_and_changes_nothing(stack: Stack) -> None:
    user = player(stack, "alice")
    other_token = second_operator(stack)
    theirs = player(stack, "zoe", token=other_token)
    good = {
        "user_code": user,
        "provider_id": 1,
        "game_code": GAME,
        "bet": "0.50",
        "rounds": 3,
        "expirationDate": expiry_ms(stack, hours=1),
    }
    cases: list[tuple[dict[str, Any], int]] = [
        ({"user_code": 1}, 2002),
        ({"user_code": theirs}, 1010),
        ({"provider_id": 2}, 2007),
        ({"game_code": "no-such-game"}, 2003),
        ({"bet": "0.505"}, 1012),  # more decimals than USD has
        ({"bet": "0.13"}, 1012),  # not a multiple of the game's bet step (0.05)
        ({"bet": "0.05"}, 1012),  # below the agent's min bet (0.10)
        ({"bet": "1000.05"}, 1012),  # above the agent's max bet (1000.00)
        ({"bet": "-0.50"}, 1012),
        ({"bet": "abc"}, 1012),
        ({"rounds": 0}, 1012),
        ({"rounds": 1001}, 1012),
        ({"expirationDate": expiry_ms(stack, minutes=29, seconds=59)}, 1012),
        ({"expirationDate": expiry_ms(stack, days=367)}, 1012),
        # The JSON reader refuses integers beyond 64 bits (docs/security.md, "Bad input").
        ({"expirationDate": 10**20}, 1002),
        ({"rounds": "3"}, 1002),
        ({"bet": True}, 1002),
        ({"user_code": "12x"}, 1002),  # an id as text: digits only
    ]
    for change, code in cases:
        answer = start(stack, **(good | change))
        assert answer["code"] == code, (change, answer)
    missing = {k: v for k, v in good.items() if k != "bet"}
    assert start(stack, **missing)["code"] == 1002
    assert start(stack, token="nope", **good)["code"] == 1009
    assert count_grants(stack) == 0
    # The edges that pass: exactly 30 minutes ahead, 1 and 1000 rounds, min and max bet.
    edges = [
        {"expirationDate": expiry_ms(stack, minutes=30)},
        {"rounds": 1},
        {"rounds": 1000},
        {"bet": "0.10"},
        {"bet": "1000.00"},
    ]
    for change in edges:
        assert start(stack, **(good | change))["code"] == 0, change


# --- playing a grant -------------------------------------------------------------------------


def test_a_grant_of_n_plays_exactly_n_rounds_without_a_debit(stack: Stack) -> None:
    user = player(stack, "alice", balance="10.00")
    token = session(stack, user)
    fr_id = grant(stack, user, rounds_=4)
    before = balance(stack, "alice")
    wins = Decimal(0)
    for left in (3, 2, 1, 0):
        answer = spin(stack, token, fr_id=fr_id)
        assert answer["code"] == 0, answer
        data = answer["data"]
        assert (data["state"], data["bet"], data["free_round_id"]) == ("settled", "0.50", fr_id)
        wins += Decimal(data["win"])
        offer = state(stack, token)["free_rounds"]
        assert (offer["remaining"] if offer else 0) == left
    refused = spin(stack, token, fr_id=fr_id)
    assert refused["code"] == 2012, refused
    played = rounds_of(stack, fr_id)
    assert len(played) == 4 and grant_row(stack, fr_id).rounds_used == 4
    assert balance(stack, "alice") == before + wins  # no debit, every win credited
    round_ids = {str(r.id) for r in played}
    mine = [row for row in ledger(stack) if str(row["round_id"]) in round_ids]
    assert sorted(row["kind"] for row in mine) == ["win"] * 4  # one win each, 0 on a loss
    assert sum(Decimal(row["amount"]) for row in mine) == wins
    with stack.platform.db.transaction() as db:
        kinds = db.scalars(
            select(WalletCall.kind).where(WalletCall.round_id.in_([r.id for r in played]))
        )
        assert sorted(kinds) == ["win"] * 4  # no bet call was ever written


def test_a_free_round_win_names_its_grant_in_the_slotcity_callback(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    fr_id = grant(stack, user)
    free = spin(stack, token, fr_id=fr_id)["data"]["round_id"]
    paid = spin(stack, token, bet="1.00")["data"]["round_id"]
    credentials = CallbackCredentials("http://wallet.invalid/cb", "token")
    sent: dict[int, list[dict[str, Any]]] = {}
    with stack.platform.db.transaction() as db:
        for round_id in (free, paid):
            calls = db.scalars(select(WalletCall).where(WalletCall.round_id == round_id))
            sent[round_id] = [
                json.loads(encode_command(command_for(db, c), credentials, 0).body) for c in calls
            ]
    assert [(c["command"], c["data"]["call_id"]) for c in sent[free]] == [("win", fr_id)]
    assert [(c["command"], c["data"]["call_id"]) for c in sent[paid]] == [("bet", 0), ("win", 0)]


def test_a_free_round_win_that_fails_is_retried_like_any_win(
    rig: tuple[Stack, FaultTransport],
) -> None:
    stack, transport = rig
    user = player(stack, "alice")
    token = session(stack, user)
    fr_id = grant(stack, user, rounds_=1)
    transport.fail("win", DROP)
    answer = spin(stack, token, fr_id=fr_id)
    assert answer["code"] == 0 and answer["data"]["state"] == "debited"
    assert not answer["data"]["win_credited"]
    # The free round's win went out once: its retries do not hold the next round.
    assert spin(stack, token, bet="1.00")["code"] == 0
    transport.heal()
    stack.clock.advance(minutes=5)
    drain(stack)
    (played,) = rounds_of(stack, fr_id)
    assert played.state == RoundState.SETTLED
    with stack.platform.db.transaction() as db:
        (win,) = db.scalars(select(WalletCall).where(WalletCall.round_id == played.id))
        assert (win.kind, win.state, win.amount_minor) == ("win", CallState.ACKED, played.win_minor)
        assert win.attempts == 2


def test_a_grant_is_bound_to_its_player_and_its_game(stack: Stack) -> None:
    alice = player(stack, "alice")
    bob = player(stack, "bob")
    fr_id = grant(stack, alice)
    bob_token = session(stack, bob)
    assert spin(stack, bob_token, fr_id=fr_id)["code"] == 2020
    elsewhere = session(stack, alice, game=OTHER_GAME)
    assert spin(stack, elsewhere, bet="0.50", fr_id=fr_id)["code"] == 2020
    assert state(stack, elsewhere)["free_rounds"] is None
    assert state(stack, bob_token)["free_rounds"] is None
    assert spin(stack, bob_token, fr_id=123)["code"] == 2020
    assert grant_row(stack, fr_id).rounds_used == 0 and rounds_of(stack, fr_id) == []


def test_a_free_round_plays_at_the_granted_bet_only(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    fr_id = grant(stack, user, bet="0.50")
    assert spin(stack, token, bet="1.00", fr_id=fr_id)["code"] == 1012
    assert spin(stack, token, bet="0.5x", fr_id=fr_id)["code"] == 1012
    assert grant_row(stack, fr_id).rounds_used == 0
    assert spin(stack, token, bet="0.5", fr_id=fr_id)["code"] == 0


def test_a_grant_cannot_be_used_after_it_expired(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    fr_id = grant(stack, user, expirationDate=expiry_ms(stack, minutes=40))
    stack.clock.advance(minutes=39, seconds=59)
    assert spin(stack, token, fr_id=fr_id)["code"] == 0
    stack.clock.advance(seconds=1)
    assert state(stack, token)["free_rounds"] is None
    assert spin(stack, token, fr_id=fr_id)["code"] == 2012
    assert grant_row(stack, fr_id).rounds_used == 1


# --- cancel --------------------------------------------------------------------------------


def cancel(stack: Stack, fr_id: Any, token: str | None = None) -> dict[str, Any]:
    return stack.call("/v4/game/freeround/cancel", {"fr_id": fr_id}, token=token)


def test_cancel_withdraws_an_unplayed_grant(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    fr_id = grant(stack, user)
    assert cancel(stack, fr_id) == {"code": 0, "message": None, "data": {}}
    assert state(stack, token)["free_rounds"] is None
    assert spin(stack, token, fr_id=fr_id)["code"] == 2012
    assert cancel(stack, fr_id)["code"] == 0  # again: nothing changes
    assert grant_row(stack, fr_id).state == "cancelled" and rounds_of(stack, fr_id) == []


def test_cancel_codes(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    started = grant(stack, user)
    assert spin(stack, token, fr_id=started)["code"] == 0
    refused = cancel(stack, started)
    assert refused["code"] == 2012 and "started" in refused["message"]
    assert grant_row(stack, started).state == "active"
    assert spin(stack, token, fr_id=started)["code"] == 0  # still playable
    expired = grant(stack, user, expirationDate=expiry_ms(stack, minutes=31))
    stack.clock.advance(minutes=31)
    assert cancel(stack, expired)["code"] == 2012
    for unknown in (0, -1, 12345, 2**63 - 1):
        assert cancel(stack, unknown)["code"] == 2020
    assert cancel(stack, 2**70)["code"] == 1002  # beyond 64 bits: no integer the API takes
    other_token = second_operator(stack)
    assert cancel(stack, started, token=other_token)["code"] == 2020  # not theirs to know
    assert cancel(stack, "1")["code"] == 2020  # an id as text is read as the number
    assert cancel(stack, "-1")["code"] == 1002  # text ids are digits only
    assert cancel(stack, str(2**70))["code"] == 1002
    assert stack.call("/v4/game/freeround/cancel", {}, token=other_token)["code"] == 1002


# --- the service the iGamingAce facades call -----------------------------------------------


def test_grants_by_the_operators_own_id(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    platform, operator_id = stack.platform, stack.operator_id
    request = freerounds.GrantRequest(
        user_code=user,
        provider_id=1,
        game_code=GAME,
        bet_minor=50,
        rounds=2,
        expires_at=stack.clock.now() + dt.timedelta(hours=2),
        external_id="issue-42",
    )
    view = freerounds.grant(platform, operator_id, request)
    assert view.external_id == "issue-42" and view.remaining == 2
    with pytest.raises(ReelhouseError) as double:
        freerounds.grant(platform, operator_id, request)
    assert double.value.code == 2011
    assert freerounds.find(platform, operator_id, external_id="issue-42").fr_id == view.fr_id
    assert [g.fr_id for g in freerounds.active_grants(platform, operator_id, user)] == [view.fr_id]
    assert spin(stack, token, fr_id=view.fr_id)["code"] == 0
    with stack.platform.db.transaction() as db:
        (call,) = db.scalars(
            select(WalletCall).join(Round).where(Round.free_round_id == view.fr_id)
        )
        command = command_for(db, call)
    assert (command.free_round_id, command.free_round_ref) == (view.fr_id, "issue-42")
    assert command.bet_trans_id is None  # no bet: iGamingAce B's Deposit has nothing to refer to
    with pytest.raises(ReelhouseError) as started:
        freerounds.cancel(platform, operator_id, external_id="issue-42")
    assert started.value.code == 2012
    with pytest.raises(ReelhouseError) as unknown:
        freerounds.find(platform, operator_id, external_id="issue-43")
    assert unknown.value.code == 2020
    bad = dict(vars(request)) | {"external_id": "has space"}
    with pytest.raises(ReelhouseError) as invalid:
        freerounds.grant(platform, operator_id, freerounds.GrantRequest(**bad))
    assert invalid.value.code == 1012


def test_a_grants_own_win_cap_limits_what_it_pays_in_total(stack: Stack) -> None:
    user = player(stack, "alice")
    token = session(stack, user)
    view = freerounds.grant(
        stack.platform,
        stack.operator_id,
        freerounds.GrantRequest(
            user_code=user,
            provider_id=1,
            game_code=GAME,
            bet_minor=100,
            rounds=40,
            expires_at=stack.clock.now() + dt.timedelta(hours=2),
            win_cap_minor=150,
        ),
    )
    for _ in range(40):
        assert spin(stack, token, bet="1.00", fr_id=view.fr_id)["code"] == 0
    played = rounds_of(stack, view.fr_id)
    paid = sum(r.win_minor for r in played)
    awarded = sum(r.awarded_win_minor or 0 for r in played)
    assert paid == min(awarded, 150) and grant_row(stack, view.fr_id).won_minor == paid
    assert all(r.win_capped == (r.win_minor < (r.awarded_win_minor or 0)) for r in played)


# --- the last free round, taken twice at once ----------------------------------------------


def test_the_last_free_round_is_played_once_under_concurrency(stack: Stack) -> None:
    """Several spins at once, from two sessions of the same player, for a grant with one
    round left: exactly one free round is played (threads; SQLite and PostgreSQL)."""
    user = player(stack, "alice")
    tokens = [session(stack, user), session(stack, user)]
    fr_id = grant(stack, user, rounds_=2)
    assert spin(stack, tokens[0], fr_id=fr_id)["code"] == 0
    contenders = 6
    barrier = threading.Barrier(contenders)
    outcomes: list[int] = []
    lock = threading.Lock()

    def take(n: int) -> None:
        barrier.wait()
        try:
            rounds.spin(stack.platform, tokens[n % 2], "0.50", fr_id)
            code = 0
        except ReelhouseError as exc:
            code = int(exc.code)
        with lock:
            outcomes.append(code)

    threads = [threading.Thread(target=take, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes.count(0) == 1, outcomes
    assert set(outcomes) - {0} <= {2012, 3002}, outcomes  # used up, or the round in flight
    assert len(rounds_of(stack, fr_id)) == 2
    assert grant_row(stack, fr_id).rounds_used == 2
