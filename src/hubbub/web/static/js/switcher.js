// Feature "switcher" (see features.js): the quick switcher of Slack and Discord. Ctrl+K
// (⌘K on a Mac) anywhere opens a dialog; typing narrows the joined rooms, DMs and
// groups by their title (its start first, then a word's start, then anywhere), the
// arrow keys move, Enter opens, Escape closes with the focus back where it was. With
// nothing typed, what waits to be read comes first (mentions, then unread).

import { el } from "./dom.js";

const SHOWN = 20;

let context = null;
let ui = null; // {dialog, input, list, options: [{room, node}], active, opener}

// The rank of `title` for `query` (lower case): 0 its start, 1 a word's start, 2 inside;
// null when it does not match.
function matchRank(title, query) {
  const text = title.toLowerCase().replace(/^#\s*/, "");
  if (!query) return 0;
  if (text.startsWith(query)) return 0;
  if (text.split(/[\s,_\-/]+/).some((word) => word.startsWith(query))) return 1;
  return text.includes(query) ? 2 : null;
}

function waiting(id) {
  const state = context.sidebar.read(id);
  return [state.mention_count || 0, state.unread_count || 0];
}

function candidates(query) {
  const found = [];
  for (const room of context.rooms().values()) {
    const title = context.sidebar.title(room);
    const rank = matchRank(title, query);
    if (rank === null) continue;
    const [mentions, unread] = waiting(room.id);
    found.push({ room, title, rank, mentions, unread });
  }
  found.sort(
    (a, b) =>
      a.rank - b.rank ||
      (query ? 0 : b.mentions - a.mentions || b.unread - a.unread) ||
      a.title.localeCompare(b.title),
  );
  return found.slice(0, SHOWN);
}

function build() {
  const input = el("input", {
    type: "text",
    role: "combobox",
    autocomplete: "off",
    spellcheck: "false",
    "aria-label": "Room or conversation",
    "aria-autocomplete": "list",
    "aria-expanded": "true",
    "aria-controls": "switcher-list",
    placeholder: "Where to? (type a room or a name)",
    "data-testid": "switcher-input",
  });
  const list = el("ul", { id: "switcher-list", role: "listbox", "aria-label": "Matches", "data-testid": "switcher-list" });
  const dialog = el(
    "dialog",
    { className: "switcher", "aria-label": "Switch room", "data-testid": "switcher-dialog" },
    input,
    list,
    el("p", { className: "muted switcher-hint", text: "↑↓ to move · Enter to open · Esc to close" }),
  );
  document.body.append(dialog);
  ui = { dialog, input, list, options: [], active: 0, opener: null };
  input.addEventListener("input", () => draw());
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      const step = ev.key === "ArrowDown" ? 1 : -1;
      if (ui.options.length) select((ui.active + step + ui.options.length) % ui.options.length);
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      const chosen = ui.options[ui.active];
      if (chosen) go(chosen.room.id);
    }
  });
  // Escape (the dialog's cancel) and any other close: the focus goes back.
  dialog.addEventListener("close", () => {
    const opener = ui.opener;
    ui.opener = null;
    if (opener && opener.isConnected) opener.focus();
  });
  dialog.addEventListener("click", (ev) => {
    if (ev.target === dialog) dialog.close(); // a click on the backdrop
  });
}

function select(index) {
  ui.active = index;
  ui.options.forEach(({ node }, i) => node.setAttribute("aria-selected", i === index ? "true" : "false"));
  const current = ui.options[index];
  if (current) {
    ui.input.setAttribute("aria-activedescendant", current.node.id);
    current.node.scrollIntoView({ block: "nearest" });
  } else ui.input.removeAttribute("aria-activedescendant");
}

function draw() {
  const query = ui.input.value.trim().toLowerCase();
  const found = candidates(query);
  ui.options = found.map(({ room, title, mentions, unread }) => {
    const node = el(
      "li",
      { id: `switcher-option-${room.id}`, role: "option", "data-testid": "switcher-option", "data-room-id": room.id },
      el("span", { className: "switcher-title", text: title }),
      mentions ? el("span", { className: "badge mention", text: `@${mentions}`, "aria-label": `${mentions} mentions` }) : null,
      unread ? el("span", { className: "badge", text: String(unread), "aria-label": `${unread} unread` }) : null,
    );
    node.addEventListener("click", () => go(room.id));
    return { room, node };
  });
  ui.list.replaceChildren(...(ui.options.length ? ui.options.map((o) => o.node) : [el("li", { className: "muted", text: "Nothing matches." })]));
  select(0);
}

function go(roomId) {
  ui.opener = null; // the room's composer takes the focus, not the old element
  ui.dialog.close();
  context.openRoom(roomId);
}

function openSwitcher() {
  if (!context || !context.me()) return;
  if (!ui) build();
  if (ui.dialog.open) return;
  ui.opener = document.activeElement;
  ui.input.value = "";
  draw();
  ui.dialog.showModal();
  ui.input.focus();
}

export default {
  name: "switcher",
  init(ctx) {
    context = ctx;
    document.addEventListener("keydown", (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && !ev.altKey && !ev.shiftKey && ev.key.toLowerCase() === "k") {
        ev.preventDefault();
        openSwitcher();
      }
    });
  },
  onSignedOut() {
    if (ui && ui.dialog.open) ui.dialog.close();
  },
};
