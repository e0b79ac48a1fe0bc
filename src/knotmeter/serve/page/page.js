// The live page: draws what each frame from knotmeter says, and nothing else.
// Read-only: it sends no commands. It plays the cues the session decided (WebAudio,
// after one tap, with the terminal's notes) and vibrates on hard alarms.
"use strict";

const SILENT_MS = 2500; // no frame for this long (one comes every second): not live
const RETRY_MS = [250, 500, 1000, 2000];

const $ = (id) => document.getElementById(id);
let hello = null;
let socket = null;
let lastMessage = 0;
let retries = 0;
let audio = null;
let playing = null; // {cue, nodes, until}

function connect() {
  lastMessage = performance.now();
  const url = new URL("ws", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(url);
  socket.onopen = () => { retries = 0; };
  socket.onmessage = (event) => {
    lastMessage = performance.now();
    const message = JSON.parse(event.data);
    if (message.type === "hello") hello = message;
    else if (message.type === "frame") draw(message);
    else if (message.type === "waiting") notLive(message.text);
  };
  socket.onclose = () => {
    socket = null;
    notLive("Not live: reconnecting to knotmeter…");
    const wait = RETRY_MS[Math.min(retries++, RETRY_MS.length - 1)];
    setTimeout(connect, wait);
  };
}

function notLive(text) {
  $("page").classList.add("stale");
  $("zone").className = "zone-stale";
  $("zone").textContent = hello ? hello.stale_word : "NOT LIVE";
  $("link").textContent = "not live";
  $("link").classList.add("down");
  $("notice").hidden = false;
  $("notice").textContent = text;
}

function draw(f) {
  $("notice").hidden = true;
  $("page").classList.toggle("stale", !f.live);
  $("label").textContent = f.label || "";
  $("point").textContent = f.point;
  $("link").textContent = f.live ? f.link : (f.link === "live" ? "not live" : f.link);
  $("link").classList.toggle("down", !f.live);
  drawBanner(f.banner);
  $("zone").className = f.live && !f.paused ? "zone-" + f.zone : "zone-stale";
  $("zone").textContent = f.zone_word;
  $("force").textContent = f.force_n.toFixed(1);
  $("unit").textContent = f.unit;
  $("hold").textContent = String(f.hold.left_s);
  $("hold-caption").textContent = f.hold.caption;
  drawGauge(f);
  $("instruction").textContent = f.instruction;
  drawRoutine(f.routine);
  if (f.cue) play(f.cue);
  if (hello && f.raised && f.raised.some((kind) => hello.hard_alarms.includes(kind))) {
    if (navigator.vibrate) navigator.vibrate([300, 120, 300]);
  }
}

function drawBanner(banner) {
  const box = $("banner");
  const key = banner.severity + "|" + banner.lines.join("|");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.replaceChildren(...banner.lines.map((line) => {
    const div = document.createElement("div");
    div.className = banner.severity; // one block in the leading alarm's colour, as on the terminal
    div.textContent = line;
    return div;
  }));
}

function drawGauge(f) {
  const [low, high] = f.band_n;
  const top = Math.max(f.ceiling_n * 1.25, f.force_n * 1.05, 1); // the terminal gauge's headroom
  const at = (n) => (100 * Math.max(0, Math.min(n, top)) / top).toFixed(2) + "%";
  $("gauge-band").style.left = at(low);
  $("gauge-band").style.width = (100 * (high - low) / top).toFixed(2) + "%";
  $("gauge-ceiling").style.left = at(f.ceiling_n);
  $("gauge-needle").style.left = at(f.force_n);
  $("gauge-band-text").textContent = `band ${low}-${high} ${f.unit}`;
  $("gauge-ceiling-text").textContent = `ceiling ${f.ceiling_n} ${f.unit}`;
}

function drawRoutine(routine) {
  $("routine").hidden = !routine;
  if (!routine) return;
  $("routine-head").textContent = routine.head;
  $("routine-instruction").textContent = routine.instruction;
  $("routine-countdown").textContent = routine.countdown;
}

// Sound: the session's cue, with the terminal's notes; a cue at least as urgent as the
// one playing cuts it short, a softer one is dropped while it plays.
function play(cue) {
  if (!audio || !hello || !hello.notes[cue]) return;
  const now = audio.currentTime;
  const rank = hello.urgency.indexOf(cue);
  if (playing && playing.until > now && hello.urgency.indexOf(playing.cue) < rank) return;
  if (playing) playing.nodes.forEach((node) => { try { node.stop(); } catch (e) { /* ended */ } });
  const nodes = [];
  let t = now + 0.01;
  for (const [freq, seconds] of hello.notes[cue]) {
    if (freq > 0) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      const edge = Math.min(hello.edge_s, seconds / 2);
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(hello.amplitude, t + edge);
      gain.gain.setValueAtTime(hello.amplitude, t + seconds - edge);
      gain.gain.linearRampToValueAtTime(0, t + seconds);
      osc.connect(gain).connect(audio.destination);
      osc.start(t);
      osc.stop(t + seconds);
      nodes.push(osc);
    }
    t += seconds;
  }
  playing = { cue, nodes, until: t };
}

$("sound").addEventListener("click", () => {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) { $("sound").textContent = "no sound in this browser"; return; }
  audio = audio || new Context();
  audio.resume();
  $("sound").textContent = "sound on";
  $("sound").classList.add("on");
});

setInterval(() => {
  if (socket && performance.now() - lastMessage > SILENT_MS) {
    notLive("Not live: no word from knotmeter; reconnecting…");
    socket.close();
  }
}, 500);

connect();
