// The reality check and the session limits, as the server runs them (docs/game-client.md).
// The server refuses spins while a check is pending (3016), during the compulsory break
// after a "continue" where the jurisdiction sets one (3024), and after the session's time
// limit (3017); this module asks for the check when the state says it is due, or when a
// spin was refused for it, pauses play, shows the server's figures (time played, net
// position, rounds) and sends the player's answer: continue, or stop. After a continue
// under a break it keeps play paused and counts the break down (mm:ss) from the server's
// figure; at zero it asks the server again, and play resumes only once the server says the
// break is over. The time it shows is the server's, never one counted here.
"use strict";

const ReelReality = (() => {
  let ctx = null; // what game.js hands over: token, words, money and the play callbacks
  let checkTimer = null;
  let showing = null; // the open check's promise, so two triggers show it once
  let breakTimer = null;
  let breakEndsAtMs = null; // this page's time the running break ends at; null: none
  const BREAK_RETRY_MS = 5000; // asking the server again after a failed read

  async function call(body) {
    const answer = await fetch("/api/game/reality-check", {
      method: body ? "POST" : "GET",
      headers: { "Authorization": `Bearer ${ctx.token}`, "Content-Type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
      cache: "no-store",
    });
    return answer.json();
  }

  function clockText(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = String(Math.floor(seconds / 60) % 60).padStart(2, "0");
    const s = String(seconds % 60).padStart(2, "0");
    return `${h}:${m}:${s}`;
  }

  function el(tag, attrs = {}, text = "") {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    if (text) node.textContent = text;
    return node;
  }

  // The dialog, built once, on the page's own modal style.
  function dialog() {
    let box = document.getElementById("reality");
    if (box) return box;
    box = el("div", { id: "reality", class: "modal", role: "alertdialog", "aria-modal": "true" });
    const sheet = el("div", { class: "sheet" });
    sheet.append(
      el("h2", {}, ctx.t("reality_title")),
      el("p", { id: "reality-text" }),
      el("button", { id: "reality-continue", type: "button", class: "spin" }, ctx.t("reality_continue")),
      el("button", { id: "reality-stop", type: "button", class: "tool" }, ctx.t("reality_stop")),
      el("a", { id: "reality-history", target: "_blank", rel: "noopener noreferrer" }, ctx.t("reality_history")),
    );
    box.append(sheet);
    box.hidden = true;
    document.body.append(box);
    return box;
  }

  // "04:59": the break's time left.
  function countdownText(seconds) {
    const m = String(Math.floor(seconds / 60)).padStart(2, "0");
    const s = String(seconds % 60).padStart(2, "0");
    return `${m}:${s}`;
  }

  // The break panel, built once: what the break is, and the time left.
  function breakPanel() {
    let box = document.getElementById("reality-break");
    if (box) return box;
    box = el("div", { id: "reality-break", class: "modal", role: "alertdialog", "aria-modal": "true" });
    const sheet = el("div", { class: "sheet" });
    const left = el("p", { id: "reality-break-left" }, `${ctx.t("break_left")} `);
    left.append(el("strong", { id: "reality-break-time", role: "timer" }));
    sheet.append(el("h2", {}, ctx.t("break_title")), el("p", { id: "reality-break-text" }), left);
    box.append(sheet);
    box.hidden = true;
    document.body.append(box);
    return box;
  }

  function breakTick() {
    clearTimeout(breakTimer);
    const seconds = Math.max(Math.ceil((breakEndsAtMs - Date.now()) / 1000), 0);
    const time = document.getElementById("reality-break-time");
    time.textContent = countdownText(seconds);
    time.dataset.seconds = String(seconds);
    if (seconds > 0) breakTimer = setTimeout(breakTick, Math.min(1000, breakEndsAtMs - Date.now()));
    else breakOver();
  }

  // The break runs: play paused, the panel up, counting down the server's seconds.
  function startBreak(seconds, minutes) {
    ctx.pause();
    const box = breakPanel();
    document.getElementById("reality-break-text").textContent = ctx.t("break_body", { minutes: minutes ?? "" });
    breakEndsAtMs = Date.now() + seconds * 1000;
    box.hidden = false;
    breakTick();
  }

  // The countdown reached zero here: the server says whether the break is over (its clock
  // decides). Still running there: count down what it says is left.
  async function breakOver() {
    let envelope;
    try {
      envelope = await call();
    } catch (_) {
      breakTimer = setTimeout(breakOver, BREAK_RETRY_MS);
      return;
    }
    if (envelope.code === 3001) { endBreak(); ctx.end(ctx.t("session_ended")); return; }
    if (envelope.code !== 0) { breakTimer = setTimeout(breakOver, BREAK_RETRY_MS); return; }
    const check = envelope.data;
    if (check.break_ends_in_seconds) {
      breakEndsAtMs = Date.now() + check.break_ends_in_seconds * 1000;
      breakTick();
      return;
    }
    endBreak();
    ctx.say("");
    ctx.resume();
    schedule(check.due_in_seconds);
  }

  function endBreak() {
    clearTimeout(breakTimer);
    breakEndsAtMs = null;
    breakPanel().hidden = true;
  }

  // A spin refused for the break (the page did not know of it: another tab answered the
  // check): the server's figures start the panel.
  async function breakFromServer() {
    const envelope = await call();
    if (envelope.code !== 0 || !envelope.data.break_ends_in_seconds) return;
    startBreak(envelope.data.break_ends_in_seconds, envelope.data.break_minutes);
  }

  function render(check) {
    const box = dialog();
    const net = ctx.toMinor(check.net_position);
    const text = document.getElementById("reality-text");
    text.textContent = ctx.t("reality_body", {
      time: clockText(check.elapsed_seconds), net: ctx.money(net), rounds: check.rounds_played,
    });
    text.dataset.seconds = String(check.elapsed_seconds);
    text.dataset.netMinor = String(net);
    const history = document.getElementById("reality-history");
    history.hidden = !check.history_url;
    // Only a link of the server's own origin or an http(s) one is followed.
    if (check.history_url && /^https?:\/\//i.test(check.history_url)) history.href = check.history_url;
    box.hidden = false;
    document.getElementById("reality-continue").focus();
  }

  function choice() {
    return new Promise((resolve) => {
      const go = document.getElementById("reality-continue");
      const stop = document.getElementById("reality-stop");
      const done = (answer) => { go.onclick = null; stop.onclick = null; resolve(answer); };
      go.onclick = () => done("continue");
      stop.onclick = () => done("stop");
    });
  }

  function schedule(seconds) {
    clearTimeout(checkTimer);
    if (seconds === null || seconds === undefined) return;
    checkTimer = setTimeout(() => whenIdle(show), seconds * 1000);
  }

  // A check never interrupts a round being shown: it waits for the round's end.
  function whenIdle(work) {
    if (ctx.isBusy()) setTimeout(() => whenIdle(work), 250);
    else work();
  }

  // Show the pending check and wait for the answer; true when play may go on.
  function show() {
    if (showing) return showing;
    showing = (async () => {
      const envelope = await call();
      if (envelope.code === 3001) { ctx.end(ctx.t("session_ended")); return false; }
      if (envelope.code !== 0) return true;
      const check = envelope.data;
      // Not due yet on the server's clock (this page's timer ran early): ask again then.
      if (!check.pending) { schedule(check.due_in_seconds); return true; }
      ctx.pause();
      render(check);
      const answer = await choice();
      const answered = await call({ answer });
      dialog().hidden = true;
      if (answer === "stop" || answered.code === 3001) { ctx.end(ctx.t("session_ended")); return false; }
      const breakSeconds = answered.code === 0 ? answered.data.break_ends_in_seconds : null;
      // The compulsory break: play stays paused until the server says it is over (the next
      // check is scheduled then).
      if (breakSeconds) { startBreak(breakSeconds, answered.data.break_minutes); return true; }
      ctx.resume();
      schedule(answered.code === 0 ? answered.data.due_in_seconds : check.interval_minutes * 60);
      return true;
    })().catch(() => true).finally(() => { showing = null; });
    return showing;
  }

  // A spin refused for the check or a limit; whether this module dealt with it.
  async function refused(code) {
    if (code === 3016) { await show(); return true; }
    if (code === 3017) { ctx.end(ctx.t("err_3017")); return true; }
    if (code === 3024) {
      ctx.say(ctx.t("err_3024"));
      if (breakEndsAtMs === null) await breakFromServer().catch(() => {});
      return true;
    }
    return false;
  }

  // `options`: token, t, money, toMinor, limits (the state's `session_limits`), breakMinutes
  // (the profile's break after a check), isBusy, pause, resume, say(text), end(text).
  function start(options) {
    ctx = options;
    const limits = ctx.limits || {};
    if (limits.limit_reached === "time" || limits.time_left_seconds === 0) {
      ctx.end(ctx.t("err_3017"));
      return;
    }
    // Reopened during a break: the panel at once, the next check once it is over.
    if (limits.break_ends_in_seconds) {
      startBreak(limits.break_ends_in_seconds, ctx.breakMinutes);
      return;
    }
    schedule(limits.reality_check_due_in_seconds);
  }

  return { start, refused, show };
})();
