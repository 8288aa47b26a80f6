"""Hub88, Reelhouse -> supplier: the signed requests' exact bytes, and how answers read (a
malformed list entry is skipped and reported, never fatal to the list)."""

from __future__ import annotations

import json

import pytest

from reelhouse.domain.wallet import HttpAnswer
from reelhouse.providers.base import (
    CATALOGUE_MAX_GAMES,
    Catalogue,
    CatalogueEntry,
    FreeRoundGranted,
    FreeRoundOffer,
    FreeRoundOffers,
    LaunchAnswer,
    LaunchRequest,
    Platform,
    SkippedEntry,
    UpstreamFault,
)
from reelhouse.providers.hub88 import HUB88
from reelhouse.providers.hub88_games import (
    decode_catalogue,
    decode_grant,
    decode_launch,
    decode_offers,
    encode_catalogue,
    encode_grant,
    encode_launch,
    encode_offers,
    iso_utc,
)
from reelhouse.providers.hub88_wire import signature_problem

from .hub88_samples import GAME, GRANT, SIGN_KEY, VERIFY_KEY

BASE_URL = "https://supplier.example/api/"


def assert_signed(headers: tuple[tuple[str, str], ...], body: bytes) -> None:
    found = dict(headers)
    assert found["Content-Type"] == "application/json"
    assert signature_problem(body, found["X-Hub88-Signature"], VERIFY_KEY) is None


# --- Launch ---------------------------------------------------------------------------------


def test_launch_request_bytes() -> None:
    request = LaunchRequest(
        operator_id=1,
        game_code="clt_dragonrising",
        platform=Platform.DESKTOP,
        currency="EUR",
        user="alice_1",
        token="cd6bd8560f3bb8f84325152101adeb45",
        language="en",
        country="EE",
        lobby_url="https://casino.example",
        ip="::ffff:10.0.0.39",
    )
    sent = encode_launch(request, BASE_URL, SIGN_KEY)
    assert (sent.method, sent.url, sent.timeout_ms) == (
        "POST",
        "https://supplier.example/api/game/url",
        10_000,
    )
    assert sent.body == (
        b'{"user":"alice_1","token":"cd6bd8560f3bb8f84325152101adeb45",'
        b'"platform":"GPL_DESKTOP","operator_id":1,"lobby_url":"https://casino.example",'
        b'"lang":"en","currency":"EUR","country":"EE","game_code":"clt_dragonrising",'
        b'"ip":"::ffff:10.0.0.39"}'
    )
    assert_signed(sent.headers, sent.body)


def test_demo_launch_names_no_player() -> None:
    request = LaunchRequest(
        operator_id=7,
        game_code="g1",
        platform=Platform.MOBILE,
        currency="XXX",
        sub_partner_id="brand-2",
        deposit_url="https://casino.example/deposit",
    )
    sent = encode_launch(request, "https://supplier.example", SIGN_KEY)
    assert sent.url == "https://supplier.example/game/url"
    assert sent.body == (
        b'{"sub_partner_id":"brand-2","platform":"GPL_MOBILE","operator_id":7,'
        b'"currency":"XXX","game_code":"g1","deposit_url":"https://casino.example/deposit"}'
    )


def test_launch_assertions_guard_our_own_mistakes() -> None:
    short = LaunchRequest(1, "g", Platform.DESKTOP, "EUR", user="u", token="short")
    with pytest.raises(AssertionError):
        encode_launch(short, BASE_URL, SIGN_KEY)
    demo_with_user = LaunchRequest(1, "g", Platform.DESKTOP, "XXX", user="u")
    with pytest.raises(AssertionError):
        encode_launch(demo_with_user, BASE_URL, SIGN_KEY)


def test_launch_answer() -> None:
    answer = HttpAnswer(200, b'{"url":"https://games.example/play?t=1"}')
    assert decode_launch(answer) == LaunchAnswer("https://games.example/play?t=1")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"url":"https://games.example"}'),
        (200, b"<html>"),
        (200, b"[]"),
        (200, b"{}"),
        (200, b'{"url":"javascript:alert(1)"}'),
        (200, b'{"url":42}'),
        (200, b'{"url":"https://x.example/' + b"a" * 2048 + b'"}'),
        (200, b'{"status":"RS_ERROR_INVALID_GAME"}'),
        (200, b'{"status":"RS_ERROR_UNKNOWN","url":"https://x.example"}'),
        (200, b" " * (64 * 1024 + 1)),
    ],
)
def test_unusable_launch_answers_are_faults(status: int, body: bytes) -> None:
    assert isinstance(decode_launch(HttpAnswer(status, body)), UpstreamFault)


# --- Catalogue ------------------------------------------------------------------------------


def test_catalogue_request_bytes() -> None:
    sent = encode_catalogue(12, BASE_URL, SIGN_KEY)
    assert (sent.url, sent.body, sent.timeout_ms) == (
        "https://supplier.example/api/game/list",
        b'{"operator_id":12}',
        30_000,
    )
    assert_signed(sent.headers, sent.body)


def test_catalogue_with_malformed_entries_skipped_and_reported() -> None:
    items = [
        GAME,
        {**GAME, "game_code": "g2", "enabled": "yes"},
        "not an object",
        {
            **GAME,
            "game_code": "g3",
            "platforms": ["GPL_TV"],
            "url_thumb": None,
            "url_background": None,
            "product": None,
            "category": None,
            "freebet_support": False,
            "enabled": False,
            "blocked_countries": [],
        },
        {**GAME},  # the same game code again
        {**GAME, "game_code": "g5", "url_thumb": "javascript:alert(1)"},
        {**GAME, "game_code": "g6", "blocked_countries": "US"},
        {k: v for k, v in GAME.items() if k != "name"} | {"game_code": "g7"},
    ]
    catalogue = decode_catalogue(HttpAnswer(200, json.dumps(items).encode()))
    assert catalogue == Catalogue(
        games=(
            CatalogueEntry(
                game_code="clt_dragonrising",
                name="Dragon Rising",
                category="Video Slots",
                platforms=frozenset({Platform.DESKTOP, Platform.MOBILE}),
                blocked_countries=frozenset({"US", "GB"}),
                thumbnail_url="https://cdn.example/thumb.png",
                background_url="https://cdn.example/bg.png",
                product="Clawbuster",
                freebet_support=True,
                enabled=True,
            ),
            CatalogueEntry(
                game_code="g3",
                name="Dragon Rising",
                category=None,
                platforms=frozenset(),
                blocked_countries=frozenset(),
                thumbnail_url=None,
                background_url=None,
                product=None,
                freebet_support=False,
                enabled=False,
            ),
        ),
        skipped=(
            SkippedEntry(1, "enabled is not a boolean"),
            SkippedEntry(2, "entry is not an object"),
            SkippedEntry(4, "game 'clt_dragonrising' listed twice"),
            SkippedEntry(5, "url_thumb is not an http(s) URL"),
            SkippedEntry(6, "blocked_countries is not a list of at most 300"),
            SkippedEntry(7, "name is missing"),
        ),
    )


def test_catalogue_in_an_object_is_read_too() -> None:
    catalogue = decode_catalogue(HttpAnswer(200, json.dumps({"games": [GAME]}).encode()))
    assert isinstance(catalogue, Catalogue) and len(catalogue.games) == 1


def test_catalogue_over_the_bound_is_refused_not_cut() -> None:
    body = b"[" + b",".join([b"{}"] * (CATALOGUE_MAX_GAMES + 1)) + b"]"
    result = decode_catalogue(HttpAnswer(200, body))
    assert isinstance(result, UpstreamFault) and "at most" in result.detail


@pytest.mark.parametrize(
    "body",
    [b"", b"{}", b'{"games":{}}', b'{"status":"RS_ERROR_INVALID_PARTNER"}', b"[[[[" * 20],
)
def test_unusable_catalogue_answers_are_faults(body: bytes) -> None:
    assert isinstance(decode_catalogue(HttpAnswer(200, body)), UpstreamFault)


# --- Free rounds ----------------------------------------------------------------------------


def test_offers_request_bytes() -> None:
    sent = encode_offers(3, "clt_dragonrising", BASE_URL, SIGN_KEY)
    assert sent.url == "https://supplier.example/api/freebet/prepaids/list"
    assert sent.body == b'{"operator_id":3,"game_code":"clt_dragonrising"}'
    assert encode_offers(3, None, BASE_URL, SIGN_KEY).body == b'{"operator_id":3}'
    assert_signed(sent.headers, sent.body)


def test_offers_answer() -> None:
    items = [
        {
            "prepaid_uuid": "p1",
            "game_code": "g1",
            "currency": "EUR",
            "bet_value": 20000,
            "bet_count": 10,
            "bonus_buy": False,
        },
        {
            "prepaid_uuid": "p2",
            "game_code": "g1",
            "currency": "mBTC",
            "bet_value": 5,
            "bet_count": None,
        },
        {"prepaid_uuid": "p3", "game_code": "g1", "currency": "PTS", "bet_value": 1},
        {"prepaid_uuid": "p4", "game_code": "g1", "currency": "EUR", "bet_value": 12345},
        {"prepaid_uuid": "p5", "game_code": "g1", "currency": "EUR", "bet_value": "1"},
        {"game_code": "g1", "currency": "EUR", "bet_value": 100000},
    ]
    offers = decode_offers(HttpAnswer(200, json.dumps({"prepaids": items}).encode()))
    assert offers == FreeRoundOffers(
        offers=(
            FreeRoundOffer("p1", "g1", "EUR", "EUR", 20, 10, False),
            FreeRoundOffer("p2", "g1", "BTC", "mBTC", 5, None, False),
        ),
        skipped=(
            SkippedEntry(2, "play points are not money a wallet holds"),
            SkippedEntry(3, "12345 is not a whole minor unit of EUR"),
            SkippedEntry(4, "bet_value is not an integer"),
            SkippedEntry(5, "prepaid_uuid is missing"),
        ),
    )
    assert decode_offers(HttpAnswer(200, json.dumps(items[:1]).encode())) == FreeRoundOffers(
        (FreeRoundOffer("p1", "g1", "EUR", "EUR", 20, 10, False),)
    )


def test_grant_request_bytes() -> None:
    sent = encode_grant(GRANT, BASE_URL, SIGN_KEY)
    assert sent.url == "https://supplier.example/api/freebet/rewards/create"
    assert sent.body == (
        b'{"reward_uuid":"rw-1","user":"alice_1","currency":"mBTC","prepaid_uuid":"p2",'
        b'"operator_id":3,"game_code":"g1","start_time":"2026-11-30T00:53:20Z",'
        b'"end_time":"2026-12-01T00:53:20Z","bet_value":5,"bet_count":null}'
    )
    assert_signed(sent.headers, sent.body)


def test_iso_utc() -> None:
    assert iso_utc(0) == "1970-01-01T00:00:00Z"
    assert iso_utc(1_796_000_000) == "2026-11-30T00:53:20Z"


@pytest.mark.parametrize(
    ("status", "body", "granted"),
    [
        (200, b"{}", True),
        (200, b'{"status":"RS_OK","reward_uuid":"rw-1"}', True),
        (200, b'{"status":"RS_ERROR_INVALID_GAME"}', False),
        (200, b'{"reward_uuid":"rw-2"}', False),
        (200, b"[]", False),
        (500, b"{}", False),
    ],
)
def test_grant_answer(status: int, body: bytes, granted: bool) -> None:
    result = decode_grant(GRANT, HttpAnswer(status, body))
    assert (result == FreeRoundGranted("rw-1")) is granted
    assert granted or isinstance(result, UpstreamFault)


def test_descriptor_holds_the_codec() -> None:
    assert HUB88.name == "hub88"
    assert HUB88.encode_catalogue is encode_catalogue
    assert HUB88.decode_grant is decode_grant
