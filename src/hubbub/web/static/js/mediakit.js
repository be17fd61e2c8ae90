// Shared by the music and voice panels (media.js): who is who in the room on screen and
// what the signed-in user may do there, times as m:ss, avatars, the side column's
// visibility, and small dialogs. Text only through textContent (el()).

import { displayName, el } from "./dom.js";

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

// The avatar: the server's public image when it is one of hubbub's own paths (no token
// needed, CSP img-src 'self'), else the initial on a coloured disc.
export function avatar(user) {
  const name = displayName(user);
  const url = user && user.avatar_url;
  if (typeof url === "string" && url.startsWith("/api/v1/")) {
    return el("img", { className: "media-avatar", src: url, alt: "", width: 28, height: 28 });
  }
  const hue = ((user && user.id) || 0) * 47 % 360;
  const disc = el("span", { className: "media-avatar initial", "aria-hidden": "true", text: name.slice(0, 1).toUpperCase() });
  disc.dataset.hue = String(Math.floor(hue / 30)); // 12 hues, picked by CSS (no inline style)
  return disc;
}

// The room's members (names, avatars) and the signed-in user's role there, loaded once
// per room and on demand when someone unknown shows up.
export class Roster {
  constructor(ctx) {
    this.ctx = ctx;
    this.roomId = null;
    this.role = "member";
    this.loading = null;
    this.refreshing = null;
  }

  async load(room) {
    this.roomId = room.id;
    this.role = room.owner_id === (this.ctx.me() || {}).id ? "owner" : "member";
    this.loading = this.fetch(room.id);
    return this.loading;
  }

  async fetch(roomId) {
    try {
      const { members } = await this.ctx.api("GET", `/rooms/${roomId}/members`);
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

  user(id) {
    return this.ctx.users.get(id) || { id };
  }

  name(id) {
    const me = this.ctx.me();
    if (me && me.id === id) return `${displayName(me)} (you)`;
    return displayName(this.ctx.users.get(id) || { id });
  }

  // Someone not seen yet (joined after the load): fetch the members again, once at a time.
  async learn(id) {
    if (this.ctx.users.has(id) || this.roomId === null) return false;
    if (!this.refreshing) this.refreshing = this.fetch(this.roomId).finally(() => (this.refreshing = null));
    await this.refreshing;
    return this.ctx.users.has(id);
  }

  // Room owners and moderators, and staff: the rights the music and voice routes check
  // for a standalone room (a space's roles may grant more; the server has the last word).
  get moderator() {
    const me = this.ctx.me() || {};
    return Boolean(me.is_moderator) || this.role === "owner" || this.role === "moderator";
  }

  setRole(userId, role) {
    const me = this.ctx.me() || {};
    if (userId === me.id && role) this.role = role;
  }
}

// The side column is shared with other features (presence): it shows while any of its
// parts is visible.
export function refreshAside(aside) {
  aside.hidden = ![...aside.children].some((child) => !child.hidden);
}

let dialogCount = 0;

// A modal dialog (appended to <body> once): heading, a form built by `fields`, an error
// line and Save/Cancel. `onSubmit(form)` may throw an ApiError, shown in the dialog with
// the input kept.
export function formDialog({ title, testid, build, onSubmit }) {
  dialogCount += 1;
  const titleId = `media-dialog-title-${dialogCount}`;
  const error = el("p", { className: "error", role: "alert", "data-testid": `${testid}-error` });
  const save = el("button", { type: "submit", text: "Save", "data-testid": `${testid}-save` });
  const cancel = el("button", { type: "button", text: "Cancel", "data-testid": `${testid}-cancel` });
  const form = el("form", { className: "card media-form" }, el("h2", { id: titleId, text: title }));
  const fields = build(form);
  form.append(error, el("div", { className: "media-buttons" }, save, cancel));
  const dialog = el("dialog", { "aria-labelledby": titleId, "data-testid": testid }, form);
  document.body.append(dialog);
  cancel.addEventListener("click", () => dialog.close());
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
