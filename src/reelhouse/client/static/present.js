// Win presentation: every win of a spin drawn and named with its amount, one at a time, a
// count-up of the total, and a big-win scene scaled by the win over the bet. It reads the
// outcome only (lines, ways, scatter, a cascade's clusters: the same fields the round-details
// page reads), so a new mechanic adds its kind of win to `describe` and gets the rest for free.
// `celebrate` false (the jurisdiction's word, a win not above the stake): the same amounts
// and lines, but no count-up, no jingle, no scene: it is not called a win.
"use strict";

const ReelPresent = (() => {
  // Win sizes by win over bet (docs/game-client.md, "Win sizes"); the first that fits.
  const TIERS = [
    { name: "mega", atLeastX: 25, scene: true },
    { name: "big", atLeastX: 10, scene: true },
    { name: "medium", atLeastX: 3, scene: false },
    { name: "small", atLeastX: 0, scene: false },
  ];
  const LINE_COLOURS = ["#ffd23f", "#ff5a5f", "#3ddc97", "#5aa0ff", "#ff9f1c", "#c77dff", "#f15bb5", "#00bbf9"];
  const SVG = "http://www.w3.org/2000/svg";

  function tier(winMinor, betMinor) {
    const x = betMinor > 0 ? winMinor / betMinor : 0;
    return TIERS.find((entry) => x >= entry.atLeastX);
  }

  // The wins of one spin in the round-details page's order: lines, ways, the scatter; for
  // one grid of a cascade (mechanics.js), its clusters (their amounts carry its multiplier).
  function describe(game, spin, t, money) {
    const name = (index) => (game.symbols[index] ? game.symbols[index].name : String(index));
    const wins = [];
    for (const win of spin.clusters || []) {
      wins.push({ line: null, positions: win.positions, minor: win.win_minor,
        text: t("cluster_win", { k: win.size, name: name(win.symbol) })
          + (spin.multiplier > 1 ? ` x${spin.multiplier}` : "") });
    }
    for (const win of spin.lines || []) {
      wins.push({ line: win.line, positions: win.positions, minor: win.win_minor,
        text: t("line_win", { n: win.line + 1, k: win.count, name: name(win.symbol) })
          + (win.multiplier > 1 ? ` x${win.multiplier}` : "") });
    }
    for (const win of spin.ways || []) {
      wins.push({ line: null, positions: win.positions, minor: win.win_minor,
        text: t("ways_win", { k: win.count, name: name(win.symbol), ways: win.ways }) });
    }
    const scatter = spin.scatter;
    if (scatter) {
      wins.push({ line: null, positions: scatter.positions, minor: scatter.win_minor,
        text: t("scatter_win", { k: scatter.count, name: name(scatter.symbol) })
          + (scatter.free_spins ? `, ${t("n_free_spins", { n: scatter.free_spins })}` : "") });
    }
    return wins.map((win) => ({ ...win, amount: money(win.minor) }));
  }

  // ctx: {game, reels, reelsEl, overlay, label, scene, t, money, sound}
  function create(ctx) {
    const { game, reelsEl, overlay } = ctx;
    let pending = []; // sleeps a skip ends early
    let cycle = 0; // the running line cycle's generation (a new one ends the old)

    function sleep(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(done, ms);
        function done() { clearTimeout(timer); pending = pending.filter((p) => p !== done); resolve(); }
        pending.push(done);
      });
    }

    // Quick stop of a presentation: every wait ends now; the final figures are shown.
    function skip() { [...pending].forEach((done) => done()); }

    function clear() {
      cycle += 1;
      overlay.replaceChildren();
      reelsEl.classList.remove("has-win");
      reelsEl.querySelectorAll(".hit, .current").forEach((node) => node.classList.remove("hit", "current"));
      ctx.label.hidden = true;
    }

    function drawLine(index, colour) {
      const points = game.lines[index].map((row, reel) => `${reel + 0.5},${row + 0.5}`).join(" ");
      const poly = document.createElementNS(SVG, "polyline");
      poly.setAttribute("points", points);
      poly.setAttribute("stroke", colour);
      poly.setAttribute("vector-effect", "non-scaling-stroke");
      poly.dataset.line = index;
      overlay.append(poly);
      return poly;
    }

    function mark(positions, className) {
      for (const [reel, row] of positions) {
        const node = ctx.reels.cellAt(reel, row);
        if (node) node.classList.add(className);
      }
    }

    // Every win of the spin at once: its lines drawn, its cells lit, the rest dimmed.
    function showAll(wins) {
      wins.forEach((win, i) => {
        if (win.line !== null) win.poly = drawLine(win.line, LINE_COLOURS[i % LINE_COLOURS.length]);
        mark(win.positions, "hit");
      });
      if (wins.length) reelsEl.classList.add("has-win");
    }

    // One win in focus: its line bright, the others faded, its amount beside it.
    function focus(wins, index) {
      reelsEl.querySelectorAll(".current").forEach((node) => node.classList.remove("current"));
      overlay.classList.toggle("focus", wins.length > 1);
      wins.forEach((win, i) => { if (win.poly) win.poly.classList.toggle("current", i === index); });
      const win = wins[index];
      mark(win.positions, "current");
      ctx.label.textContent = `${win.text} \u00b7 ${win.amount}`;
      ctx.label.dataset.minor = String(win.minor);
      ctx.label.dataset.index = String(index);
      ctx.label.hidden = false;
    }

    // Counts `node` up from one amount to another (an ease-out over `ms`), ending exactly on
    // the amount the server reported.
    async function countUp(node, fromMinor, toMinor, ms) {
      const started = performance.now();
      let done = false;
      const stop = sleep(ms).then(() => { done = true; });
      while (!done && toMinor > fromMinor) {
        const share = Math.min((performance.now() - started) / ms, 1);
        const eased = 1 - (1 - share) ** 3;
        node.textContent = ctx.money(fromMinor + Math.floor((toMinor - fromMinor) * eased));
        await Promise.race([stop, new Promise((r) => requestAnimationFrame(r))]);
      }
      node.textContent = ctx.money(toMinor);
      node.dataset.minor = String(toMinor);
    }

    // A spin's wins: all at once, then each in turn (turbo: shorter). Resolves once each win
    // has been shown; the line cycle then goes on until the next `clear`.
    async function spinWins(spin, { celebrate = true, turbo = false } = {}) {
      const wins = describe(game, spin, ctx.t, ctx.money);
      if (!wins.length) return wins;
      showAll(wins);
      const stepMs = turbo ? 180 : 650;
      for (let i = 0; i < wins.length; i += 1) {
        focus(wins, i);
        if (celebrate) ctx.sound.play("line", i);
        await sleep(stepMs);
      }
      const generation = cycle;
      if (wins.length > 1) {
        (async () => {
          for (let i = 0; cycle === generation; i = (i + 1) % wins.length) {
            focus(wins, i);
            await new Promise((r) => setTimeout(r, 1400));
          }
        })();
      }
      return wins;
    }

    // The round's total: counted up with a jingle of its size, a scene for the big ones.
    async function total(node, fromMinor, winMinor, betMinor, { celebrate = true, turbo = false } = {}) {
      if (winMinor <= 0) {
        node.textContent = ctx.money(winMinor);
        node.dataset.minor = String(winMinor);
        return null;
      }
      if (!celebrate) {
        ctx.sound.play("settle");
        node.textContent = ctx.money(winMinor);
        node.dataset.minor = String(winMinor);
        return null;
      }
      const size = tier(winMinor, betMinor);
      ctx.sound.play(`win_${size.name}`);
      if (!size.scene) {
        await countUp(node, fromMinor, winMinor, turbo ? 200 : 500 + 150 * Math.min(winMinor / betMinor, 6));
        return size.name;
      }
      const scene = ctx.scene;
      scene.dataset.tier = size.name;
      scene.querySelector(".scene-title").textContent = ctx.t(`${size.name}_win`);
      scene.hidden = false;
      const amount = scene.querySelector(".scene-amount");
      await countUp(amount, 0, winMinor, turbo ? 700 : size.name === "mega" ? 4200 : 2800);
      node.textContent = ctx.money(winMinor);
      node.dataset.minor = String(winMinor);
      await sleep(turbo ? 300 : 1200);
      scene.hidden = true;
      return size.name;
    }

    // A spin as it ended, without sequence or sound (a reloaded page's last round).
    function still(spin) {
      clear();
      showAll(describe(game, spin, ctx.t, ctx.money));
    }

    return { clear, skip, sleep, spinWins, total, countUp, still };
  }

  return { create, describe, tier, TIERS };
})();
