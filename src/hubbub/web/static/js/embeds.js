// Feature "embeds" (see features.js for the hooks and ctx): the cards that a message's
// author or a bot in the room appends after sending (`POST /messages/{id}/embeds`):
// link previews, bot results. A message's `embeds[]` is drawn under its body (the live
// `message.appended` changes the message: the view's, in message-events.js).
//
// Embeds are plain data (the server's services/embeds.py validates them): every text
// goes in with textContent, the colour through the CSSOM (the CSP forbids style
// attributes, not style properties set from script), and an image is a link, never an
// <img>: the page may load images only from this server, and fetching a third party's
// image would tell it who reads the room.

import { el } from "./dom.js";

const EXTERNAL = { target: "_blank", rel: "noopener noreferrer nofollow" };

// The server admits only http(s) URLs; checked again here so that a URL of any other
// scheme (javascript:, data: …) can never become a link, whatever the server let by.
function safeUrl(value) {
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

export default {
  name: "embeds",
  messageExtras(message) {
    const embeds = message.deleted ? [] : message.embeds || [];
    if (!embeds.length) return [];
    return [el("div", { className: "embeds", "data-testid": "message-embeds" }, ...embeds.map(embedCard))];
  },
  // The live `message.appended` is the message view's (message-events.js): it changes
  // the message, which is then drawn again with its cards.
};
