// Presence for the "people" feature (people.js): who is online, idle, busy (shown as
// "Do not disturb") or offline, and each user's status text.
//
// `People` is the store every part of the feature reads: statuses from the `ready`
// frame's `presences`, `GET /presence?user_ids=` (which also carries `status_text`) and
// `presence.updated`; profiles patched by `user.updated`. Whoever shows people listens
// to it (`listen(fn)`, `fn(userId)`).
//
// `PresenceList` is the room's list in #room-aside (its own container: the aside is
// shared with other features); `StatusControl` sets one's own status in #me-tools.

import { dialogForm, displayName, el } from "./dom.js";
import { refreshAside } from "./mediakit.js";

export const GROUPS = ["online", "idle", "busy", "offline"];
// Members asked per page (`GET /rooms/{id}/members?limit=`, "Show more" for the next).
// A room whose first page is all of it has everyone's status fetched; a bigger one only
// the connected members' (who are listed at once, whichever page they fall on).
const PAGE = 200;
// Rows drawn per group before a "Show all" button.
const GROUP_SHOWN = 100;
const LABELS = { online: "Online", idle: "Idle", busy: "Do not disturb", offline: "Offline", invisible: "Invisible" };
const BATCH = 100; // GET /presence takes at most 100 ids
// The only avatar URLs this server hands out (public, no token needed).
const AVATAR_URL = /^\/api\/v1\/users\/-?\d+\/avatar\/[0-9a-f]{32}$/;
// Fields of `user.updated`'s `cleared` and the value they take.
const CLEARED = { about: "", status_text: null, avatar_url: null };

// The group's one avatar (people list, profiles, voice): the server's public image, else
// the initial on a disc.
export function avatar(user, { size = "small", alt = "", testid } = {}) {
  const url = user && user.avatar_url;
  if (url && AVATAR_URL.test(url)) {
    return el("img", { className: `avatar ${size}`, src: url, alt, "data-testid": testid });
  }
  const initial = (displayName(user).trim()[0] || "?").toUpperCase();
  return el("span", { className: `avatar ${size} initial`, "aria-hidden": "true", text: initial, "data-testid": testid });
}

// A status as its coloured dot and its words (" Do not disturb").
export function statusLabel(status) {
  return [el("span", { className: `dot status-${status}`, "aria-hidden": "true" }), ` ${LABELS[status] || status}`];
}

// The group a status is listed under (one's own `invisible` shows with the offline).
function groupOf(status) {
  return GROUPS.includes(status) ? status : "offline";
}

export class People {
  constructor(ctx) {
    this.ctx = ctx;
    this.status = new Map(); // user id → online | idle | busy | offline (| invisible: me)
    this.text = new Map(); // user id → status text (or null)
    this.myChoice = "online";
    this.listeners = new Set();
  }

  listen(fn) {
    this.listeners.add(fn);
  }

  changed(userId) {
    for (const fn of this.listeners) {
      try {
        fn(userId);
      } catch (err) {
        console.error("people listener", err);
      }
    }
  }

  isMe(userId) {
    const me = this.ctx.me();
    return Boolean(me) && me.id === userId;
  }

  user(userId) {
    return this.ctx.users.get(userId) || { id: userId };
  }

  // Keeps what is known of a user (a full profile has more fields than an actor).
  learn(user) {
    if (!user || user.id === undefined) return;
    const known = this.ctx.users.get(user.id);
    if (known) Object.assign(known, user);
    else this.ctx.users.set(user.id, { ...user });
    if ("status_text" in user) this.text.set(user.id, user.status_text || null);
  }

  statusOf(userId) {
    if (this.isMe(userId)) return this.myChoice;
    return this.status.get(userId) || "offline";
  }

  textOf(userId) {
    if (this.text.has(userId)) return this.text.get(userId);
    const user = this.ctx.users.get(userId);
    return (user && user.status_text) || null;
  }

  reset() {
    this.status.clear();
    this.text.clear();
    this.myChoice = "online";
  }

  ready(frame) {
    for (const [id, status] of Object.entries(frame.presences || {})) this.status.set(Number(id), status);
    for (const user of frame.users || []) this.learn(user);
    if (frame.me || frame.user) this.learn(frame.me || frame.user);
  }

  // Statuses (and status texts) of these users from the server.
  async fetch(userIds) {
    const ids = [...new Set(userIds)];
    for (let i = 0; i < ids.length; i += BATCH) {
      const chunk = ids.slice(i, i + BATCH).join(",");
      const page = await this.ctx.api("GET", `/presence?user_ids=${chunk}`);
      for (const p of page.presence) {
        if (this.isMe(p.user_id)) this.myChoice = p.chosen || p.status;
        else this.status.set(p.user_id, p.status);
        this.text.set(p.user_id, p.status_text || null);
      }
    }
    for (const id of ids) this.changed(id);
  }

  // `presence.updated`: one's own sessions also get a copy with `own: true` and the
  // status chosen (`invisible` included); the observers' copy of one's own is ignored.
  presenceUpdated(data) {
    if (this.isMe(data.user_id)) {
      if (!data.own) return;
      this.myChoice = data.status;
    } else {
      this.status.set(data.user_id, data.status);
    }
    this.changed(data.user_id);
  }

  // `user.updated {user_id, changes, cleared}`.
  userUpdated(data) {
    const fields = { ...(data.changes || {}) };
    for (const name of data.cleared || []) if (name in CLEARED) fields[name] = CLEARED[name];
    const user = this.ctx.users.get(data.user_id) || { id: data.user_id };
    Object.assign(user, fields);
    this.ctx.users.set(data.user_id, user);
    const me = this.ctx.me();
    if (me && me.id === data.user_id && me !== user) Object.assign(me, fields);
    if ("status_text" in fields) this.text.set(data.user_id, fields.status_text || null);
    this.changed(data.user_id);
  }
}

// The room's people, grouped by status with counts, live. Names open the profile.
export class PresenceList {
  constructor(people, { onShowProfile }) {
    this.people = people;
    this.onShowProfile = onShowProfile;
    this.room = null;
    this.members = new Set(); // user ids of the room's members loaded so far
    this.after = null; // the last user id of the pages loaded, null before the first
    this.hasMore = false; // more pages of members follow
    this.loading = false; // a "Show more" page is on its way
    this.loads = 0; // which load the pages on their way belong to
    this.unfolded = new Set(); // groups shown in full although longer than GROUP_SHOWN
    this.scheduled = false;
    this.title = el("h2", { id: "people-presence-title", className: "people-title", text: "People" });
    this.groups = el("div", { className: "people-groups", id: "people-presence-groups" });
    this.error = el("p", { className: "error", role: "alert", "data-testid": "presence-error" });
    this.more = el("button", { type: "button", className: "people-more", "data-testid": "presence-more", text: "Show more people", hidden: true });
    this.more.addEventListener("click", () => this.loadMore());
    this.root = el(
      "section",
      { className: "people-presence", "aria-labelledby": "people-presence-title", "data-testid": "presence-list", hidden: true },
      this.title,
      this.error,
      this.groups,
      this.more,
    );
    this.toggle = el("button", {
      type: "button",
      className: "people-toggle",
      "data-testid": "presence-toggle",
      "aria-controls": "people-presence-groups",
      "aria-expanded": "true",
      text: "People",
      hidden: true,
    });
    this.narrow = window.matchMedia("(max-width: 700px)");
    this.toggle.addEventListener("click", () => {
      const key = this.narrow.matches ? "expanded" : "collapsed";
      this.root.classList.toggle(key);
      this.syncToggle();
    });
    this.narrow.addEventListener("change", () => this.syncToggle());
    people.listen((userId) => {
      if (this.members.has(userId)) this.schedule();
    });
  }

  mount(aside, tools) {
    if (!this.root.parentNode) aside.append(this.root);
    if (!this.toggle.parentNode) tools.append(this.toggle);
    this.aside = aside;
  }

  syncToggle() {
    const open = this.narrow.matches ? this.root.classList.contains("expanded") : !this.root.classList.contains("collapsed");
    this.toggle.setAttribute("aria-expanded", String(open));
    this.toggle.textContent = open ? "Hide people" : "People";
  }

  async open(room) {
    this.room = room;
    this.members = new Set();
    this.unfolded = new Set();
    this.error.textContent = "";
    this.groups.replaceChildren(el("p", { className: "muted", text: "Loading…" }));
    this.root.hidden = false;
    this.toggle.hidden = false;
    this.aside.hidden = false;
    this.syncToggle();
    await this.load();
  }

  // The first page of members and their statuses, again from the start (a fresh or
  // resumed session); pages of an earlier load arriving late are dropped.
  async load() {
    const room = this.room;
    if (!room) return;
    const loading = ++this.loads;
    this.after = null;
    this.hasMore = false;
    try {
      const ids = await this.page(room, loading);
      if (ids === null) return;
      if (!this.hasMore) await this.people.fetch(ids);
      else {
        // A big room: one request says who is connected; only their statuses (idle, do
        // not disturb, status texts) are fetched, everyone else shows offline.
        const here = await this.people.ctx.api("GET", `/rooms/${room.id}/presence`);
        if (loading !== this.loads) return;
        for (const user of here.current_users) {
          this.members.add(user.id);
          this.people.learn(user);
        }
        const connected = here.current_users.map((u) => u.id);
        if (connected.length) await this.people.fetch(connected);
      }
    } catch (err) {
      if (loading === this.loads) this.error.textContent = err.message;
    }
    if (loading === this.loads) this.render();
  }

  // The next page of the room's members, added to the list; their ids, or null when
  // the list was closed or loaded again meanwhile.
  async page(room, loading) {
    const first = this.after === null;
    const query = first ? `limit=${PAGE}` : `limit=${PAGE}&after=${this.after}`;
    const { members, has_more: hasMore } = await this.people.ctx.api("GET", `/rooms/${room.id}/members?${query}`);
    if (loading !== this.loads) return null;
    if (first) this.members = new Set(); // the list drawn until now stays until this answer
    const users = members.map((m) => m.user).filter(Boolean);
    for (const user of users) {
      this.members.add(user.id);
      this.people.learn(user);
    }
    if (members.length) this.after = members[members.length - 1].user.id;
    this.hasMore = hasMore && members.length > 0;
    return users.map((user) => user.id);
  }

  // "Show more people": the next page. Its members show offline (the connected ones were
  // listed with the first page), and the focus stays on the button while more follow.
  async loadMore() {
    const room = this.room;
    // Not disabled while it loads: a disabled button would drop the keyboard's focus.
    if (!room || this.loading) return;
    this.loading = true;
    const loading = this.loads;
    this.error.textContent = "";
    try {
      const ids = await this.page(room, loading);
      if (ids === null) return;
      const hadFocus = document.activeElement === this.more;
      this.render();
      // The last page hides the button: the keyboard goes on to the first person it added.
      const next = ids.length && this.more.hidden && hadFocus ? this.groups.querySelector(`[data-user-id="${ids[0]}"] button`) : null;
      if (next) next.focus();
    } catch (err) {
      if (loading === this.loads) this.error.textContent = err.message;
    } finally {
      this.loading = false;
    }
  }

  close() {
    this.room = null;
    this.loads++;
    this.members = new Set();
    this.hasMore = false;
    this.more.hidden = true;
    this.root.hidden = true;
    this.toggle.hidden = true;
    this.groups.replaceChildren();
    // The aside is shared: hide it only when no other feature shows something in it.
    if (this.aside) refreshAside(this.aside);
  }

  joined(member) {
    if (!this.room || !member.user || this.members.has(member.user.id)) return;
    this.members.add(member.user.id);
    this.people.learn(member.user);
    this.people.fetch([member.user.id]).catch((err) => {
      this.error.textContent = err.message;
    });
    this.schedule();
  }

  left(userId) {
    if (this.members.delete(userId)) this.schedule();
  }

  // Many events may land at once (a ready, a batch read): draw once after them.
  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.room) this.render();
    });
  }

  render() {
    // Redrawing must not steal the keyboard: the focused name gets the focus back.
    const focused = this.groups.contains(document.activeElement) ? document.activeElement.closest("[data-user-id]") : null;
    const byGroup = new Map(GROUPS.map((g) => [g, []]));
    for (const id of this.members) byGroup.get(groupOf(this.people.statusOf(id))).push(this.people.user(id));
    const online = this.members.size - byGroup.get("offline").length;
    this.title.textContent = `People — ${online} online`;
    const sections = [];
    for (const group of GROUPS) {
      const users = byGroup.get(group).sort((a, b) => displayName(a).localeCompare(displayName(b)));
      if (!users.length && group !== "online") continue;
      const headingId = `people-group-${group}`;
      sections.push(
        el(
          "section",
          { className: `people-group status-${group}`, "data-testid": "presence-group", "data-status": group, "aria-labelledby": headingId },
          el(
            "h3",
            { id: headingId },
            el("span", { text: LABELS[group] }),
            " — ",
            // While pages remain, the offline count is of those loaded so far.
            el("span", { "data-testid": "presence-count", text: `${users.length}${this.hasMore && group === "offline" ? "+" : ""}` }),
          ),
          el("ul", { role: "list" }, ...this.rows(group, users)),
        ),
      );
    }
    this.groups.replaceChildren(...sections);
    this.more.hidden = !this.hasMore;
    if (focused) {
      const again = this.groups.querySelector(`[data-user-id="${focused.dataset.userId}"] button`);
      if (again) again.focus();
    }
  }

  // A long group shows its first GROUP_SHOWN people and a button for the rest, so a
  // room of thousands draws a few hundred rows.
  rows(group, users) {
    if (users.length <= GROUP_SHOWN || this.unfolded.has(group)) return users.map((user) => this.row(user));
    const more = el("button", {
      type: "button",
      className: "people-more",
      "data-testid": "presence-show-all",
      text: `Show all ${users.length}`,
      "aria-label": `Show all ${users.length} ${LABELS[group]} people`,
    });
    more.addEventListener("click", () => {
      this.unfolded.add(group);
      this.render();
    });
    return [...users.slice(0, GROUP_SHOWN).map((user) => this.row(user)), el("li", {}, more)];
  }

  row(user) {
    const status = this.people.statusOf(user.id);
    const text = this.people.textOf(user.id);
    const name = el("button", {
      type: "button",
      className: "people-name",
      "data-testid": "presence-name",
      "aria-label": `${displayName(user)}, ${LABELS[status] || status}: show profile`,
      text: displayName(user),
    });
    name.addEventListener("click", () => this.onShowProfile(user.id));
    return el(
      "li",
      { className: `people-member status-${status}`, "data-testid": "presence-member", "data-user-id": user.id, "data-status": status },
      el("span", { className: "people-avatar" }, avatar(user, { testid: "presence-avatar" }), el("span", { className: `dot status-${status}`, "aria-hidden": "true" })),
      el(
        "span",
        { className: "people-who" },
        name,
        text ? el("span", { className: "muted people-status-text", "data-testid": "presence-status-text", text }) : null,
      ),
    );
  }
}

// A dialog of the people feature holding one form (appended to <body>): a heading, the
// `parts`, an error line and Save/Cancel; Save calls `onSubmit()`. Its pieces are named
// after `testid`: `${testid}-dialog`, `-form`, `-error`, `-save`, `-cancel`.
export function peopleForm({ testid, titleId, title, className, parts, onSubmit }) {
  const frame = dialogForm({ title, testid, titleId, dialogTestid: `${testid}-dialog`, formTestid: `${testid}-form`, formClass: className, buttonsClass: "people-buttons" });
  const { dialog, form, error, submit: save } = frame;
  form.append(frame.heading, ...parts, error, frame.buttons);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    onSubmit();
  });
  return { dialog, error, save };
}

// One's own status in #me-tools: a button showing it, opening a small dialog to choose
// the status and the status text.
export class StatusControl {
  constructor(people) {
    this.people = people;
    const ctx = people.ctx;
    this.button = el("button", { type: "button", className: "people-my-status", "data-testid": "my-status-button", "aria-haspopup": "dialog" });
    this.select = el(
      "select",
      { id: "people-status-select", "data-testid": "my-status-select" },
      ...["online", "idle", "busy", "invisible"].map((value) => el("option", { value, text: LABELS[value] })),
    );
    this.text = el("input", { id: "people-status-text", maxlength: "128", "data-testid": "my-status-text", placeholder: "What are you up to?" });
    ({ dialog: this.dialog, error: this.error, save: this.save } = peopleForm({
      testid: "my-status",
      titleId: "people-status-title",
      title: "Your status",
      className: "people-status-form",
      parts: [el("label", { for: "people-status-select", text: "Status" }), this.select, el("label", { for: "people-status-text", text: "Status text" }), this.text],
      onSubmit: () => this.submit(),
    }));
    this.button.addEventListener("click", () => this.open());
    people.listen((userId) => {
      if (people.isMe(userId)) this.draw();
    });
    this.ctx = ctx;
    this.draw();
  }

  mount(tools) {
    if (!this.button.parentNode) tools.append(this.button);
  }

  draw() {
    const me = this.ctx.me();
    const status = this.people.myChoice;
    const text = me ? this.people.textOf(me.id) : null;
    this.button.replaceChildren(...statusLabel(status));
    this.button.dataset.status = status;
    this.button.setAttribute("aria-label", `Your status: ${LABELS[status] || status}${text ? `, ${text}` : ""}. Change it`);
    this.button.title = text || "";
  }

  open() {
    const me = this.ctx.me();
    this.select.value = this.people.myChoice;
    this.text.value = (me && this.people.textOf(me.id)) || "";
    this.error.textContent = "";
    this.dialog.showModal();
    this.select.focus();
  }

  async submit() {
    const me = this.ctx.me();
    if (!me) return;
    const status = this.select.value;
    const text = this.text.value.trim();
    this.save.disabled = true;
    this.error.textContent = "";
    try {
      if (status !== this.people.myChoice) {
        const mine = await this.ctx.api("PUT", "/users/me/presence", { status });
        this.people.myChoice = mine.chosen || mine.status;
      }
      if (text !== (this.people.textOf(me.id) || "")) {
        const user = await this.ctx.api("PATCH", "/users/me", { status_text: text || null });
        this.people.learn(user);
      }
      this.people.changed(me.id);
      this.dialog.close();
    } catch (err) {
      this.error.textContent = err.message; // the dialog stays open with what was typed
    } finally {
      this.save.disabled = false;
    }
  }
}
