// The parts of a drawn message besides its body: the author's name (a button opening
// their profile), a quoted message (a link to it when it is in this room) and the
// reaction bar. Installed on MessageView's prototype (messages.js), so `this` is the view.
// Their clicks are handled by one listener on the list (bindParts), not one per node: a
// long history would otherwise carry several listeners per message for a few clicks.

import { displayName, el } from "./dom.js";
import { emojiLabel, emojiNode, openPicker, reactedByMe, reactWith } from "./emoji-picker.js";

export const messageParts = {
  bindParts() {
    this.list.addEventListener("click", (ev) => this.partPressed(ev.target));
    this.list.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") this.partPressed(ev.target, true);
    });
  },

  // A press on `target`: the author's name, a linked quote (also by Enter: it is a
  // link, not a button) or a reaction chip or "+" of a message in the list. Found by
  // where they sit in the message, so nothing of a message's body can pass for one.
  partPressed(target, byEnter = false) {
    const li = target.closest ? target.closest("li.message") : null;
    const message = li && li.parentElement === this.list ? this.drawn.get(li) : null;
    if (!message) return;
    const parent = target.parentElement;
    if (byEnter) {
      if (target.matches(".quote-ref.linked") && parent === li && message.quote_of) this.jumpTo(message.quote_of.id);
      return;
    }
    const node = target.closest("button, blockquote");
    if (!node || !li.contains(node)) return;
    const holder = node.parentElement;
    if (node.matches("button.author") && holder.parentElement === li && holder.matches(".message-head")) {
      if (this.onAuthor && message.author) this.onAuthor(message.author.id);
    } else if (node.matches(".quote-ref.linked") && holder === li && message.quote_of) {
      this.jumpTo(message.quote_of.id);
    } else if (holder.parentElement === li && holder.matches(".reactions")) {
      if (node.matches("[data-testid=reaction-add]")) openPicker(node, (entry) => reactWith(this, message.id, entry.key), "Add reaction");
      else if (node.matches("[data-testid=reaction]")) this.react(message.id, node.getAttribute("data-emoji"), node.getAttribute("aria-pressed") !== "true");
    }
  },

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
    return button; // its click: partPressed()
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
      bar.append(button); // its click: partPressed(), from data-emoji and aria-pressed
    }
    if ((message.reactions || []).length) {
      bar.append(el("button", { type: "button", className: "reaction reaction-add", "data-testid": "reaction-add", "aria-label": "Add reaction", "aria-haspopup": "dialog", title: "Add reaction", text: "+" }));
    }
    return bar;
  },
};
