// `@handle` completion in the composer: typing "@" and the start of a handle or name
// opens a listbox of the room's members and the other users seen so far. Arrow keys
// move, Enter or Tab inserts "@handle ", Escape closes; the textarea keeps the focus and
// points at the active option with aria-activedescendant.
//
// A room may have tens of thousands of members, so none are loaded up front: the users
// seen so far show at once, and the server is asked for the members matching what was
// typed (`GET /rooms/{id}/members?q=`) once the typing pauses; an answer to anything but
// the latest question is dropped.

import { api } from "./api.js";
import { byId, displayName, el } from "./dom.js";

const MAX_OPTIONS = 8;
// Members asked of the server per typed prefix, and the pause in typing before asking.
const ASKED = 10;
const DEBOUNCE_MS = 150;
// "@" at the caret's word start (the server's rule: not after a handle character).
const TRIGGER = /(^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_.-]{0,32})$/;

export class Completion {
  constructor(ctx) {
    this.ctx = ctx;
    this.input = byId("composer-input");
    this.members = new Map(); // room id → Map(user id → user): members the server named
    this.answered = new Map(); // room id → Set of the prefixes the server answered
    this.timer = null;
    this.asking = 0; // the latest question's number: older answers are dropped
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

  // A room was opened (or its membership changed): its members are asked for as typed.
  load(room) {
    this.forget(room.id);
  }

  forget(roomId) {
    if (roomId === undefined) {
      this.members.clear();
      this.answered.clear();
    } else {
      this.members.delete(roomId);
      this.answered.delete(roomId);
    }
  }

  candidates(query) {
    const me = this.ctx.me();
    const room = this.ctx.room();
    const seen = new Map((room && this.members.get(room.id)) || []);
    for (const user of this.ctx.users.values()) if (!seen.has(user.id)) seen.set(user.id, user);
    const q = query.toLowerCase();
    // The server's rule: a handle's start, or the start of a word of the display name.
    const matches = (u) => u.handle.toLowerCase().startsWith(q) || displayName(u).toLowerCase().split(/\s+/).some((word) => word.startsWith(q));
    return [...seen.values()]
      .filter((u) => u.handle && (!me || u.id !== me.id))
      .filter(matches)
      .sort((a, b) => a.handle.localeCompare(b.handle))
      .slice(0, MAX_OPTIONS);
  }

  // `keep`: an answer of the server redraws the list, keeping the option the arrow
  // keys reached; typing starts again from the first.
  update({ keep = false } = {}) {
    const caret = this.input.selectionStart;
    if (caret !== this.input.selectionEnd) return this.close();
    const match = TRIGGER.exec(this.input.value.slice(0, caret));
    const room = this.ctx.room();
    if (!match || !room) return this.close();
    this.start = caret - match[2].length - 1;
    this.ask(room, match[2]);
    const was = keep ? this.options[this.active] : undefined;
    this.options = this.candidates(match[2]);
    if (!this.options.length) return this.hide();
    this.active = Math.max(0, was ? this.options.findIndex((u) => u.id === was.id) : 0);
    this.render();
  }

  // Asks the server for the room's members starting with `prefix` once the typing
  // pauses; their answer redraws the list if it is still the latest question.
  ask(room, prefix) {
    clearTimeout(this.timer);
    const number = ++this.asking;
    const key = prefix.toLowerCase();
    if ((this.answered.get(room.id) || new Set()).has(key)) return;
    this.timer = setTimeout(async () => {
      const query = key ? `limit=${ASKED}&q=${encodeURIComponent(key)}` : `limit=${ASKED}`;
      let members;
      try {
        ({ members } = await api("GET", `/rooms/${room.id}/members?${query}`));
      } catch (err) {
        return; // completion keeps offering the users seen so far; the chat is unaffected
      }
      const open = this.ctx.room();
      if (number !== this.asking || !open || open.id !== room.id) return;
      if (!this.members.has(room.id)) this.members.set(room.id, new Map());
      if (!this.answered.has(room.id)) this.answered.set(room.id, new Set());
      this.answered.get(room.id).add(key);
      for (const { user } of members || []) if (user) this.members.get(room.id).set(user.id, user); // a row without its user: skipped
      if (document.activeElement === this.input) this.update({ keep: true });
    }, DEBOUNCE_MS);
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
    clearTimeout(this.timer);
    this.asking++;
    this.hide();
  }

  // No option to show, but the question asked may still bring some.
  hide() {
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
