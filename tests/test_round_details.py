"""`/v4/game/round-details` and the public round page over real HTTP: the URL works without
login, carries at least 128 bits no one can guess, shows the round as the player saw it (grid,
wins, feature, bet, win, balances, time, variant, math hash, replay check) and nothing of any
other round; any other link, and any round that is not the caller's, reveals nothing."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from reelhouse.games import catalogue, engine
from reelhouse.games.rng import SeededRng
from reelhouse.services import round_details
from reelhouse.store.models import Operator, Round, WalletCall
from tests.harness import GAME, Stack, running_stack

FEATURE_GAME = "emerald-temple"


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    with running_stack(database_url, tmp_path) as running:
        yield running


def open_session(
    stack: Stack, name: str, game: str = GAME, balance: str = "100.00", token: str | None = None
) -> tuple[int, str]:
    httpx.post(
        f"{stack.casino.url}/api/players",
        json={"account": name, "currency": "USD", "balance": balance},
    )
    user = int(stack.call("/v4/user/create", {"name": name}, token=token)["data"]["user_code"])
    body = {"user_code": user, "provider_id": 1, "game_symbol": game, "lang": "en"}
    answer = httpx.get(stack.call("/v4/game/game-url", body, token=token)["data"]["game_url"])
    assert answer.status_code == 303
    return user, str(answer.headers["location"]).rsplit("/", 1)[1]


def spin(stack: Stack, token: str, bet: str = "1.00") -> dict[str, Any]:
    answer = httpx.post(
        f"{stack.reelhouse.url}/api/game/spin",
        json={"bet": bet},
        headers={"Authorization": f"Bearer {token}"},
    )
    envelope: dict[str, Any] = answer.json()
    return envelope


def details(stack: Stack, token: str | None = None, **body: Any) -> dict[str, Any]:
    return stack.call("/v4/game/round-details", body, token=token)


def url_of(stack: Stack, user: int, round_id: int, game: str = GAME) -> str:
    answer = details(stack, user_code=user, round_id=round_id, provider_id=1, game_code=game)
    assert answer["code"] == 0, answer
    url: str = answer["data"]["url"]
    return url


def casino_rows(stack: Stack, round_id: int) -> list[dict[str, Any]]:
    rows = httpx.get(f"{stack.casino.url}/api/ledger").json()["rows"]
    return [r for r in rows if str(r["round_id"]) == str(round_id)]


def stored(stack: Stack, round_id: int) -> Round:
    with stack.platform.db.transaction() as db:
        round_ = db.get(Round, round_id)
        assert round_ is not None
        return round_


def test_the_url_opens_a_public_page_of_the_round_as_the_player_saw_it(stack: Stack) -> None:
    user, token = open_session(stack, "alice")
    spin(stack, token)
    data = spin(stack, token)["data"]
    round_id = data["round_id"]
    url = url_of(stack, user, round_id)
    assert url.startswith(f"{stack.platform.settings.public_base_url}/round/{round_id}/")
    page = httpx.get(url)  # no Authorization header: no login
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "script" not in page.headers["content-security-policy"]
    text = page.text
    game = catalogue.get_game(GAME)
    assert game is not None
    round_ = stored(stack, round_id)
    for column in data["outcome"]["base"]["grid"]:
        for symbol in column:
            assert f">{game.symbols[symbol].code}</td>" in text
    for line in data["outcome"]["base"]["lines"]:
        assert f"Line {line['line'] + 1}: {line['count']} x " in text
    bet, win = casino_rows(stack, round_id)
    assert f"<th>Bet</th><td>{data['bet']} USD" in text
    assert f"<th>Win</th><td>{data['win']} USD" in text
    before = Decimal(bet["balance_before_minor"]) / 100
    after = Decimal(win["balance_after_minor"]) / 100
    assert f"<th>Balance before</th><td>{before:.2f} USD" in text
    assert f"<th>Balance after</th><td>{after:.2f} USD" in text
    assert stack.clock.now().strftime("%Y-%m-%d %H:%M:%S") in text
    assert "<th>RTP variant</th><td>96 %" in text
    assert round_.math_hash in text and round_.rng_version in text
    assert "Replay verified" in text and "not verified" not in text


def test_the_link_carries_256_bits_and_every_other_link_is_the_same_404(stack: Stack) -> None:
    user, token = open_session(stack, "alice")
    first = spin(stack, token)["data"]["round_id"]
    second = spin(stack, token)["data"]["round_id"]
    url = url_of(stack, user, first)
    base, round_text, mac = url.rsplit("/", 2)
    assert round_text == str(first)
    assert len(base64.urlsafe_b64decode(mac + "=")) == 32  # 256 bits, far above 128
    assert url_of(stack, user, first) == url  # one link per round, nothing stored
    other_mac = url_of(stack, user, second).rsplit("/", 1)[1]
    assert other_mac != mac
    flipped = mac[:-2] + ("A" if mac[-2] != "A" else "B") + mac[-1]
    forged = [
        f"{base}/{second}/{mac}",  # a real token, another round
        f"{base}/{first}/{other_mac}",
        f"{base}/{first}/{flipped}",
        f"{base}/{first}/{mac[:-1]}",
        f"{base}/0{first}/{mac}",  # another spelling of the id
        f"{base}/{first + 1}/{mac}",
        f"{base}/abc/{mac}",
        f"{base}/{first}/",
    ]
    refusals = [httpx.get(link) for link in forged]
    assert {r.status_code for r in refusals} == {404}
    assert len({r.text for r in refusals[:-1]}) == 1  # one page for all: nothing to learn
    assert str(first) not in refusals[0].text


def test_the_page_shows_nothing_of_other_rounds(stack: Stack) -> None:
    user, token = open_session(stack, "alice")
    _, bob = open_session(stack, "bob")
    mine = spin(stack, token)["data"]["round_id"]
    others = [spin(stack, token)["data"]["round_id"] for _ in range(3)]
    others += [spin(stack, bob)["data"]["round_id"] for _ in range(2)]
    text = httpx.get(url_of(stack, user, mine)).text
    with stack.platform.db.transaction() as db:
        calls = list(db.scalars(select(WalletCall)))
    assert str(mine) in text
    for call in calls:
        assert (str(call.id) in text) == (call.round_id == mine)
    for other in others:
        assert str(other) not in text
    assert "bob" not in text and "alice" not in text  # no player names on a public page


def test_round_details_codes(stack: Stack) -> None:
    user, token = open_session(stack, "alice")
    round_id = spin(stack, token)["data"]["round_id"]
    bob, _ = open_session(stack, "bob")
    good = {"user_code": user, "round_id": round_id, "provider_id": 1, "game_code": GAME}
    assert details(stack, **good)["code"] == 0
    not_found = [
        {"round_id": round_id + 1},
        {"round_id": 0},
        {"round_id": -5},
        {"round_id": 2**63 - 1},
        {"user_code": bob},  # another of my players
        {"user_code": 1},
        {"game_code": "dragon-hoard"},
        {"game_code": "no-such-game"},
    ]
    for change in not_found:
        answer = details(stack, **(good | change))
        assert (answer["code"], answer["data"]) == (2013, None), change
    assert details(stack, **(good | {"provider_id": 7}))["code"] == 2007
    # Beyond 64 bits is no integer the API takes (docs/security.md, "Bad input"): 1002.
    too_long = ({"round_id": 2**63}, {"round_id": 2**80})
    for broken in ({"round_id": "-5"}, {"round_id": "5x"}, {"game_code": None}, *too_long):
        assert details(stack, **(good | broken))["code"] == 1002
    # The contract's forms: round_id as text (as the feed sends it), ids as text, unknown
    # fields ignored; the same page.
    same = details(
        stack, **(good | {"round_id": str(round_id), "user_code": str(good["user_code"])})
    )
    assert same == details(stack, **good)
    assert details(stack, **(good | {"extra": 1})) == details(stack, **good)
    assert details(stack, **{k: v for k, v in good.items() if k != "round_id"})["code"] == 1002
    assert details(stack, token="wrong", **good)["code"] == 1009
    bare = httpx.post(f"{stack.reelhouse.url}/v4/game/round-details", json=good).json()
    assert bare["code"] == 1007


def test_another_operators_round_is_not_found_whatever_ids_are_sent(stack: Stack) -> None:
    other_token, other_id = stack.add_operator("casino_two")
    with stack.platform.db.transaction() as db:
        operator = db.get(Operator, other_id)
        assert operator is not None
        operator.callback_token_sealed = stack.platform.sealer.seal(stack.callback_token)
    zoe, zoe_token = open_session(stack, "zoe", token=other_token)
    theirs = spin(stack, zoe_token)["data"]["round_id"]
    user, token = open_session(stack, "alice")
    mine = spin(stack, token)["data"]["round_id"]
    for user_code, round_id in ((zoe, theirs), (user, theirs), (zoe, mine)):
        body = {"user_code": user_code, "round_id": round_id, "provider_id": 1}
        assert details(stack, game_code=GAME, **body)["code"] == 2013
    # ... and the other operator sees its own, not mine.
    assert (
        details(stack, other_token, user_code=zoe, round_id=theirs, provider_id=1, game_code=GAME)[
            "code"
        ]
        == 0
    )
    assert (
        details(stack, other_token, user_code=user, round_id=mine, provider_id=1, game_code=GAME)[
            "code"
        ]
        == 2013
    )


def test_the_free_spins_feature_is_shown_spin_by_spin(stack: Stack) -> None:
    game = catalogue.get_game(FEATURE_GAME)
    assert game is not None
    bet_minor = 200
    seed = next(
        s for s in range(10_000) if engine.play(game, 96, bet_minor, SeededRng(s)).free_spins
    )
    stack.platform.game_rng = lambda: SeededRng(seed)
    user, token = open_session(stack, "alice", game=FEATURE_GAME, balance="50.00")
    data = spin(stack, token, bet="2.00")["data"]
    feature = data["outcome"]["free_spins"]
    text = httpx.get(url_of(stack, user, data["round_id"], game=FEATURE_GAME)).text
    assert "<h2>Base spin</h2>" in text
    scatter = data["outcome"]["base"]["scatter"]
    assert f", {scatter['free_spins']} free spins:" in text
    for number in range(1, len(feature) + 1):
        assert f"Free spin {number} of {len(feature)} (wins x" in text
    assert len(re.findall(r"<table class='grid'>", text)) == 1 + len(feature)
    assert "Replay verified" in text


def test_a_refused_round_shows_why_and_no_outcome(stack: Stack) -> None:
    user, token = open_session(stack, "alice", balance="0.50")
    refused = spin(stack, token, bet="1.00")
    assert refused["code"] == 2006
    with stack.platform.db.transaction() as db:
        (round_,) = db.scalars(select(Round))
    text = httpx.get(url_of(stack, user, round_.id)).text
    assert "The casino refused the bet: the round was not played." in text
    assert "<table class='grid'>" not in text
    assert "None acknowledged by the casino" in text


def test_a_round_whose_draws_were_altered_is_not_verified(stack: Stack) -> None:
    user, token = open_session(stack, "alice")
    round_id = spin(stack, token)["data"]["round_id"]
    with stack.platform.db.transaction() as db:
        round_ = db.get(Round, round_id)
        assert round_ is not None
        # One draw more than the outcome used: the replay cannot reproduce this record.
        round_.draws_json = json.dumps([*json.loads(round_.draws_json), 0])
    text = httpx.get(url_of(stack, user, round_id)).text
    assert "Replay not verified" in text and "Replay verified" not in text


def test_round_view_for_the_back_office(stack: Stack) -> None:
    user, token = open_session(stack, "alice")
    data = spin(stack, token)["data"]
    # Read through the service at once: the round's acknowledged win is written first (a
    # moment later it would be anyway, dispatch/ack_batch.py).
    stack.platform.wallet.write_pending_acks()
    view = round_details.round_view(stack.platform, data["round_id"])
    assert view is not None
    assert (view.round_id, view.user_code, view.operator_id) == (
        data["round_id"],
        user,
        stack.operator_id,
    )
    assert (view.bet, view.win, view.state, view.replay_verified) == (
        data["bet"],
        data["win"],
        "settled",
        True,
    )
    assert [t["trans_type"] for t in view.transactions] == [1, 2]
    assert round_details.round_view(stack.platform, data["round_id"] + 1) is None


def test_a_round_is_still_shown_after_six_months(stack: Stack) -> None:
    user, token = open_session(stack, "alice")
    round_id = spin(stack, token)["data"]["round_id"]
    url = url_of(stack, user, round_id)
    stack.clock.advance(days=200)  # nothing purges rounds or their transactions
    assert url_of(stack, user, round_id) == url
    page = httpx.get(url)
    assert page.status_code == 200 and "Replay verified" in page.text
    assert "<th>trans_id</th>" in page.text
