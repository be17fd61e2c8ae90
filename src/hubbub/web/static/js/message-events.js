// Live events of the message view (app.js routes those of the room on screen):
// messages created, edited and deleted, reactions, stars, pins, typing and editing
// indicators. Installed on MessageView's prototype (messages.js), so `this` is the view.

// Events that only move indicators: never held (see `event`).
const INDICATORS = new Set(["typing.started", "typing.stopped", "message.editing.started", "message.editing.stopped"]);

export const liveEvents = {
  // A page of history on its way may have been read before this event: drawing it would
  // undo the event. So while pages are in flight the event is also held, and applied
  // again once they are drawn (`replayHeld`); every handler here is idempotent (absolute
  // counts, whole fields, embeds by position), so applying one twice changes nothing.
  event(type, data) {
    if (this.pagesInFlight > 0 && !INDICATORS.has(type)) this.heldEvents.push([type, data]);
    this.applyEvent(type, data);
  },

  replayHeld() {
    const held = this.heldEvents;
    if (this.pagesInFlight === 0) this.heldEvents = [];
    for (const [type, data] of held) this.applyEvent(type, data);
  },

  applyEvent(type, data) {
    if (type === "message.created") {
      if (!data.message) return; // a malformed frame: nothing to draw
      this.indicators.stopTyping(data.message.author && data.message.author.id);
      this.append(data.message);
    } else if (type === "message.updated") {
      const item = this.items.get(data.message_id);
      if (!item) return;
      const changes = data.changes || {};
      this.replace({ ...item.message, ...changes, edit_count: data.edit_count, edited_at: data.modified_at || new Date().toISOString() });
      this.indicators.stopEditing(data.message_id);
    } else if (type === "message.deleted") {
      this.markDeleted(data.message_id);
    } else if (type === "message.reaction.added" || type === "message.reaction.removed") {
      this.applyReaction(data, type === "message.reaction.added");
    } else if (type === "message.reaction.cleared") {
      const item = this.items.get(data.message_id);
      if (!item) return;
      const reactions = data.emoji ? (item.message.reactions || []).filter((r) => r.emoji !== data.emoji) : [];
      this.replace({ ...item.message, reactions });
    } else if (type === "message.stars.updated") {
      const fields = { stars: data.stars };
      if (data.by_you !== undefined) fields.starred_by_you = data.by_you;
      this.patch(data.message_id, fields);
    } else if (type === "message.appended") {
      this.appendEmbeds(data);
    } else if (type === "message.pinned") {
      this.patch(data.message_id, { pinned: true, pinned_at: data.pinned_at });
    } else if (type === "message.unpinned") {
      this.patch(data.message_id, { pinned: false, pinned_at: null });
    } else if (type === "typing.started") {
      this.indicators.startTyping(data.user_id, data.expires_at);
    } else if (type === "typing.stopped") {
      this.indicators.stopTyping(data.user_id);
    } else if (type === "message.editing.started") {
      this.indicators.startEditing(data.message_id, data.user_id);
    } else if (type === "message.editing.stopped") {
      this.indicators.stopEditing(data.message_id);
    }
  },

  // Embeds added after sending (`position`: the index of the first; an older server
  // sends none, and they go at the end unless the message already ends with them).
  appendEmbeds(data) {
    const item = this.items.get(data.message_id);
    if (!item || !Array.isArray(data.embeds) || !data.embeds.length) return;
    const old = item.message.embeds || [];
    const at = data.position;
    if (Number.isInteger(at) && at >= 0 && at <= old.length) {
      this.patch(data.message_id, { embeds: [...old.slice(0, at), ...data.embeds] });
    } else if (!endsWith(old, data.embeds)) {
      this.patch(data.message_id, { embeds: [...old, ...data.embeds] });
    }
  },

  applyReaction(data, added) {
    const item = this.items.get(data.message_id);
    if (!item) return;
    const reactions = (item.message.reactions || []).map((r) => ({ ...r, user_ids: [...(r.user_ids || [])] }));
    let entry = reactions.find((r) => r.emoji === data.emoji);
    if (!entry) {
      entry = { emoji: data.emoji, count: 0, user_ids: [] };
      reactions.push(entry);
    }
    entry.count = data.count;
    const ids = new Set(entry.user_ids);
    if (added) ids.add(data.user_id);
    else ids.delete(data.user_id);
    entry.user_ids = [...ids];
    if (data.user_id === this.me.id) entry.me = added;
    this.replace({ ...item.message, reactions: reactions.filter((r) => r.count > 0) });
  }
};

// Whether `tail` is already the end of `embeds` (compared as JSON with sorted keys: a
// store may hand the keys back in its own order).
function endsWith(embeds, tail) {
  if (tail.length > embeds.length) return false;
  const start = embeds.length - tail.length;
  return tail.every((embed, i) => canonical(embed) === canonical(embeds[start + i]));
}

function canonical(value) {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
