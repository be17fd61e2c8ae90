// `@handle` mentions in a rendered message body. The server's sanitised HTML does not
// mark them, so they are found in its text nodes (outside code and links, like the
// server's own rule in render.py) and wrapped in <span class="mention"> elements built
// with the DOM: no string is parsed as HTML here.

import { el } from "./dom.js";

// The server's rule (render._MENTION): not preceded by a handle character or "@".
const MENTION = /(^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_][A-Za-z0-9_.-]{1,31})/g;

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement && node.parentElement.closest("code, pre, a") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const found = [];
  while (walker.nextNode()) found.push(walker.currentNode);
  return found;
}

// Wraps every @handle of `root`'s text; the ones naming `myHandle` get the class "me".
export function markMentions(root, myHandle) {
  const me = (myHandle || "").toLowerCase();
  for (const node of textNodes(root)) {
    const text = node.nodeValue;
    if (!text.includes("@")) continue;
    const parts = [];
    let last = 0;
    MENTION.lastIndex = 0;
    for (let match = MENTION.exec(text); match; match = MENTION.exec(text)) {
      const start = match.index + match[1].length;
      let handle = match[2];
      const trimmed = handle.replace(/[.-]+$/, "");
      if (trimmed.length >= 2) handle = trimmed; // "@bob." at the end of a sentence
      parts.push(text.slice(last, start));
      const mine = handle.toLowerCase() === me;
      parts.push(el("span", { className: mine ? "mention me" : "mention", "data-testid": "mention", text: `@${handle}` }));
      last = start + 1 + handle.length;
      MENTION.lastIndex = last;
    }
    if (!parts.length) continue;
    parts.push(text.slice(last));
    node.replaceWith(...parts.filter((part) => part !== ""));
  }
}
