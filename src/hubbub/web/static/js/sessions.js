// The sessions dialog: every login of this user, each revocable (GET/DELETE /sessions).

import { api } from "./api.js";
import { byId, el, formatTime } from "./dom.js";

export function bindSessions(onCurrentRevoked) {
  const dialog = byId("sessions-dialog");
  const list = byId("sessions-list");

  async function refresh() {
    list.replaceChildren(el("li", { text: "Loading…" }));
    let sessions;
    try {
      sessions = (await api("GET", "/sessions")).sessions;
    } catch (err) {
      list.replaceChildren(el("li", { className: "error", text: err.message }));
      return;
    }
    list.replaceChildren(
      ...sessions.map((s) => {
        const label = `${s.name || s.client || s.kind}${s.current ? " (this one)" : ""}`;
        const revoke = el("button", { type: "button", "data-testid": "session-revoke", text: "Revoke", "aria-label": `Revoke ${label}` });
        const error = el("span", { className: "error", role: "alert" });
        revoke.addEventListener("click", async () => {
          revoke.disabled = true;
          error.textContent = "";
          try {
            await api("DELETE", `/sessions/${s.id}`);
          } catch (err) {
            // Already gone (ended elsewhere since the list loaded) or offline: say so.
            revoke.disabled = false;
            error.textContent = ` ${err.message}`;
            return;
          }
          if (s.current) {
            dialog.close();
            onCurrentRevoked();
          } else {
            refresh();
          }
        });
        return el(
          "li",
          { "data-testid": "session", "data-session-id": s.id },
          el("span", { text: label }),
          el("span", { className: "muted", text: ` ${s.ip || ""} last seen ${formatTime(s.last_seen_at)} ` }),
          revoke,
          error,
        );
      }),
    );
  }

  byId("sessions-button").addEventListener("click", () => {
    dialog.showModal();
    refresh();
  });
}
