"""The demo supplier's game page (play_page.py): a launched token's page shows the wallet's
balance and a Spin button; a spin plays one round (bet, then the drawn win) against the
aggregator's wallet and shows it; a spin for a token not launched for that game, or a form
that is not one, plays nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from reelhouse.domain.wallet import HttpAnswer
from reelhouse.provider_kit.hub88_supplier import SupplierWallet, keys
from reelhouse.provider_kit.hub88_supplier.server import SupplierGames
from reelhouse.providers import hub88_games
from reelhouse.providers.base import LaunchAnswer, LaunchRequest, Platform
from tests.provider_kit.fake_aggregator import BASE_URL, FakeAggregator
from tests.providers.hub88_samples import PRIVATE_PEM

# One sample key pair plays both sides here: the fake aggregator verifies the supplier's
# calls with its public half, and the supplier verifies Reelhouse's launch with it too.
KEY = keys.load_private_key(PRIVATE_PEM)
GAME = "demo_fruit_bonanza"
TOKEN = "launch-token-0001"


@dataclass
class Page:
    games: SupplierGames
    aggregator: FakeAggregator
    url: str  # the launch URL
    multiplier: list[int]  # what the next spins pay, times the bet

    def spin(self, token: str = TOKEN, game: str = GAME) -> httpx.Response:
        return httpx.post(f"{self.games.base_url}/play/{game}/spin", data={"token": token})


@pytest.fixture
def page() -> Iterator[Page]:
    aggregator = FakeAggregator()
    aggregator.open(TOKEN, "alice", "EUR", 10_000)
    http = aggregator.client()
    # Every spin pays three times its bet, unless a test says otherwise.
    multiplier = [3]
    games = SupplierGames(KEY.public_key(), win_draw=lambda bet, _step: multiplier[0] * bet)
    games.start()
    try:
        request = LaunchRequest(7, GAME, Platform.DESKTOP, "EUR", "alice", TOKEN, "en")
        http_request = hub88_games.encode_launch(request, games.base_url, KEY)
        sent = httpx.post(
            http_request.url, content=http_request.body, headers=dict(http_request.headers)
        )
        answer = hub88_games.decode_launch(HttpAnswer(sent.status_code, sent.content))
        assert isinstance(answer, LaunchAnswer)
        games.connect_wallet(SupplierWallet(BASE_URL, KEY, http))
        yield Page(games, aggregator, answer.url, multiplier)
    finally:
        games.stop()
        http.close()


def test_the_page_shows_the_balance_and_a_spin_moves_it(page: Page) -> None:
    opened = httpx.get(page.url)
    assert opened.status_code == 200
    assert "Balance: 100.00 EUR" in opened.text and "Spin (1.00 EUR)" in opened.text
    spun = page.spin()
    assert spun.status_code == 200
    assert "Bet 1.00 EUR, won 3.00 EUR." in spun.text
    assert "Balance: 102.00 EUR" in spun.text
    assert page.aggregator.balance_of(TOKEN) == 10_200
    kinds = [call.kind.value for call in page.aggregator.calls]
    assert kinds == ["balance", "bet", "win"]


def test_a_losing_spin_and_a_refused_bet(page: Page) -> None:
    page.multiplier[0] = 0
    assert "won 0.00 EUR" in page.spin().text
    assert page.aggregator.balance_of(TOKEN) == 9_900
    page.aggregator.open(TOKEN, "alice", "EUR", 50)  # less than one bet
    refused = page.spin()
    assert "did not settle (bet_refused, RS_ERROR_NOT_ENOUGH_MONEY)" in refused.text
    assert page.aggregator.balance_of(TOKEN) == 50


@pytest.mark.parametrize(
    ("token", "game"), [("never-launched-0001", GAME), (TOKEN, "demo_crystal_caves")]
)
def test_a_spin_for_a_token_not_launched_for_that_game_plays_nothing(
    page: Page, token: str, game: str
) -> None:
    assert page.spin(token, game).status_code == 404
    assert page.aggregator.calls == []


def test_a_spin_form_that_is_not_one_plays_nothing(page: Page) -> None:
    spin_url = f"{page.games.base_url}/play/{GAME}/spin"
    too_big = httpx.post(spin_url, content=b"token=" + b"x" * 2000)
    assert too_big.status_code == 413
    for body in (b"", b"token=a&token=b", b"\xff\xfe", b"other=1"):
        assert httpx.post(spin_url, content=body).status_code == 404, body
    assert page.aggregator.calls == []
