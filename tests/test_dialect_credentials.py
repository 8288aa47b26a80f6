"""The keys the iGamingAce dialects sign with: issued at creation (and reissue), stored
sealed, never in clear, and used by the sender at send time; the dispatcher reads them from
the endpoint whatever the dialect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from sqlalchemy import inspect, text

from reelhouse.dialects import igamingace_a, igamingace_b
from reelhouse.dialects.base import CallbackRejection
from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    HttpRequest,
    OutcomeKind,
    WalletCommand,
)
from reelhouse.services import operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import Operator
from reelhouse.store.secrets import Sealer, new_key_text

NOW = dt.datetime(2026, 5, 1, tzinfo=UTC)


@dataclass
class Recorder:
    """A transport that keeps every request and answers like a healthy wallet."""

    sent: list[HttpRequest] = field(default_factory=list)

    def send(self, request: HttpRequest) -> HttpAnswer:
        self.sent.append(request)
        if request.url.endswith("/GetBalance"):
            return HttpAnswer(
                200, igamingace_b.encode_answer(igamingace_b.Code.SUCCESS, Decimal(5))
            )
        return HttpAnswer(200, igamingace_a.encode_answer(igamingace_a.Status.OK, Decimal(5)))


@dataclass
class World:
    platform: Platform
    transport: Recorder
    sender: WalletSender


@pytest.fixture
def world(database_url: str) -> Iterator[World]:
    clock = FakeClock(NOW)
    settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
    db = Database(database_url)
    transport = Recorder()
    sender = WalletSender(db, Sealer(settings.secret_key), clock, transport, RetrySchedule())
    try:
        yield World(Platform(db, settings, sender, clock), transport, sender)
    finally:
        db.dispose()


def create(
    world: World, name: str, dialect: str, currency: str = "USD"
) -> operators.IssuedOperator:
    spec = operators.NewOperator(
        name=name, currency=currency, callback_url="https://wallet.example/cb", dialect=dialect
    )
    return operators.create_operator(world.platform, spec)


def row(world: World, name: str) -> Operator:
    with world.platform.db.transaction() as session:
        return operators.find_by_name(session, name)


def balance(world: World, name: str) -> HttpRequest:
    operator = row(world, name)
    endpoint = operators.wallet_endpoint(world.platform, operator)
    outcome = world.sender.read(endpoint, WalletCommand(CommandKind.BALANCE, "Player01", "USD"))
    assert outcome.kind is OutcomeKind.APPLIED, outcome
    return world.transport.sent[-1]


def test_the_migration_adds_both_sealed_columns(world: World) -> None:
    engine = world.platform.db.engine
    columns = {c["name"]: c for c in inspect(engine).get_columns("operators")}
    assert columns["api_token_sealed"]["nullable"] and columns["secret_key_sealed"]["nullable"]
    with engine.connect() as conn:
        heads = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    # One linear history (from 0008 on): the database sits at the single head.
    from alembic.script import ScriptDirectory

    from reelhouse.store.migrate import alembic_config

    assert heads == {ScriptDirectory.from_config(alembic_config()).get_current_head()}


@pytest.mark.parametrize("dialect", operators.SUPPORTED_DIALECTS)
def test_each_dialect_stores_only_the_key_it_signs_with_sealed(world: World, dialect: str) -> None:
    issued = create(world, "op", dialect)
    stored = row(world, "op")
    sealer = world.platform.sealer
    if dialect == "igamingace-a":
        assert stored.api_token_sealed is not None
        assert issued.api_token not in stored.api_token_sealed  # sealed, not in clear
        assert sealer.open(stored.api_token_sealed) == issued.api_token
    else:
        assert stored.api_token_sealed is None
    if dialect == "igamingace-b":
        assert issued.secret_key is not None and len(issued.secret_key) == 64
        assert stored.secret_key_sealed is not None
        assert issued.secret_key not in stored.secret_key_sealed
        assert sealer.open(stored.secret_key_sealed) == issued.secret_key
    else:
        assert issued.secret_key is None and stored.secret_key_sealed is None
    endpoint = operators.wallet_endpoint(world.platform, stored)
    assert (endpoint.api_token is not None) == (dialect == "igamingace-a")
    assert (endpoint.secret_key is not None) == (dialect == "igamingace-b")
    assert endpoint.agent_id == "op"
    assert issued.api_token not in repr(endpoint) and issued.callback_token not in repr(endpoint)


def test_the_sender_signs_flavour_a_with_the_api_token(world: World) -> None:
    issued = create(world, "opa", "igamingace-a")
    request = balance(world, "opa")
    callback = igamingace_a.verify_and_decode_callback(
        dict(request.headers), request.body, issued.api_token, int(NOW.timestamp())
    )
    assert not isinstance(callback, CallbackRejection)
    # A reissued token signs the very next callback; the old one no longer verifies.
    new_token = operators.reissue_api_token(world.platform, "opa")
    request = balance(world, "opa")
    for token, valid in ((new_token, True), (issued.api_token, False)):
        checked = igamingace_a.verify_and_decode_callback(
            dict(request.headers), request.body, token, int(NOW.timestamp())
        )
        assert isinstance(checked, CallbackRejection) is not valid
    assert operators.authenticate(world.platform, new_token).name == "opa"


def test_the_sender_signs_flavour_b_with_the_secret_key_and_agent(world: World) -> None:
    issued = create(world, "opb", "igamingace-b")
    assert issued.secret_key is not None
    request = balance(world, "opb")
    assert request.url == "https://wallet.example/cb/GetBalance"
    callback = igamingace_b.verify_and_decode_callback(
        "GetBalance", request.body, issued.secret_key, "opb"
    )
    assert not isinstance(callback, CallbackRejection)
    new_key = operators.reissue_secret_key(world.platform, "opb")
    assert new_key != issued.secret_key
    request = balance(world, "opb")
    assert not isinstance(
        igamingace_b.verify_and_decode_callback("GetBalance", request.body, new_key, "opb"),
        CallbackRejection,
    )
    old = igamingace_b.verify_and_decode_callback(
        "GetBalance", request.body, issued.secret_key, "opb"
    )
    assert isinstance(old, CallbackRejection) and old.result == 3


def test_reissuing_the_api_token_of_a_dialect_that_does_not_sign_with_it_seals_nothing(
    world: World,
) -> None:
    create(world, "opv4", "slotcity-v4")
    operators.reissue_api_token(world.platform, "opv4")
    assert row(world, "opv4").api_token_sealed is None


@pytest.mark.parametrize("dialect", ["slotcity-v4", "igamingace-a"])
def test_only_flavour_b_has_a_secret_key_to_reissue(world: World, dialect: str) -> None:
    create(world, "nokey", dialect)
    with pytest.raises(ReelhouseError) as refused:
        operators.reissue_secret_key(world.platform, "nokey")
    assert refused.value.code is ApiCode.PARAMETERS_INVALID
    assert row(world, "nokey").secret_key_sealed is None


@pytest.mark.parametrize("currency", ["KWD", "BHD", "BTC", "USDT"])
def test_flavour_b_refuses_a_currency_it_cannot_carry(world: World, currency: str) -> None:
    with pytest.raises(ReelhouseError) as refused:
        create(world, "opkwd", "igamingace-b", currency)
    assert refused.value.code is ApiCode.CURRENCY_NOT_SUPPORTED
    with pytest.raises(ReelhouseError):
        row(world, "opkwd")  # nothing was created
    assert create(world, "opkwd", "igamingace-a", currency).operator_id  # A writes any digits


def test_an_unknown_dialect_is_refused(world: World) -> None:
    with pytest.raises(ReelhouseError) as refused:
        create(world, "opx", "igamingace-c")
    assert refused.value.code is ApiCode.PARAMETERS_INVALID


@pytest.mark.parametrize(
    ("dialect", "single_call", "kind"),
    [
        ("slotcity-v4", False, CommandKind.BET),
        ("slotcity-v4", True, CommandKind.BET),  # no bet-and-win call in this dialect
        ("igamingace-a", False, CommandKind.BET),  # the default: the win comes after
        ("igamingace-b", False, CommandKind.BET),
        ("igamingace-a", True, CommandKind.BET_WIN),  # only for an operator that opted in
        ("igamingace-b", True, CommandKind.BET_WIN),
    ],
)
def test_how_a_round_opens_is_the_dialects_answer(
    world: World, dialect: str, single_call: bool, kind: CommandKind
) -> None:
    opening = world.sender.opening_call(dialect, single_call=single_call)
    assert opening.kind is kind
    assert opening.timeout_ms == {"slotcity-v4": 2000}.get(dialect, 3000)
