// Feature "people" (see features.js for the hooks and ctx): the room's presence list in
// #room-aside with a toggle in #room-feature-tools, one's own status and "Profile" in
// #me-tools, profiles (the "showProfile" service), and the inbox's live paging
// (inbox.js, which app.js builds; its events are forwarded from here).

import { byId, displayName, el } from "./dom.js";
import { inboxEvent } from "./inbox.js";
import { People, PresenceList, StatusControl } from "./presence.js";
import { ProfileDialog, ProfileEditor } from "./profiles.js";

// Fields of a user that message authors show.
const AUTHOR_FIELDS = ["display_name", "handle", "avatar_url"];

let ctx = null;
let people = null;
let list = null;
let status = null;
let profile = null;
let editor = null;
let profileButton = null;

async function loadMine() {
  try {
    const mine = await ctx.api("GET", "/users/me/presence");
    people.myChoice = mine.chosen || mine.status;
    if ("status_text" in mine) people.text.set(mine.user_id, mine.status_text || null);
    people.changed(mine.user_id);
  } catch (err) {
    ctx.error(err.message);
  }
}

// Messages on screen by this user show their new name (or avatar) too.
function refreshAuthors(userId, changes) {
  if (!AUTHOR_FIELDS.some((name) => name in changes) || !ctx.view || !ctx.view.items) return;
  for (const [id, item] of ctx.view.items) {
    const author = item.message.author;
    if (!author || author.id !== userId) continue;
    const fresh = { ...author };
    for (const name of AUTHOR_FIELDS) if (name in changes) fresh[name] = changes[name];
    item.message.author = fresh;
    ctx.view.rerender(id);
  }
}

export default {
  name: "people",

  init(context) {
    ctx = context;
    people = new People(ctx);
    editor = new ProfileEditor(people);
    profile = new ProfileDialog(people, { onEdit: () => editor.open() });
    list = new PresenceList(people, { onShowProfile: (id) => profile.show(id) });
    status = new StatusControl(people);
    profileButton = el("button", { type: "button", className: "people-profile-button", "data-testid": "profile-button", "aria-haspopup": "dialog", text: "Profile" });
    profileButton.addEventListener("click", () => {
      const me = ctx.me();
      if (me) profile.show(me.id);
    });
    const tools = byId("me-tools");
    status.mount(tools);
    tools.append(profileButton);
    list.mount(byId("room-aside"), byId("room-feature-tools"));
    ctx.provide("showProfile", (userId) => profile.show(userId));
    ctx.provide("editProfile", () => editor.open());
  },

  onReady(frame) {
    people.ready(frame);
    status.draw();
    loadMine();
    if (list.room) list.load(); // a fresh or resumed session: statuses may have moved on
  },

  onRoomOpened(room) {
    list.open(room);
  },

  onRoomClosed() {
    list.close();
  },

  onEvent(frame) {
    const data = frame.data || {};
    const type = frame.type;
    const roomId = frame.room_id ?? data.room_id;
    if (type === "presence.updated") {
      people.presenceUpdated(data);
    } else if (type === "user.updated") {
      people.userUpdated(data);
      refreshAuthors(data.user_id, { ...(data.changes || {}), ...Object.fromEntries((data.cleared || []).map((k) => [k, null])) });
      const me = ctx.me();
      if (me && me.id === data.user_id) byId("me-name").textContent = displayName(me);
    } else if (list.room && roomId === list.room.id) {
      if (type === "room.member.joined" && data.member) list.joined(data.member);
      else if (type === "room.member.left") list.left(data.user_id);
    }
    inboxEvent(frame);
  },

  onSignedOut() {
    list.close();
    people.reset();
    for (const dialog of [profile.dialog, editor.dialog, status.dialog]) if (dialog.open) dialog.close();
  },
};
