// The browser tab's title counts what waits to be read, from the sidebar's read states
// (`ctx.sidebar.read(id)`, kept by app.js from ready, message.created and acks):
// "(3) hubbub" for unread mentions plus unread messages of DMs and groups, "• hubbub"
// when only plain room messages are unread, "hubbub" otherwise. A feature of its own
// (features.js), recomputed after each gateway ready and event: the core has updated
// the read states by then.

const BASE = "hubbub";
const PRIVATE_KINDS = new Set(["dm", "group"]);

function unreadTitle(rooms, read) {
  let count = 0;
  let unread = false;
  for (const room of rooms.values()) {
    const state = read(room.id);
    const messages = state.unread_count || 0;
    if (messages > 0) unread = true;
    count += PRIVATE_KINDS.has(room.kind) ? messages : state.mention_count || 0;
  }
  if (count > 0) return `(${count}) ${BASE}`;
  return unread ? `• ${BASE}` : BASE;
}

function updateTitle(ctx) {
  const title = ctx ? unreadTitle(ctx.rooms(), (id) => ctx.sidebar.read(id)) : BASE;
  if (document.title !== title) document.title = title;
}

let context = null;

export default {
  name: "tab-title",
  init(ctx) {
    context = ctx;
  },
  onReady() {
    updateTitle(context);
  },
  onEvent() {
    updateTitle(context);
  },
  onSignedOut() {
    updateTitle(null);
  },
};
