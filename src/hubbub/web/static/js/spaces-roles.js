// Roles of a space (the "Roles" tab of spaces-dialogs.js, for who holds MANAGE_ROLES) and
// a room's permission overrides (the "Permissions" of a room in spaces-rooms.js).
// Roles: listed highest first with colour and member count (counted from
// GET /spaces/{id}/members), created (POST /spaces/{id}/roles), edited (PATCH, only the
// changed fields), deleted (DELETE, click twice) and ranked (PUT /spaces/{id}/roles/ranks,
// ↑/↓ keep the keyboard on the moved role). Overrides: per target (@everyone or a role)
// each permission inherits, is allowed or is denied (PUT /rooms/{id}/overrides/{type}/{id};
// all "inherit" removes it). The server's refusals (a role ranked above yours, a bit you
// do not hold) are shown where they happen; what was typed stays.

import { el } from "./dom.js";
import { confirmButton, errorLine, field, uid } from "./spaces-ui.js";

// hubbub.server.permissions.Perm, grouped as a settings screen shows them.
const PERMISSION_GROUPS = [
  [
    "General",
    [
      ["view", 0, "View rooms", "see the rooms, read their history"],
      ["send", 1, "Send messages", "post messages"],
      ["react", 2, "Add reactions", "react to messages"],
      ["attach", 3, "Attach files", "upload attachments and embed links"],
      ["mention_everyone", 4, "Mention @everyone", "notify every member with @everyone / @here"],
      ["invite", 9, "Create invites", "create invite codes"],
      ["change_nickname", 15, "Change nickname", "change one's own nickname in the space"],
      ["connect", 18, "Join voice", "join voice rooms"],
    ],
  ],
  [
    "Moderation",
    [
      ["manage_messages", 5, "Manage messages", "pin, delete and bulk-delete others' messages"],
      ["moderate", 12, "Moderate", "moderation queue, reports, timeouts, room open/close"],
      ["kick", 10, "Kick members", "remove members (they may rejoin)"],
      ["ban", 11, "Ban members", "ban members and lift bans"],
      ["manage_nicknames", 16, "Manage nicknames", "change other members' nicknames"],
      ["mute_members", 19, "Mute in voice", "server-mute others in voice"],
      ["deafen_members", 20, "Deafen in voice", "server-deafen others in voice"],
      ["move_members", 21, "Move in voice", "move others between voice rooms, disconnect them"],
    ],
  ],
  [
    "Management",
    [
      ["manage_room", 6, "Manage rooms", "room settings; create, reorder and delete rooms"],
      ["manage_roles", 7, "Manage roles", "create, edit, rank and give roles below one's own; overrides"],
      ["manage_webhooks", 8, "Manage webhooks", "create, edit and delete webhooks"],
      ["manage_emojis", 14, "Manage emojis", "upload and delete custom emojis"],
      ["manage_space", 13, "Manage the space", "name, description, categories, settings"],
      ["administrator", 17, "Administrator", "every permission in every room, overrides ignored"],
    ],
  ],
];

// Bits that exist only space-wide (permissions.SPACE_ONLY): no room override carries them.
const SPACE_ONLY = new Set(["manage_space", "manage_emojis", "administrator", "manage_nicknames"]);
const MEMBER_PAGES = 10; // role counts read at most 1000 members

const byRank = (a, b) => (a.rank || 0) - (b.rank || 0) || a.id - b.id;

// The roles of a space, highest first ([] once the space is gone).
function rolesOf(feature, spaceId) {
  const entry = feature.entries.get(spaceId);
  return entry ? [...entry.roles].sort(byRank) : [];
}

// The colour of a member's highest role that has one (null when none has).
export function topColour(roleIds, roles) {
  const held = roles.filter((r) => roleIds.includes(r.id) && r.colour).sort(byRank);
  return held.length ? held[0].colour : null;
}

// Paints a node in a role colour through a CSS variable (CSSOM, allowed by the CSP).
export function paint(node, colour) {
  if (!colour) return node;
  node.style.setProperty("--role-colour", colour);
  node.classList.add("role-coloured");
  return node;
}

export class RolesPanel {
  constructor(feature, spaceId) {
    this.feature = feature;
    this.ctx = feature.ctx;
    this.spaceId = spaceId;
    this.counts = new Map(); // role id → members holding it
    this.countsPartial = false;
    this.editing = null; // the role being edited, or null for a new one
    this.listError = errorLine("space-roles-error");
    this.list = el("ol", { className: "space-role-list", "aria-label": "Roles, highest first", "data-testid": "space-roles" });
    this.node = el("section", { className: "space-panel" }, el("h3", { text: "Roles (highest first)" }), this.listError, this.list, this.buildForm());
    this.render();
    this.loadCounts();
  }

  roles() {
    return rolesOf(this.feature, this.spaceId);
  }

  async loadCounts() {
    const counts = new Map();
    let after = 0;
    let pages = 0;
    let more = true;
    try {
      while (more && pages < MEMBER_PAGES) {
        const page = after
          ? await this.ctx.api("GET", `/spaces/${this.spaceId}/members?after=${after}&limit=100`)
          : await this.ctx.api("GET", `/spaces/${this.spaceId}/members?limit=100`);
        for (const member of page.members) {
          for (const id of member.roles) counts.set(id, (counts.get(id) || 0) + 1);
          after = Math.max(after, member.user.id);
        }
        more = page.has_more && page.members.length > 0;
        pages += 1;
      }
    } catch (err) {
      this.listError.textContent = err.message;
      return;
    }
    this.counts = counts;
    this.countsPartial = more;
    this.render();
  }

  // The list, drawn again on every role event (spaces-dialogs.js spaceChanged).
  render() {
    const roles = this.roles();
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    const keep = focused && focused.closest("[data-role-id]") ? [focused.closest("[data-role-id]").dataset.roleId, focused.dataset.testid] : null;
    if (!roles.length) {
      this.list.replaceChildren(el("li", { className: "muted", text: "No roles yet: everyone has the space's default permissions." }));
      return;
    }
    this.list.replaceChildren(...roles.map((role, index) => this.row(role, index, roles.length)));
    if (keep) {
      const again = this.list.querySelector(`[data-role-id="${Number(keep[0])}"] [data-testid="${keep[1]}"]`);
      if (again && !again.disabled) again.focus();
    }
    if (this.editing && !roles.some((r) => r.id === this.editing.id)) this.resetForm();
  }

  row(role, index, total) {
    const count = this.counts.get(role.id) || 0;
    const swatch = el("span", { className: "space-role-swatch", "aria-hidden": "true" });
    paint(swatch, role.colour);
    const name = paint(el("span", { className: "space-role-name", text: role.name }), role.colour);
    const up = el("button", { type: "button", "aria-label": `Move ${role.name} up`, "data-testid": "space-role-up", text: "↑", disabled: index === 0 });
    const down = el("button", { type: "button", "aria-label": `Move ${role.name} down`, "data-testid": "space-role-down", text: "↓", disabled: index === total - 1 });
    up.addEventListener("click", () => this.move(role.id, -1));
    down.addEventListener("click", () => this.move(role.id, 1));
    const edit = el("button", { type: "button", "aria-label": `Edit ${role.name}`, "data-testid": "space-role-edit", text: "Edit" });
    edit.addEventListener("click", () => this.startEdit(role));
    const remove = confirmButton("Delete", "Click again to delete", { "aria-label": `Delete ${role.name}`, "data-testid": "space-role-delete" }, () => this.remove(role));
    const counted = `${count}${this.countsPartial ? "+" : ""} member${count === 1 ? "" : "s"}`;
    return el(
      "li",
      { className: "space-role-row", "data-testid": "space-role", "data-role-id": role.id },
      swatch,
      name,
      el("span", { className: "muted", "data-testid": "space-role-count", text: counted }),
      el("span", { className: "spaces-row space-role-controls" }, up, down, edit, remove),
    );
  }

  async move(roleId, delta) {
    const ids = this.roles().map((r) => r.id);
    const from = ids.indexOf(roleId);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    [ids[from], ids[to]] = [ids[to], ids[from]];
    try {
      const { roles } = await this.ctx.api("PUT", `/spaces/${this.spaceId}/roles/ranks`, { role_ids: ids });
      this.adopt(roles);
      this.listError.textContent = "";
    } catch (err) {
      this.listError.textContent = err.message;
      return;
    }
    const testid = delta < 0 ? "space-role-up" : "space-role-down";
    let again = this.list.querySelector(`[data-role-id="${roleId}"] [data-testid="${testid}"]`);
    if (again && again.disabled) again = this.list.querySelector(`[data-role-id="${roleId}"] [data-testid="${delta < 0 ? "space-role-down" : "space-role-up"}"]`);
    if (again) again.focus();
  }

  async remove(role) {
    try {
      await this.ctx.api("DELETE", `/spaces/${this.spaceId}/roles/${role.id}`);
    } catch (err) {
      this.listError.textContent = err.code === "role_above_you" ? `${role.name} ranks at or above your highest role: only roles below it can be deleted.` : err.message;
      return;
    }
    this.listError.textContent = "";
    this.adopt(this.roles().filter((r) => r.id !== role.id));
  }

  // A REST answer shows at once (the role.* event then refreshes the whole state).
  adopt(roles) {
    const entry = this.feature.entries.get(this.spaceId);
    if (entry) entry.roles = roles;
    this.render();
  }

  // -- the form: a new role, or the one being edited ------------------------------------

  buildForm() {
    this.titleId = uid("space-role-form-title");
    this.formTitle = el("h3", { id: this.titleId, text: "New role" });
    this.name = field("Name", { required: true, maxlength: "64", "data-testid": "space-role-name" });
    this.colour = field("Colour", { type: "color", value: "#5865f2", "data-testid": "space-role-colour" });
    this.noColour = el("input", { type: "checkbox", "data-testid": "space-role-no-colour" });
    this.noColour.checked = true;
    this.colour.control.addEventListener("input", () => {
      this.noColour.checked = false;
    });
    this.perms = new Map(); // name → checkbox
    const groups = PERMISSION_GROUPS.map(([title, perms]) => {
      const boxes = perms.map(([name, , label, hint]) => {
        const input = el("input", { type: "checkbox", value: name, "data-testid": "space-role-perm", "data-perm": name });
        this.perms.set(name, input);
        return el("label", { className: "spaces-check space-perm", title: hint }, input, el("span", { text: ` ${label}` }), el("small", { className: "muted", text: hint }));
      });
      return el("fieldset", { className: "space-perm-group" }, el("legend", { text: title }), ...boxes);
    });
    this.formError = errorLine("space-role-error");
    this.formStatus = el("p", { className: "muted", role: "status", "data-testid": "space-role-status" });
    this.submit = el("button", { type: "submit", "data-testid": "space-role-submit", text: "Create role" });
    this.cancel = el("button", { type: "button", "data-testid": "space-role-cancel", text: "Cancel editing" });
    this.cancel.hidden = true;
    this.cancel.addEventListener("click", () => this.resetForm());
    const form = el(
      "form",
      { className: "spaces-form space-role-form", "aria-labelledby": this.titleId, "data-testid": "space-role-form" },
      this.formTitle,
      this.name.label,
      this.name.control,
      this.colour.label,
      el("div", { className: "spaces-row" }, this.colour.control, el("label", { className: "spaces-check" }, this.noColour, el("span", { text: " No colour" }))),
      ...groups,
      this.formError,
      this.formStatus,
      el("div", { className: "spaces-row" }, this.submit, this.cancel),
    );
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.save();
    });
    this.form = form;
    return form;
  }

  bits() {
    let bits = 0;
    for (const group of PERMISSION_GROUPS) for (const [name, bit] of group[1]) if (this.perms.get(name).checked) bits |= 1 << bit;
    return bits;
  }

  startEdit(role) {
    this.editing = role;
    this.formTitle.textContent = `Edit ${role.name}`;
    this.name.control.value = role.name;
    this.noColour.checked = !role.colour;
    if (role.colour && /^#[0-9a-fA-F]{6}$/.test(role.colour)) this.colour.control.value = role.colour;
    for (const group of PERMISSION_GROUPS) for (const [name, bit] of group[1]) this.perms.get(name).checked = Boolean(role.permissions & (1 << bit));
    this.submit.textContent = "Save role";
    this.cancel.hidden = false;
    this.formError.textContent = "";
    this.formStatus.textContent = "";
    this.name.control.focus();
  }

  resetForm() {
    this.editing = null;
    this.formTitle.textContent = "New role";
    this.form.reset();
    this.noColour.checked = true;
    this.submit.textContent = "Create role";
    this.cancel.hidden = true;
    this.formError.textContent = "";
  }

  async save() {
    const body = { name: this.name.control.value.trim(), colour: this.noColour.checked ? null : this.colour.control.value, permissions: this.bits() };
    const editing = this.editing;
    this.submit.disabled = true;
    this.formStatus.textContent = "";
    try {
      if (editing) {
        const changes = {};
        for (const key of Object.keys(body)) if (body[key] !== (editing[key] ?? null)) changes[key] = body[key];
        const role = await this.ctx.api("PATCH", `/spaces/${this.spaceId}/roles/${editing.id}`, changes);
        this.adopt(this.roles().map((r) => (r.id === role.id ? role : r)));
        this.resetForm();
        this.formStatus.textContent = `Saved ${role.name}.`;
      } else {
        const role = await this.ctx.api("POST", `/spaces/${this.spaceId}/roles`, body);
        this.adopt([...this.roles().filter((r) => r.id !== role.id), role]);
        this.resetForm();
        this.formStatus.textContent = `Created ${role.name}.`;
      }
    } catch (err) {
      // The form keeps what was typed; a role at or above one's own is named.
      this.formError.textContent = err.code === "role_above_you" && editing ? `${editing.name} ranks at or above your highest role: only roles below it can be changed.` : err.message;
    } finally {
      this.submit.disabled = false;
    }
  }
}

// -- a room's overrides ------------------------------------------------------------------

const CHOICES = [
  ["", "Inherit"],
  ["allow", "Allow"],
  ["deny", "Deny"],
];

export class OverridesEditor {
  constructor(feature, spaceId, room) {
    this.feature = feature;
    this.ctx = feature.ctx;
    this.spaceId = spaceId;
    this.room = room;
    this.overrides = [];
    this.titleId = uid("space-overrides-title");
    this.target = el("select", { "aria-label": "Whose permissions", "data-testid": "space-override-target" });
    this.target.addEventListener("change", () => this.fill());
    this.choices = new Map(); // permission name → select
    const rows = [];
    for (const [title, perms] of PERMISSION_GROUPS) {
      const shown = perms.filter(([name]) => !SPACE_ONLY.has(name));
      rows.push(el("li", { className: "space-override-group", text: title }));
      for (const [name, bit, label] of shown) {
        const select = el("select", { "aria-label": label, "data-testid": "space-override-value", "data-perm": name }, ...CHOICES.map(([value, text]) => el("option", { value, text })));
        select.dataset.bit = String(bit);
        this.choices.set(name, select);
        rows.push(el("li", { className: "spaces-row space-override", "data-testid": "space-override", "data-perm": name }, el("span", { className: "space-override-label", text: label }), select));
      }
    }
    this.error = errorLine("space-override-error");
    this.status = el("p", { className: "muted", role: "status", "data-testid": "space-override-status" });
    this.save = el("button", { type: "button", "data-testid": "space-override-save", text: "Save permissions" });
    this.save.addEventListener("click", () => this.store());
    this.node = el(
      "section",
      { className: "space-overrides", "aria-labelledby": this.titleId, "data-testid": "space-overrides", "data-room-id": room.id },
      el("h3", { id: this.titleId, text: `Permissions of # ${room.name}` }),
      el("div", { className: "spaces-row" }, this.target),
      el("ul", { className: "space-override-list", "aria-label": "Permissions: inherit, allow or deny" }, ...rows),
      this.error,
      this.status,
      this.save,
    );
    this.targets();
    this.load();
  }

  targets() {
    const roles = rolesOf(this.feature, this.spaceId);
    const current = this.target.value;
    this.target.replaceChildren(el("option", { value: "everyone:0", text: "@everyone" }), ...roles.map((r) => el("option", { value: `role:${r.id}`, text: r.name })));
    if ([...this.target.options].some((o) => o.value === current)) this.target.value = current;
  }

  // The controls wait for the room's overrides (a choice made before would be undone).
  enable(on) {
    this.target.disabled = !on;
    this.save.disabled = !on;
    for (const select of this.choices.values()) select.disabled = !on;
  }

  async load() {
    this.enable(false);
    try {
      const { overrides } = await this.ctx.api("GET", `/rooms/${this.room.id}/overrides`);
      this.overrides = overrides || [];
      this.error.textContent = "";
    } catch (err) {
      this.error.textContent = err.message;
      return; // nothing to edit: saving would overwrite what could not be read
    }
    this.enable(true);
    this.fill();
  }

  current() {
    const [type, id] = this.target.value.split(":");
    return { type, id: Number(id) };
  }

  fill() {
    const { type, id } = this.current();
    const found = this.overrides.find((o) => o.target_type === type && o.target_id === id) || { allow: 0, deny: 0 };
    for (const select of this.choices.values()) {
      const bit = 1 << Number(select.dataset.bit);
      select.value = found.allow & bit ? "allow" : found.deny & bit ? "deny" : "";
    }
    this.status.textContent = "";
  }

  async store() {
    const { type, id } = this.current();
    let allow = 0;
    let deny = 0;
    for (const select of this.choices.values()) {
      const bit = 1 << Number(select.dataset.bit);
      if (select.value === "allow") allow |= bit;
      else if (select.value === "deny") deny |= bit;
    }
    this.save.disabled = true;
    this.status.textContent = "";
    try {
      const answer = allow || deny
        ? await this.ctx.api("PUT", `/rooms/${this.room.id}/overrides/${type}/${id}`, { allow, deny })
        : await this.ctx.api("DELETE", `/rooms/${this.room.id}/overrides/${type}/${id}`);
      this.overrides = (answer && answer.overrides) || [];
      this.error.textContent = "";
      this.status.textContent = "Saved.";
    } catch (err) {
      this.error.textContent = err.message;
    } finally {
      this.save.disabled = false;
    }
  }
}
