// The sidebar: joined rooms and DMs/groups with unread counts and mention badges,
// create / join (a room directory) / leave, and keyboard navigation (arrow keys,
// Home/End) between the rooms. Features may claim rooms they list themselves (spaces),
// drawn with the same `item()` and kept in the same keyboard order.

import { api } from "./api.js";
import { byId, el, roomTitle } from "./dom.js";

const PRIVATE_KINDS = new Set(["dm", "group"]);

export class Sidebar {
  constructor({ onOpen, getMe }) {
    this.getMe = getMe || (() => null);
    this.rooms = new Map(); // id → room
    this.reads = new Map(); // id → {unread_count, mention_count}
    this.current = null;
    this.onOpen = onOpen;
    this.claimers = [];
    this.nav = byId("sidebar");
    this.bindKeys();
    this.bindCreate();
    this.bindDirectory();
  }

  load(rooms, readStates) {
    this.rooms = new Map(rooms.map((r) => [r.id, r]));
    this.reads = new Map((readStates || []).map((s) => [s.room_id, s]));
    this.render();
  }

  upsert(room) {
    this.rooms.set(room.id, { ...(this.rooms.get(room.id) || {}), ...room });
    this.render();
  }

  remove(roomId) {
    this.rooms.delete(roomId);
    this.reads.delete(roomId);
    this.render();
  }

  setRead(roomId, state) {
    this.reads.set(roomId, { ...(this.reads.get(roomId) || {}), ...state });
    this.render();
  }

  bump(roomId, mentioned) {
    const state = this.reads.get(roomId) || { unread_count: 0, mention_count: 0 };
    state.unread_count = (state.unread_count || 0) + 1;
    if (mentioned) state.mention_count = (state.mention_count || 0) + 1;
    this.reads.set(roomId, state);
    this.render();
  }

  select(roomId) {
    this.current = roomId;
    this.render();
  }

  // A feature that draws some rooms itself (spaces: a space's rooms under the space):
  // `owns(room)` keeps them out of "Rooms", `render()` runs after every core render.
  claim(claimer) {
    this.claimers.push(claimer);
  }

  read(roomId) {
    return this.reads.get(roomId) || { unread_count: 0, mention_count: 0 };
  }

  title(room) {
    const me = this.getMe();
    return roomTitle(room, me && me.id);
  }

  // One room's entry (a link with its badges), as every list of rooms shows it.
  item(room) {
    const state = this.read(room.id);
    const unread = state.unread_count || 0;
    const mentions = state.mention_count || 0;
    const selected = room.id === this.current;
    const link = el(
      "a",
      {
        href: `#/rooms/${room.id}`,
        "data-testid": "room-link",
        "data-room-id": room.id,
        "aria-current": selected ? "page" : null,
        tabindex: "-1",
        className: unread ? "unread" : "",
      },
      el("span", { className: "room-label", text: this.title(room) }),
      mentions ? el("span", { className: "badge mention", "data-testid": "mention-badge", "aria-label": `${mentions} mentions`, text: `@${mentions}` }) : null,
      unread ? el("span", { className: "badge", "data-testid": "unread-badge", "aria-label": `${unread} unread`, text: String(unread) }) : null,
    );
    return el("li", { "data-testid": "room-item", "data-room-id": room.id }, link);
  }

  render() {
    const focused = this.focusedRoom();
    const sorted = [...this.rooms.values()].sort((a, b) => (a.position || 0) - (b.position || 0) || this.title(a).localeCompare(this.title(b)));
    const claimed = (room) => this.claimers.some((c) => c.owns(room));
    const standalone = sorted.filter((r) => !PRIVATE_KINDS.has(r.kind) && !claimed(r));
    byId("room-list").replaceChildren(...standalone.map((r) => this.item(r)));
    byId("dm-list").replaceChildren(...sorted.filter((r) => PRIVATE_KINDS.has(r.kind)).map((r) => this.item(r)));
    for (const claimer of this.claimers) claimer.render();
    this.settle(focused);
  }

  links() {
    return [...this.nav.querySelectorAll("[data-testid=room-link]")];
  }

  focusedRoom() {
    const node = document.activeElement;
    return node && node.dataset && node.dataset.testid === "room-link" && this.nav.contains(node) ? Number(node.dataset.roomId) : null;
  }

  // After any redraw of room links (the core's or a claimer's): one tab stop among them
  // (the open room, else the first), and the keyboard focus back on the link that had it.
  settle(focusedId = null) {
    const links = this.links();
    const stop = links.find((l) => Number(l.dataset.roomId) === this.current) || links[0];
    for (const link of links) link.setAttribute("tabindex", link === stop ? "0" : "-1");
    if (focusedId !== null && !this.nav.contains(document.activeElement)) {
      const again = links.find((l) => Number(l.dataset.roomId) === focusedId);
      if (again) again.focus();
    }
  }

  // Arrow keys, Home and End move between every room link of the sidebar, whichever
  // list (rooms, a space's, DMs) holds it.
  bindKeys() {
    this.nav.addEventListener("keydown", (ev) => {
      const links = this.links();
      const at = links.indexOf(document.activeElement);
      if (at < 0) return;
      const next = { ArrowDown: links[Math.min(at + 1, links.length - 1)], ArrowUp: links[Math.max(at - 1, 0)], Home: links[0], End: links[links.length - 1] }[ev.key];
      if (!next) return;
      ev.preventDefault();
      links.forEach((l) => l.setAttribute("tabindex", "-1"));
      next.setAttribute("tabindex", "0");
      next.focus();
    });
  }

  bindCreate() {
    const form = byId("create-room-form");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const input = byId("create-room-name");
      // The refusal shows under the form itself: at phone width the room view (and its
      // error line) is behind the sidebar drawer.
      const error = byId("create-room-error");
      error.textContent = "";
      try {
        const room = await api("POST", "/rooms", { name: input.value.trim() });
        form.reset();
        this.upsert(room);
        this.onOpen(room.id);
      } catch (err) {
        error.textContent = err.message;
      }
    });
    byId("create-room-name").addEventListener("input", () => {
      byId("create-room-error").textContent = "";
    });
  }

  bindDirectory() {
    const dialog = byId("directory-dialog");
    const list = byId("directory-list");
    byId("directory-button").addEventListener("click", async () => {
      dialog.showModal();
      list.replaceChildren(el("li", { text: "Loading…" }));
      let rooms;
      try {
        rooms = (await api("GET", "/rooms?limit=100")).rooms;
      } catch (err) {
        list.replaceChildren(el("li", { className: "error", text: err.message }));
        return;
      }
      const open = rooms.filter((r) => !this.rooms.has(r.id));
      if (!open.length) list.replaceChildren(el("li", { text: "No other rooms to join." }));
      else
        list.replaceChildren(
          ...open.map((room) => {
            const join = el("button", { type: "button", "data-testid": "directory-join", text: "Join", "aria-label": `Join ${room.name}` });
            const error = el("span", { className: "error", role: "alert" }); // one per room, however often refused
            join.addEventListener("click", async () => {
              join.disabled = true;
              error.textContent = "";
              try {
                await api("POST", `/rooms/${room.id}/join`);
              } catch (err) {
                join.disabled = false;
                error.textContent = ` ${err.message}`;
                return;
              }
              this.upsert(room);
              dialog.close();
              this.onOpen(room.id);
            });
            return el(
              "li",
              { "data-testid": "directory-room", "data-room-id": room.id },
              el("strong", { text: room.name }),
              el("span", { className: "muted", text: ` ${room.topic || room.description || ""} (${room.member_count} members) ` }),
              join,
              error,
            );
          }),
        );
    });
  }
}
