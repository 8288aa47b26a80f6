"""The answers of the Main API's calls on a player's sessions and open rounds
(api/sessions_v4.py), as the OpenAPI document describes them (conventions: api/schemas_v4.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from reelhouse.api.schemas_v4 import ApiTime, IdText, Money, Ok, _examples


class SessionsTerminated(BaseModel):
    user_code: int
    gplay_ids: list[int] = Field(
        description="the game sessions this call ended, oldest first; empty when none was open"
    )


class OpenRound(BaseModel):
    round_id: IdText = Field(description="the round's id as text, as in transaction items")
    gplay_id: int = Field(description="the game session it was played in")
    provider_id: int
    game_code: str
    state: Literal["bet_pending", "debited", "cancelling"]
    waiting_for: Literal["bet", "win", "refund"] = Field(
        description="what the wallet has not acknowledged yet (docs/api.md)"
    )
    bet: Money
    win: Money = Field(description="what the round pays (0 on a loss)")
    start_time: ApiTime
    last_update: ApiTime


class OpenRounds(BaseModel):
    user_code: int
    rounds: list[OpenRound] = Field(description="oldest first, at most 500")
    more: bool = Field(description="true when the player has more than 500 open rounds")


class SessionsTerminatedAnswer(Ok):
    model_config = _examples(
        {"code": 0, "message": None, "data": {"user_code": 17, "gplay_ids": [88]}}
    )
    data: SessionsTerminated


class OpenRoundsAnswer(Ok):
    model_config = _examples(
        {
            "code": 0,
            "message": None,
            "data": {
                "user_code": 17,
                "rounds": [
                    {
                        "round_id": "4100",
                        "gplay_id": 88,
                        "provider_id": 1,
                        "game_code": "lucky-sevens",
                        "state": "debited",
                        "waiting_for": "win",
                        "bet": 1.00,
                        "win": 2.50,
                        "start_time": "2026-05-01 08:12:30",
                        "last_update": "2026-05-01 08:12:31",
                    }
                ],
                "more": False,
            },
        }
    )
    data: OpenRounds
