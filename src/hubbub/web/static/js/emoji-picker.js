// The emoji picker: a popover (role="dialog") with a search field and a listbox of
// emoji in groups: "Recently used" (localStorage, per user), the custom emojis of the
// open room's space, then Unicode's groups (js/emoji-data.js). Opened by "Add reaction"
// in a message's toolbar, the "+" of its reaction bar (message-actions.js,
// message-parts.js) and the composer's emoji button (composer.js).
//
// Keyboard: the search field keeps the focus (a combobox with aria-activedescendant);
// the arrow keys move the active emoji (Up/Down by row, as drawn), Ctrl+Home/End, Enter
// picks, Escape closes with the focus back on the opener, Tab goes round the search field
// and the category buttons; a click outside closes.
//
// A custom emoji is a reaction by its id as a decimal string (server/services/emojis.py,
// D.34) and `<:name:id>` inside a message; its image (`/api/v1/emojis/{id}/image`) needs
// no token, so it is used directly (CSP img-src 'self'), with `:name:` as its alt text.
// The composer feature (composer.js) forwards the gateway hooks here.

import { el } from "./dom.js";
import { GROUPS } from "./emoji-data.js";

const RECENT_MAX = 16;
const CUSTOM_KEY = /^[1-9][0-9]{0,18}$/;

const state = {
  ctx: null,
  spaceEmojis: new Map(), // space id → [emoji] (ready's spaces, then emoji.* events, or GET)
  byId: new Map(), // custom emoji id → emoji (any space seen, and single GETs)
  asked: new Set(), // custom emoji ids asked for with GET /emojis/{id}
  open: null, // {popover, opener, onPick, close}
  unicode: null, // [{key, name, words, group}] parsed once
  seq: 0,
};

function isCustom(key) {
  return CUSTOM_KEY.test(String(key));
}

function unicodeEntries() {
  if (!state.unicode) {
    state.unicode = [];
    for (const group of GROUPS) {
      for (const raw of group.emojis) {
        const space = raw.indexOf(" ");
        const [name, keywords = ""] = raw.slice(space + 1).split("|");
        state.unicode.push({ key: raw.slice(0, space), name, words: `${name} ${keywords}`, group: group.id });
      }
    }
  }
  return state.unicode;
}

function customEntry(emoji) {
  return { key: String(emoji.id), name: `:${emoji.name}:`, words: emoji.name.replace(/_/g, " "), url: emoji.url || `/api/v1/emojis/${emoji.id}/image`, custom: true, emoji };
}

function remember(emojis) {
  for (const emoji of emojis) state.byId.set(emoji.id, emoji);
}

// -- hooks (called by composer.js) ----------------------------------------------------------

export function setup(ctx) {
  state.ctx = ctx;
}

export function onReady(frame) {
  for (const space of frame.spaces || []) {
    if (!Array.isArray(space.emojis)) continue;
    state.spaceEmojis.set(space.id, space.emojis);
    remember(space.emojis);
  }
}

export function onEvent(frame) {
  const data = frame.data || {};
  if (frame.type === "emoji.created" && data.emoji) {
    const spaceId = frame.space_id ?? data.emoji.space_id;
    const list = (state.spaceEmojis.get(spaceId) || []).filter((e) => e.id !== data.emoji.id);
    state.spaceEmojis.set(spaceId, [...list, data.emoji]);
    remember([data.emoji]);
  } else if (frame.type === "emoji.deleted") {
    const spaceId = frame.space_id ?? data.space_id;
    const list = state.spaceEmojis.get(spaceId);
    if (list) state.spaceEmojis.set(spaceId, list.filter((e) => e.id !== data.emoji_id));
  }
}

export function forget() {
  close(false);
  state.spaceEmojis.clear();
  state.byId.clear();
  state.asked.clear();
}

// -- drawing an emoji anywhere (reaction chips) -------------------------------------------

// The node showing reaction key `key`: its text, or a custom emoji's image with `:name:`
// as alt text (the name asked for once when this client has not seen that emoji).
export function emojiNode(key) {
  if (!isCustom(key)) return document.createTextNode(key);
  const id = Number(key);
  const known = state.byId.get(id);
  const img = el("img", { className: "custom-emoji", src: `/api/v1/emojis/${id}/image`, alt: emojiLabel(key), "data-emoji-id": id });
  if (!known) lookUp(id, img);
  return img;
}

export function emojiLabel(key) {
  if (!isCustom(key)) return key;
  const known = state.byId.get(Number(key));
  return known ? `:${known.name}:` : ":emoji:";
}

async function lookUp(id, img) {
  if (state.asked.has(id) || !state.ctx) return;
  state.asked.add(id);
  try {
    const emoji = await state.ctx.api("GET", `/emojis/${id}`);
    remember([emoji]);
    img.alt = `:${emoji.name}:`;
    for (const other of document.querySelectorAll(`img.custom-emoji[data-emoji-id="${id}"]`)) other.alt = `:${emoji.name}:`;
  } catch (err) {
    // Deleted since: the image answers 404 and the alt text stays ":emoji:".
  }
}

// -- recently used ------------------------------------------------------------------------

function recentKey() {
  const me = state.ctx && state.ctx.me();
  return me ? `hubbub.emoji.recent.${me.id}` : null;
}

function recent() {
  const key = recentKey();
  if (!key) return [];
  try {
    const list = JSON.parse(localStorage.getItem(key) || "[]");
    return Array.isArray(list) ? list.filter((k) => typeof k === "string") : [];
  } catch (err) {
    return [];
  }
}

function used(key) {
  const storeKey = recentKey();
  if (!storeKey) return;
  const list = [key, ...recent().filter((k) => k !== key)].slice(0, RECENT_MAX);
  try {
    localStorage.setItem(storeKey, JSON.stringify(list));
  } catch (err) {
    // Storage full or refused: the row simply does not remember.
  }
}

// -- the popover --------------------------------------------------------------------------

function roomSpaceId() {
  const room = state.ctx && state.ctx.room();
  return room && room.space_id != null ? room.space_id : null;
}

async function spaceEmojis(spaceId) {
  if (state.spaceEmojis.has(spaceId)) return state.spaceEmojis.get(spaceId);
  const answer = await state.ctx.api("GET", `/spaces/${spaceId}/emojis`);
  state.spaceEmojis.set(spaceId, answer.emojis || []);
  remember(answer.emojis || []);
  return answer.emojis || [];
}

function matches(entry, words) {
  const text = entry.words.toLowerCase();
  return words.every((w) => text.includes(w));
}

// Opens the picker next to `opener`; `onPick({key, name, custom, emoji})` gets the choice
// (a custom one's `emoji` carries its name and id). `purpose` labels the dialog.
export function openPicker(opener, onPick, purpose = "Pick an emoji") {
  if (state.open && state.open.opener === opener) {
    close(true);
    return;
  }
  close(false);
  state.seq += 1;
  const base = `emoji-picker-${state.seq}`;
  const title = el("h2", { id: `${base}-title`, className: "visually-hidden", text: purpose });
  const search = el("input", {
    type: "search",
    className: "emoji-search",
    "data-testid": "emoji-search",
    placeholder: "Search emoji",
    "aria-label": "Search emoji",
    role: "combobox",
    "aria-expanded": "true",
    "aria-autocomplete": "list",
    "aria-controls": `${base}-list`,
    autocomplete: "off",
  });
  const tabs = el("div", { className: "emoji-tabs", role: "toolbar", "aria-label": "Emoji categories" });
  const list = el("div", { className: "emoji-list", id: `${base}-list`, role: "listbox", "aria-label": "Emoji", "data-testid": "emoji-grid" });
  const status = el("p", { className: "emoji-status muted", role: "status", "data-testid": "emoji-status" });
  const popover = el("div", { className: "emoji-picker", role: "dialog", "aria-labelledby": title.id, "data-testid": "emoji-picker" }, title, search, tabs, list, status);
  document.body.append(popover);

  const spaceId = roomSpaceId();
  const message = opener.closest("li.message");
  const current = { popover, opener, onPick, options: [], active: -1, custom: [], messageId: message ? message.dataset.messageId : null };
  state.open = current;

  const option = (entry) => {
    const id = `${base}-${entry.custom ? "c" : "u"}-${current.options.length}`;
    const node = el("div", { className: "emoji-option", role: "option", id, "data-testid": "emoji-option", "data-emoji": entry.key, "aria-selected": "false", "aria-label": entry.name, title: entry.name });
    if (entry.custom) node.append(el("img", { src: entry.url, alt: entry.name, className: "custom-emoji" }));
    else node.textContent = entry.key;
    node.addEventListener("pointerdown", (ev) => ev.preventDefault()); // the search keeps the focus
    node.addEventListener("click", () => pick(entry));
    current.options.push({ node, entry });
    return node;
  };
  const section = (id, label, entries, testid) => {
    const heading = el("div", { className: "emoji-group-label", id: `${base}-g-${id}`, role: "presentation", text: label });
    const group = el("div", { className: "emoji-group", role: "group", "aria-labelledby": heading.id, "data-testid": testid || "emoji-group", "data-group": id });
    group.append(...entries.map(option));
    return el("div", { className: "emoji-section", role: "presentation" }, heading, group);
  };

  const draw = () => {
    current.options = [];
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const sections = [];
    if (words.length) {
      const found = [...current.custom, ...unicodeEntries()].filter((entry) => matches(entry, words));
      if (found.length) sections.push(section("results", "Search results", found, "emoji-results"));
      status.textContent = found.length ? "" : "No emoji found.";
    } else {
      status.textContent = "";
      const everything = new Map([...current.custom, ...unicodeEntries()].map((e) => [e.key, e]));
      const recents = recent()
        .map((key) => everything.get(key) || (isCustom(key) && state.byId.has(Number(key)) ? customEntry(state.byId.get(Number(key))) : null))
        .filter(Boolean);
      if (recents.length) sections.push(section("recent", "Recently used", recents, "emoji-recent"));
      if (current.custom.length) sections.push(section("custom", "This space", current.custom, "emoji-custom"));
      for (const group of GROUPS) sections.push(section(group.id, group.label, unicodeEntries().filter((e) => e.group === group.id)));
    }
    list.replaceChildren(...sections);
    setActive(current.options.length ? 0 : -1, false);
  };

  const setActive = (index, scroll = true) => {
    const before = current.options[current.active];
    if (before) before.node.setAttribute("aria-selected", "false");
    current.active = index;
    const now = current.options[index];
    if (now) {
      now.node.setAttribute("aria-selected", "true");
      search.setAttribute("aria-activedescendant", now.node.id);
      if (scroll) now.node.scrollIntoView({ block: "nearest" });
    } else search.removeAttribute("aria-activedescendant");
  };

  // Up/Down: the option drawn in the next (previous) row nearest in x.
  const vertical = (down) => {
    const from = current.options[current.active];
    if (!from) return current.options.length ? 0 : -1;
    const box = from.node.getBoundingClientRect();
    let best = -1;
    let bestRow = null;
    let bestDx = Infinity;
    current.options.forEach(({ node }, i) => {
      const r = node.getBoundingClientRect();
      const dy = down ? r.top - box.top : box.top - r.top;
      if (dy < box.height / 2) return;
      if (bestRow === null || dy < bestRow - 1) {
        bestRow = dy;
        bestDx = Infinity;
      }
      if (Math.abs(dy - bestRow) <= 1) {
        const dx = Math.abs(r.left - box.left);
        if (dx < bestDx) {
          bestDx = dx;
          best = i;
        }
      }
    });
    return best < 0 ? current.active : best;
  };

  const pick = (entry) => {
    used(entry.key);
    close(true);
    onPick(entry);
  };

  search.addEventListener("input", draw);
  search.addEventListener("keydown", (ev) => {
    const n = current.options.length;
    let next = null;
    if (ev.key === "ArrowRight") next = Math.min(current.active + 1, n - 1);
    else if (ev.key === "ArrowLeft") next = Math.max(current.active - 1, 0);
    else if (ev.key === "ArrowDown") next = vertical(true);
    else if (ev.key === "ArrowUp") next = vertical(false);
    else if (ev.key === "Home" && ev.ctrlKey) next = 0;
    else if (ev.key === "End" && ev.ctrlKey) next = n - 1;
    else if (ev.key === "Enter") {
      ev.preventDefault();
      const chosen = current.options[current.active];
      if (chosen) pick(chosen.entry);
      return;
    } else if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation();
      close(true);
      return;
    } else return;
    ev.preventDefault();
    if (n) setActive(next);
  });
  popover.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") {
      ev.preventDefault();
      ev.stopPropagation();
      close(true);
    } else if (ev.key === "Tab") {
      // The focus stays inside: the search field, then the category buttons, around.
      const stops = [search, ...tabs.querySelectorAll("button")];
      const at = stops.indexOf(document.activeElement);
      const next = stops[(at + (ev.shiftKey ? -1 : 1) + stops.length) % stops.length];
      ev.preventDefault();
      next.focus();
    }
  });

  for (const group of GROUPS) {
    const first = group.emojis[0].slice(0, group.emojis[0].indexOf(" "));
    const tab = el("button", { type: "button", className: "emoji-tab", "data-testid": "emoji-category", "data-group": group.id, "aria-label": group.label, title: group.label, text: first });
    tab.addEventListener("click", () => {
      if (search.value) {
        search.value = "";
        draw();
      }
      const target = list.querySelector(`[data-group="${group.id}"]`);
      if (target) {
        target.parentElement.scrollIntoView({ block: "start" });
        const firstOption = current.options.findIndex((o) => o.node.parentElement === target);
        if (firstOption >= 0) setActive(firstOption, false);
      }
      search.focus();
    });
    tabs.append(tab);
  }

  draw();
  place(popover, opener);
  search.focus();

  if (spaceId !== null) {
    spaceEmojis(spaceId)
      .then((emojis) => {
        if (state.open !== current) return;
        current.custom = emojis.map(customEntry);
        draw();
      })
      .catch((err) => {
        if (state.open === current) status.textContent = err.message;
      });
  }
}

// Above the opener when there is room, else below; inside the window. A phone (CSS,
// below 500 px) shows it as a sheet at the bottom instead.
function place(popover, opener) {
  const rect = opener.getBoundingClientRect();
  const box = popover.getBoundingClientRect();
  const margin = 8;
  let top = rect.top - box.height - 4;
  if (top < margin) top = Math.min(rect.bottom + 4, window.innerHeight - box.height - margin);
  const left = Math.min(Math.max(margin, rect.right - box.width), window.innerWidth - box.width - margin);
  popover.style.setProperty("top", `${Math.max(margin, top)}px`);
  popover.style.setProperty("left", `${Math.max(margin, left)}px`);
}

// The opener's equivalent after its message was drawn again while the picker was open.
function redrawn(current) {
  const testid = current.opener.getAttribute("data-testid");
  if (!current.messageId || !testid) return null;
  const li = document.querySelector(`li.message[data-message-id="${current.messageId}"]`);
  return li ? li.querySelector(`[data-testid="${testid}"]`) : null;
}

function close(returnFocus) {
  const current = state.open;
  if (!current) return;
  state.open = null;
  if (returnFocus) {
    const opener = current.opener.isConnected ? current.opener : redrawn(current);
    if (opener) opener.focus();
  }
  current.popover.remove();
}

// A press outside the open picker (and its opener) closes it, the focus left where it goes.
document.addEventListener(
  "pointerdown",
  (ev) => {
    const current = state.open;
    if (current && !current.popover.contains(ev.target) && !current.opener.contains(ev.target)) close(false);
  },
  true,
);

// Whether reaction `r` (one of a message's `reactions`) includes user `meId`'s.
export function reactedByMe(r, meId) {
  return Boolean(r && (r.me === true || (r.user_ids || []).includes(meId)));
}

// Picking toggles: a reaction already mine is taken back.
export function reactWith(view, messageId, key) {
  const item = view.items.get(messageId);
  const reactions = (item && item.message.reactions) || [];
  const mine = reactedByMe(reactions.find((r) => r.emoji === key), view.me.id);
  return view.react(messageId, key, !mine);
}
