"""Column headings for people: the back office's tables show "Player" and "GGR" where the
API's field names are `user_code` and `ggr`.

Only headings change: the CSV exports keep the field names as their header row, the same as
the Main API's CSV (docs/api.md), so a script that reads one reads the other and no export
breaks when a heading is reworded.
"""

from __future__ import annotations

LABELS = {
    "gplay_id": "Session",
    "user_code": "Player",
    "user_name": "Player name",
    "provider_id": "Provider",
    "game_code": "Game code",
    "game_name": "Game",
    "last_round_bet": "Last bet",
    "spend": "Bets",
    "start_time": "Started (UTC)",
    "last_update": "Last activity (UTC)",
    "date": "Day (UTC)",
    "currency_code": "Currency",
    "rtp_variant": "RTP variant",
    "bet": "Bets",
    "win": "Wins",
    "ggr": "GGR",
    "rounds": "Rounds",
    "free_rounds": "Free rounds",
    "stake": "Stakes",
    "players": "Players",
    "rtp_observed": "Observed RTP %",
    "rtp_theoretical": "Theoretical RTP %",
    "at": "When (UTC)",
    "endpoint": "Endpoint",
    "code": "Code",
    "message": "Message",
    "url": "URL",
    "outcome": "Outcome",
    "detail": "Reading",
    "latency_ms": "Latency (ms)",
    "reachable": "Reachable",
    "actor": "By",
}


def label(field: str) -> str:
    """The heading of a field: its label, or the name with spaces, capitalised."""
    return LABELS.get(field) or field.replace("_", " ").capitalize()
