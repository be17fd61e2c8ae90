// Creating a space (POST /spaces) and joining one: by invite code or link
// (POST /invites/{code}, previewed with GET /invites/{code}) or from the directory of
// open spaces (GET /spaces/directory, POST /spaces/{id}/join). Either way the space's
// state is adopted at once and its first room opens.

import { el } from "./dom.js";
import { Modal, checkbox, errorLine, field, membersText } from "./spaces-ui.js";

// "AbC123", "https://host/#/invite/AbC123" or "…/invites/AbC123" → "AbC123".
function inviteCode(value) {
  const text = value.trim();
  const match = /invites?\/([A-Za-z0-9_-]{1,64})\/?$/.exec(text);
  return match ? match[1] : text;
}

export class JoinDialogs {
  constructor(feature) {
    this.feature = feature;
    this.ctx = feature.ctx;
    this.createModal = new Modal("New space", "space-create-dialog");
    this.joinModal = new Modal("Join a space", "space-join-dialog");
  }

  closeAll() {
    this.createModal.close();
    this.joinModal.close();
  }

  // After a space is created or joined: show it, open its first room.
  async landIn(state) {
    this.feature.adoptState(state);
    const rooms = state.rooms || [];
    const target = (state.space && state.space.system_room_id) || (rooms[0] && rooms[0].id);
    if (target && this.ctx.rooms().has(target)) this.ctx.openRoom(target);
  }

  // -- create ---------------------------------------------------------------------------

  openCreate() {
    const name = field("Name", { required: true, maxlength: "100", "data-testid": "space-create-name" });
    const description = field("Description", { rows: "3", maxlength: "2000", "data-testid": "space-create-description" }, "textarea");
    const open = checkbox("Anyone can join without an invite", "space-create-open");
    const error = errorLine("space-create-error");
    const submit = el("button", { type: "submit", "data-testid": "space-create-submit", text: "Create space" });
    const form = el("form", { className: "spaces-form", "data-testid": "space-create-form" }, name.label, name.control, description.label, description.control, open.node, error, submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      submit.disabled = true;
      try {
        const body = { name: name.control.value.trim(), description: description.control.value, open: open.input.checked };
        const space = await this.ctx.api("POST", "/spaces", body);
        const state = await this.ctx.api("GET", `/spaces/${space.id}/state`);
        this.createModal.close();
        await this.landIn(state);
      } catch (err) {
        error.textContent = err.message;
      } finally {
        submit.disabled = false;
      }
    });
    this.createModal.fill(form);
    this.createModal.open();
  }

  // -- join ---------------------------------------------------------------------------

  openJoin(code) {
    const input = field("Invite code or link", { required: true, maxlength: "300", autocomplete: "off", "data-testid": "space-join-code" });
    input.control.value = code || "";
    const preview = el("p", { className: "muted", "data-testid": "space-join-preview" });
    const error = errorLine("space-join-error");
    const submit = el("button", { type: "submit", "data-testid": "space-join-submit", text: "Join" });
    const form = el("form", { className: "spaces-form", "data-testid": "space-join-form" }, input.label, input.control, preview, error, submit);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const value = inviteCode(input.control.value);
      if (!value) return;
      submit.disabled = true;
      try {
        const state = await this.ctx.api("POST", `/invites/${encodeURIComponent(value)}`);
        this.joinModal.close();
        await this.landIn(state);
      } catch (err) {
        error.textContent = err.code === "invite_not_found" ? "This invite does not exist or has expired." : err.message;
      } finally {
        submit.disabled = false;
      }
    });
    const directory = el("ul", { className: "space-directory", "aria-label": "Open spaces", "data-testid": "space-directory" });
    this.joinModal.fill(form, el("h3", { text: "Or join an open space" }), directory);
    this.joinModal.open();
    if (code) this.preview(code, preview, error);
    this.loadDirectory(directory, null);
  }

  // The open spaces (GET /spaces/directory) one is not in yet, each with "Join".
  async loadDirectory(list, after) {
    let page;
    try {
      page = after ? await this.ctx.api("GET", `/spaces/directory?after=${after}`) : await this.ctx.api("GET", "/spaces/directory");
    } catch (err) {
      list.replaceChildren(el("li", { className: "error", role: "alert", text: err.message }));
      return;
    }
    if (!after) list.replaceChildren();
    const spaces = page.spaces || [];
    const fresh = spaces.filter((s) => !this.feature.entries.has(s.id));
    list.append(...fresh.map((space) => this.directoryItem(space)));
    if (!after && !fresh.length && !page.has_more) list.append(el("li", { className: "muted", text: "No open spaces to join." }));
    if (page.has_more && spaces.length) {
      const more = el("button", { type: "button", "data-testid": "space-directory-more", text: "More spaces" });
      const last = spaces[spaces.length - 1].id;
      more.addEventListener("click", () => {
        more.parentElement.remove();
        this.loadDirectory(list, last);
      });
      list.append(el("li", {}, more));
    }
  }

  directoryItem(space) {
    const join = el("button", { type: "button", "data-testid": "space-directory-join", "aria-label": `Join ${space.name}`, text: "Join" });
    const error = el("span", { className: "error", role: "alert" });
    join.addEventListener("click", async () => {
      join.disabled = true;
      try {
        const state = await this.ctx.api("POST", `/spaces/${space.id}/join`);
        this.joinModal.close();
        await this.landIn(state);
      } catch (err) {
        error.textContent = ` ${err.message}`;
        join.disabled = false;
      }
    });
    const count = space.member_count ? ` · ${membersText(space.member_count)}` : "";
    return el(
      "li",
      { className: "space-directory-item", "data-testid": "space-directory-item", "data-space-id": space.id },
      el("span", { className: "space-member-name", text: space.name }),
      el("span", { className: "muted", text: `${count} ${space.description || ""}` }),
      join,
      error,
    );
  }

  async preview(code, node, error) {
    try {
      const invite = await this.ctx.api("GET", `/invites/${encodeURIComponent(code)}`);
      const space = invite.space;
      if (space) node.textContent = `You are invited to ${space.name}${space.member_count ? ` (${membersText(space.member_count)})` : ""}.`;
    } catch (err) {
      error.textContent = err.message;
    }
  }
}
