// DOM helpers. Text is only ever set with textContent: the one place HTML enters the
// page is messages.js, with the server-sanitised `content_html`.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

let framed = 0;

// The frame of a modal form, as every form dialog of the client has it: a dialog
// labelled by its heading, a form (class "card …") with an error line and a submit and a
// Cancel button (Cancel closes; Escape too, natively), appended to the page. The caller
// puts `heading`, its fields, `error` and `buttons` into `form` in its own order.
export function dialogForm({ title, testid, dialogTestid = testid, formTestid, titleId, formClass, dialogClass, buttonsClass, submitText = "Save", submitTestid = `${testid}-save` }) {
  framed += 1;
  const labelId = titleId || `dialog-title-${framed}`;
  const heading = el("h2", { id: labelId, text: title });
  const error = el("p", { className: "error", role: "alert", "data-testid": `${testid}-error` });
  const submit = el("button", { type: "submit", "data-testid": submitTestid, text: submitText });
  const cancel = el("button", { type: "button", "data-testid": `${testid}-cancel`, text: "Cancel" });
  const buttons = el("div", { className: buttonsClass }, submit, cancel);
  const form = el("form", { className: `card ${formClass}`, "data-testid": formTestid });
  const dialog = el("dialog", { "aria-labelledby": labelId, "data-testid": dialogTestid, className: dialogClass }, form);
  cancel.addEventListener("click", () => dialog.close());
  document.body.append(dialog);
  return { dialog, form, heading, error, submit, cancel, buttons };
}

export function byId(id) {
  return document.getElementById(id);
}

export function show(node, visible) {
  node.hidden = !visible;
}

export function displayName(user) {
  if (!user) return "someone";
  return user.display_name || user.handle || user.username || `user ${user.id}`;
}

export function formatTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? "" : when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// The full date and time (a message time's tooltip).
export function formatDateTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime()) ? "" : when.toLocaleString([], { dateStyle: "full", timeStyle: "short" });
}

// How a room is titled: `# name` for rooms; a DM after the other person (its own name is
// empty), one's notes when it is a DM with oneself; a group by its name, else its people.
export function roomTitle(room, meId) {
  if (room.kind === "dm" || room.kind === "group") {
    const people = room.recipients || [];
    const others = people.filter((u) => u.id !== meId);
    if (room.kind === "group" && room.name) return room.name;
    if (room.kind === "dm" && people.length && !others.length) return "Notes to self";
    return others.map(displayName).join(", ") || room.name || "Conversation";
  }
  return `# ${room.name}`;
}
