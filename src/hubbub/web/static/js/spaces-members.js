// The members panel of a space's dialog: GET /spaces/{id}/members (paged), each with
// their roles; who holds MANAGE_ROLES gives and takes roles
// (PUT/DELETE /spaces/{id}/members/{uid}/roles/{rid}), who holds KICK removes a member
// (DELETE /spaces/{id}/members/{uid}). Kept current by space.member.* events.

import { displayName, el } from "./dom.js";
import { PERM, confirmButton, errorLine } from "./spaces-ui.js";

const PAGE = 100;

export class MembersPanel {
  constructor(feature, spaceId) {
    this.feature = feature;
    this.ctx = feature.ctx;
    this.spaceId = spaceId;
    this.members = new Map(); // user id → member
    this.hasMore = false;
    this.error = errorLine("space-members-error");
    this.list = el("ul", { className: "space-members", "aria-label": "Members", "data-testid": "space-members" });
    this.more = el("button", { type: "button", "data-testid": "space-members-more", text: "Load more" });
    this.more.hidden = true;
    this.more.addEventListener("click", () => this.load(true));
    this.node = el("section", { className: "space-panel" }, this.error, this.list, this.more);
  }

  entry() {
    return this.feature.entries.get(this.spaceId);
  }

  async load(more = false) {
    const after = more ? Math.max(0, ...this.members.keys()) : null;
    let page;
    try {
      page = after
        ? await this.ctx.api("GET", `/spaces/${this.spaceId}/members?after=${after}&limit=${PAGE}`)
        : await this.ctx.api("GET", `/spaces/${this.spaceId}/members?limit=${PAGE}`);
    } catch (err) {
      this.error.textContent = err.message;
      return;
    }
    if (!more) this.members.clear();
    for (const member of page.members) {
      this.members.set(member.user.id, member);
      this.ctx.users.set(member.user.id, member.user);
    }
    this.hasMore = page.has_more;
    this.error.textContent = "";
    this.render();
  }

  render() {
    const entry = this.entry();
    if (!entry) return;
    this.list.replaceChildren(...[...this.members.values()].map((m) => this.row(m, entry)));
    this.more.hidden = !this.hasMore;
  }

  row(member, entry) {
    const user = member.user;
    const me = this.ctx.me();
    const owner = user.id === entry.space.owner_id;
    const roles = new Map(entry.roles.map((r) => [r.id, r]));
    const manage = this.feature.can(this.spaceId, PERM.MANAGE_ROLES);
    const held = member.roles.map((id) => roles.get(id)).filter(Boolean);
    const chips = held.map((role) => {
      const chip = el("li", { className: "space-role", "data-testid": "space-member-role", "data-role-id": role.id }, el("span", { text: role.name }));
      if (manage) {
        const take = el("button", { type: "button", className: "spaces-chip-remove", "aria-label": `Take ${role.name} from ${displayName(user)}`, "data-testid": "space-member-role-remove", text: "×" });
        take.addEventListener("click", () => this.assign(user.id, role.id, false));
        chip.append(take);
      }
      return chip;
    });
    const li = el(
      "li",
      { className: "space-member", "data-testid": "space-member", "data-user-id": user.id },
      el("span", { className: "space-member-name", text: member.nickname || displayName(user) }),
      el("span", { className: "muted", text: ` @${user.handle}` }),
      owner ? el("span", { className: "space-owner", "data-testid": "space-member-owner", text: "owner" }) : null,
      chips.length ? el("ul", { className: "space-roles", "aria-label": "Roles" }, ...chips) : null,
    );
    const actions = el("span", { className: "spaces-row" });
    const givable = entry.roles.filter((r) => !member.roles.includes(r.id));
    if (manage && givable.length) {
      const select = el(
        "select",
        { "aria-label": `Role to give ${displayName(user)}`, "data-testid": "space-member-role-select" },
        ...givable.map((r) => el("option", { value: r.id, text: r.name })),
      );
      const give = el("button", { type: "button", "data-testid": "space-member-role-add", text: "Give role" });
      give.addEventListener("click", () => this.assign(user.id, Number(select.value), true));
      actions.append(select, give);
    }
    if (!owner && me && user.id !== me.id && this.feature.can(this.spaceId, PERM.KICK)) {
      actions.append(
        confirmButton("Kick", "Click again to kick", { "data-testid": "space-member-kick", "aria-label": `Kick ${displayName(user)}` }, async () => {
          try {
            await this.ctx.api("DELETE", `/spaces/${this.spaceId}/members/${user.id}`);
            this.members.delete(user.id);
            this.render();
          } catch (err) {
            this.error.textContent = err.message;
          }
        }),
      );
    }
    if (actions.childElementCount) li.append(actions);
    return li;
  }

  async assign(userId, roleId, give) {
    try {
      const member = await this.ctx.api(give ? "PUT" : "DELETE", `/spaces/${this.spaceId}/members/${userId}/roles/${roleId}`);
      this.members.set(userId, member);
      this.error.textContent = "";
      this.render();
    } catch (err) {
      this.error.textContent = err.message;
    }
  }
}
