"""Replay of a stored round: re-evaluate it from its recorded draws and math version and
check every field of its record against the replay and the wallet calls it made (bet, awarded
win, cap, paid win, capped mark, RNG version), for regulators, disputes and the round-details
page. Any field that differs is named, and the round is not verified.

A relayed round (one an upstream provider played, services/relay.py) has no draws of ours:
the provider keeps its outcome. Its replay says so, names the provider, and verifies
nothing, rather than reporting a math change."""

from __future__ import annotations

import json

from sqlalchemy import select

from reelhouse.domain.errors import ApiCode, ReelhouseError
from reelhouse.domain.wallet import CommandKind
from reelhouse.games.replay import ReplayResult, StoredRound, verify_round
from reelhouse.services.platform import Platform
from reelhouse.services.round_provider import GameLabels, is_upstream
from reelhouse.store.models import Round, WalletCall

# The calls whose amounts the record must agree with: the bet (or bet_win) debited the bet,
# the win credited the paid win. Cancels reverse a bet and say nothing of the win.
_DEBITS = (CommandKind.BET.value, CommandKind.BET_WIN.value)


def played_upstream_reason(provider_title: str) -> str:
    """Why a relayed round is not replayed (shown as the replay's reason)."""
    return f"played at provider {provider_title}: the provider keeps the outcome, nothing to replay"


def replay_round(platform: Platform, round_id: int) -> ReplayResult:
    """The stored round re-evaluated and checked. A changed game file changes the math hash,
    and the result says so instead of silently disagreeing."""
    with platform.db.transaction(read_only=True) as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            raise ReelhouseError(ApiCode.ROUND_NOT_FOUND, f"no round {round_id}")
        if is_upstream(round_.provider_id):
            assert round_.provider_id is not None
            title = GameLabels(session).provider_title(round_.provider_id)
            return ReplayResult(False, played_upstream_reason(title))
        amounts = {
            kind: amount
            for kind, amount in session.execute(
                select(WalletCall.kind, WalletCall.amount_minor).where(
                    WalletCall.round_id == round_id,
                    WalletCall.kind.in_([*_DEBITS, CommandKind.WIN.value]),
                )
            )
        }
        debited = next((amounts[kind] for kind in _DEBITS if kind in amounts), None)
        return verify_round(
            StoredRound(
                game_code=round_.game_code,
                variant=round_.rtp_variant,
                math_hash=round_.math_hash,
                rng_version=round_.rng_version,
                bet_minor=round_.bet_minor,
                draws=json.loads(round_.draws_json),
                outcome_json=json.loads(round_.outcome_json),
                awarded_win_minor=round_.awarded_win_minor,
                win_cap_minor=round_.win_cap_minor,
                paid_win_minor=round_.win_minor,
                win_capped=round_.win_capped,
                debited_minor=debited,
                credited_minor=amounts.get(CommandKind.WIN.value),
            )
        )
