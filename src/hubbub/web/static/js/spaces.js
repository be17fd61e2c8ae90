// Feature "spaces" (see features.js for the hooks and ctx): the user's spaces in
// #sidebar-spaces, each expandable to its rooms (by category), kept current by the
// gateway (`ready.spaces`, space.*, room.created in a space, role.*); the dialogs to
// create, join (invite code, `#/invite/CODE` link, or the directory of open spaces),
// manage and leave a space live in spaces-dialogs.js (with spaces-members.js and
// spaces-rooms.js); DMs and groups in groups.js.
//
// One presentation for a room of a space: under its space, never also under "Rooms".
// This module claims those rooms from the core sidebar (sidebar.js `claim`), which then
// leaves them out of "Rooms" and asks for this tree after each of its renders; each
// room is drawn by the sidebar's own `item()`, so it has the core's look, link, badges,
// selection and keyboard order.

import { byId, el } from "./dom.js";
import groups from "./groups.js";
import { SpaceDialogs } from "./spaces-dialogs.js";
import { PERM, roomsOfSpace } from "./spaces-ui.js";

const COLLAPSED_KEY = "hubbub.spaces.collapsed";
const byName = (a, b) => a.space.name.localeCompare(b.space.name) || a.space.id - b.space.id;

class SpacesFeature {
  constructor() {
    this.ctx = null;
    this.entries = new Map(); // space id → {space, member, roles, permissions, moderator}
    this.collapsed = new Set();
    this.dialogs = null;
  }

  init(ctx) {
    this.ctx = ctx;
    const titleId = "spaces-title";
    this.createButton = el("button", { type: "button", "data-testid": "space-create-button", text: "New space" });
    this.joinButton = el("button", { type: "button", "data-testid": "space-join-button", text: "Join a space" });
    this.notice = el("p", { className: "spaces-notice", role: "status", "aria-live": "polite", "data-testid": "spaces-notice" });
    this.list = el("ul", { className: "spaces-list", "aria-labelledby": titleId, "data-testid": "space-list" });
    this.empty = el("p", { className: "muted spaces-empty", text: "No spaces yet." });
    byId("sidebar-spaces").replaceChildren(
      el("h2", { id: titleId, text: "Spaces" }),
      el("div", { className: "spaces-tools" }, this.createButton, this.joinButton),
      this.notice,
      this.list,
      this.empty,
    );
    this.dialogs = new SpaceDialogs(this);
    this.createButton.addEventListener("click", () => this.dialogs.openCreate());
    this.joinButton.addEventListener("click", () => this.dialogs.openJoin(""));
    ctx.sidebar.claim({ owns: (room) => this.entries.has(room.space_id), render: () => this.render(false) });
    window.addEventListener("hashchange", () => this.inviteFromHash());
    groups.init(ctx);
  }

  // -- state --------------------------------------------------------------------------

  can(spaceId, bit) {
    const entry = this.entries.get(spaceId);
    const me = this.ctx.me();
    if (!entry || !me) return false;
    if (entry.space.owner_id === me.id) return true;
    const bits = entry.permissions || 0;
    return Boolean(bits & PERM.ADMINISTRATOR) || Boolean(bits & bit);
  }

  isOwner(spaceId) {
    const entry = this.entries.get(spaceId);
    const me = this.ctx.me();
    return Boolean(entry && me && entry.space.owner_id === me.id);
  }

  // A space state (ready.spaces[], space.created, GET /spaces/{id}/state, a join's answer).
  adoptState(state) {
    if (!this.setEntry(state)) return;
    for (const room of state.rooms || []) this.ctx.upsertRoom(room);
    this.render();
    this.dialogs.spaceChanged(state.space.id);
  }

  // Keeps a space state as its entry; false (and nothing kept) for a state without a space.
  setEntry(state) {
    const { space, member, roles, permissions, moderator } = state || {};
    if (!space || space.id == null) return false;
    this.entries.set(space.id, { space, member, roles: roles || [], permissions: permissions || 0, moderator });
    return true;
  }

  async refreshState(spaceId) {
    try {
      this.adoptState(await this.ctx.api("GET", `/spaces/${spaceId}/state`));
    } catch (err) {
      // No longer a member: the removal event takes the space away.
    }
  }

  patchSpace(spaceId, changes) {
    const entry = this.entries.get(spaceId);
    if (!entry) return;
    entry.space = { ...entry.space, ...changes };
    this.render();
    this.dialogs.spaceChanged(spaceId);
  }

  // The space is gone for this user (left, removed, deleted): it and its rooms go.
  dropSpace(spaceId, message) {
    const entry = this.entries.get(spaceId);
    if (!entry) return;
    this.entries.delete(spaceId);
    for (const room of [...this.ctx.rooms().values()]) {
      if (room.space_id === spaceId) this.ctx.removeRoom(room.id);
    }
    this.collapsed.delete(spaceId);
    this.render();
    this.dialogs.spaceGone(spaceId);
    if (message) this.say(message.replace("{name}", entry.space.name));
  }

  // A short status line under "Spaces" (left, removed, banned, deleted), for 20 s.
  say(text) {
    clearTimeout(this.noticeTimer);
    this.notice.textContent = text;
    if (text) this.noticeTimer = setTimeout(() => this.say(""), 20000);
  }

  // -- the sidebar tree ---------------------------------------------------------------

  // Draws every space with its rooms: on the space's own changes (the core sidebar
  // re-settles its tab stop and focus) and after each core render (`settle` false: the
  // core does it).
  render(settle = true) {
    if (!this.ctx) return;
    const rooms = this.ctx.rooms();
    const sidebar = this.ctx.sidebar;
    const focusedRoom = settle ? sidebar.focusedRoom() : null;
    // A redraw must not take the keyboard focus away from a space's buttons.
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    const keep = focused && focused.dataset.testid ? this.focusKey(focused) : null;
    const entries = [...this.entries.values()].sort(byName);
    this.list.replaceChildren(...entries.map((entry) => this.renderSpace(entry, rooms)));
    this.empty.hidden = entries.length > 0;
    if (settle) sidebar.settle(focusedRoom);
    const again = keep && this.list.querySelector(keep);
    if (again && again !== document.activeElement) again.focus();
  }

  // A selector finding the same space button after a redraw (room links: the sidebar's).
  focusKey(node) {
    const space = node.closest("[data-space-id]");
    if (!space || !["space-toggle", "space-menu"].includes(node.dataset.testid)) return null;
    return `[data-space-id="${Number(space.dataset.spaceId)}"] [data-testid="${node.dataset.testid}"]`;
  }

  renderSpace(entry, rooms) {
    const space = entry.space;
    const mine = roomsOfSpace(rooms, space.id);
    const collapsed = this.collapsed.has(space.id);
    const listId = `space-rooms-${space.id}`;
    let unread = 0;
    let mentions = 0;
    for (const room of mine) {
      const read = this.ctx.sidebar.read(room.id);
      unread += read.unread_count || 0;
      mentions += read.mention_count || 0;
    }
    const toggle = el(
      "button",
      {
        type: "button",
        className: "space-toggle",
        "aria-expanded": collapsed ? "false" : "true",
        "aria-controls": listId,
        "data-testid": "space-toggle",
      },
      el("span", { className: "space-caret", "aria-hidden": "true", text: collapsed ? "▸" : "▾" }),
      el("span", { className: "space-name", "data-testid": "space-name", text: space.name }),
      collapsed && mentions ? el("span", { className: "badge mention", "aria-label": `${mentions} mentions`, text: `@${mentions}` }) : null,
      collapsed && unread ? el("span", { className: "badge", "aria-label": `${unread} unread`, text: String(unread) }) : null,
    );
    toggle.addEventListener("click", () => this.toggle(space.id));
    const menu = el("button", {
      type: "button",
      className: "space-menu",
      "aria-haspopup": "dialog",
      "aria-label": `${space.name}: members, invites and settings`,
      title: "Space options",
      "data-testid": "space-menu",
      text: "⋯",
    });
    menu.addEventListener("click", () => this.dialogs.openSpace(space.id));
    const roomsList = el("ul", { id: listId, className: "room-list space-rooms", "aria-label": `Rooms of ${space.name}`, "data-testid": "space-rooms" });
    roomsList.hidden = collapsed;
    if (!collapsed) roomsList.append(...this.roomItems(space, mine));
    return el(
      "li",
      { className: "space", "data-testid": "space", "data-space-id": space.id },
      el("div", { className: "space-head" }, toggle, menu),
      roomsList,
    );
  }

  // The rooms without a category first, then each category (EVENTS.md: space.categories).
  roomItems(space, rooms) {
    const item = (room) => this.ctx.sidebar.item(room);
    const placed = new Set();
    const groupsOut = [];
    for (const category of space.categories || []) {
      const inside = rooms.filter((r) => (category.room_ids || []).includes(r.id));
      inside.forEach((r) => placed.add(r.id));
      const titleId = `space-category-${space.id}-${category.id}`;
      groupsOut.push(
        el(
          "li",
          { className: "space-category", "data-testid": "space-category" },
          el("span", { id: titleId, className: "space-category-name", text: category.name }),
          el("ul", { className: "room-list", "aria-labelledby": titleId }, ...inside.map(item)),
        ),
      );
    }
    return [...rooms.filter((r) => !placed.has(r.id)).map(item), ...groupsOut];
  }

  toggle(spaceId, open) {
    const expand = open === undefined ? this.collapsed.has(spaceId) : open;
    if (expand) this.collapsed.delete(spaceId);
    else this.collapsed.add(spaceId);
    this.saveCollapsed();
    this.render();
  }

  storageKey() {
    const me = this.ctx.me();
    return me ? `${COLLAPSED_KEY}.${me.id}` : null;
  }

  loadCollapsed() {
    const key = this.storageKey();
    try {
      this.collapsed = new Set(key ? JSON.parse(localStorage.getItem(key) || "[]") : []);
    } catch (err) {
      this.collapsed = new Set();
    }
  }

  saveCollapsed() {
    const key = this.storageKey();
    if (key) localStorage.setItem(key, JSON.stringify([...this.collapsed]));
  }

  // `#/invite/CODE` (the link an invite dialog gives): the join dialog, prefilled.
  inviteFromHash() {
    const match = /^#\/invite\/([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
    if (!match || !this.ctx.me()) return;
    history.replaceState(null, "", "#/");
    this.dialogs.openJoin(match[1]);
  }

  // -- hooks --------------------------------------------------------------------------

  onReady(frame) {
    this.loadCollapsed();
    this.entries.clear();
    for (const state of frame.spaces || []) this.setEntry(state);
    this.render();
    this.dialogs.refreshOpen();
    this.inviteFromHash();
    groups.onReady(frame);
  }

  onEvent(frame) {
    const data = frame.data || {};
    const spaceId = frame.space_id ?? data.space_id;
    const me = this.ctx.me();
    switch (frame.type) {
      case "space.created":
        this.adoptState(data);
        break;
      case "space.updated":
        this.patchSpace(spaceId, data.changes || {});
        if (data.changes && ("default_permissions" in data.changes || "owner_id" in data.changes)) this.refreshState(spaceId);
        break;
      case "space.deleted":
        this.dropSpace(spaceId, "The space {name} was deleted.");
        break;
      case "space.member.removed":
        if (me && data.user_id === me.id) {
          const how = { leave: "You left {name}.", kick: "You were removed from {name}.", ban: "You were banned from {name}." }[data.reason];
          this.dropSpace(spaceId, how || null);
        } else this.memberCount(spaceId, -1);
        break;
      case "space.member.joined":
        // (One's own join comes with space.created, whose count includes oneself.)
        if (!me || !data.user || data.user.id !== me.id) this.memberCount(spaceId, 1);
        break;
      case "space.member.updated":
        if (me && data.user_id === me.id && data.changes && "roles" in data.changes) this.refreshState(spaceId);
        else this.dialogs.membersChanged(spaceId);
        break;
      case "role.created":
      case "role.updated":
      case "role.deleted":
      case "role.ranks_updated":
        if (this.entries.has(spaceId)) this.refreshState(spaceId);
        break;
      case "room.created":
        // A room of one's space (created, or newly visible): the core lists only its own.
        if (data.room && this.entries.has(data.room.space_id)) this.ctx.upsertRoom(data.room);
        break;
      default:
        break;
    }
    if (frame.type.startsWith("room.") && this.entries.has(spaceId)) this.dialogs.roomsChanged(spaceId);
    groups.onEvent(frame);
  }

  memberCount(spaceId, delta) {
    const entry = this.entries.get(spaceId);
    if (!entry) return;
    if (delta) this.patchSpace(spaceId, { member_count: Math.max(0, (entry.space.member_count || 0) + delta) });
    this.dialogs.membersChanged(spaceId);
  }

  onRoomOpened(room) {
    this.dialogs.showRoomSpace(room); // the room header names the room's space
    if (room.space_id != null && this.entries.has(room.space_id)) {
      // A room of a space is left by leaving the space (the server refuses the room alone).
      byId("leave-button").hidden = true;
      if (this.collapsed.has(room.space_id)) this.toggle(room.space_id, true);
    }
    groups.onRoomOpened(room);
  }

  onRoomClosed() {
    this.dialogs.showRoomSpace(); // no room: the header's space chip goes
    groups.onRoomClosed();
  }

  onSignedOut() {
    this.entries.clear();
    this.collapsed.clear();
    this.say("");
    this.dialogs.closeAll();
    this.render();
    groups.onSignedOut();
  }
}

const feature = new SpacesFeature();

export default {
  name: "spaces",
  init: (ctx) => feature.init(ctx),
  onReady: (frame) => feature.onReady(frame),
  onEvent: (frame) => feature.onEvent(frame),
  onRoomOpened: (room) => feature.onRoomOpened(room),
  onRoomClosed: () => feature.onRoomClosed(),
  onSignedOut: () => feature.onSignedOut(),
};
