"""`SupplierWallet`: what it sends decodes with Reelhouse's codec, resends are identical, odd
answers are no answers, and `play_round` follows the contract's rollback and retry rules
against a fake aggregator with scripted faults."""

from __future__ import annotations

import httpx
import pytest

from reelhouse.provider_kit.hub88_supplier import keys
from reelhouse.provider_kit.hub88_supplier.client import SupplierWallet
from reelhouse.provider_kit.hub88_supplier.rounds import RetryPolicy, RoundResult, settle
from reelhouse.provider_kit.hub88_supplier.wire import Status
from reelhouse.providers import hub88
from reelhouse.providers.base import CallKind, UpstreamCall
from tests.providers.hub88_samples import PRIVATE_PEM, VERIFY_KEY

from .fake_aggregator import BASE_URL, FakeAggregator

SUPPLIER_KEY = keys.load_private_key(PRIVATE_PEM)
TOKEN = "token-alice-0001"
GAME = "demo_fruit_bonanza"


class Pauses:
    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


@pytest.fixture
def aggregator() -> FakeAggregator:
    fake = FakeAggregator()
    fake.open(TOKEN, "alice", "EUR", 10_000)  # 100.00 EUR
    return fake


@pytest.fixture
def wallet(aggregator: FakeAggregator) -> SupplierWallet:
    return SupplierWallet(BASE_URL, SUPPLIER_KEY, aggregator.client())


def policy(pauses: Pauses, attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(attempts=attempts, first_pause_s=0.5, max_pause_s=1.0, sleep=pauses)


def decoded(path: str, body: bytes, signature: str) -> UpstreamCall:
    call = hub88.decode_call(path, {"X-Hub88-Signature": signature}, body, VERIFY_KEY)
    assert isinstance(call, UpstreamCall), call
    return call


# --- What the client sends ---------------------------------------------------------------


def test_each_call_decodes_with_reelhouses_codec(wallet: SupplierWallet) -> None:
    balance = wallet.balance(TOKEN, GAME, user="alice", request_uuid="req-balance")
    assert balance.ok and balance.balance == 10_000 * 1000  # cents -> x100000
    call = decoded(balance.request.path, balance.request.body, balance.request.signature)
    assert (call.kind, call.request_id, call.token, call.game_code) == (
        CallKind.BALANCE, "req-balance", TOKEN, GAME,
    )  # fmt: skip

    bet = wallet.bet(
        TOKEN, "alice", GAME, "round-1", 356000, "EUR",
        transaction_uuid="bet-1", bet="red", meta={"lines": 20},
    )  # fmt: skip
    call = decoded(bet.request.path, bet.request.body, bet.request.signature)
    assert call.kind is CallKind.BET and call.amount_minor == 356 and call.currency == "EUR"
    assert (call.transaction_id, call.round_id, call.bet_label) == ("bet-1", "round-1", "red")
    assert call.supplier_user == "alice" and not call.round_closed and call.reward_id is None

    win = wallet.win(TOKEN, "alice", GAME, "round-1", 1000, "EUR", "bet-1")
    call = decoded(win.request.path, win.request.body, win.request.signature)
    assert call.kind is CallKind.WIN and call.reference_transaction_id == "bet-1"
    assert call.amount_minor == 1 and call.round_closed and not call.is_promo

    promo = wallet.win(TOKEN, "alice", GAME, "promo-1", 5000, "EUR", None, is_supplier_promo=True)
    call = decoded(promo.request.path, promo.request.body, promo.request.signature)
    assert call.is_promo and call.reference_transaction_id is None and call.amount_minor == 5

    rollback = wallet.rollback(TOKEN, GAME, "round-2", "bet-9")
    call = decoded(rollback.request.path, rollback.request.body, rollback.request.signature)
    assert call.kind is CallKind.CANCEL and call.reference_transaction_id == "bet-9"
    # The contract's six fields, no more: no amount, no currency.
    assert set(rollback.request.document()) == {
        "transaction_uuid", "token", "round", "request_uuid", "reference_transaction_uuid",
        "game_code",
    }  # fmt: skip
    with_user = wallet.rollback(
        TOKEN, GAME, "round-2", "bet-9", supplier_user="alice", round_closed=True
    )
    call = decoded(with_user.request.path, with_user.request.body, with_user.request.signature)
    assert call.supplier_user == "alice" and call.round_closed


def test_free_round_bets_carry_the_reward(wallet: SupplierWallet) -> None:
    bet = wallet.bet(
        TOKEN, "alice", GAME, "round-f", 100000, "EUR", is_free=True, reward_uuid="reward-7"
    )
    call = decoded(bet.request.path, bet.request.body, bet.request.signature)
    assert call.is_free and call.reward_id == "reward-7"


@pytest.mark.parametrize(("code", "x100000", "minor"), [("JPY", 500000, 5), ("mBTC", 3, 3)])
def test_other_currencies_decode_exactly(code: str, x100000: int, minor: int) -> None:
    fake = FakeAggregator()
    fake.open(TOKEN, "bob", code, 1_000_000)
    wallet = SupplierWallet(BASE_URL, SUPPLIER_KEY, fake.client())
    reply = wallet.bet(TOKEN, "bob", GAME, "r", x100000, code)
    assert reply.ok
    assert fake.calls[-1].amount_minor == minor and fake.calls[-1].wire_currency == code


def test_resend_repeats_the_exact_bytes_and_gets_the_first_answer(
    wallet: SupplierWallet, aggregator: FakeAggregator
) -> None:
    first = wallet.bet(TOKEN, "alice", GAME, "round-1", 100000, "EUR")
    again = wallet.resend(first)
    assert again.request == first.request
    assert again.body == first.body
    assert aggregator.balance_of(TOKEN) == 10_000 - 100  # debited once


def test_renewed_keeps_the_transaction_and_changes_the_request_uuid(
    wallet: SupplierWallet,
) -> None:
    first = wallet.bet(TOKEN, "alice", GAME, "round-1", 100000, "EUR")
    renewed = wallet.renewed(first.request)
    old, new = first.request.document(), renewed.document()
    assert old["request_uuid"] != new["request_uuid"]
    assert {k: v for k, v in old.items() if k != "request_uuid"} == {
        k: v for k, v in new.items() if k != "request_uuid"
    }
    assert wallet.resend(renewed).ok  # the same transaction, same content: its result


def test_a_wrong_signature_is_refused_by_the_codec(aggregator: FakeAggregator) -> None:
    stranger = SupplierWallet(BASE_URL, keys.new_private_key(), aggregator.client())
    reply = stranger.balance(TOKEN, GAME)
    assert reply.status == Status.INVALID_SIGNATURE and reply.answer is not None


# --- Answers that are not answers --------------------------------------------------------


def wallet_answering(response: httpx.Response | Exception) -> SupplierWallet:
    def handler(request: httpx.Request) -> httpx.Response:
        if isinstance(response, Exception):
            raise response
        return response

    client = httpx.Client(transport=httpx.MockTransport(handler))
    return SupplierWallet(BASE_URL, SUPPLIER_KEY, client)


@pytest.mark.parametrize(
    ("response", "failure"),
    [
        (httpx.Response(502, content=b"bad gateway"), "HTTP 502"),
        (httpx.Response(200, content=b"<html>"), "unusable answer"),
        (httpx.Response(200, content=b'{"status":"RS_OK","request_uuid":"x"}'), "another"),
        (httpx.Response(200, content=b" " * (64 * 1024 + 1)), "size bound"),
        (httpx.ConnectError("refused"), "network failure"),
        (httpx.ReadTimeout("slow"), "network failure"),
    ],
)
def test_no_usable_answer(response: httpx.Response | Exception, failure: str) -> None:
    reply = wallet_answering(response).balance(TOKEN, GAME, request_uuid="r1")
    assert reply.answer is None and not reply.ok
    assert reply.failure is not None and failure in reply.failure


# --- play_round ----------------------------------------------------------------------------


def test_a_round_bets_then_pays(wallet: SupplierWallet, aggregator: FakeAggregator) -> None:
    outcome = wallet.play_round(TOKEN, "alice", GAME, "EUR", 200000, 500000)
    assert outcome.result is RoundResult.SETTLED
    assert outcome.follow_up is not None and outcome.follow_up.ok
    assert aggregator.balance_of(TOKEN) == 10_000 - 200 + 500
    win = outcome.follow_up.request.document()
    assert win["reference_transaction_uuid"] == outcome.bet_transaction_uuid
    assert win["round"] == outcome.round_id and win["round_closed"] is True


def test_a_losing_round_closes_with_a_zero_win(
    wallet: SupplierWallet, aggregator: FakeAggregator
) -> None:
    outcome = wallet.play_round(TOKEN, "alice", GAME, "EUR", 200000, 0)
    assert outcome.result is RoundResult.SETTLED
    assert aggregator.balance_of(TOKEN) == 10_000 - 200


@pytest.mark.parametrize("refusal", ["NOT_ENOUGH_MONEY", "LIMIT_REACHED"])
def test_a_final_refusal_is_not_rolled_back(
    wallet: SupplierWallet, aggregator: FakeAggregator, refusal: str
) -> None:
    amount = 10_001 * 1000  # more than the balance
    if refusal == "LIMIT_REACHED":
        aggregator.fail_next(CallKind.BET, "limit_reached")
        amount = 1000
    outcome = wallet.play_round(TOKEN, "alice", GAME, "EUR", amount, 0)
    assert outcome.result is RoundResult.BET_REFUSED
    assert outcome.bet.status == f"RS_ERROR_{refusal}" and outcome.follow_ups == ()
    assert CallKind.CANCEL not in {c.kind for c in aggregator.calls}
    assert aggregator.balance_of(TOKEN) == 10_000


@pytest.mark.parametrize("fault", ["lost_after", "lost_before", "http_502", "unknown"])
def test_a_failed_bet_is_rolled_back(
    wallet: SupplierWallet, aggregator: FakeAggregator, fault: str
) -> None:
    aggregator.fail_next(CallKind.BET, fault)
    outcome = wallet.play_round(TOKEN, "alice", GAME, "EUR", 200000, 500000, retry=RetryPolicy())
    assert outcome.result is RoundResult.ROLLED_BACK
    rollback = outcome.follow_ups[-1].request.document()
    assert rollback["reference_transaction_uuid"] == outcome.bet_transaction_uuid
    # Applied or not, the bet moved nothing in the end, and no win was sent.
    assert aggregator.balance_of(TOKEN) == 10_000
    assert CallKind.WIN not in {c.kind for c in aggregator.calls}


def test_a_rollback_before_its_bet_keeps_the_late_bet_out(
    wallet: SupplierWallet, aggregator: FakeAggregator
) -> None:
    rollback = wallet.rollback(TOKEN, GAME, "round-9", "bet-late")
    assert rollback.ok
    late = wallet.bet(TOKEN, "alice", GAME, "round-9", 100000, "EUR", transaction_uuid="bet-late")
    assert late.status == Status.TRANSACTION_ROLLED_BACK
    assert aggregator.balance_of(TOKEN) == 10_000


def test_a_lost_win_answer_is_resent_byte_for_byte(
    wallet: SupplierWallet, aggregator: FakeAggregator
) -> None:
    aggregator.fail_next(CallKind.WIN, "lost_after", "lost_before")
    pauses = Pauses()
    outcome = wallet.play_round(TOKEN, "alice", GAME, "EUR", 200000, 500000, retry=policy(pauses))
    assert outcome.result is RoundResult.SETTLED
    assert len(outcome.follow_ups) == 3
    assert len({reply.request for reply in outcome.follow_ups}) == 1  # identical bytes
    assert pauses.seconds == [0.5, 1.0]  # doubling, capped
    assert aggregator.balance_of(TOKEN) == 10_000 - 200 + 500  # paid once


def test_a_win_answered_unknown_is_retried_under_a_new_request_uuid(
    wallet: SupplierWallet, aggregator: FakeAggregator
) -> None:
    aggregator.fail_next(CallKind.WIN, "unknown", "http_502")
    outcome = wallet.play_round(TOKEN, "alice", GAME, "EUR", 200000, 500000, retry=policy(Pauses()))
    assert outcome.result is RoundResult.SETTLED
    docs = [reply.request.document() for reply in outcome.follow_ups]
    assert len({doc["transaction_uuid"] for doc in docs}) == 1
    # A new request_uuid after the status answer; the 502 is resent as it was.
    assert docs[0]["request_uuid"] != docs[1]["request_uuid"] == docs[2]["request_uuid"]
    assert aggregator.balance_of(TOKEN) == 10_000 - 200 + 500


def test_retries_are_bounded(wallet: SupplierWallet, aggregator: FakeAggregator) -> None:
    aggregator.fail_next(CallKind.WIN, *["lost_before"] * 10)
    pauses = Pauses()
    outcome = wallet.play_round(
        TOKEN, "alice", GAME, "EUR", 200000, 500000, retry=policy(pauses, attempts=3)
    )
    assert outcome.result is RoundResult.UNRESOLVED
    assert len(outcome.follow_ups) == 3 and len(pauses.seconds) == 2
    assert aggregator.balance_of(TOKEN) == 10_000 - 200  # the win is still owed


def test_a_rollback_is_retried_until_definitive(
    wallet: SupplierWallet, aggregator: FakeAggregator
) -> None:
    aggregator.fail_next(CallKind.BET, "lost_after")
    aggregator.fail_next(CallKind.CANCEL, "http_502", "unknown", "lost_after")
    outcome = wallet.play_round(TOKEN, "alice", GAME, "EUR", 200000, 0, retry=policy(Pauses(), 5))
    assert outcome.result is RoundResult.ROLLED_BACK
    assert len(outcome.follow_ups) == 4
    assert aggregator.balance_of(TOKEN) == 10_000


def test_a_win_for_a_rolled_back_bet_is_a_definitive_refusal(
    wallet: SupplierWallet, aggregator: FakeAggregator
) -> None:
    bet = wallet.bet(TOKEN, "alice", GAME, "r", 100000, "EUR", transaction_uuid="b1")
    assert bet.ok and wallet.rollback(TOKEN, GAME, "r", "b1").ok
    pauses = Pauses()
    win = wallet.win(TOKEN, "alice", GAME, "r", 100000, "EUR", "b1")
    assert win.status == Status.TRANSACTION_ROLLED_BACK
    assert settle(wallet, win, policy(pauses)) == [win] and pauses.seconds == []
