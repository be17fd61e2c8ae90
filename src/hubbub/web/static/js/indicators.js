// Ephemeral indicators of one room: who is typing (under the list) and who is editing
// which message (on the message itself). The server sends the stops (D.51: 10 s without
// a refresh); the local expiry only covers a stop lost with a dropped connection.

import { byId, displayName } from "./dom.js";

const FALLBACK_TTL_MS = 10000;
const MAX_TTL_MS = 15000;

export class Indicators {
  constructor({ users, getMe, onEditing }) {
    this.users = users;
    this.getMe = getMe;
    this.onEditing = onEditing; // (messageId, name | null): mark a message as being edited
    this.typers = new Map(); // user id → timer
    this.editors = new Map(); // message id → {userId, timer}
  }

  clear() {
    this.typers.forEach((timer) => clearTimeout(timer));
    this.typers.clear();
    this.editors.forEach((e) => clearTimeout(e.timer));
    this.editors.clear();
    this.render();
  }

  name(userId) {
    return displayName(this.users.get(userId) || { id: userId });
  }

  ttl(expiresAt) {
    const left = expiresAt ? new Date(expiresAt).getTime() - Date.now() : FALLBACK_TTL_MS;
    return Math.min(Math.max(1000, left || FALLBACK_TTL_MS), MAX_TTL_MS);
  }

  startTyping(userId, expiresAt) {
    if (userId === this.getMe().id) return;
    clearTimeout(this.typers.get(userId));
    this.typers.set(userId, setTimeout(() => this.stopTyping(userId), this.ttl(expiresAt)));
    this.render();
  }

  stopTyping(userId) {
    if (!this.typers.has(userId)) return;
    clearTimeout(this.typers.get(userId));
    this.typers.delete(userId);
    this.render();
  }

  startEditing(messageId, userId) {
    if (userId === this.getMe().id) return;
    const known = this.editors.get(messageId);
    if (known) clearTimeout(known.timer);
    const timer = setTimeout(() => this.stopEditing(messageId), FALLBACK_TTL_MS);
    this.editors.set(messageId, { userId, timer });
    this.onEditing(messageId, this.name(userId));
  }

  stopEditing(messageId) {
    const known = this.editors.get(messageId);
    if (!known) return;
    clearTimeout(known.timer);
    this.editors.delete(messageId);
    this.onEditing(messageId, null);
  }

  editorOf(messageId) {
    const known = this.editors.get(messageId);
    return known ? this.name(known.userId) : null;
  }

  render() {
    const names = [...this.typers.keys()].map((id) => this.name(id));
    byId("typing").textContent =
      names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
  }
}
