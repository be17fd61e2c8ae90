// The categories panel of a space's dialog (who holds MANAGE_SPACE): add, rename and
// remove categories and choose each room's category, saved at once with
// PATCH /spaces/{id} {categories}; every member's sidebar follows `space.updated`.

import { el } from "./dom.js";
import { errorLine, field } from "./spaces-ui.js";

export class CategoriesPanel {
  constructor(feature, spaceId) {
    this.feature = feature;
    this.ctx = feature.ctx;
    this.spaceId = spaceId;
    const space = feature.entries.get(spaceId).space;
    // A draft: [{id?, key, name}], and room id → category key ("" for none).
    this.serial = 0;
    this.categories = (space.categories || []).map((c) => ({ id: c.id, key: this.key(), name: c.name, rooms: c.room_ids }));
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
    const save = el("button", { type: "submit", "data-testid": "space-categories-save", text: "Save categories" });
    this.node = el(
      "form",
      { className: "spaces-form space-panel", "data-testid": "space-categories-form" },
      this.names,
      fresh.label,
      el("div", { className: "spaces-row" }, fresh.control, add),
      el("h3", { text: "Rooms" }),
      this.rooms,
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
    const rooms = [...this.ctx.rooms().values()].filter((r) => r.space_id === this.spaceId).sort((a, b) => a.name.localeCompare(b.name));
    this.rooms.replaceChildren(
      ...rooms.map((room) => {
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
        return el("li", { className: "spaces-row" }, el("span", { className: "space-category-room", text: `# ${room.name}` }), select);
      }),
    );
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
      space.categories.forEach((c, i) => {
        if (this.categories[i]) this.categories[i].id = c.id;
      });
    } catch (err) {
      this.error.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }
}
