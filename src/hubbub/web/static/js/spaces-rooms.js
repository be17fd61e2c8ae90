// The rooms panel of a space's dialog. Who holds MANAGE_ROOM moves rooms up and down
// (PATCH /rooms/{id} {position}) and deletes them (DELETE /rooms/{id}); who holds
// MANAGE_SPACE adds, renames and removes categories and files each room in one, saved
// at once with PATCH /spaces/{id} {categories}. Every member's sidebar follows
// `room.updated`, `room.deleted` and `space.updated`. Who holds MANAGE_ROLES opens a
// room's "Permissions": its overrides per role (spaces-roles.js OverridesEditor).

import { el } from "./dom.js";
import { OverridesEditor } from "./spaces-roles.js";
import { PERM, confirmButton, errorLine, field, roomsOfSpace } from "./spaces-ui.js";

export class RoomsPanel {
  constructor(feature, spaceId) {
    this.feature = feature;
    this.ctx = feature.ctx;
    this.spaceId = spaceId;
    const space = feature.entries.get(spaceId).space;
    // A draft: [{id?, key, name}], and room id → category key ("" for none).
    this.serial = 0;
    this.categories = (space.categories || []).map((c) => ({ id: c.id, key: this.key(), name: c.name, rooms: c.room_ids || [] }));
    this.placement = new Map();
    for (const category of this.categories) for (const roomId of category.rooms) this.placement.set(roomId, category.key);
    this.error = errorLine("space-categories-error");
    this.status = el("p", { className: "muted", role: "status" });
    this.names = el("ul", { className: "space-category-edit", "aria-label": "Categories", "data-testid": "space-categories" });
    this.rooms = el("ul", { className: "space-category-rooms", "aria-label": "Rooms and their category" });
    const fresh = field("New category", { maxlength: "64", "data-testid": "space-category-new" });
    const add = el("button", { type: "button", "data-testid": "space-category-add", text: "Add category" });
    add.addEventListener("click", () => {
      const name = fresh.control.value.trim();
      if (!name) return;
      this.categories.push({ key: this.key(), name, rooms: [] });
      fresh.control.value = "";
      this.render();
      fresh.control.focus();
    });
    fresh.control.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        add.click();
      }
    });
    this.manageSpace = feature.can(spaceId, PERM.MANAGE_SPACE);
    this.manageRoom = feature.can(spaceId, PERM.MANAGE_ROOM);
    this.manageRoles = feature.can(spaceId, PERM.MANAGE_ROLES);
    this.overrides = null; // the open OverridesEditor
    this.overridesSlot = el("div", { className: "space-overrides-slot" });
    const save = el("button", { type: "submit", "data-testid": "space-categories-save", text: "Save categories" });
    const categories = el("div", { className: "spaces-form" }, el("h3", { text: "Categories" }), this.names, fresh.label, el("div", { className: "spaces-row" }, fresh.control, add));
    categories.hidden = !this.manageSpace;
    save.hidden = !this.manageSpace;
    this.node = el(
      "form",
      { className: "spaces-form space-panel", "data-testid": "space-categories-form" },
      el("h3", { text: "Rooms" }),
      this.rooms,
      this.overridesSlot,
      categories,
      this.error,
      this.status,
      save,
    );
    this.node.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.save(save);
    });
    this.render();
  }

  key() {
    this.serial += 1;
    return `c${this.serial}`;
  }

  render() {
    this.names.replaceChildren(
      ...this.categories.map((category) => {
        const name = el("input", { value: category.name, maxlength: "64", required: true, "aria-label": "Category name", "data-testid": "space-category-name" });
        name.addEventListener("input", () => {
          category.name = name.value;
        });
        const remove = el("button", { type: "button", "aria-label": `Remove the category ${category.name}`, "data-testid": "space-category-remove", text: "Remove" });
        remove.addEventListener("click", () => {
          this.categories = this.categories.filter((c) => c !== category);
          for (const [roomId, key] of this.placement) if (key === category.key) this.placement.delete(roomId);
          this.render();
        });
        return el("li", { className: "spaces-row" }, name, remove);
      }),
    );
    this.renderRooms();
  }

  // One row per room of the space, in the sidebar's order.
  renderRooms() {
    const rooms = this.spaceRooms();
    this.rooms.replaceChildren(
      ...rooms.map((room, index) => {
        const controls = el("span", { className: "spaces-row space-room-controls" });
        const row = el("li", { className: "spaces-row", "data-testid": "space-room-row", "data-room-id": room.id }, el("span", { className: "space-category-room", text: `# ${room.name}` }), controls);
        if (this.manageSpace) {
          const select = el(
            "select",
            { "aria-label": `Category of # ${room.name}`, "data-testid": "space-category-of", "data-room-id": room.id },
            el("option", { value: "", text: "No category" }),
            ...this.categories.map((c) => el("option", { value: c.key, text: c.name || "(unnamed)" })),
          );
          select.value = this.placement.get(room.id) || "";
          select.addEventListener("change", () => {
            if (select.value) this.placement.set(room.id, select.value);
            else this.placement.delete(room.id);
          });
          controls.append(select);
        }
        if (this.manageRoom) {
          const up = el("button", { type: "button", "aria-label": `Move # ${room.name} up`, "data-testid": "space-room-up", text: "↑", disabled: index === 0 });
          const down = el("button", { type: "button", "aria-label": `Move # ${room.name} down`, "data-testid": "space-room-down", text: "↓", disabled: index === rooms.length - 1 });
          up.addEventListener("click", () => this.move(index, index - 1));
          down.addEventListener("click", () => this.move(index, index + 1));
          const remove = confirmButton("Delete", "Click again to delete", { "aria-label": `Delete # ${room.name}`, "data-testid": "space-room-delete" }, () => this.remove(room));
          controls.append(up, down, remove);
        }
        if (this.manageRoles) {
          const open = Boolean(this.overrides && this.overrides.room.id === room.id);
          const perms = el("button", { type: "button", "aria-label": `Permissions of # ${room.name}`, "aria-expanded": open ? "true" : "false", "data-testid": "space-room-permissions", text: "Permissions" });
          perms.addEventListener("click", () => this.toggleOverrides(room));
          controls.append(perms);
        }
        return row;
      }),
    );
  }

  toggleOverrides(room) {
    const same = this.overrides && this.overrides.room.id === room.id;
    this.overrides = same ? null : new OverridesEditor(this.feature, this.spaceId, room);
    this.overridesSlot.replaceChildren(...(this.overrides ? [this.overrides.node] : []));
    this.renderRooms();
    const button = this.rooms.querySelector(`[data-room-id="${room.id}"] [data-testid="space-room-permissions"]`);
    if (this.overrides) this.overrides.target.focus();
    else if (button) button.focus();
  }

  // Roles were created, renamed or deleted: the overrides editor offers the new list.
  rolesChanged() {
    if (this.overrides) this.overrides.targets();
  }

  spaceRooms() {
    return roomsOfSpace(this.ctx.rooms(), this.spaceId);
  }

  // Swaps two rooms, then gives every room whose place changed its index as position.
  async move(from, to) {
    const rooms = this.spaceRooms();
    if (to < 0 || to >= rooms.length) return;
    [rooms[from], rooms[to]] = [rooms[to], rooms[from]];
    try {
      for (const [index, room] of rooms.entries()) {
        if ((room.position || 0) === index) continue;
        this.ctx.upsertRoom(await this.ctx.api("PATCH", `/rooms/${room.id}`, { position: index }));
      }
      this.error.textContent = "";
    } catch (err) {
      this.error.textContent = err.message;
    }
    this.renderRooms();
    const again = this.rooms.querySelector(`[data-room-id="${rooms[to].id}"] [data-testid=${from < to ? "space-room-down" : "space-room-up"}]`);
    if (again && !again.disabled) again.focus();
  }

  async remove(room) {
    try {
      await this.ctx.api("DELETE", `/rooms/${room.id}`);
    } catch (err) {
      this.error.textContent = err.message;
      return;
    }
    this.placement.delete(room.id);
    this.ctx.removeRoom(room.id);
    this.renderRooms();
  }

  async save(button) {
    const categories = this.categories.map((c) => {
      const out = { name: c.name.trim(), room_ids: [...this.placement].filter(([, key]) => key === c.key).map(([roomId]) => roomId) };
      if (c.id) out.id = c.id;
      return out;
    });
    button.disabled = true;
    this.status.textContent = "";
    try {
      const space = await this.ctx.api("PATCH", `/spaces/${this.spaceId}`, { categories });
      this.error.textContent = "";
      this.status.textContent = "Saved.";
      this.feature.patchSpace(this.spaceId, space);
      // New categories now have ids: keep them, so a second save does not duplicate.
      (space.categories || []).forEach((c, i) => {
        if (this.categories[i]) this.categories[i].id = c.id;
      });
    } catch (err) {
      this.error.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }
}
