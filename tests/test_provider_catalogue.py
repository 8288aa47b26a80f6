"""Upstream providers through the services: added with checked keys and URL, enabled per
operator, and their catalogue synced: new, changed, withdrawn, restored, unchanged and
skipped games; a provider's fault changes nothing; a second sync of the same list writes
nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.wallet import HttpAnswer, HttpRequest
from reelhouse.games import catalogue
from reelhouse.services import operators, provider_games, provider_keys, providers
from reelhouse.services.platform import Platform
from reelhouse.store.models import AuditEntry, ProviderGame
from tests.provider_rig import (
    SUPPLIER,
    FakeSupplier,
    game,
    new_provider,
    provider_platform,
    signed_by_reelhouse,
)
from tests.providers.hub88_samples import PUBLIC_PEM


@pytest.fixture
def platform(database_url: str) -> Iterator[Platform]:
    with provider_platform(database_url) as built:
        yield built


def rows(platform: Platform) -> dict[str, ProviderGame]:
    with platform.db.transaction() as session:
        return {g.game_code: g for g in session.scalars(select(ProviderGame))}


def audit_rows(platform: Platform) -> int:
    with platform.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def test_a_provider_gets_the_next_id_above_reelhouses_own(platform: Platform) -> None:
    first = providers.add_provider(platform, new_provider())
    second = providers.add_provider(platform, new_provider("other-one"))
    assert (first, second) == (catalogue.PROVIDER_ID + 1, catalogue.PROVIDER_ID + 2)
    view = providers.get_provider(platform, SUPPLIER)
    assert (view.enabled, view.games, view.last_sync_utc) == (True, 0, None)
    assert [v.name for v in providers.list_providers(platform)] == [SUPPLIER, "other-one"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"name": "Dragon"}, "name: 3 to 32"),
        ({"name": "ab"}, "name: 3 to 32"),
        ({"name": "a" * 33}, "name: 3 to 32"),
        ({"title": " "}, "title"),
        ({"protocol": "nope"}, "protocol must be one of hub88"),
        ({"base_url": "ftp://supplier.example/"}, "base URL refused"),
        ({"base_url": "http://0x7f000001/"}, "base URL refused"),
        ({"verify_key_pem": b"not a key"}, "the provider's public key: not a PEM public key"),
        ({"verify_key_pem": b"x" * (providers.KEY_PEM_MAX_BYTES + 1)}, "a PEM file of 1"),
        ({"sign_key_pem": PUBLIC_PEM}, "Reelhouse's signing key: not an unencrypted PEM"),
        ({"answer_deadline_ms": 499}, "answer deadline: 500 to 60000 ms"),
        ({"answer_deadline_ms": 60_001}, "answer deadline"),
    ],
)
def test_what_cannot_be_used_is_refused_with_1012_and_adds_nothing(
    platform: Platform, changes: dict[str, object], words: str
) -> None:
    with pytest.raises(ReelhouseError) as refused:
        providers.add_provider(platform, new_provider(**changes))  # type: ignore[arg-type]
    assert refused.value.code == ApiCode.PARAMETERS_INVALID
    assert words in refused.value.message
    assert providers.list_providers(platform) == [] and audit_rows(platform) == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_name_taken_is_refused(platform: Platform) -> None:
    providers.add_provider(platform, new_provider())
    with pytest.raises(ReelhouseError, match="exists") as refused:
        providers.add_provider(platform, new_provider(title="Again"))
    assert refused.value.code == ApiCode.PARAMETERS_INVALID


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_signing_key_is_stored_sealed(platform: Platform) -> None:
    providers.add_provider(platform, new_provider())
    with platform.db.transaction() as session:
        stored = providers.find_provider(session, SUPPLIER)
    assert "PRIVATE KEY" not in stored.sign_key_sealed
    assert "PRIVATE KEY" in platform.sealer.open(stored.sign_key_sealed)


def test_enabling_for_an_operator_and_its_refusals(platform: Platform) -> None:
    providers.add_provider(platform, new_provider())
    spec = operators.NewOperator(name="casino", currency="USD", callback_url="http://w.test/cb")
    operator_id = operators.create_operator(platform, spec).operator_id
    assert providers.providers_of(platform, operator_id) == []
    providers.enable_for_operator(platform, SUPPLIER, "casino", True)
    assert [p.name for p in providers.providers_of(platform, operator_id)] == [SUPPLIER]
    assert providers.operator_choices(platform, SUPPLIER) == [("casino", True)]
    providers.set_enabled(platform, SUPPLIER, False)  # the provider as a whole
    assert providers.providers_of(platform, operator_id) == []
    providers.set_enabled(platform, SUPPLIER, True)
    providers.enable_for_operator(platform, SUPPLIER, "casino", False)
    assert providers.providers_of(platform, operator_id) == []
    with pytest.raises(ReelhouseError) as unknown_provider:
        providers.enable_for_operator(platform, "nobody", "casino", True)
    assert unknown_provider.value.code == ApiCode.PROVIDER_NOT_FOUND
    with pytest.raises(ReelhouseError) as unknown_operator:
        providers.enable_for_operator(platform, SUPPLIER, "nobody", True)
    assert unknown_operator.value.code == ApiCode.AGENT_NOT_FOUND


def test_a_sync_inserts_updates_withdraws_restores_and_skips(platform: Platform) -> None:
    providers.add_provider(platform, new_provider())
    supplier = FakeSupplier([game("a"), game("b"), game("c")])
    first = provider_games.sync_catalogue(platform, SUPPLIER, supplier)
    assert (first.new, first.unchanged) == (["a", "b", "c"], 0)
    request = supplier.sent[0]
    assert request.url == "https://supplier.example/api/game/list"
    assert json.loads(request.body) == {"operator_id": provider_games.CATALOGUE_OPERATOR_ID}
    assert signed_by_reelhouse(request)
    synced = rows(platform)
    assert synced["a"].platforms == "desktop,mobile"
    assert synced["a"].blocked_countries == "GB,US"
    assert synced["a"].thumbnail_url == "https://cdn.example/thumb.png"

    platform.clock.advance(hours=1)  # type: ignore[attr-defined]
    supplier.games = [
        game("a"),
        game("b", name="Renamed"),
        {"game_code": "broken"},  # no name, no enabled: skipped
        game("d", enabled=False),
    ]
    second = provider_games.sync_catalogue(platform, SUPPLIER, supplier)
    assert second.counts() == {
        "new": 1,
        "changed": 1,
        "withdrawn": 1,
        "restored": 0,
        "unchanged": 1,
        "skipped": 1,
    }
    assert (second.new, second.changed, second.withdrawn) == (["d"], ["b"], ["c"])
    assert second.skipped[0].index == 2
    after = rows(platform)
    assert after["b"].name == "Renamed" and after["b"].synced_at_utc > after["a"].synced_at_utc
    assert after["c"].withdrawn_at_utc is not None and after["d"].enabled is False
    assert after["a"].synced_at_utc == synced["a"].synced_at_utc  # unchanged: not written

    platform.clock.advance(hours=1)  # type: ignore[attr-defined]
    supplier.games = [game("a"), game("b", name="Renamed"), game("c"), game("d", enabled=False)]
    third = provider_games.sync_catalogue(platform, SUPPLIER, supplier)
    assert (third.restored, third.unchanged) == (["c"], 3)
    assert rows(platform)["c"].withdrawn_at_utc is None
    view = providers.get_provider(platform, SUPPLIER)
    assert (view.games, view.withdrawn) == (4, 0)
    assert view.last_sync_utc == platform.clock.now()


def test_the_same_list_twice_writes_nothing_the_second_time(platform: Platform) -> None:
    providers.add_provider(platform, new_provider())
    supplier = FakeSupplier([game("a"), game("b")])
    provider_games.sync_catalogue(platform, SUPPLIER, supplier)
    before = rows(platform)
    platform.clock.advance(minutes=5)  # type: ignore[attr-defined]
    again = provider_games.sync_catalogue(platform, SUPPLIER, supplier)
    assert again.counts() == {
        "new": 0,
        "changed": 0,
        "withdrawn": 0,
        "restored": 0,
        "unchanged": 2,
        "skipped": 0,
    }
    after = rows(platform)
    for code, row in before.items():
        assert (after[code].synced_at_utc, after[code].content_hash) == (
            row.synced_at_utc,
            row.content_hash,
        )


@pytest.mark.parametrize(
    "supplier",
    [
        FakeSupplier(down=True),
        FakeSupplier(answer=HttpAnswer(500, b"oops")),
        FakeSupplier(answer=HttpAnswer(200, b'{"status":"RS_ERROR_UNKNOWN"}')),
        FakeSupplier(answer=HttpAnswer(200, b"not json")),
        FakeSupplier([{"game_code": "x"}, {"name": "y"}]),  # nothing usable
    ],
    ids=["unreachable", "http-500", "refusal", "garbage", "none-usable"],
)
def test_a_fault_changes_nothing(platform: Platform, supplier: FakeSupplier) -> None:
    providers.add_provider(platform, new_provider())
    provider_games.sync_catalogue(platform, SUPPLIER, FakeSupplier([game("a")]))
    before, audited = rows(platform), audit_rows(platform)
    with pytest.raises(ReelhouseError) as fault:
        provider_games.sync_catalogue(platform, SUPPLIER, supplier)
    assert fault.value.code == ApiCode.PROVIDER_ERROR
    after = rows(platform)
    assert after["a"].withdrawn_at_utc is None and after.keys() == before.keys()
    assert audit_rows(platform) == audited


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_empty_list_withdraws_every_game_and_deletes_none(platform: Platform) -> None:
    providers.add_provider(platform, new_provider())
    provider_games.sync_catalogue(platform, SUPPLIER, FakeSupplier([game("a"), game("b")]))
    summary = provider_games.sync_catalogue(platform, SUPPLIER, FakeSupplier([]))
    assert summary.withdrawn == ["a", "b"]
    assert all(g.withdrawn_at_utc is not None for g in rows(platform).values())
    assert len(provider_games.games_of(platform, SUPPLIER)) == 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_an_unknown_provider_is_2007(platform: Platform) -> None:
    with pytest.raises(ReelhouseError) as refused:
        provider_games.sync_catalogue(platform, "nobody", FakeSupplier())
    assert refused.value.code == ApiCode.PROVIDER_NOT_FOUND


def test_two_syncs_at_once_apply_one_after_the_other(platform: Platform) -> None:
    """Both fetched before either writes: the provider's row lock makes the second find the
    first's games instead of inserting them again (a unique-key failure)."""
    providers.add_provider(platform, new_provider())
    both_fetched = threading.Barrier(2, timeout=30)

    def fetch(request: HttpRequest) -> HttpAnswer:
        answer = FakeSupplier([game("a"), game("b"), game("c")])(request)
        both_fetched.wait()
        return answer

    with ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(provider_games.sync_catalogue, platform, SUPPLIER, fetch) for _ in "12"]
        summaries = sorted((run.result() for run in runs), key=lambda s: len(s.new))
    assert [s.counts()["new"] for s in summaries] == [0, 3]
    assert summaries[0].unchanged == 3 and len(rows(platform)) == 3


def _dialect_keys(token: str) -> tuple[bytes, bytes]:
    """Key texts of a SlotCity v4 provider (providers/dialect_upstream.py)."""
    wallet = {"callback_token": token, "api_token": token, "currency": "USD"}
    return json.dumps(wallet).encode(), json.dumps({"api_token": token}).encode()


def test_a_providers_keys_are_replaced_checked_and_audited(platform: Platform) -> None:
    verify_key, sign_key = _dialect_keys("first")
    spec = new_provider(protocol="slotcity-v4", verify_key_pem=verify_key, sign_key_pem=sign_key)
    providers.add_provider(platform, spec)

    def keys_in_use() -> tuple[str, str]:
        with platform.db.transaction() as session:
            found = providers.find_provider(session, SUPPLIER)
            loaded = provider_keys.keys_of(platform, found)
            return loaded.verify_key.credentials.callback_token, loaded.sign_key.api_token

    assert keys_in_use() == ("first", "first")
    audited = audit_rows(platform)
    providers.set_keys(platform, SUPPLIER, *_dialect_keys("second"))
    assert keys_in_use() == ("second", "second")  # the cached keys follow the new texts
    assert audit_rows(platform) == audited + 1

    # Keys the protocol cannot load are refused, and nothing changes.
    with pytest.raises(ReelhouseError) as refused:
        providers.set_keys(platform, SUPPLIER, b"not json", _dialect_keys("third")[1])
    assert refused.value.code is ApiCode.PARAMETERS_INVALID
    with pytest.raises(ReelhouseError) as unknown:
        providers.set_keys(platform, "no-such-one", *_dialect_keys("third"))
    assert unknown.value.code is ApiCode.PROVIDER_NOT_FOUND
    assert keys_in_use() == ("second", "second")
    assert audit_rows(platform) == audited + 1
