// The message view of one room: history with upward infinite scroll that keeps the
// reader's place, live updates, send (Enter; Shift+Enter = newline), edit and delete of
// own messages, reply, reactions, stars and pins, typing and editing indicators, quotes,
// highlighted mentions, a "New messages" divider at the read marker, and jumps to a
// message (a page loaded around it, then newer pages as the reader scrolls down).
//
// Message bodies are the server's sanitised `content_html`, the only string this client
// ever assigns to innerHTML; author names and everything else go through textContent.

import { api } from "./api.js";
import { byId, displayName, el, formatTime } from "./dom.js";
import { Indicators } from "./indicators.js";
import { clearMentions, markMentions } from "./mentions.js";

const PAGE = 50;
const QUICK_REACTIONS = ["👍", "❤️", "😂"];
const TYPING_REFRESH_MS = 3000; // D.51: clients refresh at most every 3 s
const LATEST = "Jump to the latest messages ↓";
const EDGE_PX = 80; // this close to the top (bottom) of the list, older (newer) pages load

let current = null; // the one MessageView of the page (search and panels jump through it)

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

export class MessageView {
  constructor({ gateway, getMe, users, onAck, onOpenDm, messageActions, messageExtras }) {
    this.onOpenDm = onOpenDm;
    // Features (features.js) add buttons to a message and content under its body.
    this.featureActions = messageActions || (() => []);
    this.featureExtras = messageExtras || (() => []);
    this.gateway = gateway;
    this.getMe = getMe; // the signed-in user, known once `ready` arrives
    this.users = users; // id → actor, filled from authors as messages arrive
    this.onAck = onAck;
    this.room = null;
    this.items = new Map(); // message id → {message, li}
    this.hasMore = false; // older messages exist beyond the first shown
    this.hasMoreAfter = false; // newer ones exist beyond the last shown (after a jump)
    this.loadingOlder = false;
    this.loadingNewer = false;
    this.pendingJump = null; // {roomId, messageId}: where the next open of that room goes
    // Set by features (composer.js): the last read message id of a room (read marker),
    // a click on an author's name, and hooks that add fields to a sent message.
    this.lastReadOf = () => null;
    this.onAuthor = null;
    this.composeHooks = []; // {collect(): fields | null (throws to refuse), sent()}
    this.unreadAfter = null; // the read marker of the room being opened, until drawn
    this.divider = null;
    this.replyTo = null;
    this.indicators = new Indicators({
      users,
      getMe: () => this.me,
      onEditing: (messageId, name) => this.showEditor(messageId, name),
    });
    this.lastTypingSent = 0;
    this.list = byId("message-list");
    this.input = byId("composer-input");
    this.bind();
    current = this;
  }

  get me() {
    return this.getMe() || { id: null };
  }

  bind() {
    this.list.addEventListener("scroll", () => {
      const fromEnd = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight;
      this.atEnd = fromEnd < 4;
      if (this.list.scrollTop < EDGE_PX) this.loadOlder();
      if (fromEnd < EDGE_PX) this.loadNewer();
    });
    // A reader at the end stays there when the list gets shorter (the composer's extras
    // grow: uploads, a quote, the completion list) or the window is resized.
    this.atEnd = true;
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => {
        if (this.atEnd && !this.hasMoreAfter) this.list.scrollTop = this.list.scrollHeight;
      }).observe(this.list);
    }
    this.input.addEventListener("keydown", (ev) => {
      // A feature's popup (the @handle completion) may have taken the key already.
      if (ev.defaultPrevented) return;
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.send();
      }
    });
    this.input.addEventListener("input", () => this.typing());
    byId("composer").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
    byId("reply-cancel").addEventListener("click", () => this.setReply(null));
  }

  async open(room) {
    this.room = room;
    this.items.clear();
    clearMentions();
    this.setHasMoreAfter(false);
    this.divider = null;
    this.unreadAfter = this.lastReadOf(room.id) ?? null;
    if (this.pendingJump && this.pendingJump.roomId !== room.id) this.pendingJump = null;
    this.indicators.clear();
    this.setReply(null);
    this.list.replaceChildren();
    byId("room-name").textContent = room.kind === "dm" ? room.name : `# ${room.name}`;
    byId("room-topic").textContent = room.topic || room.description || "";
    byId("room-error").textContent = "";
    byId("leave-button").hidden = room.kind === "dm";
    byId("room-tools").hidden = false;
    byId("settings-button").hidden = room.owner_id !== this.me.id;
    this.input.disabled = false;
    byId("composer-send").disabled = false;
    await this.reload();
    this.input.focus();
  }

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
      page = await api("GET", `/rooms/${room.id}/messages?limit=${PAGE}`);
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
    this.list.replaceChildren(...page.messages.map((m) => this.render(m)));
    this.hasMore = page.has_more;
    this.placeDivider(marker);
    this.list.scrollTop = this.list.scrollHeight;
    this.ack();
    // A page that does not fill the list gives no scroll to react to: fetch on.
    while (this.room === room && this.hasMore && this.list.scrollHeight <= this.list.clientHeight) {
      const count = this.items.size;
      await this.loadOlder();
      if (this.items.size === count) break;
    }
    this.revealDivider();
  }

  // A page centred on `messageId` (GET ?around=), scrolled to it and, when `highlight`,
  // marked; without a highlight (the read marker) the "New messages" divider is shown.
  async jumpTo(messageId, highlight = true, marker = null) {
    const room = this.room;
    if (!room) return;
    if (!this.items.has(messageId)) {
      let page;
      try {
        page = await api("GET", `/rooms/${room.id}/messages?around=${messageId}&limit=${PAGE}`);
      } catch (err) {
        byId("room-error").textContent = err.message;
        return;
      }
      if (this.room !== room) return;
      this.items.clear();
      clearMentions();
      this.divider = null;
      this.list.replaceChildren(...page.messages.map((m) => this.render(m)));
      this.hasMore = page.has_more_before;
      this.setHasMoreAfter(page.has_more_after);
      if (this.latestButton) this.latestButton.textContent = LATEST;
      this.placeDivider(marker);
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
  }

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
  }

  scrollToNode(node, where) {
    const box = this.list.getBoundingClientRect();
    const rect = node.getBoundingClientRect();
    const offset = where === "center" ? (box.height - rect.height) / 2 : 8;
    this.list.scrollTop += rect.top - box.top - Math.max(0, offset);
  }

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
  }

  // After opening a room: a divider above the screen is scrolled to.
  revealDivider() {
    if (!this.divider) return;
    const box = this.list.getBoundingClientRect();
    if (this.divider.getBoundingClientRect().top < box.top) this.scrollToNode(this.divider, "start");
  }

  isMine(message) {
    return Boolean(message.author && message.author.id === this.me.id);
  }

  // The first message whose bottom is below the list's top edge: what the reader is
  // looking at, kept at the same screen position while pages load above it.
  anchor() {
    const top = this.list.getBoundingClientRect().top;
    for (const li of this.list.children) {
      const rect = li.getBoundingClientRect();
      if (rect.bottom > top) return { li, top: rect.top };
    }
    return null;
  }

  async loadOlder() {
    if (!this.room || !this.hasMore || this.loadingOlder) return;
    const oldest = Math.min(...this.items.keys());
    if (!Number.isFinite(oldest)) return;
    this.loadingOlder = true;
    const room = this.room;
    try {
      const page = await api("GET", `/rooms/${room.id}/messages?before=${oldest}&limit=${PAGE}`);
      if (this.room !== room) return;
      // Keep the reader's place: what was on screen stays where it was.
      const mark = this.anchor();
      const before = this.list.scrollHeight;
      const fresh = page.messages.filter((m) => !this.items.has(m.id)).map((m) => this.render(m));
      this.list.prepend(...fresh);
      this.hasMore = page.has_more;
      if (mark && mark.li.isConnected) this.list.scrollTop += mark.li.getBoundingClientRect().top - mark.top;
      else this.list.scrollTop += this.list.scrollHeight - before;
    } catch (err) {
      byId("room-error").textContent = err.message;
    } finally {
      this.loadingOlder = false;
    }
  }

  // Newer pages after a jump, as the reader scrolls down (GET ?after=).
  async loadNewer() {
    if (!this.room || !this.hasMoreAfter || this.loadingNewer) return;
    const newest = Math.max(...this.items.keys());
    if (!Number.isFinite(newest)) return;
    this.loadingNewer = true;
    const room = this.room;
    try {
      const page = await api("GET", `/rooms/${room.id}/messages?after=${newest}&limit=${PAGE}`);
      if (this.room !== room) return;
      this.list.append(...page.messages.filter((m) => !this.items.has(m.id)).map((m) => this.render(m)));
      this.setHasMoreAfter(page.has_more);
      this.ack();
    } catch (err) {
      byId("room-error").textContent = err.message;
    } finally {
      this.loadingNewer = false;
    }
  }

  render(message) {
    if (message.author) this.users.set(message.author.id, message.author);
    const li = el("li", { className: "message", "data-testid": "message", "data-message-id": message.id, tabindex: "-1" });
    this.items.set(message.id, { message, li });
    this.fill(message, li);
    return li;
  }

  fill(message, li) {
    const mine = message.author && message.author.id === this.me.id;
    li.classList.toggle("mine", Boolean(mine));
    li.classList.toggle("deleted", Boolean(message.deleted));
    li.classList.toggle("mentioned", (message.mentions || []).includes(this.me.id));
    const head = el(
      "div",
      { className: "message-head" },
      this.authorNode(message.author),
      el("time", { datetime: message.created_at, text: formatTime(message.created_at) }),
      message.edited_at ? el("span", { className: "muted", "data-testid": "message-edited", text: "(edited)" }) : null,
      message.pinned ? el("span", { className: "pin", "data-testid": "message-pinned", text: "📌 pinned" }) : null,
      message.stars ? el("span", { className: "stars", "data-testid": "message-stars", text: `★ ${message.stars}` }) : null,
      el("span", { className: "muted editing", "data-testid": "message-editing", text: this.editorLabel(message.id) }),
    );
    const parts = [head];
    if (message.reply_to) {
      parts.push(
        el("div", { className: "reply-ref", "data-testid": "message-reply-ref" }, el("span", { text: `↪ ${displayName(message.reply_to.author)}: ${message.reply_to.excerpt || ""}` })),
      );
    }
    if (message.quote_of && !message.deleted) parts.push(this.quoteNode(message.quote_of));
    const body = el("div", { className: "body", "data-testid": "message-body" });
    if (message.deleted) body.textContent = "message deleted";
    else body.innerHTML = message.content_html; // sanitised by the server (render.py)
    markMentions(message.id, body, this.me.handle);
    parts.push(body);
    if (!message.deleted) parts.push(...this.featureExtras(message));
    if (!message.deleted) {
      parts.push(this.reactionBar(message));
      parts.push(this.actions(message, mine));
    }
    li.replaceChildren(...parts);
  }

  // The author's name: a button opening their profile (the people feature's dialog).
  authorNode(author) {
    const name = displayName(author);
    if (!author || !this.onAuthor) return el("span", { className: "author", "data-testid": "message-author", text: name });
    const button = el("button", {
      type: "button",
      className: "author",
      "data-testid": "message-author",
      "data-user-id": author.id,
      "aria-label": `Profile of ${name}`,
      text: name,
    });
    button.addEventListener("click", () => this.onAuthor(author.id));
    return button;
  }

  // A quoted message (`quote_of`, the server's snapshot): its author and plain text.
  quoteNode(quote) {
    const node = el(
      "blockquote",
      { className: "quote-ref", "data-testid": "message-quote-ref", "data-message-id": quote.id },
      el("span", { className: "quote-author", text: displayName(quote.author) }),
      el("span", { className: "quote-text", text: quote.content_text || "" }),
    );
    if (!quote.room_id || !this.room || quote.room_id === this.room.id) {
      node.classList.add("linked");
      node.tabIndex = 0;
      node.setAttribute("role", "link");
      node.setAttribute("aria-label", `Quoted message of ${displayName(quote.author)}: go to it`);
      const go = () => this.jumpTo(quote.id);
      node.addEventListener("click", go);
      node.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") go();
      });
    }
    return node;
  }

  reactionBar(message) {
    const bar = el("div", { className: "reactions", "data-testid": "message-reactions" });
    for (const r of message.reactions || []) {
      const mine = r.me === true || (r.user_ids || []).includes(this.me.id);
      const button = el("button", {
        type: "button",
        className: mine ? "reaction mine" : "reaction",
        "data-testid": "reaction",
        "data-emoji": r.emoji,
        "aria-pressed": mine ? "true" : "false",
        "aria-label": `${r.emoji} ${r.count}`,
        text: `${r.emoji} ${r.count}`,
      });
      button.addEventListener("click", () => this.react(message.id, r.emoji, !mine));
      bar.append(button);
    }
    return bar;
  }

  actions(message, mine) {
    const box = el("div", { className: "actions" });
    const add = (label, testid, fn) => {
      const button = el("button", { type: "button", "data-testid": testid, text: label });
      button.addEventListener("click", fn);
      box.append(button);
    };
    add("Reply", "message-reply", () => this.setReply(message));
    for (const emoji of QUICK_REACTIONS) {
      add(emoji, "message-react", () => this.react(message.id, emoji, true));
    }
    const starred = message.starred_by_you === true;
    // One's own messages cannot be starred (the server refuses): no button for them.
    if (!mine) add(starred ? "Unstar" : "Star", "message-star", () => this.star(message.id, !starred));
    add(message.pinned ? "Unpin" : "Pin", "message-pin", () => this.pin(message.id, !message.pinned));
    if (message.author && !mine) add("Message", "message-dm", () => this.onOpenDm(message.author.id));
    if (mine) {
      add("Edit", "message-edit", () => this.startEdit(message.id));
      add("Delete", "message-delete", () => this.remove(message.id));
    }
    box.append(...this.featureActions(message, mine));
    return box;
  }

  async react(messageId, emoji, add) {
    try {
      const updated = await api(add ? "PUT" : "DELETE", `/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`);
      this.replace(updated);
    } catch (err) {
      byId("room-error").textContent = err.message;
    }
  }

  star(messageId, on) {
    return this.update(api(on ? "PUT" : "DELETE", `/messages/${messageId}/star`));
  }

  pin(messageId, on) {
    return this.update(api(on ? "PUT" : "DELETE", `/messages/${messageId}/pin`));
  }

  async update(request) {
    try {
      this.replace(await request); // the REST answer is the updated message
    } catch (err) {
      byId("room-error").textContent = err.message;
    }
  }

  editorLabel(messageId) {
    const name = this.indicators.editorOf(messageId);
    return name ? `${name} is editing…` : "";
  }

  showEditor(messageId, name) {
    const item = this.items.get(messageId);
    const node = item && item.li.querySelector("[data-testid=message-editing]");
    if (node) node.textContent = name ? `${name} is editing…` : "";
  }

  // Draws a message again (a feature's state about it changed).
  rerender(messageId) {
    const item = this.items.get(messageId);
    if (item) this.fill(item.message, item.li);
  }

  patch(messageId, fields) {
    const item = this.items.get(messageId);
    if (item) this.replace({ ...item.message, ...fields });
  }

  startEdit(messageId) {
    const item = this.items.get(messageId);
    if (!item) return;
    const body = item.li.querySelector("[data-testid=message-body]");
    const box = el("textarea", { className: "edit", "data-testid": "message-edit-input", "aria-label": "Edit message", rows: "2" });
    box.value = item.message.content;
    body.replaceChildren(box);
    this.gateway.send({ op: "editing", message_id: messageId });
    box.focus();
    box.addEventListener("keydown", async (ev) => {
      if (ev.key === "Escape") {
        this.gateway.send({ op: "editing", message_id: messageId, stop: true });
        this.fill(item.message, item.li);
      } else if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        try {
          this.replace(await api("PATCH", `/messages/${messageId}`, { content: box.value }));
        } catch (err) {
          byId("room-error").textContent = err.message;
        }
      }
    });
  }

  async remove(messageId) {
    try {
      await api("DELETE", `/messages/${messageId}`);
      this.markDeleted(messageId);
    } catch (err) {
      byId("room-error").textContent = err.message;
    }
  }

  setReply(message) {
    this.replyTo = message;
    byId("reply-bar").hidden = !message;
    byId("reply-text").textContent = message ? `Replying to ${displayName(message.author)}` : "";
    if (message) this.input.focus();
  }

  async send() {
    const content = this.input.value;
    if (!this.room) return;
    // Features add fields (attachments, quote_of); one may refuse (uploads still running).
    const extras = {};
    try {
      for (const hook of this.composeHooks) Object.assign(extras, hook.collect() || {});
    } catch (err) {
      byId("room-error").textContent = err.message;
      return;
    }
    if (!content.trim() && !Object.keys(extras).length) return;
    const body = { content, nonce: crypto.randomUUID ? crypto.randomUUID() : String(Math.random()), ...extras };
    if (this.replyTo) body.reply_to = this.replyTo.id;
    this.input.value = "";
    byId("room-error").textContent = "";
    // The message ends this typing indicator for everyone: the next keystroke, even
    // within the 3 s throttle, must announce typing anew.
    this.lastTypingSent = 0;
    const room = this.room;
    try {
      const message = await api("POST", `/rooms/${room.id}/messages`, body);
      this.setReply(null);
      for (const hook of this.composeHooks) hook.sent();
      if (this.room !== room) return;
      if (this.hasMoreAfter) await this.reload(); // far up after a jump: back to the end
      else this.append(message);
    } catch (err) {
      this.input.value = content; // nothing lost: the text comes back to retry
      byId("room-error").textContent = err.message;
    }
  }

  typing() {
    const now = Date.now();
    if (!this.room || now - this.lastTypingSent < TYPING_REFRESH_MS) return;
    this.lastTypingSent = now;
    this.gateway.send({ op: "typing", room_id: this.room.id });
  }

  append(message) {
    if (this.items.has(message.id)) {
      this.replace(message);
      return;
    }
    if (this.hasMoreAfter) {
      // Not at the end of history: it comes with loadNewer(); the button says so.
      this.latestButton.textContent = "New messages below: jump to the latest ↓";
      return;
    }
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(this.render(message));
    if (atBottom || (message.author && message.author.id === this.me.id)) this.list.scrollTop = this.list.scrollHeight;
    this.ack();
  }

  replace(message) {
    const item = this.items.get(message.id);
    if (!item) return;
    item.message = message;
    this.fill(message, item.li);
  }

  markDeleted(messageId) {
    const item = this.items.get(messageId);
    if (!item) return;
    item.message = { ...item.message, deleted: true };
    this.fill(item.message, item.li);
  }

  ack() {
    if (!this.room || !this.items.size || document.hidden) return;
    this.onAck(this.room.id, Math.max(...this.items.keys()));
  }

  // -- live events (all for this.room; app.js routes them) -----------------------------

  event(type, data) {
    if (type === "message.created") {
      this.indicators.stopTyping(data.message.author && data.message.author.id);
      this.append(data.message);
    } else if (type === "message.updated") {
      const item = this.items.get(data.message_id);
      if (!item) return;
      const changes = data.changes || {};
      this.replace({ ...item.message, ...changes, edit_count: data.edit_count, edited_at: data.modified_at || new Date().toISOString() });
      this.indicators.stopEditing(data.message_id);
    } else if (type === "message.deleted") {
      this.markDeleted(data.message_id);
    } else if (type === "message.reaction.added" || type === "message.reaction.removed") {
      this.applyReaction(data, type === "message.reaction.added");
    } else if (type === "message.reaction.cleared") {
      const item = this.items.get(data.message_id);
      if (!item) return;
      const reactions = data.emoji ? (item.message.reactions || []).filter((r) => r.emoji !== data.emoji) : [];
      this.replace({ ...item.message, reactions });
    } else if (type === "message.stars.updated") {
      const fields = { stars: data.stars };
      if (data.by_you !== undefined) fields.starred_by_you = data.by_you;
      this.patch(data.message_id, fields);
    } else if (type === "message.pinned") {
      this.patch(data.message_id, { pinned: true, pinned_at: data.pinned_at });
    } else if (type === "message.unpinned") {
      this.patch(data.message_id, { pinned: false, pinned_at: null });
    } else if (type === "typing.started") {
      this.indicators.startTyping(data.user_id, data.expires_at);
    } else if (type === "typing.stopped") {
      this.indicators.stopTyping(data.user_id);
    } else if (type === "message.editing.started") {
      this.indicators.startEditing(data.message_id, data.user_id);
    } else if (type === "message.editing.stopped") {
      this.indicators.stopEditing(data.message_id);
    }
  }

  applyReaction(data, added) {
    const item = this.items.get(data.message_id);
    if (!item) return;
    const reactions = (item.message.reactions || []).map((r) => ({ ...r, user_ids: [...(r.user_ids || [])] }));
    let entry = reactions.find((r) => r.emoji === data.emoji);
    if (!entry) {
      entry = { emoji: data.emoji, count: 0, user_ids: [] };
      reactions.push(entry);
    }
    entry.count = data.count;
    const ids = new Set(entry.user_ids);
    if (added) ids.add(data.user_id);
    else ids.delete(data.user_id);
    entry.user_ids = [...ids];
    if (data.user_id === this.me.id) entry.me = added;
    this.replace({ ...item.message, reactions: reactions.filter((r) => r.count > 0) });
  }
}
