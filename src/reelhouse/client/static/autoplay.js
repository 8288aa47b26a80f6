// Autoplay: a number of spins, with a loss limit and an optional single-win limit, offered only
// where the session's jurisdiction allows it (and never more spins than it allows per run).
// Every spin of a run is sent with `autoplay: true`: the server refuses it (3013) where
// autoplay is forbidden, whatever this page does. A run stops on its own when its spins are
// played, before a spin that could take the loss past its limit, on a win at or above the
// single-win limit, on a feature (free spins), and on any refusal or error.
"use strict";

const ReelAutoplay = (() => {
  const COUNTS = [10, 25, 50, 100];
  const DEFAULT_LOSS_LIMIT_BETS = 20; // the loss limit offered first, in bets

  function start({ spins, lossLimitMinor, winLimitMinor = null }) {
    return { left: spins, played: 0, lossLimitMinor, winLimitMinor, lostMinor: 0 };
  }

  // Why the run must not play its next spin at this bet; null when it may.
  function beforeSpin(run, betMinor) {
    if (run.left <= 0) return "done";
    if (run.lostMinor + betMinor > run.lossLimitMinor) return "loss_limit";
    return null;
  }

  // Counts a played round in; why the run stops after it, or null.
  function afterRound(run, { stakedMinor, winMinor, feature }) {
    run.left -= 1;
    run.played += 1;
    run.lostMinor += stakedMinor - winMinor;
    if (feature) return "feature";
    if (run.winLimitMinor !== null && winMinor >= run.winLimitMinor) return "win_limit";
    return run.left <= 0 ? "done" : null;
  }

  // The spin counts a profile allows: the usual choices up to its cap (and the cap itself).
  function counts(maxRounds) {
    if (!maxRounds) return COUNTS;
    const allowed = COUNTS.filter((n) => n < maxRounds);
    return [...allowed, maxRounds].slice(-COUNTS.length);
  }

  // The settings dialog. ctx: {t, money, parseMinor(text) -> minor or null, betMinor(),
  // maxRounds, onStart(settings)}.
  function dialog(ctx) {
    const box = document.createElement("div");
    box.id = "autoplay";
    box.className = "modal";
    box.hidden = true;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    const choices = counts(ctx.maxRounds);
    box.innerHTML = `<form class="sheet autoplay-sheet" novalidate>
      <h2></h2>
      <fieldset class="counts"><legend></legend></fieldset>
      <label><span class="loss-label"></span><input id="autoplay-loss" inputmode="decimal" autocomplete="off" maxlength="16" required></label>
      <label><span class="win-label"></span><input id="autoplay-win" inputmode="decimal" autocomplete="off" maxlength="16"></label>
      <p class="note"></p>
      <p class="autoplay-error" role="alert" hidden></p>
      <div class="row"><button type="button" class="tool cancel"></button>
      <button type="submit" id="autoplay-start" class="spin"></button></div>
    </form>`;
    const form = box.querySelector("form");
    form.querySelector("h2").textContent = ctx.t("autoplay");
    form.querySelector("legend").textContent = ctx.t("autoplay_spins");
    form.querySelector(".loss-label").textContent = ctx.t("autoplay_loss_limit");
    form.querySelector(".win-label").textContent = ctx.t("autoplay_win_limit");
    form.querySelector(".note").textContent = ctx.t("autoplay_note");
    form.querySelector(".cancel").textContent = ctx.t("close");
    form.querySelector("#autoplay-start").textContent = ctx.t("autoplay_start");
    const fieldset = form.querySelector(".counts");
    choices.forEach((n, i) => {
      const label = document.createElement("label");
      label.className = "count";
      label.innerHTML = `<input type="radio" name="spins" value="${n}"${i === 0 ? " checked" : ""}><span>${n}</span>`;
      fieldset.append(label);
    });
    const error = form.querySelector(".autoplay-error");
    const close = () => { box.hidden = true; };
    form.querySelector(".cancel").addEventListener("click", close);
    box.addEventListener("click", (event) => { if (event.target === box) close(); });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const spins = Number(form.querySelector("input[name=spins]:checked").value);
      const loss = ctx.parseMinor(form.querySelector("#autoplay-loss").value);
      const winText = form.querySelector("#autoplay-win").value.trim();
      const win = winText ? ctx.parseMinor(winText) : null;
      // A loss limit is required (and below one bet no spin could be played).
      if (loss === null || loss < ctx.betMinor() || (winText && (win === null || win <= 0))) {
        error.textContent = ctx.t("autoplay_invalid");
        error.hidden = false;
        return;
      }
      error.hidden = true;
      close();
      ctx.onStart({ spins, lossLimitMinor: loss, winLimitMinor: win });
    });
    function open() {
      const loss = form.querySelector("#autoplay-loss");
      if (!loss.value) loss.value = ctx.plain(ctx.betMinor() * DEFAULT_LOSS_LIMIT_BETS);
      box.hidden = false;
      form.querySelector("input[name=spins]:checked").focus();
    }
    return { element: box, open, close };
  }

  return { start, beforeSpin, afterRound, counts, dialog };
})();
