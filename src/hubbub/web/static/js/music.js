// Music rooms (docs/music.md): the track playing in #room-banners (title, DJ, progress
// ticking locally from the server's `started_at` + `duration_s`, up/down votes, skip for
// its DJ and moderators) and in #room-aside the queue (play order, who added what, remove
// and keyboard-reachable up/down moves of one's own tracks), the "add a track" form and
// the mode, with settings for owners and moderators. The REST answers update the screen
// at once; queue.*, playback.* and music.settings.updated keep every viewer current.

import { el, show } from "./dom.js";
import { clock, formDialog, parseDuration, refreshAside, roomRequest } from "./mediakit.js";
import { DjList } from "./musicstats.js";

const MODES = { shared: "Shared queue", rotation: "DJ rotation" };
const EVENTS = new Set([
  "queue.item.added",
  "queue.item.removed",
  "queue.item.reordered",
  "playback.started",
  "playback.ended",
  "playback.voted",
  "music.settings.updated",
]);

function sourceOf(url) {
  let host = "";
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch (err) {
    return "url"; // the server names the problem (invalid_track_url)
  }
  if (/(^|\.)(youtube\.com|youtu\.be)$/.test(host)) return "youtube";
  if (/(^|\.)soundcloud\.com$/.test(host)) return "soundcloud";
  return "url";
}

// Only http(s) links become clickable (the server accepts no other, but be sure).
function webUrl(url) {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch (err) {
    return false;
  }
}

function field(label, attrs) {
  const input = el("input", attrs);
  const id = attrs.id;
  return { input, nodes: [el("label", { for: id, text: label }), input] };
}

export class MusicPanel {
  constructor(ctx, roster, banners, aside) {
    this.ctx = ctx;
    this.roster = roster;
    this.aside = aside;
    this.room = null;
    this.state = null;
    this.pending = null; // events that arrive while the state loads, applied after it
    this.timer = null;
    this.offset = 0; // server clock − this browser's clock, in ms
    this.djs = new DjList(ctx, roster); // the "DJs" list (musicstats.js)
    this.buildNow(banners);
    this.buildPanel(aside);
    this.settings = this.buildSettings();
  }

  // -- the DOM, built once -------------------------------------------------------------

  buildNow(banners) {
    this.title = el("strong", { className: "music-title", "data-testid": "music-title" });
    this.link = el("a", { className: "music-link", target: "_blank", rel: "noopener noreferrer", "data-testid": "music-link", text: "open ↗" });
    this.artist = el("span", { className: "muted", "data-testid": "music-artist" });
    this.dj = el("span", { className: "muted", "data-testid": "music-dj" });
    this.progress = el("progress", { className: "music-progress", max: 1, value: 0, "aria-label": "Track progress", "data-testid": "music-progress" });
    this.elapsed = el("span", { "data-testid": "music-elapsed" });
    this.remaining = el("span", { "data-testid": "music-remaining" });
    this.upCount = el("span", { "data-testid": "music-up-count", text: "0" });
    this.downCount = el("span", { "data-testid": "music-down-count", text: "0" });
    this.up = el("button", { type: "button", "aria-pressed": "false", "aria-label": "Vote up", "data-testid": "music-vote-up" }, "▲ ", this.upCount);
    this.down = el("button", { type: "button", "aria-pressed": "false", "aria-label": "Vote down", "data-testid": "music-vote-down" }, "▼ ", this.downCount);
    this.skip = el("button", { type: "button", text: "Skip", "data-testid": "music-skip" });
    this.idle = el("p", { className: "muted music-idle", text: "Nothing is playing. Add a track to start the music.", "data-testid": "music-idle" });
    this.error = el("p", { className: "error", role: "alert", "data-testid": "music-error" });
    this.playing = el(
      "div",
      { className: "music-playing", "data-testid": "music-playing" },
      el("div", { className: "music-track" }, el("span", { className: "music-note", "aria-hidden": "true", text: "♪" }), this.title, this.artist, this.link),
      el("div", { className: "music-meta" }, this.dj),
      el(
        "div",
        { className: "music-clock" },
        el("span", { className: "visually-hidden", text: "Elapsed" }),
        this.elapsed,
        this.progress,
        el("span", { className: "visually-hidden", text: "Remaining" }),
        this.remaining,
      ),
      el("div", { className: "music-votes", role: "group", "aria-label": "Votes" }, this.up, this.down, this.skip),
    );
    this.now = el(
      "section",
      { className: "music-now", "aria-label": "Now playing", "data-testid": "music-now", hidden: true },
      this.idle,
      this.playing,
      this.error,
    );
    banners.append(this.now);
    this.up.addEventListener("click", () => this.vote("up"));
    this.down.addEventListener("click", () => this.vote("down"));
    this.skip.addEventListener("click", () => this.skipTrack());
  }

  buildPanel(aside) {
    this.mode = el("span", { "data-testid": "music-mode" });
    this.settingsButton = el("button", { type: "button", text: "Music settings", "data-testid": "music-settings-button", hidden: true });
    this.queue = el("ol", { className: "music-queue", "aria-label": "Up next", "data-testid": "music-queue" });
    this.empty = el("p", { className: "muted", text: "The queue is empty.", "data-testid": "music-queue-empty" });
    this.queueError = el("p", { className: "error", role: "alert", "data-testid": "music-queue-error" });
    const title = field("Title", { id: "music-add-title", required: true, maxlength: 200, autocomplete: "off", "data-testid": "music-add-title" });
    const artist = field("Artist (optional)", { id: "music-add-artist", maxlength: 200, autocomplete: "off", "data-testid": "music-add-artist" });
    const url = field("Link (YouTube, SoundCloud or a media URL)", { id: "music-add-url", type: "url", required: true, maxlength: 2048, placeholder: "https://…", "data-testid": "music-add-url" });
    const duration = field("Length (m:ss or seconds)", { id: "music-add-duration", required: true, inputmode: "numeric", placeholder: "3:30", maxlength: 9, "data-testid": "music-add-duration" });
    this.addInputs = { title: title.input, artist: artist.input, url: url.input, duration: duration.input };
    this.addError = el("p", { className: "error", role: "alert", "data-testid": "music-add-error" });
    this.addSubmit = el("button", { type: "submit", text: "Add to queue", "data-testid": "music-add-submit" });
    this.addForm = el(
      "form",
      { className: "music-add", "aria-label": "Add a track", "data-testid": "music-add-form" },
      ...title.nodes,
      ...artist.nodes,
      ...url.nodes,
      ...duration.nodes,
      this.addError,
      this.addSubmit,
    );
    // Folded on a phone, where the side column is short; open on wider screens.
    const wide = !window.matchMedia("(max-width: 700px)").matches;
    this.addBox = el(
      "details",
      { className: "music-add-box", open: wide, "data-testid": "music-add-box" },
      el("summary", { text: "Add a track", "data-testid": "music-add-toggle" }),
      this.addForm,
    );
    this.panel = el(
      "section",
      { className: "music-panel media-part", "aria-labelledby": "music-heading", "data-testid": "music-panel", hidden: true },
      el("h2", { id: "music-heading", text: "Music" }),
      el("p", { className: "music-mode" }, this.mode, this.settingsButton),
      el("h3", { text: "Up next" }),
      this.queue,
      this.empty,
      this.queueError,
      this.djs.section,
      this.addBox,
    );
    aside.prepend(this.panel);
    this.addForm.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.addTrack();
    });
    this.settingsButton.addEventListener("click", () => this.openSettings());
  }

  buildSettings() {
    return formDialog({
      title: "Music settings",
      testid: "music-settings",
      build: (form) => {
        const mode = el(
          "select",
          { id: "music-settings-mode", "data-testid": "music-settings-mode" },
          el("option", { value: "shared", text: "Shared queue" }),
          el("option", { value: "rotation", text: "DJ rotation" }),
        );
        const hint = el("p", {
          className: "muted hint",
          id: "music-settings-mode-hint",
          text: "Shared: one line, first come first played. Rotation: each DJ's tracks in their order, DJs take turns.",
        });
        mode.setAttribute("aria-describedby", hint.id);
        const ratio = el("input", { id: "music-settings-ratio", type: "number", min: 0, max: 100, step: 1, required: true, "data-testid": "music-settings-ratio" });
        form.append(
          el("label", { for: "music-settings-mode", text: "Mode" }),
          mode,
          hint,
          el("label", { for: "music-settings-ratio", text: "Skip a track when this share of members votes it down (%; 0 = never)" }),
          ratio,
        );
        return { mode, ratio };
      },
      onSubmit: async ({ mode, ratio }) => {
        const room = this.room;
        if (!room) return;
        const body = { mode: mode.value, skip_downvote_ratio: Number(ratio.value) / 100 };
        const state = await this.ctx.api("PATCH", `/rooms/${room.id}/music`, body);
        if (this.room === room) this.apply(state);
      },
    });
  }

  // -- lifecycle -------------------------------------------------------------------------

  async open(room) {
    this.room = room;
    this.state = null;
    this.error.textContent = "";
    this.queueError.textContent = "";
    this.addError.textContent = "";
    show(this.now, true);
    show(this.panel, true);
    this.playing.hidden = true;
    this.idle.hidden = false;
    this.idle.textContent = "Loading the music…";
    this.queue.replaceChildren();
    this.empty.hidden = true;
    this.mode.textContent = "";
    this.settingsButton.hidden = true;
    refreshAside(this.aside);
    await this.load();
  }

  close() {
    this.room = null;
    this.state = null;
    this.djs.close();
    this.pending = null;
    this.stopTimer();
    show(this.now, false);
    show(this.panel, false);
    if (this.settings.dialog.open) this.settings.dialog.close();
    refreshAside(this.aside);
  }

  async load() {
    const room = this.room;
    if (!room) return;
    this.pending = [];
    this.djs.open(room);
    try {
      const sent = Date.now();
      const state = await this.ctx.api("GET", `/rooms/${room.id}/music`);
      if (this.room !== room) return;
      this.syncClock(state, sent);
      await this.roster.loading;
      if (this.room !== room) return;
      const pending = this.pending;
      this.pending = null;
      this.apply(state);
      for (const frame of pending) this.event(frame);
    } catch (err) {
      if (this.room !== room) return;
      this.pending = null;
      this.idle.textContent = "";
      this.error.textContent = `The music could not be loaded: ${err.message}`;
    }
  }

  apply(state) {
    this.state = { ...state, queue: [...(state.queue || [])] };
    this.render();
  }

  // The server keeps time (`started_at` is on its clock): `server_time` in its answer,
  // against the middle of the request's round trip, gives this browser's clock offset.
  syncClock(state, sent) {
    const server = Date.parse(state.server_time || "");
    if (!Number.isNaN(server)) this.offset = server - (sent + Date.now()) / 2;
  }

  serverNow() {
    return Date.now() + (this.offset || 0);
  }

  // -- events ------------------------------------------------------------------------

  onEvent(frame) {
    this.djs.onEvent(frame);
    if (!this.room || !EVENTS.has(frame.type)) return;
    const data = frame.data || {};
    if ((frame.room_id ?? data.room_id) !== this.room.id) return;
    if (this.pending) this.pending.push(frame);
    else if (this.state) this.event(frame);
  }

  event(frame) {
    const data = frame.data || {};
    const state = this.state;
    const me = (this.ctx.me() || {}).id;
    switch (frame.type) {
      case "queue.item.added": {
        if (!data.item || state.queue.some((item) => item.id === data.item.id)) break;
        if (state.now_playing && state.now_playing.item_id === data.item.id) break;
        const at = Math.min(Math.max((data.item.position || state.queue.length + 1) - 1, 0), state.queue.length);
        state.queue.splice(at, 0, data.item);
        this.learnNames([data.item.added_by]);
        break;
      }
      case "queue.item.removed":
        state.queue = state.queue.filter((item) => item.id !== data.item_id);
        break;
      case "queue.item.reordered": {
        const byId = new Map(state.queue.map((item) => [item.id, item]));
        if (!Array.isArray(data.queue) || !data.queue.every((id) => byId.has(id))) {
          this.load(); // an item we never heard of (or no order): start over from the server's state
          return;
        }
        state.queue = data.queue.map((id) => byId.get(id));
        break;
      }
      case "playback.started":
        state.queue = state.queue.filter((item) => item.id !== data.item_id);
        if (state.now_playing && state.now_playing.item_id === data.item_id) {
          // Already shown (from a REST answer): keep its votes, take the server's start.
          Object.assign(state.now_playing, { track: data.track, dj_id: data.dj_id, started_at: data.started_at });
          break;
        }
        state.now_playing = {
          item_id: data.item_id,
          track: data.track,
          dj_id: data.dj_id,
          started_at: data.started_at,
          up_count: 0,
          down_count: 0,
          my_vote: "none",
        };
        this.error.textContent = "";
        this.learnNames([data.dj_id]);
        break;
      case "playback.ended":
        if (state.now_playing && state.now_playing.item_id === data.item_id) state.now_playing = null;
        this.error.textContent = "";
        break;
      case "playback.voted":
        if (state.now_playing && state.now_playing.item_id === data.item_id) {
          state.now_playing.up_count = data.up_count;
          state.now_playing.down_count = data.down_count;
          if (data.user_id === me) state.now_playing.my_vote = data.vote;
        }
        break;
      case "music.settings.updated":
        Object.assign(state, data.changes || {});
        break;
      default:
        return;
    }
    this.render();
  }

  async learnNames(ids) {
    const unknown = ids.filter((id) => id && !this.ctx.users.has(id));
    if (!unknown.length) return;
    for (const id of unknown) await this.roster.learn(id);
    if (this.state) this.render();
  }

  // -- rendering -----------------------------------------------------------------------

  render() {
    if (!this.state || !this.room) return;
    this.renderNow();
    this.renderQueue();
    this.djs.render();
    this.mode.textContent = `Mode: ${MODES[this.state.mode] || this.state.mode}`;
    this.settingsButton.hidden = !this.roster.moderator;
  }

  renderNow() {
    const now = this.state.now_playing;
    this.idle.textContent = "Nothing is playing. Add a track to start the music.";
    this.idle.hidden = Boolean(now);
    this.playing.hidden = !now;
    this.now.dataset.itemId = now ? String(now.item_id) : "";
    if (!now) {
      this.stopTimer();
      return;
    }
    const track = now.track;
    this.title.textContent = track.title;
    this.artist.textContent = track.artist ? `— ${track.artist}` : "";
    const safe = webUrl(track.url);
    this.link.hidden = !safe;
    if (safe) this.link.href = track.url;
    this.link.setAttribute("aria-label", `Open ${track.title} (${track.source})`);
    this.dj.textContent = `DJ: ${this.roster.name(now.dj_id)}`;
    this.upCount.textContent = String(now.up_count);
    this.downCount.textContent = String(now.down_count);
    this.up.setAttribute("aria-pressed", String(now.my_vote === "up"));
    this.down.setAttribute("aria-pressed", String(now.my_vote === "down"));
    this.up.setAttribute("aria-label", `Vote up (${now.up_count})`);
    this.down.setAttribute("aria-label", `Vote down (${now.down_count})`);
    const me = (this.ctx.me() || {}).id;
    this.skip.hidden = !(now.dj_id === me || this.roster.moderator);
    this.progress.max = track.duration_s;
    this.tick();
    if (!this.timer) this.timer = setInterval(() => this.tick(), 1000);
  }

  tick() {
    const now = this.state && this.state.now_playing;
    if (!now) return this.stopTimer();
    const duration = now.track.duration_s;
    const started = Date.parse(now.started_at);
    const elapsed = Math.min(Math.max((this.serverNow() - started) / 1000, 0), duration);
    this.progress.value = elapsed;
    this.progress.setAttribute("aria-valuetext", `${clock(elapsed)} of ${clock(duration)}`);
    this.elapsed.textContent = clock(elapsed);
    this.remaining.textContent = `-${clock(duration - Math.floor(elapsed))}`;
  }

  stopTimer() {
    clearInterval(this.timer);
    this.timer = null;
  }

  renderQueue() {
    const me = (this.ctx.me() || {}).id;
    const queue = this.state.queue;
    const mine = queue.filter((item) => item.added_by === me).map((item) => item.id);
    const focused = this.queue.contains(document.activeElement) ? document.activeElement : null;
    const keep = focused && { id: focused.closest("li")?.dataset.itemId, testid: focused.dataset.testid };
    this.queue.replaceChildren(
      ...queue.map((item) => this.queueItem(item, mine, me)),
    );
    this.empty.hidden = queue.length > 0;
    if (keep) this.refocus(keep);
  }

  queueItem(item, mine, me) {
    const own = item.added_by === me;
    const rank = mine.indexOf(item.id);
    const track = item.track;
    const li = el(
      "li",
      { className: own ? "music-item mine" : "music-item", "data-testid": "music-queue-item", "data-item-id": item.id },
      el("span", { className: "music-item-title", "data-testid": "music-item-title", text: track.artist ? `${track.title} — ${track.artist}` : track.title }),
      el("span", { className: "muted", "data-testid": "music-added-by", text: `${clock(track.duration_s)} · added by ${this.roster.name(item.added_by)}` }),
    );
    const tools = el("span", { className: "music-item-tools" });
    if (own) {
      const up = el("button", { type: "button", text: "↑", "aria-label": `Move ${track.title} up`, "data-testid": "music-move-up", disabled: rank === 0 });
      const down = el("button", { type: "button", text: "↓", "aria-label": `Move ${track.title} down`, "data-testid": "music-move-down", disabled: rank === mine.length - 1 });
      up.addEventListener("click", () => this.move(item, rank - 1, "music-move-up"));
      down.addEventListener("click", () => this.move(item, rank + 1, "music-move-down"));
      tools.append(up, down);
    }
    if (own || this.roster.moderator) {
      const remove = el("button", { type: "button", text: "✕", "aria-label": `Remove ${track.title}`, "data-testid": "music-remove" });
      remove.addEventListener("click", () => this.remove(item));
      tools.append(remove);
    }
    if (tools.childElementCount) li.append(tools);
    return li;
  }

  // After a re-render, keep the keyboard user's place: the same button of the same item
  // (or its other move button once it reached an end).
  refocus({ id, testid }) {
    const li = [...this.queue.children].find((node) => node.dataset.itemId === id);
    if (!li) return;
    const buttons = [...li.querySelectorAll("button")].filter((b) => !b.disabled);
    const same = buttons.find((b) => b.dataset.testid === testid);
    (same || buttons[0] || this.queue).focus?.();
  }

  // -- actions -------------------------------------------------------------------------

  async vote(kind) {
    const now = this.state && this.state.now_playing;
    if (!now) return;
    const vote = now.my_vote === kind ? "none" : kind; // pressing one's vote again withdraws it
    await roomRequest(this, this.error, (room) => this.ctx.api("POST", `/rooms/${room.id}/music/vote`, { item_id: now.item_id, vote }), (result) => {
      if (!this.state.now_playing || this.state.now_playing.item_id !== result.item_id) return;
      Object.assign(this.state.now_playing, { up_count: result.up_count, down_count: result.down_count, my_vote: result.vote });
      this.renderNow();
    });
  }

  async skipTrack() {
    const now = this.state && this.state.now_playing;
    if (!now) return;
    const sent = Date.now();
    await roomRequest(this, this.error, (room) => this.ctx.api("POST", `/rooms/${room.id}/music/skip`, { item_id: now.item_id }), (state) => {
      this.syncClock(state, sent);
      this.apply(state);
    });
  }

  async addTrack() {
    const room = this.room;
    if (!room) return;
    const inputs = this.addInputs;
    const url = inputs.url.value.trim();
    const body = {
      source: sourceOf(url),
      url,
      title: inputs.title.value.trim(),
      duration_s: parseDuration(inputs.duration.value),
    };
    if (inputs.artist.value.trim()) body.artist = inputs.artist.value.trim();
    if (Number.isNaN(body.duration_s)) {
      this.addError.textContent = "Give the length as m:ss (3:30) or in seconds (210).";
      inputs.duration.focus();
      return;
    }
    this.addError.textContent = "";
    this.addSubmit.disabled = true;
    const sent = Object.values(inputs).map((input) => input.value);
    try {
      const item = await this.ctx.api("POST", `/rooms/${room.id}/music/queue`, body);
      if (this.room !== room) return;
      // Clear the form for the next track, unless the user already started typing it.
      if (Object.values(inputs).every((input, i) => input.value === sent[i])) {
        for (const input of Object.values(inputs)) input.value = "";
        inputs.title.focus();
      }
      // Shown at once; the gateway's queue.item.added / playback.started then find it.
      if (!this.state || this.pending) return;
      if (item.position) {
        this.event({ type: "queue.item.added", data: { room_id: room.id, item } });
      } else if (!this.state.now_playing) {
        // Queued while nothing played: it started at once (created_at is its start).
        const started = { room_id: room.id, item_id: item.id, track: item.track, dj_id: item.added_by, started_at: item.created_at };
        this.event({ type: "playback.started", data: started });
      }
    } catch (err) {
      if (this.room === room) this.addError.textContent = err.message;
    } finally {
      this.addSubmit.disabled = false;
    }
  }

  async remove(item) {
    await roomRequest(this, this.queueError, (room) => this.ctx.api("DELETE", `/rooms/${room.id}/music/queue/${item.id}`), () => {
      if (!this.state) return;
      this.state.queue = this.state.queue.filter((it) => it.id !== item.id);
      this.renderQueue();
    });
  }

  async move(item, position, testid) {
    await roomRequest(this, this.queueError, (room) => this.ctx.api("PATCH", `/rooms/${room.id}/music/queue/${item.id}`, { position }), ({ queue }) => {
      if (!this.state) return;
      this.state.queue = queue;
      this.renderQueue();
      this.refocus({ id: String(item.id), testid });
    });
  }

  openSettings() {
    if (!this.state) return;
    this.settings.fields.mode.value = this.state.mode;
    this.settings.fields.ratio.value = String(Math.round(this.state.skip_downvote_ratio * 100));
    this.settings.open();
  }
}
