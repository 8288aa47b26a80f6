"""`reelhouse demo` aggregates the provider kit's demo supplier: registered with keys kept in
the demo's data directory (a restart reuses them), its catalogue listed beside Reelhouse's
own games, and a Spin on its game page moves the demo casino's money through the relay.
It aggregates a second Reelhouse too (SlotCity v4 dialect): made anew at every start, the
registered provider follows its new port and credentials, and a spin on its game API moves
the casino's money the same way."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from reelhouse.cli.demo import DEMO_GAME, DEMO_SUPPLIER_GAME, DemoStack, start_stack
from reelhouse.cli.demo_supplier import REELHOUSE_KEY_FILE, SUPPLIER_KEY_FILE, SUPPLIER_NAME
from reelhouse.cli.demo_upstream import UPSTREAM_NAME, upstream_game_key
from reelhouse.operator_kit.demo_bots import DemoBots
from reelhouse.provider_kit.hub88_supplier import DEMO_GAMES
from reelhouse.services import providers

PLAYER = "spinner"
# Polls of the casino's balance while the win travels through the outbox after the
# supplier's answer (a background delivery); bounded, never a time assertion.
BALANCE_POLLS = 200


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("REELHOUSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REELHOUSE_SECRET_KEY", raising=False)
    monkeypatch.delenv("REELHOUSE_DATABASE_URL", raising=False)
    return tmp_path / "data" / "demo"


def _bots(stack: DemoStack) -> DemoBots:
    return DemoBots(stack.reelhouse.url, stack.api_token, stack.casino.url)


def _casino_settles_at(bots: DemoBots, expected: Decimal) -> Decimal:
    seen = bots.casino_balance(PLAYER)
    for _ in range(BALANCE_POLLS):
        if seen == expected:
            break
        time.sleep(0.02)
        seen = bots.casino_balance(PLAYER)
    return seen


def _upstream_game_codes(stack: DemoStack, bots: DemoBots) -> set[str]:
    listed = bots.main_api("/v4/game/games", {"provider_id": stack.upstream.provider_id})
    return {g["game_code"] for g in listed}


def _spin_upstream(stack: DemoStack, bots: DemoBots, user_code: int, bet: str) -> Decimal:
    """Launches the second Reelhouse's game through the Main API and spins once on its game
    API, as a browser would; returns what the casino's balance moves by."""
    body = {"user_code": user_code, "provider_id": stack.upstream.provider_id,
            "game_symbol": upstream_game_key(DEMO_GAME)}  # fmt: skip
    url = bots.main_api("/v4/game/game-url", body)["game_url"]
    assert url.startswith(stack.upstream.server.url), url
    session = bots.session_from_url(url)
    answer = httpx.post(
        f"{stack.upstream.server.url}/api/game/spin",
        json={"bet": bet},
        headers={"Authorization": f"Bearer {session}"},
        timeout=30,
    )
    envelope = answer.json()  # amounts are decimal strings here
    assert envelope["code"] == 0, envelope
    assert Decimal(envelope["data"]["bet"]) == Decimal(bet)
    return Decimal(envelope["data"]["win"]) - Decimal(bet)


def _amount(pattern: str, page: str) -> Decimal:
    found = re.search(pattern, page)
    assert found is not None, page
    return Decimal(found.group(1))


def test_the_demo_aggregates_the_supplier_and_a_spin_moves_the_casino_money(
    demo_dir: Path,
) -> None:
    stack = start_stack(demo_dir, None, None)
    try:
        first_id = stack.supplier.provider_id
        view = providers.get_provider(stack.platform, SUPPLIER_NAME)
        assert view.enabled and view.games == len(DEMO_GAMES)
        assert view.base_url == stack.supplier.games.base_url
        bots = _bots(stack)
        listed = bots.main_api("/v4/game/all", {})
        supplier_games = {g["game_code"] for g in listed if g.get("provider_id") == first_id}
        assert supplier_games == {g.game_code for g in DEMO_GAMES}, listed
        assert any(g.get("provider_id") != first_id for g in listed)  # Reelhouse's own too
        assert upstream_game_key(DEMO_GAME) in _upstream_game_codes(stack, bots)

        user_code = bots.fund_player(PLAYER, "USD", "100.00")
        body = {"user_code": user_code, "provider_id": first_id, "game_symbol": DEMO_SUPPLIER_GAME}
        url = bots.main_api("/v4/game/game-url", body)["game_url"]
        with httpx.Client() as http:
            page = http.get(url).text
            assert "Balance: 100.00 USD" in page and "Spin" in page
            token = re.search(r"name='token' value='([^']+)'", page)
            assert token is not None
            action = f"{stack.supplier.games.base_url}/play/{DEMO_SUPPLIER_GAME}/spin"
            spun = http.post(action, data={"token": token.group(1)})
        assert spun.status_code == 200, spun.text
        bet = _amount(r"Bet (\d+\.\d\d) USD", spun.text)
        win = _amount(r"won (\d+\.\d\d) USD", spun.text)
        assert bet == Decimal("1.00")
        expected = Decimal("100.00") - bet + win
        assert _amount(r"Balance: (\d+\.\d\d) USD", spun.text) == expected
        assert _casino_settles_at(bots, expected) == expected
        bots.close()
    finally:
        stack.stop()

    # A restart reuses the kept keys and the registered provider, at the supplier's new port.
    key_files = (SUPPLIER_KEY_FILE, REELHOUSE_KEY_FILE)
    keys = {name: (demo_dir / name).read_bytes() for name in key_files}
    again = start_stack(demo_dir, None, None)
    try:
        assert again.supplier.provider_id == first_id
        names = [p.name for p in providers.list_providers(again.platform)]
        assert names == [SUPPLIER_NAME, UPSTREAM_NAME]
        assert providers.get_provider(again.platform, UPSTREAM_NAME).base_url == (
            again.upstream.server.url
        )
        view = providers.get_provider(again.platform, SUPPLIER_NAME)
        assert view.base_url == again.supplier.games.base_url
        assert keys == {name: (demo_dir / name).read_bytes() for name in keys}
        bots = _bots(again)
        launched = bots.main_api(
            "/v4/game/game-url",
            {"user_code": user_code, "provider_id": first_id, "game_symbol": DEMO_SUPPLIER_GAME},
        )
        assert launched["game_url"].startswith(again.supplier.games.base_url)
        # The second Reelhouse is new, with new credentials: the stored provider has them.
        assert upstream_game_key(DEMO_GAME) in _upstream_game_codes(again, bots)
        before = bots.casino_balance(PLAYER)
        moved = _spin_upstream(again, bots, user_code, "1.00")
        assert _casino_settles_at(bots, before + moved) == before + moved
        bots.close()
    finally:
        again.stop()
