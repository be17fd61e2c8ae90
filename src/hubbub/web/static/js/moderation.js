// Feature "moderation" (see features.js for the hooks and ctx).
//
// - The user's rights in the room on screen (GET /rooms/{id}/permissions), asked again
//   when their role changes (room.member.updated, space and role events).
// - Message actions: Report for everyone; for moderators Delete (anyone's), Kick-mute /
//   Ban the author (sanctions.js), Approve / Reject a message waiting in pre-moderation.
// - The "Moderation" dialog (modpanel.js) behind a button in #room-feature-tools.
// - Banners in #room-banners for every member: closed, frozen, slow mode, pre-moderated
//   (with one's own messages awaiting approval); the composer disabled with the reason
//   while one may not post, enabled again live.
// - One's own sanctions: a ban or kick-mute takes the room out of the sidebar (the
//   server removes the membership) and leaves a notice with its expiry here; its end
//   (lifted or expired) is announced live with a "Rejoin" button.

import { byId, displayName, el } from "./dom.js";
import { ModPanel } from "./modpanel.js";
import { ReportDialog, SanctionDialog } from "./sanctions.js";

const NOBODY = { moderator: false, role: null, level: null, perms: new Set(), can: () => false };
// Events after which the banners, the composer or the Moderation button may change.
const REFRESH_EVENTS = new Set([
  "room.updated",
  "room.opened",
  "room.closed",
  "room.timeout.started",
  "room.timeout.ended",
  "room.ban.created",
  "room.ban.removed",
  "room.member.left",
  "room.deleted",
  "message.created",
  "message.updated",
  "message.deleted",
  "moderation.resolved",
]);
const RIGHTS_EVENTS = new Set(["space.member.updated", "role.updated", "role.deleted", "role.ranks_updated", "room.member.access_updated"]);

const state = {
  ctx: null,
  rights: new Map(), // room id → rights (see rightsFrom)
  asked: new Map(), // room id → pending request
  askAgain: new Set(), // rooms whose rights changed while a request was in flight
  notices: new Map(), // room id → {roomId, name, kind, expiresAt, ended, reason}
  blocked: false, // whether this module disabled the composer
  placeholder: "",
  box: null,
  panel: null,
  sanction: null,
  report: null,
  counters: [], // [{node, until, prefix}] updated every second
  signature: "", // what the banners on screen say (see refresh)
};

function rightsFrom(answer) {
  const perms = new Set(answer.permissions || []);
  return { moderator: Boolean(answer.moderator), role: answer.role, level: answer.level, perms, can: (name) => perms.has(name) };
}

export function rightsOf(roomId) {
  return state.rights.get(roomId) || NOBODY;
}

function me() {
  return state.ctx.me() || { id: null };
}

function current() {
  const room = state.ctx.room();
  return room ? state.ctx.rooms().get(room.id) || room : null;
}

async function loadRights(roomId) {
  // One request at a time per room; a change heard while one is in flight may postdate
  // its answer, so it is asked again once that one is back.
  if (state.asked.has(roomId)) {
    state.askAgain.add(roomId);
    return state.asked.get(roomId);
  }
  const request = (async () => {
    try {
      const answer = await state.ctx.api("GET", `/rooms/${roomId}/permissions`);
      const before = rightsOf(roomId);
      const after = rightsFrom(answer);
      state.rights.set(roomId, after);
      const room = state.ctx.room();
      if (room && room.id === roomId) {
        if (before.moderator !== after.moderator || before.can("manage_messages") !== after.can("manage_messages")) {
          for (const id of state.ctx.view.items.keys()) state.ctx.view.rerender(id); // their actions change
        }
        refresh();
      }
    } catch (err) {
      // Gone, or banned from it: the room's own events say so; nothing to moderate.
      if (err.status !== 403 && err.status !== 404) state.ctx.error(err.message);
    } finally {
      state.asked.delete(roomId);
      if (state.askAgain.delete(roomId)) loadRights(roomId);
    }
  })();
  state.asked.set(roomId, request);
  return request;
}

// -- time -------------------------------------------------------------------------------

function clock(iso) {
  const at = new Date(iso);
  return at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function left(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.ceil(s / 60)} min`;
  return `${Math.ceil(s / 3600)} h`;
}

function countdown(until, prefix = "") {
  const node = el("span", { className: "mod-countdown", "data-testid": "mod-countdown" });
  state.counters.push({ node, until, prefix });
  node.textContent = `${prefix}${left(until - Date.now())}`;
  return node;
}

function tick() {
  if (!state.ctx || !state.box) return;
  const now = Date.now();
  let expired = false;
  for (const c of state.counters) {
    c.node.textContent = `${c.prefix}${left(c.until - now)}`;
    if (c.until <= now) expired = true;
  }
  if (expired) refresh(); // a countdown ran out: slow mode or a freeze may be over
}

// -- banners and the composer -----------------------------------------------------------

function frozenUntil(room) {
  const ends = room && room.timeout_ends_at ? Date.parse(room.timeout_ends_at) : NaN;
  return Number.isFinite(ends) && ends > Date.now() ? ends : 0;
}

// When one may post again in `room` under slow mode: N s after one's newest message
// there (the server counts from the last message sent), 0 when one may post now.
function slowUntil(room) {
  if (!room || !(room.throttle_seconds > 0)) return 0;
  let newest = 0;
  for (const { message } of state.ctx.view.items.values()) {
    if (message.room_id !== room.id || !message.author || message.author.id !== me().id) continue;
    newest = Math.max(newest, Date.parse(message.created_at) || 0);
  }
  const until = newest + room.throttle_seconds * 1000;
  return until > Date.now() ? until : 0;
}

function myPending() {
  let count = 0;
  for (const { message } of state.ctx.view.items.values()) {
    if (message.moderation_state === "pending" && message.author && message.author.id === me().id && !message.deleted) count += 1;
  }
  return count;
}

function banner(kind, ...children) {
  return el("div", { className: `mod-banner mod-banner-${kind}`, "data-testid": `${kind}-banner` }, ...children);
}

function roomBanners(room, rights) {
  const out = [];
  if (!room || room.kind === "dm") return out;
  const exempt = rights.moderator;
  if (room.is_open === false) {
    out.push(banner("room-closed", el("strong", { text: "This room is closed." }), exempt ? " Members cannot post; you can, as a moderator." : " Only its moderators can post."));
  }
  const frozen = frozenUntil(room);
  if (frozen) {
    out.push(banner("room-frozen", el("strong", { text: "The room is frozen" }), ` until ${clock(room.timeout_ends_at)} (`, countdown(frozen), exempt ? "): only moderators post." : "): only moderators can post."));
  }
  if (room.throttle_seconds > 0) {
    const parts = [el("strong", { text: "Slow mode:" }), ` one message every ${room.throttle_seconds} s${exempt ? " (moderators are exempt)" : ""}.`];
    const until = exempt ? 0 : slowUntil(room);
    if (until) parts.push(el("span", { "data-testid": "slow-mode-wait" }, " You can post again in ", countdown(until), "."));
    out.push(banner("slow-mode", ...parts));
  }
  if (room.moderation === "pre") {
    const pending = myPending();
    const parts = [el("strong", { text: "Pre-moderated:" }), exempt ? " members' messages wait for a moderator's approval." : " a moderator approves each message before others see it."];
    if (pending) parts.push(el("span", { "data-testid": "premod-pending", text: ` ${pending === 1 ? "Your message awaits" : `${pending} of your messages await`} approval.` }));
    out.push(banner("premod", ...parts));
  }
  return out;
}

function noticeNode(notice) {
  const what = notice.kind === "kick_mute" ? "kick-muted in" : notice.kind === "bounce" ? "bounced from" : "banned from";
  const parts = [];
  if (notice.ended) {
    parts.push(el("strong", { text: notice.kind === "kick_mute" ? "Your kick-mute has ended" : "Your ban has been lifted" }), ` in # ${notice.name}. You may rejoin it. `);
    const rejoin = el("button", { type: "button", "data-testid": "ban-rejoin", text: `Rejoin # ${notice.name}` });
    rejoin.addEventListener("click", () => rejoinRoom(notice));
    parts.push(rejoin);
  } else {
    parts.push(el("strong", { text: `You were ${what} # ${notice.name}` }));
    if (notice.expiresAt) {
      parts.push(` until ${clock(notice.expiresAt)} (`, countdown(Date.parse(notice.expiresAt), ""), " left): you cannot read or post there until then. ");
    } else {
      parts.push(" until a moderator lifts it: you cannot read or post there. ");
    }
  }
  const dismiss = el("button", { type: "button", "data-testid": "ban-dismiss", "aria-label": `Dismiss the notice about # ${notice.name}`, text: "Dismiss" });
  dismiss.addEventListener("click", () => {
    state.notices.delete(notice.roomId);
    refresh();
  });
  parts.push(dismiss);
  return el("div", { className: `mod-banner mod-notice${notice.ended ? " ended" : ""}`, "data-testid": "ban-notice", "data-room-id": notice.roomId, "data-state": notice.ended ? "ended" : notice.kind }, ...parts);
}

async function rejoinRoom(notice) {
  try {
    await state.ctx.api("POST", `/rooms/${notice.roomId}/join`);
    const room = await state.ctx.api("GET", `/rooms/${notice.roomId}`);
    state.notices.delete(notice.roomId);
    state.ctx.upsertRoom(room);
    state.ctx.openRoom(room.id);
    refresh();
  } catch (err) {
    state.ctx.error(err.message);
  }
}

// Why one may not post in the room on screen, or null.
function blockedReason(room, rights) {
  if (!room) {
    // No room on screen (the core has disabled the composer): after a sanction, say why.
    const active = [...state.notices.values()].filter((n) => !n.ended).pop();
    if (!active) return null;
    const what = active.kind === "kick_mute" ? "kick-muted in" : "banned from";
    return `You were ${what} # ${active.name}${active.expiresAt ? ` until ${clock(active.expiresAt)}` : ""}.`;
  }
  if (rights.moderator) return null;
  if (room.is_open === false) return "This room is closed: only its moderators can post.";
  if (frozenUntil(room)) return `The room is frozen until ${clock(room.timeout_ends_at)}: only moderators can post.`;
  if (rights.level === "read_only" && room.space_id == null) return "You can read this room but not post in it.";
  const until = slowUntil(room);
  if (until) return `Slow mode: you can post again at ${clock(new Date(until).toISOString())}.`;
  return null;
}

function applyComposer(room, rights) {
  const input = byId("composer-input");
  const send = byId("composer-send");
  const reason = blockedReason(room, rights);
  if (reason) {
    if (!state.blocked) state.placeholder = input.placeholder;
    state.blocked = true;
    input.disabled = true;
    send.disabled = true;
    input.placeholder = reason;
    input.title = reason;
  } else if (state.blocked) {
    state.blocked = false;
    input.placeholder = state.placeholder;
    input.removeAttribute("title");
    if (room) {
      input.disabled = false;
      send.disabled = false;
    }
  }
}

// Draws the banners and sets the composer for the room on screen.
function refresh() {
  if (!state.box) return;
  const room = current();
  const rights = room ? rightsOf(room.id) : NOBODY;
  // Drawn again only when what they say changes (the countdowns tick in place), so the
  // live region does not repeat itself and a focused button keeps its focus.
  const shown = room && {
    id: room.id,
    kind: room.kind,
    open: room.is_open,
    frozen: frozenUntil(room) && room.timeout_ends_at,
    slow: room.throttle_seconds,
    wait: rights.moderator ? 0 : slowUntil(room),
    mode: room.moderation,
    pending: room.moderation === "pre" ? myPending() : 0,
    mod: rights.moderator,
  };
  const signature = JSON.stringify([[...state.notices.values()], shown]);
  if (signature !== state.signature) {
    state.signature = signature;
    state.counters = [];
    const nodes = [...[...state.notices.values()].map(noticeNode), ...roomBanners(room, rights)];
    state.box.replaceChildren(...nodes);
    state.box.hidden = nodes.length === 0;
  }
  applyComposer(room, rights);
  state.panel.setRoom(room);
}

// -- message actions --------------------------------------------------------------------

function action(text, testid, label, fn) {
  const node = el("button", { type: "button", "data-testid": testid, "aria-label": label, text });
  node.addEventListener("click", fn);
  return node;
}

async function modDelete(message) {
  try {
    await state.ctx.api("DELETE", `/messages/${message.id}`);
    state.ctx.view.markDeleted(message.id);
  } catch (err) {
    state.ctx.error(err.message);
  }
}

async function resolve(message, approve) {
  try {
    const updated = approve ? await state.ctx.api("POST", `/messages/${message.id}/approve`, {}) : await state.ctx.api("POST", `/messages/${message.id}/reject`, {});
    state.ctx.view.patch(message.id, { moderation_state: updated.moderation_state, active: updated.active });
    state.panel.drop("queue", message.id);
  } catch (err) {
    state.ctx.error(err.message);
  }
}

function messageActions(message, mine) {
  if (message.deleted || !message.author) return [];
  const rights = rightsOf(message.room_id);
  const who = displayName(message.author);
  const out = [];
  if (rights.can("manage_messages") && message.moderation_state === "pending") {
    out.push(action("Approve", "message-approve", `Approve the message of ${who}`, () => resolve(message, true)));
    out.push(action("Reject", "message-reject", `Reject the message of ${who}`, () => resolve(message, false)));
  }
  if (mine) return out;
  if (rights.can("manage_messages")) out.push(action("Delete", "message-mod-delete", `Delete the message of ${who} (moderator)`, () => modDelete(message)));
  const room = state.ctx.rooms().get(message.room_id);
  if (room && (room.kind === "dm" || room.kind === "group")) {
    out.push(action("Report", "message-report", `Report the message of ${who}`, () => state.report.open(message)));
    return out; // conversations have no bans (the server answers 409)
  }
  if (rights.can("kick")) out.push(action("Kick-mute", "message-kick", `Kick-mute ${who}`, () => state.sanction.open(message, "kick_mute")));
  if (rights.can("ban")) out.push(action("Ban", "message-ban", `Ban ${who}`, () => state.sanction.open(message, "ban")));
  out.push(action("Report", "message-report", `Report the message of ${who}`, () => state.report.open(message)));
  return out;
}

function messageExtras(message) {
  const out = [];
  if (message.moderation_state === "pending") out.push(el("span", { className: "mod-tag pending", "data-testid": "message-pending", text: "Awaiting a moderator's approval" }));
  else if (message.moderation_state === "rejected") out.push(el("span", { className: "mod-tag rejected", "data-testid": "message-rejected", text: "Rejected by a moderator: only you and the moderators see it" }));
  if (message.shadowbanned) out.push(el("span", { className: "mod-tag", "data-testid": "message-shadowbanned", text: "Shadowbanned author: only moderators see this" }));
  return out;
}

// -- events -----------------------------------------------------------------------------

function onEvent(frame) {
  const ctx = state.ctx;
  const data = frame.data || {};
  const type = frame.type;
  const roomId = frame.room_id ?? data.room_id;
  const screen = ctx.room();
  const here = Boolean(screen && screen.id === roomId);
  const myId = me().id;
  state.panel.onEvent(frame);
  if (type === "room.ban.created" && data.user_id === myId) {
    const room = ctx.rooms().get(roomId);
    state.notices.set(roomId, { roomId, name: room ? room.name : `room ${roomId}`, kind: data.kind, expiresAt: data.expires_at, ended: false });
    state.rights.delete(roomId);
  } else if (type === "room.ban.removed" && data.user_id === myId) {
    const notice = state.notices.get(roomId) || { roomId, name: (ctx.rooms().get(roomId) || {}).name || `room ${roomId}`, kind: data.kind };
    state.notices.set(roomId, { ...notice, ended: true });
  } else if (type === "room.member.updated" && data.user_id === myId) {
    loadRights(roomId);
  } else if (RIGHTS_EVENTS.has(type) && screen) {
    loadRights(screen.id);
  } else if (type === "room.opened" || type === "room.closed") {
    if (ctx.rooms().has(roomId)) ctx.upsertRoom({ id: roomId, is_open: type === "room.opened" });
  } else if (type === "room.timeout.started") {
    if (ctx.rooms().has(roomId)) ctx.upsertRoom({ id: roomId, timeout_ends_at: data.ends_at });
  } else if (type === "room.timeout.ended") {
    if (ctx.rooms().has(roomId)) ctx.upsertRoom({ id: roomId, timeout_ends_at: null });
  } else if (type === "message.bulk_deleted" && here) {
    for (const id of data.message_ids || []) ctx.view.markDeleted(id);
  } else if (type === "moderation.resolved" && here) {
    ctx.view.patch(data.message_id, { moderation_state: data.state, active: data.state === "approved" });
  }
  if (REFRESH_EVENTS.has(type) && (here || !type.startsWith("message."))) refresh();
}

// The page was opened on a room that is not in the sidebar (a reload, a link): when a
// ban is why, say so, with its expiry.
async function banFromAddress() {
  const match = /^#\/rooms\/(\d+)$/.exec(location.hash);
  const roomId = match ? Number(match[1]) : null;
  if (roomId === null || state.ctx.rooms().has(roomId) || state.notices.has(roomId)) return;
  try {
    await state.ctx.api("GET", `/rooms/${roomId}`);
  } catch (err) {
    if (err.code !== "banned_from_room" || state.notices.has(roomId)) return;
    const details = err.details || {};
    state.notices.set(roomId, { roomId, name: details.room_name || `room ${roomId}`, kind: details.kind || "ban", expiresAt: details.expires_at || null, ended: false });
    refresh();
  }
}

export default {
  name: "moderation",

  init(ctx) {
    state.ctx = ctx;
    state.box = el("div", { className: "mod-banners", role: "status", "aria-live": "polite", "data-testid": "moderation-banners", hidden: true });
    byId("room-banners").append(state.box);
    state.panel = new ModPanel(ctx, { rightsOf });
    byId("room-feature-tools").append(state.panel.button);
    state.sanction = new SanctionDialog(ctx);
    state.report = new ReportDialog(ctx);
    ctx.provide("roomRights", rightsOf);
    setInterval(tick, 1000);
  },

  onReady() {
    // Rights may have changed while away: ask again for the room on screen.
    state.rights.clear();
    const room = state.ctx.room();
    if (room) loadRights(room.id);
    banFromAddress();
    refresh();
  },

  onEvent,

  onRoomOpened(room) {
    refresh();
    loadRights(room.id);
  },

  onRoomClosed() {
    refresh();
  },

  messageActions,
  messageExtras,

  onSignedOut() {
    state.rights.clear();
    state.notices.clear();
    refresh();
  },
};
