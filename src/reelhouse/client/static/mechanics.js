// The mechanics beyond lines, ways and scatters, presented from the outcome alone (the same
// fields the round-details page reads; games/data/README.md states the rules):
// - a cascade (cluster pays): grid by grid, each grid's clusters shown with their amounts,
//   then they vanish and the next grid drops in, its multiplier on the feature meter;
// - expanding wilds: the grid as it landed, then each wild filling its reel;
// - hold and win: the respin board filling up, every coin with its value, the respins left
//   (back to the full count whenever a respin lands a coin) and the running total.
// Every step is also written to `trace` (tests and assistive tools read what was shown).
"use strict";

const ReelMechanics = (() => {
  const trace = []; // what was shown, step by step, since the page opened
  // The grids of a spin as the player sees them, each with its own wins: a cascade's every
  // grid (titled "grid n of m"), or the spin itself.
  function grids(spin) {
    return spin.cascades && spin.cascades.length ? spin.cascades : [spin];
  }

  // The respin board of a hold-and-win round after `count` respins: a grid of cash and blank
  // symbols, and the value of each coin by "reel:row" (minor units).
  function board(game, hold, count) {
    const cash = game.symbols.findIndex((s) => s.kind === "cash");
    const blank = game.symbols.findIndex((s) => s.kind === "blank");
    const grid = Array.from({ length: game.reels }, () => Array(game.rows).fill(blank));
    const values = new Map();
    const coins = [...hold.coins, ...hold.respins.slice(0, count).flatMap((r) => r.landed)];
    for (const [reel, row, minor] of coins) {
      grid[reel][row] = cash;
      values.set(`${reel}:${row}`, minor);
    }
    return { grid, values };
  }

  const sum = (coins) => coins.reduce((total, coin) => total + coin[2], 0);

  // ctx: {game, reels, reelsEl, present, meter, t, money, sound, pace(ms), banner(text, kind)}
  function create(ctx) {
    const { game, reels, reelsEl, present, meter, t, money } = ctx;
    const codes = (grid) => grid.map((column) => column.map((s) => game.symbols[s].code));

    function showMeter(parts) {
      meter.replaceChildren();
      for (const [name, text, data] of parts) {
        const node = document.createElement("span");
        node.className = name;
        node.textContent = text;
        for (const [key, value] of Object.entries(data || {})) node.dataset[key] = String(value);
        meter.append(node);
      }
      meter.hidden = !parts.length;
    }

    function hideMeter() { showMeter([]); }

    // Each coin's value written on its cell; `fresh` cells (just landed) pop in.
    function labelCoins(values, fresh = new Set()) {
      for (const [key, minor] of values) {
        const [reel, row] = key.split(":").map(Number);
        const node = reels.cellAt(reel, row);
        if (!node) continue;
        const label = document.createElement("span");
        label.className = "coin-value";
        label.textContent = money(minor);
        node.dataset.minor = String(minor);
        node.append(label);
        if (fresh.has(key)) node.classList.add("landed");
      }
    }

    // A cascade, its first grid already on the reels. Resolves once the last grid is shown.
    async function cascade(spin, { celebrate = true, turbo = false } = {}) {
      const steps = spin.cascades;
      for (let i = 0; i < steps.length; i += 1) {
        const step = steps[i];
        if (i > 0) {
          present.clear();
          reels.showGrid(step.grid);
          reelsEl.querySelectorAll(".cell").forEach((node) => node.classList.add("drop"));
        }
        showMeter([
          ["cascade-step", t("cascade_of", { n: i + 1, total: steps.length }), { step: i + 1, total: steps.length }],
          ["cascade-multiplier", `x${step.multiplier}`, { multiplier: step.multiplier }],
        ]);
        trace.push({ kind: "cascade", step: i + 1, grid: codes(step.grid), multiplier: step.multiplier,
          win_minor: step.win_minor, clusters: step.clusters.map((c) => c.win_minor) });
        const wins = await present.spinWins(step, { celebrate, turbo });
        if (!wins.length || i === steps.length - 1) break; // the last grid's wins stay shown
        // The winning clusters vanish; the next grid falls into their place.
        await ctx.pace(turbo ? 60 : 300);
        reelsEl.querySelectorAll(".cell.hit").forEach((node) => node.classList.add("vanish"));
        await ctx.pace(turbo ? 80 : 350);
      }
    }

    // Expanding wilds, the landed grid on the reels: each wild fills its reel.
    async function expand(spin, { turbo = false } = {}) {
      trace.push({ kind: "landed", grid: codes(spin.landed), reels: [...spin.expanded] });
      await ctx.pace(turbo ? 80 : 450);
      ctx.sound.play("feature");
      reels.showGrid(spin.grid);
      for (const reel of spin.expanded) {
        reelsEl.children[reel].classList.add("expanded");
        reelsEl.querySelectorAll(`.cell[data-reel="${reel}"]`).forEach((node) => node.classList.add("grow"));
      }
      trace.push({ kind: "expanded", grid: codes(spin.grid), reels: [...spin.expanded] });
      await ctx.pace(turbo ? 120 : 650);
    }

    function holdMeter(left, totalMinor) {
      showMeter([
        ["respins-left", t("respins_left", { n: left }), { left }],
        ["hold-total", t("hold_total", { amount: money(totalMinor) }), { minor: totalMinor }],
      ]);
    }

    // The hold-and-win feature of a round, its first board built from the coins it started with.
    async function hold(outcome, { turbo = false } = {}) {
      const feature = outcome.hold;
      const full = game.hold_and_win.respins;
      ctx.banner(t("hold_started", { n: full }), "feature");
      present.clear();
      let shown = board(game, feature, 0);
      reels.showGrid(shown.grid);
      labelCoins(shown.values, new Set(shown.values.keys()));
      let total = sum(feature.coins);
      holdMeter(full, total);
      trace.push({ kind: "respin", respin: 0, left: full, landed: feature.coins.length, total_minor: total });
      await ctx.pace(turbo ? 150 : 900);
      for (let i = 0; i < feature.respins.length; i += 1) {
        const respin = feature.respins[i];
        const before = new Set(shown.values.keys());
        shown = board(game, feature, i + 1);
        reels.showGrid(shown.grid);
        const fresh = new Set([...shown.values.keys()].filter((key) => !before.has(key)));
        labelCoins(shown.values, fresh);
        total += sum(respin.landed);
        holdMeter(respin.respins_left, total);
        if (respin.landed.length) ctx.sound.play("stop", 0);
        trace.push({ kind: "respin", respin: i + 1, left: respin.respins_left,
          landed: respin.landed.length, total_minor: total });
        await ctx.pace(turbo ? 90 : 600);
      }
      if (feature.full) ctx.banner(t("grand_prize", { amount: money(feature.grand_minor) }), "feature");
      holdMeter(0, feature.win_minor);
      trace.push({ kind: "hold_total", total_minor: feature.win_minor, full: feature.full });
      await ctx.pace(turbo ? 120 : 700);
    }

    // A round as it ended, without sequence (a reloaded page's last round): the final board,
    // or a cascade's last grid. False when the round has none of these mechanics.
    function still(outcome) {
      if (outcome.hold) {
        const shown = board(game, outcome.hold, outcome.hold.respins.length);
        reels.showGrid(shown.grid);
        present.clear();
        labelCoins(shown.values);
        holdMeter(0, outcome.hold.win_minor);
        return true;
      }
      const spins = [outcome.base, ...outcome.free_spins];
      const last = spins[spins.length - 1];
      if (!last.cascades) return false;
      const step = last.cascades[last.cascades.length - 1];
      reels.showGrid(step.grid);
      present.still(step);
      return true;
    }

    return { cascade, expand, hold, still, hideMeter };
  }

  return { create, grids, board, trace };
})();
