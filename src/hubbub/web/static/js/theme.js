// Feature "theme" (see features.js for the hooks and ctx): System / Light / Dark, picked
// in #me-tools. The pick sets `data-theme` on <html> (none for System: app.css then
// follows prefers-color-scheme) and travels with the user: it is the per-user setting
// `web.theme` (PATCH /users/me/settings), read from each `ready`'s settings document and
// followed live from `user.settings.updated`, sent to all of the user's connections. It
// is also cached in localStorage, which theme-boot.js reads before the first paint, so a
// reload or the sign-in page shows the device's last theme at once. Signing out keeps
// that cache: it is how this device looks, not a secret of the user's.

import { byId, el } from "./dom.js";

const SETTING = "web.theme";
const STORE = "hubbub.theme"; // theme-boot.js reads the same key
const CHOICES = [
  ["system", "System"],
  ["light", "Light"],
  ["dark", "Dark"],
];

function isChoice(value) {
  return CHOICES.some(([choice]) => choice === value);
}

function applyTheme(choice) {
  const root = document.documentElement;
  if (choice === "light" || choice === "dark") root.dataset.theme = choice;
  else delete root.dataset.theme;
}

function cached() {
  try {
    const value = localStorage.getItem(STORE);
    return isChoice(value) ? value : "system";
  } catch (err) {
    return "system";
  }
}

function cache(choice) {
  try {
    if (choice === "system") localStorage.removeItem(STORE);
    else localStorage.setItem(STORE, choice);
  } catch (err) {
    // No storage: the server's copy still follows the user; this device forgets on reload.
  }
}

let ctx = null;
let select = null;

// Shows `choice` everywhere on this device; a value that is not a choice (another client
// wrote something else under the key) changes nothing.
function adopt(choice) {
  if (!isChoice(choice)) return;
  applyTheme(choice);
  cache(choice);
  select.value = choice;
}

// One save at a time, in the order picked: two requests in flight could land the wrong
// way round and leave the server (and, through its event, this page) on the older pick.
let saving = Promise.resolve();

function pick(choice) {
  adopt(choice);
  saving = saving.then(async () => {
    try {
      await ctx.api("PATCH", "/users/me/settings", { [SETTING]: choice });
    } catch (err) {
      ctx.error(`The theme is kept on this device only: ${err.message}`);
    }
  });
}

export default {
  name: "theme",

  init(context) {
    ctx = context;
    select = el(
      "select",
      { id: "theme-select", "data-testid": "theme-select" },
      ...CHOICES.map(([value, text]) => el("option", { value, text })),
    );
    select.value = cached();
    applyTheme(select.value); // theme-boot.js did it already; this module does not rely on it
    select.addEventListener("change", () => pick(select.value));
    byId("me-tools").append(el("label", { className: "theme-control" }, "Theme ", select));
  },

  onReady(frame) {
    // Every `ready` (a resume too) carries the whole settings document: no request needed.
    // A key never set on the server leaves this device's pick as it is.
    const entry = frame.settings && frame.settings[SETTING];
    if (entry) adopt(entry.value);
  },

  onEvent(frame) {
    if (frame.type !== "user.settings.updated") return;
    const data = frame.data || {};
    if (data.changes && SETTING in data.changes) adopt(data.changes[SETTING]);
    else if ((data.cleared || []).includes(SETTING)) adopt("system");
  },
};
