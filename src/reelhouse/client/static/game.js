// The HTML5 game client, put together: the session, the JSON game API (docs/api.md, "Game
// API": GET /api/game/state, POST /api/game/spin, GET /api/game/history, with the session
// token as Bearer), a round, the controls. The parts live in their own files (art.js,
// symbols.js, sound.js, reels.js, present.js, mechanics.js, buy.js, autoplay.js, history.js,
// help.js: docs/game-client.md). Money is integer minor units from the server's decimal text to the
// screen; the shown balance is always one the server reported, never one computed here and
// left standing. <body data-state> is "boot", "idle", "spinning", "replay", "paused" (a
// reality check or the break after one: reality.js) or "expired", and <body data-spins>
// counts the spin attempts that have finished (played or refused): tests and assistive
// tools read them.
"use strict";

(() => {
  const boot = JSON.parse(document.getElementById("boot").textContent);
  const words = boot.words;
  let state = boot.state;
  const game = state.game;
  const $ = (id) => document.getElementById(id);

  // --- words and money --------------------------------------------------------------------
  function t(key, params = {}) {
    const text = words[key] || key;
    return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : ""));
  }
  // The decimals of every amount the server writes: the session's display unit's (mBTC: 5),
  // else its currency's. Minor units are the currency's either way (satoshis), so an amount
  // parsed here means the same money whatever unit labels it.
  const exponent = state.currency_exponent;
  const unit = 10 ** exponent;
  // What amounts are labelled with: the display unit's symbol (mBTC, μBTC), else the code.
  const moneyLabel = state.display_unit ? state.display_unit.symbol : state.currency;
  const SEPARATORS = { en: [",", "."], de: [".", ","], es: [".", ","], pt: [".", ","], fr: ["\u202f", ","] };
  const [groupSep, decimalSep] = SEPARATORS[document.documentElement.lang] || SEPARATORS.en;

  // "12.30" -> 1230. The server always writes exactly `exponent` decimals.
  function toMinor(text) {
    const negative = text.startsWith("-");
    const [whole, fraction = ""] = text.replace("-", "").split(".");
    const minor = Number(whole) * unit + Number((fraction + "0".repeat(exponent)).slice(0, exponent) || 0);
    return negative ? -minor : minor;
  }
  // Plain text for the API: 1230 -> "12.30".
  function toText(minor) {
    const sign = minor < 0 ? "-" : "";
    const abs = Math.abs(minor);
    const whole = Math.floor(abs / unit);
    const fraction = exponent ? "." + String(abs % unit).padStart(exponent, "0") : "";
    return sign + whole + fraction;
  }
  // For people: grouped digits, the language's separators, the unit's symbol or the code.
  function money(minor) {
    const [whole, fraction] = toText(minor).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, groupSep);
    return `${grouped}${fraction ? decimalSep + fraction : ""} ${moneyLabel}`;
  }

  // --- settings kept on this device ---------------------------------------------------------
  const prefs = { turbo: false, sound: true };
  try {
    Object.assign(prefs, JSON.parse(localStorage.getItem("reelhouse.prefs") || "{}"));
  } catch (_) { /* storage may be unavailable in an iframe: defaults then */ }

  // --- the session's jurisdiction (docs/jurisdictions.md) ------------------------------------
  // The server enforces what it can (stake, time between rounds, declared turbo/autoplay);
  // the client honours the rest: no turbo, autoplay or quick stop control where forbidden,
  // the required figures shown, a reality check, no celebration the server says no to.
  const rules = state.jurisdiction || {};
  const turboAllowed = rules.turbo_allowed !== false;
  if (!turboAllowed) prefs.turbo = false; // not saved: the device's choice stays for elsewhere
  let lastStartMs = 0; // when this page last started a round (for the least interval)
  function savePrefs() {
    try { localStorage.setItem("reelhouse.prefs", JSON.stringify(prefs)); } catch (_) { /* ignore */ }
  }

  // --- the jurisdiction's word on quick play: autoplay, slam stop ----------------------------
  const slamAllowed = rules.slam_stop_allowed !== false;
  const autoplayAllowed = rules.autoplay_allowed !== false;

  // --- sound (sound.js), the reels (reels.js), the win presentation (present.js) -------------
  ReelSound.setEnabled(prefs.sound);
  const art = game.symbols.map((symbol, index) => ReelArt.dataUrl(game.code, symbol, index));
  const reelsEl = $("reels");
  const overlay = $("overlay");
  document.documentElement.style.setProperty("--reels", game.reels);
  document.documentElement.style.setProperty("--rows", game.rows);
  overlay.setAttribute("viewBox", `0 0 ${game.reels} ${game.rows}`);
  const reels = ReelSpin.create(reelsEl, game, art, ReelSound);
  const present = ReelPresent.create({
    game, reels, reelsEl, overlay, label: $("line-win"), scene: $("scene"), t, money, sound: ReelSound,
  });
  const describe = (spin) => ReelPresent.describe(game, spin, t, money);
  // Cascades, expanding wilds, hold and win (mechanics.js): `pace` is defined with the round.
  const mechanics = ReelMechanics.create({
    game, reels, reelsEl, present, meter: $("feature-meter"), t, money, sound: ReelSound,
    pace: (ms) => pace(ms), banner: (text, kind) => banner(text, kind),
  });
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // The loading screen stays until every symbol's art is decoded (no blank tiles on the
  // first spin); the session itself came with the page.
  async function preload() {
    let ready = 0;
    await Promise.all(art.map(async (url) => {
      const img = new Image();
      img.src = url;
      try { await img.decode(); } catch (_) { /* shown as soon as it can be */ }
      ready += 1;
      $("loading-bar").style.width = `${Math.round((ready / art.length) * 100)}%`;
    }));
    $("loading").hidden = true;
  }

  // --- the screen around the reels -----------------------------------------------------------
  const betLevels = state.bet_levels.map(toMinor);
  let betIndex = 0;
  let busy = false;

  function setBody(name) { document.body.dataset.state = name; }

  function showBalance(minor) {
    const node = $("balance");
    node.textContent = minor === null ? "\u2013" : money(minor);
    node.dataset.minor = minor === null ? "" : String(minor);
    node.title = state.wallet_reachable === false ? t("balance_stale") : "";
  }

  function showWin(minor) {
    $("win").textContent = minor === null ? "\u2013" : money(minor);
    $("win").dataset.minor = minor === null ? "" : String(minor);
  }

  function message(text, kind = "error") {
    const node = $("message");
    node.hidden = !text;
    node.textContent = text || "";
    node.className = `message ${kind}`;
  }

  function banner(text, kind = "") {
    const node = $("banner");
    node.hidden = !text;
    node.textContent = text || "";
    node.className = `banner ${kind}`;
  }

  function splash(text) {
    $("splash").hidden = !text;
    $("splash").textContent = text || "";
  }

  function freeRound() {
    const offer = state.free_rounds;
    return offer && offer.remaining > 0 ? offer : null;
  }

  function currentBet() {
    const offer = freeRound();
    return offer ? toMinor(offer.bet) : betLevels[betIndex];
  }

  function refreshControls() {
    const offer = freeRound();
    $("bet").textContent = betLevels.length || offer ? money(currentBet()) : "\u2013";
    $("bet").dataset.minor = String(currentBet());
    const expired = document.body.dataset.state === "expired";
    const paused = document.body.dataset.state === "paused";
    const locked = busy || run !== null || expired || paused;
    $("bet-down").disabled = locked || !!offer || betIndex === 0;
    $("bet-up").disabled = locked || !!offer || betIndex >= betLevels.length - 1;
    // While the reels turn the button is the quick stop (where allowed); during autoplay it
    // stops the run.
    const stoppable = run !== null || (busy && slamAllowed && document.body.dataset.state === "spinning");
    $("spin-btn").disabled = expired || paused || (busy && !stoppable) || (!offer && !betLevels.length);
    $("spin-btn").classList.toggle("stop", stoppable);
    $("spin-btn").textContent = stoppable ? t("stop") : t("spin");
    if (buy) buy.refresh(locked || !!offer || !betLevels.length);
    if (offer) banner(t("free_rounds_offer", { n: offer.remaining, bet: money(toMinor(offer.bet)) }), "offer");
  }

  // --- the figures a jurisdiction requires: session time, net position, RTP ----------------
  const figures = state.session_figures || { elapsed_seconds: 0, net_position: "0", rtp_percent: 0 };
  const openedAtMs = Date.now() - figures.elapsed_seconds * 1000;
  let netMinor = toMinor(figures.net_position);
  function clockText(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
    const s = String(seconds % 60).padStart(2, "0");
    return `${h}:${m}:${s}`;
  }
  function showFigures() {
    const seconds = Math.floor((Date.now() - openedAtMs) / 1000);
    $("elapsed").textContent = clockText(seconds);
    $("elapsed").dataset.seconds = String(seconds);
    $("net").textContent = money(netMinor);
    $("net").dataset.minor = String(netMinor);
  }
  function startFigures() {
    $("fig-time").hidden = !rules.show_elapsed_time;
    $("fig-net").hidden = !rules.show_net_position;
    $("fig-rtp").hidden = !rules.show_rtp;
    $("rtp-shown").textContent = `${figures.rtp_percent} %`;
    $("figures").hidden = !(rules.show_elapsed_time || rules.show_net_position || rules.show_rtp);
    showFigures();
    setInterval(showFigures, 1000);
  }

  // The reality check and the session limits run on the server; reality.js shows them.
  function startReality() {
    ReelReality.start({
      token: boot.token, t, money, toMinor, limits: state.session_limits,
      breakMinutes: rules.break_after_reality_check_minutes,
      isBusy: () => busy,
      pause: () => { setBody("paused"); refreshControls(); },
      resume: () => { setBody("idle"); refreshControls(); },
      say: (text) => message(text),
      end: (text) => { message(text); setBody("expired"); refreshControls(); },
    });
  }

  function applyState(next) {
    state = { ...state, ...next };
    if (next.session_figures) netMinor = toMinor(next.session_figures.net_position);
    showBalance(state.balance === null ? null : toMinor(state.balance));
    if (!freeRound() && $("banner").classList.contains("offer")) banner("");
    refreshControls();
    if (state.round_in_progress) {
      // An error already on screen says more than "settling": keep it while polling.
      if ($("message").hidden || $("message").classList.contains("info")) message(t("settling"), "info");
      setTimeout(refresh, 3000);
    }
  }

  // --- talking to the server -----------------------------------------------------------------
  async function api(path, body) {
    const answer = await fetch(path, {
      method: body ? "POST" : "GET",
      headers: { "Authorization": `Bearer ${boot.token}`, "Content-Type": "application/json" },
      body: body ? (typeof body === "string" ? body : JSON.stringify(body)) : undefined,
      cache: "no-store",
    });
    return answer.json();
  }

  // Codes that end the session (3001 expired; 3020-3023 the casino's word on the player):
  // the page says why, in the player's language, and offers no more spins.
  const sessionOver = new Set(boot.session_over || [3001]);

  function expire(code = 3001) {
    message(refusal(code));
    setBody("expired");
    refreshControls();
  }

  // The server's word on balance, free rounds and unsettled rounds, after anything unusual.
  async function refresh() {
    try {
      const envelope = await api("/api/game/state");
      if (sessionOver.has(envelope.code)) return expire(envelope.code);
      if (envelope.code === 0) {
        const settling = state.round_in_progress;
        applyState(envelope.data);
        if (settling && !state.round_in_progress && $("message").textContent === t("settling")) message("");
      }
    } catch (_) {
      message(t("err_network"));
    }
  }

  function refusal(code) {
    const key = `err_${code}`;
    return words[key] ? t(key) : t("err_generic", { code });
  }

  // --- a round ---------------------------------------------------------------------------------
  // The quick (slam) stop asked for during this round: its reels land at once and its
  // presentation jumps to the final figures. Only where the jurisdiction allows it.
  let slam = false;
  const pace = (ms) => (slam ? Promise.resolve() : present.sleep(ms));

  function quickStop() {
    if (!slamAllowed || slam) return;
    slam = true;
    reels.stopNow();
    present.skip();
  }

  async function land(grid, turbo) {
    const landed = reels.spinTo(grid, { turbo });
    if (slam) reels.stopNow();
    await landed;
  }

  // One spin: the reels land, its mechanic plays (a cascade grid by grid; expanding wilds
  // after the landed grid), its wins are shown.
  async function presentSpin(spinOutcome, { celebrate, turbo }) {
    if (spinOutcome.cascades && spinOutcome.cascades.length) {
      await land(spinOutcome.cascades[0].grid, turbo);
      await mechanics.cascade(spinOutcome, { celebrate, turbo: turbo || slam });
      return;
    }
    const expanding = spinOutcome.expanded && spinOutcome.expanded.length;
    await land(expanding ? spinOutcome.landed : spinOutcome.grid, turbo);
    if (expanding) await mechanics.expand(spinOutcome, { turbo: turbo || slam });
    await present.spinWins(spinOutcome, { celebrate, turbo: turbo || slam });
  }

  // A round from its outcome: the reels, each spin's wins, the feature, the total counted up
  // in `winNode`. Live rounds and history replays both come through here.
  async function presentRound(outcome, roundWin, betMinor, { celebrate, turbo, winNode }) {
    present.clear();
    mechanics.hideMeter();
    // A bought free-spin feature has no base spin (its base has no grid): the reels keep
    // what they show until the first free spin.
    if (outcome.base.grid.length) await presentSpin(outcome.base, { celebrate, turbo });
    if (outcome.hold) await mechanics.hold(outcome, { turbo: turbo || slam });
    const free = outcome.free_spins;
    if (free.length) {
      ReelSound.play("feature");
      banner(t("free_spins_won", { n: free.length }), "feature");
      splash(t("free_spins_won", { n: free.length }));
      await pace(turbo ? 150 : 1400);
      splash("");
      let running = outcome.base.win_minor;
      for (let i = 0; i < free.length; i += 1) {
        banner(t("free_spin_of", { n: i + 1, total: free.length }), "feature");
        $("banner").dataset.spin = String(i + 1);
        $("banner").dataset.total = String(free.length);
        present.clear();
        await presentSpin(free[i], { celebrate, turbo });
        running += free[i].win_minor;
        winNode.textContent = money(running);
        await pace(turbo ? 60 : 400);
      }
      banner(t("total_win", { amount: money(roundWin) }), "feature");
    }
    const quick = turbo || slam;
    // Whether this round's win was celebrated (tests and assistive tools read it).
    winNode.dataset.celebrated = String(Boolean(celebrate) && roundWin > 0);
    return present.total(winNode, 0, roundWin, betMinor, { celebrate, turbo: quick });
  }

  // One spin. Resolves to what autoplay needs: whether it was played, what it staked and won,
  // and whether it started the feature.
  // `mode` "buy": a bonus buy (buy.js), its price taken by the server.
  async function spin(auto = false, mode = "base") {
    if (busy) {
      if (!auto && document.body.dataset.state === "spinning") quickStop();
      return { played: false };
    }
    if (!["idle"].includes(document.body.dataset.state) || $("spin-btn").disabled) return { played: false };
    busy = true;
    slam = false;
    setBody("spinning");
    ReelSound.newRound();
    message("");
    splash("");
    present.clear();
    refreshControls();
    const offer = freeRound();
    const bet = currentBet();
    // The jurisdiction's least time between round starts: wait it out rather than be refused.
    const early = (rules.min_round_interval_ms || 0) - (Date.now() - lastStartMs);
    if (early > 0) await wait(early);
    lastStartMs = Date.now();
    // The server must be told a quick spin or an autoplay spin is one (it refuses either
    // where forbidden: 3014, 3013).
    const turbo = prefs.turbo && turboAllowed;
    const autoplay = auto && autoplayAllowed;
    // A grant's id is 63 bits: it stays text here and goes into the JSON as written, since a
    // JavaScript number would round it.
    const body = offer && /^[0-9]{1,19}$/.test(offer.fr_id)
      ? `{"bet":${JSON.stringify(offer.bet)},"free_round_id":${offer.fr_id},"turbo":${turbo},"autoplay":${autoplay}}`
      : { bet: toText(bet), turbo, autoplay, ...(mode === "buy" ? { bet_mode: "buy" } : {}) };
    ReelSound.play("spin");
    try {
      let envelope;
      try {
        envelope = await api("/api/game/spin", body);
      } catch (_) {
        message(t("err_network"));
        await refresh();
        return { played: false };
      }
      if (sessionOver.has(envelope.code)) { expire(envelope.code); return { played: false }; }
      if (await ReelReality.refused(envelope.code)) return { played: false };
      if (envelope.code !== 0) {
        message(refusal(envelope.code));
        ReelSound.play("error");
        await refresh();
        return { played: false };
      }
      const round = envelope.data;
      const win = toMinor(round.win);
      if (!$("banner").classList.contains("offer")) banner("");
      // While the reels turn, show the balance after the bet; the server's final word follows.
      if (round.balance !== null) showBalance(toMinor(round.balance) - (round.win_credited ? win : 0));
      showWin(0);
      await presentRound(round.outcome, win, toMinor(round.bet), {
        celebrate: round.celebrate !== false, turbo, winNode: $("win"),
      });
      // Won minus staked, as the server counts it (a free round stakes nothing); the next
      // state's figure replaces it.
      const staked = offer ? 0 : toMinor(round.bet);
      netMinor += win - staked;
      showFigures();
      if (round.balance !== null) {
        state.balance = round.balance;
        showBalance(toMinor(round.balance));
      }
      if (offer || round.balance === null || !round.win_credited) await refresh();
      if (offer && !freeRound()) banner(t("free_rounds_done", { amount: money(win) }), "offer");
      return { played: true, stakedMinor: staked, winMinor: win, feature: round.outcome.free_spins.length > 0 || Boolean(round.outcome.hold) };
    } finally {
      busy = false;
      // A session over stays over; a pause (the compulsory break after a reality check,
      // reality.js) lasts until reality.js resumes play.
      if (!["expired", "paused"].includes(document.body.dataset.state)) setBody("idle");
      refreshControls();
      document.body.dataset.spins = String(Number(document.body.dataset.spins || 0) + 1);
    }
  }

  // --- the bonus buy (buy.js): only where the game sells its feature and the profile allows
  let buy = null;
  function setUpBuy() {
    buy = ReelBuy.create({
      game, rules, t, money, betMinor: () => betLevels[betIndex],
      onBuy: () => { if (!run) spin(false, "buy"); },
    });
    if (!buy) return;
    $("spin-btn").before(buy.button);
    document.body.append(buy.dialog);
    refreshControls();
  }

  // --- autoplay (autoplay.js): only where the jurisdiction allows it -------------------------
  let run = null;
  // Between two autoplay rounds, so the result stays readable (shorter in turbo).
  const AUTOPLAY_PAUSE_MS = { normal: 400, turbo: 80 };

  function showAutoplay() {
    const button = $("autoplay-btn");
    if (!button) return;
    button.setAttribute("aria-pressed", String(Boolean(run)));
    button.textContent = run ? t("autoplay_stop", { n: run.left }) : t("autoplay");
    document.body.dataset.autoplay = run ? "on" : "off";
    refreshControls();
  }

  function stopAutoplay(reason) {
    if (!run) return;
    document.body.dataset.autoplayPlayed = String(run.played);
    run = null;
    document.body.dataset.autoplayStop = reason;
    if (reason !== "error") message(t(`autoplay_end_${reason}`), "info");
    showAutoplay();
    refreshControls();
  }

  async function runAutoplay(settings) {
    if (run || busy) return;
    run = ReelAutoplay.start(settings);
    document.body.dataset.autoplayStop = "";
    showAutoplay();
    while (run) {
      const why = ReelAutoplay.beforeSpin(run, freeRound() ? 0 : currentBet());
      if (why) { stopAutoplay(why); break; }
      const result = await spin(true);
      if (!run) break; // the player stopped it
      if (!result.played) { stopAutoplay("error"); break; }
      const after = ReelAutoplay.afterRound(run, result);
      showAutoplay();
      if (after) { stopAutoplay(after); break; }
      await wait(prefs.turbo ? AUTOPLAY_PAUSE_MS.turbo : AUTOPLAY_PAUSE_MS.normal);
    }
  }

  function setUpAutoplay() {
    if (!autoplayAllowed) return; // no control at all where the jurisdiction forbids it
    const button = document.createElement("button");
    button.id = "autoplay-btn";
    button.type = "button";
    button.className = "tool";
    $("spin-btn").before(button);
    const settings = ReelAutoplay.dialog({
      t, money, plain: toText, parseMinor, betMinor: currentBet,
      maxRounds: rules.autoplay_max_rounds, onStart: runAutoplay,
    });
    document.body.append(settings.element);
    button.addEventListener("click", () => (run ? stopAutoplay("player") : settings.open()));
    showAutoplay();
  }

  // A decimal amount typed by the player ("12.5", "12,50") in minor units; null if it is not
  // one (too many decimals, not a number, absurdly large).
  function parseMinor(text) {
    const match = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text);
    if (!match || (match[2] || "").length > exponent) return null;
    return toMinor(`${match[1]}.${(match[2] || "").padEnd(exponent, "0")}`.replace(/\.$/, ""));
  }

  // --- history (history.js): the player's rounds, replayed from their stored outcome ---------
  async function replay(round, totalNode) {
    if (busy || run) return;
    busy = true;
    slam = false;
    setBody("replay");
    ReelSound.newRound();
    refreshControls();
    banner(t("replay_of", { id: round.round_id }), "replay");
    try {
      await presentRound(round.outcome, toMinor(round.win), toMinor(round.bet), {
        celebrate: round.celebrate, turbo: prefs.turbo, winNode: totalNode,
      });
    } finally {
      busy = false;
      setBody(document.body.dataset.state === "expired" ? "expired" : "idle");
      document.body.dataset.replayed = String(round.round_id);
      refreshControls();
    }
  }
  const historyPanel = ReelHistory.create($("history"), {
    api, t, money, toMinor, refusal, game, art, describe, grids: ReelMechanics.grids,
    board: (hold) => ReelMechanics.board(game, hold, hold.respins.length), onReplay: replay,
  });

  function changeBet(delta) {
    if (busy || freeRound()) return;
    betIndex = Math.min(Math.max(betIndex + delta, 0), betLevels.length - 1);
    refreshControls();
    ReelSound.play("tick");
  }

  // --- help, toggles, keyboard, exit --------------------------------------------------------
  function openHelp() {
    const creditMinor = Math.floor(currentBet() / game.credits);
    ReelHelp.render($("help-body"), game, { t, art, money, creditMinor });
    $("help").hidden = false;
    $("help-close").focus();
  }
  function closeHelp() { $("help").hidden = true; }

  function toggle(button, key) {
    prefs[key] = !prefs[key];
    button.setAttribute("aria-pressed", String(prefs[key]));
    savePrefs();
    if (key === "sound") ReelSound.setEnabled(prefs.sound);
  }

  // The spin button and the space bar: spin; quick stop while spinning; stop an autoplay run.
  function press() {
    if (run) stopAutoplay("player");
    else spin();
  }

  function translate() {
    document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll("[data-i18n-title]").forEach((node) => {
      node.title = t(node.dataset.i18nTitle);
      node.setAttribute("aria-label", node.title);
    });
  }

  function wire() {
    $("spin-btn").addEventListener("click", press);
    $("history-btn").addEventListener("click", () => historyPanel.open());
    $("history-close").addEventListener("click", () => historyPanel.close());
    $("scene").addEventListener("click", () => { if (slamAllowed) present.skip(); });
    $("bet-down").addEventListener("click", () => changeBet(-1));
    $("bet-up").addEventListener("click", () => changeBet(1));
    $("help-btn").addEventListener("click", openHelp);
    $("help-close").addEventListener("click", closeHelp);
    $("help").addEventListener("click", (event) => { if (event.target === $("help")) closeHelp(); });
    $("turbo-btn").addEventListener("click", () => toggle($("turbo-btn"), "turbo"));
    $("turbo-btn").hidden = !turboAllowed;
    $("sound-btn").addEventListener("click", () => toggle($("sound-btn"), "sound"));
    $("turbo-btn").setAttribute("aria-pressed", String(prefs.turbo));
    $("sound-btn").setAttribute("aria-pressed", String(prefs.sound));
    // The page's own copy, checked by the server (http or https only); never a later state's.
    const exitUrl = boot.state.return_url;
    if (exitUrl && /^https?:\/\//i.test(exitUrl)) {
      $("exit-btn").hidden = false;
      $("exit-btn").addEventListener("click", () => { window.location.href = exitUrl; });
    }
    document.addEventListener("keydown", (event) => {
      if (!$("help").hidden) {
        if (event.key === "Escape") closeHelp();
        return;
      }
      if (event.key === "Escape" && !$("history").hidden) { historyPanel.close(); return; }
      const dialog = $("autoplay");
      if (dialog && !dialog.hidden) return;
      if (event.target.closest && event.target.closest("#history")) return;
      if (event.code === "Space") { event.preventDefault(); press(); }
      if (event.key === "ArrowUp" || event.key === "+") changeBet(1);
      if (event.key === "ArrowDown" || event.key === "-") changeBet(-1);
    });
  }

  // --- start: the last round of this session, as it ended (a reload resumes) ---------------
  async function start() {
    translate();
    await preload();
    if (state.demo) { $("demo-badge").hidden = false; $("demo-badge").textContent = t("demo"); }
    const last = state.last_round;
    // A round the casino did not take (refused or refunded) comes without an outcome: no
    // reels or lines of it are drawn, and it is never called a win.
    const played = Boolean(last && last.played !== false && last.outcome);
    if (last) {
      const bet = toMinor(last.bet);
      const found = betLevels.indexOf(bet);
      betIndex = found >= 0 ? found : 0;
    }
    if (played) {
      const spins = [last.outcome.base, ...last.outcome.free_spins];
      if (!mechanics.still(last.outcome)) {
        reels.showGrid(spins[spins.length - 1].grid);
        present.still(spins[spins.length - 1]);
      }
      showWin(toMinor(last.win));
    } else {
      reels.showGrid(reels.idleGrid());
      if (last) showWin(0);
    }
    wire();
    setUpAutoplay();
    setUpBuy();
    startFigures();
    setBody("idle");
    applyState({});
    if (last && !state.round_in_progress) {
      message(played ? `${t("last_round")}: ${t("win")} ${money(toMinor(last.win))}` : t("last_round_not_played"), "info");
    }
    startReality(); // last: a session already over says so, over any other message
  }

  start();
})();
