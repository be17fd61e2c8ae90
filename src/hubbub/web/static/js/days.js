// Day dividers in the message list ("Today", "Yesterday", "Monday, November 23"), the
// way chat clients date a history whose messages only show their time. Placed again
// after every change of the list (a page loaded, a jump, a live message): the list is
// walked once, so each divider sits above the first message of its day, in the reader's
// time zone, with its label as of now (a page left open overnight relabels itself).

import { el } from "./dom.js";

const DIVIDER = "day-divider";

function dayKey(date) {
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

function dayLabel(date, now = new Date()) {
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(date) === dayKey(now)) return "Today";
  if (dayKey(date) === dayKey(yesterday)) return "Yesterday";
  const year = date.getFullYear() === now.getFullYear() ? undefined : "numeric";
  return date.toLocaleDateString([], { weekday: "long", month: "long", day: "numeric", year });
}

// `messageOf(li)`: the message drawn in a list item, undefined for other items (the
// read marker, these dividers).
export function placeDays(list, messageOf) {
  const now = new Date();
  let previous = null;
  for (const node of [...list.children]) {
    if (node.classList.contains(DIVIDER)) {
      node.remove();
      continue;
    }
    const message = messageOf(node);
    if (!message) continue;
    const when = new Date(message.created_at);
    if (Number.isNaN(when.getTime())) continue;
    const key = dayKey(when);
    if (key === previous) continue;
    previous = key;
    const label = dayLabel(when, now);
    // Above the read marker when it opens this day, so the marker stays next to its message.
    const before = node.previousElementSibling && node.previousElementSibling.classList.contains("unread-divider") ? node.previousElementSibling : node;
    before.before(el("li", { className: DIVIDER, role: "separator", "aria-label": label, "data-testid": "day-divider" }, el("span", { text: label })));
  }
}
