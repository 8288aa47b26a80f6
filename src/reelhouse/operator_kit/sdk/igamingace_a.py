"""iGamingAce flavour A on the operator side: `reelhouse.dialects.igamingace_a` behind the
adapter. Callbacks are signed with the operator's API token (`keys.api_token`).

A repeated transactionId is registered once and answered OK (the spec); a late bet whose
cancel came first was rolled back before it arrived.

| verdict | statusCode |
|---|---|
| OK, ALREADY_PROCESSED | OK with the balance |
| UNKNOWN_PLAYER | ERR_INVALID_PLAYER_ID |
| PLAYER_INACTIVE | ERR_NOT_AUTHENTICATED |
| INSUFFICIENT_FUNDS | ERR_NOT_ENOUGH_MONEY |
| CANCEL_TARGET_NOT_FOUND | ERR_TRANSACTION_DOES_NOT_EXIST |
| ALREADY_CANCELLED, REVOKED | ERR_TRANSACTION_ROLLED_BACK |
| WRONG_CURRENCY | ERR_INVALID_ACCOUNT |
| CONFLICT, BAD_AMOUNT, TRANSACTION_NOT_FOUND, INTERNAL | ERR_UNKNOWN |

Every read and every round-opening call asks for an active player; wins and cancels do not
(the spec: they must be accepted after the player's session ended).
"""

from __future__ import annotations

from collections.abc import Mapping

from reelhouse.dialects import igamingace_a
from reelhouse.dialects.base import CallbackCredentials, CallbackRejection
from reelhouse.dialects.igamingace_a import IGamingAceACallback, Status
from reelhouse.domain.wallet import CommandKind
from reelhouse.operator_kit.sdk.adapter import register
from reelhouse.operator_kit.sdk.commands import Check, Command, Op, Reply, Verdict

STATUS_BY_VERDICT: dict[Verdict, Status] = {
    Verdict.OK: Status.OK,
    Verdict.ALREADY_PROCESSED: Status.OK,
    Verdict.UNKNOWN_PLAYER: Status.INVALID_PLAYER_ID,
    Verdict.PLAYER_INACTIVE: Status.NOT_AUTHENTICATED,
    Verdict.INSUFFICIENT_FUNDS: Status.NOT_ENOUGH_MONEY,
    Verdict.CANCEL_TARGET_NOT_FOUND: Status.TRANSACTION_DOES_NOT_EXIST,
    Verdict.ALREADY_CANCELLED: Status.TRANSACTION_ROLLED_BACK,
    Verdict.REVOKED: Status.TRANSACTION_ROLLED_BACK,
    Verdict.WRONG_CURRENCY: Status.INVALID_ACCOUNT,
    Verdict.CONFLICT: Status.UNKNOWN,
    Verdict.BAD_AMOUNT: Status.UNKNOWN,
    Verdict.TRANSACTION_NOT_FOUND: Status.UNKNOWN,
    Verdict.INTERNAL: Status.UNKNOWN,
}

_OP_BY_KIND = {
    CommandKind.BALANCE: Op.BALANCE,
    CommandKind.BET: Op.BET,
    CommandKind.WIN: Op.WIN,
    CommandKind.BET_WIN: Op.BETWIN,
    CommandKind.CANCEL: Op.CANCEL,
}
_ACTIVE_ONLY = (Check.PLAYER_EXISTS, Check.PLAYER_ACTIVE)


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def to_command(callback: IGamingAceACallback) -> Command:
    op = _OP_BY_KIND[callback.kind]
    is_bet_win = op is Op.BETWIN
    return Command(
        op,
        callback.player_id,
        trans_id=_text(callback.transaction_id),
        round_id=_text(callback.round_id),
        amount=callback.bet_amount if is_bet_win else callback.amount,
        win_amount=callback.win_amount if is_bet_win else None,
        ref_trans_id=_text(callback.reference_id),
        currency=callback.currency,
        checks=_ACTIVE_ONLY if op in (Op.BALANCE, Op.BET, Op.BETWIN) else (),
        operation=igamingace_a.WIRE_COMMAND[callback.kind],
    )


class IGamingAceAAdapter:
    @property
    def name(self) -> str:
        return igamingace_a.NAME

    @property
    def operations(self) -> frozenset[str] | None:
        return None

    def read(
        self,
        headers: Mapping[str, str],
        body: bytes,
        keys: CallbackCredentials,
        now_unix_s: int,
        *,
        operation: str | None = None,
        require_signature: bool = True,
    ) -> Command | CallbackRejection:
        assert operation is None, "flavour A has one callback URL"
        if not keys.api_token:
            failed = Status.INTEGRITY_CHECK_FAILED
            answer = igamingace_a.encode_answer(failed, None)
            return CallbackRejection(failed.value, "no API token configured", answer)
        verified = igamingace_a.verify_and_decode_callback(
            headers, body, keys.api_token, now_unix_s, require_signature
        )
        if isinstance(verified, CallbackRejection):
            return verified
        return to_command(verified)

    def encode(self, command: Command, reply: Reply) -> bytes:
        return igamingace_a.encode_answer(STATUS_BY_VERDICT[reply.verdict], reply.balance)


IGAMINGACE_A = IGamingAceAAdapter()
register(IGAMINGACE_A)
