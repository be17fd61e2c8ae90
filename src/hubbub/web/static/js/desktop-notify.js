// Desktop notifications (the browser's Notification API), opt-in from the inbox: a
// notification that arrives live (a mention, a reply, an invitation…) is shown on the
// desktop when the page is not what the user is looking at — the window is hidden or
// unfocused, or it is about another room than the one open. Clicking it brings the
// window forward at the message. The choice is kept per browser (localStorage); the
// browser's own permission is asked once, when the user turns it on.

import { displayName, el } from "./dom.js";

const KEY = "hubbub.desktop-notifications";

function supported() {
  return typeof window.Notification === "function";
}

// The choice, kept per browser; a browser that refuses storage keeps it for the page.
let unstored = null;

function storedChoice() {
  try {
    return localStorage.getItem(KEY);
  } catch (err) {
    return unstored;
  }
}

function storeChoice(value) {
  unstored = value;
  try {
    localStorage.setItem(KEY, value);
  } catch (err) {
    // Storage refused: the choice lasts as long as the page.
  }
}

export class DesktopNotifier {
  constructor({ kindLabel, onOpen, currentRoomId }) {
    this.kindLabel = kindLabel; // notification kind → its label ("Mention"…)
    this.onOpen = onOpen; // (notification) → opens its room at its message
    this.currentRoomId = currentRoomId; // () → the id of the room on screen, or null
    this.button = el("button", {
      type: "button",
      className: "inbox-desktop",
      "data-testid": "inbox-desktop",
      "aria-pressed": "false",
    });
    this.note = el("span", { className: "muted", role: "status", "data-testid": "inbox-desktop-note" });
    this.button.addEventListener("click", () => this.toggle());
    this.sync();
  }

  get wanted() {
    return storedChoice() === "on";
  }

  get allowed() {
    return supported() && window.Notification.permission === "granted";
  }

  sync() {
    const on = this.wanted && this.allowed;
    this.button.setAttribute("aria-pressed", on ? "true" : "false");
    this.button.textContent = on ? "Desktop notifications: on" : "Desktop notifications: off";
    this.button.hidden = !supported();
    if (supported() && window.Notification.permission === "denied") {
      this.note.textContent = "The browser blocks notifications for this site; allow them in its settings.";
    } else this.note.textContent = "";
  }

  async toggle() {
    if (this.wanted && this.allowed) {
      storeChoice("off");
    } else {
      let permission = window.Notification.permission;
      if (permission === "default") permission = await window.Notification.requestPermission();
      storeChoice(permission === "granted" ? "on" : "off");
    }
    this.sync();
  }

  // A notification heard live (never one replayed on a resume: those are old news).
  show(n) {
    if (!n || !this.wanted || !this.allowed) return;
    const looking = !document.hidden && document.hasFocus() && n.room_id != null && n.room_id === this.currentRoomId();
    if (looking) return;
    const who = n.actor ? displayName(n.actor) : "hubbub"; // named as the inbox row names them
    const where = n.room_name ? ` in ${n.room_name}` : "";
    let shown;
    try {
      shown = new window.Notification(`${this.kindLabel(n.kind)} · ${who}${where}`, {
        body: n.content_text || "",
        tag: `hubbub-notification-${n.id}`,
      });
    } catch (err) {
      // Chrome on Android has the constructor but allows it only from a service worker:
      // the inbox still has the notification.
      return;
    }
    shown.onclick = () => {
      window.focus();
      shown.close();
      this.onOpen(n);
    };
  }
}
