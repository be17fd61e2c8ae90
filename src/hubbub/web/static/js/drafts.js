// Unsent text per room, the way Discord and Slack keep it: switching to another room
// and back, or reloading the page, finds what was being written, and one room's text
// never follows the user into another room's composer. Kept per user in localStorage
// (written a moment after the typing pauses, and when the page is hidden), dropped once
// sent or emptied, after 30 days, and beyond the 100 most recent rooms. Signing out
// removes them: the next person on the device reads nothing of them.

const PREFIX = "hubbub.drafts.";
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const MAX_ROOMS = 100;
const SAVE_DELAY_MS = 250;

export class Drafts {
  constructor() {
    this.userId = null;
    this.byRoom = new Map(); // room id → {text, at}
    this.timer = null;
    window.addEventListener("pagehide", () => this.flush());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.flush();
    });
  }

  // The signed-in user's drafts, read from storage (an unreadable entry is ignored).
  load(userId) {
    if (this.userId === userId) return;
    this.flush();
    this.userId = userId;
    this.byRoom = new Map();
    let stored = null;
    try {
      stored = JSON.parse(localStorage.getItem(PREFIX + userId) || "null");
    } catch (err) {
      stored = null;
    }
    const now = Date.now();
    for (const [key, entry] of Object.entries(stored && typeof stored === "object" ? stored : {})) {
      const roomId = Number(key);
      if (!Number.isSafeInteger(roomId) || !entry || typeof entry.text !== "string" || !entry.text) continue;
      const at = Number(entry.at) || 0;
      if (now - at <= MAX_AGE_MS) this.byRoom.set(roomId, { text: entry.text, at });
    }
  }

  get(roomId) {
    const entry = this.byRoom.get(roomId);
    return entry ? entry.text : "";
  }

  set(roomId, text) {
    if (this.userId === null || roomId === null || roomId === undefined) return;
    if (text.trim()) this.byRoom.set(roomId, { text, at: Date.now() });
    else if (!this.byRoom.delete(roomId)) return; // nothing was kept: nothing to write
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.userId === null) return;
    const newest = [...this.byRoom.entries()].sort((a, b) => b[1].at - a[1].at).slice(0, MAX_ROOMS);
    this.byRoom = new Map(newest);
    try {
      if (newest.length) localStorage.setItem(PREFIX + this.userId, JSON.stringify(Object.fromEntries(newest)));
      else localStorage.removeItem(PREFIX + this.userId);
    } catch (err) {
      // Storage full or unavailable: the drafts last as long as the page.
    }
  }

  // Signed out: this user's drafts leave the page and the device.
  forget() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.userId !== null) {
      try {
        localStorage.removeItem(PREFIX + this.userId);
      } catch (err) {
        // Unavailable storage held nothing.
      }
    }
    this.userId = null;
    this.byRoom = new Map();
  }
}
