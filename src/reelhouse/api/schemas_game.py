"""The game API's answers (browser -> Reelhouse, `Authorization: Bearer <session token>`) as
the OpenAPI document describes them. The game's drawing data and a round's outcome are
objects whose members depend on the game: described as open objects (docs/game-client.md).

Documentation only, as api/schemas_v4.py.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from reelhouse.api.schemas_v4 import MoneyText, Ok


def _examples(*values: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(values)})


class FreeRoundOffer(BaseModel):
    fr_id: str = Field(pattern=r"^[0-9]{1,19}$", description="the grant's id as text")
    remaining: int
    total: int
    bet: MoneyText
    expires_at: str


class SessionGame(BaseModel):
    """The game's code, name, RTP variant and the data the client draws."""

    model_config = ConfigDict(extra="allow")

    code: str
    name: str
    rtp_variant: int


class JurisdictionRules(BaseModel):
    """The session's jurisdiction profile as the client honours it (docs/jurisdictions.md)."""

    code: str
    min_round_interval_ms: int
    autoplay_allowed: bool
    autoplay_max_rounds: int | None
    turbo_allowed: bool
    slam_stop_allowed: bool
    bonus_buy_allowed: bool
    celebrate_win_at_or_below_stake: bool
    show_rtp: bool
    show_elapsed_time: bool
    show_net_position: bool
    reality_check_minutes: int | None
    break_after_reality_check_minutes: int | None = Field(
        description="the compulsory break after a reality check's `continue`; null: none"
    )


class SessionFigures(BaseModel):
    elapsed_seconds: int
    net_position: MoneyText = Field(description="won minus staked in this session")
    rtp_percent: str = Field(
        description="percent text: the variant's RTP, or under the max win per round the"
        " effective RTP at the largest bet offered (services/win_cap.py)"
    )


class SessionLimits(BaseModel):
    """The session's reality check and launch limits (docs/jurisdictions.md)."""

    reality_check_due_in_seconds: int | None = Field(
        description="seconds until the next reality check (0: pending); null: none"
    )
    reality_check_pending: bool
    time_limit_minutes: int | None
    time_left_seconds: int | None
    loss_limit: MoneyText | None
    loss_left: MoneyText | None = Field(description="what the session may still lose")
    limit_reached: str | None = Field(description="`time` or `loss` once a spin was refused")
    break_ends_in_seconds: int | None = Field(
        description="seconds until the compulsory break after the reality check ends (spins"
        " are refused with 3024 until then); null: no break is running"
    )


class RealityCheck(BaseModel):
    pending: bool
    due_in_seconds: int | None = Field(
        description="seconds until the next check (0: pending); null: none, or ended"
    )
    interval_minutes: int | None
    elapsed_seconds: int = Field(description="time played in this session")
    net_position: MoneyText = Field(description="won minus staked in this session")
    rounds_played: int
    history_url: str | None = Field(description="the page of the session's last played round")
    ended: bool = Field(description="the answer was stop: the session is over")
    break_minutes: int | None = Field(
        description="the compulsory break after `continue` (the profile's); null: none"
    )
    break_ends_in_seconds: int | None = Field(
        description="seconds until the running break ends; null: none is running"
    )


class DisplayUnitView(BaseModel):
    code: str = Field(description="the unit's ASCII code: `mBTC`, `uBTC`, `sat`")
    symbol: str = Field(description="what amounts are labelled with: `mBTC`, `μBTC`, `sat`")
    decimals: int = Field(description="the decimals every amount has in it (mBTC: 5)")


class GameState(BaseModel):
    session_id: int
    game: SessionGame
    player: str
    currency: str = Field(description="the session's currency (the wallet's): `BTC`")
    display_unit: DisplayUnitView | None = Field(
        description="the unit every amount here is written in and a bet is read in;"
        " null: `currency` itself"
    )
    balance: MoneyText | None
    wallet_reachable: bool
    demo: bool
    min_bet: MoneyText
    max_bet: MoneyText
    bet_step: MoneyText
    currency_exponent: int = Field(
        description="the decimals of every amount here: the display unit's, else the currency's"
    )
    bet_levels: list[MoneyText]
    free_rounds: FreeRoundOffer | None
    round_in_progress: bool
    win_owed: MoneyText
    return_url: str
    lang: str
    last_round: dict[str, Any] | None
    jurisdiction: JurisdictionRules
    session_figures: SessionFigures
    session_limits: SessionLimits


class SpinResult(BaseModel):
    round_id: int
    state: str
    bet: MoneyText
    win: MoneyText
    win_credited: bool
    balance: MoneyText | None
    outcome: dict[str, Any] = Field(description="the drawn result; `win_minor` is uncut")
    win_capped: bool
    free_round_id: int | None
    win_owed: MoneyText
    celebrate: bool = Field(description="false: show the win without celebrating it")


class GameStateAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "session_id": 88,
                "game": {"code": "lucky-sevens", "name": "Lucky Sevens", "rtp_variant": 96},
                "player": "player_1",
                "currency": "USD",
                "display_unit": None,
                "balance": "100.00",
                "wallet_reachable": True,
                "demo": False,
                "min_bet": "0.10",
                "max_bet": "1000.00",
                "bet_step": "0.10",
                "currency_exponent": 2,
                "bet_levels": ["0.10", "1.00"],
                "free_rounds": None,
                "round_in_progress": False,
                "win_owed": "0.00",
                "return_url": "",
                "lang": "en",
                "last_round": None,
                "jurisdiction": {
                    "code": "default",
                    "min_round_interval_ms": 0,
                    "autoplay_allowed": True,
                    "autoplay_max_rounds": None,
                    "turbo_allowed": True,
                    "slam_stop_allowed": True,
                    "bonus_buy_allowed": True,
                    "celebrate_win_at_or_below_stake": True,
                    "show_rtp": False,
                    "show_elapsed_time": False,
                    "show_net_position": False,
                    "reality_check_minutes": None,
                    "break_after_reality_check_minutes": None,
                },
                "session_figures": {
                    "elapsed_seconds": 95,
                    "net_position": "-2.00",
                    "rtp_percent": "96",
                },
                "session_limits": {
                    "reality_check_due_in_seconds": None,
                    "reality_check_pending": False,
                    "time_limit_minutes": None,
                    "time_left_seconds": None,
                    "loss_limit": None,
                    "loss_left": None,
                    "limit_reached": None,
                    "break_ends_in_seconds": None,
                },
            },
        }
    )
    data: GameState


class SpinAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "round_id": 4100,
                "state": "settled",
                "bet": "1.00",
                "win": "0.00",
                "win_credited": True,
                "balance": "99.00",
                "outcome": {"win_minor": 0},
                "win_capped": False,
                "free_round_id": None,
                "win_owed": "0.00",
                "celebrate": False,
            },
        }
    )
    data: SpinResult


class HistoryRound(BaseModel):
    round_id: int
    played_at: str = Field(description="yyyy-MM-dd HH:mm:ss UTC")
    state: str
    shown: bool = Field(description="false: the casino did not take the bet; no outcome")
    bet: MoneyText
    win: MoneyText = Field(description="what the round paid; 0.00 for a round not played")
    win_capped: bool
    free_round_id: str | None = Field(description="the grant's id as text, for a free round")
    outcome: dict[str, Any] | None = Field(description="the stored outcome, as the spin answered")
    celebrate: bool = Field(description="false: replay the win without celebrating it")
    details_url: str = Field(description="the round's public round-details page")


class History(BaseModel):
    currency: str
    display_unit: DisplayUnitView | None = Field(
        description="the unit the amounts are in, as the state's; null: `currency` itself"
    )
    rounds: list[HistoryRound]


class HistoryAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "currency": "USD",
                "display_unit": None,
                "rounds": [
                    {
                        "round_id": 4100,
                        "played_at": "2026-05-01 12:00:00",
                        "state": "settled",
                        "shown": True,
                        "bet": "1.00",
                        "win": "0.00",
                        "win_capped": False,
                        "free_round_id": None,
                        "outcome": {"win_minor": 0},
                        "celebrate": False,
                        "details_url": "https://games.example.com/round/4100/TOKEN",
                    }
                ],
            },
        }
    )
    data: History


class RealityCheckAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "pending": True,
                "due_in_seconds": 0,
                "interval_minutes": 60,
                "elapsed_seconds": 3600,
                "net_position": "-12.50",
                "rounds_played": 412,
                "history_url": "https://games.example.com/round/4100/abc",
                "ended": False,
                "break_minutes": 5,
                "break_ends_in_seconds": None,
            },
        }
    )
    data: RealityCheck
