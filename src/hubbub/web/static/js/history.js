// History of the message view: the first page of a room, upward infinite scroll that
// keeps the reader's place, newer pages after a jump, jumps to a message (a page loaded
// around it) and the "New messages" divider at the read marker. Installed on
// MessageView's prototype (messages.js), so `this` is the view.

import { api } from "./api.js";
import { byId, el } from "./dom.js";
import { clearMentions } from "./mentions.js";

const PAGE = 50;
const LATEST = "Jump to the latest messages ↓";

let current = null; // the one MessageView of the page (search and panels jump through it)

export function setCurrentView(view) {
  current = view;
}

// Opens `roomId` (through `openRoom`, the app's router) scrolled to `messageId`,
// highlighted; a room already on screen just scrolls there.
export function jumpToMessage(roomId, messageId, openRoom) {
  if (!current) return;
  if (current.room && current.room.id === roomId) current.jumpTo(messageId);
  else {
    current.pendingJump = { roomId, messageId };
    openRoom(roomId);
  }
}

export const history = {
  async reload() {
    const room = this.room;
    if (!room) return;
    // The read marker counts once, when the room opens (a later reload draws none).
    const marker = this.unreadAfter;
    this.unreadAfter = null;
    if (this.pendingJump && this.pendingJump.roomId === room.id) {
      const { messageId } = this.pendingJump;
      this.pendingJump = null;
      await this.jumpTo(messageId, true, marker);
      return;
    }
    let page;
    try {
      page = await this.fetchPage(`/rooms/${room.id}/messages?limit=${PAGE}`);
    } catch (err) {
      byId("room-error").textContent = err.message;
      return;
    }
    if (this.room !== room) return; // the reader moved on meanwhile
    const first = page.messages.length ? page.messages[0].id : null;
    if (marker !== null && page.has_more && first !== null && first > marker) {
      // More unread than one page: open at the read marker rather than at the end.
      await this.jumpTo(marker, false, marker);
      return;
    }
    this.items.clear();
    clearMentions();
    this.divider = null;
    this.setHasMoreAfter(false);
    this.actionBar.reset();
    this.list.replaceChildren(...page.messages.map((m) => this.render(m)));
    this.hasMore = page.has_more;
    this.placeDivider(marker);
    this.placeDays();
    this.replayHeld();
    this.list.scrollTop = this.list.scrollHeight;
    this.ack();
    // A page that does not fill the list gives no scroll to react to: fetch on.
    while (this.room === room && this.hasMore && this.list.scrollHeight <= this.list.clientHeight) {
      const count = this.items.size;
      await this.loadOlder();
      if (this.items.size === count) break;
    }
    this.revealDivider();
  },

  // A page centred on `messageId` (GET ?around=), scrolled to it and, when `highlight`,
  // marked; without a highlight (the read marker) the "New messages" divider is shown.
  async jumpTo(messageId, highlight = true, marker = null) {
    const room = this.room;
    if (!room) return;
    if (!this.items.has(messageId)) {
      let page;
      try {
        page = await this.fetchPage(`/rooms/${room.id}/messages?around=${messageId}&limit=${PAGE}`);
      } catch (err) {
        byId("room-error").textContent = err.message;
        return;
      }
      if (this.room !== room) return;
      this.items.clear();
      clearMentions();
      this.divider = null;
      this.actionBar.reset();
      this.list.replaceChildren(...page.messages.map((m) => this.render(m)));
      this.hasMore = page.has_more_before;
      this.setHasMoreAfter(page.has_more_after);
      if (this.latestButton) this.latestButton.textContent = LATEST;
      this.placeDivider(marker);
      this.placeDays();
      this.replayHeld();
    }
    for (const item of this.items.values()) item.li.classList.remove("jumped");
    const item = this.items.get(messageId);
    if (highlight && item) {
      item.li.classList.add("jumped");
      this.scrollToNode(item.li, "center");
    } else if (highlight) {
      byId("room-error").textContent = "That message is not in this room any more.";
    } else if (this.divider) this.scrollToNode(this.divider, "start");
    else this.list.scrollTop = this.list.scrollHeight;
    this.ack();
    // A short page gives no scroll to react to: fetch newer ones until it scrolls.
    while (this.room === room && this.hasMoreAfter && this.list.scrollHeight <= this.list.clientHeight) {
      const count = this.items.size;
      await this.loadNewer();
      if (this.items.size === count) break;
    }
  },

  // After a jump the newest messages are not on screen: a button goes back to them.
  setHasMoreAfter(more) {
    this.hasMoreAfter = Boolean(more);
    if (!this.latestButton) {
      if (!this.hasMoreAfter) return;
      this.latestButton = el("button", { type: "button", className: "jump-latest", "data-testid": "jump-latest", text: LATEST });
      this.latestButton.addEventListener("click", async () => {
        await this.reload();
        this.input.focus();
      });
      byId("composer-extras").prepend(this.latestButton);
    }
    this.latestButton.hidden = !this.hasMoreAfter;
  },

  scrollToNode(node, where) {
    const box = this.list.getBoundingClientRect();
    const rect = node.getBoundingClientRect();
    const offset = where === "center" ? (box.height - rect.height) / 2 : 8;
    this.list.scrollTop += rect.top - box.top - Math.max(0, offset);
  },

  // The "New messages" divider goes above the first message of someone else after the
  // read marker `marker` (the last read message id); the page shown holds that boundary.
  placeDivider(marker) {
    if (this.divider || marker === null || !this.items.size) return;
    const ids = [...this.items.keys()].sort((a, b) => a - b);
    const firstUnread = ids.find((id) => id > marker && !this.isMine(this.items.get(id).message));
    if (firstUnread === undefined) return;
    this.divider = el(
      "li",
      { className: "unread-divider", role: "separator", "aria-label": "New messages", "data-testid": "unread-divider" },
      el("span", { text: "New messages" }),
    );
    this.items.get(firstUnread).li.before(this.divider);
  },

  // After opening a room: a divider above the screen is scrolled to.
  revealDivider() {
    if (!this.divider) return;
    const box = this.list.getBoundingClientRect();
    if (this.divider.getBoundingClientRect().top < box.top) this.scrollToNode(this.divider, "start");
  },

  // The first message whose bottom is below the list's top edge: what the reader is
  // looking at, kept at the same screen position while pages load above it.
  anchor() {
    const top = this.list.getBoundingClientRect().top;
    for (const li of this.list.children) {
      if (!this.drawn.has(li)) continue; // a divider may be placed again: not an anchor
      const rect = li.getBoundingClientRect();
      if (rect.bottom > top) return { li, top: rect.top };
    }
    return null;
  },

  // A page of history. Live events heard while it is on its way are held by the view
  // (message-events.js) and applied again once the page is drawn (`replayHeld`).
  async fetchPage(path) {
    this.pagesInFlight += 1;
    try {
      return await api("GET", path);
    } finally {
      this.pagesInFlight -= 1;
    }
  },

  // One page of messages next to those shown, `before` the oldest or `after` the newest;
  // `draw(page)` puts it in the list unless another room was opened meanwhile.
  async loadPage(direction, busy, draw) {
    const ids = [...this.items.keys()];
    const edge = direction === "before" ? Math.min(...ids) : Math.max(...ids);
    if (!Number.isFinite(edge)) return;
    this[busy] = true;
    const room = this.room;
    try {
      const page = await this.fetchPage(`/rooms/${room.id}/messages?${direction}=${edge}&limit=${PAGE}`);
      if (this.room !== room) return;
      draw(page, (page.messages || []).filter((m) => !this.items.has(m.id)).map((m) => this.render(m)));
      this.replayHeld();
    } catch (err) {
      byId("room-error").textContent = err.message;
    } finally {
      this[busy] = false;
    }
  },

  loadOlder() {
    if (!this.room || !this.hasMore || this.loadingOlder) return;
    return this.loadPage("before", "loadingOlder", (page, fresh) => {
      // Keep the reader's place: what was on screen stays where it was.
      const mark = this.anchor();
      const before = this.list.scrollHeight;
      this.list.prepend(...fresh);
      this.placeDays();
      this.hasMore = page.has_more;
      if (mark && mark.li.isConnected) this.list.scrollTop += mark.li.getBoundingClientRect().top - mark.top;
      else this.list.scrollTop += this.list.scrollHeight - before;
    });
  },

  // Newer pages after a jump, as the reader scrolls down (GET ?after=).
  loadNewer() {
    if (!this.room || !this.hasMoreAfter || this.loadingNewer) return;
    return this.loadPage("after", "loadingNewer", (page, fresh) => {
      this.list.append(...fresh);
      this.placeDays();
      this.setHasMoreAfter(page.has_more);
      this.ack();
    });
  }
};
