// Room settings for its owner: name, topic, description and access (who may read, post
// and join: `access_mode` public / gallery / private, and `allow_entry`), saved with
// PATCH /rooms/{id} (only the fields that changed). The sidebar and header follow the
// `room.updated` event that every viewer receives. The moderation settings (open/closed,
// slow mode, pre-moderation) are in the Moderation dialog (modpanel.js), which the room's
// moderators use too.

import { api } from "./api.js";
import { byId, el } from "./dom.js";

const ACCESS = [
  ["public", "Public: anyone may join, read and post"],
  ["gallery", "Gallery: anyone may read; the owners grant posting"],
  ["private", "Private: only the members see it"],
];

// The access fields, built once and put into the settings form before its error line.
function accessFields() {
  const access = el("select", { id: "settings-access-mode", "data-testid": "settings-access" });
  for (const [value, label] of ACCESS) access.append(el("option", { value, text: label }));
  const entry = el("input", { type: "checkbox", id: "settings-allow-entry-box", "data-testid": "settings-allow-entry" });
  const entryRow = el("div", { className: "settings-check" }, entry, el("label", { for: "settings-allow-entry-box", text: "New members may join" }));
  byId("settings-error").before(el("label", { for: "settings-access-mode", text: "Access" }), access, entryRow);
  return { access, entry };
}

export function bindRoomSettings(currentRoom, onSaved) {
  const dialog = byId("settings-dialog");
  const form = byId("settings-form");
  const error = byId("settings-error");
  const fields = accessFields();
  byId("settings-button").addEventListener("click", () => {
    const room = currentRoom();
    if (!room) return;
    byId("settings-name").value = room.name;
    byId("settings-topic").value = room.topic || "";
    byId("settings-description").value = room.description || "";
    fields.access.value = room.access_mode || "public";
    fields.entry.checked = room.allow_entry !== false;
    // Conversations have no access modes (a group is always private).
    fields.access.disabled = room.kind === "group" || room.kind === "dm";
    error.textContent = "";
    dialog.showModal();
    byId("settings-name").focus();
  });
  byId("settings-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const room = currentRoom();
    if (!room) return;
    const wanted = {
      name: byId("settings-name").value.trim(),
      topic: byId("settings-topic").value,
      description: byId("settings-description").value,
      access_mode: fields.access.value,
      allow_entry: fields.entry.checked,
    };
    const changes = {};
    for (const [key, value] of Object.entries(wanted)) {
      if ((room[key] ?? (key === "allow_entry" ? true : "")) !== value) changes[key] = value;
    }
    if (fields.access.disabled) delete changes.access_mode;
    try {
      if (Object.keys(changes).length) onSaved(await api("PATCH", `/rooms/${room.id}`, changes));
      dialog.close();
    } catch (err) {
      error.textContent = err.message; // the form keeps what was typed
    }
  });
}
