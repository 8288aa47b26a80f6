"""Upstream games reach the Main API and the back office: `/v4/game/providers`, `/game/games`
and `/game/all` list a provider's enabled, current games only for an operator it is enabled
for; the back office's Providers page lists providers, syncs on a button and enables them
per operator. The app in-process, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from argon2 import PasswordHasher

from reelhouse.backoffice.web import PREFIX, SESSION_COOKIE
from reelhouse.games import catalogue
from reelhouse.services import backoffice_users, provider_games, providers
from reelhouse.services.backoffice_users import Role
from tests.inprocess_app import OPERATOR, App, inprocess_app
from tests.provider_rig import SUPPLIER, FakeSupplier, game, new_provider

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    # The same algorithm with cheap parameters: these tests are not about hashing.
    monkeypatch.setattr(
        backoffice_users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    with inprocess_app(database_url, tmp_path) as running:
        yield running


def call(app: App, path: str, body: dict[str, Any]) -> Any:
    answer = app.post(path, json.dumps(body).encode(), app.api_token).json()
    return answer


def synced_provider(app: App) -> int:
    provider_id = providers.add_provider(app.platform, new_provider())
    supplier = FakeSupplier(
        [
            game("b-slot"),
            game("a-live", category="Live Casino", url_thumb=None),
            game("c-off", enabled=False),
            game("d-gone"),
        ]
    )
    provider_games.sync_catalogue(app.platform, SUPPLIER, supplier)
    supplier.games = supplier.games[:3]  # d-gone is withdrawn
    provider_games.sync_catalogue(app.platform, SUPPLIER, supplier)
    return provider_id


def test_an_operator_sees_a_providers_games_only_once_enabled(app: App) -> None:
    provider_id = synced_provider(app)
    own_games = call(app, "/v4/game/all", {})["data"]
    assert {g["provider_id"] for g in own_games} == {catalogue.PROVIDER_ID}
    assert len(call(app, "/v4/game/providers", {})["data"]) == 1
    assert call(app, "/v4/game/games", {"provider_id": provider_id})["code"] == 2007

    providers.enable_for_operator(app.platform, SUPPLIER, OPERATOR, True)
    listed = call(app, "/v4/game/providers", {})["data"]
    assert listed[1] == {
        "provider_id": provider_id,
        "provider_name": "Dragon Soft",
        "locale_name": "Dragon Soft",
        "status": 1,
    }
    upstream = call(app, "/v4/game/games", {"provider_id": provider_id})["data"]
    assert [g["game_code"] for g in upstream] == ["a-live", "b-slot"]
    assert upstream[1] == {
        "provider_id": provider_id,
        "game_code": "b-slot",
        "game_name": "Game b-slot",
        "locale_name": "Game b-slot",
        "game_image": "https://cdn.example/thumb.png",
        "launch_enable": True,
        "category": "Slots",
        "reg_date": "2026-05-01 09:00:00",
    }
    assert (upstream[0]["category"], upstream[0]["game_image"]) == ("Live", "")
    everything = call(app, "/v4/game/all", {})["data"]
    assert everything[: len(own_games)] == own_games  # Reelhouse's own items unchanged
    assert everything[len(own_games) :] == upstream
    own = call(app, "/v4/game/games", {"provider_id": catalogue.PROVIDER_ID})["data"]
    assert own == own_games

    providers.set_enabled(app.platform, SUPPLIER, False)
    assert call(app, "/v4/game/all", {})["data"] == own_games
    assert call(app, "/v4/game/games", {"provider_id": provider_id})["code"] == 2007


def admin_session(app: App) -> tuple[dict[str, str], str]:
    email = "staff@reelhouse.example"
    backoffice_users.create_user(app.platform, email, PASSWORD, Role.ADMIN)
    token = backoffice_users.login(app.platform, email, PASSWORD)
    identity = backoffice_users.identify(app.platform, token)
    assert identity is not None
    return {SESSION_COOKIE: token}, backoffice_users.csrf_token(app.platform, identity)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_providers_page_syncs_and_enables(app: App) -> None:
    providers.add_provider(app.platform, new_provider())
    supplier = FakeSupplier([game("a"), game("b"), {"game_code": "x"}])
    app.platform.upstream_fetch = supplier
    cookies, csrf = admin_session(app)

    listing = app.get(f"{PREFIX}/providers", cookies)
    assert listing.status_code == 200, listing.text
    assert f'href="{PREFIX}/providers/{SUPPLIER}"' in listing.text and "never" in listing.text

    base = f"{PREFIX}/providers/{SUPPLIER}"
    forged = app.post_form(f"{base}/sync", urlencode({"csrf": "wrong"}).encode(), cookies)
    assert forged.status_code == 403 and supplier.sent == []
    synced = app.post_form(f"{base}/sync", urlencode({"csrf": csrf}).encode(), cookies)
    assert synced.status_code == 200, synced.text
    assert "Catalogue synced: 2 new, 0 changed" in synced.text
    assert "entry 2: enabled is not a boolean" in synced.text
    assert re.search(r"<code>a</code></td><td>Game a</td>", synced.text)

    form = urlencode({"csrf": csrf, "operator": OPERATOR, "enabled": "1"}).encode()
    chosen = app.post_form(f"{base}/operators", form, cookies)
    assert chosen.status_code == 200 and f"games are now offered to {OPERATOR}" in chosen.text
    assert providers.operator_choices(app.platform, SUPPLIER)[0] == (OPERATOR, True)
    unknown = urlencode({"csrf": csrf, "operator": "nobody", "enabled": "1"}).encode()
    assert app.post_form(f"{base}/operators", unknown, cookies).status_code == 400

    supplier.answer = None
    supplier.down = True
    failed = app.post_form(f"{base}/sync", urlencode({"csrf": csrf}).encode(), cookies)
    assert failed.status_code == 400 and "did not answer" in failed.text
    assert app.get(f"{PREFIX}/providers/nobody", cookies).status_code == 404


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_operator_user_may_not_open_the_providers_page(app: App) -> None:
    email = "ops@casino-one.example"
    backoffice_users.create_user(app.platform, email, PASSWORD, Role.OPERATOR, OPERATOR)
    cookies = {SESSION_COOKIE: backoffice_users.login(app.platform, email, PASSWORD)}
    assert app.get(f"{PREFIX}/providers", cookies).status_code == 403
