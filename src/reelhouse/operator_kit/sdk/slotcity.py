"""SlotCity v4 on the operator side: `reelhouse.dialects.slotcity_v4` behind the adapter.

The request's `check` list is kept, in order, as the command's checks; the answer codes:

| verdict | result |
|---|---|
| OK | 0 (authenticate adds `account`; status answers `account, trans_guid, trans_status`) |
| UNKNOWN_PLAYER / PLAYER_INACTIVE | 21 / 22, no data |
| INSUFFICIENT_FUNDS | 31 with the balance |
| ALREADY_PROCESSED, REVOKED, ALREADY_CANCELLED | 41 with the balance ("processed before") |
| TRANSACTION_NOT_FOUND / CANCEL_TARGET_NOT_FOUND | 42 / 43 with the balance |
| CONFLICT, BAD_AMOUNT, WRONG_CURRENCY, INTERNAL | 99, no data: the provider retries or alerts |

A CONFLICT must not be 41: Reelhouse reads 41 to a win or cancel as "already applied", and
a win whose id was used for another amount has not been applied.
"""

from __future__ import annotations

from collections.abc import Mapping

from reelhouse.dialects import slotcity_v4
from reelhouse.dialects.base import CallbackCredentials, CallbackRejection
from reelhouse.dialects.slotcity_v4 import Result, SlotCityCallback
from reelhouse.domain.wallet import CommandKind
from reelhouse.operator_kit.sdk.adapter import register
from reelhouse.operator_kit.sdk.commands import Check, Command, Op, Reply, Verdict

CHECK_BY_RESULT: dict[Result, Check] = {
    Result.UNKNOWN_PLAYER: Check.PLAYER_EXISTS,
    Result.PLAYER_INACTIVE: Check.PLAYER_ACTIVE,
    Result.INSUFFICIENT_FUNDS: Check.FUNDS,
    Result.DUPLICATE_TRANSACTION: Check.NEW_TRANSACTION,
    Result.TRANSACTION_NOT_FOUND: Check.TRANSACTION_EXISTS,
    Result.CANCEL_TARGET_NOT_FOUND: Check.CANCEL_TARGET_EXISTS,
}

RESULT_BY_VERDICT: dict[Verdict, Result] = {
    Verdict.OK: Result.OK,
    Verdict.UNKNOWN_PLAYER: Result.UNKNOWN_PLAYER,
    Verdict.PLAYER_INACTIVE: Result.PLAYER_INACTIVE,
    Verdict.INSUFFICIENT_FUNDS: Result.INSUFFICIENT_FUNDS,
    Verdict.ALREADY_PROCESSED: Result.DUPLICATE_TRANSACTION,
    Verdict.REVOKED: Result.DUPLICATE_TRANSACTION,
    Verdict.ALREADY_CANCELLED: Result.DUPLICATE_TRANSACTION,
    Verdict.TRANSACTION_NOT_FOUND: Result.TRANSACTION_NOT_FOUND,
    Verdict.CANCEL_TARGET_NOT_FOUND: Result.CANCEL_TARGET_NOT_FOUND,
    Verdict.CONFLICT: Result.INTERNAL_ERROR,
    Verdict.BAD_AMOUNT: Result.INTERNAL_ERROR,
    Verdict.WRONG_CURRENCY: Result.INTERNAL_ERROR,
    Verdict.INTERNAL: Result.INTERNAL_ERROR,
}

# Answers that carry no data: nothing about a player the wallet does not (or may not) show.
_BARE = frozenset({Result.UNKNOWN_PLAYER, Result.PLAYER_INACTIVE, Result.INTERNAL_ERROR})


def to_command(callback: SlotCityCallback) -> Command:
    op = Op(callback.kind.value)
    checks = tuple(CHECK_BY_RESULT[code] for code in callback.checks)
    if callback.kind is CommandKind.STATUS:
        return Command(
            op,
            callback.account,
            ref_trans_id=callback.trans_guid,
            checks=checks,
            operation=callback.kind.value,
        )
    return Command(
        op,
        callback.account,
        trans_id=callback.trans_guid,
        round_id=None if callback.round_id is None else str(callback.round_id),
        amount=callback.amount,
        ref_trans_id=callback.cancel_trans_guid,
        checks=checks,
        operation=callback.kind.value,
    )


def encode(command: Command, reply: Reply) -> bytes:
    result = RESULT_BY_VERDICT[reply.verdict]
    if result in _BARE:
        return slotcity_v4.encode_answer(result)
    if result is Result.OK and command.op is Op.STATUS:
        assert reply.trans_status is not None and command.ref_trans_id is not None
        status = {
            "account": command.account,
            "trans_guid": command.ref_trans_id,
            "trans_status": reply.trans_status.value,
        }
        return slotcity_v4.encode_answer(result, None, status)
    extra = {"account": command.account} if command.op is Op.AUTHENTICATE and reply.ok else None
    return slotcity_v4.encode_answer(result, reply.balance, extra)


class SlotCityAdapter:
    @property
    def name(self) -> str:
        return slotcity_v4.NAME

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
        assert operation is None, "SlotCity has one callback URL"
        if not keys.callback_token:
            return CallbackRejection(
                Result.BAD_TOKEN, "no callback token configured", _bad_token_answer()
            )
        verified = slotcity_v4.verify_and_decode_callback(
            headers, body, keys.callback_token, now_unix_s, require_signature
        )
        if isinstance(verified, CallbackRejection):
            return verified
        return to_command(verified)

    def encode(self, command: Command, reply: Reply) -> bytes:
        return encode(command, reply)


def _bad_token_answer() -> bytes:
    return slotcity_v4.encode_answer(Result.BAD_TOKEN)


SLOTCITY = SlotCityAdapter()
register(SLOTCITY)
