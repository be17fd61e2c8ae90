// Music rooms: the "DJs" list of the side column (music.js builds it): each member who
// queued or played a track here with their statistics (`GET /rooms/{id}/music/members`:
// played, upvotes received ("dubs"), skipped, queued and where their next track stands),
// kept live by `room.member.updated` whose `changes` carry those fields (docs/music.md).

import { el } from "./dom.js";

const FIELDS = ["dubs", "played", "skipped", "queued", "queue_position"];
const ZERO = { dubs: 0, played: 0, skipped: 0, queued: 0, queue_position: null };

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function summary(stats) {
  const parts = [`${stats.played} played`, plural(stats.dubs, "upvote"), `${stats.skipped} skipped`];
  if (stats.queued) parts.push(stats.queue_position ? `${stats.queued} queued (next: #${stats.queue_position})` : `${stats.queued} queued`);
  return parts.join(" · ");
}

export class DjList {
  constructor(ctx, roster) {
    this.ctx = ctx;
    this.roster = roster;
    this.room = null;
    this.stats = null; // user id → stats, for the room on screen
    this.list = el("ol", { className: "music-djs", "aria-labelledby": "music-djs-heading", "data-testid": "music-djs" });
    this.empty = el("p", { className: "muted", text: "Nobody has played a track here yet.", "data-testid": "music-djs-empty", hidden: true });
    this.error = el("p", { className: "error", role: "alert", "data-testid": "music-djs-error" });
    this.section = el(
      "section",
      { className: "music-djs-box", "aria-labelledby": "music-djs-heading" },
      el("h3", { id: "music-djs-heading", text: "DJs" }),
      this.list,
      this.empty,
      this.error,
    );
  }

  async open(room) {
    this.room = room;
    this.stats = null;
    this.list.replaceChildren();
    this.empty.hidden = true;
    this.error.textContent = "";
    try {
      const { members } = await this.ctx.api("GET", `/rooms/${room.id}/music/members`);
      if (this.room !== room) return;
      // Changes heard while this was on its way were applied to `pending` stats.
      const heard = this.heard || new Map();
      this.heard = null;
      this.stats = new Map(members.map((s) => [s.user_id, { ...ZERO, ...s, ...(heard.get(s.user_id) || {}) }]));
      for (const [uid, changes] of heard) if (!this.stats.has(uid)) this.stats.set(uid, { ...ZERO, user_id: uid, ...changes });
      await this.roster.loading;
      if (this.room === room) this.render();
    } catch (err) {
      if (this.room === room) this.error.textContent = `The DJs could not be loaded: ${err.message}`;
    }
  }

  close() {
    this.room = null;
    this.stats = null;
    this.heard = null;
  }

  onEvent(frame) {
    if (!this.room || frame.type !== "room.member.updated") return;
    const data = frame.data || {};
    if ((frame.room_id ?? data.room_id) !== this.room.id) return;
    const changes = {};
    for (const field of FIELDS) if (data.changes && field in data.changes) changes[field] = data.changes[field];
    for (const field of data.cleared || []) if (FIELDS.includes(field)) changes[field] = ZERO[field];
    if (!Object.keys(changes).length) return;
    if (!this.stats) {
      // Still loading: remember, applied once the list is in.
      this.heard = this.heard || new Map();
      this.heard.set(data.user_id, { ...(this.heard.get(data.user_id) || {}), ...changes });
      return;
    }
    const known = this.stats.get(data.user_id) || { ...ZERO, user_id: data.user_id, room_id: this.room.id };
    this.stats.set(data.user_id, { ...known, ...changes });
    this.render();
    if (!this.ctx.users.has(data.user_id)) this.roster.learn(data.user_id).then(() => this.render());
  }

  render() {
    if (!this.room || !this.stats) return;
    const rows = [...this.stats.values()]
      .filter((s) => s.played || s.queued || s.dubs || s.skipped)
      .sort((a, b) => b.played - a.played || b.dubs - a.dubs || a.user_id - b.user_id);
    this.list.replaceChildren(
      ...rows.map((s) =>
        el(
          "li",
          { className: "music-dj-row", "data-testid": "music-dj-row", "data-user-id": s.user_id, "data-played": s.played, "data-dubs": s.dubs },
          el("span", { className: "music-dj-name", "data-testid": "music-dj-name", text: this.roster.name(s.user_id) }),
          el("span", { className: "muted", "data-testid": "music-dj-stats", text: summary(s) }),
        ),
      ),
    );
    this.empty.hidden = rows.length > 0;
  }
}
