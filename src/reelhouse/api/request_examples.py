"""An example body for every operation that takes one, by path: what the API reference's
"Try it out" starts from. Each is valid against its body's schema (a test checks every
example of the document); values name the reference casino of the examples (player 17, the
game `lucky-sevens`, whose integer id on the facades is `domain.game_ids`' number for it).
"""

from __future__ import annotations

from typing import Any

from reelhouse.domain.game_ids import numeric_game_id

GAME = "lucky-sevens"
GAME_NUMBER = numeric_game_id(GAME)
SIGN = "0F3A..."  # uppercase hex HMAC-SHA256 of the signed fields (docs/api.md, flavour B)

REQUEST_EXAMPLES: dict[str, Any] = {
    "/v4/agent/info": {},
    "/v4/agent/rtp": {"rtp": 96},
    "/v4/agent/callback-test": {},
    "/v4/user/create": {"name": "player_1"},
    "/v4/user/info": {"user_code": 17},
    "/v4/user/terminate-session": {"user_code": 17},
    "/v4/user/open-rounds": {"user_code": 17},
    "/v4/game/providers": {"lang": "en"},
    "/v4/game/games": {"provider_id": 1, "lang": "en"},
    "/v4/game/all": {"lang": "en"},
    "/v4/events": {"after": 0, "limit": 100},
    "/v4/rg/audit": {
        "start_time": "2026-11-30 00:00:00",
        "end_time": "2026-12-01 00:00:00",
        "after_id": 0,
        "limit": 100,
    },
    "/v4/game/game-url": {
        "user_code": 17,
        "provider_id": 1,
        "game_symbol": GAME,
        "lang": "en",
        "return_url": "https://casino.example/lobby",
    },
    "/v4/game/round-details": {
        "user_code": 17,
        "round_id": "4100",
        "provider_id": 1,
        "game_code": GAME,
    },
    "/v4/game/online-games": {},
    "/v4/game/transaction": {
        "start_time": "2026-05-01 08:00:00",
        "end_time": "2026-05-01 09:00:00",
        "offset": 0,
        "limit": 100,
    },
    "/v4/game/transaction-id": {"last_id": 0, "limit": 100},
    "/v4/statistics/user": {
        "start_time": "2026-05-01 08:00:00",
        "end_time": "2026-05-01 09:00:00",
        "limit": 100,
    },
    "/v4/statistics/day": {"start_date": "2026-05-01", "end_date": "2026-05-07"},
    "/v4/statistics/game": {"start_date": "2026-05-01", "end_date": "2026-05-07"},
    "/v4/game/freeround/start": {
        "user_code": 17,
        "provider_id": 1,
        "game_code": GAME,
        "bet": "1.00",
        "rounds": 10,
        "expirationDate": 1798761600000,
    },
    "/v4/game/freeround/cancel": {"fr_id": 9001},
    "/v1/player/link": {"playerId": "player_1"},
    "/v1/game/launch": {
        "playerId": "player_1",
        "providerId": 1,
        "gameId": GAME_NUMBER,
        "language": "en",
        "returnUrl": "https://casino.example/lobby",
    },
    "/v1/bonus-call/register": {
        "issueId": "bonus-7",
        "providerId": 1,
        "gameId": GAME_NUMBER,
        "playerId": "player_1",
        "bonusType": 1,
        "callAmount": "0",
        "expireAt": "2026-12-31 23:59:59",
        "metaData": {"spinAmount": 10, "baseBetAmount": "1.00"},
    },
    "/v1/bonus-call/cancel": {"playerId": "player_1", "issueId": "bonus-7"},
    "/userAuth": {
        "agentID": "casino_one",
        "userID": "player1",
        "isaffiliate": 0,
        "lang": "en",
        "gameid": GAME_NUMBER,
        "lobbyUrl": "https://casino.example/lobby",
        "sign": SIGN,
    },
    "/gameList": {"agentID": "casino_one", "sign": SIGN},
    "/createfreegame": {
        "agentID": "casino_one",
        "userID": "player1",
        "gameID": GAME_NUMBER,
        "betlevel": 1,
        "freespincount": 10,
        "expiretime": "2026-12-31T23:59:59Z",
        "freespinID": "fs-7",
        "sign": SIGN,
    },
    "/cancelfreegame": {
        "agentID": "casino_one",
        "userID": "player1",
        "gameID": GAME_NUMBER,
        "freespinID": "fs-7",
        "sign": SIGN,
    },
    "/api/game/spin": {"bet": "1.00"},
}
