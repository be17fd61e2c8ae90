// The members panel of a space's dialog: GET /spaces/{id}/members (paged), each with
// their roles; who holds MANAGE_ROLES gives and takes roles
// (PUT/DELETE /spaces/{id}/members/{uid}/roles/{rid}), who holds KICK removes a member
// (DELETE /spaces/{id}/members/{uid}), who holds BAN bans and unbans
// (PUT/DELETE /spaces/{id}/bans/{uid}); anyone sets their own nickname. Kept current by
// space.member.* events. A member's name has the colour of their highest coloured role.

import { displayName, el } from "./dom.js";
import { paint, topColour } from "./spaces-roles.js";
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
    this.bans = el("ul", { className: "space-members", "aria-label": "Banned", "data-testid": "space-bans" });
    this.bansTitle = el("h3", { text: "Banned" });
    this.bansTitle.hidden = true;
    this.node = el("section", { className: "space-panel" }, this.nicknameForm(), this.error, this.list, this.more, this.bansTitle, this.bans);
  }

  // One's own nickname in this space (PATCH /spaces/{id}/members/{me}); empty clears it.
  nicknameForm() {
    const entry = this.entry();
    const input = el("input", { maxlength: "64", "aria-label": "Your nickname in this space", placeholder: "Your nickname here", "data-testid": "space-nickname" });
    input.value = (entry && entry.member && entry.member.nickname) || "";
    const save = el("button", { type: "submit", "data-testid": "space-nickname-save", text: "Set nickname" });
    const form = el("form", { className: "spaces-row space-nickname" }, input, save);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const me = this.ctx.me();
      try {
        const member = await this.ctx.api("PATCH", `/spaces/${this.spaceId}/members/${me.id}`, { nickname: input.value.trim() || null });
        this.members.set(me.id, member);
        const current = this.entry();
        if (current) current.member = member;
        this.error.textContent = "";
        this.render();
      } catch (err) {
        this.error.textContent = err.message;
      }
    });
    return form;
  }

  // Who holds BAN sees the space's bans (GET /spaces/{id}/bans) with "Unban".
  async loadBans() {
    if (!this.feature.can(this.spaceId, PERM.BAN)) return;
    let bans;
    try {
      bans = ((await this.ctx.api("GET", `/spaces/${this.spaceId}/bans`)).bans || []).filter((ban) => ban.user);
    } catch (err) {
      this.error.textContent = err.message;
      return;
    }
    this.bansTitle.hidden = !bans.length;
    this.bans.replaceChildren(
      ...bans.map((ban) => {
        const unban = el("button", { type: "button", "data-testid": "space-unban", "aria-label": `Unban ${displayName(ban.user)}`, text: "Unban" });
        unban.addEventListener("click", async () => {
          try {
            await this.ctx.api("DELETE", `/spaces/${this.spaceId}/bans/${ban.user.id}`);
            this.loadBans();
          } catch (err) {
            this.error.textContent = err.message;
          }
        });
        return el(
          "li",
          { className: "space-member", "data-testid": "space-ban", "data-user-id": ban.user.id },
          el("span", { className: "space-member-name", text: displayName(ban.user) }),
          el("span", { className: "muted", text: ` @${ban.user.handle}${ban.reason ? ` · ${ban.reason}` : ""}` }),
          unban,
        );
      }),
    );
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
    for (const member of page.members || []) {
      if (!member.user) continue;
      this.members.set(member.user.id, member);
      this.ctx.users.set(member.user.id, member.user);
    }
    this.hasMore = page.has_more;
    this.error.textContent = "";
    this.render();
    if (!more) this.loadBans();
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
    const memberRoles = member.roles || [];
    const held = memberRoles.map((id) => roles.get(id)).filter(Boolean);
    const chips = held.map((role) => {
      const chip = el("li", { className: "space-role", "data-testid": "space-member-role", "data-role-id": role.id }, paint(el("span", { className: "space-role-swatch", "aria-hidden": "true" }), role.colour), el("span", { text: role.name }));
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
      paint(el("span", { className: "space-member-name", text: member.nickname || displayName(user) }), topColour(memberRoles, entry.roles)),
      el("span", { className: "muted", text: ` @${user.handle}` }),
      owner ? el("span", { className: "space-owner", "data-testid": "space-member-owner", text: "owner" }) : null,
      chips.length ? el("ul", { className: "space-roles", "aria-label": "Roles" }, ...chips) : null,
    );
    const actions = el("span", { className: "spaces-row" });
    const givable = entry.roles.filter((r) => !memberRoles.includes(r.id));
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
    if (!owner && me && user.id !== me.id) {
      if (this.feature.can(this.spaceId, PERM.KICK)) {
        actions.append(this.removal(user, "Kick", "space-member-kick", () => this.ctx.api("DELETE", `/spaces/${this.spaceId}/members/${user.id}`)));
      }
      if (this.feature.can(this.spaceId, PERM.BAN)) {
        actions.append(this.removal(user, "Ban", "space-member-ban", () => this.ctx.api("PUT", `/spaces/${this.spaceId}/bans/${user.id}`)));
      }
    }
    if (actions.childElementCount) li.append(actions);
    return li;
  }

  // "Kick" or "Ban" (asked twice): `request` removes the member; the list (and the bans,
  // after a ban) follows.
  removal(user, verb, testid, request) {
    const label = `${verb} ${displayName(user)}`;
    return confirmButton(verb, `Click again to ${verb.toLowerCase()}`, { "data-testid": testid, "aria-label": label }, async () => {
      try {
        await request();
        this.members.delete(user.id);
        this.render();
        if (verb === "Ban") this.loadBans();
      } catch (err) {
        this.error.textContent = err.message;
      }
    });
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
