// Attachments: uploads from the composer (a button, drag and drop, pasted images) with
// a progress bar each and a cancel, sent as the `attachments` of the next message; and
// the files of a message: image previews and download links.
//
// Files are served to signed-in readers only (GET /attachments/{id}/{name} with the
// bearer token), so previews and downloads are fetched with the token and shown through
// blob: URLs (the page's CSP allows blob: images). Nothing here is parsed as HTML.

import { fetchBlobUrl, nonce, upload } from "./api.js";
import { byId, el } from "./dom.js";

// The image types the server verifies by their first bytes (services/attachments.py);
// anything else is offered as a download.
const PREVIEWABLE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// -- the composer side: pending uploads ----------------------------------------------

export class Uploads {
  constructor(ctx) {
    this.ctx = ctx;
    this.entries = [];
    this.input = el("input", { type: "file", multiple: true, className: "visually-hidden", tabindex: "-1", "aria-hidden": "true", "data-testid": "attach-input" });
    this.button = el("button", { type: "button", className: "attach-button", "aria-label": "Attach files", title: "Attach files", "data-testid": "attach-button", text: "📎" });
    this.list = el("ul", { className: "uploads", "aria-label": "Files to send", "data-testid": "upload-list", hidden: true });
    this.button.addEventListener("click", () => this.input.click());
    this.input.addEventListener("change", () => {
      this.addFiles([...this.input.files]);
      this.input.value = "";
    });
    byId("composer-tools").append(this.button, this.input);
    byId("composer-extras").append(this.list);
    this.bindDrop(byId("message-list").closest("section") || document.body);
    byId("composer-input").addEventListener("paste", (ev) => {
      const files = [...((ev.clipboardData && ev.clipboardData.files) || [])].filter((f) => f.type.startsWith("image/"));
      if (!files.length) return;
      // A pasted screenshot comes as a file; text pasted along with it still goes in.
      if (!ev.clipboardData.getData("text/plain")) ev.preventDefault();
      this.addFiles(files);
    });
  }

  bindDrop(zone) {
    const hasFiles = (ev) => ev.dataTransfer && [...ev.dataTransfer.types].includes("Files");
    zone.addEventListener("dragover", (ev) => {
      if (!hasFiles(ev) || !this.ctx.room()) return;
      ev.preventDefault();
      ev.dataTransfer.dropEffect = "copy";
      zone.classList.add("drop-target");
    });
    zone.addEventListener("dragleave", (ev) => {
      if (!zone.contains(ev.relatedTarget)) zone.classList.remove("drop-target");
    });
    zone.addEventListener("drop", (ev) => {
      zone.classList.remove("drop-target");
      if (!hasFiles(ev) || !this.ctx.room()) return;
      ev.preventDefault();
      this.addFiles([...ev.dataTransfer.files]);
    });
  }

  addFiles(files) {
    const room = this.ctx.room();
    if (!room) return;
    for (const file of files) this.start(room, file);
  }

  start(room, file) {
    const entry = { room, file, status: "uploading", attachment: null, handle: null };
    entry.progress = el("progress", { max: String(file.size || 1), value: "0", "aria-label": `Upload of ${file.name}`, "data-testid": "upload-progress" });
    entry.status_ = el("span", { className: "muted", "data-testid": "upload-status", text: "0 %" });
    entry.error = el("span", { className: "error", role: "alert", "data-testid": "upload-error" });
    const cancel = el("button", { type: "button", "aria-label": `Remove ${file.name}`, "data-testid": "upload-cancel", text: "✕" });
    cancel.addEventListener("click", () => this.remove(entry));
    entry.li = el(
      "li",
      { className: "upload", "data-testid": "upload", "data-state": "uploading" },
      el("span", { className: "upload-name", text: `${file.name} (${formatSize(file.size)})` }),
      entry.progress,
      entry.status_,
      entry.error,
      cancel,
    );
    this.entries.push(entry);
    this.list.append(entry.li);
    this.list.hidden = false;
    const form = new FormData();
    form.append("nonce", nonce());
    form.append("file", file, file.name);
    entry.handle = upload("POST", `/rooms/${room.id}/attachments`, form, (loaded, total) => {
      entry.progress.max = total;
      entry.progress.value = loaded;
      entry.status_.textContent = `${Math.floor((loaded / total) * 100)} %`;
    });
    entry.handle.promise.then(
      (attachment) => {
        entry.attachment = attachment;
        this.setState(entry, "done", "ready");
        entry.progress.value = entry.progress.max;
      },
      (err) => {
        if (err.code === "aborted") return;
        this.setState(entry, "failed", "failed");
        entry.error.textContent = err.message; // the server's reason: size, type …
      },
    );
  }

  setState(entry, state, label) {
    entry.status = state;
    entry.li.dataset.state = state;
    entry.status_.textContent = label;
  }

  remove(entry) {
    if (entry.status === "uploading") entry.handle.abort();
    this.entries = this.entries.filter((e) => e !== entry);
    entry.li.remove();
    this.list.hidden = this.entries.length === 0;
    byId("composer-input").focus();
  }

  clear() {
    for (const entry of [...this.entries]) {
      if (entry.status === "uploading") entry.handle.abort();
      entry.li.remove();
    }
    this.entries = [];
    this.list.hidden = true;
  }

  // For MessageView.composeHooks: the uploaded ids go with the next message.
  hook() {
    return {
      collect: () => {
        const room = this.ctx.room();
        const mine = this.entries.filter((e) => room && e.room.id === room.id);
        if (mine.some((e) => e.status === "uploading")) throw new Error("Wait for the uploads to finish, or remove them.");
        const ids = mine.filter((e) => e.status === "done").map((e) => e.attachment.id);
        return ids.length ? { attachments: ids } : null;
      },
      sent: () => {
        for (const entry of this.entries.filter((e) => e.status === "done")) entry.li.remove();
        this.entries = this.entries.filter((e) => e.status !== "done");
        this.list.hidden = this.entries.length === 0;
      },
    };
  }
}

// -- the message side: previews and downloads ------------------------------------------

const blobs = new Map(); // attachment id → Promise of a blob: URL (kept across re-renders)
let viewer = null;

function blobUrl(attachment) {
  if (!blobs.has(attachment.id)) {
    const pending = fetchBlobUrl(attachment.url);
    pending.catch(() => blobs.delete(attachment.id)); // a later render tries again
    blobs.set(attachment.id, pending);
  }
  return blobs.get(attachment.id);
}

export function forgetBlobs() {
  for (const pending of blobs.values()) pending.then((url) => URL.revokeObjectURL(url), () => {});
  blobs.clear();
}

function openViewer(attachment, url, opener) {
  if (!viewer) {
    const title = el("h2", { id: "attachment-viewer-title" });
    const image = el("img", { className: "attachment-full", "data-testid": "attachment-full", alt: "" });
    const close = el("button", { type: "button", "data-testid": "attachment-close", text: "Close" });
    const dialog = el("dialog", { className: "attachment-viewer", "aria-labelledby": "attachment-viewer-title", "data-testid": "attachment-dialog" }, title, image, close);
    close.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => viewer.opener && viewer.opener.focus());
    document.body.append(dialog);
    viewer = { dialog, title, image, close, opener: null };
  }
  viewer.title.textContent = attachment.filename;
  viewer.image.alt = attachment.filename;
  viewer.image.src = url;
  viewer.opener = opener;
  viewer.dialog.showModal();
  viewer.close.focus();
}

function imageNode(attachment) {
  const image = el("img", { alt: attachment.filename, "data-testid": "attachment-preview" });
  const button = el("button", { type: "button", className: "attachment-image", "aria-label": `Open image ${attachment.filename}`, "data-testid": "attachment-image", "data-attachment-id": attachment.id }, image);
  const error = el("span", { className: "error", "data-testid": "attachment-error" });
  blobUrl(attachment).then(
    (url) => {
      image.src = url;
    },
    (err) => {
      error.textContent = `${attachment.filename}: ${err.message}`;
    },
  );
  button.addEventListener("click", async () => {
    try {
      openViewer(attachment, await blobUrl(attachment), button);
    } catch (err) {
      error.textContent = `${attachment.filename}: ${err.message}`;
    }
  });
  return el("div", { className: "attachment" }, button, error);
}

function fileNode(attachment) {
  const link = el("a", {
    href: attachment.url,
    download: attachment.filename,
    className: "attachment-file",
    "data-testid": "attachment-file",
    "data-attachment-id": attachment.id,
    text: `📄 ${attachment.filename} (${formatSize(attachment.size)})`,
  });
  const error = el("span", { className: "error", "data-testid": "attachment-error" });
  // The URL needs the token: fetch it, then save it from a blob: URL.
  link.addEventListener("click", async (ev) => {
    ev.preventDefault();
    try {
      const save = el("a", { href: await blobUrl(attachment), download: attachment.filename, hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      error.textContent = "";
    } catch (err) {
      error.textContent = `${attachment.filename}: ${err.message}`;
    }
  });
  return el("div", { className: "attachment" }, link, error);
}

// messageExtras: the files of a message, or nothing.
export function attachmentNodes(message) {
  const files = message.attachments || [];
  if (!files.length) return [];
  const box = el("div", { className: "attachments", "data-testid": "message-attachments" });
  for (const attachment of files) box.append(PREVIEWABLE.has(attachment.content_type) ? imageNode(attachment) : fileNode(attachment));
  return [box];
}
