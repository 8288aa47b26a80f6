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
  // --- Golden Vault: a bank vault of bolted steel and gold -------------------------------------
  const PLATE = "M32 14H68L86 32V68L68 86H32L14 68V32z";
  const plate = (glyph, ink) => rank(glyph, PLATE, "url(#silver)", ink,
    '<g fill="#3a4656"><circle cx="24" cy="30" r="3"/><circle cx="76" cy="30" r="3"/>'
    + '<circle cx="24" cy="70" r="3"/><circle cx="76" cy="70" r="3"/></g>');
  ReelArt.theme("golden-vault", {
    tile: ["#3a4656", "#10151c"],
    edge: "#ffc83d",
    symbols: {
      TEN: { svg: plate("10", "#5aa0ff") },
      JACK: { svg: plate("J", "#3ddc97") },
      QUEEN: { svg: plate("Q", "#f15bb5") },
      KING: { svg: plate("K", "#ff9f1c") },
      ACE: { svg: plate("A", "#ff5a5f") },
      KEY: {
        svg: '<circle cx="32" cy="36" r="18" fill="url(#gold)" stroke="#7a4a00" stroke-width="3"/>'
          + '<circle cx="32" cy="36" r="7" fill="#10151c"/><path d="M44 48L80 84" stroke="url(#gold)"'
          + ' stroke-width="9"/><path d="M44 48L80 84" stroke="#7a4a00" stroke-width="1.5"/>'
          + '<path d="M66 70l8-8M74 78l8-8" stroke="url(#gold)" stroke-width="7"/>'
          + '<path d="M22 28c4-6 10-6 14-4" stroke="#fff9" stroke-width="3" fill="none"/>',
      },
      CROWN: {
        tile: ["#7a2a3a", "#2a0a12"],
        svg: '<path d="M16 72L12 30 32 50 50 22 68 50 88 30 84 72z" fill="url(#gold)"'
          + ' stroke="#7a4a00" stroke-width="3"/><rect x="16" y="72" width="68" height="12" rx="3"'
          + ' fill="url(#gold)" stroke="#7a4a00" stroke-width="3"/><circle cx="50" cy="58" r="6"'
          + ' fill="#d0021b" stroke="#600" stroke-width="2"/><circle cx="30" cy="62" r="4"'
          + ' fill="#1f7aff"/><circle cx="70" cy="62" r="4" fill="#1f7aff"/><g fill="#fff3b0">'
          + '<circle cx="12" cy="30" r="4"/><circle cx="50" cy="22" r="4"/><circle cx="88" cy="30"'
          + ' r="4"/></g>',
      },
      WILD: {
        tile: ["#5a6675", "#141a22"],
        svg: '<circle cx="50" cy="50" r="38" fill="url(#silver)" stroke="#2a3440" stroke-width="4"/>'
          + '<circle cx="50" cy="50" r="28" fill="none" stroke="#2a3440" stroke-width="3"/>'
          + '<circle cx="50" cy="50" r="10" fill="url(#gold)" stroke="#7a4a00" stroke-width="2.5"/>'
          + '<path d="M50 22V40M50 60V78M22 50H40M60 50H78" stroke="url(#gold)" stroke-width="6"/>'
          + '<text x="50" y="94" text-anchor="middle" font-family="Impact,Arial Black,sans-serif"'
          + ' font-size="16" fill="#ffc83d" stroke="#000" stroke-width="2" paint-order="stroke">'
          + 'WILD</text>',
      },
      COIN: {
        tile: ["#6a4a0a", "#1a1002"],
        svg: '<circle cx="50" cy="50" r="36" fill="url(#gold)" stroke="#7a4a00" stroke-width="4"/>'
          + '<circle cx="50" cy="50" r="27" fill="none" stroke="#a86a00" stroke-width="3"'
          + ' stroke-dasharray="4 4"/><path d="M50 30v40M58 38c-2-4-14-6-16 0s16 8 16 14-12 8-16 2"'
          + ' stroke="#7a4a00" stroke-width="5" fill="none"/><ellipse cx="38" cy="32" rx="10"'
          + ' ry="5" fill="#fff8"/>',
      },
      EMPTY: {
        tile: ["#242c36", "#0a0e12"],
        svg: '<rect x="18" y="18" width="64" height="64" rx="8" fill="#151b22" stroke="#3a4656"'
          + ' stroke-width="3"/><path d="M18 18L82 82M82 18L18 82" stroke="#2a3440"'
          + ' stroke-width="2"/><circle cx="50" cy="50" r="6" fill="#3a4656"/>',
      },
    },
  });

  // --- Crystal Cascade: cut gems in a crystal cave ---------------------------------------------
  // A cut stone: its outline, its facet lines, its colour and a darker edge.
  const stone = (outline, facets, fill, dark) => `<path d="${outline}" fill="${fill}"`
    + ` stroke="${dark}" stroke-width="3"/><path d="${facets}" fill="none" stroke="#fffa"`
    + ' stroke-width="2"/><path d="M34 30l8-6" stroke="#fff" stroke-width="4"/>';
  ReelArt.theme("crystal-cascade", {
    tile: ["#2a3a6b", "#0a0f24"],
    edge: "#9ad0ff",
    symbols: {
      AMBER: { svg: stone("M50 14L82 50 50 86 18 50z", "M18 50H82M50 14V86M34 32L66 68M66 32L34 68",
        "#ff9f1c", "#7a3a00") },
      JADE: { svg: stone("M30 16H70L86 50 70 84H30L14 50z", "M30 16L50 50 70 16M30 84L50 50 70 84M14 50H86",
        "#3ddc97", "#0a4a2a") },
      TOPAZ: { svg: stone("M50 12A38 38 0 1 1 49.9 12z", "M50 12V88M12 50H88M24 24L76 76M76 24L24 76",
        "#ffd23f", "#7a5a00") },
      AMETHYST: { svg: stone("M50 10L70 26 74 74 50 90 26 74 30 26z", "M50 10V90M30 26L70 74M70 26L30 74",
        "#a15aff", "#3a0a6b") },
      SAPPHIRE: { svg: stone("M22 34L36 16H64L78 34 50 88z", "M22 34H78M36 16L44 34 50 88 56 34 64 16",
        "#1f6bff", "#0a1f5a") },
      RUBY: { svg: stone("M50 86C20 66 12 46 20 30 28 16 44 18 50 30 56 18 72 16 80 30 88 46 80 66 50 86z",
        "M50 30V86M20 30L50 56 80 30", "#e3121b", "#5a0000") },
      PRISM: {
        tile: ["#e0f0ff", "#5a6ab0"],
        svg: '<path d="M50 12L88 80H12z" fill="#e8f6ff" fill-opacity=".85" stroke="#2a3a6b"'
          + ' stroke-width="3"/><path d="M50 12L50 80M12 80L50 52 88 80" stroke="#9ad0ff"'
          + ' stroke-width="2" fill="none"/><g stroke-width="4"><path d="M56 58L94 44" stroke="#ff5a5f"/>'
          + '<path d="M56 60L94 52" stroke="#ffd23f"/><path d="M56 62L94 60" stroke="#3ddc97"/>'
          + '<path d="M56 64L94 68" stroke="#5aa0ff"/><path d="M56 66L94 76" stroke="#c77dff"/></g>'
          + '<path d="M6 64L44 58" stroke="#fff" stroke-width="4"/>',
      },
    },
  });

  // --- Starfall Lanes: deep space ---------------------------------------------------------------
  const BADGE = "M50 10L61 36 90 38 68 57 75 86 50 70 25 86 32 57 10 38 39 36z";
  const badge = (glyph, fill) => rank(glyph, "M50 14A36 36 0 1 1 49.9 14z", fill, "#fff",
    '<ellipse cx="50" cy="50" rx="46" ry="12" fill="none" stroke="#9ad0ff" stroke-width="2"'
    + ' transform="rotate(-20 50 50)"/>');
  ReelArt.theme("starfall-lanes", {
    tile: ["#1f1f4a", "#05051a"],
    edge: "#9ad0ff",
    symbols: {
      TEN: { svg: badge("10", "#3a4a8a") },
      JACK: { svg: badge("J", "#2a6b5a") },
      QUEEN: { svg: badge("Q", "#7a2a6b") },
      KING: { svg: badge("K", "#2a4a9a") },
      ACE: { svg: badge("A", "#8a2a2a") },
      MOON: {
        svg: '<path d="M62 14A38 38 0 1 0 86 66 30 30 0 1 1 62 14z" fill="#f0e8c0"'
          + ' stroke="#8a7a40" stroke-width="3"/><circle cx="34" cy="58" r="5" fill="#d0c490"/>'
          + '<circle cx="44" cy="76" r="3" fill="#d0c490"/><circle cx="28" cy="40" r="3"'
          + ' fill="#d0c490"/><path d="M80 24l2 6 6 2-6 2-2 6-2-6-6-2 6-2z" fill="#fff"/>',
      },
      PLANET: {
        tile: ["#4a2a6b", "#10051f"],
        svg: '<circle cx="50" cy="50" r="24" fill="#ff9f5a" stroke="#7a3a10" stroke-width="3"/>'
          + '<path d="M30 42c14 4 26 4 40 0M28 54c14 4 30 4 44 0" stroke="#c8602a" stroke-width="3"'
          + ' fill="none"/><ellipse cx="50" cy="52" rx="44" ry="11" fill="none" stroke="#ffd23f"'
          + ' stroke-width="4" transform="rotate(-15 50 52)"/><ellipse cx="42" cy="38" rx="7" ry="4"'
          + ' fill="#fff6"/>',
      },
      ROCKET: {
        tile: ["#2a4a7a", "#05101f"],
        svg: '<path d="M50 8C66 20 70 44 64 68H36C30 44 34 20 50 8z" fill="url(#silver)"'
          + ' stroke="#2a3440" stroke-width="3"/><circle cx="50" cy="36" r="8" fill="#5aa0ff"'
          + ' stroke="#2a3440" stroke-width="3"/><path d="M36 56L22 72 36 70zM64 56L78 72 64 70z"'
          + ' fill="#e3121b" stroke="#5a0000" stroke-width="2.5"/><path d="M42 70C42 82 50 94 50 94'
          + 'S58 82 58 70z" fill="#ff9f1c" stroke="#ffd23f" stroke-width="2"/>',
      },
      COMET: {
        tile: ["#5aa0ff", "#0a1f5a"],
        svg: '<path d="M14 14L62 52M24 10L66 46M10 26L56 58" stroke="#9ad0ff" stroke-width="5"'
          + ' stroke-opacity=".8"/><circle cx="66" cy="60" r="18" fill="#fff" stroke="#5aa0ff"'
          + ' stroke-width="4"/><circle cx="62" cy="56" r="7" fill="#e0f0ff"/><text x="50" y="94"'
          + ' text-anchor="middle" font-family="Impact,Arial Black,sans-serif" font-size="16"'
          + ' fill="#fff" stroke="#0a1f5a" stroke-width="2" paint-order="stroke">WILD</text>',
      },
      NEBULA: {
        tile: ["#c77dff", "#1f0a3a"],
        svg: '<ellipse cx="50" cy="50" rx="38" ry="22" fill="#f15bb5" fill-opacity=".55"'
          + ' transform="rotate(-30 50 50)"/><ellipse cx="50" cy="50" rx="30" ry="16"'
          + ' fill="#5aa0ff" fill-opacity=".55" transform="rotate(40 50 50)"/>'
          + `<path d="${BADGE}" fill="#fff" stroke="#ffd23f" stroke-width="2" transform="translate(25 25)`
          + ' scale(.5)"/><g fill="#fff"><circle cx="18" cy="22" r="2"/><circle cx="82" cy="78" r="2"/>'
          + '<circle cx="80" cy="20" r="1.5"/><circle cx="20" cy="80" r="1.5"/></g>',
      },
    },
  });

  // --- Pearl Diver: under the sea ---------------------------------------------------------------
  // Card ranks on scallop shells; sea creatures, the diver, the treasure chest (wild) and the
  // giant pearl (scatter).
  const shell = (glyph, fill) => rank(glyph,
    "M50 16C28 16 14 34 14 54c0 10 6 18 14 22h44c8-4 14-12 14-22 0-20-14-38-36-38z", fill, "#fff",
    '<path d="M50 18V76M34 22L40 76M66 22L60 76M22 36L30 76M78 36L70 76" stroke="#fff5"'
    + ' stroke-width="2" fill="none"/><path d="M38 76h24l-4 10H42z" fill="' + fill + '"'
    + ' stroke="#0009" stroke-width="2"/>');
  ReelArt.theme("pearl-diver", {
    tile: ["#1a7a9a", "#03203a"],
    edge: "#7fe3ff",
    symbols: {
      TEN: { svg: shell("10", "#2a8a9a") },
      JACK: { svg: shell("J", "#3a6ab0") },
      QUEEN: { svg: shell("Q", "#9a4a8a") },
      KING: { svg: shell("K", "#2a9a6a") },
      ACE: { svg: shell("A", "#c0603a") },
      STARFISH: {
        svg: '<path d="M50 10l10 28 30 2-24 18 9 30-25-17-25 17 9-30-24-18 30-2z" fill="#ff8a4a"'
          + ' stroke="#8a3a10" stroke-width="3" stroke-linejoin="round"/><g fill="#ffd0a0">'
          + '<circle cx="50" cy="30" r="3"/><circle cx="34" cy="50" r="3"/><circle cx="66" cy="50"'
          + ' r="3"/><circle cx="42" cy="70" r="3"/><circle cx="58" cy="70" r="3"/></g>',
      },
      SEAHORSE: {
        svg: '<path d="M58 12c-14 0-22 10-20 22l-10 4 10 4c0 10 10 16 14 26 3 8-2 16-10 16-6 0-8-6-4-9'
          + '" fill="none" stroke="#ffd23f" stroke-width="9" stroke-linecap="round"/><path d="M58 12'
          + 'c-14 0-22 10-20 22l-10 4 10 4c0 10 10 16 14 26" fill="none" stroke="#c08a00"'
          + ' stroke-width="3"/><circle cx="52" cy="24" r="3" fill="#3a2a00"/><path d="M62 30l10-4'
          + 'M64 40l10 0M62 50l8 4" stroke="#ffe98a" stroke-width="3" stroke-linecap="round"/>',
      },
      TURTLE: {
        svg: '<ellipse cx="50" cy="54" rx="28" ry="22" fill="#3a9a4a" stroke="#1a4a20"'
          + ' stroke-width="3"/><path d="M50 34v40M30 46l40 16M70 46L30 62" stroke="#1a4a20"'
          + ' stroke-width="2.5"/><circle cx="84" cy="48" r="9" fill="#8ad06a" stroke="#1a4a20"'
          + ' stroke-width="3"/><circle cx="87" cy="45" r="2" fill="#102a10"/><path d="M28 36'
          + 'l-10-10M28 72l-10 10M66 34l6-10M66 74l6 10" stroke="#8ad06a" stroke-width="8"'
          + ' stroke-linecap="round"/>',
      },
      DIVER: {
        tile: ["#ffd23f", "#8a4a00"],
        svg: '<circle cx="50" cy="42" r="26" fill="url(#silver)" stroke="#3a3a3a" stroke-width="4"/>'
          + '<circle cx="50" cy="42" r="15" fill="#7fe3ff" stroke="#3a3a3a" stroke-width="4"/>'
          + '<path d="M40 36h20" stroke="#fff" stroke-width="3"/><path d="M24 74h52l-6 18H30z"'
          + ' fill="#c0603a" stroke="#5a2a10" stroke-width="3"/><circle cx="30" cy="30" r="4"'
          + ' fill="#3a3a3a"/><circle cx="70" cy="30" r="4" fill="#3a3a3a"/>',
      },
      WILD: {
        tile: ["#ffc83d", "#5a2a00"],
        svg: '<path d="M16 44h68v40H16z" fill="#8a4a1a" stroke="#3a1a00" stroke-width="3"/>'
          + '<path d="M16 44c0-18 14-28 34-28s34 10 34 28z" fill="#a8602a" stroke="#3a1a00"'
          + ' stroke-width="3"/><path d="M16 44h68M50 16v68" stroke="url(#gold)" stroke-width="5"/>'
          + '<circle cx="50" cy="56" r="6" fill="url(#gold)" stroke="#3a1a00" stroke-width="2"/>'
          + '<text x="50" y="80" text-anchor="middle" font-family="Impact,Arial Black,sans-serif"'
          + ' font-size="16" fill="#fff" stroke="#3a1a00" stroke-width="2" paint-order="stroke">'
          + 'WILD</text>',
      },
      PEARL: {
        tile: ["#e8f8ff", "#2a4a8a"],
        svg: '<path d="M10 66c10-24 70-24 80 0-10 14-70 14-80 0z" fill="#e0a0c0" stroke="#6a2a4a"'
          + ' stroke-width="3"/><circle cx="50" cy="48" r="22" fill="#fffaf0" stroke="#b0a0c0"'
          + ' stroke-width="3"/><circle cx="42" cy="40" r="7" fill="#fff"/><circle cx="58" cy="56"'
          + ' r="4" fill="#e8e0f0"/>',
      },
    },
  });
})();
