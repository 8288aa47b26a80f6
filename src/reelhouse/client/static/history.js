// The player's history: their latest rounds of this game (GET /api/game/history), each replayed
// from its stored outcome, never drawn again. The panel shows, per spin, the grid with its
// winning cells, each win with its amount and the spin's win: what the round-details page shows
// (its link is in the panel too); the reels replay the round with the usual presentation.
"use strict";

const ReelHistory = (() => {
  function el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text) node.textContent = text;
    return node;
  }

  // ctx: {api, t, money, toMinor, refusal(code), game, art, describe(spin), grids(spin) (a
  // cascade's every grid, else the spin), board(hold) (the final respin board and its coin
  // values), onReplay(round, totalNode)}: the reels replay the round, its total in totalNode.
  function create(panel, ctx) {
    const list = panel.querySelector("#history-list");
    const detail = panel.querySelector("#history-detail");
    let rounds = [];

    // A grid as a table of symbols, rows[row][reel]; `winning` cells marked, `values` (minor
    // units by "reel:row") written under their symbol.
    function gridTable(grid, winning, values = new Map()) {
      const table = el("table", { class: "grid" });
      for (let row = 0; row < ctx.game.rows; row += 1) {
        const tr = el("tr");
        grid.forEach((column, reel) => {
          const symbol = ctx.game.symbols[column[row]];
          const td = el("td", { "data-symbol": symbol.code, "data-reel": reel, "data-row": row });
          if (winning.has(`${reel}:${row}`)) td.className = "win";
          td.append(el("img", { src: ctx.art[column[row]], alt: symbol.name }));
          const value = values.get(`${reel}:${row}`);
          if (value !== undefined) {
            td.dataset.minor = String(value);
            td.append(el("span", { class: "coin-value" }, ctx.money(value)));
          }
          tr.append(td);
        });
        table.append(tr);
      }
      return table;
    }

    function spinBlock(spin, title) {
      const block = el("section", { class: "replay-spin" });
      block.append(el("h4", {}, title + (spin.multiplier > 1 ? ` (x${spin.multiplier})` : "")));
      const wins = ctx.describe(spin);
      const winning = new Set(wins.flatMap((win) => win.positions.map(([reel, row]) => `${reel}:${row}`)));
      block.append(gridTable(spin.grid, winning));
      const ul = el("ul", { class: "wins" });
      for (const win of wins) ul.append(el("li", { "data-minor": String(win.minor) }, `${win.text}: ${win.amount}`));
      if (!wins.length) ul.append(el("li", { class: "none" }, ctx.t("no_win")));
      block.append(ul);
      block.append(el("p", { class: "spin-win", "data-minor": String(spin.win_minor) },
        `${ctx.t("spin_win")}: ${ctx.money(spin.win_minor)}`));
      return block;
    }

    // The hold-and-win feature: its final board, each coin with its value, and what it paid.
    function holdBlock(hold) {
      const block = el("section", { class: "replay-hold" });
      block.append(el("h4", {}, ctx.t("hold_board")));
      const { grid, values } = ctx.board(hold);
      block.append(gridTable(grid, new Set(), values));
      if (hold.full) {
        block.append(el("p", { class: "grand", "data-minor": String(hold.grand_minor) },
          ctx.t("grand_prize", { amount: ctx.money(hold.grand_minor) })));
      }
      block.append(el("p", { class: "spin-win", "data-minor": String(hold.win_minor) },
        ctx.t("hold_total", { amount: ctx.money(hold.win_minor) })));
      return block;
    }

    function show(round) {
      list.querySelectorAll("li").forEach((li) => li.classList.toggle("selected", li.dataset.round === String(round.round_id)));
      detail.replaceChildren();
      detail.dataset.round = String(round.round_id);
      detail.append(el("h3", {}, `${ctx.t("round")} ${round.round_id} \u00b7 ${round.played_at} UTC`));
      const win = ctx.toMinor(round.win);
      const facts = el("p", { class: "facts" });
      facts.append(el("span", { class: "bet", "data-minor": String(ctx.toMinor(round.bet)) },
        `${ctx.t("bet")}: ${ctx.money(ctx.toMinor(round.bet))}`));
      const total = el("span", { class: "total" }, `${ctx.t("win")}: `);
      total.append(el("b", { "data-minor": String(win) }, ctx.money(win)));
      facts.append(total);
      detail.append(facts);
      if (!round.shown) {
        detail.append(el("p", { class: "note" }, ctx.t("history_not_played")));
      } else {
        const outcome = round.outcome;
        // A cascade shows each of its grids, titled as on the round-details page.
        // A bought free-spin feature has no base spin: nothing to show for it.
        const grids = outcome.base.grid.length ? ctx.grids(outcome.base) : [];
        grids.forEach((grid, i) => {
          const title = grids.length > 1 ? ctx.t("grid_of", { n: i + 1, total: grids.length }) : ctx.t("base_spin");
          detail.append(spinBlock(grid, title));
        });
        if (outcome.hold) detail.append(holdBlock(outcome.hold));
        outcome.free_spins.forEach((spin, i) => {
          detail.append(spinBlock(spin, ctx.t("free_spin_of", { n: i + 1, total: outcome.free_spins.length })));
        });
        const again = el("button", { type: "button", class: "tool replay" }, ctx.t("replay"));
        again.addEventListener("click", () => ctx.onReplay(round, total.querySelector("b")));
        detail.append(again);
      }
      detail.append(el("a", { href: round.details_url, target: "_blank", rel: "noopener noreferrer",
        class: "details-link" }, ctx.t("round_details")));
      return total.querySelector("b");
    }

    function render() {
      list.replaceChildren();
      if (!rounds.length) list.append(el("li", { class: "none" }, ctx.t("history_empty")));
      for (const round of rounds) {
        const win = ctx.toMinor(round.win);
        const li = el("li", { "data-round": String(round.round_id), tabindex: "0", role: "button" });
        li.append(el("span", { class: "when" }, round.played_at.slice(11)));
        li.append(el("span", { class: "bet" }, ctx.money(ctx.toMinor(round.bet))));
        li.append(el("b", { class: win > 0 ? "won" : "" }, round.shown ? ctx.money(win) : ctx.t("not_played")));
        const pick = () => {
          const total = show(round);
          if (round.shown) ctx.onReplay(round, total);
        };
        li.addEventListener("click", pick);
        li.addEventListener("keydown", (event) => { if (event.key === "Enter") pick(); });
        list.append(li);
      }
    }

    async function open() {
      panel.hidden = false;
      panel.dataset.loaded = "false";
      detail.replaceChildren();
      try {
        const envelope = await ctx.api("/api/game/history?limit=20");
        rounds = envelope.code === 0 ? envelope.data.rounds : [];
        if (envelope.code !== 0) list.replaceChildren(el("li", { class: "none" }, ctx.refusal(envelope.code)));
        else render();
      } catch (_) {
        list.replaceChildren(el("li", { class: "none" }, ctx.t("err_network")));
      }
      panel.dataset.loaded = "true";
    }

    function close() { panel.hidden = true; }

    return { open, close };
  }

  return { create };
})();
