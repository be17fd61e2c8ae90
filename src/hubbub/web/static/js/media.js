// Feature "media" (see features.js for the hooks and ctx): music rooms (music.js, its
// DJs list in musicstats.js) and voice rooms (voice.js). A room of kind "music" shows
// the player in #room-banners and the queue in #room-aside; a room of kind "voice"
// shows who is in voice in #room-aside;
// any other room shows nothing of this feature. Both parts sit first in the side column,
// which other features (presence) share: they only show and hide their own elements.

import { byId } from "./dom.js";
import { Roster } from "./mediakit.js";
import { MusicPanel } from "./music.js";
import { VoicePanel } from "./voice.js";

let music = null;
let voice = null;
let roster = null;

// Events after which one's rights in the room on screen may differ: one's own role in
// it, or a space's roles and members.
const RIGHTS_EVENTS = new Set(["space.member.updated", "role.updated", "role.deleted", "role.ranks_updated", "room.member.access_updated"]);

function changesMyRights(frame, rost) {
  const data = frame.data || {};
  if (RIGHTS_EVENTS.has(frame.type)) return true;
  if (frame.type !== "room.member.updated" || (frame.room_id ?? data.room_id) !== rost.roomId) return false;
  return data.user_id === (rost.ctx.me() || {}).id && Boolean(data.changes && data.changes.role);
}

function closeAll() {
  music.close();
  voice.close();
  roster.forget();
}

export default {
  name: "media",

  init(ctx) {
    roster = new Roster(ctx);
    const aside = byId("room-aside");
    voice = new VoicePanel(ctx, roster, aside, byId("me-tools"));
    music = new MusicPanel(ctx, roster, byId("room-banners"), aside);
  },

  onReady(frame) {
    voice.ready(frame);
    // A resume replays what was missed; a fresh `ready` does not: re-read what is shown.
    if (!frame.resumed) {
      if (music.room) music.load();
      if (voice.room) voice.load();
    } else if (voice.room) {
      voice.render();
    }
  },

  onRoomOpened(room) {
    closeAll();
    if (room.kind !== "music" && room.kind !== "voice") return;
    roster.load(room);
    if (room.kind === "music") music.open(room);
    else voice.open(room);
  },

  onRoomClosed() {
    closeAll();
  },

  onEvent(frame) {
    music.onEvent(frame);
    voice.onEvent(frame);
    // A new name or avatar (people.js has patched ctx.users by now): redraw who is shown.
    if (frame.type === "user.updated") {
      music.render();
      voice.render();
    }
    if (roster.roomId !== null && changesMyRights(frame, roster)) {
      roster.refreshRights().then(() => {
        music.render();
        voice.render();
      });
    }
  },

  onSignedOut() {
    music.close();
    voice.signedOut();
    roster.forget();
  },
};
