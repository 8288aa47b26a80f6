// Symbol art: each game's symbols are drawn vector art, given as data (symbols.js registers
// one theme per game: a tile colour and an SVG drawing per symbol code, in a 100 x 100 box).
// This file only frames a drawing into a tile and hands it out as a data: URL (the page's
// Content-Security-Policy allows data: images and nothing from elsewhere).
// A new game adds `ReelArt.theme("<game code>", {...})` to symbols.js: no code here changes.
// A symbol without a drawing still gets a generic cut gem, marked data-art="generic" so a
// test catches it.
"use strict";

const ReelArt = (() => {
  const themes = {};
  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  // theme: {tile: [light, dark], edge: colour, symbols: {CODE: {tile?: [light, dark], svg}}}
  function theme(gameCode, data) { themes[gameCode] = data; }

  function drawing(gameCode, symbol) {
    const found = themes[gameCode];
    return found && found.symbols[symbol.code] ? found.symbols[symbol.code] : null;
  }

  // The fallback: a faceted gem in a colour of the symbol's index (never shown for a game
  // whose theme is complete).
  function generic(index) {
    const hue = (index * 47) % 360;
    return {
      tile: [`hsl(${hue} 60% 45%)`, `hsl(${hue} 60% 18%)`],
      svg: `<path d="M50 12L84 38 70 86H30L16 38z" fill="hsl(${hue} 80% 70%)" stroke="#fff9"`
        + ` stroke-width="3"/><path d="M16 38H84M50 12L36 38 50 86 64 38z" fill="none"`
        + ` stroke="#fff6" stroke-width="2"/>`,
    };
  }

  function svg(gameCode, symbol, index) {
    const found = themes[gameCode] || { tile: ["#3b2f6b", "#120f1f"], edge: "#ffc83d" };
    const art = drawing(gameCode, symbol) || generic(index);
    const [light, dark] = art.tile || found.tile;
    const id = `t${index}`;
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img"`
      + ` aria-label="${esc(symbol.name)}"><defs><radialGradient id="${id}" cx="40%" cy="30%"`
      + ` r="85%"><stop offset="0" stop-color="${light}"/><stop offset="1" stop-color="${dark}"/>`
      + `</radialGradient><linearGradient id="gold" x1="0" y1="0" x2="0" y2="1">`
      + `<stop offset="0" stop-color="#fff3b0"/><stop offset=".45" stop-color="#ffc83d"/>`
      + `<stop offset="1" stop-color="#a86a00"/></linearGradient>`
      + `<linearGradient id="silver" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff"/>`
      + `<stop offset=".5" stop-color="#b8c4d0"/><stop offset="1" stop-color="#5a6675"/>`
      + `</linearGradient></defs>`
      + `<rect x="3" y="3" width="94" height="94" rx="16" fill="url(#${id})" stroke="${found.edge || "#0008"}"`
      + ` stroke-opacity=".7" stroke-width="2.5"/>`
      + `<g stroke-linejoin="round" stroke-linecap="round">${art.svg}</g></svg>`;
  }

  function dataUrl(gameCode, symbol, index) {
    return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg(gameCode, symbol, index))}`;
  }

  // "drawn" when the game's theme draws this symbol, "generic" for the fallback gem.
  function kind(gameCode, symbol) { return drawing(gameCode, symbol) ? "drawn" : "generic"; }

  return { theme, dataUrl, kind };
})();
