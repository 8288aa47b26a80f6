// The symbol art of every game, as data: one theme per game code, one SVG drawing per symbol
// code in a 100 x 100 box (art.js frames it into a tile; `url(#gold)` and `url(#silver)` are
// gradients every tile defines). A new game adds its own theme here.
"use strict";

(() => {
  // A card rank on a themed plaque: the plaque's outline, its fill, and the rank's colour.
  function rank(glyph, plaque, fill, ink, trim = "") {
    const size = glyph.length > 1 ? 40 : 50;
    return `<path d="${plaque}" fill="${fill}" stroke="#0009" stroke-width="3"/>${trim}`
      + `<text x="50" y="${glyph.length > 1 ? 63 : 66}" text-anchor="middle"`
      + ` font-family="Georgia,'DejaVu Serif',serif" font-weight="700" font-size="${size}"`
      + ` fill="${ink}" stroke="#000a" stroke-width="2" paint-order="stroke">${glyph}</text>`;
  }

  // --- Lucky Sevens: a classic fruit machine -------------------------------------------------
  ReelArt.theme("lucky-sevens", {
    tile: ["#fff6e0", "#e0b85c"],
    edge: "#7a4a00",
    symbols: {
      SEVEN: {
        tile: ["#ffe9a8", "#c7332b"],
        svg: '<path d="M24 22H78V34L50 84H33L60 36H24z" fill="#e3121b" stroke="#5a0000"'
          + ' stroke-width="4"/><path d="M28 26H72" stroke="#ff9a9a" stroke-width="3"/>'
          + '<path d="M24 22H78V34" fill="none" stroke="url(#gold)" stroke-width="2"/>',
      },
      BAR: {
        tile: ["#f5f5f5", "#8a8a8a"],
        svg: '<rect x="14" y="34" width="72" height="32" rx="6" fill="#161616" stroke="url(#gold)"'
          + ' stroke-width="4"/><path d="M22 44h10M22 56h10M68 44h10M68 56h10" stroke="#ffc83d"'
          + ' stroke-width="3"/><text x="50" y="59" text-anchor="middle" font-family="Impact,'
          + 'Arial Black,sans-serif" font-weight="900" font-size="20" fill="#fff">BAR</text>',
      },
      BELL: {
        svg: '<path d="M50 16c-16 0-22 14-22 30v14l-10 10h64L72 60V46c0-16-6-30-22-30z"'
          + ' fill="url(#gold)" stroke="#7a5a00" stroke-width="3"/><circle cx="50" cy="76" r="7"'
          + ' fill="#7a5a00"/><circle cx="50" cy="14" r="4" fill="#7a5a00"/>'
          + '<path d="M38 30c-4 6-4 16-4 26" stroke="#fff8" stroke-width="4" fill="none"/>',
      },
      PLUM: {
        tile: ["#f3e0ff", "#8a5aa8"],
        svg: '<ellipse cx="50" cy="56" rx="26" ry="28" fill="#6a1f8e" stroke="#2e0a40"'
          + ' stroke-width="3"/><path d="M50 30c-4 10-4 40 0 52" stroke="#3d0f55" stroke-width="2"'
          + ' fill="none"/><ellipse cx="40" cy="46" rx="6" ry="10" fill="#fff4"/><path d="M50 30c2-8'
          + ' 8-12 16-14" stroke="#5a3a10" stroke-width="4" fill="none"/><path d="M58 22c10-8 20-4 22'
          + ' 0-10 6-16 6-22 0z" fill="#3c9a3c"/>',
      },
      ORANGE: {
        tile: ["#fff2d6", "#e09a3a"],
        svg: '<circle cx="50" cy="56" r="28" fill="#ff8c1a" stroke="#a34800" stroke-width="3"/>'
          + '<g fill="#ffb45c"><circle cx="40" cy="48" r="2"/><circle cx="58" cy="62" r="2"/>'
          + '<circle cx="48" cy="70" r="2"/><circle cx="64" cy="46" r="2"/></g><ellipse cx="40" cy="44"'
          + ' rx="7" ry="5" fill="#fff5"/><path d="M50 28c4-10 16-12 22-8-6 8-14 10-22 8z"'
          + ' fill="#2e8b2e" stroke="#145214" stroke-width="2"/>',
      },
      LEMON: {
        tile: ["#fffbe0", "#d6c23a"],
        svg: '<path d="M16 54c4-18 20-28 34-28s30 10 34 28c-4 18-20 26-34 26S20 72 16 54z"'
          + ' fill="#ffe81a" stroke="#9a8400" stroke-width="3"/><path d="M12 54l6-2M88 54l-6-2"'
          + ' stroke="#9a8400" stroke-width="4"/><ellipse cx="38" cy="44" rx="10" ry="5" fill="#fff8"/>',
      },
      CHERRY: {
        tile: ["#ffe8e8", "#d66a6a"],
        svg: '<path d="M34 64C38 42 52 28 70 18M62 68C60 46 64 30 70 18" stroke="#2e7d32"'
          + ' stroke-width="4" fill="none"/><path d="M70 18c6-6 16-4 18 2-8 4-14 2-18-2z"'
          + ' fill="#3c9a3c"/><circle cx="32" cy="68" r="15" fill="#d0021b" stroke="#600"'
          + ' stroke-width="2"/><circle cx="62" cy="72" r="15" fill="#e0102b" stroke="#600"'
          + ' stroke-width="2"/><circle cx="27" cy="63" r="4" fill="#fff8"/><circle cx="57" cy="67"'
          + ' r="4" fill="#fff8"/>',
      },
    },
  });

  // --- Dragon's Hoard: a dragon's cave of gold ------------------------------------------------
  const SHIELD = "M50 12L82 22V50C82 70 66 84 50 90 34 84 18 70 18 50V22z";
  const shield = (glyph, fill) => rank(glyph, SHIELD, fill, "url(#gold)",
    '<path d="M50 18L76 26V50C76 66 64 78 50 84" fill="none" stroke="#fff3" stroke-width="3"/>');
  const flame = (metal, times) => '<path d="M50 10C58 28 78 34 74 60 72 78 60 88 50 88S26 80 26'
    + ` 62C26 46 38 40 40 26 46 36 46 44 50 48 56 38 52 24 50 10z" fill="url(#${metal})"`
    + ' stroke="#5a2a00" stroke-width="3"/><path d="M50 50C56 58 62 64 58 74 56 80 44 80 42 72'
    + ' 40 64 46 60 50 50z" fill="#fff8"/><text x="50" y="80" text-anchor="middle"'
    + ' font-family="Georgia,serif" font-weight="700" font-size="22" fill="#3a1500" stroke="#fff"'
    + ` stroke-width="2" paint-order="stroke">x${times}</text>`;
  ReelArt.theme("dragon-hoard", {
    tile: ["#5a2a14", "#1a0a06"],
    edge: "#f2c94c",
    symbols: {
      TEN: { svg: shield("10", "#5a6675") },
      JACK: { svg: shield("J", "#2f6b3a") },
      QUEEN: { svg: shield("Q", "#7a1f5a") },
      KING: { svg: shield("K", "#1f3f7a") },
      ACE: { svg: shield("A", "#8a1f1f") },
      GOLD: {
        svg: '<g fill="url(#gold)" stroke="#7a4a00" stroke-width="2.5"><ellipse cx="30" cy="74"'
          + ' rx="16" ry="7"/><ellipse cx="70" cy="74" rx="16" ry="7"/><ellipse cx="50" cy="78"'
          + ' rx="16" ry="7"/><ellipse cx="40" cy="62" rx="16" ry="7"/><ellipse cx="62" cy="60"'
          + ' rx="16" ry="7"/><ellipse cx="50" cy="48" rx="16" ry="7"/><circle cx="50" cy="30"'
          + ' r="14"/></g><path d="M50 22v16M45 26h8a4 4 0 010 8h-6" stroke="#7a4a00"'
          + ' stroke-width="2.5" fill="none"/>',
      },
      CHEST: {
        svg: '<path d="M16 44c0-16 14-24 34-24s34 8 34 24z" fill="#8a4a1a" stroke="#3a1a04"'
          + ' stroke-width="3"/><rect x="16" y="44" width="68" height="38" rx="3" fill="#a35a22"'
          + ' stroke="#3a1a04" stroke-width="3"/><path d="M16 44h68M30 22v60M70 22v60"'
          + ' stroke="url(#gold)" stroke-width="5"/><rect x="43" y="40" width="14" height="16" rx="2"'
          + ' fill="url(#gold)" stroke="#3a1a04" stroke-width="2"/><circle cx="50" cy="48" r="2.5"'
          + ' fill="#3a1a04"/><path d="M22 44c6-6 12-4 16 0M62 44c6-6 12-4 16 0" stroke="#ffe27a"'
          + ' stroke-width="3" fill="none"/>',
      },
      SWORD: {
        svg: '<path d="M72 14L78 20 40 64 34 58z" fill="url(#silver)" stroke="#2a3440"'
          + ' stroke-width="2.5"/><path d="M74 16L40 62" stroke="#fff" stroke-width="1.5"/>'
          + '<path d="M24 52L46 74" stroke="url(#gold)" stroke-width="7"/><path d="M36 64L22 78"'
          + ' stroke="#5a2a14" stroke-width="7"/><circle cx="19" cy="81" r="6" fill="url(#gold)"'
          + ' stroke="#5a3a00" stroke-width="2"/><circle cx="35" cy="63" r="3" fill="#d0021b"/>',
      },
      DRAGON: {
        tile: ["#3a6b2a", "#0f2a0a"],
        svg: '<path d="M20 76C18 50 32 30 54 26L64 10 68 28C80 32 88 42 86 54L72 56 78 66 62 64'
          + 'C58 74 48 80 38 80z" fill="#2f8b3a" stroke="#0a2a0f" stroke-width="3"/>'
          + '<path d="M40 30L30 14 48 26M56 24l-2-16" fill="#2f8b3a" stroke="#0a2a0f"'
          + ' stroke-width="2.5"/><ellipse cx="62" cy="40" rx="6" ry="4" fill="#ffd23f"/>'
          + '<ellipse cx="63" cy="40" rx="1.8" ry="3.5" fill="#140606"/><path d="M74 56l4 8M66 58'
          + 'l2 6" stroke="#fff" stroke-width="2.5"/><path d="M26 70c8-4 14-12 16-22M34 76c8-4 14-10'
          + ' 18-18" stroke="#1a5a24" stroke-width="2" fill="none"/><path d="M86 50l8-4-4 8 8 2-10 4"'
          + ' fill="#ff8a1a"/>',
      },
      WILD2: { tile: ["#c8d4e0", "#3a4656"], svg: flame("silver", 2) },
      WILD3: { tile: ["#ffd86a", "#8a4a00"], svg: flame("gold", 3) },
      EGG: {
        tile: ["#b050d0", "#2a0a3a"],
        svg: '<path d="M50 12C70 12 82 44 82 60 82 78 68 90 50 90S18 78 18 60C18 44 30 12 50 12z"'
          + ' fill="#3fae8a" stroke="#0a3a2a" stroke-width="3"/><g fill="#1f6b52"><circle cx="38"'
          + ' cy="40" r="5"/><circle cx="60" cy="34" r="4"/><circle cx="64" cy="62" r="6"/>'
          + '<circle cx="36" cy="70" r="4"/><circle cx="50" cy="54" r="3"/></g><path d="M30 58l8-6'
          + ' 6 8 8-10 6 8 8-8 6 6" stroke="#ffd23f" stroke-width="3" fill="none"/><ellipse cx="40"'
          + ' cy="28" rx="6" ry="10" fill="#fff5"/>',
      },
    },
  });

  // --- Emerald Temple: a jungle temple of jade and gold ---------------------------------------
  const TABLET = "M20 16H80L86 24V80L80 88H20L14 80V24z";
  const tablet = (glyph, ink) => rank(glyph, TABLET, "#8a8270", ink,
    '<path d="M14 30c10 2 14-6 20-2M86 74c-8-4-12 6-20 2" stroke="#2e8b3a" stroke-width="4"'
    + ' fill="none"/><circle cx="34" cy="28" r="3" fill="#3fbf5a"/><circle cx="66" cy="76" r="3"'
    + ' fill="#3fbf5a"/>');
  ReelArt.theme("emerald-temple", {
    tile: ["#2f5a3a", "#0a1a0f"],
    edge: "#3fdc7a",
    symbols: {
      TEN: { svg: tablet("10", "#c8e0ff") },
      JACK: { svg: tablet("J", "#7aff9a") },
      QUEEN: { svg: tablet("Q", "#ff9ad6") },
      KING: { svg: tablet("K", "#9ad0ff") },
      ACE: { svg: tablet("A", "#ffd23f") },
      SCARAB: {
        svg: '<ellipse cx="50" cy="58" rx="22" ry="26" fill="#1f7a8a" stroke="#08323a"'
          + ' stroke-width="3"/><path d="M50 34v50" stroke="#08323a" stroke-width="2.5"/>'
          + '<circle cx="50" cy="28" r="10" fill="#1a5a66" stroke="#08323a" stroke-width="3"/>'
          + '<path d="M28 46L12 38M28 60H10M30 74L14 84M72 46l16-8M72 60h18M70 74l16 10M44 20l-6-8'
          + 'M56 20l6-8" stroke="#08323a" stroke-width="3.5"/><path d="M36 50c4-6 8-8 12-8"'
          + ' stroke="#7ae0f0" stroke-width="3" fill="none"/><circle cx="50" cy="60" r="5"'
          + ' fill="url(#gold)"/>',
      },
      MASK: {
        svg: '<path d="M20 22C34 14 66 14 80 22 82 48 76 72 50 88 24 72 18 48 20 22z"'
          + ' fill="#2fae6a" stroke="#0a4a24" stroke-width="3"/><path d="M28 42l14-4 4 8-14 2z'
          + 'M72 42l-14-4-4 8 14 2z" fill="#0a2a14"/><path d="M50 44v16l-6 4" stroke="#0a4a24"'
          + ' stroke-width="3" fill="none"/><path d="M38 72c8 4 16 4 24 0" stroke="#0a2a14"'
          + ' stroke-width="4" fill="none"/><path d="M20 22l-8 10M80 22l8 10M50 16V8"'
          + ' stroke="url(#gold)" stroke-width="4"/><circle cx="50" cy="30" r="4" fill="url(#gold)"/>',
      },
      JAGUAR: {
        tile: ["#d69a3a", "#5a3006"],
        svg: '<path d="M22 30L30 14 42 26C47 24 53 24 58 26L70 14 78 30C86 44 84 62 74 74 66 84'
          + ' 58 88 50 88S34 84 26 74C16 62 14 44 22 30z" fill="#f0a830" stroke="#4a2a00"'
          + ' stroke-width="3"/><g fill="#4a2a00"><circle cx="36" cy="38" r="2.5"/><circle cx="64"'
          + ' cy="38" r="2.5"/><circle cx="30" cy="58" r="3"/><circle cx="70" cy="58" r="3"/>'
          + '<circle cx="50" cy="32" r="2.5"/></g><ellipse cx="38" cy="50" rx="6" ry="4"'
          + ' fill="#9aff3a"/><ellipse cx="62" cy="50" rx="6" ry="4" fill="#9aff3a"/><path'
          + ' d="M38 47v6M62 47v6" stroke="#000" stroke-width="2.5"/><path d="M44 64h12l-6 6z"'
          + ' fill="#3a1a00"/><path d="M50 70v6M42 78c4 2 12 2 16 0" stroke="#3a1a00"'
          + ' stroke-width="2.5" fill="none"/>',
      },
      EXPLORER: {
        tile: ["#c8a86a", "#4a3a1a"],
        svg: '<path d="M14 42C18 24 34 16 50 16S82 24 86 42z" fill="#e8dcb0" stroke="#5a4a20"'
          + ' stroke-width="3"/><path d="M10 42h80" stroke="#5a4a20" stroke-width="5"/>'
          + '<path d="M22 40h56" stroke="#8a3a1a" stroke-width="4"/><path d="M28 46C28 70 38 84 50'
          + ' 84S72 70 72 46z" fill="#f0c08a" stroke="#6a3a10" stroke-width="3"/><circle cx="40"'
          + ' cy="56" r="3" fill="#2a1a0a"/><circle cx="60" cy="56" r="3" fill="#2a1a0a"/>'
          + '<path d="M38 70c8 6 16 6 24 0" stroke="#6a3a10" stroke-width="3" fill="none"/>'
          + '<path d="M34 64c6-2 10 0 16 2 6-2 10-4 16-2" stroke="#6a3a10" stroke-width="3"'
          + ' fill="none"/>',
      },
      WILD: {
        tile: ["#ffe27a", "#8a5a00"],
        svg: '<path d="M34 90h32l-4-10H38z" fill="#6a4a00"/><path d="M32 34C32 20 40 12 50 12S68'
          + ' 20 68 34L74 80H26z" fill="url(#gold)" stroke="#5a3a00" stroke-width="3"/><path'
          + ' d="M38 38l8 2M62 38l-8 2" stroke="#5a3a00" stroke-width="3"/><circle cx="42" cy="46"'
          + ' r="4" fill="#1f9a4a"/><circle cx="58" cy="46" r="4" fill="#1f9a4a"/><path d="M44 62'
          + 'h12M40 70h20" stroke="#5a3a00" stroke-width="3"/><path d="M32 26L20 18M68 26l12-8'
          + 'M50 12V4" stroke="#ffe27a" stroke-width="3"/><text x="50" y="88" text-anchor="middle"'
          + ' font-family="Georgia,serif" font-weight="700" font-size="13" fill="#fff"'
          + ' stroke="#3a2000" stroke-width="2" paint-order="stroke">WILD</text>',
      },
      EMERALD: {
        tile: ["#7affb0", "#0a4a24"],
        svg: '<path d="M32 14H68L86 34V66L68 86H32L14 66V34z" fill="#18b05a" stroke="#06381a"'
          + ' stroke-width="3"/><path d="M38 28H62L72 40V60L62 72H38L28 60V40z" fill="#3fe08a"'
          + ' stroke="#0a5a2a" stroke-width="2"/><path d="M32 14L38 28M68 14L62 28M86 34L72 40'
          + 'M86 66L72 60M68 86L62 72M32 86L38 72M14 66L28 60M14 34L28 40" stroke="#0a5a2a"'
          + ' stroke-width="2"/><path d="M40 32H56L44 48z" fill="#fff8"/>',
      },
    },
  });

  // --- Prairie Thunder: the open plains under a storm -----------------------------------------
  const SIGN = "M14 26L50 16 86 26V76L50 86 14 76z";
  const sign = (glyph, ink) => rank(glyph, SIGN, "#8a5a2a", ink,
    '<path d="M20 40h60M20 58h60" stroke="#5a3a14" stroke-width="2"/><g fill="#cfcfcf">'
    + '<circle cx="20" cy="30" r="2.5"/><circle cx="80" cy="30" r="2.5"/><circle cx="20" cy="72"'
    + ' r="2.5"/><circle cx="80" cy="72" r="2.5"/></g>');
  const head = (fill, dark, extra) => ({ tile: ["#ffcf8a", "#8a3a1a"], svg: extra(fill, dark) });
  ReelArt.theme("prairie-thunder", {
    tile: ["#e0a05a", "#3a1a0a"],
    edge: "#ffd27a",
    symbols: {
      NINE: { svg: sign("9", "#e8f0ff") },
      TEN: { svg: sign("10", "#ffe0a0") },
      JACK: { svg: sign("J", "#a0ffb0") },
      QUEEN: { svg: sign("Q", "#ffb0d0") },
      KING: { svg: sign("K", "#a0d0ff") },
      ACE: { svg: sign("A", "#ffd23f") },
      EAGLE: head("#6a4a2a", "#2a1a0a", (fill, dark) => `<path d="M14 44C30 30 50 28 64 30L88`
        + ` 40 74 44 82 52 66 54C60 66 48 80 30 86 34 74 30 60 14 44z" fill="${fill}"`
        + ` stroke="${dark}" stroke-width="3"/><path d="M50 30C58 18 74 16 84 26 78 28 74 34 70 40`
        + ` 62 38 56 34 50 30z" fill="#fff" stroke="${dark}" stroke-width="2.5"/><path d="M80 26`
        + ` l12 6-10 4z" fill="#ffb800" stroke="${dark}" stroke-width="2"/><circle cx="72" cy="28"`
        + ` r="2.5" fill="#000"/><path d="M22 50l14 2M26 60l14 0M32 70l12-2" stroke="${dark}"`
        + ` stroke-width="2.5"/>`),
      WOLF: head("#8a94a0", "#2a3038", (fill, dark) => `<path d="M20 16L36 34H64L80 16 82 48`
        + ` 70 66 50 88 30 66 18 48z" fill="${fill}" stroke="${dark}" stroke-width="3"/><path`
        + ` d="M36 66L50 88 64 66C58 70 42 70 36 66z" fill="#dfe4ea"/><path d="M30 44l10 4M70 44`
        + `l-10 4" stroke="${dark}" stroke-width="3"/><ellipse cx="38" cy="50" rx="4" ry="3"`
        + ` fill="#ffd23f"/><ellipse cx="62" cy="50" rx="4" ry="3" fill="#ffd23f"/><path d="M44`
        + ` 74h12l-6 6z" fill="#111"/><path d="M24 22l8 12M76 22l-8 12" stroke="#f0b0b0"`
        + ` stroke-width="3"/>`),
      COUGAR: head("#c8904a", "#4a2a0a", (fill, dark) => `<path d="M24 32L28 16 40 26C46 24 54`
        + ` 24 60 26L72 16 76 32C84 44 82 64 72 76 64 84 58 88 50 88S36 84 28 76C18 64 16 44 24`
        + ` 32z" fill="${fill}" stroke="${dark}" stroke-width="3"/><path d="M36 66C40 80 60 80 64`
        + ` 66 58 60 42 60 36 66z" fill="#f4e2c4"/><ellipse cx="38" cy="48" rx="5" ry="4"`
        + ` fill="#6adc5a"/><ellipse cx="62" cy="48" rx="5" ry="4" fill="#6adc5a"/><path d="M38`
        + ` 45v6M62 45v6" stroke="#000" stroke-width="2"/><path d="M45 62h10l-5 5z" fill="#6a2a2a"`
        + `/><path d="M30 64l-12-2M30 70l-12 4M70 64l12-2M70 70l12 4" stroke="${dark}"`
        + ` stroke-width="1.5"/>`),
      BISON: head("#5a3a1a", "#1a0a00", (fill, dark) => `<path d="M22 36C14 30 10 20 14 12`
        + ` 20 22 26 26 34 28M78 36C86 30 90 20 86 12 80 22 74 26 66 28" fill="#eee"`
        + ` stroke="${dark}" stroke-width="3"/><path d="M24 30C34 20 66 20 76 30 84 44 78 62 70 72`
        + ` 64 82 58 88 50 88S36 82 30 72C22 62 16 44 24 30z" fill="${fill}" stroke="${dark}"`
        + ` stroke-width="3"/><path d="M30 30C36 22 64 22 70 30 64 40 36 40 30 30z" fill="#3a2208"`
        + `/><circle cx="38" cy="52" r="3.5" fill="#000"/><circle cx="62" cy="52" r="3.5"`
        + ` fill="#000"/><ellipse cx="50" cy="74" rx="12" ry="8" fill="#3a2208"/><circle cx="45"`
        + ` cy="74" r="2" fill="#000"/><circle cx="55" cy="74" r="2" fill="#000"/>`),
      WILD: {
        tile: ["#6a7aa0", "#141a2e"],
        svg: '<path d="M22 52C12 52 10 38 20 34 20 22 34 16 42 24 48 12 68 12 72 26 84 24 90 36'
          + ' 84 46 82 52 76 54 70 54z" fill="#d0d8e8" stroke="#3a4660" stroke-width="3"/>'
          + '<path d="M54 48L38 72H52L42 94 70 62H56L66 48z" fill="url(#gold)" stroke="#7a4a00"'
          + ' stroke-width="2.5"/><path d="M24 62l-4 10M32 62l-4 10M78 60l-4 10" stroke="#7ab0ff"'
          + ' stroke-width="3"/><text x="28" y="48" font-family="Georgia,serif" font-weight="700"'
          + ' font-size="12" fill="#2a3650">WILD</text>',
      },
      SUNSET: {
        tile: ["#ffb04a", "#6a0a3a"],
        svg: '<circle cx="50" cy="56" r="24" fill="url(#gold)" stroke="#a3400a" stroke-width="2"/>'
          + '<g stroke="#ffe27a" stroke-width="4"><path d="M50 18V8M24 30l-7-7M76 30l7-7M14 54H4'
          + 'M86 54h10"/></g><path d="M4 60H96V96H4z" fill="#6a2a4a"/><path d="M4 62c20-8 34 4 50-2'
          + 's30-6 42 0V96H4z" fill="#3a1030"/><path d="M14 70h20M44 76h26M70 68h16" stroke="#ff9a5a"'
          + ' stroke-width="2.5"/>',
      },
    },
  });
})();
