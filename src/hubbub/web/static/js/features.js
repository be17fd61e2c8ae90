// The features around the core chat view (app.js, messages.js, sidebar.js). Each is a
// module whose default export is an object with any of these hooks, called in the order
// of FEATURES:
//
//   init(ctx)                  once, at start-up, before any gateway frame
//   onReady(frame)             every gateway `ready` (fresh or resumed)
//   onEvent(frame)             every event frame, after the core handled it
//   onRoomOpened(room)         the message view now shows `room`
//   onRoomClosed()             no room is shown any more
//   messageActions(message, mine)  nodes appended to a message's action bar
//   messageExtras(message)     nodes appended under a message's body (attachments …)
//   onSignedOut()              the user signed out: forget per-user state
//
// `ctx` (built in app.js) is the only way features reach the core:
//   ctx.api(method, path, body)      REST (api.js)
//   ctx.me()                          the signed-in user, null before `ready`
//   ctx.users                         Map id → user seen so far (authors, actors …)
//   ctx.room()                        the room on screen, or null
//   ctx.rooms()                       Map id → room of the sidebar
//   ctx.upsertRoom(room) / ctx.removeRoom(id)   keep the sidebar current
//   ctx.sidebar                       the Sidebar: claim({owns(room), render()}) to list some
//                                     rooms elsewhere, item(room) to draw one as it does,
//                                     read(id) its unread/mention counts, settle() after
//                                     redrawing room links (tab stop, focus)
//   ctx.openRoom(id) / ctx.openDm(userId)
//   ctx.gateway()                     the Gateway (send ops), null when signed out
//   ctx.view                          the MessageView (items, reload(), rerender(id), patch(id, fields) …)
//   ctx.error(message)                shows an error under the composer
//   ctx.provide(name, fn) / ctx.call(name, ...args)   named services between features
//                                     (e.g. "showProfile"); call() is a no-op when absent
//
// Mount points in index.html: #me-tools (sidebar header), #sidebar-spaces (above the
// room list), #sidebar-tools (below the DMs), #room-feature-tools (room header buttons),
// #room-banners (above the messages), #room-aside (side column), #composer-extras (above
// the composer), #composer-tools (buttons beside the input). Each feature also has its
// own stylesheet under /static/css/. Elements a feature creates are kept as references,
// never looked up with byId (a test checks every byId name is in index.html).

import composer from "./composer.js";
import embeds from "./embeds.js";
import media from "./media.js";
import moderation from "./moderation.js";
import people from "./people.js";
import schedule from "./schedule.js";
import spaces from "./spaces.js";
import switcher from "./switcher.js";
import tabTitle from "./tab-title.js";
import theme from "./theme.js";

export const FEATURES = [spaces, people, composer, embeds, moderation, media, schedule, tabTitle, theme, switcher];

// Runs `hook` of every feature that has it; one feature's failure is logged and does not
// stop the others (nor the core).
export function each(hook, ...args) {
  const results = [];
  for (const feature of FEATURES) {
    const fn = feature[hook];
    if (typeof fn !== "function") continue;
    try {
      const out = fn.apply(feature, args);
      if (out && typeof out.catch === "function") out.catch((err) => console.error(feature.name, hook, err));
      else if (Array.isArray(out)) results.push(...out);
    } catch (err) {
      console.error(feature.name, hook, err);
    }
  }
  return results;
}
