// Shared by the music and voice panels (media.js): who is who in the room on screen and
// what the signed-in user may do there, times as m:ss, the side column's
// visibility, and small dialogs (formDialog, used by schedule.js too). Text only through
// textContent (el()).

import { dialogForm, displayName, el } from "./dom.js";

// Members whose names a music or voice room loads up front (one page; the server's most).
const MEMBERS_KNOWN = 1000;

export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

// "3:35", "1:02:03" or plain seconds ("215") → whole seconds; NaN when unreadable (the
// server then names the problem: invalid_duration).
export function parseDuration(text) {
  const value = String(text).trim();
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(value);
  if (!match) return Number.NaN;
  return Number(match[1] || 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

// The room's members (names, avatars) and what the signed-in user may do there
// (`GET /rooms/{id}/permissions`: `moderator` and the permission names, such as
// `mute_members`), loaded per room; the name of someone unknown who shows up, rights
// again when one's role changes.
export class Roster {
  constructor(ctx) {
    this.ctx = ctx;
    this.roomId = null;
    this.rights = null; // {moderator, perms: Set} once known
    this.role = "member"; // the fallback when the rights cannot be read
    this.loading = null;
    this.asking = new Map(); // user id → the request learning their name
  }

  async load(room) {
    this.roomId = room.id;
    this.rights = null;
    this.role = room.owner_id === (this.ctx.me() || {}).id ? "owner" : "member";
    this.loading = Promise.all([this.fetch(room.id), this.fetchRights(room.id)]);
    return this.loading;
  }

  // The names of a room's first MEMBERS_KNOWN members, and one's own role; anyone else
  // heard of is asked for alone (`learn`).
  async fetch(roomId) {
    try {
      const { members } = await this.ctx.api("GET", `/rooms/${roomId}/members?limit=${MEMBERS_KNOWN}`);
      if (this.roomId !== roomId) return;
      const me = this.ctx.me() || {};
      for (const member of members) {
        this.ctx.users.set(member.user.id, { ...(this.ctx.users.get(member.user.id) || {}), ...member.user });
        if (member.user.id === me.id) this.role = member.role;
      }
    } catch (err) {
      // Names then fall back to "user N"; rights to what the room says (owner_id).
    }
  }

  async fetchRights(roomId) {
    // Answers may come back out of order: only the newest request's counts.
    const asked = (this.rightsAsked = (this.rightsAsked || 0) + 1);
    try {
      const answer = await this.ctx.api("GET", `/rooms/${roomId}/permissions`);
      if (this.roomId !== roomId || asked !== this.rightsAsked) return;
      this.rights = { moderator: Boolean(answer.moderator), perms: new Set(answer.permissions || []) };
      if (answer.role) this.role = answer.role;
    } catch (err) {
      // The role-based guess below stands; the server refuses what it must.
    }
  }

  forget() {
    this.roomId = null;
    this.rights = null;
    this.loading = null;
  }

  user(id) {
    return this.ctx.users.get(id) || { id };
  }

  name(id) {
    const me = this.ctx.me();
    if (me && me.id === id) return `${displayName(me)} (you)`;
    return displayName(this.ctx.users.get(id) || { id });
  }

  // Someone not seen yet (joined after the load, or past the first page): that member
  // alone is asked for, once however many ask at the same time.
  async learn(id) {
    if (this.ctx.users.has(id) || this.roomId === null) return false;
    const roomId = this.roomId;
    if (!this.asking.has(id)) {
      const asked = this.ctx
        .api("GET", `/rooms/${roomId}/members/${id}`)
        .then((member) => {
          if (member.user) this.ctx.users.set(id, { ...(this.ctx.users.get(id) || {}), ...member.user });
        })
        .catch(() => {
          // Not a member (any more): the name falls back to "user N".
        })
        .finally(() => this.asking.delete(id));
      this.asking.set(id, asked);
    }
    await this.asking.get(id);
    return this.ctx.users.has(id);
  }

  // Owners and moderators of the room (and staff): skip others' tracks, remove any
  // track, change the music settings.
  get moderator() {
    if (this.rights) return this.rights.moderator;
    const me = this.ctx.me() || {};
    return Boolean(me.is_moderator) || this.role === "owner" || this.role === "moderator";
  }

  // A permission by name (`mute_members`, `deafen_members`, `move_members`).
  can(name) {
    return this.rights ? this.rights.perms.has(name) : this.moderator;
  }

  // Ask again after a change of role (room.member.updated, space roles).
  async refreshRights() {
    if (this.roomId !== null) await this.fetchRights(this.roomId);
  }
}

// The side column is shared with other features (presence): it shows while any of its
// parts is visible.
export function refreshAside(aside) {
  aside.hidden = ![...aside.children].some((child) => !child.hidden);
}

// One request about the room a panel shows (music.js, voice.js): `errorLine` cleared,
// `request(room)` sent; `then(result)` runs, and a failure is shown in `errorLine`, only
// while the panel still shows that room.
export async function roomRequest(panel, errorLine, request, then) {
  const room = panel.room;
  if (!room) return;
  errorLine.textContent = "";
  try {
    const result = await request(room);
    if (panel.room === room) then(result);
  } catch (err) {
    if (panel.room === room) errorLine.textContent = err.message;
  }
}

// A modal dialog (appended to <body> once): heading, a form built by `fields`, an error
// line and Save/Cancel. `onSubmit(form)` may throw an ApiError, shown in the dialog with
// the input kept.
export function formDialog({ title, testid, build, onSubmit }) {
  const frame = dialogForm({ title, testid, formClass: "media-form", buttonsClass: "media-buttons" });
  const { dialog, form, error, submit: save } = frame;
  form.append(frame.heading);
  const fields = build(form);
  form.append(error, frame.buttons);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.textContent = "";
    save.disabled = true;
    try {
      await onSubmit(fields);
      dialog.close();
    } catch (err) {
      error.textContent = err.message;
    } finally {
      save.disabled = false;
    }
  });
  return {
    dialog,
    fields,
    open() {
      error.textContent = "";
      dialog.showModal();
      const first = form.querySelector("input, select, textarea");
      if (first) first.focus();
    },
  };
}
