// Register / log in / log out. The token lives in localStorage so a reload keeps the
// session (docs/web.md discusses the trade-off: readable by any script on the origin,
// which the strict CSP and the sanitised message HTML are there to rule out).

import { api, setToken } from "./api.js";
import { byId } from "./dom.js";

const KEY = "hubbub.token";

export function storedToken() {
  try {
    return localStorage.getItem(KEY);
  } catch (err) {
    return null;
  }
}

function remember(token) {
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch (err) {
    // Private mode without storage: the session lasts as long as the tab.
  }
  setToken(token);
}

export function bindAuthForms(onLoggedIn) {
  const error = byId("auth-error");
  const submit = (formId, path) => {
    const form = byId(formId);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      error.textContent = "";
      const data = new FormData(form);
      const body = { username: String(data.get("username")), password: String(data.get("password")) };
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const result = await api("POST", path, body);
        remember(result.token);
        form.reset();
        onLoggedIn(result.token);
      } catch (err) {
        error.textContent = err.message;
      } finally {
        button.disabled = false;
      }
    });
  };
  submit("login-form", "/auth/login");
  submit("register-form", "/auth/register");
}

export async function logout() {
  try {
    await api("POST", "/auth/logout");
  } catch (err) {
    // Already revoked or offline: forgetting the token locally is what matters.
  }
  remember(null);
}

export function forget() {
  remember(null);
}

export function adopt(token) {
  setToken(token);
}
