// The "Moderation" dialog of a room, for its moderators: the pre-moderation queue
// (approve / reject, live as items arrive), the open reports (resolve / reject), the bans
// in force (unban), bulk deletion (the last N messages, or everything a user wrote) and
// the room's state (open/closed, slow mode, moderation mode, a timed freeze).
//
// Every section loads when shown and follows the gateway while the dialog is open; the
// queue and open-report counts also show on the "Moderation" button.

import { displayName, el, formatTime } from "./dom.js";
import { jumpToMessage } from "./messages.js";

const SECTIONS = [
  ["queue", "Queue"],
  ["reports", "Reports"],
  ["bans", "Bans"],
  ["purge", "Purge"],
  ["room", "Room"],
];

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function labelled(label, control) {
  control.id = nextId("modpanel");
  return el("div", { className: "mod-field" }, el("label", { for: control.id, text: label }), control);
}

function button(text, testid, fn, attrs = {}) {
  const node = el("button", { type: "button", "data-testid": testid, text, ...attrs });
  node.addEventListener("click", fn);
  return node;
}

function when(iso) {
  if (!iso) return "until lifted";
  const at = new Date(iso);
  return `until ${at.toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" })}`;
}

export class ModPanel {
  constructor(ctx, { rightsOf }) {
    this.ctx = ctx;
    this.rightsOf = rightsOf;
    this.room = null;
    this.section = "queue";
    this.queue = new Map(); // message id → queue item, of this.room
    this.counted = null; // the room whose counts were fetched
    this.reports = new Map(); // report id → open report, of this.room
    this.button = el("button", { type: "button", "data-testid": "moderation-button", "aria-haspopup": "dialog", hidden: true, text: "Moderation" });
    this.badge = el("span", { className: "badge mention", "data-testid": "moderation-count", hidden: true });
    this.button.append(" ", this.badge);
    this.button.addEventListener("click", () => this.open());
    this.build();
  }

  build() {
    const titleId = nextId("modpanel-title");
    this.title = el("h2", { id: titleId, text: "Moderation" });
    this.tabs = el("div", { role: "tablist", "aria-label": "Moderation sections", className: "mod-tabs" });
    this.panels = new Map();
    this.tabButtons = new Map();
    for (const [key, label] of SECTIONS) {
      const panelId = nextId("modpanel-panel");
      const tab = el("button", { type: "button", role: "tab", id: nextId("modpanel-tab"), "aria-controls": panelId, "aria-selected": "false", tabindex: "-1", "data-testid": "mod-tab", "data-tab": key, text: label });
      tab.addEventListener("click", () => this.show(key));
      tab.addEventListener("keydown", (ev) => this.tabKey(ev, key));
      const panel = el("div", { role: "tabpanel", id: panelId, "aria-labelledby": tab.id, "data-testid": `mod-panel-${key}`, hidden: true });
      this.tabs.append(tab);
      this.tabButtons.set(key, tab);
      this.panels.set(key, panel);
    }
    this.error = el("p", { className: "error", role: "alert", "data-testid": "mod-error" });
    const close = el("button", { type: "button", "data-testid": "mod-close", text: "Close" });
    this.dialog = el("dialog", { "aria-labelledby": titleId, "data-testid": "moderation-dialog", className: "mod-dialog mod-panel" }, this.title, this.tabs, ...this.panels.values(), this.error, close);
    close.addEventListener("click", () => this.dialog.close());
    document.body.append(this.dialog);
    this.buildQueue();
    this.buildReports();
    this.buildBans();
    this.buildPurge();
    this.buildRoom();
  }

  tabKey(ev, key) {
    const keys = SECTIONS.map(([k]) => k);
    let i = keys.indexOf(key);
    if (ev.key === "ArrowRight") i = (i + 1) % keys.length;
    else if (ev.key === "ArrowLeft") i = (i - 1 + keys.length) % keys.length;
    else if (ev.key === "Home") i = 0;
    else if (ev.key === "End") i = keys.length - 1;
    else return;
    ev.preventDefault();
    this.show(keys[i]);
    this.tabButtons.get(keys[i]).focus();
  }

  // -- the room on screen ----------------------------------------------------------------

  setRoom(room) {
    const changed = !this.room || !room || this.room.id !== room.id;
    this.room = room;
    if (changed) {
      this.queue.clear();
      this.reports.clear();
      this.counted = null;
      if (this.dialog.open) this.dialog.close();
    }
    const rights = room ? this.rightsOf(room.id) : null;
    // Conversations (DMs, groups) have no queue, bans or room state to manage.
    const conversation = room && (room.kind === "dm" || room.kind === "group");
    this.button.hidden = !(rights && rights.moderator) || Boolean(conversation);
    // The counts, once the rights say this user moderates the room (they arrive after it opens).
    if (room && rights.moderator && !conversation && this.counted !== room.id) {
      this.counted = room.id;
      this.refreshCounts();
    }
    this.updateBadge();
  }

  async refreshCounts() {
    const room = this.room;
    const rights = this.rightsOf(room.id);
    try {
      if (rights.can("manage_messages")) {
        const page = await this.ctx.api("GET", `/rooms/${room.id}/moderation/queue?limit=100`);
        if (this.room !== room) return;
        this.queue = new Map(page.items.map((item) => [item.message.id, item]));
      }
      const open = await this.ctx.api("GET", `/rooms/${room.id}/reports?status=created&limit=100`);
      if (this.room !== room) return;
      this.reports = new Map(open.reports.map((r) => [r.id, r]));
    } catch (err) {
      if (this.room === room) this.error.textContent = err.message;
    }
    this.updateBadge();
    // Only the lists this refreshed.
    this.redraw("queue");
    this.redraw("reports");
  }

  updateBadge() {
    const count = this.queue.size + this.reports.size;
    this.badge.textContent = String(count);
    this.badge.hidden = count === 0;
    this.button.setAttribute("aria-label", count ? `Moderation, ${count} waiting` : "Moderation");
  }

  open() {
    if (!this.room) return;
    this.title.textContent = `Moderation of # ${this.room.name}`;
    this.error.textContent = "";
    this.dialog.showModal();
    this.show(this.queue.size || !this.reports.size ? "queue" : "reports");
    this.tabButtons.get(this.section).focus();
    this.refreshCounts();
  }

  show(key) {
    this.section = key;
    for (const [k, tab] of this.tabButtons) {
      tab.setAttribute("aria-selected", String(k === key));
      tab.tabIndex = k === key ? 0 : -1;
      this.panels.get(k).hidden = k !== key;
    }
    this.error.textContent = "";
    this.render();
  }

  render() {
    if (this.section === "queue") this.renderQueue();
    else if (this.section === "reports") this.renderReports();
    else if (this.section === "bans") this.loadBans();
    else if (this.section === "purge") this.loadMembers();
    else if (this.section === "room") this.fillRoom();
  }

  async act(request) {
    this.error.textContent = "";
    try {
      return await request;
    } catch (err) {
      this.error.textContent = err.message;
      return undefined;
    }
  }

  // -- the queue ------------------------------------------------------------------------

  buildQueue() {
    this.queueList = el("ul", { "data-testid": "mod-queue", "aria-label": "Messages waiting for a moderator" });
    this.panels.get("queue").append(this.queueList);
  }

  renderQueue() {
    const items = [...this.queue.values()].map((item) => {
      const m = item.message;
      const why = item.reason === "pre_moderation" ? "pre-moderation" : `${item.report_count} reports`;
      const li = el(
        "li",
        { "data-testid": "mod-queue-item", "data-message-id": m.id },
        el("div", { className: "muted", text: `${displayName(m.author)} · ${formatTime(m.created_at)} · ${why}` }),
        el("div", { className: "mod-text", text: m.content_text || m.content }),
      );
      const row = el(
        "div",
        { className: "mod-row" },
        button("Approve", "mod-approve", () => this.resolve(m.id, true), { "aria-label": `Approve the message of ${displayName(m.author)}` }),
        button("Reject", "mod-reject", () => this.resolve(m.id, false), { "aria-label": `Reject the message of ${displayName(m.author)}` }),
      );
      li.append(row);
      return li;
    });
    this.queueList.replaceChildren(...(items.length ? items : [el("li", { className: "muted", text: "Nothing waits for a moderator." })]));
  }

  async resolve(messageId, approve) {
    const request = approve ? this.ctx.api("POST", `/messages/${messageId}/approve`, {}) : this.ctx.api("POST", `/messages/${messageId}/reject`, {});
    const done = await this.act(request);
    if (done) this.drop("queue", messageId);
  }

  // Redraws the queue's or the reports' list when it is the section on screen (a form
  // being filled in elsewhere keeps its input).
  redraw(section) {
    if (!this.dialog.open || this.section !== section) return;
    if (section === "queue") this.renderQueue();
    else if (section === "reports") this.renderReports();
  }

  // A held message or a report settled (here, from a message, or by another moderator).
  drop(section, id) {
    const items = section === "queue" ? this.queue : this.reports;
    if (!items.delete(id)) return;
    this.updateBadge();
    this.redraw(section);
  }

  // -- reports --------------------------------------------------------------------------

  buildReports() {
    this.reportList = el("ul", { "data-testid": "mod-reports", "aria-label": "Open reports" });
    this.panels.get("reports").append(this.reportList);
  }

  renderReports() {
    const items = [...this.reports.values()].map((r) => {
      const reporter = r.reporter || this.ctx.users.get(r.reporter_id) || { id: r.reporter_id };
      const li = el(
        "li",
        { "data-testid": "mod-report", "data-report-id": r.id },
        el("div", { className: "muted", text: `${r.reason} · by ${displayName(reporter)} · ${r.report_count} report(s)` }),
        this.reportTarget(r),
      );
      if (r.detail) li.append(el("div", { className: "mod-text", text: r.detail }));
      li.append(
        el(
          "div",
          { className: "mod-row" },
          button("Resolve", "mod-report-resolve", () => this.closeReport(r.id, true), { "aria-label": `Resolve report ${r.id}` }),
          button("Reject", "mod-report-reject", () => this.closeReport(r.id, false), { "aria-label": `Reject report ${r.id}` }),
        ),
      );
      return li;
    });
    this.reportList.replaceChildren(...(items.length ? items : [el("li", { className: "muted", text: "No open reports." })]));
  }

  // What the report is about, as text: a message's author and words (with a jump to
  // it), a user's or a room's name; its id until the list has said.
  reportTarget(r) {
    const target = r.target;
    const box = el("div", { className: "mod-report-target", "data-testid": "mod-report-target" });
    if (!target) {
      box.textContent = `${r.target_type} ${r.target_id}${r.target === null ? " (gone)" : ""}`;
    } else if (r.target_type === "message") {
      box.append(
        el("strong", { text: `${displayName(target.author)}: ` }),
        el("span", { className: "mod-text", "data-testid": "mod-report-excerpt", text: target.excerpt }),
        target.deleted ? el("span", { className: "muted", text: " (deleted)" }) : null,
        " ",
        button("Jump", "mod-report-jump", () => {
          this.dialog.close();
          jumpToMessage(target.room_id, target.id, this.ctx.openRoom);
        }, { "aria-label": `Jump to the reported message of ${displayName(target.author)}` }),
      );
    } else if (r.target_type === "user") {
      box.textContent = `user ${displayName(target)} (@${target.handle})`;
    } else {
      box.textContent = `${r.target_type} ${target.name}`;
    }
    return box;
  }

  async closeReport(reportId, resolve) {
    const request = resolve ? this.ctx.api("POST", `/reports/${reportId}/resolve`, {}) : this.ctx.api("POST", `/reports/${reportId}/reject`, {});
    if (await this.act(request)) this.drop("reports", reportId);
  }

  // -- bans -----------------------------------------------------------------------------

  buildBans() {
    this.banList = el("ul", { "data-testid": "mod-bans", "aria-label": "Bans in force" });
    this.panels.get("bans").append(this.banList);
  }

  async loadBans() {
    const room = this.room;
    const found = await this.act(this.ctx.api("GET", `/rooms/${room.id}/bans`));
    if (!found || this.room !== room) return;
    const items = [];
    for (const ban of found.bans) {
      const user = await this.userOf(ban.user_id);
      const kind = ban.kind === "kick_mute" ? "kick-muted" : ban.kind === "bounce" ? "bounced" : "banned";
      items.push(
        el(
          "li",
          { "data-testid": "mod-ban", "data-user-id": ban.user_id },
          el("strong", { text: displayName(user) }),
          el("span", { className: "muted", text: ` ${kind} ${when(ban.expires_at)}${ban.reason ? ` · ${ban.reason}` : ""} ` }),
          button("Unban", "mod-unban", () => this.unban(ban.user_id), { "aria-label": `Lift the ban of ${displayName(user)}` }),
        ),
      );
    }
    this.banList.replaceChildren(...(items.length ? items : [el("li", { className: "muted", text: "Nobody is banned." })]));
  }

  async userOf(userId) {
    if (this.ctx.users.has(userId)) return this.ctx.users.get(userId);
    try {
      const user = await this.ctx.api("GET", `/users/${userId}`);
      this.ctx.users.set(userId, user);
      return user;
    } catch (err) {
      return { id: userId };
    }
  }

  async unban(userId) {
    const done = await this.act(this.ctx.api("DELETE", `/rooms/${this.room.id}/bans/${userId}`));
    if (done !== undefined) this.loadBans();
  }

  // -- bulk deletion --------------------------------------------------------------------

  buildPurge() {
    this.purgeCount = el("input", { type: "number", min: "1", max: "100", value: "10", "data-testid": "mod-purge-count" });
    this.purgeLast = button("Delete the last messages", "mod-purge-last", () => this.deleteLast());
    this.purgeUser = el("select", { "data-testid": "mod-purge-user" });
    this.purgeUserButton = button("Delete all their messages", "mod-purge-user-submit", () => this.purgeAuthor());
    this.purgeResult = el("p", { role: "status", "data-testid": "mod-purge-result" });
    this.panels.get("purge").append(
      el("p", { className: "muted", text: "Deleted messages show as deleted to everyone at once; this cannot be undone." }),
      el("div", { className: "mod-row" }, labelled("How many of the newest messages (1–100)", this.purgeCount), this.purgeLast),
      el("div", { className: "mod-row" }, labelled("Every message of", this.purgeUser), this.purgeUserButton),
      this.purgeResult,
    );
  }

  async loadMembers() {
    const room = this.room;
    // One page, the server's most: a select longer than that would be no use anyway.
    const found = await this.act(this.ctx.api("GET", `/rooms/${room.id}/members?limit=1000`));
    if (!found || this.room !== room) return;
    const chosen = this.purgeUser.value;
    this.purgeUser.replaceChildren(...found.members.map((m) => el("option", { value: String(m.user.id), text: `${displayName(m.user)} (@${m.user.handle})` })));
    if (chosen) this.purgeUser.value = chosen;
  }

  async deleteLast() {
    const room = this.room;
    const count = Math.trunc(Number(this.purgeCount.value));
    if (!(count >= 1 && count <= 100)) {
      this.error.textContent = "Give a number of messages from 1 to 100.";
      return;
    }
    const page = await this.act(this.ctx.api("GET", `/rooms/${room.id}/messages?limit=${count}`));
    if (!page) return;
    const ids = page.messages.filter((m) => !m.deleted).map((m) => m.id);
    if (!ids.length) {
      this.purgeResult.textContent = "No messages to delete.";
      return;
    }
    const done = await this.act(this.ctx.api("POST", `/rooms/${room.id}/messages/bulk-delete`, { message_ids: ids }));
    if (done) this.purgeResult.textContent = `Deleted ${done.deleted_count} message(s).`;
  }

  async purgeAuthor() {
    const userId = Number(this.purgeUser.value);
    if (!userId) return;
    const done = await this.act(this.ctx.api("POST", `/rooms/${this.room.id}/purge`, { user_id: userId }));
    if (done) this.purgeResult.textContent = `Deleted ${done.deleted_count} message(s).`;
  }

  // -- room state -----------------------------------------------------------------------

  buildRoom() {
    this.openBox = el("input", { type: "checkbox", "data-testid": "mod-room-open" });
    this.slow = el("input", { type: "number", min: "0", max: "21600", step: "1", "data-testid": "mod-slow-mode" });
    this.mode = el("select", { "data-testid": "mod-moderation-mode" });
    for (const [value, label] of [
      ["none", "None"],
      ["post", "Post-moderation (reports queue messages)"],
      ["pre", "Pre-moderation (a moderator approves each message)"],
    ]) {
      this.mode.append(el("option", { value, text: label }));
    }
    this.roomSave = el("button", { type: "submit", "data-testid": "mod-room-save", text: "Save" });
    const form = el(
      "form",
      { className: "mod-form", "data-testid": "mod-room-form" },
      labelled("Open (everyone may post)", this.openBox),
      labelled("Slow mode: seconds between a member's messages (0 = off)", this.slow),
      labelled("Moderation", this.mode),
      this.roomSave,
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.saveRoom();
    });
    this.freezeFor = el("select", { "data-testid": "mod-freeze-duration" });
    for (const [value, label] of [
      [60, "1 minute"],
      [300, "5 minutes"],
      [1800, "30 minutes"],
      [3600, "1 hour"],
    ]) {
      this.freezeFor.append(el("option", { value: String(value), text: label }));
    }
    this.freezeState = el("p", { className: "muted", "data-testid": "mod-freeze-state" });
    const freeze = el(
      "div",
      { className: "mod-row" },
      labelled("Freeze (only moderators post) for", this.freezeFor),
      button("Freeze", "mod-freeze", () => this.freeze(true)),
      button("Unfreeze", "mod-unfreeze", () => this.freeze(false)),
    );
    this.panels.get("room").append(form, freeze, this.freezeState);
  }

  fillRoom() {
    const room = this.ctx.rooms().get(this.room.id) || this.room;
    this.openBox.checked = room.is_open !== false;
    this.slow.value = String(room.throttle_seconds || 0);
    this.mode.value = room.moderation || "none";
    const ends = room.timeout_ends_at && Date.parse(room.timeout_ends_at) > Date.now() ? room.timeout_ends_at : null;
    this.freezeState.textContent = ends ? `Frozen ${when(ends)}.` : "Not frozen.";
  }

  async saveRoom() {
    const room = this.ctx.rooms().get(this.room.id) || this.room;
    const wanted = { is_open: this.openBox.checked, throttle_seconds: Math.trunc(Number(this.slow.value) || 0), moderation: this.mode.value };
    const changes = {};
    for (const [key, value] of Object.entries(wanted)) {
      if (room[key] !== value) changes[key] = value;
    }
    if (!Object.keys(changes).length) return;
    this.roomSave.disabled = true;
    const done = await this.act(this.ctx.api("PATCH", `/rooms/${room.id}`, changes));
    this.roomSave.disabled = false;
    if (done) {
      this.ctx.upsertRoom(done);
      this.fillRoom();
    }
  }

  async freeze(on) {
    const id = this.room.id;
    if (on) {
      const done = await this.act(this.ctx.api("POST", `/rooms/${id}/timeout`, { duration_s: Number(this.freezeFor.value) }));
      if (done) this.ctx.upsertRoom({ id, timeout_ends_at: done.ends_at });
    } else {
      const done = await this.act(this.ctx.api("DELETE", `/rooms/${id}/timeout`));
      if (done !== undefined) this.ctx.upsertRoom({ id, timeout_ends_at: null });
    }
    if (this.room && this.room.id === id) this.fillRoom();
  }

  // -- live -----------------------------------------------------------------------------

  onEvent(frame) {
    const room = this.room;
    const data = frame.data || {};
    const roomId = frame.room_id ?? data.room_id ?? (data.report ? data.report.room_id : undefined);
    if (!room || roomId !== room.id) return;
    const type = frame.type;
    if (type === "moderation.queued" && data.message) {
      this.queue.set(data.message.id, { message: data.message, reason: data.reason, report_count: data.report_count, queued_at: data.queued_at });
      this.updateBadge();
      this.redraw("queue");
    } else if (type === "moderation.resolved") {
      this.drop("queue", data.message_id);
    } else if (type === "report.created" && data.report && data.report.status === "created") {
      this.reports.set(data.report.id, data.report);
      this.updateBadge();
      this.redraw("reports");
      // The event names the target by id; the moderators' list says what it is.
      this.refreshCounts();
    } else if (type === "report.updated" && data.report && data.report.status !== "created") {
      this.drop("reports", data.report.id);
    } else if ((type === "room.ban.created" || type === "room.ban.removed") && this.dialog.open && this.section === "bans") {
      this.loadBans();
    } else if (["room.updated", "room.opened", "room.closed", "room.timeout.started", "room.timeout.ended"].includes(type) && this.dialog.open && this.section === "room") {
      this.fillRoom();
    }
  }
}
