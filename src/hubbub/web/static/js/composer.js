// Feature "composer" (see features.js for the hooks and ctx): attachments (uploads with
// progress, previews, downloads), quoting a message (`quote_of`), `@handle` completion,
// the read marker ("New messages" divider, from the read states) and author names that
// open profiles. The message view itself (messages.js) draws quotes, mentions and the
// divider, and sends what the hooks here add to a message. It also carries the emoji
// button (emoji-picker.js, whose gateway hooks it forwards).

import { attachmentNodes, forgetBlobs, Uploads } from "./attachments.js";
import { Completion } from "./completion.js";
import { byId, displayName, el } from "./dom.js";
import * as emojiPicker from "./emoji-picker.js";

const state = {
  ctx: null,
  lastRead: new Map(), // room id → last read message id (ready's read_states, then events)
  quote: null,
  uploads: null,
  completion: null,
  quoteBar: null,
  quoteText: null,
};

// The emoji button beside the input: the picker's choice goes in at the caret (a custom
// emoji as its `<:name:id>` markup, which the server renders as its image).
function buildEmojiButton() {
  const input = byId("composer-input");
  const button = el("button", { type: "button", className: "emoji-button", "data-testid": "composer-emoji", "aria-label": "Insert emoji", "aria-haspopup": "dialog", title: "Insert emoji", text: "☺" });
  button.addEventListener("click", () => {
    if (input.disabled) return;
    const start = input.selectionStart;
    const end = input.selectionEnd;
    emojiPicker.openPicker(
      button,
      (entry) => {
        const text = entry.custom ? `<:${entry.emoji.name}:${entry.emoji.id}>` : entry.key;
        input.focus();
        input.setRangeText(text, start, end, "end");
        input.dispatchEvent(new Event("input", { bubbles: true }));
      },
      "Insert emoji",
    );
  });
  byId("composer-tools").append(button);
}

function excerpt(text, max = 120) {
  const flat = (text || "").replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function setQuote(message) {
  state.quote = message;
  state.quoteBar.hidden = !message;
  state.quoteText.textContent = message ? `Quoting ${displayName(message.author)}: ${excerpt(message.content_text || message.content)}` : "";
  if (message) byId("composer-input").focus();
}

function buildQuoteBar() {
  state.quoteText = el("span", { className: "quote-bar-text" });
  const cancel = el("button", { type: "button", "data-testid": "quote-cancel", text: "Cancel quote" });
  cancel.addEventListener("click", () => {
    setQuote(null);
    byId("composer-input").focus();
  });
  state.quoteBar = el("div", { className: "quote-bar", role: "status", "data-testid": "quote-bar", hidden: true }, state.quoteText, cancel);
  byId("composer-extras").append(state.quoteBar);
}

export default {
  name: "composer",

  init(ctx) {
    state.ctx = ctx;
    buildQuoteBar();
    buildEmojiButton();
    emojiPicker.setup(ctx);
    state.uploads = new Uploads(ctx);
    state.completion = new Completion(ctx);
    ctx.view.lastReadOf = (roomId) => state.lastRead.get(roomId) ?? null;
    ctx.view.onAuthor = (userId) => ctx.call("showProfile", userId);
    ctx.view.composeHooks.push(
      {
        collect: () => (state.quote ? { quote_of: { id: state.quote.id } } : null),
        sent: () => setQuote(null),
      },
      state.uploads.hook(),
    );
  },

  onReady(frame) {
    for (const read of frame.read_states || []) state.lastRead.set(read.room_id, read.last_read_message_id ?? null);
    emojiPicker.onReady(frame);
  },

  onEvent(frame) {
    emojiPicker.onEvent(frame);
    const data = frame.data || {};
    const roomId = frame.room_id ?? data.room_id;
    if (frame.type === "read_state.updated" && data.last_read_message_id) {
      state.lastRead.set(roomId, Math.max(data.last_read_message_id, state.lastRead.get(roomId) || 0));
    } else if (frame.type === "room.member.joined" || frame.type === "room.member.left") {
      state.completion.forget(roomId);
      const room = state.ctx.room();
      if (room && room.id === roomId) state.completion.load(room);
    }
  },

  onRoomOpened(room) {
    setQuote(null);
    state.uploads.clear();
    state.completion.close();
    state.completion.load(room);
  },

  onRoomClosed() {
    setQuote(null);
    state.uploads.clear();
    state.completion.close();
  },

  messageActions(message) {
    const quote = el("button", { type: "button", "data-testid": "message-quote", "aria-label": `Quote ${displayName(message.author)}`, text: "Quote" });
    quote.addEventListener("click", () => setQuote(message));
    return [quote];
  },

  messageExtras(message) {
    return attachmentNodes(message);
  },

  onSignedOut() {
    state.lastRead.clear();
    state.completion.forget();
    setQuote(null);
    state.uploads.clear();
    forgetBlobs();
    emojiPicker.forget();
  },
};
