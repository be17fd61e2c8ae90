// Voice rooms (docs/voice.md): in #room-aside who is in voice (avatar, name, each one's
// mute / deaf / camera / screenshare state), join and leave, one's own mute, deafen,
// camera and screenshare toggles, and for moderators server mute / deafen / disconnect.
// Media itself is out of scope: the server hands out a node and a token; the panel shows
// the connection and renews the token (joining again renews it, without an event)
// before it expires. voice.* events keep every viewer current.

import { displayName, el, show } from "./dom.js";
import { refreshAside, roomRequest } from "./mediakit.js";
import { avatar } from "./presence.js";

const EVENTS = new Set([
  "voice.member.joined",
  "voice.member.left",
  "voice.member.moved",
  "voice.state.updated",
  "voice.connection.reassigned",
]);

// The flags of a voice state (D.38), in display order, with how each reads.
const FLAGS = [
  ["server_mute", "🔇", "muted by a moderator"],
  ["self_mute", "🔇", "muted"],
  ["server_deaf", "🔕", "deafened by a moderator"],
  ["self_deaf", "🎧", "deafened"],
  ["camera", "📷", "camera on"],
  ["screensharing", "🖥", "sharing screen"],
];
const DEFAULTS = { self_mute: false, self_deaf: false, server_mute: false, server_deaf: false, camera: false, screensharing: false };

// One's own toggles: [field, button text, test id].
const TOGGLES = [
  ["self_mute", "Mute", "voice-self-mute"],
  ["self_deaf", "Deafen", "voice-self-deaf"],
  ["camera", "Camera", "voice-camera"],
  ["screensharing", "Share screen", "voice-screenshare"],
];
const RENEW_BEFORE_MS = 60_000;

export class VoicePanel {
  constructor(ctx, roster, aside, meTools) {
    this.ctx = ctx;
    this.roster = roster;
    this.aside = aside;
    this.room = null;
    this.participants = null; // user id → voice state, for the room on screen
    this.pending = null;
    this.inRoomId = null; // the voice room the signed-in user is in, wherever it is
    this.connection = null; // {room_id, node, token, expires_at} from the last join
    this.renewTimer = null;
    this.notice = ""; // why one is not in voice any more, when someone else ended it
    this.toolsFor = null; // whose moderation tools are unfolded
    this.build(aside);
    this.buildIndicator(meTools);
  }

  // In the sidebar header, wherever one is: the voice room one is in, a way back to it,
  // and a way out.
  buildIndicator(meTools) {
    this.indicatorRoom = el("button", { type: "button", className: "voice-indicator-room", "data-testid": "voice-indicator-room" });
    this.indicatorLeave = el("button", { type: "button", text: "Leave", "aria-label": "Leave voice", "data-testid": "voice-indicator-leave" });
    this.indicator = el(
      "span",
      { className: "voice-indicator", role: "group", "aria-label": "Voice", "data-testid": "voice-indicator", hidden: true },
      this.indicatorRoom,
      this.indicatorLeave,
    );
    meTools.append(this.indicator);
    this.indicatorRoom.addEventListener("click", () => {
      if (this.inRoomId !== null) this.ctx.openRoom(this.inRoomId);
    });
    this.indicatorLeave.addEventListener("click", () => this.leaveVoice(this.inRoomId));
  }

  renderIndicator() {
    const room = this.inRoomId === null ? null : this.ctx.rooms().get(this.inRoomId);
    this.indicator.hidden = this.inRoomId === null;
    const name = room ? room.name : "a voice room";
    this.indicatorRoom.textContent = `🔊 ${name}`;
    this.indicatorRoom.setAttribute("aria-label", `In voice in ${name}: open the room`);
  }

  build(aside) {
    this.count = el("span", { className: "badge", "data-testid": "voice-count", text: "0" });
    this.status = el("p", { className: "voice-status", role: "status", "data-testid": "voice-status" });
    this.join = el("button", { type: "button", className: "voice-join", text: "Join voice", "data-testid": "voice-join" });
    this.leave = el("button", { type: "button", text: "Leave voice", "data-testid": "voice-leave", hidden: true });
    this.toggles = new Map();
    for (const [field, text, testid] of TOGGLES) {
      const button = el("button", { type: "button", text, "aria-pressed": "false", "data-testid": testid, hidden: true });
      button.addEventListener("click", () => this.toggleSelf(field));
      this.toggles.set(field, button);
    }
    this.error = el("p", { className: "error", role: "alert", "data-testid": "voice-error" });
    this.list = el("ul", { className: "voice-participants", "aria-labelledby": "voice-heading", "data-testid": "voice-participants" });
    this.empty = el("p", { className: "muted", text: "Nobody is in voice.", "data-testid": "voice-empty" });
    this.panel = el(
      "section",
      { className: "voice-panel media-part", "aria-labelledby": "voice-heading", "data-testid": "voice-panel", hidden: true },
      el("h2", { id: "voice-heading" }, "In voice ", this.count),
      this.status,
      el("div", { className: "voice-controls", role: "group", "aria-label": "Your voice" }, this.join, this.leave, ...this.toggles.values()),
      this.error,
      this.list,
      this.empty,
    );
    aside.prepend(this.panel);
    this.join.addEventListener("click", () => this.joinVoice());
    this.leave.addEventListener("click", () => this.leaveVoice());
  }

  // -- lifecycle -------------------------------------------------------------------------

  async open(room) {
    this.room = room;
    this.participants = null;
    this.error.textContent = "";
    this.list.replaceChildren();
    this.empty.hidden = true;
    this.status.textContent = "Loading who is in voice…";
    show(this.panel, true);
    refreshAside(this.aside);
    await this.load();
  }

  close() {
    this.room = null;
    this.participants = null;
    this.pending = null;
    show(this.panel, false);
    refreshAside(this.aside);
  }

  signedOut() {
    this.close();
    this.notice = "";
    this.setInRoom(null);
  }

  async load() {
    const room = this.room;
    if (!room) return;
    this.pending = [];
    try {
      const container = await this.ctx.api("GET", `/rooms/${room.id}/voice`);
      if (this.room !== room) return;
      await this.roster.loading;
      if (this.room !== room) return;
      const pending = this.pending;
      this.pending = null;
      this.participants = new Map(container.participants.map((state) => [state.user_id, state]));
      const me = (this.ctx.me() || {}).id;
      if (this.participants.has(me)) this.setInRoom(room.id);
      else if (this.inRoomId === room.id) this.setInRoom(null);
      for (const frame of pending) this.event(frame);
      this.render();
      this.learnNames([...this.participants.keys()]);
    } catch (err) {
      if (this.room !== room) return;
      this.pending = null;
      this.status.textContent = "";
      this.error.textContent = `Voice could not be loaded: ${err.message}`;
    }
  }

  // `ready.voice_states`: the containers of one's rooms with someone in voice.
  ready(frame) {
    const me = (this.ctx.me() || {}).id;
    const mine = (frame.voice_states || []).find((c) => (c.participants || []).some((s) => s.user_id === me));
    this.setInRoom(mine ? mine.room_id : null);
  }

  setInRoom(roomId) {
    this.inRoomId = roomId;
    if (this.connection && this.connection.room_id !== roomId) this.forgetConnection();
    this.renderIndicator();
  }

  // -- events ----------------------------------------------------------------------------

  onEvent(frame) {
    if (frame.type === "room.updated" && (frame.room_id ?? (frame.data || {}).room_id) === this.inRoomId) this.renderIndicator();
    if (!EVENTS.has(frame.type)) return;
    const data = frame.data || {};
    if (frame.type === "voice.member.joined" && !data.state) return; // says nothing usable
    const me = (this.ctx.me() || {}).id;
    // Where the signed-in user is in voice, whatever room is on screen.
    if (frame.type === "voice.member.joined" && data.state.user_id === me) this.setInRoom(data.room_id);
    else if (frame.type === "voice.member.left" && data.user_id === me && this.inRoomId === data.room_id) {
      this.setInRoom(null);
      // Left elsewhere (another tab): no notice; a moderator or the server: say so.
      if (!frame.actor) this.notice = "You were disconnected from voice.";
      else this.notice = frame.actor.id !== me ? `${displayName(frame.actor)} disconnected you from voice.` : "";
    }
    else if (frame.type === "voice.member.moved" && data.user_id === me) this.movedHere(frame, me);
    else if (frame.type === "voice.connection.reassigned") {
      this.setInRoom(data.to_room_id);
      this.useConnection({ room_id: data.to_room_id, node: data.node, token: data.token, expires_at: data.expires_at });
    }
    if (!this.room) return;
    const id = this.room.id;
    const concerns =
      frame.type === "voice.member.moved" ? data.from_room_id === id || data.to_room_id === id : (frame.room_id ?? data.room_id) === id;
    if (!concerns) {
      this.render(); // one's own place in voice may have changed
      return;
    }
    if (this.pending) this.pending.push(frame);
    else if (this.participants) {
      this.event(frame);
      this.render();
    }
  }

  event(frame) {
    const data = frame.data || {};
    const id = this.room.id;
    switch (frame.type) {
      case "voice.member.joined":
        this.participants.set(data.state.user_id, data.state);
        this.learnNames([data.state.user_id]);
        break;
      case "voice.member.left":
        this.participants.delete(data.user_id);
        break;
      case "voice.member.moved":
        if (data.from_room_id === id) this.participants.delete(data.user_id);
        if (data.to_room_id === id) {
          this.participants.set(data.user_id, data.state || { user_id: data.user_id });
          this.learnNames([data.user_id]);
        }
        break;
      case "voice.state.updated": {
        const state = this.participants.get(data.user_id);
        if (!state) break;
        Object.assign(state, data.changes || {});
        for (const field of data.cleared || []) state[field] = DEFAULTS[field] ?? null;
        break;
      }
      default:
    }
  }

  async learnNames(ids) {
    const unknown = ids.filter((uid) => !this.ctx.users.has(uid));
    if (!unknown.length) return;
    for (const uid of unknown) await this.roster.learn(uid);
    this.render();
  }

  // -- rendering -------------------------------------------------------------------------

  render() {
    if (!this.room || !this.participants) return;
    const me = (this.ctx.me() || {}).id;
    const here = this.inRoomId === this.room.id;
    const mine = this.participants.get(me);
    this.count.textContent = String(this.participants.size);
    this.panel.dataset.connected = String(here);
    this.join.hidden = here && Boolean(this.connection);
    this.leave.hidden = !here;
    if (!here) this.join.textContent = this.inRoomId ? "Join voice here" : "Join voice";
    else this.join.textContent = "Reconnect";
    for (const [field, button] of this.toggles) {
      button.hidden = !(here && mine);
      button.setAttribute("aria-pressed", String(Boolean(mine && mine[field])));
    }
    this.status.textContent = this.statusText(here, mine);
    const states = [...this.participants.values()].sort((a, b) => String(a.joined_at).localeCompare(String(b.joined_at)));
    // A redraw (someone else's change) keeps the keyboard's place in the list.
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    const place = focused && { userId: focused.closest("li")?.dataset.userId, testid: focused.dataset.testid };
    this.list.replaceChildren(...states.map((state) => this.participant(state, me)));
    this.empty.hidden = states.length > 0;
    if (place && place.userId) this.refocus(place.userId, place.testid);
  }

  statusText(here, mine) {
    if (here && this.connection) {
      const by = mine && [mine.server_mute && "muted", mine.server_deaf && "deafened"].filter(Boolean).join(" and ");
      const muted = by ? `; a moderator ${by} you` : "";
      const moved = this.notice ? ` ${this.notice}` : "";
      return `Connected to voice (${this.connection.node})${muted}.${moved}`;
    }
    if (here) return "In voice; media not connected on this device: Reconnect to get a connection.";
    if (this.inRoomId) {
      const other = this.ctx.rooms().get(this.inRoomId);
      return `You are in voice in ${other ? other.name : "another room"}; joining here moves you.`;
    }
    return this.notice ? `Not connected. ${this.notice}` : "Not connected.";
  }

  participant(state, me) {
    const user = this.roster.user(state.user_id);
    const flags = FLAGS.filter(([field]) => state[field]).map(([field, icon, text]) =>
      el("span", { className: `voice-flag ${field}`, "data-testid": "voice-flag", "data-flag": field, title: text }, el("span", { "aria-hidden": "true", text: icon }), ` ${text}`),
    );
    const li = el(
      "li",
      { className: "voice-participant", "data-testid": "voice-participant", "data-user-id": state.user_id },
      avatar(user),
      this.nameButton(state.user_id),
      el("span", { className: "voice-flags" }, ...flags),
    );
    for (const [field] of FLAGS) li.dataset[field.replace(/_(\w)/g, (_, c) => c.toUpperCase())] = String(Boolean(state[field]));
    if (state.user_id !== me) {
      const tools = this.modTools(state, user);
      if (tools) {
        // Folded behind one button per person, so the list stays a list.
        const open = this.toolsFor === state.user_id;
        tools.id = `voice-mod-${state.user_id}`;
        tools.hidden = !open;
        const toggle = el("button", {
          type: "button",
          className: "voice-moderate",
          text: "⋯",
          "aria-label": `Moderate ${this.roster.name(state.user_id)}`,
          "aria-expanded": String(open),
          "aria-controls": tools.id,
          "data-testid": "voice-moderate",
        });
        toggle.addEventListener("click", () => {
          this.toolsFor = this.toolsFor === state.user_id ? null : state.user_id;
          this.render();
          this.refocus(state.user_id, "voice-moderate");
        });
        li.append(toggle, tools);
      }
    }
    return li;
  }

  // The name opens the profile (people.js's "showProfile" service, when there is one).
  nameButton(userId) {
    const button = el("button", { type: "button", className: "voice-name", "data-testid": "voice-name", text: this.roster.name(userId) });
    button.addEventListener("click", () => this.ctx.call("showProfile", userId));
    return button;
  }

  // After a re-render, the keyboard's place: the same control of the same person.
  refocus(userId, testid) {
    const li = [...this.list.children].find((node) => node.dataset.userId === String(userId));
    const target = li && li.querySelector(`[data-testid="${testid}"]`);
    if (target) target.focus();
  }

  modTools(state, user) {
    const name = this.roster.name(user.id);
    // Toggles (aria-pressed): pressed = the moderator's mute / deafen is on.
    const mute = el("button", { type: "button", text: "Server mute", "aria-pressed": String(state.server_mute), "aria-label": `Server mute ${name}`, "data-testid": "voice-server-mute" });
    const deaf = el("button", { type: "button", text: "Server deafen", "aria-pressed": String(state.server_deaf), "aria-label": `Server deafen ${name}`, "data-testid": "voice-server-deaf" });
    const kick = el("button", { type: "button", text: "Disconnect", "aria-label": `Disconnect ${name} from voice`, "data-testid": "voice-disconnect" });
    mute.addEventListener("click", () => this.moderate(state.user_id, { server_mute: !state.server_mute }, "voice-server-mute"));
    deaf.addEventListener("click", () => this.moderate(state.user_id, { server_deaf: !state.server_deaf }, "voice-server-deaf"));
    kick.addEventListener("click", () => this.disconnect(state.user_id));
    // Each by its own permission (docs/voice.md): a space can have voice stewards.
    const allowed = [
      [mute, "mute_members"],
      [deaf, "deafen_members"],
      [kick, "move_members"],
    ].filter(([, perm]) => this.roster.can(perm));
    const moving = this.roster.can("move_members") ? this.moveTools(user.id, name) : [];
    if (!allowed.length && !moving.length) return null;
    return el("span", { className: "voice-mod", role: "group", "aria-label": `Moderate ${name}` }, ...allowed.map(([button]) => button), ...moving);
  }

  // Someone moved me to another voice room: say so, and when the room I was moved out of
  // is on screen, show the new one (the voice panel follows the person).
  movedHere(frame, me) {
    const data = frame.data || {};
    this.setInRoom(data.to_room_id);
    const to = this.ctx.rooms().get(data.to_room_id);
    const where = to ? to.name : "another voice room";
    this.notice = frame.actor && frame.actor.id !== me ? `${displayName(frame.actor)} moved you to ${where}.` : "";
    if (this.room && this.room.id === data.from_room_id && to) this.ctx.openRoom(data.to_room_id);
  }

  // The voice rooms (other than this one) one could move someone to: those of the sidebar.
  moveTargets() {
    return [...this.ctx.rooms().values()].filter((r) => r.kind === "voice" && this.room && r.id !== this.room.id && !r.deleted_at);
  }

  moveTools(userId, name) {
    const targets = this.moveTargets();
    if (!targets.length) return [];
    const id = `voice-move-to-${userId}`;
    const select = el(
      "select",
      { id, "aria-label": `Voice room to move ${name} to`, "data-testid": "voice-move-to" },
      ...targets.map((r) => el("option", { value: r.id, text: r.name })),
    );
    const move = el("button", { type: "button", text: "Move", "aria-label": `Move ${name} to the chosen voice room`, "data-testid": "voice-move" });
    move.addEventListener("click", () => this.move(userId, Number(select.value)));
    return [el("label", { for: id, className: "voice-move-label", text: "Move to…" }), select, move];
  }

  // -- actions ---------------------------------------------------------------------------

  // A request about the room on screen; `then(result)` while its participants still show.
  request(send, then) {
    return roomRequest(this, this.error, send, (result) => {
      if (this.participants) then(result);
    });
  }

  async move(userId, toRoomId) {
    await this.request((room) => this.ctx.api("POST", `/rooms/${room.id}/voice/members/${userId}/move`, { to_room_id: toRoomId }), () => {
      this.participants.delete(userId);
      if (this.toolsFor === userId) this.toolsFor = null;
      this.render();
    });
  }

  async joinVoice() {
    const room = this.room;
    if (!room) return;
    this.error.textContent = "";
    this.join.disabled = true;
    try {
      const joined = await this.ctx.api("POST", `/rooms/${room.id}/voice/join`);
      this.notice = "";
      this.setInRoom(joined.room_id);
      this.useConnection({ room_id: joined.room_id, ...joined.connection });
      if (this.room === room && this.participants) {
        this.participants.set(joined.state.user_id, joined.state);
        this.render();
        this.leave.focus();
      }
    } catch (err) {
      if (this.room === room) this.error.textContent = err.message;
    } finally {
      this.join.disabled = false;
    }
  }

  async leaveVoice(roomId = this.room && this.room.id) {
    if (roomId === null || roomId === undefined) return;
    const fromPanel = Boolean(this.room && this.room.id === roomId);
    this.error.textContent = "";
    try {
      await this.ctx.api("POST", `/rooms/${roomId}/voice/leave`);
      this.notice = "";
      if (this.inRoomId === roomId) this.setInRoom(null);
      this.forgetConnection();
      if (this.room && this.room.id === roomId && this.participants) {
        this.participants.delete((this.ctx.me() || {}).id);
        this.render();
        if (fromPanel) this.join.focus();
      }
    } catch (err) {
      if (this.room && this.room.id === roomId) this.error.textContent = err.message;
      else this.ctx.error(err.message);
    }
  }

  async toggleSelf(field) {
    const me = (this.ctx.me() || {}).id;
    const mine = this.participants && this.participants.get(me);
    if (!mine) return;
    await this.request((room) => this.ctx.api("PATCH", `/rooms/${room.id}/voice/me`, { [field]: !mine[field] }), (state) => {
      this.participants.set(state.user_id, state);
      this.render();
    });
  }

  async moderate(userId, changes, testid) {
    await this.request((room) => this.ctx.api("PATCH", `/rooms/${room.id}/voice/members/${userId}`, changes), (state) => {
      this.participants.set(state.user_id, state);
      this.render();
      this.refocus(userId, testid);
    });
  }

  async disconnect(userId) {
    await this.request((room) => this.ctx.api("DELETE", `/rooms/${room.id}/voice/members/${userId}`), () => {
      this.participants.delete(userId);
      this.render();
    });
  }

  // -- the media connection (node + token) -----------------------------------------------

  useConnection(connection) {
    this.connection = connection;
    clearTimeout(this.renewTimer);
    const expires = Date.parse(connection.expires_at || "");
    if (Number.isNaN(expires)) return;
    const delay = Math.max(expires - Date.now() - RENEW_BEFORE_MS, 5_000);
    this.renewTimer = setTimeout(() => this.renew(connection.room_id), delay);
  }

  // Joining the room one is in again renews the token only (no event).
  async renew(roomId) {
    if (this.inRoomId !== roomId || !this.connection) return;
    try {
      const joined = await this.ctx.api("POST", `/rooms/${roomId}/voice/join`);
      if (this.inRoomId === roomId) this.useConnection({ room_id: joined.room_id, ...joined.connection });
    } catch (err) {
      this.forgetConnection();
      if (this.room && this.room.id === roomId) {
        this.error.textContent = `Voice connection lost: ${err.message}`;
        this.render();
      }
    }
  }

  forgetConnection() {
    clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.connection = null;
  }
}
