// The notifications inbox: a button with the unread count (GET /notifications/
// unread_count, kept current by `notification.created`), a dialog listing them newest
// first 50 at a time ("Load more" pages back with `before`), each with its kind, "Open"
// (marks it read, goes to its room) and "Mark all read". Text comes from
// `content_text`, set with textContent. app.js builds the Inbox; the people feature
// forwards the gateway's notification events to `inboxEvent` so an open list follows
// them without losing the pages already loaded.

import { api } from "./api.js";
import { DesktopNotifier } from "./desktop-notify.js";
import { byId, displayName, el, formatTime } from "./dom.js";
import { jumpToMessage } from "./messages.js";

const PAGE = 50;
const KINDS = {
  mention: "Mention",
  reply: "Reply",
  invitation: "Invitation",
  access_request: "Access request",
  kick: "Removed",
  global: "Announcement",
  scheduled_event: "Event",
};

let current = null; // the Inbox app.js made

export class Inbox {
  constructor({ onOpenRoom, currentRoomId }) {
    this.unread = 0;
    this.onOpenRoom = onOpenRoom;
    this.desktop = new DesktopNotifier({
      kindLabel: (kind) => KINDS[kind] || kind,
      onOpen: (n) => this.go(n),
      currentRoomId: currentRoomId || (() => null),
    });
    this.dialog = byId("inbox-dialog");
    this.list = byId("inbox-list");
    this.rows = new Map(); // notification id → {n, li}
    // The count is the server's: each live change bumps `countGen` and asks again, and
    // only the answer to the newest question is applied (an older one, overtaken by a
    // notification meanwhile, would set a count that misses it).
    this.countGen = 0;
    this.countTimer = null;
    this.hasMore = false;
    this.loading = false;
    this.more = el("button", { type: "button", className: "inbox-more", "data-testid": "inbox-more", text: "Load more", hidden: true });
    this.status = el("p", { className: "muted", role: "status", "data-testid": "inbox-status" });
    this.list.after(this.status, this.more);
    this.list.setAttribute("aria-live", "polite");
    this.more.addEventListener("click", () => this.loadMore());
    byId("inbox-button").addEventListener("click", () => this.open());
    byId("inbox-read-all").addEventListener("click", () => this.readAll());
    byId("inbox-read-all").after(this.desktop.button, this.desktop.note);
    current = this;
  }

  async refresh() {
    clearTimeout(this.countTimer);
    const gen = ++this.countGen;
    try {
      const { unread_count: count } = await api("GET", "/notifications/unread_count");
      if (gen === this.countGen) this.setUnread(count);
    } catch (err) {
      // The count is a convenience: the list shows the truth when opened.
    }
  }

  // A live change of the count: any answer already on its way is stale; ask again once
  // the changes pause.
  recount() {
    this.countGen += 1;
    clearTimeout(this.countTimer);
    this.countTimer = setTimeout(() => this.refresh(), 250);
  }

  setUnread(count) {
    this.unread = Math.max(0, Number(count) || 0); // a count missing from an answer: none
    const badge = byId("inbox-count");
    badge.textContent = this.unread ? String(this.unread) : "";
    badge.hidden = !this.unread;
    byId("inbox-button").setAttribute("aria-label", `Notifications, ${this.unread} unread`);
  }

  // Signed out: nothing of this user's inbox stays for whoever signs in next on the page.
  reset() {
    if (this.dialog.open) this.dialog.close();
    clearTimeout(this.countTimer);
    this.countGen += 1; // an answer still on its way was for the last user
    this.rows.clear();
    this.list.replaceChildren();
    this.hasMore = false;
    this.more.hidden = true;
    this.status.textContent = "";
    this.setUnread(0);
  }

  // A notification heard live (app.js leaves out the ones replayed on a resume).
  created(n) {
    this.setUnread(this.unread + 1); // at once; the server's count follows
    this.recount();
    this.desktop.show(n);
    // An open list gets the new one from `event` (through the people feature).
  }

  async open() {
    this.desktop.sync();
    this.dialog.showModal();
    await this.load();
  }

  // The newest page, replacing whatever was listed.
  async load() {
    this.loading = true;
    this.status.textContent = "";
    const gen = this.countGen;
    let page;
    try {
      page = await api("GET", `/notifications?limit=${PAGE}`);
    } catch (err) {
      this.list.replaceChildren(el("li", { className: "error", text: err.message }));
      this.more.hidden = true;
      return;
    } finally {
      this.loading = false;
    }
    this.rows.clear();
    if (gen === this.countGen) this.setUnread(page.unread_count);
    this.list.replaceChildren(...(page.notifications || []).map((n) => this.item(n)));
    this.paged(page);
  }

  // The next older page, appended.
  async loadMore() {
    if (this.loading || !this.hasMore || !this.rows.size) return;
    const oldest = Math.min(...this.rows.keys());
    this.loading = true;
    this.more.disabled = true;
    this.status.textContent = "Loading…";
    const gen = this.countGen;
    try {
      const page = await api("GET", `/notifications?before=${oldest}&limit=${PAGE}`);
      this.list.append(...(page.notifications || []).filter((n) => !this.rows.has(n.id)).map((n) => this.item(n)));
      if (gen === this.countGen) this.setUnread(page.unread_count);
      this.paged(page);
    } catch (err) {
      this.status.textContent = err.message;
      this.status.className = "error";
    } finally {
      this.loading = false;
      this.more.disabled = false;
    }
  }

  paged(page) {
    this.hasMore = page.has_more;
    this.more.hidden = !page.has_more;
    this.status.className = "muted";
    const count = this.rows.size;
    this.status.textContent = count ? `${count} shown${page.has_more ? ", more below" : ""}` : "No notifications.";
  }

  item(n) {
    const where = n.room_name ? ` in ${n.room_name}` : "";
    const kind = KINDS[n.kind] || n.kind;
    const li = el(
      "li",
      { "data-testid": "notification", "data-notification-id": n.id, "data-kind": n.kind, className: n.read ? "" : "unread" },
      el(
        "div",
        { className: "muted" },
        el("span", { className: `kind kind-${n.kind}`, "data-testid": "notification-kind", text: kind }),
        ` ${displayName(n.actor)}${where} · ${formatTime(n.created_at)}${n.read ? "" : " · unread"}`,
      ),
      el("div", { text: n.content_text }),
    );
    this.rows.set(n.id, { n, li });
    if (n.room_id) {
      const go = el("button", { type: "button", "data-testid": "notification-open", text: "Open", "aria-label": `Open: ${kind}${where}` });
      go.addEventListener("click", () => this.go(n));
      li.append(go);
    } else if (!n.read) {
      const read = el("button", { type: "button", "data-testid": "notification-read", text: "Mark read" });
      read.addEventListener("click", () => this.markRead(n));
      li.append(read);
    }
    return li;
  }

  // Opens what a notification is about: its room, at its message when it has one; it
  // is then read.
  async go(n) {
    if (this.dialog.open) this.dialog.close();
    await this.markRead(n);
    if (n.message_id) jumpToMessage(n.room_id, n.message_id, this.onOpenRoom);
    else if (n.room_id) this.onOpenRoom(n.room_id);
  }

  async markRead(n) {
    if (n.read) return;
    try {
      await api("POST", `/notifications/${n.id}/read`);
      this.setRead(n.id);
      this.setUnread(this.unread - 1);
    } catch (err) {
      // Marking read can wait for the next try.
    }
  }

  setRead(id) {
    const row = this.rows.get(id);
    if (!row || row.n.read) return;
    const fresh = { ...row.n, read: true };
    const li = this.item(fresh);
    row.li.replaceWith(li);
  }

  // Gateway events (forwarded by the people feature, after app.js counted them).
  event(frame) {
    const data = frame.data || {};
    if (frame.type === "notification.created" && data.notification && this.dialog.open) {
      const n = data.notification;
      if (this.rows.has(n.id)) return;
      this.list.prepend(this.item(n));
      this.paged({ has_more: this.hasMore });
    } else if (frame.type === "notification.read") {
      const ids = new Set(data.notification_ids || []);
      for (const id of [...this.rows.keys()]) if (ids.has(id) || (data.up_to != null && id <= data.up_to)) this.setRead(id);
    }
  }

  // Everything read; the pages already loaded stay, each row marked read in place.
  async readAll() {
    try {
      const done = await api("POST", "/notifications/read-all");
      for (const id of [...this.rows.keys()]) if (done.up_to == null || id <= done.up_to) this.setRead(id);
      await this.refresh();
    } catch (err) {
      this.list.prepend(el("li", { className: "error", text: err.message }));
    }
  }
}

export function inboxEvent(frame) {
  if (current) current.event(frame);
}
