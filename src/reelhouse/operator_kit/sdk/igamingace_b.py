"""iGamingAce flavour B on the operator side: `reelhouse.dialects.igamingace_b` behind the
adapter. One path per operation under the callback base URL; the body's `sign` is checked
with `keys.secret_key`, and `agentID` against `keys.agent_id` when it is set.

RollbackTransaction carries no transaction id of its own: the wallet records it under
`rollback:<refTransactionID>`, so a repeated rollback is recognised and answered 9.

| verdict | code |
|---|---|
| OK | 0 with the balance (money operations add platformTransactionID, the ledger row) |
| UNKNOWN_PLAYER | 5 |
| PLAYER_INACTIVE | 1 (B has no code for a blocked player; 1 means "unknown": nothing final) |
| INSUFFICIENT_FUNDS | 6 |
| ALREADY_PROCESSED | 11 (a repeated rollback: 9) |
| ALREADY_CANCELLED, REVOKED | 9 |
| CANCEL_TARGET_NOT_FOUND, TRANSACTION_NOT_FOUND | 8 |
| CONFLICT, BAD_AMOUNT, WRONG_CURRENCY | 2 |
| INTERNAL | 1 |

CONFLICT is 2, a final "no", on purpose: nothing moved, and an "unknown" answer would make
Reelhouse roll back that id, which belongs to another transaction.

B writes amounts with 2 decimals, so a player whose currency has more is refused.
"""

from __future__ import annotations

from collections.abc import Mapping

from reelhouse.dialects import igamingace_b
from reelhouse.dialects.base import CallbackCredentials, CallbackRejection
from reelhouse.dialects.igamingace_b import ROLLBACK_ID_PREFIX, Code, IGamingAceBCallback
from reelhouse.domain.wallet import CommandKind
from reelhouse.operator_kit.sdk.adapter import register
from reelhouse.operator_kit.sdk.commands import Check, Command, Op, Reply, Verdict

CODE_BY_VERDICT: dict[Verdict, Code] = {
    Verdict.OK: Code.SUCCESS,
    Verdict.UNKNOWN_PLAYER: Code.USER_NOT_FOUND,
    Verdict.PLAYER_INACTIVE: Code.GENERAL_ERROR,
    Verdict.INSUFFICIENT_FUNDS: Code.INSUFFICIENT_FUNDS,
    Verdict.ALREADY_PROCESSED: Code.DUPLICATE_TRANSACTION,
    Verdict.ALREADY_CANCELLED: Code.ALREADY_ROLLED_BACK,
    Verdict.REVOKED: Code.ALREADY_ROLLED_BACK,
    Verdict.CANCEL_TARGET_NOT_FOUND: Code.TRANSACTION_NOT_FOUND,
    Verdict.TRANSACTION_NOT_FOUND: Code.TRANSACTION_NOT_FOUND,
    Verdict.CONFLICT: Code.WRONG_INPUT,
    Verdict.BAD_AMOUNT: Code.WRONG_INPUT,
    Verdict.WRONG_CURRENCY: Code.WRONG_INPUT,
    Verdict.INTERNAL: Code.GENERAL_ERROR,
}

_OP_BY_KIND = {
    CommandKind.BALANCE: Op.BALANCE,
    CommandKind.BET: Op.BET,
    CommandKind.WIN: Op.WIN,
    CommandKind.BET_WIN: Op.BETWIN,
    CommandKind.CANCEL: Op.CANCEL,
}
_ACTIVE_ONLY = (Check.PLAYER_EXISTS, Check.PLAYER_ACTIVE)
# Verdicts whose balance is about a player the wallet found.
_NO_BALANCE = frozenset({Verdict.UNKNOWN_PLAYER, Verdict.WRONG_CURRENCY, Verdict.INTERNAL})


def to_command(callback: IGamingAceBCallback) -> Command:
    op = _OP_BY_KIND[callback.kind]
    trans_id = callback.transaction_id
    ref = None
    if op is Op.CANCEL:
        ref = callback.ref_transaction_id
        trans_id = f"{ROLLBACK_ID_PREFIX}{ref}"
    is_bet_win = op is Op.BETWIN
    return Command(
        op,
        callback.user_id,
        trans_id=trans_id,
        round_id=callback.round_id,
        amount=callback.bet_amount if is_bet_win else callback.amount,
        win_amount=callback.win_amount if is_bet_win else None,
        ref_trans_id=ref,
        checks=_ACTIVE_ONLY if op in (Op.BALANCE, Op.BET, Op.BETWIN) else (),
        operation=callback.operation,
        decimals_at_most=igamingace_b.AMOUNT_DECIMALS,
    )


def encode(command: Command, reply: Reply) -> bytes:
    code = CODE_BY_VERDICT[reply.verdict]
    if command.op is Op.CANCEL and reply.verdict is Verdict.ALREADY_PROCESSED:
        code = Code.ALREADY_ROLLED_BACK  # the same rollback again: the target is reversed
    balance = None if reply.verdict in _NO_BALANCE else reply.balance
    with_ref = reply.ok and command.op in (Op.BET, Op.WIN, Op.BETWIN)
    return igamingace_b.encode_answer(
        code, balance, platform_transaction_id=reply.entry_ref if with_ref else None
    )


class IGamingAceBAdapter:
    @property
    def name(self) -> str:
        return igamingace_b.NAME

    @property
    def operations(self) -> frozenset[str] | None:
        return igamingace_b.CALLBACK_OPERATIONS

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
        assert operation is not None, "flavour B names the operation in the path"
        if not keys.secret_key:
            answer = igamingace_b.encode_answer(Code.INVALID_SIGN)
            return CallbackRejection(int(Code.INVALID_SIGN), "no secret key configured", answer)
        verified = igamingace_b.verify_and_decode_callback(
            operation, body, keys.secret_key, keys.agent_id, require_signature
        )
        if isinstance(verified, CallbackRejection):
            return verified
        return to_command(verified)

    def encode(self, command: Command, reply: Reply) -> bytes:
        return encode(command, reply)


IGAMINGACE_B = IGamingAceBAdapter()
register(IGAMINGACE_B)
