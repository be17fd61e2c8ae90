// The parts of a drawn message besides its body: the author's name (a button opening
// their profile), a quoted message (a link to it when it is in this room) and the
// reaction bar. Installed on MessageView's prototype (messages.js), so `this` is the view.

import { displayName, el } from "./dom.js";
import { emojiLabel, emojiNode, openPicker, reactedByMe, reactWith } from "./emoji-picker.js";

export const messageParts = {
  // The author's name: a button opening their profile (the people feature's dialog).
  authorNode(author) {
    const name = displayName(author);
    if (!author || !this.onAuthor) return el("span", { className: "author", "data-testid": "message-author", text: name });
    const button = el("button", {
      type: "button",
      className: "author",
      "data-testid": "message-author",
      "data-user-id": author.id,
      "aria-label": `Profile of ${name}`,
      text: name,
    });
    button.addEventListener("click", () => this.onAuthor(author.id));
    return button;
  },

  // A quoted message (`quote_of`, the server's snapshot): its author and plain text.
  quoteNode(quote) {
    const node = el(
      "blockquote",
      { className: "quote-ref", "data-testid": "message-quote-ref", "data-message-id": quote.id },
      el("span", { className: "quote-author", text: displayName(quote.author) }),
      el("span", { className: "quote-text", text: quote.content_text || "" }),
    );
    if (!quote.room_id || !this.room || quote.room_id === this.room.id) {
      node.classList.add("linked");
      node.tabIndex = 0;
      node.setAttribute("role", "link");
      node.setAttribute("aria-label", `Quoted message of ${displayName(quote.author)}: go to it`);
      const go = () => this.jumpTo(quote.id);
      node.addEventListener("click", go);
      node.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") go();
      });
    }
    return node;
  },

  // The reactions (a custom emoji's as its image, emoji-picker.js) and, when there are
  // any, a "+" opening the picker.
  reactionBar(message) {
    const bar = el("div", { className: "reactions", "data-testid": "message-reactions" });
    for (const r of message.reactions || []) {
      const mine = reactedByMe(r, this.me.id);
      const button = el("button", {
        type: "button",
        className: mine ? "reaction mine" : "reaction",
        "data-testid": "reaction",
        "data-emoji": r.emoji,
        "aria-pressed": mine ? "true" : "false",
        "aria-label": `${emojiLabel(r.emoji)} ${r.count}`,
      });
      button.append(emojiNode(r.emoji), ` ${r.count}`);
      button.addEventListener("click", () => this.react(message.id, r.emoji, !mine));
      bar.append(button);
    }
    if ((message.reactions || []).length) {
      const add = el("button", { type: "button", className: "reaction reaction-add", "data-testid": "reaction-add", "aria-label": "Add reaction", "aria-haspopup": "dialog", title: "Add reaction", text: "+" });
      add.addEventListener("click", () => openPicker(add, (entry) => reactWith(this, message.id, entry.key), "Add reaction"));
      bar.append(add);
    }
    return bar;
  },
};
