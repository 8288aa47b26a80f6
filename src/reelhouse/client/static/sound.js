// Sound design, synthesised with WebAudio (no sound files): short melodic motifs in one key
// (C major pentatonic, so any two cues sound well together), a wooden reel-stop knock whose
// pitch climbs reel by reel, a rising tension line for anticipation, and win jingles that grow
// with the win's size. The context is created on the first gesture (browsers require one).
// Every cue of the current round is listed in <body data-cues> even when muted: what the game
// chose to play is observable (a win the jurisdiction forbids celebrating gets no win cue).
"use strict";

const ReelSound = (() => {
  const PENTA = [0, 2, 4, 7, 9]; // C D E G A
  let audio = null;
  let master = null;
  let enabled = true;

  // Semitone steps above C4, over the pentatonic scale: degree 0 is C4, 5 is C5...
  const pitch = (degree) => {
    const octave = Math.floor(degree / PENTA.length);
    const step = PENTA[((degree % PENTA.length) + PENTA.length) % PENTA.length];
    return 261.63 * 2 ** ((octave * 12 + step) / 12);
  };

  function context() {
    if (!enabled) return null;
    try {
      if (!audio) {
        audio = new AudioContext();
        master = audio.createGain();
        master.gain.value = 0.5;
        master.connect(audio.destination);
      }
      if (audio.state === "suspended") audio.resume();
      return audio;
    } catch (_) {
      return null; // no audio device: play silently
    }
  }

  // One note: an oscillator (or two, a fifth-free octave for "bell") under an envelope.
  function note(frequency, startS, lengthS, { type = "triangle", volume = 0.18, bell = false } = {}) {
    const ctx = context();
    if (!ctx) return;
    const at = ctx.currentTime + startS;
    const gain = ctx.createGain();
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(volume, at + 0.012);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + lengthS);
    gain.connect(master);
    const voices = bell ? [[frequency, type], [frequency * 2.01, "sine"]] : [[frequency, type]];
    for (const [hz, wave] of voices) {
      const osc = ctx.createOscillator();
      osc.type = wave;
      osc.frequency.setValueAtTime(hz, at);
      osc.connect(gain);
      osc.start(at);
      osc.stop(at + lengthS + 0.02);
    }
  }

  // A short filtered noise burst: the wooden knock of a reel landing.
  function knock(startS, hz) {
    const ctx = context();
    if (!ctx) return;
    const at = ctx.currentTime + startS;
    const length = Math.floor(ctx.sampleRate * 0.06);
    const buffer = ctx.createBuffer(1, length, ctx.sampleRate);
    const data = buffer.getChannelData(0);
    for (let i = 0; i < length; i += 1) data[i] = (Math.random() * 2 - 1) * (1 - i / length) ** 3;
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    const filter = ctx.createBiquadFilter();
    filter.type = "bandpass";
    filter.frequency.value = hz;
    filter.Q.value = 4;
    const gain = ctx.createGain();
    gain.gain.value = 0.6;
    source.connect(filter).connect(gain).connect(master);
    source.start(at);
    note(hz / 4, startS, 0.12, { type: "sine", volume: 0.2 });
  }

  // A motif: [degree, beat, beats] triples at a tempo; chords are notes on the same beat.
  function motif(notes, { bpm = 200, ...voice } = {}) {
    const beatS = 60 / bpm;
    for (const [degree, beat, beats = 1] of notes) note(pitch(degree), beat * beatS, beats * beatS * 1.2, voice);
  }

  // The win jingles, by size (present.js picks the size: docs/game-client.md).
  const JINGLES = {
    small: () => motif([[5, 0], [7, 0.5], [8, 1, 2]], { bpm: 260, bell: true, volume: 0.14 }),
    medium: () => motif([[5, 0], [6, 0.5], [7, 1], [9, 1.5], [10, 2, 3], [7, 2, 3]],
      { bpm: 240, bell: true, volume: 0.14 }),
    big: () => {
      motif([[3, 0], [5, 1], [7, 2], [10, 3, 4], [8, 3, 4], [5, 3, 4]], { bpm: 180, type: "sawtooth", volume: 0.07 });
      motif([[10, 0], [12, 0.5], [13, 1], [15, 1.5], [13, 2], [15, 2.5], [17, 3, 4]], { bpm: 180, bell: true, volume: 0.12 });
    },
    mega: () => {
      JINGLES.big();
      motif([[0, 4, 4], [3, 4, 4], [5, 4, 4], [10, 6], [12, 6.5], [13, 7], [15, 7.5], [17, 8, 6],
        [15, 8, 6], [12, 8, 6]], { bpm: 180, type: "square", volume: 0.05 });
    },
  };

  const CUES = {
    spin: () => motif([[0, 0, 0.5], [2, 0.5, 0.5], [4, 1, 0.5]], { bpm: 600, volume: 0.08 }),
    stop: (reel = 0) => knock(0, 700 + reel * 140),
    tension: (reel = 0) => motif([[5 + reel, 0], [6 + reel, 0.5], [7 + reel, 1], [8 + reel, 1.5]],
      { bpm: 320, type: "square", volume: 0.04 }),
    line: (index = 0) => note(pitch(7 + (index % 5)), 0, 0.25, { bell: true, volume: 0.1 }),
    win_small: JINGLES.small,
    win_medium: JINGLES.medium,
    win_big: JINGLES.big,
    win_mega: JINGLES.mega,
    // A win the jurisdiction does not let us celebrate: a plain tick, nothing festive.
    settle: () => note(pitch(0), 0, 0.08, { type: "sine", volume: 0.06 }),
    feature: () => motif([[5, 0], [7, 0.5], [9, 1], [10, 1.5, 2], [12, 2.5], [15, 3, 4]],
      { bpm: 220, bell: true, volume: 0.14 }),
    tick: () => note(pitch(9), 0, 0.03, { type: "square", volume: 0.03 }),
    error: () => motif([[4, 0], [1, 1, 2]], { bpm: 300, type: "sine", volume: 0.1 }),
  };

  function play(name, arg) {
    const heard = document.body.dataset.cues;
    document.body.dataset.cues = heard ? `${heard} ${name}` : name;
    if (!enabled) return;
    try { CUES[name](arg); } catch (_) { /* a cue never breaks the game */ }
  }

  // A new round: its cues start a new list.
  function newRound() { document.body.dataset.cues = ""; }

  function setEnabled(on) {
    enabled = on;
    if (master) master.gain.value = on ? 0.5 : 0;
  }

  return { play, newRound, setEnabled };
})();
