// `@handle` completion in the composer: typing "@" and the start of a handle or name
// opens a listbox of the room's members and the other users seen so far. Arrow keys
// move, Enter or Tab inserts "@handle ", Escape closes; the textarea keeps the focus and
// points at the active option with aria-activedescendant.

import { api } from "./api.js";
import { byId, displayName, el } from "./dom.js";

const MAX_OPTIONS = 8;
// "@" at the caret's word start (the server's rule: not after a handle character).
const TRIGGER = /(^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{0,32})$/;

export class Completion {
  constructor(ctx) {
    this.ctx = ctx;
    this.input = byId("composer-input");
    this.members = new Map(); // room id → [user]
    this.options = [];
    this.active = -1;
    this.start = -1; // where the "@" is in the input
    this.list = el("ul", { id: "mention-listbox", className: "mention-list", role: "listbox", "aria-label": "People to mention", "data-testid": "mention-list", hidden: true });
    byId("composer-extras").append(this.list);
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-controls", "mention-listbox");
    this.input.addEventListener("input", () => this.update());
    this.input.addEventListener("click", () => this.update());
    this.input.addEventListener("blur", () => this.close());
    // Capture on the form: runs before the input's own Enter-to-send handler.
    byId("composer").addEventListener("keydown", (ev) => this.key(ev), true);
  }

  async load(room) {
    try {
      const { members } = await api("GET", `/rooms/${room.id}/members`);
      this.members.set(room.id, members.map((m) => m.user).filter(Boolean)); // a row without its user: skipped
    } catch (err) {
      // Completion then offers the users seen so far; the chat itself is unaffected.
      this.members.set(room.id, []);
    }
  }

  forget(roomId) {
    if (roomId === undefined) this.members.clear();
    else this.members.delete(roomId);
  }

  candidates(query) {
    const me = this.ctx.me();
    const room = this.ctx.room();
    const seen = new Map();
    for (const user of (room && this.members.get(room.id)) || []) seen.set(user.id, user);
    for (const user of this.ctx.users.values()) if (!seen.has(user.id)) seen.set(user.id, user);
    const q = query.toLowerCase();
    return [...seen.values()]
      .filter((u) => u.handle && (!me || u.id !== me.id))
      .filter((u) => u.handle.toLowerCase().startsWith(q) || displayName(u).toLowerCase().startsWith(q))
      .sort((a, b) => a.handle.localeCompare(b.handle))
      .slice(0, MAX_OPTIONS);
  }

  update() {
    const caret = this.input.selectionStart;
    if (caret !== this.input.selectionEnd) return this.close();
    const match = TRIGGER.exec(this.input.value.slice(0, caret));
    if (!match || !this.ctx.room()) return this.close();
    this.start = caret - match[2].length - 1;
    this.options = this.candidates(match[2]);
    if (!this.options.length) return this.close();
    this.active = 0;
    this.render();
  }

  render() {
    this.list.replaceChildren(
      ...this.options.map((user, i) => {
        const option = el(
          "li",
          { id: `mention-option-${i}`, role: "option", "aria-selected": i === this.active ? "true" : "false", "data-testid": "mention-option", "data-handle": user.handle },
          el("span", { className: "mention-name", text: displayName(user) }),
          el("span", { className: "muted", text: ` @${user.handle}` }),
        );
        // mousedown, not click: the textarea must not lose the focus (and close the list).
        option.addEventListener("mousedown", (ev) => {
          ev.preventDefault();
          this.choose(i);
        });
        return option;
      }),
    );
    this.list.hidden = false;
    this.input.setAttribute("aria-activedescendant", `mention-option-${this.active}`);
  }

  close() {
    this.options = [];
    this.active = -1;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.removeAttribute("aria-activedescendant");
  }

  key(ev) {
    if (ev.target !== this.input || this.list.hidden || ev.isComposing) return;
    const count = this.options.length;
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      this.active = (this.active + (ev.key === "ArrowDown" ? 1 : count - 1)) % count;
      this.render();
    } else if ((ev.key === "Enter" && !ev.shiftKey) || ev.key === "Tab") {
      this.choose(this.active);
    } else if (ev.key === "Escape") {
      this.close();
    } else {
      return;
    }
    ev.preventDefault();
    ev.stopPropagation();
  }

  choose(index) {
    const user = this.options[index];
    if (!user) return;
    const value = this.input.value;
    const caret = this.input.selectionStart;
    const inserted = `@${user.handle} `;
    this.input.value = value.slice(0, this.start) + inserted + value.slice(caret);
    const at = this.start + inserted.length;
    this.input.setSelectionRange(at, at);
    this.close();
    this.input.focus();
  }
}
