"""The Main API v4's answers as the OpenAPI document describes them: the success envelope and
the `data` of each endpoint, with examples (a test validates every example against its
schema, and real answers against these schemas).

Documentation only: the routes write their answers themselves (api/envelope.py `ok_exact`,
money as exact JSON numbers), and these models reach FastAPI through `responses=`
(api/answer_docs.py), never as a `response_model` that would re-serialise an answer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

# Money in an answer: a JSON number with the currency's digits (`99.30`, `5` for JPY), to be
# read as a decimal (api/exact_json.py writes it from integer minor units).
Money = Annotated[
    Decimal,
    WithJsonSchema(
        {"type": "number", "description": "exact decimal, the currency's digits; read as decimal"}
    ),
]
# A game's figure (an RTP, odds): a JSON number written from the sheet's decimal text.
Figure = Annotated[Decimal, WithJsonSchema({"type": "number"})]
# Money as decimal text (`"99.30"`): the reporting rows and the game API.
MoneyText = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["99.30"])]
# A percentage with 2 decimals as text, or null when nothing was staked.
PercentText = Annotated[str | None, Field(pattern=r"^[0-9]+\.[0-9]{2}$")]
ApiTime = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", description="UTC")]
ApiDate = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="a UTC day")]
IdText = Annotated[str, Field(pattern=r"^[0-9]{1,19}$")]


def _examples(*values: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(values)})


class Ok(BaseModel):
    """The success envelope: `code` 0, `message` null; each endpoint's `data` below."""

    code: Literal[0]
    message: None


# --- data --------------------------------------------------------------------------------


class AgentCurrency(BaseModel):
    currency_code: str
    min_bet: MoneyText
    max_bet: MoneyText
    max_win: MoneyText = Field(description="per round; 0 = no cap")


class AgentInfo(BaseModel):
    name: str
    currency: int = Field(description="ISO 4217 number (840 USD); 0 for a cryptocurrency")
    currency_code: str = Field(description="[added] the text code")
    balance: Money = Field(description="always 0: the operator keeps balances (seamless)")
    rtp: Money
    win_ratio: Money
    state: str = Field(description="[added] the agent's state")
    currencies: list[AgentCurrency] = Field(
        description="[added] every currency the agent offers, its first one first, with its"
        " bet limits in its own decimals"
    )


class AgentRtp(BaseModel):
    rtp: Money = Field(description="the RTP actually set")
    requested: str = Field(description="[added] the RTP asked for, as text")


class CallbackProbe(BaseModel):
    callback_url: str
    time: int = Field(description="milliseconds the probe took")
    dialect: str
    reachable: bool
    outcome: str
    detail: str
    balance: str | None


class UserCreated(BaseModel):
    user_code: int = Field(ge=1, le=2**53)
    is_new_user: bool
    user_code_text: IdText = Field(description="[added] user_code as text")


class UserInfo(BaseModel):
    name: str
    balance: Money = Field(description="the last balance the wallet reported; 0 if none")
    balance_known: bool = Field(description="[added] false when the wallet never reported one")


class Provider(BaseModel):
    provider_id: int
    provider_name: str
    locale_name: str
    status: int


class GameMetadata(BaseModel):
    """A game's figures at the RTP variant the agent's players get, from its exact math
    sheet (docs/api.md, "Games: status and metadata"); a figure is null where the sheet
    has none, or the game's math changed after its figures were written."""

    rtp_variant: int | None
    rtp: Figure | None = Field(description="percent, 2 decimals")
    volatility: str | None
    volatility_index: Figure | None
    hit_rate: Figure | None = Field(description="percent of rounds that pay")
    max_win_x: Figure | None = Field(description="the most a round can pay, in bets")
    max_win_one_in: Figure | None = Field(description="its odds, 1 in N")
    free_spins_one_in: Figure | None
    features: list[str]


class GameItem(BaseModel):
    provider_id: int
    game_code: str
    game_name: str
    locale_name: str
    game_image: str
    launch_enable: bool
    category: str = Field(description="`Slots`, or `Live` for an upstream live game")
    reg_date: ApiTime
    status: Literal["available", "maintenance"] | None = Field(
        default=None, description="**[added]** Reelhouse's own games only"
    )
    metadata: GameMetadata | None = Field(
        default=None, description="**[added]** Reelhouse's own games only"
    )


class GameUrl(BaseModel):
    game_url: str = Field(description="one use, valid 10 minutes")


class RoundDetailsUrl(BaseModel):
    url: str = Field(description="the round's public page")


class OnlineGame(BaseModel):
    gplay_id: int
    user_code: int
    user_name: str
    provider_id: int
    game_code: str
    game_name: str
    last_round_bet: MoneyText
    spend: MoneyText
    win: MoneyText
    start_time: ApiTime
    last_update: ApiTime
    currency_code: str = Field(description="[added] the currency of the session's amounts")


class Transaction(BaseModel):
    trans_id: int
    user_code: int
    round_id: IdText
    trans_type: Literal[1, 2, 16] = Field(description="1 bet, 2 win, 16 cancel")
    provider_id: int
    provider_name: str
    game_code: str
    game_name: str
    category: str
    prebalance: Money
    trans_amount: Money
    balance: Money
    regdate: ApiTime
    trans_guid: IdText = Field(description="[added] the id the callback carried")
    balance_known: bool = Field(description="[added] false when the wallet reported none")
    currency_code: str = Field(description="[added] the currency of the amounts (`EUR`, `BTC`)")


class TransactionPage(BaseModel):
    total: int
    offset: int
    count: int
    list: list[Transaction]


class UserStatsRow(BaseModel):
    user_code: int
    user_name: str
    slot_bet: MoneyText
    slot_win: MoneyText
    currency_code: str = Field(description="[added] the player's currency, that of its amounts")


class UserStatsPage(BaseModel):
    total: int
    offset: int
    count: int
    list: list[UserStatsRow]


class Tally(BaseModel):
    bet: MoneyText
    win: MoneyText
    ggr: MoneyText
    rounds: int
    free_rounds: int
    stake: MoneyText
    players: int
    rtp_observed: PercentText
    rtp_theoretical: PercentText


_ROW_CURRENCY = "the currency of the row's amounts: one row per currency, never a sum of two"
_FIRST_CURRENCY = "the agent's first currency; each row names its own in `currency_code`"


class DayRow(Tally):
    date: ApiDate
    currency_code: str = Field(description=_ROW_CURRENCY)


class GameRow(Tally):
    provider_id: int
    game_code: str
    game_name: str
    rtp_variant: int = Field(description="the RTP variant in percent; 0 for upstream games")
    currency_code: str = Field(description=_ROW_CURRENCY)


class DayStats(BaseModel):
    currency: str = Field(description=_FIRST_CURRENCY)
    start_date: ApiDate
    end_date: ApiDate
    list: list[DayRow]


class GameStats(BaseModel):
    currency: str = Field(description=_FIRST_CURRENCY)
    start_date: ApiDate
    end_date: ApiDate
    list: list[GameRow]


class FreeRoundStarted(BaseModel):
    fr_id: int
    fr_id_text: IdText = Field(description="[added] fr_id as text")


class Nothing(BaseModel):
    """An empty object."""


# --- envelopes -----------------------------------------------------------------------------

_USD_AGENT = {
    "name": "casino_one",
    "currency": 840,
    "currency_code": "USD",
    "balance": 0,
    "rtp": 96,
    "win_ratio": 96,
    "state": "approved",
    "currencies": [
        {"currency_code": "USD", "min_bet": "0.10", "max_bet": "1000.00", "max_win": "0.00"},
        {
            "currency_code": "BTC",
            "min_bet": "0.00001000",
            "max_bet": "0.01000000",
            "max_win": "0.00000000",
        },
    ],
}
_TRANSACTION = {
    "trans_id": 4101,
    "user_code": 17,
    "round_id": "4100",
    "trans_type": 1,
    "provider_id": 1,
    "provider_name": "Reelhouse",
    "game_code": "lucky-sevens",
    "game_name": "Lucky Sevens",
    "category": "Slots",
    # Whole amounts: an example is data in this module, and money never passes through a
    # float; the wire writes the currency's digits (`99.00`).
    "prebalance": 100,
    "trans_amount": 1,
    "balance": 99,
    "regdate": "2026-05-01 08:00:01",
    "trans_guid": "4101",
    "balance_known": True,
    "currency_code": "USD",
}
_TALLY = {
    "bet": "10.00",
    "win": "9.50",
    "ggr": "0.50",
    "rounds": 10,
    "free_rounds": 0,
    "stake": "10.00",
    "players": 1,
    "rtp_observed": "95.00",
    "rtp_theoretical": "96.00",
}


class AgentInfoAnswer(Ok):
    model_config = _examples({"code": 0, "message": None, "data": _USD_AGENT})
    data: AgentInfo


class AgentRtpAnswer(Ok):
    model_config = _examples({"code": 0, "message": None, "data": {"rtp": 96, "requested": "96"}})
    data: AgentRtp


class CallbackProbeAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "callback_url": "https://casino.example/callback",
                "time": 42,
                "dialect": "slotcity-v4",
                "reachable": True,
                "outcome": "applied",
                "detail": "",
                "balance": "100.00",
            },
        }
    )
    data: CallbackProbe


class UserCreatedAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {"user_code": 17, "is_new_user": True, "user_code_text": "17"},
        }
    )
    data: UserCreated


class UserInfoAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {"name": "player_1", "balance": 99, "balance_known": True},
        }
    )
    data: UserInfo


class ProvidersAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": [
                {
                    "provider_id": 1,
                    "provider_name": "Reelhouse",
                    "locale_name": "Reelhouse",
                    "status": 1,
                }
            ],
        }
    )
    data: list[Provider]


class GamesAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": [
                {
                    "provider_id": 1,
                    "game_code": "lucky-sevens",
                    "game_name": "Lucky Sevens",
                    "locale_name": "Lucky Sevens",
                    "game_image": "https://reelhouse.example/img/games/lucky-sevens.svg",
                    "launch_enable": True,
                    "category": "Slots",
                    "reg_date": "2026-01-01 00:00:00",
                    "status": "available",
                    "metadata": {
                        "rtp_variant": 96,
                        "rtp": 96.0,
                        "volatility": "low",
                        "volatility_index": 4.1,
                        "hit_rate": 23.5,
                        "max_win_x": 40.4,
                        "max_win_one_in": 51200.0,
                        "free_spins_one_in": None,
                        "features": ["5 lines"],
                    },
                }
            ],
        }
    )
    data: list[GameItem]


class GameUrlAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {"game_url": "https://games.example/play/Zk3q9yQ2hV8"},
        }
    )
    data: GameUrl


class RoundDetailsAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {"url": "https://games.example/round/4100/f1d2c3b4"},
        }
    )
    data: RoundDetailsUrl


class OnlineGamesAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": [
                {
                    "gplay_id": 88,
                    "user_code": 17,
                    "user_name": "player_1",
                    "provider_id": 1,
                    "game_code": "lucky-sevens",
                    "game_name": "Lucky Sevens",
                    "last_round_bet": "1.00",
                    "spend": "12.00",
                    "win": "9.40",
                    "start_time": "2026-05-01 08:00:00",
                    "last_update": "2026-05-01 08:12:31",
                    "currency_code": "USD",
                }
            ],
        }
    )
    data: list[OnlineGame]


class TransactionPageAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {"total": 1, "offset": 0, "count": 1, "list": [_TRANSACTION]},
        }
    )
    data: TransactionPage


class TransactionListAnswer(Ok):
    model_config = _examples({"code": 0, "message": None, "data": [_TRANSACTION]})
    data: list[Transaction]


class UserStatsAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "total": 1,
                "offset": 0,
                "count": 1,
                "list": [
                    {
                        "user_code": 17,
                        "user_name": "player_1",
                        "slot_bet": "10.00",
                        "slot_win": "9.50",
                        "currency_code": "USD",
                    }
                ],
            },
        }
    )
    data: UserStatsPage


class DayStatsAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "currency": "USD",
                "start_date": "2026-05-01",
                "end_date": "2026-05-01",
                "list": [{"date": "2026-05-01", "currency_code": "USD", **_TALLY}],
            },
        }
    )
    data: DayStats


class GameStatsAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "currency": "USD",
                "start_date": "2026-05-01",
                "end_date": "2026-05-01",
                "list": [
                    {
                        "provider_id": 1,
                        "game_code": "lucky-sevens",
                        "game_name": "Lucky Sevens",
                        "rtp_variant": 96,
                        "currency_code": "USD",
                        **_TALLY,
                    }
                ],
            },
        }
    )
    data: GameStats


class FreeRoundStartedAnswer(Ok):
    model_config = _examples(
        {"code": 0, "message": None, "data": {"fr_id": 9001, "fr_id_text": "9001"}}
    )
    data: FreeRoundStarted


class NothingAnswer(Ok):
    model_config = _examples({"code": 0, "message": None, "data": {}})
    data: Nothing


class OperatorEvent(BaseModel):
    """One event (docs/webhooks.md: every kind and its `data` fields)."""

    sequence: int = Field(description="gapless per operator, from 1")
    kind: str = Field(description="`round.settled`, `round.cancelled`, `round.big_win`...")
    created_at: ApiTime
    data: dict[str, Any] = Field(description="the kind's fields (docs/webhooks.md)")


class EventsPage(BaseModel):
    events: list[OperatorEvent]
    last_sequence: int = Field(description="the newest event's sequence (0: none yet)")


class EventsAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "events": [
                    {
                        "sequence": 42,
                        "kind": "round.settled",
                        "created_at": "2026-11-30 08:21:11",
                        "data": {
                            "round_id": 301334263254016,
                            "user_code": 17,
                            "game_code": "lucky-sevens",
                            "bet_minor": 100,
                            "win_minor": 250,
                            "free_round_id": None,
                        },
                    }
                ],
                "last_sequence": 42,
            },
        }
    )
    data: EventsPage


class RgAuditRow(BaseModel):
    """One responsible-gaming audit row (docs/jurisdictions.md, "Audit")."""

    id: int
    at: str = Field(description="ISO 8601, UTC")
    operator_id: int
    user_code: int
    session_id: int
    round_id: int | None
    jurisdiction: str
    kind: str = Field(description="`refusal`, `reality_check.shown`, ..., `limit.reached`")
    code: int | None = Field(description="a refusal's code")
    detail: dict[str, Any]


class RgAuditPage(BaseModel):
    entries: list[RgAuditRow]


class RgAuditAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "entries": [
                    {
                        "id": 7,
                        "at": "2026-11-30T08:21:11Z",
                        "operator_id": 3,
                        "user_code": 17,
                        "session_id": 301334263254017,
                        "round_id": None,
                        "jurisdiction": "uk",
                        "kind": "refusal",
                        "code": 3016,
                        "detail": {
                            "message": "a reality check waits for the player's answer",
                            "stake_minor": 100,
                        },
                    }
                ]
            },
        }
    )
    data: RgAuditPage
