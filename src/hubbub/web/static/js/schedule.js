// Feature "schedule" (see features.js for the hooks and ctx): scheduled events
// (docs/voice.md: each belongs to a room). In a room of a space, the space's agenda
// (`GET /spaces/{id}/scheduled-events`: every room of it one can see); in a standalone
// room, that room's events.
// - An "Events" button in #room-feature-tools with the count of upcoming events, opening
//   a dialog: each upcoming or live event (title, when in local time, which room, its
//   description, how many are going), a "Going" toggle (`PUT /scheduled-events/{id}/rsvp`,
//   which also arms its reminder), and for the owners and moderators of its room Edit and
//   Delete; "New event" in any room of the space (the server refuses where one may not).
// - A banner in #room-banners while one of those events starts within the hour or is live.
// Live from scheduled_event.created / updated / deleted; REST answers apply at once.

import { byId, el, roomTitle, show } from "./dom.js";
import { formDialog } from "./mediakit.js";

const SOON_MS = 60 * 60 * 1000;
const RIGHTS_EVENTS = new Set(["space.member.updated", "role.updated", "role.deleted", "role.ranks_updated", "room.member.access_updated"]);

const state = {
  ctx: null,
  room: null,
  events: new Map(), // id → event, for the room on screen
  mine: new Map(), // id → my RSVP (REST answers only; broadcasts carry none)
  manager: new Map(), // room id → whether one may schedule there (owner or moderator)
  loaded: false,
  editing: null, // the event the form edits, null when it creates one
  confirming: null, // the event whose Delete asks to be pressed again
};
const ui = {};

function ms(iso) {
  const at = Date.parse(iso || "");
  return Number.isNaN(at) ? 0 : at;
}

// "Sat 5 Dec, 18:30 – 20:00" in the browser's time zone (the day again when it differs).
export function when(event) {
  const start = new Date(event.starts_at);
  const end = new Date(event.ends_at);
  const day = { weekday: "short", day: "numeric", month: "short" };
  const time = { hour: "2-digit", minute: "2-digit" };
  const from = `${start.toLocaleDateString([], day)}, ${start.toLocaleTimeString([], time)}`;
  const sameDay = start.toDateString() === end.toDateString();
  const to = sameDay ? end.toLocaleTimeString([], time) : `${end.toLocaleDateString([], day)}, ${end.toLocaleTimeString([], time)}`;
  return `${from} – ${to}`;
}

// "Live now", "Starting in 12 min", or null when more than an hour away or over.
export function soon(event, now = Date.now()) {
  const start = ms(event.starts_at);
  const end = ms(event.ends_at);
  if (end <= now) return null;
  if (start <= now) return "Live now";
  if (start - now > SOON_MS) return null;
  return `Starting in ${Math.max(1, Math.ceil((start - now) / 60000))} min`;
}

// A datetime-local input's value (local time, minutes) for an ISO time, and back.
function localValue(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function isoOf(value) {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString();
}

// The space of the room on screen, or null for a standalone room.
function spaceId() {
  return (state.room && state.room.space_id) || null;
}

function inScope(roomId) {
  if (!state.room) return false;
  if (roomId === state.room.id) return true;
  const room = state.ctx.rooms().get(roomId);
  return Boolean(spaceId() && room && room.space_id === spaceId());
}

function roomName(roomId) {
  const room = state.ctx.rooms().get(roomId) || (state.room && state.room.id === roomId ? state.room : null);
  return room ? roomTitle(room, (state.ctx.me() || {}).id) : "another room";
}

// The rooms of the scope where one could schedule, the room on screen first.
function placeable() {
  const here = state.room;
  const others = spaceId()
    ? [...state.ctx.rooms().values()].filter((r) => r.space_id === spaceId() && r.id !== here.id && r.kind !== "dm" && r.kind !== "group")
    : [];
  return [here, ...others.sort((a, b) => String(a.name).localeCompare(String(b.name)))];
}

function canManage(roomId) {
  return state.manager.get(roomId) === true;
}

function upcoming() {
  const now = Date.now();
  return [...state.events.values()].filter((e) => ms(e.ends_at) > now).sort((a, b) => ms(a.starts_at) - ms(b.starts_at) || a.id - b.id);
}

// -- the DOM, built once ------------------------------------------------------------------

function build() {
  ui.count = el("span", { className: "badge", "data-testid": "schedule-count", hidden: true });
  ui.button = el("button", { type: "button", className: "schedule-button", "aria-haspopup": "dialog", "data-testid": "schedule-button", hidden: true }, "Events ", ui.count);
  ui.button.addEventListener("click", openDialog);

  ui.bannerText = el("span", { className: "schedule-banner-text", "data-testid": "schedule-banner-text" });
  ui.bannerOpen = el("button", { type: "button", text: "Details", "data-testid": "schedule-banner-open" });
  ui.bannerOpen.addEventListener("click", openDialog);
  ui.banner = el("div", { className: "schedule-banner", role: "status", "data-testid": "schedule-banner", hidden: true }, ui.bannerText, ui.bannerOpen);

  ui.list = el("ul", { className: "schedule-list", "aria-labelledby": "schedule-title", "data-testid": "schedule-list" });
  ui.empty = el("p", { className: "muted", text: "No upcoming events.", "data-testid": "schedule-empty", hidden: true });
  ui.error = el("p", { className: "error", role: "alert", "data-testid": "schedule-error" });
  ui.create = el("button", { type: "button", text: "New event", "data-testid": "schedule-new", hidden: true });
  ui.create.addEventListener("click", () => openForm(null));
  const close = el("button", { type: "button", text: "Close", "data-testid": "schedule-close" });
  ui.heading = el("h2", { id: "schedule-title", text: "Events" });
  ui.dialog = el(
    "dialog",
    { className: "schedule-dialog", "aria-labelledby": "schedule-title", "data-testid": "schedule-dialog" },
    el("div", { className: "card schedule-card" }, ui.heading, ui.create, ui.error, ui.list, ui.empty, el("div", { className: "schedule-buttons" }, close)),
  );
  close.addEventListener("click", () => ui.dialog.close());
  ui.dialog.addEventListener("close", () => {
    state.confirming = null;
    if (state.room && document.activeElement === document.body) ui.button.focus();
  });
  document.body.append(ui.dialog);
  ui.form = buildForm();
}

function buildForm() {
  return formDialog({
    title: "New event",
    testid: "schedule-form",
    build: (form) => {
      const input = (id, label, attrs) => {
        const node = el(attrs.tag || "input", { id, ...attrs, tag: undefined });
        form.append(el("label", { for: id, text: label }), node);
        return node;
      };
      return {
        title: input("schedule-f-title", "Title", { required: true, maxlength: 200, autocomplete: "off", "data-testid": "schedule-form-title" }),
        room: input("schedule-f-room", "Where (room)", { tag: "select", "data-testid": "schedule-form-room" }),
        starts: input("schedule-f-starts", "Starts (your local time)", { type: "datetime-local", required: true, "data-testid": "schedule-form-starts" }),
        ends: input("schedule-f-ends", "Ends", { type: "datetime-local", required: true, "data-testid": "schedule-form-ends" }),
        description: input("schedule-f-description", "Description (optional)", { tag: "textarea", rows: 3, maxlength: 2000, "data-testid": "schedule-form-description" }),
        reminder: input("schedule-f-reminder", "Remind those going (minutes before; 0 = no reminder)", { type: "number", min: 0, max: 10080, step: 1, required: true, "data-testid": "schedule-form-reminder" }),
      };
    },
    onSubmit: async (f) => {
      const room = state.room;
      if (!room) return;
      const body = {
        title: f.title.value,
        starts_at: isoOf(f.starts.value),
        ends_at: isoOf(f.ends.value),
        description: f.description.value,
        reminder_minutes: Number(f.reminder.value),
      };
      const editing = state.editing;
      let event;
      if (editing) {
        const before = state.events.get(editing.id) || editing;
        const changed = {};
        for (const [key, value] of Object.entries(body)) {
          // datetime-local holds minutes: an unchanged time is the same minute.
          const same = key.endsWith("_at") ? Math.floor(ms(value) / 60000) === Math.floor(ms(before[key]) / 60000) : value === before[key];
          if (!same) changed[key] = value;
        }
        event = await state.ctx.api("PATCH", `/scheduled-events/${editing.id}`, changed);
      } else {
        const where = Number(f.room.value) || room.id;
        event = await state.ctx.api("POST", `/rooms/${where}/scheduled-events`, body);
      }
      if (state.room === room) remember(event);
      render();
    },
  });
}

// -- loading and rights ---------------------------------------------------------------------

async function load(room) {
  try {
    const space = spaceId();
    const answer = space
      ? await state.ctx.api("GET", `/spaces/${space}/scheduled-events`)
      : await state.ctx.api("GET", `/rooms/${room.id}/scheduled-events`);
    if (state.room !== room) return;
    state.events.clear();
    for (const event of answer.scheduled_events) remember(event);
    for (const roomId of new Set(answer.scheduled_events.map((e) => e.room_id))) {
      if (!state.manager.has(roomId)) loadRights(roomId);
    }
    state.loaded = true;
    ui.error.textContent = "";
  } catch (err) {
    if (state.room === room) ui.error.textContent = `The events could not be loaded: ${err.message}`;
  }
  render();
}

// One's rights in a room of the scope; only the newest answer per room counts.
async function loadRights(roomId) {
  const room = state.room;
  state.asked = state.asked || new Map();
  const asked = (state.asked.get(roomId) || 0) + 1;
  state.asked.set(roomId, asked);
  if (!state.manager.has(roomId)) state.manager.set(roomId, false);
  try {
    const answer = await state.ctx.api("GET", `/rooms/${roomId}/permissions`);
    if (state.room !== room || asked !== state.asked.get(roomId)) return;
    state.manager.set(roomId, Boolean(answer.moderator) || answer.role === "owner");
  } catch (err) {
    // Not known: Edit and Delete stay hidden; the server decides anyway.
  }
  render();
}

function reloadRights() {
  if (!state.room) return;
  const ids = new Set([state.room.id, ...state.manager.keys()]);
  for (const roomId of ids) loadRights(roomId);
}

function remember(event) {
  const known = state.events.get(event.id) || {};
  state.events.set(event.id, { ...known, ...event });
  if (typeof event.interested === "boolean") state.mine.set(event.id, event.interested);
}

// -- rendering ------------------------------------------------------------------------------

function render() {
  const room = state.room;
  if (!room) return;
  const events = upcoming();
  ui.count.textContent = String(events.length);
  ui.count.hidden = events.length === 0;
  ui.button.setAttribute("aria-label", events.length ? `Events: ${events.length} upcoming` : "Events");
  ui.heading.textContent = spaceId() ? "Events of this space" : `Events in # ${room.name}`;
  ui.create.hidden = !(canManage(room.id) || placeable().some((r) => canManage(r.id)));
  renderBanner(events);
  if (!ui.dialog.open) return;
  const focused = ui.list.contains(document.activeElement) ? document.activeElement : null;
  const place = focused && { id: focused.closest("li")?.dataset.eventId, testid: focused.dataset.testid };
  ui.list.replaceChildren(...events.map(item));
  ui.empty.hidden = events.length > 0 || !state.loaded;
  if (place && place.id) {
    const li = [...ui.list.children].find((node) => node.dataset.eventId === place.id);
    const target = li && li.querySelector(`[data-testid="${place.testid}"]`);
    if (target) target.focus();
  }
}

function renderBanner(events) {
  const now = Date.now();
  const next = events.find((event) => soon(event, now));
  show(ui.banner, Boolean(next));
  if (!next) return;
  const label = soon(next, now);
  ui.banner.dataset.eventId = String(next.id);
  ui.banner.dataset.state = label === "Live now" ? "live" : "soon";
  const where = next.room_id === state.room.id ? "" : ` in ${roomName(next.room_id)}`;
  ui.bannerText.textContent = `📅 ${next.title}${where}: ${label}`;
  ui.bannerOpen.setAttribute("aria-label", `Details of ${next.title}`);
}

function item(event) {
  const going = state.mine.get(event.id) === true;
  const label = soon(event);
  const titleId = `schedule-event-${event.id}`;
  const li = el(
    "li",
    { className: "schedule-event", "aria-labelledby": titleId, "data-testid": "schedule-event", "data-event-id": event.id },
    el("h3", { id: titleId, className: "schedule-event-title", "data-testid": "schedule-event-title", text: event.title }),
    label ? el("span", { className: "schedule-live", "data-testid": "schedule-event-soon", text: label }) : null,
    el("p", { className: "schedule-when" }, el("time", { datetime: event.starts_at, "data-testid": "schedule-event-when", text: when(event) })),
    el("p", { className: "muted schedule-where", "data-testid": "schedule-event-where", text: `In ${roomName(event.room_id)}` }),
    event.description ? el("p", { className: "schedule-description", "data-testid": "schedule-event-description", text: event.description }) : null,
  );
  const count = el("span", { className: "schedule-going-count", "data-testid": "schedule-event-going", text: `${event.interested_count || 0} going` });
  const rsvp = el("button", {
    type: "button",
    text: going ? "✓ Going" : "Going",
    "aria-pressed": String(going),
    "aria-label": `Going to ${event.title}`,
    "data-testid": "schedule-rsvp",
  });
  rsvp.addEventListener("click", () => setGoing(event, !going));
  const tools = el("div", { className: "schedule-tools", role: "group", "aria-label": `Your answer to ${event.title}` }, rsvp, count);
  if (event.room_id !== state.room.id && state.ctx.rooms().has(event.room_id)) {
    const go = el("button", { type: "button", text: "Open room", "aria-label": `Open ${roomName(event.room_id)}`, "data-testid": "schedule-event-open" });
    go.addEventListener("click", () => {
      ui.dialog.close();
      state.ctx.openRoom(event.room_id);
    });
    tools.append(go);
  }
  if (canManage(event.room_id)) {
    const edit = el("button", { type: "button", text: "Edit", "aria-label": `Edit ${event.title}`, "data-testid": "schedule-edit" });
    const confirming = state.confirming === event.id;
    const del = el("button", {
      type: "button",
      className: "danger",
      text: confirming ? "Delete: sure?" : "Delete",
      "aria-label": confirming ? `Press again to delete ${event.title}` : `Delete ${event.title}`,
      "data-confirm": String(confirming),
      "data-testid": "schedule-delete",
    });
    edit.addEventListener("click", () => openForm(event));
    del.addEventListener("click", () => remove(event));
    tools.append(edit, del);
  }
  li.append(tools);
  return li;
}

// -- actions --------------------------------------------------------------------------------

function openDialog() {
  if (!state.room) return;
  ui.error.textContent = ""; // a failed load says so again below
  if (!ui.dialog.open) ui.dialog.showModal();
  // Where one may schedule: asked once per room of the space ("New event" and its rooms).
  for (const room of placeable()) if (!state.manager.has(room.id)) loadRights(room.id);
  render();
  const first = ui.list.querySelector("button") || (ui.create.hidden ? null : ui.create);
  (first || ui.dialog.querySelector("[data-testid=schedule-close]")).focus();
  if (state.room) load(state.room);
}

function openForm(event) {
  state.editing = event;
  const f = ui.form.fields;
  ui.form.dialog.querySelector("h2").textContent = event ? `Edit “${event.title}”` : "New event";
  // Where: the room on screen first; an event stays in its room (no move in the API).
  const mine = placeable().filter((r) => canManage(r.id));
  const rooms = event ? [{ id: event.room_id }] : mine.length ? mine : [state.room];
  f.room.replaceChildren(...rooms.map((r) => el("option", { value: r.id, text: roomName(r.id) })));
  f.room.disabled = Boolean(event) || rooms.length < 2;
  if (event) {
    f.title.value = event.title;
    f.starts.value = localValue(new Date(event.starts_at));
    f.ends.value = localValue(new Date(event.ends_at));
    f.description.value = event.description || "";
    f.reminder.value = String(event.reminder_minutes ?? 15);
  } else {
    const start = new Date(Date.now() + SOON_MS);
    start.setMinutes(0, 0, 0);
    f.title.value = "";
    f.starts.value = localValue(start);
    f.ends.value = localValue(new Date(start.getTime() + SOON_MS));
    f.description.value = "";
    f.reminder.value = "15";
  }
  ui.form.open();
}

async function setGoing(event, going) {
  const room = state.room;
  ui.error.textContent = "";
  try {
    const answer = await state.ctx.api("PUT", `/scheduled-events/${event.id}/rsvp`, { interested: going });
    if (state.room === room) remember(answer);
  } catch (err) {
    if (state.room === room) ui.error.textContent = err.message;
  }
  render();
}

async function remove(event) {
  if (state.confirming !== event.id) {
    state.confirming = event.id;
    render();
    return;
  }
  state.confirming = null;
  const room = state.room;
  ui.error.textContent = "";
  try {
    await state.ctx.api("DELETE", `/scheduled-events/${event.id}`);
    if (state.room === room) state.events.delete(event.id);
  } catch (err) {
    if (state.room === room) ui.error.textContent = err.message;
  }
  render();
  if (ui.dialog.open && !ui.list.contains(document.activeElement)) (ui.list.querySelector("button") || ui.dialog.querySelector("[data-testid=schedule-close]")).focus();
}

// -- live -----------------------------------------------------------------------------------

function onEvent(frame) {
  const room = state.room;
  if (!room) return;
  const data = frame.data || {};
  if (String(frame.type || "").startsWith("scheduled_event.")) {
    const roomId = frame.room_id ?? data.room_id;
    if (!inScope(roomId)) return;
    if (frame.type === "scheduled_event.created" && data.event) {
      remember(data.event);
      if (!state.manager.has(roomId)) loadRights(roomId);
    }
    else if (frame.type === "scheduled_event.updated") {
      const known = state.events.get(data.event_id);
      if (!known) load(room); // never heard of it: ask again
      else Object.assign(known, data.changes || {});
    } else if (frame.type === "scheduled_event.deleted") {
      state.events.delete(data.event_id);
      state.mine.delete(data.event_id);
      if (state.editing && state.editing.id === data.event_id && ui.form.dialog.open) ui.form.dialog.close();
    }
    render();
    return;
  }
  if (frame.type === "room.updated" && (frame.room_id ?? data.room_id) === room.id) {
    state.room = state.ctx.rooms().get(room.id) || room;
    render();
  }
  const mine = frame.type === "room.member.updated" && data.user_id === (state.ctx.me() || {}).id;
  if (RIGHTS_EVENTS.has(frame.type) || mine) reloadRights();
}

export default {
  name: "schedule",

  init(ctx) {
    state.ctx = ctx;
    build();
    byId("room-feature-tools").append(ui.button);
    byId("room-banners").append(ui.banner);
    // Minutes count down and events go live or end without an event: redraw now and then.
    setInterval(() => render(), 15_000);
  },

  onReady(frame) {
    // A resume replays what was missed; a fresh `ready` does not: read the room again.
    if (state.room && !frame.resumed) {
      load(state.room);
      reloadRights();
    }
  },

  onRoomOpened(room) {
    const shown = room.kind !== "dm" && room.kind !== "group";
    state.room = shown ? room : null;
    state.events.clear();
    state.mine.clear();
    state.loaded = false;
    state.manager = new Map();
    state.confirming = null;
    show(ui.button, shown);
    show(ui.banner, false);
    if (ui.dialog.open) ui.dialog.close();
    if (ui.form.dialog.open) ui.form.dialog.close();
    if (!shown) return;
    load(room);
    loadRights(room.id);
  },

  onRoomClosed() {
    state.room = null;
    state.events.clear();
    show(ui.button, false);
    show(ui.banner, false);
    if (ui.dialog.open) ui.dialog.close();
    if (ui.form.dialog.open) ui.form.dialog.close();
  },

  onEvent,

  onSignedOut() {
    this.onRoomClosed();
    state.mine.clear();
  },
};
