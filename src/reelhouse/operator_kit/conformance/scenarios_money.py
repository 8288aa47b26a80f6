"""Extended scenarios about money: retries with other content, cancels in every order, the
precision edge, late wins and cancels. Each ends where it started when the wallet is right."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from reelhouse.domain.money import to_decimal
from reelhouse.domain.wallet import CommandKind
from reelhouse.operator_kit.conformance.context import Ctx, Skip
from reelhouse.operator_kit.conformance.expect import (
    ANY,
    DONE,
    NOT_APPLIED,
    REFUSED_FUNDS,
    STATUS_CANCELED,
    STATUS_OK,
)
from reelhouse.operator_kit.conformance.scenario import Scenario, stake
from reelhouse.operator_kit.conformance.scenarios_spec import open_session, status_step


def duplicate_other_amount(ctx: Ctx) -> None:
    ctx.start()
    amount = stake(ctx)
    bet = ctx.bet(amount)
    ctx.step("bet", bet, delta=-amount)
    ctx.step(
        "a bet with the same id and twice the amount", replace(bet, amount_minor=2 * amount), ANY
    )
    ctx.check_money("the second amount was not debited")
    win = ctx.win(bet, amount)
    ctx.step("win", win, delta=amount)
    ctx.step(
        "a win with the same id and three times the amount",
        replace(win, amount_minor=3 * amount),
        ANY,
    )
    ctx.check_money("the second amount was not credited")


def cancel_of_unknown(ctx: Ctx) -> None:
    ctx.start()
    never_sent = ctx.bet(stake(ctx))
    ctx.step("cancel of a bet the wallet never received", ctx.cancel(never_sent), DONE)
    ctx.check_money("nothing refunded")


def cancel_after_win(ctx: Ctx) -> None:
    """A cancel may reverse a win (SlotCity, B's Rollback of a Deposit); in A a cancel
    reverses a betwin, bet and win together."""
    ctx.start()
    amount = stake(ctx)
    if ctx.profile.cancels_wins:
        bet = ctx.bet(amount)
        ctx.step("bet", bet, delta=-amount)
        win = ctx.win(bet, 2 * amount)
        ctx.step("win", win, delta=2 * amount)
        ctx.step("cancel of the win (takes it back)", ctx.cancel(win), delta=-2 * amount)
        status_step(ctx, "status of the win", win, STATUS_CANCELED)
        status_step(ctx, "status of the bet", bet, STATUS_OK)
        ctx.check_money("only the win was taken back")
        ctx.step("cancel of the bet too (refunds it)", ctx.cancel(bet), delta=amount)
    elif ctx.supports(CommandKind.BET_WIN):
        round_ = ctx.bet_win(amount, 2 * amount)
        ctx.step("betwin: bet and win in one call", round_, delta=amount)
        ctx.step("cancel of the betwin (takes both back)", ctx.cancel(round_), delta=-amount)
    else:
        raise Skip("this protocol cannot cancel a win")
    ctx.check_money("every reversal applied once")


def second_cancel(ctx: Ctx) -> None:
    ctx.start()
    amount = stake(ctx)
    bet = ctx.bet(amount)
    ctx.step("bet", bet, delta=-amount)
    ctx.step("cancel of the bet", ctx.cancel(bet), delta=amount)
    ctx.step("another cancel (new id) of the same bet", ctx.cancel(bet), DONE)
    ctx.check_money("refunded once")


def cancel_before_bet(ctx: Ctx) -> None:
    """The cancel overtakes its bet: the bet, landing late, must move nothing."""
    ctx.start()
    bet = ctx.bet(stake(ctx))
    cancel = ctx.cancel(bet)
    ctx.step("cancel of a bet still in flight", cancel, DONE)
    ctx.step("the bet lands after its cancel", bet, ANY)
    ctx.check_money("the late bet moved nothing")
    ctx.step("the cancel again", cancel, DONE)
    ctx.check_money("still nothing moved")


def _edge_amount(ctx: Ctx, minor: int) -> str:
    """`minor` and a half: one decimal more than the currency has (0.015 USD, 1.5 JPY)."""
    exponent = ctx.currency.exponent
    value = to_decimal(minor, ctx.currency) + Decimal(5).scaleb(-(exponent + 1))
    return format(value, "f")


def precision_edge(ctx: Ctx) -> None:
    ctx.start()
    small = ctx.bet(1)
    ctx.step("bet of one minor unit", small, delta=-1)
    ctx.step("win of one minor unit", ctx.win(small, 1), delta=1)
    odd_amounts = (7, 29, 101)
    first = ctx.bet(odd_amounts[0])
    for amount in odd_amounts:
        bet = first if amount == odd_amounts[0] else ctx.bet(amount)
        ctx.step(f"bet of {amount} minor units", bet, delta=-amount)
    ctx.step("win of their sum", ctx.win(first, sum(odd_amounts)), delta=sum(odd_amounts))
    ctx.check_money("every minor unit accounted for")
    everything = ctx.balance
    whole = ctx.bet(everything)
    ctx.step("bet of the whole balance", whole, delta=-everything)
    ctx.step("bet of one minor unit more", ctx.bet(1), REFUSED_FUNDS)
    ctx.step("win of the whole balance back", ctx.win(whole, everything), delta=everything)
    ctx.check_money("the balance went to zero and back exactly")
    edge = _edge_amount(ctx, 1)
    finer = ctx.bet(1)
    request = ctx.tampered(finer, edge, resign=True)
    if request is None:
        return  # the protocol cannot write an amount that fine: nothing to refuse
    ctx.step(
        f"bet of {edge} {ctx.currency.code}: finer than the currency (must not be rounded)",
        finer,
        NOT_APPLIED,
        request=request,
    )
    ctx.check_money("the too-fine amount moved nothing")


def after_session(ctx: Ctx) -> None:
    """Wins and cancels are authorised by signature and transaction, never by the player's
    session: both arrive after the player started another session."""
    open_session(ctx)
    amount = stake(ctx)
    first_bet, second_bet = ctx.bet(amount), ctx.bet(amount)
    ctx.step("bet in the first session", first_bet, delta=-amount)
    ctx.step("another bet in the first session", second_bet, delta=-amount)
    ctx.session_id = ctx.ids.new()
    ctx.step("the player opens a new session", ctx.read(CommandKind.AUTHENTICATE))
    new_bet = ctx.bet(amount)
    ctx.step("bet in the new session", new_bet, delta=-amount)
    ctx.step("win in the new session", ctx.win(new_bet, amount), delta=amount)
    ctx.step("late win of the first session's round", ctx.win(first_bet, amount), delta=amount)
    ctx.step("late cancel of the first session's bet", ctx.cancel(second_bet), delta=amount)
    ctx.check_money("the late win and cancel landed")


def single_call_round(ctx: Ctx) -> None:
    if not ctx.supports(CommandKind.BET_WIN):
        raise Skip("this protocol has no single-call round")
    ctx.start()
    amount = stake(ctx)
    round_ = ctx.bet_win(amount, 3 * amount)
    ctx.step("betwin", round_, delta=2 * amount)
    ctx.step("the same betwin again", round_, ANY)
    ctx.check_money("applied once")
    ctx.step("cancel of the betwin", ctx.cancel(round_), delta=-2 * amount)
    ctx.step("another cancel of the betwin", ctx.cancel(round_), DONE)
    too_big = ctx.bet_win(ctx.balance + 1, 10 * ctx.balance)
    ctx.step("betwin whose bet is above the balance", too_big, REFUSED_FUNDS)
    ctx.check_money("every move undone once, the big bet refused")


MONEY_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "duplicate-other-amount", "Same id, another amount", "extended", duplicate_other_amount
    ),
    Scenario("cancel-unknown", "Cancel of an unknown transaction", "extended", cancel_of_unknown),
    Scenario("cancel-after-win", "Cancel after a win", "extended", cancel_after_win),
    Scenario("second-cancel", "A second cancel of one bet", "extended", second_cancel),
    Scenario("cancel-before-bet", "Cancel arriving before its bet", "extended", cancel_before_bet),
    Scenario(
        "precision-edge", "Amounts at the currency's precision edge", "extended", precision_edge
    ),
    Scenario(
        "after-session", "Wins and cancels after the session ended", "extended", after_session
    ),
    Scenario("single-call-round", "Bet and win in one call", "extended", single_call_round),
)
