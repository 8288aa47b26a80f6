"""`SupplierGames`: Reelhouse's own requests (encoded by its codec, signed with the
aggregator's key) are answered in forms the codec reads; unsigned or badly signed requests
are refused 401 before anything is read; the catalogue changes at run time."""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import httpx
import pytest

from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.provider_kit.hub88_supplier import keys
from reelhouse.provider_kit.hub88_supplier.catalogue import Prepaid, SupplierGame
from reelhouse.provider_kit.hub88_supplier.server import SupplierGames
from reelhouse.providers import hub88_games
from reelhouse.providers.base import (
    Catalogue,
    FreeRoundGrant,
    FreeRoundGranted,
    FreeRoundOffers,
    LaunchAnswer,
    LaunchRequest,
    Platform,
    UpstreamFault,
)
from tests.providers.hub88_samples import PRIVATE_PEM

# Reelhouse (the aggregator) signs with this key; the supplier checks with its public half.
AGGREGATOR_KEY = keys.load_private_key(PRIVATE_PEM)
TOKEN = "launch-token-0001"


@pytest.fixture
def games() -> Iterator[SupplierGames]:
    server = SupplierGames(
        AGGREGATOR_KEY.public_key(),
        prepaids=[Prepaid("p-1", "demo_fruit_bonanza", "EUR", 100000, bet_count=None)],
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


def send(request: HttpRequest) -> HttpAnswer:
    answer = httpx.post(request.url, content=request.body, headers=dict(request.headers))
    return HttpAnswer(answer.status_code, answer.content)


def launch_request(game_code: str = "demo_fruit_bonanza", currency: str = "EUR") -> LaunchRequest:
    demo = currency == "XXX"
    return LaunchRequest(
        operator_id=7,
        game_code=game_code,
        platform=Platform.MOBILE,
        currency=currency,
        user=None if demo else "alice",
        token=None if demo else TOKEN,
        language="en",
        country="DE",
    )


def test_a_launch_answers_a_url_and_remembers_the_token(games: SupplierGames) -> None:
    request = hub88_games.encode_launch(launch_request(), games.base_url, AGGREGATOR_KEY)
    answer = hub88_games.decode_launch(send(request))
    assert isinstance(answer, LaunchAnswer)
    assert answer.url.startswith(games.base_url + "/play/demo_fruit_bonanza?token=")
    launch = games.launched()[TOKEN]
    assert (launch.user, launch.currency, launch.operator_id) == ("alice", "EUR", 7)
    assert launch.platform == "GPL_MOBILE" and games.is_launched(TOKEN)
    page = httpx.get(answer.url)
    assert page.status_code == 200 and TOKEN in page.text
    assert games.received("/game/url")[0].signature_ok


def test_a_demo_launch_has_no_token(games: SupplierGames) -> None:
    request = hub88_games.encode_launch(
        launch_request(currency="XXX"), games.base_url, AGGREGATOR_KEY
    )
    answer = hub88_games.decode_launch(send(request))
    assert isinstance(answer, LaunchAnswer) and answer.url.endswith("?demo=1")
    assert games.launched() == {}


@pytest.mark.parametrize("game_code", ["no_such_game", "demo_crystal_caves"])
def test_a_launch_of_a_game_not_offered_is_refused(games: SupplierGames, game_code: str) -> None:
    games.change_game("demo_crystal_caves", enabled=False)
    request = hub88_games.encode_launch(launch_request(game_code), games.base_url, AGGREGATOR_KEY)
    answer = hub88_games.decode_launch(send(request))
    assert isinstance(answer, UpstreamFault) and "RS_ERROR_INVALID_GAME" in answer.detail
    assert not games.is_launched(TOKEN)


def test_unsigned_and_badly_signed_requests_are_refused_401(games: SupplierGames) -> None:
    request = hub88_games.encode_launch(launch_request(), games.base_url, AGGREGATOR_KEY)
    unsigned = httpx.post(request.url, content=request.body)
    assert unsigned.status_code == 401
    assert unsigned.json() == {"status": "RS_ERROR_INVALID_SIGNATURE"}
    stranger = keys.new_private_key()
    forged = hub88_games.encode_launch(launch_request(), games.base_url, stranger)
    assert send(forged).status == 401
    tampered_body = request.body.replace(b"alice", b"mallory")
    assert (
        httpx.post(request.url, content=tampered_body, headers=dict(request.headers)).status_code
        == 401
    )
    assert games.launched() == {}  # nothing unauthenticated was read
    assert [r.http_status for r in games.received()] == [401, 401, 401]
    assert not any(r.signature_ok for r in games.received())


def test_malformed_bodies_and_paths(games: SupplierGames) -> None:
    body = b"not json"
    headers = {"X-Hub88-Signature": keys.sign_body(body, AGGREGATOR_KEY)}
    assert (
        httpx.post(games.base_url + "/game/url", content=body, headers=headers).status_code == 400
    )
    missing = b'{"operator_id":7}'
    headers = {"X-Hub88-Signature": keys.sign_body(missing, AGGREGATOR_KEY)}
    answer = httpx.post(games.base_url + "/game/url", content=missing, headers=headers)
    assert answer.status_code == 200 and answer.json() == {"status": "RS_ERROR_WRONG_SYNTAX"}
    assert httpx.post(games.base_url + "/elsewhere", content=b"{}").status_code == 404
    # Refused on the announced length alone: the body is never read (none is sent here).
    connection = http.client.HTTPConnection(games.base_url.removeprefix("http://"))
    connection.putrequest("POST", "/game/list")
    connection.putheader("Content-Length", str(64 * 1024 + 1))
    connection.endheaders()
    assert connection.getresponse().status == 413
    connection.close()


def catalogue(games: SupplierGames) -> Catalogue:
    request = hub88_games.encode_catalogue(7, games.base_url, AGGREGATOR_KEY)
    result = hub88_games.decode_catalogue(send(request))
    assert isinstance(result, Catalogue) and result.skipped == ()
    return result


def test_the_catalogue_changes_while_the_server_runs(games: SupplierGames) -> None:
    first = catalogue(games)
    assert {g.game_code for g in first.games} == {
        "demo_fruit_bonanza", "demo_crystal_caves", "demo_sky_roulette",
    }  # fmt: skip
    caves = next(g for g in first.games if g.game_code == "demo_crystal_caves")
    assert caves.blocked_countries == frozenset({"US"}) and caves.enabled
    assert caves.platforms == frozenset({Platform.DESKTOP, Platform.MOBILE})

    games.add_game(SupplierGame("demo_new_slot", "New Slot", platforms=("GPL_DESKTOP",)))
    games.change_game("demo_crystal_caves", name="Crystal Caves II", enabled=False)
    games.withdraw_game("demo_sky_roulette")
    second = {g.game_code: g for g in catalogue(games).games}
    assert set(second) == {"demo_fruit_bonanza", "demo_crystal_caves", "demo_new_slot"}
    assert second["demo_crystal_caves"].name == "Crystal Caves II"
    assert not second["demo_crystal_caves"].enabled
    assert second["demo_new_slot"].platforms == frozenset({Platform.DESKTOP})


def test_prepaids_and_rewards(games: SupplierGames) -> None:
    games.add_prepaid(Prepaid("p-2", "demo_crystal_caves", "mBTC", 5, bet_count=20))
    listed = hub88_games.decode_offers(
        send(hub88_games.encode_offers(7, None, games.base_url, AGGREGATOR_KEY))
    )
    assert isinstance(listed, FreeRoundOffers) and listed.skipped == ()
    assert {(o.offer_id, o.bet_value_minor, o.bet_count) for o in listed.offers} == {
        ("p-1", 100, None), ("p-2", 5, 20),
    }  # fmt: skip
    one_game = hub88_games.decode_offers(
        send(hub88_games.encode_offers(7, "demo_crystal_caves", games.base_url, AGGREGATOR_KEY))
    )
    assert isinstance(one_game, FreeRoundOffers)
    assert [o.offer_id for o in one_game.offers] == ["p-2"]

    grant = FreeRoundGrant(
        reward_id="rw-1", operator_id=7, user="alice", currency="EUR", wire_currency="EUR",
        offer_id="p-1", game_code="demo_fruit_bonanza", start_unix_s=1_796_000_000,
        end_unix_s=1_796_086_400, bet_value_minor=100, bet_count=10,
    )  # fmt: skip
    answer = hub88_games.decode_grant(
        grant, send(hub88_games.encode_grant(grant, games.base_url, AGGREGATOR_KEY))
    )
    assert answer == FreeRoundGranted("rw-1")
    (reward,) = games.rewards()
    assert reward["prepaid_uuid"] == "p-1" and reward["bet_value"] == 100000


def test_answers_can_be_signed_by_the_supplier() -> None:
    supplier_key = keys.new_private_key()
    with SupplierGames(AGGREGATOR_KEY.public_key(), answer_key=supplier_key) as games:
        request = hub88_games.encode_catalogue(7, games.base_url, AGGREGATOR_KEY)
        answer = httpx.post(request.url, content=request.body, headers=dict(request.headers))
    signature = answer.headers["X-Hub88-Signature"]
    assert keys.signature_holds(answer.content, signature, supplier_key.public_key())
