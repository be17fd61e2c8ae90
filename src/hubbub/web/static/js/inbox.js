// The notifications inbox: a button with the unread count (GET /notifications/
// unread_count, kept current by `notification.created`), a dialog listing them newest
// first, "mark all read". Text comes from `content_text`, set with textContent.

import { api } from "./api.js";
import { byId, displayName, el, formatTime } from "./dom.js";

export class Inbox {
  constructor({ onOpenRoom }) {
    this.unread = 0;
    this.onOpenRoom = onOpenRoom;
    this.dialog = byId("inbox-dialog");
    this.list = byId("inbox-list");
    byId("inbox-button").addEventListener("click", () => this.open());
    byId("inbox-read-all").addEventListener("click", () => this.readAll());
  }

  async refresh() {
    try {
      this.setUnread((await api("GET", "/notifications/unread_count")).unread_count);
    } catch (err) {
      // The count is a convenience: the list shows the truth when opened.
    }
  }

  setUnread(count) {
    this.unread = Math.max(0, count);
    const badge = byId("inbox-count");
    badge.textContent = this.unread ? String(this.unread) : "";
    badge.hidden = !this.unread;
    byId("inbox-button").setAttribute("aria-label", `Notifications, ${this.unread} unread`);
  }

  created() {
    this.setUnread(this.unread + 1);
    if (this.dialog.open) this.load();
  }

  async open() {
    this.dialog.showModal();
    await this.load();
  }

  async load() {
    let page;
    try {
      page = await api("GET", "/notifications?limit=50");
    } catch (err) {
      this.list.replaceChildren(el("li", { className: "error", text: err.message }));
      return;
    }
    this.setUnread(page.unread_count);
    if (!page.notifications.length) {
      this.list.replaceChildren(el("li", { text: "No notifications." }));
      return;
    }
    this.list.replaceChildren(...page.notifications.map((n) => this.item(n)));
  }

  item(n) {
    const where = n.room_name ? ` in ${n.room_name}` : "";
    const li = el(
      "li",
      { "data-testid": "notification", "data-notification-id": n.id, className: n.read ? "" : "unread" },
      el("div", { className: "muted", text: `${n.kind} · ${displayName(n.actor)}${where} · ${formatTime(n.created_at)}` }),
      el("div", { text: n.content_text }),
    );
    if (n.room_id) {
      const go = el("button", { type: "button", "data-testid": "notification-open", text: "Open" });
      go.addEventListener("click", async () => {
        this.dialog.close();
        if (!n.read) {
          try {
            await api("POST", `/notifications/${n.id}/read`);
            this.setUnread(this.unread - 1);
          } catch (err) {
            // Marking read can wait for the next try.
          }
        }
        this.onOpenRoom(n.room_id);
      });
      li.append(go);
    }
    return li;
  }

  async readAll() {
    try {
      await api("POST", "/notifications/read-all");
      await this.load();
    } catch (err) {
      this.list.prepend(el("li", { className: "error", text: err.message }));
    }
  }
}
