// Entry point: picks the auth or the app view, owns the gateway, routes its events to
// the sidebar and the message view, and follows the URL hash (`#/rooms/12`).

import { api, setUnauthorizedHandler } from "./js/api.js";
import { adopt, bindAuthForms, forget, logout, storedToken } from "./js/auth.js";
import { byId, displayName, el, roomTitle, show } from "./js/dom.js";
import { each } from "./js/features.js";
import { Gateway } from "./js/gateway.js";
import { Inbox } from "./js/inbox.js";
import { jumpToMessage, MessageView } from "./js/messages.js";
import { bindPanels } from "./js/panels.js";
import { bindSearch } from "./js/search.js";
import { bindSessions } from "./js/sessions.js";
import { bindRoomSettings } from "./js/settings.js";
import { Sidebar } from "./js/sidebar.js";

const ROOM_EVENTS = new Set([
  "message.updated",
  "message.deleted",
  "message.reaction.added",
  "message.reaction.removed",
  "message.reaction.cleared",
  "message.stars.updated",
  "message.pinned",
  "message.unpinned",
  "message.appended",
  "message.editing.started",
  "message.editing.stopped",
  "typing.started",
  "typing.stopped",
]);

// Said on the sign-in form when the server ends this session (session.logged_out's
// `reason`, or a 4001 / 401 without one), so a page signed out from elsewhere says why.
const ENDED = {
  logout: "You were logged out from another window.",
  revoked: "You were signed out: this session was revoked.",
  wiped: "You were signed out: this account was closed.",
};
const SESSION_ENDED = "Your session has ended. Log in again.";

const state = { gateway: null, me: null, sidebar: null, view: null, users: new Map(), ackTimer: null, readyCount: 0 };

function banner(kind, seconds) {
  const node = byId("banner");
  node.dataset.state = kind;
  const text = {
    connecting: "Connecting…",
    reconnecting: seconds ? `Connection lost. Reconnecting in ${seconds} s…` : "Reconnecting…",
    disconnected: "Disconnected.",
  }[kind];
  node.replaceChildren(text || "");
  if (kind === "reconnecting" && seconds) {
    // Waiting out the backoff: the user need not.
    const retry = el("button", { type: "button", className: "banner-retry", "data-testid": "connection-retry", text: "Retry now" });
    retry.addEventListener("click", () => state.gateway && state.gateway.retryNow());
    node.append(" ", retry);
  }
  show(node, Boolean(text));
}

// The network is back, or the page is looked at again (a laptop waking up): a gateway
// waiting out its backoff reconnects at once.
function retryGatewayNow() {
  if (state.gateway) state.gateway.retryNow();
}

// `#/rooms/12`, or a message's link `#/rooms/12/messages/345` ("Copy link").
function route() {
  const match = /^#\/rooms\/(\d+)(?:\/messages\/(\d+))?$/.exec(location.hash);
  return match ? { roomId: Number(match[1]), messageId: match[2] ? Number(match[2]) : null } : null;
}

function routeRoomId() {
  const target = route();
  return target ? target.roomId : null;
}

async function openFromHash() {
  const target = route();
  const id = target ? target.roomId : null;
  const room = id === null ? null : state.sidebar.rooms.get(id);
  if (!room) return;
  if (target.messageId !== null) {
    // A message's link: its room, opened at it. The address becomes the room's, so the
    // same link followed again is a new jump.
    history.replaceState(null, "", `#/rooms/${id}`);
    jumpToMessage(id, target.messageId, openRoom);
    return;
  }
  state.sidebar.select(id);
  document.body.classList.remove("menu-open");
  if (!state.view.room || state.view.room.id !== id) {
    showRoomHeader(room); // the header is app.js's: at once, before the history loads
    await state.view.open(room);
    if (state.view.room === room) each("onRoomOpened", room);
  }
}

function openRoom(id) {
  if (location.hash === `#/rooms/${id}`) openFromHash();
  else location.hash = `#/rooms/${id}`;
}

async function openDm(userId) {
  try {
    const room = await api("POST", `/users/${userId}/dm`);
    state.sidebar.upsert(room);
    openRoom(room.id);
  } catch (err) {
    byId("room-error").textContent = err.message;
  }
}

function scheduleAck(roomId, messageId) {
  clearTimeout(state.ackTimer);
  state.ackTimer = setTimeout(async () => {
    try {
      const read = await api("POST", `/rooms/${roomId}/ack`, { message_id: messageId });
      state.sidebar.setRead(roomId, read);
    } catch (err) {
      // Left the room meanwhile, or offline: the next ack catches up.
    }
  }, 300);
}

function onReady(frame) {
  state.me = frame.me || frame.user;
  state.users.set(state.me.id, state.me);
  state.view.useDrafts(state.me.id);
  byId("me-name").textContent = displayName(state.me);
  state.sidebar.load(frame.rooms || [], frame.read_states);
  state.inbox.refresh();
  state.readyCount += 1;
  // A fresh `ready` that is not a resume (the cursor expired): reload what is on screen.
  if (state.readyCount > 1 && !frame.resumed && state.view.room) state.view.reload();
  if (state.view.room && !state.sidebar.rooms.has(state.view.room.id)) closeRoom();
  each("onReady", frame);
  openFromHash();
}

function showRoomHeader(room) {
  state.view.room = room;
  byId("room-name").textContent = roomTitle(room, state.me && state.me.id);
  const topic = room.topic || room.description || "";
  byId("room-topic").textContent = topic;
  byId("room-topic").title = topic; // the header shows one line of it
  byId("tools-button").hidden = false;
}

function toggleTools(open) {
  document.body.classList.toggle("tools-open", open);
  byId("tools-button").setAttribute("aria-expanded", open ? "true" : "false");
}

function closeRoom() {
  state.view.room = null;
  state.sidebar.select(null);
  byId("message-list").replaceChildren();
  byId("room-name").textContent = "Pick a room";
  byId("room-topic").textContent = "";
  byId("tools-button").hidden = true;
  toggleTools(false);
  byId("leave-button").hidden = true;
  byId("room-tools").hidden = true;
  state.view.swapDraft(null);
  byId("composer-input").disabled = true;
  byId("composer-send").disabled = true;
  if (routeRoomId() !== null) history.replaceState(null, "", "#/");
  each("onRoomClosed");
}

async function onEvent(frame) {
  const data = frame.data || {};
  const type = frame.type;
  const roomId = frame.room_id ?? data.room_id;
  const current = state.view.room && state.view.room.id === roomId;
  // Every frame names its actor: someone typing who has not written yet gets a name.
  const actor = frame.actor;
  if (actor && actor.id !== undefined && !state.users.has(actor.id)) state.users.set(actor.id, actor);
  if (type === "message.created") {
    const message = data.message || {};
    if (current) state.view.event(type, data);
    else if (message.author && message.author.id !== state.me.id && !state.gateway.replaying) {
      // (A replayed message is already counted in the resuming ready's read_states.)
      state.sidebar.bump(message.room_id, (message.mentions || []).includes(state.me.id));
    }
  } else if (ROOM_EVENTS.has(type)) {
    if (current) state.view.event(type, data);
  } else if (type === "room.created") {
    // Every viewer hears of a new public room; the sidebar lists only rooms one is in
    // (one's own, a DM opened, a group one was added to; joins come as member.joined).
    const mine = data.reason === "dm_opened" || data.reason === "added_to_group" || data.room.owner_id === state.me.id;
    if (mine) state.sidebar.upsert(data.room);
  } else if (type === "room.updated" && state.sidebar.rooms.has(roomId)) {
    // A field reset to its default (the API's null: a topic removed) comes in `cleared`.
    const cleared = Object.fromEntries((data.cleared || []).map((key) => [key, null]));
    state.sidebar.upsert({ id: roomId, ...(data.changes || {}), ...cleared });
    if (current) showRoomHeader(state.sidebar.rooms.get(roomId));
  } else if (type === "room.deleted" || (type === "room.member.left" && data.user_id === state.me.id)) {
    state.sidebar.remove(roomId);
    if (current) closeRoom();
  } else if (type === "room.member.joined" && data.user_id === state.me.id && !state.sidebar.rooms.has(roomId)) {
    try {
      state.sidebar.upsert(await api("GET", `/rooms/${roomId}`));
    } catch (err) {
      // Not visible after all: nothing to show.
    }
  } else if (type === "session.logged_out") {
    signedOut(ENDED[data.reason] || SESSION_ENDED);
    return;
  } else if (type === "notification.created") {
    if (!state.gateway.replaying) state.inbox.created(data.notification);
  } else if (type === "notification.read") {
    state.inbox.refresh();
  } else if (type === "read_state.updated") {
    state.sidebar.setRead(roomId, { unread_count: 0, mention_count: 0 });
  }
  each("onEvent", frame);
}

// What features.js's modules may use of the core (documented there).
function featureContext() {
  const services = new Map();
  return {
    api,
    me: () => state.me,
    users: state.users,
    room: () => state.view.room,
    rooms: () => state.sidebar.rooms,
    sidebar: state.sidebar,
    upsertRoom: (room) => {
      state.sidebar.upsert(room);
      if (state.view.room && state.view.room.id === room.id) showRoomHeader(state.sidebar.rooms.get(room.id));
    },
    removeRoom: (id) => {
      state.sidebar.remove(id);
      if (state.view.room && state.view.room.id === id) closeRoom();
    },
    openRoom,
    openDm,
    gateway: () => state.gateway,
    view: state.view,
    error: (message) => {
      byId("room-error").textContent = message;
    },
    provide: (name, fn) => services.set(name, fn),
    call: (name, ...args) => {
      const fn = services.get(name);
      return fn ? fn(...args) : undefined;
    },
  };
}

function signedOut(reason = "") {
  if (state.gateway) state.gateway.stop();
  state.gateway = null;
  forget();
  // Nothing drawn for this user stays in the page for whoever signs in next on it (their
  // own room would otherwise keep this user's Edit buttons, reactions and stars).
  if (state.view.room) closeRoom();
  state.view.useDrafts(null);
  state.sidebar.load([], []);
  state.inbox.reset();
  each("onSignedOut");
  banner("idle");
  show(byId("app-view"), false);
  show(byId("auth-view"), true);
  byId("auth-error").textContent = reason;
  byId("login-username").focus();
}

function start(token) {
  adopt(token);
  show(byId("auth-view"), false);
  show(byId("app-view"), true);
  state.readyCount = 0;
  const gateway = new Gateway({
    token,
    onReady,
    onEvent: (frame) => onEvent(frame),
    onState: banner,
    onFatal: (code) => {
      if (code === 4001) signedOut(SESSION_ENDED);
    },
  });
  state.gateway = gateway;
  state.view.gateway = gateway;
  gateway.start();
}

function init() {
  state.sidebar = new Sidebar({ onOpen: openRoom, getMe: () => state.me });
  state.inbox = new Inbox({ onOpenRoom: openRoom, currentRoomId: () => (state.view.room ? state.view.room.id : null) });
  state.view = new MessageView({
    gateway: null,
    getMe: () => state.me,
    users: state.users,
    onAck: scheduleAck,
    onOpenDm: openDm,
    messageActions: (message, mine) => each("messageActions", message, mine),
    messageExtras: (message) => each("messageExtras", message),
  });
  setUnauthorizedHandler(() => signedOut(SESSION_ENDED));
  bindAuthForms(start);
  bindSessions(() => signedOut(ENDED.revoked));
  bindPanels(() => state.view.room);
  bindRoomSettings(
    () => state.view.room,
    (room) => {
      state.sidebar.upsert(room);
      if (state.view.room && state.view.room.id === room.id) showRoomHeader(room);
    },
  );
  bindSearch({
    roomName: (id) => {
      const room = state.sidebar.rooms.get(id);
      return room ? roomTitle(room, state.me && state.me.id).replace(/^# /, "") : `room ${id}`;
    },
    onOpen: openRoom,
  });
  byId("logout-button").addEventListener("click", async () => {
    // Deaf first to our own logout's session.logged_out ("…from another window").
    if (state.gateway) state.gateway.stop();
    await logout();
    signedOut();
  });
  byId("leave-button").addEventListener("click", async () => {
    const room = state.view.room;
    if (!room) return;
    try {
      await api("POST", `/rooms/${room.id}/leave`);
    } catch (err) {
      byId("room-error").textContent = err.message;
      return;
    }
    state.sidebar.remove(room.id);
    closeRoom();
  });
  byId("menu-button").addEventListener("click", () => document.body.classList.toggle("menu-open"));
  byId("tools-button").addEventListener("click", () => toggleTools(!document.body.classList.contains("tools-open")));
  // A tool used (its dialog opens) or another room: the tools fold again.
  byId("room-tools").addEventListener("click", (ev) => {
    if (ev.target.closest("button")) toggleTools(false);
  });
  window.addEventListener("hashchange", openFromHash);
  document.addEventListener("visibilitychange", () => {
    state.view.ack();
    if (document.visibilityState === "visible") retryGatewayNow();
  });
  window.addEventListener("online", retryGatewayNow);
  each("init", featureContext());
  const token = storedToken();
  if (token) start(token);
  else signedOut();
}

init();
