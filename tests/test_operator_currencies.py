"""An operator with several currencies: a session in each currency class (0, 2, 3 and 8
decimals: JPY, EUR, KWD, BTC) plays end to end in every wallet dialect, on both databases.

Each case: an operator whose first currency is EUR adds the class's currency with its own
bet limits; its player is launched through the dialect's own Main API (the v4 `game-url`,
iGamingAce A's `/v1/game/launch`, B's signed `/userAuth`), naming the currency; it plays a
losing and a winning round through the game API; then the demo casino's ledger, the round
records and the wallet calls agree to the minor unit, every amount went on the wire in the
exact form the dialect's contract gives (/work/shared/specs: SlotCity the currency's
decimals, iGamingAce A the shortest exact form, B exactly two decimals), and the game API
showed each amount with the currency's decimals. iGamingAce B carries two decimals at most,
so KWD and BTC are refused there when added (2014), changing nothing.

In-process (the ASGI app called directly, the demo casino's logic as the wallet): no
sockets, no servers."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from reelhouse.api.app import create_app
from reelhouse.api.wiring import build_platform
from reelhouse.dialects.base import CallbackCredentials
from reelhouse.dialects.registry import get_dialect
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.game_ids import numeric_game_id
from reelhouse.domain.money import currency, format_fixed, to_minor
from reelhouse.domain.states import CallState, RoundState
from reelhouse.domain.wallet import CommandKind, HttpAnswer, HttpRequest, WalletCommand
from reelhouse.games import catalogue, engine
from reelhouse.games.rng import SeededRng
from reelhouse.operator_kit.demo_casino.casino import CALLBACK_PATHS, Casino
from reelhouse.services import (
    audit,
    backoffice_settings,
    freerounds,
    launch,
    operator_currencies,
    operators,
    reconcile,
)
from reelhouse.services.ledger_export import parse_ledger
from reelhouse.services.settings import Settings
from reelhouse.store.models import (
    AuditEntry,
    GameSession,
    Operator,
    OperatorCurrency,
    Player,
    Round,
    WalletCall,
)
from reelhouse.store.secrets import new_key_text
from tests.harness import DIALECTS, GAME, reelhouse_id
from tests.inprocess_app import WALLET_BASE, App, CasinoTransport
from tests.test_bad_input import signed_in

NAME = "multicur"  # the operator; also B's agentID
PLAYER = "player01"  # every dialect's player id form (B: 4-48 alphanumerics)
FIRST = "EUR"
FUNDED_MAJOR = 1000  # the player's starting balance, in major units of its currency
RTP = 96
WHO = audit.Accountable.checked("ops@casino.example", "test")
NOW = dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
EXPIRES = NOW + dt.timedelta(days=1)  # a free-round grant's expiry


@dataclass(frozen=True)
class CurrencyClass:
    code: str
    bet: str  # the stake, as the player's client sends it
    # The stake as each dialect writes it on the wire, from its contract (not our encoder).
    wire_bet: dict[str, str]
    min_bet: str
    max_bet: str


CLASSES = {
    0: CurrencyClass(
        "JPY",
        "100",
        {"slotcity-v4": "100", "igamingace-a": "100", "igamingace-b": "100.00"},
        "10",
        "10000",
    ),
    2: CurrencyClass(
        "EUR",
        "1.00",
        {"slotcity-v4": "1.00", "igamingace-a": "1", "igamingace-b": "1.00"},
        "0.10",
        "100.00",
    ),
    3: CurrencyClass(
        "KWD", "1.000", {"slotcity-v4": "1.000", "igamingace-a": "1"}, "0.100", "100.000"
    ),
    8: CurrencyClass(
        "BTC",
        "0.0001",
        {"slotcity-v4": "0.00010000", "igamingace-a": "0.0001"},
        "0.00001",
        "0.01",
    ),
}
# iGamingAce B writes exactly two decimals (specs/igamingace.md): no room for more.
CARRIES = {"igamingace-b": 2}


def wire_form(dialect: str, amount_minor: int, code: str) -> str:
    """An amount as each contract writes it: SlotCity with the currency's decimals, A in the
    shortest exact form (JavaScript's String()), B with exactly two decimals."""
    exponent = currency(code).exponent
    amount = Decimal(amount_minor).scaleb(-exponent)
    if dialect == "igamingace-b":
        return f"{amount:.2f}"
    fixed = f"{amount:.{exponent}f}"
    if dialect == "igamingace-a" and "." in fixed:
        return fixed.rstrip("0").rstrip(".")
    return fixed


class RecordingTransport(CasinoTransport):
    """The demo casino's answers, with every callback body kept as it went on the wire."""

    def __init__(self, casino: Casino) -> None:
        super().__init__(casino)
        self.sent: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpAnswer:
        self.sent.append(request)
        return super().send(request)


@dataclass
class Rig:
    app: App
    transport: RecordingTransport
    operator_id: int
    dialect: str
    secret_key: str | None
    keys: dict[str, CallbackCredentials] = field(default_factory=dict)


@contextmanager
def rig(database_url: str, tmp_path: Path, dialect: str) -> Iterator[Rig]:
    """The app in-process with one operator of `dialect` whose first currency is EUR."""
    clock = FakeClock(NOW)
    keys: dict[str, CallbackCredentials] = {}
    casino = Casino(
        f"sqlite:///{tmp_path / 'casino.db'}", "", clock=clock, keys=lambda name: keys.get(name)
    )
    transport = RecordingTransport(casino)
    settings = Settings(database_url, new_key_text(), "http://rh.invalid", True)
    platform = build_platform(settings, clock=clock, transport=transport)
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name=NAME,
            currency=FIRST,
            callback_url=f"{WALLET_BASE}{CALLBACK_PATHS[dialect]}",
            dialect=dialect,
            min_bet_minor=10,
            max_bet_minor=10_000,
            approved=True,
        ),
    )
    keys[dialect] = CallbackCredentials(
        "", issued.callback_token, issued.api_token, issued.secret_key, agent_id=NAME
    )
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="currency-app", daemon=True)
    thread.start()
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(platform), client=("127.0.0.1", 4000)),
        base_url="http://rh.invalid",
    )
    app = App(platform, None, casino, issued.api_token, "", "", loop, client)
    try:
        yield Rig(app, transport, issued.operator_id, dialect, issued.secret_key, keys)
    finally:
        asyncio.run_coroutine_threadsafe(client.aclose(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        platform.close()
        casino.dispose()


def post(r: Rig, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = r.app.post(path, json.dumps(body).encode(), r.app.api_token)
    assert answer.status_code == 200, answer.text
    envelope: dict[str, Any] = json.loads(answer.text, parse_float=Decimal)
    return envelope


def b_sign(secret_key: str, *values: str) -> str:
    """B's `sign` as its contract defines it: HMAC-SHA256 of the values concatenated."""
    mac = hmac.new(secret_key.encode(), "".join(values).encode(), hashlib.sha256)
    return mac.hexdigest().upper()


def launch_url(r: Rig, code: str) -> str:
    """A launch in `code` through the dialect's own Main API; the launch URL."""
    game_id = numeric_game_id(GAME)
    if r.dialect == "slotcity-v4":
        user = post(r, "/v4/user/create", {"name": PLAYER})["data"]["user_code"]
        body = {"user_code": user, "provider_id": 1, "game_symbol": GAME, "currency": code}
        answer = post(r, "/v4/game/game-url", body)
        assert answer["code"] == 0, answer
        return str(answer["data"]["game_url"])
    if r.dialect == "igamingace-a":
        assert post(r, "/v1/player/link", {"playerId": PLAYER})["success"]
        body = {"playerId": PLAYER, "providerId": 1, "gameId": game_id, "currency": code}
        answer = post(r, "/v1/game/launch", body)
        assert answer["success"] is True, answer
        return str(answer["data"])
    assert r.secret_key is not None
    body = {
        "agentID": NAME,
        "userID": PLAYER,
        "gameid": game_id,
        "lang": "en",
        "lobbyUrl": "",
        "currency": code,  # [ours], not signed
        "sign": b_sign(r.secret_key, NAME, PLAYER, str(game_id)),
    }
    answer = post(r, "/userAuth", body)
    assert answer["code"] == 0, answer
    return str(answer["url"])


def spin(r: Rig, session_token: str, bet: str, seed: int) -> dict[str, Any]:
    r.app.platform.game_rng = lambda: SeededRng(seed)
    body = json.dumps({"bet": bet}).encode()
    answer = r.app.post("/api/game/spin", body, session_token)
    envelope: dict[str, Any] = json.loads(answer.text, parse_float=Decimal)
    assert envelope["code"] == 0, envelope
    data: dict[str, Any] = envelope["data"]
    return data


def seeds_for(bet_minor: int) -> tuple[int, int]:
    """A seed whose round loses and one whose round wins, at this stake."""
    game = catalogue.get_game(GAME)
    assert game is not None
    wins = {s: engine.play(game, RTP, bet_minor, SeededRng(s)).win_minor for s in range(50)}
    return min(s for s, w in wins.items() if w == 0), min(s for s, w in wins.items() if w > 0)


AMOUNT_FIELD = re.compile(rb'"(amount|betAmount|winAmount)":(-?[0-9.]+)')


def wire_amounts(r: Rig) -> list[tuple[str, str]]:
    """Every amount of every money callback, as the bytes on the wire spelled it."""
    found = []
    for request in r.transport.sent:
        for name, text in AMOUNT_FIELD.findall(request.body):
            found.append((name.decode(), text.decode()))
    return found


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("decimals", sorted(CLASSES), ids=lambda d: f"{d}dp")
def test_a_session_in_each_currency_class_plays_end_to_end(
    database_url: str, tmp_path: Path, dialect: str, decimals: int
) -> None:
    spec = CLASSES[decimals]
    cur = currency(spec.code)
    with rig(database_url, tmp_path, dialect) as r:
        low, high = to_minor(spec.min_bet, cur), to_minor(spec.max_bet, cur)
        if cur.exponent > CARRIES.get(dialect, cur.exponent):
            # Refused when added, changing nothing: it could not be sent without rounding.
            with pytest.raises(ReelhouseError) as refused:
                operator_currencies.add_currency(
                    r.app.platform, NAME, spec.code, min_bet_minor=low, max_bet_minor=high
                )
            assert refused.value.code is ApiCode.CURRENCY_NOT_SUPPORTED
            with r.app.platform.db.transaction() as session:
                assert session.scalars(select(OperatorCurrency)).all() == []
            return
        if spec.code != FIRST:
            operator_currencies.add_currency(
                r.app.platform, NAME, spec.code, min_bet_minor=low, max_bet_minor=high
            )
        r.app.casino.create_player(PLAYER, spec.code, str(FUNDED_MAJOR))
        url = launch_url(r, spec.code)
        session_token = launch.open_launch(r.app.platform, url.rsplit("/", 1)[1])

        bet_minor = to_minor(spec.bet, cur)
        losing, winning = seeds_for(bet_minor)
        lost = spin(r, session_token, spec.bet, losing)
        won = spin(r, session_token, spec.bet, winning)
        r.app.platform.wallet.write_pending_acks()

        # The rounds, in the session's currency, settled, with what the game drew.
        with r.app.platform.db.transaction() as session:
            rounds = session.scalars(select(Round).order_by(Round.created_at_utc, Round.id)).all()
            calls = session.scalars(select(WalletCall)).all()
            game_session = session.scalars(select(GameSession)).one()
            player = session.scalars(select(Player)).one()
            assert (game_session.currency, player.currency) == (spec.code, spec.code)
        assert [r_.state for r_ in rounds] == [RoundState.SETTLED] * 2
        assert [r_.bet_minor for r_ in rounds] == [bet_minor, bet_minor]
        assert rounds[0].win_minor == 0 < rounds[1].win_minor
        assert {c.state for c in calls} == {CallState.ACKED}

        # The wallet's ledger holds every call with the amount Reelhouse holds, to the minor
        # unit, in the currency of the account, and the balance moved by exactly that.
        ledger = r.app.casino.ledger(None)
        theirs = {reelhouse_id(dialect, str(row["trans_guid"])): row for row in ledger}
        assert {i: row["amount_minor"] for i, row in theirs.items()} == {
            c.id: c.amount_minor for c in calls
        }
        assert {row["currency"] for row in ledger} == {spec.code}
        start_minor = FUNDED_MAJOR * cur.unit
        end_minor = start_minor - 2 * bet_minor + rounds[1].win_minor
        assert r.app.casino.player(PLAYER)["balance_minor"] == end_minor

        # The game API shows each amount with the currency's decimals, and the balance the
        # wallet answered.
        assert (lost["bet"], lost["win"]) == (format_fixed(bet_minor, cur), format_fixed(0, cur))
        assert won["win"] == format_fixed(rounds[1].win_minor, cur)
        assert won["balance"] == format_fixed(end_minor, cur)

        # On the wire: every stake in the contract's exact form, and the win too.
        amounts = wire_amounts(r)
        stakes = [text for name, text in amounts if name in ("amount", "betAmount")]
        assert stakes.count(spec.wire_bet[dialect]) >= 2, amounts
        assert wire_form(dialect, rounds[1].win_minor, spec.code) in {t for _, t in amounts}
        assert wire_form(dialect, bet_minor, spec.code) == spec.wire_bet[dialect]

        # Reconciling the day with the wallet's ledger finds nothing, call by call.
        report = reconcile.reconcile(
            r.app.platform, NAME, NOW.date(), lambda day: parse_ledger(r.app.casino.ledger(day))
        )
        assert report.ok and report.items == [] and report.matched == len(calls), report.items

        # The Main API's transaction feed names each item's currency, amounts in it.
        window = {"start_time": "2026-05-01 08:30:00", "end_time": "2026-05-01 09:30:00"}
        feed = post(r, "/v4/game/transaction", window | {"limit": 100})["data"]["list"]
        assert {item["currency_code"] for item in feed} == {spec.code}
        assert {int(item["trans_id"]): to_minor(item["trans_amount"], cur) for item in feed} == {
            c.id: c.amount_minor for c in calls
        }


SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
def test_refusals_at_every_entry_change_nothing(database_url: str, tmp_path: Path) -> None:
    """A launch in a currency the operator does not offer (3025), a player fixed in another
    currency (3026), a stake outside that currency's limits or with more decimals than it
    has (1012, never rounded), free-round amounts likewise: each refused, nothing written."""
    with rig(database_url, tmp_path, "slotcity-v4") as r:
        platform = r.app.platform
        operator_currencies.add_currency(
            platform, NAME, "BTC", min_bet_minor=1_000, max_bet_minor=1_000_000
        )
        r.app.casino.create_player(PLAYER, "BTC", "1")
        user = post(r, "/v4/user/create", {"name": PLAYER})["data"]["user_code"]
        base = {"user_code": user, "provider_id": 1, "game_symbol": GAME}
        before = r.app.row_counts()
        for code, expected in (("GBP", 3025), ("btc", 3025), ("ZZZ", 3025)):
            answer = post(r, "/v4/game/game-url", base | {"currency": code})
            assert answer["code"] == expected, answer
        # Free rounds for a player not fixed yet are in the first currency: EUR has 2 decimals.
        grant = {"user_code": user, "provider_id": 1, "game_code": GAME, "rounds": 5}
        grant |= {"expirationDate": int(EXPIRES.timestamp()) * 1000}
        answer = post(r, "/v4/game/freeround/start", grant | {"bet": "0.105"})
        assert answer["code"] == ApiCode.PARAMETERS_INVALID, answer
        assert r.app.row_counts() == before

        # Launched in BTC: the player is fixed in BTC; a launch in EUR is then refused.
        url = post(r, "/v4/game/game-url", base | {"currency": "BTC"})["data"]["game_url"]
        session_token = launch.open_launch(platform, url.rsplit("/", 1)[1])
        before = r.app.row_counts()
        assert post(r, "/v4/game/game-url", base | {"currency": "EUR"})["code"] == 3026
        # A free-round stake in BTC with more than 8 decimals is refused, not rounded.
        answer = post(r, "/v4/game/freeround/start", grant | {"bet": "0.000010001"})
        assert answer["code"] == ApiCode.PARAMETERS_INVALID, answer
        for bet in ("0.000000001", "0.00000999", "0.01000001", "0.011"):
            spun = r.app.post("/api/game/spin", json.dumps({"bet": bet}).encode(), session_token)
            assert json.loads(spun.text)["code"] == ApiCode.PARAMETERS_INVALID, (bet, spun.text)
        assert r.app.row_counts() == before

        # The agent's currencies, each with its limits in its own decimals.
        info = post(r, "/v4/agent/info", {})["data"]
        assert info["currency_code"] == FIRST
        assert [c["currency_code"] for c in info["currencies"]] == [FIRST, "BTC"]
        assert info["currencies"][1]["min_bet"] == "0.00001000"

        # Limits per currency: set, read back, refused in a currency the operator lacks.
        with platform.db.transaction() as session:
            operator = session.get(Operator, r.operator_id)
            assert operator is not None
            operator_currencies.set_bet_limits(session, operator, "BTC", 500, 2_000_000, 0)
            with pytest.raises(ReelhouseError) as lacking:
                operator_currencies.set_bet_limits(session, operator, "JPY", 1, 2, 0)
            assert lacking.value.code is ApiCode.CURRENCY_NOT_OFFERED
            offered = operator_currencies.currencies_of(session, operator)
        assert [o.described() for o in offered] == [
            {"currency": "EUR", "min_bet": "0.10", "max_bet": "100.00", "max_win": "0.00"},
            {
                "currency": "BTC",
                "min_bet": "0.00000500",
                "max_bet": "0.02000000",
                "max_win": "0.00000000",
            },
        ]
        # A grant for the BTC player is in BTC, within BTC's limits, to the satoshi.
        assert freerounds.grant_limits(platform, operator, user).currency.code == "BTC"
        answer = post(r, "/v4/game/freeround/start", grant | {"bet": "0.00001"})
        assert answer["code"] == 0, answer


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_wallet_balance_with_more_decimals_is_shown_to_the_minor_unit(dialect: str) -> None:
    """A wallet answering a balance with more decimals than the currency has (float noise, or
    sub-unit money) is read to the nearest minor unit, half to even (docs/wallet-callbacks.md);
    its answer's status, not its balance, decides the outcome."""
    answers = {
        "slotcity-v4": '{{"result":0,"status":"OK","data":{{"account":"{a}","balance":{b}}}}}',
        "igamingace-a": '{{"balance":{b},"statusCode":"OK"}}',
        "igamingace-b": '{{"code":0,"message":"success","balance":{b}}}',
    }
    cases = [("JPY", "1000.5", 1000), ("EUR", "49.30000000000001", 4930), ("KWD", "1.0005", 1000)]
    cases += [("BTC", "0.000000015", 2)]
    for code, sent, shown_minor in cases:
        if currency(code).exponent > CARRIES.get(dialect, 8):
            continue
        command = WalletCommand(CommandKind.BALANCE, account=PLAYER, currency=code, game_code=GAME)
        body = answers[dialect].format(a=PLAYER, b=sent).encode()
        outcome = get_dialect(dialect).decode_answer(command, HttpAnswer(200, body))
        assert outcome.balance_minor == shown_minor, (code, sent, outcome)


@SQLITE
def test_the_back_office_lists_adds_and_limits_currencies_audited(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Settings page shows each currency with its limits; its forms add one and change
    one's limits, each audited; switching to a dialect that cannot carry one is refused."""
    with rig(database_url, tmp_path, "igamingace-a") as r:
        cookies = signed_in(r.app, monkeypatch)
        page_path = f"/backoffice/o/{r.operator_id}/settings"
        page = r.app.get(page_path, cookies=cookies)
        assert page.status_code == 200 and 'id="currencies"' in page.text
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found is not None
        csrf = found.group(1)

        def submit(action: str, form: str) -> str:
            posted = r.app.post_form(
                f"{page_path}/{action}", f"csrf={csrf}&{form}".encode(), cookies
            )
            return posted.text

        added = submit("add-currency", "currency=BTC&min_bet=0.00001&max_bet=0.01&max_win=0")
        assert "BTC added" in added
        # A max win of 5000 bets at the max bet: no game's effective RTP near the floor (3033).
        limited = submit("limits", "currency=BTC&min_bet=0.00002&max_bet=0.02&max_win=100")
        assert "Bet limits and max win in BTC saved" in limited
        # More decimals than BTC has, and a currency the operator lacks: refused, unchanged.
        before = r.app.row_counts()
        for action, form, message in (
            ("limits", "currency=BTC&min_bet=0.000000001&max_bet=1", "more than 8 decimals"),
            ("limits", "currency=JPY&min_bet=1&max_bet=2", "not one of the agent&#39;s currencies"),
            ("add-currency", "currency=XAU&min_bet=1&max_bet=2", "has no minor unit"),
            ("add-currency", "currency=BTC&min_bet=1&max_bet=2", "offers BTC already"),
        ):
            assert message in submit(action, f"{form}&max_win=0"), (action, form)
        with pytest.raises(ReelhouseError) as refused:
            backoffice_settings.set_dialect(r.app.platform, r.operator_id, "igamingace-b", WHO)
        assert refused.value.code is ApiCode.CURRENCY_NOT_SUPPORTED
        assert r.app.row_counts() == before

        page = r.app.get(page_path, cookies=cookies).text
        assert 'value="0.00002000"' in page and 'value="0.02000000"' in page
        assert "<td>BTC</td>" in page  # its effective RTPs under its own max win
        with r.app.platform.db.transaction() as session:
            actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["settings.currency", "settings.limits"]
