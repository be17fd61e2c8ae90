// Message search (GET /search) in a dialog, with the hits highlighted. The server's
// `highlight` is escaped text with <mark> around the hits; it is rebuilt here from text
// nodes and <mark> elements rather than parsed as HTML, so nothing else can get in.
// "Go to message" opens the hit's room scrolled to it (messages.js jumpToMessage).

import { api } from "./api.js";
import { byId, displayName, el, formatTime } from "./dom.js";
import { jumpToMessage } from "./messages.js";

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&#39;": "'" };

function unescape(text) {
  return text.replace(/&(?:amp|lt|gt|quot|#x27|#39);/g, (entity) => ENTITIES[entity]);
}

export function highlighted(fragment) {
  const node = el("span", { className: "highlight", "data-testid": "search-highlight" });
  fragment.split(/(<mark>|<\/mark>)/).reduce((marked, part) => {
    if (part === "<mark>") return true;
    if (part === "</mark>") return false;
    if (part) node.append(marked ? el("mark", { text: unescape(part) }) : unescape(part));
    return marked;
  }, false);
  return node;
}

export function bindSearch({ roomName, onOpen }) {
  const dialog = byId("search-dialog");
  const list = byId("search-results");
  byId("search-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const query = byId("search-input").value.trim();
    if (!query) return;
    if (!dialog.open) dialog.showModal();
    list.replaceChildren(el("li", { text: "Searching…" }));
    let page;
    try {
      page = await api("GET", `/search?q=${encodeURIComponent(query)}&limit=50`);
    } catch (err) {
      list.replaceChildren(el("li", { className: "error", text: err.message }));
      return;
    }
    const results = (page && page.results) || [];
    if (!results.length) {
      list.replaceChildren(el("li", { text: "No messages match." }));
      return;
    }
    list.replaceChildren(
      ...results.map(({ message, highlight }) => {
        // Opens the room scrolled to this message, highlighted.
        const go = el("button", { type: "button", "data-testid": "search-open", text: "Go to message" });
        go.addEventListener("click", () => {
          dialog.close();
          jumpToMessage(message.room_id, message.id, onOpen);
        });
        return el(
          "li",
          { "data-testid": "search-result", "data-message-id": message.id },
          el("div", { className: "muted", text: `${roomName(message.room_id)} · ${displayName(message.author)} · ${formatTime(message.created_at)}` }),
          highlight ? highlighted(highlight) : el("span", { text: message.content_text }),
          go,
        );
      }),
    );
  });
}
