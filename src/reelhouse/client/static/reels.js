// The reels: drawing a grid, spinning to one, anticipation, and the quick (slam) stop.
// The outcome always comes from the server; the symbols the reels pass through while turning
// are decoration only. Reel cells carry data-reel, data-row and data-symbol (tests read them).
"use strict";

const ReelSpin = (() => {
  // How a spin moves, in ms: a reel turns `base` plus `stagger` per reel; a reel after a
  // near-feature gets `anticipation` more (so the last reels visibly slow down).
  const TIMING = {
    normal: { passing: 14, base: 600, stagger: 180, anticipation: 1100, perReelPassing: 2 },
    turbo: { passing: 4, base: 120, stagger: 30, anticipation: 300, perReelPassing: 0 },
  };

  // The reels that keep turning in suspense: those after which the feature is one scatter
  // away (and still reachable). A game with no feature, or no scatter, has none.
  function anticipation(game, grid) {
    const feature = game.free_spins;
    const scatter = game.symbols.findIndex((s) => s.kind === "scatter");
    if (!feature || scatter < 0) return grid.map(() => false);
    const needed = feature.awards.findIndex((n) => n > 0) + 1;
    let landed = 0;
    return grid.map((column, reel) => {
      const suspense = landed >= needed - 1 && landed + (grid.length - reel) >= needed;
      if (column.includes(scatter)) landed += 1;
      return suspense && needed > 1;
    });
  }

  function create(reelsEl, game, art, sound) {
    const strips = [];
    for (let r = 0; r < game.reels; r += 1) {
      const reel = document.createElement("div");
      reel.className = "reel";
      const strip = document.createElement("div");
      strip.className = "strip";
      reel.append(strip);
      reelsEl.append(reel);
      strips.push(strip);
    }
    let landing = []; // the running spin's pending reel stops: functions that land them now

    function cell(symbolIndex, reel, row) {
      const node = document.createElement("div");
      node.className = "cell";
      if (row !== null) {
        node.dataset.reel = reel;
        node.dataset.row = row;
      }
      const symbol = game.symbols[symbolIndex];
      node.dataset.symbol = symbol.code;
      const img = document.createElement("img");
      img.src = art[symbolIndex];
      img.alt = symbol.name;
      node.append(img);
      return node;
    }

    // Passing symbols: any but the empty cell of a respin board, which is never on the reels.
    const passing = game.symbols.flatMap((symbol, index) => (symbol.kind === "blank" ? [] : [index]));
    const randomSymbol = () => passing[Math.floor(Math.random() * passing.length)];

    function showGrid(grid) {
      grid.forEach((column, r) => {
        strips[r].style.transition = "none";
        strips[r].style.transform = "translateY(0)";
        strips[r].replaceChildren(...column.map((symbol, row) => cell(symbol, r, row)));
      });
    }

    function idleGrid() {
      return Array.from({ length: game.reels }, () => Array.from({ length: game.rows }, randomSymbol));
    }

    // Each reel gets a strip of passing symbols ending in its final column and slides to it.
    // Resolves once every reel has landed (by its timer, or all at once on `stopNow`).
    function spinTo(grid, { turbo = false } = {}) {
      const timing = turbo ? TIMING.turbo : TIMING.normal;
      const suspense = anticipation(game, grid);
      reelsEl.dataset.stopped = "";
      let extra = 0;
      landing = [];
      const stops = grid.map((column, r) => {
        const strip = strips[r];
        const reelEl = strip.parentElement;
        const current = [...strip.querySelectorAll(".cell")].slice(-game.rows)
          .map((node) => game.symbols.findIndex((s) => s.code === node.dataset.symbol));
        if (suspense[r]) extra += timing.anticipation;
        const filler = Array.from({ length: timing.passing + r * timing.perReelPassing + (suspense[r] ? 8 : 0) }, randomSymbol);
        const symbols = [...column, ...filler, ...current];
        strip.style.transition = "none";
        strip.replaceChildren(...symbols.map((s, i) => cell(s, r, i < column.length ? i : null)));
        const offset = ((symbols.length - current.length) / symbols.length) * 100;
        strip.style.transform = `translateY(-${offset}%)`;
        strip.getBoundingClientRect(); // apply the start position before the transition
        const duration = timing.base + r * timing.stagger + extra;
        const ease = suspense[r] ? "cubic-bezier(.1,.5,.2,1)" : "cubic-bezier(.2,.7,.3,1.05)";
        strip.style.transition = `transform ${duration}ms ${ease}`;
        strip.style.transform = "translateY(0)";
        reelEl.dataset.anticipation = String(suspense[r]);
        return new Promise((resolve) => {
          let done = false;
          const land = (quick) => {
            if (done) return;
            done = true;
            clearTimeout(timer);
            clearTimeout(tension);
            reelEl.classList.remove("suspense");
            strip.style.transition = "none";
            strip.replaceChildren(...column.map((s, row) => cell(s, r, row)));
            strip.style.transform = "translateY(0)";
            if (!quick) sound.play("stop", r);
            resolve();
          };
          // Suspense starts when the reel before it has landed.
          const tension = suspense[r]
            ? setTimeout(() => { reelEl.classList.add("suspense"); sound.play("tension", r); },
              duration - timing.anticipation)
            : null;
          const timer = setTimeout(() => land(false), duration);
          landing.push(land);
        });
      });
      return Promise.all(stops).then(() => { landing = []; });
    }

    // The quick stop: every reel still turning lands now, with one knock for all.
    function stopNow() {
      if (!landing.length) return false;
      reelsEl.dataset.stopped = "quick";
      sound.play("stop", game.reels - 1);
      landing.forEach((land) => land(true));
      landing = [];
      return true;
    }

    const cellAt = (reel, row) => reelsEl.querySelector(`.cell[data-reel="${reel}"][data-row="${row}"]`);

    return { showGrid, idleGrid, spinTo, stopNow, cellAt };
  }

  return { create, anticipation };
})();
