// Profiles for the "people" feature (people.js): anyone's profile in a dialog (avatar,
// names, about, status, stats, "Message"), and editing one's own (display name, handle,
// about, status text, avatar upload with a preview, avatar removal). Both follow
// `user.updated` / `presence.updated` through the People store (presence.js).

import { upload } from "./api.js";
import { displayName, el, formatTime } from "./dom.js";
import { avatar, peopleForm, statusLabel } from "./presence.js";

const AVATAR_TYPES = ["image/png", "image/gif", "image/webp", "image/jpeg"];

function field(id, label, input) {
  return [el("label", { for: id, text: label }), input];
}

export class ProfileDialog {
  constructor(people, { onEdit }) {
    this.people = people;
    this.ctx = people.ctx;
    this.userId = null;
    this.stats = null;
    this.title = el("h2", { id: "people-profile-title", "data-testid": "profile-name" });
    this.avatarSlot = el("div", { className: "profile-avatar" });
    this.handle = el("p", { className: "muted", "data-testid": "profile-handle" });
    this.status = el("p", { className: "profile-status", "data-testid": "profile-status" });
    this.statusText = el("p", { className: "profile-status-text", "data-testid": "profile-status-text" });
    this.about = el("p", { className: "profile-about", "data-testid": "profile-about" });
    this.statsLine = el("p", { className: "muted", "data-testid": "profile-stats" });
    this.error = el("p", { className: "error", role: "alert", "data-testid": "profile-error" });
    this.message = el("button", { type: "button", "data-testid": "profile-message", text: "Message" });
    this.edit = el("button", { type: "button", "data-testid": "profile-edit", text: "Edit profile" });
    this.closeButton = el("button", { type: "button", "data-testid": "profile-close", text: "Close" });
    this.dialog = el(
      "dialog",
      { className: "profile-dialog", "aria-labelledby": "people-profile-title", "data-testid": "profile-dialog" },
      el("div", { className: "profile-head" }, this.avatarSlot, el("div", {}, this.title, this.handle)),
      this.status,
      this.statusText,
      this.about,
      this.statsLine,
      this.error,
      el("div", { className: "people-buttons" }, this.message, this.edit, this.closeButton),
    );
    document.body.append(this.dialog);
    this.message.addEventListener("click", () => {
      const id = this.userId;
      this.dialog.close();
      this.ctx.openDm(id);
    });
    this.edit.addEventListener("click", () => {
      this.dialog.close();
      onEdit();
    });
    this.closeButton.addEventListener("click", () => this.dialog.close());
    this.dialog.addEventListener("close", () => {
      this.userId = null;
    });
    people.listen((userId) => {
      if (userId === this.userId) this.draw();
    });
  }

  async show(userId) {
    const id = Number(userId);
    this.userId = id;
    this.stats = null;
    this.error.textContent = "";
    this.draw();
    if (!this.dialog.open) this.dialog.showModal();
    (this.people.isMe(id) ? this.edit : this.message).focus();
    const [profile, stats, presence] = await Promise.allSettled([
      this.ctx.api("GET", `/users/${id}`),
      this.ctx.api("GET", `/users/${id}/stats`),
      this.people.fetch([id]),
    ]);
    if (this.userId !== id) return; // closed, or another profile opened meanwhile
    if (profile.status === "fulfilled") this.people.learn(profile.value);
    if (stats.status === "fulfilled") this.stats = stats.value;
    const failed = [profile, stats, presence].find((r) => r.status === "rejected");
    this.error.textContent = failed ? failed.reason.message : "";
    this.draw();
  }

  draw() {
    const id = this.userId;
    if (id === null) return;
    const user = this.people.user(id);
    const mine = this.people.isMe(id);
    const status = this.people.statusOf(id);
    const text = this.people.textOf(id);
    this.dialog.dataset.userId = String(id);
    this.title.textContent = displayName(user);
    this.avatarSlot.replaceChildren(avatar(user, { size: "large", alt: `Avatar of ${displayName(user)}`, testid: "profile-avatar" }));
    this.handle.textContent = user.handle ? `@${user.handle}` : "";
    this.status.replaceChildren(...statusLabel(status));
    this.status.dataset.status = status;
    this.statusText.textContent = text || "";
    this.statusText.hidden = !text;
    this.about.textContent = user.about || "";
    this.about.hidden = !user.about;
    const s = this.stats;
    this.statsLine.textContent = s
      ? [
          `${s.message_count} message${s.message_count === 1 ? "" : "s"}`,
          `${s.room_count} room${s.room_count === 1 ? "" : "s"}`,
          `reputation ${s.reputation}`,
          s.last_seen_at && status === "offline" ? `last seen ${new Date(s.last_seen_at).toLocaleDateString()} ${formatTime(s.last_seen_at)}` : null,
        ]
          .filter(Boolean)
          .join(" · ")
      : "";
    this.message.hidden = mine;
    this.edit.hidden = !mine;
  }
}

export class ProfileEditor {
  constructor(people) {
    this.people = people;
    this.ctx = people.ctx;
    this.loaded = null; // the profile as it was when the dialog opened
    this.previewUrl = null;
    const input = (id, testid, attrs = {}) => el("input", { id, "data-testid": testid, ...attrs });
    this.displayName = input("people-edit-name", "profile-edit-display-name", { required: true, maxlength: "64" });
    this.handle = input("people-edit-handle", "profile-edit-handle", { required: true, maxlength: "64", autocomplete: "username" });
    this.about = el("textarea", { id: "people-edit-about", rows: "4", maxlength: "2000", "data-testid": "profile-edit-about" });
    this.statusText = input("people-edit-status", "profile-edit-status-text", { maxlength: "128" });
    this.file = input("people-edit-avatar", "profile-edit-avatar-input", { type: "file", accept: AVATAR_TYPES.join(",") });
    this.current = el("div", { className: "profile-avatar" });
    this.preview = el("img", { className: "avatar large", alt: "Preview of the new avatar", "data-testid": "profile-edit-avatar-preview", hidden: true });
    this.uploadButton = el("button", { type: "button", "data-testid": "profile-edit-avatar-upload", text: "Upload avatar", disabled: true });
    this.removeButton = el("button", { type: "button", "data-testid": "profile-edit-avatar-remove", text: "Remove avatar" });
    this.avatarError = el("p", { className: "error", role: "alert", "data-testid": "profile-edit-avatar-error" });
    ({ dialog: this.dialog, error: this.error, save: this.save } = peopleForm({
      testid: "profile-edit",
      titleId: "people-edit-title",
      title: "Edit your profile",
      className: "profile-edit",
      parts: [
        ...field("people-edit-name", "Display name", this.displayName),
        ...field("people-edit-handle", "Handle", this.handle),
        ...field("people-edit-about", "About", this.about),
        ...field("people-edit-status", "Status text", this.statusText),
        el(
          "fieldset",
          { className: "profile-avatar-edit" },
          el("legend", { text: "Avatar" }),
          el("div", { className: "profile-avatar-row" }, this.current, this.preview),
          el("label", { for: "people-edit-avatar", text: "Choose an image (PNG, GIF, WebP or JPEG)" }),
          this.file,
          el("div", { className: "people-buttons" }, this.uploadButton, this.removeButton),
          this.avatarError,
        ),
      ],
      onSubmit: () => this.submit(),
    }));
    this.dialog.addEventListener("close", () => this.clearPreview());
    this.file.addEventListener("change", () => this.choose());
    this.uploadButton.addEventListener("click", () => this.uploadAvatar());
    this.removeButton.addEventListener("click", () => this.removeAvatar());
    people.listen((userId) => {
      if (this.dialog.open && people.isMe(userId)) this.drawAvatar();
    });
  }

  async open() {
    const me = this.ctx.me();
    if (!me) return;
    this.error.textContent = "";
    this.avatarError.textContent = "";
    this.fill(this.people.user(me.id));
    this.dialog.showModal();
    this.displayName.focus();
    try {
      const fresh = await this.ctx.api("GET", "/users/me");
      this.people.learn(fresh);
      // Only fields the user has not started to change are refreshed.
      const before = this.loaded;
      this.loaded = this.values(fresh);
      for (const [name, node] of this.inputs()) if (node.value === before[name]) node.value = this.loaded[name];
      this.drawAvatar();
    } catch (err) {
      this.error.textContent = err.message;
    }
  }

  inputs() {
    return [
      ["display_name", this.displayName],
      ["handle", this.handle],
      ["about", this.about],
      ["status_text", this.statusText],
    ];
  }

  values(user) {
    return {
      display_name: user.display_name || "",
      handle: user.handle || "",
      about: user.about || "",
      status_text: this.people.textOf(user.id) || user.status_text || "",
    };
  }

  fill(user) {
    this.loaded = this.values(user);
    for (const [name, node] of this.inputs()) node.value = this.loaded[name];
    this.file.value = "";
    this.clearPreview();
    this.drawAvatar();
  }

  drawAvatar() {
    const me = this.ctx.me();
    const user = me ? this.people.user(me.id) : null;
    this.current.replaceChildren(avatar(user, { size: "large", alt: "Your current avatar", testid: "profile-edit-avatar-current" }));
    this.removeButton.disabled = !(user && user.avatar_url);
  }

  clearPreview() {
    if (this.previewUrl) URL.revokeObjectURL(this.previewUrl);
    this.previewUrl = null;
    this.preview.removeAttribute("src");
    this.preview.hidden = true;
    this.uploadButton.disabled = true;
  }

  choose() {
    this.clearPreview();
    this.avatarError.textContent = "";
    const file = this.file.files[0];
    if (!file) return;
    if (!AVATAR_TYPES.includes(file.type)) {
      this.avatarError.textContent = "Choose a PNG, GIF, WebP or JPEG image.";
      return;
    }
    this.previewUrl = URL.createObjectURL(file);
    this.preview.src = this.previewUrl;
    this.preview.hidden = false;
    this.uploadButton.disabled = false;
  }

  async uploadAvatar() {
    const file = this.file.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file, file.name);
    this.uploadButton.disabled = true;
    this.avatarError.textContent = "";
    try {
      // Multipart (api() sends JSON): api.js's upload, same token and error envelope.
      const user = await upload("PUT", "/users/me/avatar", form).promise;
      this.people.learn(user);
      this.people.changed(user.id);
      this.file.value = "";
      this.clearPreview();
      this.drawAvatar();
    } catch (err) {
      this.avatarError.textContent = err.message; // the chosen file and its preview stay
      this.uploadButton.disabled = false;
    }
  }

  async removeAvatar() {
    this.removeButton.disabled = true;
    this.avatarError.textContent = "";
    try {
      const user = await this.ctx.api("DELETE", "/users/me/avatar");
      this.people.learn(user);
      this.people.changed(user.id);
    } catch (err) {
      this.avatarError.textContent = err.message;
    }
    this.drawAvatar();
  }

  async submit() {
    const changes = {};
    for (const [name, node] of this.inputs()) {
      const value = name === "about" ? node.value : node.value.trim();
      if (value !== this.loaded[name]) changes[name] = name === "status_text" && !value ? null : value;
    }
    if (!Object.keys(changes).length) {
      this.dialog.close();
      return;
    }
    this.save.disabled = true;
    this.error.textContent = "";
    try {
      const user = await this.ctx.api("PATCH", "/users/me", changes);
      this.people.learn(user);
      this.people.changed(user.id);
      this.dialog.close();
    } catch (err) {
      this.error.textContent = err.message; // what was typed stays for another try
    } finally {
      this.save.disabled = false;
    }
  }
}
