// Room settings for its owner: name, topic and description (PATCH /rooms/{id}). The
// sidebar and header follow the `room.updated` event that every viewer receives.

import { api } from "./api.js";
import { byId } from "./dom.js";

export function bindRoomSettings(currentRoom, onSaved) {
  const dialog = byId("settings-dialog");
  const form = byId("settings-form");
  const error = byId("settings-error");
  byId("settings-button").addEventListener("click", () => {
    const room = currentRoom();
    if (!room) return;
    byId("settings-name").value = room.name;
    byId("settings-topic").value = room.topic || "";
    byId("settings-description").value = room.description || "";
    error.textContent = "";
    dialog.showModal();
  });
  byId("settings-cancel").addEventListener("click", () => dialog.close());
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const room = currentRoom();
    if (!room) return;
    const changes = {
      name: byId("settings-name").value.trim(),
      topic: byId("settings-topic").value,
      description: byId("settings-description").value,
    };
    try {
      onSaved(await api("PATCH", `/rooms/${room.id}`, changes));
      dialog.close();
    } catch (err) {
      error.textContent = err.message;
    }
  });
}
