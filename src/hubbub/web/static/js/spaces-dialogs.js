// The dialog of one space (spaces.js's "⋯" button): members (spaces-members.js),
// invites (POST/GET /spaces/{id}/invites, DELETE /invites/{code}), a new room in the
// space (POST /rooms with space_id, optionally into a category), its rooms' order,
// deletion and categories (spaces-rooms.js), settings for who may manage the space
// (PATCH /spaces/{id}), transfer and delete (its owner) and leave (the others).
// Roles (create, edit, rank, delete) for who holds MANAGE_ROLES: spaces-roles.js.
// Invites carry an optional use limit and expiry. The room header names the space of
// an open space room (`showRoomSpace`, from spaces.js onRoomOpened), kept on renames.
// Creating and joining a space: spaces-join.js.
// Every server refusal is shown in the dialog, and what the user typed stays.

import { byId, el } from "./dom.js";
import { MembersPanel } from "./spaces-members.js";
import { RolesPanel } from "./spaces-roles.js";
import { RoomsPanel } from "./spaces-rooms.js";
import { JoinDialogs } from "./spaces-join.js";
import { Modal, PERM, checkbox, confirmButton, errorLine, field, membersText } from "./spaces-ui.js";

const MAX_USES = [
  ["", "No limit"],
  ["1", "1 use"],
  ["5", "5 uses"],
  ["10", "10 uses"],
  ["25", "25 uses"],
  ["100", "100 uses"],
];
const EXPIRY = [
  ["", "Never"],
  ["1800", "30 minutes"],
  ["3600", "1 hour"],
  ["86400", "1 day"],
  ["604800", "7 days"],
];

// "in 25 min", "in 3 h", "in 6 days" (an invite's expiry).
function untilText(iso) {
  const left = Date.parse(iso) - Date.now();
  if (Number.isNaN(left)) return "";
  if (left <= 0) return "expired";
  const minutes = Math.ceil(left / 60000);
  if (minutes < 60) return `expires in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `expires in ${hours} h`;
  return `expires in ${Math.round(hours / 24)} days`;
}

const KINDS = [
  ["text", "Text"],
  ["voice", "Voice"],
  ["music", "Music"],
];

export class SpaceDialogs {
  constructor(feature) {
    this.feature = feature;
    this.ctx = feature.ctx;
    this.entry = new JoinDialogs(feature);
    this.spaceModal = new Modal("Space", "space-dialog");
    this.spaceModal.onClose = () => {
      this.spaceId = null;
      this.panel = null;
    };
    this.spaceId = null; // the space the space dialog shows
    this.panel = null; // its panel: {name, node, members?}
  }

  closeAll() {
    this.entry.closeAll();
    this.spaceModal.close();
  }

  openCreate() {
    this.entry.openCreate();
  }

  openJoin(code) {
    this.entry.openJoin(code);
  }

  // -- a space's dialog -----------------------------------------------------------------

  openSpace(spaceId, panel = "members") {
    if (!this.feature.entries.has(spaceId)) return;
    this.spaceId = spaceId;
    this.description = el("p", { className: "space-description", "data-testid": "space-description" });
    this.count = el("p", { className: "muted", "data-testid": "space-member-count" });
    this.tabs = el("div", { className: "space-tabs", role: "group", "aria-label": "Space sections" });
    this.panelSlot = el("div", { className: "space-panel-slot" });
    this.spaceModal.fill(this.description, this.count, this.tabs, this.panelSlot);
    this.header();
    this.show(panel);
    this.spaceModal.open();
  }

  header() {
    const entry = this.feature.entries.get(this.spaceId);
    if (!entry) return;
    const space = entry.space;
    this.spaceModal.title(space.name);
    this.description.textContent = space.description || "";
    this.count.textContent = space.member_count ? `${membersText(space.member_count)}${space.open ? " · open to anyone" : ""}` : "";
    const can = (bit) => this.feature.can(this.spaceId, bit);
    const tabs = [["members", "Members"]];
    if (can(PERM.INVITE)) tabs.push(["invite", "Invite people"]);
    if (can(PERM.MANAGE_ROOM)) tabs.push(["room", "New room"]);
    if (can(PERM.MANAGE_ROOM) || can(PERM.MANAGE_SPACE)) tabs.push(["rooms", "Rooms"]);
    if (can(PERM.MANAGE_ROLES)) tabs.push(["roles", "Roles"]);
    if (can(PERM.MANAGE_SPACE)) tabs.push(["settings", "Settings"]);
    const buttons = tabs.map(([name, text]) => {
      const button = el("button", { type: "button", "data-testid": `space-tab-${name}`, "aria-pressed": this.panel && this.panel.name === name ? "true" : "false", text });
      button.addEventListener("click", () => this.show(name));
      return button;
    });
    if (!this.feature.isOwner(this.spaceId)) buttons.push(this.leaveButton());
    this.tabs.replaceChildren(...buttons);
  }

  leaveButton() {
    const spaceId = this.spaceId;
    return confirmButton("Leave space", "Click again to leave", { "data-testid": "space-leave" }, async () => {
      try {
        await this.ctx.api("POST", `/spaces/${spaceId}/leave`);
      } catch (err) {
        this.panelError(err.message);
        return;
      }
      this.spaceModal.close();
      this.feature.dropSpace(spaceId, "You left {name}.");
    });
  }

  panelError(message) {
    const node = this.panelSlot.querySelector("[role=alert]");
    if (node) node.textContent = message;
    else this.panelSlot.prepend(el("p", { className: "error", role: "alert", text: message }));
  }

  show(name) {
    const builders = { members: () => this.membersPanel(), invite: () => this.invitePanel(), room: () => this.roomPanel(), settings: () => this.settingsPanel(), rooms: () => this.roomsPanel(), roles: () => this.rolesPanel() };
    this.panel = { name, ...builders[name]() };
    this.panelSlot.replaceChildren(this.panel.node);
    this.header();
  }

  rolesPanel() {
    const roles = new RolesPanel(this.feature, this.spaceId);
    return { node: roles.node, roles };
  }

  roomsPanel() {
    const rooms = new RoomsPanel(this.feature, this.spaceId);
    return { node: rooms.node, rooms };
  }

  membersPanel() {
    const members = new MembersPanel(this.feature, this.spaceId);
    members.load();
    return { node: members.node, members };
  }

  invitePanel() {
    const spaceId = this.spaceId;
    const error = errorLine("space-invite-error");
    const create = el("button", { type: "submit", "data-testid": "space-invite-create", text: "Create an invite" });
    const uses = field("Max uses", { "data-testid": "space-invite-max-uses" }, "select");
    uses.control.append(...MAX_USES.map(([value, text]) => el("option", { value, text })));
    const expiry = field("Expires after", { "data-testid": "space-invite-expiry" }, "select");
    expiry.control.append(...EXPIRY.map(([value, text]) => el("option", { value, text })));
    const form = el("form", { className: "spaces-form space-invite-form", "data-testid": "space-invite-form" }, uses.label, uses.control, expiry.label, expiry.control, create);
    const code = el("output", { className: "space-invite-code", "data-testid": "space-invite-code" });
    const link = field("Invite link", { readonly: true, "data-testid": "space-invite-link" });
    const result = el("div", { className: "spaces-form" }, el("p", {}, el("span", { text: "Code: " }), code), link.label, link.control);
    result.hidden = true;
    const list = el("ul", { className: "space-invites", "aria-label": "Open invites", "data-testid": "space-invites" });
    const load = async () => {
      try {
        const { invites } = await this.ctx.api("GET", `/spaces/${spaceId}/invites`);
        list.replaceChildren(
          ...invites.map((invite) => {
            const revoke = el("button", { type: "button", "data-testid": "space-invite-revoke", "aria-label": `Revoke invite ${invite.code}`, text: "Revoke" });
            revoke.addEventListener("click", async () => {
              try {
                await this.ctx.api("DELETE", `/invites/${encodeURIComponent(invite.code)}`);
                load();
              } catch (err) {
                error.textContent = err.message;
              }
            });
            const used = invite.max_uses ? `${invite.uses}/${invite.max_uses} uses` : `${invite.uses} uses`;
            const until = invite.expires_at ? untilText(invite.expires_at) : "never expires";
            const when = el("span", { className: "muted", "data-testid": "space-invite-expires", text: until });
            if (invite.expires_at) when.title = new Date(invite.expires_at).toLocaleString();
            return el(
              "li",
              { className: "spaces-row", "data-testid": "space-invite", "data-code": invite.code },
              el("code", { text: invite.code }),
              el("span", { className: "muted", "data-testid": "space-invite-uses", text: used }),
              when,
              revoke,
            );
          }),
        );
      } catch (err) {
        error.textContent = err.message;
      }
    };
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      create.disabled = true;
      const body = {};
      if (uses.control.value) body.max_uses = Number(uses.control.value);
      if (expiry.control.value) body.expires_in_s = Number(expiry.control.value);
      try {
        const invite = await this.ctx.api("POST", `/spaces/${spaceId}/invites`, body);
        code.textContent = invite.code;
        link.control.value = `${location.origin}/#/invite/${invite.code}`;
        result.hidden = false;
        link.control.select();
        error.textContent = "";
        load();
      } catch (err) {
        error.textContent = err.message;
      } finally {
        create.disabled = false;
      }
    });
    load();
    return { node: el("section", { className: "space-panel" }, form, error, result, el("h3", { text: "Open invites" }), list) };
  }

  roomPanel() {
    const spaceId = this.spaceId;
    const entry = this.feature.entries.get(spaceId);
    const name = field("Room name", { required: true, maxlength: "100", "data-testid": "space-room-name" });
    const kind = field("Kind", { "data-testid": "space-room-kind" }, "select");
    kind.control.append(...KINDS.map(([value, text]) => el("option", { value, text })));
    const topic = field("Topic", { maxlength: "500", "data-testid": "space-room-topic" });
    const parts = [name.label, name.control, kind.label, kind.control, topic.label, topic.control];
    let category = null;
    if (this.feature.can(spaceId, PERM.MANAGE_SPACE)) {
      category = field("Category", { "data-testid": "space-room-category" }, "select");
      category.control.append(el("option", { value: "", text: "None" }), ...(entry.space.categories || []).map((c) => el("option", { value: String(c.id), text: c.name })), el("option", { value: "new", text: "New category…" }));
      const fresh = field("New category name", { maxlength: "64", "data-testid": "space-room-new-category" });
      const freshRow = el("div", { className: "spaces-form" }, fresh.label, fresh.control);
      freshRow.hidden = true;
      category.control.addEventListener("change", () => {
        freshRow.hidden = category.control.value !== "new";
      });
      category.fresh = fresh.control;
      parts.push(category.label, category.control, freshRow);
    }
    const error = errorLine("space-room-error");
    const submit = el("button", { type: "submit", "data-testid": "space-room-submit", text: "Create room" });
    const form = el("form", { className: "spaces-form space-panel", "data-testid": "space-room-form" }, ...parts, error, submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      const body = { name: name.control.value.trim(), kind: kind.control.value, space_id: spaceId };
      if (topic.control.value.trim()) body.topic = topic.control.value.trim();
      let room;
      try {
        room = await this.ctx.api("POST", "/rooms", body);
      } catch (err) {
        error.textContent = err.message;
        submit.disabled = false;
        return;
      }
      this.ctx.upsertRoom(room);
      if (category && category.control.value) {
        try {
          await this.fileRoom(spaceId, room.id, category.control.value, category.fresh.value.trim());
        } catch (err) {
          // The room exists; only its filing failed: say so, keep the dialog.
          error.textContent = `The room was created, but not put in the category: ${err.message}`;
          submit.disabled = false;
          return;
        }
      }
      submit.disabled = false;
      this.spaceModal.close();
      this.ctx.openRoom(room.id);
    });
    return { node: form };
  }

  // Puts a room in a category (an existing one by id, or a new one): PATCH categories.
  async fileRoom(spaceId, roomId, choice, freshName) {
    const entry = this.feature.entries.get(spaceId);
    const categories = (entry.space.categories || []).map((c) => ({ id: c.id, name: c.name, room_ids: (c.room_ids || []).filter((id) => id !== roomId) }));
    if (choice === "new") {
      if (!freshName) return;
      categories.push({ name: freshName, room_ids: [roomId] });
    } else {
      const target = categories.find((c) => String(c.id) === choice);
      if (target) target.room_ids.push(roomId);
    }
    const space = await this.ctx.api("PATCH", `/spaces/${spaceId}`, { categories });
    this.feature.patchSpace(spaceId, space);
  }

  settingsPanel() {
    const spaceId = this.spaceId;
    const space = this.feature.entries.get(spaceId).space;
    const name = field("Name", { required: true, maxlength: "100", "data-testid": "space-settings-name" });
    name.control.value = space.name;
    const description = field("Description", { rows: "3", maxlength: "2000", "data-testid": "space-settings-description" }, "textarea");
    description.control.value = space.description || "";
    const open = checkbox("Anyone can join without an invite", "space-settings-open");
    open.input.checked = Boolean(space.open);
    const error = errorLine("space-settings-error");
    const saved = el("p", { className: "muted", role: "status" });
    const submit = el("button", { type: "submit", "data-testid": "space-settings-save", text: "Save" });
    const form = el("form", { className: "spaces-form space-panel", "data-testid": "space-settings-form" }, name.label, name.control, description.label, description.control, open.node, error, saved, submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      saved.textContent = "";
      try {
        const body = { name: name.control.value.trim(), description: description.control.value, open: open.input.checked };
        const updated = await this.ctx.api("PATCH", `/spaces/${spaceId}`, body);
        error.textContent = "";
        saved.textContent = "Saved.";
        this.feature.patchSpace(spaceId, updated);
      } catch (err) {
        error.textContent = err.message;
      } finally {
        submit.disabled = false;
      }
    });
    if (this.feature.isOwner(spaceId)) {
      form.append(
        el("h3", { text: "Danger zone" }),
        this.transferRow(spaceId, error),
        confirmButton("Delete space", "Click again to delete it and all its rooms", { "data-testid": "space-delete" }, async () => {
          try {
            await this.ctx.api("DELETE", `/spaces/${spaceId}`);
          } catch (err) {
            error.textContent = err.message;
            return;
          }
          this.spaceModal.close();
          this.feature.dropSpace(spaceId, "You deleted {name}.");
        }),
      );
    }
    return { node: form };
  }

  // The owner hands the space to a member (PATCH /spaces/{id} {owner_id}); the owner
  // cannot leave otherwise.
  transferRow(spaceId, error) {
    const select = el("select", { "aria-label": "New owner", "data-testid": "space-transfer-to" });
    const row = el("div", { className: "spaces-row" }, select);
    this.ctx
      .api("GET", `/spaces/${spaceId}/members?limit=100`)
      .then(({ members }) => {
        const me = this.ctx.me();
        const others = members.filter((m) => m.user.id !== me.id);
        select.append(...others.map((m) => el("option", { value: m.user.id, text: `${m.nickname || m.user.display_name || m.user.handle} (@${m.user.handle})` })));
        if (!others.length) row.hidden = true;
      })
      .catch((err) => {
        error.textContent = err.message;
      });
    row.append(
      confirmButton("Transfer ownership", "Click again to hand the space over", { "data-testid": "space-transfer" }, async () => {
        try {
          const space = await this.ctx.api("PATCH", `/spaces/${spaceId}`, { owner_id: Number(select.value) });
          this.feature.patchSpace(spaceId, space);
          this.feature.refreshState(spaceId);
          this.spaceModal.close();
        } catch (err) {
          error.textContent = err.message;
        }
      }),
    );
    return row;
  }

  // -- live ---------------------------------------------------------------------------

  // The panel on screen when the space dialog shows this space, else null.
  openPanel(spaceId) {
    return this.spaceModal.isOpen && this.spaceId === spaceId ? this.panel || {} : null;
  }

  spaceChanged(spaceId) {
    this.showRoomSpace();
    const panel = this.openPanel(spaceId);
    if (!panel) return;
    this.header();
    if (panel.roles) panel.roles.render();
    if (panel.members) panel.members.render();
    if (panel.rooms) panel.rooms.rolesChanged();
  }

  // The room header names the space of the open room (a span before #room-name, made
  // once); hidden for rooms outside a space. `room` is the room just opened, if any.
  showRoomSpace(room) {
    const current = room || this.ctx.room();
    const entry = current && current.space_id != null ? this.feature.entries.get(current.space_id) : null;
    if (!this.roomSpace) {
      if (!entry) return;
      this.roomSpace = el("span", { className: "room-space", "data-testid": "room-space" });
      byId("room-name").before(this.roomSpace);
    }
    this.roomSpace.hidden = !entry;
    this.roomSpace.textContent = entry ? entry.space.name : "";
    this.roomSpace.title = entry ? `In the space ${entry.space.name}` : "";
  }

  spaceGone(spaceId) {
    this.showRoomSpace();
    if (this.spaceModal.isOpen && this.spaceId === spaceId) this.spaceModal.close();
  }

  membersChanged(spaceId) {
    const panel = this.openPanel(spaceId);
    if (panel && panel.members) panel.members.load();
    if (panel && panel.roles) panel.roles.loadCounts();
  }

  roomsChanged(spaceId) {
    const panel = this.openPanel(spaceId);
    if (panel && panel.rooms) panel.rooms.renderRooms();
  }

  refreshOpen() {
    if (!this.spaceModal.isOpen) return;
    if (this.feature.entries.has(this.spaceId)) this.header();
    else this.spaceModal.close();
  }
}
