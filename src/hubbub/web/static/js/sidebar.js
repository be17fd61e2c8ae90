// The sidebar: joined rooms and DMs/groups with unread counts and mention badges,
// create / join (a room directory) / leave, and keyboard navigation (arrow keys,
// Home/End) between the rooms.

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
    this.bindKeys(byId("room-list"));
    this.bindKeys(byId("dm-list"));
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

  render() {
    const me = this.getMe();
    const title = (room) => roomTitle(room, me && me.id);
    const sorted = [...this.rooms.values()].sort((a, b) => (a.position || 0) - (b.position || 0) || title(a).localeCompare(title(b)));
    const item = (room) => {
      const state = this.reads.get(room.id) || {};
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
          tabindex: selected || (this.current === null && room === sorted[0]) ? "0" : "-1",
          className: unread ? "unread" : "",
        },
        el("span", { className: "room-label", text: title(room) }),
        mentions ? el("span", { className: "badge mention", "data-testid": "mention-badge", "aria-label": `${mentions} mentions`, text: `@${mentions}` }) : null,
        unread ? el("span", { className: "badge", "data-testid": "unread-badge", "aria-label": `${unread} unread`, text: String(unread) }) : null,
      );
      return el("li", { "data-testid": "room-item", "data-room-id": room.id }, link);
    };
    byId("room-list").replaceChildren(...sorted.filter((r) => !PRIVATE_KINDS.has(r.kind)).map(item));
    byId("dm-list").replaceChildren(...sorted.filter((r) => PRIVATE_KINDS.has(r.kind)).map(item));
  }

  bindKeys(list) {
    list.addEventListener("keydown", (ev) => {
      const links = [...document.querySelectorAll(".sidebar [data-testid=room-link]")];
      const at = links.indexOf(document.activeElement);
      if (at < 0) return;
      let next = null;
      if (ev.key === "ArrowDown") next = links[Math.min(at + 1, links.length - 1)];
      else if (ev.key === "ArrowUp") next = links[Math.max(at - 1, 0)];
      else if (ev.key === "Home") next = links[0];
      else if (ev.key === "End") next = links[links.length - 1];
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
      try {
        const room = await api("POST", "/rooms", { name: input.value.trim() });
        form.reset();
        this.upsert(room);
        this.onOpen(room.id);
      } catch (err) {
        byId("room-error").textContent = err.message;
      }
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
            join.addEventListener("click", async () => {
              join.disabled = true;
              try {
                await api("POST", `/rooms/${room.id}/join`);
              } catch (err) {
                join.disabled = false;
                join.after(el("span", { className: "error", text: ` ${err.message}` }));
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
            );
          }),
        );
    });
  }
}
