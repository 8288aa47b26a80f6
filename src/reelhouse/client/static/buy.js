// The bonus buy: a button shown only where the game sells its feature (the state's
// `game.bonus_buy`) and the session's jurisdiction allows buying one (`bonus_buy_allowed`),
// and a confirmation that names the price (price_x times the bet) before anything is sent.
// The spin it asks for carries `bet_mode: "buy"`; the server refuses a buy where it must
// (3030-3032), whatever this page shows (docs/api.md, "Bonus buy").
"use strict";

const ReelBuy = (() => {
  // ctx: {game, rules, t, money, betMinor(), onBuy()}; null where no buy is offered.
  function create(ctx) {
    const offer = ctx.game.bonus_buy;
    if (!offer || ctx.rules.bonus_buy_allowed === false) return null;
    const price = () => offer.price_x * ctx.betMinor();

    const button = document.createElement("button");
    button.id = "buy-btn";
    button.type = "button";
    button.className = "tool buy";
    button.textContent = ctx.t("buy");

    const dialog = document.createElement("div");
    dialog.id = "buy-dialog";
    dialog.className = "modal";
    dialog.setAttribute("role", "dialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.hidden = true;
    const sheet = document.createElement("div");
    sheet.className = "sheet";
    const text = document.createElement("p");
    text.id = "buy-price";
    const yes = document.createElement("button");
    yes.id = "buy-confirm";
    yes.type = "button";
    yes.className = "tool";
    yes.textContent = ctx.t("buy_yes");
    const no = document.createElement("button");
    no.id = "buy-cancel";
    no.type = "button";
    no.className = "tool";
    no.textContent = ctx.t("buy_no");
    sheet.append(text, yes, no);
    dialog.append(sheet);

    // The price asked is the one shown: the bet is read once, when the dialog opens.
    let asked = 0;
    function open() {
      asked = ctx.betMinor();
      text.textContent = ctx.t("buy_confirm", {
        price: ctx.money(price()), x: offer.price_x, bet: ctx.money(asked),
      });
      text.dataset.minor = String(price());
      dialog.hidden = false;
      yes.focus();
    }
    const close = () => { dialog.hidden = true; };
    button.addEventListener("click", open);
    no.addEventListener("click", close);
    yes.addEventListener("click", () => {
      close();
      if (asked === ctx.betMinor()) ctx.onBuy();
    });
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
      event.stopPropagation(); // the space bar here is not a spin
    });

    // Not while a round runs, nor during free rounds (a free round is played at its bet).
    function refresh(locked) { button.disabled = locked; }

    return { button, dialog, refresh, open };
  }

  return { create };
})();
