"""The iGamingAce facades' answers as the OpenAPI document describes them (flavour A's
`{"success","message","data"}`, flavour B's `{"code","message",...}`), with examples.

Documentation only, as api/schemas_v4.py: the facades write their own dicts, these reach
FastAPI through `responses=` (api/answer_docs.py).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reelhouse.api.schemas_v4 import Nothing


def _examples(*values: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(values)})


# --- flavour A ---------------------------------------------------------------------------


class FacadeAOk(BaseModel):
    success: Literal[True]
    message: Literal["OK"]


class LinkedPlayer(BaseModel):
    playerId: str
    playerCode: str = Field(pattern=r"^[0-9]{1,19}$", description="[added] user_code as text")


class FacadeAProvider(BaseModel):
    providerId: int
    name: str
    status: int = Field(description="1 normal")


class FacadeAGame(BaseModel):
    gameId: int
    gameCode: str = Field(description="[added] the game's code")
    name: str
    providerId: int
    category: str
    image: str
    rtpVariants: list[int] = Field(description="[added] RTP variants in percent")


class BonusRegistered(BaseModel):
    issueId: int | str
    platformId: int | str | None = Field(
        default=None, description="the same id, when the request used that name"
    )


class PlayerLinkAnswer(FacadeAOk):
    model_config = _examples(
        {
            "success": True,
            "message": "OK",
            "data": {"playerId": "player_1", "playerCode": "17"},
        }
    )
    data: LinkedPlayer


class ProviderListAnswer(FacadeAOk):
    model_config = _examples(
        {
            "success": True,
            "message": "OK",
            "data": [{"providerId": 1, "name": "Reelhouse", "status": 1}],
        }
    )
    data: list[FacadeAProvider]


class FacadeAGameListAnswer(FacadeAOk):
    model_config = _examples(
        {
            "success": True,
            "message": "OK",
            "data": [
                {
                    "gameId": 1204567,
                    "gameCode": "lucky-sevens",
                    "name": "Lucky Sevens",
                    "providerId": 1,
                    "category": "slots",
                    "image": "",
                    "rtpVariants": [94, 96],
                }
            ],
        }
    )
    data: list[FacadeAGame]


class LaunchAnswer(FacadeAOk):
    model_config = _examples(
        {"success": True, "message": "OK", "data": "https://games.example/play/Zk3q9yQ2hV8"}
    )
    data: str = Field(description="the launch URL: one use, 10 minutes")


class BonusRegisteredAnswer(FacadeAOk):
    model_config = _examples({"success": True, "message": "OK", "data": {"issueId": "bonus-7"}})
    data: BonusRegistered


class FacadeANothingAnswer(FacadeAOk):
    model_config = _examples({"success": True, "message": "OK", "data": {}})
    data: Nothing


# --- flavour B ---------------------------------------------------------------------------


class FacadeBOk(BaseModel):
    code: Literal[0]
    message: str


class FacadeBGame(BaseModel):
    gameID: int
    gameCode: str = Field(description="[added] the game's code")
    name: str
    category: str
    provider: str
    thumbnail: str


class UserAuthAnswer(FacadeBOk):
    model_config = _examples(
        {"code": 0, "message": "success", "url": "https://games.example/play/Zk3q9yQ2hV8"}
    )
    url: str = Field(description="the launch URL: one use, 10 minutes")


class FacadeBGameListAnswer(FacadeBOk):
    model_config = _examples(
        {
            "code": 0,
            "message": "success",
            "games": [
                {
                    "gameID": 1204567,
                    "gameCode": "lucky-sevens",
                    "name": "Lucky Sevens",
                    "category": "slots",
                    "provider": "Reelhouse",
                    "thumbnail": "",
                }
            ],
        }
    )
    games: list[FacadeBGame]


class FacadeBDoneAnswer(FacadeBOk):
    model_config = _examples({"code": 0, "message": "success"})
