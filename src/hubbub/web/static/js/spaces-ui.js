// Small UI pieces shared by the spaces-*.js modules and groups.js: a modal dialog
// built once and refilled on each opening, form fields, a "click twice to confirm"
// button (native confirm() is never used) and a picker of users by handle.

import { displayName, el } from "./dom.js";

// Space permission bits (GET /permissions; hubbub.server.permissions.Perm).
export const PERM = {
  MANAGE_ROOM: 1 << 6,
  MANAGE_ROLES: 1 << 7,
  INVITE: 1 << 9,
  KICK: 1 << 10,
  BAN: 1 << 11,
  MANAGE_SPACE: 1 << 13,
  ADMINISTRATOR: 1 << 17,
};

// The rooms of a space (from ctx.rooms()), in the sidebar's order: position, then name.
export function roomsOfSpace(rooms, spaceId) {
  return [...rooms.values()]
    .filter((r) => r.space_id === spaceId)
    .sort((a, b) => (a.position || 0) - (b.position || 0) || (a.name || "").localeCompare(b.name || ""));
}

// "1 member", "12 members" (a space's member_count).
export function membersText(count) {
  return `${count} member${count === 1 ? "" : "s"}`;
}

let serial = 0;

// A unique id for aria-labelledby / aria-controls between elements a module creates.
export function uid(prefix) {
  serial += 1;
  return `${prefix}-${serial}`;
}

// A <dialog> labelled by its heading, appended to the body; Escape closes it (native).
// `fill()` replaces its content, `open()` shows it modal and focuses the first field.
export class Modal {
  constructor(title, testid) {
    const id = uid("spaces-dialog-title");
    this.heading = el("h2", { id, text: title });
    this.body = el("div", { className: "spaces-dialog-body" });
    this.closeButton = el("button", { type: "button", "data-testid": `${testid}-close`, text: "Close" });
    this.dialog = el(
      "dialog",
      { className: "spaces-dialog", "aria-labelledby": id, "data-testid": testid },
      this.heading,
      this.body,
      el("div", { className: "spaces-dialog-footer" }, this.closeButton),
    );
    this.closeButton.addEventListener("click", () => this.dialog.close());
    this.onClose = null;
    this.dialog.addEventListener("close", () => {
      if (this.onClose) this.onClose();
    });
    document.body.append(this.dialog);
  }

  get isOpen() {
    return this.dialog.open;
  }

  title(text) {
    this.heading.textContent = text;
  }

  fill(...nodes) {
    this.body.replaceChildren(...nodes);
  }

  open() {
    if (!this.dialog.open) this.dialog.showModal();
    this.focusFirst();
  }

  focusFirst() {
    const first = this.body.querySelector("input:not([type=hidden]), select, textarea, button:not([disabled])");
    (first || this.closeButton).focus();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }
}

// A labelled input (or textarea/select when `tag` says so): [label, control].
export function field(label, attrs = {}, tag = "input") {
  const id = uid("spaces-field");
  const control = el(tag, { id, ...attrs });
  return { label: el("label", { for: id, text: label }), control };
}

// A labelled checkbox: {input, node}.
export function checkbox(label, testid) {
  const input = el("input", { type: "checkbox", "data-testid": testid });
  return { input, node: el("label", { className: "spaces-check" }, input, el("span", { text: ` ${label}` })) };
}

export function errorLine(testid) {
  return el("p", { className: "error", role: "alert", "data-testid": testid });
}

// A button that asks for a second click ("Click again to …") before `action` runs.
export function confirmButton(text, confirmText, attrs, action) {
  const button = el("button", { type: "button", className: "danger", text, ...attrs });
  const label = attrs["aria-label"];
  let armed = false;
  let timer = null;
  const disarm = () => {
    armed = false;
    button.textContent = text;
    button.removeAttribute("aria-pressed");
    if (label) button.setAttribute("aria-label", label);
  };
  button.addEventListener("click", async () => {
    if (!armed) {
      armed = true;
      button.textContent = confirmText;
      button.setAttribute("aria-pressed", "true");
      if (label) button.setAttribute("aria-label", `${confirmText} (${label})`);
      timer = setTimeout(disarm, 5000);
      return;
    }
    clearTimeout(timer);
    disarm();
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

// A handle ("@ana" or "ana"), or null when empty.
export function cleanHandle(value) {
  const handle = value.trim().replace(/^@/, "");
  return handle || null;
}

// The user with this handle (GET /users?handle=), or throws the ApiError (user_not_found).
export async function lookUp(api, handle) {
  return api("GET", `/users?handle=${encodeURIComponent(handle)}`);
}

// What to tell the user when looking up `handle` failed.
export function lookUpError(err, handle) {
  return err.code === "user_not_found" ? `No user @${handle}.` : err.message;
}

// Picks several users by handle: an input with "Add", the picked ones as a list with a
// remove button each. `picked()` gives their ids.
export class UserPicker {
  constructor({ api, me, prefix, label }) {
    this.api = api;
    this.me = me;
    this.users = new Map();
    const { label: labelNode, control } = field(label, {
      autocomplete: "off",
      maxlength: "64",
      placeholder: "@handle",
      "data-testid": `${prefix}-handle`,
    });
    this.input = control;
    this.add = el("button", { type: "button", "data-testid": `${prefix}-add`, text: "Add" });
    this.error = errorLine(`${prefix}-pick-error`);
    this.list = el("ul", { className: "spaces-picks", "aria-label": "Chosen people", "data-testid": `${prefix}-picks` });
    this.node = el(
      "div",
      { className: "spaces-picker" },
      labelNode,
      el("div", { className: "spaces-row" }, this.input, this.add),
      this.error,
      this.list,
    );
    this.prefix = prefix;
    this.add.addEventListener("click", () => this.pick());
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        this.pick();
      }
    });
  }

  reset() {
    this.users.clear();
    this.input.value = "";
    this.error.textContent = "";
    this.render();
  }

  picked() {
    return [...this.users.keys()];
  }

  async pick() {
    const typed = this.input.value;
    const handle = cleanHandle(typed);
    if (!handle) return false;
    this.error.textContent = "";
    let user;
    try {
      user = await lookUp(this.api, handle);
    } catch (err) {
      this.error.textContent = lookUpError(err, handle);
      return false;
    }
    const me = this.me();
    if (me && user.id === me.id) {
      this.error.textContent = "You are in it already.";
      return false;
    }
    this.users.set(user.id, user);
    if (this.input.value === typed) this.input.value = ""; // not what was typed meanwhile
    this.render();
    this.input.focus();
    return true;
  }

  render() {
    this.list.replaceChildren(
      ...[...this.users.values()].map((user) => {
        const remove = el("button", {
          type: "button",
          className: "spaces-chip-remove",
          "aria-label": `Remove ${displayName(user)}`,
          "data-testid": `${this.prefix}-unpick`,
          text: "×",
        });
        remove.addEventListener("click", () => {
          this.users.delete(user.id);
          this.render();
          this.input.focus();
        });
        return el(
          "li",
          { className: "spaces-chip", "data-testid": `${this.prefix}-pick`, "data-user-id": user.id },
          el("span", { text: `${displayName(user)} (@${user.handle})` }),
          remove,
        );
      }),
    );
  }
}
