"""The six "Callback API Testing" scripts of the SlotCity spec (section 3), in every dialect.

Translated where a protocol lacks a command: `authenticate` is iGamingAce's balance call
(its codec sends it so), and `status` steps are left out where the protocol has no status
(the money checks still prove the same thing).
"""

from __future__ import annotations

from reelhouse.domain.wallet import CommandKind, WalletCommand
from reelhouse.operator_kit.conformance.context import Ctx
from reelhouse.operator_kit.conformance.expect import (
    ANY,
    REFUSED_FUNDS,
    REFUSED_UNKNOWN_PLAYER,
    SETTLED,
    STATUS_CANCELED,
    STATUS_OK,
    Expect,
)
from reelhouse.operator_kit.conformance.scenario import Scenario, stake

AUTH = CommandKind.AUTHENTICATE
BALANCE = CommandKind.BALANCE


def open_session(ctx: Ctx) -> None:
    """authenticate then balance, as a game launch does; both report the balance."""
    ctx.start()
    ctx.step("authenticate", ctx.read(AUTH))
    ctx.step("balance", ctx.read(BALANCE))


def status_step(ctx: Ctx, label: str, asked: WalletCommand, expect: Expect) -> None:
    if ctx.supports(CommandKind.STATUS):
        ctx.step(label, ctx.status(asked), expect)


def unknown_account(ctx: Ctx) -> str:
    # Letters and digits only, 4+ characters: a valid id in every dialect, owned by nobody.
    return f"rhnobody{ctx.ids.new() % 10**12}"


def user_authentication(ctx: Ctx) -> None:
    ctx.start()
    ctx.step("authenticate the test account", ctx.read(AUTH))
    ctx.step(
        "authenticate an account that does not exist",
        ctx.read(AUTH, unknown_account(ctx)),
        REFUSED_UNKNOWN_PLAYER,
    )
    ctx.check_money("nothing moved")


def balance_inquiry(ctx: Ctx) -> None:
    open_session(ctx)
    ctx.check_money("nothing moved")


def bet_below_balance(ctx: Ctx) -> None:
    open_session(ctx)
    amount = stake(ctx)
    bet = ctx.bet(amount)
    ctx.step("bet below the balance", bet, delta=-amount)
    # Reelhouse never retries a bet, so a repeat is a duplicate delivery: any answer will
    # do as long as it is not debited twice.
    ctx.step("the same bet again", bet, ANY)
    ctx.check_money("debited once")
    ctx.step("win of the round", ctx.win(bet, amount), delta=amount)
    status_step(ctx, "status of the bet", bet, STATUS_OK)
    ctx.check_money("the win credited")


def bet_above_balance(ctx: Ctx) -> None:
    open_session(ctx)
    ctx.step("bet one minor unit above the balance", ctx.bet(ctx.opening + 1), REFUSED_FUNDS)
    ctx.check_money("nothing debited")


def win_after_bet(ctx: Ctx) -> None:
    open_session(ctx)
    amount = stake(ctx)
    bet = ctx.bet(amount)
    ctx.step("bet", bet, delta=-amount)
    win = ctx.win(bet, amount)
    ctx.step("win", win, delta=amount)
    ctx.step("the same win again", win, SETTLED)
    ctx.check_money("credited once")
    status_step(ctx, "status of the win", win, STATUS_OK)


def cancel_sent_twice(ctx: Ctx) -> None:
    open_session(ctx)
    amount = stake(ctx)
    bet = ctx.bet(amount)
    ctx.step("bet", bet, delta=-amount)
    cancel = ctx.cancel(bet)
    ctx.step("cancel of the bet", cancel, delta=amount)
    ctx.step("the same cancel again", cancel, SETTLED)
    ctx.check_money("refunded once")
    status_step(ctx, "status of the bet", bet, STATUS_CANCELED)
    again = ctx.bet(amount)
    ctx.step("a new bet", again, delta=-amount)
    ctx.step("balance", ctx.read(BALANCE))
    ctx.step("win of the new round (puts the stake back)", ctx.win(again, amount), delta=amount)
    ctx.check_money("play goes on after a cancel")


SPEC_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("spec-1-authentication", "User authentication", "spec 3.1", user_authentication),
    Scenario("spec-2-balance", "Balance inquiry", "spec 3.2", balance_inquiry),
    Scenario("spec-3-bet-twice", "Bet below balance, sent twice", "spec 3.3", bet_below_balance),
    Scenario("spec-4-bet-over-balance", "Bet above balance", "spec 3.4", bet_above_balance),
    Scenario("spec-5-win-twice", "Win after bet, sent twice", "spec 3.5", win_after_bet),
    Scenario("spec-6-cancel-twice", "Cancel, sent twice", "spec 3.6", cancel_sent_twice),
)
