// `@handle` mentions in a rendered message body. The server's sanitised HTML does not
// mark them, and the body must keep exactly the sanitiser's elements, so they are
// painted with the CSS Custom Highlight API: ranges over the body's text nodes (outside
// code and links, like the server's rule in render.py) in the highlights "mention" and
// "mention-me" (styled in css/composer.css). Nothing is parsed or inserted. Browsers
// without the API show no inline highlight; the message itself is still marked.

// The server's rule (render._MENTION): not preceded by a handle character or "@".
const MENTION = /(^|[^A-Za-z0-9_.@-])@([A-Za-z0-9_][A-Za-z0-9_.-]{1,31})/g;
const SUPPORTED = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function";

const ranges = new Map(); // message id → its ranges (replaced when the message is drawn again)

function highlight(name) {
  if (!CSS.highlights.has(name)) CSS.highlights.set(name, new Highlight());
  return CSS.highlights.get(name);
}

function textNodes(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement && node.parentElement.closest("code, pre, a") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const found = [];
  while (walker.nextNode()) found.push(walker.currentNode);
  return found;
}

function drop(messageId) {
  for (const range of ranges.get(messageId) || []) {
    highlight("mention").delete(range);
    highlight("mention-me").delete(range);
  }
  ranges.delete(messageId);
}

// Highlights every @handle of `body` (message `messageId`); those naming `myHandle`
// as "mention-me". Returns how many name me.
export function markMentions(messageId, body, myHandle) {
  if (!SUPPORTED) return 0;
  drop(messageId);
  const me = (myHandle || "").toLowerCase();
  const mine = [];
  let named = 0;
  for (const node of textNodes(body)) {
    const text = node.nodeValue;
    if (!text.includes("@")) continue;
    MENTION.lastIndex = 0;
    for (let match = MENTION.exec(text); match; match = MENTION.exec(text)) {
      const start = match.index + match[1].length;
      let handle = match[2];
      const trimmed = handle.replace(/[.-]+$/, "");
      if (trimmed.length >= 2) handle = trimmed; // "@bob." at the end of a sentence
      const range = new Range();
      range.setStart(node, start);
      range.setEnd(node, start + 1 + handle.length);
      const isMe = handle.toLowerCase() === me;
      highlight(isMe ? "mention-me" : "mention").add(range);
      named += isMe ? 1 : 0;
      mine.push(range);
    }
  }
  if (mine.length) ranges.set(messageId, mine);
  return named;
}

// The view was emptied (another room): forget every range.
export function clearMentions() {
  if (!SUPPORTED) return;
  ranges.clear();
  highlight("mention").clear();
  highlight("mention-me").clear();
}
