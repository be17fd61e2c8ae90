// The actions of a message, the way Discord and Slack show them: a compact toolbar
// (quick reactions, Reply, Edit on one's own, ⋯ More) shown on hover or keyboard focus
// on a desktop and only on the tapped message on a phone, and the More menu
// (role="menu") with every other action, the features' ones included (their nodes move
// into it with their data-testids and click handlers; destructive ones last, as danger).
//
// Keyboard: Tab into the message list, Up/Down (Home/End) move between messages, Tab
// reaches the focused message's toolbar, Left/Right move inside it, Escape goes back to
// the message. The menu opens with Enter/Space/Down (Up: at its last item), moves with
// the arrow keys, Home and End, and closes with Escape (focus back on ⋯), Tab, a click
// on one of its items or anywhere outside it.
//
// Built lazily: a message gets its toolbar (and menu) the first time it is needed — the
// pointer enters it, it or something in it takes the keyboard focus (so the toolbar is
// there before a Tab lands on it), a tap selects it — and a message that had one gets a
// new one when it is drawn again. Most messages of a long history are never touched,
// and nodes and listeners for them would be spent for nothing.

import { displayName, el } from "./dom.js";
import { openPicker, reactWith } from "./emoji-picker.js";

const QUICK_REACTIONS = ["👍", "❤️", "😂"];
// Actions that destroy or sanction: styled as danger, after the others.
const DANGER = new Set(["message-delete", "message-mod-delete", "message-reject", "message-kick", "message-ban"]);
const MOVE_KEYS = new Set(["ArrowUp", "ArrowDown", "Home", "End"]);

export class MessageActions {
  // `view` is the MessageView: its list, the actions themselves (react, setReply,
  // startEdit, star, pin, remove, onOpenDm) and the features' buttons (featureActions).
  constructor(view) {
    this.view = view;
    this.list = view.list;
    this.open = null; // {messageId, li, button, menu}: the one menu open
    this.selected = null; // the message tapped or focused: a phone shows its toolbar
    this.bind();
  }

  bind() {
    this.list.addEventListener("keydown", (ev) => this.moveBetweenMessages(ev));
    // The pointer entering a message (a mouse, or a finger about to tap) builds its toolbar.
    this.list.addEventListener("pointerover", (ev) => this.ensure(ev.target.closest ? ev.target.closest("li.message") : null));
    const pick = (ev) => this.select(ev.target.closest ? ev.target.closest("li.message") : null);
    this.list.addEventListener("focusin", pick);
    this.list.addEventListener("click", pick);
    this.list.addEventListener("focusout", (ev) => {
      if (!ev.relatedTarget || !this.list.contains(ev.relatedTarget)) this.select(null);
    });
    // A press anywhere outside the open menu (and its ⋯ button) closes it.
    document.addEventListener(
      "pointerdown",
      (ev) => {
        if (this.open && !this.open.menu.contains(ev.target) && !this.open.button.contains(ev.target)) this.close(false);
      },
      true,
    );
  }

  // Another room (or a fresh page of history): nothing open, nothing selected.
  reset() {
    this.open = null;
    this.selected = null;
  }

  select(li) {
    if (li) this.ensure(li); // a phone shows the selected message's toolbar: it must exist
    if (this.selected === li) return;
    if (this.selected) this.selected.classList.remove("is-selected");
    this.selected = li || null;
    if (li) li.classList.add("is-selected");
  }

  // -- building ---------------------------------------------------------------------------

  // Called by every drawing of `message` in `li` (messages.js fill(), before it replaces
  // li's children): the toolbar when li had one or its menu is open, else null (built
  // later by ensure()). A deleted message has none.
  attach(message, mine, li) {
    if (message.deleted) return null;
    const had = li.querySelector(":scope > [data-testid=message-toolbar]") !== null;
    if (had || (this.open && this.open.messageId === message.id)) return this.build(message, mine, li);
    return null;
  }

  // Builds the toolbar of the message drawn in `li` (the view's `drawn`) if it has none.
  ensure(li) {
    const message = li && this.view.drawn.get(li);
    if (!message || message.deleted || li.querySelector(":scope > [data-testid=message-toolbar]")) return;
    li.append(this.build(message, this.view.isMine(message), li));
  }

  // The toolbar of `message` (drawn in `li`), its menu inside; a menu open on this
  // message stays open across the redraw.
  build(message, mine, li) {
    const view = this.view;
    const bar = el("div", { className: "message-toolbar", role: "toolbar", "aria-label": "Message actions", "data-testid": "message-toolbar" });
    const tool = (text, testid, label, fn) => {
      const button = el("button", { type: "button", "data-testid": testid, "aria-label": label, title: label, text });
      button.addEventListener("click", fn);
      return button;
    };
    for (const emoji of QUICK_REACTIONS) bar.append(tool(emoji, "message-react", `React with ${emoji}`, () => view.react(message.id, emoji, true)));
    // Any emoji, from the picker (emoji-picker.js); picking one already mine takes it back.
    const add = tool("☺+", "message-react-picker", "Add reaction", () => openPicker(add, (entry) => reactWith(view, message.id, entry.key), "Add reaction"));
    add.setAttribute("aria-haspopup", "dialog");
    bar.append(add);
    bar.append(tool("↩", "message-reply", "Reply", () => view.setReply(message)));
    if (mine) bar.append(tool("✎", "message-edit", "Edit", () => view.startEdit(message.id)));

    const items = [];
    const item = (text, testid, label, fn) => {
      const button = el("button", { type: "button", "data-testid": testid, "aria-label": label, text });
      button.addEventListener("click", fn);
      items.push(button);
    };
    const starred = message.starred_by_you === true;
    // One's own messages cannot be starred (the server refuses): no item for them.
    if (!mine) item(starred ? "Unstar" : "Star", "message-star", `${starred ? "Unstar" : "Star"} this message`, () => view.star(message.id, !starred));
    item(message.pinned ? "Unpin" : "Pin", "message-pin", `${message.pinned ? "Unpin" : "Pin"} this message`, () => view.pin(message.id, !message.pinned));
    item("Copy link", "message-copy-link", "Copy a link to this message", () => view.copyLink(message));
    if (message.author && !mine) item("Message", "message-dm", `Message ${displayName(message.author)} directly`, () => view.onOpenDm(message.author.id));
    if (mine) item("Delete", "message-delete", "Delete this message", () => view.remove(message.id));
    items.push(...view.featureActions(message, mine));

    const menuId = `message-menu-${message.id}`;
    const menu = el("div", { className: "message-menu", id: menuId, role: "menu", "aria-label": "More actions", "data-testid": "message-menu", hidden: true });
    const danger = (node) => DANGER.has(node.getAttribute && node.getAttribute("data-testid"));
    const safe = items.filter((node) => !danger(node));
    const risky = items.filter(danger);
    for (const node of [...safe, ...risky]) {
      if (node.setAttribute) {
        node.setAttribute("role", "menuitem");
        node.tabIndex = -1;
        node.classList.add("menu-item");
        if (danger(node)) node.classList.add("danger");
      }
    }
    if (safe.length && risky.length) menu.append(...safe, el("div", { role: "separator" }), ...risky);
    else menu.append(...safe, ...risky);
    const more = el("button", {
      type: "button",
      className: "more",
      "data-testid": "message-more",
      "aria-label": "More actions",
      title: "More actions",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-controls": menuId,
      text: "⋯",
    });
    more.addEventListener("click", () => {
      if (this.open && this.open.menu === menu) this.close(true);
      else this.show(message.id, li, more, menu, 0);
    });
    more.addEventListener("keydown", (ev) => {
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        ev.preventDefault();
        ev.stopPropagation();
        this.show(message.id, li, more, menu, ev.key === "ArrowDown" ? 0 : -1);
      }
    });
    menu.addEventListener("keydown", (ev) => this.menuKey(ev, menu));
    // After the item's own handler (it runs first, on the item): close; focus left in
    // the menu goes back to ⋯ (an item that opened a dialog keeps the dialog's focus).
    menu.addEventListener("click", (ev) => {
      if (!ev.target.closest('[role="menuitem"]')) return;
      const current = this.open;
      if (!current) return;
      this.close(current.menu.contains(document.activeElement) || document.activeElement === document.body);
    });
    bar.append(more, menu);
    bar.addEventListener("keydown", (ev) => this.toolbarKey(ev, bar, li));
    if (this.open && this.open.messageId === message.id) {
      // Drawn again while its menu is open: the new menu takes the old one's place.
      menu.hidden = false;
      menu.classList.toggle("up", this.open.menu.classList.contains("up"));
      more.setAttribute("aria-expanded", "true");
      this.open = { messageId: message.id, li, button: more, menu };
    }
    return bar;
  }

  // -- the menu ---------------------------------------------------------------------------

  // Opens `menu` under (or above, when the list has no room below) its ⋯ button;
  // `focusAt` is the index of the item to focus (-1: the last; null: none).
  show(messageId, li, button, menu, focusAt) {
    this.close(false);
    this.open = { messageId, li, button, menu };
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    li.classList.add("actions-open");
    menu.classList.remove("up");
    const box = this.list.getBoundingClientRect();
    const rect = menu.getBoundingClientRect();
    if (rect.bottom > box.bottom && rect.top - box.top > box.bottom - rect.top) menu.classList.add("up");
    const items = this.items(menu);
    if (focusAt !== null && items.length) items[focusAt < 0 ? items.length - 1 : Math.min(focusAt, items.length - 1)].focus();
  }

  close(returnFocus) {
    const open = this.open;
    if (!open) return;
    this.open = null;
    // Focus moves first: an item hidden while focused would take the toolbar's focus along.
    if (returnFocus && open.button.isConnected) open.button.focus();
    open.menu.hidden = true;
    open.button.setAttribute("aria-expanded", "false");
    open.li.classList.remove("actions-open");
  }

  items(menu) {
    return [...menu.querySelectorAll('[role="menuitem"]')].filter((node) => !node.disabled && !node.hidden);
  }

  menuKey(ev, menu) {
    const items = this.items(menu);
    const at = items.indexOf(document.activeElement);
    let next = null;
    if (ev.key === "ArrowDown") next = items[(at + 1) % items.length];
    else if (ev.key === "ArrowUp") next = items[(at - 1 + items.length) % items.length];
    else if (ev.key === "Home") next = items[0];
    else if (ev.key === "End") next = items[items.length - 1];
    else if (ev.key === "Escape" || ev.key === "Tab") {
      ev.preventDefault();
      ev.stopPropagation();
      this.close(true);
      return;
    } else return;
    ev.preventDefault();
    ev.stopPropagation();
    if (next) next.focus();
  }

  // -- keyboard ---------------------------------------------------------------------------

  // Left/Right (Home/End) between the toolbar's buttons; Escape back to the message.
  toolbarKey(ev, bar, li) {
    if (ev.defaultPrevented || !ev.target.parentElement || ev.target.parentElement !== bar) return;
    const buttons = [...bar.children].filter((node) => node.tagName === "BUTTON");
    const at = buttons.indexOf(ev.target);
    let next = null;
    if (ev.key === "ArrowRight") next = buttons[(at + 1) % buttons.length];
    else if (ev.key === "ArrowLeft") next = buttons[(at - 1 + buttons.length) % buttons.length];
    else if (ev.key === "Home") next = buttons[0];
    else if (ev.key === "End") next = buttons[buttons.length - 1];
    else if (ev.key === "Escape") next = li;
    else return;
    ev.preventDefault();
    next.focus();
  }

  // Up/Down between messages (from the list itself: the last one in view), Home/End to
  // the first and last loaded; keys inside a message's controls are theirs.
  moveBetweenMessages(ev) {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey || !MOVE_KEYS.has(ev.key)) return;
    const fromList = ev.target === this.list;
    const li = ev.target.classList && ev.target.classList.contains("message") ? ev.target : null;
    if (!fromList && !li) return;
    const messages = [...this.list.querySelectorAll(":scope > li.message")];
    if (!messages.length) return;
    let next;
    if (ev.key === "Home") next = messages[0];
    else if (ev.key === "End") next = messages[messages.length - 1];
    else if (li) next = messages[messages.indexOf(li) + (ev.key === "ArrowUp" ? -1 : 1)];
    else next = this.lastInView(messages);
    if (!next) return;
    ev.preventDefault();
    next.focus();
  }

  lastInView(messages) {
    const box = this.list.getBoundingClientRect();
    for (let i = messages.length - 1; i >= 0; i -= 1) {
      if (messages[i].getBoundingClientRect().top < box.bottom) return messages[i];
    }
    return messages[messages.length - 1];
  }

  // Where the keyboard is inside `li` before it is drawn again, and putting it back on
  // the equivalent control afterwards (or on the message itself when that control is
  // gone). The message stays selected, so its toolbar stays shown for the focus.
  keepFocus(li) {
    const active = document.activeElement;
    if (!active || active === li || !li.contains(active)) return () => {};
    const testid = active.getAttribute("data-testid");
    const same = testid ? [...li.querySelectorAll(`[data-testid="${testid}"]`)] : [];
    const index = same.indexOf(active);
    return () => {
      if (!li.isConnected || (li.contains(document.activeElement) && document.activeElement !== li)) return;
      this.select(li);
      const again = testid ? li.querySelectorAll(`[data-testid="${testid}"]`)[index] : null;
      if (again) again.focus({ preventScroll: true });
      if (document.activeElement !== again) li.focus({ preventScroll: true });
    };
  }
}
