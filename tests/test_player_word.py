"""The operator's word on the player, service level (docs/wallet-callbacks.md, "The player may
not play"): for each wallet dialect, a wallet that answers a bet "self-excluded", "limit
reached" or "blocked" in its own codes ends the game session. The bet is not placed (the
round is rejected, no win and no cancel follow), the player is told why in the session's
language, and every later spin on the session is refused with the same code before anything
is written or sent. In-process: a scripted wallet answers the dialect's bytes, no sockets."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from reelhouse.api.wiring import build_platform
from reelhouse.client.i18n import words_for
from reelhouse.dialects import igamingace_a, igamingace_b, slotcity_v4
from reelhouse.dialects.base import StatusValue
from reelhouse.domain.clock import UTC, FakeClock
from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.session_end import SessionEnd
from reelhouse.domain.states import CallState, RoundState
from reelhouse.domain.wallet import CommandKind, HttpAnswer, HttpRequest, OutcomeKind
from reelhouse.services import game_client, launch, operators, players, rounds
from reelhouse.services.platform import Platform
from reelhouse.services.settings import Settings
from reelhouse.store.models import GameSession, LaunchToken, Operator, Round, WalletCall
from reelhouse.store.secrets import new_key_text, token_hash
from tests.conftest import fresh_database
from tests.dialects.slotcity_samples import command

GAME = "lucky-sevens"
PLAYER = "Player01"  # a name every dialect's player rule accepts

# Each dialect's codes for the three meanings (its descriptor's PLAYER_STOPS table), and the
# code the spin is answered with.
STOPS: dict[str, dict[ApiCode, StatusValue]] = {
    "slotcity-v4": {
        ApiCode.PLAYER_SELF_EXCLUDED: slotcity_v4.PlayerStop.SELF_EXCLUDED,
        ApiCode.PLAYER_LIMIT_REACHED: slotcity_v4.PlayerStop.LIMIT_REACHED,
        ApiCode.PLAYER_BLOCKED: slotcity_v4.Result.PLAYER_INACTIVE,
    },
    "igamingace-a": {
        ApiCode.PLAYER_SELF_EXCLUDED: igamingace_a.PlayerStop.SELF_EXCLUDED,
        ApiCode.PLAYER_LIMIT_REACHED: igamingace_a.PlayerStop.LIMIT_REACHED,
        ApiCode.PLAYER_BLOCKED: igamingace_a.PlayerStop.BLOCKED,
    },
    "igamingace-b": {
        ApiCode.PLAYER_SELF_EXCLUDED: igamingace_b.PlayerStop.SELF_EXCLUDED,
        ApiCode.PLAYER_LIMIT_REACHED: igamingace_b.PlayerStop.LIMIT_REACHED,
        ApiCode.PLAYER_BLOCKED: igamingace_b.PlayerStop.BLOCKED,
    },
}
REASONS = {
    ApiCode.PLAYER_SELF_EXCLUDED: SessionEnd.SELF_EXCLUDED,
    ApiCode.PLAYER_LIMIT_REACHED: SessionEnd.LIMIT_REACHED,
    ApiCode.PLAYER_BLOCKED: SessionEnd.PLAYER_BLOCKED,
}
LANGS = ("es", "de", "fr", "pt")
# The read each dialect sends at launch, on the wire.
READ_AT_LAUNCH = {
    "slotcity-v4": "authenticate",
    "igamingace-a": "balance",
    "igamingace-b": "GetBalance",
}


@dataclass
class ScriptedWallet:
    """Answers every callback OK (balance 100) in its dialect's form, except the calls that
    open a round, answered with `stop`. Counts what it was sent, by command."""

    dialect: str
    stop: StatusValue
    sent: list[str] = field(default_factory=list)
    stop_reads: bool = False  # answer the launch's balance read with `stop` too

    def send(self, request: HttpRequest) -> HttpAnswer:
        if self.dialect == "igamingace-b":
            wire = urlsplit(request.url).path.rsplit("/", 1)[1]
            opening = wire in ("Withdraw", "BetWin")
            reading = wire == "GetBalance"
        else:
            wire = json.loads(request.body)["command"]
            opening = wire in ("bet", "betwin")
            reading = wire in ("authenticate", "balance")
        self.sent.append(wire)
        status = self.stop if opening or (self.stop_reads and reading) else None
        return HttpAnswer(200, self._answer(status))

    def _answer(self, status: StatusValue | None) -> bytes:
        if self.dialect == "slotcity-v4":
            result = 0 if status is None else int(status)
            return slotcity_v4.encode_answer(result, Decimal("100.00"))
        if self.dialect == "igamingace-a":
            code = "OK" if status is None else str(status)
            return b'{"balance":100,"statusCode":"%s"}' % code.encode()
        code_b = 0 if status is None else int(status)
        return b'{"code":%d,"message":"m","balance":100.00}' % code_b


@dataclass
class Rig:
    platform: Platform
    wallet: ScriptedWallet
    token: str


def _casino(
    request: pytest.FixtureRequest, tmp_path: Path, wallet: ScriptedWallet, single_call: bool
) -> tuple[Platform, Operator, int]:
    """A platform on a fresh SQLite database whose one operator's wallet is `wallet`, and
    the user code of its player."""
    url = fresh_database(request, "sqlite", tmp_path)
    clock = FakeClock(dt.datetime(2026, 5, 1, 9, 0, tzinfo=UTC))
    settings = Settings(url, new_key_text(), "http://rh.invalid", True)
    platform = build_platform(settings, clock=clock, transport=wallet)
    issued = operators.create_operator(
        platform,
        operators.NewOperator(
            name="casinoone",
            currency="USD",
            callback_url="http://wallet.invalid/cb",
            dialect=wallet.dialect,
            min_bet_minor=10,
            approved=True,
            single_call_rounds=single_call,
        ),
    )
    with platform.db.transaction() as session:
        operator = operators.find_by_name(session, "casinoone")
    assert operator.id == issued.operator_id
    user_code = players.create_or_get(
        platform, operator.id, PLAYER, players.IGAMINGACE_B_NAMES
    ).user_code
    return platform, operator, user_code


@pytest.fixture
def rig_for(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Rig]]:
    made: list[Platform] = []

    def make(dialect: str, stop: StatusValue, lang: str, single_call: bool = False) -> Rig:
        wallet = ScriptedWallet(dialect, stop)
        platform, operator, user_code = _casino(request, tmp_path, wallet, single_call)
        made.append(platform)
        started = launch.LaunchRequest(user_code, 1, GAME, lang, "", Decimal(0))
        game_url = launch.create_launch_url(platform, operator, started)
        return Rig(platform, wallet, launch.open_launch(platform, game_url.rsplit("/", 1)[1]))

    yield make
    for platform in made:
        platform.close()


def _refused_with(rig: Rig, code: ApiCode) -> str:
    with pytest.raises(ReelhouseError) as refused:
        rounds.spin(rig.platform, rig.token, "1.00")
    assert refused.value.code is code, refused.value.message
    return refused.value.message


CASES = [
    (dialect, code, LANGS[i % len(LANGS)])
    for i, (dialect, code) in enumerate(
        (dialect, code) for dialect in STOPS for code in STOPS[dialect]
    )
]


@pytest.mark.parametrize(("dialect", "code", "lang"), CASES)
def test_a_launch_the_wallet_refuses_for_the_player_is_refused_with_its_code(
    request: pytest.FixtureRequest, tmp_path: Path, dialect: str, code: ApiCode, lang: str
) -> None:
    """The wallet's read at launch answering "self-excluded", "limit reached" or "blocked" in
    its dialect's codes refuses the launch with that code and the player's message in the
    launch's language (not a failed callback, 1015); no game link is issued."""
    wallet = ScriptedWallet(dialect, STOPS[dialect][code], stop_reads=True)
    platform, operator, user_code = _casino(request, tmp_path, wallet, False)
    try:
        started = launch.LaunchRequest(user_code, 1, GAME, lang, "", Decimal(0))
        with pytest.raises(ReelhouseError) as refused:
            launch.create_launch_url(platform, operator, started)
        assert refused.value.code is code
        assert refused.value.message == words_for(lang)[f"err_{int(code)}"]
        assert wallet.sent == [READ_AT_LAUNCH[dialect]]
        with platform.db.transaction() as session:
            assert session.scalars(select(LaunchToken)).all() == []
    finally:
        platform.close()


@pytest.mark.parametrize(("dialect", "code", "lang"), CASES)
def test_a_bet_refused_for_the_player_ends_the_session_with_the_players_message(
    rig_for: Callable[..., Rig], dialect: str, code: ApiCode, lang: str
) -> None:
    rig = rig_for(dialect, STOPS[dialect][code], lang)
    message = _refused_with(rig, code)
    # The player's message, in the session's language: never a generic error.
    assert message == words_for(lang)[f"err_{int(code)}"] != words_for("en")[f"err_{int(code)}"]

    with rig.platform.db.transaction() as session:
        game_session = session.scalar(
            select(GameSession).where(GameSession.token_hash == token_hash(rig.token))
        )
        assert game_session is not None
        assert game_session.closed_at_utc is not None
        assert game_session.end_reason == REASONS[code].value
        (round_,) = session.scalars(select(Round)).all()
        calls = session.scalars(select(WalletCall)).all()
    # The bet was not placed: the round is rejected, its one call refused; no win, no cancel.
    assert round_.state == RoundState.REJECTED
    assert [(c.kind, c.state) for c in calls] == [("bet", CallState.REFUSED)]
    opening = rig.wallet.sent[-1]

    # The next spin is refused before anything is written or sent, with the same code and
    # message; so is the page's state read.
    sent_before = list(rig.wallet.sent)
    assert _refused_with(rig, code) == message
    with pytest.raises(ReelhouseError) as state_read:
        game_client.session_state(rig.platform, rig.token)
    assert state_read.value.code is code
    assert rig.wallet.sent == sent_before and opening in ("bet", "Withdraw")
    with rig.platform.db.transaction() as session:
        assert len(session.scalars(select(Round)).all()) == 1


def test_a_betwin_refused_for_the_player_ends_the_session_too(rig_for: Callable[..., Rig]) -> None:
    stop = igamingace_a.PlayerStop.LIMIT_REACHED
    rig = rig_for("igamingace-a", stop, "de", single_call=True)
    _refused_with(rig, ApiCode.PLAYER_LIMIT_REACHED)
    assert rig.wallet.sent[-1] == "betwin"
    _refused_with(rig, ApiCode.PLAYER_LIMIT_REACHED)
    assert rig.wallet.sent.count("betwin") == 1


def test_other_refusals_leave_the_session_open(rig_for: Callable[..., Rig]) -> None:
    rig = rig_for("slotcity-v4", slotcity_v4.Result.INSUFFICIENT_FUNDS, "es")
    _refused_with(rig, ApiCode.BALANCE_NOT_ENOUGH)
    _refused_with(rig, ApiCode.BALANCE_NOT_ENOUGH)  # the player may lower the bet: still open
    assert rig.wallet.sent.count("bet") == 2


@pytest.mark.parametrize("dialect", list(STOPS))
def test_on_a_win_or_a_cancel_the_same_answers_are_never_final(dialect: str) -> None:
    """A win or a refund is owed whatever the wallet says of the player: these answers keep
    the call retried (unknown), as every "no" to a win or cancel does."""
    codec = {"slotcity-v4": slotcity_v4, "igamingace-a": igamingace_a, "igamingace-b": igamingace_b}
    for stop in STOPS[dialect].values():
        for kind in (CommandKind.WIN, CommandKind.CANCEL):
            body = ScriptedWallet(dialect, stop)._answer(stop)
            cmd = command(kind)
            outcome = codec[dialect].DIALECT.decode_answer(cmd, HttpAnswer(200, body))
            assert outcome.kind is OutcomeKind.UNKNOWN, (dialect, stop, kind)
