"""Hardening item 10 through the services: a callback URL that points inside Reelhouse's
network is refused when an operator is created, when the URL is changed (CLI and back
office) and when a call is sent, and the back office's "Test callback" never shows what
answered, only Reelhouse's reading of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

from reelhouse.dispatch.retry import RetrySchedule
from reelhouse.dispatch.sender import WalletSender
from reelhouse.dispatch.transport import HttpxTransport, Transport
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.wallet import (
    CommandKind,
    HttpAnswer,
    HttpRequest,
    OutcomeKind,
    WalletCommand,
)
from reelhouse.services import audit, backoffice_settings, operators
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.db import Database
from reelhouse.store.models import Operator
from reelhouse.store.secrets import Sealer, new_key_text

WHO = audit.Accountable.checked("ops@casino.example", "test")
GOOD_URL = "https://wallet.example/cb"
REFUSED_URLS = [
    "http://2130706433/cb",
    "http://0x7f000001/cb",
    "http://127.1/cb",
    "http://0177.0.0.1/cb",
    "http://0/cb",
    "http://localhost./cb",
    "http://[::127.0.0.1]/cb",
    "http://[64:ff9b::a9fe:a9fe]/cb",
    "http://2852039166/cb",
    "http://100.64.0.1/cb",
    "https://evil.example/cb",  # a name the (fake) DNS resolves to 127.0.0.1
]


class FakeDns:
    def __init__(self) -> None:
        self.table = {"wallet.example": ["93.184.215.14"], "evil.example": ["127.0.0.1"]}

    def __call__(self, host: str, port: int, timeout_s: float) -> Sequence[str]:
        if host not in self.table:
            raise OSError(f"{host} not known")
        return self.table[host]


@dataclass
class Leaky:
    """A wallet (or whatever answers at its URL) that answers with something secret."""

    def send(self, request: HttpRequest) -> HttpAnswer:
        return HttpAnswer(500, b"root:x:0:0:SECRET-FROM-THE-INSIDE")


def build(database_url: str, transport: Transport, dns: FakeDns) -> Platform:
    clock = FakeClock(dt.datetime(2026, 5, 1, tzinfo=UTC))
    settings = Settings(database_url, new_key_text(), "http://rh.invalid", False)
    db = Database(database_url)
    sender = WalletSender(db, Sealer(settings.secret_key), clock, transport, RetrySchedule())
    return Platform(db, settings, sender, clock, closers=[db.dispose], resolver=dns)


@pytest.fixture
def dns() -> FakeDns:
    return FakeDns()


@pytest.fixture
def platform(database_url: str, dns: FakeDns) -> Iterator[Platform]:
    transport = HttpxTransport(5.0, allow_private=False, resolver=dns)
    built = build(database_url, transport, dns)
    try:
        yield built
    finally:
        transport.close()
        built.close()


def saved_url(platform: Platform, operator_id: int) -> str:
    with platform.db.transaction() as session:
        operator = session.get(Operator, operator_id)
        assert operator is not None
        return operator.callback_url


def test_internal_callback_urls_are_refused_at_creation_and_change(platform: Platform) -> None:
    issued = operators.create_operator(
        platform, operators.NewOperator(name="casino", currency="USD", callback_url=GOOD_URL)
    )
    for url in REFUSED_URLS:
        spec = operators.NewOperator(name="other", currency="USD", callback_url=url)
        with pytest.raises(ReelhouseError) as refused:
            operators.create_operator(platform, spec)
        assert refused.value.code == ApiCode.PARAMETERS_INVALID, url
        with pytest.raises(ReelhouseError):
            operators.set_callback_url(platform, "casino", url)
        with pytest.raises(ReelhouseError):
            backoffice_settings.set_callback_url(platform, issued.operator_id, url, WHO)
        with pytest.raises(ReelhouseError):
            backoffice_settings.test_callback(platform, issued.operator_id, url)
    assert saved_url(platform, issued.operator_id) == GOOD_URL


def test_a_name_that_turns_inward_after_it_was_saved_is_refused_at_send(
    platform: Platform, dns: FakeDns
) -> None:
    issued = operators.create_operator(
        platform, operators.NewOperator(name="casino", currency="USD", callback_url=GOOD_URL)
    )
    dns.table["wallet.example"] = ["169.254.169.254"]  # DNS changed since the URL was saved
    with platform.db.transaction() as session:
        operator = session.get(Operator, issued.operator_id)
        assert operator is not None
        endpoint = operators.wallet_endpoint(platform, operator)
    outcome = platform.wallet.read(
        endpoint, WalletCommand(CommandKind.BALANCE, account="player", currency="USD")
    )
    # An outcome like any unreachable wallet (unknown: retried, then parked), never a crash.
    assert outcome.kind is OutcomeKind.UNKNOWN
    assert "callback address refused" in outcome.detail
    assert "169.254.169.254, a link-local address" in outcome.detail
    with pytest.raises(ReelhouseError, match="link-local"):  # the probe checks first
        backoffice_settings.test_callback(platform, issued.operator_id)


def test_test_callback_shows_the_reading_not_the_bytes(database_url: str, dns: FakeDns) -> None:
    platform = build(database_url, Leaky(), dns)
    try:
        issued = operators.create_operator(
            platform,
            operators.NewOperator(name="casino", currency="USD", callback_url=GOOD_URL),
        )
        probe = backoffice_settings.test_callback(platform, issued.operator_id)
    finally:
        platform.close()
    assert (probe.reachable, probe.outcome, probe.detail) == (False, "unknown", "HTTP 500")
    assert "SECRET" not in repr(probe)


def test_private_callbacks_still_allow_loopback_and_made_up_names(database_url: str) -> None:
    """The demo and the test suites run wallets on loopback, and name them freely."""
    dns = FakeDns()
    platform = build(database_url, Leaky(), dns)
    platform.settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
    platform.__post_init__()
    try:
        for url in ("http://127.0.0.1:8001/callback", "http://wallet.invalid/cb"):
            operators.create_operator(
                platform,
                operators.NewOperator(name=f"op{len(url)}", currency="USD", callback_url=url),
            )
        with pytest.raises(ReelhouseError):  # non-canonical spellings never pass
            operators.set_callback_url(
                platform, f"op{len('http://wallet.invalid/cb')}", "http://127.1/"
            )
    finally:
        platform.close()
