// Room panels in a dialog: the members, the pinned messages and the starboard. Message
// text here is the server's plain `content_text`, set with textContent (the list's
// `content_html` stays confined to messages.js). A pinned or starred message has a
// "Jump" button that scrolls the room to it (loading the page around it). The members
// come a page at a time (a room may have tens of thousands), with "Show more" after.

import { api } from "./api.js";
import { byId, displayName, el, formatTime } from "./dom.js";
import { jumpToMessage } from "./messages.js";

const MEMBERS_PAGE = 100;

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
  if (kind === "pins") return (await api("GET", `/rooms/${roomId}/pins`)).messages.map(messageItem);
  return (await api("GET", `/rooms/${roomId}/starboard`)).messages.map(messageItem);
}

// The members panel: a page of members by user id, then a "Show more" button while the
// server says more follow. `isCurrent()` turns false once the dialog shows something
// else, and a late page is dropped.
async function showMembers(list, roomId, isCurrent) {
  const shown = new Set(); // user ids listed: someone who joined meanwhile is listed once
  let after = null;
  const more = el("button", { type: "button", "data-testid": "members-more", text: "Show more" });
  const moreItem = el("li", {}, more);
  const page = async () => {
    const first = after === null;
    const query = first ? `limit=${MEMBERS_PAGE}` : `limit=${MEMBERS_PAGE}&after=${after}`;
    const answer = await api("GET", `/rooms/${roomId}/members?${query}`);
    if (!isCurrent()) return;
    const members = (answer.members || []).filter((m) => m.user); // a row without its user: skipped
    const hasMore = Boolean(answer.has_more);
    const fresh = members.filter((m) => !shown.has(m.user.id));
    for (const m of fresh) shown.add(m.user.id);
    if (members.length) after = members[members.length - 1].user.id;
    if (first) list.replaceChildren(); // "Loading…"
    moreItem.remove();
    list.append(...fresh.map(memberItem));
    if (first && !fresh.length) list.append(el("li", { text: "Nothing here yet." }));
    if (hasMore && members.length) list.append(moreItem);
  };
  let loading = false; // not `disabled` while a page loads: that would drop the focus
  more.addEventListener("click", async () => {
    if (loading) return;
    loading = true;
    try {
      await page();
      // The focus stays in the list: on the button, or on the list once all show.
      if (moreItem.isConnected) more.focus();
      else if (isCurrent()) {
        list.tabIndex = -1;
        list.focus();
      }
    } catch (err) {
      if (isCurrent()) list.append(el("li", { className: "error", text: err.message }));
    } finally {
      loading = false;
    }
  });
  await page();
}

export function bindPanels(currentRoom) {
  const dialog = byId("panel-dialog");
  const list = byId("panel-list");
  let opened = 0; // which opening of the dialog a late answer belongs to
  for (const kind of Object.keys(PANELS)) {
    byId(`${kind}-button`).addEventListener("click", async () => {
      const room = currentRoom();
      if (!room) return;
      const mine = ++opened;
      const isCurrent = () => mine === opened && dialog.open;
      byId("panel-title").textContent = `${PANELS[kind].title} of ${room.name}`;
      dialog.dataset.panel = kind;
      dialog.showModal();
      list.replaceChildren(el("li", { text: "Loading…" }));
      try {
        if (kind === "members") {
          await showMembers(list, room.id, isCurrent);
          return;
        }
        const items = await fetchPanel(kind, room.id);
        if (!isCurrent()) return;
        list.replaceChildren(...(items.length ? items : [el("li", { text: "Nothing here yet." })]));
      } catch (err) {
        if (isCurrent()) list.replaceChildren(el("li", { className: "error", text: err.message }));
      }
    });
  }
}
