// The two small dialogs of moderation: sanctioning a message's author (kick-mute or ban,
// with an expiry and a reason: PUT /rooms/{id}/bans/{user}) and reporting a message
// (POST /reports, for everyone). Each dialog is built once, kept by reference, and
// shows the server's refusal in place without losing what was typed.

import { dialogForm, displayName, el } from "./dom.js";

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

// Durations offered for a sanction, in seconds (null: until lifted, bans only).
const DURATIONS = [
  [60, "1 minute"],
  [600, "10 minutes"],
  [3600, "1 hour"],
  [86400, "1 day"],
  [604800, "1 week"],
  [null, "Until lifted"],
];

const REASONS = [
  ["spam", "Spam"],
  ["abuse", "Abuse"],
  ["harassment", "Harassment"],
  ["inappropriate", "Inappropriate"],
  ["illegal", "Illegal"],
  ["impersonation", "Impersonation"],
  ["other", "Other"],
];

function field(label, control) {
  const id = nextId("mod-field");
  control.id = id;
  return [el("label", { for: id, text: label }), control];
}

function options(select, pairs) {
  for (const [value, label] of pairs) select.append(el("option", { value: value === null ? "" : String(value), text: label }));
}

// A moderator's modal form (dom.js's frame, with a "Confirm" button in a .mod-row).
function formDialog(testid, title) {
  return dialogForm({ title, testid, formClass: "mod-form", dialogClass: "mod-dialog", buttonsClass: "mod-row", submitText: "Confirm", submitTestid: `${testid}-submit` });
}

export class SanctionDialog {
  constructor(ctx) {
    this.ctx = ctx;
    this.target = null;
    const d = formDialog("sanction-dialog", "Sanction");
    Object.assign(this, d);
    this.who = el("p", { className: "muted", "data-testid": "sanction-target" });
    this.kind = el("select", { "data-testid": "sanction-kind" });
    options(this.kind, [
      ["kick_mute", "Kick-mute (removed, cannot post or rejoin until it ends)"],
      ["ban", "Ban (removed until it ends or is lifted)"],
    ]);
    this.duration = el("select", { "data-testid": "sanction-duration" });
    options(this.duration, DURATIONS);
    this.reason = el("input", { maxlength: "512", "data-testid": "sanction-reason", placeholder: "Seen by moderators only" });
    this.kind.addEventListener("change", () => this.syncDurations());
    this.form.append(this.heading, this.who, ...field("Action", this.kind), ...field("Duration", this.duration), ...field("Reason", this.reason), this.error, this.buttons);
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.apply();
    });
  }

  // A kick-mute always ends: "until lifted" is for bans only.
  syncDurations() {
    const forever = this.duration.querySelector('option[value=""]');
    forever.disabled = this.kind.value === "kick_mute";
    if (forever.disabled && this.duration.value === "") this.duration.value = "600";
  }

  open(message, kind = "ban") {
    this.target = message;
    this.heading.textContent = `Sanction ${displayName(message.author)}`;
    this.who.textContent = `Author of: “${(message.content_text || message.content || "").slice(0, 120)}”`;
    this.kind.value = kind;
    this.duration.value = kind === "kick_mute" ? "600" : "3600";
    this.syncDurations();
    this.reason.value = "";
    this.error.textContent = "";
    this.submit.disabled = false;
    this.dialog.showModal();
    this.kind.focus();
  }

  async apply() {
    const message = this.target;
    if (!message || !message.author) return;
    const body = { kind: this.kind.value };
    if (this.duration.value !== "") body.expires_in_s = Number(this.duration.value);
    if (this.reason.value.trim()) body.reason = this.reason.value.trim();
    this.submit.disabled = true;
    try {
      await this.ctx.api("PUT", `/rooms/${message.room_id}/bans/${message.author.id}`, body);
      this.dialog.close();
    } catch (err) {
      this.error.textContent = err.message; // the choice and reason stay for a retry
    } finally {
      this.submit.disabled = false;
    }
  }
}

export class ReportDialog {
  constructor(ctx) {
    this.ctx = ctx;
    this.target = null;
    const d = formDialog("report-dialog", "Report a message");
    Object.assign(this, d);
    this.submit.textContent = "Send report";
    this.excerpt = el("p", { className: "muted" });
    this.reason = el("select", { "data-testid": "report-reason" });
    options(this.reason, REASONS);
    this.detail = el("textarea", { rows: "3", maxlength: "2000", "data-testid": "report-detail" });
    this.done = el("p", { role: "status", "data-testid": "report-done" });
    this.form.append(this.heading, this.excerpt, ...field("Reason", this.reason), ...field("Details (optional)", this.detail), this.error, this.done, this.buttons);
    this.form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      this.send();
    });
  }

  open(message) {
    this.target = message;
    this.excerpt.textContent = `${displayName(message.author)}: “${(message.content_text || message.content || "").slice(0, 160)}”`;
    this.reason.value = "spam";
    this.detail.value = "";
    this.error.textContent = "";
    this.done.textContent = "";
    this.submit.disabled = false;
    this.submit.hidden = false;
    this.cancel.textContent = "Cancel";
    this.dialog.showModal();
    this.reason.focus();
  }

  async send() {
    const message = this.target;
    if (!message) return;
    const body = { target_type: "message", target_id: message.id, reason: this.reason.value };
    if (this.detail.value.trim()) body.detail = this.detail.value.trim();
    this.submit.disabled = true;
    try {
      await this.ctx.api("POST", `/reports`, body);
      this.done.textContent = "Thank you: the room's moderators will review it.";
      this.submit.hidden = true;
      this.cancel.textContent = "Close";
      this.cancel.focus();
    } catch (err) {
      this.error.textContent = err.message;
      this.submit.disabled = false;
    }
  }
}
