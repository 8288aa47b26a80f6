// The HTML5 game client. It speaks only the JSON game API (docs/api.md, "Game API"):
// GET /api/game/state and POST /api/game/spin, with the session token as Bearer.
// Money is integer minor units from the server's decimal text to the screen; the shown
// balance is always one the server reported, never one computed here and left standing.
// <body data-state> is "idle", "spinning" or "expired", and <body data-spins> counts the
// spin attempts that have finished (played or refused): tests and assistive tools read them.
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
  const exponent = state.currency_exponent;
  const unit = 10 ** exponent;
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
  // For people: grouped digits, the language's separators, the currency code.
  function money(minor) {
    const [whole, fraction] = toText(minor).split(".");
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, groupSep);
    return `${grouped}${fraction ? decimalSep + fraction : ""} ${state.currency}`;
  }

  // --- settings kept on this device ---------------------------------------------------------
  const prefs = { turbo: false, sound: true };
  try {
    Object.assign(prefs, JSON.parse(localStorage.getItem("reelhouse.prefs") || "{}"));
  } catch (_) { /* storage may be unavailable in an iframe: defaults then */ }

  // --- the session's jurisdiction (docs/jurisdictions.md) ------------------------------------
  // The server enforces what it can (stake, time between rounds, declared turbo/autoplay);
  // the client honours the rest: no turbo where forbidden, the required figures shown, a
  // reality check, no celebration the server says no to. This client has no autoplay and
  // no slam stop at all.
  const rules = state.jurisdiction || {};
  const turboAllowed = rules.turbo_allowed !== false;
  if (!turboAllowed) prefs.turbo = false; // not saved: the device's choice stays for elsewhere
  let lastStartMs = 0; // when this page last started a round (for the least interval)
  function savePrefs() {
    try { localStorage.setItem("reelhouse.prefs", JSON.stringify(prefs)); } catch (_) { /* ignore */ }
  }

  // --- sound: short WebAudio beeps, created on the first gesture ------------------------------
  let audio = null;
  function beep(frequency, ms, delay = 0) {
    if (!prefs.sound) return;
    try {
      audio = audio || new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      const start = audio.currentTime + delay / 1000;
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.08, start);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + ms / 1000);
      osc.connect(gain).connect(audio.destination);
      osc.start(start);
      osc.stop(start + ms / 1000);
    } catch (_) { /* no audio device: play silently */ }
  }

  // --- the reels ------------------------------------------------------------------------------
  const art = game.symbols.map((symbol, index) => ReelArt.dataUrl(symbol, index));
  const reelsEl = $("reels");
  const overlay = $("overlay");
  document.documentElement.style.setProperty("--reels", game.reels);
  document.documentElement.style.setProperty("--rows", game.rows);
  overlay.setAttribute("viewBox", `0 0 ${game.reels} ${game.rows}`);

  function cell(symbolIndex, reel, row) {
    const node = document.createElement("div");
    node.className = "cell";
    if (row !== null) {
      node.dataset.reel = reel;
      node.dataset.row = row;
    }
    node.dataset.symbol = game.symbols[symbolIndex].code;
    const img = document.createElement("img");
    img.src = art[symbolIndex];
    img.alt = game.symbols[symbolIndex].name;
    node.append(img);
    return node;
  }

  function randomSymbol() {
    // Decoration only: what the reels pass through while spinning. Outcomes come from the server.
    return Math.floor(Math.random() * game.symbols.length);
  }

  const reels = [];
  for (let r = 0; r < game.reels; r += 1) {
    const reel = document.createElement("div");
    reel.className = "reel";
    const strip = document.createElement("div");
    strip.className = "strip";
    reel.append(strip);
    reelsEl.append(reel);
    reels.push(strip);
  }

  function showGrid(grid) {
    grid.forEach((column, r) => {
      reels[r].style.transition = "none";
      reels[r].style.transform = "translateY(0)";
      reels[r].replaceChildren(...column.map((symbol, row) => cell(symbol, r, row)));
    });
  }

  function idleGrid() {
    return Array.from({ length: game.reels }, () => Array.from({ length: game.rows }, randomSymbol));
  }

  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // Each reel gets a strip of passing symbols ending in its final column, and slides to it.
  async function animate(grid) {
    clearWins();
    const turbo = prefs.turbo;
    const passing = turbo ? 4 : 14;
    const base = turbo ? 120 : 600;
    const stagger = turbo ? 30 : 160;
    const stops = grid.map((column, r) => {
      const strip = reels[r];
      const current = [...strip.children].map((node) => game.symbols.findIndex((s) => s.code === node.dataset.symbol));
      const filler = Array.from({ length: passing + r * (turbo ? 0 : 2) }, randomSymbol);
      const symbols = [...column, ...filler, ...current];
      strip.style.transition = "none";
      strip.replaceChildren(...symbols.map((symbol, i) => cell(symbol, r, i < column.length ? i : null)));
      const offset = (symbols.length - current.length) / symbols.length * 100;
      strip.style.transform = `translateY(-${offset}%)`;
      strip.getBoundingClientRect(); // apply the start position before the transition
      const duration = base + r * stagger;
      strip.style.transition = `transform ${duration}ms cubic-bezier(.2,.7,.3,1.05)`;
      strip.style.transform = "translateY(0)";
      beep(660, 40, duration);
      return wait(duration);
    });
    await Promise.all(stops);
    showGrid(grid);
  }

  const LINE_COLOURS = ["#ffd23f", "#ff5a5f", "#3ddc97", "#5aa0ff", "#ff9f1c", "#c77dff", "#f15bb5", "#00bbf9"];

  function clearWins() {
    overlay.replaceChildren();
    reelsEl.classList.remove("has-win");
    reelsEl.querySelectorAll(".hit").forEach((node) => node.classList.remove("hit"));
  }

  function highlight(spin) {
    const positions = [];
    spin.lines.forEach((win, i) => {
      positions.push(...win.positions);
      const line = game.lines[win.line];
      const points = line.map((row, reel) => `${reel + 0.5},${row + 0.5}`).join(" ");
      const poly = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
      poly.setAttribute("points", points);
      poly.setAttribute("stroke", LINE_COLOURS[i % LINE_COLOURS.length]);
      poly.setAttribute("vector-effect", "non-scaling-stroke");
      poly.dataset.line = win.line;
      overlay.append(poly);
    });
    spin.ways.forEach((win) => positions.push(...win.positions));
    // A cascade (cluster games): the clusters of its first grid, the one shown.
    if (spin.cascades) spin.cascades[0].clusters.forEach((win) => positions.push(...win.positions));
    if (spin.scatter && spin.scatter.win_minor + spin.scatter.free_spins > 0) positions.push(...spin.scatter.positions);
    for (const [reel, row] of positions) {
      const node = reelsEl.querySelector(`.cell[data-reel="${reel}"][data-row="${row}"]`);
      if (node) node.classList.add("hit");
    }
    if (positions.length) reelsEl.classList.add("has-win");
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
    const locked = busy || document.body.dataset.state === "expired";
    $("bet-down").disabled = locked || !!offer || betIndex === 0;
    $("bet-up").disabled = locked || !!offer || betIndex >= betLevels.length - 1;
    $("spin-btn").disabled = locked || (!offer && !betLevels.length);
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
    const every = rules.reality_check_minutes;
    if (every) {
      setInterval(() => {
        const minutes = Math.floor((Date.now() - openedAtMs) / 60000);
        message(t("reality_check", { minutes, net: money(netMinor) }), "info");
      }, every * 60000);
    }
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

  function expire() {
    message(t("err_3001"));
    setBody("expired");
    refreshControls();
  }

  // The server's word on balance, free rounds and unsettled rounds, after anything unusual.
  async function refresh() {
    try {
      const envelope = await api("/api/game/state");
      if (envelope.code === 3001) return expire();
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
  // `celebrate` false (the jurisdiction's word on a win not above the stake): the win is
  // shown, without sound or splash.
  async function present(outcome, roundWin, celebrate = true) {
    await animate(outcome.base.grid);
    highlight(outcome.base);
    let shown = outcome.base.win_minor;
    if (shown) { showWin(shown); if (celebrate) beep(880, 120); }
    const free = outcome.free_spins;
    if (free.length) {
      banner(t("free_spins_won", { n: free.length }), "feature");
      splash(t("free_spins_won", { n: free.length }));
      beep(523, 120); beep(659, 120, 130); beep(784, 200, 260);
      await wait(prefs.turbo ? 150 : 1200);
      splash("");
      for (let i = 0; i < free.length; i += 1) {
        banner(t("free_spin_of", { n: i + 1, total: free.length }), "feature");
        $("banner").dataset.spin = String(i + 1);
        $("banner").dataset.total = String(free.length);
        await animate(free[i].grid);
        highlight(free[i]);
        shown += free[i].win_minor;
        if (free[i].win_minor) { showWin(shown); beep(880, 100); }
        await wait(prefs.turbo ? 60 : 500);
      }
      banner(t("total_win", { amount: money(roundWin) }), "feature");
    }
    showWin(roundWin);
    if (celebrate && roundWin >= 20 * outcome.bet_minor && roundWin > 0) {
      splash(`${t("big_win")} ${money(roundWin)}`);
      await wait(prefs.turbo ? 200 : 1500);
      splash("");
    }
  }

  async function spin() {
    if (busy || document.body.dataset.state !== "idle" || $("spin-btn").disabled) return;
    busy = true;
    setBody("spinning");
    message("");
    splash("");
    refreshControls();
    const offer = freeRound();
    const bet = currentBet();
    // The jurisdiction's least time between round starts: wait it out rather than be refused.
    const early = (rules.min_round_interval_ms || 0) - (Date.now() - lastStartMs);
    if (early > 0) await wait(early);
    lastStartMs = Date.now();
    // The server must be told a quick spin is one (it refuses it where forbidden).
    const turbo = prefs.turbo && turboAllowed;
    // A grant's id is 63 bits: it stays text here and goes into the JSON as written, since a
    // JavaScript number would round it.
    const body = offer && /^[0-9]{1,19}$/.test(offer.fr_id)
      ? `{"bet":${JSON.stringify(offer.bet)},"free_round_id":${offer.fr_id},"turbo":${turbo}}`
      : { bet: toText(bet), turbo };
    try {
      let envelope;
      try {
        envelope = await api("/api/game/spin", body);
      } catch (_) {
        message(t("err_network"));
        await refresh();
        return;
      }
      if (envelope.code === 3001) return expire();
      if (envelope.code !== 0) {
        message(refusal(envelope.code));
        beep(220, 200);
        await refresh();
        return;
      }
      const round = envelope.data;
      const win = toMinor(round.win);
      if (!$("banner").classList.contains("offer")) banner("");
      // While the reels turn, show the balance after the bet; the server's final word follows.
      if (round.balance !== null) showBalance(toMinor(round.balance) - (round.win_credited ? win : 0));
      await present(round.outcome, win, round.celebrate !== false);
      // Won minus staked, as the server counts it (a free round stakes nothing); the next
      // state's figure replaces it.
      netMinor += win - (offer ? 0 : toMinor(round.bet));
      showFigures();
      if (round.balance !== null) {
        state.balance = round.balance;
        showBalance(toMinor(round.balance));
      }
      if (offer || round.balance === null || !round.win_credited) await refresh();
      if (offer && !freeRound()) banner(t("free_rounds_done", { amount: money(win) }), "offer");
    } finally {
      busy = false;
      if (document.body.dataset.state !== "expired") setBody("idle");
      refreshControls();
      document.body.dataset.spins = String(Number(document.body.dataset.spins || 0) + 1);
    }
  }

  function changeBet(delta) {
    if (busy || freeRound()) return;
    betIndex = Math.min(Math.max(betIndex + delta, 0), betLevels.length - 1);
    refreshControls();
    beep(440, 30);
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
  }

  function translate() {
    document.querySelectorAll("[data-i18n]").forEach((node) => { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll("[data-i18n-title]").forEach((node) => {
      node.title = t(node.dataset.i18nTitle);
      node.setAttribute("aria-label", node.title);
    });
  }

  function wire() {
    $("spin-btn").addEventListener("click", spin);
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
      if (event.code === "Space") { event.preventDefault(); spin(); }
      if (event.key === "ArrowUp" || event.key === "+") changeBet(1);
      if (event.key === "ArrowDown" || event.key === "-") changeBet(-1);
    });
  }

  // --- start: the last round of this session, as it ended (a reload resumes) ---------------
  function start() {
    translate();
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
      showGrid(spins[spins.length - 1].grid);
      highlight(spins[spins.length - 1]);
      showWin(toMinor(last.win));
    } else {
      showGrid(idleGrid());
      if (last) showWin(0);
    }
    wire();
    startFigures();
    setBody("idle");
    applyState({});
    if (last && !state.round_in_progress) {
      message(played ? `${t("last_round")}: ${t("win")} ${money(toMinor(last.win))}` : t("last_round_not_played"), "info");
    }
  }

  start();
})();
