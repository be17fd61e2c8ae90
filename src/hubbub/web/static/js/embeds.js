// Feature "embeds" (see features.js for the hooks and ctx): the cards that a message's
// author or a bot in the room appends after sending (`POST /messages/{id}/embeds`):
// link previews, bot results. A message's `embeds[]` is drawn under its body, and the
// live `message.appended` adds the new ones to the message on screen.
//
// Embeds are plain data (the server's services/embeds.py validates them): every text
// goes in with textContent, the colour through the CSSOM (the CSP forbids style
// attributes, not style properties set from script), and an image is a link, never an
// <img>: the page may load images only from this server, and fetching a third party's
// image would tell it who reads the room.

import { el } from "./dom.js";

const EXTERNAL = { target: "_blank", rel: "noopener noreferrer nofollow" };

let context = null;

// The server admits only http(s) URLs; checked again here so that a URL of any other
// scheme (javascript:, data: …) can never become a link, whatever the server let by.
export function safeUrl(value) {
  if (typeof value !== "string") return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : null;
}

function hexColour(value) {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffff) return null;
  return `#${value.toString(16).padStart(6, "0")}`;
}

function titleNode(embed) {
  const url = safeUrl(embed.url);
  const text = embed.title || (url ? url.href : "");
  if (!text) return null;
  const inner = url ? el("a", { href: url.href, ...EXTERNAL, text }) : text;
  return el("p", { className: "embed-title", "data-testid": "embed-title" }, inner);
}

function fieldsNode(fields) {
  if (!Array.isArray(fields) || !fields.length) return null;
  const list = el("dl", { className: "embed-fields" });
  for (const field of fields) {
    list.append(
      el(
        "div",
        { className: field.inline ? "embed-field inline" : "embed-field", "data-testid": "embed-field" },
        el("dt", { className: "embed-field-name", text: field.name ?? "" }),
        el("dd", { className: "embed-field-value", text: field.value ?? "" }),
      ),
    );
  }
  return list;
}

function imageNode(value) {
  const url = safeUrl(value);
  if (!url) return null;
  return el(
    "p",
    { className: "embed-image" },
    el("a", { href: url.href, ...EXTERNAL, "data-testid": "embed-image-link", text: `Image on ${url.host}` }),
  );
}

export function embedCard(embed) {
  const card = el(
    "article",
    { className: "embed", "data-testid": "message-embed", "aria-label": embed.title ? `Embed: ${embed.title}` : "Embed" },
    titleNode(embed),
    embed.description ? el("p", { className: "embed-description", "data-testid": "embed-description", text: embed.description }) : null,
    fieldsNode(embed.fields),
    imageNode(embed.image_url),
  );
  const colour = hexColour(embed.colour);
  if (colour) card.style.setProperty("--embed-colour", colour);
  return card;
}

// Whether `tail` is already the end of `embeds`, for a server whose event carries no
// `position`: the room's history, fetched while the append was on its way, may already
// hold what the live event brings.
function endsWith(embeds, tail) {
  if (tail.length > embeds.length) return false;
  const start = embeds.length - tail.length;
  return tail.every((embed, i) => canonical(embed) === canonical(embeds[start + i]));
}

// JSON with every object's keys sorted: a store may hand the keys back in its own order.
function canonical(value) {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export default {
  name: "embeds",
  init(ctx) {
    context = ctx;
  },
  messageExtras(message) {
    const embeds = message.deleted ? [] : message.embeds || [];
    if (!embeds.length) return [];
    return [el("div", { className: "embeds", "data-testid": "message-embeds" }, ...embeds.map(embedCard))];
  },
  onEvent(frame) {
    if (frame.type !== "message.appended") return;
    const data = frame.data || {};
    const item = context.view.items.get(data.message_id);
    if (!item || !Array.isArray(data.embeds) || !data.embeds.length) return; // not on screen
    const old = item.message.embeds || [];
    const at = data.position;
    if (Number.isInteger(at) && at >= 0 && at <= old.length) {
      // Where the server put them: history fetched meanwhile may hold them already.
      context.view.patch(data.message_id, { embeds: [...old.slice(0, at), ...data.embeds] });
      return;
    }
    if (endsWith(old, data.embeds)) return; // a server that gives no position
    context.view.patch(data.message_id, { embeds: [...old, ...data.embeds] });
  },
};
