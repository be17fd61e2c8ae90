// DMs and groups (driven by spaces.js's hooks): "New message" opens the DM with a
// handle (GET /users?handle=, then POST /users/{id}/dm), "New group" creates a group with the
// people picked by handle (POST /groups); in a group, "Group" lists its members, adds
// one by handle (PUT /groups/{id}/recipients/{uid}), lets its owner remove others
// (DELETE /groups/{id}/recipients/{uid}) or hand the group over (PATCH /groups/{id})
// and anyone leave (DELETE …/recipients/me).
// The core sidebar lists groups (room.created `added_to_group` reaches each member).

import { byId, displayName, el } from "./dom.js";
import { Modal, UserPicker, cleanHandle, confirmButton, errorLine, field, lookUp, lookUpError } from "./spaces-ui.js";

const state = { ctx: null, room: null, manage: null, tool: null, modals: [] };

function openDmDialog(modal) {
  const handle = field("Their handle", { required: true, maxlength: "64", autocomplete: "off", placeholder: "@handle", "data-testid": "dm-handle" });
  const error = errorLine("dm-error");
  const submit = el("button", { type: "submit", "data-testid": "dm-submit", text: "Open DM" });
  const form = el("form", { className: "spaces-form", "data-testid": "dm-form" }, handle.label, handle.control, error, submit);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const wanted = cleanHandle(handle.control.value);
    if (!wanted) return;
    submit.disabled = true;
    try {
      const user = await lookUp(state.ctx.api, wanted);
      state.ctx.users.set(user.id, user);
      const room = await state.ctx.api("POST", `/users/${user.id}/dm`);
      state.ctx.upsertRoom(room);
      modal.close();
      state.ctx.openRoom(room.id);
    } catch (err) {
      error.textContent = lookUpError(err, wanted);
    } finally {
      submit.disabled = false;
    }
  });
  modal.fill(form);
  modal.open();
}

function openGroupDialog(modal) {
  const name = field("Group name (optional)", { maxlength: "100", "data-testid": "group-name" });
  const picker = new UserPicker({ api: state.ctx.api, me: state.ctx.me, prefix: "group", label: "Add people by handle" });
  const error = errorLine("group-error");
  const submit = el("button", { type: "submit", "data-testid": "group-submit", text: "Create group" });
  const form = el("form", { className: "spaces-form", "data-testid": "group-form" }, name.label, name.control, picker.node, error, submit);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    // A handle typed but not yet added counts too.
    if (cleanHandle(picker.input.value) && !(await picker.pick())) return;
    if (!picker.picked().length) {
      error.textContent = "Add at least one person.";
      return;
    }
    submit.disabled = true;
    const body = { user_ids: picker.picked() };
    if (name.control.value.trim()) body.name = name.control.value.trim();
    try {
      const room = await state.ctx.api("POST", "/groups", body);
      state.ctx.upsertRoom(room);
      modal.close();
      state.ctx.openRoom(room.id);
    } catch (err) {
      error.textContent = err.message;
    } finally {
      submit.disabled = false;
    }
  });
  modal.fill(form);
  modal.open();
}

// -- one group's members ------------------------------------------------------------------

async function openManage() {
  const room = state.room;
  if (!room || room.kind !== "group") return;
  const modal = state.manage;
  modal.title(`Group: ${room.name}`);
  const list = el("ul", { className: "space-members", "aria-label": "Group members", "data-testid": "group-members" });
  const error = errorLine("group-manage-error");
  const handle = field("Add someone by handle", { maxlength: "64", autocomplete: "off", placeholder: "@handle", "data-testid": "group-invite-handle" });
  const add = el("button", { type: "button", "data-testid": "group-invite-add", text: "Add to group" });
  const addError = errorLine("group-invite-error");
  const addNow = async () => {
    const typed = handle.control.value;
    const wanted = cleanHandle(typed);
    if (!wanted) return;
    try {
      const user = await lookUp(state.ctx.api, wanted);
      await state.ctx.api("PUT", `/groups/${room.id}/recipients/${user.id}`);
      if (handle.control.value === typed) handle.control.value = "";
      addError.textContent = "";
      loadMembers(room, list, error);
    } catch (err) {
      addError.textContent = lookUpError(err, wanted);
    }
  };
  add.addEventListener("click", addNow);
  handle.control.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      addNow();
    }
  });
  const adder = el("div", { className: "spaces-picker" }, handle.label, el("div", { className: "spaces-row" }, handle.control, add), addError);
  const leave = confirmButton("Leave group", "Click again to leave", { "data-testid": "group-leave" }, async () => {
    try {
      await state.ctx.api("DELETE", `/groups/${room.id}/recipients/me`);
    } catch (err) {
      error.textContent = err.message;
      return;
    }
    modal.close();
    state.ctx.removeRoom(room.id);
  });
  modal.fill(error, list, adder, leave);
  modal.open();
  modal.roomId = room.id;
  modal.refresh = () => loadMembers(room, list, error);
  await loadMembers(room, list, error);
}

async function loadMembers(room, list, error) {
  let members;
  try {
    // A group is small (group_max_recipients, 50 by default): one page holds it.
    members = ((await state.ctx.api("GET", `/rooms/${room.id}/members?limit=1000`)).members || []).filter((member) => member.user);
  } catch (err) {
    error.textContent = err.message;
    return;
  }
  const me = state.ctx.me();
  const current = state.ctx.rooms().get(room.id) || room;
  const owner = me && current.owner_id === me.id;
  list.replaceChildren(
    ...members.map((member) => {
      const user = member.user;
      state.ctx.users.set(user.id, user);
      const li = el(
        "li",
        { className: "space-member", "data-testid": "group-member", "data-user-id": user.id },
        el("span", { className: "space-member-name", text: displayName(user) }),
        el("span", { className: "muted", text: ` @${user.handle}` }),
        user.id === current.owner_id ? el("span", { className: "space-owner", text: "owner" }) : null,
      );
      if (owner && user.id !== me.id) {
        const remove = el("button", { type: "button", "data-testid": "group-remove", "aria-label": `Remove ${displayName(user)} from the group`, text: "Remove" });
        remove.addEventListener("click", async () => {
          try {
            await state.ctx.api("DELETE", `/groups/${room.id}/recipients/${user.id}`);
            li.remove();
          } catch (err) {
            error.textContent = err.message;
          }
        });
        const promote = el("button", { type: "button", "data-testid": "group-make-owner", "aria-label": `Make ${displayName(user)} the group's owner`, text: "Make owner" });
        promote.addEventListener("click", async () => {
          try {
            state.ctx.upsertRoom(await state.ctx.api("PATCH", `/groups/${room.id}`, { owner_id: user.id }));
            loadMembers(room, list, error);
          } catch (err) {
            error.textContent = err.message;
          }
        });
        li.append(promote, remove);
      }
      return li;
    }),
  );
}

export default {
  init(ctx) {
    state.ctx = ctx;
    const dmModal = new Modal("New direct message", "dm-dialog");
    const groupModal = new Modal("New group", "group-dialog");
    state.modals = [dmModal, groupModal];
    state.manage = new Modal("Group", "group-manage-dialog");
    state.manage.onClose = () => {
      state.manage.roomId = null;
    };
    const dm = el("button", { type: "button", "data-testid": "dm-new-button", text: "New message" });
    const group = el("button", { type: "button", "data-testid": "group-new-button", text: "New group" });
    dm.addEventListener("click", () => openDmDialog(dmModal));
    group.addEventListener("click", () => openGroupDialog(groupModal));
    byId("sidebar-tools").append(el("div", { className: "spaces-tools" }, dm, group));
    state.tool = el("button", { type: "button", "data-testid": "group-manage-button", "aria-haspopup": "dialog", text: "Group" });
    state.tool.hidden = true;
    state.tool.addEventListener("click", () => openManage());
    byId("room-feature-tools").append(state.tool);
  },

  onReady() {
    if (state.manage.isOpen && !state.ctx.rooms().has(state.manage.roomId)) state.manage.close();
  },

  onEvent(frame) {
    const roomId = frame.room_id ?? (frame.data || {}).room_id;
    const modal = state.manage;
    if (!modal || !modal.isOpen || modal.roomId !== roomId) return;
    if (frame.type === "room.deleted") modal.close();
    else if (frame.type.startsWith("room.member.") || frame.type === "room.updated") modal.refresh();
  },

  onRoomOpened(room) {
    state.room = room;
    state.tool.hidden = room.kind !== "group";
  },

  onRoomClosed() {
    state.room = null;
    state.tool.hidden = true;
    state.manage.close();
  },

  onSignedOut() {
    state.room = null;
    state.tool.hidden = true;
    for (const modal of [...state.modals, state.manage]) modal.close();
  },
};
