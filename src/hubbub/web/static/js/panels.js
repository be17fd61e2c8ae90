// Room panels in a dialog: the members, the pinned messages and the starboard. Message
// text here is the server's plain `content_text`, set with textContent (the list's
// `content_html` stays confined to messages.js). A pinned or starred message has a
// "Jump" button that scrolls the room to it (loading the page around it).

import { api } from "./api.js";
import { byId, displayName, el, formatTime } from "./dom.js";
import { jumpToMessage } from "./messages.js";

const PANELS = {
  members: { title: "Members" },
  pins: { title: "Pinned messages" },
  starboard: { title: "Starboard" },
};

function memberItem(member) {
  return el(
    "li",
    { "data-testid": "panel-member", "data-user-id": member.user.id },
    el("strong", { text: displayName(member.user) }),
    el("span", { className: "muted", text: ` @${member.user.handle} · ${member.role}` }),
  );
}

function openRoute(roomId) {
  location.hash = `#/rooms/${roomId}`;
}

function messageItem(message) {
  const jump = el("button", { type: "button", "data-testid": "panel-jump", "aria-label": `Jump to the message of ${displayName(message.author)}`, text: "Jump" });
  jump.addEventListener("click", () => {
    byId("panel-dialog").close();
    jumpToMessage(message.room_id, message.id, openRoute);
  });
  return el(
    "li",
    { "data-testid": "panel-message", "data-message-id": message.id },
    el("div", { className: "muted", text: `${displayName(message.author)} · ${formatTime(message.created_at)}${message.stars ? ` · ★ ${message.stars}` : ""}` }),
    el("div", { text: message.content_text || message.content }),
    jump,
  );
}

async function fetchPanel(kind, roomId) {
  // Literal paths, so the contract test sees each call the client makes.
  if (kind === "members") return (await api("GET", `/rooms/${roomId}/members`)).members.map(memberItem);
  if (kind === "pins") return (await api("GET", `/rooms/${roomId}/pins`)).messages.map(messageItem);
  return (await api("GET", `/rooms/${roomId}/starboard`)).messages.map(messageItem);
}

export function bindPanels(currentRoom) {
  const dialog = byId("panel-dialog");
  const list = byId("panel-list");
  for (const kind of Object.keys(PANELS)) {
    byId(`${kind}-button`).addEventListener("click", async () => {
      const room = currentRoom();
      if (!room) return;
      byId("panel-title").textContent = `${PANELS[kind].title} of ${room.name}`;
      dialog.dataset.panel = kind;
      dialog.showModal();
      list.replaceChildren(el("li", { text: "Loading…" }));
      try {
        const items = await fetchPanel(kind, room.id);
        list.replaceChildren(...(items.length ? items : [el("li", { text: "Nothing here yet." })]));
      } catch (err) {
        list.replaceChildren(el("li", { className: "error", text: err.message }));
      }
    });
  }
}
