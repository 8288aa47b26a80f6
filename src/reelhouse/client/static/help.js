// The paytable and rules screen, generated from the game's own data (state.game): symbols
// and their pays at the current bet, lines or ways, wilds, scatters, the free-spin feature,
// hold and win and its bonus buy, the maximum win a round can really pay with its odds, the casino's cap on a round's win,
// and the RTP at the current bet (the effective one under that cap: the server computes it).
"use strict";

const ReelHelp = (() => {
  function el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text) node.textContent = text;
    return node;
  }

  // Hold and win (`game.hold_and_win`, credits) and its bonus buy, at the current bet.
  function holdRules(game, ctx, add) {
    const hold = game.hold_and_win;
    const cash = game.symbols.find((s) => s.kind === "cash");
    const amount = (credits) => ctx.money(credits * ctx.creditMinor);
    add(ctx.t("hold_rule", { k: hold.trigger, name: cash ? cash.name : "", n: hold.respins }));
    add(ctx.t("hold_values", { values: hold.values.map(amount).join(", "), grand: amount(hold.grand_credits) }));
    if (game.bonus_buy) add(ctx.t("buy_rule", { x: game.bonus_buy.price_x }));
  }

  // "1 in N" for any N: grouped digits up to a billion, then N as a power of ten.
  function odds(oneIn) {
    const n = Number(oneIn);
    if (n < 1e9) return Math.round(n).toLocaleString("en");
    const [mantissa, exponent] = n.toExponential(2).split("e");
    return `${mantissa} \u00d7 10^${Number(exponent)}`;
  }

  function payouts(game, ctx, add) {
    const t = ctx.t;
    const most = game.max_win || {};
    if (most.x && most.one_in) add(t("max_win_odds", { x: most.x, odds: odds(most.one_in) }));
    else add(t("max_win", { x: most.x || game.max_win_x }));
    if (game.win_cap_minor) add(t("win_cap", { cap: ctx.money(game.win_cap_minor) }));
    const effective = (game.rtp_by_credit || {})[String(ctx.creditMinor)];
    if (game.win_cap_minor && effective) {
      add(t("rtp_capped", { rtp: effective, nominal: game.rtp_variant }));
    } else add(t("rtp", { rtp: game.rtp_variant }));
  }

  function rules(game, ctx) {
    const t = ctx.t;
    const list = el("ul");
    const add = (text) => list.append(el("li", {}, text));
    if (game.mode === "lines") add(t("lines_rule", { n: game.lines.length }));
    else if (game.mode === "cluster") {
      const smallest = Math.min(...game.symbols.map((s) => s.pays.findIndex((p) => p > 0) + 1 || Infinity));
      add(t("cluster_rule", { k: smallest, n: game.cascade.max_cascades }));
      const times = game.cascade.multipliers;
      if (times.some((m) => m > 1)) add(t("cascade_multipliers", { m: times.map((m) => `x${m}`).join(", ") }));
    } else add(t("ways_rule", { n: game.rows ** game.reels }));
    for (const symbol of game.symbols) {
      if (symbol.kind === "wild") {
        add(t("wild_rule", { name: symbol.name }));
        if (symbol.multiplier > 1) add(t("wild_multiplier", { name: symbol.name, m: symbol.multiplier }));
        if (symbol.expanding) add(t("expanding_rule", { name: symbol.name }));
      }
      if (symbol.kind === "scatter") add(t("scatter_rule", { name: symbol.name }));
    }
    const feature = game.free_spins;
    if (feature) {
      const scatter = game.symbols.find((s) => s.kind === "scatter");
      const first = feature.awards.findIndex((n) => n > 0) + 1;
      const awards = feature.awards.map((n, i) => (n > 0 ? `${i + 1} \u2192 ${n}` : null))
        .filter(Boolean).join(", ");
      add(t("feature_rule", { k: first, name: scatter ? scatter.name : "", awards }));
      if (feature.multiplier > 1) add(t("feature_multiplier", { m: feature.multiplier }));
      if (feature.retrigger) add(t("feature_retrigger", { n: feature.max_spins }));
    }
    if (game.hold_and_win) holdRules(game, ctx, add);
    payouts(game, ctx, add);
    add(t("volatility", { v: game.volatility }));
    add(t("malfunction"));
    return list;
  }

  function pays(game, ctx) {
    const grid = el("div", { class: "pays" });
    game.symbols.forEach((symbol, index) => {
      const box = el("div", { class: "pay", "data-symbol": symbol.code });
      box.append(el("img", { src: ctx.art[index], alt: symbol.name }));
      const list = el("ul");
      list.append(el("li", {}, symbol.name));
      symbol.pays.forEach((credits, i) => {
        if (credits > 0) {
          // A pay in credits is worth credits x (bet / credits-per-bet) minor units: exact,
          // because every bet is a whole multiple of the game's bet step.
          const amount = ctx.money(credits * ctx.creditMinor);
          list.append(el("li", {}, `${ctx.t("kind_of", { k: i + 1 })}: ${amount}`));
        }
      });
      box.append(list);
      grid.append(box);
    });
    return grid;
  }

  function lineMaps(game, t) {
    const maps = el("div", { class: "line-maps" });
    game.lines.forEach((line, index) => {
      const figure = el("div", { class: "line-map" });
      const points = line.map((row, reel) => `${reel + 0.5},${row + 0.5}`).join(" ");
      figure.innerHTML = `<svg viewBox="0 0 ${game.reels} ${game.rows}">`
        + `<polyline points="${points}" fill="none" stroke="#ffc83d" stroke-width="0.25"`
        + ` stroke-linejoin="round"/></svg>`;
      figure.append(el("span", {}, t("line_n", { n: index + 1 })));
      maps.append(figure);
    });
    return maps;
  }

  function render(container, game, ctx) {
    container.replaceChildren();
    container.append(el("h2", {}, `${game.name} \u00b7 ${ctx.t("help")}`));
    if (game.description) container.append(el("p", {}, game.description));
    container.append(el("h3", {}, ctx.t("pays")), pays(game, ctx));
    container.append(el("h3", {}, ctx.t("rules")), rules(game, ctx));
    if (game.mode === "lines") container.append(el("h3", {}, ctx.t("lines_title")), lineMaps(game, ctx.t));
  }

  return { render };
})();
