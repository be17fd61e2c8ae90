// The sidebar: joined rooms and DMs/groups with unread counts and mention badges,
// create / join (a room directory) / leave, and keyboard navigation (arrow keys,
// Home/End) between the rooms. Features may claim rooms they list themselves (spaces),
// drawn with the same `item()` and kept in the same keyboard order.

import { api } from "./api.js";
import { byId, el, roomTitle } from "./dom.js";

const PRIVATE_KINDS = new Set(["dm", "group"]);
const DIRECTORY_PAGE = 50;
const SEARCH_DEBOUNCE_MS = 200;

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

  // "Browse rooms": the directory's rooms one is not in (GET /rooms?not_joined=true), a
  // page at a time with "Show more", narrowed by a search the server answers (q: a word
  // of the name or topic). Only the answer to the latest question is shown.
  bindDirectory() {
    const dialog = byId("directory-dialog");
    const list = byId("directory-list");
    const search = byId("directory-search");
    const more = el("button", { type: "button", "data-testid": "directory-more", text: "Show more" });
    const moreItem = el("li", {}, more);
    let asked = 0; // which question a late answer belongs to
    let timer = null;
    let after = null; // the last room id listed, for the next page
    let text = ""; // what the listed rooms were searched with
    const shown = new Set();

    const item = (room) => {
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
      const about = room.topic || room.description || "";
      const count = `${room.member_count} member${room.member_count === 1 ? "" : "s"}`;
      const closed = room.allow_entry === false ? ", closed to new members" : "";
      return el(
        "li",
        { "data-testid": "directory-room", "data-room-id": room.id },
        el("strong", { text: room.name }),
        el("span", { className: "muted", text: ` ${about} (${count}${closed}) ` }),
        join,
        error,
      );
    };

    // The first page for `wanted` (the search text, "" for none), a new question, or the
    // next page of the current one.
    const load = async (first, wanted) => {
      const mine = first ? ++asked : asked;
      const params = new URLSearchParams({ not_joined: "true", limit: String(DIRECTORY_PAGE) });
      if (wanted) params.set("q", wanted);
      if (!first) params.set("after", String(after));
      list.setAttribute("aria-busy", "true");
      let page;
      try {
        page = await api("GET", `/rooms?${params}`);
      } catch (err) {
        if (mine !== asked || !dialog.open) return;
        list.removeAttribute("aria-busy");
        if (first) list.replaceChildren();
        list.append(el("li", { className: "error", role: "alert", text: err.message }));
        return;
      }
      if (mine !== asked || !dialog.open) return; // a newer search, or the dialog closed
      list.removeAttribute("aria-busy");
      if (first) {
        list.replaceChildren();
        shown.clear();
        text = wanted;
      }
      moreItem.remove();
      // A room joined meanwhile (another tab) is already in the sidebar: not offered.
      const fresh = page.rooms.filter((r) => !shown.has(r.id) && !this.rooms.has(r.id));
      for (const r of fresh) shown.add(r.id);
      if (page.rooms.length) after = page.rooms[page.rooms.length - 1].id;
      list.append(...fresh.map(item));
      if (page.has_more && page.rooms.length) list.append(moreItem);
      else if (!shown.size) list.append(el("li", { text: text ? `No rooms match “${text}”.` : "No other rooms to join." }));
    };

    // Each keystroke is a new question, asked once the typing pauses: the answers to older
    // ones are dropped from now on, and the old list's next page is no longer offered.
    const ask = (delay) => {
      clearTimeout(timer);
      asked++;
      moreItem.remove();
      const wanted = search.value.trim();
      timer = setTimeout(() => load(true, wanted), delay);
    };
    search.addEventListener("input", () => ask(SEARCH_DEBOUNCE_MS));
    search.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") ask(0);
    });

    let loading = false; // not `disabled` while a page loads: that would drop the focus
    more.addEventListener("click", async () => {
      if (loading) return;
      loading = true;
      const hadFocus = document.activeElement === more;
      try {
        await load(false, text);
        // The focus stays in the list (the button is moved to the end, which drops it): on
        // the button, or on the list once all show; not when it moved on (a search).
        if (hadFocus && dialog.open && !dialog.contains(document.activeElement)) {
          if (moreItem.isConnected) more.focus();
          else list.focus();
        }
      } finally {
        loading = false;
      }
    });

    byId("directory-button").addEventListener("click", () => {
      search.value = "";
      list.replaceChildren(el("li", { text: "Loading…" }));
      dialog.showModal();
      search.focus();
      ask(0);
    });
    dialog.addEventListener("close", () => {
      clearTimeout(timer);
      asked++; // whatever is still on its way is for a closed dialog
    });
  }
}
