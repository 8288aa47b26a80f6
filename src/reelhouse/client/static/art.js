// Symbol art, generated from the game's own symbol list: no image files, no fonts from
// elsewhere. Each symbol becomes an SVG (a tile and an emblem) used as a data: URL.
"use strict";

const ReelArt = (() => {
  const PALETTE = [
    ["#3d7be0", "#1b3d85"], ["#2fb37a", "#155c3d"], ["#e0883d", "#8a4511"],
    ["#c24fd6", "#5e1a6b"], ["#e05a5a", "#7d1f1f"], ["#3fc1c9", "#16666b"],
    ["#9aa83a", "#4d5719"], ["#d6a04f", "#6b4a1a"], ["#7a6ee6", "#332a85"],
    ["#e0568f", "#7a1d45"], ["#5aa0e0", "#1f4d7a"], ["#b0b0b0", "#4d4d4d"],
  ];
  const CARD = { NINE: "9", TEN: "10", JACK: "J", QUEEN: "Q", KING: "K", ACE: "A" };

  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  function label(text, size, fill, y = 62) {
    return `<text x="50" y="${y}" font-family="Georgia,'DejaVu Serif',serif" font-weight="700"`
      + ` font-size="${size}" text-anchor="middle" fill="${fill}" stroke="#0008"`
      + ` stroke-width="1.5" paint-order="stroke">${esc(text)}</text>`;
  }

  function initials(name) {
    const words = name.replace(/[^A-Za-z0-9 ]/g, "").split(" ").filter(Boolean);
    return (words.length > 1 ? words[0][0] + words[words.length - 1][0] : name.slice(0, 2))
      .toUpperCase();
  }

  // Emblems drawn for the symbol codes the catalogue uses; others get a cut gem.
  const EMBLEMS = {
    SEVEN: () => label("7", 64, "#ff3b3b", 74),
    BAR: () => `<rect x="16" y="36" width="68" height="28" rx="5" fill="#111" stroke="#eee"`
      + ` stroke-width="3"/>${label("BAR", 22, "#fff", 58)}`,
    BELL: () => `<path d="M50 20c-14 0-20 12-20 26v14l-8 8h56l-8-8V46c0-14-6-26-20-26z"`
      + ` fill="#ffd23f" stroke="#7a5a00" stroke-width="3"/><circle cx="50" cy="74" r="6"`
      + ` fill="#7a5a00"/>`,
    CHERRY: () => `<path d="M36 62C40 40 52 28 66 20M62 66C62 44 64 30 66 20" stroke="#2e7d32"`
      + ` stroke-width="4" fill="none"/><circle cx="34" cy="66" r="13" fill="#d0021b"`
      + ` stroke="#600" stroke-width="2"/><circle cx="62" cy="70" r="13" fill="#e0102b"`
      + ` stroke="#600" stroke-width="2"/>`,
    LEMON: () => `<ellipse cx="50" cy="52" rx="30" ry="22" fill="#fff04a" stroke="#a89400"`
      + ` stroke-width="3"/>`,
    ORANGE: () => `<circle cx="50" cy="54" r="26" fill="#ff9a1f" stroke="#a35500"`
      + ` stroke-width="3"/><path d="M50 28c6-8 14-8 18-6-4 6-10 8-18 6z" fill="#2e7d32"/>`,
    PLUM: () => `<ellipse cx="50" cy="54" rx="24" ry="28" fill="#7b2d9e" stroke="#3a0f4d"`
      + ` stroke-width="3"/><path d="M50 28c2-6 8-10 14-10" stroke="#2e7d32" stroke-width="3"`
      + ` fill="none"/>`,
    // Hold and win: the cash symbol and the empty cell of the respin board.
    COIN: () => `<circle cx="50" cy="50" r="32" fill="#ffc83d" stroke="#7a5200" stroke-width="4"/>`
      + label("$", 38, "#7a5200", 64),
    EMPTY: () => "",
  };

  function gem(index, text) {
    const shapes = [
      "M50 14L84 38 72 84H28L16 38z", "M50 12L86 50 50 88 14 50z",
      "M30 14H70L88 50 70 86H30L12 50z", "M50 12C74 12 86 28 86 50S74 88 50 88 14 72 14 50 26 12 50 12z",
      "M22 18H78V52C78 72 64 82 50 88 36 82 22 72 22 52z",
    ];
    return `<path d="${shapes[index % shapes.length]}" fill="#fff3" stroke="#fff9"`
      + ` stroke-width="3"/>${label(text, 30, "#fff", 61)}`;
  }

  function emblem(symbol, index) {
    if (symbol.kind === "wild") {
      const star = "M50 10l11 25 27 3-20 18 6 27-24-14-24 14 6-27-20-18 27-3z";
      const times = symbol.multiplier > 1 ? `x${symbol.multiplier}` : "";
      return `<path d="${star}" fill="#ffd700" stroke="#7a5a00" stroke-width="3"/>`
        + label("WILD", 20, "#fff", 60) + (times ? label(times, 18, "#fff", 84) : "");
    }
    if (symbol.kind === "scatter") {
      return `<path d="M50 8L82 40 50 92 18 40z" fill="#9c27b0" stroke="#fff" stroke-width="3"/>`
        + `<path d="M18 40H82M50 8L38 40 50 92 62 40z" stroke="#fff8" stroke-width="2"`
        + ` fill="none"/>${label(initials(symbol.name), 20, "#fff", 46)}`;
    }
    if (CARD[symbol.code]) return label(CARD[symbol.code], 50, "#fff", 68);
    const draw = EMBLEMS[symbol.code];
    return draw ? draw() : gem(index, initials(symbol.name));
  }

  function svg(symbol, index) {
    const [light, dark] = symbol.kind === "wild" ? ["#ffcf4a", "#8a5a00"]
      : symbol.kind === "scatter" ? ["#e070ff", "#4a0d5e"] : PALETTE[index % PALETTE.length];
    const id = `g${index}`;
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img"`
      + ` aria-label="${esc(symbol.name)}"><defs><radialGradient id="${id}" cx="35%" cy="30%"`
      + ` r="80%"><stop offset="0" stop-color="${light}"/><stop offset="1"`
      + ` stop-color="${dark}"/></radialGradient></defs><rect x="4" y="4" width="92"`
      + ` height="92" rx="16" fill="url(#${id})" stroke="#0006" stroke-width="2"/>`
      + `${emblem(symbol, index)}</svg>`;
  }

  function dataUrl(symbol, index) {
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg(symbol, index))}`;
  }

  return { dataUrl };
})();
