// The message view of one room: drawing messages, live updates, send (Enter;
// Shift+Enter = newline), edit and delete of own messages, reply, reactions, stars and
// pins, typing and editing indicators, quotes and highlighted mentions. Paging, jumps and
// the read marker are in history.js, the gateway events in message-events.js, the
// author, quote and reaction parts in message-parts.js (all three installed on
// MessageView's prototype), each message's toolbar and More menu in message-actions.js.
//
// Message bodies are the server's sanitised `content_html`, the only string this client
// ever assigns to innerHTML; author names and everything else go through textContent.

import { api, nonce } from "./api.js";
import { placeDays } from "./days.js";
import { byId, displayName, el, formatDateTime, formatTime } from "./dom.js";
import { Drafts } from "./drafts.js";
import { history, setCurrentView } from "./history.js";
import { Indicators } from "./indicators.js";
import { clearMentions, markMentions } from "./mentions.js";
import { MessageActions } from "./message-actions.js";
import { liveEvents } from "./message-events.js";
import { messageParts } from "./message-parts.js";

export { jumpToMessage } from "./history.js";

const TYPING_REFRESH_MS = 3000; // D.51: clients refresh at most every 3 s
const EDGE_PX = 80; // this close to the top (bottom) of the list, older (newer) pages load

// A short notice at the bottom of the screen ("Link copied."), read out politely.
function toast(text) {
  const node = el("p", { className: "toast", role: "status", "data-testid": "toast", text });
  document.body.append(node);
  setTimeout(() => node.remove(), 4000);
}

// A link in a message to another site opens in a new tab, so following it never
// leaves the chat; one to this server (a room's address) stays in the page.
function openLinksApart(body) {
  for (const link of body.querySelectorAll("a[href]")) {
    let url;
    try {
      url = new URL(link.getAttribute("href"), location.href);
    } catch (err) {
      continue;
    }
    if (url.origin === location.origin || (url.protocol !== "http:" && url.protocol !== "https:")) continue;
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
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
    this.drawn = new WeakMap(); // li → the message drawn in it (its parts' clicks use it)
    this.hasMore = false; // older messages exist beyond the first shown
    this.hasMoreAfter = false; // newer ones exist beyond the last shown (after a jump)
    this.loadingOlder = false;
    this.loadingNewer = false;
    this.pendingJump = null; // {roomId, messageId}: where the next open of that room goes
    this.pagesInFlight = 0; // history requests on their way (message-events.js holds events)
    this.heldEvents = []; // [type, data] heard while they were
    // Set by features (composer.js): the last read message id of a room (read marker),
    // a click on an author's name, and hooks that add fields to a sent message.
    this.lastReadOf = () => null;
    this.onAuthor = null;
    this.composeHooks = []; // {collect(): fields | null (throws to refuse), sent()}
    this.unreadAfter = null; // the read marker of the room being opened, until drawn
    this.divider = null;
    this.replyTo = null;
    this.editors = new Map(); // message id → its edit box, kept across redraws (no input lost)
    this.indicators = new Indicators({
      users,
      getMe: () => this.me,
      onEditing: (messageId) => this.showEditor(messageId),
    });
    this.lastTypingSent = 0;
    this.drafts = new Drafts();
    this.draftRoomId = null; // the room whose unsent text the composer holds
    this.editFromComposer = null; // the message an Up in the empty composer began editing
    this.list = byId("message-list");
    this.input = byId("composer-input");
    this.actionBar = new MessageActions(this);
    this.bind();
    setCurrentView(this);
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
      } else if (ev.key === "ArrowUp" && !this.input.value && !ev.shiftKey && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
        // Up in an empty composer edits one's last message (as in Slack and Discord);
        // the edit's Enter or Escape brings the focus back here.
        const last = this.lastOwnMessage();
        if (!last) return;
        ev.preventDefault();
        this.editFromComposer = last.id;
        this.items.get(last.id).li.scrollIntoView({ block: "nearest" });
        this.startEdit(last.id);
      }
    });
    this.input.addEventListener("input", () => {
      this.drafts.set(this.draftRoomId, this.input.value);
      this.typing();
    });
    byId("composer").addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
    byId("reply-cancel").addEventListener("click", () => this.setReply(null));
    this.bindParts(); // message-parts.js
  }

  async open(room) {
    this.room = room;
    this.items.clear();
    this.heldEvents = [];
    this.editors.clear();
    this.actionBar.reset();
    clearMentions();
    this.setHasMoreAfter(false);
    this.divider = null;
    this.unreadAfter = this.lastReadOf(room.id) ?? null;
    if (this.pendingJump && this.pendingJump.roomId !== room.id) this.pendingJump = null;
    this.indicators.clear();
    this.setReply(null);
    this.list.replaceChildren();
    byId("room-error").textContent = "";
    byId("leave-button").hidden = room.kind === "dm";
    byId("room-tools").hidden = false;
    byId("settings-button").hidden = room.owner_id !== this.me.id;
    this.input.disabled = false;
    byId("composer-send").disabled = false;
    this.swapDraft(room.id);
    // The composer takes the focus now, not after the history loads: by then the user
    // may have moved on (to the sidebar, a dialog) and must not have the focus taken.
    this.input.focus();
    // A log that is being filled says so: screen readers wait rather than read a page
    // of history out as if it were new messages.
    this.list.setAttribute("aria-busy", "true");
    try {
      await this.reload();
    } finally {
      if (this.room === room) this.list.setAttribute("aria-busy", "false");
    }
  }

  // The composer's text stays with its room: kept for that room, the next room's (if
  // any) put in its place. `roomId` null: no room, an empty composer.
  swapDraft(roomId) {
    if (this.draftRoomId === roomId) return;
    this.drafts.set(this.draftRoomId, this.input.value);
    this.draftRoomId = roomId;
    this.input.value = roomId === null ? "" : this.drafts.get(roomId);
  }

  // The signed-in user (from `ready`): their drafts. Signing out (null) forgets them.
  useDrafts(userId) {
    if (userId === null) {
      this.draftRoomId = null;
      this.input.value = "";
      this.drafts.forget();
    } else this.drafts.load(userId);
  }

  isMine(message) {
    return Boolean(message.author && message.author.id === this.me.id);
  }

  render(message) {
    if (message.author) this.users.set(message.author.id, message.author);
    const li = el("li", { className: "message", "data-testid": "message", "data-message-id": message.id, tabindex: "-1" });
    this.items.set(message.id, { message, li });
    this.fill(message, li);
    return li;
  }

  fill(message, li) {
    const restoreFocus = this.actionBar.keepFocus(li); // a redraw keeps the keyboard's place
    const mine = this.isMine(message);
    this.drawn.set(li, message);
    li.classList.toggle("mine", mine);
    li.classList.toggle("deleted", Boolean(message.deleted));
    li.classList.toggle("mentioned", (message.mentions || []).includes(this.me.id));
    const head = el(
      "div",
      { className: "message-head" },
      this.authorNode(message.author),
      el("time", { datetime: message.created_at, title: formatDateTime(message.created_at), text: formatTime(message.created_at) }),
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
    const editor = message.deleted ? null : this.editors.get(message.id);
    if (message.deleted) this.editors.delete(message.id);
    if (message.deleted) body.textContent = "message deleted";
    else if (editor) body.append(editor); // being edited: a redraw (a reaction …) keeps it
    else {
      body.innerHTML = message.content_html; // sanitised by the server (render.py)
      openLinksApart(body);
    }
    if (!editor) markMentions(message.id, body, this.me.handle);
    parts.push(body);
    if (!message.deleted) parts.push(...this.featureExtras(message));
    if (!message.deleted) parts.push(this.reactionBar(message));
    // The toolbar only when the message had one (message-actions.js builds it on need).
    const toolbar = this.actionBar.attach(message, mine, li);
    if (toolbar) parts.push(toolbar);
    li.replaceChildren(...parts);
    restoreFocus();
  }

  react(messageId, emoji, add) {
    return this.update(api(add ? "PUT" : "DELETE", `/messages/${messageId}/reactions/${encodeURIComponent(emoji)}`));
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

  // The indicators changed who edits a message: its label is redrawn from them.
  showEditor(messageId) {
    const item = this.items.get(messageId);
    const node = item && item.li.querySelector("[data-testid=message-editing]");
    if (node) node.textContent = this.editorLabel(messageId);
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

  // The day dividers, after any change of the list (days.js).
  placeDays() {
    placeDays(this.list, (li) => this.drawn.get(li));
  }

  // The newest message on screen that one may edit: one's own, not deleted.
  lastOwnMessage() {
    for (let li = this.list.lastElementChild; li; li = li.previousElementSibling) {
      const message = this.drawn.get(li);
      if (message && !message.deleted && this.isMine(message)) return message;
    }
    return null;
  }

  // An edit ended (saved or cancelled): one started from the composer gives it the focus.
  editEnded(messageId) {
    if (this.editFromComposer !== messageId) return;
    this.editFromComposer = null;
    if (!this.input.disabled) this.input.focus();
  }

  startEdit(messageId) {
    const item = this.items.get(messageId);
    if (!item) return;
    if (this.editors.has(messageId)) {
      this.editors.get(messageId).focus();
      return;
    }
    const body = item.li.querySelector("[data-testid=message-body]");
    const box = el("textarea", { className: "edit", "data-testid": "message-edit-input", "aria-label": "Edit message", rows: "2" });
    box.value = item.message.content;
    this.editors.set(messageId, box);
    body.replaceChildren(box);
    this.gateway.send({ op: "editing", message_id: messageId });
    box.focus();
    box.addEventListener("keydown", async (ev) => {
      if (ev.key === "Escape") {
        this.gateway.send({ op: "editing", message_id: messageId, stop: true });
        this.editors.delete(messageId);
        this.rerender(messageId);
        this.editEnded(messageId);
      } else if (ev.key === "Enter" && !ev.shiftKey) {
        ev.preventDefault();
        try {
          const updated = await api("PATCH", `/messages/${messageId}`, { content: box.value });
          this.editors.delete(messageId);
          this.replace(updated);
          this.editEnded(messageId);
        } catch (err) {
          byId("room-error").textContent = err.message;
        }
      }
    });
  }

  // A link to the message (`#/rooms/{room}/messages/{id}`) on the clipboard; anyone who
  // may read the room opens it there.
  async copyLink(message) {
    const url = `${location.origin}${location.pathname}#/rooms/${message.room_id}/messages/${message.id}`;
    try {
      await navigator.clipboard.writeText(url);
    } catch (err) {
      // No clipboard API (a page not served over https, a refused permission): the
      // older way, through a selected field.
      const field = el("textarea", { className: "offscreen", "aria-hidden": "true", readonly: "" });
      field.value = url;
      document.body.append(field);
      field.select();
      const copied = document.execCommand("copy");
      field.remove();
      if (!copied) {
        toast(`Copy this link: ${url}`);
        return;
      }
    }
    toast("Link copied.");
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
    const room = this.room;
    const body = { content, nonce: nonce(), ...extras };
    if (this.replyTo) body.reply_to = this.replyTo.id;
    this.input.value = "";
    this.drafts.set(room.id, "");
    byId("room-error").textContent = "";
    // The message ends this typing indicator for everyone: the next keystroke, even
    // within the 3 s throttle, must announce typing anew.
    this.lastTypingSent = 0;
    try {
      const message = await api("POST", `/rooms/${room.id}/messages`, body);
      this.setReply(null);
      for (const hook of this.composeHooks) hook.sent();
      if (this.room !== room) return;
      if (this.hasMoreAfter) await this.reload(); // far up after a jump: back to the end
      else this.append(message);
    } catch (err) {
      // Nothing lost: the text comes back to retry, in its own room's composer (before
      // whatever was typed there since).
      const since = this.draftRoomId === room.id ? this.input.value : this.drafts.get(room.id);
      const back = since ? `${content}\n${since}` : content;
      if (this.draftRoomId === room.id) this.input.value = back;
      this.drafts.set(room.id, back);
      if (this.room === room) byId("room-error").textContent = err.message;
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
    this.placeDays();
    if (atBottom || this.isMine(message)) this.list.scrollTop = this.list.scrollHeight;
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
}

// Paging, jumps and the read marker (history.js); live events (message-events.js); the
// author, quote and reaction parts of a message (message-parts.js).
Object.assign(MessageView.prototype, history, liveEvents, messageParts);
